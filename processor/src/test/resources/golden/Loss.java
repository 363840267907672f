package demo;

import dev.adjoint.Differentiable;

public final class Loss {
    static final double EPS = 1e-12;

    @Differentiable(wrt = {"w", "b"}, order = 2)
    public static double logistic(double w, double b, double x, int label) {
        double z = w * x + b;
        double p = 1.0 / (1.0 + Math.exp(-z));
        return label == 1 ? -Math.log(p + EPS) : -Math.log(1.0 - p + EPS);
    }
}
