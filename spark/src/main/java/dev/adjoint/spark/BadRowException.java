package dev.adjoint.spark;

/**
 * A row of the data that cannot be trained on: a feature or label that is NaN or infinite, a
 * feature vector of the wrong width, a missing value, or a row whose loss or gradient is not finite
 * at the current parameters. It names the row by its position in the data set (counting from 0, in
 * partition order, the order of {@code collect()}), by its partition and its position there, and
 * shows the row, so the user can find it.
 *
 * <p>Thrown on the driver, out of {@link TrainingSet#of} or {@link DistributedGradient#evaluate}:
 * the Spark job's wrapping exception is unwrapped.
 */
public final class BadRowException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long row;
    private final int partition;
    private final long rowInPartition;
    private final String problem;

    BadRowException(long row, int partition, long rowInPartition, String problem) {
        super(message(row, partition, rowInPartition, problem));
        this.row = row;
        this.partition = partition;
        this.rowInPartition = rowInPartition;
        this.problem = problem;
    }

    /** A failure inside a task, where the rows of the partitions before are not counted. */
    static BadRowException inPartition(int partition, long rowInPartition, String problem) {
        return new BadRowException(-1, partition, rowInPartition, problem);
    }

    /** The same problem, named with its position in the whole data set. */
    BadRowException at(long rowsBefore) {
        return rowInPartition < 0 ? this : new BadRowException(rowsBefore + rowInPartition, partition, rowInPartition, problem);
    }

    private static String message(long row, int partition, long rowInPartition, String problem) {
        if (rowInPartition < 0) {
            return "partition " + partition + ": " + problem;
        }
        if (row < 0) {
            return "row " + rowInPartition + " of partition " + partition + ": " + problem;
        }
        return "row " + row + " (partition " + partition + ", row " + rowInPartition + " of it): " + problem;
    }

    /** The row's position in the data set, from 0 in partition order; -1 if not known. */
    public long row() {
        return row;
    }

    /** The partition holding the row. */
    public int partition() {
        return partition;
    }

    /** The row's position inside its partition, from 0; -1 if not known. */
    public long rowInPartition() {
        return rowInPartition;
    }

    /** What is wrong with the row, and the row itself. */
    public String problem() {
        return problem;
    }
}
