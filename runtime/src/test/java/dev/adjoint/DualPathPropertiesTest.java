package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
 * Every node computes its derivative twice: as loops over arrays (backward) and as tape operations
 * (createGraph). Random graphs over a scalar, a vector and a matrix leaf (broadcasting,
 * reductions along dims, softmax, matmul, select, reshape) must give the same gradient both ways,
 * and the recorded one must differentiate again: its Hessian-vector product must match central
 * differences of the gradient.
 */
class DualPathPropertiesTest {

    record Step(int op, int left, int right, int dim) {}

    private static final String[] OPS = {
        "add", "sub", "mul", "div", "pow", "neg", "sin", "cos", "tanh", "exp", "log", "sqrt", "sigmoid", "square",
        "cube", "sum", "mean", "sumDim", "meanDim", "softmax", "logSoftmax", "t", "matmul", "reshape", "select",
        "addConst", "divConst"};

    @Provide
    Arbitrary<List<Step>> graphs() {
        return Combinators.combine(Arbitraries.integers().between(0, OPS.length - 1),
                        Arbitraries.integers().between(0, 63), Arbitraries.integers().between(0, 63),
                        Arbitraries.integers().between(0, 3))
                .as(Step::new).list().ofMinSize(1).ofMaxSize(10);
    }

    /**
     * The point of evaluation. No row, column or vector sums to exactly 0: pow's gradient for the
     * base is PyTorch's {@code where(exponent == 0, 0, ...)}, whose own derivative drops the cross
     * term at exactly 0, where central differences would not.
     */
    private static final double[] START = {0.4, -0.3, 0.8, 1.1, 0.2, -0.6, 0.9, -1.2, 0.5, 0.65};

    private static Tensor[] leaves(double[] in) {
        return new Tensor[] {
            Tensor.scalar(in[0]).requiresGrad(true),
            Tensor.vector(in[1], in[2], in[3]).requiresGrad(true),
            Tensor.vector(in[4], in[5], in[6], in[7], in[8], in[9]).reshape(2, 3).requiresGrad(true)};
    }

    /** Every tensor the graph computes, each summed to a scalar, added up: so that every step is on the path. */
    static Tensor run(List<Step> graph, Tensor[] leaves) {
        List<Tensor> nodes = new ArrayList<>(List.of(leaves));
        Tensor total = Tensor.scalar(0);
        for (Step s : graph) {
            Tensor x = nodes.get(s.left() % nodes.size());
            Tensor y = nodes.get(s.right() % nodes.size());
            Tensor z = apply(OPS[s.op()], x, y, s.dim());
            nodes.add(z);
            total = total.add(z.dim() == 0 ? z : z.sum());
        }
        return total;
    }

