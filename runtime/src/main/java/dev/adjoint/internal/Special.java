package dev.adjoint.internal;

/**
 * Derivatives of library special functions that have no derivative method of their own in their
 * library, called by generated code (the processor's built-in partials for Commons Math's,
 * Hipparchus' and Commons Numbers' {@code erf} and {@code erfc}). Not part of the API.
 */
public final class Special {

    /** 2/√π. */
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Special() {}

    /** d/dx erf(x) = 2/√π · e^(−x²). */
    public static double erfDerivative(double x) {
        return TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }

    /** d/dx erfc(x) = −2/√π · e^(−x²). */
    public static double erfcDerivative(double x) {
        return -TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }
}
