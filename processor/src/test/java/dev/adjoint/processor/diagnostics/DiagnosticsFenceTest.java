package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.assertGradientMatchesFiniteDifferences;
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
        assertOnlyError(c, file, line, fragments);
        assertNotGenerated(c, "f");
    }

    /** Compiles {@code file} and checks {@code f}'s gradient at {@code args} against central differences. */
    private static void assertSupported(JavaFileObject file, Object... args) throws Exception {
        Compilation c = compile(file);
        assertGradientMatchesFiniteDifferences(c, "f", args);
        assertGenerated(c, "f");
    }

    @Test
    void controlFlowArraysAndCallsPass() {
        Compilation c = compile(method("double x, double[] w", List.of(
                "    @Differentiable",
                "    static double g(double v) {",
                "        return v * v;",
                "    }",
                ""),
                "if (x <= 0) {",
                "    throw new IllegalArgumentException(\"x must be positive\");",
                "}",
                "double y = x;",
                "{ y = y * x; }",
                "outer:",
                "for (int i = 0; i < w.length; i++) {",
                "    int k = 0;",
                "    while (k < i) {",
                "        y += g(w[k]) * x;",
                "        if (y > 100) break outer;",
                "        k++;",
                "    }",
                "}",
                "do { y = y / 2; } while (y > 10);",
                "for (double v : w) { if (v > 1) return y * v; }",
                "return y;"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
    }

    @Test
    void labelOnAStatementThatIsNotALoopIsABlockBreakLeaves() throws Exception {
        assertSupported(method(
                "double y = x;",
                "found: {",
                "    if (x > 0.5) {",
                "        y = x * x;",
                "        break found;",
                "    }",
                "    y = Math.sin(x);",
                "}",
                "return y * x;"), 0.3);
        assertSupported(method(
                "double y = x;",
                "found: {",
                "    if (x > 0.5) {",
                "        y = x * x;",
                "        break found;",
                "    }",
                "    y = Math.sin(x);",
                "}",
                "return y * x;"), 0.7);
    }

    @Test
    void arrayInitializer() throws Exception {
        assertSupported(method(
                "double[] both = {x, x * x};",
                "double[] constant = {1.0, 2.0};",
                "return both[0] * both[1] + constant[1] * new double[] {x, 3.0}[0];"), 0.4);
    }

    @Test
    void secondNameForADifferentiatedArray() {
        assertRejected(method("double[] w", List.of(),
                "double[] v = w;",
                "v[0] = v[0] * 2;",
                "return v[0] * w[0];"),
                "double[] v = w;",
                "[AdjointArrayAlias] cannot differentiate double[] v = w: a differentiated local array must be "
                        + "created with new double[n]");
    }

    private static final String CHOSEN = "[AdjointArrayAlias] cannot differentiate c ? p : q: an array chosen by a "
            + "condition is a second name for either array, and its derivative would be lost; choose the elements instead";

    @Test
    void arrayChosenByAConditionAndIndexed() {
        assertRejected(method("double[] p, double[] q, boolean c", List.of(),
                "return (c ? p : q)[0] * 3;"),
                "return (c ? p : q)[0] * 3;", CHOSEN);
    }

    @Test
    void arrayChosenByAConditionAndCopied() {
        // javac types the conditional Object there, as System.arraycopy's parameter: it read as data, gradient 0
        assertRejected(method("double[] p, double[] q, boolean c", List.of(),
                "double[] a = new double[2];",
                "System.arraycopy(c ? p : q, 0, a, 0, 2);",
                "return a[0] * 3;"),
                "System.arraycopy(c ? p : q, 0, a, 0, 2);", CHOSEN);
    }

    @Test
    void tableChosenByAConditionIsData() throws Exception {
        assertSupported(method("double x", List.of(
                "    private static final double[] SMALL = {1, 2, 3};",
                "    private static final double[] LARGE = {3, -1, 0.5};"),
                "double[] c = x < 1 ? SMALL : LARGE;",
                "double[] d = new double[3];",
                "System.arraycopy(x < 1 ? SMALL : LARGE, 0, d, 0, 3);",
                "return c[0] + x * (c[1] + x * c[2]) + d[2] * x;"), 0.4);
    }

    @Test
    void theSameComparisonTwiceIsNoBracket() throws Exception {
        // (x > c) || (c < x) crashed the reading of u >= v && u <= v as an equality test (found by the campaign)
        assertSupported(method(
                "double y = x * x;",
                "if ((x > 0.375) || (0.375 < x)) {",
                "    y = y * 3;",
                "}",
                "return y;"), 0.4);
    }

    @Test
    void reassignedDifferentiatedArray() {
        assertRejected(method("double[] w", List.of(),
                "double[] h = new double[2];",
                "h[0] = w[0];",
                "h = w;",
                "return h[0];"),
                "h = w;",
                "[AdjointArrayAlias] cannot differentiate the assignment h = w: a differentiated array variable "
                        + "must keep the array it starts with");
    }

    @Test
    void differentiatedArrayDeclaredInALoop() throws Exception {
        assertSupported(method(
                "double s = 0;",
                "for (int i = 0; i < 3; i++) {",
                "    double[] h = new double[2];",
                "    h[0] = x * i;",
                "    h[1] = Math.sin(h[0]) * x;",
                "    s += h[0] * h[1];",
                "}",
                "return s;"), 0.6);
    }

    @Test
    void differentiatedArrayPassedToAnOpaqueMethod() {
        assertRejected(method("double x, double[] w", List.of(),
                "w[0] = x;",
                "java.util.Arrays.sort(w);",
                "return w[0];"),
                "java.util.Arrays.sort(w);",
                "[AdjointUnsupportedCall] cannot pass the differentiated array w to Arrays.sort(double[]): Adjoint "
                        + "could not prove that it only reads it (it is a JDK method not on the list of those known to "
                        + "only read)", "Adjoint.stopGradient(w)");
    }

    @Test
    void writeToARowOfAMatrix() {
        assertRejected(method("double x, double[][] m", List.of(),
                "m[0][0] = x;",
                "return x * m[0][0];"),
                "m[0][0] = x;",
                "[AdjointUnsupportedArrayWrite] cannot differentiate a write to m[0][0]: only elements of a double[] "
                        + "local variable or parameter may be written");
    }

    @Test
    void callOfADifferentiableMethodThatWritesItsArrayIsInlined() throws Exception {
        assertSupported(method("double x, double[] w", List.of(
                "    @Differentiable",
                "    static double scale(double[] v, double by) {",
                "        v[0] = v[0] * by;",
                "        return v[0];",
                "    }",
                ""),
                "return scale(w, x) * x + w[0] * w[1];"), 0.7, new double[] {0.3, 0.9});
    }

    @Test
    void callWithADerivativeThroughAParameterOutsideWrt() {
        assertRejected(method("double x", List.of(
                "    @Differentiable(wrt = {\"a\"})",
                "    static double g(double a, double b) {",
                "        return a * b;",
                "    }",
                ""),
                "return g(x, x);"),
                "return g(x, x);",
                "[AdjointUnsupportedCall] cannot differentiate through Functions.g(double, double) with respect to its "
                        + "parameter b: it is @Differentiable with a wrt that leaves b out");
    }

    @Test
    void sameNameInABlockAndAtTheTopLevel() throws Exception {
        assertSupported(method(
                "if (x > 0) {",
                "    double t = x * x;",
                "    x = t;",
                "}",
                "double t = x;",
                "return t * x;"), 0.7);
    }

    @Test
    void objectOverwrittenInALoopThatTheReverseSweepNeeds() throws Exception {
        assertSupported(method("double x, double[][] rows", List.of(),
                "double s = 0;",
                "double[][] current = rows;",
                "for (int i = 0; i < 3; i++) {",
                "    s += current[0][i] * Math.sin(x * s);",
                "    current = i % 2 == 0 ? rows : new double[][] {{1, 2, 3}};",
                "}",
                "return s;"), 0.6, new double[][] {{0.5, 0.25, 2.0}});
    }

    @Test
    void elementWriteWhoseIndexCallsAMethod() throws Exception {
        assertSupported(method("double x, double[] w", List.of(),
                "w[Math.abs(-1)] = x * x;",
                "w[Math.abs(-1)] += x;",
                "return w[1] * w[0];"), 0.6, new double[] {0.3, 0.9});
    }

    @Test
    void differentiatedArrayExpressionPassedToADifferentiableMethod() {
        JavaFileObject file = method("double x, double[] w, double[] v", List.of(
                "    @Differentiable",
                "    static double first(double[] a) {",
                "        return a[0];",
                "    }",
                ""),
                "return first(x > 0 ? w : v) * x;");
        Compilation c = compile(file);
        String line = "return first(x > 0 ? w : v) * x;";
        assertError(c, file, line, "[AdjointUnsupportedCall] pass a double[] variable to Functions.first(double[]) (not "
                + "an array expression)");
        assertError(c, file, line, "[AdjointArrayAlias] cannot differentiate x > 0 ? w : v: an array chosen by a condition");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }

    @Test
    void switchStatement() throws Exception {
        for (int n = 0; n < 4; n++) {
            assertSupported(method("double x, int n", List.of(),
                    "double y = x;",
                    "switch (n) {",
                    "    case 0 -> y = 1;",
                    "    case 1, 2 -> y = x * x;",
                    "    default -> y = Math.sin(x);",
                    "}",
                    "switch (n) {",
                    "    case 1:",
                    "        y *= x;",
                    "    case 2:",
                    "        y += x;",
                    "        break;",
                    "    default:",
                    "        y -= 1;",
                    "}",
                    "return y * switch (n) { case 0 -> 2.0; case 3 -> x; default -> { double t = x * x; yield t; } };"),
                    0.6, n);
        }
    }

    @Test
    void assignmentToStaticField() {
        assertRejected(method("double x", List.of("    static double last;", ""),
                "last = x;",
                "return x * x;"),
                "last = x;",
                "[AdjointFieldWrite] cannot write to last from a @Differentiable method",
                "only its own local variables, parameters and their array elements may be assigned; return the value "
                        + "instead");
    }

    @Test
    void assignmentInsideAnExpression() throws Exception {
        assertSupported(method(
                "double z;",
                "double y = (x = 2 * x) * x;",
                "double a, b;",
                "a = b = y * x;",
                "int n = 3;",
                "double s = 0;",
                "while (n-- > 0) {",
                "    s += a / ++b;",
                "}",
                "z = s;",
                "return z + a;"), 0.4);
    }

    @Test
    void lambda() {
        assertRejected(method(
                "java.util.function.ToDoubleFunction<Object> size = v -> v.hashCode();",
                "return x * x;"),
                "ToDoubleFunction<Object> size",
                "[AdjointUnsupportedExpression] cannot differentiate through this lambda: its method applyAsDouble "
                        + "takes or returns java.lang.Object",
                "use DoubleUnaryOperator, DoubleBinaryOperator or an interface of your own on doubles");
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
    void privateStaticFieldIsReadThroughAHandle() throws Exception {
        assertSupported(method("double x", List.of("    private static double scale = 2.0;",
                        "    private static final double[] TABLE = {0.5, 1.5};", ""),
                "return scale * x + TABLE[1] * x * x;"), 0.4);
    }

    @Test
    void privateStaticConstantIsInlined() {
        Compilation c = compile(method("double x", List.of("    private static final double SCALE = 2.0;", ""),
                "return SCALE * x;"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
    }

    @Test
    void privateStaticHelperIsInlined() throws Exception {
        assertSupported(method("double x", List.of(
                "    private static double helper(double v) {",
                "        if (v > 1) {",
                "            return v;",
                "        }",
                "        return v * v;",
                "    }",
                ""),
                "return helper(x) * x + helper(2 * x);"), 0.6);
    }

    @Test
    void floatDataLocal() throws Exception {
        assertSupported(method(
                "float half = 0.5f;",
                "return half * x;"), 0.6);
    }

    @Test
    void straightLineCodePasses() {
        Compilation c = compile(method("double y = x * x;", "y += x;", "return y;"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
    }

    private static final String UNTRACKED = ": Adjoint tracks derivatives through double and double[] values only; "
            + "keep it a double (or double[]), or wrap it in Adjoint.stopGradient(...) if no derivative should flow there";

    @Test
    void derivativeIntoAnObjectLocal() {
        assertRejected(method(
                "Object o = x;",
                "return (Double) o * 2;"),
                "Object o = x;",
                "[AdjointUntracked] cannot follow the derivative of x into o, an Object" + UNTRACKED);
    }

    @Test
    void derivativeIntoANumberLocal() {
        assertRejected(method(
                "Number n = x * 3;",
                "return n.doubleValue();"),
                "Number n = x * 3;",
                "[AdjointUntracked] cannot follow the derivative of x * 3 into n, a Number" + UNTRACKED);
    }

    @Test
    void derivativeIntoABoxedArray() {
        assertRejected(method(
                "Double[] boxes = new Double[1];",
                "boxes[0] = x;",
                "return boxes[0] * 2;"),
                "boxes[0] = x;",
                "[AdjointUntracked] cannot follow the derivative of x into an element of boxes, a Double[]" + UNTRACKED);
    }

    @Test
    void differentiatedArrayAsARowOfAMatrix() {
        assertRejected(method("double[] w", List.of(),
                "double[][] m = {w, w};",
                "return m[0][0] * m[1][0];"),
                "double[][] m = {w, w};",
                "[AdjointUntracked] cannot follow the derivative of w into an element of a new double[][]" + UNTRACKED);
    }

    @Test
    void derivativeIntoAGenericHelper() {
        // inlined, the helper's parameters are locals of the adjoint class's code, which has no T
        assertRejected(method("double x", List.of(
                "    private static <T> T same(T value) {",
                "        return value;",
                "    }",
                ""),
                "return same(x) * 2;"),
                "return same(x) * 2;",
                "[AdjointUnsupportedCall] cannot inline Functions.same(T) into the adjoint class, generated in package "
                        + "demo: its parameter value is of a type it cannot name, T, a type variable or a type of several "
                        + "bounds; give it a class type");
    }

    @Test
    void derivativeStoppedBeforeAnObjectIsAccepted() throws Exception {
        Compilation c = compile(method(
                "Object o = dev.adjoint.Adjoint.stopGradient(x);",
                "return x * x + (Double) o;"));
        assertGenerated(c, "f");
        // stopGradient: o is a constant to the derivative, 2x only
        org.junit.jupiter.api.Assertions.assertEquals(1.2, Sources.gradient(c, "f", "x", 0.6), 1e-12);
    }

    @Test
    void derivativeIntoAListInAForEachLoop() {
        assertRejected(method("double[] residuals", List.of(),
                "java.util.List<Double> squares = new java.util.ArrayList<>();",
                "for (double r : residuals) {",
                "    squares.add(r * r);",
                "}",
                "return squares.get(0);"),
                "    squares.add(r * r);",
                "[AdjointUnsupportedCall] cannot differentiate through List.add(E): annotate it @Differentiable");
    }

    /** A check returning its argument is the argument: a second name for a differentiated array, read only. */
    @Test
    void arrayNamedAgainByACheck() throws Exception {
        assertSupported(method("double[] w", List.of(),
                "double[] v = java.util.Objects.requireNonNull(w);",
                "return v[0] * v[0] + w[1];"), (Object) new double[] {0.7, 0.2});
    }

    /**
     * Inside a switch expression's block a second name stays refused (the normal form does not
     * rewrite those statements in place; taken, the generated code lost the array's declaration).
     */
    @Test
    void secondNameInsideASwitchExpression() {
        assertRejected(method("double[] w, int mode, double x", List.of(),
                "double r = switch (mode) {",
                "    case 0 -> w[0] * x;",
                "    default -> {",
                "        double[] made = {x, x * x};",
                "        double[] m = made;",
                "        m[0] += w[1];",
                "        yield made[0] * made[1];",
                "    }",
                "};",
                "return r;"),
                "        double[] m = made;",
                "[AdjointArrayAlias] cannot differentiate double[] m = made: a differentiated local array must be "
                        + "created with new double[n]");
    }

    /** A second name for an array the method creates may be written through: it is that array. */
    @Test
    void arrayTheMethodCreatesNamedAgainAndWritten() throws Exception {
        assertSupported(method("double[] w", List.of(),
                "double[] h = new double[] {w[0], w[1]};",
                "double[] v = java.util.Objects.requireNonNull(h);",
                "v[1] = v[0] * w[1];",
                "return v[0] * h[1];"), (Object) new double[] {0.7, 0.2});
    }

    /**
     * A second name for an input passed on stays refused (the callee could write through it);
     * written through, see {@link #secondNameForADifferentiatedArray}.
     */
    @Test
    void secondNamePassedOn() {
        assertRejected(method("double[] w", List.of(
                "    private static double first(double[] a) {",
                "        return a[0];",
                "    }"),
                "double[] v = w;",
                "return first(v) * w[1];"),
                "double[] v = w;",
                "[AdjointArrayAlias] cannot differentiate double[] v = w: a differentiated local array must be "
                        + "created with new double[n]");
    }

    /** double... is packed into the array the helper receives (see RealJava.varargsHelpers); double[]... is not. */
    @Test
    void variableArityHelperOfArrays() {
        assertRejected(method("double[] x", List.of(
                "    private static double sum(double[]... rows) {",
                "        double s = 0;",
                "        for (double[] row : rows) {",
                "            s += row[0];",
                "        }",
                "        return s;",
                "    }",
                ""),
                "return sum(x, x);"),
                "return sum(x, x);",
                "[AdjointUnsupportedCall] cannot differentiate through the variable-arity method "
                        + "Functions.sum(double[]...); give it a double[] parameter instead");
    }

    @Test
    void variableArityJdkMethodInAThrowIsAccepted() throws Exception {
        assertSupported(method(
                "if (x > 10) {",
                "    throw new IllegalArgumentException(String.format(\"x = %f is too large\", x));",
                "}",
                "return x * x;"), 0.6);
    }

    @Test
    void assertStatementIsLeftToThePrimal() throws Exception {
        assertSupported(method(
                "assert x > 0 : \"x must be positive, was \" + x;",
                "return x * x;"), 0.6);
    }

    /**
     * javac 17 leaves a switch expression that is an operand untyped (returned, its type is the
     * method's; assigned, the variable's) until its names are resolved; the reader resolves every
     * local's uses first (read/Values), and the switch is then typed and differentiated.
     */
    @Test
    void switchExpressionAsAnOperandIsDifferentiated() throws Exception {
        String[] body = {"return 1.0 + switch ((int) (x * 4)) { case 0 -> x; default -> 2 * x; };"};
        assertSupported(method(body), 0.1);
        assertSupported(method(body), 0.6);
    }

    @Test
    void floatCastOfADifferentiatedValueIsOneErrorWithoutAWarning() {
        JavaFileObject file = method(
                "float f = 1;",
                "f += x;",
                "return f * x;");
        Compilation c = compile(file);
        assertOnlyError(c, file, "f += x;", "[AdjointFloat] cannot differentiate through a cast to float");
        assertThat(c).hadWarningCount(0);
    }

    @Test
    void differentiatedValueTurnedIntoText() {
        assertRejected(method(
                "String s = \"\" + x;",
                "return Double.parseDouble(s) * x;"),
                "String s = \"\" + x;",
                "[AdjointUnsupportedExpression] cannot turn a differentiated value into text outside a throw statement");
    }

    @Test
    void staticFunctionInsideStopGradientIsAccepted() throws Exception {
        Compilation c = compile(method("double x", List.of(
                "    static double opaque(double v) {",
                "        return v * v;",
                "    }",
                ""),
                "return x * dev.adjoint.Adjoint.stopGradient(Other.squash(x));"),
                Sources.source("demo.Other", "public final class Other {",
                        "    public static double squash(double v) {",
                        "        return Math.tanh(v);",
                        "    }"));
        assertGenerated(c, "f");
        // tanh(x) is a constant to the derivative: d/dx = tanh(x)
        org.junit.jupiter.api.Assertions.assertEquals(Math.tanh(0.6), Sources.gradient(c, "f", "x", 0.6), 1e-12);
    }

    /**
     * Two methods of the build calling each other, one of which writes a field: neither only reads,
     * whichever is asked first (the other was once cached as read-only while the cycle was assumed so).
     */
    @Test
    void aCycleThroughAWritingMethodIsNotReadOnlyFromEitherEnd() {
        JavaFileObject file = Sources.functions(
                "    @Differentiable",
                "    static double g(double[] w) {",
                "        Other.first(w, 1);",
                "        return w[0];",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        Other.second(w, 1);",
                "        return w[0] * w[0];",
                "    }");
        Compilation c = compile(file, Sources.source("demo.Other", "public final class Other {",
                "    static double[] kept;",
                "    public static void first(double[] a, int n) {",
                "        if (n > 0) {",
                "            second(a, n - 1);",
                "        }",
                "        kept = a;",
                "    }",
                "    public static void second(double[] a, int n) {",
                "        if (n > 0) {",
                "            first(a, n - 1);",
                "        }",
                "    }"));
        assertError(c, file, "Other.first(w, 1);", "[AdjointUnsupportedCall] cannot pass the differentiated array w to "
                + "Other.first(double[], int): Adjoint could not prove that it only reads it;");
        assertError(c, file, "Other.second(w, 1);", "[AdjointUnsupportedCall] cannot pass the differentiated array w "
                + "to Other.second(double[], int): Adjoint could not prove that it only reads it;");
        assertNoCrash(c);
    }

    @Test
    void callOnAnObjectInsideStopGradientIsStillRefused() {
        assertRejected(method("double x", List.of(),
                "java.util.List<Double> kept = new java.util.ArrayList<>();",
                "boolean added = dev.adjoint.Adjoint.stopGradient(kept.add(x) ? 1.0 : 0.0) > 0;",
                "return added ? kept.get(0) * x : x;"),
                "boolean added = dev.adjoint.Adjoint.stopGradient(kept.add(x) ? 1.0 : 0.0) > 0;",
                "[AdjointUnsupportedCall] cannot differentiate through List.add(E)");
    }

    /** A value computed twice is computed once (issue 19): d1's σ√T is d2's, x[i]·x[i] one read. */
    @Test
    void commonSubexpressionsOnce() throws Exception {
        JavaFileObject file = method("double x, double sigma, double sqrtT", List.of(),
                "double d1 = (x + 0.5 * sigma * sigma) / (sigma * sqrtT);",
                "double d2 = d1 - sigma * sqrtT;",
                "return d1 * d2 + x * x;");
        Compilation c = compile(file);
        String impl = Sources.generated(c, "demo.FunctionsAdjointImpl").orElseThrow();
        String pullback = impl.substring(impl.indexOf("fPullback("), impl.indexOf("fTangent("));
        String code = pullback.lines().filter(l -> !l.strip().startsWith("//") && !l.strip().startsWith("*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        org.junit.jupiter.api.Assertions.assertEquals(1, code.split("sigma \\* sqrtT", -1).length - 1, pullback);
        assertSupported(file, 0.7, 0.3, 1.2);
    }
}
