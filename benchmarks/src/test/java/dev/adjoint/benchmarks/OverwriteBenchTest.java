package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertSameValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.benchmarks.models.Overwrite;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OverwriteBenchTest {

    // PENDING(loops): compare OverwriteAdjoint.overwriteGradient(x, steps).x with bench.hand (EXACT_TOLERANCE).
    /**
     * A short run, whose derivative is far from 0, and the benchmarked 10,000 steps, whose
     * derivative underflows to exactly 0 in every variant (see {@link Overwrite}).
     */
    @ParameterizedTest
    @ValueSource(ints = {4, Overwrite.STEPS})
    void everyVariantComputesTheSameDerivative(int steps) {
        OverwriteBench bench = new OverwriteBench();
        bench.steps = steps;
        double value = bench.primal();
        assertSameValue("hand-written", value, bench.handWritten());
        assertSameValue("tape", value, bench.tape());
        assertSameValue("DerivativeStructure", value, bench.derivativeStructure());
        assertSameValue("finite differences", value, bench.finiteDifferences());

        if (steps == Overwrite.STEPS) {
            assertEquals(0.0, bench.hand[0], 0.0);
        } else {
            assertTrue(Math.abs(bench.hand[0]) > 0.1, "a derivative worth comparing: " + bench.hand[0]);
        }
        assertClose("tape vs hand-written", bench.hand, bench.tape, EXACT_TOLERANCE);
        assertClose("DerivativeStructure vs hand-written", bench.hand, bench.ds, EXACT_TOLERANCE);
        assertClose("finite differences vs hand-written", bench.hand, bench.fdGradient[0], FD_TOLERANCE);
    }
}
