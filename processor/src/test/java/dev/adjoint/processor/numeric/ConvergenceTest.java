package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.fixtures.Convergence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The loops of {@link Convergence} at whole parameters, where a factor of their terms is exactly 0
 * and the loop stops early, and beside them: the gradient, the tape, the tangent and second order
 * must be those of the function (central differences step off the whole number, where the loop
 * runs to convergence), not those of the few steps taken.
 */
class ConvergenceTest {

    private static final Map<String, List<Object[]>> POINTS = new LinkedHashMap<>();

    static {
        POINTS.put("betaSeries", List.<Object[]>of(new Object[] {2.0, 3.0, 0.4}, new Object[] {1.5, 2.0, 0.3},
                new Object[] {2.5, 1.0, 0.6}, new Object[] {2.0, 3.3, 0.4}, new Object[] {0.5, 4.0, 0.7},
                // a factor 10⁻¹² from 0: the loop stops as early, and runs on the same way
                new Object[] {2.0, 3.0 + 1e-12, 0.4}));
        POINTS.put("betaSeriesTolerancePassedIn", List.<Object[]>of(new Object[] {2.0, 3.0, 0.4, 1e-15, 1000},
                new Object[] {2.5, 1.0, 0.6, 1e-15, 1000}, new Object[] {2.0, 3.3, 0.4, 1e-15, 1000},
                new Object[] {0.5, 4.0, 0.7, 1e-14, 1000}));
        POINTS.put("betaSeriesEitherExit", List.<Object[]>of(new Object[] {2.0, 3.0, 0.4},
                new Object[] {2.5, 1.0, 0.6}, new Object[] {2.0, 3.3, 0.4}, new Object[] {0.5, 4.0, 0.7}));
        POINTS.put("betaFraction", List.<Object[]>of(new Object[] {2.0, 3.0, 0.5}, new Object[] {1.5, 2.0, 0.6},
                new Object[] {2.0, 3.4, 0.5}, new Object[] {4.0, 5.0, 0.3}));
        POINTS.put("betaFractionDeclaredFirst", List.<Object[]>of(new Object[] {2.0, 3.0, 0.5},
                new Object[] {1.5, 2.0, 0.6}, new Object[] {2.0, 3.4, 0.5}, new Object[] {4.0, 5.0, 0.3},
                new Object[] {3.0, 1.0, 0.4}));
        POINTS.put("gammaFraction", List.<Object[]>of(new Object[] {2.0, 3.0}, new Object[] {3.0, 4.5},
                new Object[] {1.0, 2.0}, new Object[] {2.2, 3.0}, new Object[] {0.5, 1.5},
                new Object[] {1.0 + 1e-9, 2.0}, new Object[] {5.0, 1.5}));
        POINTS.put("gammaFractionDoWhile", List.<Object[]>of(new Object[] {2.0, 3.0}, new Object[] {3.0, 4.5},
                new Object[] {2.2, 3.0}));
        POINTS.put("gammaFractionInArray", List.<Object[]>of(new Object[] {2.0, 3.0}, new Object[] {3.0, 4.5},
                new Object[] {1.0, 2.0}, new Object[] {2.2, 3.0}, new Object[] {0.5, 1.5}, new Object[] {3.0, 6.0}));
        POINTS.put("gammaFractionInitializers", List.<Object[]>of(new Object[] {2.0, 3.0}, new Object[] {3.0, 4.5},
                new Object[] {2.2, 3.0}));
        POINTS.put("seriesAtZero", List.<Object[]>of(new Object[] {0.0, 0.7}, new Object[] {0.0, -1.3},
                new Object[] {0.3, 0.7}));
        POINTS.put("cappedProducts", List.<Object[]>of(new Object[] {4.0}, new Object[] {3.0}, new Object[] {2.5},
                new Object[] {5.0}));
        POINTS.put("reduced", List.<Object[]>of(new Object[] {2.5}, new Object[] {3.0}, new Object[] {1.5},
                new Object[] {9.0}));
    }

    @TestFactory
    Stream<DynamicTest> atWholeParametersAndBeside() throws Exception {
        return GradientHarness.atPoints(Convergence.class, POINTS);
    }

    /** The two forms of the beta fraction agree, whole parameters or not: the fixtures compute what they say. */
    @Test
    void theFormsAgree() {
        for (double[] p : new double[][] {{2.0, 3.0, 0.5}, {1.5, 2.0, 0.6}, {2.0, 3.4, 0.5}, {4.0, 5.0, 0.3}}) {
            assertEquals(Convergence.betaFraction(p[0], p[1], p[2]), Convergence.betaFractionDeclaredFirst(p[0], p[1], p[2]),
                    1e-13 * Math.abs(Convergence.betaFraction(p[0], p[1], p[2])));
        }
        for (double[] p : new double[][] {{2.2, 3.0}, {3.0, 4.5}, {2.0, 3.0}, {0.5, 1.5}}) {
            double expected = Convergence.gammaFraction(p[0], p[1]);
            assertEquals(expected, Convergence.gammaFractionDoWhile(p[0], p[1]), 1e-14 * Math.abs(expected));
            assertEquals(expected, Convergence.gammaFractionInArray(p[0], p[1]), 1e-14 * Math.abs(expected));
            assertEquals(expected, Convergence.gammaFractionInitializers(p[0], p[1]), 1e-14 * Math.abs(expected));
        }
    }
}
