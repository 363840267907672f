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

    @Test
    void gammaAndItsShiftedFormsDerivatives() {
        double eulerGamma = 0.5772156649015329;
        double sqrtPi = Math.sqrt(Math.PI);
        // Γ'(x) = Γ(x)ψ(x): Γ'(1) = −γ, Γ'(2) = 1 − γ, Γ'(½) = √π(−γ − 2 ln 2)
        assertEquals(-eulerGamma, Special.gammaDerivative(1), 1e-14);
        assertEquals(1 - eulerGamma, Special.gammaDerivative(2), 1e-14);
        assertEquals(sqrtPi * (-eulerGamma - 2 * Math.log(2)), Special.gammaDerivative(0.5), 1e-13);
        // below 0 by reflection: Γ(−½) = −2√π and ψ(−½) = ψ(½) + 2
        assertEquals(-2 * sqrtPi * (2 - eulerGamma - 2 * Math.log(2)), Special.gammaDerivative(-0.5), 1e-13);
        // Γ(x + 1) = xΓ(x), so Γ'(x + 1) = Γ(x) + xΓ'(x); Γ(−1.3) = Γ(0.7)/(−1.3·−0.3)
        double gamma07 = Math.exp(Special.logGamma(0.7));
        assertEquals(Special.gammaDerivative(-0.3), gamma07 / 0.39 + -1.3 * Special.gammaDerivative(-1.3), 1e-12);
        assertTrue(Double.isNaN(Special.gammaDerivative(0)) && Double.isNaN(Special.gammaDerivative(-2))
                && Double.isNaN(Special.gammaDerivative(Double.NaN)));
        // log Γ(1 + x) and 1/Γ(1 + x) − 1 at 0: ψ(1) = −γ, and −ψ(1)/Γ(1) = γ
        assertEquals(-eulerGamma, Special.logGamma1pDerivative(0), 1e-15);
        assertEquals(eulerGamma, Special.invGamma1pm1Derivative(0), 1e-14);
        assertEquals(Special.digamma(1.5), Special.logGamma1pDerivative(0.5), 0.0);
        // and below: ψ(−½) = ψ(½) + 2, Γ(−½) = −2√π
        assertEquals(2 - eulerGamma - 2 * Math.log(2), Special.logGamma1pDerivative(-1.5), 1e-14);
        assertEquals((2 - eulerGamma - 2 * Math.log(2)) / (2 * sqrtPi), Special.invGamma1pm1Derivative(-1.5), 1e-14);
        assertTrue(Double.isNaN(Special.logGamma1pDerivative(-1)) && Double.isNaN(Special.invGamma1pm1Derivative(-3)));
    }

    @Test
    void inverseHyperbolicDerivatives() {
        assertEquals(1, Special.asinhDerivative(0), 0.0);
        assertEquals(1 / Math.sqrt(1.25), Special.asinhDerivative(-0.5), 1e-15);
        // where x² overflows, 1/|x|
        assertEquals(1e-200, Special.asinhDerivative(1e200), 1e-215);
        assertEquals(1 / Math.sqrt(3), Special.acoshDerivative(2), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, Special.acoshDerivative(1), 0.0);
        assertTrue(Double.isNaN(Special.acoshDerivative(0.5)));
        assertEquals(1 / 0.75, Special.atanhDerivative(0.5), 1e-15);
        assertEquals(Special.atanhDerivative(0.3), Special.atanhDerivative(-0.3), 0.0);
    }

    @Test
    void logGammaAtKnownPoints() {
        // to a few units in the last place of the recurrence's product (about 15 there)
        assertEquals(0.5 * Math.log(Math.PI), Special.logGamma(0.5), 1e-14);
        assertEquals(0, Special.logGamma(1), 1e-14);
        assertEquals(0, Special.logGamma(2), 1e-14);
        assertEquals(Math.log(362880), Special.logGamma(10), 1e-14);
        assertEquals(359.13420536957540, Special.logGamma(100), 1e-12);
        // log Γ(x + 1) = log Γ(x) + log x, across the recurrence's threshold
        for (double x : new double[] {1e-3, 0.37, 3.3, 9.5, 9.999, 25.0, 1e6}) {
            assertEquals(Special.logGamma(x) + Math.log(x), Special.logGamma(x + 1),
                    1e-14 * Math.max(1, Math.abs(Special.logGamma(x + 1))));
        }
        assertTrue(Double.isNaN(Special.logGamma(0)) && Double.isNaN(Special.logGamma(-2.5)));
    }

    @Test
    void incompleteGammaAndBetaDerivativesInX() {
        // P(1, x) = 1 - e^(-x); P(2, x) = 1 - (1 + x) e^(-x), whose derivative is x e^(-x)
        assertEquals(Math.exp(-0.7), Special.regularizedGammaPDerivativeX(1, 0.7), 1e-14);
        assertEquals(3.2 * Math.exp(-3.2), Special.regularizedGammaPDerivativeX(2, 3.2), 1e-14);
        assertEquals(-3.2 * Math.exp(-3.2), Special.regularizedGammaQDerivativeX(2, 3.2, 1e-14, 100), 1e-14);
        assertEquals(1, Special.regularizedGammaPDerivativeX(1, 0), 0.0);
        assertEquals(0, Special.regularizedGammaPDerivativeX(2, 0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, Special.regularizedGammaPDerivativeX(0.5, 0), 0.0);
        assertEquals(0, Special.regularizedGammaPDerivativeX(2, Double.POSITIVE_INFINITY), 0.0);
        assertTrue(Double.isNaN(Special.regularizedGammaPDerivativeX(2, -1))
                && Double.isNaN(Special.regularizedGammaPDerivativeX(0, 1)));
        // I_x(2, 3) = 6x^2/2 - 8x^3/3 + 3x^4/4 ... its derivative is 12 x (1 - x)^2
        assertEquals(12 * 0.3 * 0.49, Special.regularizedBetaDerivativeX(0.3, 2, 3), 1e-14);
        assertEquals(12 * 0.3 * 0.49, Special.regularizedBetaDerivativeX(0.3, 2, 3, 1e-14, 10), 1e-14);
        // I_x(1, 1) = x
        assertEquals(1, Special.regularizedBetaDerivativeX(0, 1, 1), 1e-14);
        assertEquals(1, Special.regularizedBetaDerivativeX(1, 1, 1, 1e-14), 1e-14);
        assertEquals(0, Special.regularizedBetaDerivativeX(1, 1, 2, 100), 0.0);
        assertTrue(Double.isNaN(Special.regularizedBetaDerivativeX(1.5, 2, 3)));
    }

    /** A central difference of {@code f} at {@code t} with Richardson's extrapolation (error O(h⁴)). */
    private static double slope(java.util.function.DoubleUnaryOperator f, double t) {
        double h = 1e-3 * Math.max(1, Math.abs(t));
        double d1 = (f.applyAsDouble(t + h) - f.applyAsDouble(t - h)) / (2 * h);
        double d2 = (f.applyAsDouble(t + h / 2) - f.applyAsDouble(t - h / 2)) / h;
        return (4 * d2 - d1) / 3;
    }

    /**
     * P(a, x) and I_x(a, b) as the derivatives in their shape parameters compute them, against
     * closed forms: P(1, x) = 1 − e^(−x), P(½, x) = erf(√x) (by its own series here), P(3, x) =
     * 1 − e^(−x)(1 + x + x²/2); I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_x(2, 2) = 3x² − 2x³;
     * on both sides of the switch between series and continued fraction (x = a + 1, the mean).
     */
    @Test
    void incompleteGammaAndBetaValuesBehindTheShapeDerivatives() {
        for (double x : new double[] {1e-3, 0.3, 1.0, 1.999, 2.0, 2.001, 4.5, 30.0}) {
            assertEquals(1 - Math.exp(-x), Special.regularizedGammaP(1, x), 1e-14, "P(1, " + x + ")");
            assertEquals(1 - Math.exp(-x) * (1 + x + x * x / 2), Special.regularizedGammaP(3, x), 2e-14, "P(3, " + x + ")");
            if (x < 10) { // the reference series cancels beyond
                assertEquals(erf(Math.sqrt(x)), Special.regularizedGammaP(0.5, x), 1e-13, "P(1/2, " + x + ")");
            }
        }
        for (double x : new double[] {1e-4, 0.2, 0.5, 0.66, 0.67, 0.9, 0.9999}) {
            assertEquals(Math.pow(x, 2.7), Special.regularizedBeta(x, 2.7, 1), 1e-14, "I(2.7, 1)");
            assertEquals(1 - Math.pow(1 - x, 3.2), Special.regularizedBeta(x, 1, 3.2), 1e-14, "I(1, 3.2)");
            assertEquals(3 * x * x - 2 * x * x * x, Special.regularizedBeta(x, 2, 2), 1e-14, "I(2, 2)");
        }
        assertEquals(0, Special.regularizedGammaP(2.5, 0), 0.0);
        assertEquals(1, Special.regularizedBeta(1, 2.5, 0.5), 0.0);
        assertTrue(Double.isNaN(Special.regularizedGammaP(-1, 2)) && Double.isNaN(Special.regularizedBeta(1.5, 2, 2)));
    }

    /** erf by its Maclaurin series (a test's reference, for small arguments). */
    private static double erf(double z) {
        double term = z;
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /**
     * ∂P/∂a, ∂Q/∂a and ∂I/∂a, ∂I/∂b against central differences of the values checked above,
     * over both methods (series, continued fraction) and the mirror of I; with closed forms where
     * there are: ∂/∂a I_x(a, 1) = x^a ln x, ∂/∂b I_x(1, b) = −(1 − x)^b ln(1 − x). All overloads agree.
     */
    @Test
    void incompleteGammaAndBetaDerivativesInTheirShapes() {
        for (double a : new double[] {0.3, 1.0, 2.5, 7.0, 40.0}) {
            for (double x : new double[] {0.05, 0.9, a + 0.999, a + 1.001, 3 * a + 2, 60.0}) {
                double expected = slope(t -> Special.regularizedGammaP(t, x), a);
                double actual = Special.regularizedGammaPDerivativeA(a, x);
                assertEquals(expected, actual, 1e-9 * Math.max(1e-3, Math.abs(expected)), "dP/da at " + a + ", " + x);
                assertEquals(-actual, Special.regularizedGammaQDerivativeA(a, x), 0.0);
                assertEquals(actual, Special.regularizedGammaPDerivativeA(a, x, 1e-15, 100), 0.0);
            }
        }
        assertEquals(0, Special.regularizedGammaPDerivativeA(2, 0), 0.0);
        for (double[] ab : new double[][] {{0.5, 0.5}, {2.5, 1.5}, {1.0, 3.0}, {8.0, 2.0}, {30.0, 45.0}}) {
            for (double x : new double[] {0.02, 0.3, (ab[0] + 1) / (ab[0] + ab[1] + 2), 0.7, 0.98}) {
                double da = slope(t -> Special.regularizedBeta(x, t, ab[1]), ab[0]);
                double db = slope(t -> Special.regularizedBeta(x, ab[0], t), ab[1]);
                String at = " at x = " + x + ", a = " + ab[0] + ", b = " + ab[1];
                assertEquals(da, Special.regularizedBetaDerivativeA(x, ab[0], ab[1]), 1e-9 * Math.max(1e-3, Math.abs(da)), "dI/da" + at);
                assertEquals(db, Special.regularizedBetaDerivativeB(x, ab[0], ab[1]), 1e-9 * Math.max(1e-3, Math.abs(db)), "dI/db" + at);
                assertEquals(Special.regularizedBetaDerivativeA(x, ab[0], ab[1]),
                        Special.regularizedBetaDerivativeA(x, ab[0], ab[1], 1e-15, 100), 0.0);
                assertEquals(Special.regularizedBetaDerivativeB(x, ab[0], ab[1]),
                        Special.regularizedBetaDerivativeB(x, ab[0], ab[1], 200), 0.0);
            }
        }
        assertEquals(Math.pow(0.4, 2.7) * Math.log(0.4), Special.regularizedBetaDerivativeA(0.4, 2.7, 1), 1e-14);
        assertEquals(-Math.pow(0.6, 3.2) * Math.log(0.6), Special.regularizedBetaDerivativeB(0.4, 1, 3.2), 1e-14);
        assertEquals(0, Special.regularizedBetaDerivativeB(1, 2, 3, 1e-14), 0.0);
    }
}
