package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.differential.InMemoryCompiler;
import org.junit.jupiter.api.Test;

/**
 * Methods of an object whose class the code says exactly ({@code new C(...)}, or a {@code static
 * final} constant so initialised), read/ExactClass: a base class's method calling an abstract
 * method on this (a distribution's {@code logDensity} calling {@code density}, the template
 * method of libraries), a base method whose hook the subclass overrides (without the exact class,
 * the generated code refuses such an object at run time), an interface's default method calling
 * the implementation's, and the hook reached two calls deep. Each is checked at 20 random points
 * as {@link NumericGradientTest} checks the fixtures (central differences, pullback, tape, tangent,
 * second order), and the override's value is the one the primal takes.
 */
class ExactClassTest {

    private static final int POINTS = 20;

    private static final String MODELS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Models {
                public abstract static class Distribution {
                    public abstract double density(double x);

                    public double logDensity(double x) {
                        return Math.log(density(x));
                    }

                    public double weight() {
                        return 1.0;
                    }

                    public double weightedLog(double x) {
                        return weight() * logDensity(x);
                    }
                }

                public static class Normal extends Distribution {
                    private final double mean;
                    private final double sd;

                    public Normal(double mean, double sd) {
                        if (!(sd > 0)) {
                            throw new IllegalArgumentException("sd = " + sd);
                        }
                        this.mean = mean;
                        this.sd = sd;
                    }

                    @Override
                    public double density(double x) {
                        double z = (x - mean) / sd;
                        return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
                    }
                }

                /** Overrides the base's hook: the base's weightedLog must run this weight. */
                public static final class Heavy extends Normal {
                    public Heavy() {
                        super(0.0, 3.0);
                    }

                    @Override
                    public double weight() {
                        return 2.5;
                    }
                }

                public interface Curve {
                    double rate(double t);

                    default double discount(double t) {
                        return Math.exp(-rate(t) * t);
                    }

                    default double forward(double t) {
                        return -Math.log(discount(t + 0.25) / discount(t)) / 0.25;
                    }
                }

                public static final class Linear implements Curve {
                    private final double level;

                    public Linear(double level) {
                        this.level = level;
                    }

                    @Override
                    public double rate(double t) {
                        return level + 0.01 * t;
                    }
                }

                static final Distribution STANDARD = new Normal(0.5, 2.0);
                static final Distribution HEAVY = new Heavy();
                static final Curve CURVE = new Linear(0.03);
                /** Not final, as SuanShu writes its N: private and never assigned again, so always a Normal. */
                private static Distribution unit = new Normal(0.0, 1.0);

                private Models() {}

                @Differentiable(order = 2)
                public static double logLikelihood(double x, double y) {
                    return STANDARD.logDensity(x) + new Normal(1.0, 0.5).logDensity(y);
                }

                @Differentiable(order = 2)
                public static double overridden(double x) {
                    return HEAVY.weightedLog(x) + new Heavy().weightedLog(2 * x);
                }

                @Differentiable(order = 2)
                public static double privateField(double x) {
                    return unit.logDensity(x) * unit.density(0.5 * x);
                }

                @Differentiable(order = 2)
                public static double forwardRate(double t) {
                    return CURVE.forward(t) + new Linear(0.05).discount(t);
                }
            }
            """;

    @Test
    void theMethodsOfTheKnownClassRunAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Models", MODELS);
        checkEveryMethod(r, "demo.Models", POINTS, "forwardRate", "logLikelihood", "overridden", "privateField");
    }

    /** The subclass's weight (2.5) is the one the gradient takes: 2.5 · d/dx log N(x; 0, 3) + 2.5 · 2 · d/du log N(u; 0, 3). */
    @Test
    void theOverrideIsTheOneDifferentiated() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Models", MODELS);
        ClassLoader loader = r.loader();
        Class<?> api = loader.loadClass("demo.ModelsAdjoint");
        double x = 0.6;
        Object g = api.getMethod("overriddenGradient", double.class).invoke(null, x);
        double expected = 2.5 * (-x / 9.0) + 2.5 * 2 * (-2 * x / 9.0);
        assertEquals(expected, g.getClass().getField("x").getDouble(g), 1e-12);
    }
}
