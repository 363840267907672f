package dev.adjoint.spark;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;

/**
 * The data a {@link DistributedGradient} trains on: a {@code JavaRDD<Example>}, checked row by row
 * and cached in memory, with the number of rows of each partition.
 *
 * <p>Made once, before training, by one Spark job that reads every row, checks it (the width of
 * its features, every feature and the label finite, nothing missing) and caches it, as MLlib checks
 * and caches its instances before its first iteration. A bad row fails that job with a
 * {@link BadRowException} naming the row; nothing is trained on NaN. The partition sizes let later
 * errors name a row by its position in the whole data set.
 *
 * <p>The cache is {@code MEMORY_ONLY}: when memory runs short Spark drops partitions and computes
 * them again from their source, so a source must give the same rows each time (seeded per
 * partition, say). {@link #close()} unpersists.
 */
public final class TrainingSet implements AutoCloseable {

    private final JavaRDD<Example> examples;
    private final int width;
    private final long[] rowsBefore;
    private final long rows;

    private TrainingSet(JavaRDD<Example> examples, int width, long[] partitionRows) {
        this.examples = examples;
        this.width = width;
        this.rowsBefore = new long[partitionRows.length];
        long total = 0;
        for (int p = 0; p < partitionRows.length; p++) {
            rowsBefore[p] = total;
            total += partitionRows[p];
        }
        this.rows = total;
    }

    /**
     * Checks and caches {@code data}, whose rows must each have {@code width} features.
     *
     * @throws BadRowException naming the first bad row found
     */
    public static TrainingSet of(JavaRDD<Example> data, int width) {
        return check(data, example -> example, width);
    }

    /**
     * Checks and caches the rows of a {@code Dataset}: {@code featuresColumn} holds an MLlib
     * {@code Vector} (as {@code VectorAssembler} writes it) or an {@code array<double>} of
     * {@code width} entries, {@code labelColumn} a number. Rows keep the Dataset's order.
     *
     * @throws IllegalArgumentException if a column is missing or of another type
     * @throws BadRowException naming the first bad row found
     */
    public static TrainingSet of(Dataset<Row> data, String featuresColumn, String labelColumn, int width) {
        DataType featureType = data.schema().apply(featuresColumn).dataType();
        DataType labelType = data.schema().apply(labelColumn).dataType();
        boolean vector = featureType instanceof VectorUDT;
        if (!vector && !(featureType instanceof ArrayType array && array.elementType().equals(DataTypes.DoubleType))) {
            throw new IllegalArgumentException("column " + featuresColumn + " is " + featureType.simpleString()
                    + ": the features must be an MLlib vector or an array<double>");
        }
        if (!(labelType instanceof NumericType)) {
            throw new IllegalArgumentException("column " + labelColumn + " is " + labelType.simpleString()
                    + ": the label must be a number");
        }
        JavaRDD<Row> rows = data.select(featuresColumn, labelColumn).javaRDD();
        return check(rows, row -> example(row, vector, featuresColumn, labelColumn), width);
    }

    /** The checked, cached examples. */
    public JavaRDD<Example> examples() {
        return examples;
    }

    /** The number of features of every row. */
    public int width() {
        return width;
    }

    /** The number of rows. */
    public long rows() {
        return rows;
    }

    /** The number of partitions. */
    public int partitions() {
        return rowsBefore.length;
    }

    /** How many rows the partitions before {@code partition} hold: its first row's position. */
    public long rowsBefore(int partition) {
        return rowsBefore[partition];
    }

    /** Drops the cached rows. */
    @Override
    public void close() {
        examples.unpersist(false);
    }

    // --- checking --------------------------------------------------------------------------------

    /** A row that cannot become an example; the message says why. */
    private static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String problem) {
            super(problem, null, false, false);
        }
    }

    /** Turns one source row into an example, or says why it cannot. */
    @FunctionalInterface
    private interface Converter<T> extends java.io.Serializable {
        Example convert(T row) throws Unusable;
    }

    private static <T> TrainingSet check(JavaRDD<T> data, Converter<T> converter, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, was " + width);
        }
        JavaRDD<Example> checked = data
                .mapPartitionsWithIndex((partition, rows) -> checking(partition, rows, converter, width), true)
                .persist(StorageLevel.MEMORY_ONLY());
        List<Long> sizes;
        try {
            // One job reads, checks and caches every row and counts each partition.
            sizes = checked.mapPartitions(TrainingSet::count).collect();
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            checked.unpersist(false);
            BadRowException bad = Failures.badRow(e);
            if (bad == null) {
                throw e;
            }
            throw bad.at(countBefore(data, bad.partition()));
        }
        long[] partitionRows = sizes.stream().mapToLong(Long::longValue).toArray();
        return new TrainingSet(checked, width, partitionRows);
    }

    private static <T> Iterator<Example> checking(int partition, Iterator<T> rows, Converter<T> converter, int width) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Example next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                T row = rows.next();
                long at = index++;
                Example example;
                try {
                    example = converter.convert(row);
                } catch (Unusable e) {
                    throw BadRowException.inPartition(partition, at, e.getMessage() + ": " + row);
                }
                String problem = problem(example, width);
                if (problem != null) {
                    throw BadRowException.inPartition(partition, at, problem + ": " + example);
                }
                return example;
            }
        };
    }

    /** What is wrong with an example, or null. */
    static String problem(Example example, int width) {
        double[] x = example.x();
        if (x == null) {
            return "no features";
        }
        if (x.length != width) {
            return x.length + " features where " + width + " are expected";
        }
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k])) {
                return "feature " + k + " is " + x[k];
            }
        }
        if (!Double.isFinite(example.y())) {
            return "the label is " + example.y();
        }
        return null;
    }

    private static Example example(Row row, boolean vector, String featuresColumn, String labelColumn)
            throws Unusable {
        if (row.isNullAt(0)) {
            throw new Unusable(featuresColumn + " is null");
        }
        if (row.isNullAt(1)) {
            throw new Unusable(labelColumn + " is null");
        }
        double[] x;
        if (vector) {
            x = ((Vector) row.get(0)).toArray();
        } else {
            List<Double> values = row.getList(0);
            x = new double[values.size()];
            for (int k = 0; k < x.length; k++) {
                Double value = values.get(k);
                if (value == null) {
                    throw new Unusable(featuresColumn + "[" + k + "] is null");
                }
                x[k] = value;
            }
        }
        return new Example(x, ((Number) row.get(1)).doubleValue());
    }

    private static <T> Iterator<Long> count(Iterator<T> rows) {
        long n = 0;
        while (rows.hasNext()) {
            rows.next();
            n++;
        }
        return List.of(n).iterator();
    }

    /** Counts the source rows of the partitions before {@code partition} (to name a bad row). */
    private static <T> long countBefore(JavaRDD<T> data, int partition) {
        return data.mapPartitionsWithIndex((p, rows) -> p < partition ? count(rows) : List.of(0L).iterator(), true)
                .collect().stream().mapToLong(Long::longValue).sum();
    }
}
