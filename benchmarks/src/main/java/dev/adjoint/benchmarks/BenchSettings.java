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
 * The JMH settings every benchmark class of the report shares (inherited; the command line
 * overrides them): average time in ns, one fork, 3 warm-up iterations of one second and 10
 * measured iterations of half a second (many short iterations, so that the report's median
 * shrugs off the ones other work on the machine slowed down). Each subclass is its own state.
 *
 * <p>Most models extend {@link ModelBench}, which adds the variants every one of them times; the
 * large method ({@link LargeMethodBench}) has no hand-written, tape or DerivativeStructure variant
 * and extends this class directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public abstract class BenchSettings {}
