package dev.adjoint.processor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the processor's time goes, with {@code -Aadjoint.timing=true}: the CPU time of the
 * processor's thread per stage, summed over methods and rounds, reported as a note when processing
 * is over ({@code benchmarks/run --processor} reads it). Off, it only runs the stages.
 */
final class Timing {

    static final String OPTION = "adjoint.timing";
    /** How the note starts: {@code ProcessorTime} looks for it. */
    static final String NOTE = "[adjoint.timing] processor thread CPU ";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean on;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long total;

    Timing(boolean on) {
        this.on = on;
    }

    boolean on() {
        return on;
    }

    <T> T time(String stage, Supplier<T> work) {
        if (!on) {
            return work.get();
        }
        long start = threads.getCurrentThreadCpuTime();
        try {
            return work.get();
        } finally {
            nanos.merge(stage, threads.getCurrentThreadCpuTime() - start, Long::sum);
        }
    }

    void time(String stage, Runnable work) {
        time(stage, () -> {
            work.run();
            return null;
        });
    }

    void add(String stage, long cpuNanos) {
        if (on) {
            nanos.merge(stage, cpuNanos, Long::sum);
        }
    }

    /** Adds one round's CPU time of the processor's thread (stages and what lies between them). */
    void round(long cpuNanos) {
        total += cpuNanos;
    }

    long now() {
        return on ? threads.getCurrentThreadCpuTime() : 0;
    }

    String report() {
        StringBuilder out = new StringBuilder(NOTE).append(ms(total)).append(" ms:");
        long staged = 0;
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            out.append(' ').append(e.getKey()).append(' ').append(ms(e.getValue())).append(" ms,");
            staged += e.getValue();
        }
        return out.append(" other ").append(ms(total - staged)).append(" ms").toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
