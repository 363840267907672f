package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.BlackScholesAdjoint;
import dev.adjoint.benchmarks.models.BlackScholesBaselines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlackScholesBenchTest {

    private static double[] components(BlackScholesBaselines.Gradient g) {
        return new double[] {g.s, g.k, g.r, g.sigma, g.t};
    }

    private static double[] components(BlackScholesAdjoint.CallGradient g) {
        return new double[] {g.s, g.k, g.r, g.sigma, g.t};
    }

    /** One benchmark call of each variant from a fresh state: the gradients it leaves behind. */
    @Test
    void everyVariantComputesTheSameGradient() {
        BlackScholesBench bench = new BlackScholesBench();
        runEveryVariant(bench);
        double[] hand = components(bench.hand);
        assertClose("generated vs hand-written", hand, components(bench.generated), EXACT_TOLERANCE);
        assertBaselinesAgree(hand, components(bench.tape), components(bench.ds), bench.fdGradient[0]);
    }

    /** Both branches of Φ (d1, d2 of either sign), deep in and out of the money. */
    @ParameterizedTest
    @CsvSource({
        "100, 95, 0.03, 0.25, 0.75",
        "100, 100, 0.0, 0.2, 1.0",
        "60, 100, 0.05, 0.3, 0.5",
        "150, 100, 0.01, 0.15, 2.0",
        "100, 104, 0.02, 0.4, 0.1",
    })
    void generatedEqualsHandWritten(double s, double k, double r, double sigma, double t) {
        BlackScholesBaselines.Gradient hand = new BlackScholesBaselines.Gradient();
        BlackScholesBaselines.callPullback(s, k, r, sigma, t, 1.0, hand);
        assertClose("generated vs hand-written", components(hand),
                components(BlackScholesAdjoint.callGradient(s, k, r, sigma, t)), EXACT_TOLERANCE);
        BlackScholesBaselines.Gradient tape = new BlackScholesBaselines.Gradient();
        BlackScholesBaselines.callOnTape(s, k, r, sigma, t, tape);
        assertClose("tape vs hand-written", components(hand), components(tape), EXACT_TOLERANCE);
    }
}
