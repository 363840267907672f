package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * In PyTorch a gradient is computed by the same formula with and without create_graph, so both
 * give the same bits. The tape computes each twice (loops over arrays, and tape operations that
 * record), so random programs over 0., -0., ±1, 2 and 0.5 must give bit-identical gradients,
 * signed zeros and NaN included, both ways. (Matrix products are left out: their recorded form is
 * an mm whose sums PyTorch's BLAS orders its own way, a documented difference.) This is how the
 * -0. differences of nll_loss, select, mv and softmax under createGraph were found.
 */
class RecordedGradientBitsTest {

    private static final double[] VALUES = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5};
    private static final int[][] SHAPES = {{}, {1}, {3}, {1, 3}, {2, 1}, {2, 3}, {3, 2}};

    private record Op(String name, BinaryOperator<Tensor> f) {}

    private static final List<Op> OPS = List.of(
            new Op("add", Tensor::add), new Op("sub", Tensor::sub), new Op("mul", Tensor::mul),
            new Op("div", (a, b) -> a.div(b.add(3))), new Op("pow", (a, b) -> a.abs().pow(b)),
            new Op("neg", (a, b) -> a.neg()), new Op("sin", (a, b) -> a.sin()), new Op("cos", (a, b) -> a.cos()),
            new Op("relu", (a, b) -> a.relu()), new Op("abs", (a, b) -> a.abs()), new Op("square", (a, b) -> a.pow(2)),
            new Op("cube", (a, b) -> a.pow(3)), new Op("pow0", (a, b) -> a.pow(0)), new Op("tanh", (a, b) -> a.tanh()),
            new Op("sigmoid", (a, b) -> a.sigmoid()), new Op("exp", (a, b) -> a.exp()),
            new Op("sum", (a, b) -> a.sum()), new Op("mean", (a, b) -> a.mean()),
            new Op("sum0", (a, b) -> a.dim() > 0 ? a.sum(0) : a.sum()),
            new Op("meanLastKeep", (a, b) -> a.dim() > 0 ? a.mean(-1, true) : a.mean()),
            new Op("softmax", (a, b) -> a.dim() > 0 ? a.softmax(-1) : a.softmax(0)),
            new Op("logSoftmax", (a, b) -> a.dim() > 0 ? a.logSoftmax(0) : a.logSoftmax(0)),
            new Op("t", (a, b) -> a.t()), new Op("select", (a, b) -> a.dim() > 0 ? a.select(0, 0) : a),
            new Op("reshape", (a, b) -> a.reshape(-1)), new Op("unsqueeze", (a, b) -> a.dim() < 2 ? a.unsqueeze(0) : a),
            new Op("squeeze", (a, b) -> a.dim() > 0 ? a.squeeze(0) : a), new Op("clone", (a, b) -> a.clone()),
            new Op("mulMinusZero", (a, b) -> a.mul(-0.0)), new Op("divConst", (a, b) -> a.div(-2)),
            new Op("nll", (a, b) -> a.dim() == 2 ? Tensor.nllLoss(a, new int[a.size(0)]) : a.dim() == 1
                    ? Tensor.nllLoss(a, 0) : a),
            new Op("dot", (a, b) -> a.dim() == 1 && b.dim() == 1 && a.numel() == b.numel() ? a.dot(b) : a),
            new Op("clamp", (a, b) -> a.clamp(-0.5, 1)), new Op("sign", (a, b) -> a.sign()),
            new Op("max", (a, b) -> a.max()), new Op("amin", (a, b) -> a.dim() > 0 ? a.amin(-1, true) : a),
            new Op("amax", (a, b) -> a.dim() > 0 ? a.amax(0) : a), new Op("norm", (a, b) -> a.norm()));

    @Test
    void firstOrderAndRecordedGradientsHaveTheSameBits() {
        Random seeds = new Random(20261201);
        int compared = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            long seed = seeds.nextLong();
            String first = run(seed, false), recorded = run(seed, true);
            if (first != null) {
                compared++;
                assertEquals(first, recorded, "program " + seed + ": " + program(seed));
            }
        }
        assertEquals(true, compared > 10_000, "most programs reach a gradient: " + compared);
    }

    private static Tensor random(Random r, int[] shape) {
        double[] v = new double[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = VALUES[r.nextInt(VALUES.length)];
        }
        return new Tensor(v, shape);
    }

    /** The leaves' gradients, bit for bit ("none" for a leaf without), or null if the program fails or records nothing. */
    private static String run(long seed, boolean createGraph) {
        Random r = new Random(seed);
        Tensor[] leaves = {random(r, SHAPES[r.nextInt(SHAPES.length)]).requiresGrad(true),
            random(r, SHAPES[r.nextInt(SHAPES.length)]).requiresGrad(true)};
        List<Tensor> values = new ArrayList<>(List.of(leaves));
        try {
            int steps = 1 + r.nextInt(4);
            for (int k = 0; k < steps; k++) {
                Op op = OPS.get(r.nextInt(OPS.size()));
                values.add(op.f().apply(values.get(r.nextInt(values.size())), values.get(r.nextInt(values.size()))));
            }
            Tensor last = values.get(values.size() - 1);
            if (!last.requiresGrad()) {
                return null;
            }
            last.backward(random(r, last.shape), false, createGraph);
        } catch (RuntimeException e) { // shapes that do not fit: both ways alike
            return null;
        }
        StringBuilder bits = new StringBuilder(); // doubleToLongBits: one NaN for all NaNs
        for (Tensor leaf : leaves) {
            Tensor g = leaf.grad();
            if (g == null) {
                bits.append("none");
            }
            for (int i = 0; g != null && i < g.numel(); i++) {
                bits.append(Long.toHexString(Double.doubleToLongBits(g.get(i)))).append(',');
            }
            bits.append('|');
        }
        return bits.toString();
    }

    private static String program(long seed) {
        Random r = new Random(seed);
        StringBuilder p = new StringBuilder();
        int[] s0 = SHAPES[r.nextInt(SHAPES.length)];
        p.append("x0 = ").append(random(r, s0)).append("; ");
        int[] s1 = SHAPES[r.nextInt(SHAPES.length)];
        p.append("x1 = ").append(random(r, s1)).append("; ");
        int steps = 1 + r.nextInt(4);
        for (int k = 0; k < steps; k++) {
            p.append("t").append(k + 2).append(" = ").append(OPS.get(r.nextInt(OPS.size())).name())
                    .append("(t").append(r.nextInt(k + 2)).append(", t").append(r.nextInt(k + 2)).append("); ");
        }
        return p.toString();
    }
}
