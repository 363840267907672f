package dev.adjoint.benchmarks;

/**
 * The six variants timed for every model that has a hand-written adjoint (all but
 * {@link LargeMethodBench}), with the JMH settings of {@link BenchSettings}. Each subclass holds the
 * inputs and one reused gradient holder per variant. Every variant returns the function's value,
 * which JMH consumes.
 *
 * <p>Every gradient variant adds into its holder and no variant zeroes it between calls: the
 * generated pullback and the hand-written adjoint both accumulate ({@code +=}), so neither does
 * work the other skips.
 */
public abstract class ModelBench extends BenchSettings {

    /** The function itself. */
    public abstract double primal();

    /** The generated pullback, {@code <Model>Adjoint.<f>Pullback(..., 1.0, holder)}, into a reused holder. */
    public abstract double gradient();

    /** Reverse mode by hand, allocation-free, into a reused holder. */
    public abstract double handWritten();

    /** The function on the runtime {@code Tensor} tape, then backward. */
    public abstract double tape();

    /** commons-math3 {@code DerivativeStructure}: forward mode, one free parameter per input. */
    public abstract double derivativeStructure();

    /** Central finite differences: two evaluations per input. */
    public abstract double finiteDifferences();
}
