package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gamma fit converges to the maximum of the likelihood, near the distribution drawn from. */
class GammaFitTest {

    @Test
    void newtonReachesTheMaximumLikelihoodEquations() {
        double[] sample = GammaFit.sample(GammaFit.SIZE, GammaFit.SEED);
        GammaFit.Fit fit = GammaFit.fit(sample, false);
        assertTrue(fit.steps() < 12, "steps " + fit.steps());
        double mean = 0;
        double meanLog = 0;
        for (double x : sample) {
            mean += x / sample.length;
            meanLog += Math.log(x) / sample.length;
        }
        GammaFit.GammaModel m = fit.model();
        assertEquals(m.shape / mean, m.rate, 1e-9);
        assertEquals(Math.log(mean) - meanLog, Math.log(m.shape) - GammaFit.digamma(m.shape), 1e-9);
        // within a few standard errors of the truth (about 0.05 for the shape at 5,000 draws)
        assertEquals(GammaFit.TRUE_SHAPE, m.shape, 0.2);
        assertEquals(GammaFit.TRUE_RATE, m.rate, 0.15);
    }

    /** The check's digamma against values known to many digits. */
    @Test
    void digammaIsExact() {
        assertEquals(-0.5772156649015329, GammaFit.digamma(1), 1e-15); // -γ
        assertEquals(2 - 0.5772156649015329 - 2 * Math.log(2), GammaFit.digamma(1.5), 1e-15); // 2 - γ - 2 ln 2
        assertEquals(2.251752589066721, GammaFit.digamma(10), 1e-14);
    }

    @Test
    void theGeneratedHessianMatchesCentralDifferencesOfTheGradient() {
        double[] sample = GammaFit.sample(200, 3);
        GammaFit.GammaModel m = new GammaFit.GammaModel(1.9, 1.2);
        double[][] h = GammaFit_GammaModelAdjoint.negativeLogLikelihoodHessian(m, sample);
        double step = 1e-5;
        var up = GammaFit_GammaModelAdjoint.negativeLogLikelihoodGradient(new GammaFit.GammaModel(1.9 + step, 1.2), sample);
        var down = GammaFit_GammaModelAdjoint.negativeLogLikelihoodGradient(new GammaFit.GammaModel(1.9 - step, 1.2),
                sample);
        assertEquals((up.shape - down.shape) / (2 * step), h[0][0], 1e-5 * Math.abs(h[0][0]));
        assertEquals((up.rate - down.rate) / (2 * step), h[1][0], 1e-5 * Math.abs(h[1][0]));
        assertEquals(h[0][1], h[1][0], 1e-9 * Math.abs(h[0][1]));
    }
}
