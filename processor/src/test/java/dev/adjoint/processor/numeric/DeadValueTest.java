package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.fixtures.DeadValues;
import dev.adjoint.processor.fixtures.DeadValuesAdjoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The methods of {@link DeadValues} on both sides of their checks: where a value computed before a
 * check is NaN and unused, the gradient, the tangent and second order are those of what the method
 * returns (0 for a constant), as on the tape, not 0·NaN.
 */
class DeadValueTest {

    private static final Map<String, List<Object[]>> POINTS = new LinkedHashMap<>();

    static {
        POINTS.put("checkedAfter", List.<Object[]>of(new Object[] {-1.0, 2.0}, new Object[] {0.3, 2.0},
                new Object[] {0.9, 2.0}));
        POINTS.put("chosen", List.<Object[]>of(new Object[] {-1.0, 2.0}, new Object[] {0.9, 2.0}));
        POINTS.put("logNormalDensity", List.<Object[]>of(new Object[] {0.2, 0.1, 0.7}, new Object[] {1.5, 0.1, 0.7}));
        POINTS.put("twoChecks", List.<Object[]>of(new Object[] {0.3, 0.3}, new Object[] {0.9, 0.3},
                new Object[] {0.3, 0.9}, new Object[] {0.9, 0.9}));
        POINTS.put("skipOutOfRange", List.<Object[]>of(new Object[] {new double[] {0.3, 0.9, -2.0, 1.5}, 0.7}));
        POINTS.put("assignedInBranches", List.<Object[]>of(new Object[] {0.1, 2.0}, new Object[] {0.9, 2.0}));
    }

    @TestFactory
    Stream<DynamicTest> onBothSidesOfTheChecks() throws Exception {
        return GradientHarness.atPoints(DeadValues.class, POINTS);
    }

    /** The figures themselves where the unused value is NaN: exact zeros (the factory above checks the tape there). */
    @Test
    void pastTheCheckTheUnusedValueLeavesNoNaN() {
        DeadValuesAdjoint.CheckedAfterGradient g = DeadValuesAdjoint.checkedAfterGradient(-1.0, 2.0);
        assertEquals(0.0, g.x, 0.0);
        assertEquals(0.0, g.s, 0.0);
        DeadValuesAdjoint.ChosenGradient c = DeadValuesAdjoint.chosenGradient(-1.0, 2.0);
        assertEquals(0.0, c.x, 0.0);
        assertEquals(0.0, c.s, 0.0);
        double[][] hessian = DeadValuesAdjoint.logNormalDensityHessian(0.2, 0.1, 0.7);
        for (double[] row : hessian) {
            for (double h : row) {
                assertEquals(0.0, h, 0.0);
            }
        }
        // at x = 0.9, y = 0.3: the method returns a = √(x − 0.5); b = log(−0.2) is NaN and unused
        DeadValuesAdjoint.TwoChecksGradient t = DeadValuesAdjoint.twoChecksGradient(0.9, 0.3);
        assertEquals(0.5 / Math.sqrt(0.4), t.x, 1e-15);
        assertEquals(0.0, t.y, 0.0);
        DeadValuesAdjoint.SkipOutOfRangeGradient s = DeadValuesAdjoint.skipOutOfRangeGradient(
                new double[] {0.3, 0.9, -2.0, 1.5}, 0.7);
        assertEquals(0.0, s.w[0], 0.0);
        assertEquals(0.0, s.w[2], 0.0);
        assertEquals(0.5 * 0.7 / Math.sqrt(0.4), s.w[1], 1e-15);
        assertEquals(0.5 * 0.7, s.w[3], 1e-15);
        assertEquals(Math.sqrt(0.4) + 1.0, s.x, 1e-15);

    }

    @Test
    void theValuesStayTheMethods() {
        assertEquals(DeadValues.logNormalDensity(1.5, 0.1, 0.7),
                DeadValuesAdjoint.logNormalDensityPullback(1.5, 0.1, 0.7, 1.0,
                        new DeadValuesAdjoint.LogNormalDensityGradient()), 0.0);
    }
}
