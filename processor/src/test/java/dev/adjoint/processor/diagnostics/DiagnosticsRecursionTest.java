package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/**
 * What stays refused of the helpers of a class that call themselves. One that is static, returns
 * {@code double} and writes no array is differentiated as a method of its own (see
 * {@code fixtures/Recursion}); any other is refused at its recursive call, once, and the method
 * that reaches it gets nothing generated.
 */
class DiagnosticsRecursionTest {

    static final String WHY = ": Adjoint inlines helpers, and a recursive one has no end; it differentiates a "
            + "recursion as a method of its own (whose pullback calls itself) when the method is static, returns "
            + "double and writes no array, of the calling class or of a top-level class compiled with it that is "
            + "public or of its package, and calls one that takes integers alone as written: make it such a method, "
            + "annotate it @Differentiable, or write the recursion as a loop";

    @Test
    void recursiveHelperWritingItsArrayIsRefusedAtItsRecursiveCall() {
        Compilation c = compile(functions(
                "    static double doubled(double[] w, int i) {",
                "        if (i == w.length) {",
                "            return 0;",
                "        }",
                "        w[i] *= 2;",
                "        return w[i] + doubled(w, i + 1);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double[] w, double x) {",
                "        return doubled(w, 0) + x;",
                "    }"));
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of "
                + "Functions.doubled(double[], int)" + WHY).inFile(c.sourceFiles().get(0)).onLine(11);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /**
     * A recursion that returns an integer but takes a {@code double}: called as written, the
     * derivative of its argument would be dropped without a word, so it stays refused; the same
     * recursion over integers alone is called as written (fixtures/Recursion's factorial).
     */
    @Test
    void recursiveHelperTakingADoubleAndReturningAnIntIsRefused() {
        Compilation c = compile(functions(
                "    private static int halvings(double x) {",
                "        return x < 1 ? 0 : 1 + halvings(x / 2);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * halvings(x * x);",
                "    }"));
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of "
                + "Functions.halvings(double)" + WHY).inFile(c.sourceFiles().get(0)).onLine(7);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void recursiveInstanceHelperIsRefusedAtItsRecursiveCall() {
        Compilation c = compile(functions(
                "    double rate = 0.5;",
                "",
                "    double decay(double x, int n) {",
                "        return n == 0 ? x : rate * decay(x, n - 1);",
                "    }",
                "",
                "    @Differentiable",
                "    double f(double x) {",
                "        return decay(x * x, 3);",
                "    }"));
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of "
                + "Functions.decay(double, int)" + WHY).inFile(c.sourceFiles().get(0)).onLine(9);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /**
     * A recursive helper planned as a method of its own whose body holds what Adjoint refuses: the
     * error is at the construct, said once (the helper is read inlined and as its own method), and
     * the caller is told why it is refused.
     */
    @Test
    void refusedConstructInARecursiveHelperIsReportedOnceAndTheCallerIsRefused() {
        Compilation c = compile(functions(
                "    static double collected(double x, int n) {",
                "        java.util.List<Double> seen = new java.util.ArrayList<>();",
                "        seen.add(x);",
                "        return n == 0 ? x : collected(x * x, n - 1) + seen.size();",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return collected(x, 2);",
                "    }"));
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through List.add(E)")
                .inFile(c.sourceFiles().get(0)).onLine(8);
        assertThat(c).hadErrorContaining("[AdjointRefusedCallee] cannot differentiate f: it calls collected, which "
                + "Adjoint refused (see the error reported for collected); fix that one first")
                .inFile(c.sourceFiles().get(0)).onLine(14);
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /**
     * A @Differentiable instance method calling itself on this is differentiated as a method of its
     * own (numeric.InstanceRecursionTest) when it reads no double field of this object: the fields'
     * derivatives would have to pass through the call, which takes the object as data. Reading one,
     * before or after the call, it is refused at the call, with the way out.
     */
    @Test
    void instanceRecursionReadingAFieldIsRefusedAtTheCall() {
        javax.tools.JavaFileObject file = Sources.source("demo.Scaled", "public class Scaled {",
                "    private final double scale;",
                "    public Scaled(double scale) {",
                "        this.scale = scale;",
                "    }",
                "    @Differentiable",
                "    public double before(double x) {",
                "        if (x < 1.0) {",
                "            return before(x + 1.0) / x;",
                "        }",
                "        return scale * x;",
                "    }",
                "    @Differentiable",
                "    public double after(double x) {",
                "        double s = scale;",
                "        if (x < 1.0) {",
                "            return after(x + 1.0) / x;",
                "        }",
                "        return s * x;",
                "    }");
        Compilation c = compile(file);
        String message = "[AdjointNotYetSupported] cannot differentiate %s calling itself on this: it reads fields of "
                + "this object, and the derivatives of their values would have to pass through the call; not supported "
                + "yet: move the recursion into a static method that takes those values as parameters";
        assertThat(c).hadErrorContaining(String.format(message, "Scaled.before(double)")).inFile(file).onLine(13);
        assertThat(c).hadErrorContaining(String.format(message, "Scaled.after(double)")).inFile(file).onLine(21);
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }
}
