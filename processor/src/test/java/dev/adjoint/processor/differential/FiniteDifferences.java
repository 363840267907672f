package dev.adjoint.processor.differential;

import java.util.function.DoubleUnaryOperator;

/**
 * Central finite differences, Richardson-extrapolated: with D(h) = (f(x+h) - f(x-h)) / 2h =
 * f' + c·h² + e·h⁴ + ..., the steps h, h/2, h/4 eliminate the h² and h⁴ terms.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * The derivative and an estimate of its error: the Richardson estimate (truncation) plus
     * the rounding noise of f (see {@link #noise}) divided by the smallest step.
     */
    public record Estimate(double derivative, double error) {}

    /**
     * f'(x), or null when f is not finite (NaN is how {@code f} says "not here") at a point of the
     * stencil, or the steps do not resolve it. The step scales with |x|.
     */
    public static Estimate derivative(DoubleUnaryOperator f, double x) {
        return derivative(f, x, 1e-9);
    }

    /**
     * As {@link #derivative(DoubleUnaryOperator, double)}, the quotients agreeing to 1e-4 relative
     * plus {@code slack}: below 1e-9 for a tiny derivative, so that one the steps do not resolve
     * (an oscillation faster than a step) is not taken for a resolved 0.
     */
    public static Estimate derivative(DoubleUnaryOperator f, double x, double slack) {
        return derivative(f, x, slack, 1e-3 * Math.max(1, Math.abs(x)));
    }

    /**
     * As {@link #derivative(DoubleUnaryOperator, double, double)} with the largest step {@code h}
     * given: for inputs whose scale is far from 1 (a rate of 0.03, a price of 100), the step the
     * caller knows fits.
     */
    public static Estimate derivative(DoubleUnaryOperator f, double x, double slack, double h) {
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
        // the three quotients must agree to leading order: when they do not, the steps do not
        // resolve f (it oscillates within a step, or it is rounded coarser than a step)
        if (Math.abs(d[0] - d[2]) > 1e-4 * (Math.abs(d[0]) + Math.abs(d[2])) + slack) {
            return null;
        }
        double r1 = (4 * d[1] - d[0]) / 3;
        double r2 = (4 * d[2] - d[1]) / 3;
        double best = (16 * r2 - r1) / 15;
        double noise = noise(f, x, best);
        return Double.isFinite(noise) ? new Estimate(best, Math.abs(best - r2) + noise / (h / 4)) : null;
    }

    /**
     * How far f's computed values stray from a straight line over a few steps of 1e-11: the
     * rounding noise of f at x. Large when f rounds a huge intermediate, e.g. sin(sinh(27)),
     * where no step size gives a meaningful difference quotient.
     */
    private static double noise(DoubleUnaryOperator f, double x, double slope) {
        double delta = 1e-11 * Math.max(1, Math.abs(x));
        double f0 = f.applyAsDouble(x);
        double noise = 0;
        for (int i = 1; i <= 4; i++) {
            noise = Math.max(noise, Math.abs(f.applyAsDouble(x + i * delta) - f0 - i * delta * slope));
        }
        return noise;
    }
}
