package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import org.junit.jupiter.api.Test;

/**
 * Helpers of other classes of the build that call themselves, accepted as written (issue 14): erf
 * and erfc through each other in a class without annotations, of another package, with a private
 * recursive continued fraction; a recursion that goes back and forth between two classes; a
 * recursion over integers alone of another class; a helper of a class that has
 * {@code @Differentiable} methods of its own; a site of two classes, one nested in the other. Each
 * helper is planned as a method of its own in the adjoint classes of the class that reaches it, and
 * each method is checked at 20 random points as {@link NumericGradientTest} checks the fixtures:
 * the gradient against central differences, the pullback, the tape, the tangent, second order.
 */
class ForeignRecursionTest {

    private static final int POINTS = 20;

    /**
     * erf and erfc, each through the other where its own formula is poor, as SSJ's {@code Num}
     * writes them: a Taylor series of erf near 0, the continued fraction of erfc in the tail (here
     * by a private recursion, one level per partial denominator), odd and reflected for x < 0.
     */
    static final String NUM = """
            package demo.lib;

            public final class Num {
                private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

                private Num() {}

                public static double erf(double x) {
                    if (x < 0) {
                        return -erf(-x);
                    }
                    if (x > 2.0) {
                        return 1.0 - erfc(x);
                    }
                    double term = x;
                    double sum = x;
                    double x2 = x * x;
                    for (int n = 1; n < 40; n++) {
                        term *= -x2 / n;
                        sum += term / (2 * n + 1);
                    }
                    return TWO_OVER_SQRT_PI * sum;
                }

                public static double erfc(double x) {
                    if (x < 0) {
                        return 2.0 - erfc(-x);
                    }
                    if (x < 2.0) {
                        return 1.0 - erf(x);
                    }
                    return Math.exp(-x * x) / (Math.sqrt(Math.PI) * fraction(x, 1, 60));
                }

                /** z + (k/2) / (z + ((k+1)/2) / (z + ...)), down to the last partial denominator. */
                private static double fraction(double z, int k, int last) {
                    if (k > last) {
                        return z;
                    }
                    return z + 0.5 * k / fraction(z, k + 1, last);
                }
            }
            """;

    private static final String NORMAL_DIST = """
            package demo;

            import demo.lib.Num;
            import dev.adjoint.Differentiable;

            public final class NormalDist {
                private NormalDist() {}

                @Differentiable(order = 2)
                public static double cdf(double mu, double sigma, double x) {
                    return 0.5 * (1.0 + Num.erf((x - mu) / (sigma * Math.sqrt(2.0))));
                }

                /** Both tails, far enough out for erfc's continued fraction and erf's reflection. */
                @Differentiable(order = 2)
                public static double tails(double x, double s) {
                    return demo.lib.Num.erfc(4.0 * (x - 0.5) / s) + Num.erf(6.0 * (0.5 - x) * s) * s;
                }
            }
            """;

