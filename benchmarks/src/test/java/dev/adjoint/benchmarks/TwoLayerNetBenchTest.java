package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.TwoLayerNetBaselines;
import org.junit.jupiter.api.Test;

class TwoLayerNetBenchTest {

    /** w1, b1, w2 and b2 end to end, the layout finite differences use. */
    private static double[] flat(TwoLayerNetBaselines.Gradient g) {
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

    // PENDING(loops): also assertClose(hand, flat(TwoLayerNetAdjoint.lossGradient(w1, b1, w2, b2[0], x, y)), EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        TwoLayerNetBench bench = new TwoLayerNetBench();
        runEveryVariant(bench);
        assertBaselinesAgree(flat(bench.hand), flat(bench.tape), flat(bench.ds), flat(bench.fdGradient));
    }
}
