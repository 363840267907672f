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
 * The fork's heap is fixed and touched in advance: on a virtual machine the first touch of each
 * page of a growing heap is slow, and the allocating variants (the tape, DerivativeStructure)
 * swung between 20 and 700 µs per call on the logistic loss without it.
 *
 * <p>Most models extend {@link ModelBench}, which adds the variants every one of them times; the
 * large method ({@link LargeMethodBench}) has no hand-written, tape or DerivativeStructure variant
 * and extends this class directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public abstract class BenchSettings {}
