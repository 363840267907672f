package dev.adjoint.internal;

/**
 * Derivatives of library special functions that have no derivative method of their own in their
 * library, called by generated code (the processor's built-in partials for Commons Math's,
 * Hipparchus' and Commons Numbers' {@code erf} and {@code erfc}, and log B's partials). Not part of
 * the API.
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

    /** ∂/∂a log B(a, b) = ψ(a) − ψ(a + b), for a, b > 0. */
    public static double logBetaDerivativeA(double a, double b) {
        return digamma(a) - digamma(a + b);
    }

    /** ∂/∂b log B(a, b) = ψ(b) − ψ(a + b), for a, b > 0. */
    public static double logBetaDerivativeB(double a, double b) {
        return digamma(b) - digamma(a + b);
    }

    /**
     * ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
     * ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ), whose first omitted term is below 1e-15 there.
     */
    static double digamma(double x) {
        if (!(x > 0)) {
            return Double.NaN;
        }
        double shift = 0;
        while (x < 10) {
            shift -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132
                - f * (691.0 / 32760 - f / 12))))));
        return shift + Math.log(x) - 0.5 / x - series;
    }
}
