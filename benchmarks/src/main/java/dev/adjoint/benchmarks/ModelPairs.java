package dev.adjoint.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Gradient / hand-written as paired, same-JVM measurements: for each model, the benchmark class's
 * {@link ModelBench#gradient()} and {@link ModelBench#handWritten()} run back to back in rounds
 * (alternating which goes first), so that the machine's speed levels and other sessions' load hit
 * both alike; the ratio is taken per round and reported as the median with its quartiles and its
 * range. Times are the measuring thread's CPU time (the JIT's and the collector's threads left
 * out; neither variant allocates). It complements {@link Report}'s JMH run, whose variants run in
 * separate forks one after the other, and whose ratios therefore move with the machine's speed
 * between forks.
 *
 * <p>Usage: {@code ModelPairs [rounds] [model regex]} (default 40 rounds of 2 × 150 ms, after 3 s
 * of warm-up per variant; the regex is matched against the benchmark class's simple name).
 */
public final class ModelPairs {

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static double sink;

    private ModelPairs() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        Pattern only = Pattern.compile(args.length > 1 ? args[1] : ".*");
        List<ModelBench> benches = new ArrayList<>(List.of(new BlackScholesBench(), new LogisticBench(),
                new RosenbrockBench(), new OverwriteBench(), new TwoLayerNetBench()));
        benches.removeIf(b -> !only.matcher(b.getClass().getSimpleName()).find());
        System.out.printf(Locale.ROOT, "%d rounds of 2 x 150 ms, thread CPU time; load average %s%n", rounds,
                Report.loadAverage());
        System.out.println("| model | gradient / hand-written: median | quartiles | range | gradient | hand-written |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (ModelBench b : benches) {
            DoubleSupplier generated = b::gradient;
            DoubleSupplier hand = b::handWritten;
            warmUp(generated);
            warmUp(hand);
            double[] ratio = new double[rounds];
            double[] g = new double[rounds];
            double[] h = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    g[r] = measure(generated);
                    h[r] = measure(hand);
                } else {
                    h[r] = measure(hand);
                    g[r] = measure(generated);
                }
                ratio[r] = g[r] / h[r];
            }
            double[] sorted = ratio.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f–%.3f | %.3f–%.3f | %.1f ns | %.1f ns |%n",
                    b.getClass().getSimpleName().replace("Bench", ""), Report.median(ratio),
                    sorted[rounds / 4], sorted[(3 * rounds) / 4], sorted[0], sorted[rounds - 1],
                    Report.median(g), Report.median(h));
        }
        System.out.println("(" + sink + ")");
    }

    private static void warmUp(DoubleSupplier variant) {
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            sink += variant.getAsDouble();
        }
    }

    /** CPU ns of this thread per call, over about 150 ms. */
    private static double measure(DoubleSupplier variant) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long end = System.nanoTime() + 150_000_000L;
        long calls = 0;
        do {
            sink += variant.getAsDouble();
            calls++;
        } while (System.nanoTime() < end);
        return (double) (THREADS.getCurrentThreadCpuTime() - cpu0) / calls;
    }
}
