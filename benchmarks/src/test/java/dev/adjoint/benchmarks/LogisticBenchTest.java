package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.LogisticAdjoint;
import org.junit.jupiter.api.Test;

class LogisticBenchTest {

    /** One benchmark call of each variant from a fresh state: the gradients it leaves behind. */
    @Test
    void everyVariantComputesTheSameGradient() {
        LogisticBench bench = new LogisticBench();
        runEveryVariant(bench);
        assertClose("generated vs hand-written", bench.hand, bench.generated.w, EXACT_TOLERANCE);
        assertClose("lossGradient vs hand-written", bench.hand,
                LogisticAdjoint.lossGradient(bench.w, bench.x, bench.y).w, EXACT_TOLERANCE);
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
