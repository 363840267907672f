package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.generated;

import com.google.testing.compile.Compilation;
import java.lang.reflect.Method;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Second-order members ({@code fPullbackTangent}, {@code fHvp}, {@code fHessian}) are generated
 * for {@code @Differentiable(order = 2)} methods and the methods they call; not for the default
 * {@code order = 1}. Where an {@code order = 2} method cannot have them, the build fails with an
 * error tagged {@code AdjointNoSecondOrder} at the cause, saying why.
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

    /** The implementation class: where the second order of a callee without order = 2 is. */
    private static String implementation(Compilation c) {
        return generated(c, Sources.FUNCTIONS_IMPL).orElseThrow();
    }

    @Test
    void theDefaultOrderOneGetsTangentsButNoSecondOrderMembers() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return Math.sin(x * y) + y;",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        assertThat(c.notes().stream().filter(n -> n.getMessage(null).contains("Adjoint"))).isEmpty();
        assertThat(adjoint(c)).contains(" fTangent(double x, double y, double dX, double dY)");
        assertThat(adjoint(c)).doesNotContain(" fPullbackTangent(");
        assertThat(adjoint(c)).doesNotContain(" fHvp(");
        assertThat(adjoint(c)).doesNotContain(" fHessian(");
    }

    @Test
    void anOrderOtherThanOneOrTwoIsAnErrorAtTheValue() {
        JavaFileObject file = functions(
                "    @Differentiable(order = 3)",
                "    static double f(double x) {",
                "        return x * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "@Differentiable(order = 3)", "[AdjointOrder] @Differentiable(order = 3) on f: Adjoint "
                + "generates first (order = 1, the default) and second (order = 2) derivatives; use one of those");
    }

    @Test
    void theMethodsAnOrderTwoMethodCallsGetSecondOrderToo() throws Exception {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double inner(double x) {",
                "        return Math.sin(x);",
                "    }",
                "    @Differentiable",
                "    static double unrelated(double x) {",
                "        return Math.cos(x);",
                "    }",
                "    @Differentiable(order = 2)",
                "    static double outer(double x) {",
                "        return inner(x) * x;",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        // the callee's second order is generated, but stays in the implementation: it did not ask for order 2
        assertThat(implementation(c)).contains(" innerPullbackTangent(");
        assertThat(adjoint(c)).doesNotContain(" innerPullbackTangent(");
        assertThat(adjoint(c)).contains(" outerHessian(");
        assertThat(implementation(c)).doesNotContain(" unrelatedPullbackTangent(");
        Method hessian = Sources.classLoader(c).loadClass(Sources.FUNCTIONS_ADJOINT).getMethod("outerHessian", double.class);
        double x = 0.8;
        // outer = x·sin x: outer'' = 2 cos x - x sin x
        assertThat(((double[][]) hessian.invoke(null, x))[0][0]).isWithin(1e-14).of(2 * Math.cos(x) - x * Math.sin(x));
    }

    @Test
    void customDerivativeThatIsNotDifferentiableIsAnErrorAtTheCall() {
        JavaFileObject file = functions(with(softWithDerivative(false),
                "    @Differentiable(order = 2)",
                "    static double f(double x, double y) {",
                "        return soft(x * y) + y;",
                "    }"));
        Compilation c = compile(file);
        assertOnlyError(c, file, "return soft(x * y)", "[AdjointNoSecondOrder] no second-order members for f: the derivative "
                + "it uses here, Functions.softDerivative, is not @Differentiable; annotate it @Differentiable");
    }

    @Test
    void customDerivativeThatIsDifferentiableGivesAnExactHessian() throws Exception {
        JavaFileObject file = functions(with(softWithDerivative(true),
                "    @Differentiable(order = 2)",
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
    void methodWritingItsArrayParameterIsAnErrorAtTheMethod() {
        JavaFileObject file = functions(
                "    @Differentiable(order = 2)",
                "    static double scaleInPlace(double[] w, double x) {",
                "        w[0] = w[0] * x;",
                "        return w[0] * w[1];",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double scaleInPlace", "[AdjointNoSecondOrder] no second-order members for "
                + "scaleInPlace: it writes to its array parameter w; write into a local array instead");
    }

    @Test
    void aCalleeWithoutSecondOrderIsAnErrorAtItsCauseAndAtTheCall() {
        JavaFileObject file = functions(with(softWithDerivative(false),
                "    @Differentiable",
                "    static double inner(double x) {",
                "        return soft(x);",
                "    }",
                "    @Differentiable(order = 2)",
                "    static double outer(double x) {",
                "        return inner(x * x) * x;",
                "    }"));
        Compilation c = compile(file);
        assertError(c, file, "return soft(x);", "[AdjointNoSecondOrder] no second-order members for inner: the "
                + "derivative it uses here, Functions.softDerivative, is not @Differentiable");
        assertError(c, file, "return inner(x * x)", "[AdjointNoSecondOrder] no second-order members for outer: it "
                + "calls inner, which has none");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }
}
