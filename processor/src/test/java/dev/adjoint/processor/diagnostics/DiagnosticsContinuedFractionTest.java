package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Anonymous continued fractions Adjoint does not read as the loop they run (read/Fractions): each
 * refused at the line that keeps it from doing so, with the way out; none compiles into a
 * derivative that skips the fraction's.
 */
class DiagnosticsContinuedFractionTest {

    private static final String CF = "org.apache.commons.math3.util.ContinuedFraction";

    /** {@code demo.Functions.f(x)} declaring {@code cf} on line 8 with the class body {@code members} from line 9, then {@code rest}. */
    private static JavaFileObject f(String[] members, String... rest) {
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
                "    @Differentiable",
                "    static double f(double x) {",
                "        " + CF + " cf = new " + CF + "() {"));
        lines.addAll(java.util.List.of(members));
        lines.add("        };");
        lines.addAll(java.util.List.of(rest));
        lines.add("    }");
        return functions(lines.toArray(String[]::new));
    }

    private static final String[] TERMS = {
        "            protected double getA(int n, double y) { return 1.0 + x * y; }",
        "            protected double getB(int n, double y) { return x; }"};

    private static void assertRefused(JavaFileObject source, String message, int line) {
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(message).inFile(source).onLine(line);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void aFractionPassedOnIsRefusedWhereItIsUsed() {
        assertRefused(f(TERMS, "        return cf.evaluate(x) + String.valueOf(cf).length();"),
                "[AdjointUnsupportedExpression] cannot use the anonymous object cf here: Adjoint reads an anonymous "
                        + "subclass (a ContinuedFraction) where its methods are called and nowhere else, so it is never "
                        + "built; call its method on it, and pass on the value it gives", 12);
    }

    @Test
    void aFractionWithAFieldIsRefusedAtTheField() {
        assertRefused(f(new String[] {"            private final double k = 2.0;", TERMS[0], TERMS[1]},
                "        return cf.evaluate(x);"),
                "[AdjointUnsupportedExpression] cannot differentiate through this anonymous ContinuedFraction: Adjoint "
                        + "reads an anonymous class whose body holds methods its superclass declares abstract and nothing "
                        + "else", 9);
    }

    @Test
    void aTermCallingTheOtherOnTheObjectIsRefused() {
        assertRefused(f(new String[] {"            protected double getA(int n, double y) { return 1.0 + getB(n, y); }",
            TERMS[1]}, "        return cf.evaluate(x);"),
                "[AdjointUnsupportedExpression] cannot differentiate through this anonymous ContinuedFraction: getB "
                        + "uses the object itself, which Adjoint never builds", 9);
    }

    @Test
    void aFractionAssignedAgainIsRefusedAtTheAssignment() {
        assertRefused(f(TERMS, "        cf = null;", "        return cf.evaluate(x);"),
                "[AdjointUnsupportedExpression] cannot use the anonymous object cf = null here", 12);
    }

    @Test
    void aFractionDeclaredFirstAndAssignedLaterIsRefusedAtTheCreation() {
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        " + CF + " cf;",
                "        cf = new " + CF + "() {",
                TERMS[0],
                TERMS[1],
                "        };",
                "        return cf.evaluate(x);",
                "    }");
        // and the call of its evaluate, through an object Adjoint cannot see into
        assertRefusedTwice(source, "[AdjointUnsupportedExpression] cannot differentiate an anonymous or inner class "
                + "creation", 9, 13);
    }

    @Test
    void aSecondNameForAFractionIsRefusedWhereItIsGiven() {
        assertRefusedTwice(f(TERMS, "        " + CF + " g = cf;", "        return g.evaluate(x);"),
                "[AdjointUnsupportedExpression] cannot use the anonymous object cf here", 12, 13);
    }

    /** Refused at {@code line}, and once more where the object Adjoint does not follow is called ({@code called}). */
    private static void assertRefusedTwice(JavaFileObject source, String message, int line, int called) {
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(message).inFile(source).onLine(line);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through "
                + "ContinuedFraction.evaluate(double)").inFile(source).onLine(called);
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void aClassInsideATermIsRefused() {
        assertRefused(f(new String[] {
            "            protected double getA(int n, double y) {",
            "                return 1.0 + new Object() { double twice() { return 2 * x; } }.twice();",
            "            }",
            TERMS[1]}, "        return cf.evaluate(x);"),
                "[AdjointUnsupportedExpression] cannot differentiate through this anonymous ContinuedFraction", 10);
    }

    /**
     * An abstract class of the build evaluated through an anonymous subclass: its method is read
     * from source, its call on {@code this} goes to the subclass's method, and a static function it
     * calls by its simple name (imported statically) stays the function it is.
     */
    @Test
    void aStatelessAbstractClassOfTheBuildIsReadFromSource() throws Exception {
        JavaFileObject series = com.google.testing.compile.JavaFileObjects.forSourceLines("demo.Series",
                "package demo;",
                "",
                "import static java.lang.Math.abs;",
                "",
                "public abstract class Series {",
                "    protected abstract double term(int n, double x);",
                "",
                "    public double sum(double x, int terms) {",
                "        double s = 0;",
                "        for (int n = 0; n < terms; n++) {",
                "            s += abs(term(n, x));",
                "        }",
                "        return s;",
                "    }",
                "}");
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x, double a) {",
                "        return new Series() {",
                "            protected double term(int n, double y) {",
                "                return a * Math.pow(y, n) / (n + 1);",
                "            }",
                "        }.sum(x, 6);",
                "    }");
        Compilation c = compile(source, series);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.4, 1.3);
    }

    @Test
    void aFractionReadWithoutADerivativeIsStillNotBuilt() throws Exception {
        // no derivative reaches the fraction (its terms are constants): read as a loop all the same
        JavaFileObject source = f(new String[] {
            "            protected double getA(int n, double y) { return 2.0; }",
            "            protected double getB(int n, double y) { return 1.0; }"}, "        return x * cf.evaluate(0.5);");
        Compilation c = compile(source);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.7);
    }
}
