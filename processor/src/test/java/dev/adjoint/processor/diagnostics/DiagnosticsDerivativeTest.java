package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.gradient;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * User-supplied derivatives ({@code @DerivativeOf}): each signature mismatch is an error at the
 * declaration; a call needing a derivative nobody gave is an error at the call.
 */
class DiagnosticsDerivativeTest {

    private static JavaFileObject functions(String... members) {
        return Sources.functionsWithDerivatives(members);
    }

    private static final String[] TARGET = {
        "    static double soft(double x, double y) {",
        "        return Math.log1p(Math.exp(x)) * y;",
        "    }",
    };

    private static JavaFileObject with(String... members) {
        String[] all = new String[TARGET.length + members.length];
        System.arraycopy(TARGET, 0, all, 0, TARGET.length);
        System.arraycopy(members, 0, all, TARGET.length, members.length);
        return functions(all);
    }

    /** Exactly one error, on the line containing {@code line}, with {@code message}; no crash. */
    private static void assertRejected(String line, String message, String... members) {
        JavaFileObject file = with(members);
        Compilation c = compile(file);
        assertOnlyError(c, file, line, message);
    }

    @Test
    void derivativesAreUsed() throws Exception {
        Compilation c = compile(with(
                "    @DerivativeOf(method = \"soft\")",
                "    static double softX(double x, double y) {",
                "        return y / (1 + Math.exp(-x));",
                "    }",
                "    @DerivativeOf(type = Functions.class, method = \"soft\", wrt = 1)",
                "    static double softY(double x, double y) {",
                "        return Math.log1p(Math.exp(x));",
                "    }",
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return soft(x * 2, y);",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        double x = 0.3;
        double y = 1.5;
        assertThat(gradient(c, "f", "x", x, y)).isWithin(1e-15).of(2 * y / (1 + Math.exp(-2 * x)));
        assertThat(gradient(c, "f", "y", x, y)).isWithin(1e-15).of(Math.log1p(Math.exp(2 * x)));
    }

    @Test
    void missingDerivativeForAParameterTheGradientFlowsThrough() {
        assertRejected("return soft(x, y * y);",
                "[AdjointUnsupportedCall] cannot differentiate through Functions.soft(double, double) with respect "
                        + "to its parameter 1: its @DerivativeOf methods give no derivative for it; add one with "
                        + "@DerivativeOf(..., wrt = 1)",
                "    @DerivativeOf(method = \"soft\")",
                "    static double softX(double x, double y) {",
                "        return y / (1 + Math.exp(-x));",
                "    }",
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return soft(x, y * y);",
                "    }");
    }

    @Test
    void parameterTypesMustMatchTheTarget() {
        assertRejected("static double softX(double x) {",
                "[AdjointDerivativeSignature] @DerivativeOf names Functions.soft(double), which does not exist: its "
                        + "methods named soft take (double, double); a derivative takes exactly its target's parameters",
                "    @DerivativeOf(method = \"soft\")",
                "    static double softX(double x) {",
                "        return 1 / (1 + Math.exp(-x));",
                "    }");
    }

    @Test
    void targetMustExist() {
        assertRejected("static double erfPrime(double x) {",
                "[AdjointDerivativeSignature] @DerivativeOf names Math.erf(double), which does not exist: it has no "
                        + "method named erf",
                "    @DerivativeOf(type = Math.class, method = \"erf\")",
                "    static double erfPrime(double x) {",
                "        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);",
                "    }");
    }

    @Test
    void derivativeMustReturnDouble() {
        assertRejected("static float softX(double x, double y) {",
                "[AdjointDerivativeSignature] @DerivativeOf method softX must be static, not private, and return "
                        + "double (the partial derivative of Functions.soft(double, double))",
                "    @DerivativeOf(method = \"soft\")",
                "    static float softX(double x, double y) {",
                "        return 0f;",
                "    }");
    }

    @Test
    void wrtMustNameADoubleParameter() {
        assertRejected("static double softZ(double x, double y) {",
                "[AdjointDerivativeSignature] @DerivativeOf(wrt = 2) must name a double parameter of "
                        + "Functions.soft(double, double) by its index (0 for the first)",
                "    @DerivativeOf(method = \"soft\", wrt = 2)",
                "    static double softZ(double x, double y) {",
                "        return 0;",
                "    }");
    }

    @Test
    void twoDerivativesForOneParameter() {
        assertRejected("static double softXAgain(double x, double y) {",
                "[AdjointDerivativeSignature] two derivatives of Functions.soft(double, double) with respect to "
                        + "parameter 0: softX and softXAgain; keep one",
                "    @DerivativeOf(method = \"soft\")",
                "    static double softX(double x, double y) {",
                "        return y / (1 + Math.exp(-x));",
                "    }",
                "    @DerivativeOf(method = \"soft\", wrt = 0)",
                "    static double softXAgain(double x, double y) {",
                "        return y / (1 + Math.exp(-x));",
                "    }");
    }
}
