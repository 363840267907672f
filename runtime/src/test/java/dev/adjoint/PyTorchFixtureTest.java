package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

/**
 * Replays random programs that real PyTorch ran (float64), on the tape, and compares what PyTorch
 * recorded: values and gradients (to 1e-12 relative; NaN, infinities and signed zeros exactly),
 * which leaves got a gradient, grad_fn names, requires_grad, {@code str()} of every tensor and
 * gradient, and the errors (PyTorch's message, with the deliberate differences of docs/tape.md
 * mapped, must begin ours). The programs and PyTorch's results are in
 * {@code src/test/resources/pytorch/cases.txt}, written by {@code src/test/python/gen_pytorch_cases.py};
 * this class interprets the programs' tiny language (described in that script and in
 * docs/testing.md) and hard-codes no result.
 */
class PyTorchFixtureTest {

    /** The random programs, and the programs of campaigns that found a difference since fixed. */
    private static final List<String> FIXTURES = List.of("/pytorch/cases.txt", "/pytorch/regressions.txt");

    /**
     * PyTorch's fused backward kernels: under createGraph PyTorch names a gradient after the
     * kernel, the tape after its formula's last operation (a deliberate difference, docs/tape.md
     * "grad_fn names of recorded gradients"); there only the presence of a grad_fn is compared.
     */
    private static final Set<String> FUSED = Set.of("ThresholdBackwardBackward0", "SoftmaxBackwardDataBackward0",
            "LogSoftmaxBackwardDataBackward0", "NllLossBackwardBackward0");

    /** A program: its number and kind, and its lines (statements, each followed by its "=" facts). */
    private record Case(String title, List<String[]> lines) {}

