package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A record that declares its canonical constructor (compact or not) in a class whose code Adjoint
 * reads: reading makes javac attribute the class, after which javac (JDK-8387215) rejects that
 * constructor as holding an explicit constructor call. The processor refuses at the constructor,
 * saying what to do, and javac's wrong message never appears; a record Adjoint reads only the
 * components of is not attributed, and stays fine.
 */
class DiagnosticsRecordConstructorTest {

    private static final String WHAT = "[AdjointRecordConstructor] Adjoint must read code in ";
    private static final String WHY = "javac (up to JDK 25 at least, JDK-8387215) would then report this constructor as "
            + "invalid although it is not; move the record into a file of its own";

    /** {@code demo.Params}, a record whose compact constructor checks sigma (line 4), with a method {@code z}. */
    private static final JavaFileObject PARAMS = JavaFileObjects.forSourceLines("demo.Params",
            "package demo;",
            "",
            "public record Params(double mu, double sigma) {",
            "    public Params {",
            "        if (sigma <= 0) throw new IllegalArgumentException(\"sigma\");",
            "    }",
            "",
            "    public double z(double x) {",
            "        return (x - mu) / sigma;",
            "    }",
            "}");

    @Test
    void aRecordWithACompactConstructorInTheDifferentiatedClassIsRefusedAtItsConstructor() {
        JavaFileObject f = functions(
                "    record Scaled(double v) {",
                "        Scaled {",
                "            if (v < 0) throw new IllegalArgumentException(\"negative\");",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * x;",
                "    }");
        Compilation c = compile(f);
        assertOnlyError(c, f, "Scaled {", WHAT + "Functions", WHY);
        assertNotGenerated(c, "f");
    }

    @Test
    void aRecordWithAFullCanonicalConstructorIsRefusedToo() {
        JavaFileObject f = functions(
                "    record Pair(double a, double b) {",
                "        Pair(double a, double b) {",
                "            this.a = Math.abs(a);",
                "            this.b = b;",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return x * x;",
                "    }");
        assertOnlyError(compile(f), f, "        Pair(double a, double b) {", WHAT + "Functions", WHY);
    }

    @Test
    void callingAMethodOfSuchARecordIsRefusedAtItsConstructor() {
        JavaFileObject f = functions(
                "    @Differentiable",
                "    static double f(double x, Params p) {",
                "        double z = p.z(x);",
                "        return 0.5 * z * z;",
                "    }");
        Compilation c = compile(f, PARAMS);
        assertOnlyError(c, PARAMS, "public Params {", WHAT + "Params", WHY);
        assertNotGenerated(c, "f");
    }

    @Test
    void readingOnlyItsComponentsIsFine() {
        JavaFileObject f = functions(
                "    @Differentiable",
                "    static double f(double x, Params p) {",
                "        double z = (x - p.mu()) / p.sigma();",
                "        return 0.5 * z * z + Math.log(p.sigma());",
                "    }");
        assertThat(compile(f, PARAMS)).succeededWithoutWarnings();
    }

    @Test
    void aRecordWhoseOnlyConstructorsDelegateIsRead() {
        JavaFileObject f = functions(
                "    record Scaled(double v, double k) {",
                "        Scaled(double v) {",
                "            this(v, 2);",
                "        }",
                "",
                "        double value() {",
                "            return k * v;",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return new Scaled(x).value() * x;",
                "    }");
        assertThat(compile(f)).succeededWithoutWarnings();
    }
}
