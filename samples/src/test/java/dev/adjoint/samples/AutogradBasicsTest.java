package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AutogradBasics prints the notebook's PyTorch output lines, in order. */
class AutogradBasicsTest {

    private static final List<String> EXPECTED_IN_ORDER = List.of(
            "tensor(5., requires_grad=True)",
            "tensor(25., grad_fn=<PowBackward0>)",
            "Gradient of y with respect to x: tensor(10.)",
            "tensor(5., requires_grad=True)",
            "tensor(25., grad_fn=<PowBackward0>)",
            "tensor(-0.1324, grad_fn=<SinBackward0>)",
            "Gradient of z with respect to x: tensor(9.9120)",
            "tensor(2., requires_grad=True)",
            "tensor(4., grad_fn=<PowBackward0>)",
            "tensor(4.)",
            "tensor(0.)");

    @Test
    void printsTheNotebookLinesInOrder() {
        String[] lines = run().split("\\R");
        int next = 0;
        for (String line : lines) {
            if (next < EXPECTED_IN_ORDER.size() && line.equals(EXPECTED_IN_ORDER.get(next))) {
                next++;
            }
        }
        if (next < EXPECTED_IN_ORDER.size()) {
            fail("missing (in order) line: " + EXPECTED_IN_ORDER.get(next) + "\noutput was:\n" + String.join("\n", lines));
        }
    }

    @Test
    void showsAccumulationAndThatStoppedTrackingHasNoGradFn() {
        String out = run();
        assertTrue(out.contains("accumulated: tensor(8.)"), out);
        assertTrue(out.contains("detach():                  tensor(9.)\n"), out);
        assertTrue(out.contains("inside Tensor.noGrad():    tensor(9.)\n"), out);
        assertTrue(out.contains("after requiresGrad(false): tensor(9.)\n"), out);
        assertTrue(out.contains("tracked:                   tensor(9., grad_fn=<PowBackward0>)"), out);
    }

    private static String run() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            AutogradBasics.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }
}
