package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code @Differentiable} methods of a private nested class (issue 14), as Commons Statistics writes
 * its t distribution: a public abstract {@code TDistribution} whose factory returns a private
 * {@code StudentsTDistribution} holding the density. The adjoint class, a top-level class of the
 * package, cannot name the private class: it carries a copy of the method's body for the value, and
 * reaches the class's fields through method handles. An instance method takes its receiver as the
 * nearest superclass the adjoint class can name (here the public base), so a user holding the
 * factory's result can call it.
 */
class PrivateNestedClassTest {

    static final String T = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Distributions {
                private Distributions() {}

                public abstract static class TDistribution {
                    private final double degreesOfFreedom;

                    TDistribution(double degreesOfFreedom) {
                        this.degreesOfFreedom = degreesOfFreedom;
                    }

                    public double getDegreesOfFreedom() {
                        return degreesOfFreedom;
                    }

                    public abstract double density(double x);

                    public static TDistribution of(double v) {
                        return v > 1e6 ? new Normal(v) : new StudentsT(v);
                    }

                    private static final class StudentsT extends TDistribution {
                        private static final double CLOSE_TO_ZERO = 0.25;
                        private final double mvp1Over2;
                        private final double densityNormalisation;

                        StudentsT(double v) {
                            super(v);
                            mvp1Over2 = -0.5 * (v + 1);
                            densityNormalisation = Math.sqrt(v) * Math.exp(logBetaHalf(v / 2));
                        }

                        private static double logBetaHalf(double b) {
                            // log B(1/2, b) by Stirling's series, good for b > 1
                            return 0.5 * Math.log(Math.PI) + logGamma(b) - logGamma(b + 0.5);
                        }

                        private static double logGamma(double z) {
                            return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z);
                        }

                        @Differentiable
                        @Override
                        public double density(double x) {
                            final double t2OverV = x * x / getDegreesOfFreedom();
                            if (t2OverV < CLOSE_TO_ZERO) {
                                return Math.exp(Math.log1p(t2OverV) * mvp1Over2) / densityNormalisation;
                            }
                            return Math.pow(1 + t2OverV, mvp1Over2) / densityNormalisation;
                        }

                        /** Reads no field of this class: only the check on entry refuses another class's object. */
                        @Differentiable
                        public double scaled(double x) {
                            return x / getDegreesOfFreedom();
                        }
                    }

                    private static final class Normal extends TDistribution {
                        Normal(double v) {
                            super(v);
                        }

                        @Override
                        public double density(double x) {
                            return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
                        }
                    }
                }

                private static final class Kernels {
                    private static final double[] WEIGHTS = {0.5, 0.3, 0.2};

                    private Kernels() {}

                    @Differentiable(order = 2)
                    static double mixture(double x, double scale) {
                        double sum = 0.0;
                        for (int i = 0; i < WEIGHTS.length; i++) {
                            sum += WEIGHTS[i] * bump(x * (i + 1), scale);
                        }
                        return sum;
                    }

