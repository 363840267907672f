package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.LargeMethod;
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
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmark suite in one JMH run (with the GC profiler, for bytes allocated per
 * operation) and prints, per model, the ratios the project's speed claims are made of, plus each
 * variant's time and allocation (and, for the large method, the bytecode sizes of its primal and of
 * the methods generated from it). The table goes to stdout and to a Markdown file.
 *
 * <p>Usage: {@code Report [--out FILE] [JMH options...]}, e.g. {@code -wi 3 -i 5} or a benchmark
 * regex to run a part of the suite; without options the settings of the benchmark classes apply
 * ({@code -f 1 -wi 3 -w 1s -i 10 -r 500ms}).
 */
public final class Report {

    /** The models, in report order: benchmark class, title, sizes. */
    private static final List<Model> MODELS = List.of(
            new Model(BlackScholesBench.class, "Black-Scholes call", "5 inputs, loop-free", "hessian"),
            new Model(LogisticBench.class, "Logistic loss",
                    "n=" + LogisticBench.N + " samples, d=" + LogisticBench.D + " weights", "hvp"),
            new Model(RosenbrockBench.class, "Rosenbrock", "N=" + RosenbrockBench.N, "hvp"),
            new Model(OverwriteBench.class, "Overwrite loop",
                    "x = sin(x) + x/2, " + dev.adjoint.benchmarks.models.Overwrite.STEPS + " steps, 1 input", null),
            new Model(TwoLayerNetBench.class, "Two-layer net", "d=" + TwoLayerNetBench.D + ", h="
                    + TwoLayerNetBench.H + ", batch " + TwoLayerNetBench.B + ", "
                    + (TwoLayerNetBench.H * TwoLayerNetBench.D + 2 * TwoLayerNetBench.H + 1) + " parameters", null),
            new Model(LargeMethodBench.class, "Large method",
                    LargeMethodSource.STATEMENTS + " straight-line statements, 4 inputs", null, LargeMethod.class,
                    "No hand-written adjoint (writing " + LargeMethodSource.STATEMENTS + " statements' adjoint by hand "
                            + "is not practical), tape or DerivativeStructure variant: their ratios are \"—\"."));

    /** The variants every model times: the benchmark method names, with their labels. */
    private static final String[][] VARIANTS = {
        {"primal", "primal"},
        {"gradient", "gradient (generated pullback)"},
        {"handWritten", "hand-written adjoint"},
        {"tape", "tape (Tensor)"},
        {"derivativeStructure", "DerivativeStructure"},
        {"finiteDifferences", "finite differences"},
    };

    /** Columns of the summary: label, numerator variant, denominator variant. */
    private static final String[][] RATIOS = {
        {"gradient / primal", "gradient", "primal"},
        {"gradient / hand-written", "gradient", "handWritten"},
        {"tape / gradient", "tape", "gradient"},
        {"DerivativeStructure / gradient", "derivativeStructure", "gradient"},
        {"finite differences / gradient", "finiteDifferences", "gradient"},
        {"hand-written / primal", "handWritten", "primal"},
        {"tape / hand-written", "tape", "handWritten"},
        {"DerivativeStructure / hand-written", "derivativeStructure", "handWritten"},
        {"finite differences / hand-written", "finiteDifferences", "handWritten"},
    };

    /**
     * The forward-mode and second-order variants (the second table), for the models that have
     * them: method names with their labels. A model's second-order variant is {@code hessian}
     * (scalar inputs: the whole Hessian) or {@code hvp} (an array input: a Hessian-vector product);
     * the same derivatives into holders the benchmark allocated once are that name plus
     * {@code IntoHolders}, its finite-difference baseline that name plus {@code FiniteDifferences}.
     */
    private static final String[][] SECOND_ORDER_VARIANTS = {
        {"tangent", "tangent (generated forward mode, one direction)"},
        {"tangentDerivativeStructure", "DerivativeStructure, 1 free parameter along the direction"},
        {"hessian", "Hessian (generated, forward over reverse)"},
        {"hessianIntoHolders", "Hessian by the generated fHessian into the caller's array"},
        {"hessianDerivativeStructure", "DerivativeStructure of order 2 (value, gradient and Hessian)"},
        {"hessianFiniteDifferences", "Hessian by central differences of the generated gradient"},
        {"hvp", "Hessian-vector product (generated, forward over reverse)"},
        {"hvpIntoHolders", "Hessian-vector product by the generated fHvp into the caller's holder"},
        {"hvpFiniteDifferences", "Hessian-vector product by central differences of the generated gradient"},
    };

