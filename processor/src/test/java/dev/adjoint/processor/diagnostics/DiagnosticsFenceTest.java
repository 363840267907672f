package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Stage 2, read (the fence): every construct the differentiator does not handle is an error at
 * the offending statement or expression, and nothing is emitted for the method.
 */
class DiagnosticsFenceTest {

    private static final String NOT_YET = "are not supported yet in @Differentiable method f";

    /** {@code demo.Functions} with {@code @Differentiable static double f(<params>) { <body> }} and extra members. */
    private static JavaFileObject method(String params, List<String> extraMembers, String... body) {
        List<String> lines = new ArrayList<>(extraMembers);
        lines.add("    @Differentiable");
        lines.add("    static double f(" + params + ") {");
        for (String line : body) {
            lines.add("        " + line);
        }
        lines.add("    }");
        return functions(lines.toArray(new String[0]));
    }

    private static JavaFileObject method(String... body) {
        return method("double x", List.of(), body);
    }

    /** Exactly one error, on {@code line}, with every fragment; no crash; no adjoint for f. */
    private static void assertRejected(JavaFileObject file, String line, String... fragments) {
        Compilation c = compile(file);
        assertError(c, file, line, fragments);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void ifStatement() {
        assertRejected(method(
                "double y = x;",
                "if (x > 0) {",
                "    y = 2 * x;",
                "}",
                "return y;"),
                "if (x > 0) {", "[AdjointNotYetSupported] if statements " + NOT_YET,
                "rewrite it as straight-line code or move it out of the method");
    }

    @Test
    void forLoop() {
        assertRejected(method(
                "double y = 0;",
                "for (int i = 0; i < 3; i++) {",
                "    y += x;",
                "}",
                "return y;"),
                "for (int i = 0;", "[AdjointNotYetSupported] for loops " + NOT_YET);
    }

    @Test
    void enhancedForLoop() {
        assertRejected(method("double x, int[] counts", List.of(),
                "double y = 0;",
                "for (int k : counts) {",
                "    y += k * x;",
                "}",
                "return y;"),
                "for (int k : counts)", "[AdjointNotYetSupported] for loops " + NOT_YET);
    }

    @Test
    void whileLoop() {
        assertRejected(method(
                "double y = x;",
                "while (y < 10) {",
                "    y = y * 2;",
                "}",
                "return y;"),
                "while (y < 10) {", "[AdjointNotYetSupported] while loops " + NOT_YET);
    }

    @Test
    void doWhileLoop() {
        assertRejected(method(
                "double y = x;",
                "do {",
                "    y = y * 2;",
                "} while (y < 10);",
                "return y;"),
                "do {", "[AdjointNotYetSupported] do-while loops " + NOT_YET);
    }

    @Test
    void switchStatement() {
        assertRejected(method("double x, int n", List.of(),
                "double y = x;",
                "switch (n) {",
                "    case 0 -> y = 1;",
                "    default -> y = x * x;",
                "}",
                "return y;"),
                "switch (n) {", "[AdjointNotYetSupported] switch statements " + NOT_YET);
    }

    @Test
    void nestedBlock() {
        assertRejected(method(
                "double y = x;",
                "{ y = x * x; }",
                "return y;"),
                "{ y = x * x; }", "[AdjointNotYetSupported] nested blocks " + NOT_YET);
    }

    @Test
    void throwStatement() {
        assertRejected(method(
                "throw new IllegalStateException(\"no value\");"),
                "throw new IllegalStateException", "[AdjointNotYetSupported] throw statements " + NOT_YET);
    }

    @Test
    void returnBeforeTheEnd() {
        assertRejected(method(
                "double y = x * x;",
                "return y;",
                ";"),
                "return y;",
                "[AdjointNotYetSupported] a return before the end of the method is not supported yet");
    }

    @Test
    void callOfAnotherDifferentiableMethod() {
        JavaFileObject file = method("double x", List.of(
                "    @Differentiable",
                "    static double g(double v) {",
                "        return v * v;",
                "    }",
                ""),
                "return g(x) * x;");
        Compilation c = compile(file);
        assertError(c, file, "return g(x) * x;",
                "[AdjointNotYetSupported] calls between @Differentiable methods " + NOT_YET);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
        assertGenerated(c, "g");
    }

    @Test
    void arrayAccess() {
        assertRejected(method("double x, int[] counts", List.of(),
                "return x * counts[0];"),
                "return x * counts[0];", "[AdjointNotYetSupported] arrays " + NOT_YET);
    }

    @Test
    void arrayLocal() {
        assertRejected(method(
                "double[] both = {x, x};",
                "return x;"),
                "double[] both", "[AdjointNotYetSupported] array variables " + NOT_YET);
    }

    @Test
    void assignmentToStaticField() {
        assertRejected(method("double x", List.of("    static double last;", ""),
                "last = x;",
                "return x * x;"),
                "last = x;",
                "[AdjointFieldWrite] cannot write to last from a @Differentiable method",
                "only its own local variables and parameters may be assigned; return the value instead");
    }

    @Test
    void assignmentInsideAnExpression() {
        assertRejected(method(
                "double y = (x = 2) * x;",
                "return y;"),
                "double y = (x = 2) * x;",
                "[AdjointSideEffect] cannot differentiate an assignment inside an expression (x = 2)",
                "write it as a statement of its own");
    }

    @Test
    void lambda() {
        assertRejected(method(
                "java.util.function.DoubleUnaryOperator square = v -> v * v;",
                "return x * x;"),
                "DoubleUnaryOperator square",
                "[AdjointUnsupportedExpression] cannot differentiate lambda expression",
                "compute it outside the @Differentiable method and pass it in");
    }

    @Test
    void instanceOf() {
        assertRejected(method("double x, Object label", List.of(),
                "boolean text = label instanceof String;",
                "return x * x;"),
                "label instanceof String",
                "[AdjointUnsupportedExpression] cannot differentiate instance of (label instanceof String)",
                "compute it outside the @Differentiable method and pass it in");
    }

    @Test
    void tryStatement() {
        assertRejected(method(
                "double y = x;",
                "try {",
                "    y = x * x;",
                "} finally {",
                "    y = y + 1;",
                "}",
                "return y;"),
                "try {",
                "[AdjointUnsupportedStatement] cannot differentiate a try statement",
                "move it out of the @Differentiable method");
    }

    @Test
    void synchronizedStatement() {
        assertRejected(method(
                "double y = x;",
                "synchronized (Functions.class) {",
                "    y = x * x;",
                "}",
                "return y;"),
                "synchronized (Functions.class)",
                "[AdjointUnsupportedStatement] cannot differentiate a synchronized statement",
                "move it out of the @Differentiable method");
    }

    @Test
    void labeledStatement() {
        assertRejected(method(
                "double y = x;",
                "outer: y = x * x;",
                "return y;"),
                "outer: y = x * x;",
                "[AdjointUnsupportedStatement] cannot differentiate a labeled statement;",
                "move it out of the @Differentiable method");
    }

    @Test
    void privateStaticField() {
        assertRejected(method("double x", List.of("    private static double scale = 2.0;", ""),
                "return scale * x;"),
                "return scale * x;",
                "[AdjointPrivateMember] field scale is private",
                "the generated adjoint class cannot read it; make it package-private");
    }

    @Test
    void privateStaticConstantIsInlined() {
        Compilation c = compile(method("double x", List.of("    private static final double SCALE = 2.0;", ""),
                "return SCALE * x;"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
    }

    @Test
    void privateStaticHelper() {
        assertRejected(method("double x", List.of(
                "    private static double helper(double v) {",
                "        return v * v;",
                "    }",
                ""),
                "return helper(x) * x;"),
                "return helper(x) * x;",
                "[AdjointPrivateMember] method helper is private",
                "the generated adjoint class cannot call it; make it package-private");
    }

    @Test
    void floatLocal() {
        assertRejected(method(
                "float half = 0.5f;",
                "return half * x;"),
                "float half = 0.5f;",
                "[AdjointFloat] local variable half is a float",
                "declare it double");
    }

    @Test
    void everyFencedStatementOfAMethodIsReportedAtOnce() {
        JavaFileObject file = method(
                "double y = x;",
                "if (x > 0) {",
                "    y = 2 * x;",
                "}",
                "while (y < 10) {",
                "    y = y * 2;",
                "}",
                "return y;");
        Compilation c = compile(file);
        assertError(c, file, "if (x > 0) {", "[AdjointNotYetSupported] if statements " + NOT_YET);
        assertError(c, file, "while (y < 10) {", "[AdjointNotYetSupported] while loops " + NOT_YET);
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /** Keeps the helper honest: a clean method passes the fence. */
    @Test
    void straightLineCodePasses() {
        Compilation c = compile(method("double y = x * x;", "y += x;", "return y;"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
    }
}
