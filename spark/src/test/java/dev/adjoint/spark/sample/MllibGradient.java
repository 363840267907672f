package dev.adjoint.spark.sample;

import breeze.linalg.DenseVector;
import dev.adjoint.spark.Example;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.feature.Instance;
import org.apache.spark.ml.feature.InstanceBlock;
import org.apache.spark.ml.feature.InstanceBlock$;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.optim.aggregator.BinaryLogisticBlockAggregator;
import org.apache.spark.ml.optim.loss.RDDLossFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * MLlib's own logistic gradient job, built as {@code LogisticRegression.fit} builds it in Spark
 * 4.2: the rows stacked into {@code InstanceBlock}s of at most 1 MiB (MLlib's default block size),
 * cached, and a {@code RDDLossFunction} whose {@code BinaryLogisticBlockAggregator} computes each
 * block's loss and gradient with BLAS, added up by {@code treeAggregate} (depth 2). The sample
 * times it against the generated gradient on the same rows. These classes are {@code private[ml]}
 * in Scala (public to Java): what the benchmark needs, not something to build on.
 *
 * <p>MLlib scales the features by their inverse standard deviations before stacking them; here the
 * rows are stacked as they are (scale 1, no centring), which is the same arithmetic.
 */
final class MllibGradient implements AutoCloseable {

    private final RDD<InstanceBlock> blocks;
    private final RDDLossFunction<InstanceBlock, BinaryLogisticBlockAggregator> loss;
    private final Broadcast<double[]> inverseStd;
    private final Broadcast<double[]> scaledMean;

    /** Over {@code examples} with {@code d} features and labels 0/1; weights w[0..d-1], intercept w[d]. */
    MllibGradient(JavaRDD<Example> examples, int d) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(examples.context());
        RDD<Instance> instances = examples.map(e -> new Instance(e.y(), 1.0, Vectors.dense(e.x()))).rdd();
        blocks = InstanceBlock$.MODULE$.blokifyWithMaxMemUsage(instances, 1L << 20)
                .persist(StorageLevel.MEMORY_AND_DISK());
        blocks.count();
        double[] ones = new double[d];
        Arrays.fill(ones, 1.0);
        inverseStd = context.broadcast(ones);
        scaledMean = context.broadcast(new double[d]);
        Broadcast<double[]> std = inverseStd;
        Broadcast<double[]> mean = scaledMean;
        scala.Function1<Broadcast<Vector>, BinaryLogisticBlockAggregator> aggregator =
                (scala.Function1<Broadcast<Vector>, BinaryLogisticBlockAggregator> & Serializable)
                        coefficients -> new BinaryLogisticBlockAggregator(std, mean, true, false, coefficients);
        loss = new RDDLossFunction<>(blocks, aggregator, Option.empty(), 2,
                ClassTag$.MODULE$.apply(InstanceBlock.class), ClassTag$.MODULE$.apply(BinaryLogisticBlockAggregator.class));
    }

    /** The mean loss at {@code w}, by one Spark job (the gradient is computed and dropped). */
    double evaluate(double[] w) {
        Tuple2<Object, DenseVector<Object>> result = loss.calculate(new DenseVector<>(w.clone()));
        return (Double) result._1();
    }

    @Override
    public void close() {
        blocks.unpersist(false);
        inverseStd.destroy();
        scaledMean.destroy();
    }
}
