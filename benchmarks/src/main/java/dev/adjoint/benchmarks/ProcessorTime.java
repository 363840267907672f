package dev.adjoint.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * How much the Adjoint processor adds to a build: generates one Java file with many
 * {@code @Differentiable} straight-line methods and compiles it in this JVM with
 * {@code javax.tools}, alternately
 * <ol>
 *   <li>plain: {@code javac -proc:none} on the file;
 *   <li>processor: javac with the Adjoint processor, which also compiles what it generates;
 *   <li>output only: {@code javac -proc:none} on the file plus the processor's output, written
 *       beforehand: the cost of compiling the generated code, without running the processor.
 * </ol>
 * After warm-up rounds (javac and the processor are loaded once and JIT-compiled, the steady
 * state of an incremental build server rather than a cold {@code javac}), it reports the median
 * of each and the median per-round ratio processor/plain, in wall-clock and in CPU time. Then it
 * times the first two cold: a new {@code javac} process per compilation, as on the command line.
 *
 * <p>Usage: {@code ProcessorTime --classpath CP --processorpath PP [--methods 500] [--warmup 3]
 * [--rounds 5] [--cold-rounds 3] [--out FILE]}; {@code CP} must hold {@code adjoint-runtime}, {@code PP} the
 * processor and its dependencies. {@code benchmarks/run --processor} passes both.
 */
public final class ProcessorTime {

    private ProcessorTime() {}

    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String classpath = Report.takeOption(rest, "--classpath", null);
        String processorpath = Report.takeOption(rest, "--processorpath", null);
        int methods = Integer.parseInt(Report.takeOption(rest, "--methods", "500"));
        int warmup = Integer.parseInt(Report.takeOption(rest, "--warmup", "3"));
        int rounds = Integer.parseInt(Report.takeOption(rest, "--rounds", "5"));
        int coldRounds = Integer.parseInt(Report.takeOption(rest, "--cold-rounds", "3"));
        Path out = Path.of(Report.takeOption(rest, "--out", "benchmarks/results/processor-time.md"));
        if (classpath == null || processorpath == null || !rest.isEmpty()) {
            throw new IllegalArgumentException("usage: ProcessorTime --classpath CP --processorpath PP "
                    + "[--methods N] [--warmup N] [--rounds N] [--cold-rounds N] [--out FILE]; unexpected " + rest);
        }

