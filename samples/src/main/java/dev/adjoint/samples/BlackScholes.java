package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The Black-Scholes price of a European call, written once as plain Java. At compile time Adjoint
 * generates {@code BlackScholesAdjoint} from it: {@code callGradient(...)} returns all five
 * first-order sensitivities in one reverse sweep.
 */
public final class BlackScholes {

    // Abramowitz and Stegun 7.1.26: erf(z) ≈ 1 - (a1·u + ... + a5·u⁵)·exp(-z²), u = 1/(1 + p·z), |error| < 1.5e-7
    static final double P = 0.3275911;
    static final double A1 = 0.254829592;
    static final double A2 = -0.284496736;
    static final double A3 = 1.421413741;
    static final double A4 = -1.453152027;
    static final double A5 = 1.061405429;
    static final double SQRT2 = 1.4142135623730951;

    private BlackScholes() {}

    /**
     * Price of a European call.
     *
     * @param s spot price
     * @param k strike
     * @param r continuously compounded risk-free rate
     * @param sigma volatility
     * @param t time to expiry in years
     */
    @Differentiable
    public static double call(double s, double k, double r, double sigma, double t) {
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        // Φ(d1) and Φ(d2) through erf, Φ(x) = (1 ± erf(|x|/√2))/2. Written inline: calls between
        // @Differentiable methods arrive with control-flow support.
        double z1 = Math.abs(d1) / SQRT2;
        double u1 = 1.0 / (1.0 + P * z1);
        double erf1 = 1.0 - u1 * (A1 + u1 * (A2 + u1 * (A3 + u1 * (A4 + u1 * A5)))) * Math.exp(-z1 * z1);
        double cdf1 = d1 >= 0 ? 0.5 * (1.0 + erf1) : 0.5 * (1.0 - erf1);
        double z2 = Math.abs(d2) / SQRT2;
        double u2 = 1.0 / (1.0 + P * z2);
        double erf2 = 1.0 - u2 * (A1 + u2 * (A2 + u2 * (A3 + u2 * (A4 + u2 * A5)))) * Math.exp(-z2 * z2);
        double cdf2 = d2 >= 0 ? 0.5 * (1.0 + erf2) : 0.5 * (1.0 - erf2);
        return s * cdf1 - k * Math.exp(-r * t) * cdf2;
    }

    /** Φ(x), the same approximation as inside {@link #call}, for the closed-form Greeks. */
    static double normalCdf(double x) {
        double z = Math.abs(x) / SQRT2;
        double u = 1.0 / (1.0 + P * z);
        double erf = 1.0 - u * (A1 + u * (A2 + u * (A3 + u * (A4 + u * A5)))) * Math.exp(-z * z);
        return x >= 0 ? 0.5 * (1.0 + erf) : 0.5 * (1.0 - erf);
    }

    /** φ(x), the standard normal density. */
    static double normalPdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
