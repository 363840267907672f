package dev.adjoint.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Shows where the processor wrote the derivative code of {@link BlackScholes} and prints its
 * pullback, the readable reverse-mode code behind {@code callGradient}.
 */
public final class GeneratedSource {

    /** Where Maven's compiler plugin puts sources written by annotation processors. */
    static final Path RELATIVE = Paths.get("target", "generated-sources", "annotations", "dev", "adjoint", "samples",
            "BlackScholesAdjoint.java");

    private GeneratedSource() {}

    public static void main(String[] args) throws IOException {
        Path file = locate();
        if (file == null) {
            System.out.println("Generated source not found: run from the project root or samples/ after a build ("
                    + RELATIVE + ")");
            return;
        }
        System.out.println("Generated adjoint of BlackScholes: " + file.toAbsolutePath().normalize());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean inPullback = false;
        for (String line : lines) {
            if (line.contains("public static double callPullback(")) {
                inPullback = true;
            }
            if (inPullback) {
                System.out.println(line);
                if (line.equals("    }")) {
                    break;
                }
            }
        }
    }

    /** The generated file, looked up from the project root or from samples/. */
    static Path locate() {
        for (Path candidate : List.of(Paths.get("samples").resolve(RELATIVE), RELATIVE)) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
