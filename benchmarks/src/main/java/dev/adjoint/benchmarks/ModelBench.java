package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every model's benchmark times, and the JMH settings they share (inherited; the command
 * line overrides them): average time in ns, one fork, 3 warm-up iterations of one second and 10
 * measured iterations of half a second (many short iterations, so that the report's median
 * shrugs off the ones other work on the machine slowed down). Each subclass is its own state, holding the inputs and one reused gradient holder per
 * variant. Every variant returns the function's value, which JMH consumes.
 *
 * <p>Every gradient variant adds into its holder and no variant zeroes it between calls: the
 * generated pullback and the hand-written adjoint both accumulate ({@code +=}), so neither does
 * work the other skips.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public abstract class ModelBench {

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
