package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Legal but odd code whose generated members once did not compile: code after a helper that always
 * throws (inlined, its result was read after the throw), methods that never return (the reverse
 * sweep came after a forward sweep that never ends), and a record whose gradient class had the name
 * of a method's ({@code record F} with a method {@code f}: {@code FGradient} twice). Each compiles
 * without a warning; what returns is checked as the fixtures are (the endless loop is only compiled).
 */
class OddDeclarationsTest {

    private static final String NEVER = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Never {
                private Never() {}

                private static double fail(String why) {
                    throw new IllegalArgumentException(why);
                }

                private static void check(double x) {
                    if (x < -100) {
                        fail("below -100");
                    }
                }

                /** The helper's throw inlined in a branch, then its never-assigned result read. */
                @Differentiable(order = 2)
                public static double chooses(double x, double y) {
                    check(x);
                    double r = x > -50 ? x * y : fail("negative");
                    if (y < -50) {
                        fail("y");
                    }
                    return r + Math.sin(y);
                }

                @Differentiable(order = 2)
                public static double throwsAlways(double x) {
                    throw new UnsupportedOperationException("not yet, x = " + x);
                }

                @Differentiable(order = 2)
                public static double loopsForever(double x) {
                    while (true) {
                        x = x * 0.5;
                        if (x > 1e300) {
                            return x;
                        }
                    }
                }
            }
            """;

    private static final String POINT = """
            package demo;

            import dev.adjoint.Differentiable;

            public record F(double a, double b) {
                @Differentiable(order = 2)
                double f(double x) {
                    return a * x * x + b;
                }

                @Differentiable(order = 2)
                static double g(F r, double x) {
                    return r.a() * Math.sin(x) + r.b() * x;
                }
            }
            """;

    /**
     * Variables named like classes the generated code names in expressions: {@code Math.sin(Math)}
     * and {@code Tensor.function} with a parameter {@code Tensor} did not compile.
     */
    private static final String SHADOWS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Shadows {
                private Shadows() {}

                @Differentiable(order = 2)
                public static double math(double Math, double Double) {
                    double StrictMath = Math * Double;
                    double Arrays = java.lang.Math.exp(java.lang.Math.min(StrictMath, 1.0 / 0.0));
                    return Arrays * java.lang.Math.sin(Math);
                }

                @Differentiable(order = 2)
                public static double tensor(double Tensor, double System, double Float) {
                    double ThreadLocal = Tensor * Float;
                    for (int k = 0; k < 3; k++) {
                        ThreadLocal = ThreadLocal * System + java.lang.Math.sin(ThreadLocal);
                    }
                    return ThreadLocal;
                }
            }
            """;

    @Test
    void variablesNamedLikeTheClassesOfTheGeneratedCode() throws Exception {
        GradientHarness.checkEveryMethod(compileClean("demo.Shadows", SHADOWS), "demo.Shadows", 10, "math", "tensor");
    }

