package dev.adjoint.benchmarks;

import java.util.Random;

/** Deterministic pseudo-random inputs for the benchmarks and their tests. */
final class Data {

    private Data() {}

    /** {@code n} draws from N(0, scale²). */
    static double[] gaussian(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * random.nextGaussian();
        }
        return v;
    }

    /** {@code rows × cols} draws from N(0, 1). */
    static double[][] gaussian(Random random, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = gaussian(random, cols, 1.0);
        }
        return m;
    }
}
