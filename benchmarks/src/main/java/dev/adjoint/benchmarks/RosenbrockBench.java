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
 *
 * <p>Forward mode and second order (the report's second table), along a fixed random direction
 * {@link #v}: the generated tangent against {@code DerivativeStructure} with one free parameter
 * along {@code v}, and the generated Hessian-vector product ({@code rosenbrockHvp}, one
 * forward-over-reverse sweep, allocating its holder) against the same called into a holder
 * allocated once here and zeroed before each call (as a caller who keeps its holders would: no
 * allocation) and against central differences of the generated gradient along {@code v} (two
 * pullbacks into reused holders).
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
    /** The direction of the tangent and Hessian-vector product variants. */
    public final double[] v;
    public final double[] fdWork = new double[N];
    public final double[] fdHvp = new double[N];
    public final RosenbrockAdjoint.RosenbrockGradient fdUp = new RosenbrockAdjoint.RosenbrockGradient();
    public final RosenbrockAdjoint.RosenbrockGradient fdDown = new RosenbrockAdjoint.RosenbrockGradient();
    /** The holder of {@link #hvpIntoHolders}: H·v, allocated once, zeroed per call. */
    public final RosenbrockAdjoint.RosenbrockGradient hvpProduct = new RosenbrockAdjoint.RosenbrockGradient();
    private final DoubleSupplier fdFunction = () -> Rosenbrock.rosenbrock(x);

    public RosenbrockBench() {
        generated.x = new double[N];
        Random random = new Random(2);
        for (int i = 0; i < N; i++) {
            x[i] = 3.0 * random.nextDouble() - 1.5;
        }
        v = Data.gaussian(new Random(4), N, 1.0);
        fdUp.x = new double[N];
        fdDown.x = new double[N];
        hvpProduct.x = new double[N];
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

    /** The generated forward mode, {@code rosenbrockTangent}: the derivative along {@link #v}. */
    @Benchmark
    public double tangent() {
        return RosenbrockAdjoint.rosenbrockTangent(x, v);
    }

    /** {@code DerivativeStructure} with one free parameter along {@link #v}. */
    @Benchmark
    public double tangentDerivativeStructure() {
        return RosenbrockBaselines.rosenbrockTangentDerivativeStructure(x, v);
    }

    /** The generated {@code rosenbrockHvp}: H·v, in new holders per call. */
    @Benchmark
    public RosenbrockAdjoint.RosenbrockGradient hvp() {
        return RosenbrockAdjoint.rosenbrockHvp(x, v);
    }

    /**
     * The generated {@code rosenbrockHvp} overload that adds H·v into the caller's holder:
     * {@link #hvpProduct}, zeroed first.
     */
    @Benchmark
    public double[] hvpIntoHolders() {
        hvpProduct.zero();
        RosenbrockAdjoint.rosenbrockHvp(x, v, hvpProduct);
        return hvpProduct.x;
    }

    /** Central differences of the generated gradient along {@link #v}: two pullbacks. */
    @Benchmark
    public double[] hvpFiniteDifferences() {
        return RosenbrockBaselines.rosenbrockHvpFiniteDifferences(x, v, fdWork, fdUp, fdDown, fdHvp);
    }
}
