package dev.adjoint.processor.size;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checkpointing (issue 20) and splitting (issue 19) together: a method long enough that its
 * pullback is split into parts sharing a frame, with a checkpointed loop between two long
 * straight-line stretches. The schedule and the loop's count then live in the frame, the forward
 * sweep's driver in one part and the reverse sweep's in another. Every generated method stays
 * under the JIT's limit, and the gradient is bitwise its recording twin's (and central differences'
 * to 1e-7).
 */
class LargeCheckpointedMethodTest {

    private static InMemoryCompiler.Result result;

    /**
     * {@code a4 ... a(n+3)} from four inputs, {@code steps} iterations of {@code s = sin(s) + s/2 +
     * 0.01·a1} from the last, then {@code n} statements more from {@code s}: the same body for
     * both twins (the same seed).
     */
    static List<String> method(String annotation, String name, int n) {
        Random random = new Random(20);
        List<String> lines = new ArrayList<>();
        lines.add("    " + annotation);
        lines.add("    public static double " + name + "(double a0, double a1, double a2, double a3, int steps) {");
        lines.addAll(straight(4, n + 4, random));
        lines.add("        double s = a" + (n + 3) + ";");
        lines.add("        for (int k = 0; k < steps; k++) {");
        lines.add("            s = Math.sin(s) + 0.5 * s + 0.01 * a1;");
        lines.add("        }");
        lines.add("        double a" + (n + 4) + " = s;");
        lines.addAll(straight(n + 5, 2 * n + 5, random));
        lines.add("        return a" + (2 * n + 4) + " + 0.5 * a" + (2 * n + 3) + ";");
        lines.add("    }");
        return lines;
    }

    /**
     * {@code double aK = ...} for {@code from ≤ K < to}, each reading three of the eight values
     * before it and an input (so that the gradient does not vanish over hundreds of statements).
     */
    private static List<String> straight(int from, int to, Random random) {
        List<String> lines = new ArrayList<>();
        for (int k = from; k < to; k++) {
            int i = k - 1 - random.nextInt(Math.min(k, 8));
            int j = k - 1 - random.nextInt(Math.min(k, 8));
            int m = k - 1 - random.nextInt(Math.min(k, 8));
            String input = " + 0.1 * a" + (k % 4);
            String e = random.nextBoolean()
                    ? "0.6 * Math.sin(a" + i + " + a" + j + ") + 0.4 * Math.tanh(a" + m + ") * a" + i + input
                    : "0.5 * a" + i + " * Math.cos(a" + j + ") + 0.3 * a" + m + input;
            lines.add("        double a" + k + " = " + e + ";");
        }
        return lines;
    }

    @BeforeAll
    static void compile() {
        List<String> source = new ArrayList<>(List.of("package big;", "", "import dev.adjoint.Differentiable;", "",
                "public final class Steps {"));
        source.addAll(method("@Differentiable(checkpoints = 10)", "checkpointed", 150));
        source.add("");
        source.addAll(method("@Differentiable", "recorded", 150));
        source.add("}");
        result = new InMemoryCompiler().compile("big.Steps", String.join("\n", source), false);
        assertTrue(result.success(), result.diagnosticsText());
        assertEquals("", result.diagnosticsText(), "no warning either");
    }

    @Test
    void thePullbackIsSplitAndEveryPartIsUnderTheJitLimit() {
        String impl = result.generated("big.StepsAdjointImpl");
        assertTrue(impl.contains("_frame._ck = Checkpoints.start(10);"), "the schedule lives in the frame");
        assertTrue(impl.contains("_frame._ck.reverse(_frame._n1)"), "the reverse sweep's driver reads it there");
        for (Map.Entry<String, byte[]> c : result.classes().entrySet()) {
            if (c.getKey().startsWith("big.StepsAdjoint")) {
                Bytecode.codeLengths(c.getValue()).forEach((method, length) -> assertTrue(
                        length < LargeMethodTest.JIT_LIMIT, c.getKey() + "." + method + " has " + length + " bytes"));
            }
        }
    }

    @Test
    void theGradientIsBitwiseTheRecordedOne() throws ReflectiveOperationException {
        ClassLoader loader = result.loader();
        Class<?> api = loader.loadClass("big.StepsAdjoint");
        Class<?>[] parameters = {double.class, double.class, double.class, double.class, int.class};
        Method primal = loader.loadClass("big.Steps").getMethod("checkpointed", parameters);
        for (int steps : new int[] {0, 1, 9, 10, 11, 500, 20_000}) {
            Object[] x = {0.3, -0.7, 1.1, 0.45, steps};
            Object c = api.getMethod("checkpointedGradient", parameters).invoke(null, x);
            Object r = api.getMethod("recordedGradient", parameters).invoke(null, x);
            double[] checkpointed = new double[4];
            double[] recorded = new double[4];
            double largest = 0;
            for (int i = 0; i < 4; i++) {
                checkpointed[i] = c.getClass().getField("a" + i).getDouble(c);
                recorded[i] = r.getClass().getField("a" + i).getDouble(r);
                largest = Math.max(largest, Math.abs(checkpointed[i]));
                Object[] up = x.clone();
                Object[] down = x.clone();
                double h = 1e-6;
                up[i] = (double) x[i] + h;
                down[i] = (double) x[i] - h;
                double fd = ((double) primal.invoke(null, up) - (double) primal.invoke(null, down)) / (2 * h);
                assertEquals(fd, checkpointed[i], 1e-7 * Math.max(1, Math.abs(fd)), "steps = " + steps + ": ∂/∂a" + i);
            }
            assertTrue(largest > 0.05, "steps = " + steps + ": the largest partial derivative is only " + largest);
            assertArrayEquals(recorded, checkpointed, "steps = " + steps); // by the bits
        }
    }
}
