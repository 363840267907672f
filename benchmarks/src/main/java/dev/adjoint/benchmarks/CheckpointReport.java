package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.LongIterate;
import dev.adjoint.benchmarks.models.LongIterateAdjoint;
import dev.adjoint.internal.Checkpoints;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cost of binomial checkpointing, as ratios: {@link CheckpointCost} in one JMH run (each
 * variant's CPU time per call, medians over ten single calls), then the two gradients paired in
 * this JVM (each round times one call of each, alternating which goes first, so that the machine's
 * speed changes hit both alike), and the schedule's own count of the iterations it runs again.
 *
 * <p>Usage: {@code CheckpointReport [--out FILE] [--rounds N] [JMH options...]}; by default the
 * result goes to {@code benchmarks/results/checkpoints.md}. {@code benchmarks/run-checkpoints}
 * builds and runs it (with a 1 GB heap: the recording variant keeps 80 MB of values).
 */
public final class CheckpointReport {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final String[][] VARIANTS = {
        {"primal", "primal"},
        {"recorded", "gradient recording every iteration"},
        {"checkpointed", "gradient, binomial checkpointing (100 snapshots)"},
        {"tangent", "tangent (forward mode)"},
    };
    private static double sink;

    private CheckpointReport() {}

    public static void main(String[] args) throws IOException, RunnerException, CommandLineOptionException {
        List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
        Path out = Path.of(Report.takeOption(jmhArgs, "--out", "benchmarks/results/checkpoints.md"));
        int rounds = Integer.parseInt(Report.takeOption(jmhArgs, "--rounds", "11"));
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include("dev\\.adjoint\\.benchmarks\\.CheckpointCost\\.");
        }
        String loadBefore = Report.loadAverage();
        Collection<RunResult> results = new Runner(options.addProfiler(CpuTimeProfiler.class).build()).run();
        Map<String, Double> cpu = new HashMap<>();
        for (RunResult run : results) {
            String name = run.getParams().getBenchmark();
            cpu.put(name.substring(name.lastIndexOf('.') + 1), Report.median(run.getBenchmarkResults().stream()
                    .flatMap(b -> b.getIterationResults().stream()).mapToDouble(CheckpointReport::cpuNanos).toArray()));
        }

        StringBuilder md = new StringBuilder("# Checkpointing: what it costs\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        md.append("- machine: ").append(Report.cpuModel()).append(", nproc ")
                .append(Runtime.getRuntime().availableProcessors()).append(", load average ").append(loadBefore)
                .append(" before the JMH run\n");
        md.append("- model: x = sin(x) + x/2, ").append(String.format(Locale.ROOT, "%,d", LongIterate.STEPS))
                .append(" steps (`benchmarks/.../models/LongIterate.java`)\n\n");
        md.append("## JMH (CheckpointCost)\n\nSingle-shot time, 3 warm-up and 10 measured calls per variant, one fork;")
                .append(" CPU time of the benchmark JVM per call, median.\n\n| variant | CPU time per call | / primal |\n")
                .append("|---|---:|---:|\n");
        for (String[] v : VARIANTS) {
            Double t = cpu.get(v[0]);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", v[1], t == null ? "—" : millis(t),
                    t == null || cpu.get("primal") == null ? "—" : String.format(Locale.ROOT, "%.2f", t / cpu.get("primal"))));
        }
        if (cpu.containsKey("checkpointed") && cpu.containsKey("recorded")) {
            md.append(String.format(Locale.ROOT, "%n**checkpointed / recorded: %.2f** (target ≤ 5)%n",
                    cpu.get("checkpointed") / cpu.get("recorded")));
        }
        md.append(paired(rounds));
        md.append(schedule());
        System.out.print(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println("(written to " + out + "; " + sink + ")");
    }

    private static double cpuNanos(IterationResult iteration) {
        var result = iteration.getSecondaryResults().get(CpuTimeProfiler.RESULT);
        return result == null ? Double.NaN : result.getScore();
    }

    /** The two gradients alternating in this JVM: the ratio per round, median and range. */
    private static String paired(int rounds) {
        LongIterateAdjoint.RecordedGradient r = new LongIterateAdjoint.RecordedGradient();
        LongIterateAdjoint.CheckpointedGradient c = new LongIterateAdjoint.CheckpointedGradient();
        DoubleSupplier recorded = () -> LongIterateAdjoint.recordedPullback(0.7, LongIterate.STEPS, 1.0, r);
        DoubleSupplier checkpointed = () -> LongIterateAdjoint.checkpointedPullback(0.7, LongIterate.STEPS, 1.0, c);
        for (int i = 0; i < 3; i++) {
            sink += recorded.getAsDouble() + checkpointed.getAsDouble();
        }
        String load = Report.loadAverage();
        double[] cpuRatio = new double[rounds];
        double[] wallRatio = new double[rounds];
        double[] recordedCpu = new double[rounds];
        double[] checkpointedCpu = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            boolean recordedFirst = k % 2 == 0;
            long[] first = time(recordedFirst ? recorded : checkpointed);
            long[] second = time(recordedFirst ? checkpointed : recorded);
            long[] rec = recordedFirst ? first : second;
            long[] chk = recordedFirst ? second : first;
            cpuRatio[k] = (double) chk[0] / rec[0];
            wallRatio[k] = (double) chk[1] / rec[1];
            recordedCpu[k] = rec[0];
            checkpointedCpu[k] = chk[0];
        }
        return String.format(Locale.ROOT, "%n## Paired, same JVM%n%n%d rounds, each one call of each gradient "
                + "(alternating which goes first), after 3 calls of each; load average %s at the start.%n%n"
                + "| checkpointed / recorded, CPU time | wall time | recorded per call (CPU) | checkpointed per call (CPU) |%n"
                + "|---:|---:|---:|---:|%n| %s | %s | %s | %s |%n", rounds, load, spread(cpuRatio), spread(wallRatio),
                millis(Report.median(recordedCpu)), millis(Report.median(checkpointedCpu)));
    }

    /** {process CPU ns, wall ns} of one call. */
    private static long[] time(DoubleSupplier variant) {
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        sink += variant.getAsDouble();
        return new long[] {OS.getProcessCpuTime() - cpu, System.nanoTime() - wall};
    }

    /** What the schedule itself does for these ten million steps, counted by running it on no work. */
    private static String schedule() {
        int n = LongIterate.STEPS;
        Checkpoints c = Checkpoints.start(LongIterate.SNAPSHOTS);
        c.expect(n);
        for (int i = 0; i < n; i++) {
            if (c.snapshotBefore(i)) {
                c.put(i);
            }
        }
        long actions = 0;
        for (int a = c.reverse(n); a != Checkpoints.DONE; a = c.next()) {
            actions++;
            if (a == Checkpoints.RESTORE) {
                sink += c.getInt();
            } else if (a == Checkpoints.TAKE) {
                c.put(0);
            }
        }
        return String.format(Locale.ROOT, "%n## The schedule%n%nFor %,d steps and %d snapshots: the forward sweep runs "
                + "the loop once (taking the schedule's first snapshots), the reverse sweep runs %,d iterations again "
                + "(%.2f n) and records each of the n once; %,d actions, %,d restores, %d snapshots held at most. "
                + "Recording every iteration keeps n doubles instead (80 MB; the value stack's array grows to 128 MB).%n",
                n, LongIterate.SNAPSHOTS, c.advanced(), (double) c.advanced() / n, actions, c.restored(), c.held());
    }

    private static String spread(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", Report.median(values), sorted[0], sorted[sorted.length - 1]);
    }

    private static String millis(double nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
