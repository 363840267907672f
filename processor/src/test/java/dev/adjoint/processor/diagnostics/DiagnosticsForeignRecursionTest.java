package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.DiagnosticsRecursionTest.WHY;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stays refused of the helpers of other classes that call themselves (those Adjoint
 * differentiates as methods of their own are checked in {@code numeric/ForeignRecursionTest}): one
 * of a class the adjoint class cannot name, one writing its array, an instance method of another
 * object, one whose generated names the caller's adjoint class already uses, one of a class nested
 * in the caller's (each refused at its recursive call, in its own file, with the call that reaches
 * it), and one of a library without source (a call Adjoint cannot see into). Nothing is generated for the method that reaches it.
 */
class DiagnosticsForeignRecursionTest {

    @TempDir
    Path dir;

    /** {@code demo.Functions.f(x)}, on line 7, calling {@code call} (line 8). */
    private static JavaFileObject caller(String call) {
        return functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return " + call + " + x;",
                "    }");
    }

    private static void assertRefusedAtRecursiveCall(Compilation c, JavaFileObject file, int line, String helper,
            String reached) {
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of " + helper
                + WHY + " (reached from f through its call of " + reached + " at Functions.java:8)").inFile(file)
                .onLine(line);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /** A package-private class of another package: the adjoint class, in package demo, cannot name it. */
    @Test
    void recursiveHelperOfAClassTheAdjointCannotNameIsRefused() {
        JavaFileObject series = JavaFileObjects.forSourceLines("lib.Series",
                "package lib;",
                "",
                "public final class Series {",
                "    public static double power(double x, int n) {",
                "        return Steps.power(x, n);",
                "    }",
                "}");
        JavaFileObject steps = JavaFileObjects.forSourceLines("lib.Steps",
                "package lib;",
                "",
                "final class Steps {",
                "    static double power(double x, int n) {",
                "        return n == 0 ? 1 : x * power(x, n - 1);",
                "    }",
                "}");
        Compilation c = compile(caller("lib.Series.power(x, 3)"), series, steps);
        assertRefusedAtRecursiveCall(c, steps, 5, "Steps.power(double, int)", "Series.power(double, int)");
    }

    @Test
    void recursiveHelperOfAnotherClassWritingItsArrayIsRefused() {
        JavaFileObject series = JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "public final class Series {",
                "    public static double doubled(double[] w, int i) {",
                "        if (i == w.length) {",
                "            return 0;",
                "        }",
                "        w[i] *= 2;",
                "        return w[i] + doubled(w, i + 1);",
                "    }",
                "}");
        Compilation c = compile(caller("Series.doubled(new double[] {x, 2 * x}, 0)"), series);
        assertRefusedAtRecursiveCall(c, series, 9, "Series.doubled(double[], int)", "Series.doubled(double[], int)");
    }

    /** An instance method of another object: its fields are data, but a recursion inlined has no end. */
    @Test
    void recursiveInstanceHelperOfAnotherObjectIsRefused() {
        JavaFileObject series = JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "public final class Series {",
                "    private final double rate = 0.5;",
                "",
                "    public double decay(double x, int n) {",
                "        return n == 0 ? x : rate * decay(x, n - 1);",
                "    }",
                "}");
        Compilation c = compile(caller("new Series().decay(x * x, 3)"), series);
        assertRefusedAtRecursiveCall(c, series, 7, "Series.decay(double, int)", "Series.decay(double, int)");
    }

    /**
     * A helper whose generated members would take the names of the caller's own method's
     * ({@code erfPullback} twice in one adjoint class) gets members named apart ({@code erf2}), and
     * its value from the implementation's copy of its body (it was refused at its recursive call).
     */
    @Test
    void recursiveHelperNamedAsAMethodOfTheCallerGetsNamesOfItsOwn() throws Exception {
        JavaFileObject series = JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "public final class Series {",
                "    public static double erf(double x) {",
                "        return x < 0 ? -erf(-x) : Math.tanh(1.2 * x);",
                "    }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Series.erf(x) + x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double erf(double x) {",
                "        return x * x;",
                "    }");
        Compilation c = compile(functions, series);
        assertThat(c).succeededWithoutWarnings();
        double slope = 1.2 * (1 - Math.pow(Math.tanh(0.84), 2)) + 1;
        for (double x : new double[] {0.7, -0.7}) {
            Sources.assertGradientMatchesFiniteDifferences(c, "f", x);
            assertThat(Sources.gradient(c, "f", "x", x)).isWithin(1e-12).of(slope);
        }
    }

    /** A recursive helper whose body holds what Adjoint refuses wherever a derivative flows (a list of its values). */
    private static final JavaFileObject COLLECTING = JavaFileObjects.forSourceLines("demo.Series",
            "package demo;",
            "",
            "public final class Series {",
            "    private Series() {}",
            "",
            "    public static double power(double x, int n) {",
            "        java.util.List<Double> seen = new java.util.ArrayList<>();",
            "        seen.add(x);",
            "        return n == 0 ? 1 : x * power(x, n - 1) + seen.size();",
            "    }",
            "}");

    /**
     * Such a helper is not planned as a method of its own (where every double would be differentiated,
     * so the list refused): given a differentiated value it is refused as before, for what its body holds.
     */
    @Test
    void recursiveHelperHoldingWhatIsRefusedIsRefusedWhereADerivativeFlowsIn() {
        Compilation c = compile(caller("Series.power(x, 2)"), COLLECTING);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through List.add(E)")
                .inFile(COLLECTING).onLine(8);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of "
                + "Series.power(double, int)" + WHY + " (reached from f through its call of Series.power(double, int) at "
                + "Functions.java:8)").inFile(COLLECTING).onLine(9);
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /** ... and, given none, it is called as written, as it was before recursions of other classes were planned. */
    @Test
    void recursiveHelperHoldingWhatIsRefusedIsCalledAsWrittenWhereNoDerivativeFlows() throws Exception {
        Compilation c = compile(caller("Series.power(2.0, 3) * x"), COLLECTING);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.7);
        // power(2, n) = 2 power(2, n - 1) + 1 from power(2, 0) = 1: 15, and f = 15x + x
        assertThat(Sources.gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(16.0);
    }

    /** The same of a helper that keeps its last argument in a field: Adjoint refuses writes to fields. */
    @Test
    void recursiveHelperWritingAFieldIsCalledAsWrittenWhereNoDerivativeFlows() throws Exception {
        JavaFileObject series = JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "public final class Series {",
                "    private static double last;",
                "",
                "    private Series() {}",
                "",
                "    public static double power(double x, int n) {",
                "        last = x;",
                "        return n == 0 ? 1 : x * power(x, n - 1) + last;",
                "    }",
                "}");
        Compilation c = compile(caller("Series.power(2.0, 3) * x"), series);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.7);
        // power(2, n) = 2 power(2, n - 1) + 2 from power(2, 0) = 1: 22, and f = 22x + x
        assertThat(Sources.gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(23.0);
    }

    /** The same of a helper calling a library's method (boxing its argument), which Adjoint cannot follow. */
    @Test
    void recursiveHelperCallingALibraryIsCalledAsWrittenWhereNoDerivativeFlows() throws Exception {
        JavaFileObject series = JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "public final class Series {",
                "    private Series() {}",
                "",
                "    public static double power(double x, int n) {",
                "        return n == 0 ? 1 : x * power(x, n - 1) + java.util.Objects.hash(x, n) * 0.0;",
                "    }",
                "}");
        Compilation c = compile(caller("Series.power(2.0, 3) * x"), series);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.7);
        assertThat(Sources.gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(9.0); // 2³ x + x
    }

    /**
     * A recursion in a class nested beside the caller's (Commons Math's {@code Gamma} copied as a
     * nested class) is planned as one of another class is, once for the site, and both nested
     * callers call it there.
     */
    @Test
    void recursiveHelperOfANestedClassOfTheCallerIsDifferentiated() throws Exception {
        Compilation c = compile(functions(
                "    static final class Steps {",
                "        static double power(double x, int n) {",
                "            return n == 0 ? 1 : x * power(x, n - 1);",
                "        }",
                "    }",
                "",
                "    static final class Other {",
                "        @Differentiable",
                "        static double g(double x) {",
                "            return Steps.power(x, 2);",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Steps.power(x, 3) + x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.7);
        assertThat(Sources.gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(3 * 0.49 + 1);
    }

    /** Writes {@code demo.Series}, a recursive helper, in its first round: a class of a later round than its caller's. */
    private static final class GeneratesSeries extends AbstractProcessor {
        private boolean done;

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (done) {
                return false;
            }
            done = true;
            try (Writer w = processingEnv.getFiler().createSourceFile("demo.Series").openWriter()) {
                w.write("package demo;\n\npublic final class Series {\n    public static double power(double x, int n) {\n"
                        + "        return n == 0 ? 1 : x * power(x, n - 1);\n    }\n}\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        }
    }

    /**
     * A helper of a class another processor generates after the caller's adjoint class is planned:
     * not planned as a method of its own (it did not exist yet), so it is inlined and refused at its
     * recursive call, in the generated file.
     */
    @Test
    void recursiveHelperOfAClassOfALaterRoundIsRefused() {
        JavaFileObject functions = caller("Series.power(x, 3)");
        Compilation c = Compiler.javac().withProcessors(new GeneratesSeries(), new AdjointProcessor()).compile(functions);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate the recursive call of "
                + "Series.power(double, int)" + WHY + " (reached from f through its call of Series.power(double, int) at "
                + "Functions.java:8)");
        assertThat(c).hadErrorCount(1);
        assertThat(c.errors().get(0).getSource().getName()).endsWith("Series.java");
        assertThat(c.errors().get(0).getLineNumber()).isEqualTo(5);
        assertNoCrash(c);
    }

    /** A library's helper, compiled earlier without the processor: no source to differentiate. */
    @Test
    void recursiveHelperOfALibraryWithoutSourceIsACallAdjointCannotSeeInto() {
        Compilation library = Compiler.javac().compile(JavaFileObjects.forSourceLines("lib.Num",
                "package lib;",
                "",
                "public final class Num {",
                "    public static double erf(double x) {",
                "        return x < 0 ? -erf(-x) : Math.tanh(1.2 * x);",
                "    }",
                "}"));
        assertThat(library).succeededWithoutWarnings();
        Path classes = Sources.writeClassFiles(library, dir.resolve("library"));
        List<File> classPath = new ArrayList<>(List.of(classes.toFile()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }
        JavaFileObject functions = caller("lib.Num.erf(x)");
        Compilation c = Compiler.javac().withProcessors(new AdjointProcessor()).withClasspath(classPath)
                .compile(functions);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Num.erf(double)")
                .inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertThat(c.diagnostics().toString()).contains("@Differentiable");
    }
}
