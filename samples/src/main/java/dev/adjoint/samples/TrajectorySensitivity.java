package dev.adjoint.samples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sensitivity of a simulated trajectory's endpoint to its initial conditions and parameters,
 * over a million steps: where a ball thrown at 50 m/s through air lands ({@link Projectile#range}),
 * and how that moves with the launch speed, angle and height and the drag coefficient, from one
 * generated gradient through every step of the simulation. Binomial checkpointing
 * ({@code @Differentiable(checkpoints = 100)}) keeps the reverse sweep's memory to 100 snapshots of
 * the state, where recording each step would keep tens of megabytes. The gradient is checked
 * against central differences and forward mode, then used to find the angle that throws farthest
 * (below 45° with drag), and drawn.
 */
public final class TrajectorySensitivity {

    static final double SPEED = 50;
    static final double ANGLE = Math.toRadians(45);
    static final double DRAG = 0.005;
    static final double HEIGHT = 1.5;
    static final String[] INPUTS = {"launch speed", "launch angle", "drag coefficient", "launch height"};
    static final String[] UNITS = {"m per m/s", "m per radian", "m per 1/m", "m per m"};
    /** Central-difference steps per input, about √ε times its scale. */
    private static final double[] STEPS = {1e-5, 1e-7, 1e-9, 1e-5};

    private TrajectorySensitivity() {}

    public static void main(String[] args) throws IOException {
        Projectile.Flight flight = Projectile.fly(SPEED, ANGLE, DRAG, HEIGHT, Integer.MAX_VALUE);
        double range = Projectile.range(SPEED, ANGLE, DRAG, HEIGHT);
        System.out.printf("A ball thrown at %.0f m/s, %.0f° up, from %.1f m, with drag k = %.3f /m:%n", SPEED,
                Math.toDegrees(ANGLE), HEIGHT, DRAG);
        System.out.printf("it lands %.4f m away after %,d steps of %.0f µs (%.3f s of flight)%n", range, flight.steps(),
                Projectile.DT * 1e6, flight.steps() * Projectile.DT);

        double[] g = gradient(SPEED, ANGLE, DRAG, HEIGHT);
        // timed once the code is compiled: the best of five runs of each
        double gradientSeconds = Double.MAX_VALUE;
        double simulationSeconds = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long start = System.nanoTime();
            gradient(SPEED, ANGLE, DRAG, HEIGHT);
            gradientSeconds = Math.min(gradientSeconds, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            Projectile.range(SPEED, ANGLE, DRAG, HEIGHT);
            simulationSeconds = Math.min(simulationSeconds, (System.nanoTime() - start) / 1e9);
        }
        double[] central = centralDifferences(SPEED, ANGLE, DRAG, HEIGHT);
        System.out.printf("%nSensitivities of the landing point, through all %,d steps:%n", flight.steps());
        System.out.printf("%-18s %16s %16s  %s%n", "d range / d", "generated", "central diff", "unit");
        for (int i = 0; i < g.length; i++) {
            System.out.printf("%-18s %16.8f %16.8f  %s%n", INPUTS[i], g[i], central[i], UNITS[i]);
        }
        double[] direction = {0.3, -0.7, 0.2, 0.5};
        double tangent = ProjectileAdjoint.rangeTangent(SPEED, ANGLE, DRAG, HEIGHT, direction[0], direction[1],
                direction[2], direction[3]);
        System.out.printf("forward mode along (%.1f, %.1f, %.1f, %.1f): %.12f, the gradient's dot product: %.12f%n",
                direction[0], direction[1], direction[2], direction[3], tangent, dot(g, direction));
        System.out.printf("one simulation %.3f s, the gradient (checkpointed, 100 snapshots) %.3f s: %.1f simulations%n",
                simulationSeconds, gradientSeconds, gradientSeconds / simulationSeconds);
        System.out.println("Memory of the reverse sweep: 100 snapshots of the loop's state (the 4-element state array,");
        System.out.println("the previous point, the step count) and one step's recording, however long the flight.");

        Optimum best = bestAngle(SPEED, DRAG, HEIGHT);
        System.out.printf("%nThe farthest throw (the secant method on d range / d angle = 0, %d gradients): %.4f°, %.4f m"
                + " (%.4f m at 45°)%n", best.gradients(), Math.toDegrees(best.angle()), best.range(), range);

        Path dir = Plots.directory(args);
        System.out.println("trajectories: " + Plots.trajectories(paths(best.angle()), dir));
        System.out.println("range and its generated derivative in the angle: "
                + Plots.rangeSensitivity(rangeCurve(), tangents(best.angle()), dir));
    }

    /** ∂range/∂(speed, angle, drag, height), from the generated gradient. */
    static double[] gradient(double speed, double angle, double drag, double height) {
        ProjectileAdjoint.RangeGradient g = ProjectileAdjoint.rangeGradient(speed, angle, drag, height);
        return new double[] {g.speed, g.angle, g.drag, g.height};
    }

    /** The same by central differences of the simulation. */
    static double[] centralDifferences(double speed, double angle, double drag, double height) {
        double[] x = {speed, angle, drag, height};
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += STEPS[i];
            minus[i] -= STEPS[i];
            out[i] = (Projectile.range(plus[0], plus[1], plus[2], plus[3])
                    - Projectile.range(minus[0], minus[1], minus[2], minus[3])) / (2 * STEPS[i]);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The launch angle of the farthest throw, how far it goes, and how many gradients finding it took. */
    record Optimum(double angle, double range, int gradients) {}

    /** The secant method on θ ↦ ∂range/∂θ, from 35° and 45°, each slope from the generated gradient. */
    static Optimum bestAngle(double speed, double drag, double height) {
        double a = Math.toRadians(35);
        double b = Math.toRadians(45);
        double ga = gradient(speed, a, drag, height)[1];
        double gb = gradient(speed, b, drag, height)[1];
        int gradients = 2;
        while (Math.abs(gb) > 1e-7 && gradients < 30) {
            double next = b - gb * (b - a) / (gb - ga);
            a = b;
            ga = gb;
            b = next;
            gb = gradient(speed, b, drag, height)[1];
            gradients++;
        }
        return new Optimum(b, Projectile.range(speed, b, drag, height), gradients);
    }

    /** Trajectories at 30°, the best angle, 45° and 60°, named by their angle. */
    static List<Plots.Line> paths(double best) {
        List<Plots.Line> out = new ArrayList<>();
        for (double degrees : new double[] {30, Math.toDegrees(best), 45, 60}) {
            Projectile.Flight f = Projectile.fly(SPEED, Math.toRadians(degrees), DRAG, HEIGHT, 20_000);
            String name = String.format("%.1f°", degrees) + (degrees == Math.toDegrees(best) ? ", the farthest" : "");
            out.add(new Plots.Line(name, f.x(), f.y()));
        }
        return out;
    }

    /** The range from 20° to 70°, every 2.5°. */
    static Plots.Line rangeCurve() {
        int n = 21;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 20 + 2.5 * i;
            y[i] = Projectile.range(SPEED, Math.toRadians(x[i]), DRAG, HEIGHT);
        }
        return new Plots.Line("range (simulated)", x, y);
    }

    /**
     * Tangents of the range curve, ±5° long, at four angles and the best one: their slopes from the
     * gradient. The first is named for all of them (the plot's legend shows only its name).
     */
    static List<Plots.Line> tangents(double best) {
        double[] angles = {25, 35, Math.toDegrees(best), 55, 65};
        List<Plots.Line> out = new ArrayList<>();
        for (double degrees : angles) {
            double theta = Math.toRadians(degrees);
            double r = Projectile.range(SPEED, theta, DRAG, HEIGHT);
            double perDegree = gradient(SPEED, theta, DRAG, HEIGHT)[1] * Math.PI / 180;
            String name = out.isEmpty()
                    ? String.format("slopes from the generated gradient, at 25°, 35°, %.1f°, 55° and 65°", angles[2])
                    : String.format("slope at %.1f°", degrees);
            out.add(new Plots.Line(name, new double[] {degrees - 5, degrees + 5},
                    new double[] {r - 5 * perDegree, r + 5 * perDegree}));
        }
        return out;
    }
}
