package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Convergence loops that keep their state in a small local array, in the shapes that could trip
 * normalize.SmallArrays: a shift loop counting down, nested counted loops indexing a 2 × 2 array by
 * {@code 2 * i + j}, a return inside an unrolled loop, an array made anew in each step, an
 * {@code int[]} beside the doubles. Each is accepted without a warning (its loop is run on) and
 * checked at whole and other parameters: central differences, pullback, tape, tangent, second order.
 */
class SmallArraysTest {

    static final String SOURCE = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Series {
                private static final double EPS = 1e-15;

                private Series() {}

                /** Σ (1 − b)ₖ xᵏ / k!, its last four terms in an array shifted by a loop counting down. */
                @Differentiable(order = 2)
                public static double countDown(double b, double x) {
                    double[] last = new double[4];
                    last[0] = 1.0;
                    double sum = 1.0;
                    int n = 0;
                    do {
                        n++;
                        for (int k = 3; k >= 1; k--) {
                            last[k] = last[k - 1];
                        }
                        last[0] = last[1] * (n - b) * x / n;
                        sum += last[0];
                    } while (Math.abs(last[0]) > EPS * Math.abs(sum) && n < 400);
                    return sum + 0.5 * last[3];
                }

                /** The same series, the term and the sum kept in a 2 × 2 array written by nested counted loops. */
                @Differentiable(order = 2)
                public static double nested(double b, double x) {
                    double[] m = {1.0, 0.0, 1.0, 0.0};
                    int n = 0;
                    while (Math.abs(m[0]) > EPS * Math.abs(m[2]) && n < 400) {
                        n++;
                        for (int i = 0; i < 2; i++) {
                            for (int j = 1; j < 2; j++) {
                                m[2 * i + j] = m[2 * i + j - 1];
                            }
                        }
                        m[0] *= (n - b) * x / n;
                        m[2] += m[0];
                    }
                    return m[2] + 0.5 * m[3];
                }

                /** A return inside the unrolled loop, taken only where the sum is not finite. */
                @Differentiable(order = 2)
                public static double guarded(double b, double x) {
                    double[] t = new double[2];
                    t[0] = 1.0;
                    double sum = 1.0;
                    int n = 0;
                    do {
                        n++;
                        for (int k = 0; k < 1; k++) {
                            if (Double.isInfinite(t[k])) {
                                return sum;
                            }
                            t[k + 1] = t[k];
                        }
                        t[0] = t[1] * (n - b) * x / n;
                        sum += t[0];
                    } while (Math.abs(t[0]) > EPS * Math.abs(sum) && n < 400);
                    return sum;
                }

                /** An array made in each step (a pair of partial results), an int[] of counts beside it. */
                @Differentiable(order = 2)
                public static double perStep(double b, double x) {
                    int[] counts = new int[2];
                    double term = 1.0;
                    double sum = 1.0;
                    int n = 0;
                    do {
                        n++;
                        double[] pair = {term * (n - b), x / n};
                        term = pair[0] * pair[1];
                        sum += term;
                        counts[0]++;
                        counts[1] += n % 2;
                    } while (Math.abs(term) > EPS * Math.abs(sum) && n < 400);
                    return sum + 1e-3 * counts[0];
                }
            }
            """;

    private static final double[][] POINTS = {{2.0, 0.4}, {3.0, 0.7}, {1.0, -0.6}, {2.3, 0.4}, {0.5, 0.9}};

    @Test
    void eachShapeIsRunOnAndItsDerivativeRight() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Series", SOURCE);
        String impl = withoutComments(r.generated("demo.SeriesAdjointImpl"));
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Series"));
        Random random = new Random(16);
        for (Method m : harness.differentiableMethods()) {
            for (double[] p : POINTS) {
                harness.checkAt(m, new Object[] {p[0], p[1]}, random);
            }
        }
        for (String name : new String[] {"countDown", "nested", "guarded", "perStep"}) {
            int at = impl.indexOf("public static double " + name + "Pullback(");
            String pullback = impl.substring(at, impl.indexOf("\n    }\n", at));
            assertTrue(pullback.contains("_stepsNear"), name + " is run on:\n" + pullback);
        }
        assertFalse(impl.contains("new double[4]"), "the small arrays are scalars");
    }
}