    /**
     * A model: benchmark class, title, sizes, its second-order variant ({@code "hessian"},
     * {@code "hvp"}, or null when it has none), the class whose bytecode sizes its section gives
     * with those of the methods generated from it (or null), and a note for its section (or null).
     * A model is in the second table when its benchmark class has a {@code tangent} variant; each
     * section lists the variants its class has.
     */
    private record Model(Class<?> bench, String title, String sizes, String secondOrder, Class<?> bytecodeOf,
            String note) {

        Model(Class<?> bench, String title, String sizes, String secondOrder) {
            this(bench, title, sizes, secondOrder, null, null);
        }

        /** Whether the benchmark class has the variant {@code name}. */
        boolean has(String name) {
            return Arrays.stream(bench.getMethods()).anyMatch(m -> m.getName().equals(name)
                    && m.isAnnotationPresent(Benchmark.class));
        }
    }

    /**
     * One variant's measurement, each the median over measurement iterations (robust to the few
     * that other work on a shared machine slowed down): wall-clock time per operation (JMH's
     * average time), the benchmark JVM's CPU time per operation ({@link CpuTimeProfiler}), and the
     * bytes allocated per operation ({@code -prof gc}).
     */
    private record Measurement(double nanos, double cpuNanos, double bytes) {}

    private Report() {}

    public static void main(String[] args) throws IOException, RunnerException, CommandLineOptionException {
        List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
        Path out = Path.of(takeOption(jmhArgs, "--out", "benchmarks/results/latest.md"));
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            // the models' benches; TapeBench has its own report (TapeReport, results/tape.md)
            options.include("dev\\.adjoint\\.benchmarks\\.\\w+Bench\\.");
            options.exclude("dev\\.adjoint\\.benchmarks\\.TapeBench\\.");
        }
        Options built = options.addProfiler(GCProfiler.class).addProfiler(CpuTimeProfiler.class).build();
        String loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(built).run();

        String report = render(results, String.join(" ", jmhArgs), loadBefore + " before, " + loadAverage() + " after");
        System.out.println();
        System.out.print(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println("(written to " + out + ")");
    }

