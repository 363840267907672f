package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGradientMatchesFiniteDifferences;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;
import static dev.adjoint.processor.diagnostics.Sources.generated;
import static dev.adjoint.processor.diagnostics.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Stage 1, validate: every bad signature of a {@code @Differentiable} method is an error at its declaration. */
class DiagnosticsValidationTest {

    @Test
    void instanceMethodWithoutFieldsIsDifferentiatedInItsParameters() throws ReflectiveOperationException {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    double notStatic(double x) {",
                "        return x * x;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeededWithoutWarnings();
        ClassLoader loader = Sources.classLoader(c);
        Class<?> api = loader.loadClass("demo.FunctionsAdjoint");
        Class<?> owner = loader.loadClass("demo.Functions");
        java.lang.reflect.Constructor<?> make = owner.getDeclaredConstructor();
        make.setAccessible(true);
        Object g = api.getMethod("notStaticGradient", owner, double.class).invoke(null, make.newInstance(), 3.0);
        org.junit.jupiter.api.Assertions.assertEquals(6.0, g.getClass().getField("x").getDouble(g), 0.0);
    }

    /** The generated code names the class and its adjoint classes in expressions: a variable would shadow them. */
    @Test
    void variableNamedLikeTheClass() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double scaled(double x, double Functions) {",
                "        double FunctionsAdjointImpl = x * Functions;",
                "        return 2 * FunctionsAdjointImpl;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "static double scaled(double x, double Functions)",
                "[AdjointNameClash] variable Functions of scaled has the name of class Functions, which the generated "
                        + "code must name in expressions: rename the variable");
        assertError(c, file, "double FunctionsAdjointImpl = x * Functions;",
                "[AdjointNameClash] variable FunctionsAdjointImpl of scaled has the name of class FunctionsAdjointImpl");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }

