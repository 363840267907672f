package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * One array passed for two {@code double[]} parameters (the peer corpus's pointer shapes, from the
 * caller's side). A method that only reads them is differentiated as two arrays whose gradients add
 * up: d/dv f(v, v) = ∂f/∂a + ∂f/∂b, checked against central differences. A method that writes one
 * of them cannot be: the derivative takes them for two arrays, and gave [2, 6] where the derivative
 * through the one array is [4, 12]. Its generated members refuse the call with an
 * {@code IllegalArgumentException} before computing anything.
 */
class ArrayArgumentAliasingTest {

    private static final String SOURCE = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Aliasing {
                private Aliasing() {}

                /** Σ a[i] b[i]²: reads both. */
                @Differentiable
                public static double dot(double[] a, double[] b) {
                    double s = 0;
                    for (int i = 0; i < a.length; i++) {
                        s += a[i] * b[i] * b[i];
                    }
                    return s;
                }

                /** a doubled in place, then Σ b[i]²: through one array v, Σ (2v)², d/dv = 8v. */
                @Differentiable
                public static double scaleThenSum(double[] a, double[] b) {
                    for (int i = 0; i < a.length; i++) {
                        a[i] *= 2;
                    }
                    double s = 0;
                    for (int i = 0; i < b.length; i++) {
                        s += b[i] * b[i];
                    }
                    return s;
                }

                /** A vector result of a method writing a. */
                @Differentiable
                public static double[] scaleThenCopy(double[] a, double[] b) {
                    for (int i = 0; i < a.length; i++) {
                        a[i] *= 2;
                    }
                    double[] r = new double[b.length];
                    for (int i = 0; i < b.length; i++) {
                        r[i] = b[i] * b[i];
                    }
                    return r;
                }
            }
            """;

    @Test
    void aReadOnlyMethodTakesOneArrayTwiceAndTheGradientsAddUp() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Aliasing", SOURCE);
        Class<?> api = r.loader().loadClass("demo.AliasingAdjoint");
        Method primal = r.loader().loadClass("demo.Aliasing").getMethod("dot", double[].class, double[].class);
        double[] v = {0.5, 1.5, -0.7};
        Object g = api.getMethod("dotGradient", double[].class, double[].class).invoke(null, v, v);
        double[] ga = (double[]) g.getClass().getField("a").get(g);
        double[] gb = (double[]) g.getClass().getField("b").get(g);
        for (int k = 0; k < v.length; k++) {
            int i = k;
            var e = dev.adjoint.processor.differential.FiniteDifferences.derivative(t -> {
                double[] w = v.clone();
                w[i] = t;
                try {
                    return (Double) primal.invoke(null, w, w);
                } catch (ReflectiveOperationException ex) {
                    throw new IllegalStateException(ex);
                }
            }, v[i]);
            assertEquals(e.derivative(), ga[i] + gb[i], 1e-8 * Math.max(1, Math.abs(e.derivative())), "d/dv" + i);
        }
    }

    @Test
    void aMethodWritingOneOfTheArraysRefusesThemAsOne() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Aliasing", SOURCE);
        Class<?> api = r.loader().loadClass("demo.AliasingAdjoint");
        double[] v = {0.5, 1.5};
        String expected = "a and b are the same array: scaleThenSum writes a, and its derivative takes them for two "
                + "arrays; pass a copy of one";
        Method gradient = api.getMethod("scaleThenSumGradient", double[].class, double[].class);
        assertEquals(expected, refusal(() -> gradient.invoke(null, v, v)));
        Method tangent = api.getMethod("scaleThenSumTangent", double[].class, double[].class, double[].class,
                double[].class);
        assertEquals(expected, refusal(() -> tangent.invoke(null, v, v, new double[2], new double[2])));
        Method jacobian = api.getMethod("scaleThenCopyJacobian", double[].class, double[].class);
        assertTrue(refusal(() -> jacobian.invoke(null, v, v)).startsWith("a and b are the same array: scaleThenCopy"));
        assertArrayEquals(new double[] {0.5, 1.5}, v, 0.0, "refused before anything ran");
        // two arrays of the same values are two arrays: the gradient of b is 2b, of a 0
        Object g = gradient.invoke(null, v.clone(), v.clone());
        assertArrayEquals(new double[] {1.0, 3.0}, (double[]) g.getClass().getField("b").get(g), 0.0);
        assertArrayEquals(new double[] {0.0, 0.0}, (double[]) g.getClass().getField("a").get(g), 0.0);
    }

    /** An instance method writing an array parameter, and reading its own differentiated array field. */
    private static final String MODEL = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Model {
                private final double[] w;

                public Model(double[] w) {
                    this.w = w;
                }

                @Differentiable
                public double f(double[] buf, double x) {
                    buf[0] = w[0] * x;
                    return buf[0] * w[0];
                }

                /** weights == null means equal weights: an optional array, whose gradient is then null. */
                @Differentiable
                public static double weightedMean(double[] x, double[] weights) {
                    double s = 0;
                    double ws = 0;
                    for (int i = 0; i < x.length; i++) {
                        double v = weights == null ? 1 : weights[i];
                        s += v * x[i];
                        ws += v;
                    }
                    return s / ws;
                }
            }
            """;

    @Test
    void aWrittenParameterThatIsTheReceiversFieldIsRefusedAsOneArray() throws Exception {
        ClassLoader loader = compileClean("demo.Model", MODEL).loader(); // one loader: each call makes another
        Class<?> model = loader.loadClass("demo.Model");
        Class<?> api = loader.loadClass("demo.ModelAdjoint");
        double[] w = {2};
        Object self = model.getConstructor(double[].class).newInstance((Object) w);
        Method gradient = api.getMethod("fGradient", model, double[].class, double.class);
        // buf == w: f = (2x)(2x), whose derivative 8x the two-array derivative (4x) is not
        assertEquals("buf is the field this.w: f writes buf, and its derivative takes them for two arrays; pass a copy",
                refusal(() -> gradient.invoke(null, self, w, 1.5)));
        Object g = gradient.invoke(null, self, new double[1], 1.5);
        assertEquals(4.0, g.getClass().getField("x").getDouble(g), 0.0);
    }

    @Test
    void aNullOptionalArrayHasANullGradient() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Model", MODEL);
        Class<?> api = r.loader().loadClass("demo.ModelAdjoint");
        double[] x = {1, 2, 6};
        Object g = api.getMethod("weightedMeanGradient", double[].class, double[].class).invoke(null, x, null);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, (double[]) g.getClass().getField("x").get(g), 1e-15);
        assertEquals(null, g.getClass().getField("weights").get(g));
        double tangent = (double) api.getMethod("weightedMeanTangent", double[].class, double[].class, double[].class,
                double[].class).invoke(null, x, null, new double[] {1, 0, 0}, null);
        assertEquals(1 / 3.0, tangent, 1e-15);
        // with weights, the usual arrays: ∂/∂weights[i] = (x[i] - mean)/Σw
        Object gw = api.getMethod("weightedMeanGradient", double[].class, double[].class).invoke(null, x,
                new double[] {1, 1, 2});
        assertArrayEquals(new double[] {(1 - 3.75) / 4, (2 - 3.75) / 4, (6 - 3.75) / 4},
                (double[]) gw.getClass().getField("weights").get(gw), 1e-15);
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static String refusal(Call call) {
        InvocationTargetException e = assertThrows(InvocationTargetException.class, call::run);
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        return e.getCause().getMessage();
    }
}
