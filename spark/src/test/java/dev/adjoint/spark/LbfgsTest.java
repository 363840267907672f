package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** breeze's L-BFGS through {@link Lbfgs}, without Spark: convergence and the progress it reports. */
class LbfgsTest {

    /** Rosenbrock's function in n dimensions, minimum 0 at (1, ..., 1). */
    static double rosenbrock(double[] x, double[] g) {
        java.util.Arrays.fill(g, 0.0);
        double f = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    @Test
    void findsRosenbrocksMinimumAndReportsEveryIteration() {
        List<Lbfgs.Progress> seen = new ArrayList<>();
        double[] start = {-1.2, 1, -1.2, 1, -1.2};
        Lbfgs.Fit fit = new Lbfgs(500, 10, 1e-12).minimize(LbfgsTest::rosenbrock, start, seen::add);
        for (double v : fit.w()) {
            assertEquals(1.0, v, 1e-5);
        }
        assertEquals(seen, fit.history());
        assertEquals(fit.iterations() + 1, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i).iteration());
            assertTrue(seen.get(i).evaluations() >= 1, seen.get(i).toString());
            assertTrue(seen.get(i).seconds() >= 0);
        }
        assertEquals(1, seen.get(0).evaluations(), "the start is evaluated once, in iteration 0");
        assertTrue(seen.get(seen.size() - 1).loss() < 1e-10);
        assertTrue(fit.loss() <= seen.get(0).loss());
        assertEquals(-1.2, start[0], "the start is not changed");
    }

    @Test
    void iterationZeroIsTimedWithItsEvaluation() {
        Lbfgs.Fit fit = new Lbfgs(1, 10, 1e-9).minimize((w, g) -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return rosenbrock(w, g);
        }, new double[] {-1.2, 1});
        assertTrue(fit.history().get(0).seconds() >= 0.05, fit.history().get(0).toString());
    }

    @Test
    void stopsAtTheIterationLimit() {
        Lbfgs.Fit fit = new Lbfgs(3, 10, 0).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1});
        assertEquals(3, fit.iterations());
        assertEquals("max iterations reached", fit.stopReason());
    }

    @Test
    void refusesNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(10, 0, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs(10, 5, Double.NaN));
    }
}