    @Test
    void codeAfterAThrowOrAnEndlessLoopIsLeftOut() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Never", NEVER);
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Never"));
        Method method = harness.differentiableMethods().get(0);
        assertEquals("chooses", method.getName());
        harness.checkAtRandomPoints(method, new Random(1), 20);
        Class<?> adjoint = r.loader().loadClass("demo.NeverAdjoint");
        Method throwsAlways = adjoint.getMethod("throwsAlwaysGradient", double.class);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> throwsAlways.invoke(null, 0.5));
        assertEquals("not yet, x = 0.5", e.getCause().getMessage());
        Method chooses = adjoint.getMethod("choosesGradient", double.class, double.class);
        e = assertThrows(InvocationTargetException.class, () -> chooses.invoke(null, -70.0, 1.0));
        assertEquals("negative", e.getCause().getMessage());
    }

    /** Only records differentiated: the Tensor overload had no Tensor to take (`}, );`, a file that did not compile). */
    private static final String RECORDS_ONLY = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Fit {
                private Fit() {}

                public record Params(double mu, double sigma) {}

                @Differentiable(order = 2)
                public static double logLik(Params p) {
                    return -Math.log(p.sigma()) - 0.5 * p.mu() * p.mu() / (p.sigma() * p.sigma());
                }

                @Differentiable(wrt = {"p"})
                public static double shifted(Params p, double x) {
                    return (x - p.mu()) / p.sigma();
                }
            }
            """;

    @Test
    void aMethodDifferentiatedInRecordsOnlyHasNoTensorOverload() throws Exception {
        ClassLoader loader = compileClean("demo.Fit", RECORDS_ONLY).loader();
        Class<?> adjoint = loader.loadClass("demo.FitAdjoint");
        Class<?> params = loader.loadClass("demo.Fit$Params");
        assertTrue(java.util.Arrays.stream(adjoint.getMethods()).noneMatch(m -> m.getReturnType() == dev.adjoint.Tensor.class),
                java.util.Arrays.toString(adjoint.getMethods()));
        Object p = params.getDeclaredConstructors()[0].newInstance(0.5, 2.0);
        Object g = adjoint.getMethod("logLikGradient", params).invoke(null, p);
        Object pg = g.getClass().getField("p").get(g);
        // ∂/∂mu = -mu/sigma², ∂/∂sigma = -1/sigma + mu²/sigma³
        assertEquals(-0.125, pg.getClass().getField("mu").getDouble(pg), 1e-15);
        assertEquals(-0.5 + 0.25 / 8, pg.getClass().getField("sigma").getDouble(pg), 1e-15);
        Object s = adjoint.getMethod("shiftedGradient", params, double.class).invoke(null, p, 1.5);
        Object sg = s.getClass().getField("p").get(s);
        assertEquals(-0.5, sg.getClass().getField("mu").getDouble(sg), 1e-15);
        assertEquals(-0.25, sg.getClass().getField("sigma").getDouble(sg), 1e-15);
    }

    /** An int[] parameter written and read: its snapshot was declared a double[] (a file that did not compile). */
    private static final String COUNTS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Counts {
                private Counts() {}

                /** Folds x into the mean m of count[0] values, and counts it. */
                @Differentiable
                public static double update(double m, double x, int[] count) {
                    double r = m + (x - m) / (count[0] + 1);
                    count[0]++;
                    return r * r;
                }
            }
            """;

    @Test
    void anIntArrayParameterWrittenAndReadIsRestored() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Counts", COUNTS);
        Class<?> adjoint = r.loader().loadClass("demo.CountsAdjoint");
        int[] count = {3};
        Object g = adjoint.getMethod("updateGradient", double.class, double.class, int[].class).invoke(null, 1.2, 2.0, count);
        // r = m + (x - m)/4 = 1.4: ∂r²/∂m = 2r·3/4, ∂r²/∂x = 2r/4
        assertEquals(2 * 1.4 * 0.75, g.getClass().getField("m").getDouble(g), 1e-15);
        assertEquals(2 * 1.4 / 4, g.getClass().getField("x").getDouble(g), 1e-15);
        assertEquals(4, count[0], "the caller's array as the primal leaves it");
        double tangent = (double) adjoint.getMethod("updateTangent", double.class, double.class, int[].class, double.class,
                double.class).invoke(null, 1.2, 2.0, new int[] {3}, 1.0, 0.0);
        assertEquals(2 * 1.4 * 0.75, tangent, 1e-15);
    }

    @Test
    void recordGradientNamedApartFromAMethodsOfTheSameName() throws Exception {
        ClassLoader loader = compileClean("demo.F", POINT).loader();
        Class<?> adjoint = loader.loadClass("demo.FAdjoint");
        Method gGradient = java.util.Arrays.stream(adjoint.getDeclaredMethods())
                .filter(m -> m.getName().equals("gGradient")).findFirst().orElseThrow();
        assertEquals("demo.FAdjoint$FRecordGradient", gGradient.getReturnType().getField("r").getType().getName(),
                java.util.Arrays.toString(adjoint.getDeclaredMethods()));
        // g = a sin x + b x: ∂g/∂x = a cos x + b, ∂g/∂a = sin x, ∂g/∂b = x
        Object record = loader.loadClass("demo.F").getDeclaredConstructors()[0].newInstance(0.7, -1.3);
        gGradient.setAccessible(true);
        Object g = gGradient.invoke(null, record, 0.4);
        Object rg = g.getClass().getField("r").get(g);
        assertEquals(0.7 * Math.cos(0.4) - 1.3, g.getClass().getField("x").getDouble(g), 1e-15);
        assertEquals(Math.sin(0.4), rg.getClass().getField("a").getDouble(rg), 1e-15);
        assertEquals(0.4, rg.getClass().getField("b").getDouble(rg), 1e-15);
    }
}
