package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * A {@code try} whose catches rethrow a library's checked exception unchecked, as code calling a
 * projection or a solver that declares one is written (read/Catches): the exception thrown in the
 * method's own body, in a helper of its class, in a method of another object (a projection held in
 * a constant, its Newton loop throwing when it does not converge), through a helper's own try that
 * turns one checked exception into another, in a multi-catch whose throw reads the exception twice,
 * and inside a loop with a {@code break}. Each is checked at 20 random points as {@link
 * NumericGradientTest} checks the fixtures (central differences, pullback, tape, tangent, second
 * order), and where the primal throws, the generated code throws the same exception, its cause
 * the same checked one.
 */
class CatchTest {

    private static final int POINTS = 20;

    private static final String PROJECTIONS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Projections {
                public static final class NoConvergence extends Exception {
                    private static final long serialVersionUID = 1L;

                    public NoConvergence(String message) {
                        super(message);
                    }

                    public NoConvergence(Throwable cause) {
                        super(cause);
                    }
                }

                public static final class OutOfDomain extends Exception {
                    private static final long serialVersionUID = 1L;

                    public OutOfDomain(String message) {
                        super(message);
                    }
                }

                /** An ellipsoid's conformal latitude by Newton's method, as projection libraries write it. */
                public static final class Conformal {
                    private final double e;
                    private final int maxIterations;

                    public Conformal(double e, int maxIterations) {
                        this.e = e;
                        this.maxIterations = maxIterations;
                    }

                    void inverse(double[] src, double[] dst) throws NoConvergence {
                        double y = src[1];
                        double phi = y;
                        int n = maxIterations;
                        double d;
                        do {
                            if (--n < 0) {
                                throw new NoConvergence("no convergence at y = " + y);
                            }
                            d = (phi - e * Math.sin(phi) - y) / (1 - e * Math.cos(phi));
                            phi -= d;
                        } while (Math.abs(d) > 1e-14);
                        dst[0] = src[0] / Math.cos(phi);
                        dst[1] = phi;
                    }
                }

                static final Conformal ELLIPSOID = new Conformal(0.3, 40);

                private Projections() {}

                static double kepler(double m, double e) throws NoConvergence, OutOfDomain {
                    if (!(e < 1)) {
                        throw new OutOfDomain("e = " + e);
                    }
                    double t = m;
                    for (int i = 0; i < 60; i++) {
                        double d = (t - e * Math.sin(t) - m) / (1 - e * Math.cos(t));
                        t -= d;
                        if (Math.abs(d) < 1e-15) {
                            break;
                        }
                    }
                    if (Math.abs(t - e * Math.sin(t) - m) > 1e-12) {
                        throw new NoConvergence("kepler");
                    }
                    return t;
                }

                /** A helper with a try of its own: the one checked exception turned into the other. */
                static double anomaly(double m, double e) throws NoConvergence {
                    try {
                        return kepler(m, e) * e;
                    } catch (OutOfDomain ex) {
                        throw new NoConvergence(ex);
                    }
                }

                @Differentiable(order = 2)
                public static double inverse(double x, double y) {
                    double[] src = {x, y};
                    double[] dst = new double[2];
                    try {
                        ELLIPSOID.inverse(src, dst);
                    } catch (NoConvergence ex) {
                        throw new IllegalStateException(ex);
                    }
                    return dst[0] * dst[1] + dst[1];
                }

                @Differentiable(order = 2)
                public static double eccentric(double m, double e) {
                    double t;
                    try {
                        if (m > 0.9) {
                            throw new OutOfDomain("m = " + m);
                        }
                        t = kepler(m, e);
                    } catch (NoConvergence | OutOfDomain ex) {
                        throw new ArithmeticException(ex.getClass().getSimpleName() + ": " + ex.getMessage());
                    }
                    return Math.sin(t) * e + t;
                }

                @Differentiable(order = 2)
                public static double nested(double m, double e) {
                    try {
                        return anomaly(m, e) + anomaly(m * 0.5, e);
                    } catch (NoConvergence ex) {
                        throw new IllegalArgumentException(ex);
                    }
                }

                @Differentiable(order = 2)
                public static double inLoop(double m, double e) {
                    double s = 0;
                    for (int k = 1; k <= 4; k++) {
                        try {
                            s += kepler(m / k, e * e);
                            if (s > 1.2) {
                                break;
                            }
                        } catch (NoConvergence | OutOfDomain ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                    return s;
                }
            }
            """;

    /** A Newton loop given two steps: it throws the checked exception its caller wraps. */
    private static final String SLOW = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Slow {
                static final Projections.Conformal SLOW = new Projections.Conformal(0.3, 2);

                private Slow() {}

                @Differentiable
                public static double inverseSlowly(double x, double y) {
                    double[] dst = new double[2];
                    try {
                        SLOW.inverse(new double[] {x, y}, dst);
                    } catch (Projections.NoConvergence ex) {
                        throw new IllegalStateException(ex);
                    }
                    return dst[0] * dst[1];
                }
            }
            """;

    @Test
    void catchesThatRethrowAreDifferentiatedAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Projections", PROJECTIONS);
        checkEveryMethod(r, "demo.Projections", POINTS, "eccentric", "inLoop", "inverse", "nested");
        String impl = withoutComments(r.generatedSources().get("demo.ProjectionsAdjointImpl"));
        // the generated code keeps none of the catches: each throw throws what its catch would
        assertFalse(impl.contains("catch (Projections."), impl);
        assertTrue(impl.contains("throw new IllegalStateException(new Projections.NoConvergence(\"no convergence at y = \" + "),
                impl);
    }

    @Test
    void whereThePrimalThrowsTheGeneratedCodeThrowsTheSame() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Projections", PROJECTIONS, "demo.Slow", SLOW);
        ClassLoader loader = r.loader();
        Class<?> owner = loader.loadClass("demo.Projections");
        Class<?> api = loader.loadClass("demo.ProjectionsAdjoint");
        assertSame(loader.loadClass("demo.Slow"), loader.loadClass("demo.SlowAdjoint"), "inverseSlowly",
                IllegalStateException.class, "NoConvergence", 0.3, 0.7);
        // thrown in the method's own body, and in the helper, caught by a multi-catch reading it twice
        assertSame(owner, api, "eccentric", ArithmeticException.class, null, 0.95, 0.3);
        assertSame(owner, api, "eccentric", ArithmeticException.class, null, 0.5, 1.5);
        // through the helper's own try, which turns one checked exception into the other
        assertSame(owner, api, "nested", IllegalArgumentException.class, "NoConvergence", 0.5, 1.5);
        assertSame(owner, api, "inLoop", IllegalStateException.class, "OutOfDomain", 0.5, 1.5);
    }

    /**
     * The primal and the gradient throw an exception of the same class, with the same message, and
     * a cause of the same class (named by {@code cause}, or none expected when null).
     */
    private static void assertSame(Class<?> owner, Class<?> api, String name, Class<? extends Throwable> type,
            String cause, double a, double b) throws Exception {
        Method primal = owner.getMethod(name, double.class, double.class);
        Method gradient = api.getMethod(name + "Gradient", double.class, double.class);
        Throwable expected = assertThrows(InvocationTargetException.class, () -> primal.invoke(null, a, b)).getCause();
        Throwable actual = assertThrows(InvocationTargetException.class, () -> gradient.invoke(null, a, b)).getCause();
        assertInstanceOf(type, expected);
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.getMessage(), actual.getMessage());
        if (cause != null) {
            assertEquals(cause, expected.getCause().getClass().getSimpleName());
            assertEquals(expected.getCause().getClass(), actual.getCause().getClass());
            assertEquals(expected.getCause().getMessage(), actual.getCause().getMessage());
        }
    }
}
