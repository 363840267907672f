package dev.adjoint.spark.bench;

import dev.adjoint.spark.Example;
import dev.adjoint.spark.Synthetic;
import dev.adjoint.spark.models.LogisticAdjoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.feature.Instance;
import org.apache.spark.ml.feature.InstanceBlock;
import org.apache.spark.ml.feature.InstanceBlock$;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.optim.aggregator.BinaryLogisticBlockAggregator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * What one core does inside a gradient task, without Spark: the generated logistic pullback over
 * {@value #ROWS} cached rows (one {@code double[]} per row, one holder) against MLlib's own
 * {@code BinaryLogisticBlockAggregator} over the same rows stacked into {@code InstanceBlock}s of
 * at most 1 MiB, as {@code LogisticRegression} stacks them (its BLAS: pure Java here, no native
 * library). Each operation is one pass over all rows, so rows per second per core is
 * {@value #ROWS} × operations per second.
 *
 * <p>Run with JMH: {@code mvn -B -q -Prun-spark-sample -DskipTests verify -pl spark -am
 * -Dspark.sample.main=org.openjdk.jmh.Main -Dspark.sample.args=GradientKernelBench}. JMH measures
 * one benchmark after the other, so on a shared, noisy machine their ratio moves with the load;
 * {@link #main} measures the two alternately in one JVM ({@code
 * -Dspark.sample.main=dev.adjoint.spark.bench.GradientKernelBench}) and reports the ratio per round.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class GradientKernelBench {

    public static final int ROWS = 50_000;
    public static final int D = 20;

    List<Example> rows;
    List<InstanceBlock> blocks;
    double[] w;
    Broadcast<double[]> inverseStd;
    Broadcast<double[]> scaledMean;
    Broadcast<Vector> coefficients;

    /** A broadcast without a SparkContext: the aggregator only reads its value. */
    static final class Value<T> extends Broadcast<T> {
        private static final long serialVersionUID = 1L;
        private final T value;

        @SuppressWarnings("unchecked")
        Value(T value) {
            super(0L, ClassTag$.MODULE$.apply((Class<T>) value.getClass()));
            this.value = value;
        }

        @Override
        public T getValue() {
            return value;
        }

        @Override
        public void doUnpersist(boolean blocking) {}

        @Override
        public void doDestroy(boolean blocking) {}
    }

    @Setup
    public void setUp() {
        rows = Synthetic.logistic(42, 0, ROWS, Synthetic.logisticTruth(D));
        List<Instance> instances = new ArrayList<>();
        for (Example e : rows) {
            instances.add(new Instance(e.y(), 1.0, Vectors.dense(e.x())));
        }
        blocks = new ArrayList<>();
        scala.collection.Iterator<InstanceBlock> stacked = InstanceBlock$.MODULE$.blokifyWithMaxMemUsage(
                CollectionConverters.asScala(instances.iterator()), 1L << 20);
        while (stacked.hasNext()) {
            blocks.add(stacked.next());
        }
        w = Synthetic.start(D + 1, 0.3, 5);
        double[] ones = new double[D];
        Arrays.fill(ones, 1.0);
        inverseStd = new Value<>(ones);
        scaledMean = new Value<>(new double[D]);
        coefficients = new Value<>(Vectors.dense(w));
    }

    /**
     * Paired rounds in one JVM: five passes of each variant in turn, after warm-up; prints each
     * one's median rate and the per-round ratios' medians and ranges. Argument: rounds (41).
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        GradientKernelBench bench = new GradientKernelBench();
        bench.setUp();
        String[] names = {"generated pullback", "hand-written adjoint", "MLlib aggregator"};
        double sink = 0;
        for (int i = 0; i < 300; i++) { // warm-up: all compiled by C2 before timing
            sink += bench.generated() + bench.handWritten() + bench.mllib();
        }
        double[][] rate = new double[3][rounds];
        double[][] ratio = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < 3; v++) {
                long start = System.nanoTime();
                for (int k = 0; k < 5; k++) {
                    sink += v == 0 ? bench.generated() : v == 1 ? bench.handWritten() : bench.mllib();
                }
                rate[v][r] = 5.0 * ROWS / ((System.nanoTime() - start) * 1e-9);
            }
            ratio[0][r] = rate[0][r] / rate[2][r];
            ratio[1][r] = rate[0][r] / rate[1][r];
        }
        System.out.printf(java.util.Locale.ROOT, "%d rounds, each 5 passes of each in turn over %,d rows x %d features,"
                + " one thread%n", rounds, ROWS, D);
        for (int v = 0; v < 3; v++) {
            Arrays.sort(rate[v]);
            System.out.printf(java.util.Locale.ROOT, "  %-22s median %,12.0f rows/s (%,.0f to %,.0f)%n", names[v],
                    rate[v][rounds / 2], rate[v][0], rate[v][rounds - 1]);
        }
        for (int i = 0; i < 2; i++) {
            Arrays.sort(ratio[i]);
            System.out.printf(java.util.Locale.ROOT, "  generated / %-20s per round: median %.2f (%.2f to %.2f)%n",
                    i == 0 ? "MLlib aggregator," : "hand-written,", ratio[i][rounds / 2], ratio[i][0],
                    ratio[i][rounds - 1]);
        }
        System.out.println(sink == 0 ? "" : "");
    }

    /** The generated pullback over every row into one holder (what a partition's task does). */
    @Benchmark
    public double generated() {
        LogisticAdjoint.LossGradient holder = new LogisticAdjoint.LossGradient();
        holder.w = new double[D + 1];
        double loss = 0;
        for (Example e : rows) {
            loss += LogisticAdjoint.lossPullback(w, e.x(), e.y(), 1.0, holder);
        }
        return loss + holder.w[0];
    }

    /**
     * A hand-written per-row adjoint of the same loss, into the same kind of holder: what the
     * generated pullback should cost. It tells apart what is the generated code's and what is the
     * per-row layout's (MLlib stacks rows into blocks and runs BLAS over them).
     */
    @Benchmark
    public double handWritten() {
        double[] gradient = new double[D + 1];
        double loss = 0;
        for (Example e : rows) {
            loss += handWrittenPullback(w, e.x(), e.y(), gradient);
        }
        return loss + gradient[0];
    }

    /** log(1 + e^z) − y·z and its gradient, z = w·x + b: dℓ/dz = σ(z) − y, ∂z/∂w = (x, 1). */
    static double handWrittenPullback(double[] w, double[] x, double y, double[] gradient) {
        int d = x.length;
        double z = w[d];
        for (int k = 0; k < d; k++) {
            z += w[k] * x[k];
        }
        double e = Math.exp(-Math.abs(z));
        double sigma = z > 0 ? 1 / (1 + e) : e / (1 + e);
        double dz = sigma - y;
        for (int k = 0; k < d; k++) {
            gradient[k] += dz * x[k];
        }
        gradient[d] += dz;
        return Math.max(z, 0) + Math.log1p(e) - y * z;
    }

    /** MLlib's aggregator over every block (what one of its gradient tasks does). */
    @Benchmark
    public double mllib() {
        BinaryLogisticBlockAggregator aggregator =
                new BinaryLogisticBlockAggregator(inverseStd, scaledMean, true, false, coefficients);
        for (InstanceBlock block : blocks) {
            aggregator.add(block);
        }
        return aggregator.loss() + aggregator.gradient().apply(0);
    }
}
