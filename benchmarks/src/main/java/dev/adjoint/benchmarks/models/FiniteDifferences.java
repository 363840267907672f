package dev.adjoint.benchmarks.models;

import java.util.function.DoubleSupplier;

/**
 * Central finite differences, the baseline that needs no derivative code at all: two evaluations
 * of the function per input. The inputs are perturbed in place, so the same code serves every
 * model without allocating: {@code f} reads its inputs from the arrays in {@code inputs}.
 */
public final class FiniteDifferences {

    /**
     * Relative step: the cube root of the machine epsilon balances the O(h²) truncation error
     * of central differences against the O(ε/h) rounding error.
     */
    static final double STEP = Math.cbrt(Math.ulp(1.0));

    private FiniteDifferences() {}

    /**
     * Writes {@code (f(x + hᵢ·eᵢ) - f(x - hᵢ·eᵢ)) / 2hᵢ} into {@code into[b][i]} for every
     * element {@code inputs[b][i]}, with {@code hᵢ = STEP·max(1, |xᵢ|)}; returns {@code f(x)}.
     * {@code into} must have the shape of {@code inputs}; the inputs are restored exactly.
     */
    public static double gradient(DoubleSupplier f, double[][] inputs, double[][] into) {
        for (int b = 0; b < inputs.length; b++) {
            double[] x = inputs[b];
            for (int i = 0; i < x.length; i++) {
                double xi = x[i];
                double h = STEP * Math.max(1.0, Math.abs(xi));
                x[i] = xi + h;
                double up = f.getAsDouble();
                double span = x[i];
                x[i] = xi - h;
                double down = f.getAsDouble();
                span -= x[i]; // the step actually taken, 2h up to rounding
                x[i] = xi;
                into[b][i] = (up - down) / span;
            }
        }
        return f.getAsDouble();
    }

    /**
     * The step h for central differences along a direction {@code v} at {@code x}:
     * {@code STEP·max(1, ‖x‖∞) / ‖v‖∞}, so that no coordinate moves by more than the step
     * {@link #gradient} would take along it.
     */
    public static double directionStep(double[] x, double[] v) {
        double xMax = 1.0;
        double vMax = 0.0;
        for (int i = 0; i < x.length; i++) {
            xMax = Math.max(xMax, Math.abs(x[i]));
            vMax = Math.max(vMax, Math.abs(v[i]));
        }
        return STEP * xMax / vMax;
    }
}
