package dev.adjoint.benchmarks;

import java.io.IOException;
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
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link TapeBench} in one JMH run (with the GC and CPU-time profilers) and writes the
 * table of the tape's speed goals: each tape variant against its plain-loop baseline as a ratio
 * of CPU times per operation, and the cost of a scalar node in ns and bytes.
 *
 * <p>Usage: {@code TapeReport [--out FILE] [JMH options...]}; by default the result goes to
 * {@code benchmarks/results/tape.md}. {@code benchmarks/run-tape} builds and runs it.
 */
public final class TapeReport {

    /** A measured variant: medians over the measurement iterations, with the spread of CPU time. */
    private record Measurement(double cpuNanos, double cpuMin, double cpuMax, double bytes) {}

    /** A goal row: label, tape variant, baseline variant (null: absolute), divisor (nodes per op), goal. */
    private record Row(String label, String tape, String baseline, int perOp, String goal) {}

    private static final List<Row> ROWS = List.of(
            new Row("(sin(v)·v).sum() + backward, n = 1,000,000", "sinTimesTapeLarge", "sinTimesLoopLarge", 1, "≤ 2×"),
            new Row("(sin(v)·v).sum() + backward, n = 10,000", "sinTimesTapeSmall", "sinTimesLoopSmall", 1, "≤ 2×"),
            new Row("((w·x - y)²).mean() + backward, n = 1,000,000", "mseTapeLarge", "mseLoopLarge", 1, "≤ 2×"),
            new Row("((w·x - y)²).mean() + backward, n = 10,000", "mseTapeSmall", "mseLoopSmall", 1, "≤ 2×"),
            new Row("256×256 matmul, forward", "matmulTape", "matmulLoop", 1, "≤ 2×"),
            new Row("256×256 (A·B).sum() + backward", "matmulBackwardTape", "matmulBackwardLoop", 1, "≤ 2×"),
            new Row("scalar node: Rosenbrock N = 100 (891 nodes + 100 leaves), per node", "rosenbrockTape", null,
                    TapeBench.ROSENBROCK_NODES, "≤ 100 ns, ≤ 200 B"),
            new Row("scalar node: chain of 1,000 on one leaf, per node", "scalarChainTape", null, TapeBench.CHAIN,
                    "≤ 100 ns, ≤ 200 B"));

    private TapeReport() {}

    public static void main(String[] args) throws IOException, RunnerException, CommandLineOptionException {
        List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
        Path out = Path.of(Report.takeOption(jmhArgs, "--out", "benchmarks/results/tape.md"));
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include("dev\\.adjoint\\.benchmarks\\.TapeBench\\.");
        }
        String loadBefore = Report.loadAverage();
        Collection<RunResult> results = new Runner(
                options.addProfiler(GCProfiler.class).addProfiler(CpuTimeProfiler.class).build()).run();
        String report = render(results, String.join(" ", jmhArgs),
                loadBefore + " before, " + Report.loadAverage() + " after");
        System.out.println();
        System.out.print(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println("(written to " + out + ")");
    }

    private static String render(Collection<RunResult> results, String arguments, String load) {
        Map<String, Measurement> byName = new HashMap<>();
        String jmh = "";
        for (RunResult run : results) {
            String name = run.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double[] cpu = run.getBenchmarkResults().stream().flatMap(r -> r.getIterationResults().stream())
                    .mapToDouble(i -> secondary(i, CpuTimeProfiler.RESULT)).toArray();
            double[] bytes = run.getBenchmarkResults().stream().flatMap(r -> r.getIterationResults().stream())
                    .mapToDouble(i -> secondary(i, "gc.alloc.rate.norm")).toArray();
            byName.put(name, new Measurement(Report.median(cpu), Arrays.stream(cpu).min().orElse(Double.NaN),
                    Arrays.stream(cpu).max().orElse(Double.NaN), Report.median(bytes)));
            jmh = "JMH " + run.getParams().getJmhVersion() + ", forks " + run.getParams().getForks() + ", warm-up "
                    + run.getParams().getWarmup().getCount() + " × " + run.getParams().getWarmup().getTime()
                    + ", measurement " + run.getParams().getMeasurement().getCount() + " × "
                    + run.getParams().getMeasurement().getTime();
        }
        StringBuilder md = new StringBuilder("# The tape's speed goals: latest run\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        md.append("- machine: ").append(Report.cpuModel()).append(", nproc ")
                .append(Runtime.getRuntime().availableProcessors()).append(", load average ").append(load).append('\n');
        md.append("- ").append(jmh).append(", -prof gc").append(arguments.isEmpty() ? "" : ", arguments `" + arguments + "`")
                .append("\n\n");
        md.append("Times are the benchmark JVM's CPU time per operation, median over the measurement iterations ")
                .append("(min–max in brackets); the ratio divides the tape's median by the plain loop's. B/op is ")
                .append("gc.alloc.rate.norm. A scalar node's cost is the whole operation (leaves, forward, backward, ")
                .append("reading the gradients) divided by the number of nodes.\n\n");
        md.append("| goal | tape | plain Java loop | tape / loop | tape B/op | loop B/op | target |\n");
        md.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Row row : ROWS) {
            Measurement tape = byName.get(row.tape());
            Measurement base = row.baseline() == null ? null : byName.get(row.baseline());
            md.append("| ").append(row.label()).append(" | ");
            if (tape == null) {
                md.append("— | — | — | — | — | ").append(row.goal()).append(" |\n");
                continue;
            }
            if (row.baseline() == null) {
                md.append(time(tape.cpuNanos() / row.perOp())).append(" (").append(time(tape.cpuMin() / row.perOp()))
                        .append("–").append(time(tape.cpuMax() / row.perOp())).append(") per node | — | — | ")
                        .append(String.format(Locale.ROOT, "%.0f B per node", tape.bytes() / row.perOp()))
                        .append(" | — | ").append(row.goal()).append(" |\n");
                continue;
            }
            md.append(time(tape.cpuNanos())).append(" (").append(time(tape.cpuMin())).append("–")
                    .append(time(tape.cpuMax())).append(") | ");
            if (base == null) {
                md.append("— | — | ").append(bytes(tape.bytes())).append(" | — | ").append(row.goal()).append(" |\n");
                continue;
            }
            md.append(time(base.cpuNanos())).append(" (").append(time(base.cpuMin())).append("–")
                    .append(time(base.cpuMax())).append(") | ")
                    .append(String.format(Locale.ROOT, "%.2f", tape.cpuNanos() / base.cpuNanos())).append(" | ")
                    .append(bytes(tape.bytes())).append(" | ").append(bytes(base.bytes())).append(" | ")
                    .append(row.goal()).append(" |\n");
        }
        return md.toString();
    }

    private static double secondary(IterationResult iteration, String name) {
        Result<?> result = iteration.getSecondaryResults().get(name);
        return result == null ? Double.NaN : result.getScore();
    }

    private static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "—";
        }
        return nanos >= 1e6 ? String.format(Locale.ROOT, "%.2f ms", nanos / 1e6)
                : nanos >= 1e3 ? String.format(Locale.ROOT, "%.1f µs", nanos / 1e3)
                : String.format(Locale.ROOT, "%.0f ns", nanos);
    }

    private static String bytes(double bytes) {
        return Double.isNaN(bytes) ? "—" : String.format(Locale.ROOT, "%,.0f", bytes);
    }
}
