package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A {@code @Differentiable} instance method that calls itself on {@code this}, as JQuantLib writes
 * its gamma function ({@code value(x + 1.0) / x} below 1, reflection below -20) on an object without
 * fields (issue 14). Inlined, the recursion would have no end; it is differentiated as a method of
 * its own whose pullback calls itself, the object passed as data. Checked through a static method
 * that calls it on a constant object (central differences, pullback, tape, tangent, second order),
 * and called on an object directly.
 */
class InstanceRecursionTest {

    static final String GAMMA = """
            package demo;

            import dev.adjoint.Differentiable;

            public class Gamma {
                private static final double C1 = 76.18009172947146;
                private static final double C2 = -86.50532032941677;
                private static final double C3 = 24.01409824083091;
                private static final double C4 = -1.231739572450155;
                private static final double C5 = 0.1208650973866179e-2;
                private static final double C6 = -0.5395239384953e-5;

                @Differentiable(order = 2)
                public double value(final double x) {
                    if (x >= 1.0) {
                        return Math.exp(logValue(x));
                    } else if (x > -20.0) {
                        return value(x + 1.0) / x;
                    } else {
                        return -Math.PI / (value(-x) * x * Math.sin(Math.PI * x));
                    }
                }

                public double logValue(final double x) {
                    double temp = x + 5.5;
                    temp -= (x + 0.5) * Math.log(temp);
                    double ser = 1.000000000190015;
                    ser += C1 / (x + 1.0);
                    ser += C2 / (x + 2.0);
                    ser += C3 / (x + 3.0);
                    ser += C4 / (x + 4.0);
                    ser += C5 / (x + 5.0);
                    ser += C6 / (x + 6.0);
                    return -temp + Math.log(2.5066282746310005 * ser / x);
                }
            }
            """;

    static final String PRICING = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Pricing {
                private static final Gamma GAMMA = new Gamma();

                private Pricing() {}

                @Differentiable(order = 2)
                public static double betaFunction(double a, double b) {
                    return GAMMA.value(a) * GAMMA.value(b) / GAMMA.value(a + b);
                }
            }
            """;

    private static final double[][] POINTS = {{2.5, 1.5}, {0.4, 0.7}, {-1.3, 2.2}, {-3.7, 0.3}, {-22.5, 23.1}};

    @Test
    void throughAStaticCaller() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Pricing", PRICING, "demo.Gamma", GAMMA);
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Pricing"));
        Method beta = harness.differentiableMethods().get(0);
        Random random = new Random(14);
        for (double[] p : POINTS) {
            harness.checkAt(beta, new Object[] {p[0], p[1]}, random);
        }
    }

    @Test
    void onAnObject() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Gamma", GAMMA);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Gamma");
        Object gamma = type.getConstructor().newInstance();
        Method value = type.getMethod("value", double.class);
        Class<?> adjoint = loader.loadClass("demo.GammaAdjoint");
        Method gradient = adjoint.getMethod("valueGradient", type, double.class);
        Method tangent = adjoint.getMethod("valueTangent", type, double.class, double.class);
        for (double x : new double[] {2.5, 0.4, -1.3, -3.7, -8.2}) {
            double fd = richardson(value, gamma, x);
            Object holder = gradient.invoke(null, gamma, x);
            double g = holder.getClass().getField("x").getDouble(holder);
            assertEquals(fd, g, 1e-7 * Math.abs(fd), "d/dx at " + x);
            assertEquals(g, (double) tangent.invoke(null, gamma, x, 1.0), 1e-12 * Math.abs(g), "tangent at " + x);
        }
    }

    /** Central differences at steps h, h/2, h/4, Richardson-extrapolated. */
    private static double richardson(Method value, Object on, double x) throws ReflectiveOperationException {
        double[] d = new double[3];
        for (int level = 0; level < 3; level++) {
            double h = 1e-3 / (1 << level);
            d[level] = ((double) value.invoke(on, x + h) - (double) value.invoke(on, x - h)) / (2 * h);
        }
        double r1 = (4 * d[1] - d[0]) / 3;
        double r2 = (4 * d[2] - d[1]) / 3;
        return (16 * r2 - r1) / 15;
    }
}
