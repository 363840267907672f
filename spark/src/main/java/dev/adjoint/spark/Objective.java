package dev.adjoint.spark;

/**
 * A differentiable function of a parameter vector, what {@link Lbfgs} minimises:
 * {@link DistributedGradient} is one.
 */
@FunctionalInterface
public interface Objective {

    /**
     * Returns f(w) and writes ∇f(w) into {@code gradient} (which has w's length; what it held
     * before is overwritten). Leaves {@code w} as it is.
     */
    double valueAndGradient(double[] w, double[] gradient);
}
