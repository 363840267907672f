package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.fixtures.Extremes;
import dev.adjoint.processor.fixtures.ExtremesAdjoint;
import org.junit.jupiter.api.Test;

/**
 * Derivatives where the textbook formula fails in floating point: atan2's b/(a² + b²) where a² +
 * b² overflows (0 where the derivative is about 1e-200) or underflows (∞ where it is about 1e169),
 * asin's and acos's 1/√(1 − x²) near ±1 (1 − x² loses digits). Each against the exact value,
 * computed without forming the squares.
 */
class ExtremeArgumentsTest {

    /** ∂/∂y and ∂/∂x of 2·atan2(y, x), scaled by hypot so that nothing overflows. */
    private static double[] exactAngle(double y, double x) {
        double h = Math.hypot(y, x);
        return new double[] {2 * (x / h) / h, -2 * (y / h) / h};
    }

    @Test
    void atan2sDerivativeNeitherOverflowsNorUnderflows() {
        double[][] points = {{0.3, 0.7}, {3e200, 4e200}, {-3e-170, 4e-170}, {1e300, 1}, {1e-300, -2e-300}, {1e-160, 1e-160}};
        for (double[] p : points) {
            double[] exact = exactAngle(p[0], p[1]);
            ExtremesAdjoint.AngleGradient g = ExtremesAdjoint.angleGradient(p[0], p[1]);
            assertEquals(exact[0], g.y, 1e-15 * Math.abs(exact[0]), "∂/∂y at " + p[0] + ", " + p[1]);
            assertEquals(exact[1], g.x, 1e-15 * Math.abs(exact[1]), "∂/∂x at " + p[0] + ", " + p[1]);
            assertEquals(exact[0], ExtremesAdjoint.angleTangent(p[0], p[1], 1, 0), 1e-15 * Math.abs(exact[0]));
        }
    }

    @Test
    void atan2sSecondDerivativesAtOrdinaryArgumentsAreUnchanged() {
        // ∂²/∂y² of 2 atan2(y, x) = −4xy/(x² + y²)², ∂²/∂x∂y = 2(y² − x²)/(x² + y²)²
        double y = 0.3;
        double x = 0.7;
        double s = x * x + y * y;
        double[][] h = ExtremesAdjoint.angleHessian(y, x);
        assertEquals(-4 * x * y / (s * s), h[0][0], 1e-14);
        assertEquals(2 * (y * y - x * x) / (s * s), h[0][1], 1e-14);
        assertEquals(4 * x * y / (s * s), h[1][1], 1e-14);
    }

    @Test
    void asinAndAcosNearOneKeepTheirDigits() {
        for (double x : new double[] {0.3, 1 - 1e-9, -(1 - 1e-12), 1 - 0x1p-52}) {
            // d/dx (asin x + acos(−x)) = 2/√(1 − x²), with 1 − x² = (1 − x)(1 + x), exact here
            double exact = 2 / Math.sqrt((1 - x) * (1 + x));
            assertEquals(exact, ExtremesAdjoint.arcsGradient(x).x, 4e-16 * exact, "at " + x);
        }
    }

    /**
     * A loop up to {@code Integer.MIN_VALUE} (or down to {@code MAX_VALUE}) runs no iteration; its
     * reverse sweep starting at the bound less one wrapped round to the other end (an
     * ArrayIndexOutOfBoundsException, or a gradient of iterations that never ran).
     */
    @Test
    void loopsToTheIntegersEndsRunNoIterationBackwards() {
        for (int n : new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -3, 0}) {
            assertEquals(2 * 0.5, ExtremesAdjoint.upToGradient(0.5, n).x, 0.0, "up to " + n);
            assertEquals(2 * 0.5, ExtremesAdjoint.upToTangent(0.5, n, 1.0), 0.0, "up to " + n);
            assertEquals(2.0, ExtremesAdjoint.upToHessian(0.5, n)[0][0], 0.0, "up to " + n);
        }
        // three iterations: against central differences
        double h = 1e-6;
        double fd = (Extremes.upTo(0.5 + h, 3) - Extremes.upTo(0.5 - h, 3)) / (2 * h);
        assertEquals(fd, ExtremesAdjoint.upToGradient(0.5, 3).x, 1e-8);
        for (int n : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 5}) {
            assertEquals(2 * 0.5, ExtremesAdjoint.downToGradient(0.5, 4, n).x, 0.0, "down to " + n);
            assertEquals(2 * 0.5, ExtremesAdjoint.downToTangent(0.5, 4, n, 1.0), 0.0, "down to " + n);
        }
        double fdDown = (Extremes.downTo(0.5 + h, 4, 1) - Extremes.downTo(0.5 - h, 4, 1)) / (2 * h);
        assertEquals(fdDown, ExtremesAdjoint.downToGradient(0.5, 4, 1).x, 1e-8);
    }

    /** Inclusive bounds at the integers' ends: no iteration, none kept (n - from + 1 wrapped to 2³¹ - 1). */
    @Test
    void inclusiveLoopsToTheIntegersEndsKeepNothing() {
        int[][] none = {{2, Integer.MIN_VALUE}, {Integer.MAX_VALUE, -3}, {5, Integer.MIN_VALUE + 1}};
        for (int[] c : none) {
            assertEquals(1.4, ExtremesAdjoint.upToInclusiveGradient(0.7, c[0], c[1]).x, 1e-15, "up from " + c[0]);
            assertEquals(2.0, ExtremesAdjoint.upToInclusiveHessian(0.7, c[0], c[1])[0][0], 0.0, "up from " + c[0]);
        }
        int[][] noneDown = {{-3, Integer.MAX_VALUE}, {Integer.MIN_VALUE, 5}, {-5, Integer.MAX_VALUE - 1}};
        for (int[] c : noneDown) {
            assertEquals(1.4, ExtremesAdjoint.downToInclusiveGradient(0.7, c[0], c[1]).x, 1e-15, "down from " + c[0]);
        }
        double h = 1e-6;
        double fd = (Extremes.upToInclusive(0.7 + h, 2, 4) - Extremes.upToInclusive(0.7 - h, 2, 4)) / (2 * h);
        assertEquals(fd, ExtremesAdjoint.upToInclusiveGradient(0.7, 2, 4).x, 1e-8);
        double fdDown = (Extremes.downToInclusive(0.7 + h, 4, 2) - Extremes.downToInclusive(0.7 - h, 4, 2)) / (2 * h);
        assertEquals(fdDown, ExtremesAdjoint.downToInclusiveGradient(0.7, 4, 2).x, 1e-8);
    }
}
