package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * A {@code void} static method that fills the object it is given, as GeographicLib writes its
 * error-free sums: {@code GeoMath.sum(p, u, v)} ends {@code p.first = s; p.second = t;}, and
 * {@code Accumulator.AddInternal(p, s, t, y)} calls it twice on its own {@code p} before filling
 * it. Called as a statement on a local built with {@code new}, the object is split into its fields
 * and the call read as {@code p = sum(p, u, v)}, once per field (read/Scopes#voidFills). The shapes
 * that would break it: an early {@code return;}, a field read before it is written (in and out),
 * the object's own fields among the arguments, a loop of calls, a fill inside a branch, a nested
 * fill, a fill in a loop inside the filler. Checked by central differences, pullback, tape,
 * tangent and second order; the refusals are in {@code DiagnosticsValueObjectTest}.
 */
class VoidFillerTest {

    private static final String SUMS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Sums {
                private Sums() {}

                public static final class Pair {
                    public double first;
                    public double second;

                    public Pair() {}
                }

                /** Knuth's two-sum: s = round(u + v), t the error. */
                static void sum(Pair p, double u, double v) {
                    double s = u + v;
                    double up = s - v;
                    double vpp = s - up;
                    up -= u;
                    vpp -= v;
                    double t = s != 0 ? 0.0 - (up + vpp) : s;
                    p.first = s;
                    p.second = t;
                }

                /** Shewchuk's accumulation, as GeographicLib's Accumulator.AddInternal. */
                static void addInternal(Pair p, double s, double t, double y) {
                    double u;
                    sum(p, y, t);
                    y = p.first;
                    u = p.second;
                    sum(p, y, s);
                    s = p.first;
                    t = p.second;
                    if (s == 0) {
                        s = u;
                    } else {
                        t += u;
                    }
                    p.first = s;
                    p.second = t;
                }

                /** Reads what it is given before writing it, returns early on one branch. */
                static void scale(Pair p, double k) {
                    if (k > 1.0) {
                        p.first = p.first * k + p.second;
                        return;
                    }
                    p.second = p.second * Math.exp(k) - p.first;
                    p.first += k * k;
                }

                /** Fills in a loop, leaving the last of its steps. */
                static void powers(Pair p, double x, int n) {
                    p.first = 1.0;
                    p.second = 0.0;
                    for (int k = 0; k < n; k++) {
                        p.second += p.first;
                        p.first *= x;
                    }
                }

                @Differentiable(order = 2)
                public static double accumulate(double a, double b, double c) {
                    Pair p = new Pair();
                    addInternal(p, a, b * 1e-17, c);
                    double s = p.first;
                    double t = p.second;
                    addInternal(p, s, t, a * c);
                    return p.first + 3.0 * p.second;
                }

                @Differentiable(order = 2)
                public static double inAndOut(double a, double b) {
                    Pair p = new Pair();
                    p.first = a * b;
                    p.second = Math.sin(a);
                    scale(p, b);
                    scale(p, a + 1.0);
                    scale(p, p.first * 0.1);
                    return p.first * p.second;
                }

                @Differentiable(order = 2)
                public static double ownFieldsGiven(double a, double b) {
                    Pair p = new Pair();
                    sum(p, a, b);
                    for (int k = 0; k < 3; k++) {
                        sum(p, p.first * a, p.second + b);
                    }
                    return p.first - p.second * b;
                }

                @Differentiable(order = 2)
                public static double inABranch(double a, double b) {
                    Pair p = new Pair();
                    p.first = a;
                    if (a > b) {
                        sum(p, a * a, b);
                    } else {
                        powers(p, a, 4);
                    }
                    return p.first + p.second * b;
                }
            }
            """;

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Sums", SUMS);
    }

    @Test
    void filledObjectsAreSplitAndEachCallReadPerField() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.SumsAdjointImpl"));
        assertFalse(impl.contains("new Sums.Pair(") || impl.contains("new Pair("), "no pair is built:\n" + impl);
        checkEveryMethod(r, "demo.Sums", 20, "accumulate", "inABranch", "inAndOut", "ownFieldsGiven");
    }

    /** The error-free sum's error term carries no derivative: d(first + 3 second)/da is exactly what the sum's is. */
    @Test
    void theErrorTermOfAnErrorFreeSumHasNoDerivative() throws Exception {
        InMemoryCompiler.Result r = compile();
        Class<?> adjoint = r.loader().loadClass("demo.SumsAdjoint");
        Method gradient = adjoint.getMethod("accumulateGradient", double.class, double.class, double.class);
        Object g = gradient.invoke(null, 0.3, 0.7, 0.45);
        // first + 3 second = a + c + a c + 1e-17 b (rounded): d/da = 1 + c, d/dc = 1 + a
        assertEquals(1.45, g.getClass().getField("a").getDouble(g), 1e-12);
        assertEquals(1.3, g.getClass().getField("c").getDouble(g), 1e-12);
    }

    /** Both branches of inABranch, and both of scale's (k above 1 returns early). */
    @Test
    void eachBranch() throws Exception {
        InMemoryCompiler.Result r = compile();
        Class<?> sums = r.loader().loadClass("demo.Sums");
        GradientHarness harness = new GradientHarness(sums);
        java.util.Random random = new java.util.Random(93);
        Method branch = sums.getMethod("inABranch", double.class, double.class);
        Method scaled = sums.getMethod("inAndOut", double.class, double.class);
        for (double[] at : new double[][] {{0.7, 0.2}, {0.2, 0.7}, {-0.4, 0.3}, {1.3, 1.1}}) {
            harness.checkAt(branch, new Object[] {at[0], at[1]}, random);
            harness.checkAt(scaled, new Object[] {at[0], at[1]}, random);
        }
    }
}
