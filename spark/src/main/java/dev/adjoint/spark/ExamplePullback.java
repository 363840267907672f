package dev.adjoint.spark;

import java.io.Serializable;

/**
 * One example's loss and its gradient in the parameters, as a generated pullback computes them:
 * returns the loss at {@code w} and <b>adds</b> {@code seed}·∇loss into {@code into}. Usually one
 * line calling what Adjoint generated for a {@code @Differentiable} per-example loss:
 *
 * <pre>{@code
 * (w, example, seed, into) -> LogisticAdjoint.lossPullback(w, example.x(), example.y(), seed, into)
 * }</pre>
 *
 * <p>It runs on Spark's executors, once per row and iteration, so it is serialised with the job:
 * capture nothing large.
 *
 * @param <G> the generated gradient holder, e.g. {@code LogisticAdjoint.LossGradient}
 */
@FunctionalInterface
public interface ExamplePullback<G> extends Serializable {

    /** Returns the loss of {@code example} at {@code w} and adds {@code seed}·∂loss/∂w into {@code into}. */
    double pullback(double[] w, Example example, double seed, G into);
}
