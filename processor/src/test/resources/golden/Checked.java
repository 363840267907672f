package demo;

import dev.adjoint.Differentiable;

public final class Checked {
    private static final double SQRT_TWO_PI = 2.5066282746310002;

    /** A log-normal density computed first, its support checked after, as real code often does. */
    @Differentiable
    public static double logNormalDensity(double x, double mu, double sigma) {
        double logX = Math.log(x);
        double z = (logX - mu) / sigma;
        if (x <= 0) {
            return 0;
        }
        return Math.exp(-0.5 * z * z) / (x * sigma * SQRT_TWO_PI);
    }
}
