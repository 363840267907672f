package dev.adjoint.spark.models;

import dev.adjoint.Differentiable;

/**
 * A small two-layer network for regression: {@value #HIDDEN} tanh units, a linear output, squared
 * error. MLlib has no neural regression (its {@code MultilayerPerceptronClassifier} only
 * classifies); here it is a per-example loss like any other.
 *
 * <p>Layout of {@code w} for d features ({@link #parameters(int)} = HIDDEN·(d + 2) + 1 entries):
 * hidden unit j has its d weights at {@code w[j(d+1) .. j(d+1)+d-1]} and its bias at
 * {@code w[j(d+1)+d]}; the output weight of unit j is {@code w[HIDDEN(d+1) + j]}; the output bias
 * is the last entry.
 */
public final class TwoLayerNet {

    /** Hidden units. */
    public static final int HIDDEN = 8;

    private TwoLayerNet() {}

    /** The number of parameters for {@code features} features. */
    public static int parameters(int features) {
        return HIDDEN * (features + 2) + 1;
    }

    /** The network's output for {@code x}. */
    public static double predict(double[] w, double[] x) {
        double y = w[HIDDEN * (x.length + 2)];
        for (int j = 0; j < HIDDEN; j++) {
            int unit = j * (x.length + 1);
            double a = w[unit + x.length];
            for (int k = 0; k < x.length; k++) {
                a += w[unit + k] * x[k];
            }
            y += w[HIDDEN * (x.length + 1) + j] * Math.tanh(a);
        }
        return y;
    }

    /** Half the squared error of the network's output against the target {@code y}. */
    @Differentiable(wrt = "w")
    public static double loss(double[] w, double[] x, double y) {
        int d = x.length;
        double out = w[HIDDEN * (d + 2)];
        for (int j = 0; j < HIDDEN; j++) {
            int unit = j * (d + 1);
            double a = w[unit + d];
            for (int k = 0; k < d; k++) {
                a += w[unit + k] * x[k];
            }
            out += w[HIDDEN * (d + 1) + j] * Math.tanh(a);
        }
        double r = out - y;
        return 0.5 * r * r;
    }
}