        Path dir = Files.createTempDirectory("adjoint-processor-time");
        try (URLClassLoader processorLoader = new URLClassLoader(urls(processorpath),
                ClassLoader.getPlatformClassLoader())) {
            Path source = dir.resolve("src/bench/gen/Functions.java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, generate(methods), StandardCharsets.UTF_8);
            Path generated = dir.resolve("generated");
            Compiler compiler = new Compiler(classpath, processorLoader, dir);

            // the first processor run writes the generated source the third configuration compiles
            compiler.withProcessor(List.of(source), generated);
            List<Path> sourceAndOutput;
            try (Stream<Path> files = Files.walk(generated)) {
                sourceAndOutput = Stream.concat(Stream.of(source), files.filter(p -> p.toString().endsWith(".java")))
                        .toList();
            }
            Timing[] plain = new Timing[rounds];
            Timing[] processor = new Timing[rounds];
            Timing[] outputOnly = new Timing[rounds];
            for (int round = -warmup; round < rounds; round++) {
                Timing p = compiler.plain(List.of(source));
                Timing a = compiler.withProcessor(List.of(source), dir.resolve("scratch"));
                Timing o = compiler.plain(sourceAndOutput);
                System.out.printf(Locale.ROOT, "%s %2d: plain %s, processor %s, output only %s%n",
                        round < 0 ? "warm-up" : "round  ", round < 0 ? round + warmup + 1 : round + 1, p, a, o);
                if (round >= 0) {
                    plain[round] = p;
                    processor[round] = a;
                    outputOnly[round] = o;
                }
            }
            long[] coldPlain = new long[coldRounds];
            long[] coldProcessor = new long[coldRounds];
            for (int round = 0; round < coldRounds; round++) {
                coldPlain[round] = compiler.cold(List.of(source), List.of("-proc:none"));
                coldProcessor[round] = compiler.cold(List.of(source), List.of("-processorpath", processorpath,
                        "-s", Files.createDirectories(dir.resolve("scratch-cold")).toString()));
                System.out.printf(Locale.ROOT, "cold    %2d: plain %6.0f ms, processor %6.0f ms%n", round + 1,
                        coldPlain[round] / 1e6, coldProcessor[round] / 1e6);
            }
            String report = report(methods, lines(List.of(source)), lines(sourceAndOutput) - lines(List.of(source)),
                    warmup, plain, processor, outputOnly)
                    + coldReport(coldPlain, coldProcessor);
            System.out.println();
            System.out.print(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println("(written to " + out + ")");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code n} straight-line methods of three inputs, alike in shape, different in constants. */
    public static String generate(int n) {
        StringBuilder java = new StringBuilder("""
                package bench.gen;

                import dev.adjoint.Differentiable;

                public final class Functions {
                    private Functions() {}
                """);
        for (int i = 0; i < n; i++) {
            double c = 1.0 + i / 1000.0;
            java.append(String.format(Locale.ROOT, """

                        @Differentiable
                        public static double f%d(double x, double y, double z) {
                            double a = x * y + Math.sin(%s * z);
                            double b = Math.exp(-a * a) + Math.log(1.0 + y * y);
                            double c = a > b ? a * b : a / (1.0 + b * b);
                            double d = Math.sqrt(1.0 + c * c) * Math.tanh(x - %s * z);
                            return d + Math.pow(Math.abs(y) + 1.0, %s) - Math.cos(c * z);
                        }
                    """, i, c, c / 2, c / 3));
        }
        return java.append("}\n").toString();
    }

    /**
     * One compilation's wall-clock time and CPU time: the compiling thread's (javac runs in the
     * caller's thread) plus the processor's own thread's, which the processor reports with
     * {@code -Aadjoint.timing=true}, per stage ({@code stages}). The CPU time is the steadier of the
     * two on a busy machine, but leaves out JIT and GC threads.
     */
    private record Timing(long wallNanos, long cpuNanos, Map<String, Double> stages) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6.0f ms (CPU %6.0f ms)", wallNanos / 1e6, cpuNanos / 1e6);
        }

        /** The CPU time of the processor's own thread (ms), 0 without the processor. */
        double processorMillis() {
            return stages.getOrDefault(TOTAL, 0.0);
        }
    }

    private static final String NOTE = "[adjoint.timing] processor thread CPU ";
    private static final String TOTAL = "total";

