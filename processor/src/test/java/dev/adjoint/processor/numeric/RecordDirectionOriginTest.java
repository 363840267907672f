package dev.adjoint.processor.numeric;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record's direction in {@code fTangent} has the same type whether the record is compiled with
 * the {@code @Differentiable} method or read from its class file (an incremental build, another
 * module, a jar): a canonical constructor that only stores its parameters (the implicit one, an
 * empty compact one, an explicit one that only assigns) keeps the record as the direction; one
 * that does more ({@code Math.abs}, a check) makes it the gradient class, both ways.
 */
class RecordDirectionOriginTest {

    private static final String METHOD = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Fns {
                private Fns() {}

                @Differentiable
                public static double f(double x, P p) {
                    return x * p.mu() + p.sigma() * x * x;
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aPlainRecordIsItsOwnDirectionBothWays() throws IOException {
        assertSameBothWays("public record P(double mu, double sigma) {}", "P");
    }

    @Test
    void anExplicitConstructorThatOnlyAssignsIsNoConstructorOfItsOwn() throws IOException {
        assertSameBothWays("""
                public record P(double mu, int n, long m, double sigma, double[] w) {
                    public P(double mu, int n, long m, double sigma, double[] w) {
                        this.sigma = sigma;
                        this.mu = mu;
                        this.w = w;
                        this.m = m;
                        this.n = n;
                    }
                }""", "P");
    }

    @Test
    void anEmptyCompactConstructorIsNoConstructorOfItsOwn() throws IOException {
        assertSameBothWays("public record P(double mu, double sigma) { public P {} }", "P");
    }

    @Test
    void aCompactConstructorTakingTheAbsoluteValueGivesTheGradientClassBothWays() throws Exception {
        String record = "public record P(double mu, double sigma) { public P { sigma = Math.abs(sigma); } }";
        assertSameBothWays(record, "PGradient");
        // and the tangent read from the jar follows the direction given, not its absolute value
        Path jar = jar(write(compile(List.of(source("P", record))), "jar"));
        Compilation client = compile(List.of(source("Fns", METHOD)), jar);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(),
                write(client, "client").toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> p = loader.loadClass("demo.P");
            Class<?> gradient = loader.loadClass("demo.FnsAdjoint$PGradient");
            Object direction = gradient.getDeclaredConstructor().newInstance();
            gradient.getField("sigma").setDouble(direction, -1.0);
            Method tangent = loader.loadClass("demo.FnsAdjoint").getMethod("fTangent", double.class, p, double.class,
                    gradient);
            Object at = p.getConstructor(double.class, double.class).newInstance(0.5, 2.0);
            // ∂f/∂sigma = x², along sigma downwards
            assertEquals(-1.3 * 1.3, (double) tangent.invoke(null, 1.3, at, 0.0, direction), 1e-12);
        }
    }

    @Test
    void aValidatingCompactConstructorGivesTheGradientClassBothWays() throws IOException {
        assertSameBothWays("""
                public record P(double mu, double sigma) {
                    public P {
                        if (sigma <= 0) {
                            throw new IllegalArgumentException("sigma must be positive");
                        }
                    }
                }""", "PGradient");
    }

    @Test
    void aNestedRecordFromAJarIsJudgedByItsConstructorToo() throws IOException {
        String outer = """
                public final class Outer {
                    private Outer() {}

                    public record P(double mu, double sigma) {
                        public P(double mu) {
                            this(mu, 1);
                        }
                    }
                }""";
        String method = METHOD.replace("P p", "Outer.P p");
        String together = tangent(compile(List.of(source("Fns", method), source("Outer", outer))));
        Path jar = jar(write(compile(List.of(source("Outer", outer))), "nested"));
        assertEquals(together, tangent(compile(List.of(source("Fns", method)), jar)));
        assertTrue(together.endsWith("Outer.P dP"), together);
    }

    // ------------------------------------------------------------ helpers

    /**
     * Compiles {@code P} (a record's declaration in package {@code demo}) with the method, then alone
     * into a directory and a jar with the method compiled against each: {@code fTangent}'s direction
     * is {@code expected} all three times.
     */
    private void assertSameBothWays(String record, String expected) throws IOException {
        JavaFileObject p = source("P", record);
        String together = tangent(compile(List.of(source("Fns", METHOD), p)));
        assertEquals("double x, P p, double dX, " + expected + " dP", together, "compiled with the method");
        Path classes = write(compile(List.of(p)), "classes");
        assertEquals(together, tangent(compile(List.of(source("Fns", METHOD)), classes)), "from a class file");
        assertEquals(together, tangent(compile(List.of(source("Fns", METHOD)), jar(classes))), "from a jar");
    }

    private static JavaFileObject source(String simpleName, String text) {
        return JavaFileObjects.forSourceString("demo." + simpleName, text.startsWith("package") ? text
                : "package demo;\n\n" + text + "\n");
    }

    /** Compiles {@code units} with the processor, {@code extra} first on the class path. */
    private static Compilation compile(List<JavaFileObject> units, Path... extra) {
        List<File> classPath = new ArrayList<>();
        for (Path p : extra) {
            classPath.add(p.toFile());
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }
        Compilation c = Compiler.javac().withProcessors(new AdjointProcessor()).withClasspath(classPath)
                .withOptions("-parameters", "--release", "17").compile(units);
        assertThat(c).succeededWithoutWarnings();
        return c;
    }

    /** The parameters of {@code fTangent} in the generated API class, as written. */
    private static String tangent(Compilation c) throws IOException {
        String api = c.generatedSourceFile("demo.FnsAdjoint").orElseThrow().getCharContent(true).toString();
        Matcher m = Pattern.compile("public static double fTangent\\(([^)]*)\\)").matcher(api);
        assertTrue(m.find(), api);
        return m.group(1);
    }

    /** Writes a compilation's class files under {@code dir/name}, laid out by package. */
    private Path write(Compilation c, String name) throws IOException {
        return ClassFiles.write(c, dir.resolve(name));
    }

    private static Path jar(Path classes) throws IOException {
        return ClassFiles.jar(classes);
    }
}
