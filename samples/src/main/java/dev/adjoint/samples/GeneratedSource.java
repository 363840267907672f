package dev.adjoint.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Shows where the processor wrote the derivative code of {@link BlackScholes} and prints two of its
 * pullbacks, the readable reverse-mode code behind {@code callGradient}: {@code normalCdf}'s, which
 * uses the derivative of {@code erf} given by {@code @DerivativeOf}, and {@code call}'s, which calls it.
 * The API a user calls is {@code BlackScholesAdjoint}; it checks the arguments and hands over to
 * {@code BlackScholesAdjointImpl}, where the sweeps are.
 */
public final class GeneratedSource {

    /** Where Maven's compiler plugin puts sources written by annotation processors. */
    static final Path RELATIVE = Paths.get("target", "generated-sources", "annotations", "dev", "adjoint", "samples",
            "BlackScholesAdjointImpl.java");

    private GeneratedSource() {}

    public static void main(String[] args) throws IOException {
        Path file = locate();
        if (file == null) {
            System.out.println("Generated source not found: run from the project root or samples/ after a build ("
                    + RELATIVE + ")");
            return;
        }
        System.out.println("Derivative code generated for BlackScholes: " + file.toAbsolutePath().normalize());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        printMethod(lines, "public static double normalCdfPullback(");
        System.out.println();
        printMethod(lines, "public static double callPullback(");
    }

    /** Prints the method whose declaration contains {@code start}, up to its closing brace. */
    private static void printMethod(List<String> lines, String start) {
        boolean inMethod = false;
        for (String line : lines) {
            if (line.contains(start)) {
                inMethod = true;
            }
            if (inMethod) {
                System.out.println(line);
                if (line.equals("    }")) {
                    return;
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
