package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Static helpers of other classes of the same build, inlined as a class's own helpers are (issue
 * 14): a special function with its private table and private sub-helper, a helper writing its
 * {@code double[]} parameter, a validation helper (which stays a call), and helpers of another
 * package whose package-private and private members the adjoint class reaches through bridges,
 * judged from each site's package (one helper serving sites in two packages). Each is compiled with
 * the processor and checked at 20 random points as {@link NumericGradientTest} checks the fixtures:
 * the gradient against central differences, the pullback, the tape, the tangent, second order.
 */
class ForeignHelperTest {

    private static final int POINTS = 20;

    /** Log Γ by Lanczos (g = 7), written as libraries write it: a private table, a private sub-helper, checks. */
    private static final String SPECIAL_MATH = """
            package demo;

            public final class SpecialMath {
                private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851,
                        -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905,
                        -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
                private static final double HALF_LOG_2_PI = 0.5 * Math.log(2 * Math.PI);

                private SpecialMath() {}

                /** A(z) of Γ(z + 1) = √(2π) t^(z + 1/2) e^(-t) A(z), t = z + 7.5. */
                private static double lanczosSum(double z) {
                    double s = LANCZOS[0];
                    for (int i = 1; i < LANCZOS.length; i++) {
                        s += LANCZOS[i] / (z + i);
                    }
                    return s;
                }

                /** log Γ(x) = log Γ(x + 1) - log x, for x > 0. */
                public static double logGamma(double x) {
                    if (!(x > 0)) {
                        throw new IllegalArgumentException("logGamma needs x > 0, was " + x);
                    }
                    double t = x + 7.5;
                    return HALF_LOG_2_PI + (x + 0.5) * Math.log(t) - t + Math.log(lanczosSum(x)) - Math.log(x);
                }

                public static void checkPositive(double value, String name) {
                    if (!(value > 0)) {
                        throw new IllegalArgumentException(String.format("%s must be positive, was %.3f", name, value));
                    }
                }

                public static void scale(double[] values, double factor) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] *= factor;
                    }
                }
            }
            """;

    private static final String DISTRIBUTIONS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Distributions {
                private Distributions() {}

                @Differentiable(order = 2)
                public static double gammaLogDensity(double x, double shape) {
                    SpecialMath.checkPositive(x, "x");
                    return (shape - 1) * Math.log(x) - x - SpecialMath.logGamma(shape);
                }

                @Differentiable(order = 2)
                public static double scaledEnergy(double[] w, double s) {
                    double[] v = w.clone();
                    SpecialMath.scale(v, s * s);
                    double e = 0;
                    for (double value : v) {
                        e += value * value;
                    }
                    return e;
                }
            }
            """;

    /** erfc by Abramowitz and Stegun 7.1.26, in another package, with package-private and private members. */
    private static final String ERF = """
            package demo.lib;

            public final class Erf {
                static final double[] A = {0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429};
                private static final double P = 0.3275911;
                private static final double[] SHIFT = {0.0};

                private Erf() {}

                /** t (c0 + t (c1 + ...)). */
                private static double horner(double[] c, double t) {
                    double r = 0;
                    for (int i = c.length - 1; i >= 0; i--) {
                        r = (r + c[i]) * t;
                    }
                    return r;
                }

                public static double erfc(double x) {
                    Limits.checkFinite(x);
                    double z = Math.abs(x);
                    double t = 1 / (1 + P * z);
                    double r = horner(A, t) * Math.exp(-z * z) + SHIFT[0];
                    return x >= 0 ? r : Limits.TWO - r;
                }
            }
            """;

    /** A class that is not public: its public constant and its check are out of another package's reach. */
    private static final String LIMITS = """
            package demo.lib;

            final class Limits {
                public static final double TWO = Math.sqrt(4.0);

                private Limits() {}

                static void checkFinite(double x) {
                    if (Double.isNaN(x) || Double.isInfinite(x)) {
                        throw new IllegalArgumentException("not finite: " + x);
                    }
                }
            }
            """;

    private static final String MODEL = """
            package demo;

