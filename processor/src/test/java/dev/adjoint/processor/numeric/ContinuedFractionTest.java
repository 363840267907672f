package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Commons Math's anonymous {@code ContinuedFraction} (read/Fractions), written the way its
 * {@code Gamma} and {@code Beta} write it, against the library's class as a class file (the test
 * stand-in in {@code org.apache.commons.math3.util}). Each method is checked at points on both sides
 * of the series/fraction switch (central differences, pullback, tape, tangent, second order), and
 * the pullback's value must be the method's own, bit for bit.
 */
class ContinuedFractionTest {

    private static final int POINTS = 12;

    /** P and Q of the incomplete gamma function through each other, as Commons Math writes them. */
    private static final String GAMMA = """
            package demo;

            import org.apache.commons.math3.util.ContinuedFraction;

            public final class Gamma {
                private static final double DEFAULT_EPSILON = 10e-15;

                private Gamma() {}

                /** log Γ(a) for a > 0: Stirling's series at a + 7, shifted back by Γ's recurrence. */
                public static double logGamma(double a) {
                    double shift = 0.0;
                    for (int k = 0; k < 7; k++) {
                        shift += Math.log(a + k);
                    }
                    double z = a + 7;
                    double inv = 1.0 / (z * z);
                    double series = (1.0 / 12.0 - inv * (1.0 / 360.0 - inv * (1.0 / 1260.0 - inv / 1680.0))) / z;
                    return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
                }

                public static double regularizedGammaP(double a, double x) {
                    return regularizedGammaP(a, x, DEFAULT_EPSILON, Integer.MAX_VALUE);
                }

                public static double regularizedGammaP(double a, double x, double epsilon, int maxIterations) {
                    double ret;
                    if (Double.isNaN(a) || Double.isNaN(x) || (a <= 0.0) || (x < 0.0)) {
                        ret = Double.NaN;
                    } else if (x == 0.0) {
                        ret = 0.0;
                    } else if (x >= a + 1) {
                        ret = 1.0 - regularizedGammaQ(a, x, epsilon, maxIterations);
                    } else {
                        double n = 0.0;
                        double an = 1.0 / a;
                        double sum = an;
                        while (Math.abs(an / sum) > epsilon && n < maxIterations && sum < Double.POSITIVE_INFINITY) {
                            n += 1.0;
                            an *= x / (a + n);
                            sum += an;
                        }
                        if (n >= maxIterations) {
                            throw new IllegalStateException("no convergence");
                        } else if (Double.isInfinite(sum)) {
                            ret = 1.0;
                        } else {
                            ret = Math.exp(-x + (a * Math.log(x)) - logGamma(a)) * sum;
                        }
                    }
                    return ret;
                }

                public static double regularizedGammaQ(double a, double x) {
                    return regularizedGammaQ(a, x, DEFAULT_EPSILON, Integer.MAX_VALUE);
                }

                public static double regularizedGammaQ(final double a, double x, double epsilon, int maxIterations) {
                    double ret;
                    if (Double.isNaN(a) || Double.isNaN(x) || (a <= 0.0) || (x < 0.0)) {
                        ret = Double.NaN;
                    } else if (x == 0.0) {
                        ret = 1.0;
                    } else if (x < a + 1.0) {
                        ret = 1.0 - regularizedGammaP(a, x, epsilon, maxIterations);
                    } else {
                        ContinuedFraction cf = new ContinuedFraction() {
                            @Override
                            protected double getA(int n, double x) {
                                return ((2.0 * n) + 1.0) - a + x;
                            }

                            @Override
                            protected double getB(int n, double x) {
                                return n * (a - n);
                            }
                        };
                        ret = 1.0 / cf.evaluate(x, epsilon, maxIterations);
                        ret = Math.exp(-x + (a * Math.log(x)) - logGamma(a)) * ret;
                    }
                    return ret;
                }
            }
            """;

