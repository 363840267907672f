package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.util.Locale;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * Maximum likelihood with a distribution object: a gamma distribution whose shape k and rate β are
 * its fields, fitted to a sample by Newton's method on the negative log-likelihood, with the
 * gradient and the Hessian Adjoint generates with respect to those fields
 * ({@code GammaFit_GammaModelAdjoint.negativeLogLikelihoodHessian(model, sample)}).
 *
 * <p>The shape has no closed form; the fit is checked against the two equations its maximum
 * solves, β = k / mean(x) and log k − ψ(k) = log mean(x) − mean(log x), with a digamma ψ written
 * out here (not differentiated: an independent check). The draws come from commons-math3's
 * sampler.
 */
public final class GammaFit {

    static final long SEED = 7;
    static final int SIZE = 5000;
    static final double TRUE_SHAPE = 2.5;
    static final double TRUE_RATE = 1.7;

    private GammaFit() {}

    /** A gamma distribution: density β^k x^(k-1) e^(-βx) / Γ(k), for x > 0. */
    public static final class GammaModel {
        final double shape;
        final double rate;

        GammaModel(double shape, double rate) {
            if (!(shape > 0 && rate > 0)) {
                throw new IllegalArgumentException("shape and rate must be positive, were " + shape + " and " + rate);
            }
            this.shape = shape;
            this.rate = rate;
        }

        /** log Γ(x) by the recurrence up to 7 and Stirling's series there: exact to about 1e-13. */
        private static double logGamma(double x) {
            double shift = 0;
            while (x < 7) {
                shift -= Math.log(x);
                x += 1;
            }
            double z = 1 / (x * x);
            return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI)
                    + (1 / x) * (1.0 / 12 - z * (1.0 / 360 - z * (1.0 / 1260 - z / 1680)));
        }

        double logDensity(double x) {
            return shape * Math.log(rate) - logGamma(shape) + (shape - 1) * Math.log(x) - rate * x;
        }

        /** The negative log-likelihood of a sample, as a function of this distribution's parameters. */
        @Differentiable(order = 2, wrt = {"this.shape", "this.rate"})
        public double negativeLogLikelihood(double[] sample) {
            double s = 0;
            for (double x : sample) {
                s -= logDensity(x);
            }
            return s;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Gamma(shape=%.6f, rate=%.6f)", shape, rate);
        }
    }

    /** The fit: the model, the Newton steps taken, the gradient's norm at the end. */
    record Fit(GammaModel model, int steps, double gradientNorm) {}

    public static void main(String[] args) {
        double[] sample = sample(SIZE, SEED);
        System.out.printf(Locale.ROOT, "%d draws from Gamma(shape=%.1f, rate=%.1f)%n", SIZE, TRUE_SHAPE, TRUE_RATE);
        Fit fit = fit(sample, true);
        GammaModel m = fit.model();
        double mean = mean(sample);
        double meanLog = 0;
        for (double x : sample) {
            meanLog += Math.log(x) / sample.length;
        }
        System.out.println("Maximum-likelihood fit: " + m + " after " + fit.steps() + " Newton steps, |gradient| "
                + String.format(Locale.ROOT, "%.1e", fit.gradientNorm()));
        System.out.printf(Locale.ROOT, "Check, rate = shape / mean(x): %.3e apart%n", Math.abs(m.rate - m.shape / mean));
        System.out.printf(Locale.ROOT, "Check, log k - digamma(k) = log mean(x) - mean(log x): %.3e apart%n",
                Math.abs(Math.log(m.shape) - digamma(m.shape) - (Math.log(mean) - meanLog)));
    }

    /**
     * ψ(x) = ψ(x + n) − Σ 1/(x + i) up to 30, then its asymptotic series
     * ln y − 1/(2y) − 1/(12y²) + 1/(120y⁴) − 1/(252y⁶) + 1/(240y⁸): exact to rounding.
     */
    static double digamma(double x) {
        double s = 0;
        while (x < 30) {
            s -= 1 / x;
            x += 1;
        }
        double z = 1 / (x * x);
        return s + Math.log(x) - 0.5 / x - z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z / 240)));
    }

    /** Seeded draws from the true distribution (commons-math3's sampler). */
    static double[] sample(int size, long seed) {
        return new GammaDistribution(new Well19937c(seed), TRUE_SHAPE, 1 / TRUE_RATE).sample(size);
    }

    /**
     * Newton's method from the method-of-moments estimate (k = mean²/var, β = mean/var): each step
     * solves H·Δ = ∇ with the generated 2×2 Hessian, and is halved while it would leave the
     * parameters' domain or raise the negative log-likelihood.
     */
    static Fit fit(double[] sample, boolean print) {
        double mean = mean(sample);
        double var = 0;
        for (double x : sample) {
            var += (x - mean) * (x - mean) / (sample.length - 1);
        }
        GammaModel model = new GammaModel(mean * mean / var, mean / var);
        double norm = Double.NaN;
        for (int step = 1; step <= 50; step++) {
            GammaFit_GammaModelAdjoint.NegativeLogLikelihoodGradient g =
                    GammaFit_GammaModelAdjoint.negativeLogLikelihoodGradient(model, sample);
            norm = Math.hypot(g.shape, g.rate);
            if (print) {
                System.out.printf(Locale.ROOT, "step %2d  %s  negative log-likelihood %.6f  |gradient| %.2e%n", step,
                        model, model.negativeLogLikelihood(sample), norm);
            }
            if (norm < 1e-11 * sample.length) {
                return new Fit(model, step - 1, norm);
            }
            double[][] h = GammaFit_GammaModelAdjoint.negativeLogLikelihoodHessian(model, sample);
            double det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            double dShape = (h[1][1] * g.shape - h[0][1] * g.rate) / det;
            double dRate = (h[0][0] * g.rate - h[1][0] * g.shape) / det;
            double before = model.negativeLogLikelihood(sample);
            double t = 1;
            while (t > 1e-12 && (!(model.shape - t * dShape > 0 && model.rate - t * dRate > 0)
                    || new GammaModel(model.shape - t * dShape, model.rate - t * dRate).negativeLogLikelihood(sample)
                            > before)) {
                t /= 2;
            }
            model = new GammaModel(model.shape - t * dShape, model.rate - t * dRate);
        }
        return new Fit(model, 50, norm);
    }

    private static double mean(double[] sample) {
        double s = 0;
        for (double x : sample) {
            s += x;
        }
        return s / sample.length;
    }
}
