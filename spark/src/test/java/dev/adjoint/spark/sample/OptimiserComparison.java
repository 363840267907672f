package dev.adjoint.spark.sample;

import dev.adjoint.spark.DistributedGradient;
import dev.adjoint.spark.Example;
import dev.adjoint.spark.Lbfgs;
import dev.adjoint.spark.Synthetic;
import dev.adjoint.spark.TrainingSet;
import dev.adjoint.spark.models.LogisticAdjoint;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Why breeze: the same distributed logistic objective minimised by breeze's L-BFGS and by
 * commons-math3's non-linear conjugate gradient (Polak-Ribière; commons-math3 has no L-BFGS), each
 * compared with MLlib's coefficients on the same data. Options: {@code --rows N} (200,000).
 * Run: {@code mvn -B -q -Prun-spark-sample -DskipTests verify -pl spark -am
 * -Dspark.sample.main=dev.adjoint.spark.sample.OptimiserComparison}.
 */
public final class OptimiserComparison {

    private OptimiserComparison() {}

    public static void main(String[] args) {
        int rows = args.length == 2 && args[0].equals("--rows") ? Integer.parseInt(args[1]) : 200_000;
        int d = 20;
        SparkSession spark = SparkSession.builder().appName("optimisers").master("local[*]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            int partitions = 2 * spark.sparkContext().defaultParallelism();
            Dataset<Row> frame = SparkSample.logisticFrame(spark, rows, partitions, Synthetic.logisticTruth(d));
            LogisticRegressionModel model = new LogisticRegression().setRegParam(0.0).setStandardization(false)
                    .setTol(1e-6).setMaxIter(100).fit(frame);
            double[] mllib = Arrays.copyOf(model.coefficients().toArray(), d + 1);
            mllib[d] = model.intercept();
            try (TrainingSet data = TrainingSet.of(frame, "features", "label", d)) {
                DistributedGradient<LogisticAdjoint.LossGradient> gradient = SparkSample.logisticGradient(data);
                double positives = data.examples().mapToDouble(Example::y).mean();
                double[] start = new double[d + 1];
                start[d] = Math.log(positives / (1 - positives));
                System.out.printf(Locale.ROOT, "%,d rows x %d features; relative difference from MLlib's coefficients "
                        + "(MLlib: %d iterations, tol 1e-6)%n", rows, d, model.summary().totalIterations());
                System.out.println("  optimiser                                 evaluations  max |relative difference|");

                long before = gradient.evaluations();
                Lbfgs.Fit fit = new Lbfgs(100, 10, 1e-6).minimize(gradient, start);
                report("breeze L-BFGS, tol 1e-6", gradient.evaluations() - before, fit.w(), mllib);

                for (double tolerance : new double[] {1e-6, 1e-9, 1e-12}) {
                    before = gradient.evaluations();
                    double[] w = conjugateGradient(gradient, start, tolerance);
                    report("commons-math3 CG, relative tol " + tolerance, gradient.evaluations() - before, w, mllib);
                }
            }
        } finally {
            spark.stop();
        }
    }

    /** commons-math3's Polak-Ribière CG; value and gradient share one distributed evaluation per point. */
    static double[] conjugateGradient(DistributedGradient<?> gradient, double[] start, double tolerance) {
        double[][] last = {null, null};
        double[] lastValue = {0};
        java.util.function.Consumer<double[]> at = w -> {
            if (last[0] == null || !Arrays.equals(last[0], w)) {
                last[1] = new double[w.length];
                lastValue[0] = gradient.valueAndGradient(w, last[1]);
                last[0] = w.clone();
            }
        };
        NonLinearConjugateGradientOptimizer optimizer = new NonLinearConjugateGradientOptimizer(
                NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, new SimpleValueChecker(tolerance, 0));
        PointValuePair result = optimizer.optimize(new MaxEval(400), new MaxIter(400), GoalType.MINIMIZE,
                new InitialGuess(start),
                new ObjectiveFunction(w -> {
                    at.accept(w);
                    return lastValue[0];
                }),
                new ObjectiveFunctionGradient(w -> {
                    at.accept(w);
                    return last[1].clone();
                }));
        return result.getPoint();
    }

    static void report(String name, long evaluations, double[] w, double[] mllib) {
        double worst = 0;
        for (int k = 0; k < w.length; k++) {
            worst = Math.max(worst, Math.abs(w[k] - mllib[k]) / Math.abs(mllib[k]));
        }
        System.out.printf(Locale.ROOT, "  %-42s %11d  %.1e%n", name, evaluations, worst);
    }
}
