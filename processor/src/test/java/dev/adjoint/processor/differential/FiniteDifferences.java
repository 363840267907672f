package dev.adjoint.processor.differential;

import java.util.function.DoubleUnaryOperator;

/**
 * Central finite differences, Richardson-extrapolated: with D(h) = (f(x+h) - f(x-h)) / 2h =
 * f' + c·h² + e·h⁴ + ..., the steps h, h/2, h/4 eliminate the h² and h⁴ terms.
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    /** The derivative and an estimate of its error. */
    record Estimate(double derivative, double error) {}

    /**
     * f'(x), or null when f is not finite (NaN is how {@code f} says "not here") at a point of the
     * stencil. The step scales with |x|.
     */
    static Estimate derivative(DoubleUnaryOperator f, double x) {
        double h = 1e-3 * Math.max(1, Math.abs(x));
        double[] d = new double[3];
        for (int level = 0; level < 3; level++) {
            double step = h / (1 << level);
            double plus = f.applyAsDouble(x + step);
            double minus = f.applyAsDouble(x - step);
            if (!Double.isFinite(plus) || !Double.isFinite(minus)) {
                return null;
            }
            d[level] = (plus - minus) / (2 * step);
        }
        double r1 = (4 * d[1] - d[0]) / 3;
        double r2 = (4 * d[2] - d[1]) / 3;
        double best = (16 * r2 - r1) / 15;
        return new Estimate(best, Math.abs(best - r2));
    }
}
