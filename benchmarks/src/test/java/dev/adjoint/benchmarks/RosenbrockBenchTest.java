package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertSameValue;

import org.junit.jupiter.api.Test;

class RosenbrockBenchTest {

    // PENDING(loops): compare RosenbrockAdjoint.rosenbrockGradient(x).x with bench.hand (EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        RosenbrockBench bench = new RosenbrockBench();
        double f = bench.primal();
        assertSameValue("hand-written", f, bench.handWritten());
        assertSameValue("tape", f, bench.tape());
        assertSameValue("DerivativeStructure", f, bench.derivativeStructure());
        assertSameValue("finite differences", f, bench.finiteDifferences());

        assertClose("tape vs hand-written", bench.hand, bench.tape, EXACT_TOLERANCE);
        assertClose("DerivativeStructure vs hand-written", bench.hand, bench.ds, EXACT_TOLERANCE);
        assertClose("finite differences vs hand-written", bench.hand, bench.fdGradient[0], FD_TOLERANCE);
    }
}
