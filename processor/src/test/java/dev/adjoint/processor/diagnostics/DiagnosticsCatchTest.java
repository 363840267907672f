package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The tries Adjoint refuses (read/Catches): where rewriting each throw into what its catch throws
 * could be wrong, or the generated code could not compile. Each is an error at the line of what
 * refuses it, and the method beside it that rethrows as supported is still generated.
 */
class DiagnosticsCatchTest {

    /** A checked exception and a helper that throws it, then the given members. */
    private static JavaFileObject withChecked(String... members) {
        List<String> lines = new ArrayList<>(List.of(
                "    public static final class Diverged extends Exception {",
                "        private static final long serialVersionUID = 1L;",
                "",
                "        public Diverged(String message) {",
                "            super(message);",
                "        }",
                "    }",
                "",
                "    static double solve(double x) throws Diverged {",
                "        if (x > 100) {",
                "            throw new Diverged(\"x = \" + x);",
                "        }",
                "        return Math.sqrt(x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double supported(double x) {",
                "        try {",
                "            return solve(x) * x;",
                "        } catch (Diverged e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "    }",
                ""));
        lines.addAll(Arrays.asList(members));
        return functions(lines.toArray(String[]::new));
    }

    private static void assertRefusedBesideSupported(String line, String... fragments) {
        assertRefusedBesideSupported(new String[0], line, fragments);
    }

    private static void assertRefusedBesideSupported(String[] method, String line, String... fragments) {
        JavaFileObject file = withChecked(method);
        Compilation c = compile(file);
        assertOnlyError(c, file, line, fragments);
        assertGenerated(c, "supported");
        assertNotGenerated(c, "refused");
    }

    @Test
    void finallyBlock() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try /* finally */ {",
                "            return solve(x);",
                "        } catch (Diverged e) {",
                "            throw new IllegalStateException(e);",
                "        } finally {",
                "            System.out.println(x);",
                "        }",
                "    }"},
                "try /* finally */ {",
                "[AdjointUnsupportedStatement] cannot differentiate a try statement with a finally block",
                "move it out of the @Differentiable method (into its caller), or end the catches with a throw and drop "
                        + "the finally");
    }

    @Test
    void resources() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try (java.io.StringReader r = new java.io.StringReader(\"\")) {",
                "            return x * x;",
                "        }",
                "    }"},
                "try (java.io.StringReader r",
                "[AdjointUnsupportedStatement] cannot differentiate a try-with-resources statement",
                "move it out of the @Differentiable method (into its caller)");
    }

    @Test
    void catchOfException() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try {",
                "            return solve(x);",
                "        } catch (Exception e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "    }"},
                "} catch (Exception e) {",
                "[AdjointUnsupportedStatement] cannot differentiate a catch of Exception: it takes unchecked exceptions "
                        + "too, which a call, a division or an array access may throw where no throw is written",
                "catch only the checked exceptions the code throws, or move the try into the caller");
    }

    @Test
    void catchOfAnUncheckedException() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try {",
                "            return Math.log(x) / x;",
                "        } catch (ArithmeticException e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "    }"},
                "} catch (ArithmeticException e) {",
                "[AdjointUnsupportedStatement] cannot differentiate a catch of ArithmeticException: it takes an "
                        + "unchecked exception");
    }

    @Test
    void catchThatGoesOn() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try {",
                "            return solve(x);",
                "        } catch (Diverged nan) {",
                "            return Double.NaN;",
                "        }",
                "    }"},
                "} catch (Diverged nan) {",
                "[AdjointUnsupportedStatement] cannot differentiate a catch block that does more than throw",
                "make the block one throw statement (throw new IllegalStateException(nan)), or move the try into the caller");
    }

    @Test
    void catchReadingALocal() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        double scale = 2 * x;",
                "        try {",
                "            return solve(scale);",
                "        } catch (Diverged failure) {",
                "            throw new IllegalStateException(\"scale \" + scale, failure);",
                "        }",
                "    }"},
                "} catch (Diverged failure) {",
                "[AdjointUnsupportedStatement] cannot differentiate a catch block whose throw reads scale",
                "build it from the caught exception and constants only, or move the try into the caller");
    }

    @Test
    void callOfALibraryMethodDeclaringACheckedException() {
        assertRefusedBesideSupported(new String[] {
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try {",
                "            Thread.sleep(0);",
                "            return x * x;",
                "        } catch (InterruptedException e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "    }"},
                "Thread.sleep(0);",
                "[AdjointUnsupportedCall] cannot call Thread.sleep(long) here: it declares the checked "
                        + "InterruptedException, and Adjoint does not read its body to see where it throws",
                "the generated code, which calls it as written and keeps no try, could not catch it here; make it a "
                        + "helper of this build whose body Adjoint inlines, or call it outside the try");
    }

    @Test
    void constructorDeclaringACheckedException() {
        assertRefusedBesideSupported(new String[] {
                "    static final class Opened {",
                "        Opened(double x) throws Diverged {",
                "            if (x > 1) {",
                "                throw new Diverged(\"open\");",
                "            }",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double refused(double x) {",
                "        try {",
                "            Object o = new Opened(1.0);",
                "            return x * x + (o == null ? 1 : 0);",
                "        } catch (Diverged e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "    }"},
                "Object o = new Opened(1.0);",
                "[AdjointUnsupportedExpression] cannot differentiate new Opened(1.0): this constructor declares the "
                        + "checked Diverged");
    }

    /**
     * A lambda's body is read apart from the catches around its call: a checked exception thrown
     * there is refused, even where the method declares it.
     */
    @Test
    void checkedExceptionThrownInALambda() {
        assertRefusedBesideSupported(new String[] {
                "    interface Step {",
                "        double apply(double x) throws Diverged;",
                "    }",
                "",
                "    @Differentiable",
                "    static double refused(double x) throws Diverged {",
                "        Step step = t -> {",
                "            if (t > 10) {",
                "                throw new Diverged(\"t = \" + t);",
                "            }",
                "            return t * t;",
                "        };",
                "        return step.apply(x);",
                "    }"},
                "throw new Diverged(\"t = \" + t);",
                "[AdjointUnsupportedStatement] cannot differentiate a throw of the checked Diverged in the body of a "
                        + "lambda or anonymous class: Adjoint reads it apart from the catches around its call",
                "throw an unchecked exception there");
    }

    /** The generated members declare the method's checked exceptions: one they cannot name is refused at the method. */
    @Test
    void checkedExceptionTheGeneratedMembersCannotName() {
        assertRefusedBesideSupported(new String[] {
                "    private static final class Hidden extends Exception {",
                "        private static final long serialVersionUID = 1L;",
                "    }",
                "",
                "    @Differentiable",
                "    static double refused(double x) throws Hidden {",
                "        if (x > 10) {",
                "            throw new Hidden();",
                "        }",
                "        return x * x;",
                "    }"},
                "static double refused(double x) throws Hidden {",
                "[AdjointCheckedException] @Differentiable method refused throws the checked demo.Functions.Hidden, "
                        + "which its generated members, declaring it too, cannot name from package demo",
                "make the exception class visible there (not private), or throw an unchecked exception");
    }

    /** A method declaring the exception lets it out of a helper, a library call and a constructor: accepted. */
    @Test
    void checkedExceptionsLetOutOfTheMethodAreAccepted() {
        JavaFileObject file = withChecked(
                "    static final class Opened {",
                "        Opened(double x) throws Diverged {",
                "            if (x > 100) {",
                "                throw new Diverged(\"open\");",
                "            }",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double letOut(double x) throws Diverged, InterruptedException {",
                "        Thread.sleep(0);",
                "        Object o = new Opened(1.0);",
                "        return solve(x) * x + (o == null ? 1 : 0);",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "supported");
        assertGenerated(c, "letOut");
    }

    /** In one method, a catch that goes on is refused at its line, and the try beside it that rethrows is not. */
    @Test
    void aCatchThatGoesOnBesideOneThatRethrows() {
        JavaFileObject file = withChecked(
                "    @Differentiable",
                "    static double refused(double x) {",
                "        double y;",
                "        try {",
                "            y = solve(x);",
                "        } catch (Diverged ignored) {",
                "            y = 0;",
                "        }",
                "        try {",
                "            y += solve(y);",
                "        } catch (Diverged e) {",
                "            throw new IllegalStateException(e);",
                "        }",
                "        return y;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "} catch (Diverged ignored) {", "[AdjointUnsupportedStatement] cannot differentiate a catch block that does "
                + "more than throw");
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertGenerated(c, "supported");
    }
}
