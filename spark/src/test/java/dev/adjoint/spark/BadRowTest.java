package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.spark.models.Poisson;
import dev.adjoint.spark.models.PoissonAdjoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A bad row is an error that names the row, never a NaN model: NaN or infinite features and labels,
 * the wrong width, missing values (from a Dataset), and rows whose loss or gradient is not finite
 * at the current parameters.
 */
class BadRowTest {

    static final int D = 4;

    /** 400 good rows; the caller spoils one. */
    static List<Example> rows() {
        List<Example> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double[] x = new double[D];
            for (int k = 0; k < D; k++) {
                x[k] = Math.sin(i + 3 * k);
            }
            rows.add(new Example(x, i % 3));
        }
        return rows;
    }

    static BadRowException refused(List<Example> rows, int partitions) {
        return assertThrows(BadRowException.class,
                () -> TrainingSet.of(LocalSpark.context().parallelize(rows, partitions), D));
    }

    @Test
    void aNaNFeatureIsNamedWithItsRow() {
        List<Example> rows = rows();
        rows.get(237).x()[2] = Double.NaN;
        BadRowException e = refused(rows, 4);
        // 4 partitions of 100 rows: row 237 is row 37 of partition 2.
        assertEquals(237, e.row());
        assertEquals(2, e.partition());
        assertEquals(37, e.rowInPartition());
        assertTrue(e.getMessage().startsWith("row 237 (partition 2, row 37 of it): feature 2 is NaN: x=["),
                e.getMessage());
    }

    @Test
    void anInfiniteLabelIsNamedWithItsRow() {
        List<Example> rows = rows();
        rows.set(5, new Example(rows.get(5).x(), Double.POSITIVE_INFINITY));
        BadRowException e = refused(rows, 3);
        assertEquals(5, e.row());
        assertTrue(e.getMessage().startsWith("row 5 (partition 0, row 5 of it): the label is Infinity"), e.getMessage());
    }

    @Test
    void theWrongWidthIsNamedWithItsRow() {
        List<Example> rows = rows();
        rows.set(399, new Example(new double[] {1, 2, 3}, 1));
        BadRowException e = refused(rows, 7);
        assertEquals(399, e.row());
        assertTrue(e.getMessage().contains("): 3 features where 4 are expected: x=[1.0, 2.0, 3.0], y=1.0"),
                e.getMessage());
    }

    @Test
    void missingFeaturesAreNamedWithTheirRow() {
        List<Example> rows = rows();
        rows.set(123, new Example(null, 0));
        BadRowException e = refused(rows, 2);
        assertEquals(123, e.row());
        assertTrue(e.getMessage().contains("): no features"), e.getMessage());
    }

    static Dataset<Row> vectors(List<Example> rows, int partitions) {
        StructType schema = new StructType()
                .add("features", new VectorUDT(), true)
                .add("label", DataTypes.DoubleType, true);
        List<Row> data = new ArrayList<>();
        for (Example e : rows) {
            data.add(RowFactory.create(e.x() == null ? null : Vectors.dense(e.x()), e.y()));
        }
        return LocalSpark.session().createDataFrame(LocalSpark.context().parallelize(data, partitions), schema);
    }

    @Test
    void aDatasetsRowsAreCheckedToo() {
        List<Example> rows = rows();
        rows.get(300).x()[0] = Double.NEGATIVE_INFINITY;
        BadRowException e = assertThrows(BadRowException.class,
                () -> TrainingSet.of(vectors(rows, 1), "features", "label", D));
        assertEquals(300, e.row());
        assertTrue(e.getMessage().contains("feature 0 is -Infinity"), e.getMessage());
    }

    @Test
    void aDatasetsNullsAreNamed() {
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
                .add("y", DataTypes.IntegerType, true);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            data.add(RowFactory.create(new Double[] {1.0, 2.0, i == 42 ? null : 3.0, 4.0}, i));
        }
        Dataset<Row> frame = LocalSpark.session().createDataFrame(LocalSpark.context().parallelize(data, 1), schema);
        BadRowException e = assertThrows(BadRowException.class, () -> TrainingSet.of(frame, "x", "y", D));
        assertEquals(42, e.row());
        assertTrue(e.getMessage().startsWith("row 42 (partition 0, row 42 of it): x[2] is null: ["), e.getMessage());
    }

    @Test
    void aDatasetOfGoodRowsKeepsItsOrder() {
        List<Example> rows = rows();
        try (TrainingSet data = TrainingSet.of(vectors(rows, 3), "features", "label", D)) {
            assertEquals(400, data.rows());
            assertEquals(3, data.partitions());
            assertEquals(rows, data.examples().collect());
        }
    }

    @Test
    void columnsOfAnotherTypeAreRefusedBeforeAnyJob() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSet.of(vectors(rows(), 1), "label", "label", D));
        assertEquals("column label is double: the features must be an MLlib vector or an array<double>", e.getMessage());
    }

    static DistributedGradient<PoissonAdjoint.LossGradient> poisson(TrainingSet data) {
        return DistributedGradient.of(data, D + 1, BadRowTest::poissonHolder,
                (w, e, seed, into) -> PoissonAdjoint.lossPullback(w, e.x(), e.y(), seed, into));
    }

    static PoissonAdjoint.LossGradient poissonHolder(double[] gradient) {
        PoissonAdjoint.LossGradient holder = new PoissonAdjoint.LossGradient();
        holder.w = gradient;
        return holder;
    }

    @Test
    void aRowWhoseLossOverflowsIsNamedNotTrainedOn() {
        List<Example> rows = rows();
        rows.get(250).x()[1] = 800; // e^(w·x) overflows at w₁ = 1
        try (TrainingSet data = TrainingSet.of(LocalSpark.context().parallelize(rows, 4), D)) {
            double[] w = {0, 1, 0, 0, 0};
            BadRowException e = assertThrows(BadRowException.class, () -> poisson(data).evaluate(w));
            assertEquals(250, e.row());
            assertTrue(e.getMessage().startsWith("row 250 (partition 2, row 50 of it): its loss is Infinity at the current parameters: x=[")
                    , e.getMessage());
            // Elsewhere the same data trains.
            assertTrue(Double.isFinite(poisson(data).evaluate(new double[D + 1]).loss()));
        }
    }

    @Test
    void aRowWhoseGradientIsNaNThoughItsLossIsFiniteIsNamed() {
        List<Example> rows = rows();
        rows.set(333, new Example(rows.get(333).x(), 0.5)); // √|w₀ − y| at w₀ = y = 0.5
        try (TrainingSet data = TrainingSet.of(LocalSpark.context().parallelize(rows, 4), D)) {
            DistributedGradient<PoissonAdjoint.KinkGradient> kink = DistributedGradient.of(data, D + 1,
                    g -> {
                        PoissonAdjoint.KinkGradient h = new PoissonAdjoint.KinkGradient();
                        h.w = g;
                        return h;
                    },
                    (w, e, seed, into) -> PoissonAdjoint.kinkPullback(w, e.x(), e.y(), seed, into));
            double[] w = {0.5, 0, 0, 0, 0};
            BadRowException e = assertThrows(BadRowException.class, () -> kink.evaluate(w));
            assertEquals(333, e.row());
            assertTrue(e.getMessage().startsWith("row 333 (partition 3, row 33 of it): its gradient is not finite"),
                    e.getMessage());
        }
    }

    @Test
    void theUnusedPoissonLossIsTheNegativeLogLikelihood() {
        // exp(η) − y·η at η = 0.3 + 2·0.5, y = 2.
        assertEquals(Math.exp(1.3) - 2 * 1.3, Poisson.loss(new double[] {0.5, 0.3}, new double[] {2}, 2), 1e-15);
    }
}
