package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.TwoLayerNet;
import dev.adjoint.benchmarks.models.TwoLayerNetAdjoint;
import dev.adjoint.benchmarks.models.TwoLayerNetBaselines;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Two-layer tanh network, d = 8 inputs, h = 16 hidden units, batch B = 64, regressing
 * y = sin(x₀) + x₁/2: 161 parameters (w1 128, b1 16, w2 16, b2 1). All variants run at full size
 * (DerivativeStructure carries all 161 partial derivatives through each operation).
 */
public class TwoLayerNetBench extends ModelBench {

    public static final int D = 8;
    public static final int H = 16;
    public static final int B = 64;

    public final double[][] x;
    public final double[] y = new double[B];
    public final double[] w1;
    public final double[] b1;
    public final double[] w2;
    /** b2 in a one-element array, so that finite differences can perturb it in place. */
    public final double[] b2 = {0.1};

    /** The generated pullback's holder: arrays allocated once to the parameters' lengths, never zeroed (like {@link #hand}). */
    public final TwoLayerNetAdjoint.LossGradient generated = new TwoLayerNetAdjoint.LossGradient();
    public final TwoLayerNetBaselines.Gradient hand = new TwoLayerNetBaselines.Gradient(H, D);
    public final double[] hidden = new double[H];
    public final TwoLayerNetBaselines.Gradient tape = new TwoLayerNetBaselines.Gradient(H, D);
    public final TwoLayerNetBaselines.Gradient ds = new TwoLayerNetBaselines.Gradient(H, D);
    public final double[][] fdGradient = {new double[H * D], new double[H], new double[H], new double[1]};
    private final double[][] fdInputs;
    private final DoubleSupplier fdFunction;

    public TwoLayerNetBench() {
        Random random = new Random(3);
        x = Data.gaussian(random, B, D);
        for (int i = 0; i < B; i++) {
            y[i] = Math.sin(x[i][0]) + 0.5 * x[i][1];
        }
        w1 = Data.gaussian(random, H * D, 1.0 / Math.sqrt(D));
        b1 = Data.gaussian(random, H, 0.1);
        w2 = Data.gaussian(random, H, 1.0 / Math.sqrt(H));
        generated.w1 = new double[H * D];
        generated.b1 = new double[H];
        generated.w2 = new double[H];
        fdInputs = new double[][] {w1, b1, w2, b2};
        fdFunction = () -> TwoLayerNet.loss(w1, b1, w2, b2[0], x, y);
    }

    @Benchmark
    @Override
    public double primal() {
        return TwoLayerNet.loss(w1, b1, w2, b2[0], x, y);
    }

    @Benchmark
    @Override
    public double gradient() {
        return TwoLayerNetAdjoint.lossPullback(w1, b1, w2, b2[0], x, y, 1.0, generated);
    }

    @Benchmark
    @Override
    public double handWritten() {
        return TwoLayerNetBaselines.lossPullback(w1, b1, w2, b2[0], x, y, 1.0, hand, hidden);
    }

    @Benchmark
    @Override
    public double tape() {
        return TwoLayerNetBaselines.lossOnTape(w1, b1, w2, b2[0], x, y, tape);
    }

    @Benchmark
    @Override
    public double derivativeStructure() {
        return TwoLayerNetBaselines.lossDerivativeStructure(w1, b1, w2, b2[0], x, y, ds);
    }

    @Benchmark
    @Override
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }
}
