package dev.adjoint.spark.sample;

import dev.adjoint.spark.DistributedGradient;
import dev.adjoint.spark.Example;
import dev.adjoint.spark.Lbfgs;
import dev.adjoint.spark.Synthetic;
import dev.adjoint.spark.TrainingSet;
import dev.adjoint.spark.models.Logistic;
import dev.adjoint.spark.models.LogisticAdjoint;
import dev.adjoint.spark.models.TwoLayerNet;
import dev.adjoint.spark.models.TwoLayerNetAdjoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark sample: generated gradients trained on Spark, side by side with MLlib.
 *
 * <ol>
 *   <li><b>Logistic regression</b> on a synthetic Dataset (1,000,000 rows × 20 features by
 *       default): {@code Logistic.loss}'s generated pullback through {@link DistributedGradient},
 *       minimised by breeze's L-BFGS, then MLlib's {@code LogisticRegression} on the same Dataset
 *       with the same optimiser settings (no regularisation, tolerance 1e-6, no standardization).
 *       Prints both fits' iterations and times, the coefficients side by side, and each one's
 *       rows per second per core in its gradient jobs.</li>
 *   <li><b>A two-layer network</b> (8 tanh units, regression), which MLlib lacks, on 1,000,000
 *       rows of a noisy non-linear target.</li>
 * </ol>
 *
 * <p>Runs embedded on {@code local[*]}; {@code --master URL} uses a cluster (the cluster then needs
 * this module's test classes and adjoint-runtime on its class path, e.g. in a jar passed with
 * {@code spark-submit --jars}). Other options: {@code --rows N}, {@code --features D},
 * {@code --partitions P} (default: twice the default parallelism), {@code --tolerance T}.
 */
public final class SparkSample {

    private SparkSample() {}

