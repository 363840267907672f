package dev.adjoint.benchmarks.models;

/**
 * Benchmark model 2: the mean logistic loss of a linear classifier, {@code n} samples by
 * {@code d} features, labels ±1; the gradient is wanted in the {@code d} weights only.
 *
 * <p>PENDING(loops): {@link #loss} is written exactly as it will be annotated, with
 * {@code @Differentiable(wrt = "w")}, once the processor supports loops and {@code double[]}
 * parameters ({@code y} is a {@code double[]} too, hence the {@code wrt}).
 */
public final class Logistic {

    private Logistic() {}

    /** {@code (1/n)·Σᵢ log(1 + exp(-yᵢ·(w·xᵢ)))}. */
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
