package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An abstract method called on an object whose class the code does not say, as generalised linear
 * models hold their link function ({@code link.inverse(eta)} on a field of an abstract type) and
 * kernel smoothers their kernel: the body of each class of the build that implements it is inlined,
 * chosen by the object's exact class at run time (read/Dispatch). The shapes that would break it: a
 * subclass that overrides nothing (its own branch, the inherited body), one that overrides a helper
 * the inherited body calls on this, an interface's default method one implementation overrides, the
 * call reached through a concrete method of the abstract class, two dispatches nested, a dispatch in
 * a loop, a kink in one implementation, second order, and an object of a class the build did not
 * compile (an anonymous class), which must throw rather than use another class's body.
 */
class DispatchTest {

    private static final String LINKS = """
            package demo;

            public abstract class Link {
                /** The inverse link, mean of the linear predictor. */
                public abstract double inverse(double eta);

                /** A concrete method of the abstract class, calling the abstract one on this. */
                public double variance(double eta) {
                    double mu = inverse(eta);
                    return mu * (1 - mu) + 0.25;
                }
            }
            """;

    private static final String LOGIT = """
            package demo;

            public class Logit extends Link {
                private final double scale;

                public Logit(double scale) {
                    this.scale = scale;
                }

                public double inverse(double eta) {
                    return 1 / (1 + Math.exp(-squash(eta)));
                }

                double squash(double eta) {
                    return scale * eta;
                }
            }
            """;

    /** A subclass overriding nothing: Logit's body runs on it. */
    private static final String WIDE_LOGIT = """
            package demo;

            public final class WideLogit extends Logit {
                public WideLogit() {
                    super(0.5);
                }
            }
            """;

    /** A subclass overriding the helper the inherited inverse calls on this. */
    private static final String CUBIC_LOGIT = """
            package demo;

            public final class CubicLogit extends Logit {
                public CubicLogit() {
                    super(1.0);
                }

                @Override
                double squash(double eta) {
                    return eta * eta * eta;
                }
            }
            """;

    private static final String CLOGLOG = """
            package demo;

            public final class CLogLog extends Link {
                private static final double FLOOR = 1e-12;

                public double inverse(double eta) {
                    double mu = 1 - Math.exp(-Math.exp(eta));
                    return Math.max(mu, FLOOR);
                }

                @Override
                public double variance(double eta) {
                    return Math.exp(eta) + 1;
                }
            }
            """;

    private static final String KERNEL = """
            package demo;

            public interface Kernel {
                double at(double u);

                default double weight(double u, double h) {
                    return at(u / h) / h;
                }
            }
            """;

    private static final String GAUSS = """
            package demo;

            public final class Gauss implements Kernel {
                public double at(double u) {
                    return Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
                }
            }
            """;

    /** Epanechnikov: a kink at |u| = 1, and its own weight. */
    private static final String EPANECHNIKOV = """
            package demo;

            public final class Epanechnikov implements Kernel {
                public double at(double u) {
                    return Math.abs(u) < 1 ? 0.75 * (1 - u * u) : 0.0;
                }

                @Override
                public double weight(double u, double h) {
                    double v = u / h;
                    return v * v < 1 ? 0.75 * (1 - v * v) / h : 0.0;
                }
            }
            """;