    private static final String MAIN = """
            package demo;

            import dev.adjoint.Differentiable;
            import org.apache.commons.math3.util.ContinuedFraction;

            public class Fractions {
                /** The regularised incomplete gamma function, series or fraction as x lies. */
                @Differentiable(order = 2)
                public static double lower(double a, double x) {
                    return Gamma.regularizedGammaP(a, x);
                }

                @Differentiable(order = 2)
                public static double upper(double a, double x) {
                    return Gamma.regularizedGammaQ(a, x, 1e-14, 10000);
                }

                /** erf by P(1/2, x²), as Commons Math's Erf. */
                @Differentiable
                public static double erf(double x) {
                    if (Math.abs(x) > 40) {
                        return x > 0 ? 1 : -1;
                    }
                    final double ret = Gamma.regularizedGammaP(0.5, x * x, 1.0e-15, 10000);
                    return x < 0 ? -ret : ret;
                }

                /**
                 * Beta's fraction, created where it is evaluated: getA a constant, getB by the
                 * parity of n, and the fraction's own x shadowing the method's.
                 */
                @Differentiable(order = 2)
                public static double betaFraction(double x, final double a, final double b) {
                    return new ContinuedFraction() {
                        @Override
                        protected double getB(int n, double x) {
                            double ret;
                            double m;
                            if (n % 2 == 0) {
                                m = n / 2.0;
                                ret = (m * (b - m) * x) / ((a + (2 * m) - 1) * (a + (2 * m)));
                            } else {
                                m = (n - 1.0) / 2.0;
                                ret = -((a + m) * (a + b + m) * x) / ((a + (2 * m)) * (a + (2 * m) + 1.0));
                            }
                            return ret;
                        }

                        @Override
                        protected double getA(int n, double x) {
                            return 1.0;
                        }
                    }.evaluate(x, 1e-14);
                }

                /** Q(a, x) through Hipparchus' fraction, which throws its own exception. */
                @Differentiable
                public static double upperHipparchus(final double a, double x) {
                    final org.hipparchus.util.ContinuedFraction cf = new org.hipparchus.util.ContinuedFraction() {
                        @Override
                        protected double getA(int n, double x) {
                            return ((2.0 * n) + 1.0) - a + x;
                        }

                        @Override
                        protected double getB(int n, double x) {
                            return n * (a - n);
                        }
                    };
                    return Math.exp(-x + (a * Math.log(x)) - Gamma.logGamma(a)) / cf.evaluate(x, 1e-14, 10000);
                }

                /** Q(a, x) as Commons Numbers 1.0 writes it: its fraction names the terms the other way round. */
                @Differentiable
                public static double upperNumbers(final double a, double x) {
                    final org.apache.commons.numbers.fraction.ContinuedFraction cf =
                            new org.apache.commons.numbers.fraction.ContinuedFraction() {
                                @Override
                                protected double getA(int n, double x) {
                                    return n * (a - n);
                                }

                                @Override
                                protected double getB(int n, double x) {
                                    return ((2 * n) + 1) - a + x;
                                }
                            };
                    return Math.exp(-x + (a * Math.log(x)) - Gamma.logGamma(a)) / cf.evaluate(x, 1e-15, 100000);
                }

                /**
                 * A fraction per step of a loop, capturing that step's local: the reverse sweep needs
                 * each step's captured value back; n = 0 runs none.
                 */
                @Differentiable
                public static double perStep(double x, int n) {
                    double s = x;
                    for (int k = 1; k <= n; k++) {
                        final double c = k * x;
                        s += new ContinuedFraction() {
                            @Override
                            protected double getA(int m, double y) {
                                return m == 0 ? 1.0 : 2.0 + c * y;
                            }

                            @Override
                            protected double getB(int m, double y) {
                                return c / (m + 1.0);
                            }
                        }.evaluate(s, 1e-14);
                    }
                    return s;
                }

                /** Captured locals, the default tolerance, and a fraction evaluated twice. */
                @Differentiable
                public static double twice(double x, double[] w) {
                    final double scale = w[0] * w[1];
                    double odd = w[2];
                    ContinuedFraction f = new ContinuedFraction() {
                        protected double getA(int n, double y) {
                            return n == 0 ? 0.0 : 1.0 + scale * y;
                        }

                        protected double getB(int n, double y) {
                            return (n % 2 == 0 ? scale : odd) * y;
                        }
                    };
                    return f.evaluate(x) + f.evaluate(0.5 * x, 200);
                }
            }
            """;

