package demo;

import dev.adjoint.Differentiable;

public final class LongLoops {
    /** Loops.iterate checkpointed: at most 100 snapshots of its state, whatever n. */
    @Differentiable(checkpoints = 100)
    public static double iterate(double x, int n) {
        for (int k = 0; k < n; k++) {
            x = Math.sin(x) + 0.5 * x;
            if (x > 10) {
                break;
            }
        }
        return x;
    }

    /** Explicit Euler for a damped pendulum up to time t: a while loop over a double[] state. */
    @Differentiable(checkpoints = 50)
    public static double pendulum(double theta, double omega, double damping, double t) {
        double[] y = {theta, omega};
        double h = 1e-3;
        double time = 0;
        while (time < t) {
            double dTheta = y[1];
            double dOmega = -Math.sin(y[0]) - damping * y[1];
            y[0] += h * dTheta;
            y[1] += h * dOmega;
            time += h;
        }
        return y[0];
    }
}
