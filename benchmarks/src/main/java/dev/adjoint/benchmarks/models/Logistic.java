package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * Benchmark model 2: the mean logistic loss of a linear classifier, {@code n} samples by
 * {@code d} features, labels ±1; the gradient is wanted in the {@code d} weights only.
 *
 * <p>Adjoint generates {@code LogisticAdjoint} from {@link #loss} ({@code y} is a {@code double[]}
 * too, hence the {@code wrt}).
 */
public final class Logistic {

    private Logistic() {}

    /** {@code (1/n)·Σᵢ log(1 + exp(-yᵢ·(w·xᵢ)))}. */
    @Differentiable(wrt = "w", order = 2) // order 2: the benchmark's Hessian-vector product row
    public static double loss(double[] w, double[][] x, double[] y) {
        double total = 0.0;
        for (int i = 0; i < x.length; i++) {
            double z = 0.0;
            for (int k = 0; k < w.length; k++) {
                z += w[k] * x[i][k];
            }
            total += Math.log(1.0 + Math.exp(-y[i] * z));
        }
        return total / x.length;
    }
}
