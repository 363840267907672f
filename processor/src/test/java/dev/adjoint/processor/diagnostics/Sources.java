package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import dev.adjoint.processor.testing.BytesClassLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Shared helpers for the diagnostics tests: builds small annotated sources, compiles them with the
 * Adjoint processor and checks what every error case must also satisfy (no crash, nothing emitted
 * for the failing method).
 */
final class Sources {

    static final String FUNCTIONS = "demo.Functions";
    static final String FUNCTIONS_ADJOINT = "demo.FunctionsAdjoint";

    private Sources() {}

    /**
     * {@code demo.Functions}: the given member lines inside {@code public final class Functions},
     * with {@code dev.adjoint.Differentiable} imported. Line 6 is the first member line.
     */
    static JavaFileObject functions(String... members) {
        return source(FUNCTIONS, "public final class Functions {", members);
    }

    /**
     * {@code demo.Functions} importing {@code DerivativeOf} too: line 6 is the first member line.
     */
    static JavaFileObject functionsWithDerivatives(String... members) {
        String[] lines = new String[members.length + 6];
        lines[0] = "package demo;";
        lines[1] = "";
        lines[2] = "import dev.adjoint.DerivativeOf;";
        lines[3] = "import dev.adjoint.Differentiable;";
        lines[4] = "public final class Functions {";
        System.arraycopy(members, 0, lines, 5, members.length);
        lines[lines.length - 1] = "}";
        return JavaFileObjects.forSourceLines(FUNCTIONS, lines);
    }

    /** A class {@code name} in package {@code demo}: its header line, then the member lines. */
    static JavaFileObject source(String name, String header, String... members) {
        List<String> lines = new ArrayList<>(List.of(
                "package demo;",
                "",
                "import dev.adjoint.Differentiable;",
                "",
                header));
        lines.addAll(Arrays.asList(members));
        lines.add("}");
        return JavaFileObjects.forSourceLines(name, lines);
    }

    static Compilation compile(JavaFileObject... files) {
        return Compiler.javac().withProcessors(new AdjointProcessor()).compile(files);
    }

    /**
     * Asserts an error on the line containing {@code line}: the first fragment should hold the tag
     * and what the construct is, the others what to do about it.
     */
    static void assertError(Compilation c, JavaFileObject file, String line, String... fragments) {
        assertThat(c).failed();
        for (String fragment : fragments) {
            assertThat(c).hadErrorContaining(fragment).inFile(file).onLineContaining(line);
        }
    }

    /** {@link #assertError}, and that it is the only error and the processor did not crash. */
    static void assertOnlyError(Compilation c, JavaFileObject file, String line, String... fragments) {
        assertError(c, file, line, fragments);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /** Asserts a warning on the line containing {@code line}, holding every fragment. */
    static void assertWarning(Compilation c, JavaFileObject file, String line, String... fragments) {
        for (String fragment : fragments) {
            assertThat(c).hadWarningContaining(fragment).inFile(file).onLineContaining(line);
        }
    }

    /** The processor never crashes: no uncaught exception and no internal error, in any diagnostic. */
    static void assertNoCrash(Compilation c) {
        for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            assertWithMessage("diagnostic %s", d).that(message).doesNotContain("uncaught exception");
            assertWithMessage("diagnostic %s", d).that(message).doesNotContain("[AdjointInternalError]");
        }
    }

    /**
     * The text of a generated source file, or empty when it was not generated. compile-testing hides
     * the generated files of a failed compilation, so for one the sources are run through the
     * processor again ({@code -proc:only}) with a file manager that keeps what it writes.
     */
    static Optional<String> generated(Compilation c, String className) {
        if (c.status() == Compilation.Status.SUCCESS) {
            return c.generatedSourceFile(className).map(Sources::contents);
        }
        return Optional.ofNullable(generatedByProcessorOnly(c.sourceFiles()).get(className));
    }