    /**
     * Removes every {@code name value} pair from {@code args} and returns the last value (so a
     * script's default can be overridden by a later argument), or {@code fallback}.
     */
    static String takeOption(List<String> args, String name, String fallback) {
        String value = fallback;
        for (int at = args.indexOf(name); at >= 0; at = args.indexOf(name)) {
            if (at + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            value = args.get(at + 1);
            args.subList(at, at + 2).clear();
        }
        return value;
    }

    private static String render(Collection<RunResult> results, String arguments, String load) {
        Map<String, Measurement> byName = new HashMap<>();
        BenchmarkParams settings = null;
        for (RunResult run : results) {
            settings = run.getParams();
            double toNanos = nanosPer(run.getPrimaryResult().getScoreUnit());
            byName.put(settings.getBenchmark(), new Measurement(
                    median(run, i -> i.getPrimaryResult().getScore() * toNanos),
                    median(run, i -> secondary(i, CpuTimeProfiler.RESULT)),
                    median(run, i -> secondary(i, "gc.alloc.rate.norm"))));
        }

        StringBuilder md = new StringBuilder();
        md.append("# Adjoint benchmarks: latest run\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vendor"))
                .append(")\n");
        md.append("- machine: ").append(cpuModel()).append(", nproc ")
                .append(Runtime.getRuntime().availableProcessors()).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.arch")).append(", load average ").append(load).append('\n');
        if (settings != null) {
            md.append("- JMH ").append(settings.getJmhVersion()).append(": ").append(settings.getMode().longLabel())
                    .append(", forks ").append(settings.getForks()).append(", warm-up ")
                    .append(settings.getWarmup().getCount()).append(" × ").append(settings.getWarmup().getTime())
                    .append(", measurement ").append(settings.getMeasurement().getCount()).append(" × ")
                    .append(settings.getMeasurement().getTime()).append(", -prof gc")
                    .append(arguments.isEmpty() ? "" : ", arguments `" + arguments + "`").append('\n');
        }
        md.append("\nEach ratio divides two variants' CPU times per operation (see below): below 1, the first is ")
                .append("faster; \"—\": a variant was not run, or the model has none (see its section).\n\n");

        md.append("| model | sizes |");
        for (String[] ratio : RATIOS) {
            md.append(' ').append(ratio[0]).append(" |");
        }
        md.append("\n|---|---|").append("---:|".repeat(RATIOS.length)).append('\n');
        for (Model model : MODELS) {
            md.append("| ").append(model.title()).append(" | ").append(model.sizes()).append(" |");
            for (String[] ratio : RATIOS) {
                md.append(' ').append(ratio(byName, model, ratio[1], ratio[2])).append(" |");
            }
            md.append('\n');
        }

        md.append("\n## Forward mode and second order\n\n")
                .append("tangent: the generated `fTangent` in one fixed direction; second order: the generated ")
                .append("`fHessian` (all inputs scalar) or `fHvp` in a fixed direction (array input), each allocating its ")
                .append("result; second order with caller's holders: the same derivatives by the generated overloads that ")
                .append("add into the caller's holder (`fHessian(..., double[][] into)`, `fHvp(..., into)`), allocated once ")
                .append("by the benchmark and zeroed before each call; ")
                .append("DerivativeStructure along the direction: one free parameter, order 1; DerivativeStructure of order ")
                .append("2: one free parameter per input, one evaluation giving value, gradient and Hessian; finite ")
                .append("differences: central differences of the generated gradient (2 pullbacks per direction). ")
                .append("B/op is per call.\n\n");
        md.append("| model | second order | tangent / primal | tangent / gradient | DerivativeStructure along the direction / tangent")
                .append(" | second order / gradient | second order with caller's holders / gradient")
                .append(" | DerivativeStructure of order 2 / second order")
                .append(" | finite differences of the gradient / second order | tangent B/op | second order B/op")
                .append(" | second order with caller's holders B/op |\n")
                .append("|---|---|").append("---:|".repeat(10)).append('\n');
        for (Model model : MODELS) {
            if (!model.has("tangent")) {
                continue;
            }
            String second = model.secondOrder();
            md.append("| ").append(model.title()).append(" | ")
                    .append(second == null ? "—" : second.equals("hessian") ? "Hessian" : "Hessian-vector product")
                    .append(" | ")
                    .append(ratio(byName, model, "tangent", "primal")).append(" | ")
                    .append(ratio(byName, model, "tangent", "gradient")).append(" | ")
                    .append(ratio(byName, model, "tangentDerivativeStructure", "tangent")).append(" | ");
            if (second == null) {
                md.append("— | — | — | — | ").append(bytesOf(byName, model, "tangent")).append(" | — | — |\n");
                continue;
            }
            md.append(ratio(byName, model, second, "gradient")).append(" | ")
                    .append(ratio(byName, model, second + "IntoHolders", "gradient")).append(" | ")
                    .append(ratio(byName, model, "hessianDerivativeStructure", second)).append(" | ")
                    .append(ratio(byName, model, second + "FiniteDifferences", second)).append(" | ")
                    .append(bytesOf(byName, model, "tangent")).append(" | ")
                    .append(bytesOf(byName, model, second)).append(" | ")
                    .append(bytesOf(byName, model, second + "IntoHolders")).append(" |\n");
        }

        md.append("\nTimes are medians over the measurement iterations. CPU time/op is the benchmark JVM's CPU ")
                .append("time per operation (it leaves out the time other processes held the cores, which on a busy ")
                .append("shared machine inflates wall time; it includes this JVM's GC); wall time/op is JMH's average ")
                .append("time. B/op is gc.alloc.rate.norm from -prof gc.\n");
        for (Model model : MODELS) {
            md.append("\n### ").append(model.title()).append(" (").append(model.sizes()).append(")\n\n");
            if (model.note() != null) {
                md.append(model.note()).append('\n');
            }
            if (model.bytecodeOf() != null) {
                md.append(bytecodeSizes(model.bytecodeOf())).append('\n');
            }
            if (model.note() != null || model.bytecodeOf() != null) {
                md.append('\n');
            }
            md.append("| variant | CPU time/op | wall time/op | B/op |\n|---|---:|---:|---:|\n");
            List<String[]> variants = new ArrayList<>(Arrays.asList(VARIANTS));
            variants.addAll(Arrays.asList(SECOND_ORDER_VARIANTS));
            variants.removeIf(variant -> !model.has(variant[0]));
            for (String[] variant : variants) {
                Measurement m = byName.get(name(model, variant[0]));
                md.append("| ").append(variant[1]).append(" | ");
                if (m == null) {
                    md.append("not run | | |\n");
                } else {
                    md.append(time(m.cpuNanos())).append(" | ").append(time(m.nanos())).append(" | ")
                            .append(bytes(m.bytes())).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /**
     * The bytecode length of {@code primal}'s longest method and of the methods generated from it
     * (its {@code Adjoint} and {@code AdjointImpl} classes and their nested classes), against
     * HotSpot's limit for JIT compilation.
     */
    static String bytecodeSizes(Class<?> primal) {
        try {
            Map.Entry<String, Integer> source = longest(Bytecode.codeLengths(primal));
            Map<String, Integer> generated = new TreeMap<>(); // by name: the first of equally long ones
            for (String suffix : List.of("Adjoint", "AdjointImpl")) {
                Class<?> top = Class.forName(primal.getName() + suffix);
                List<Class<?>> classes = new ArrayList<>(List.of(top));
                classes.addAll(Arrays.asList(top.getDeclaredClasses()));
                for (Class<?> c : classes) {
                    Bytecode.codeLengths(c).forEach((method, length) -> generated.put(c.getSimpleName() + "." + method, length));
                }
            }
            Map.Entry<String, Integer> largest = longest(generated);
            int total = generated.values().stream().mapToInt(Integer::intValue).sum();
            return String.format(Locale.ROOT, "Bytecode: the primal `%s.%s` has %,d bytes; the longest of the %d "
                    + "methods generated from it, `%s`, has %,d (HotSpot JIT-compiles methods of up to %,d bytes); "
                    + "together they have %,d.", primal.getSimpleName(), source.getKey().substring(0,
                    source.getKey().indexOf('(')), source.getValue(), generated.size(),
                    largest.getKey().substring(0, largest.getKey().indexOf('(')), largest.getValue(),
                    Bytecode.JIT_LIMIT, total);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "Bytecode sizes unavailable: " + e;
        }
    }

    private static Map.Entry<String, Integer> longest(Map<String, Integer> lengths) {
        return lengths.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    }

    private static String name(Model model, String variant) {
        return model.bench().getName() + "." + variant;
    }

    private static String ratio(Map<String, Measurement> byName, Model model, String numerator, String denominator) {
        Measurement a = byName.get(name(model, numerator));
        Measurement b = byName.get(name(model, denominator));
        if (a != null && b != null) {
            double r = a.cpuNanos() / b.cpuNanos();
            return String.format(Locale.ROOT, r < 10 ? "%.2f" : r < 100 ? "%.1f" : "%.0f", r);
        }
        return "—";
    }

    private static String bytesOf(Map<String, Measurement> byName, Model model, String variant) {
        Measurement m = byName.get(name(model, variant));
        return m == null ? "—" : bytes(m.bytes());
    }

    private static double median(RunResult run, ToDoubleFunction<IterationResult> metric) {
        return median(run.getBenchmarkResults().stream().flatMap(b -> b.getIterationResults().stream())
                .mapToDouble(metric).toArray());
    }

    private static double secondary(IterationResult iteration, String name) {
        Result<?> result = iteration.getSecondaryResults().get(name);
        return result == null ? Double.NaN : result.getScore();
    }

    /** The median of {@code values}. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalStateException("unexpected JMH unit " + unit + ": use average time");
        };
    }

    private static String time(double nanos) {
        if (Double.isNaN(nanos)) {
            return "—";
        } else if (nanos < 1e3) {
            return String.format(Locale.ROOT, "%.1f ns", nanos);
        } else if (nanos < 1e6) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "?";
        }
        // -prof gc's normalised rate is an estimate: anything below a byte per operation is 0
        return bytes < 1 ? "0" : String.format(Locale.ROOT, "%,.0f", bytes);
    }

    /** The CPU's model name, family and model from {@code /proc/cpuinfo}. */
    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            Map<String, String> cpu = new HashMap<>();
            lines.takeWhile(l -> !l.isBlank()).filter(l -> l.indexOf(':') > 0)
                    .forEach(l -> cpu.putIfAbsent(l.substring(0, l.indexOf(':')).trim(), l.substring(l.indexOf(':') + 1).trim()));
            return cpu.getOrDefault("model name", "unknown CPU") + " (family " + cpu.get("cpu family") + ", model "
                    + cpu.get("model") + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    /** The 1-minute load average: other work on the machine competes with the benchmark. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
