package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps {@code docs/diagnostics.md} true to the processor: it has one section for every tag the
 * processor's sources report (and none for a tag they no longer have), and each section's example
 * compiles to exactly the message the page quotes, of the quoted kind, on the quoted line. A
 * changed message or a new tag fails here until the page says it.
 */
class DiagnosticsDocTest {

    /** The page, from the processor module (surefire runs in the module's directory). */
    private static final Path PAGE = Path.of("..", "docs", "diagnostics.md");
    private static final Path PROCESSOR_SOURCES = Path.of("src", "main", "java");

    /** Tags whose example is not one javac compilation with this processor, and why. */
    private static final Map<String, String> NOT_COMPILED = Map.of(
            "AdjointNeedsJavac", "it needs another compiler (ECJ)",
            "AdjointNoSource", "it needs a class processed from its class file",
            "AdjointMissingAdjoint", "it needs a library compiled without the processor first",
            "AdjointInternalError", "it is a bug in the processor");

    /** A tag as the sources report it: a constant of {@code diag.Tag} passed to the reporter. */
    private static final Pattern SOURCE_TAG = Pattern.compile("\\bTag\\.(Adjoint[A-Z]\\w+)");
    private static final Pattern SECTION = Pattern.compile("^### (Adjoint[A-Z]\\w+)\\s*$");
    /** A quoted diagnostic, as javac prints it: {@code Functions.java:7: error: [AdjointFloat] ...}. */
    private static final Pattern QUOTED = Pattern.compile("^(\\S+\\.java):(\\d+): (error|warning): (.*)$");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public )?(?:final )?(?:abstract )?(?:class|interface|enum|record) (\\w+)");

    /** One {@code ### AdjointTag} section: its Java and text code blocks, in order. */
    private record Section(String tag, List<String> java, List<String> text) {}

    @Test
    void everyTagTheProcessorReportsHasOneSection() throws IOException {
        Set<String> reported = new TreeSet<>();
        try (Stream<Path> files = Files.walk(PROCESSOR_SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                Matcher m = SOURCE_TAG.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (m.find()) {
                    reported.add(m.group(1));
                }
            }
        }
        assertThat(reported).isNotEmpty();
        assertWithMessage("tags the processor reports, against the sections of %s", PAGE)
                .that(new TreeSet<>(sections().keySet())).isEqualTo(reported);
    }

    @TestFactory
    Stream<DynamicTest> everyExampleGivesTheQuotedMessage() throws IOException {
        return sections().values().stream().map(section -> DynamicTest.dynamicTest(section.tag(), () -> {
            assertWithMessage("%s quotes its message in a text block", section.tag())
                    .that(String.join("\n", section.text())).contains("[" + section.tag() + "]");
            if (NOT_COMPILED.containsKey(section.tag())) {
                return;
            }
            assertWithMessage("%s has a Java example (or is listed in NOT_COMPILED)", section.tag())
                    .that(section.java()).isNotEmpty();
            Compilation c = Sources.compile(section.java().stream().map(DiagnosticsDocTest::source)
                    .toArray(JavaFileObject[]::new));
            Sources.assertNoCrash(c);
            int quoted = 0;
            for (String block : section.text()) {
                for (String line : block.split("\n")) {
                    Matcher q = QUOTED.matcher(line);
                    if (q.matches()) {
                        quoted++;
                        assertReported(c, section.tag(), q.group(1), Long.parseLong(q.group(2)), q.group(3), q.group(4));
                    }
                }
            }
            assertTrue(quoted > 0, section.tag() + " quotes no diagnostic in javac's format (File.java:line: error: ...)");
        }));
    }

    /** The compilation reported exactly this message, of this kind, in this file, on this line. */
    private static void assertReported(Compilation c, String tag, String file, long line, String kind, String message) {
        Diagnostic.Kind expected = kind.equals("error") ? Diagnostic.Kind.ERROR : Diagnostic.Kind.WARNING;
        List<String> actual = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
            String name = d.getSource() == null ? "" : d.getSource().getName();
            String simpleName = name.substring(name.lastIndexOf('/') + 1);
            String text = d.getMessage(Locale.ROOT);
            if (d.getKind() == expected && simpleName.equals(file) && d.getLineNumber() == line && text.equals(message)) {
                return;
            }
            actual.add(simpleName + ":" + d.getLineNumber() + ": " + d.getKind() + ": " + text);
        }
        throw new AssertionError(tag + ": " + PAGE + " quotes\n  " + file + ":" + line + ": " + kind + ": " + message
                + "\nbut the compilation reported\n  " + String.join("\n  ", actual));
    }

    private static JavaFileObject source(String text) {
        Matcher pkg = PACKAGE.matcher(text);
        Matcher type = TYPE.matcher(text);
        if (!pkg.find() || !type.find()) {
            throw new AssertionError("an example without a package or a type:\n" + text);
        }
        return JavaFileObjects.forSourceString(pkg.group(1) + "." + type.group(1), text);
    }

    /** The page's {@code ### AdjointTag} sections in order, each with its fenced blocks. */
    private static Map<String, Section> sections() throws IOException {
        Map<String, Section> sections = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        Section current = null;
        String fence = null;
        StringBuilder block = new StringBuilder();
        for (String line : Files.readAllLines(PAGE, StandardCharsets.UTF_8)) {
            if (fence != null) {
                if (line.equals("```")) {
                    if (current != null) {
                        (fence.equals("java") ? current.java() : fence.equals("text") ? current.text() : new ArrayList<String>())
                                .add(block.toString());
                    }
                    fence = null;
                } else {
                    block.append(line).append('\n');
                }
                continue;
            }
            if (line.startsWith("```")) {
                fence = line.substring(3).trim();
                block.setLength(0);
                continue;
            }
            Matcher heading = SECTION.matcher(line);
            if (heading.matches()) {
                current = new Section(heading.group(1), new ArrayList<>(), new ArrayList<>());
                if (sections.put(current.tag(), current) != null) {
                    duplicates.add(current.tag());
                }
            } else if (line.startsWith("#")) {
                current = null; // a heading that is not a tag ends the section
            }
        }
        assertWithMessage("sections written twice in %s", PAGE).that(duplicates).isEmpty();
        return sections;
    }
}
