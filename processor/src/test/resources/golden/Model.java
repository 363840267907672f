package demo;

import dev.adjoint.Differentiable;

/** A model object: an instance method reading its fields through another, and a record parameter. */
public class Model {
    final double[] w;
    final double bias;

    public Model(double[] w, double bias) {
        this.w = w;
        this.bias = bias;
    }

    /** The linear score of this model. */
    double score(double[] x) {
        double s = bias;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * x[i];
        }
        return s;
    }

    /** The squared error of one sample, differentiated in the fields w and bias. */
    @Differentiable(wrt = {"this.w", "this.bias"})
    public double loss(double[] x, double y) {
        double r = score(x) - y;
        return 0.5 * r * r;
    }

    /** A Gaussian's parameters. */
    public record Params(double mu, double sigma) {}

    /** The negative log-density at x, up to a constant: its gradient is g.params.mu and g.params.sigma. */
    @Differentiable
    public static double nll(Params params, double x) {
        double z = (x - params.mu()) / params.sigma();
        return 0.5 * z * z + Math.log(params.sigma());
    }
}
