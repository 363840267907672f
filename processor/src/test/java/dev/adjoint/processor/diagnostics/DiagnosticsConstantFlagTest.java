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
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A helper given a constant flag is read for that constant (read/Given): the code the flag turns
 * on is still refused where it runs, when the flag is {@code true}, when it is not a constant, and
 * when the helper assigns the flag, which is then no constant there.
 */
class DiagnosticsConstantFlagTest {

    /** A helper that builds an object from differentiated values when asked, then the given members. */
    private static JavaFileObject withFlaggedHelper(String... members) {
        List<String> lines = new ArrayList<>(List.of(
                "    static Object derivative;",
                "",
                "    static double step(double x, boolean derivate) {",
                "        double y = Math.sin(x) * x;",
                "        if (derivate) {",
                "            derivative = Double.valueOf(Math.cos(x) * x + Math.sin(x));",
                "        }",
                "        return y;",
                "    }",
                "",
                "    static double stepAgain(double x, boolean derivate) {",
                "        derivate = derivate || x > 100;",
                "        if (derivate) {",
                "            derivative = new StringBuilder().append(x);",
                "        }",
                "        return x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double off(double x) {",
                "        return step(x, false) + step(2 * x, false);",
                "    }",
                ""));
        lines.addAll(Arrays.asList(members));
        return functions(lines.toArray(String[]::new));
    }

    @Test
    void theCodeAFlagTurnsOnIsRefusedWhereItRuns() {
        JavaFileObject file = withFlaggedHelper(
                "    @Differentiable",
                "    static double on(double x) {",
                "        return step(x, false) + step(x, true);",
                "    }",
                "",
                "    @Differentiable",
                "    static double notConstant(double x, boolean wanted) {",
                "        return step(x, wanted);",
                "    }",
                "",
                "    @Differentiable",
                "    static double assigned(double x) {",
                "        return stepAgain(x, false);",
                "    }");
        Compilation c = compile(file);
        // the write of a field holding the derivative, where the flag may be true (reached from each caller)
        assertError(c, file, "derivative = Double.valueOf(Math.cos(x) * x + Math.sin(x));", "[AdjointFieldWrite]");
        assertError(c, file, "derivative = new StringBuilder().append(x);", "[AdjointFieldWrite]");
        assertNoCrash(c);
        assertGenerated(c, "off");
        assertNotGenerated(c, "on");
        assertNotGenerated(c, "notConstant");
        assertNotGenerated(c, "assigned");
        assertThat(c).hadErrorCount(2); // one error per line, however many methods reach it
    }
}