    public static void main(String[] args) throws Exception {
        String master = "local[*]";
        int rows = 1_000_000;
        int d = 20;
        int partitions = 0;
        double tolerance = 1e-6;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--master" -> master = value;
                case "--rows" -> rows = Integer.parseInt(value);
                case "--features" -> d = Integer.parseInt(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--tolerance" -> tolerance = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (options: --master URL, --rows N, --features D, --partitions P, --tolerance T)");
            }
        }
        SparkSession spark = SparkSession.builder()
                .appName("Adjoint on Spark")
                .master(master)
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int cores = context.defaultParallelism();
            if (partitions == 0) {
                partitions = 2 * cores;
            }
            System.out.printf(Locale.ROOT, "Spark %s, master %s, %d cores, %d partitions, Java %s%n",
                    spark.version(), master, cores, partitions, System.getProperty("java.version"));
            JobTimes jobs = new JobTimes();
            spark.sparkContext().addSparkListener(jobs);
            logistic(spark, jobs, rows, d, partitions, cores, tolerance);
            network(context, rows, partitions);
        } finally {
            spark.stop();
        }
    }

    // --- the wiring: a generated pullback and its holder ---------------------------------------

    /**
     * {@link Logistic#loss}'s mean over {@code data}, by its generated pullback: a holder over the
     * array {@link DistributedGradient} owns, and the pullback for one example.
     */
    public static DistributedGradient<LogisticAdjoint.LossGradient> logisticGradient(TrainingSet data) {
        return DistributedGradient.of(data, Logistic.parameters(data.width()),
                gradient -> {
                    LogisticAdjoint.LossGradient holder = new LogisticAdjoint.LossGradient();
                    holder.w = gradient;
                    return holder;
                },
                (w, e, seed, into) -> LogisticAdjoint.lossPullback(w, e.x(), e.y(), seed, into));
    }

    /** {@link TwoLayerNet#loss}'s mean over {@code data}, wired the same way. */
    public static DistributedGradient<TwoLayerNetAdjoint.LossGradient> networkGradient(TrainingSet data) {
        return DistributedGradient.of(data, TwoLayerNet.parameters(data.width()),
                gradient -> {
                    TwoLayerNetAdjoint.LossGradient holder = new TwoLayerNetAdjoint.LossGradient();
                    holder.w = gradient;
                    return holder;
                },
                (w, e, seed, into) -> TwoLayerNetAdjoint.lossPullback(w, e.x(), e.y(), seed, into));
    }

    // --- logistic regression, ours and MLlib's ---------------------------------------------------

    static void logistic(SparkSession spark, JobTimes jobs, int rows, int d, int partitions, int cores,
            double tolerance) throws InterruptedException {
        double[] truth = Synthetic.logisticTruth(d);
        Dataset<Row> frame = logisticFrame(spark, rows, partitions, truth);
        System.out.printf(Locale.ROOT, "%nLogistic regression: %,d rows x %d features, no regularisation, tolerance %.0e%n",
                rows, d, tolerance);

        long setupStart = System.nanoTime();
        TrainingSet data = TrainingSet.of(frame, "features", "label", d);
        // The start MLlib uses: zero weights, the intercept at the log-odds of the labels.
        double positives = data.examples().mapToDouble(Example::y).mean();
        double[] start = new double[Logistic.parameters(d)];
        start[d] = Math.log(positives / (1 - positives));
        double setup = seconds(setupStart);

        DistributedGradient<LogisticAdjoint.LossGradient> gradient = logisticGradient(data);
        jobs.settle();
        jobs.clear();
        System.out.println("Generated gradient on Spark, breeze L-BFGS (as MLlib runs it):");
        long fitStart = System.nanoTime();
        Lbfgs.Fit ours = new Lbfgs(100, 10, tolerance).minimize(gradient, start,
                progress -> System.out.println("  " + progress));
        double oursFit = seconds(fitStart);
        jobs.settle();
        List<Double> oursJobs = jobs.of("DistributedGradient.java");

        jobs.clear();
        LogisticRegression regression = new LogisticRegression()
                .setRegParam(0.0)
                .setElasticNetParam(0.0)
                .setStandardization(false)
                .setTol(tolerance)
                .setMaxIter(100)
                .setFitIntercept(true);
        long mllibStart = System.nanoTime();
        LogisticRegressionModel model = regression.fit(frame);
        double mllibFit = seconds(mllibStart);
        jobs.settle();
        List<Double> mllibJobs = jobs.of("RDDLossFunction");
        double[] history = model.summary().objectiveHistory();

        System.out.println();
        System.out.println("Per iteration, one run: loss, and the time of each gradient job (one per evaluation)");
        System.out.println("  iter   generated loss  time (s) evals |     MLlib loss  MLlib job (s)");
        int lines = Math.max(ours.history().size(), history.length);
        for (int i = 0; i < lines; i++) {
            String left = i < ours.history().size()
                    ? String.format(Locale.ROOT, "%14.10f  %8.3f  %4d", ours.history().get(i).loss(),
                            ours.history().get(i).seconds(), ours.history().get(i).evaluations())
                    : String.format(Locale.ROOT, "%14s  %8s  %4s", "", "", "");
            String right = i < history.length
                    ? String.format(Locale.ROOT, "%14.10f", history[i]) : String.format(Locale.ROOT, "%14s", "");
            String job = i < mllibJobs.size() ? String.format(Locale.ROOT, "%13.3f", mllibJobs.get(i)) : "";
            System.out.printf(Locale.ROOT, "  %4d %s | %s  %s%n", i, left, right, job);
        }

        double[] mllib = new double[d + 1];
        System.arraycopy(model.coefficients().toArray(), 0, mllib, 0, d);
        mllib[d] = model.intercept();
        System.out.println();
        System.out.println("Coefficients (the last is the intercept)");
        System.out.println("   k        truth        generated            MLlib  |relative difference|");
        double worst = 0;
        for (int k = 0; k <= d; k++) {
            double relative = Math.abs(ours.w()[k] - mllib[k]) / Math.abs(mllib[k]);
            worst = Math.max(worst, relative);
            System.out.printf(Locale.ROOT, "  %2s  %11.6f  %15.10f  %15.10f  %.1e%n", k == d ? "b" : k, truth[k],
                    ours.w()[k], mllib[k], relative);
        }
        System.out.printf(Locale.ROOT, "Largest relative difference: %.1e (%s 1e-4)%n", worst, worst <= 1e-4 ? "within" : "NOT within");

        System.out.println();
        System.out.println("                                 generated + breeze     MLlib LogisticRegression");
        row("iterations", ours.iterations(), model.summary().totalIterations());
        row("gradient evaluations (jobs)", oursJobs.size(), mllibJobs.size());
        row("final loss", String.format(Locale.ROOT, "%.12f", ours.loss()),
                String.format(Locale.ROOT, "%.12f", history[history.length - 1]));
        row("set-up (check, cache), s", String.format(Locale.ROOT, "%.2f", setup), "in the fit");
        row("fit, s", String.format(Locale.ROOT, "%.2f", oursFit), String.format(Locale.ROOT, "%.2f", mllibFit));
        row("fit / iteration, s", String.format(Locale.ROOT, "%.3f", oursFit / ours.iterations()),
                String.format(Locale.ROOT, "%.3f", mllibFit / model.summary().totalIterations()));
        row("gradient job, median s", String.format(Locale.ROOT, "%.3f", median(oursJobs)),
                String.format(Locale.ROOT, "%.3f", median(mllibJobs)));
        row("rows/s/core in the median job", rate(rows, median(oursJobs), cores), rate(rows, median(mllibJobs), cores));

        paired(data, d, ours.w(), cores);
        data.close();
    }

    /**
     * The benchmark figure: gradient jobs of both, alternating, on the same cached rows at the same
     * parameters, so the machine's load falls on both alike. Each job's wall-clock time includes
     * broadcasting the parameters and adding up the partitions on the driver.
     */
    static void paired(TrainingSet data, int d, double[] w, int cores) {
        final int rounds = 15;
        try (MllibGradient mllib = new MllibGradient(data.examples(), d)) {
            DistributedGradient<LogisticAdjoint.LossGradient> generated = logisticGradient(data);
            List<Double> oursSeconds = new ArrayList<>();
            List<Double> mllibSeconds = new ArrayList<>();
            double oursLoss = 0;
            double mllibLoss = 0;
            for (int round = -3; round < rounds; round++) { // 3 rounds of warm-up
                long start = System.nanoTime();
                oursLoss = generated.evaluate(w).loss();
                double a = seconds(start);
                start = System.nanoTime();
                mllibLoss = mllib.evaluate(w);
                double b = seconds(start);
                if (round >= 0) {
                    oursSeconds.add(a);
                    mllibSeconds.add(b);
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "Gradient jobs, paired (%d rounds alternating, same cached rows, same w; "
                    + "loss %.12f and %.12f):%n", rounds, oursLoss, mllibLoss);
            System.out.println("                       median s    min s    max s   rows/s/core (median)");
            for (int i = 0; i < 2; i++) {
                List<Double> times = i == 0 ? oursSeconds : mllibSeconds;
                System.out.printf(Locale.ROOT, "  %-18s %9.3f %8.3f %8.3f %22s%n", i == 0 ? "generated" : "MLlib aggregator",
                        median(times), Collections.min(times), Collections.max(times),
                        rate(data.rows(), median(times), cores));
            }
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                ratios.add(mllibSeconds.get(i) / oursSeconds.get(i));
            }
            System.out.printf(Locale.ROOT, "  MLlib time / generated time, per round: median %.2f (%.2f to %.2f)%n",
                    median(ratios), Collections.min(ratios), Collections.max(ratios));
        }
    }

    /** The logistic data as MLlib takes it: a "features" vector column and a 0/1 "label". */
    static Dataset<Row> logisticFrame(SparkSession spark, int rows, int partitions, double[] truth) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        JavaRDD<Row> source = context.parallelize(parts, partitions).flatMap(p -> {
            int n = rows / partitions + (p < rows % partitions ? 1 : 0);
            List<Row> out = new ArrayList<>(n);
            for (Example e : Synthetic.logistic(42, p, n, truth)) {
                out.add(RowFactory.create(Vectors.dense(e.x()), e.y()));
            }
            return out.iterator();
        });
        StructType schema = new StructType()
                .add("features", new VectorUDT(), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(source, schema);
    }

    // --- a two-layer network, which MLlib lacks -------------------------------------------------

    static void network(JavaSparkContext context, int rows, int partitions) {
        int d = 4;
        double noise = 0.1;
        int n = TwoLayerNet.parameters(d);
        System.out.printf(Locale.ROOT, "%nTwo-layer network (%d tanh units, %d weights), regression: %,d rows, "
                + "target sin(x0)*x1 + x2^2/2 - x3 + N(0, %.1f^2)%n", TwoLayerNet.HIDDEN, n, rows, noise);
        List<Integer> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(p);
        }
        JavaRDD<Example> source = context.parallelize(parts, partitions)
                .flatMap(p -> Synthetic.curve(9, p, rows / partitions + (p < rows % partitions ? 1 : 0), d, noise).iterator());
        try (TrainingSet data = TrainingSet.of(source, d)) {
            DistributedGradient<TwoLayerNetAdjoint.LossGradient> gradient = networkGradient(data);
            long start = System.nanoTime();
            Lbfgs.Fit fit = new Lbfgs(100, 10, 1e-9).minimize(gradient, Synthetic.start(n, 0.5, 1), progress -> {
                if (progress.iteration() % 10 == 0) {
                    System.out.println("  " + progress);
                }
            });
            double fitSeconds = seconds(start);
            System.out.println("  " + fit.history().get(fit.history().size() - 1) + "  (" + fit.stopReason() + ")");
            // Held out: fresh rows from another seed, against the noise-free target and the noisy one.
            double squared = 0;
            double squaredNoisy = 0;
            List<Example> heldOut = Synthetic.curve(123, 0, 20_000, d, noise);
            for (Example e : heldOut) {
                double prediction = TwoLayerNet.predict(fit.w(), e.x());
                squared += Math.pow(prediction - Synthetic.curve(e.x()), 2);
                squaredNoisy += Math.pow(prediction - e.y(), 2);
            }
            System.out.printf(Locale.ROOT, "  %d iterations, %d gradient evaluations, %.1f s (%.3f s per iteration)%n",
                    fit.iterations(), gradient.evaluations(), fitSeconds, fitSeconds / fit.iterations());
            System.out.printf(Locale.ROOT, "  held out (20,000 rows): RMSE %.4f against the noisy target (the noise is %.1f), "
                    + "%.4f against the noise-free one%n", Math.sqrt(squaredNoisy / heldOut.size()), noise,
                    Math.sqrt(squared / heldOut.size()));
        }
    }

    // --- printing ---------------------------------------------------------------------------------

    static void row(String what, Object ours, Object mllib) {
        System.out.printf(Locale.ROOT, "  %-30s %20s %28s%n", what, ours, mllib);
    }

    static String rate(long rows, double seconds, int cores) {
        return String.format(Locale.ROOT, "%,.0f", rows / seconds / cores);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) * 1e-9;
    }
}
