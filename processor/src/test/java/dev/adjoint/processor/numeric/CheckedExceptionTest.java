package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code @Differentiable} methods declaring checked exceptions, as map projections and older
 * numerical libraries write them ({@code throws ProjectionException}, {@code throws
 * MathException}): a guard throwing the exception, a helper of the build letting it out, a
 * subclass thrown where the base is declared, an iteration that throws when it does not converge,
 * a call of another such method (through its pullback), and a catch of one exception beside
 * another let out. Every generated member that runs the method's code declares the exception and
 * throws it where the method does; the tape overload's backward, a lambda, cannot, and wraps what
 * could only come from state changed between the forward and backward passes.
 */
class CheckedExceptionTest {

    private static final int POINTS = 20;

    static final String PROJECTION = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Projection {
                /** A checked exception, as GeoTools' ProjectionException. */
                public static class ProjectionException extends Exception {
                    private static final long serialVersionUID = 1L;

                    public ProjectionException(String message) {
                        super(message);
                    }
                }

                /** A subclass, thrown where the base is declared. */
                public static final class Divergence extends ProjectionException {
                    private static final long serialVersionUID = 1L;

                    public Divergence(String message) {
                        super(message);
                    }
                }

                /** Another checked exception, caught inside a method and rethrown unchecked. */
                public static final class Singular extends Exception {
                    private static final long serialVersionUID = 1L;

                    public Singular(String message) {
                        super(message);
                    }
                }

                /** State read by {@code bounded}: changing it between the passes makes its backward throw. */
                public static double limit = 10;

                private Projection() {}

                @Differentiable(order = 2)
                public static double mercator(double phi, double k) throws ProjectionException {
                    if (Math.abs(phi) >= 1.5) {
                        throw new ProjectionException("latitude too close to a pole: " + phi);
                    }
                    return k * Math.log(Math.tan(Math.PI / 4 + phi / 2));
                }

                /** A helper of the build that lets the exception out, a subclass of the one declared. */
                static double conformal(double phi, double e) throws ProjectionException {
                    double s = e * Math.sin(phi);
                    if (s >= 1) {
                        throw new Divergence("eccentricity too large: " + e);
                    }
                    return Math.log(Math.tan(Math.PI / 4 + phi / 2)) - e / 2 * Math.log((1 + s) / (1 - s));
                }

                @Differentiable(order = 2)
                public static double isometric(double phi, double e) throws ProjectionException {
                    double q = conformal(phi, e);
                    return q * q + e;
                }

                /** The inverse by fixed-point iteration, throwing when it does not converge (GeoTools' cphi2). */
                @Differentiable(order = 2)
                public static double inverse(double ts, double e) throws ProjectionException {
                    double half = 0.5 * e;
                    double phi = Math.PI / 2 - 2 * Math.atan(ts);
                    for (int i = 0; i < 30; i++) {
                        double con = e * Math.sin(phi);
                        double next = Math.PI / 2 - 2 * Math.atan(ts * Math.pow((1 - con) / (1 + con), half));
                        double change = next - phi;
                        phi = next;
                        if (Math.abs(change) <= 1e-13) {
                            return phi;
                        }
                    }
                    throw new ProjectionException("no convergence for ts = " + ts);
                }

                /** A call of another method declaring the exception. */
                @Differentiable(order = 2)
                public static double scaled(double phi, double k, double s) throws ProjectionException {
                    return s * mercator(phi, k) + k * k;
                }

                static double pivot(double a, double b) throws Singular {
                    if (a == b) {
                        throw new Singular("equal pivots");
                    }
                    return a / (a - b);
                }

                /** One exception caught and rethrown unchecked, another let out. */
                @Differentiable(order = 2)
                public static double mixed(double a, double b) throws ProjectionException {
                    double r;
                    try {
                        r = pivot(a, b + 2);
                    } catch (Singular failure) {
                        throw new IllegalArgumentException(failure);
                    }
                    if (r > 1e6) {
                        throw new ProjectionException("too large");
                    }
                    return r * Math.exp(a * b);
                }

                @Differentiable(order = 2)
                public static double bounded(double x) throws ProjectionException {
                    if (x > limit) {
                        throw new ProjectionException("beyond " + limit);
                    }
                    return x * x * x;
                }
            }
            """;

    @Test
    void methodsDeclaringCheckedExceptionsAreDifferentiated() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Projection", PROJECTION);
        checkEveryMethod(r, "demo.Projection", POINTS, "bounded", "inverse", "isometric", "mercator", "mixed",
                "scaled");
    }

    @Test
    void everyGeneratedMemberDeclaresTheExceptionAndThrowsItWhereTheMethodDoes() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Projection", PROJECTION);
        ClassLoader loader = r.loader();
        Class<?> thrown = loader.loadClass("demo.Projection$ProjectionException");
        Class<?> adjoint = loader.loadClass("demo.ProjectionAdjoint");
        Class<?> impl = loader.loadClass("demo.ProjectionAdjointImpl");
        int members = 0;
        for (Class<?> c : List.of(adjoint, impl)) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().startsWith("mercator")) {
                    members++;
                    assertTrue(Arrays.asList(m.getExceptionTypes()).contains(thrown), m.toString());
                }
            }
        }
        assertTrue(members >= 10, "mercator's members: " + members);
        // at a pole every member throws what the method throws
        Class<?> gradient = loader.loadClass("demo.ProjectionAdjoint$MercatorGradient");
        Object holder = gradient.getConstructor().newInstance();
        assertThrowsThe(thrown, adjoint.getMethod("mercatorGradient", double.class, double.class), 1.55, 2.0);
        assertThrowsThe(thrown, adjoint.getMethod("mercatorPullback", double.class, double.class, double.class,
                gradient), 1.55, 2.0, 1.0, holder);
        assertThrowsThe(thrown, adjoint.getMethod("mercatorTangent", double.class, double.class, double.class,
                double.class), -1.6, 2.0, 1.0, 0.0);
        assertThrowsThe(thrown, adjoint.getMethod("mercatorHessian", double.class, double.class), 1.55, 2.0);
        assertThrowsThe(thrown, adjoint.getMethod("mercator", Tensor.class, Tensor.class), Tensor.scalar(1.55),
                Tensor.scalar(2.0));
        // the subclass a helper throws, through the caller's members
        Class<?> divergence = loader.loadClass("demo.Projection$Divergence");
        assertThrowsThe(divergence, adjoint.getMethod("isometricGradient", double.class, double.class), 1.2, 1.5);
        // the exception caught and rethrown unchecked, as the method does
        Throwable unchecked = thrownBy(adjoint.getMethod("mixedGradient", double.class, double.class), 0.5, -1.5);
        assertInstanceOf(IllegalArgumentException.class, unchecked);
        assertEquals("demo.Projection$Singular", unchecked.getCause().getClass().getName());
    }

    /**
     * The tape overload runs the method forward and declares the exception; recorded, it runs the
     * pullback there too, at the state the value comes from, so the backward pass, which only scales
     * that gradient, neither throws nor changes when the state the method reads changes in between
     * (here a static limit under which the method would throw).
     */
    @Test
    void theTapesBackwardKeepsTheForwardPassesGradientWhenStateChanges() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Projection", PROJECTION);
        ClassLoader loader = r.loader();
        Class<?> projection = loader.loadClass("demo.Projection");
        Method bounded = loader.loadClass("demo.ProjectionAdjoint").getMethod("bounded", Tensor.class);
        Tensor x = Tensor.scalar(2.0).requiresGrad(true);
        Tensor y = (Tensor) bounded.invoke(null, x);
        y.backward();
        assertEquals(12.0, x.grad().item(), 1e-12);
        Tensor again = (Tensor) bounded.invoke(null, x);
        projection.getField("limit").setDouble(null, 1.0);
        again.backward();
        assertEquals(24.0, x.grad().item(), 1e-12);
        // the forward pass under the new limit throws the method's exception, as the method does
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> bounded.invoke(null, x));
        assertEquals("demo.Projection$ProjectionException", e.getCause().getClass().getName());
    }

    /**
     * A long method declaring a checked exception: its derivative members are split into parts
     * under the JIT's limit, and the parts declare it too (javac would refuse them otherwise).
     */
    @Test
    void thePartsOfASplitMemberDeclareTheExceptionToo() throws Exception {
        StringBuilder body = new StringBuilder();
        body.append("        if (x > 100) {\n            throw new Exception(\"out of range\");\n        }\n");
        body.append("        double a0 = x;\n        double a1 = y;\n");
        int n = 400;
        for (int i = 2; i < n; i++) {
            body.append("        double a").append(i).append(" = 0.5 * Math.sin(a").append(i - 1).append(") + 0.3 * a")
                    .append(i - 2).append(" * ").append(i % 3 == 0 ? "Math.cos(a" + (i - 1) + ")" : "0.9").append(";\n");
        }
        body.append("        return a").append(n - 1).append(" + a").append(n - 2).append(";\n");
        String source = "package demo;\n\nimport dev.adjoint.Differentiable;\n\npublic final class Chain {\n"
                + "    @Differentiable(order = 2)\n    public static double chain(double x, double y) throws Exception {\n" + body
                + "    }\n}\n";
        InMemoryCompiler.Result r = compileClean("demo.Chain", source);
        Class<?> impl = r.loader().loadClass("demo.ChainAdjointImpl");
        long parts = Arrays.stream(impl.getDeclaredMethods()).filter(m -> m.getName().startsWith("chainPullback")
                && !m.getName().equals("chainPullback")).count();
        assertTrue(parts >= 2, "the pullback is split: " + parts + " parts");
        for (Method m : impl.getDeclaredMethods()) {
            if (m.getName().startsWith("chain")) {
                assertTrue(Arrays.asList(m.getExceptionTypes()).contains(Exception.class), m.toString());
            }
        }
        checkEveryMethod(r, "demo.Chain", 3, "chain");
    }

    /**
     * The members that run a method's code in every shape the generator writes them for: an instance
     * method's (those taking the receiver call those taking its fields' values), a vector result's
     * Jacobian, the code around an equality test, a checkpointed loop, calls of such a method in a
     * loop, recursion, a private method's copied primal, a record parameter, and a method declaring
     * an exception and its superclass. Each generated file compiles (the receiver's members did not,
     * at first) and each gradient is right.
     */
    static final String SHAPES = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Shapes {
                public static final class Failure extends Exception {
                    private static final long serialVersionUID = 1L;

                    public Failure(String message) {
                        super(message);
                    }
                }

                public record Params(double a, double b) {}

                private Shapes() {}

                public double scale = 1.5;
                public double shift = 0.25;

                /** An instance method differentiated in its receiver's fields. */
                @Differentiable(order = 2)
                public double affine(double x) throws Failure {
                    if (x > 1e6) {
                        throw new Failure("x = " + x);
                    }
                    return scale * Math.sin(x) + shift * x;
                }

                /** A vector result. */
                @Differentiable
                public static double[] polar(double r, double t) throws Failure {
                    if (r < -1e6) {
                        throw new Failure("r = " + r);
                    }
                    return new double[] {r * Math.cos(t), r * Math.sin(t)};
                }

                /** An equality shortcut: its code around runs in members of its own. */
                @Differentiable(order = 2)
                public static double sinc(double x) throws Failure {
                    if (x > 1e6) {
                        throw new Failure("x = " + x);
                    }
                    if (x == 0.0) {
                        return 1.0;
                    }
                    return Math.sin(x) / x;
                }

                /** A long loop, checkpointed. */
                @Differentiable(checkpoints = 4)
                public static double decay(double x, int n) throws Failure {
                    for (int i = 0; i < n * 20; i++) {
                        if (x > 1e300) {
                            throw new Failure("overflow at step " + i);
                        }
                        x = Math.sin(x) + 0.5 * x;
                    }
                    return x;
                }

                /** Calls of another such method in a loop. */
                @Differentiable(order = 2)
                public static double repeated(double x, int n) throws Failure {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += sinc(x + i);
                    }
                    return s;
                }

                /** Recursion. */
                @Differentiable
                public static double power(double x, int n) throws Failure {
                    if (n < 0) {
                        throw new Failure("n = " + n);
                    }
                    return n == 0 ? 1 : x * power(x, n - 1);
                }

                /** A private method: its primal is copied into the implementation class. */
                @Differentiable
                private static double hidden(double x) throws Failure {
                    if (x > 1e6) {
                        throw new Failure("x = " + x);
                    }
                    return x * Math.exp(-x);
                }

                public static double callHidden(double x) throws Failure {
                    return hidden(x);
                }

                /** A record parameter. */
                @Differentiable
                public static double onRecord(Params p, double x) throws Failure {
                    if (p.a() > 1e6) {
                        throw new Failure("a = " + p.a());
                    }
                    return p.a() * x * x + p.b();
                }

                /** Two exceptions, one a subclass of the other, and an unchecked one. */
                @Differentiable
                public static double both(double x) throws Failure, Exception, ArithmeticException {
                    if (x > 1e6) {
                        throw new Exception("x = " + x);
                    }
                    return x * x;
                }
            }
            """;

