package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.benchmarks.models.Overwrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverwriteBenchTest {

    /**
     * A short run, whose derivative is far from 0, and the benchmarked 10,000 steps, whose
     * derivative underflows to exactly 0 in every variant (see {@link Overwrite}).
     */
    // PENDING(loops): also assertClose(bench.hand, {OverwriteAdjoint.overwriteGradient(x, steps).x}, EXACT_TOLERANCE).
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
        assertBaselinesAgree(bench.hand, bench.tape, bench.ds, bench.fdGradient[0]);
    }
}
