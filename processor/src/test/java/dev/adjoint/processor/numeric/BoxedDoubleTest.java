package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A boxed {@code Double} in and out (issue 14), as {@code Function<Double, Double>.apply} is
 * written: the parameter is differentiated and the result read as a double; the gradient, the
 * tape and the tangent against central differences of the method itself.
 */
class BoxedDoubleTest {

    private static final String TOP_HAT = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.function.Function;

            public final class SmoothTopHat implements Function<Double, Double> {
                private final double width;

                public SmoothTopHat(double width) {
                    this.width = width;
                }

                /** 1 inside [-w, w], falling off as a Gaussian outside. */
                @Override
                @Differentiable(wrt = "x")
                public Double apply(Double x) {
                    double outside = Math.abs(x) - width;
                    if (outside <= 0) {
                        return 1.0;
                    }
                    Double fall = Math.exp(-outside * outside);
                    return fall;
                }

                @Differentiable
                public static Double scaled(double x, Double y) {
                    Double z = x * y;
                    return Math.sin(z) + y;
                }
            }
            """;

    @Test
    @SuppressWarnings("unchecked")
    void boxedParameterAndResultAreDifferentiatedAsDoubles() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.SmoothTopHat", TOP_HAT);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.SmoothTopHat");
        Class<?> adjoint = loader.loadClass("demo.SmoothTopHatAdjoint");
        Object hat = type.getConstructor(double.class).newInstance(0.5);
        Function<Double, Double> f = (Function<Double, Double>) hat;
        Method gradient = adjoint.getMethod("applyGradient", type, double.class);
        Method tangent = adjoint.getMethod("applyTangent", type, double.class, double.class);
        Method onTape = adjoint.getMethod("apply", type, Tensor.class);
        for (double x : new double[] {-1.3, -0.7, 0.2, 0.9, 1.6}) {
            double h = 1e-6;
            double expected = (f.apply(x + h) - f.apply(x - h)) / (2 * h);
            Object g = gradient.invoke(null, hat, x);
            assertEquals(expected, g.getClass().getField("x").getDouble(g), 1e-7, "d apply/dx at " + x);
            assertEquals(expected, (double) tangent.invoke(null, hat, x, 1.0), 1e-7, "tangent at " + x);
            Tensor leaf = Tensor.scalar(x).requiresGrad(true);
            Tensor out = (Tensor) onTape.invoke(null, hat, leaf);
            out.backward();
            assertEquals(f.apply(x), out.item(), 0.0);
            assertEquals(expected, leaf.grad().item(), 1e-7, "tape at " + x);
        }
        Object g = adjoint.getMethod("scaledGradient", double.class, double.class).invoke(null, 0.5, 0.7);
        assertEquals(0.7 * Math.cos(0.35), g.getClass().getField("x").getDouble(g), 1e-12);
        assertEquals(0.5 * Math.cos(0.35) + 1, g.getClass().getField("y").getDouble(g), 1e-12);
    }
}
