package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The derivatives generated code calls for library special functions, against known values. */
class SpecialTest {

    @Test
    void digammaAtKnownPoints() {
        double eulerGamma = 0.5772156649015329;
        assertEquals(-eulerGamma, Special.digamma(1), 1e-15);
        assertEquals(-eulerGamma - 2 * Math.log(2), Special.digamma(0.5), 1e-14);
        assertEquals(1 - eulerGamma, Special.digamma(2), 1e-15);
        // ψ(x + 1) = ψ(x) + 1/x, across the recurrence's threshold
        for (double x : new double[] {1e-3, 0.37, 3.3, 9.5, 9.999, 25.0, 1e6}) {
            assertEquals(Special.digamma(x) + 1 / x, Special.digamma(x + 1), 1e-13 * Math.max(1, Math.abs(1 / x)));
        }
        assertTrue(Double.isNaN(Special.digamma(0)) && Double.isNaN(Special.digamma(-1.5)));
    }

    @Test
    void erfAndLogBetaDerivatives() {
        assertEquals(2 / Math.sqrt(Math.PI), Special.erfDerivative(0), 1e-16);
        assertEquals(-Special.erfDerivative(0.7), Special.erfcDerivative(0.7), 0.0);
        // log B(a, 1) = -log a: ∂/∂a = -1/a
        assertEquals(-1 / 2.5, Special.logBetaDerivativeA(2.5, 1), 1e-14);
        assertEquals(Special.logBetaDerivativeA(0.8, 3.1), Special.logBetaDerivativeB(3.1, 0.8), 0.0);
    }
}
