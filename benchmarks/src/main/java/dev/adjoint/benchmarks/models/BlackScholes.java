package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * Benchmark model 1: the Black-Scholes price of a European call, five inputs, loop-free. Adjoint
 * generates {@code BlackScholesAdjoint} from {@link #call}; the benchmarks time its pullback.
 */
public final class BlackScholes {

    // Abramowitz and Stegun 26.2.17: for x >= 0, 1 - Φ(x) ≈ φ(x)·(B1·t + ... + B5·t⁵),
    // t = 1/(1 + P·x), |error| < 7.5e-8; Φ(-x) = 1 - Φ(x) covers x < 0.
    static final double P = 0.2316419;
    static final double B1 = 0.319381530;
    static final double B2 = -0.356563782;
    static final double B3 = 1.781477937;
    static final double B4 = -1.821255978;
    static final double B5 = 1.330274429;
    /** 1/√(2π), the factor of the standard normal density φ. */
    static final double INV_SQRT_2PI = 0.3989422804014327;

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
    @Differentiable(order = 2) // order 2: the benchmark's Hessian row
    public static double call(double s, double k, double r, double sigma, double t) {
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        // Φ(d1), Φ(d2) written inline, as in the hand-written adjoint it is compared with
        double a1 = Math.abs(d1);
        double t1 = 1.0 / (1.0 + P * a1);
        double tail1 = INV_SQRT_2PI * Math.exp(-0.5 * a1 * a1) * t1 * (B1 + t1 * (B2 + t1 * (B3 + t1 * (B4 + t1 * B5))));
        double cdf1 = d1 >= 0 ? 1.0 - tail1 : tail1;
        double a2 = Math.abs(d2);
        double t2 = 1.0 / (1.0 + P * a2);
        double tail2 = INV_SQRT_2PI * Math.exp(-0.5 * a2 * a2) * t2 * (B1 + t2 * (B2 + t2 * (B3 + t2 * (B4 + t2 * B5))));
        double cdf2 = d2 >= 0 ? 1.0 - tail2 : tail2;
        return s * cdf1 - k * Math.exp(-r * t) * cdf2;
    }
}