            import demo.lib.Erf;
            import dev.adjoint.Differentiable;

            public final class Model {
                private Model() {}

                @Differentiable(order = 2)
                public static double survival(double x, double s) {
                    return Erf.erfc(x / s - 0.5) * s;
                }
            }
            """;

    private static final String LIB_MODEL = """
            package demo.lib;

            import dev.adjoint.Differentiable;

            public final class LibModel {
                private LibModel() {}

                @Differentiable(order = 2)
                public static double tail(double x, double s) {
                    return Erf.erfc(s - x) * Erf.A[0] + x * s;
                }
            }
            """;

    /** A helper of another class of the package: its private table and private sub-helper come along, judged from the site. */
    @Test
    void helperOfAnotherClassWithPrivateTableAndSubHelper() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", DISTRIBUTIONS, "demo.SpecialMath", SPECIAL_MATH);
        String impl = withoutComments(r.generated("demo.DistributionsAdjointImpl"));
        assertFalse(impl.contains("SpecialMath.logGamma("), "logGamma is inlined:\n" + impl);
        assertTrue(impl.contains("Hidden.staticGetter(MethodHandles.lookup(), SpecialMath.class, \"LANCZOS\""),
                "the private table through a bridge:\n" + impl);
        checkEveryMethod(r, "demo.Distributions", POINTS, "gammaLogDensity", "scaledEnergy");
    }

    /** A helper of another class writing its double[] parameter: the pullback restores what it overwrote. */
    @Test
    void helperOfAnotherClassWritingItsArrayParameter() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", DISTRIBUTIONS, "demo.SpecialMath", SPECIAL_MATH);
        assertFalse(withoutComments(r.generated("demo.DistributionsAdjointImpl")).contains("SpecialMath.scale("), "scale is inlined");
        Class<?> type = r.loader().loadClass("demo.Distributions");
        // e = s⁴ Σ w², de/ds = 4 s³ Σ w², de/dw_i = 2 s⁴ w_i
        double[] w = {0.3, -0.7, 1.1};
        double s = 0.9;
        Object g = new GradientHarness(type).gradientHolder("scaledEnergy", w, s);
        double sum = 0.3 * 0.3 + 0.7 * 0.7 + 1.1 * 1.1;
        assertEquals(4 * s * s * s * sum, g.getClass().getField("s").getDouble(g), 1e-12);
        assertEquals(2 * Math.pow(s, 4) * -0.7, ((double[]) g.getClass().getField("w").get(g))[1], 1e-12);
        checkEveryMethod(r, "demo.Distributions", POINTS, "gammaLogDensity", "scaledEnergy");
    }

    /** A check of another class (void, writes nothing, formats its message) stays a call, beside an inlined helper. */
    @Test
    void validationHelperOfAnotherClassStaysACall() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", DISTRIBUTIONS, "demo.SpecialMath", SPECIAL_MATH);
        String impl = withoutComments(r.generated("demo.DistributionsAdjointImpl"));
        assertTrue(impl.contains("SpecialMath.checkPositive(x, \"x\");"), "the check is called as written:\n" + impl);
        assertFalse(impl.contains("String.format"), "the check's body is not inlined:\n" + impl);
        Method density = r.loader().loadClass("demo.Distributions").getMethod("gammaLogDensity", double.class,
                double.class);
        GradientHarness harness = new GradientHarness(density.getDeclaringClass());
        IllegalArgumentException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> harness.gradientHolder("gammaLogDensity", -1.0, 2.0));
        assertEquals("x must be positive, was -1.000", thrown.getMessage());
    }

    /**
     * A helper of another package: its package-private table and private members through bridges,
     * the public constant of a class that is not public looked up by the class's name, its
     * package-private check called through a bridge.
     */
    @Test
    void helperOfAnotherPackageThroughBridges() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Model", MODEL, "demo.lib.Erf", ERF, "demo.lib.Limits", LIMITS);
        String impl = r.generated("demo.ModelAdjointImpl");
        assertTrue(impl.contains("Hidden.staticGetter(MethodHandles.lookup(), Erf.class, \"A\", double[].class)"), impl);
        assertTrue(impl.contains("Hidden.type(MethodHandles.lookup(), \"demo.lib.Limits\"), \"TWO\""), impl);
        assertTrue(impl.contains("Hidden.staticMethod(MethodHandles.lookup(), Hidden.type(MethodHandles.lookup(), "
                + "\"demo.lib.Limits\"), \"checkFinite\""), impl);
        checkEveryMethod(r, "demo.Model", POINTS, "survival");
    }

    /**
     * One helper inlined into sites of two packages in one compilation, in either order: each site
     * gets the helper's code as its own package may name it (the package-private table read directly
     * in the helper's package, through a bridge from the other), never the other site's.
     */
    @Test
    void oneHelperForSitesInTwoPackages() throws Exception {
        for (boolean libFirst : new boolean[] {false, true}) {
            InMemoryCompiler.Result r = libFirst
                    ? compileClean("demo.lib.LibModel", LIB_MODEL, "demo.Model", MODEL, "demo.lib.Erf", ERF, "demo.lib.Limits",
                            LIMITS)
                    : compileClean("demo.Model", MODEL, "demo.lib.LibModel", LIB_MODEL, "demo.lib.Erf", ERF, "demo.lib.Limits",
                            LIMITS);
            String demo = r.generated("demo.ModelAdjointImpl");
            String lib = r.generated("demo.lib.LibModelAdjointImpl");
            assertTrue(demo.contains("Erf.class, \"A\""), "demo bridges Erf.A:\n" + demo);
            assertFalse(lib.contains("Erf.class, \"A\""), "demo.lib reads Erf.A directly:\n" + lib);
            assertTrue(lib.contains("Limits.checkFinite(") && lib.contains("Limits.TWO"), lib);
            checkEveryMethod(r, "demo.Model", POINTS, "survival");
            checkEveryMethod(r, "demo.lib.LibModel", POINTS, "tail");
        }
    }

    /** A check of another class that computes with Math (and writes nothing) stays a call, given differentiated values. */
    @Test
    void checkComputingWithMathStaysACall() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Difference", """
                package demo;