    private static boolean broadcasts(Tensor x, Tensor y) {
        try {
            Shapes.broadcast(x.shape, y.shape);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Tensor apply(String op, Tensor x, Tensor y, int dim) {
        boolean pair = broadcasts(x, y);
        int d = x.dim() == 0 ? 0 : dim % x.dim();
        return switch (op) {
            case "add" -> pair ? x.add(y) : x.sin();
            case "sub" -> pair ? x.sub(y) : x.cos();
            case "mul" -> pair ? x.mul(y) : x.tanh();
            case "div" -> pair ? x.div(y.mul(y).add(1.0)) : x.neg();
            // an exponent of exactly 0 (a graph can make one: 0.2 + 0.2 - 0.4) is where pow's gradient
            // for the base is PyTorch's where(exponent == 0, 0, ...), whose derivative drops a cross
            // term that central differences keep (PyTorch 2.13 gives the same double backward there).
            // Near 0, not only at it: the points of the central differences, 1e-5 away, must build the
            // same graph (a jqwik run found pow at them and sigmoid at the centre)
            case "pow" -> pair && Arrays.stream(y.toArray()).noneMatch(e -> Math.abs(e) < 1e-3)
                    ? x.mul(x).add(1.0).pow(y.tanh()) : x.sigmoid();
            case "neg" -> x.neg();
            case "sin" -> x.sin();
            case "cos" -> x.cos();
            case "tanh" -> x.tanh();
            case "exp" -> x.tanh().exp();
            case "log" -> x.mul(x).add(0.5).log();
            case "sqrt" -> x.mul(x).add(0.5).sqrt();
            case "sigmoid" -> x.sigmoid();
            case "square" -> x.pow(2);
            case "cube" -> x.pow(3);
            case "sum" -> x.sum();
            case "mean" -> x.mean();
            case "sumDim" -> x.sum(d, dim >= 2);
            case "meanDim" -> x.mean(d, dim >= 2);
            case "softmax" -> x.softmax(d);
            case "logSoftmax" -> x.logSoftmax(d);
            case "t" -> x.t();
            case "matmul" -> x.dim() > 0 && y.dim() > 0 && x.shape[x.dim() - 1] == y.shape[0] ? x.matmul(y).div(3.0)
                    : x.mul(0.5);
            case "reshape" -> x.reshape(-1);
            case "select" -> x.dim() > 0 ? x.select(d, -1) : x.add(x);
            case "addConst" -> x.add(0.75);
            case "divConst" -> x.div(-1.25);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static double[] flat(Tensor[] gradients, Tensor[] leaves) {
        double[] out = new double[10];
        int k = 0;
        for (int i = 0; i < leaves.length; i++) {
            for (int j = 0; j < leaves[i].numel(); j++, k++) {
                out[k] = gradients[i] == null ? 0 : gradients[i].get(j);
            }
        }
        return out;
    }

    private static double[] firstOrder(List<Step> graph, double[] at) {
        Tensor[] leaves = leaves(at);
        Tensor out = run(graph, leaves);
        if (!out.requiresGrad()) {
            return new double[10];
        }
        return flat(Tensor.grad(new Tensor[] {out}, leaves, GradOptions.defaults().allowUnused(true)), leaves);
    }

    @Property(tries = 400)
    void backwardAndTheRecordedBackwardAgree(@ForAll("graphs") List<Step> graph) {
        Tensor[] leaves = leaves(START);
        Tensor out = run(graph, leaves);
        Assume.that(out.requiresGrad() && Double.isFinite(out.item()));
        out.backward(null, true, false);
        Tensor[] fast = {leaves[0].grad(), leaves[1].grad(), leaves[2].grad()};
        Tensor[] recorded = Tensor.grad(new Tensor[] {out}, leaves,
                GradOptions.defaults().createGraph(true).allowUnused(true));
        double[] a = flat(fast, leaves), b = flat(recorded, leaves);
        for (int i = 0; i < a.length; i++) {
            double tolerance = 1e-12 * (1 + Math.abs(a[i]));
            int at = i;
            assertTrue(Math.abs(a[i] - b[i]) <= tolerance, () -> "element " + at + ": backward " + a[at]
                    + " vs recorded " + b[at] + "\n" + graph);
        }
    }

    @Property(tries = 300)
    void theRecordedGradientDifferentiatesAgain(@ForAll("graphs") List<Step> graph,
            @ForAll @DoubleRange(min = -1, max = 1) double v0, @ForAll @DoubleRange(min = -1, max = 1) double v1) {
        double[] v = new double[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 2 == 0 ? v0 : v1) * (1 + 0.1 * i);
        }
        Tensor[] leaves = leaves(START);
        Tensor out = run(graph, leaves);
        Assume.that(out.requiresGrad() && Double.isFinite(out.item()) && Math.abs(out.item()) < 1e4);
        Tensor[] g = Tensor.grad(new Tensor[] {out}, leaves, GradOptions.defaults().createGraph(true).allowUnused(true));
        Tensor gv = Tensor.scalar(0);
        int k = 0;
        for (int i = 0; i < leaves.length; i++) {
            double[] part = new double[leaves[i].numel()];
            for (int j = 0; j < part.length; j++) {
                part[j] = v[k++];
            }
            if (g[i] != null) {
                gv = gv.add(g[i].mul(leaves[i].withData(part)).sum());
            }
        }
        double[] hvp = gv.requiresGrad()
                ? flat(Tensor.grad(new Tensor[] {gv}, leaves, GradOptions.defaults().allowUnused(true)), leaves)
                : new double[10];
        double h = 1e-5;
        double[] plus = START.clone(), minus = START.clone();
        for (int i = 0; i < 10; i++) {
            plus[i] += h * v[i];
            minus[i] -= h * v[i];
        }
        double[] gp = firstOrder(graph, plus), gm = firstOrder(graph, minus);
        for (int i = 0; i < 10; i++) {
            double numeric = (gp[i] - gm[i]) / (2 * h);
            Assume.that(Double.isFinite(numeric));
            double tolerance = 1e-5 * (1 + Math.abs(numeric));
            int at = i;
            assertTrue(Math.abs(hvp[i] - numeric) <= tolerance, () -> "element " + at + ": double backward "
                    + hvp[at] + " vs central differences of the gradient " + numeric + "\n" + graph);
        }
    }

    /**
     * Graphs a jqwik run found: an exponent exactly 0 at the point (2·0.2 − 0.4) but not at the
     * points of the central differences, which built pow there and sigmoid at the centre. The
     * choice is now made with a margin, the same at all three points.
     */
    @org.junit.jupiter.api.Test
    void aGraphChoosesTheSameOperationsAtThePointsOfTheDifferences() {
        theRecordedGradientDifferentiatesAgain(List.of(new Step(0, 2, 2, 0), new Step(0, 0, 0, 0), new Step(1, 3, 0, 0),
                new Step(0, 0, 0, 0), new Step(0, 0, 0, 0), new Step(4, 0, 5, 0)), 0.01, 0.0);
        theRecordedGradientDifferentiatesAgain(List.of(new Step(3, 17, 50, 3), new Step(12, 10, 17, 3),
                new Step(1, 63, 0, 0), new Step(2, 62, 63, 2), new Step(21, 59, 2, 2), new Step(4, 18, 29, 2)), 0.23,
                0.35);
    }
}
