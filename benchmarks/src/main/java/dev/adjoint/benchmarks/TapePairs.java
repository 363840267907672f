package dev.adjoint.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The tape's speed goals as paired, same-JVM measurements: each round runs the tape variant and
 * its plain-loop baseline back to back (alternating which goes first) for the same time budget, so
 * that the machine's speed changes and other sessions' load hit both alike; the ratio is taken per
 * round and reported as the median with its spread. Times are CPU time of this JVM (so the
 * collector's work on the tape's garbage counts) and wall time; bytes are those the measuring
 * thread allocated per call.
 *
 * <p>Usage: {@code TapePairs [--append FILE] [rounds]} (default 15 rounds, after a warm-up of a
 * few seconds per variant); the table is printed and, with {@code --append}, added to FILE. It
 * complements {@link TapeReport}'s JMH run, whose variants run one after the other.
 */
public final class TapePairs {

    private record Pair(String label, DoubleSupplier tape, DoubleSupplier loop, int nodes) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static double sink;

    private TapePairs() {}

    public static void main(String[] args) throws java.io.IOException {
        java.util.List<String> rest = new java.util.ArrayList<>(Arrays.asList(args));
        String append = Report.takeOption(rest, "--append", null);
        int rounds = rest.isEmpty() ? 15 : Integer.parseInt(rest.get(0));
        StringBuilder md = new StringBuilder();
        TapeBench b = new TapeBench();
        List<Pair> pairs = List.of(
                new Pair("(sin(v)·v).sum() + backward, n = 1,000,000", b::sinTimesTapeLarge, b::sinTimesLoopLarge, 0),
                new Pair("(sin(v)·v).sum() + backward, n = 10,000", b::sinTimesTapeSmall, b::sinTimesLoopSmall, 0),
                new Pair("((w·x - y)²).mean() + backward, n = 1,000,000", b::mseTapeLarge, b::mseLoopLarge, 0),
                new Pair("((w·x - y)²).mean() + backward, n = 10,000", b::mseTapeSmall, b::mseLoopSmall, 0),
                new Pair("256×256 matmul, forward", b::matmulTape, b::matmulLoop, 0),
                new Pair("256×256 (A·B).sum() + backward", b::matmulBackwardTape, b::matmulBackwardLoop, 0),
                new Pair("scalar node: Rosenbrock N = 100, per node", b::rosenbrockTape, null, TapeBench.ROSENBROCK_NODES),
                new Pair("scalar node: chain of 1,000, per node", b::scalarChainTape, null, TapeBench.CHAIN));
        md.append("\n## Paired, same JVM\n\n").append(rounds).append(" rounds; in each, the tape variant and its loop ")
                .append("run back to back for 300 ms each (alternating which goes first), after 3 s of warm-up each. ")
                .append("The ratio is taken per round: median (min–max). CPU time counts the whole JVM (the ")
                .append("collector's work on the tape's garbage included); bytes are the measuring thread's ")
                .append("allocations per call. Load average ").append(Report.loadAverage()).append(" at the start.\n\n");
        md.append("| goal | tape / loop, CPU time | tape / loop, wall time | tape per call (CPU) | loop per call (CPU) ")
                .append("| tape B/call | loop B/call |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Pair p : pairs) {
            warmUp(p.tape());
            if (p.loop() != null) {
                warmUp(p.loop());
            }
            double[] cpuRatio = new double[rounds], wallRatio = new double[rounds];
            double[] tapeCpu = new double[rounds], loopCpu = new double[rounds], tapeWall = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean tapeFirst = r % 2 == 0;
                double[] first = measure(tapeFirst ? p.tape() : p.loop() == null ? p.tape() : p.loop());
                double[] second = p.loop() == null ? first : measure(tapeFirst ? p.loop() : p.tape());
                double[] tape = tapeFirst ? first : second, loop = tapeFirst ? second : first;
                tapeCpu[r] = tape[0];
                tapeWall[r] = tape[1];
                loopCpu[r] = loop[0];
                cpuRatio[r] = tape[0] / loop[0];
                wallRatio[r] = tape[1] / loop[1];
            }
            if (p.loop() == null) {
                md.append(String.format(Locale.ROOT, "| %s | — | — | %s per node (wall %s) | — | %.0f B per node | — |%n",
                        p.label(), spread(tapeCpu, p.nodes()), time(Report.median(tapeWall) / p.nodes()),
                        bytes(p.tape()) / p.nodes()));
            } else {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,.0f | %,.0f |%n", p.label(),
                        ratio(cpuRatio), ratio(wallRatio), time(Report.median(tapeCpu)), time(Report.median(loopCpu)),
                        bytes(p.tape()), bytes(p.loop())));
            }
        }
        System.out.print(md);
        if (append != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(append), md, java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            System.out.println("(appended to " + append + ")");
        }
        System.out.println("(" + sink + ")");
    }

    private static void warmUp(DoubleSupplier variant) {
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            sink += variant.getAsDouble();
        }
    }

    /** {CPU ns per call, wall ns per call} over about 300 ms. */
    private static double[] measure(DoubleSupplier variant) {
        long cpu0 = OS.getProcessCpuTime(), wall0 = System.nanoTime(), calls = 0;
        long end = wall0 + 300_000_000L;
        do {
            sink += variant.getAsDouble();
            calls++;
        } while (System.nanoTime() < end);
        return new double[] {(double) (OS.getProcessCpuTime() - cpu0) / calls, (double) (System.nanoTime() - wall0) / calls};
    }

    private static double bytes(DoubleSupplier variant) {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            sink += variant.getAsDouble();
        }
        return (double) (THREADS.getThreadAllocatedBytes(id) - before) / calls;
    }

    private static String ratio(double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", Report.median(ratios), sorted[0], sorted[sorted.length - 1]);
    }

    private static String spread(double[] nanos, int per) {
        double[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return time(Report.median(nanos) / per) + " (" + time(sorted[0] / per) + "–" + time(sorted[sorted.length - 1] / per)
                + ")";
    }

    private static String time(double nanos) {
        return nanos >= 1e6 ? String.format(Locale.ROOT, "%.2f ms", nanos / 1e6)
                : nanos >= 1e3 ? String.format(Locale.ROOT, "%.1f µs", nanos / 1e3)
                : String.format(Locale.ROOT, "%.0f ns", nanos);
    }
}
