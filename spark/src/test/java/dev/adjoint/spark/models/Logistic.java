package dev.adjoint.spark.models;

import dev.adjoint.Differentiable;

/**
 * Logistic regression, one example at a time: what Spark MLlib's {@code LogisticRegression} fits
 * (binary, no regularisation), written as the plain Java of one example's loss. Adjoint generates
 * {@code LogisticAdjoint.lossPullback(w, x, y, seed, into)} from it.
 *
 * <p>{@code w} has {@code x.length + 1} entries: a weight per feature, then the intercept.
 */
public final class Logistic {

    private Logistic() {}

    /** The number of parameters for {@code features} features. */
    public static int parameters(int features) {
        return features + 1;
    }

    /**
     * The negative log-likelihood of label {@code y} (0 or 1) under P(y = 1) = σ(z), z = w·x + b:
     * log(1 + eᶻ) − y·z, computed without overflow.
     */
    @Differentiable(wrt = "w")
    public static double loss(double[] w, double[] x, double y) {
        double z = w[x.length];
        for (int k = 0; k < x.length; k++) {
            z += w[k] * x[k];
        }
        // log(1 + e^z) = max(z, 0) + log(1 + e^-|z|): never exp of a large positive number, and one
        // exp per example. max(z, 0) is written (z + |z|)/2, whose derivative (1 + signum z)/2 has
        // no branch (max's is 1, 1/2 or 0). At z = 0 (abs' = 0) the derivative is 1/2 = σ(0), as
        // it should be.
        double a = Math.abs(z);
        return 0.5 * (z + a) + Math.log1p(Math.exp(-a)) - y * z;
    }
}
