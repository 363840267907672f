package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * Benchmark model 4: one variable overwritten in a long loop, {@code x = sin(x) + x/2}. Reverse
 * mode must keep every overwritten value (or recompute it): the test of a tape's cost per
 * iteration. The benchmarks run {@link #STEPS} steps; the step count is a parameter (an
 * {@code int}, passed through undifferentiated) so that tests can also check a short run, whose
 * derivative is not lost to underflow: each step multiplies it by {@code cos(x) + 1/2}, about
 * 0.18 near the attracting fixed point x ≈ 1.8955, so after 10,000 steps it is exactly 0.
 *
 * <p>Adjoint generates {@code OverwriteAdjoint} from {@link #overwrite}.
 */
public final class Overwrite {

    /** The step count the benchmarks use. */
    public static final int STEPS = 10_000;

    private Overwrite() {}

    /** {@code steps} times {@code x = sin(x) + 0.5·x}. */
    @Differentiable
    public static double overwrite(double x, int steps) {
        for (int i = 0; i < steps; i++) {
            x = Math.sin(x) + 0.5 * x;
        }
        return x;
    }
}
