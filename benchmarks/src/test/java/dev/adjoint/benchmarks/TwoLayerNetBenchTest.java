package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.TwoLayerNetAdjoint;
import dev.adjoint.benchmarks.models.TwoLayerNetBaselines;
import org.junit.jupiter.api.Test;

class TwoLayerNetBenchTest {

    /** w1, b1, w2 and b2 end to end, the layout finite differences use. */
    private static double[] flat(TwoLayerNetBaselines.Gradient g) {
        return flat(new double[][] {g.w1, g.b1, g.w2, {g.b2}});
    }

    private static double[] flat(TwoLayerNetAdjoint.LossGradient g) {
        return flat(new double[][] {g.w1, g.b1, g.w2, {g.b2}});
    }

    private static double[] flat(double[][] blocks) {
        int n = 0;
        for (double[] b : blocks) {
            n += b.length;
        }
        double[] flat = new double[n];
        int at = 0;
        for (double[] b : blocks) {
            System.arraycopy(b, 0, flat, at, b.length);
            at += b.length;
        }
        return flat;
    }

    /** One benchmark call of each variant from a fresh state: the gradients it leaves behind. */
    @Test
    void everyVariantComputesTheSameGradient() {
        TwoLayerNetBench bench = new TwoLayerNetBench();
        runEveryVariant(bench);
        double[] hand = flat(bench.hand);
        assertClose("generated vs hand-written", hand, flat(bench.generated), EXACT_TOLERANCE);
        assertClose("lossGradient vs hand-written", hand, flat(TwoLayerNetAdjoint.lossGradient(
                bench.w1, bench.b1, bench.w2, bench.b2[0], bench.x, bench.y)), EXACT_TOLERANCE);
        assertBaselinesAgree(flat(bench.hand), flat(bench.tape), flat(bench.ds), flat(bench.fdGradient));
    }
}
