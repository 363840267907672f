package dev.adjoint.spark.models;

import dev.adjoint.Differentiable;

/**
 * Poisson regression with a log link, one example at a time: the tests use it for a loss that
 * overflows (e^{w·x} for large w·x) and a gradient that is NaN where the loss is finite.
 */
public final class Poisson {

    private Poisson() {}

    /** The negative log-likelihood of count {@code y} with mean e^η, η = w·x + b, less log(y!). */
    @Differentiable(wrt = "w")
    public static double loss(double[] w, double[] x, double y) {
        double eta = w[x.length];
        for (int k = 0; k < x.length; k++) {
            eta += w[k] * x[k];
        }
        return Math.exp(eta) - y * eta;
    }

    /**
     * √|w₀ − y|: finite everywhere, but its derivative at w₀ = y is ∞·0 = NaN, so a row with
     * y = w₀ has a finite loss and a NaN gradient.
     */
    @Differentiable(wrt = "w")
    public static double kink(double[] w, double[] x, double y) {
        return Math.sqrt(Math.abs(w[0] - y)) + 0.0 * x[0];
    }
}