    /**
     * Commons Numbers 1.0's shape: {@code P.value(a, x)} annotated, delegating to {@code P.value(a, x,
     * eps, max)}, which goes through {@code Q.value(a, x, eps, max)} and back, each a nested class and
     * each method named {@code value}. The recursive helpers get member names of their own.
     */
    private static final String NUMBERS = """
            package demo;

            import dev.adjoint.Differentiable;
            import org.apache.commons.numbers.fraction.ContinuedFraction;

            public final class RegularizedGamma {
                private static final double EPS = 1e-15;

                private RegularizedGamma() {}

                public static final class P {
                    private P() {}

                    @Differentiable
                    public static double value(double a, double x) {
                        return value(a, x, EPS, Integer.MAX_VALUE);
                    }

                    public static double value(double a, double x, double epsilon, int maxIterations) {
                        if (Double.isNaN(a) || Double.isNaN(x) || a <= 0 || x < 0) {
                            return Double.NaN;
                        } else if (x == 0) {
                            return 0;
                        } else if (x >= a + 1) {
                            return 1 - RegularizedGamma.Q.value(a, x, epsilon, maxIterations);
                        }
                        double n = 0;
                        double an = 1 / a;
                        double sum = an;
                        while (Math.abs(an / sum) > epsilon && n < maxIterations && sum < Double.POSITIVE_INFINITY) {
                            n += 1;
                            an *= x / (a + n);
                            sum += an;
                        }
                        return Math.exp(-x + (a * Math.log(x)) - Gamma.logGamma(a)) * sum;
                    }
                }

                public static final class Q {
                    private Q() {}

                    public static double value(final double a, double x, double epsilon, int maxIterations) {
                        if (Double.isNaN(a) || Double.isNaN(x) || a <= 0 || x < 0) {
                            return Double.NaN;
                        } else if (x == 0) {
                            return 1;
                        } else if (x < a + 1) {
                            return 1 - RegularizedGamma.P.value(a, x, epsilon, maxIterations);
                        }
                        final ContinuedFraction cf = new ContinuedFraction() {
                            @Override
                            protected double getA(int n, double x) {
                                return n * (a - n);
                            }

                            @Override
                            protected double getB(int n, double x) {
                                return ((2 * n) + 1) - a + x;
                            }
                        };
                        return Math.exp(-x + (a * Math.log(x)) - Gamma.logGamma(a)) / cf.evaluate(x, epsilon, maxIterations);
                    }
                }
            }
            """;

