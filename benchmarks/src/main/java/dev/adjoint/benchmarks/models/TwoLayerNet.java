package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * Benchmark model 5: the mean squared error of a two-layer network with a tanh hidden layer
 * over a batch, {@code out(x) = b2 + Σⱼ w2ⱼ·tanh(b1ⱼ + Σₖ w1[j·d + k]·xₖ)}: {@code d} inputs,
 * {@code h = b1.length} hidden units, first-layer weights flattened row-major in {@code w1}
 * ({@code h·d}). The gradient is wanted in the parameters {@code w1, b1, w2, b2}.
 *
 * <p>Adjoint generates {@code TwoLayerNetAdjoint} from {@link #loss}.
 */
public final class TwoLayerNet {

    private TwoLayerNet() {}

    /** {@code (1/B)·Σᵢ (out(xᵢ) - yᵢ)²} over the batch {@code x} ({@code B} rows of {@code d}). */
    @Differentiable(wrt = {"w1", "b1", "w2", "b2"})
    public static double loss(double[] w1, double[] b1, double[] w2, double b2, double[][] x, double[] y) {
        int h = b1.length;
        double total = 0.0;
        for (int i = 0; i < x.length; i++) {
            int d = x[i].length;
            double out = b2;
            for (int j = 0; j < h; j++) {
                double pre = b1[j];
                for (int k = 0; k < d; k++) {
                    pre += w1[j * d + k] * x[i][k];
                }
                out += w2[j] * Math.tanh(pre);
            }
            double r = out - y[i];
            total += r * r;
        }
        return total / x.length;
    }
}
