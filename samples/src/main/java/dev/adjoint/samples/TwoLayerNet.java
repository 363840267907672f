package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.util.Random;

/**
 * A two-layer network for two-dimensional points, 2 → {@link #HIDDEN} (tanh) → 1 (logit), written
 * as a Java developer would: an object whose weights are its fields. Adjoint differentiates
 * {@link #loss} with respect to those fields ({@code wrt = "this.w1"}, ...), and generates
 * {@code TwoLayerNetAdjoint.loss(TwoLayerNet self, Tensor w1, Tensor b1, Tensor w2, Tensor b2, x1, x2,
 * y)}: the network on the tape as one {@code LossBackward} node whose inputs are the four weight
 * tensors, PyTorch's {@code nn.Module} parameters.
 */
public final class TwoLayerNet {

    static final int HIDDEN = 3;
    /** Every weight: 2·HIDDEN + HIDDEN + HIDDEN + 1. */
    static final int WEIGHTS = 4 * HIDDEN + 1;

    /** The hidden layer: unit j weighs x1 by {@code w1[2j]} and x2 by {@code w1[2j + 1]}. */
    final double[] w1;
    /** The hidden layer's biases. */
    final double[] b1;
    /** The output layer's weights, one per hidden unit. */
    final double[] w2;
    /** The output layer's bias. */
    final double b2;

    TwoLayerNet(double[] w1, double[] b1, double[] w2, double b2) {
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** Gaussian weights scaled by 1/√(fan-in) (hidden layer: 2 inputs; output: HIDDEN), zero biases. */
    static TwoLayerNet initial(Random random) {
        double[] w1 = new double[2 * HIDDEN];
        double[] w2 = new double[HIDDEN];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = random.nextGaussian() / Math.sqrt(2);
        }
        for (int j = 0; j < HIDDEN; j++) {
            w2[j] = random.nextGaussian() / Math.sqrt(HIDDEN);
        }
        return new TwoLayerNet(w1, new double[HIDDEN], w2, 0);
    }

    /** The network's output for the point (x1, x2): the logit z, with P(y = 1) = σ(z). */
    double logit(double x1, double x2) {
        double z = b2;
        for (int j = 0; j < HIDDEN; j++) {
            double h = Math.tanh(w1[2 * j] * x1 + w1[2 * j + 1] * x2 + b1[j]);
            z += w2[j] * h;
        }
        return z;
    }

    /**
     * Binary cross-entropy of the network's prediction for the point (x1, x2) against its label
     * {@code y} (0 or 1), differentiated with respect to the weights: the sample is data.
     */
    @Differentiable(wrt = {"this.w1", "this.b1", "this.w2", "this.b2"})
    public double loss(double x1, double x2, double y) {
        double z = logit(x1, x2);
        // -[y·log σ(z) + (1 - y)·log(1 - σ(z))] in the overflow-free form PyTorch's
        // BCEWithLogitsLoss uses: max(z, 0) - y·z + log(1 + exp(-|z|)).
        return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
