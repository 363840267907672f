package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.Logistic;
import dev.adjoint.benchmarks.models.LogisticAdjoint;
import dev.adjoint.benchmarks.models.LogisticBaselines;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Logistic-regression loss, n = 256 samples × d = 16 features, gradient in the 16 weights. The
 * labels come from a random separating direction plus noise; the weights are a small random
 * start. All variants run at full size.
 *
 * <p>Forward mode and second order (the report's second table), along a fixed random direction
 * {@link #v} in the weights: the generated tangent against {@code DerivativeStructure} with one
 * free parameter along {@code v}, and the generated Hessian-vector product ({@code lossHvp}, one
 * forward-over-reverse sweep, allocating its holder) against the same called into a holder
 * allocated once here and zeroed before each call (as a caller who keeps its holders would: no
 * allocation) and against central differences of the generated gradient along {@code v} (two
 * pullbacks into reused holders).
 */
public class LogisticBench extends ModelBench {

    public static final int N = 256;
    public static final int D = 16;

    public final double[][] x;
    public final double[] y = new double[N];
    public final double[] w;

    /** The generated pullback's holder: {@code w}'s gradient allocated once, never zeroed (like {@link #hand}). */
    public final LogisticAdjoint.LossGradient generated = new LogisticAdjoint.LossGradient();
    public final double[] hand = new double[D];
    public final double[] tape = new double[D];
    public final double[] ds = new double[D];
    public final Tensor[] xColumns;
    public final Tensor yTensor;
    public final double[][] fdGradient = {new double[D]};
    private final double[][] fdInputs;
    /** The direction of the tangent and Hessian-vector product variants. */
    public final double[] v;
    public final double[] fdWork = new double[D];
    public final double[] fdHvp = new double[D];
    public final LogisticAdjoint.LossGradient fdUp = new LogisticAdjoint.LossGradient();
    public final LogisticAdjoint.LossGradient fdDown = new LogisticAdjoint.LossGradient();
    /** The holder of {@link #hvpIntoHolders}: H·v, allocated once, zeroed per call. */
    public final LogisticAdjoint.LossGradient hvpProduct = new LogisticAdjoint.LossGradient();
    private final DoubleSupplier fdFunction;

    public LogisticBench() {
        Random random = new Random(1);
        x = Data.gaussian(random, N, D);
        double[] direction = Data.gaussian(random, D, 1.0 / Math.sqrt(D));
        for (int i = 0; i < N; i++) {
            double z = 0.5 * random.nextGaussian();
            for (int k = 0; k < D; k++) {
                z += direction[k] * x[i][k];
            }
            y[i] = z >= 0 ? 1.0 : -1.0;
        }
        w = Data.gaussian(random, D, 0.1);
        xColumns = LogisticBaselines.columns(x);
        yTensor = Tensor.vector(y);
        generated.w = new double[D];
        fdInputs = new double[][] {w};
        fdFunction = () -> Logistic.loss(w, x, y);
        v = Data.gaussian(new Random(5), D, 1.0);
        fdUp.w = new double[D];
        fdDown.w = new double[D];
        hvpProduct.w = new double[D];
    }

    @Benchmark
    @Override
    public double primal() {
        return Logistic.loss(w, x, y);
    }

    @Benchmark
    @Override
    public double gradient() {
        return LogisticAdjoint.lossPullback(w, x, y, 1.0, generated);
    }

    @Benchmark
    @Override
    public double handWritten() {
        return LogisticBaselines.lossPullback(w, x, y, 1.0, hand);
    }

    @Benchmark
    @Override
    public double tape() {
        return LogisticBaselines.lossOnTape(w, xColumns, yTensor, tape);
    }

    @Benchmark
    @Override
    public double derivativeStructure() {
        return LogisticBaselines.lossDerivativeStructure(w, x, y, ds);
    }

    @Benchmark
    @Override
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }

    /** The generated forward mode, {@code lossTangent}: the derivative along {@link #v}. */
    @Benchmark
    public double tangent() {
        return LogisticAdjoint.lossTangent(w, x, y, v);
    }

    /** {@code DerivativeStructure} with one free parameter along {@link #v}. */
    @Benchmark
    public double tangentDerivativeStructure() {
        return LogisticBaselines.lossTangentDerivativeStructure(w, x, y, v);
    }

    /** The generated {@code lossHvp}: H·v in the weights, in new holders per call. */
    @Benchmark
    public LogisticAdjoint.LossGradient hvp() {
        return LogisticAdjoint.lossHvp(w, x, y, v);
    }

    /**
     * The generated {@code lossHvp} overload that adds H·v into the caller's holder:
     * {@link #hvpProduct}, zeroed first.
     */
    @Benchmark
    public double[] hvpIntoHolders() {
        hvpProduct.zero();
        LogisticAdjoint.lossHvp(w, x, y, v, hvpProduct);
        return hvpProduct.w;
    }

    /** Central differences of the generated gradient along {@link #v}: two pullbacks. */
    @Benchmark
    public double[] hvpFiniteDifferences() {
        return LogisticBaselines.lossHvpFiniteDifferences(w, x, y, v, fdWork, fdUp, fdDown, fdHvp);
    }
}
