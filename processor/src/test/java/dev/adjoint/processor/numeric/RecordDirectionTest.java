package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.assertClose;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.find;
import static dev.adjoint.processor.numeric.GradientHarness.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A record's direction in {@code fTangent}, {@code fPullbackTangent} and {@code fHvp}: a record
 * whose canonical constructor does more than store its components (in it or in a record among its
 * components) could change the direction ({@code Math.abs}: the tangent had the wrong sign) or
 * refuse it (a compact constructor checking {@code sigma > 0}), so its direction is an object of its
 * gradient class; a record without one still takes a record of its type
 * ({@link RecordDirectionOriginTest}: the same from a class file). Each derivative is checked against
 * central differences along the direction, each Hessian-vector product against central differences
 * of the generated gradient.
 */
class RecordDirectionTest {

    private static final double H = 1e-6;

    /** The reproducer: a full canonical constructor that takes the absolute value of sigma. */
    private static final String P = """
            package demo;

            public record P(double mu, double sigma) {
                public P(double mu, double sigma) {
                    this.mu = mu;
                    this.sigma = Math.abs(sigma);
                }
            }
            """;

    /** A compact constructor that refuses a negative or zero sigma. */
    private static final String SCALE = """
            package demo;

            public record Scale(double mu, double sigma) {
                public Scale {
                    if (sigma <= 0) {
                        throw new IllegalArgumentException("sigma must be positive");
                    }
                }
            }
            """;

    /** No constructor of its own, but a component whose record has one. */
    private static final String NOISE = """
            package demo;

            public record Noise(Scale scale, double[] coefficients, int degree) {}
            """;

    private static final String PLAIN = """
            package demo;

            public record Plain(double u, double v) {}
            """;

