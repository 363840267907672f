package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Both fits of the damped oscillator converge, to the same point, close to the truth. */
class CurveFitTest {

    private static final CurveFit.Observations DATA =
            CurveFit.Observations.generate(CurveFit.SAMPLES, CurveFit.NOISE, CurveFit.SEED);
    /** How far each fitted parameter may be from the truth, given the noise: A, γ, ω, φ. */
    private static final double[] TOLERANCE = {0.05, 0.02, 0.01, 0.03};

    @Test
    void bothFitsRecoverTheParameters() {
        for (boolean generated : new boolean[] {true, false}) {
            CurveFit.Fit fit = CurveFit.fit(DATA, generated);
            for (int i = 0; i < CurveFit.TRUTH.length; i++) {
                assertEquals(CurveFit.TRUTH[i], fit.point()[i], TOLERANCE[i],
                        (generated ? "generated" : "finite differences") + ": " + CurveFit.NAMES[i]);
            }
            // at the least-squares point the residuals are the noise: Σr² ≈ n·σ²
            double expected = CurveFit.SAMPLES * CurveFit.NOISE * CurveFit.NOISE;
            assertEquals(expected, fit.sse(), 0.3 * expected);
            assertTrue(fit.gradientNorm() < 1e-3, "not converged: |gradient| = " + fit.gradientNorm());
        }
    }

    @Test
    void bothFitsReachTheSamePointAndTheGeneratedOneCostsFewerPasses() {
        CurveFit.Fit generated = CurveFit.fit(DATA, true);
        CurveFit.Fit finite = CurveFit.fit(DATA, false);
        assertArrayEquals(generated.point(), finite.point(), 1e-5);
        assertEquals(2 * generated.gradientEvaluations() + generated.objectiveEvaluations(), generated.passes());
        assertTrue(generated.passes() < finite.passes(), generated + " vs " + finite);
    }

    @Test
    void theGeneratedGradientAgreesWithCentralDifferences() {
        double[] exact = DATA.gradient(CurveFit.START);
        double[] approximate = DATA.centralDifferenceGradient(CurveFit.START);
        for (int i = 0; i < exact.length; i++) {
            assertEquals(approximate[i], exact[i], 1e-6 * Math.max(1, Math.abs(approximate[i])), CurveFit.NAMES[i]);
        }
    }
}
