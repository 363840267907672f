package dev.adjoint.spark;

import java.io.Serializable;

/**
 * Makes a generated gradient holder whose parameter array is the given one, so what the pullbacks
 * add up lands in an array {@link DistributedGradient} owns (and ships back to the driver; generated
 * holders are not {@code Serializable}). For a loss differentiated in one {@code double[] w}:
 *
 * <pre>{@code
 * gradient -> {
 *     LogisticAdjoint.LossGradient holder = new LogisticAdjoint.LossGradient();
 *     holder.w = gradient;
 *     return holder;
 * }
 * }</pre>
 *
 * <p>The parameters are one {@code double[]}, what the optimiser moves: a model with a bias keeps
 * it in that array (say, as its last entry).
 *
 * @param <G> the generated gradient holder
 */
@FunctionalInterface
public interface GradientHolder<G> extends Serializable {

    /** A holder adding into {@code gradient}, which has one entry per parameter and starts at zero. */
    G wrap(double[] gradient);
}
