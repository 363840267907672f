package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.differential.InMemoryCompiler;
import org.junit.jupiter.api.Test;

/**
 * Helpers called with a {@code boolean} constant for a flag they never assign (read/Given), as
 * Apache SIS's projections are called with {@code derivate} false: the code the flag turns off
 * (here a derivative matrix built from differentiated values, which Adjoint refuses where it
 * runs) is left out, and what the flag decides is folded: {@code !flag}, {@code flag && x},
 * {@code flag ? 1 : x} (a {@code double}: the {@code int} branch keeps its conversion, so
 * {@code (flag ? 1 : x) / 2} is not an integer division), a loop on {@code flag && ...} that
 * never runs. The same helper called with the other constant, and on another object, in one
 * method. Each method is checked at 20 random points as {@link NumericGradientTest} checks the
 * fixtures (central differences, pullback, tape, tangent, second order).
 */
class ConstantFlagTest {

    private static final int POINTS = 20;

    private static final String PROJECTIONS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Flags {
                /** A derivative matrix: a class whose constructor does more than assign (never split). */
                public static final class Matrix {
                    private final double[] elements;

                    public Matrix(double a, double b, double c, double d) {
                        this.elements = new double[] {a, b, c, d};
                    }

                    public double determinant() {
                        return elements[0] * elements[3] - elements[1] * elements[2];
                    }
                }

                public static final class Sinusoidal {
                    private final double k;

                    public Sinusoidal(double k) {
                        this.k = k;
                    }

                    Matrix transform(double[] src, int srcOff, double[] dst, int dstOff, boolean derivate) {
                        final double lambda = src[srcOff];
                        final double phi = src[srcOff + 1];
                        final double cosPhi = Math.cos(phi);
                        if (dst != null) {
                            dst[dstOff] = k * lambda * cosPhi;
                            dst[dstOff + 1] = phi;
                        }
                        if (!derivate) {
                            return null;
                        }
                        return new Matrix(k * cosPhi, -k * lambda * Math.sin(phi), 0, 1);
                    }
                }

                static final Sinusoidal SPHERE = new Sinusoidal(1.5);

                private Flags() {}

                /** A series whose tail a flag turns off; half of an int when asked. */
                static double series(double x, boolean full, boolean halve) {
                    double s = halve ? 1 : x;
                    s = (halve ? 1 : s) / 2 + s;
                    int n = 0;
                    while (full && n < 6) {
                        s += Math.pow(x, n) / (n + 1);
                        n++;
                    }
                    if (full && x > 0.1 || !full && x > 100) {
                        s *= x;
                    }
                    return s;
                }

                @Differentiable(order = 2)
                public static double sinusoidal(double lambda, double phi) {
                    double[] dst = new double[2];
                    SPHERE.transform(new double[] {lambda, phi}, 0, dst, 0, false);
                    return dst[0] * dst[1];
                }

                @Differentiable(order = 2)
                public static double scaled(double lambda, double phi, double k) {
                    Sinusoidal s = new Sinusoidal(2.0);
                    double[] dst = {0.0, 0.0, 0.0};
                    s.transform(new double[] {lambda, phi}, 0, dst, 1, false);
                    return dst[1] * k + dst[2];
                }

                @Differentiable(order = 2)
                public static double seriesBoth(double x) {
                    return series(x, true, false) + series(x, false, true) + series(x, false, false);
                }
            }
            """;

    @Test
    void codeAFlagTurnsOffIsLeftOutAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Flags", PROJECTIONS);
        checkEveryMethod(r, "demo.Flags", POINTS, "scaled", "seriesBoth", "sinusoidal");
    }

    /** The folded series gives the primal's value, the int branch converted: (1 / 2 would be 0). */
    @Test
    void foldedBranchesKeepTheirValue() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Flags", PROJECTIONS);
        ClassLoader loader = r.loader();
        Class<?> owner = loader.loadClass("demo.Flags");
        Class<?> api = loader.loadClass("demo.FlagsAdjoint");
        Class<?> gradient = loader.loadClass("demo.FlagsAdjoint$SeriesBothGradient");
        for (double x : new double[] {0.05, 0.4, 0.75}) {
            double primal = (double) owner.getMethod("seriesBoth", double.class).invoke(null, x);
            Object holder = gradient.getConstructor().newInstance();
            double value = (double) api.getMethod("seriesBothPullback", double.class, double.class, gradient)
                    .invoke(null, x, 1.0, holder);
            assertEquals(primal, value, 0.0);
        }
    }
}
