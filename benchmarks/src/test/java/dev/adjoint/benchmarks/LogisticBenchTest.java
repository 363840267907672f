package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertSameValue;

import org.junit.jupiter.api.Test;

class LogisticBenchTest {

    // PENDING(loops): compare LogisticAdjoint.lossGradient(w, x, y).w with bench.hand (EXACT_TOLERANCE).
    @Test
    void everyVariantComputesTheSameGradient() {
        LogisticBench bench = new LogisticBench();
        double loss = bench.primal();
        assertSameValue("hand-written", loss, bench.handWritten());
        assertSameValue("tape", loss, bench.tape());
        assertSameValue("DerivativeStructure", loss, bench.derivativeStructure());
        assertSameValue("finite differences", loss, bench.finiteDifferences());

        assertClose("tape vs hand-written", bench.hand, bench.tape, EXACT_TOLERANCE);
        assertClose("DerivativeStructure vs hand-written", bench.hand, bench.ds, EXACT_TOLERANCE);
        assertClose("finite differences vs hand-written", bench.hand, bench.fdGradient[0], FD_TOLERANCE);
    }
}
