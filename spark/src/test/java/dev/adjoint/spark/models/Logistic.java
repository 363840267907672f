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
        // exp per example. At z = 0 the kinks' conventions (max splits evenly, abs' = 0) give the
        // derivative 1/2 = σ(0), as they should.
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z;
    }
}
