package demo;

import dev.adjoint.Differentiable;

/** A distribution function through erf and erfc of another class, which call each other. */
public final class Tails {
    private Tails() {}

    @Differentiable
    public static double normalCdf(double x, double sigma) {
        return 0.5 * (1.0 + Num.erf(x / (sigma * Math.sqrt(2.0))));
    }
}
