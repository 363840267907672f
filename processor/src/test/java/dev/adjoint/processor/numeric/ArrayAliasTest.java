package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A local array that is only a second name, read, for a differentiated array (issue 14): {@code
 * double[] v = w;}, a chain of them, one from {@code Objects.requireNonNull(w)}, one from a getter
 * ({@code return this.center;}, as Encog's radial basis functions read their centre), read through
 * its elements, its length and for-each. The normal form reads the array itself in its place.
 * Checked against central differences, the pullback, the tape, the tangent and second order;
 * the Encog shape's gradient in its fields too. A second name for an array the method creates may
 * be written through and passed on; one for an input written through or passed on stays refused
 * (diagnostics.DiagnosticsFenceTest). Also a new array given to a {@code @Differentiable} method
 * as an expression ({@code mlfn(phi, s, c, enfn(es))}, as Proj4J writes it). And a first array
 * nothing reads before the variable is given a helper's ({@code double axb[] = new double[3]; axb =
 * cross(a, b);}, as SOFA's C-born Java writes it): the variable names one array.
 */
class ArrayAliasTest {

    static final String ALIASES = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.Objects;

            public final class Aliases {
                private Aliases() {}

                @Differentiable(order = 2)
                public static double secondName(double[] w, double x) {
                    final double[] v = w;
                    double s = 0;
                    for (int i = 0; i < v.length; i++) {
                        s += Math.sin(v[i] * x) * w[i];
                    }
                    return s;
                }

                @Differentiable(order = 2)
                public static double chain(double[] w, double x) {
                    double[] a = w;
                    double[] b = a;
                    double s = x;
                    for (double e : b) {
                        s = s * e + a[0];
                    }
                    return s;
                }

                @Differentiable(order = 2)
                public static double checked(double[] w, double x) {
                    double[] v = Objects.requireNonNull(w, "w");
                    return v[0] * v[v.length - 1] * x + w[1];
                }

                @Differentiable(order = 2)
                public static double throughGetter(double[] w, double x) {
                    double[] v = values(w);
                    double s = 0;
                    for (int i = 0; i < v.length; i++) {
                        double d = x - v[i];
                        s += d * d;
                    }
                    return Math.exp(-s);
                }

                @Differentiable(order = 2)
                public static double insideLoop(double[] w, double[] u) {
                    double s = 0;
                    for (int k = 0; k < 2; k++) {
                        double[] row = w;
                        double[] other = u;
                        s += row[k] * other[1 - k] + row.length;
                    }
                    return s;
                }

                private static double[] values(double[] a) {
                    return a;
                }

                /** A second name for an array the method creates: written through and passed on, as the first may be. */
                @Differentiable(order = 2)
                public static double writtenThroughSecondName(double[] w, double x) {
                    double[] state = {w[0] * x, w[1]};
                    double[] s = state;
                    s[1] += s[0] * x;
                    scaleFirst(s, w[1]);
                    return state[0] + state[1] * s[1];
                }

                /** An array made of constants that only its second name writes a derivative into. */
                @Differentiable(order = 2)
                public static double filledThroughSecondName(double[] w, double x) {
                    double[] made = new double[2];
                    double[] s = made;
                    s[0] = x * w[0];
                    scaleFirst(s, x);
                    return made[0] * 3 + made[1] + w[1];
                }

                private static void scaleFirst(double[] a, double by) {
                    a[0] *= by;
                }

                /** Proj4J's mlfn(phi, sin, cos, enfn(es)): an array expression given to a @Differentiable method. */
                @Differentiable(order = 2)
                public static double arrayExpressionArgument(double[] w, double x) {
                    return series(x, coefficients(w[0], x)) + series(w[1], new double[] {x, w[0] * x, 1.0});
                }

                @Differentiable(order = 2)
                public static double series(double x, double[] c) {
                    return c[0] + x * (c[1] + x * c[2]);
                }

                /**
                 * SOFA's jauSepp: a first array nothing reads, then the helper's own (C's habit); its
                 * guard of atan2(0, 0) keeps the array for the code around, whose tangent was taken of
                 * its null start (second order threw).
                 */
                @Differentiable(order = 2)
                public static double deadFirstArray(double[] a, double[] b) {
                    double axb[] = new double[3], ss, cs;
                    axb = cross(a, b);
                    ss = Math.sqrt(axb[0] * axb[0] + axb[1] * axb[1] + axb[2] * axb[2]);
                    cs = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
                    return (ss != 0.0 || cs != 0.0) ? Math.atan2(ss, cs) : 0.0;
                }

                private static double[] cross(double[] a, double[] b) {
                    double[] c = new double[3];
                    c[0] = a[1] * b[2] - a[2] * b[1];
                    c[1] = a[2] * b[0] - a[0] * b[2];
                    c[2] = a[0] * b[1] - a[1] * b[0];
                    return c;
                }

