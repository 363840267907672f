package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertBaselinesAgree;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertTangent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.adjoint.benchmarks.Gradients.runEveryVariant;

import dev.adjoint.benchmarks.models.BlackScholesAdjoint;
import dev.adjoint.benchmarks.models.BlackScholesBaselines;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /** s, k, r, sigma, t: both branches of Φ (d1, d2 of either sign), deep in and out of the money. */
    static Stream<Arguments> markets() {
        return Stream.of(
                Arguments.of(100.0, 95.0, 0.03, 0.25, 0.75),
                Arguments.of(100.0, 100.0, 0.0, 0.2, 1.0),
                Arguments.of(60.0, 100.0, 0.05, 0.3, 0.5),
                Arguments.of(150.0, 100.0, 0.01, 0.15, 2.0),
                Arguments.of(100.0, 104.0, 0.02, 0.4, 0.1));
    }

    /** On each of the {@link #markets}. */
    @ParameterizedTest
    @MethodSource("markets")
    void generatedEqualsHandWritten(double s, double k, double r, double sigma, double t) {
        BlackScholesBaselines.Gradient hand = new BlackScholesBaselines.Gradient();
        BlackScholesBaselines.callPullback(s, k, r, sigma, t, 1.0, hand);
        assertClose("generated vs hand-written", components(hand),
                components(BlackScholesAdjoint.callGradient(s, k, r, sigma, t)), EXACT_TOLERANCE);
        BlackScholesBaselines.Gradient tape = new BlackScholesBaselines.Gradient();
        BlackScholesBaselines.callOnTape(s, k, r, sigma, t, tape);
        assertClose("tape vs hand-written", components(hand), components(tape), EXACT_TOLERANCE);
    }

    /** Second derivatives from two exact methods (forward over reverse, DerivativeStructure) agree to this. */
    private static final double HESSIAN_TOLERANCE = 1e-9;

    /** The forward-mode and second-order benchmark variants from a fresh state agree with each other. */
    @Test
    void forwardModeAndSecondOrderVariantsAgree() {
        BlackScholesBench bench = new BlackScholesBench();
        double[] v = {bench.dS, bench.dK, bench.dR, bench.dSigma, bench.dT};
        double tangent = bench.tangent();
        assertTangent("generated", components(BlackScholesAdjoint.callGradient(bench.s, bench.k, bench.r, bench.sigma,
                bench.t)), v, tangent, EXACT_TOLERANCE);
        assertEquals(tangent, bench.tangentDerivativeStructure(), EXACT_TOLERANCE * Math.abs(tangent),
                "DerivativeStructure along the direction");
        double[][] hessian = bench.hessian();
        assertEquals(bench.primal(), bench.hessianDerivativeStructure(), EXACT_TOLERANCE * bench.primal(),
                "DerivativeStructure of order 2: value");
        assertClose("generated Hessian vs DerivativeStructure of order 2", bench.dsHessian, hessian, HESSIAN_TOLERANCE);
        assertClose("finite differences of the gradient vs generated Hessian", hessian,
                bench.hessianFiniteDifferences(), FD_TOLERANCE);
    }

    /**
     * The Hessian added into the benchmark's array is {@code callHessian}'s, bit for bit (the same
     * code), on every call: the array is zeroed before each call, not accumulated into.
     */
    @Test
    void secondOrderIntoTheCallersHoldersEqualsCallHessian() {
        BlackScholesBench bench = new BlackScholesBench();
        double[][] hessian = bench.hessian();
        for (int call = 1; call <= 2; call++) {
            double[][] intoHolders = bench.hessianIntoHolders();
            for (int i = 0; i < hessian.length; i++) {
                assertArrayEquals(hessian[i], intoHolders[i], "call " + call + ", row " + i);
            }
        }
    }

    /** callTangent is ∇call·v; callHessian is DerivativeStructure's order-2 Hessian; on both branches of Φ. */
    @ParameterizedTest
    @MethodSource("markets")
    void tangentAndHessianMatchTheGradientAndDerivativeStructure(double s, double k, double r, double sigma, double t) {
        double[] gradient = components(BlackScholesAdjoint.callGradient(s, k, r, sigma, t));
        double[][] directions = {{1, 0, 0, 0, 0}, {0, 0, 0, 0, 1}, {0.8, -0.3, 0.01, 0.05, 0.2}, {-2, 3, 0.5, -0.7, 1.1}};
        for (double[] v : directions) {
            assertTangent("callTangent", gradient, v,
                    BlackScholesAdjoint.callTangent(s, k, r, sigma, t, v[0], v[1], v[2], v[3], v[4]), EXACT_TOLERANCE);
        }
        double[][] ds = new double[5][5];
        BlackScholesBaselines.callHessianDerivativeStructure(s, k, r, sigma, t, ds);
        double[][] hessian = BlackScholesAdjoint.callHessian(s, k, r, sigma, t);
        assertClose("callHessian vs DerivativeStructure of order 2", ds, hessian, HESSIAN_TOLERANCE);
        double[][] fd = BlackScholesBaselines.callHessianFiniteDifferences(s, k, r, sigma, t,
                new BlackScholesAdjoint.CallGradient(), new BlackScholesAdjoint.CallGradient(), new double[5][5]);
        assertClose("finite differences of the gradient vs callHessian", hessian, fd, FD_TOLERANCE);
    }
}