    /** A nested class Outer.Inner gets Outer_InnerAdjoint, the adjoint class of a class Outer_Inner too. */
    @Test
    void twoClassesWithOneAdjointClass() {
        JavaFileObject outer = source("demo.Outer", "public final class Outer {",
                "    static final class Inner {",
                "        @Differentiable",
                "        static double f(double x) {",
                "            return x * x;",
                "        }",
                "    }");
        JavaFileObject flat = source("demo.Outer_Inner", "final class Outer_Inner {",
                "    @Differentiable",
                "    static double g(double x) {",
                "        return x * x * x;",
                "    }");
        Compilation c = compile(outer, flat);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertThat(c).hadErrorContaining("[AdjointWriteFailed] classes demo.")
                .inFile(c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> (JavaFileObject) d.getSource()).findFirst().orElseThrow())
                .onLineContaining("class Outer");
        assertThat(c).hadErrorContaining("would both get the adjoint class demo.Outer_InnerAdjoint (a nested class A.B "
                + "gets A_BAdjoint): rename one of them");
    }

    /** Generated members would name the type variable, which is not in scope there. */
    @Test
    void genericMethod() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static <T> double scaled(double x, T tag) {",
                "        return 2 * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static <T> double scaled(",
                "[AdjointNotYetSupported] @Differentiable method scaled has type parameters <T>: not supported yet; "
                        + "give its parameters concrete types (a parameter that is only data may be an Object)");
        assertNotGenerated(c, "scaled");
    }

    /** The generated members are static: the receiver's type F<T> would name T outside its scope. */
    @Test
    void instanceMethodOfGenericClass() {
        JavaFileObject file = Sources.source("demo.Model", "public final class Model<T extends Number> {",
                "    T scale;",
                "",
                "    @Differentiable",
                "    double f(double x) {",
                "        return scale.doubleValue() * x * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "double f(double x)",
                "[AdjointNotYetSupported] @Differentiable method f is an instance method of generic class Model<T>: "
                        + "not supported yet; make it static, taking the receiver's values it needs as parameters");
    }

    @Test
    void intReturnType() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static int count(double x) {",
                "        return (int) x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static int count(",
                "[AdjointReturnType] @Differentiable method count must return double, Double or double[], not int",
                "only those outputs are differentiated");
        assertNotGenerated(c, "count");
    }

    /** A Double result is read as a double: null has no double to stand for. */
    @Test
    void nullReturnedForADouble() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static Double orNull(double x) {",
                "        if (x < 0) {",
                "            return null;",
                "        }",
                "        return x * x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "return null;",
                "[AdjointUnsupportedExpression] cannot return null for a Double: Adjoint reads Double values as double; "
                        + "return Double.NaN, or a double and a separate boolean");
        assertNotGenerated(c, "orNull");
    }

    @Test
    void abstractMethodHasNoBody() {
        JavaFileObject file = source("demo.Shape", "public abstract class Shape {",
                "    @Differentiable",
                "    abstract double area(double r);");
        Compilation c = compile(file);
        assertError(c, file, "abstract double area(",
                "[AdjointNoBody] @Differentiable method area has no body to differentiate",
                "give it a Java body");
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertThat(generated(c, "demo.ShapeAdjoint")).isEmpty();
    }

    @Test
    void nativeMethodHasNoBody() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static native double fromC(double x);");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static native double fromC(",
                "[AdjointNoBody] @Differentiable method fromC has no body to differentiate",
                "give it a Java body");
        assertNotGenerated(c, "fromC");
    }

    /**
     * @Differentiable on a method of a local or anonymous class: annotation processing never hands
     * it to the processor, so nothing was generated and nothing said. It is an error at the method,
     * found in the source of the files the processor runs on (javac runs it only for a build with a
     * @Differentiable method it can see: here {@code ordinary}).
     */
    @Test
    void aMethodOfALocalOrAnonymousClassIsReported() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double ordinary(double x) {",
                "        return x * x;",
                "    }",
                "    static double viaLocal(double y) {",
                "        class Local {",
                "            @Differentiable",
                "            double square(double x) {",
                "                return x * x;",
                "            }",
                "        }",
                "        return new Local().square(y);",
                "    }",
                "    static final Object ANONYMOUS = new Object() {",
                "        @Differentiable",
                "        double cube(double x) {",
                "            return x * x * x;",
                "        }",
                "    };");
        Compilation c = compile(file);
        assertError(c, file, "double square(double x) {", "[AdjointInnerClass] @Differentiable method square is in a "
                + "local or anonymous class", "move it to a top-level or static nested class");
        assertError(c, file, "double cube(double x) {", "[AdjointInnerClass] @Differentiable method cube is in a "
                + "local or anonymous class");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        // another library's annotation of that simple name, in a file that does not import Adjoint's: not Adjoint's
        JavaFileObject other = com.google.testing.compile.JavaFileObjects.forSourceLines("demo.Other", "package demo;",
                "public final class Other {",
                "    @interface Differentiable {}",
                "    @dev.adjoint.Differentiable",
                "    static double ordinary(double x) {",
                "        return x * x;",
                "    }",
                "    static final Object LOCAL = new Object() {",
                "        @Differentiable",
                "        double cube(double x) {",
                "            return x * x * x;",
                "        }",
                "    };",
                "}");
        assertThat(compile(other)).succeededWithoutWarnings();
    }

    /**
     * A misspelt name or call in a @Differentiable method: javac reports its "cannot find symbol" only
     * after annotation processing, which stops at the processor's errors, so the processor's error is
     * the one the user sees. It says what javac would, at the line.
     */
    @Test
    void aNameJavacCannotResolveIsReportedAsSuch() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * undefinedScale;",
                "    }",
                "    @Differentiable",
                "    static double g(double x) {",
                "        return squre(x);",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "return x * undefinedScale;",
                "cannot find symbol undefinedScale: javac cannot resolve it either; check its spelling and the imports");
        assertError(c, file, "return squre(x);",
                "cannot find symbol method squre: javac cannot resolve it either");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }

    /**
     * A deprecated method, class or callee: javac warns at the user's line (or not at all, inside
     * the class), and the generated classes that call and copy it must not warn again, or a build
     * with -Werror fails in code the user did not write. {@code new Double(x)} is read as the value.
     */
    @Test
    void deprecatedCodeDoesNotWarnInGeneratedClasses() throws ReflectiveOperationException {
        JavaFileObject file = source("demo.Legacy", "@Deprecated public final class Legacy {",
                "    @Deprecated(forRemoval = true)",
                "    static double old(double x) {",
                "        return x * x;",
                "    }",
                "    @Deprecated",
                "    @Differentiable",
                "    public static double f(double x) {",
                "        return old(x) * 3.0;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeededWithoutWarnings();
        // the API class names the deprecated class and method; the implementation also inlines old()
        assertThat(generated(c, "demo.LegacyAdjoint").orElseThrow()).contains("@SuppressWarnings(\"deprecation\")");
        assertThat(generated(c, "demo.LegacyAdjointImpl").orElseThrow()).contains("@SuppressWarnings({\"deprecation\", \"removal\"})");
        JavaFileObject boxed = functions(
                "    @Differentiable",
                "    @SuppressWarnings(\"removal\")",
                "    static double boxed(double x) {",
                "        return new Double(2.0) * x + new Double(3) * x * x;",
                "    }");
        Compilation b = compile(boxed);
        assertThat(b).succeededWithoutWarnings();
        assertThat(Sources.gradient(b, "boxed", "x", 2.0)).isEqualTo(14.0);
    }

    @Test
    void privateMethodIsDifferentiated() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    private static double secret(double x) {",
                "        return x * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(Sources.gradient(c, "secret", "x", 3.0)).isEqualTo(6.0);
    }

    @Test
    void overloadsShareAName() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        return x * y;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double f(double x, double y)",
                "[AdjointDuplicateName] two @Differentiable methods in Functions are named f",
                "would clash: rename one (e.g. f2)");
        // The first f keeps its adjoint; the rejected overload gets none.
        assertGenerated(c, "f");
        assertThat(generated(c, Sources.FUNCTIONS_ADJOINT).orElseThrow()).doesNotContain("fPullback(double x, double y");
    }

    @Test
    void namesDifferingOnlyInFirstLetterCase() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double F(double x) {",
                "        return x + x;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double F(",
                "[AdjointDuplicateName] two @Differentiable methods in Functions are named f and F",
                "their generated FGradient and FPullback would clash",
                "rename one (e.g. F2)");
        assertGenerated(c, "f");
        assertNotGenerated(c, "F");
    }

    @Test
    void wrtNamesNoParameter() {
        JavaFileObject file = functions(
                "    @Differentiable(wrt = {\"z\"})",
                "    static double f(double x, double y) {",
                "        return x * y;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "@Differentiable(wrt = {\"z\"})",
                "[AdjointUnknownWrt] wrt names \"z\", which is not a parameter of f",
                "its parameters are x, y");
        assertNotGenerated(c, "f");
    }

    @Test
    void wrtNamesAnIntParameter() {
        JavaFileObject file = functions(
                "    @Differentiable(wrt = {\"n\"})",
                "    static double f(double x, int n) {",
                "        return x * n;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "@Differentiable(wrt = {\"n\"})",
                "[AdjointWrtNotDifferentiable] wrt names parameter n of f",
                "only double, double[] and record parameters with such components can be differentiated");
        assertNotGenerated(c, "f");
    }

    @Test
    void noDoubleParameter() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double half(int n) {",
                "        return n / 2.0;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double half(",
                "[AdjointNothingToDifferentiate] @Differentiable method half has no double or double[] parameter to differentiate",
                "add one or remove the annotation");
        assertNotGenerated(c, "half");
    }

    @Test
    void floatParameterIsData() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x,",
                "                    float scale) {",
                "        return x * scale;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(Sources.gradient(c, "f", "x", 3.0, 0.5f)).isEqualTo(0.5);
    }

    @Test
    void floatParameterNamedInWrt() {
        JavaFileObject file = functions(
                "    @Differentiable(wrt = {\"x\", \"scale\"})",
                "    static double f(double x, float scale) {",
                "        return x * scale;",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "@Differentiable(wrt",
                "[AdjointWrtNotDifferentiable] wrt names parameter scale of f, which is of type float",
                "float values are data: declare it double to differentiate it");
        assertNotGenerated(c, "f");
    }

    @Test
    void floatArrayParameterIsData() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x,",
                "                    float[] weights) {",
                "        return x * weights[0];",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(Sources.gradient(c, "f", "x", 3.0, new float[] {0.25f})).isEqualTo(0.25);
    }

    @Test
    void wrtNamesAMatrixParameter() {
        JavaFileObject file = functions(
                "    @Differentiable(wrt = {\"m\"})",
                "    static double f(double x, double[][] m) {",
                "        return x * m[0][0];",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "@Differentiable(wrt = {\"m\"})",
                "[AdjointWrtNotDifferentiable] wrt names parameter m of f, which is of type double[][]",
                "(double[][] is read as data)");
        assertNotGenerated(c, "f");
    }

    /**
     * A checked exception in the throws clause is declared by the generated members too (once
     * refused here); one they cannot name is refused at the method (DiagnosticsCatchTest).
     */
    @Test
    void checkedExceptionInThrowsClause() throws Exception {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) throws java.io.IOException {",
                "        return x * x;",
                "    }");
        Compilation c = compile(file);
        assertGradientMatchesFiniteDifferences(c, "f", 0.7);
        assertThat(generated(c, "demo.FunctionsAdjoint").orElseThrow()).contains("throws IOException");
    }

    @Test
    void methodInNonStaticInnerClass() {
        JavaFileObject file = source("demo.Outer", "public final class Outer {",
                "    final class Inner {",
                "        @Differentiable",
                "        static double f(double x) {",
                "            return x * x;",
                "        }",
                "    }");
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double f(",
                "[AdjointInnerClass] @Differentiable method f is in inner class Inner",
                "make the class static");
        assertThat(generated(c, "demo.Outer_InnerAdjoint")).isEmpty();
    }

    /** Hipparchus' ContinuedFraction: the coefficients come from abstract methods of this object. */
    @Test
    void methodCallingAnAbstractMethodOfThisObject() {
        JavaFileObject file = source("demo.Fraction", "public abstract class Fraction {",
                "    protected abstract double getA(int n, double x);",
                "",
                "    @Differentiable",
                "    public double evaluate(double x) {",
                "        double h = getA(0, x);",
                "        for (int n = 1; n < 10; n++) {",
                "            h = getA(n, x) + 1 / h;",
                "        }",
                "        return h;",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertError(c, file, "double h = getA(0, x);", "[AdjointUnsupportedCall] cannot differentiate through "
                + "this.getA(...): Fraction.getA is abstract, so the code it runs is chosen at run time");
        assertError(c, file, "h = getA(n, x) + 1 / h;", "[AdjointUnsupportedCall] cannot differentiate through this.getA");
    }

    // ------------------------------------------------------------------ the JVM's 255 parameter slots

    /** {@code static double name(double x0, ..., double x(n-1))}: Σ x_i x_(i+1) + sin x_i, cyclic. */
    private static String[] wide(String annotation, String name, int n) {
        StringBuilder params = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < n; i++) {
            params.append(i == 0 ? "" : ", ").append("double x").append(i);
            body.append(i == 0 ? "" : " + ").append("x").append(i).append(" * x").append((i + 1) % n)
                    .append(" + Math.sin(x").append(i).append(")");
        }
        return new String[] {"    " + annotation, "    static double " + name + "(" + params + ") {",
            "        return " + body + ";", "    }"};
    }

    /**
     * 64 double parameters are 128 slots, and fTangent, a direction per input on top, would need
     * 256 of the JVM's 255: javac could not write it ("too many parameters", in generated code).
     * Refused at the method, nothing generated; 63 (fTangent 252 slots) compile, and their
     * gradient is right (the cyclic sum's ∂/∂x_i = x_(i-1) + x_(i+1) + cos x_i).
     */
    @Test
    void sixtyFourDoublesAreTooManyForTheTangentAndSixtyThreeFit() throws ReflectiveOperationException {
        JavaFileObject file = functions(wide("@Differentiable", "wide", 64));
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double wide(", "[AdjointTooManyParameters] @Differentiable method wide has "
                + "too many parameters for its generated members: wideTangent would need 256 parameter slots, over the "
                + "JVM's 255 (a double takes two), as it takes a direction for each differentiated input besides the "
                + "parameters; pass the inputs in a double[] instead");
        assertNotGenerated(c, "wide");

        int n = 63;
        Compilation fits = compile(functions(wide("@Differentiable", "wide", n)));
        assertThat(fits).succeededWithoutWarnings();
        ClassLoader loader = Sources.classLoader(fits);
        Class<?> api = loader.loadClass("demo.FunctionsAdjoint");
        Class<?>[] types = new Class<?>[n];
        Object[] args = new Object[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            types[i] = double.class;
            x[i] = 0.1 + 0.01 * i;
            args[i] = x[i];
        }
        Object g = api.getMethod("wideGradient", types).invoke(null, args);
        for (int i = 0; i < n; i++) {
            double expected = x[(i + n - 1) % n] + x[(i + 1) % n] + Math.cos(x[i]);
            org.junit.jupiter.api.Assertions.assertEquals(expected, g.getClass().getField("x" + i).getDouble(g), 1e-12,
                    "d/dx" + i);
        }
    }

    /** Second order's fPullbackTangent takes 4n + 6 slots: 62 doubles fit (254), 63 do not (258). */
    @Test
    void secondOrderFitsSixtyTwoDoubles() {
        JavaFileObject file = functions(wide("@Differentiable(order = 2)", "wide", 63));
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double wide(", "[AdjointTooManyParameters] @Differentiable method wide has "
                + "too many parameters for its generated members: widePullbackTangent would need 258 parameter slots");
        assertThat(compile(functions(wide("@Differentiable(order = 2)", "wide", 62)))).succeededWithoutWarnings();
    }

    /**
     * A method of order 1 that an order-2 method calls gets fPullbackTangent in the implementation:
     * with 63 doubles it would not compile, so it is refused there, naming the caller, and the
     * caller has no second order.
     */
    @Test
    void anOrderTwoCallerOfAWideMethodIsRefusedAtTheCallee() {
        String[] callee = wide("@Differentiable", "wide", 63);
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < 63; i++) {
            args.append(i == 0 ? "" : ", ").append(i % 2 == 0 ? "x" : "y");
        }
        String[] members = java.util.Arrays.copyOf(callee, callee.length + 4);
        members[callee.length] = "    @Differentiable(order = 2)";
        members[callee.length + 1] = "    static double outer(double x, double y) {";
        members[callee.length + 2] = "        return wide(" + args + ") * x;";
        members[callee.length + 3] = "    }";
        JavaFileObject file = functions(members);
        Compilation c = compile(file);
        assertError(c, file, "static double wide(", "[AdjointTooManyParameters] @Differentiable method wide has too "
                + "many parameters for its generated members: widePullbackTangent (which outer of order 2 needs) would "
                + "need 258 parameter slots");
        assertError(c, file, "return wide(", "[AdjointNoSecondOrder] no second-order members for outer: it calls wide");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
    }
    /** A loop of {@code n} statements {@code s = s * 0.999 + Math.sin(s * y + k) * x;}, twice. */
    private static JavaFileObject bigLoop(int order, int n) {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("    @Differentiable(order = " + order + ")",
                "    static double big(double x, double y) {", "        double s = x;",
                "        for (int i = 0; i < 2; i++) {"));
        for (int k = 0; k < n; k++) {
            lines.add("            s = s * 0.999 + Math.sin(s * y + " + k + ") * x;");
        }
        lines.addAll(java.util.List.of("        }", "        return s;", "    }"));
        return functions(lines.toArray(new String[0]));
    }

    /**
     * A loop is never cut into parts: one whose reverse sweep would pass the JVM's 64 KB per method
     * is refused at the method, where javac used to reject the generated file ("code too large");
     * 400 statements (60 KB compiled) still fit.
     */
    @Test
    void aLoopTooLargeForOneMethodIsRefusedAtTheMethod() {
        JavaFileObject file = bigLoop(1, 600);
        Compilation c = compile(file);
        assertOnlyError(c, file, "static double big(", "[AdjointNotYetSupported] cannot differentiate big: the "
                + "derivative of one of its loops would be over the JVM's 64 KB limit for one method, and Adjoint does "
                + "not split the inside of a loop or branch yet; move part of its body into a helper method, or split "
                + "it into two loops");
        JavaFileObject second = bigLoop(2, 200);
        assertOnlyError(compile(second), second, "static double big(", "(or ask for order = 1: second order is about "
                + "three times larger)");
        assertThat(compile(bigLoop(1, 400))).succeededWithoutWarnings();
    }
}

