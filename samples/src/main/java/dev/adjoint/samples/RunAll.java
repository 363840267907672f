package dev.adjoint.samples;

/** Runs every sample in turn: what {@code mvn -Prun-samples verify} executes. */
public final class RunAll {

    private RunAll() {}

    public static void main(String[] args) throws Exception {
        banner("AutogradBasics: the seed notebook on the runtime tape");
        AutogradBasics.main(args);
        banner("Greeks: Black-Scholes sensitivities from the generated gradient");
        Greeks.main(args);
        banner("GeneratedSource: the derivative code Adjoint wrote at compile time");
        GeneratedSource.main(args);
    }

    private static void banner(String title) {
        System.out.println();
        System.out.println("=== " + title + " ===");
    }
}
