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

    /**
     * Asserts that {@code tangent} equals ∇f·v = Σᵢ gradient[i]·v[i] to {@code tolerance}
     * relative to Σᵢ |gradient[i]·v[i]| (the size of the terms summed, so that a sum that cancels
     * is not held to more digits than its terms carry).
     */
    static void assertTangent(String what, double[] gradient, double[] v, double tangent, double tolerance) {
        assertEquals(gradient.length, v.length, what + ": length");
        double dot = 0.0;
        double scale = 0.0;
        for (int i = 0; i < gradient.length; i++) {
            dot += gradient[i] * v[i];
            scale += Math.abs(gradient[i] * v[i]);
        }
        assertEquals(dot, tangent, tolerance * scale, what + ": tangent vs gradient·v");
    }

    /** {@link #assertClose} on matrices, every entry relative to the largest one. */
    static void assertClose(String what, double[][] expected, double[][] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": rows");
        int n = expected.length;
        double[] e = new double[n * n];
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            assertEquals(n, expected[i].length, what + ": expected row " + i);
            assertEquals(n, actual[i].length, what + ": row " + i);
            System.arraycopy(expected[i], 0, e, i * n, n);
            System.arraycopy(actual[i], 0, a, i * n, n);
        }
        assertClose(what + " (row-major)", e, a, tolerance);
    }
}
