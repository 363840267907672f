package dev.adjoint.spark;

/** Finds what a failed Spark job failed of: Spark wraps a task's exception in a {@code SparkException}. */
final class Failures {

    private Failures() {}

    /** The {@link BadRowException} that made the job fail, or null if it failed of something else. */
    static BadRowException badRow(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadRowException bad) {
                return bad;
            }
        }
        return null;
    }
}