    private static final String MODELS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Models {
                private Models() {}

                /** A link of a class the build does not name. */
                public static Link identity() {
                    return new Link() {
                        public double inverse(double eta) {
                            return eta;
                        }
                    };
                }

                /** A Bernoulli deviance through the link: the abstract call on a parameter. */
                @Differentiable(order = 2)
                public static double deviance(Link link, double[] beta, double[] x, double y) {
                    double eta = 0;
                    for (int i = 0; i < beta.length; i++) {
                        eta += beta[i] * x[i];
                    }
                    double mu = link.inverse(eta);
                    return -2 * (y * Math.log(mu) + (1 - y) * Math.log(1 - mu));
                }

                /** The abstract call reached through a concrete method of the abstract class, and nested. */
                @Differentiable(order = 2)
                public static double nested(Link outer, Link inner, double a, double b) {
                    return outer.variance(a * b) + outer.inverse(inner.inverse(a) - b);
                }

                /** A method no subclass overrides, whose body calls on this a helper one subclass overrides. */
                @Differentiable(order = 2)
                public static double viaLogit(Logit logit, double x, double y) {
                    return logit.inverse(x * y) * y;
                }

                /** A kernel smoother: an interface's default method, overridden by one class, in a loop. */
                @Differentiable(order = 2)
                public static double smooth(Kernel kernel, double[] xs, double[] ys, double x, double h) {
                    double num = 0;
                    double den = 0;
                    for (int i = 0; i < xs.length; i++) {
                        double w = kernel.weight(x - xs[i], h);
                        num += w * ys[i];
                        den += w;
                    }
                    return num / den;
                }
            }
            """;

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Models", MODELS, "demo.Link", LINKS, "demo.Logit", LOGIT, "demo.WideLogit",
                WIDE_LOGIT, "demo.CubicLogit", CUBIC_LOGIT, "demo.CLogLog", CLOGLOG, "demo.Kernel", KERNEL,
                "demo.Gauss", GAUSS, "demo.Epanechnikov", EPANECHNIKOV);
    }

    private static List<Object> links(ClassLoader loader) throws Exception {
        return List.of(loader.loadClass("demo.Logit").getConstructor(double.class).newInstance(1.7),
                loader.loadClass("demo.WideLogit").getConstructor().newInstance(),
                loader.loadClass("demo.CubicLogit").getConstructor().newInstance(),
                loader.loadClass("demo.CLogLog").getConstructor().newInstance());
    }

    @Test
    void eachImplementationOfTheBuildIsChosenByTheObjectsClass() throws Exception {
        ClassLoader loader = compile().loader(); // one loader: each call of loader() makes another
        Class<?> models = loader.loadClass("demo.Models");
        GradientHarness harness = new GradientHarness(models);
        Random random = new Random(2026);
        Method deviance = find(models, "deviance");
        Method nested = find(models, "nested");
        Method smooth = find(models, "smooth");
        Method viaLogit = find(models, "viaLogit");
        List<Object> links = links(loader);
        for (Object link : links) {
            for (double[] x : new double[][] {{0.3, -0.8, 0.5}, {-0.2, 0.4, 0.9}}) {
                harness.checkAt(deviance, new Object[] {link, new double[] {0.4, 0.3, -0.6}, x, 1.0}, random);
                harness.checkAt(deviance, new Object[] {link, new double[] {-0.7, 0.2, 0.1}, x, 0.0}, random);
            }
            if (!link.getClass().getSimpleName().equals("CLogLog")) {
                harness.checkAt(viaLogit, new Object[] {link, 0.6, -0.9}, random);
            }
            for (Object inner : links) {
                harness.checkAt(nested, new Object[] {link, inner, 0.45, -0.3}, random);
            }
        }
        double[] xs = {0.1, 0.35, 0.5, 0.8, 1.1};
        double[] ys = {1.0, -0.5, 2.0, 0.7, 0.3};
        for (String kernel : List.of("demo.Gauss", "demo.Epanechnikov")) {
            Object k = loader.loadClass(kernel).getConstructor().newInstance();
            // x and h where no sample sits at |u/h| = 1, Epanechnikov's kink
            harness.checkAt(smooth, new Object[] {k, xs, ys, 0.52, 0.43}, random);
            harness.checkAt(smooth, new Object[] {k, xs, ys, 0.7, 0.9}, random);
        }
    }

    /**
     * The generated code names each class and throws for another: an object of a class the build
     * did not name (an anonymous class, a library user's subclass) could override anything.
     */
    @Test
    void anObjectOfAClassTheBuildDidNotCompileIsRefusedAtRunTime() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.ModelsAdjointImpl"));
        assertTrue(impl.contains("Overrides.is(link, \"demo.CubicLogit\")"), impl);
        assertTrue(impl.contains("Overrides.unseen("), impl);
        // an object of exactly its class needs no guard; Logit.inverse, which no class overrides, keeps its own
        assertFalse(impl.contains("Overrides.check(link") || impl.contains("Overrides.check(outer"), impl);
        assertTrue(impl.contains("Overrides.check(logit, \"demo.Logit\", \"inverse(double)\")"), impl);
        ClassLoader loader = r.loader();
        Method gradient = find(loader.loadClass("demo.ModelsAdjoint"), "devianceGradient");
        // an anonymous class is not among the classes the build names: it could override anything
        Object anonymous = find(loader.loadClass("demo.Models"), "identity").invoke(null);
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> gradient.invoke(null,
                anonymous, new double[] {0.1}, new double[] {0.2}, 1.0));
        assertTrue(thrown.getCause() instanceof UnsupportedOperationException, thrown.getCause().toString());
        assertEquals("demo.Models$1 runs inverse(double) of demo.Link with a body Adjoint did not see: this derivative "
                + "holds the bodies of demo.CLogLog, demo.CubicLogit, demo.Logit, demo.WideLogit only, the named classes "
                + "of the build it was generated in that implement it (not an anonymous or local class, a lambda, or a "
                + "class compiled apart); differentiate demo.Models$1's method with a @Differentiable method of its "
                + "own, or make it a named class of that build", thrown.getCause().getMessage());
    }

    /**
     * The shapes the first review of dispatch broke: an interface's default method beside a
     * superclass's method of the same signature (Java runs the superclass's), a generic interface two
     * classes implement with other type arguments, an enum implementing the interface.
     */
    private static final String CORNERS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Corners {
                private Corners() {}

                public interface Weight {
                    default double w(double x) {
                        return x * x;
                    }
                }

                public static class Base {
                    public double w(double x) {
                        return 3 * x;
                    }
                }

                /** Runs Base.w, not Weight's default. */
                public static final class Both extends Base implements Weight {}

                public static final class Own implements Weight {}

                public interface Fn<T> {
                    double apply(T context, double x);
                }

                public static final class Length implements Fn<String> {
                    public double apply(String context, double x) {
                        return context.length() * x * x;
                    }
                }

                /** No Fn<String>: not among the bodies of a call on one (its parameter would be an Integer). */
                public static final class Scaled implements Fn<Integer> {
                    public double apply(Integer context, double x) {
                        return context * Math.sin(x);
                    }
                }

                public enum Slope implements Weight {
                    STEEP;

                    public double w(double x) {
                        return 5 * x;
                    }
                }

                static final Weight KNOWN = new Both();

                @Differentiable(order = 2)
                public static double weighted(Weight weight, double x) {
                    return weight.w(x) + KNOWN.w(x);
                }

                @Differentiable(order = 2)
                public static double applied(Fn<String> fn, double x) {
                    return fn.apply("abc", x);
                }
            }
            """;

