package dev.adjoint.benchmarks.models;

import dev.adjoint.Tensor;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * {@link Overwrite#overwrite}'s derivative computed by hand, on the runtime tape and with
 * {@link DerivativeStructure}. Each adds it into {@code into[0]}.
 */
public final class OverwriteBaselines {

    private OverwriteBaselines() {}

    /**
     * Reverse mode by hand: the forward loop saves each overwritten x in {@code saved} (a
     * work array of at least {@code steps} elements, allocated once by the caller and reused),
     * the reverse loop multiplies the adjoint by each step's derivative {@code cos(x) + 1/2}.
     */
    public static double overwritePullback(double x, int steps, double seed, double[] into, double[] saved) {
        for (int i = 0; i < steps; i++) {
            saved[i] = x;
            x = Math.sin(x) + 0.5 * x;
        }
        double dx = seed;
        for (int i = steps - 1; i >= 0; i--) {
            dx *= Math.cos(saved[i]) + 0.5;
        }
        into[0] += dx;
        return x;
    }

    /** The same loop on the runtime tape: three nodes a step, 3·steps in all. */
    public static double overwriteOnTape(double x, int steps, double[] into) {
        Tensor x0 = Tensor.scalar(x).requiresGrad(true);
        Tensor xi = x0;
        for (int i = 0; i < steps; i++) {
            xi = xi.sin().add(xi.mul(0.5));
        }
        xi.backward();
        into[0] += x0.grad().item();
        return xi.item();
    }

    /** The same loop in forward mode with {@link DerivativeStructure}: one free parameter. */
    public static double overwriteDerivativeStructure(double x, int steps, double[] into) {
        DerivativeStructure xi = new DerivativeStructure(1, 1, 0, x);
        for (int i = 0; i < steps; i++) {
            xi = xi.sin().add(xi.multiply(0.5));
        }
        into[0] += xi.getPartialDerivative(1);
        return xi.getValue();
    }
}
