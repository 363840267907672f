package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Methods of other objects of the same build, inlined with the object's fields as data (issue 14):
 * {@code new Normal(0, 1).cdf(d1)}, a constant distribution's density, a curve's discount factor
 * reached through an array of curves, methods calling the object's own private helpers. Each is
 * compiled with the processor and checked at 20 random points as {@link NumericGradientTest} checks
 * the fixtures (central differences, pullback, tape, tangent, second order); then the shapes that
 * break an inliner: a subclass overriding the method (refused at run time), the receiver variable
 * reassigned by an argument (Java evaluates the receiver first), and a method whose body Adjoint
 * refuses, called where no derivative flows through it (called as written).
 */
class ObjectHelperTest {

    private static final int POINTS = 20;

    /** A distribution as libraries write one: private final fields, a private helper, a constant, a check. */
    private static final String NORMAL = """
            package demo.lib;

            public class Normal implements Distribution {
                private static final double SQRT2 = Math.sqrt(2.0);
                private final double mean;
                private final double sd;

                public Normal(double mean, double sd) {
                    if (!(sd > 0)) {
                        throw new IllegalArgumentException("sd must be positive, was " + sd);
                    }
                    this.mean = mean;
                    this.sd = sd;
                }

                public double density(double x) {
                    double z = standardize(x);
                    return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
                }

                public double cdf(double x) {
                    return 0.5 * Erf.erfc(-standardize(x) / SQRT2);
                }

                private double standardize(double x) {
                    return (x - mean) / sd;
                }

                /** The variance, by a function on an object: code Adjoint does not differentiate. */
                public double variance() {
                    java.util.function.ToDoubleFunction<Object> square = v -> sd * sd;
                    return square.applyAsDouble(this);
                }
            }
            """;

    private static final String DISTRIBUTION = """
            package demo.lib;

            public interface Distribution {
                double density(double x);

                double cdf(double x);
            }
            """;

    private static final String CHECKS = """
            package demo.lib;

            public final class Checks {
                private Checks() {}

                public static <T> T notNull(T value, String name) {
                    if (value == null) {
                        throw new IllegalArgumentException(name + " must not be null");
                    }
                    return value;
                }
            }
            """;

    /** erfc by Abramowitz and Stegun 7.1.26, a static helper with a private table. */
    private static final String ERF = """
            package demo.lib;

            final class Erf {
                private static final double[] A = {0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429};

                private Erf() {}

                static double erfc(double x) {
                    double z = Math.abs(x);
                    double t = 1 / (1 + 0.3275911 * z);
                    double p = 0;
                    for (int i = A.length - 1; i >= 0; i--) {
                        p = (p + A[i]) * t;
                    }
                    double r = p * Math.exp(-z * z);
                    return x >= 0 ? r : 2 - r;
                }
            }
            """;

    /** A curve: its arrays are data, its methods call each other on this. */
    private static final String CURVE = """
            package demo.lib;

            public final class Curve {
                private final double[] times;
                private final double[] rates;

                public Curve(double[] times, double[] rates) {
                    this.times = times.clone();
                    this.rates = rates.clone();
                }

                public double rate(double t) {
                    int i = 0;
                    while (i < times.length - 2 && times[i + 1] < t) {
                        i++;
                    }
                    double w = (t - times[i]) / (times[i + 1] - times[i]);
                    return rates[i] * (1 - w) + rates[i + 1] * w;
                }

                public double discount(double t) {
                    return Math.exp(-rate(t) * t);
                }
            }
            """;

    private static final String PRICING = """
            package demo;

            import demo.lib.Checks;
            import demo.lib.Curve;
            import demo.lib.Distribution;
            import demo.lib.Normal;
            import dev.adjoint.Differentiable;

            public final class Pricing {
                private static final Normal STANDARD = new Normal(0, 1);
                private static final Distribution SHIFTED = new Normal(0.25, 1.5);
                static final Curve CURVE = new Curve(new double[] {0, 1, 2, 5}, new double[] {0.01, 0.02, 0.025, 0.03});

                private Pricing() {}

                @Differentiable(order = 2)
                public static double call(double s, double k, double v) {
                    double d1 = (Math.log(s / k) + 0.5 * v * v) / v;
                    double d2 = d1 - v;
                    return s * STANDARD.cdf(d1) - k * STANDARD.cdf(d2);
                }

                @Differentiable(order = 2)
                public static double mixture(double x, double w) {
                    Checks.notNull((Double) w, "w"); // a check returning its argument, the result dropped: it only reads
                    Normal wide = new Normal(0.5, 2.0);
                    return w * wide.density(x) + (1 - w) * new Normal(-1, 0.5).density(x) * STANDARD.variance();
                }

                @Differentiable(order = 2)
                public static double bond(double t, double c) {
                    Curve[] curves = {CURVE, new Curve(new double[] {0, 3}, new double[] {0.05, 0.01})};
                    double price = 0;
                    for (int i = 0; i < curves.length; i++) {
                        price += c * curves[i].discount(t * (i + 1));
                    }
                    return price + CURVE.discount(t);
                }

                /** An interface's methods on a constant whose class is known: that class's methods. */
                @Differentiable(order = 2)
                public static double viaInterface(double x, double y) {
                    return SHIFTED.cdf(x * y) + SHIFTED.density(y) * x;
                }

                /** The receiver is evaluated before the argument that reassigns its variable. */
                @Differentiable(order = 2)
                public static double reassigned(double x, double y) {
                    Normal n = STANDARD;
                    return n.cdf(x * (n = new Normal(1, 2)).density(y)) + n.cdf(y);
                }
            }
            """;

