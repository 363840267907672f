package dev.adjoint.processor.corpus;

import dev.adjoint.processor.corpus.Corpus.Case;
import dev.adjoint.processor.corpus.CorpusSources.Annotated;
import dev.adjoint.processor.corpus.CorpusSources.Fixture;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Measures one corpus method: compiles its fixture's variant (only its own annotations and
 * those of the helpers it calls) with the processor in-process, sorts the diagnostics into a
 * verdict, and for an accepted method runs {@link CorpusChecker}. Generated sources are written
 * to {@code target/corpus/generated/<method>/} for reading.
 */
final class CorpusRun {

    /** How long one method's checks may run before its generated code is taken to hang. */
    static final long TIMEOUT_SECONDS = 120;

    private static final Pattern TAG = Pattern.compile("^\\[(Adjoint[A-Za-z]+)\\]");


    private final InMemoryCompiler compiler = new InMemoryCompiler();

    /** Daemon threads: a hung check must not keep the test JVM alive. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "corpus-check");
        t.setDaemon(true);
        return t;
    });

    /** Whether the fixtures' private modifiers are blanked (see {@link Fixture#openVariantFor}). */
    private final boolean openPrivate;

    /** Whether the fixtures call {@code Math} where they call {@code FastMath} (see {@link #fastMathAsMath(String)}). */
    private final boolean fastMathAsMath;

    /** Whether the support methods a method reaches carry {@code @Differentiable} (see {@link Fixture#annotatedCompanions}). */
    private final boolean annotateSupport;

    CorpusRun(boolean openPrivate, boolean fastMathAsMath, boolean annotateSupport) {
        this.openPrivate = openPrivate;
        this.fastMathAsMath = fastMathAsMath;
        this.annotateSupport = annotateSupport;
    }

    /**
     * Where generated sources and the report go: {@code target/corpus}, or with the diagnostic
     * variants {@code target/corpus-open} (privates blanked), {@code target/corpus-math}
     * ({@code FastMath} read as {@code Math}), {@code target/corpus-annotated} (support methods
     * annotated), and their combinations ({@code corpus-open-math}, ...).
     */
    Path output() {
        return Path.of("target", "corpus" + (openPrivate ? "-open" : "") + (fastMathAsMath ? "-math" : "")
                + (annotateSupport ? "-annotated" : ""));
    }

    /**
     * The text with {@code FastMath.f} calls turned into {@code Math.f} calls, columns kept
     * ({@code Math.    f} is legal Java): what a method meets once Adjoint sees through the
     * library's {@code FastMath} (a diagnostic, see {@code CorpusTest}).
     */
    static String fastMathAsMath(String text) {
        return text.replace("FastMath.", "Math.    ");
    }