    private static final String FNS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Fns {
                private Fns() {}

                @Differentiable
                public static double f(double x, P p) {
                    return x * p.mu() + p.sigma() * x * x;
                }

                @Differentiable(order = 2)
                public static double logDensity(double x, Scale s) {
                    double z = (x - s.mu()) / s.sigma();
                    return -0.5 * z * z - Math.log(s.sigma());
                }

                @Differentiable(order = 2)
                public static double fit(double x, Noise n, Plain q) {
                    double s = 0;
                    for (int i = 0; i < n.coefficients().length; i++) {
                        s = s * x + n.coefficients()[i];
                    }
                    double z = (s - n.scale().mu()) / n.scale().sigma();
                    return 0.5 * z * z + Math.log(n.scale().sigma()) + q.u() * q.v() * x;
                }

                @Differentiable
                public static double product(double x, Plain q) {
                    return q.u() * q.v() * Math.sin(x);
                }
            }
            """;

    private static InMemoryCompiler.Result compiled;
    private static ClassLoader loader;
    private static Class<?> fns;
    private static Class<?> adjoint;

    @BeforeAll
    static void compile() throws Exception {
        compiled = compileClean("demo.Fns", FNS, "demo.P", P, "demo.Scale", SCALE, "demo.Noise", NOISE, "demo.Plain",
                PLAIN);
        loader = compiled.loader();
        fns = loader.loadClass("demo.Fns");
        adjoint = loader.loadClass("demo.FnsAdjoint");
    }

    @Test
    void aConstructorThatChangesADirectionDoesNotGetIt() throws Exception {
        Method tangent = find(adjoint, "fTangent");
        assertEquals(nested("PGradient"), tangent.getParameterTypes()[3]);
        Object p = record("P", 0.5, 2.0);
        // along sigma, downwards: P's constructor would have made the direction +1
        double derivative = (double) invoke(tangent, new Object[] {1.3, p, 0.0, holder("PGradient", "sigma", -1.0)});
        double numeric = central(h -> call("f", 1.3, record("P", 0.5, 2.0 - h)));
        assertClose(numeric, derivative, "fTangent along (0, -1)");
        assertTrue(derivative < 0, "the sign of the derivative: " + derivative);
        assertThrows(NullPointerException.class, () -> invoke(tangent, new Object[] {1.3, p, 0.0, null}));
    }

    @Test
    void aValidatingCompactConstructorTakesANegativeDirectionToo() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> record("Scale", 0.3, -0.5));
        Object s = record("Scale", 0.4, 1.5);
        Object direction = holder("ScaleGradient", "mu", 0.3, "sigma", -0.5);
        double derivative = (double) invoke(find(adjoint, "logDensityTangent"), new Object[] {0.9, s, 0.2, direction});
        DoubleFunction<Object[]> moved = h -> new Object[] {0.9 + 0.2 * h, record("Scale", 0.4 + 0.3 * h, 1.5 - 0.5 * h)};
        assertClose(central(h -> call("logDensity", moved.apply(h))), derivative, "logDensityTangent");

        Object hvp = invoke(find(adjoint, "logDensityHvp"), new Object[] {0.9, s, 0.2, direction});
        for (String component : new String[] {"x", "s.mu", "s.sigma"}) {
            double numeric = central(h -> field(invoke(find(adjoint, "logDensityGradient"), moved.apply(h)), component));
            assertHvp(numeric, field(hvp, component), "(Hv)." + component);
        }
        // forward over reverse with seed 1 and dSeed 0 gives H·v too
        Class<?> holder = nested("LogDensityGradient");
        Object product = holder.getDeclaredConstructor().newInstance();
        invoke(find(adjoint, "logDensityPullbackTangent"), new Object[] {0.9, s, 0.2, direction, 1.0, 0.0,
                holder.getDeclaredConstructor().newInstance(), product});
        for (String component : new String[] {"x", "s.mu", "s.sigma"}) {
            assertEquals(field(hvp, component), field(product, component), 1e-12, "fPullbackTangent's " + component);
        }
        String api = compiled.generated("demo.FnsAdjoint");
        assertTrue(api.contains("{@code dS} is a {@code ScaleGradient}, one field per differentiable component, not a "
                + "record"), api);
    }

    @Test
    void aNestedRecordWithAConstructorMakesItsOuterRecordsDirectionAGradient() throws Exception {
        Method tangent = find(adjoint, "fitTangent");
        assertEquals(nested("NoiseGradient"), tangent.getParameterTypes()[4]);
        assertEquals(loader.loadClass("demo.Plain"), tangent.getParameterTypes()[5]);
        double[] c = {0.5, -1.2, 0.3};
        double[] dc = {1.0, 0.25, -2.0};
        Object n = record("Noise", record("Scale", 0.1, 0.8), c, 2);
        Object q = record("Plain", 0.4, 1.1);
        Object dn = holder("NoiseGradient", "coefficients", dc);
        Object scale = dn.getClass().getField("scale").get(dn);
        scale.getClass().getField("mu").setDouble(scale, -0.4);
        scale.getClass().getField("sigma").setDouble(scale, -0.7);
        Object dq = record("Plain", -0.3, 0.6);
        DoubleFunction<Object[]> moved = h -> new Object[] {0.7 + 0.1 * h,
                record("Noise", record("Scale", 0.1 - 0.4 * h, 0.8 - 0.7 * h), plus(c, dc, h), 2),
                record("Plain", 0.4 - 0.3 * h, 1.1 + 0.6 * h)};
        double derivative = (double) invoke(tangent, new Object[] {0.7, n, q, 0.1, dn, dq});
        assertClose(central(h -> call("fit", moved.apply(h))), derivative, "fitTangent");

        Object hvp = invoke(find(adjoint, "fitHvp"), new Object[] {0.7, n, q, 0.1, dn, dq});
        for (String component : new String[] {"x", "n.scale.mu", "n.scale.sigma", "n.coefficients[0]",
                "n.coefficients[2]", "q.u", "q.v"}) {
            double numeric = central(h -> field(invoke(find(adjoint, "fitGradient"), moved.apply(h)), component));
            assertHvp(numeric, field(hvp, component), "(Hv)." + component);
        }
        String api = compiled.generated("demo.FnsAdjoint");
        assertTrue(api.contains("{@code dN} is a {@code NoiseGradient}") && !api.contains("{@code dQ} is a"), api);
    }

    @Test
    void aRecordWithoutAConstructorStillTakesARecordDirection() throws Exception {
        Method tangent = find(adjoint, "productTangent");
        assertEquals(loader.loadClass("demo.Plain"), tangent.getParameterTypes()[3]);
        double derivative = (double) invoke(tangent, new Object[] {0.6, record("Plain", 0.4, 1.1), 0.5,
                record("Plain", -0.3, 0.6)});
        assertClose(central(h -> call("product", 0.6 + 0.5 * h, record("Plain", 0.4 - 0.3 * h, 1.1 + 0.6 * h))),
                derivative, "productTangent");
    }

    // ------------------------------------------------------------ helpers

    private interface Value {
        double at(double h) throws Exception;
    }

    private static double central(Value f) throws Exception {
        return (f.at(H) - f.at(-H)) / (2 * H);
    }

    private static void assertHvp(double numeric, double generated, String what) {
        assertTrue(Math.abs(numeric - generated) <= 1e-6 + 1e-5 * Math.abs(numeric),
                what + ": expected " + numeric + " but generated " + generated);
    }

    private static double call(String name, Object... args) throws Exception {
        return (double) invoke(find(fns, name), args);
    }

    private static Class<?> nested(String simpleName) throws ClassNotFoundException {
        return loader.loadClass("demo.FnsAdjoint$" + simpleName);
    }

    /** A record of {@code demo}, by its canonical constructor. */
    private static Object record(String name, Object... components) {
        try {
            Class<?> type = loader.loadClass("demo." + name);
            Constructor<?> canonical = type.getDeclaredConstructor(java.util.Arrays.stream(type.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getType).toArray(Class<?>[]::new));
            return canonical.newInstance(components);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gradient object of the adjoint class, with the given fields (name, value, ...) set. */
    private static Object holder(String simpleName, Object... fields) throws Exception {
        Object out = nested(simpleName).getDeclaredConstructor().newInstance();
        for (int i = 0; i < fields.length; i += 2) {
            out.getClass().getField((String) fields[i]).set(out, fields[i + 1]);
        }
        return out;
    }

    /** The number at {@code path} in a gradient object: {@code n.scale.mu}, {@code n.coefficients[2]}. */
    private static double field(Object holder, String path) throws Exception {
        Object at = holder;
        for (String name : path.split("\\.")) {
            int bracket = name.indexOf('[');
            at = at.getClass().getField(bracket < 0 ? name : name.substring(0, bracket)).get(at);
            if (bracket >= 0) {
                at = ((double[]) at)[Integer.parseInt(name.substring(bracket + 1, name.length() - 1))];
            }
        }
        return (double) at;
    }

    private static double[] plus(double[] a, double[] d, double t) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += t * d[i];
        }
        return out;
    }
}
