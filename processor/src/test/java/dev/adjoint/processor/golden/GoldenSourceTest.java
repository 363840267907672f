package dev.adjoint.processor.golden;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden files of generated source: readability is a feature, so a change to what the processor
 * writes shows up here as a diff to review. Regenerate with
 * {@code mvn -pl processor test -Dtest=GoldenSourceTest -Dadjoint.updateGolden=true}.
 */
class GoldenSourceTest {

    private static final Path GOLDEN = Paths.get("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"Functions", "Overwrite", "Loss", "Loops", "Calls", "LongLoops", "Model", "Shortcut", "Tails", "Checked", "Values", "Series", "Hidden", "Filled", "Integrals", "Cached", "Links"})
    void generatedSourceMatchesGoldenFile(String name) throws IOException {
        // the API class, written from the declarations, and the implementation holding the derivative code
        for (String suffix : new String[] {"Adjoint", "AdjointImpl"}) {
            String generated = generate(name, suffix);
            Path golden = GOLDEN.resolve(name + suffix + ".java.golden");
            if (Boolean.getBoolean("adjoint.updateGolden")) {
                Files.writeString(golden, generated, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), generated, name + suffix);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Functions", "Overwrite", "Loss", "Loops", "Calls", "LongLoops", "Model", "Shortcut", "Tails", "Checked", "Values", "Series", "Hidden", "Filled", "Integrals", "Cached", "Links"})
    void twoBuildsGiveByteIdenticalOutput(String name) {
        assertEquals(generate(name, "AdjointImpl"), generate(name, "AdjointImpl"));
        assertEquals(generate(name, "Adjoint"), generate(name, "Adjoint"));
    }

    /** The classes of the build a golden input calls, compiled with it: Tails's Num (recursive helpers of another class). */
    private static final java.util.Map<String, String> COMPANIONS = java.util.Map.of("Tails", "Num");

    /** The classes whose adjoint classes a golden input's name stands for: Hidden's private nested StudentsT. */
    private static final java.util.Map<String, String> DIFFERENTIATED = java.util.Map.of("Hidden", "Hidden_StudentsT");

    /** Compiles one golden input with -Xlint:all -Werror: the generated code must not warn. */
    private static String generate(String name, String suffix) {
        java.util.List<JavaFileObject> sources = new java.util.ArrayList<>();
        sources.add(JavaFileObjects.forResource(resource(name + ".java")));
        if (COMPANIONS.containsKey(name)) {
            sources.add(JavaFileObjects.forResource(resource(COMPANIONS.get(name) + ".java")));
        }
        Compilation compilation = Compiler.javac()
                .withProcessors(new AdjointProcessor())
                .withOptions("-Xlint:all", "-Werror")
                .compile(sources);
        assertThat(compilation).succeededWithoutWarnings();
        try {
            return compilation.generatedSourceFile("demo." + DIFFERENTIATED.getOrDefault(name, name) + suffix).orElseThrow()
                    .getCharContent(false).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.net.URL resource(String name) {
        try {
            return GOLDEN.resolve(name).toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