    /** The verdict for {@code c}, whose annotated method in {@code fixture} is {@code method}. */
    Outcome measure(Case c, Fixture fixture, Annotated method) {
        InMemoryCompiler.Result result;
        try {
            String source = openPrivate ? fixture.openVariantFor(c.key()) : fixture.variantFor(c.key());
            if (fastMathAsMath) {
                source = fastMathAsMath(source);
            }
            result = compiler.compile(fixture.qualifiedName(), source,
                    annotateSupport ? fixture.annotatedCompanions(c.key()) : fixture.companions());
        } catch (Throwable t) { // a processor exception or Error escaping javac, or javac itself crashing
            return new Outcome(Outcome.Kind.CRASH, List.of(), "javac threw " + t, 0, Double.NaN, List.of());
        }
        save(output().resolve("generated").resolve(c.key()), result);
        String fixturePath = "/" + fixture.qualifiedName().replace('.', '/') + ".java";
        List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            boolean inFixture = d.getSource() != null && d.getSource().getName().equals(fixturePath);
            String message = d.getMessage(Locale.ROOT);
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d);
            } else if ((d.getKind() == Diagnostic.Kind.WARNING || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
                    && !message.startsWith(CorpusTest.UNCLAIMED)) { // javac's, about other annotations
                Matcher tag = TAG.matcher(message);
                notes.add(tag.find() ? "warns " + tag.group(1) + " line " + d.getLineNumber()
                        : "javac warns in " + (inFixture ? "the fixture" : name(d)) + ": " + firstLine(message));
            }
        }
        List<String> remarks = List.copyOf(notes);
        for (Diagnostic<? extends JavaFileObject> d : errors) {
            String message = d.getMessage(Locale.ROOT);
            if (message.contains("uncaught exception") || message.contains("[AdjointInternalError]")) {
                return new Outcome(Outcome.Kind.CRASH, List.of(), firstLine(message), (int) d.getLineNumber(),
                        Double.NaN, remarks);
            }
        }
        // the fixture's errors first, by line; then a support file's (the annotateSupport lens: a
        // user's copied library class that Adjoint refuses is a refusal too)
        errors.sort(Comparator.comparing((Diagnostic<? extends JavaFileObject> d) -> d.getSource() == null
                || !d.getSource().getName().equals(fixturePath)).thenComparingLong(Diagnostic::getLineNumber));
        for (Diagnostic<? extends JavaFileObject> d : errors) {
            boolean inFixture = d.getSource() != null && d.getSource().getName().equals(fixturePath);
            boolean inSupport = d.getSource() != null && d.getSource().getName().contains(
                    "/" + CorpusSources.SUPPORT_PACKAGE.replace('.', '/') + "/");
            if (!(inFixture || inSupport) || !TAG.matcher(d.getMessage(Locale.ROOT)).find()) {
                return new Outcome(Outcome.Kind.DOES_NOT_COMPILE, tags(errors), name(d) + ":" + d.getLineNumber() + ": "
                        + oneLine(d.getMessage(Locale.ROOT)), inFixture ? (int) d.getLineNumber() : 0, Double.NaN, remarks);
            }
        }
        if (!errors.isEmpty()) {
            Diagnostic<? extends JavaFileObject> first = errors.get(0);
            String message = (first.getSource().getName().equals(fixturePath) ? "" : name(first) + ":"
                    + first.getLineNumber() + ": ") + firstLine(first.getMessage(Locale.ROOT));
            if (errors.size() > 1) {
                // what else the method meets: each further error's line and the start of its message
                StringBuilder more = new StringBuilder(" — also:");
                for (Diagnostic<? extends JavaFileObject> d : errors.subList(1, errors.size())) {
                    String m = firstLine(d.getMessage(Locale.ROOT));
                    more.append(" line ").append(d.getSource().getName().equals(fixturePath) ? "" : name(d) + ":")
                            .append(d.getLineNumber()).append(' ').append(m, 0, Math.min(m.length(), 110)).append(';');
                }
                message += more;
            }
            return new Outcome(Outcome.Kind.REFUSED, tags(errors), message, (int) first.getLineNumber(), Double.NaN, remarks);
        }
        if (!result.success()) {
            return new Outcome(Outcome.Kind.DOES_NOT_COMPILE, List.of(), "compilation failed without an error", 0,
                    Double.NaN, remarks);
        }
        Future<Outcome> check = executor.submit(() -> new CorpusChecker(c, method.className(), method.wrt(),
                result.loader(), true).check(remarks));
        try {
            return check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            return Outcome.wrong("the checks did not finish in " + TIMEOUT_SECONDS + " s: generated code hangs?",
                    Double.NaN, remarks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalStateException corpusMistake) {
                throw corpusMistake; // a bad point or case: the corpus's fault, not a verdict
            }
            if (e.getCause() instanceof ClassNotFoundException missing) {
                return Outcome.wrong("compiled without errors, but " + missing.getMessage() + " was not generated",
                        Double.NaN, remarks);
            }
            return Outcome.wrong("checking threw " + e.getCause(), Double.NaN, remarks);
        }
    }

    private static List<String> tags(List<Diagnostic<? extends JavaFileObject>> errors) {
        TreeSet<String> tags = new TreeSet<>();
        for (Diagnostic<? extends JavaFileObject> d : errors) {
            Matcher m = TAG.matcher(d.getMessage(Locale.ROOT));
            if (m.find()) {
                tags.add(m.group(1));
            }
        }
        return List.copyOf(tags);
    }

    private static String name(Diagnostic<? extends JavaFileObject> d) {
        if (d.getSource() == null) {
            return "(no file)";
        }
        String path = d.getSource().getName();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** javac's several-line messages ("cannot find symbol / symbol: ...") on one line. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*\n\\s*", " / ").replaceAll(" {2,}", " ");
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Writes what a compilation generated into {@code dir}. */
    private static void save(Path dir, InMemoryCompiler.Result result) {
        try {
            Files.createDirectories(dir);
            for (var e : result.generatedSources().entrySet()) {
                String simple = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
                Files.writeString(dir.resolve(simple + ".java"), e.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
