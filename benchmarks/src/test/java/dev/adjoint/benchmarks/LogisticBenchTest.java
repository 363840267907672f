package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import org.junit.jupiter.api.Test;

class LogisticBenchTest {

    // PENDING(loops): also assertClose(bench.hand, LogisticAdjoint.lossGradient(w, x, y).w, EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        LogisticBench bench = new LogisticBench();
        runEveryVariant(bench);
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
