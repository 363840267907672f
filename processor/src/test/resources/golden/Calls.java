package demo;

import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;

public final class Calls {
    @Differentiable
    public static double normalCdf(double x) {
        return 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    /** A call of another @Differentiable method through its pullback, and one with a given derivative. */
    @Differentiable
    public static double digital(double spot, double strike, double vol) {
        double d = Math.log(spot / strike) / vol;
        return normalCdf(d) * spot;
    }

    static double erf(double x) {
        return Math.signum(x) * Math.sqrt(1 - Math.exp(-x * x * (4 / Math.PI + 0.147 * x * x) / (1 + 0.147 * x * x)));
    }

    @DerivativeOf(method = "erf")
    static double erfDerivative(double x) {
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
    }
}
