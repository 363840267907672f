package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The million-step gradient agrees with central differences of the simulation and with forward
 * mode, the best angle found from it is where the range's slope vanishes (below 45°, as drag
 * makes it), and the plots are pictures.
 */
class TrajectorySensitivityTest {

    @TempDir
    Path dir;

    @Test
    void theGradientThroughAMillionStepsIsTheSimulationsDerivative() {
        double speed = TrajectorySensitivity.SPEED;
        double angle = TrajectorySensitivity.ANGLE;
        double drag = TrajectorySensitivity.DRAG;
        double height = TrajectorySensitivity.HEIGHT;
        assertTrue(Projectile.fly(speed, angle, drag, height, Integer.MAX_VALUE).steps() > 1_000_000);
        double[] g = TrajectorySensitivity.gradient(speed, angle, drag, height);
        double[] central = TrajectorySensitivity.centralDifferences(speed, angle, drag, height);
        for (int i = 0; i < g.length; i++) {
            assertEquals(central[i], g[i], 1e-5 * Math.abs(central[i]), TrajectorySensitivity.INPUTS[i]);
        }
        double[] v = {0.3, -0.7, 0.2, 0.5};
        double tangent = ProjectileAdjoint.rangeTangent(speed, angle, drag, height, v[0], v[1], v[2], v[3]);
        double dot = g[0] * v[0] + g[1] * v[1] + g[2] * v[2] + g[3] * v[3];
        assertEquals(dot, tangent, 1e-10 * Math.abs(dot));
        // the pullback's value is the simulation's, to the bit
        assertEquals(Projectile.range(speed, angle, drag, height),
                ProjectileAdjoint.rangePullback(speed, angle, drag, height, 1.0, new ProjectileAdjoint.RangeGradient()),
                0.0);
    }

    @Test
    void theBestAngleIsWhereTheSlopeVanishes() {
        TrajectorySensitivity.Optimum best = TrajectorySensitivity.bestAngle(TrajectorySensitivity.SPEED,
                TrajectorySensitivity.DRAG, TrajectorySensitivity.HEIGHT);
        double degrees = Math.toDegrees(best.angle());
        assertTrue(degrees > 35 && degrees < 45, "drag lowers the best angle below 45°: " + degrees);
        double slope = TrajectorySensitivity.gradient(TrajectorySensitivity.SPEED, best.angle(),
                TrajectorySensitivity.DRAG, TrajectorySensitivity.HEIGHT)[1];
        assertEquals(0, slope, 1e-6);
        for (double off : new double[] {-0.5, 0.5}) {
            assertTrue(best.range() > Projectile.range(TrajectorySensitivity.SPEED, Math.toRadians(degrees + off),
                    TrajectorySensitivity.DRAG, TrajectorySensitivity.HEIGHT), "farther than " + off + "° off");
        }
    }

    @Test
    void thePlotsArePictures() throws IOException {
        Plots.Line path = new Plots.Line("a path", new double[] {0, 1, 2}, new double[] {0, 1, 0});
        Plots.Line other = new Plots.Line("another", new double[] {0, 2, 4}, new double[] {0, 1, 0});
        Plots.Line slope = new Plots.Line("a slope", new double[] {0, 2}, new double[] {0, 0.5});
        for (Path file : List.of(Plots.trajectories(List.of(path, other), dir),
                Plots.rangeSensitivity(path, List.of(slope), dir))) {
            assertTrue(Files.size(file) > 1000, file.toString());
            assertEquals(Plots.WIDTH, ImageIO.read(file.toFile()).getWidth());
        }
    }
}
