package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.Overwrite;
import dev.adjoint.benchmarks.models.OverwriteAdjoint;
import dev.adjoint.benchmarks.models.OverwriteBaselines;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The overwrite loop {@code x = sin(x) + x/2}, {@link Overwrite#STEPS} = 10,000 steps from
 * x = 0.7, one input. The hand-written adjoint saves the 10,000 values in a work array allocated
 * once here and reused; the tape records 30,000 nodes per call.
 */
public class OverwriteBench extends ModelBench {

    public double x = 0.7;
    public int steps = Overwrite.STEPS;

    /** The generated pullback's holder, never zeroed (like {@link #hand}); its saved values go on the thread's ValueStack. */
    public final OverwriteAdjoint.OverwriteGradient generated = new OverwriteAdjoint.OverwriteGradient();
    public final double[] hand = new double[1];
    public final double[] saved = new double[Overwrite.STEPS];
    public final double[] tape = new double[1];
    public final double[] ds = new double[1];
    public final double[][] fdGradient = {new double[1]};
    private final double[][] fdInputs = {{x}};
    private final DoubleSupplier fdFunction = () -> Overwrite.overwrite(fdInputs[0][0], steps);

    @Benchmark
    @Override
    public double primal() {
        return Overwrite.overwrite(x, steps);
    }

    @Benchmark
    @Override
    public double gradient() {
        return OverwriteAdjoint.overwritePullback(x, steps, 1.0, generated);
    }

    @Benchmark
    @Override
    public double handWritten() {
        return OverwriteBaselines.overwritePullback(x, steps, 1.0, hand, saved);
    }

    @Benchmark
    @Override
    public double tape() {
        return OverwriteBaselines.overwriteOnTape(x, steps, tape);
    }

    @Benchmark
    @Override
    public double derivativeStructure() {
        return OverwriteBaselines.overwriteDerivativeStructure(x, steps, ds);
    }

    @Benchmark
    @Override
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }
}
