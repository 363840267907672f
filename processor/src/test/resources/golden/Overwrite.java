package demo;

import dev.adjoint.Differentiable;

public final class Overwrite {
    @Differentiable
    public static double damped(double x, double k) {
        double v = x * k;
        v = Math.exp(-v) * v;
        x = x > 0 ? Math.sqrt(x) : -x;
        return v * x;
    }
}
