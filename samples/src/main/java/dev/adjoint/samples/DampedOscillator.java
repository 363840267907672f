package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A damped oscillation, y(t) = A·exp(-γt)·cos(ωt + φ), and the least-squares objective of a fit
 * to observations of it. Adjoint differentiates the whole objective, loop and call included.
 */
public final class DampedOscillator {

    private DampedOscillator() {}

    /** The model's value at time {@code t}. */
    @Differentiable
    public static double value(double a, double gamma, double omega, double phi, double t) {
        return a * Math.exp(-gamma * t) * Math.cos(omega * t + phi);
    }

    /**
     * Σᵢ (y(tᵢ) - yᵢ)², the sum of squared residuals of the model with parameters
     * {@code p} = (A, γ, ω, φ) at the observations ({@code t[i]}, {@code y[i]}); differentiated in
     * {@code p} only, the observations are data.
     */
    @Differentiable(wrt = {"p"})
    public static double sumOfSquares(double[] p, double[] t, double[] y) {
        double s = 0;
        for (int i = 0; i < t.length; i++) {
            double r = value(p[0], p[1], p[2], p[3], t[i]) - y[i];
            s += r * r;
        }
        return s;
    }
}
