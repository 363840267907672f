package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.benchmarks.models.Overwrite;
import dev.adjoint.benchmarks.models.OverwriteAdjoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverwriteBenchTest {

    /**
     * A short run, whose derivative is far from 0, and the benchmarked 10,000 steps, whose
     * derivative underflows to exactly 0 in every variant (see {@link Overwrite}).
     */
    @ParameterizedTest
    @ValueSource(ints = {4, Overwrite.STEPS})
    void everyVariantComputesTheSameDerivative(int steps) {
        OverwriteBench bench = new OverwriteBench();
        bench.steps = steps;
        runEveryVariant(bench);
        if (steps == Overwrite.STEPS) {
            assertEquals(0.0, bench.hand[0], 0.0);
        } else {
            assertTrue(Math.abs(bench.hand[0]) > 0.1, "a derivative worth comparing: " + bench.hand[0]);
        }
        assertClose("generated vs hand-written", bench.hand, new double[] {bench.generated.x}, EXACT_TOLERANCE);
        assertClose("overwriteGradient vs hand-written", bench.hand,
                new double[] {OverwriteAdjoint.overwriteGradient(bench.x, steps).x}, EXACT_TOLERANCE);
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
