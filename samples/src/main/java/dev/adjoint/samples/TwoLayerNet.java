package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A two-layer network for two-dimensional points, 2 → 3 (tanh) → 1 (logit), written as plain
 * Java over one weight vector. Adjoint generates {@code TwoLayerNetAdjoint}, whose
 * {@code loss(Tensor w, double x1, double x2, double y)} overload puts the whole network on the
 * tape as a single {@code LossBackward} node with the weight vector as its one input.
 *
 * <p>Layout of {@code w} ({@link #WEIGHTS} = 4·{@link #HIDDEN} + 1 entries): hidden unit j has
 * weights {@code w[3j]} (of x1), {@code w[3j+1]} (of x2) and bias {@code w[3j+2]}; the output layer
 * has weight {@code w[3·HIDDEN + j]} for unit j and bias {@code w[4·HIDDEN]}.
 */
public final class TwoLayerNet {

    static final int HIDDEN = 3;
    static final int WEIGHTS = 4 * HIDDEN + 1;

    private TwoLayerNet() {}

    /** The network's output for the point (x1, x2): the logit z, with P(y = 1) = σ(z). */
    @Differentiable(wrt = {"w"})
    public static double logit(double[] w, double x1, double x2) {
        double z = 0;
        for (int j = 0; j < HIDDEN; j++) {
            double h = Math.tanh(w[3 * j] * x1 + w[3 * j + 1] * x2 + w[3 * j + 2]);
            z += w[3 * HIDDEN + j] * h;
        }
        return z + w[4 * HIDDEN];
    }

    /**
     * Binary cross-entropy of the network's prediction for the point (x1, x2) against its label
     * {@code y} (0 or 1). Gradients are taken with respect to the weights only: the sample is data.
     */
    @Differentiable(wrt = {"w"})
    public static double loss(double[] w, double x1, double x2, double y) {
        double z = logit(w, x1, x2);
        // -[y·log σ(z) + (1 - y)·log(1 - σ(z))] in the overflow-free form PyTorch's
        // BCEWithLogitsLoss uses: max(z, 0) - y·z + log(1 + exp(-|z|)).
        return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
