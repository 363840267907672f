package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Minimises an {@link Objective} with breeze's L-BFGS, the optimiser (and the settings) Spark
 * MLlib's {@code LogisticRegression} uses: {@code new LBFGS(maxIterations, memory, tolerance)} over
 * a {@code CachedDiffFunction}. So a fit here and an MLlib fit with the same tolerance stop by the
 * same rule: breeze's, which stops when the objective's relative improvement over the last
 * iterations, or the gradient's norm relative to the objective, falls below the tolerance, or at
 * the iteration limit.
 *
 * <p>Reports each iteration as it finishes: the loss, the gradient's norm, the iteration's
 * wall-clock time and how many evaluations its line search made.
 */
public final class Lbfgs {

    private final int maxIterations;
    private final int memory;
    private final double tolerance;

    /**
     * @param maxIterations the iteration limit (MLlib's {@code maxIter}, 100 by default)
     * @param memory how many past steps approximate the Hessian (MLlib: 10)
     * @param tolerance the convergence tolerance (MLlib's {@code tol}, 1e-6 by default)
     */
    public Lbfgs(int maxIterations, int memory, double tolerance) {
        if (maxIterations < 0 || memory < 1 || !(tolerance >= 0)) {
            throw new IllegalArgumentException("maxIterations >= 0, memory >= 1, tolerance >= 0 expected, got "
                    + maxIterations + ", " + memory + ", " + tolerance);
        }
        this.maxIterations = maxIterations;
        this.memory = memory;
        this.tolerance = tolerance;
    }

    /** MLlib's defaults: 100 iterations, memory 10, tolerance 1e-6. */
    public static Lbfgs mllibDefaults() {
        return new Lbfgs(100, 10, 1e-6);
    }

    /**
     * One finished iteration.
     *
     * @param iteration 0 for the starting point, then 1, 2, ...
     * @param loss the objective at the iterate
     * @param gradientNorm the Euclidean norm of its gradient
     * @param seconds the iteration's wall-clock time (for iteration 0: the first evaluation)
     * @param evaluations how many times the iteration evaluated the objective (line search included)
     */
    public record Progress(int iteration, double loss, double gradientNorm, double seconds, int evaluations) {
        @Override
        public String toString() {
            return String.format("iteration %3d  loss %.10f  |gradient| %.3e  %7.3f s  %d evaluation%s",
                    iteration, loss, gradientNorm, seconds, evaluations, evaluations == 1 ? "" : "s");
        }
    }

    /**
     * The result of a fit.
     *
     * @param w the parameters found
     * @param loss the objective there
     * @param iterations the number of iterations (not counting the start), as MLlib counts them
     * @param stopReason breeze's reason for stopping (e.g. "function values converged")
     * @param history every iteration's progress, the start first
     */
    public record Fit(double[] w, double loss, int iterations, String stopReason, List<Progress> history) {}

    /** Minimises {@code objective} from {@code start}, silently. */
    public Fit minimize(Objective objective, double[] start) {
        return minimize(objective, start, progress -> {});
    }

    /** Minimises {@code objective} from {@code start}, handing each iteration to {@code onIteration}. */
    public Fit minimize(Objective objective, double[] start, Consumer<Progress> onIteration) {
        int[] evaluations = {0};
        // Timed from here: breeze evaluates the starting point when the iterator is made.
        long before = System.nanoTime();
        Iterator<BreezeLbfgs.Step> steps = BreezeLbfgs.iterations((w, gradient) -> {
            evaluations[0]++;
            return objective.valueAndGradient(w, gradient);
        }, start, maxIterations, memory, tolerance);
        List<Progress> history = new ArrayList<>();
        BreezeLbfgs.Step last = null;
        int evaluationsBefore = 0;
        while (steps.hasNext()) {
            BreezeLbfgs.Step step = steps.next();
            long now = System.nanoTime();
            Progress progress = new Progress(step.iteration(), step.value(), norm(step.gradient()),
                    (now - before) * 1e-9, evaluations[0] - evaluationsBefore);
            history.add(progress);
            onIteration.accept(progress);
            before = System.nanoTime();
            evaluationsBefore = evaluations[0];
            last = step;
        }
        if (last == null) {
            throw new IllegalStateException("breeze's L-BFGS returned no state");
        }
        String reason = last.converged() != null ? last.converged() : "stopped";
        return new Fit(last.x(), last.value(), history.size() - 1, reason, List.copyOf(history));
    }

    private static double norm(double[] v) {
        double sum = 0.0;
        for (double x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