    /**
     * Fractions held in constant fields, as JSAT holds its incomplete gamma's ({@code private static
     * final ContinuedFraction gammaQ = new ContinuedFraction() {...}}, evaluated by {@code
     * gammaQ.lentz(a, z)}): a stateless abstract class of the build whose terms take their values as
     * {@code double...}, given two values (packed into the array the method receives) or an array.
     */
    private static final String FIELDS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Fields {
                /** A continued fraction of this build, evaluated by the modified Lentz method from its terms. */
                public abstract static class Fraction {
                    public abstract double a(int n, double... p);

                    public abstract double b(int n, double... p);

                    public double value(double... p) {
                        double f = b(0, p);
                        double c = f;
                        double d = 0;
                        for (int j = 1; j < 200; j++) {
                            d = b(j, p) + a(j, p) * d;
                            c = b(j, p) + a(j, p) / c;
                            d = 1 / d;
                            f *= c * d;
                        }
                        return f;
                    }
                }

                /** Legendre's fraction of the upper incomplete gamma function's tail. */
                private static final Fraction UPPER = new Fraction() {
                    @Override
                    public double a(int n, double... p) {
                        return -n * (n - p[0]);
                    }

                    @Override
                    public double b(int n, double... p) {
                        return p[1] - p[0] + 1 + 2 * n;
                    }
                };

                /** 1 + x / (1 + x / (1 + ...)) = (1 + sqrt(1 + 4x)) / 2. */
                static final Fraction GOLDEN = new Fraction() {
                    @Override
                    public double a(int n, double... p) {
                        return p[0];
                    }

                    @Override
                    public double b(int n, double... p) {
                        return 1;
                    }
                };

                private Fields() {}

                @Differentiable(order = 2)
                public static double upper(double s, double x) {
                    return Math.exp(-x) * Math.pow(x, s) / UPPER.value(s, x);
                }

                @Differentiable(order = 2)
                public static double golden(double x) {
                    return GOLDEN.value(new double[] {x});
                }
            }
            """;

    @Test
    void fractionsHeldInConstantFieldsAreReadWhereTheyAreEvaluated() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Fields", FIELDS);
        GradientHarness.checkEveryMethod(r, "demo.Fields", POINTS, "golden", "upper");
        String impl = withoutComments(r.generated("demo.FieldsAdjointImpl"));
        assertFalse(impl.contains("new Fields.Fraction") || impl.contains("UPPER") || impl.contains("GOLDEN"),
                "the fractions are never built nor read from their fields:\n" + impl);
        Object g = r.loader().loadClass("demo.FieldsAdjoint").getMethod("goldenGradient", double.class).invoke(null, 0.5);
        assertEquals(1 / Math.sqrt(3), g.getClass().getField("x").getDouble(g), 1e-12);
    }

    @Test
    void recursiveHelpersNamedLikeTheMethodGetNamesOfTheirOwn() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.RegularizedGamma", NUMBERS, "demo.Gamma", GAMMA);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.RegularizedGamma$P");
        GradientHarness harness = new GradientHarness(type);
        Random random = new Random(43);
        Method value = type.getMethod("value", double.class, double.class);
        for (double[] p : new double[][] {{0.7, 0.3}, {1.5, 1.2}, {2.5, 4.0}, {0.6, 3.1}, {3.2, 9.5}, {5.0, 5.9}}) {
            harness.checkAt(value, new Object[] {p[0], p[1]}, random);
        }
    }

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Fractions", MAIN, "demo.Gamma", GAMMA);
    }

    @Test
    void anAnonymousFractionIsReadAsTheLoopItRuns() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.FractionsAdjointImpl"));
        assertFalse(impl.contains("new ContinuedFraction") || impl.contains("new org.apache.commons.math3.util"
                + ".ContinuedFraction"), "the fraction is never built:\n" + impl);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Fractions");
        GradientHarness harness = new GradientHarness(type);
        Random random = new Random(41);
        Method lower = type.getMethod("lower", double.class, double.class);
        Method upper = type.getMethod("upper", double.class, double.class);
        // both sides of x = a + 1, where P and Q switch between the series and the fraction
        double[][] points = {{0.7, 0.3}, {1.5, 1.2}, {2.5, 4.0}, {0.6, 3.1}, {3.2, 9.5}, {5.0, 5.9}, {5.0, 6.1}};
        for (double[] p : points) {
            harness.checkAt(lower, new Object[] {p[0], p[1]}, random);
            harness.checkAt(upper, new Object[] {p[0], p[1]}, random);
        }
        Method numbers = type.getMethod("upperNumbers", double.class, double.class);
        Method hipparchus = type.getMethod("upperHipparchus", double.class, double.class);
        for (double[] p : new double[][] {{0.6, 3.1}, {2.5, 4.0}, {3.2, 9.5}, {5.0, 6.1}}) {
            harness.checkAt(numbers, new Object[] {p[0], p[1]}, random);
            harness.checkAt(hipparchus, new Object[] {p[0], p[1]}, random);
            // the same value as Commons Math's fraction, to rounding
            assertEquals((double) upper.invoke(null, p[0], p[1]), (double) numbers.invoke(null, p[0], p[1]),
                    1e-13 * (double) upper.invoke(null, p[0], p[1]));
        }
        Method erf = type.getMethod("erf", double.class);
        for (double x : new double[] {-2.3, -0.4, 0.05, 0.8, 1.3, 3.0}) {
            harness.checkAt(erf, new Object[] {x}, random);
        }
        Method beta = type.getMethod("betaFraction", double.class, double.class, double.class);
        for (int i = 0; i < POINTS; i++) {
            double x = 0.05 + 0.4 * random.nextDouble();
            harness.checkAt(beta, new Object[] {x, 0.5 + 4 * random.nextDouble(), 0.5 + 4 * random.nextDouble()}, random);
        }
        harness.checkAt(beta, new Object[] {0.3, 2.0, 3.0}, random); // whole a and b
        Method perStep = type.getMethod("perStep", double.class, int.class);
        for (int n : new int[] {0, 1, 5}) {
            harness.checkAt(perStep, new Object[] {0.3, n}, random);
            harness.checkAt(perStep, new Object[] {0.05 + 0.5 * random.nextDouble(), n}, random);
        }
        Method twice = type.getMethod("twice", double.class, double[].class);
        for (int i = 0; i < POINTS; i++) {
            harness.checkAt(twice, new Object[] {0.1 + 0.5 * random.nextDouble(), new double[] {0.3 + 0.2 * random.nextDouble(),
                0.2 + 0.2 * random.nextDouble(), 0.1 + 0.3 * random.nextDouble()}}, random);
        }
    }

    @Test
    void theLibrarysExceptionsAreThrownAsItThrowsThem() throws Exception {
        InMemoryCompiler.Result r = compile();
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Fractions");
        Class<?> adjoint = loader.loadClass("demo.FractionsAdjoint");
        Class<?> gradient = loader.loadClass("demo.FractionsAdjoint$UpperGradient");
        Method pullback = adjoint.getMethod("upperPullback", double.class, double.class, double.class, gradient);
        // the pullback's value is the method's own, bit for bit
        double value = (double) pullback.invoke(null, 2.0, 5.0, 1.0, gradient.getConstructor().newInstance());
        assertEquals((double) type.getMethod("upper", double.class, double.class).invoke(null, 2.0, 5.0), value, 0.0);
        // where the fraction diverges, the library's exception, as the method throws it
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> pullback.invoke(null, 2.0, Double.POSITIVE_INFINITY, 1.0, gradient.getConstructor().newInstance()));
        InvocationTargetException primal = assertThrows(InvocationTargetException.class,
                () -> type.getMethod("upper", double.class, double.class).invoke(null, 2.0, Double.POSITIVE_INFINITY));
        assertEquals(primal.getCause().getClass(), e.getCause().getClass());
        assertEquals("org.apache.commons.math3.exception.ConvergenceException", e.getCause().getClass().getName());
        // Hipparchus' own, as its method throws it
        Class<?> hipparchusGradient = loader.loadClass("demo.FractionsAdjoint$UpperHipparchusGradient");
        Method hipparchusPullback = adjoint.getMethod("upperHipparchusPullback", double.class, double.class, double.class,
                hipparchusGradient);
        InvocationTargetException h = assertThrows(InvocationTargetException.class, () -> hipparchusPullback.invoke(null,
                2.0, Double.POSITIVE_INFINITY, 1.0, hipparchusGradient.getConstructor().newInstance()));
        assertEquals("org.hipparchus.exception.MathIllegalStateException", h.getCause().getClass().getName());
    }
}
