package dev.adjoint.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The mean loss and its gradient over a {@link TrainingSet}, computed by Spark from a generated
 * per-example pullback: data-parallel training's one distributed step.
 *
 * <p>One {@link #evaluate} is one Spark job:
 * <ol>
 *   <li>the parameters are broadcast to the executors;</li>
 *   <li>each partition makes one gradient holder ({@link GradientHolder}) and runs the pullback over
 *       its rows with seed 1, so the holder ends with Σ∇loss over the partition, the loss summed
 *       beside it (a generated pullback adds into its holder and allocates nothing, so this is
 *       one array per partition and nothing per row);</li>
 *   <li>the partitions' sums are added up, and divided by the number of rows.</li>
 * </ol>
 *
 * <p><b>How the partitions' sums are added.</b> By default ({@link #inPartitionOrder()}) the job
 * collects one (loss, gradient) per partition and the driver adds them in partition order, so the
 * result is the same to the last bit on every run with the same partitioning, after a retried task
 * too. Spark's {@code treeAggregate} ({@link #withTreeAggregate(int)}) adds them on the executors
 * in a tree of the given depth, which keeps the driver from receiving one vector per partition, but
 * adds in the order tasks finish, so results differ in the last bits from run to run. The
 * partition-order sum costs the driver partitions × (parameters + 2) doubles per evaluation (200
 * partitions of 10,000 parameters: 16 MB); past that, use the tree.
 *
 * <p>A row whose loss or gradient is not finite fails the evaluation with a {@link BadRowException}
 * naming it, rather than a NaN model.
 *
 * @param <G> the generated gradient holder
 */
public final class DistributedGradient<G> implements Objective {

    private final TrainingSet data;
    private final int parameters;
    private final GradientHolder<G> holder;
    private final ExamplePullback<G> pullback;
    /** 0: collect and add in partition order; otherwise treeAggregate's depth. */
    private final int treeDepth;
    private long evaluations;
    private double seconds;

    private DistributedGradient(TrainingSet data, int parameters, GradientHolder<G> holder,
            ExamplePullback<G> pullback, int treeDepth) {
        if (parameters < 1) {
            throw new IllegalArgumentException("parameters must be at least 1, was " + parameters);
        }
        if (data.rows() == 0) {
            throw new IllegalArgumentException("the training set has no rows: a mean loss over none is not defined");
        }
        this.data = data;
        this.parameters = parameters;
        this.holder = holder;
        this.pullback = pullback;
        this.treeDepth = treeDepth;
    }

    /**
     * The mean of a per-example loss over {@code data}, differentiated in a parameter vector of
     * {@code parameters} entries.
     */
    public static <G> DistributedGradient<G> of(TrainingSet data, int parameters, GradientHolder<G> holder,
            ExamplePullback<G> pullback) {
        return new DistributedGradient<>(data, parameters, holder, pullback, 0);
    }

    /** The same, with the partitions' sums added in partition order on the driver (the default). */
    public DistributedGradient<G> inPartitionOrder() {
        return new DistributedGradient<>(data, parameters, holder, pullback, 0);
    }

    /** The same, with the partitions' sums added by Spark's {@code treeAggregate} of that depth (≥ 1). */
    public DistributedGradient<G> withTreeAggregate(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, was " + depth);
        }
        return new DistributedGradient<>(data, parameters, holder, pullback, depth);
    }

    /** The loss, the gradient and the rows they are the mean over. */
    public record Evaluation(double loss, double[] gradient, long rows) {}

    /**
     * Returns the mean loss and its gradient at {@code w}, by one Spark job.
     *
     * @throws BadRowException if a row's loss or gradient is not finite at {@code w}
     */
    public Evaluation evaluate(double[] w) {
        if (w.length != parameters) {
            throw new IllegalArgumentException(w.length + " parameters where " + parameters + " are expected");
        }
        long start = System.nanoTime();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(data.examples().context());
        // A copy: in local mode tasks read the broadcast object itself, and the caller may change w.
        Broadcast<double[]> weights = context.broadcast(w.clone());
        try {
            Partial sum;
            try {
                JavaRDD<Partial> partials = data.examples().mapPartitionsWithIndex(
                        new PartitionSum<>(weights, parameters, holder, pullback), true);
                sum = treeDepth == 0 ? inOrder(partials.collect()) : partials.treeReduce(Partial::add, treeDepth);
            } catch (Exception e) { // Spark throws its checked SparkException undeclared
                BadRowException bad = Failures.badRow(e);
                if (bad == null) {
                    throw e;
                }
                throw named(bad, weights);
            }
            double[] gradient = sum.gradient;
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] /= sum.rows;
            }
            return new Evaluation(sum.loss / sum.rows, gradient, sum.rows);
        } finally {
            weights.destroy();
            evaluations++;
            seconds += (System.nanoTime() - start) * 1e-9;
        }
    }

    /** {@link #evaluate}, as {@link Lbfgs} asks for it. */
    @Override
    public double valueAndGradient(double[] w, double[] gradient) {
        Evaluation evaluation = evaluate(w);
        System.arraycopy(evaluation.gradient(), 0, gradient, 0, parameters);
        return evaluation.loss();
    }

    /** How many evaluations (Spark jobs) ran so far. */
    public long evaluations() {
        return evaluations;
    }

    /** Their wall-clock time in all, seconds. */
    public double seconds() {
        return seconds;
    }

    /** One partition's sums; added into by {@code treeReduce}, so mutable. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;

        long rows;
        double loss;
        final double[] gradient;

        Partial(long rows, double loss, double[] gradient) {
            this.rows = rows;
            this.loss = loss;
            this.gradient = gradient;
        }

        /** Adds {@code other} into this (Spark lets a reduce function reuse its first argument). */
        Partial add(Partial other) {
            rows += other.rows;
            loss += other.loss;
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] += other.gradient[k];
            }
            return this;
        }
    }

    /** Σ in partition order: {@code collect()} returns the partitions' results in that order. */
    private static Partial inOrder(List<Partial> partials) {
        Partial sum = new Partial(0, 0.0, new double[partials.get(0).gradient.length]);
        for (Partial partial : partials) {
            sum.add(partial);
        }
        return sum;
    }

    /** The task: one holder per partition, the pullback over every row. */
    private static final class PartitionSum<G> implements Function2<Integer, Iterator<Example>, Iterator<Partial>> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<double[]> weights;
        private final int parameters;
        private final GradientHolder<G> holder;
        private final ExamplePullback<G> pullback;

        PartitionSum(Broadcast<double[]> weights, int parameters, GradientHolder<G> holder, ExamplePullback<G> pullback) {
            this.weights = weights;
            this.parameters = parameters;
            this.holder = holder;
            this.pullback = pullback;
        }

        @Override
        public Iterator<Partial> call(Integer partition, Iterator<Example> rows) {
            double[] w = weights.value();
            double[] gradient = new double[parameters];
            G into = holder.wrap(gradient);
            double loss = 0.0;
            long n = 0;
            while (rows.hasNext()) {
                Example example = rows.next();
                double value = pullback.pullback(w, example, 1.0, into);
                if (!Double.isFinite(value)) {
                    throw BadRowException.inPartition(partition, n, "its loss is " + value + " at the current parameters: " + example);
                }
                loss += value;
                n++;
            }
            if (!finite(gradient)) {
                // Some row's gradient is not finite though its loss is: the driver runs a second
                // pass over this partition to find it (named), rather than checking every row here.
                throw BadRowException.inPartition(partition, -1, "a row's gradient is not finite");
            }
            return List.of(new Partial(n, loss, gradient)).iterator();
        }
    }

    /**
     * Names the row of a failure: its position in the data set, and for a non-finite gradient,
     * which row of the partition it was (found by one more job over that partition).
     */
    private BadRowException named(BadRowException bad, Broadcast<double[]> weights) {
        if (bad.rowInPartition() >= 0) {
            return bad.at(data.rowsBefore(bad.partition()));
        }
        int target = bad.partition();
        int width = parameters;
        GradientHolder<G> makeHolder = holder;
        ExamplePullback<G> loss = pullback;
        List<BadRowException> found = data.examples().mapPartitionsWithIndex((partition, rows) -> {
            if (partition != target) {
                return List.<BadRowException>of().iterator();
            }
            double[] w = weights.value();
            double[] gradient = new double[width];
            G into = makeHolder.wrap(gradient);
            for (long n = 0; rows.hasNext(); n++) {
                Example example = rows.next();
                Arrays.fill(gradient, 0.0);
                loss.pullback(w, example, 1.0, into);
                if (!finite(gradient)) {
                    return List.of(BadRowException.inPartition(partition, n,
                            "its gradient is not finite at the current parameters: " + example)).iterator();
                }
            }
            return List.<BadRowException>of().iterator();
        }, true).collect();
        // Not found again (a pullback that is not deterministic): the partition is all we know.
        return found.isEmpty() ? bad : found.get(0).at(data.rowsBefore(target));
    }

    private static boolean finite(double[] values) {
        double sum = 0.0;
        for (double v : values) {
            sum += v * 0.0; // 0 for every finite v, NaN for an infinite or NaN one
        }
        return sum == 0.0;
    }
}