                private static double[] coefficients(double a, double b) {
                    double[] c = new double[3];
                    c[0] = a * b;
                    c[1] = Math.sin(a);
                    c[2] = b * b;
                    return c;
                }
            }
            """;

    /** Encog's GaussianFunction as it reads its centre: through a final getter of the base class. */
    static final String ENCOG = """
            package demo;

            import dev.adjoint.Differentiable;

            public class Rbf {
                public abstract static class BasicRbf {
                    private double[] center;
                    private double width;

                    public final double[] getCenters() {
                        return this.center;
                    }

                    public final double getWidth() {
                        return this.width;
                    }

                    public final void setCenters(final double[] centers) {
                        this.center = centers.clone();
                    }

                    public final void setWidth(final double width) {
                        this.width = width;
                    }
                }

                public static class Gaussian extends BasicRbf {
                    public Gaussian(final double[] center, final double width) {
                        setCenters(center);
                        setWidth(width);
                    }

                    @Differentiable
                    public final double calculate(final double[] x) {
                        double value = 0;
                        final double[] center = getCenters();
                        final double width = getWidth();
                        for (int i = 0; i < center.length; i++) {
                            value += Math.pow(x[i] - center[i], 2) / (2.0 * width * width);
                        }
                        return Math.exp(-value);
                    }
                }
            }
            """;

    @Test
    void secondNamesAreTheArrayItself() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Aliases", ALIASES);
        String generated = r.generatedSources().get("demo.AliasesAdjointImpl");
        assertFalse(GradientHarness.withoutComments(generated).contains("double[] v ="), generated);
        Map<String, List<Object[]>> points = Map.of(
                "secondName", List.<Object[]>of(new Object[] {new double[] {0.3, -0.7, 1.1}, 0.8}),
                "chain", List.<Object[]>of(new Object[] {new double[] {0.9, 1.2, -0.4}, 0.5}),
                "checked", List.<Object[]>of(new Object[] {new double[] {0.6, 0.2, 1.4}, -1.3}),
                "throughGetter", List.<Object[]>of(new Object[] {new double[] {0.1, 0.4}, 0.3}),
                "insideLoop", List.<Object[]>of(new Object[] {new double[] {0.7, 0.2}, new double[] {1.5, -0.5}}),
                "arrayExpressionArgument", List.<Object[]>of(new Object[] {new double[] {0.4, -0.9}, 1.3}),
                "series", List.<Object[]>of(new Object[] {0.6, new double[] {0.2, 0.5, -1.1}}),
                "writtenThroughSecondName", List.<Object[]>of(new Object[] {new double[] {0.8, -0.6}, 1.4}),
                "filledThroughSecondName", List.<Object[]>of(new Object[] {new double[] {0.8, -0.6}, 1.4}),
                "deadFirstArray", List.<Object[]>of(new Object[] {new double[] {0.3, 0.5, 0.7},
                        new double[] {0.2, -0.4, 0.9}}));
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Aliases"));
        for (Method m : harness.differentiableMethods()) {
            for (Object[] args : points.get(m.getName())) {
                harness.checkAt(m, args, new Random(m.getName().hashCode()));
            }
        }
        assertEquals(points.size(), harness.differentiableMethods().size());
    }

    @Test
    void encogsCentreReadThroughAGetter() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Rbf", ENCOG);
        ClassLoader loader = r.loader();
        Class<?> gaussian = loader.loadClass("demo.Rbf$Gaussian");
        Constructor<?> make = gaussian.getConstructor(double[].class, double.class);
        Method calculate = gaussian.getMethod("calculate", double[].class);
        Method gradient = loader.loadClass("demo.Rbf_GaussianAdjoint").getMethod("calculateGradient", gaussian,
                double[].class);
        double[] center = {0.3, -0.5, 1.2};
        double[] x = {0.1, 0.4, 0.9};
        double width = 0.8;
        Object holder = gradient.invoke(null, make.newInstance(center, width), x.clone());
        double[] dx = (double[]) holder.getClass().getField("x").get(holder);
        double[] dCenter = (double[]) holder.getClass().getField("center").get(holder);
        double dWidth = holder.getClass().getField("width").getDouble(holder);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[i] += h;
            down[i] -= h;
            Object at = make.newInstance(center, width);
            double fd = ((double) calculate.invoke(at, up) - (double) calculate.invoke(at, down)) / (2 * h);
            assertEquals(fd, dx[i], 1e-8, "d/dx" + i);
            double[] cUp = center.clone();
            double[] cDown = center.clone();
            cUp[i] += h;
            cDown[i] -= h;
            fd = ((double) calculate.invoke(make.newInstance(cUp, width), x)
                    - (double) calculate.invoke(make.newInstance(cDown, width), x)) / (2 * h);
            assertEquals(fd, dCenter[i], 1e-8, "d/dcenter" + i);
        }
        double fd = ((double) calculate.invoke(make.newInstance(center, width + h), x)
                - (double) calculate.invoke(make.newInstance(center, width - h), x)) / (2 * h);
        assertEquals(fd, dWidth, 1e-8, "d/dwidth");
    }
}
