package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/** The seed notebook's function, z = sin(x²), for which Adjoint generates {@code SeedFunctionAdjoint}. */
public final class SeedFunction {

    private SeedFunction() {}

    /** sin(x²); its derivative is 2x·cos(x²). */
    @Differentiable
    public static double sinOfSquare(double x) {
        return Math.sin(x * x);
    }
}
