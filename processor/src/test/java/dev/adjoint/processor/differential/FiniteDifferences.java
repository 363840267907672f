package dev.adjoint.processor.differential;

import java.util.function.DoubleUnaryOperator;

/**
 * Central finite differences, Richardson-extrapolated: with D(h) = (f(x+h) - f(x-h)) / 2h =
 * f' + c·h² + e·h⁴ + ..., the steps h, h/2, h/4 eliminate the h² and h⁴ terms.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * The derivative and an estimate of its error: the Richardson estimate (truncation), the
     * rounding noise of f (see {@link #noise}) divided by the smallest step, and how far a quotient
     * at a far finer step lies from the extrapolation.
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
        if (!Double.isFinite(noise)) {
            return null;
        }
        // the steps must be in the asymptotic regime: a quotient at a far smaller step (its own rounding
        // allowed for) agrees with the extrapolation. A map iterated to a fixed point has a derivative that
        // the steps above flatten: 20 contractions of sin make f'(x) = -9e-9, every quotient of these steps
        // about -1e-10.
        double small = h / 1000;
        double plus = f.applyAsDouble(x + small);
        double minus = f.applyAsDouble(x - small);
        if (!Double.isFinite(plus) || !Double.isFinite(minus)) {
            return null;
        }
        double fine = (plus - minus) / (2 * small);
        // to the comparison's own scale (1e-5): a term a thousand times smaller than the rest that
        // varies a thousand times faster (tan(22025.5 y) / 22025.5 beside 22025.5 y) can leave the
        // three quotients agreeing by chance while they miss its derivative
        if (Math.abs(fine - best) > 1e-5 * (Math.abs(fine) + Math.abs(best)) + slack + 10 * noise / small) {
            return null;
        }
        // the fine step's disagreement is part of the error: what the steps could not settle widens
        // the comparison's tolerance (or rejects the point) instead of being taken as exact
        return new Estimate(best, Math.abs(best - r2) + noise / (h / 4) + Math.abs(fine - best));
    }

    /**
     * How far f's computed values stray from a straight line over a few steps of 1e-11, and of 1e-8:
     * the rounding noise of f at x. Large when f rounds a huge intermediate, e.g. sin(sinh(27)),
     * where no step size gives a meaningful difference quotient. The coarser steps see what the
     * finer cannot: an intermediate so large that its rounding is a staircase wider than 1e-11
     * ({@code cos(x - 2147483647.0)} changes only every 5e-7 in x), flat at the finer steps.
     */
    private static double noise(DoubleUnaryOperator f, double x, double slope) {
        double f0 = f.applyAsDouble(x);
        double noise = 0;
        for (double scale : new double[] {1e-11, 1e-8}) {
            double delta = scale * Math.max(1, Math.abs(x));
            for (int i = 1; i <= 4; i++) {
                noise = Math.max(noise, Math.abs(f.applyAsDouble(x + i * delta) - f0 - i * delta * slope));
            }
        }
        return noise;
    }
}
