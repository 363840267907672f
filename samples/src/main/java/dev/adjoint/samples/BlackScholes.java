package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The Black-Scholes price of a European call, written once as plain Java. At compile time Adjoint
 * generates {@code BlackScholesAdjoint} from it: {@code callGradient(...)} returns all five
 * first-order sensitivities in one reverse sweep. The price calls {@link #normalCdf}, itself
 * {@code @Differentiable}, which calls {@link Special#erf}, whose derivative is given by hand
 * ({@code @DerivativeOf}); so the generated gradient is the exact derivative of the exact model.
 */
public final class BlackScholes {

    static final double SQRT2 = 1.4142135623730951;

    private BlackScholes() {}

    /**
     * Price of a European call.
     *
     * @param s spot price
     * @param k strike
     * @param r continuously compounded risk-free rate
     * @param sigma volatility, positive
     * @param t time to expiry in years, positive
     */
    @Differentiable(order = 2) // order 2: callHessian gives gamma, vanna and volga
    public static double call(double s, double k, double r, double sigma, double t) {
        if (sigma <= 0 || t <= 0) {
            throw new IllegalArgumentException("sigma and t must be positive, were " + sigma + " and " + t);
        }
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        return s * normalCdf(d1) - k * Math.exp(-r * t) * normalCdf(d2);
    }

    /** Φ(x), the standard normal distribution function: (1 + erf(x/√2))/2. */
    @Differentiable
    public static double normalCdf(double x) {
        return 0.5 * (1 + Special.erf(x / SQRT2));
    }

    /** φ(x), the standard normal density, for the closed-form Greeks. */
    static double normalPdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
