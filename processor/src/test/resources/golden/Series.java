package demo;

import dev.adjoint.Differentiable;

/**
 * A series that keeps its last two terms in a small array, as SSJ keeps its convergents: at a whole
 * b it ends exactly, so its loop is run on for the derivative, the array as scalars.
 */
public final class Series {
    private Series() {}

    @Differentiable
    public static double series(double b, double x) {
        double[] last = {1.0, 0.0};
        double sum = 1.0;
        int n = 0;
        while (Math.abs(last[0]) > 1e-15 * Math.abs(sum) && n < 500) {
            n++;
            last[1] = last[0];
            last[0] = last[1] * (n - b) * x / n;
            sum += last[0];
        }
        return sum + 0.5 * last[1];
    }
}
