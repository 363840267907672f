package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Calls into other classes, judged from the site: the package of the {@code @Differentiable}
 * method's class, where its adjoint class is generated.
 */
class DiagnosticsForeignHelperTest {

    /** {@code demo.Functions.f(x)}, on line 7, calling {@code call} (line 8). */
    private static JavaFileObject caller(String call) {
        return functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return " + call + " + x;",
                "    }");
    }

    /** A method with @DerivativeOf partials: called from another package, its partials must be callable from there. */
    @Test
    void partialsTheSiteCannotCallAreRefused() {
        JavaFileObject special = JavaFileObjects.forSourceLines("lib.Special",
                "package lib;",
                "",
                "import dev.adjoint.DerivativeOf;",
                "",
                "public final class Special {",
                "    public static double softplus(double x) {",
                "        return Math.log1p(Math.exp(x));",
                "    }",
                "",
                "    @DerivativeOf(method = \"softplus\")",
                "    static double softplusDerivative(double x) {",
                "        return 1 / (1 + Math.exp(-x));",
                "    }",
                "}");
        JavaFileObject functions = caller("lib.Special.softplus(x)");
        Compilation c = compile(functions, special);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Special.softplus(double) "
                + "here: its derivative Special.softplusDerivative cannot be called from the adjoint class, generated in "
                + "package demo; make it public").inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }
}
