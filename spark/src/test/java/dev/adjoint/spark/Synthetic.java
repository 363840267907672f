package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic data for the tests and the sample: every row depends only on the seed and its
 * partition, so Spark can recompute a dropped partition and get the same rows.
 */
public final class Synthetic {

    private Synthetic() {}

    /** The true logistic coefficients for {@code d} features: ±0.2 .. ±1.0, then the intercept -0.3. */
    public static double[] logisticTruth(int d) {
        double[] w = new double[d + 1];
        for (int k = 0; k < d; k++) {
            w[k] = (k % 2 == 0 ? 1 : -1) * (0.2 + 0.8 * k / Math.max(1, d - 1));
        }
        w[d] = -0.3;
        return w;
    }

    /** {@code n} rows: features N(0, 1), label 1 with probability σ(truth·x + intercept). */
    public static List<Example> logistic(long seed, int partition, int n, double[] truth) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + partition);
        int d = truth.length - 1;
        List<Example> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] x = new double[d];
            double z = truth[d];
            for (int k = 0; k < d; k++) {
                x[k] = gaussian(random);
                z += truth[k] * x[k];
            }
            double p = 1.0 / (1.0 + Math.exp(-z));
            rows.add(new Example(x, random.nextDouble() < p ? 1.0 : 0.0));
        }
        return rows;
    }

    /**
     * {@code n} rows for the regression net: features uniform in [-2, 2], target
     * sin(x₀)·x₁ + 0.5·x₂² − x₃ (for d ≥ 4; missing features count as 0) plus N(0, noise²).
     */
    public static List<Example> curve(long seed, int partition, int n, int d, double noise) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + partition);
        List<Example> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] x = new double[d];
            for (int k = 0; k < d; k++) {
                x[k] = 4.0 * random.nextDouble() - 2.0;
            }
            rows.add(new Example(x, curve(x) + noise * gaussian(random)));
        }
        return rows;
    }

    /** The regression net's noise-free target. */
    public static double curve(double[] x) {
        double x0 = x.length > 0 ? x[0] : 0;
        double x1 = x.length > 1 ? x[1] : 0;
        double x2 = x.length > 2 ? x[2] : 0;
        double x3 = x.length > 3 ? x[3] : 0;
        return Math.sin(x0) * x1 + 0.5 * x2 * x2 - x3;
    }

    /** Small random starting weights, seeded. */
    public static double[] start(int n, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = scale * gaussian(random);
        }
        return w;
    }

    /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian on Java 17). */
    static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