                    private static double bump(double u, double scale) {
                        return Math.exp(-u * u / (2 * scale * scale)) / scale;
                    }
                }
            }
            """;

    /**
     * A private class whose nameable base is generic (held as {@code Base<?>}) and which calls an
     * interface's default method and abstract method on itself: the base does not have the
     * interface's methods, so the calls left in generated code go through bridges taking the object
     * as an Object.
     */
    static final String SHAPES = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Shapes {
                private Shapes() {}

                public abstract static class Base<T> {
                    protected final double scale;

                    Base(double scale) {
                        this.scale = scale;
                    }

                    public double scale() {
                        return scale;
                    }

                    public abstract double f(double x);
                }

                public interface Shifted {
                    double shift();

                    default double moved(double x) {
                        return x + 0.5;
                    }
                }

                public static Base<String> make(double scale) {
                    return new Impl(scale);
                }

                private static final class Impl extends Base<String> implements Shifted {
                    private final double offset;

                    Impl(double scale) {
                        super(scale);
                        offset = 0.25 * scale;
                    }

                    @Override
                    public double shift() {
                        return 0.5;
                    }

                    @Differentiable
                    @Override
                    public double f(double x) {
                        return Math.sin(moved(x) * scale()) + offset * x;
                    }

                    /** In x alone: this may go to code Adjoint does not see (shift(), hashCode()). */
                    @Differentiable(wrt = "x")
                    public double g(double x) {
                        return Math.sin(x * shift()) + (hashCode() == 0 ? 1.0 : 0.0) * x;
                    }
                }
            }
            """;

    @Test
    void aGenericBaseAndAnInterfacesDefaultMethod() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Shapes", SHAPES);
        ClassLoader loader = r.loader();
        Class<?> base = loader.loadClass("demo.Shapes$Base");
        Class<?> adjoint = loader.loadClass("demo.Shapes_ImplAdjoint");
        Method gradient = adjoint.getMethod("fGradient", base, double.class);
        assertEquals("demo.Shapes$Base<?>", gradient.getGenericParameterTypes()[0].getTypeName());
        Method tangent = adjoint.getMethod("fTangent", base, double.class, double.class, double.class, double.class);
        Method f = base.getMethod("f", double.class);
        String[] inputs = {"scale", "offset", "x"};
        for (double scale : new double[] {0.7, 1.9}) {
            for (double x : new double[] {0.3, -1.1}) {
                Object shape = loader.loadClass("demo.Shapes").getMethod("make", double.class).invoke(null, scale);
                Object holder = gradient.invoke(null, shape, x);
                double[] g = new double[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    g[i] = holder.getClass().getField(inputs[i]).getDouble(holder);
                    double fd = richardson(f, shape, x, i == 2 ? null : inputs[i]);
                    assertEquals(fd, g[i], 1e-7 * Math.max(1.0, Math.abs(fd)), "d/d" + inputs[i] + " at " + scale + ", " + x);
                }
                double expected = 0.2 * g[0] - 0.4 * g[1] + 0.9 * g[2];
                assertEquals(expected, (double) tangent.invoke(null, shape, x, 0.2, -0.4, 0.9), 1e-12, "tangent");
                Object gx = adjoint.getMethod("gGradient", base, double.class).invoke(null, shape, x);
                assertEquals(0.5 * Math.cos(0.5 * x), gx.getClass().getField("x").getDouble(gx), 1e-15, "d/dx of g");
            }
        }
    }

    @Test
    void aStaticMethodOfAPrivateClassIsCheckedEveryWay() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", T);
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Distributions$Kernels"));
        Method mixture = harness.differentiableMethods().get(0);
        Random random = new Random(19);
        for (double[] p : new double[][] {{0.3, 0.8}, {-1.2, 1.5}, {2.0, 0.6}}) {
            harness.checkAt(mixture, new Object[] {p[0], p[1]}, random);
        }
    }

    @Test
    void anInstanceMethodTakesItsReceiverAsThePublicBase() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", T);
        ClassLoader loader = r.loader();
        Class<?> base = loader.loadClass("demo.Distributions$TDistribution");
        Class<?> adjoint = loader.loadClass("demo.Distributions_TDistribution_StudentsTAdjoint");
        Method gradient = adjoint.getMethod("densityGradient", base, double.class);
        Method tangent = adjoint.getMethod("densityTangent", base, double.class, double.class, double.class,
                double.class, double.class);
        Method onTape = adjoint.getMethod("density", base, Tensor.class, Tensor.class, Tensor.class, Tensor.class);
        Method of = base.getMethod("of", double.class);
        Method density = base.getMethod("density", double.class);
        String[] inputs = {"degreesOfFreedom", "mvp1Over2", "densityNormalisation", "x"};
        for (double v : new double[] {2.5, 4.5, 30.0}) {
            for (double x : new double[] {0.3, -1.7, 4.2}) {
                Object t = of.invoke(null, v);
                Object holder = gradient.invoke(null, t, x);
                double[] g = new double[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    g[i] = holder.getClass().getField(inputs[i]).getDouble(holder);
                    double fd = i == 3 ? richardson(density, t, x, null) : richardson(density, t, x, inputs[i]);
                    assertEquals(fd, g[i], 1e-7 * Math.max(1.0, Math.abs(fd)), "d/d" + inputs[i] + " at v " + v + ", x " + x);
                }
                double[] dir = {0.3, -0.7, 1.1, 0.5};
                double expected = g[0] * dir[0] + g[1] * dir[1] + g[2] * dir[2] + g[3] * dir[3];
                double tan = (double) tangent.invoke(null, t, x, dir[0], dir[1], dir[2], dir[3]);
                assertEquals(expected, tan, 1e-12 * Math.max(1.0, Math.abs(expected)), "tangent at v " + v + ", x " + x);
                Tensor[] leaves = new Tensor[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    double value = i == 3 ? x : fieldOf(t, inputs[i]).getDouble(t);
                    leaves[i] = Tensor.scalar(value).requiresGrad(true);
                }
                Tensor out = (Tensor) onTape.invoke(null, t, leaves[0], leaves[1], leaves[2], leaves[3]);
                assertEquals((double) density.invoke(t, x), out.item(), 0.0, "tape value");
                out.backward();
                for (int i = 0; i < inputs.length; i++) {
                    assertEquals(g[i], leaves[i].grad().item(), 0.0, "tape d/d" + inputs[i]);
                }
            }
        }
    }

    @Test
    void aReceiverOfAnotherSubclassIsRefusedWhenCalled() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Distributions", T);
        ClassLoader loader = r.loader();
        Class<?> base = loader.loadClass("demo.Distributions$TDistribution");
        Method gradient = loader.loadClass("demo.Distributions_TDistribution_StudentsTAdjoint")
                .getMethod("densityGradient", base, double.class);
        Object normal = base.getMethod("of", double.class).invoke(null, 1e7);
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> gradient.invoke(null, normal, 0.5));
        assertTrue(thrown.getCause() instanceof ClassCastException, String.valueOf(thrown.getCause()));
        // the first read of the private class's field
        String message = thrown.getCause().getMessage();
        assertTrue(message.contains("demo.Distributions$TDistribution$Normal")
                && message.contains("demo.Distributions$TDistribution$StudentsT"), message);
        // no field of the private class read: the check on entry
        Method scaled = loader.loadClass("demo.Distributions_TDistribution_StudentsTAdjoint")
                .getMethod("scaledGradient", base, double.class);
        thrown = assertThrows(InvocationTargetException.class, () -> scaled.invoke(null, normal, 0.5));
        assertEquals("demo.Distributions$TDistribution$Normal is not a demo.Distributions$TDistribution$StudentsT: "
                + "this derivative is of demo.Distributions$TDistribution$StudentsT's scaled(double)",
                thrown.getCause().getMessage());
        Object t = base.getMethod("of", double.class).invoke(null, 4.0);
        Object g = scaled.invoke(null, t, 0.5);
        assertEquals(0.25, g.getClass().getField("x").getDouble(g), 0.0);
        assertEquals(-0.5 / 16, g.getClass().getField("degreesOfFreedom").getDouble(g), 1e-15);
    }

    /** The field {@code name} of {@code t}'s class or a superclass, made accessible. */
    private static Field fieldOf(Object t, String name) throws NoSuchFieldException {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException next) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(name);
    }

    /**
     * Central differences of {@code density(x)} in x ({@code field} null) or in the object's field
     * {@code field} (set by reflection, then restored), at steps h, h/2, h/4, Richardson-extrapolated.
     */
    private static double richardson(Method density, Object t, double x, String field) throws Exception {
        Field f = field == null ? null : fieldOf(t, field);
        double at = f == null ? x : f.getDouble(t);
        double[] d = new double[3];
        for (int level = 0; level < 3; level++) {
            double h = 1e-3 * Math.max(1.0, Math.abs(at)) / (1 << level);
            d[level] = (valueAt(density, t, x, f, at + h) - valueAt(density, t, x, f, at - h)) / (2 * h);
        }
        if (f != null) {
            f.setDouble(t, at);
        }
        double r1 = (4 * d[1] - d[0]) / 3;
        double r2 = (4 * d[2] - d[1]) / 3;
        return (16 * r2 - r1) / 15;
    }

    private static double valueAt(Method density, Object t, double x, Field f, double moved) throws Exception {
        if (f == null) {
            return (double) density.invoke(t, moved);
        }
        f.setDouble(t, moved);
        return (double) density.invoke(t, x);
    }
}