                import dev.adjoint.Differentiable;

                public final class Difference {
                    private Difference() {}

                    /** (x² - y²) / (x - y), which is x + y, also where x and y are close. */
                    @Differentiable(order = 2)
                    public static double sumBySquares(double x, double y) {
                        if (Closeness.isClose(x, y)) {
                            return 2 * x;
                        }
                        return (x * x - y * y) / (x - y);
                    }
                }
                """, "demo.Closeness", """
                package demo;

                public final class Closeness {
                    private Closeness() {}

                    public static boolean isClose(double x, double y) {
                        return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
                    }
                }
                """);
        assertTrue(withoutComments(r.generated("demo.DifferenceAdjointImpl")).contains("Closeness.isClose(x, y)"),
                r.generated("demo.DifferenceAdjointImpl"));
        checkEveryMethod(r, "demo.Difference", POINTS, "sumBySquares");
    }

    /** A private table of a private nested class: the bridge looks the class up by its name, which it cannot write. */
    @Test
    void privateNestedClassReachedByName() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Horner", """
                package demo;

                import dev.adjoint.Differentiable;

                public final class Horner {
                    private static final class Table {
                        private static final double[] C = {0.5, -1.5, 2.0};
                    }

                    private Horner() {}

                    private static double polynomial(double x) {
                        double s = 0;
                        for (int i = 0; i < Table.C.length; i++) {
                            s = s * x + Table.C[i];
                        }
                        return s;
                    }

