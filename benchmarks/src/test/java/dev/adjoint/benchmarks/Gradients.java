package dev.adjoint.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Comparing gradients component by component. */
final class Gradients {

    /** Central differences of smooth functions agree with exact gradients to about this. */
    static final double FD_TOLERANCE = 1e-6;
    /** Two exact gradients (reverse mode, tape, forward mode) agree to rounding: this. */
    static final double EXACT_TOLERANCE = 1e-12;

    private Gradients() {}

    /**
     * Asserts {@code |actual[i] - expected[i]| <= tolerance·max(|expected[i]|, ‖expected‖∞)}: a
     * relative comparison in which components much smaller than the largest one are compared
     * relative to the largest (their rounding error is that of the whole computation).
     */
    static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0.0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(Math.abs(expected[i]), scale);
            if (!(Math.abs(actual[i] - expected[i]) <= allowed)) {
                fail(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]
                        + " (allowed difference " + allowed + ")");
            }
        }
    }

    /**
     * Runs each variant of {@code bench} once (each adds its gradient into its own holder) and
     * asserts that each returns the primal's value.
     */
    static void runEveryVariant(ModelBench bench) {
        double value = bench.primal();
        assertSameValue("generated", value, bench.gradient());
        assertSameValue("hand-written", value, bench.handWritten());
        assertSameValue("tape", value, bench.tape());
        assertSameValue("DerivativeStructure", value, bench.derivativeStructure());
        assertSameValue("finite differences", value, bench.finiteDifferences());
    }

    /**
     * Asserts that the tape's and DerivativeStructure's gradients equal the hand-written one to
     * rounding, and that finite differences approximate it.
     */
    static void assertBaselinesAgree(double[] hand, double[] tape, double[] ds, double[] fd) {
        assertClose("tape vs hand-written", hand, tape, EXACT_TOLERANCE);
        assertClose("DerivativeStructure vs hand-written", hand, ds, EXACT_TOLERANCE);
        assertClose("finite differences vs hand-written", hand, fd, FD_TOLERANCE);
    }

    /** Asserts that two function values agree to rounding. */
    static void assertSameValue(String what, double expected, double actual) {
        assertEquals(expected, actual, EXACT_TOLERANCE * Math.max(1.0, Math.abs(expected)), what);
    }
}
