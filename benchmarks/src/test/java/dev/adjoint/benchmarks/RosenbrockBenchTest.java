package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.RosenbrockAdjoint;
import org.junit.jupiter.api.Test;

class RosenbrockBenchTest {

    /** One benchmark call of each variant from a fresh state: the gradients it leaves behind. */
    @Test
    void everyVariantComputesTheSameGradient() {
        RosenbrockBench bench = new RosenbrockBench();
        runEveryVariant(bench);
        assertClose("generated vs hand-written", bench.hand, bench.generated.x, EXACT_TOLERANCE);
        assertClose("rosenbrockGradient vs hand-written", bench.hand,
                RosenbrockAdjoint.rosenbrockGradient(bench.x).x, EXACT_TOLERANCE);
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
