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
     * The tape overload runs the method forward and declares the exception; its backward runs the
     * pullback at the same values, where the method returned, so it cannot throw unless the state
     * the method reads changed in between: then it says so, with the method's exception as cause.
     */
    @Test
    void theTapesBackwardWrapsAnExceptionOnlyChangedStateCanCause() throws Exception {
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
        IllegalStateException e = assertThrows(IllegalStateException.class, again::backward);
        assertTrue(e.getMessage().contains("bounded threw in the backward pass"), e.getMessage());
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

    private static void assertThrowsThe(Class<?> expected, Method member, Object... args) {
        Throwable t = thrownBy(member, args);
        assertTrue(expected.isInstance(t), member.getName() + " threw " + t);
    }

    private static Throwable thrownBy(Method member, Object... args) {
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> member.invoke(null, args));
        return e.getCause();
    }
}
