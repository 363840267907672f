package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.spark.models.Logistic;
import dev.adjoint.spark.models.LogisticAdjoint;
import dev.adjoint.spark.models.TwoLayerNet;
import dev.adjoint.spark.models.TwoLayerNetAdjoint;
import dev.adjoint.spark.sample.SparkSample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distributed gradient against the generated gradient on one machine, for several partition
 * counts and both ways of adding the partitions' sums; its reproducibility; and a task that fails
 * once and is retried.
 */
class DistributedGradientTest {

    static final int ROWS = 3_000;
    static final int D = 6;

    static List<Example> rows;
    static double[] w;
    static TrainingSet[] sets;

    @BeforeAll
    static void data() {
        rows = new ArrayList<>();
        double[] truth = Synthetic.logisticTruth(D);
        for (int part = 0; part < 3; part++) {
            rows.addAll(Synthetic.logistic(7, part, ROWS / 3, truth));
        }
        w = Synthetic.start(Logistic.parameters(D), 0.5, 3);
        sets = new TrainingSet[17];
    }

    @AfterAll
    static void unpersist() {
        for (TrainingSet set : sets) {
            if (set != null) {
                set.close();
            }
        }
    }

    static TrainingSet partitioned(int partitions) {
        if (sets[partitions] == null) {
            sets[partitions] = TrainingSet.of(LocalSpark.context().parallelize(rows, partitions), D);
        }
        return sets[partitions];
    }

    /** The sample's wiring of the generated logistic pullback. */
    static DistributedGradient<LogisticAdjoint.LossGradient> logistic(TrainingSet data) {
        return SparkSample.logisticGradient(data);
    }

    static LogisticAdjoint.LossGradient logisticHolder(double[] gradient) {
        LogisticAdjoint.LossGradient holder = new LogisticAdjoint.LossGradient();
        holder.w = gradient;
        return holder;
    }

    /** The generated gradient on one machine: every row's pullback into one holder, in order. */
    static double[] singleMachine(double[] w, double[] lossOut) {
        LogisticAdjoint.LossGradient holder = logisticHolder(new double[w.length]);
        double loss = 0;
        for (Example e : rows) {
            loss += LogisticAdjoint.lossPullback(w, e.x(), e.y(), 1.0, holder);
        }
        for (int k = 0; k < w.length; k++) {
            holder.w[k] /= rows.size();
        }
        lossOut[0] = loss / rows.size();
        return holder.w;
    }