    @Test
    void tapeMatchesPyTorchOnEveryRecordedProgram() throws IOException {
        List<Case> cases = read();
        assertTrue(cases.size() >= 300 || System.getProperty("adjoint.pytorch.cases") != null,
                "the fixture holds " + cases.size() + " programs");
        Logger warnings = Logger.getLogger("dev.adjoint.Tensor");
        Level level = warnings.getLevel();
        warnings.setLevel(Level.SEVERE); // .grad of a non-leaf warns, as in PyTorch: not what is tested here
        List<String> failures = new ArrayList<>();
        try {
            for (Case c : cases) {
                List<String> mismatches = new Replay().run(c);
                if (!mismatches.isEmpty()) {
                    failures.add(c.title + ":\n    " + String.join("\n    ", mismatches));
                }
            }
        } finally {
            warnings.setLevel(level);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " programs differ from PyTorch:\n"
                    + String.join("\n", failures.subList(0, Math.min(Integer.getInteger("adjoint.pytorch.show", 30), failures.size()))));
        }
    }

    private static List<Case> read() throws IOException {
        List<Case> cases = new ArrayList<>();
        String campaign = System.getProperty("adjoint.pytorch.cases"); // a file of other programs, if given
        for (String fixture : campaign != null ? List.of(campaign) : FIXTURES) {
            read(fixture, campaign != null, cases);
        }
        return cases;
    }

    private static void read(String fixture, boolean file, List<Case> cases) throws IOException {
        try (InputStream in = file ? Files.newInputStream(Path.of(fixture))
                : PyTorchFixtureTest.class.getResourceAsStream(fixture)) {
            if (in == null) {
                throw new IOException("missing test resource " + fixture);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Case current = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                } else if (line.startsWith("case ")) {
                    current = new Case(line, new ArrayList<>());
                } else if (line.equals("end")) {
                    cases.add(current);
                } else {
                    // a fact's last field (a str() or a message) may hold spaces: split only as far as needed
                    current.lines.add(line.startsWith("= str ") || line.startsWith("= gradstr ")
                            ? line.split(" ", 4) : line.startsWith("= error ") ? line.split(" ", 4) : line.split(" "));
                }
            }
        }
    }

    /** One program's run on the tape: its named tensors, its open grad-mode scopes, its mismatches. */
    private static final class Replay {
        private final Map<String, Tensor> env = new LinkedHashMap<>();
        private final Deque<GradMode> modes = new ArrayDeque<>();
        private final List<String> mismatches = new ArrayList<>();

        List<String> run(Case c) {
            try {
                RuntimeException thrown = null;
                String statement = null;
                for (String[] line : c.lines) {
                    if (!line[0].equals("=")) {
                        if (thrown != null) {
                            mismatches.add(statement + ": threw " + thrown + ", PyTorch did not");
                            return mismatches;
                        }
                        statement = String.join(" ", line);
                        try {
                            execute(line);
                        } catch (RuntimeException e) {
                            thrown = e;
                        }
                    } else if (line[1].equals("error")) {
                        checkError(statement, thrown, line[2], unescape(line[3]));
                        return mismatches;
                    } else if (thrown == null) {
                        check(statement, line);
                    }
                }
                if (thrown != null) {
                    mismatches.add(statement + ": threw " + thrown + ", PyTorch did not");
                }
                return mismatches;
            } finally {
                while (!modes.isEmpty()) {
                    modes.pop().close();
                }
            }
        }

        private Tensor t(String name) {
            Tensor t = env.get(name);
            if (t == null) {
                throw new AssertionError("the program names no tensor " + name);
            }
            return t;
        }

        private void execute(String[] s) {
            switch (s[0]) {
                case "leaf" -> {
                    int[] shape = parseShape(s[2]);
                    double[] values = new double[s.length - 4];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = parseDouble(s[4 + i]);
                    }
                    Tensor x = Tensor.vector(values).reshape(shape); // a reshape of a leaf without grad is a leaf
                    env.put(s[1], x.requiresGrad(s[3].equals("1")));
                }
                case "op" -> env.put(s[1], op(s[2], Arrays.copyOfRange(s, 3, s.length)));
                case "backward" -> t(s[1]).backward(s[2].equals("-") ? null : t(s[2]), s[3].equals("1"), s[4].equals("1"));
                case "agrad" -> autogradGrad(s);
                case "gradof" -> {
                    Tensor g = t(s[2]).grad();
                    if (g != null) {
                        env.put(s[1], g);
                    }
                }
                case "nograd" -> modes.push(Tensor.noGrad());
                case "enablegrad" -> modes.push(Tensor.enableGrad());
                case "endmode" -> modes.pop().close();
                case "zerograd" -> t(s[1]).zeroGrad();
                case "setgradnone" -> t(s[1]).setGrad(null);
                case "retaingrad" -> t(s[1]).retainGrad();
                case "requiresgrad" -> t(s[1]).requiresGrad(s[2].equals("1"));
                case "detach" -> env.put(s[1], t(s[2]).detach());
                case "inplace" -> inPlace(s[1], t(s[2]), s[3]);
                case "zero" -> t(s[1]).zero();
                case "set" -> t(s[1]).set(Integer.parseInt(s[2]), parseDouble(s[3]));
                case "set2" -> t(s[1]).set(Integer.parseInt(s[2]), Integer.parseInt(s[3]), parseDouble(s[4]));
                default -> throw new AssertionError("unknown statement " + s[0]);
            }
        }

        private Tensor op(String op, String[] a) {
            Tensor x = t(a[0]);
            return switch (op) {
                case "neg" -> x.neg();
                case "sin" -> x.sin();
                case "cos" -> x.cos();
                case "tan" -> x.tan();
                case "exp" -> x.exp();
                case "log" -> x.log();
                case "sqrt" -> x.sqrt();
                case "tanh" -> x.tanh();
                case "sigmoid" -> x.sigmoid();
                case "relu" -> x.relu();
                case "abs" -> x.abs();
                case "clone" -> x.clone();
                case "sum" -> x.sum();
                case "mean" -> x.mean();
                case "t" -> x.t();
                case "adds" -> x.add(parseDouble(a[1]));
                case "subs" -> x.sub(parseDouble(a[1]));
                case "muls" -> x.mul(parseDouble(a[1]));
                case "divs" -> x.div(parseDouble(a[1]));
                case "pows" -> x.pow(parseDouble(a[1]));
                case "add" -> x.add(t(a[1]));
                case "sub" -> x.sub(t(a[1]));
                case "mul" -> x.mul(t(a[1]));
                case "div" -> x.div(t(a[1]));
                case "pow" -> x.pow(t(a[1]));
                case "dot" -> x.dot(t(a[1]));
                case "mv" -> x.mv(t(a[1]));
                case "mm" -> x.mm(t(a[1]));
                case "matmul" -> x.matmul(t(a[1]));
                case "sumd" -> x.sum(Integer.parseInt(a[1]), a[2].equals("1"));
                case "meand" -> x.mean(Integer.parseInt(a[1]), a[2].equals("1"));
                case "softmax" -> x.softmax(Integer.parseInt(a[1]));
                case "logsoftmax" -> x.logSoftmax(Integer.parseInt(a[1]));
                case "transpose" -> x.transpose(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
                case "select" -> x.select(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
                case "unsqueeze" -> x.unsqueeze(Integer.parseInt(a[1]));
                case "squeeze" -> x.squeeze(Integer.parseInt(a[1]));
                case "reshape" -> x.reshape(ints(a, 1));
                case "nll" -> Tensor.nllLoss(x, ints(a, 1));
                case "ce" -> Tensor.crossEntropy(x, ints(a, 1));
                default -> throw new AssertionError("unknown operation " + op);
            };
        }

        private void inPlace(String op, Tensor x, String arg) {
            boolean number = !env.containsKey(arg);
            switch (op) {
                case "add_" -> {
                    if (number) {
                        x.addInPlace(parseDouble(arg));
                    } else {
                        x.addInPlace(t(arg));
                    }
                }
                case "sub_" -> {
                    if (number) {
                        x.subInPlace(parseDouble(arg));
                    } else {
                        x.subInPlace(t(arg));
                    }
                }
                case "mul_" -> x.mulInPlace(parseDouble(arg));
                default -> throw new AssertionError("unknown in-place operation " + op);
            }
        }

        /** {@code agrad RES OUTS INS GOUTS R C A M}: torch.autograd.grad with its options. */
        private void autogradGrad(String[] s) {
            String[] results = s[1].split(",");
            GradOptions options = GradOptions.defaults().createGraph(s[6].equals("1"))
                    .allowUnused(s[7].equals("1")).materializeGrads(s[8].equals("1"));
            if (!s[5].equals("-")) {
                options = options.retainGraph(s[5].equals("1"));
            }
            if (!s[4].equals("-")) {
                options = options.gradOutputs(tensors(s[4]));
            }
            Tensor[] grads = Tensor.grad(tensors(s[2]), tensors(s[3]), options);
            for (int i = 0; i < results.length; i++) {
                if (grads[i] != null) {
                    env.put(results[i], grads[i]);
                } else {
                    env.remove(results[i]);
                }
            }
        }

        private Tensor[] tensors(String names) {
            return Arrays.stream(names.split(",")).map(n -> n.equals("_") ? null : t(n)).toArray(Tensor[]::new);
        }

        // ------------------------------------------------------------ facts

        private void check(String statement, String[] f) {
            String what = statement + ": " + f[1] + " " + f[2];
            switch (f[1]) {
                case "value" -> compareValues(what, t(f[2]), f, 3);
                case "gradfn" -> {
                    Tensor x = t(f[2]);
                    String fn = x.gradFn() == null ? "-" : x.gradFn();
                    String rg = x.requiresGrad() ? "1" : "0";
                    boolean sameFn = fn.equals(f[3]) || FUSED.contains(f[3]) && !fn.equals("-");
                    if (!sameFn || !rg.equals(f[4])) {
                        mismatches.add(what + ": grad_fn " + fn + " requires_grad " + rg + ", PyTorch " + f[3]
                                + " " + f[4]);
                    }
                }
                case "str" -> {
                    Tensor x = t(f[2]);
                    String expected = unescape(f[3]);
                    for (String fused : FUSED) {
                        expected = expected.replace("grad_fn=<" + fused + ">", "grad_fn=<" + x.gradFn() + ">");
                    }
                    compareStrings(what, x.toString(), expected);
                }
                case "none" -> {
                    if (env.containsKey(f[2])) {
                        mismatches.add(what + ": " + t(f[2]) + ", PyTorch None");
                    }
                }
                case "grad" -> {
                    Tensor g = t(f[2]).grad();
                    if (f[3].equals("none")) {
                        if (g != null) {
                            mismatches.add(what + ": " + g + ", PyTorch None");
                        }
                    } else if (g == null) {
                        mismatches.add(what + ": null, PyTorch a gradient");
                    } else {
                        compareValues(what, g, f, 3);
                    }
                }
                case "gradstr" -> {
                    Tensor g = t(f[2]).grad();
                    compareStrings(what, g == null ? "null" : g.toString(), unescape(f[3]));
                }
                default -> throw new AssertionError("unknown fact " + f[1]);
            }
        }

        private void compareValues(String what, Tensor x, String[] f, int at) {
            int[] shape = parseShape(f[at]);
            if (!Arrays.equals(shape, x.shape())) {
                mismatches.add(what + ": shape " + Arrays.toString(x.shape()) + ", PyTorch " + Arrays.toString(shape));
                return;
            }
            double[] actual = x.toArray();
            for (int i = 0; i < actual.length; i++) {
                double expected = parseDouble(f[at + 1 + i]);
                if (!close(actual[i], expected)) {
                    mismatches.add(what + ": element " + i + " is " + actual[i] + ", PyTorch " + expected);
                    return;
                }
            }
        }

        /** Equal to 1e-12 relative; NaN, infinities and the sign of a zero exactly. */
        private static boolean close(double actual, double expected) {
            if (Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0) {
                return Double.compare(actual, expected) == 0;
            }
            return Math.abs(actual - expected) <= 1e-12 * Math.abs(expected);
        }

        private void compareStrings(String what, String actual, String expected) {
            if (!actual.equals(expected)) {
                mismatches.add(what + ":\n      ours    " + actual.replace("\n", "\n              ")
                        + "\n      PyTorch " + expected.replace("\n", "\n              "));
            }
        }

        private void checkError(String statement, RuntimeException thrown, String pythonType, String message) {
            if (thrown == null) {
                mismatches.add(statement + ": no exception, PyTorch " + pythonType + ": " + message);
                return;
            }
            boolean typeOk = switch (pythonType) {
                case "IndexError" -> thrown instanceof IndexOutOfBoundsException;
                case "ValueError", "TypeError" -> thrown instanceof IllegalArgumentException;
                default -> thrown instanceof IllegalStateException || thrown instanceof IllegalArgumentException;
            };
            String expected = javaWording(message);
            String actual = String.valueOf(thrown.getMessage());
            if (!typeOk || !actual.startsWith(expected)) {
                mismatches.add(statement + ":\n      ours    " + thrown.getClass().getSimpleName() + ": " + actual
                        + "\n      PyTorch " + pythonType + ": " + message);
            }
        }
    }

    /**
     * PyTorch's message with the deliberate differences of docs/tape.md ("Java exceptions") applied:
     * Java's option names, {@code Tensor} for the tensor type, shapes as {@code [2, 3]}, and no anomaly
     * mode hint (ours names the node instead, after the same first sentence).
     */
    static String javaWording(String message) {
        String m = message;
        int hint = m.indexOf(" Hint:");
        if (hint >= 0) {
            m = m.substring(0, hint);
        }
        return m.replaceAll("torch\\.Size\\((\\[[0-9, ]*\\])\\)", "$1")
                .replace("torch.DoubleTensor", "Tensor")
                .replace("retain_graph", "retainGraph")
                .replace("allow_unused", "allowUnused")
                .replace("materialize_grads", "materializeGrads")
                .replaceAll("(retainGraph|allowUnused|materializeGrads)=True", "$1=true")
                .replaceAll("(retainGraph|allowUnused|materializeGrads)=False", "$1=false")
                .replace("allowUnused to be True", "allowUnused to be true")
                .replace("call .backward() or autograd.grad()", "call backward() or Tensor.grad()");
    }

    static int[] parseShape(String s) {
        return s.equals("s") ? new int[0] : Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    static double parseDouble(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static int[] ints(String[] a, int from) {
        return Arrays.stream(a, from, a.length).mapToInt(Integer::parseInt).toArray();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
