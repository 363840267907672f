package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertGradientMatchesFiniteDifferences;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Differentiable(checkpoints = s)}: a request Adjoint cannot honour is an error at its
 * cause: a negative count at the annotation, a method without a loop (or without one that carries a
 * derivative) at the method, and a loop whose state a snapshot cannot hold at what changes it.
 * Without the request the same loops compile as before.
 */
class DiagnosticsCheckpointTest {

    @Test
    void negativeCount() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = -4)",
                "    static double f(double x, int n) {",
                "        for (int i = 0; i < n; i++) { x = Math.sin(x); }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "checkpoints = -4",
                "[AdjointCheckpoint] @Differentiable(checkpoints = -4) on f: the number of snapshots must be positive",
                "(0, the default, records every iteration of a loop instead)");
        assertNotGenerated(c, "f");
    }

    @Test
    void methodWithoutALoop() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double square(double x) {",
                "        return x * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double square(",
                "[AdjointCheckpoint] @Differentiable(checkpoints = 10) on square: it has no loop to checkpoint; "
                        + "checkpoints bound the memory of long loops, so remove it here");
    }

    @Test
    void loopsThatCarryNoDerivative() {
        JavaFileObject file = functions(
                "    @Differentiable(wrt = \"x\", checkpoints = 10)",
                "    static double scaled(double x, double[] data) {",
                "        double s = 0;",
                "        for (int i = 0; i < data.length; i++) { s += data[i]; }",
                "        return x * s;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double scaled(",
                "[AdjointCheckpoint] @Differentiable(checkpoints = 10) on scaled: none of its loops carries a "
                        + "derivative, so none records anything for the reverse sweep; remove checkpoints here");
    }

    @Test
    void aRandomGeneratorInTheLoop() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double path(double x, double sigma, int n) {",
                "        java.util.Random rng = new java.util.Random(42);",
                "        for (int i = 0; i < n; i++) {",
                "            x += sigma * Math.sin(x) * rng.nextGaussian();",
                "        }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "rng.nextGaussian()",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < n; i++) of path: it calls "
                        + "Random.nextGaussian(), which may change state a snapshot does not hold (a random generator, "
                        + "a counter, output): running the iteration again would call it again; compute its values "
                        + "before the loop (into a double[]), or remove checkpoints");
    }

    @Test
    void withoutTheRequestTheSameLoopIsRecorded() throws Exception {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double path(double x, double sigma, int n) {",
                "        java.util.Random rng = new java.util.Random(42);",
                "        for (int i = 0; i < n; i++) {",
                "            x += sigma * Math.sin(x) * rng.nextGaussian();",
                "        }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "path");
    }

    @Test
    void mathRandomInAHelper() {
        JavaFileObject file = functions(
                "    private static double jitter(double x) {",
                "        return x + 1e-3 * Math.random();",
                "    }",
                "    @Differentiable(checkpoints = 3)",
                "    static double f(double x) {",
                "        for (int i = 0; i < 100; i++) { x = Math.sin(jitter(x)); }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "return x + 1e-3 * Math.random();",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < 100; i++) of f: it calls "
                        + "Math.random(), which may change state");
    }

    @Test
    void anObjectInTheState() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double f(double x, int n) {",
                "        String trace = \"\";",
                "        for (int i = 0; i < n; i++) {",
                "            x = Math.sin(x) + 0.5 * x;",
                "            trace = trace + i;",
                "        }",
                "        return x + trace.length();",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "trace = trace + i;",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < n; i++) of f: it changes trace, "
                        + "a String, which a snapshot cannot copy (snapshots hold double, float, long, int and boolean "
                        + "variables and the elements of double[] arrays); compute it outside the loop, or remove "
                        + "checkpoints");
    }

    @Test
    void anIntArrayInTheState() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double f(double x, int n) {",
                "        int[] visits = new int[4];",
                "        for (int i = 0; i < n; i++) {",
                "            x = Math.sin(x) + 0.5 * x;",
                "            visits[i % 4]++;",
                "        }",
                "        return x * visits[0];",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "visits[i % 4]++;",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < n; i++) of f: it writes elements "
                        + "of visits, an int[], and snapshots copy the elements of double[] arrays only; keep the "
                        + "values in a double[], or remove checkpoints");
    }

    @Test
    void aNewArrayForAVariableOfTheState() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double f(double x, int n) {",
                "        double[] weights = {1, 2};",
                "        for (int i = 0; i < n; i++) {",
                "            x = Math.sin(x) * weights[0] + 0.5 * x;",
                "            weights = new double[] {weights[1], weights[0]};",
                "        }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "weights = new double[] {weights[1], weights[0]};",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < n; i++) of f: it gives weights a "
                        + "new array, and a snapshot copies an array's elements, not which array a variable names; "
                        + "write into weights's elements instead");
    }

    @Test
    void aRowOfAMatrixWrittenInTheLoop() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double f(double x, double[][] log) {",
                "        for (int i = 0; i < log.length; i++) {",
                "            x = Math.sin(x) + 0.5 * x;",
                "            double[] row = log[i];",
                "            row[0] = i;",
                "        }",
                "        return x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "row[0] = i;",
                "[AdjointCheckpoint] cannot checkpoint the loop for (int i = 0; i < log.length; i++) of f: it writes "
                        + "into the array row names, which it takes from log[i] in the loop, and a snapshot copies "
                        + "only double[] variables declared before the loop");
    }

    /** Only loops that carry a derivative are checked: a data loop may do what it likes. */
    @Test
    void aLoopWithoutDerivativeIsNotChecked() throws Exception {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 4)",
                "    static double f(double x, int n) {",
                "        StringBuilder log = new StringBuilder();",
                "        for (int i = 0; i < 3; i++) { log.append(i); }",
                "        for (int i = 0; i < n; i++) { x = Math.sin(x) + 0.5 * x; }",
                "        return x + log.length();",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeededWithoutWarnings();
        assertGradientMatchesFiniteDifferences(c, "f", 0.4, 57);
    }
}
