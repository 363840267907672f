package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A damped oscillation, y(t) = A·exp(-γt)·cos(ωt + φ), and the squared residual of one
 * observation: the piece of a least-squares fit that Adjoint differentiates.
 */
public final class DampedOscillator {

    private DampedOscillator() {}

    /** The model's value at time {@code t}. */
    public static double value(double a, double gamma, double omega, double phi, double t) {
        return a * Math.exp(-gamma * t) * Math.cos(omega * t + phi);
    }

    /**
     * (y(t) - y)², the squared residual of the observation ({@code t}, {@code y}); differentiated in
     * the four model parameters only. The model is written out again rather than calling
     * {@link #value}: calls between methods arrive with control-flow support.
     */
    @Differentiable(wrt = {"a", "gamma", "omega", "phi"})
    public static double squaredResidual(double a, double gamma, double omega, double phi, double t, double y) {
        double r = a * Math.exp(-gamma * t) * Math.cos(omega * t + phi) - y;
        return r * r;
    }
}
