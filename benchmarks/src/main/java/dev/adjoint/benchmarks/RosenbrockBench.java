package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.Rosenbrock;
import dev.adjoint.benchmarks.models.RosenbrockAdjoint;
import dev.adjoint.benchmarks.models.RosenbrockBaselines;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Rosenbrock in N = 100 dimensions at a random point of [-1.5, 1.5]ᴺ. All variants run at full
 * size (DerivativeStructure carries 100 partial derivatives through each operation).
 */
public class RosenbrockBench extends ModelBench {

    public static final int N = 100;

    public final double[] x = new double[N];
    /** The generated pullback's holder: {@code x}'s gradient allocated once, never zeroed (like {@link #hand}). */
    public final RosenbrockAdjoint.RosenbrockGradient generated = new RosenbrockAdjoint.RosenbrockGradient();
    public final double[] hand = new double[N];
    public final double[] tape = new double[N];
    public final double[] ds = new double[N];
    public final double[][] fdGradient = {new double[N]};
    private final double[][] fdInputs = {x};
    private final DoubleSupplier fdFunction = () -> Rosenbrock.rosenbrock(x);

    public RosenbrockBench() {
        generated.x = new double[N];
        Random random = new Random(2);
        for (int i = 0; i < N; i++) {
            x[i] = 3.0 * random.nextDouble() - 1.5;
        }
    }

    @Benchmark
    @Override
    public double primal() {
        return Rosenbrock.rosenbrock(x);
    }

    @Benchmark
    @Override
    public double gradient() {
        return RosenbrockAdjoint.rosenbrockPullback(x, 1.0, generated);
    }

    @Benchmark
    @Override
    public double handWritten() {
        return RosenbrockBaselines.rosenbrockPullback(x, 1.0, hand);
    }

    @Benchmark
    @Override
    public double tape() {
        return RosenbrockBaselines.rosenbrockOnTape(x, tape);
    }

    @Benchmark
    @Override
    public double derivativeStructure() {
        return RosenbrockBaselines.rosenbrockDerivativeStructure(x, ds);
    }

    @Benchmark
    @Override
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }
}
