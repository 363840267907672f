package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertTangent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * The forward-mode and second-order benchmark variants from a fresh state: the tangent is
     * ∇f·v (DerivativeStructure along v agrees), the Hessian-vector product equals central
     * differences of the gradient along v.
     */
    @Test
    void forwardModeAndSecondOrderVariantsAgree() {
        RosenbrockBench bench = new RosenbrockBench();
        double tangent = bench.tangent();
        assertTangent("generated", RosenbrockAdjoint.rosenbrockGradient(bench.x).x, bench.v, tangent, EXACT_TOLERANCE);
        assertEquals(tangent, bench.tangentDerivativeStructure(), EXACT_TOLERANCE * Math.abs(tangent),
                "DerivativeStructure along the direction");
        assertClose("finite differences of the gradient vs generated HVP", bench.hvp().x,
                bench.hvpFiniteDifferences(), FD_TOLERANCE);
    }

    /**
     * The Hessian-vector product into the benchmark's holders is {@code fHvp}'s, bit for bit (the
     * same sweep), on every call: the holders are zeroed, not accumulated into.
     */
    @Test
    void secondOrderIntoTheCallersHoldersEqualsHvp() {
        RosenbrockBench bench = new RosenbrockBench();
        double[] hvp = bench.hvp().x;
        assertArrayEquals(hvp, bench.hvpIntoHolders().clone(), "first call");
        assertArrayEquals(hvp, bench.hvpIntoHolders(), "second call, same holders");
    }
}
