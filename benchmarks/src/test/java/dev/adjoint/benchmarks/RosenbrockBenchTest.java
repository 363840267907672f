package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import org.junit.jupiter.api.Test;

class RosenbrockBenchTest {

    // PENDING(loops): also assertClose(bench.hand, RosenbrockAdjoint.rosenbrockGradient(x).x, EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        RosenbrockBench bench = new RosenbrockBench();
        runEveryVariant(bench);
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
