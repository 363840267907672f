package dev.adjoint.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The processor's shape (docs/architecture.md): one package per stage of the pipeline, data
 * flowing one way, so that no package uses a later one (imports and fully qualified names alike),
 * and no source file grows past what one reads in a sitting.
 */
class ArchitectureTest {

    /** The stages in pipeline order; the root package (the driver) may use them all. */
    static final List<String> ORDER = List.of("diag", "ir", "contract", "find", "read", "analysis", "fence",
            "normalize", "ad", "ad.reverse", "emit", "");

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "adjoint", "processor");
    /** A use of a processor class (a name in a string, as @Generated's, is none). */
    private static final Pattern REFERENCE = Pattern.compile("(?<!\")dev\\.adjoint\\.processor\\.((?:[a-z]+\\.)*)[A-Z]");
    private static final int LONGEST = 800;

    private static String stage(Path file) {
        Path dir = SOURCES.relativize(file.getParent());
        return dir.toString().replace(java.io.File.separatorChar, '.');
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void everyPackageIsAStage() throws IOException {
        Set<String> stages = new TreeSet<>();
        for (Path f : sources()) {
            stages.add(stage(f));
        }
        assertEquals(new TreeSet<>(ORDER), stages, "the packages of the processor against ArchitectureTest.ORDER");
    }

    @Test
    void noStageUsesALaterOne() throws IOException {
        List<String> backwards = new ArrayList<>();
        for (Path f : sources()) {
            String own = stage(f);
            Matcher m = REFERENCE.matcher(Files.readString(f, StandardCharsets.UTF_8));
            while (m.find()) {
                String used = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
                if (ORDER.indexOf(used) > ORDER.indexOf(own)) {
                    backwards.add(SOURCES.relativize(f) + " (" + (own.isEmpty() ? "root" : own) + ") uses "
                            + (used.isEmpty() ? "the root package" : used));
                }
            }
        }
        assertTrue(backwards.isEmpty(), "a stage uses a later one:\n" + String.join("\n", new TreeSet<>(backwards)));
    }

    @Test
    void noSourceFileIsLongerThanOneSitting() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path f : sources()) {
            long lines = Files.readAllLines(f, StandardCharsets.UTF_8).size();
            if (lines > LONGEST) {
                long_.add(SOURCES.relativize(f) + ": " + lines + " lines");
            }
        }
        assertTrue(long_.isEmpty(), "longer than " + LONGEST + " lines, split by job:\n" + String.join("\n", long_));
    }
}
