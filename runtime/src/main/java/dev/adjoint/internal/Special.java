package dev.adjoint.internal;

/**
 * Derivatives of library special functions that have no derivative method of their own in their
 * library, called by generated code (the processor's built-in partials for Commons Math's,
 * Hipparchus' and Commons Numbers' {@code erf} and {@code erfc}, log B's partials, Γ's, log Γ(1 + x)'s
 * and 1/Γ(1 + x) − 1's, FastMath's inverse hyperbolic functions', and the regularized incomplete
 * gamma and beta functions' derivatives in x).
 * Not part of the API.
 */
public final class Special {

    /** 2/√π. */
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    /** ½·ln 2π. */
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

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

    /** d/dx asinh(x) = 1/√(x² + 1), as 1/hypot(x, 1) so that it stays 1/|x| where x² overflows. */
    public static double asinhDerivative(double x) {
        return 1 / Math.hypot(x, 1);
    }

    /** d/dx acosh(x) = 1/√(x² − 1) for x > 1, as 1/√((x − 1)(x + 1)), exact near 1. */
    public static double acoshDerivative(double x) {
        return 1 / Math.sqrt((x - 1) * (x + 1));
    }

    /** d/dx atanh(x) = 1/(1 − x²) for |x| < 1, as 1/((1 − x)(1 + x)), exact near ±1. */
    public static double atanhDerivative(double x) {
        return 1 / ((1 - x) * (1 + x));
    }

    /** d/dx log Γ(1 + x) = ψ(1 + x); NaN at the poles of Γ(1 + x). */
    public static double logGamma1pDerivative(double x) {
        return psi(1 + x);
    }

    /** d/dx Γ(x) = Γ(x)·ψ(x); NaN at the poles 0, −1, −2, ... */
    public static double gammaDerivative(double x) {
        return gamma(x) * psi(x);
    }

    /** d/dx (1/Γ(1 + x) − 1) = −ψ(1 + x)/Γ(1 + x); NaN at the poles of Γ(1 + x). */
    public static double invGamma1pm1Derivative(double x) {
        return -psi(1 + x) / gamma(1 + x);
    }

    /** Γ(x): e^(log Γ(x)) for x > 0; below, by reflection, π/(sin(πx)·Γ(1 − x)); NaN at the poles. */
    private static double gamma(double x) {
        if (x > 0) {
            return Math.exp(logGamma(x));
        }
        if (!(x < 0) || x == Math.rint(x)) {
            return Double.NaN;
        }
        return Math.PI / (Math.sin(Math.PI * x) * Math.exp(logGamma(1 - x)));
    }

    /** ψ(x) on the whole line: below 0 by reflection, ψ(x) = ψ(1 − x) − π/tan(πx); NaN at the poles. */
    private static double psi(double x) {
        if (x > 0) {
            return digamma(x);
        }
        if (!(x < 0) || x == Math.rint(x)) {
            return Double.NaN;
        }
        return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
    }

    /**
     * ∂/∂x P(a, x), the regularized lower incomplete gamma function's derivative in x:
     * x^(a−1)·e^(−x)/Γ(a) for x > 0; at x = 0 its limit (1 for a = 1, 0 above, +∞ below); 0 at +∞.
     */
    public static double regularizedGammaPDerivativeX(double a, double x) {
        if (!(x >= 0) || !(a > 0)) {
            return Double.NaN;
        }
        if (x == 0) {
            return a == 1 ? 1 : a > 1 ? 0 : Double.POSITIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return Math.exp((a - 1) * Math.log(x) - x - logGamma(a));
    }

    /** {@link #regularizedGammaPDerivativeX(double, double)} for the overload with a tolerance and an iteration bound. */
    public static double regularizedGammaPDerivativeX(double a, double x, double epsilon, int maxIterations) {
        return regularizedGammaPDerivativeX(a, x);
    }

    /** ∂/∂x Q(a, x) = −∂/∂x P(a, x): Q = 1 − P. */
    public static double regularizedGammaQDerivativeX(double a, double x) {
        return -regularizedGammaPDerivativeX(a, x);
    }

    /** {@link #regularizedGammaQDerivativeX(double, double)} for the overload with a tolerance and an iteration bound. */
    public static double regularizedGammaQDerivativeX(double a, double x, double epsilon, int maxIterations) {
        return -regularizedGammaPDerivativeX(a, x);
    }

    /**
     * ∂/∂x I_x(a, b), the regularized incomplete beta function's derivative in x:
     * x^(a−1)·(1−x)^(b−1)/B(a, b) for 0 < x < 1; at 0 and 1 its limits.
     */
    public static double regularizedBetaDerivativeX(double x, double a, double b) {
        if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) {
            return Double.NaN;
        }
        double logB = logGamma(a) + logGamma(b) - logGamma(a + b);
        if (x == 0) {
            return a == 1 ? Math.exp(-logB) : a > 1 ? 0 : Double.POSITIVE_INFINITY;
        }
        if (x == 1) {
            return b == 1 ? Math.exp(-logB) : b > 1 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB);
    }

    /** {@link #regularizedBetaDerivativeX(double, double, double)} for the overload with a tolerance. */
    public static double regularizedBetaDerivativeX(double x, double a, double b, double epsilon) {
        return regularizedBetaDerivativeX(x, a, b);
    }

    /** {@link #regularizedBetaDerivativeX(double, double, double)} for the overload with an iteration bound. */
    public static double regularizedBetaDerivativeX(double x, double a, double b, int maxIterations) {
        return regularizedBetaDerivativeX(x, a, b);
    }

    /** {@link #regularizedBetaDerivativeX(double, double, double)} for the overload with both. */
    public static double regularizedBetaDerivativeX(double x, double a, double b, double epsilon, int maxIterations) {
        return regularizedBetaDerivativeX(x, a, b);
    }

    /**
     * log Γ(x) for x > 0: log Γ(x) = log Γ(x + n) − log(x(x + 1)⋯(x + n − 1)) up to x + n ≥ 10, then
     * Stirling's series (x − ½)·ln x − x + ½·ln 2π + Σ B₂ₖ/(2k(2k − 1)·x^(2k−1)) to k = 7, whose first
     * omitted term is below 1e-16 there.
     */
    static double logGamma(double x) {
        if (!(x > 0)) {
            return Double.NaN;
        }
        double product = 1;
        while (x < 10) {
            product *= x;
            x += 1;
        }
        double f = 1 / (x * x);
        double series = (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f * (1.0 / 1680 - f * (1.0 / 1188
                - f * (691.0 / 360360 - f / 156)))))) / x;
        return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - Math.log(product);
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
