package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Code that changes state (a random generator's draw) in a derivative that would run it more than
 * once: a caller's reverse sweep runs a {@code @Differentiable} callee's pullback after its forward
 * sweep ran the callee, a Hessian runs the method once per direction, so each run draws anew and
 * the derivative is taken at other draws (a price linear in s0 had ∂/∂s0 0.84 where it is 1.13).
 * Refused at the call; the method alone, differentiated once, is accepted.
 */
class DiagnosticsStateChangesTest {

    @Test
    void aDifferentiableCalleeThatDrawsIsRefusedAtTheCall() {
        JavaFileObject f = functions(
                "    @Differentiable",
                "    static double path(double s0, java.util.Random rnd) {",
                "        return s0 * Math.exp(0.2 * rnd.nextGaussian());",
                "    }",
                "",
                "    @Differentiable",
                "    static double price(double s0, java.util.Random rnd) {",
                "        return 0.5 * (path(s0, rnd) + path(s0, rnd));",
                "    }");
        Compilation c = compile(f);
        assertError(c, f, "return 0.5 * (path(s0, rnd) + path(s0, rnd));",
                "[AdjointUnsupportedCall] cannot differentiate price through its call of path: path calls "
                        + "Random.nextGaussian(), which draws from a random generator, and the "
                        + "reverse sweep runs a @Differentiable method it calls again, at other values; remove "
                        + "@Differentiable from path so that Adjoint reads it into price");
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    @Test
    void secondOrderOfAMethodThatDrawsIsRefusedAtTheDraw() {
        JavaFileObject f = functions(
                "    @Differentiable(order = 2)",
                "    static double f(double x, double y, java.util.Random rnd) {",
                "        double z = rnd.nextGaussian();",
                "        return x * x * y * z;",
                "    }");
        Compilation c = compile(f);
        assertError(c, f, "double z = rnd.nextGaussian();",
                "[AdjointNoSecondOrder] cannot differentiate f to second order: it calls Random.nextGaussian(), which "
                        + "draws from a random generator, and its Hessian runs it once per direction");
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    @Test
    void aCalleeThatOnlyBuildsAThrownMessageOrDrawsNothingIsCalled() {
        JavaFileObject f = functions(
                "    @Differentiable",
                "    static double checked(double s) {",
                "        if (s <= 0) {",
                "            throw new IllegalArgumentException(String.format(\"s = %f\", s));",
                "        }",
                "        return Math.log(s);",
                "    }",
                "",
                "    @Differentiable(order = 2)",
                "    static double f(double x, java.util.Random rnd) {",
                "        return checked(x) * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double once(double x, java.util.Random rnd) {",
                "        return x * rnd.nextGaussian();",
                "    }");
        assertThat(compile(f)).succeededWithoutWarnings();
    }
}
