package dev.adjoint.processor.numeric;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code @Differentiable} method passing its differentiated arrays to the checks of a library
 * known only by its class files (in a jar, not on the documented list): proven read-only from their
 * bytecode, the calls stay calls in the forward sweep, and the gradient is the one central
 * differences and the tape give; the pullback, the tangent and second order are checked as
 * {@link NumericGradientTest} checks the fixtures.
 */
class JarCheckTest {

    private static final JavaFileObject CHECKS = JavaFileObjects.forSourceLines("jar.Checks",
            "package jar;",
            "",
            "public final class Checks {",
            "    private Checks() {}",
            "",
            "    public static void checkPositive(double[] in) {",
            "        for (int i = 0; i < in.length; i++) {",
            "            if (!(in[i] > 0)) {",
            "                throw new JarException(\"entry {0} is {1}\", i, in[i]);",
            "            }",
            "        }",
            "    }",
            "",
            "    public static void checkEqualLength(double[] a, double[] b) {",
            "        if (a.length != b.length) {",
            "            throw new IllegalArgumentException(String.format(\"%d != %d\", a.length, b.length));",
            "        }",
            "    }",
            "",
            "    public static boolean allFinite(double[] a) {",
            "        double[] seen = a.clone();",
            "        for (int i = 0; i < seen.length; i++) {",
            "            seen[i] = Math.abs(seen[i]);",
            "            if (!Double.isFinite(seen[i])) {",
            "                return false;",
            "            }",
            "        }",
            "        return true;",
            "    }",
            "}");

    private static final JavaFileObject EXCEPTION = JavaFileObjects.forSourceLines("jar.JarException",
            "package jar;",
            "",
            "public class JarException extends IllegalArgumentException {",
            "    private static final long serialVersionUID = 1L;",
            "    private final Object[] parts;",
            "",
            "    public JarException(String pattern, Object... parts) {",
            "        super(pattern);",
            "        this.parts = parts;",
            "    }",
            "",
            "    public Object[] parts() {",
            "        return parts;",
            "    }",
            "}");

    private static final JavaFileObject CLIENT = JavaFileObjects.forSourceLines("demo.Weighted",
            "package demo;",
            "",
            "import dev.adjoint.Differentiable;",
            "import jar.Checks;",
            "",
            "public final class Weighted {",
            "    private Weighted() {}",
            "",
            "    @Differentiable(order = 2)",
            "    public static double weightedLogSum(double[] w, double[] x) {",
            "        Checks.checkPositive(w);",
            "        Checks.checkEqualLength(w, x);",
            "        if (!Checks.allFinite(x)) {",
            "            throw new IllegalArgumentException(\"x must be finite\");",
            "        }",
            "        double s = 0;",
            "        for (int i = 0; i < w.length; i++) {",
            "            s += Math.log(w[i]) * x[i] * x[i];",
            "        }",
            "        return s;",
            "    }",
            "}");

    @TempDir
    Path dir;

    @Test
    void aJarCheckOnDifferentiatedArraysKeepsTheGradient() throws Exception {
        Compilation library = Compiler.javac().withOptions("--release", "17").compile(CHECKS, EXCEPTION);
        assertThat(library).succeededWithoutWarnings();
        Path jar = jar(write(library, "jar"));
        List<File> classPath = new ArrayList<>();
        classPath.add(jar.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }
        Compilation client = Compiler.javac().withProcessors(new AdjointProcessor()).withClasspath(classPath)
                .withOptions("-parameters").compile(CLIENT);
        assertThat(client).succeededWithoutWarnings();
        String adjoint = client.generatedSourceFile("demo.WeightedAdjointImpl").orElseThrow().getCharContent(true)
                .toString();
        assertTrue(adjoint.contains("Checks.checkPositive(w)"), "the check is called in the forward sweep");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(),
                write(client, "client").toUri().toURL()}, getClass().getClassLoader())) {
            GradientHarness harness = new GradientHarness(loader.loadClass("demo.Weighted"));
            List<Method> methods = harness.differentiableMethods();
            assertEquals(List.of("weightedLogSum"), methods.stream().map(Method::getName).toList());
            Method m = methods.get(0);
            harness.checkAtRandomPoints(m, new Random(14), 10);
            // and by hand: ∂f/∂w_i = x_i² / w_i, ∂f/∂x_i = 2 log(w_i) x_i
            double[] w = {0.5, 2.0, 1.5};
            double[] x = {1.0, -0.5, 3.0};
            Object g = loader.loadClass("demo.WeightedAdjoint").getMethod("weightedLogSumGradient", double[].class,
                    double[].class).invoke(null, w, x);
            assertThat((double[]) g.getClass().getField("w").get(g)).usingTolerance(1e-12)
                    .containsExactly(1.0 / 0.5, 0.25 / 2.0, 9.0 / 1.5).inOrder();
            assertThat((double[]) g.getClass().getField("x").get(g)).usingTolerance(1e-12)
                    .containsExactly(2 * Math.log(0.5), -Math.log(2.0), 6 * Math.log(1.5)).inOrder();
        }
    }

    /** Writes a compilation's class files under {@code dir/name}, laid out by package. */
    private Path write(Compilation c, String name) throws IOException {
        return ClassFiles.write(c, dir.resolve(name));
    }

    private static Path jar(Path classes) throws IOException {
        return ClassFiles.jar(classes);
    }
}
