package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Inputs an adversarial search found wrong, each pinned at the point where it was wrong, with the
 * value worked out by hand.
 */
class AdversarialCasesTest {

    private static final String POW = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Pow {
                private Pow() {}

                @Differentiable(order = 2)
                public static double pow(double x, double y) {
                    return Math.pow(x, y);
                }
            }
            """;

    /**
     * ∂(x^y)/∂x = y·x^(y-1) was guarded to 0 wherever y = 0 (where it is 0 anyway, but 0·∞ at x = 0),
     * and the guard cut its derivative in y: the Hessian at (2, 0) had ∂²/∂y∂x = 0 instead of
     * x^(y-1) = 1/2, and was not symmetric.
     */
    @Test
    void powAtExponentZeroKeepsItsMixedSecondDerivative() throws Exception {
        Class<?> adjoint = compileClean("demo.Pow", POW).loader().loadClass("demo.PowAdjoint");
        Method hessian = adjoint.getMethod("powHessian", double.class, double.class);
        double ln2 = Math.log(2);
        // x^y at (2, 0): ∂²/∂x² = y(y-1)x^(y-2) = 0, ∂²/∂x∂y = x^(y-1)(1 + y ln x) = 1/2, ∂²/∂y² = x^y ln²x
        double[][] h = (double[][]) hessian.invoke(null, 2.0, 0.0);
        assertArrayEquals(new double[] {0, 0.5}, h[0], 1e-15);
        assertArrayEquals(new double[] {0.5, ln2 * ln2}, h[1], 1e-15);
        h = (double[][]) hessian.invoke(null, 0.5, 0.0);
        assertArrayEquals(new double[] {0, 2}, h[0], 1e-15);
        Method gradient = adjoint.getMethod("powGradient", double.class, double.class);
        // the first derivative keeps its convention: 0 at x = 0 and at x = NaN where y = 0, as the tape's
        for (double x : new double[] {0.0, -0.0, Double.NaN}) {
            Object g = gradient.invoke(null, x, 0.0);
            assertEquals(0.0, g.getClass().getField("x").getDouble(g), 0.0, "d/dx at x = " + x);
        }
        Object g = gradient.invoke(null, -4.0, 0.0);
        assertEquals(-0.0, g.getClass().getField("x").getDouble(g), 0.0);
    }

    private static final String CLAMPED = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Clamped {
                private Clamped() {}

                /** finmath's bound on the implied volatility: p + √max(p² - q, 0). */
                @Differentiable
                public static double lowerBound(double p, double q) {
                    return p + Math.sqrt(Math.max(p * p - q, 0.0));
                }

                @Differentiable
                public static double upperClamp(double x) {
                    return x + Math.sqrt(-Math.min(x, 0.0));
                }
            }
            """;

    /**
     * The chain through a clamp into √ where the clamp holds its argument at 0: √'(0) = ∞ times
     * max's 0 was ∞·0 = NaN (found by probe B, finmath's implied volatility, whose gradient was NaN
     * in every input). The clamped side's gradient is 0, as PyTorch masks it (and as the constant
     * the clamp gives there is): a selector's 0 is an exact 0 whatever it multiplies. A point where
     * the clamp lets the value through is unchanged.
     */
    @Test
    void clampedIntoASquareRootGivesZeroNotNaN() throws Exception {
        Class<?> adjoint = compileClean("demo.Clamped", CLAMPED).loader().loadClass("demo.ClampedAdjoint");
        Object g = adjoint.getMethod("lowerBoundGradient", double.class, double.class).invoke(null, 0.5, 1.0);
        assertEquals(1.0, g.getClass().getField("p").getDouble(g), 0.0);
        assertEquals(0.0, g.getClass().getField("q").getDouble(g), 0.0);
        g = adjoint.getMethod("lowerBoundGradient", double.class, double.class).invoke(null, 2.0, 1.0);
        assertEquals(1 + 2 / Math.sqrt(3), g.getClass().getField("p").getDouble(g), 1e-15);
        assertEquals(-0.5 / Math.sqrt(3), g.getClass().getField("q").getDouble(g), 1e-15);
        // min(x, 0) at x = 2 holds 0 (√-0.0 = -0.0, √' = -∞): only x's own 1
        g = adjoint.getMethod("upperClampGradient", double.class).invoke(null, 2.0);
        assertEquals(1.0, g.getClass().getField("x").getDouble(g), 0.0);
        g = adjoint.getMethod("upperClampGradient", double.class).invoke(null, -4.0);
        assertEquals(1 - 0.25, g.getClass().getField("x").getDouble(g), 1e-15);
    }
}
