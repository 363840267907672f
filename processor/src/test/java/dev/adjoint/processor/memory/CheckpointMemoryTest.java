package dev.adjoint.processor.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Checkpointing bounds a pullback's memory, shown in JVMs of their own with a small heap
 * ({@link LongLoop}): ten million iterations of the iterate model run in 32 MB checkpointed, where
 * the pullback recording every iteration runs out (it keeps 80 MB of values); and, with
 * {@code -Dadjoint.longRuns=true} (it takes a minute or more), a hundred million run in 256 MB,
 * the figure. The gradient is forward mode's derivative each time.
 */
class CheckpointMemoryTest {

    /** {@code gradient tangent seconds peakHeapBytes}, or the exit code when it failed. */
    private record Outcome(int exit, String output) {
        double[] numbers() {
            return java.util.Arrays.stream(output.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        }
    }

    private static Outcome run(String heap, String mode, int n) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                LongLoop.class.getName(), mode, Integer.toString(n))).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.MINUTES));
        return new Outcome(p.exitValue(), output);
    }

    private static void assertTangent(Outcome o, String what) {
        assertEquals(0, o.exit(), what + ": " + o.output());
        double[] r = o.numbers();
        assertTrue(r[0] > 1, what + ": a gradient that does not vanish, " + r[0]);
        assertEquals(r[1], r[0], 1e-12 * r[1], what + ": against forward mode");
        System.out.printf("%s: gradient %s, %.1f s, peak heap %.1f MB%n", what, r[0], r[2], r[3] / 1e6);
    }

    @Test
    void tenMillionIterationsInThirtyTwoMegabytes() throws Exception {
        assertTangent(run("32m", "checkpointed", 10_000_000), "checkpointed, n = 10^7, -Xmx32m");
        Outcome recorded = run("32m", "recorded", 10_000_000);
        assertEquals(3, recorded.exit(), "recording every iteration should not fit: " + recorded.output());
    }

    @Test
    @EnabledIfSystemProperty(named = "adjoint.longRuns", matches = "true")
    void aHundredMillionIterationsInTwoHundredFiftySixMegabytes() throws Exception {
        assertTangent(run("256m", "checkpointed", 100_000_000), "checkpointed, n = 10^8, -Xmx256m");
        Outcome recorded = run("256m", "recorded", 100_000_000);
        assertEquals(3, recorded.exit(), "recording every iteration should not fit: " + recorded.output());
    }
}