    /** |a - b| ≤ 1e-13·max|b| componentwise: equal up to summation order. */
    static void assertRounding(double[] expected, double[] actual) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-13 * scale, "component " + k);
        }
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 3, 7, 16})
    void inPartitionOrderEqualsTheSingleMachineGradient(int partitions) {
        double[] loss = new double[1];
        double[] expected = singleMachine(w, loss);
        DistributedGradient.Evaluation evaluation = logistic(partitioned(partitions)).evaluate(w);
        assertEquals(ROWS, evaluation.rows());
        assertEquals(loss[0], evaluation.loss(), 1e-13 * Math.abs(loss[0]));
        assertRounding(expected, evaluation.gradient());
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 3, 7, 16})
    void treeAggregateEqualsTheSingleMachineGradient(int partitions) {
        double[] loss = new double[1];
        double[] expected = singleMachine(w, loss);
        for (int depth : new int[] {1, 2, 3}) {
            DistributedGradient.Evaluation evaluation = logistic(partitioned(partitions)).withTreeAggregate(depth).evaluate(w);
            assertEquals(ROWS, evaluation.rows());
            assertEquals(loss[0], evaluation.loss(), 1e-13 * Math.abs(loss[0]));
            assertRounding(expected, evaluation.gradient());
        }
    }

    @Test
    void oneMachineOnePartitionIsTheSameSumBitForBit() {
        // One partition adds the rows in the same order as the loop on one machine.
        double[] loss = new double[1];
        double[] expected = singleMachine(w, loss);
        DistributedGradient.Evaluation evaluation = logistic(partitioned(1)).evaluate(w);
        assertArrayEquals(expected, evaluation.gradient());
        assertEquals(loss[0], evaluation.loss());
    }

    @Test
    void inPartitionOrderIsReproducibleBitForBit() {
        DistributedGradient<LogisticAdjoint.LossGradient> gradient = logistic(partitioned(7));
        DistributedGradient.Evaluation first = gradient.evaluate(w);
        for (int run = 0; run < 5; run++) {
            DistributedGradient.Evaluation again = gradient.evaluate(w);
            assertArrayEquals(first.gradient(), again.gradient());
            assertEquals(first.loss(), again.loss());
        }
        assertEquals(6, gradient.evaluations());
    }

    @Test
    void aNetworksGradientTooForSeveralPartitionCounts() {
        List<Example> curve = Synthetic.curve(5, 0, 1_000, 4, 0.1);
        int n = TwoLayerNet.parameters(4);
        double[] weights = Synthetic.start(n, 0.5, 11);
        TwoLayerNetAdjoint.LossGradient expected = new TwoLayerNetAdjoint.LossGradient();
        expected.w = new double[n];
        for (Example e : curve) {
            TwoLayerNetAdjoint.lossPullback(weights, e.x(), e.y(), 1.0 / curve.size(), expected);
        }
        for (int partitions : new int[] {1, 3, 8}) {
            try (TrainingSet data = TrainingSet.of(LocalSpark.context().parallelize(curve, partitions), 4)) {
                DistributedGradient<TwoLayerNetAdjoint.LossGradient> gradient = SparkSample.networkGradient(data);
                // The reference scales each row by 1/n; the distributed sum divides once: rounding apart.
                assertRounding(expected.w, gradient.evaluate(weights).gradient());
            }
        }
    }

    /** Failures injected by {@link #aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged}; local mode: one JVM. */
    static final AtomicInteger injected = new AtomicInteger();

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() {
        TrainingSet data = partitioned(3);
        DistributedGradient.Evaluation clean = logistic(data).evaluate(w);
        injected.set(0);
        DistributedGradient<LogisticAdjoint.LossGradient> flaky = DistributedGradient.of(data, Logistic.parameters(D),
                DistributedGradientTest::logisticHolder,
                (w, e, seed, into) -> {
                    TaskContext task = TaskContext.get();
                    // Partition 1's first attempt dies half-way, after adding into its holder.
                    if (task.partitionId() == 1 && task.attemptNumber() == 0 && e.equals(rows.get(ROWS / 3 + 500))) {
                        injected.incrementAndGet();
                        throw new IllegalStateException("injected failure");
                    }
                    return LogisticAdjoint.lossPullback(w, e.x(), e.y(), seed, into);
                });
        DistributedGradient.Evaluation retried = flaky.evaluate(w);
        assertEquals(1, injected.get(), "the failure was injected once");
        assertArrayEquals(clean.gradient(), retried.gradient());
        assertEquals(clean.loss(), retried.loss());
        assertEquals(clean.rows(), retried.rows());
    }

    @Test
    void aTaskThatAlwaysFailsFailsTheEvaluationWithItsCause() {
        DistributedGradient<LogisticAdjoint.LossGradient> broken = DistributedGradient.of(partitioned(2),
                Logistic.parameters(D), DistributedGradientTest::logisticHolder,
                (w, e, seed, into) -> {
                    throw new IllegalStateException("always fails");
                });
        // Spark's own SparkException ("Job aborted due to stage failure: ..."), the cause inside.
        Exception failure = assertThrows(Exception.class, () -> broken.evaluate(w));
        assertTrue(String.valueOf(failure.getMessage()).contains("always fails"), failure.getMessage());
    }

    @Test
    void parametersOfTheWrongLengthAreRefusedOnTheDriver() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> logistic(partitioned(2)).evaluate(new double[D]));
        assertEquals(D + " parameters where " + (D + 1) + " are expected", e.getMessage());
    }

    @Test
    void anEmptyTrainingSetIsRefused() {
        try (TrainingSet empty = TrainingSet.of(LocalSpark.context().parallelize(new ArrayList<Example>(), 3), D)) {
            assertEquals(0, empty.rows());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> logistic(empty));
            assertEquals("the training set has no rows: a mean loss over none is not defined", e.getMessage());
        }
    }

    @Test
    void theCallersParametersAreNotChanged() {
        double[] copy = w.clone();
        DistributedGradient.Evaluation evaluation = logistic(partitioned(2)).evaluate(copy);
        assertArrayEquals(w, copy);
        assertNotEquals(0.0, evaluation.gradient()[0]);
    }
}