                    @Differentiable(order = 2)
                    public static double weighted(double x, double w) {
                        return polynomial(x) * w;
                    }
                }
                """);
        assertTrue(r.generated("demo.HornerAdjointImpl").contains("Hidden.type(MethodHandles.lookup(), \"demo.Horner$Table\")"),
                r.generated("demo.HornerAdjointImpl"));
        checkEveryMethod(r, "demo.Horner", POINTS, "weighted");
    }

    /**
     * Hipparchus' FastMath (here a stand-in of its own package, whose bodies differ from Math's in
     * the last bits, as the real tables do): its functions are differentiated as Math's, and the
     * forward sweep calls them as the method does, so the pullback's value is the method's to the bit.
     */
    @Test
    void fastMathOfALibraryIsDifferentiatedAsMath() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Kernel", """
                package demo;

                import dev.adjoint.Differentiable;
                import org.hipparchus.util.FastMath;

                public final class Kernel {
                    private Kernel() {}

                    @Differentiable(order = 2)
                    public static double rbf(double x, double y) {
                        double d = FastMath.sqrt(x * x + y * y);
                        return FastMath.exp(-d) * FastMath.sin(x) + FastMath.pow(y, 1.5) + FastMath.log1p(x * y);
                    }
                }
                """, "org.hipparchus.util.FastMath", """
                package org.hipparchus.util;

                public final class FastMath {
                    private FastMath() {}

                    public static double sqrt(double a) { return Math.sqrt(a) * (1 + 0x1p-52); }

                    public static double exp(double x) { return Math.exp(x) * (1 - 0x1p-52); }

                    public static double sin(double x) { return Math.sin(x) * (1 + 0x1p-52); }

                    public static double pow(double x, double y) { return Math.pow(x, y) * (1 - 0x1p-52); }

                    public static double log1p(double x) { return Math.log1p(x) * (1 + 0x1p-52); }
                }
                """);
        String impl = withoutComments(r.generated("demo.KernelAdjointImpl"));
        assertTrue(impl.contains("FastMath.exp(") && impl.contains("FastMath.sqrt("), "called as written:\n" + impl);
        assertFalse(impl.contains("Math.exp(") && !impl.contains("FastMath.exp("), impl);
        checkEveryMethod(r, "demo.Kernel", POINTS, "rbf");
    }
    /**
     * A helper that assigns its parameter inside an expression ({@code Math.sin(lam *= 0.5)}, as
     * Proj4J writes its projections), given the caller's variable, which the caller reads after:
     * inlined, the helper's parameter is a variable of its own. (It was the caller's, so the caller
     * read the halved value: the gradient 1.47 where it is 1.97, silently.)
     */
    @Test
    void helperAssigningItsParameterInsideAnExpression() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Halves", """
                package demo;

                import dev.adjoint.Differentiable;

                public final class Halves {
                    private Halves() {}

                    static double halfSine(double lam) {
                        return Math.sin(lam *= 0.5) + lam;
                    }

                    /** Another object's method, its field data. */
                    public static final class Scaled {
                        private final double k;

                        public Scaled(double k) {
                            this.k = k;
                        }

                        public double of(double lam) {
                            double s = k * Math.sin(lam *= 0.5);
                            return s + lam++ * lam;
                        }
                    }

                    @Differentiable(order = 2)
                    public static double staticHelper(double x) {
                        return halfSine(x) + x * x;
                    }

                    @Differentiable(order = 2)
                    public static double objectHelper(double x) {
                        Scaled s = new Scaled(3);
                        double y = s.of(x);
                        return y + x;
                    }
                }
                """);
        checkEveryMethod(r, "demo.Halves", POINTS, "objectHelper", "staticHelper");
        Class<?> halves = r.loader().loadClass("demo.Halves");
        Class<?> adjoint = r.loader().loadClass("demo.HalvesAdjoint");
        Object g = adjoint.getMethod("staticHelperGradient", double.class).invoke(null, 0.7);
        double dx = g.getClass().getField("x").getDouble(g);
        assertEquals(0.5 * Math.cos(0.35) + 0.5 + 1.4, dx, 1e-12, "d/dx of sin(x/2) + x/2 + x^2 at 0.7");
        assertEquals(Math.sin(0.35) + 0.35 + 0.49, (double) halves.getMethod("staticHelper", double.class).invoke(null, 0.7),
                1e-15);
    }
}
