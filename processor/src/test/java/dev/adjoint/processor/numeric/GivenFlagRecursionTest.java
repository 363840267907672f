package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A private helper that calls itself, called with flags given as constants, as Commons Numbers
 * writes its error functions: {@code erf(x)} is {@code erfImp(x, false, false)}, {@code erfc(x)} is
 * {@code erfImp(x, true, false)}, and {@code erfImp} reflects a negative argument with
 * {@code -erfImp(-z, invert, false)}, reassigns its flag and compares with {@code float} literals,
 * in a class nested in another. The outer call is inlined, read for its constant flags; the
 * recursive call inside, read under another key, must still be seen as the recursion it is and
 * made through the helper's own pullback (it was refused as a recursive inlining).
 */
class GivenFlagRecursionTest {

    static final String SPECIAL = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Special {
                private Special() {}

                static final class Erf {
                    private static final double THRESHOLD = 0.5;

                    private Erf() {}

                    @Differentiable(order = 2)
                    static double erf(double x) {
                        return imp(x, false, false);
                    }

                    @Differentiable(order = 2)
                    static double erfc(double x) {
                        return imp(x, true, false);
                    }

                    @Differentiable(order = 2)
                    static double erfcx(double x) {
                        return x < -0.5 ? 2 * Math.exp(x * x) - imp(-x, true, true) : imp(x, true, true);
                    }

                    private static double imp(double z, boolean invert, boolean scaled) {
                        if (Double.isNaN(z)) {
                            return Double.NaN;
                        }
                        if (z < 0) {
                            if (!invert) {
                                return -imp(-z, invert, false);
                            } else if (z < -0.5) {
                                return 2 - imp(-z, invert, false);
                            } else {
                                return 1 + imp(-z, false, false);
                            }
                        }
                        double result;
                        if (z < THRESHOLD) {
                            final double y = 1.125f;
                            result = z * (y + z * (0.25 - z / 7));
                        } else if (scaled || (invert ? (z < 27.300781f) : (z < 5.9306640625f))) {
                            invert = !invert;
                            double tail = Math.exp(-z * z) / (1 + z);
                            result = scaled ? tail * Math.exp(z * z) : tail;
                        } else {
                            result = 1;
                        }
                        if (invert) {
                            result = 1 - result;
                        }
                        return result;
                    }
                }
            }
            """;

    /** Points on each side of each branch: the reflections (below -0.5 and above), the series, the tail. */
    private static final double[] POINTS = {-2.1, -0.8, -0.3, 0.2, 0.45, 0.7, 1.6, 3.2};

    @Test
    void eachFunctionAtEachBranch() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Special", SPECIAL);
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Special$Erf"));
        // imp has members of its own too (planned as a method), checked here through its callers
        List<Method> methods = harness.differentiableMethods().stream().filter(m -> !m.getName().equals("imp")).toList();
        assertEquals(List.of("erf", "erfc", "erfcx"), methods.stream().map(Method::getName).toList());
        Random random = new Random(568);
        for (Method m : methods) {
            assertTrue(harness.hasSecondOrder(m), m.getName() + " has second order");
            for (double x : POINTS) {
                harness.checkAt(m, new Object[] {x}, random);
            }
        }
    }

    @Test
    void theRecursionIsCalledNotRefused() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Special", SPECIAL);
        String impl = r.generatedSources().get("demo.Special_ErfAdjointImpl");
        // the helper's own pullback, and the implementation's copy of the private primal for its value
        assertTrue(impl != null && impl.contains("impPullback(") && impl.contains("public static double imp("),
                String.valueOf(r.generatedSources().keySet()));
    }
}
