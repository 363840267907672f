package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Helpers whose members the adjoint class reaches through bridges, judged from the site's package.
 * Each is compiled with the processor and checked at 20 random points as
 * {@link NumericGradientTest} checks the fixtures: the gradient against central differences, the
 * pullback, the tape, the tangent, second order.
 */
class ForeignHelperTest {

    private static final int POINTS = 20;

    /** A private table of a private nested class: the bridge looks the class up by its name, which it cannot write. */
    @Test
    void privateNestedClassReachedByName() throws Exception {
        InMemoryCompiler.Result r = compile("demo.Horner", """
                package demo;

                import dev.adjoint.Differentiable;

                public final class Horner {
                    private static final class Table {
                        private static final double[] C = {0.5, -1.5, 2.0};
                    }

                    private Horner() {}

                    private static double polynomial(double x) {
                        double s = 0;
                        for (int i = 0; i < Table.C.length; i++) {
                            s = s * x + Table.C[i];
                        }
                        return s;
                    }

                    @Differentiable(order = 2)
                    public static double weighted(double x, double w) {
                        return polynomial(x) * w;
                    }
                }
                """);
        assertTrue(r.generated("demo.HornerAdjointImpl").contains("Hidden.type(MethodHandles.lookup(), \"demo.Horner$Table\")"),
                r.generated("demo.HornerAdjointImpl"));
        checkEveryMethod(r, "demo.Horner", "weighted");
    }

    /** Compiles the sources (qualified name, text, ...) with the processor; they must compile without a diagnostic. */
    private static InMemoryCompiler.Result compile(String mainName, String main, String... companions) {
        Map<String, String> others = new LinkedHashMap<>();
        for (int i = 0; i < companions.length; i += 2) {
            others.put(companions[i], companions[i + 1]);
        }
        InMemoryCompiler.Result r = new InMemoryCompiler().compile(mainName, main, others);
        assertTrue(r.success() && r.diagnostics().isEmpty(), r.diagnosticsText() + r.generatedSources());
        return r;
    }

    /** Every check of {@link NumericGradientTest} at 20 random points, for each named method of {@code className}. */
    private static void checkEveryMethod(InMemoryCompiler.Result r, String className, String... names) throws Exception {
        GradientHarness harness = new GradientHarness(r.loader().loadClass(className));
        List<Method> methods = harness.differentiableMethods();
        assertEquals(List.of(names), methods.stream().map(Method::getName).toList());
        for (Method m : methods) {
            Random random = new Random(m.getName().hashCode());
            for (int i = 0; i < POINTS; i++) {
                Object[] args = GradientHarness.arguments(m, random);
                harness.checkAgainstFiniteDifferences(m, args);
                harness.checkPullback(m, args);
                harness.checkTensorOverload(m, args);
                Object[] v = harness.direction(m, args, random);
                harness.checkTangent(m, args, v);
                assertTrue(harness.hasSecondOrder(m), m.getName() + " has second order");
                harness.checkSecondOrder(m, args, v);
            }
        }
    }
}
