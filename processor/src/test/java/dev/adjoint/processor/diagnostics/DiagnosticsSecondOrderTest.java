package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.generated;

import com.google.testing.compile.Compilation;
import java.lang.reflect.Method;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Second-order members ({@code fPullbackTangent}, {@code fHvp}, {@code fHessian}) are generated
 * where forward over reverse applies; where it does not, the build still succeeds (first order is
 * unaffected) and a note tagged {@code AdjointNoSecondOrder} says why, at the cause.
 */
class DiagnosticsSecondOrderTest {

    private static JavaFileObject functions(String... members) {
        return Sources.functionsWithDerivatives(members);
    }

    private static final String[] SOFT = {
        "    static double soft(double x) {",
        "        return Math.log1p(Math.exp(x));",
        "    }",
    };

    /** soft with a derivative given by hand, {@code @Differentiable} itself when {@code differentiable}. */
    private static String[] softWithDerivative(boolean differentiable) {
        return with(SOFT,
                differentiable ? "    @Differentiable" : "",
                "    @DerivativeOf(method = \"soft\")",
                "    static double softDerivative(double x) {",
                "        return 1 / (1 + Math.exp(-x));",
                "    }");
    }

    private static String[] with(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String adjoint(Compilation c) {
        return generated(c, Sources.FUNCTIONS_ADJOINT).orElseThrow();
    }

    @Test
    void customDerivativeThatIsNotDifferentiableGetsANoteAtTheCall() {
        JavaFileObject file = functions(with(softWithDerivative(false),
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return soft(x * y) + y;",
                "    }"));
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[AdjointNoSecondOrder] no second-order members for f").inFile(file)
                .onLineContaining("return soft(x * y)");
        assertThat(c).hadNoteContaining("Functions.softDerivative, is not @Differentiable; annotate it @Differentiable")
                .inFile(file).onLineContaining("return soft(x * y)");
        assertThat(adjoint(c)).contains(" fTangent(double x, double y, double dX, double dY)");
        assertThat(adjoint(c)).doesNotContain(" fHessian(");
        assertThat(adjoint(c)).doesNotContain(" fHvp(");
    }

    @Test
    void customDerivativeThatIsDifferentiableGivesAnExactHessian() throws Exception {
        JavaFileObject file = functions(with(softWithDerivative(true),
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return soft(x * y) + y;",
                "    }"));
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        Method hessian = Sources.classLoader(c).loadClass(Sources.FUNCTIONS_ADJOINT)
                .getMethod("fHessian", double.class, double.class);
        double x = 0.3;
        double y = -0.7;
        double[][] h = (double[][]) hessian.invoke(null, x, y);
        // f = soft(xy) + y, soft' = σ, soft'' = σ(1 - σ): f_xx = y²σ', f_xy = σ + xyσ', f_yy = x²σ'
        double s = 1 / (1 + Math.exp(-x * y));
        double ds = s * (1 - s);
        assertThat(h[0][0]).isWithin(1e-14).of(y * y * ds);
        assertThat(h[0][1]).isWithin(1e-14).of(s + x * y * ds);
        assertThat(h[1][0]).isWithin(1e-14).of(s + x * y * ds);
        assertThat(h[1][1]).isWithin(1e-14).of(x * x * ds);
    }

    @Test
    void methodWritingItsArrayParameterGetsANoteAtTheMethod() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double scaleInPlace(double[] w, double x) {",
                "        w[0] = w[0] * x;",
                "        return w[0] * w[1];",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[AdjointNoSecondOrder] no second-order members for scaleInPlace: it writes "
                + "to its array parameter w; write into a local array instead").inFile(file)
                .onLineContaining("static double scaleInPlace");
        assertThat(adjoint(c)).contains(" scaleInPlaceTangent(");
        assertThat(adjoint(c)).doesNotContain(" scaleInPlaceHvp(");
    }

    @Test
    void callerOfAMethodWithoutSecondOrderGetsANoteAtTheCall() {
        JavaFileObject file = functions(with(softWithDerivative(false),
                "    @Differentiable",
                "    static double inner(double x) {",
                "        return soft(x);",
                "    }",
                "    @Differentiable",
                "    static double outer(double x) {",
                "        return inner(x * x) * x;",
                "    }"));
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("[AdjointNoSecondOrder] no second-order members for outer: it calls inner, "
                + "which has none").inFile(file).onLineContaining("return inner(x * x)");
        assertThat(adjoint(c)).contains(" outerTangent(");
        assertThat(adjoint(c)).doesNotContain(" outerHessian(");
    }
}
