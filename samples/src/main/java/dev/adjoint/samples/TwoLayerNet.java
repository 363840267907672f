package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A two-layer network for two-dimensional points, 2 → 3 (tanh) → 1 (logit), written as one plain
 * Java method: the loss of one sample. Adjoint generates {@code TwoLayerNetAdjoint}, whose
 * {@code loss(Tensor..., double x1, double x2, double y)} overload puts the whole network on the
 * tape as a single {@code LossBackward} node.
 *
 * <p>The thirteen weights are separate scalars because today's processor differentiates
 * straight-line code over {@code double} parameters; with {@code double[]} parameters they become
 * one weight vector.
 */
public final class TwoLayerNet {

    private TwoLayerNet() {}

    /**
     * Binary cross-entropy of the network's prediction for the point (x1, x2) against its label
     * {@code y} (0 or 1). Gradients are taken with respect to the weights only: the sample is data.
     *
     * @param w11 first hidden unit: weight of x1 (likewise w12 for x2, b1 its bias; units 2 and 3 alike)
     * @param v1 output layer: weight of hidden unit 1 (likewise v2, v3; c the output bias)
     */
    @Differentiable(wrt = {"w11", "w12", "b1", "w21", "w22", "b2", "w31", "w32", "b3", "v1", "v2", "v3", "c"})
    public static double loss(
            double w11, double w12, double b1,
            double w21, double w22, double b2,
            double w31, double w32, double b3,
            double v1, double v2, double v3, double c,
            double x1, double x2, double y) {
        double h1 = Math.tanh(w11 * x1 + w12 * x2 + b1);
        double h2 = Math.tanh(w21 * x1 + w22 * x2 + b2);
        double h3 = Math.tanh(w31 * x1 + w32 * x2 + b3);
        double z = v1 * h1 + v2 * h2 + v3 * h3 + c; // the logit: P(y = 1) = σ(z)
        // -[y·log σ(z) + (1 - y)·log(1 - σ(z))] in the overflow-free form PyTorch's
        // BCEWithLogitsLoss uses: max(z, 0) - y·z + log(1 + exp(-|z|)).
        return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
