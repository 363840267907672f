package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Methods returning {@code double[]}: what they must look like (one final return of a local array
 * they create), calls of them inside differentiated code (not yet), and no second order.
 */
class DiagnosticsVectorOutputTest {

    @Test
    void returningAParameterArrayIsRefusedAtTheReturn() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double[] scale(double[] w, double x) {",
                "        for (int i = 0; i < w.length; i++) {",
                "            w[i] = w[i] * x;",
                "        }",
                "        return w;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "return w;", "[AdjointNotYetSupported] scale returns double[]: every return must give "
                + "the one local array it creates with new double[n] at its top level",
                "copy the values into one");
        assertNoCrash(c);
        assertNotGenerated(c, "scale");
    }

    /** Two arrays returned (an early return of a new one): refused at the first. The same array returned early is accepted. */
    @Test
    void twoReturnedArraysAreRefusedAtTheFirst() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double[] pair(double x) {",
                "        double[] out = new double[2];",
                "        if (x > 0) {",
                "            return new double[] {x, x};",
                "        }",
                "        out[0] = x;",
                "        return out;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "            return new double[] {x, x};", "[AdjointNotYetSupported] pair returns double[]");
        assertNoCrash(c);
    }

    @Test
    void aVectorValuedMethodCalledInDifferentiatedCodeIsInlined() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double[] pair(double x) {",
                "        double[] out = new double[2];",
                "        out[0] = x * x;",
                "        out[1] = Math.sin(x);",
                "        return out;",
                "    }",
                "    @Differentiable",
                "    static double first(double x) {",
                "        double[] p = pair(x);",
                "        return p[0] * pair(2 * x)[1];",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        double x = 0.4;
        assertThat(Sources.gradient(c, "first", "x", x)).isWithin(1e-12)
                .of(2 * x * Math.sin(2 * x) + x * x * 2 * Math.cos(2 * x));
    }

    @Test
    void aVectorValuedMethodGetsAJacobianAndNoSecondOrder() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double[] pair(double x, double y) {",
                "        double[] out = new double[2];",
                "        out[0] = x * y;",
                "        out[1] = Math.sin(x);",
                "        return out;",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c.notes().stream().filter(n -> n.getMessage(null).contains("Adjoint"))).isEmpty();
        String adjoint = Sources.generated(c, Sources.FUNCTIONS_ADJOINT).orElseThrow();
        assertThat(adjoint).contains("public static double[][] pairJacobian(double x, double y)");
        assertThat(adjoint).contains("public static double[] pairPullback(double x, double y, double[] seed, PairGradient into)");
        assertThat(adjoint).contains("public static double[] pairTangent(double x, double y, double dX, double dY)");
        assertThat(adjoint).doesNotContain(" pairGradient(");
        assertThat(adjoint).doesNotContain(" pairHessian(");
    }

    @Test
    void secondOrderOfAVectorValuedMethodIsAnError() {
        JavaFileObject file = functions(
                "    @Differentiable(order = 2)",
                "    static double[] pair(double x, double y) {",
                "        double[] out = new double[2];",
                "        out[0] = x * y;",
                "        return out;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double[] pair(",
                "[AdjointNoSecondOrder] no second-order members for pair: it returns double[]");
    }
}
