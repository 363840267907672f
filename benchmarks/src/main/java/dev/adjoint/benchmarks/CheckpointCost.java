package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.LongIterate;
import dev.adjoint.benchmarks.models.LongIterateAdjoint;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What binomial checkpointing costs: the gradient of {@link LongIterate}'s ten million steps with
 * 100 snapshots against the same gradient recording every iteration, the primal and forward mode
 * beside them. One call is a few hundred milliseconds, so each is timed on its own (single-shot
 * time, ten of them after three warm-up calls); the recording variant's value stack has grown to
 * its size in the warm-up and is reused, as it is in a program that calls it again.
 * {@link CheckpointReport} runs it and pairs the two gradients in one JVM too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class CheckpointCost {

    public double x = 0.7;
    public int steps = LongIterate.STEPS;
    public final LongIterateAdjoint.RecordedGradient recorded = new LongIterateAdjoint.RecordedGradient();
    public final LongIterateAdjoint.CheckpointedGradient checkpointed = new LongIterateAdjoint.CheckpointedGradient();

    @Benchmark
    public double primal() {
        return LongIterate.recorded(x, steps);
    }

    @Benchmark
    public double recorded() {
        return LongIterateAdjoint.recordedPullback(x, steps, 1.0, recorded);
    }

    @Benchmark
    public double checkpointed() {
        return LongIterateAdjoint.checkpointedPullback(x, steps, 1.0, checkpointed);
    }

    @Benchmark
    public double tangent() {
        return LongIterateAdjoint.recordedTangent(x, steps, 1.0);
    }
}
