package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * A ball thrown through air: gravity and quadratic drag, a = -g·ŷ - k·|v|·v, integrated with the
 * semi-implicit Euler method in steps of {@value #DT} s until it lands, about a million steps for a
 * hard throw. The range is differentiated through every step: reverse mode would record each one
 * (tens of megabytes), so {@code checkpoints = 100} keeps 100 snapshots of the loop's state instead
 * and runs stretches of the flight again in the reverse sweep (binomial checkpointing).
 */
public final class Projectile {

    /** Gravity, m/s². */
    static final double G = 9.81;
    /** The time step, s. */
    static final double DT = 5e-6;
    /** A bound on the flight, in steps (a throw that never lands stops there). */
    static final int MAX_STEPS = 50_000_000;

    private Projectile() {}

    /**
     * Where the ball lands: the horizontal distance at which its height crosses 0, interpolated
     * between the last two steps (so that it varies smoothly with the inputs, rather than by whole
     * steps).
     *
     * @param speed launch speed, m/s
     * @param angle launch angle above the horizontal, radians
     * @param drag the drag coefficient k = ρ·C_d·A / (2m), 1/m
     * @param height launch height, m
     */
    @Differentiable(checkpoints = 100)
    public static double range(double speed, double angle, double drag, double height) {
        double[] s = {0, height, speed * Math.cos(angle), speed * Math.sin(angle)};
        double previousX = 0;
        double previousY = height;
        int steps = 0;
        while (s[1] >= 0 && steps < MAX_STEPS) {
            previousX = s[0];
            previousY = s[1];
            step(s, drag);
            steps++;
        }
        return previousX + (s[0] - previousX) * previousY / (previousY - s[1]);
    }

    /** One step of the semi-implicit Euler method on the state {x, y, vx, vy}: velocity first, then position. */
    private static void step(double[] s, double drag) {
        double v = Math.sqrt(s[2] * s[2] + s[3] * s[3]);
        s[2] -= DT * drag * v * s[2];
        s[3] -= DT * (G + drag * v * s[3]);
        s[0] += DT * s[2];
        s[1] += DT * s[3];
    }

    /** A flight: how many steps it took, and its path every so many steps (and where it ended). */
    record Flight(int steps, double[] x, double[] y) {}

    static Flight fly(double speed, double angle, double drag, double height, int every) {
        double[] s = {0, height, speed * Math.cos(angle), speed * Math.sin(angle)};
        java.util.List<double[]> points = new java.util.ArrayList<>();
        int steps = 0;
        while (s[1] >= 0 && steps < MAX_STEPS) {
            if (steps % every == 0) {
                points.add(new double[] {s[0], s[1]});
            }
            step(s, drag);
            steps++;
        }
        points.add(new double[] {s[0], s[1]});
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new Flight(steps, x, y);
    }
}
