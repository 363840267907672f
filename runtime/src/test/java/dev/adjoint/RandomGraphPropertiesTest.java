package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/**
 * The tape alone, differentially: random operation graphs over two scalar leaves and one vector
 * leaf, where every step may reuse any earlier tensor (so one backward accumulates several
 * gradients into one node), checked against Richardson-extrapolated central differences of the
 * same graph re-run without grad. jqwik shrinks a failing graph to its fewest, earliest steps.
 */
class RandomGraphPropertiesTest {

    /** One step: operation {@code op} applied to earlier tensors {@code left} and {@code right} (mod their count). */
    record Step(int op, int left, int right) {}

    private static final String[] OPS = {
        "add", "sub", "mul", "div", "pow", "neg", "sin", "cos", "tanh", "exp", "log", "sqrt", "square",
        "cube", "sigmoid", "abs", "relu", "addConst", "mulConst", "sum", "mean", "dot"};

    @Provide
    Arbitrary<List<Step>> graphs() {
        return Combinators.combine(Arbitraries.integers().between(0, OPS.length - 1),
                        Arbitraries.integers().between(0, 63), Arbitraries.integers().between(0, 63))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(14);
    }

    @Property(tries = 1000)
    void tapeGradientsMatchFiniteDifferences(@ForAll("graphs") List<Step> graph,
            @ForAll @DoubleRange(min = -1.5, max = 1.5) double a, @ForAll @DoubleRange(min = -1.5, max = 1.5) double b,
            @ForAll @DoubleRange(min = -1.5, max = 1.5) double v0, @ForAll @DoubleRange(min = -1.5, max = 1.5) double v1,
            @ForAll @DoubleRange(min = -1.5, max = 1.5) double v2) {
        double[] inputs = {a, b, v0, v1, v2};
        Tensor[] leaves = leaves(inputs, true);
        List<Double> kinks = new ArrayList<>();
        Tensor out = run(graph, leaves, kinks);
        Assume.that(out.requiresGrad() && Math.abs(out.item()) < 1e6);
        List<Double> sides = kinks.stream().map(Math::signum).toList();
        out.backward(true);
        double[] tape = gradients(leaves);

        for (int i = 0; i < inputs.length; i++) {
            int at = i;
            double[] fd = richardson(x -> {
                double[] shifted = inputs.clone();
                shifted[at] = x;
                List<Double> kinksHere = new ArrayList<>();
                GradMode off = Tensor.noGrad();
                double value;
                try {
                    value = run(graph, leaves(shifted, false), kinksHere).item();
                } finally {
                    off.close();
                }
                // finite differences mean nothing across a kink of abs or relu
                return kinksHere.stream().map(Math::signum).toList().equals(sides) ? value : Double.NaN;
            }, inputs[i]);
            Assume.that(Double.isFinite(fd[0]) && fd[1] < 1e-4 * (1 + Math.abs(fd[0])));
            double tolerance = 1e-6 * (1 + Math.abs(fd[0])) + 10 * fd[1];
            assertTrue(Math.abs(tape[i] - fd[0]) <= tolerance, () -> "input " + at + ": tape " + tape[at]
                    + " vs finite differences " + fd[0] + " (tolerance " + tolerance + ")\n" + describe(graph));
        }

        // a second backward through the retained graph adds the same gradients again
        out.backward();
        double[] twice = gradients(leaves);
        for (int i = 0; i < inputs.length; i++) {
            assertEquals(2 * tape[i], twice[i], 0.0, "accumulation across backward calls, input " + i);
        }
    }

    private static Tensor[] leaves(double[] in, boolean requiresGrad) {
        return new Tensor[] {
            Tensor.scalar(in[0]).requiresGrad(requiresGrad),
            Tensor.scalar(in[1]).requiresGrad(requiresGrad),
            Tensor.vector(in[2], in[3], in[4]).requiresGrad(requiresGrad)};
    }

    /** d/dx_i of each leaf element, in the order a, b, v0, v1, v2 (0 where no gradient arrived). */
    private static double[] gradients(Tensor[] leaves) {
        double[] out = new double[5];
        out[0] = leaves[0].grad() == null ? 0 : leaves[0].grad().item();
        out[1] = leaves[1].grad() == null ? 0 : leaves[1].grad().item();
        for (int k = 0; k < 3; k++) {
            out[2 + k] = leaves[2].grad() == null ? 0 : leaves[2].grad().get(k);
        }
        return out;
    }

    /** Runs the graph; returns its last tensor summed to a scalar. Records the arguments of abs and relu. */
    static Tensor run(List<Step> graph, Tensor[] leaves, List<Double> kinks) {
        List<Tensor> nodes = new ArrayList<>(List.of(leaves));
        for (Step s : graph) {
            Tensor x = nodes.get(s.left() % nodes.size());
            Tensor y = nodes.get(s.right() % nodes.size());
            nodes.add(apply(OPS[s.op()], x, y, kinks));
        }
        Tensor last = nodes.get(nodes.size() - 1);
        return last.dim() == 0 ? last : last.sum();
    }

    private static Tensor apply(String op, Tensor x, Tensor y, List<Double> kinks) {
        return switch (op) {
            case "add" -> x.add(y);
            case "sub" -> x.sub(y);
            case "mul" -> x.mul(y);
            case "div" -> x.div(y.mul(y).add(1.0)); // a denominator >= 1
            case "pow" -> x.mul(x).add(1.0).pow(y.tanh()); // a positive base
            case "neg" -> x.neg();
            case "sin" -> x.sin();
            case "cos" -> x.cos();
            case "tanh" -> x.tanh();
            case "exp" -> x.tanh().exp();
            case "log" -> x.mul(x).add(0.5).log();
            case "sqrt" -> x.mul(x).add(0.5).sqrt();
            case "square" -> x.pow(2);
            case "cube" -> x.pow(3);
            case "sigmoid" -> x.sigmoid();
            case "abs" -> {
                record(x, kinks);
                yield x.abs();
            }
            case "relu" -> {
                record(x, kinks);
                yield x.relu();
            }
            case "addConst" -> x.add(0.75);
            case "mulConst" -> x.mul(-1.25);
            case "sum" -> x.sum();
            case "mean" -> x.mean();
            case "dot" -> x.dim() == 1 && y.dim() == 1 ? x.dot(y) : x.mul(y);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static void record(Tensor x, List<Double> kinks) {
        for (double v : x.toArray()) {
            kinks.add(v);
        }
    }

    /** Central differences at steps h, h/2, h/4, extrapolated; returns {estimate, error estimate}. */
    private static double[] richardson(java.util.function.DoubleUnaryOperator f, double x) {
        double h = 1e-3;
        double[] d = new double[3];
        for (int level = 0; level < 3; level++) {
            double step = h / (1 << level);
            d[level] = (f.applyAsDouble(x + step) - f.applyAsDouble(x - step)) / (2 * step);
        }
        double r1 = (4 * d[1] - d[0]) / 3;
        double r2 = (4 * d[2] - d[1]) / 3;
        double best = (16 * r2 - r1) / 15;
        return new double[] {best, Math.abs(best - r2)};
    }

    private static String describe(List<Step> graph) {
        StringBuilder out = new StringBuilder("t0 = a, t1 = b, t2 = v\n");
        int n = 3;
        for (Step s : graph) {
            out.append('t').append(n).append(" = ").append(OPS[s.op()]).append("(t").append(s.left() % n)
                    .append(", t").append(s.right() % n).append(")\n");
            n++;
        }
        return out.toString();
    }
}
