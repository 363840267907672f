package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** Each tape variant of {@link TapeBench} computes what its plain loop computes, so their ratio compares like with like. */
class TapeBenchTest {

    @Test
    void sinTimesVOnTheTapeAndInTheLoopAgree() {
        TapeBench b = new TapeBench();
        double tape = TapeBench.sinTimesTape(b.vSmallLeaf);
        double loop = TapeBench.sinTimesLoop(b.vSmall, b.gSmall);
        assertEquals(loop, tape, 1e-9 * Math.abs(loop));
        assertClose("d/dv", b.gSmall, b.vSmallLeaf.grad().toArray(), EXACT_TOLERANCE);
    }

    @Test
    void meanSquaredErrorOnTheTapeAndInTheLoopAgree() {
        TapeBench b = new TapeBench();
        double tape = TapeBench.mseTape(b.wSmallLeaf, b.xSmallData, b.ySmallData);
        double loop = TapeBench.mseLoop(b.vSmall, b.xSmall, b.ySmall, b.gSmall);
        assertEquals(loop, tape, 1e-12 * Math.abs(loop));
        assertClose("d/dw", b.gSmall, b.wSmallLeaf.grad().toArray(), EXACT_TOLERANCE);
    }

    @Test
    void matmulOnTheTapeAndTheBlockedLoopAgree() {
        TapeBench b = new TapeBench();
        double[] c = new double[TapeBench.MATRIX * TapeBench.MATRIX];
        TapeBench.blockedMultiplyAdd(b.a, b.b, c, TapeBench.MATRIX);
        assertClose("A·B", c, b.aData.mm(b.bData).toArray(), EXACT_TOLERANCE);
        b.matmulBackwardTape();
        b.matmulBackwardLoop();
        assertClose("dA", b.gA, b.aLeaf.grad().toArray(), EXACT_TOLERANCE);
        assertClose("dB", b.gB, b.bLeaf.grad().toArray(), EXACT_TOLERANCE);
    }

    @Test
    void theScalarVariantsComputeRosenbrocksGradientAndTheChainsValue() {
        TapeBench b = new TapeBench();
        b.rosenbrockTape();
        double[] x = b.rosenbrockX, expected = new double[x.length];
        for (int i = 0; i + 1 < x.length; i++) { // d/dx of 100 (x_{i+1} - x_i²)² + (1 - x_i)²
            double p = x[i + 1] - x[i] * x[i];
            expected[i] += -400 * p * x[i] - 2 * (1 - x[i]);
            expected[i + 1] += 200 * p;
        }
        assertClose("Rosenbrock", expected, b.rosenbrockGrad, EXACT_TOLERANCE);
        Tensor probe = Tensor.scalar(0.999);
        double y = 0.999;
        for (int i = 0; i < TapeBench.CHAIN / 2; i++) {
            y = y * 0.999 + 1;
            probe = probe.mul(0.999).add(1.0);
        }
        assertEquals(y, probe.item(), 0);
    }
}
