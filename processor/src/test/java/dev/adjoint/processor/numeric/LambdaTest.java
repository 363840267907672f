package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Functions passed as values, as numerical code passes an integrand, a series' term or a model to
 * a routine (read/Functions): a lambda given to a helper (Simpson's rule), to a helper that passes
 * it on, to one helper twice and to one helper twice over with two lambdas; a lambda held in a
 * local and called in a loop, with a block body and early returns; a lambda held in a {@code
 * static final} constant; a model on {@code double[]} parameters (a least-squares fit); a term of
 * an {@code IntToDoubleFunction}; a lambda capturing a loop's local; one writing an array it
 * captures; and Newton's method given f and f' as lambdas, whose root's derivative flows through
 * the values they capture; lambdas calling other functions (the mean and variance of a density
 * given, a lambda held in a local calling another); a {@code Function<Double, Double>} (its
 * boxed values read as doubles); references to static methods ({@code Math::sin}, a helper of the
 * class) and anonymous classes implementing an interface, as code written before lambdas passes
 * functions. Each is checked at 20 random points as {@link NumericGradientTest}
 * checks the fixtures (central differences, pullback, tape, tangent, second order).
 */
class LambdaTest {

    private static final int POINTS = 20;

    static final String ROUTINES = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.function.DoubleBinaryOperator;
            import java.util.function.DoubleUnaryOperator;
            import java.util.function.IntToDoubleFunction;

            public final class Routines {
                /** A function of one variable, as Commons Math declares it. */
                public interface UnivariateFunction {
                    double value(double x);
                }

                /** A model of parameters p at x, as a curve-fitting library declares it. */
                public interface Model {
                    double value(double[] p, double x);
                }

                private static final DoubleUnaryOperator SQUARE = x -> x * x;

                private Routines() {}

                static double simpson(DoubleUnaryOperator f, double a, double b, int n) {
                    double h = (b - a) / n;
                    double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
                    for (int i = 1; i < n; i++) {
                        sum += (i % 2 == 0 ? 2 : 4) * f.applyAsDouble(a + i * h);
                    }
                    return sum * h / 3;
                }

                /** The mean of a density given, over [a, b]: a lambda calling the function the method is given. */
                static double mean(DoubleUnaryOperator density, double a, double b) {
                    return simpson(x -> x * density.applyAsDouble(x), a, b, 8) / simpson(density, a, b, 8);
                }

                static double variance(DoubleUnaryOperator density, double a, double b) {
                    double m = mean(density, a, b);
                    return simpson(x -> (x - m) * (x - m) * density.applyAsDouble(x), a, b, 8) / simpson(density, a, b, 8);
                }

                static double averaged(DoubleUnaryOperator f, double a, double b) {
                    return simpson(f, a, b, 8) / (b - a);
                }

                static double series(IntToDoubleFunction term, int n) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += term.applyAsDouble(i);
                    }
                    return s;
                }

                static double sumOfSquares(Model m, double[] p, double[] xs, double[] ys) {
                    double s = 0;
                    for (int i = 0; i < xs.length; i++) {
                        double r = m.value(p, xs[i]) - ys[i];
                        s += r * r;
                    }
                    return s;
                }

                static double newton(DoubleUnaryOperator f, DoubleUnaryOperator df, double x0) {
                    double x = x0;
                    for (int i = 0; i < 60; i++) {
                        double step = f.applyAsDouble(x) / df.applyAsDouble(x);
                        x -= step;
                        if (Math.abs(step) < 1e-15 * (1 + Math.abs(x))) {
                            break;
                        }
                    }
                    return x;
                }

                static double trapezoid(UnivariateFunction f, double a, double b) {
                    return 0.5 * (b - a) * (f.value(a) + f.value(b));
                }

                static double density(double x) {
                    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
                }

                static double both(DoubleBinaryOperator g, double x, double y) {
                    return g.applyAsDouble(x, y) * g.applyAsDouble(y, x);
                }

                @Differentiable(order = 2)
                public static double gaussian(double k, double hi) {
                    return simpson(x -> Math.exp(-k * x * x), 0.0, hi + 1, 16);
                }

                @Differentiable(order = 2)
                public static double passedOn(double c, double hi) {
                    double shift = c * c;
                    return averaged(t -> Math.sin(c * t) + shift, 0.0, hi + 0.5);
                }

                @Differentiable(order = 2)
                public static double twoLambdas(double a, double b) {
                    return simpson(t -> a * t, 0, 1, 4) * simpson(t -> Math.cos(b * t), 0, 1, 4)
                            + both((u, v) -> u * Math.exp(a * v), a, b);
                }

                @Differentiable(order = 2)
                public static double heldInALocal(double a, double b) {
                    DoubleUnaryOperator bump = t -> {
                        if (t < 0.5) {
                            return a * t * t;
                        }
                        double u = Math.sqrt(t);
                        return u * b + a * 0.25;
                    };
                    double total = 0;
                    for (int i = 1; i <= 4; i++) {
                        final double s = 0.3 * i * b;
                        total += bump.applyAsDouble(s) + simpson(v -> v * s, 0, a, 2);
                    }
                    return total;
                }

                @Differentiable(order = 2)
                public static double constant(double x) {
                    return SQUARE.applyAsDouble(x) + simpson(SQUARE, 0, x, 2) + Routines.SQUARE.applyAsDouble(2 * x);
                }

                @Differentiable(order = 2)
                public static double power(double x, double[] w) {
                    return series(i -> w[i] * Math.pow(x, i), w.length);
                }

                @Differentiable(order = 2)
                public static double fit(double[] p, double[] xs) {
                    double[] ys = new double[xs.length];
                    for (int i = 0; i < ys.length; i++) {
                        ys[i] = 1.0 - 0.5 * xs[i];
                    }
                    return sumOfSquares((q, x) -> q[0] * Math.exp(-q[1] * x), p, xs, ys);
                }

                @Differentiable(order = 2)
                public static double cubeRoot(double c) {
                    double target = c + 1;
                    return newton(x -> x * x * x - target, x -> 3 * x * x, 1.0);
                }

                @Differentiable(order = 2)
                public static double references(double x, double y) {
                    DoubleBinaryOperator h = Math::hypot;
                    return simpson(Math::sin, 0, x, 4) + simpson(Routines::density, y, x + 1, 4) + h.applyAsDouble(x, y);
                }

                @Differentiable(order = 2)
                public static double anonymous(final double k, double b) {
                    UnivariateFunction square = new UnivariateFunction() {
                        @Override
                        public double value(double x) {
                            double y = k * x;
                            return y * y;
                        }
                    };
                    return square.value(b) + trapezoid(square, 0, b) + trapezoid(new UnivariateFunction() {
                        @Override
                        public double value(double x) {
                            return Math.exp(-k * x);
                        }
                    }, 0, b);
                }

                @Differentiable(order = 2)
                public static double moments(double k, double c) {
                    DoubleUnaryOperator bump = t -> Math.exp(-k * (t - c) * (t - c));
                    DoubleUnaryOperator scaled = t -> c * bump.applyAsDouble(t);
                    return mean(t -> Math.exp(-k * t), 0, 2) + variance(scaled, 0, 2) + scaled.applyAsDouble(0.5);
                }

                @Differentiable(order = 2)
                public static double boxed(double k, double x) {
                    java.util.function.Function<Double, Double> square = v -> v * v * k;
                    java.util.function.BiFunction<Double, Double, Double> mix = (u, v) -> u * Math.exp(v);
                    Double y = square.apply(x);
                    return y + mix.apply(x, k);
                }

                @Differentiable(order = 2)
                public static double writesItsBuffer(double[] a, double x) {
                    double[] buf = new double[2];
                    DoubleUnaryOperator put = t -> {
                        buf[0] += t * a[0];
                        return buf[0];
                    };
                    double r = put.applyAsDouble(x) + put.applyAsDouble(x * x);
                    return r * buf[0];
                }
            }
            """;

    @Test
    void lambdasAreDifferentiatedAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Routines", ROUTINES);
        checkEveryMethod(r, "demo.Routines", POINTS, "anonymous", "boxed", "constant", "cubeRoot", "fit", "gaussian",
                "heldInALocal", "moments", "passedOn", "power", "references", "twoLambdas", "writesItsBuffer");
        String impl = withoutComments(r.generatedSources().get("demo.RoutinesAdjointImpl"));
        // the function objects are never built, nor called: their bodies are inlined where they are called
        assertFalse(impl.contains("->"), impl);
        assertFalse(impl.contains("::"), impl);
        assertFalse(impl.contains("new Routines.UnivariateFunction"), impl);
        assertFalse(impl.contains("applyAsDouble(") || impl.contains(".value("), impl);
    }

    /** Kernels held in an interface's constants, in a class of their own: read from there (javac attributes it first). */
    static final String KERNEL = """
            package demo;

            public interface Kernel {
                Kernel GAUSSIAN = r -> Math.exp(-0.5 * r * r);
                Kernel CAUCHY = r -> 1 / (1 + r * r);

                double at(double r);
            }
            """;

    static final String SMOOTHING = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Smoothing {
                private Smoothing() {}

                static double weighted(Kernel k, double[] xs, double x, double h) {
                    double num = 0;
                    double den = 0;
                    for (double xi : xs) {
                        double w = k.at((x - xi) / h);
                        num += w * xi;
                        den += w;
                    }
                    return num / den;
                }

                @Differentiable(order = 2)
                public static double nadarayaWatson(double[] xs, double x, double h) {
                    return weighted(Kernel.GAUSSIAN, xs, x, h + 0.5) + Kernel.CAUCHY.at(x * h);
                }
            }
            """;

    @Test
    void constantsOfAnotherClassAreReadToo() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Smoothing", SMOOTHING, "demo.Kernel", KERNEL);
        checkEveryMethod(r, "demo.Smoothing", POINTS, "nadarayaWatson");
    }

    /**
     * Lambdas reading the fields of the object around: a model whose differentiated fields a lambda
     * reads (by name and as {@code this.level}), and a distribution whose cdf integrates its density
     * over a lambda reading its fields (data there, the object built in the method).
     */
    static final String MODEL = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.function.DoubleUnaryOperator;

            public final class Decay {
                public double rate = 0.7;
                public double level = 1.5;

                static double simpson(DoubleUnaryOperator f, double a, double b, int n) {
                    double h = (b - a) / n;
                    double sum = f.applyAsDouble(a) + f.applyAsDouble(b);
                    for (int i = 1; i < n; i++) {
                        sum += (i % 2 == 0 ? 2 : 4) * f.applyAsDouble(a + i * h);
                    }
                    return sum * h / 3;
                }

                public static final class Exponential {
                    private final double scale;
                    private final double shift;

                    public Exponential(double scale, double shift) {
                        this.scale = scale;
                        this.shift = shift;
                    }

                    public double cdf(double x) {
                        return simpson(v -> Math.exp(-(v - this.shift) / scale) / scale, 0, x, 8);
                    }
                }

                @Differentiable(order = 2)
                public double area(double x) {
                    DoubleUnaryOperator g = t -> this.level * Math.exp(-rate * t);
                    return simpson(t -> rate * t * t, 0, x, 4) + g.applyAsDouble(x);
                }

                @Differentiable(order = 2)
                public static double probability(double x, double w) {
                    return w * new Exponential(0.8, 0.25).cdf(x);
                }
            }
            """;

    @Test
    void lambdasReadTheFieldsOfTheObjectAround() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Decay", MODEL);
        checkEveryMethod(r, "demo.Decay", POINTS, "probability");
        // the instance method: its gradient in x and in the receiver's fields against central differences
        ClassLoader loader = r.loader();
        Class<?> decay = loader.loadClass("demo.Decay");
        Method area = decay.getMethod("area", double.class);
        Method gradient = loader.loadClass("demo.DecayAdjoint").getMethod("areaGradient", decay, double.class);
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < POINTS; i++) {
            double rate = 0.2 + random.nextDouble();
            double level = 0.5 + random.nextDouble();
            double x = 0.3 + random.nextDouble();
            Object g = gradient.invoke(null, decay(decay, rate, level), x);
            double h = 1e-6;
            double dx = ((double) area.invoke(decay(decay, rate, level), x + h)
                    - (double) area.invoke(decay(decay, rate, level), x - h)) / (2 * h);
            double dRate = ((double) area.invoke(decay(decay, rate + h, level), x)
                    - (double) area.invoke(decay(decay, rate - h, level), x)) / (2 * h);
            double dLevel = ((double) area.invoke(decay(decay, rate, level + h), x)
                    - (double) area.invoke(decay(decay, rate, level - h), x)) / (2 * h);
            assertEquals(dx, g.getClass().getField("x").getDouble(g), 1e-7);
            assertEquals(dRate, g.getClass().getField("rate").getDouble(g), 1e-7);
            assertEquals(dLevel, g.getClass().getField("level").getDouble(g), 1e-7);
        }
    }

    private static Object decay(Class<?> type, double rate, double level) throws ReflectiveOperationException {
        Object d = type.getDeclaredConstructor().newInstance();
        type.getDeclaredField("rate").setDouble(d, rate);
        type.getDeclaredField("level").setDouble(d, level);
        return d;
    }

    @Test
    void newtonsRootMovesAsTheRootDoes() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Routines", ROUTINES);
        Class<?> api = r.loader().loadClass("demo.RoutinesAdjoint");
        Method gradient = api.getMethod("cubeRootGradient", double.class);
        for (double c : new double[] {0.5, 2.0, 7.0}) {
            Object g = gradient.invoke(null, c);
            double dc = g.getClass().getField("c").getDouble(g);
            // x = cbrt(c + 1): dx/dc = 1 / (3 x^2)
            double x = Math.cbrt(c + 1);
            assertEquals(1 / (3 * x * x), dc, 1e-12, "c = " + c);
        }
    }
}