    /**
     * The processor's note with {@code -Aadjoint.timing=true}: {@code [adjoint.timing] processor thread CPU
     * 812.3 ms: find 20.1 ms, read 90.2 ms, ..., other 3.0 ms}, as stage → ms (the whole under {@code total}).
     */
    private static Map<String, Double> stages(DiagnosticCollector<JavaFileObject> diagnostics) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            if (d.getKind() != Diagnostic.Kind.NOTE || !message.startsWith(NOTE)) {
                continue;
            }
            String[] totalAndStages = message.substring(NOTE.length()).split(":", 2);
            out.put(TOTAL, Double.parseDouble(totalAndStages[0].replace(" ms", "").trim()));
            for (String stage : totalAndStages[1].split(",")) {
                String t = stage.trim().replace(" ms", "");
                int space = t.lastIndexOf(' ');
                out.put(t.substring(0, space), Double.parseDouble(t.substring(space + 1)));
            }
        }
        return out;
    }

    /** One javac configuration: a fresh task and file manager per compilation, as a build does. */
    private static final class Compiler {
        private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        private final String classpath;
        private final ClassLoader processorLoader;
        private final Path dir;

        Compiler(String classpath, ClassLoader processorLoader, Path dir) {
            this.classpath = classpath;
            this.processorLoader = processorLoader;
            this.dir = dir;
        }

        Timing plain(List<Path> sources) throws IOException {
            return compile(sources, List.of("-proc:none"), List.of(), dir.resolve("classes-plain"));
        }

        Timing withProcessor(List<Path> sources, Path generated) throws IOException {
            Files.createDirectories(generated);
            List<Processor> processors = new ArrayList<>();
            ServiceLoader.load(Processor.class, processorLoader).forEach(processors::add);
            if (processors.isEmpty()) {
                throw new IllegalStateException("no annotation processor found on the processor path");
            }
            return compile(sources, List.of("-s", generated.toString(), "-Aadjoint.timing=true"), processors,
                    dir.resolve("classes-processor"));
        }

        /**
         * Wall time of one compilation by a new {@code javac} process, as a command-line build or
         * the first compilation in a fresh build JVM runs it: JVM start and javac's warm-up included.
         */
        long cold(List<Path> sources, List<String> extra) throws IOException {
            Path classes = Files.createDirectories(dir.resolve("classes-cold"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac")
                    .toString(), "--release", "17", "-classpath", classpath, "-d", classes.toString(), "-implicit:none"));
            command.addAll(extra);
            sources.forEach(source -> command.add(source.toString()));
            long start = System.nanoTime();
            Process javacProcess = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(javacProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (javacProcess.waitFor() != 0) {
                    throw new IllegalStateException("javac failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - start;
        }

        private Timing compile(List<Path> sources, List<String> extra, List<Processor> processors, Path classes)
                throws IOException {
            Files.createDirectories(classes);
            List<String> options = new ArrayList<>(List.of("--release", "17", "-classpath", classpath,
                    "-d", classes.toString(), "-implicit:none"));
            options.addAll(extra);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                    StandardCharsets.UTF_8)) {
                JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, options, null,
                        files.getJavaFileObjectsFromPaths(sources));
                if (!processors.isEmpty()) {
                    task.setProcessors(processors);
                }
                if (!task.call()) {
                    throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
                }
            }
            long wall = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - startCpu;
            Map<String, Double> stages = stages(diagnostics);
            if (!processors.isEmpty() && stages.isEmpty()) {
                throw new IllegalStateException("the processor reported no timing: " + diagnostics.getDiagnostics());
            }
            // the processor works on a thread of its own: its CPU time is the compilation's too
            return new Timing(wall, cpu + Math.round(stages.getOrDefault(TOTAL, 0.0) * 1e6), stages);
        }
    }

    private static String report(int methods, long sourceLines, long generatedLines, int warmup, Timing[] plain,
            Timing[] processor, Timing[] outputOnly) {
        StringBuilder md = new StringBuilder("# Adjoint processor time: latest run\n\n");
        md.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", nproc ")
                .append(Runtime.getRuntime().availableProcessors()).append(", ").append(Report.cpuModel())
                .append(", load average ").append(Report.loadAverage()).append('\n');
        md.append("- input: one class of ").append(methods).append(" `@Differentiable` straight-line methods (")
                .append(sourceLines).append(" lines); the processor writes ").append(generatedLines)
                .append(" lines from it\n");
        md.append("- in-process javax.tools compilations, ").append(warmup).append(" warm-up rounds, then ")
                .append(plain.length).append(" measured rounds of the three configurations in turn; ")
                .append("ratios are medians of the per-round ratios to plain javac\n\n");
        md.append("| configuration | median wall time | ratio | median CPU time (javac's thread and the processor's) "
                + "| ratio |\n")
                .append("|---|---:|---:|---:|---:|\n");
        row(md, "plain javac (-proc:none)", plain, plain);
        row(md, "javac + Adjoint processor (compiles its output too)", processor, plain);
        row(md, "plain javac on the source + the processor's output", outputOnly, plain);
        md.append(String.format(Locale.ROOT, "%nWhole build with the processor / plain: %.2f wall time, %.2f CPU time.%n",
                ratio(processor, plain, Timing::wallNanos), ratio(processor, plain, Timing::cpuNanos)));
        double[] own = new double[plain.length];
        double[] direct = new double[plain.length];
        for (int i = 0; i < plain.length; i++) {
            own[i] = (double) (processor[i].cpuNanos() - outputOnly[i].cpuNanos()) / plain[i].cpuNanos();
            direct[i] = processor[i].processorMillis() * 1e6 / plain[i].cpuNanos();
        }
        md.append(String.format(Locale.ROOT, "%n**The processor's own time / plain javac: %.2f** (CPU time, row 2 minus "
                + "row 3, median per round; target ≤ 1); its thread's CPU time as it reports it: %.2f.%n",
                Report.median(own), Report.median(direct)));
        md.append("\nWhere the processor's own thread spends its CPU time (`-Aadjoint.timing=true`, median over the "
                + "measured rounds):\n\n| stage | median CPU time | share |\n|---|---:|---:|\n");
        double total = Report.median(Arrays.stream(processor).mapToDouble(Timing::processorMillis).toArray());
        for (String stage : processor[0].stages().keySet()) {
            double ms = Report.median(Arrays.stream(processor)
                    .mapToDouble(t -> t.stages().getOrDefault(stage, 0.0)).toArray());
            md.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f%% |%n", stage, ms, 100 * ms / total));
        }
        return md.toString();
    }

    private static String coldReport(long[] plain, long[] processor) {
        if (plain.length == 0) {
            return "";
        }
        double[] ratios = new double[plain.length];
        for (int i = 0; i < plain.length; i++) {
            ratios[i] = (double) processor[i] / plain[i];
        }
        return String.format(Locale.ROOT, "%nCold: a new `javac` process per compilation (JVM start and javac's warm-up "
                + "included, as a command-line build), %d rounds of the two in turn:%n%n"
                + "| configuration | median wall time | ratio |%n|---|---:|---:|%n"
                + "| plain javac (-proc:none) | %.0f ms | 1.00 |%n"
                + "| javac + Adjoint processor (compiles its output too) | %.0f ms | %.2f |%n%n"
                + "**Cold build with the processor / without: %.2f** (target ≤ 3).%n",
                plain.length, Report.median(Arrays.stream(plain).asDoubleStream().toArray()) / 1e6,
                Report.median(Arrays.stream(processor).asDoubleStream().toArray()) / 1e6, Report.median(ratios),
                Report.median(ratios));
    }

    private static void row(StringBuilder md, String label, Timing[] timings, Timing[] plain) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.2f | %.0f ms | %.2f |%n", label,
                Report.median(Arrays.stream(timings).mapToDouble(Timing::wallNanos).toArray()) / 1e6,
                ratio(timings, plain, Timing::wallNanos),
                Report.median(Arrays.stream(timings).mapToDouble(Timing::cpuNanos).toArray()) / 1e6,
                ratio(timings, plain, Timing::cpuNanos)));
    }

    /** The median over rounds of {@code a[round] / b[round]}. */
    private static double ratio(Timing[] a, Timing[] b, ToLongFunction<Timing> metric) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = (double) metric.applyAsLong(a[i]) / metric.applyAsLong(b[i]);
        }
        return Report.median(ratios);
    }

    private static long lines(List<Path> files) {
        long lines = 0;
        for (Path file : files) {
            try (Stream<String> l = Files.lines(file)) {
                lines += l.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    private static URL[] urls(String path) throws MalformedURLException {
        String[] entries = path.split(File.pathSeparator);
        URL[] urls = new URL[entries.length];
        for (int i = 0; i < entries.length; i++) {
            urls[i] = Path.of(entries[i]).toUri().toURL();
        }
        return urls;
    }
}
