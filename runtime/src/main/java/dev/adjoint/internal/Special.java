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

    /**
     * ∂/∂a of {@code MathUtils.normalizeAngle(a, center)} = a − 2π⌊(a + π − center)/2π⌋: 1, the
     * angle shifted by a whole number of turns (the turns jump only where the result is at center ± π).
     */
    public static double normalizeAngleDerivativeA(double a, double center) {
        return 1.0;
    }

    /** ∂/∂center of {@code MathUtils.normalizeAngle(a, center)}: 0, the centre choosing only the whole turns. */
    public static double normalizeAngleDerivativeCenter(double a, double center) {
        return 0.0;
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

    /** A series or continued fraction stops once a step changes its value by less than this, relatively. */
    private static final double EPS = 1e-16;

    /** What a continued fraction's denominators are kept away from 0 by (modified Lentz). */
    private static final double TINY = 1e-300;

    /** The most steps a series or continued fraction takes. */
    private static final int MAX_STEPS = 100_000;

    /**
     * ∂/∂a P(a, x), the regularized lower incomplete gamma function's derivative in its shape a,
     * which has no closed form: P's series (x &lt; a + 1) or Q's continued fraction (Legendre's,
     * modified Lentz) carried with its derivative in a, as forward mode would; 0 at x = 0 and +∞,
     * where P is 0 or 1 for every a.
     */
    public static double regularizedGammaPDerivativeA(double a, double x) {
        return gammaP(a, x, false);
    }

    /** {@link #regularizedGammaPDerivativeA(double, double)} for the overload with a tolerance and an iteration bound. */
    public static double regularizedGammaPDerivativeA(double a, double x, double epsilon, int maxIterations) {
        return gammaP(a, x, false);
    }

    /** ∂/∂a Q(a, x) = −∂/∂a P(a, x). */
    public static double regularizedGammaQDerivativeA(double a, double x) {
        return -gammaP(a, x, false);
    }

    /** {@link #regularizedGammaQDerivativeA(double, double)} for the overload with a tolerance and an iteration bound. */
    public static double regularizedGammaQDerivativeA(double a, double x, double epsilon, int maxIterations) {
        return -gammaP(a, x, false);
    }

    /** P(a, x) by the same code as its derivative in a: what the tests check that derivative against. */
    static double regularizedGammaP(double a, double x) {
        return gammaP(a, x, true);
    }

    /** P(a, x) ({@code value}) or ∂P/∂a. */
    private static double gammaP(double a, double x, boolean value) {
        if (!(a > 0) || !(x >= 0)) {
            return Double.NaN;
        }
        if (x == 0 || x == Double.POSITIVE_INFINITY) {
            return value ? (x == 0 ? 0 : 1) : 0;
        }
        double lx = Math.log(x);
        if (x < a + 1) {
            // P = x^a e^-x / Γ(a + 1) · Σ tₙ, t₀ = 1, tₙ = tₙ₋₁ · x/(a + n): ∂tₙ/∂a = (∂tₙ₋₁/∂a − tₙ₋₁/(a + n)) · x/(a + n)
            double front = Math.exp(a * lx - x - logGamma(a + 1));
            double t = 1;
            double dt = 0;
            double sum = 1;
            double dsum = 0;
            for (int n = 1; n < MAX_STEPS; n++) {
                double r = x / (a + n);
                dt = (dt - t / (a + n)) * r;
                t *= r;
                sum += t;
                dsum += dt;
                if (Math.abs(t) <= EPS * sum && Math.abs(dt) <= EPS * (Math.abs(dsum) + sum)) {
                    break;
                }
            }
            return value ? front * sum : front * ((lx - digamma(a + 1)) * sum + dsum);
        }
        // Q = x^a e^-x / Γ(a) · 1/(x + 1 − a − 1(1 − a)/(x + 3 − a − 2(2 − a)/(x + 5 − a − ...)))
        double b = x + 1 - a;
        Lentz f = new Lentz(1 / b, 1 / (b * b)); // ∂(1/b)/∂a, ∂b/∂a = −1
        for (int i = 1; i < MAX_STEPS; i++) {
            b += 2;
            if (f.step(-i * (i - a), i, b, -1)) {
                break;
            }
        }
        double h = f.h;
        double dh = f.dh;
        double front = Math.exp(a * lx - x - logGamma(a));
        return value ? 1 - front * h : -front * ((lx - digamma(a)) * h + dh);
    }

    /**
     * ∂/∂a I_x(a, b), the regularized incomplete beta function's derivative in its first shape
     * parameter: its continued fraction carried with its derivative, as forward mode would (below
     * the mean, else through I_x(a, b) = 1 − I_(1−x)(b, a)); 0 at x = 0 and 1.
     */
    public static double regularizedBetaDerivativeA(double x, double a, double b) {
        return beta(x, a, b, 1, 0, false);
    }

    /** ∂/∂b I_x(a, b), as {@link #regularizedBetaDerivativeA(double, double, double)}. */
    public static double regularizedBetaDerivativeB(double x, double a, double b) {
        return beta(x, a, b, 0, 1, false);
    }

    /** {@link #regularizedBetaDerivativeA(double, double, double)} for the overload with a tolerance. */
    public static double regularizedBetaDerivativeA(double x, double a, double b, double epsilon) {
        return beta(x, a, b, 1, 0, false);
    }

    /** {@link #regularizedBetaDerivativeB(double, double, double)} for the overload with a tolerance. */
    public static double regularizedBetaDerivativeB(double x, double a, double b, double epsilon) {
        return beta(x, a, b, 0, 1, false);
    }

    /** {@link #regularizedBetaDerivativeA(double, double, double)} for the overload with an iteration bound. */
    public static double regularizedBetaDerivativeA(double x, double a, double b, int maxIterations) {
        return beta(x, a, b, 1, 0, false);
    }

    /** {@link #regularizedBetaDerivativeB(double, double, double)} for the overload with an iteration bound. */
    public static double regularizedBetaDerivativeB(double x, double a, double b, int maxIterations) {
        return beta(x, a, b, 0, 1, false);
    }

    /** {@link #regularizedBetaDerivativeA(double, double, double)} for the overload with both. */
    public static double regularizedBetaDerivativeA(double x, double a, double b, double epsilon, int maxIterations) {
        return beta(x, a, b, 1, 0, false);
    }

    /** {@link #regularizedBetaDerivativeB(double, double, double)} for the overload with both. */
    public static double regularizedBetaDerivativeB(double x, double a, double b, double epsilon, int maxIterations) {
        return beta(x, a, b, 0, 1, false);
    }

    /** I_x(a, b) by the same code as its derivatives in a and b: what the tests check them against. */
    static double regularizedBeta(double x, double a, double b) {
        return beta(x, a, b, 0, 0, true);
    }

    /** I_x(a, b) ({@code value}), or its derivative in the direction (sa, sb) of (a, b). */
    private static double beta(double x, double a, double b, double sa, double sb, boolean value) {
        if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) {
            return Double.NaN;
        }
        if (x == 0 || x == 1) {
            return value ? x : 0;
        }
        if (x > (a + 1) / (a + b + 2)) {
            // above the mean, through I_x(a, b) = 1 − I_(1−x)(b, a): once, whatever 1 − x rounds to
            double mirrored = fraction(1 - x, b, a, sb, sa, value);
            return value ? 1 - mirrored : -mirrored;
        }
        return fraction(x, a, b, sa, sb, value);
    }

    /** I_x(a, b) or its derivative by the continued fraction, which converges fast below the mean. */
    private static double fraction(double x, double a, double b, double sa, double sb, boolean value) {
        double ab = digamma(a + b);
        double front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logGamma(a) - logGamma(b) + logGamma(a + b));
        double dLogFront = sa * (Math.log(x) - digamma(a) + ab) + sb * (Math.log1p(-x) - digamma(b) + ab);
        // 1/(1 + d₁/(1 + d₂/(1 + ...))): d₂ₘ₊₁ = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)),
        // d₂ₘ = m(b − m)x / ((a + 2m − 1)(a + 2m)), each with its derivative
        Lentz f = new Lentz(1, 0);
        for (int k = 0; k < 2 * MAX_STEPS; k++) {
            double num;
            double dnum;
            double den;
            double dden;
            if (k % 2 == 0) {
                int m = k / 2;
                num = -(a + m) * (a + b + m) * x;
                dnum = -(sa * (a + b + m) + (a + m) * (sa + sb)) * x;
                den = (a + 2 * m) * (a + 2 * m + 1);
                dden = sa * (2 * a + 4 * m + 1);
            } else {
                int m = (k + 1) / 2;
                num = m * (b - m) * x;
                dnum = m * sb * x;
                den = (a + 2 * m - 1) * (a + 2 * m);
                dden = sa * (2 * a + 4 * m - 1);
            }
            double term = num / den;
            if (f.step(term, (dnum - term * dden) / den, 1, 0)) {
                break;
            }
        }
        double h = f.h;
        double dh = f.dh;
        double result = front * h / a;
        return value ? result : result * (dLogFront + dh / h - sa / a);
    }

    /**
     * A continued fraction h = b₀ + a₁/(b₁ + a₂/(b₂ + ...)) by modified Lentz, each quantity carried
     * with its derivative in one direction (forward mode by hand): {@code step} takes the next aᵢ, bᵢ
     * and theirs, and says when the value and its derivative have converged.
     */
    private static final class Lentz {
        private double c = 1 / TINY;
        private double dc;
        private double d;
        private double dd;
        double h;
        double dh;

        /** Started from h = d = 1/b₀ (or 1) and its derivative. */
        Lentz(double d, double dd) {
            this.d = d;
            this.dd = dd;
            this.h = d;
            this.dh = dd;
        }

        boolean step(double a, double da, double b, double db) {
            double den = b + a * d;
            double dden = db + da * d + a * dd;
            if (Math.abs(den) < TINY) {
                den = TINY;
            }
            double next = b + a / c;
            dc = db + (da * c - a * dc) / (c * c);
            c = Math.abs(next) < TINY ? TINY : next;
            d = 1 / den;
            dd = -dden * d * d;
            double step = d * c;
            double dstep = dd * c + d * dc;
            dh = dh * step + h * dstep;
            h *= step;
            return Math.abs(step - 1) <= EPS && Math.abs(dstep) <= EPS * Math.max(1, Math.abs(dh / h));
        }
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
