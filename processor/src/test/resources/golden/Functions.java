package demo;

import dev.adjoint.Differentiable;

public final class Functions {
    @Differentiable
    public static double f(double x, double y) {
        double z = x * y;
        return Math.sin(z) + x;
    }
}
