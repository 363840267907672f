package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertSameValue;

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

    // PENDING(loops): compare TwoLayerNetAdjoint.lossGradient(w1, b1, w2, b2, x, y) with bench.hand (EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        TwoLayerNetBench bench = new TwoLayerNetBench();
        double loss = bench.primal();
        assertSameValue("hand-written", loss, bench.handWritten());
        assertSameValue("tape", loss, bench.tape());
        assertSameValue("DerivativeStructure", loss, bench.derivativeStructure());
        assertSameValue("finite differences", loss, bench.finiteDifferences());

        double[] hand = flat(bench.hand);
        assertClose("tape vs hand-written", hand, flat(bench.tape), EXACT_TOLERANCE);
        assertClose("DerivativeStructure vs hand-written", hand, flat(bench.ds), EXACT_TOLERANCE);
        assertClose("finite differences vs hand-written", hand, flat(bench.fdGradient), FD_TOLERANCE);
    }
}
