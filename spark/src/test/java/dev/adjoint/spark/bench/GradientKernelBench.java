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
 * <p>Run: {@code mvn -B -q -Prun-spark-sample -DskipTests verify -pl spark -am
 * -Dspark.sample.main=org.openjdk.jmh.Main -Dspark.sample.args=GradientKernelBench}.
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
