package dev.adjoint.samples;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.analysis.MultivariateVectorFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Fits a damped oscillator ({@link DampedOscillator}) to noisy samples by least squares with
 * commons-math3's nonlinear conjugate gradient optimiser, twice: once with the gradient Adjoint
 * generated for the whole objective ({@link DampedOscillator#sumOfSquares}, a loop over the samples
 * calling the model), once with central finite differences of the objective. Prints both fits side by side: iterations, evaluations, time and
 * the error reached.
 */
public final class CurveFit {

    static final long SEED = 7;
    static final int SAMPLES = 200;
    static final double DURATION = 10;
    static final double NOISE = 0.05;
    /** A, γ, ω, φ: the curve the samples come from. */
    static final double[] TRUTH = {2.0, 0.3, 2.5, 0.6};
    /** Where both fits start: every parameter off, the frequency by 8%. */
    static final double[] START = {1.5, 0.2, 2.3, 0.2};
    static final String[] NAMES = {"A", "gamma", "omega", "phi"};
    /** Timed runs of each fit, after as many untimed ones to warm up the JIT; the median is reported. */
    static final int TIMED_RUNS = 15;

    private CurveFit() {}

    public static void main(String[] args) {
        Observations data = Observations.generate(SAMPLES, NOISE, SEED);
        System.out.printf("Fitting y = A·exp(-γt)·cos(ωt + φ) to %d noisy samples on [0, %.0f], noise σ = %.2f%n",
                SAMPLES, DURATION, NOISE);
        System.out.println("Optimiser: commons-math3 NonLinearConjugateGradientOptimizer (Polak-Ribière)");
        Fit generated = fit(data, true);
        Fit finite = fit(data, false);
        medianNanos(() -> fit(data, true)); // warm-up: compile both paths before timing either
        medianNanos(() -> fit(data, false));
        long generatedNanos = medianNanos(() -> fit(data, true));
        long finiteNanos = medianNanos(() -> fit(data, false));
        long generatedGradientNanos = medianNanos(() -> data.gradient(START));
        long finiteGradientNanos = medianNanos(() -> data.centralDifferenceGradient(START));

        System.out.printf("%-34s %20s %20s%n", "", "generated gradient", "central differences");
        row("iterations", generated.iterations(), finite.iterations());
        row("objective evaluations", generated.objectiveEvaluations(), finite.objectiveEvaluations());
        row("gradient evaluations", generated.gradientEvaluations(), finite.gradientEvaluations());
        row("passes over the samples, in all", generated.passes(), finite.passes());
        System.out.printf("%-34s %17.2f ms %17.2f ms%n", "time (median of " + TIMED_RUNS + " fits)",
                generatedNanos / 1e6, finiteNanos / 1e6);
        System.out.printf("%-34s %17.2f µs %17.2f µs%n", "time of one gradient", generatedGradientNanos / 1e3,
                finiteGradientNanos / 1e3);
        System.out.printf("%-34s %20.8f %20.8f%n", "final sum of squared residuals", generated.sse(), finite.sse());
        System.out.printf("%-34s %20.2e %20.2e%n", "final |gradient| (exact)", generated.gradientNorm(),
                finite.gradientNorm());
        for (int i = 0; i < NAMES.length; i++) {
            System.out.printf("%-34s %20.6f %20.6f%n", NAMES[i] + " (truth " + TRUTH[i] + ")", generated.point()[i],
                    finite.point()[i]);
        }
        System.out.println("A finite-difference gradient costs 2 evaluations of the whole objective per parameter;");
        System.out.println("the generated one costs a forward and a reverse sweep, whatever the parameter count.");
    }

    /**
     * The result of one fit and what it cost. {@code passes} counts the loops over all samples: one
     * per objective evaluation, 2 per generated gradient (its forward sweep and its reverse sweep),
     * 2 per parameter per finite-difference one.
     */
    record Fit(double[] point, double sse, double gradientNorm, int iterations, int objectiveEvaluations,
            int gradientEvaluations, int passes) {}

    /** Fits from {@link #START}, with the generated gradient or with central differences. */
    static Fit fit(Observations data, boolean useGeneratedGradient) {
        int[] objectiveCalls = {0};
        int[] gradientCalls = {0};
        MultivariateFunction objective = p -> {
            objectiveCalls[0]++;
            return data.sumOfSquares(p);
        };
        MultivariateVectorFunction gradient = p -> {
            gradientCalls[0]++;
            return useGeneratedGradient ? data.gradient(p) : data.centralDifferenceGradient(p);
        };
        NonLinearConjugateGradientOptimizer optimizer = new NonLinearConjugateGradientOptimizer(
                NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
                new SimpleValueChecker(1e-12, 1e-12),
                1e-10, 1e-10, 1e-2); // line search: relative and absolute tolerance, initial bracket
        PointValuePair best = optimizer.optimize(
                new MaxEval(1_000_000), new MaxIter(100_000),
                new ObjectiveFunction(objective), new ObjectiveFunctionGradient(gradient),
                GoalType.MINIMIZE, new InitialGuess(START.clone()));
        double[] point = best.getPoint();
        int passesPerGradient = useGeneratedGradient ? 2 : 2 * START.length;
        return new Fit(point, best.getValue(), norm(data.gradient(point)), optimizer.getIterations(),
                objectiveCalls[0], gradientCalls[0], objectiveCalls[0] + passesPerGradient * gradientCalls[0]);
    }

    /** The median wall time of {@link #TIMED_RUNS} runs of {@code work}. */
    private static long medianNanos(Runnable work) {
        long[] nanos = new long[TIMED_RUNS];
        for (int run = 0; run < TIMED_RUNS; run++) {
            long start = System.nanoTime();
            work.run();
            nanos[run] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[TIMED_RUNS / 2];
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static void row(String label, int generated, int finite) {
        System.out.printf("%-34s %20d %20d%n", label, generated, finite);
    }

    /** Noisy samples (t_i, y_i) of the {@link #TRUTH} curve at evenly spaced times. */
    record Observations(double[] t, double[] y) {

        static Observations generate(int n, double noise, long seed) {
            Random random = new Random(seed);
            double[] t = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = DURATION * i / (n - 1);
                y[i] = DampedOscillator.value(TRUTH[0], TRUTH[1], TRUTH[2], TRUTH[3], t[i])
                        + noise * random.nextGaussian();
            }
            return new Observations(t, y);
        }

        /** Σ (y(t_i) - y_i)², the objective. */
        double sumOfSquares(double[] p) {
            return DampedOscillator.sumOfSquares(p, t, y);
        }

        /** The objective's gradient in the four parameters, generated: one forward and one reverse pass. */
        double[] gradient(double[] p) {
            return DampedOscillatorAdjoint.sumOfSquaresGradient(p, t, y).p;
        }

        /** The objective's gradient by central differences, h = 1e-6 times each parameter's scale. */
        double[] centralDifferenceGradient(double[] p) {
            double[] g = new double[p.length];
            double[] q = p.clone();
            for (int j = 0; j < p.length; j++) {
                double h = 1e-6 * Math.max(1, Math.abs(p[j]));
                q[j] = p[j] + h;
                double up = sumOfSquares(q);
                q[j] = p[j] - h;
                double down = sumOfSquares(q);
                q[j] = p[j];
                g[j] = (up - down) / (2 * h);
            }
            return g;
        }
    }
}