    @Test
    void methodsOfOtherObjectsAreInlinedWithTheirFieldsAsData() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.PricingAdjointImpl"));
        assertFalse(impl.contains(".cdf(") || impl.contains(".density(") || impl.contains(".discount("),
                "the methods are inlined:\n" + impl);
        assertTrue(impl.contains("Overrides.check("), "a method a subclass may override is checked:\n" + impl);
        assertTrue(impl.contains("Checks.notNull("), "the check is called as written:\n" + impl);
        checkEveryMethod(r, "demo.Pricing", POINTS, "bond", "call", "mixture", "reassigned", "viaInterface");
    }

    /**
     * Java evaluates the receiver before the arguments: {@code n.cdf(... (n = other) ...)} runs on
     * the first n. The pullback's value is the primal's, bit for bit, where the other order gives
     * another number.
     */
    @Test
    void receiverIsEvaluatedBeforeTheArgumentsThatReassignIt() throws Exception {
        InMemoryCompiler.Result r = compile();
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Pricing");
        Class<?> normal = loader.loadClass("demo.lib.Normal");
        double x = 0.3;
        double y = -0.4;
        Object standard = normal.getConstructor(double.class, double.class).newInstance(0.0, 1.0);
        Object other = normal.getConstructor(double.class, double.class).newInstance(1.0, 2.0);
        Method cdf = normal.getMethod("cdf", double.class);
        Method density = normal.getMethod("density", double.class);
        double inner = x * (double) density.invoke(other, y);
        double javaOrder = (double) cdf.invoke(standard, inner) + (double) cdf.invoke(other, y);
        double otherOrder = (double) cdf.invoke(other, inner) + (double) cdf.invoke(other, y);
        Method reassigned = type.getMethod("reassigned", double.class, double.class);
        assertEquals(javaOrder, (double) reassigned.invoke(null, x, y));
        assertNotEquals(javaOrder, otherOrder);
        GradientHarness harness = new GradientHarness(type);
        harness.checkPullback(reassigned, new Object[] {x, y});
        harness.checkAgainstFiniteDifferences(reassigned, new Object[] {x, y});
    }

    /** A method whose body Adjoint refuses (a lambda), given no differentiated value: called as written. */
    @Test
    void methodWithARefusedBodyStaysACallWhereNoDerivativeFlows() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.PricingAdjointImpl"));
        assertTrue(impl.contains(".variance()"), "variance is called:\n" + impl);
        assertFalse(impl.contains(".apply("), "variance is not inlined:\n" + impl);
    }

    /**
     * A subclass overriding the inlined method: its body where the build compiles it (read/Dispatch),
     * and the generated code refuses an object of a class it did not see rather than differentiate
     * the wrong body.
     */
    @Test
    void subclassOverridingTheInlinedMethodIsDifferentiatedOrRefusedAtRunTime() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Tail", """
                package demo;

                import demo.lib.Normal;
                import dev.adjoint.Differentiable;

                public final class Tail {
                    public static Normal distribution = new Normal(0, 1);

                    private Tail() {}

                    @Differentiable
                    public static double tail(double x) {
                        return 1 - distribution.cdf(x * x);
                    }

                    public static Normal unseen() {
                        return new Normal(0, 1) {
                            @Override
                            public double cdf(double x) {
                                return 0.5 * x;
                            }
                        };
                    }
                }
                """, "demo.lib.Normal", NORMAL, "demo.lib.Erf", ERF, "demo.lib.Distribution", DISTRIBUTION, "demo.Flat", """
                package demo;

                public final class Flat extends demo.lib.Normal {
                    public Flat() {
                        super(0, 1);
                    }

                    @Override
                    public double cdf(double x) {
                        return 0.25 * x;
                    }
                }
                """);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Tail");
        GradientHarness harness = new GradientHarness(type);
        Method tail = harness.differentiableMethods().get(0);
        harness.checkAgainstFiniteDifferences(tail, new Object[] {0.4});
        type.getDeclaredField("distribution").set(null, loader.loadClass("demo.Flat").getConstructor().newInstance());
        harness.checkAgainstFiniteDifferences(tail, new Object[] {0.4});
        assertEquals(-0.2, harness.gradient(tail, new Object[] {0.4}).get("x")[0], 1e-15); // -0.25 * 2x
        type.getDeclaredField("distribution").set(null, type.getMethod("unseen").invoke(null));
        UnsupportedOperationException thrown = assertThrows(UnsupportedOperationException.class,
                () -> harness.gradientHolder("tail", 0.4));
        assertTrue(thrown.getMessage().startsWith("demo.Tail$1 runs cdf(double) of demo.lib.Normal with a body Adjoint "
                + "did not see"), thrown.getMessage());
    }

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Pricing", PRICING, "demo.lib.Normal", NORMAL, "demo.lib.Erf", ERF, "demo.lib.Curve", CURVE,
                "demo.lib.Distribution", DISTRIBUTION, "demo.lib.Checks", CHECKS);
    }

}
