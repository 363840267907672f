package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Shapes tried against the code around equality tests (see {@code normalize.Shortcuts}) beyond
 * what the campaign generates: unassigned and final locals, aliased arrays, deep nesting, switch,
 * labelled jumps, side effects in the test, helpers, special values. Each checked where its
 * equality tests hold: accepted, compiled, the gradient against central differences, the tape, and
 * the pullback's value bit for bit ({@link SourceCheck#check}). The bugs found are at the end.
 */
class ShortcutAdversaryTest {

    private static final String HEADER = "package difftest;\n\nimport dev.adjoint.Differentiable;\n\n";

    private static InMemoryCompiler.Result compile(String source) {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile("difftest.Batch", HEADER + source, false);
        assertTrue(result.success(), result.diagnosticsText());
        return result;
    }

    private static double gradient(InMemoryCompiler.Result result, String method, String field, Object... args)
            throws Exception {
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        Method m = Arrays.stream(adjoint.getMethods()).filter(c -> c.getName().equals(method + "Gradient")).findFirst()
                .orElseThrow();
        Object g = m.invoke(null, args);
        return g.getClass().getField(field).getDouble(g);
    }

    // ---------------------------------------------------------------- hangs

    /**
     * A shortcut before a loop that only it keeps finite: at x = 0 the series' relative test
     * {@code |term| >= eps |sum|} is {@code 0 >= 0} for ever, which the method never reaches
     * ({@code if (x == 0.0) return 0.0;}). The code around ran that loop for ever, and with it every
     * derivative call at 0. Now the code around gives up after {@code Shortcuts.STEPS} iterations
     * (as if it threw) and the branch's derivative stays: 0 here, where e^x - 1 has 1.
     */
    @Test
    void aLoopTheShortcutKeptFromRunningForEverDoesNotHang() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double series(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        double term = x;
                        double sum = x;
                        double k = 1;
                        do {
                            k++;
                            term *= x / k;
                            sum += term;
                        } while (Math.abs(term) >= 1e-17 * Math.abs(sum));
                        return sum;
                    }
                }
                """);
        double g = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> gradient(result, "series", "x", 0.0));
        assertEquals(0.0, g, 0.0);
        assertEquals(Math.exp(0.5), gradient(result, "series", "x", 0.5), 1e-15);
    }
}
