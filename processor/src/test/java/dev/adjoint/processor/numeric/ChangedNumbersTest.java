package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * An integer read from a field or an array element as a factor of a differentiated value, then
 * changed by a call before the method returns: the reverse sweep's partial derivative must use the
 * value the forward sweep read, not the changed one (it read the field again: 18 where the
 * derivative is 12). Doubles were kept already; these are int and long fields of an object, a
 * static field and an int[] element, each changed by a method.
 */
class ChangedNumbersTest {

    private static final String COUNTERS = """
            package demo;

            public final class Counters {
                public int n = 2;
                public long big = 2;
                public int[] counts = {2};
                public static int level = 2;

                public void tick() {
                    n++;
                    big++;
                    counts[0]++;
                }

                public static void bump() {
                    level++;
                }
            }
            """;

    private static final String USES = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Uses {
                private Uses() {}

                @Differentiable
                public static double field(double x, Counters c) {
                    double a = x * c.n;
                    c.tick();
                    return a * a;
                }

                @Differentiable
                public static double longField(double x, Counters c) {
                    double a = Math.sin(x) * c.big;
                    c.tick();
                    return a * a;
                }

                @Differentiable
                public static double element(double x, Counters c) {
                    double a = x * c.counts[0];
                    c.tick();
                    return a * a;
                }

                @Differentiable
                public static double staticField(double x) {
                    double a = x * Counters.level;
                    Counters.bump();
                    return a * a;
                }
            }
            """;

    @Test
    void theReverseSweepReadsTheIntegersTheForwardSweepRead() throws Exception {
        ClassLoader loader = compileClean("demo.Uses", USES, "demo.Counters", COUNTERS).loader();
        Class<?> counters = loader.loadClass("demo.Counters");
        Class<?> adjoint = loader.loadClass("demo.UsesAdjoint");
        double x = 1.5;
        // each is (2·g(x))²: d/dx = 8·g·g'
        assertEquals(8 * x, gradient(adjoint, "field", x, counters.getConstructor().newInstance()), 1e-12);
        assertEquals(8 * Math.sin(x) * Math.cos(x), gradient(adjoint, "longField", x,
                counters.getConstructor().newInstance()), 1e-12);
        assertEquals(8 * x, gradient(adjoint, "element", x, counters.getConstructor().newInstance()), 1e-12);
        counters.getField("level").setInt(null, 2);
        Object g = adjoint.getMethod("staticFieldGradient", double.class).invoke(null, x);
        assertEquals(8 * x, g.getClass().getField("x").getDouble(g), 1e-12);
        assertEquals(3, counters.getField("level").getInt(null), "the call ran once");
    }

    private static double gradient(Class<?> adjoint, String name, double x, Object c) throws Exception {
        Method m = adjoint.getMethod(name + "Gradient", double.class, c.getClass());
        Object g = m.invoke(null, x, c);
        return g.getClass().getField("x").getDouble(g);
    }
}
