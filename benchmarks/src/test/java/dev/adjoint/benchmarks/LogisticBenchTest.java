package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertTangent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * The forward-mode and second-order benchmark variants from a fresh state: the tangent is
     * ∇f·v (DerivativeStructure along v agrees), the Hessian-vector product equals central
     * differences of the gradient along v.
     */
    @Test
    void forwardModeAndSecondOrderVariantsAgree() {
        LogisticBench bench = new LogisticBench();
        double tangent = bench.tangent();
        assertTangent("generated", LogisticAdjoint.lossGradient(bench.w, bench.x, bench.y).w, bench.v, tangent, EXACT_TOLERANCE);
        assertEquals(tangent, bench.tangentDerivativeStructure(), EXACT_TOLERANCE * Math.abs(tangent),
                "DerivativeStructure along the direction");
        assertClose("finite differences of the gradient vs generated HVP", bench.hvp().w,
                bench.hvpFiniteDifferences(), FD_TOLERANCE);
    }

    /**
     * The Hessian-vector product into the benchmark's holders is {@code fHvp}'s, bit for bit (the
     * same sweep), on every call: the holders are zeroed, not accumulated into.
     */
    @Test
    void secondOrderIntoTheCallersHoldersEqualsHvp() {
        LogisticBench bench = new LogisticBench();
        double[] hvp = bench.hvp().w;
        assertArrayEquals(hvp, bench.hvpIntoHolders().clone(), "first call");
        assertArrayEquals(hvp, bench.hvpIntoHolders(), "second call, same holders");
    }
}