    @Test
    void aSuperclassMethodWinsOverADefaultOneAndOnlyClassesOfTheTypeAreChosen() throws Exception {
        ClassLoader loader = compileClean("demo.Corners", CORNERS).loader();
        Class<?> corners = loader.loadClass("demo.Corners");
        GradientHarness harness = new GradientHarness(corners);
        Random random = new Random(3);
        Object both = loader.loadClass("demo.Corners$Both").getConstructor().newInstance();
        Object own = loader.loadClass("demo.Corners$Own").getConstructor().newInstance();
        Object steep = loader.loadClass("demo.Corners$Slope").getEnumConstants()[0];
        Method weighted = find(corners, "weighted");
        for (Object weight : List.of(both, own, steep)) {
            harness.checkAt(weighted, new Object[] {weight, 0.5}, random);
        }
        // Both runs Base.w (3x), as does KNOWN: 3 + 3, not 2x + 2x
        assertEquals(6.0, harness.gradient(weighted, new Object[] {both, 0.5}).get("x")[0], 0.0);
        Object length = loader.loadClass("demo.Corners$Length").getConstructor().newInstance();
        harness.checkAt(find(corners, "applied"), new Object[] {length, 0.7}, random);
    }

    private static Method find(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no method " + name + " in " + type);
    }
}
