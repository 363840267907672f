package demo;

import dev.adjoint.Differentiable;

public final class Loops {
    /** Logistic loss over samples: an increment, a kept index, a branch recomputed in the reverse sweep. */
    @Differentiable(wrt = {"w"}, order = 2)
    public static double loss(double[] w, double[][] x, double[] y) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double z = 0;
            for (int j = 0; j < w.length; j++) {
                z += w[j] * x[i][j];
            }
            if (y[i] > 0.5) {
                total += Math.log1p(Math.exp(-z));
            } else {
                total += Math.log1p(Math.exp(z));
            }
        }
        return total / x.length;
    }

    /** An overwrite loop with an early exit: saved values and a count on the value stack. */
    @Differentiable
    public static double iterate(double x, int n) {
        for (int k = 0; k < n; k++) {
            x = Math.sin(x) + 0.5 * x;
            if (x > 10) {
                break;
            }
        }
        return x;
    }
}