    private static Map<String, String> generatedByProcessorOnly(List<JavaFileObject> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> ignored = new DiagnosticCollector<>();
        Map<String, StringWriter> written = new LinkedHashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(ignored, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager capturing = new ForwardingJavaFileManager<StandardJavaFileManager>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) throws IOException {
                if (kind != JavaFileObject.Kind.SOURCE) {
                    return super.getJavaFileForOutput(location, className, kind, sibling);
                }
                URI uri = URI.create("mem:///" + className.replace('.', '/') + ".java");
                return new SimpleJavaFileObject(uri, kind) {
                    @Override
                    public Writer openWriter() {
                        StringWriter w = new StringWriter();
                        written.put(className, w);
                        return w;
                    }

                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        // javac parses what the processor wrote in the next round
                        return written.get(className).toString();
                    }

                    @Override
                    public OutputStream openOutputStream() {
                        throw new UnsupportedOperationException("write generated sources with openWriter");
                    }
                };
            }
        };
        JavaCompiler.CompilationTask task = javac.getTask(null, capturing, ignored, List.of("-proc:only"), null, sources);
        task.setProcessors(List.of(new AdjointProcessor()));
        task.call();
        Map<String, String> texts = new LinkedHashMap<>();
        written.forEach((name, w) -> texts.put(name, w.toString()));
        return texts;
    }

    static final String FUNCTIONS_IMPL = "demo.FunctionsAdjointImpl";

    /**
     * No derivative code is emitted for {@code method} of {@code demo.Functions}: its API members
     * (written from its declaration, before the body is read) delegate to stubs that only throw.
     */
    static void assertNotGenerated(Compilation c, String method) {
        generated(c, FUNCTIONS_IMPL).ifPresent(text -> {
            assertWithMessage("generated %s", FUNCTIONS_IMPL).that(text).doesNotContain(
                    "The pullback of {@code " + method + "(");
        });
    }

    /** {@code method} of {@code demo.Functions} got its pullback. */
    static void assertGenerated(Compilation c, String method) {
        Optional<String> text = generated(c, FUNCTIONS_IMPL);
        assertWithMessage("%s was generated", FUNCTIONS_IMPL).that(text.isPresent()).isTrue();
        assertWithMessage("generated %s", FUNCTIONS_IMPL).that(text.orElseThrow())
                .contains("The pullback of {@code " + method + "(");
    }

    /**
     * The compilation succeeded without warnings and the gradient of {@code demo.Functions.method}
     * at {@code args} matches central differences of the method itself, component by component
     * (every element of a {@code double[]} argument).
     */
    static void assertGradientMatchesFiniteDifferences(Compilation c, String method, Object... args)
            throws ReflectiveOperationException {
        assertThat(c).succeededWithoutWarnings();
        ClassLoader loader = classLoader(c);
        java.lang.reflect.Method primal = java.util.Arrays.stream(loader.loadClass(FUNCTIONS).getDeclaredMethods())
                .filter(m -> m.getName().equals(method)).findFirst().orElseThrow();
        primal.setAccessible(true);
        Class<?> adjoint = loader.loadClass(FUNCTIONS_ADJOINT);
        java.lang.reflect.Method gradientMethod = java.util.Arrays.stream(adjoint.getDeclaredMethods())
                .filter(m -> m.getName().equals(method + "Gradient")).findFirst().orElseThrow();
        gradientMethod.setAccessible(true);
        Object g = gradientMethod.invoke(null, copy(args));
        // the gradient's fields are the differentiated parameters, in order (compiled without -parameters)
        java.util.Iterator<java.lang.reflect.Field> fields = java.util.Arrays.stream(g.getClass().getDeclaredFields())
                .filter(f -> java.lang.reflect.Modifier.isPublic(f.getModifiers())).iterator();
        double h = 1e-6;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Double v) {
                java.lang.reflect.Field field = fields.next();
                Object[] plus = copy(args);
                Object[] minus = copy(args);
                plus[i] = v + h;
                minus[i] = v - h;
                double fd = ((double) primal.invoke(null, plus) - (double) primal.invoke(null, minus)) / (2 * h);
                double got = field.getDouble(g);
                assertWithMessage("∂%s/∂%s", method, field.getName()).that(got).isWithin(1e-6 * (1 + Math.abs(fd)))
                        .of(fd);
            } else if (args[i] instanceof double[] a) {
                java.lang.reflect.Field field = fields.next();
                double[] got = (double[]) field.get(g);
                for (int k = 0; k < a.length; k++) {
                    Object[] plus = copy(args);
                    Object[] minus = copy(args);
                    ((double[]) plus[i])[k] += h;
                    ((double[]) minus[i])[k] -= h;
                    double fd = ((double) primal.invoke(null, plus) - (double) primal.invoke(null, minus)) / (2 * h);
                    assertWithMessage("∂%s/∂%s[%s]", method, field.getName(), k).that(got[k])
                            .isWithin(1e-6 * (1 + Math.abs(fd))).of(fd);
                }
            }
        }
    }

    private static Object[] copy(Object[] args) {
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof double[] a) {
                out[i] = a.clone();
            }
        }
        return out;
    }

    static String contents(JavaFileObject file) {
        try {
            return file.getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the classes a successful compilation wrote, with the test class path as parent. */
    static ClassLoader classLoader(Compilation c) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject f : c.generatedFiles()) {
            if (f.getKind() != JavaFileObject.Kind.CLASS) {
                continue;
            }
            String path = f.toUri().getPath();
            String name = path.substring(path.indexOf("/demo/") + 1, path.length() - ".class".length())
                    .replace('/', '.');
            try (InputStream in = f.openInputStream()) {
                classes.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new BytesClassLoader(classes, Sources.class.getClassLoader());
    }

    /** Calls {@code demo.FunctionsAdjoint.<method>Gradient(args)} and reads the gradient component {@code wrt}. */
    static double gradient(Compilation c, String method, String wrt, Object... args) throws ReflectiveOperationException {
        Class<?> adjoint = classLoader(c).loadClass(FUNCTIONS_ADJOINT);
        for (java.lang.reflect.Method m : adjoint.getDeclaredMethods()) {
            if (m.getName().equals(method + "Gradient") && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                Object g = m.invoke(null, args);
                return g.getClass().getField(wrt).getDouble(g);
            }
        }
        throw new AssertionError("no " + method + "Gradient with " + args.length + " parameters in " + adjoint);
    }

    /** Writes a compilation's class files under {@code root}, laid out by package; returns {@code root}. */
    static java.nio.file.Path writeClassFiles(Compilation c, java.nio.file.Path root) {
        for (JavaFileObject f : c.generatedFiles()) {
            if (f.getKind() != JavaFileObject.Kind.CLASS) {
                continue;
            }
            String path = f.toUri().getPath();
            String relative = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length());
            try (InputStream in = f.openInputStream()) {
                java.nio.file.Path target = root.resolve(relative);
                java.nio.file.Files.createDirectories(target.getParent());
                java.nio.file.Files.write(target, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }
}