    @Test
    void erfAndErfcOfAnotherPackageThroughEachOther() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.NormalDist", NORMAL_DIST, "demo.lib.Num", NUM);
        String impl = withoutComments(r.generated("demo.NormalDistAdjointImpl"));
        assertTrue(impl.contains("erfPullback(") && impl.contains("erfcPullback("), "pullbacks of their own:\n" + impl);
        assertTrue(impl.contains("Num.erf(") && impl.contains("Num.erfc("), "public: their values as written:\n" + impl);
        assertTrue(impl.contains("static double fraction(double z, int k, int last)"),
                "private: its value from the implementation's copy:\n" + impl);
        String api = r.generated("demo.NormalDistAdjoint");
        assertTrue(api.contains("\n    static double erfPullback(") && api.contains("{@link Num#erf(double)}"),
                "package-private members, documented as Num's:\n" + api);
        checkEveryMethod(r, "demo.NormalDist", POINTS, "cdf", "tails");
        // d/dx ½(1 + erf((x − μ)/(σ√2))) is the normal density
        Object g = new GradientHarness(r.loader().loadClass("demo.NormalDist")).gradientHolder("cdf", 0.3, 0.7, 2.9);
        double z = (2.9 - 0.3) / 0.7;
        assertEquals(Math.exp(-z * z / 2) / (0.7 * Math.sqrt(2 * Math.PI)), g.getClass().getField("x").getDouble(g), 1e-12);
    }

    /** A recursion between two classes, one over integers alone, and one of the site's own package. */
    private static final String PING = """
            package demo.lib;

            public final class Ping {
                private Ping() {}

                public static double down(double x, int n) {
                    var shrunk = 0.9 * x;
                    return n == 0 ? Math.sin(x) : x * Pong.up(shrunk, n - 1);
                }
            }
            """;

    private static final String PONG = """
            package demo.lib;

            public final class Pong {
                private Pong() {}

                public static double up(double x, int n) {
                    return n == 0 ? Math.cos(x) : 1.0 + 0.5 * Ping.down(x + 0.1, n - 1);
                }
            }
            """;

    private static final String COUNTING = """
            package demo.lib;

            public final class Counting {
                private Counting() {}

                public static double binomial(int n, int k) {
                    return k == 0 || k == n ? 1.0 : binomial(n - 1, k - 1) + binomial(n - 1, k);
                }

                public static long factorial(int n) {
                    return n <= 1 ? 1L : n * factorial(n - 1);
                }
            }
            """;

    private static final String HALVING = """
            package demo;

            final class Halving {
                private Halving() {}

                static double halve(double x, int n) {
                    return n == 0 ? Math.cos(x) : halve(0.5 * x, n - 1) * x + 1.0;
                }
            }
            """;

    private static final String MIXED = """
            package demo;

            import demo.lib.Counting;
            import demo.lib.Ping;
            import demo.lib.Pong;
            import dev.adjoint.Differentiable;

            public final class Mixed {
                private Mixed() {}

                @Differentiable(order = 2)
                public static double pingPong(double x, double y) {
                    return Ping.down(x, 4) * y + Pong.up(y, 3);
                }

                @Differentiable(order = 2)
                public static double poisson(double lambda, double p) {
                    int k = 4;
                    return Math.pow(lambda, k) * Math.exp(-lambda) / Counting.factorial(k)
                            + Counting.binomial(k + 2, k) * Math.pow(p, k);
                }

                @Differentiable(order = 2)
                public static double halved(double x) {
                    return Halving.halve(x, 3) + Halving.halve(-x, 1);
                }
            }
            """;

    /**
     * Commons Numbers' shape: a package-private class whose recursive Γ reflects with a negated
     * constant ({@code -Math.PI / (z sin(πz) Γ(-z))}) and a negated field. A unary minus on a field
     * was taken for a write to it, and the helper was refused at its recursive call.
     */
    @Test
    void aNegatedConstantInARecursiveHelperOfAnotherClass() throws Exception {
        String boost = """
                package demo;

                final class BoostGamma {
                    private static final double HALF_LOG_TWO_PI = 0.9189385332046727;

                    private BoostGamma() {}

                    static double tgamma(double z) {
                        if (z < 0) {
                            return -Math.PI / (z * Math.sin(Math.PI * z) * tgamma(-z));
                        }
                        return Math.exp((z + 0.5) * Math.log(z + 1.5) - z - -HALF_LOG_TWO_PI - 1.0);
                    }
                }
                """;
        String user = """
                package demo;

                import dev.adjoint.Differentiable;

                public final class Reflected {
                    private Reflected() {}

                    @Differentiable(order = 2)
                    public static double shifted(double x) {
                        return BoostGamma.tgamma(x - 1.0);
                    }
                }
                """;
        InMemoryCompiler.Result r = compileClean("demo.Reflected", user, "demo.BoostGamma", boost);
        assertTrue(withoutComments(r.generated("demo.ReflectedAdjointImpl")).contains("tgammaPullback("),
                "planned as a method of its own");
        checkEveryMethod(r, "demo.Reflected", POINTS, "shifted");
    }

    @Test
    void recursionBetweenClassesOverIntegersAndInThePackage() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Mixed", MIXED, "demo.lib.Ping", PING, "demo.lib.Pong", PONG,
                "demo.lib.Counting", COUNTING, "demo.Halving", HALVING);
        String impl = withoutComments(r.generated("demo.MixedAdjointImpl"));
        assertTrue(impl.contains("downPullback(") && impl.contains("upPullback(") && impl.contains("halvePullback("), impl);
        assertTrue(impl.contains("Counting.binomial(n - 1, k - 1)") && impl.contains("Counting.factorial(k)"),
                "the recursions over integers are called as written:\n" + impl);
        assertFalse(impl.contains("binomialPullback") || impl.contains("factorialPullback"), impl);
        checkEveryMethod(r, "demo.Mixed", POINTS, "halved", "pingPong", "poisson");
    }

    /**
     * A helper of a class that has a {@code @Differentiable} method of its own: that class's adjoint
     * plans it for its own method, the other class's for its own; the two do not meet. A site of two
     * classes, one nested in the other, plans it once.
     */
    @Test
    void helperOfAClassWithItsOwnDifferentiableMethodAndANestedSite() throws Exception {
        String num = NUM.replace("    private Num() {}", """
                    private Num() {}

                    @dev.adjoint.Differentiable(order = 2)
                    public static double erfSquared(double x) {
                        double e = erf(3.0 * x - 1.0);
                        return e * e;
                    }
                """);
        String outer = """
                package demo;

                import demo.lib.Num;
                import dev.adjoint.Differentiable;

                public final class Outer {
                    private Outer() {}

                    @Differentiable(order = 2)
                    public static double a(double x) {
                        return Num.erfc(5.0 * x - 1.0) * x;
                    }

                    public static final class Inner {
                        private Inner() {}

                        @Differentiable(order = 2)
                        public static double b(double x, double y) {
                            return Num.erfc(x - 3.0 * y) + Num.erf(y);
                        }
                    }
                }
                """;
        InMemoryCompiler.Result r = compileClean("demo.Outer", outer, "demo.lib.Num", num);
        String outerImpl = withoutComments(r.generated("demo.OuterAdjointImpl"));
        String innerImpl = withoutComments(r.generated("demo.Outer_InnerAdjointImpl"));
        boolean inOuter = outerImpl.contains("static double erfcPullback(");
        assertTrue(inOuter != innerImpl.contains("static double erfcPullback("), "planned once for the site:\n"
                + outerImpl + "\n" + innerImpl);
        assertTrue(inOuter ? innerImpl.contains("OuterAdjointImpl.erfcPullback(")
                : outerImpl.contains("Outer_InnerAdjointImpl.erfcPullback("), outerImpl + "\n" + innerImpl);
        checkEveryMethod(r, "demo.Outer", POINTS, "a");
        checkEveryMethod(r, "demo.Outer$Inner", POINTS, "b");
        checkEveryMethod(r, "demo.lib.Num", POINTS, "erf", "erfSquared", "erfc", "fraction");
    }
}
