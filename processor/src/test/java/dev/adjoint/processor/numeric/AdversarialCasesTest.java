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
}
