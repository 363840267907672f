package dev.adjoint.processor.differential;

import dev.adjoint.processor.AdjointProcessor;
import dev.adjoint.processor.testing.BytesClassLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles one source file (or several, see {@link #compile(String, String, Map)}) with the Adjoint processor in-process ({@code javax.tools}), keeping
 * every output (class files and generated sources) in memory. One instance reuses javac's file
 * manager, so the class path is opened once for a whole campaign.
 *
 * <p>javac runs on a thread of its own with the JVM's default stack ({@link #STACK}, 1 MB: what
 * {@code javac} and {@code mvn compile} run with), so that how deep a program can nest before the
 * compiler or the processor overflows its stack does not depend on the test runner's threads.
 */
public final class InMemoryCompiler {

    /**
     * What one compilation produced; {@code crash} is what javac threw (an annotation processor's
     * uncaught exception or error reaches an in-process caller this way), else null; {@code output}
     * what javac printed besides diagnostics (the stack trace of a crash of javac itself).
     */
    public record Result(boolean success, List<Diagnostic<? extends JavaFileObject>> diagnostics,
            Map<String, String> generatedSources, Map<String, byte[]> classes, Throwable crash, String output) {

        /** The generated source of the adjoint class {@code qualifiedName}, or null. */
        public String generated(String qualifiedName) {
            return generatedSources.get(qualifiedName);
        }

        /** A fresh class loader over the compiled classes, delegating to the test's (for Tensor). */
        public ClassLoader loader() {
            return new BytesClassLoader(classes, InMemoryCompiler.class.getClassLoader());
        }

        /** Diagnostics as javac prints them, one a line. */
        public String diagnosticsText() {
            StringBuilder out = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
                out.append(d.getKind()).append(' ')
                        .append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                        .append(d.getMessage(Locale.ROOT)).append('\n');
            }
            return out.toString();
        }
    }

    /** The stack javac runs on: the JVM's default thread stack size on 64-bit Linux. */
    static final long STACK = 1L << 20;

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final StandardJavaFileManager standard = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);

    /**
     * Compiles {@code source} (the class {@code qualifiedName}) under {@code -Xlint:all};
     * {@code procOnly} runs only the processor (no class files), e.g. to compare generated sources.
     */
    public Result compile(String qualifiedName, String source, boolean procOnly) {
        return compile(qualifiedName, source, procOnly ? "-proc:only" : null);
    }

    /** Compiles {@code source} with plain javac, no processor: what javac itself says of a program. */
    Result compileWithoutProcessor(String qualifiedName, String source) {
        return compile(qualifiedName, source, "-proc:none");
    }

    /**
     * Compiles {@code source} (the class {@code qualifiedName}) together with {@code companions}
     * (qualified name to source text) in one javac run: classes of the same build, whose bodies
     * the processor can read, as a user's own copied helpers are.
     */
    public Result compile(String qualifiedName, String source, Map<String, String> companions) {
        List<JavaFileObject> units = new ArrayList<>();
        units.add(new Source(qualifiedName, source));
        companions.forEach((name, text) -> units.add(new Source(name, text)));
        return compile(units, null);
    }

    private Result compile(String qualifiedName, String source, String procOption) {
        return compile(List.of(new Source(qualifiedName, source)), procOption);
    }

    private Result compile(List<JavaFileObject> units, String procOption) {
        Memory memory = new Memory(standard);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = new ArrayList<>(List.of("-Xlint:all", "-parameters", "--release", "17"));
        if (procOption != null) {
            options.add(procOption);
        }
        java.io.StringWriter printed = new java.io.StringWriter();
        JavaCompiler.CompilationTask task = javac.getTask(printed, memory, diagnostics, options, null, units);
        if (!"-proc:none".equals(procOption)) {
            task.setProcessors(List.of(new AdjointProcessor()));
        }
        Object[] outcome = new Object[1];
        Thread thread = new Thread(null, () -> {
            try {
                outcome[0] = task.call();
            } catch (RuntimeException | Error e) {
                // javac wraps what a processor throws (an AnnotationProcessingError's cause) in a RuntimeException
                outcome[0] = e instanceof RuntimeException && e.getCause() != null ? e.getCause() : e;
            }
        }, "javac", STACK);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling", e);
        }
        boolean success = Boolean.TRUE.equals(outcome[0]);
        Throwable crash = outcome[0] instanceof Throwable t ? t : null;
        Map<String, String> sources = new TreeMap<>();
        Map<String, byte[]> classes = new TreeMap<>();
        memory.outputs.forEach((key, out) -> {
            String name = key.substring(key.indexOf(':') + 1);
            if (out.getKind() == JavaFileObject.Kind.SOURCE) {
                sources.put(name, out.bytes.toString(StandardCharsets.UTF_8));
            } else if (out.getKind() == JavaFileObject.Kind.CLASS) {
                classes.put(name, out.bytes.toByteArray());
            }
        });
        return new Result(success, diagnostics.getDiagnostics(), sources, classes, crash, printed.toString());
    }

    /** A source file held in a string. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String qualifiedName, String text) {
            super(URI.create("mem:///" + qualifiedName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** An output (class file or generated source) held in memory; javac reads generated sources back. */
    private static final class Output extends SimpleJavaFileObject {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Output(String binaryName, Kind kind) {
            super(URI.create("mem:///" + binaryName.replace('.', '/') + kind.extension), kind);
        }

        @Override
        public OutputStream openOutputStream() {
            bytes.reset();
            return bytes;
        }

        @Override
        public InputStream openInputStream() {
            return new ByteArrayInputStream(bytes.toByteArray());
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Sends every output to memory; reads (class path, platform classes) go to javac's own manager. */
    private static final class Memory extends ForwardingJavaFileManager<StandardJavaFileManager> {
        final Map<String, Output> outputs = new TreeMap<>();

        Memory(StandardJavaFileManager standard) {
            super(standard);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            Output out = new Output(className, kind);
            outputs.put(kind + ":" + className, out);
            return out;
        }

        @Override
        public FileObject getFileForOutput(Location location, String packageName, String relativeName, FileObject sibling) {
            Output out = new Output(packageName + "." + relativeName, JavaFileObject.Kind.OTHER);
            outputs.put(packageName + "/" + relativeName, out);
            return out;
        }

        @Override
        public boolean isSameFile(FileObject a, FileObject b) {
            return a.toUri().equals(b.toUri());
        }

        @Override
        public boolean hasLocation(Location location) {
            return location != StandardLocation.SOURCE_OUTPUT && location != StandardLocation.CLASS_OUTPUT
                    ? super.hasLocation(location) : true;
        }
    }
}
