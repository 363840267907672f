package demo;

import dev.adjoint.Differentiable;
import java.util.function.DoubleUnaryOperator;

public final class Integrals {
    private Integrals() {}

    /** Simpson's rule on n (even) intervals, given the integrand as a function. */
    static double simpson(DoubleUnaryOperator f, double a, double b, int n) {
        double h = (b - a) / n;
        double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            sum += (i % 2 == 0 ? 2 : 4) * f.applyAsDouble(a + i * h);
        }
        return sum * h / 3;
    }

    /** The integral of a Gaussian bump of width 1/sqrt(k) over [0, hi], its integrand a lambda. */
    @Differentiable
    public static double gaussian(double k, double hi) {
        return simpson(x -> Math.exp(-k * x * x), 0.0, hi, 8);
    }
}
