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
        banner("TrainingLoop: a two-layer network trained on the tape, PyTorch's loop in Java");
        TrainingLoop.main(args);
        banner("GammaFit: a distribution object fitted by maximum likelihood, Newton on its generated Hessian");
        GammaFit.main(args);
        banner("CurveFit: a least-squares fit with the generated gradient vs finite differences");
        CurveFit.main(args);
        banner("TrajectorySensitivity: a million-step simulation differentiated in bounded memory (checkpointing)");
        TrajectorySensitivity.main(args);
        banner("Plots: sin(x^2) and its generated derivative");
        Plots.main(args);
    }

    private static void banner(String title) {
        System.out.println();
        System.out.println("=== " + title + " ===");
    }
}
