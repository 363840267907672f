package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.Overwrite;
import dev.adjoint.benchmarks.models.OverwriteBaselines;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
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
 * The overwrite loop {@code x = sin(x) + x/2}, {@link Overwrite#STEPS} = 10,000 steps from
 * x = 0.7, one input. The hand-written adjoint saves the 10,000 values in a work array allocated
 * once here and reused; the tape records 30,000 nodes per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OverwriteBench {

    public double x = 0.7;
    public int steps = Overwrite.STEPS;

    public final double[] hand = new double[1];
    public final double[] saved = new double[Overwrite.STEPS];
    public final double[] tape = new double[1];
    public final double[] ds = new double[1];
    public final double[][] fdGradient = {new double[1]};
    private final double[][] fdInputs = {{x}};
    private final DoubleSupplier fdFunction = () -> Overwrite.overwrite(fdInputs[0][0], steps);

    @Benchmark
    public double primal() {
        return Overwrite.overwrite(x, steps);
    }

    /*
     * PENDING(loops) — once the processor supports loops:
     *  1. models/Overwrite.java: annotate overwrite with @Differentiable (steps, an int, is
     *     passed through).
     *  2. here: a holder field
     *         public final OverwriteAdjoint.OverwriteGradient generated = new OverwriteAdjoint.OverwriteGradient();
     *     and the benchmark
     *         @Benchmark
     *         public double gradient() {
     *             return OverwriteAdjoint.overwritePullback(x, steps, 1.0, generated);
     *         }
     *  3. OverwriteBenchTest: OverwriteAdjoint.overwriteGradient(x, s).x equals the hand-written
     *     derivative to 1e-12 relative, for the short and the full step counts.
     */

    @Benchmark
    public double handWritten() {
        return OverwriteBaselines.overwritePullback(x, steps, 1.0, hand, saved);
    }

    @Benchmark
    public double tape() {
        return OverwriteBaselines.overwriteOnTape(x, steps, tape);
    }

    @Benchmark
    public double derivativeStructure() {
        return OverwriteBaselines.overwriteDerivativeStructure(x, steps, ds);
    }

    @Benchmark
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }
}