    @Test
    void everyShapeOfGeneratedMemberDeclaresTheException() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Shapes", SHAPES);
        ClassLoader loader = r.loader();
        Class<?> shapes = loader.loadClass("demo.Shapes");
        Class<?> adjoint = loader.loadClass("demo.ShapesAdjoint");
        GradientHarness harness = new GradientHarness(shapes);
        java.util.Random random = new java.util.Random(3);
        for (String name : List.of("decay", "power", "repeated", "sinc")) {
            Method m = GradientHarness.find(shapes, name);
            for (int i = 0; i < 5; i++) {
                harness.checkAt(m, GradientHarness.arguments(m, random), random);
            }
        }
        // at the equality test: the code around's derivative, sinc'(0) = 0
        Object atZero = adjoint.getMethod("sincGradient", double.class).invoke(null, 0.0);
        assertEquals(0.0, atZero.getClass().getField("x").getDouble(atZero), 1e-12);
        // the instance method, in x and in the receiver's fields
        java.lang.reflect.Constructor<?> constructor = shapes.getDeclaredConstructor();
        constructor.setAccessible(true);
        Object shape = constructor.newInstance();
        Object g = adjoint.getMethod("affineGradient", shapes, double.class).invoke(null, shape, 0.7);
        assertEquals(1.5 * Math.cos(0.7) + 0.25, g.getClass().getField("x").getDouble(g), 1e-12);
        assertEquals(Math.sin(0.7), g.getClass().getField("scale").getDouble(g), 1e-12);
        assertEquals(0.7, g.getClass().getField("shift").getDouble(g), 1e-12);
        double[][] jacobian = (double[][]) adjoint.getMethod("polarJacobian", double.class, double.class)
                .invoke(null, 2.0, 0.5);
        assertEquals(-2 * Math.sin(0.5), jacobian[0][1], 1e-12);
        assertEquals(Math.sin(0.5), jacobian[1][0], 1e-12);
        Method hidden = java.util.Arrays.stream(adjoint.getDeclaredMethods())
                .filter(m -> m.getName().equals("hiddenGradient")).findFirst().orElseThrow();
        hidden.setAccessible(true);
        Object h = hidden.invoke(null, 0.5);
        assertEquals(0.5 * Math.exp(-0.5), h.getClass().getField("x").getDouble(h), 1e-12);
        Class<?> params = loader.loadClass("demo.Shapes$Params");
        Object p = params.getConstructor(double.class, double.class).newInstance(3.0, 1.0);
        Object onRecord = adjoint.getMethod("onRecordGradient", params, double.class).invoke(null, p, 0.5);
        assertEquals(3.0, onRecord.getClass().getField("x").getDouble(onRecord), 1e-12);
        Object both = adjoint.getMethod("bothGradient", double.class).invoke(null, 0.5);
        assertEquals(1.0, both.getClass().getField("x").getDouble(both), 1e-12);
        Class<?> failure = loader.loadClass("demo.Shapes$Failure");
        assertThrowsThe(failure, adjoint.getMethod("decayGradient", double.class, int.class), 1e301, 1);
        assertThrowsThe(failure, adjoint.getMethod("powerGradient", double.class, int.class), 0.5, -1);
    }

    private static void assertThrowsThe(Class<?> expected, Method member, Object... args) {
        Throwable t = thrownBy(member, args);
        assertTrue(expected.isInstance(t), member.getName() + " threw " + t);
    }

    private static Throwable thrownBy(Method member, Object... args) {
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> member.invoke(null, args));
        return e.getCause();
    }
}
