package dev.adjoint.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The tests' one SparkSession, shared by every test class in the JVM: a cold session takes several
 * seconds to start, a reused one nothing.
 *
 * <p>Master {@code local[2,3]}: two worker threads, and a task may fail up to 3 times before its job
 * does. Plain {@code local[2]} never retries a task ({@code spark.task.maxFailures} is ignored in
 * local mode), so the retry test needs the second number.
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("adjoint-spark tests")
                    .master("local[2,3]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
        }
        return session;
    }

    static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }
}
