package dev.adjoint;

import java.util.Arrays;

/**
 * Elementwise operations of two tensors, with broadcasting. An operand whose shape differs from
 * the result's is first expanded to it (a copy), so every loop below runs over arrays of one
 * length; backward then sums the expanded gradient back to the operand's shape
 * ({@link Reductions#sumToInto}), which is how a bias broadcast over rows collects one gradient
 * per column.
 *
 * <p>Saved values follow PyTorch's derivatives.yaml: {@code a·b} saves b only if a needs a
 * gradient and a only if b does, so changing the other operand in place afterwards is allowed.
 */
final class Binary {

    private Binary() {}

    /** The operations; the fast loops are spelled out per operation so each compiles to a tight loop. */
    enum Op {
        ADD("AddBackward0"), SUB("SubBackward0"), MUL("MulBackward0"), DIV("DivBackward0"), POW("PowBackward1");

        final String gradFn;

        Op(String gradFn) {
            this.gradFn = gradFn;
        }
    }

    /** Runs {@code op} on a and b, recording a node if either requires grad and grad mode is on. */
    static Tensor apply(Op op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(a.shape, b.shape);
        double[] av = expand(a, shape), bv = expand(b, shape);
        double[] y = new double[av.length];
        forward(op, av, bv, y);
        Tensor out = new Tensor(y, shape);
        if (!Tensor.recording(a, b)) {
            return out;
        }
        return out.attach(op == Op.POW ? new PowNode(a, b, out) : new BinaryNode(op, a, b, out));
    }

    /** {@code a op= b} into a's own array (b already expanded to a's shape), for the in-place operations. */
    static void forwardInPlace(Op op, double[] a, double[] b) {
        forward(op, a, b, a);
    }

    private static void forward(Op op, double[] a, double[] b, double[] y) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < y.length; i++) {
                    y[i] = a[i] + b[i];
                }
            }
            case SUB -> {
                for (int i = 0; i < y.length; i++) {
                    y[i] = a[i] - b[i];
                }
            }
            case MUL -> {
                for (int i = 0; i < y.length; i++) {
                    y[i] = a[i] * b[i];
                }
            }
            case DIV -> {
                for (int i = 0; i < y.length; i++) {
                    y[i] = a[i] / b[i];
                }
            }
            case POW -> {
                for (int i = 0; i < y.length; i++) {
                    y[i] = Unary.powC(a[i], b[i]);
                }
            }
        }
    }

    /** t's values in the broadcast {@code shape}: its own array if the shape is already t's. */
    static double[] expand(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape, shape)) {
            return t.data;
        }
        int[] index = Shapes.broadcastIndex(t.shape, shape);
        double[] out = new double[index.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.data[index[i]];
        }
        return out;
    }

    /**
     * PyTorch's {@code where(keep, g, 0)} for a constant mask: g where {@code keep}, else 0 (not
     * {@code g·0}, which would keep a NaN). Recorded ({@code WhereBackward0}); its derivative masks
     * the same way.
     */
    static Tensor where(boolean[] keep, Tensor g) {
        return where(keep, g, null);
    }

    /**
     * {@link #where(boolean[], Tensor)} whose mask was read from {@code maskedBy}: the result
     * depends on it with derivative 0, as PyTorch's {@code threshold_backward(grad, self, 0)} on
     * self, so that relu's recorded gradient requires grad (and can be differentiated again, to 0)
     * even when the upstream is a constant.
     */
    static Tensor where(boolean[] keep, Tensor g, Tensor maskedBy) {
        double[] y = new double[g.data.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = keep[i] ? g.data[i] : 0;
        }
        Tensor out = g.withData(y);
        boolean record = maskedBy == null ? Tensor.recording(g) : Tensor.recording(g, maskedBy);
        return record ? out.attach(new WhereNode(keep, g, maskedBy)) : out;
    }

    /** The node of {@link #where}: input 0 is masked, input 1 (if any) gets gradient 0. */
    private static final class WhereNode extends Node {
        private final boolean[] keep;
        private final Node next0, next1;

        WhereNode(boolean[] keep, Tensor g, Tensor maskedBy) {
            this(keep, g.shape, g.gradientEdge(), maskedBy == null ? null : maskedBy.gradientEdge());
        }

        private WhereNode(boolean[] keep, int[] shape, Node next0, Node next1) {
            super(shape, above(next0, next1));
            this.keep = keep;
            this.next0 = next0;
            this.next1 = next1;
        }

        @Override
        int inputs() {
            return 2;
        }

        @Override
        Node next(int i) {
            return i == 0 ? next0 : next1;
        }

        @Override
        String name() {
            return "WhereBackward0";
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] != null) {
                for (int i = 0; i < up.length; i++) {
                    into[0][i] += keep[i] ? up[i] : 0;
                }
            }
            if (into[1] != null) {
                Engine.startSum(into[1]); // PyTorch's zeros: +0.0
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {where(keep, up), next1 == null ? null : Tensor.zeros(next1.shape)};
        }
    }

    /**
     * The node of a binary operation; also records the in-place {@code add_} and {@code sub_}. An
     * operand's shape is that of its edge, the node that receives its gradient.
     */
    static class BinaryNode extends Node.TwoInputs {
        private final Op op;
        private Tensor a, b;
        private final int aVersion, bVersion;

        /** a's and b's gradient edges are taken now, before an in-place operation changes a. */
        BinaryNode(Op op, Tensor a, Tensor b, Tensor out) {
            super(out.shape, a, b);
            this.op = op;
            boolean gradA = next0 != null, gradB = next1 != null;
            // what each gradient reads, as derivatives.yaml: d(a·b) needs b for a, a for b; d(a/b) needs
            // b for a, a and b for b; d(a^b) needs a and b (and the result for b: PowNode)
            boolean saveA = op == Op.MUL && gradB || op == Op.DIV && gradB || op == Op.POW;
            boolean saveB = op == Op.MUL && gradA || op == Op.DIV || op == Op.POW;
            this.a = saveA ? a : null;
            this.b = saveB ? b : null;
            this.aVersion = saveA ? a.version() : 0;
            this.bVersion = saveB ? b.version() : 0;
        }

        /** The saved result (pow only), version-checked. */
        Tensor savedOutput() {
            throw new AssertionError(op + " saves no output");
        }

        @Override
        String name() {
            return op.gradFn;
        }

        @Override
        boolean savesValues() {
            return op != Op.ADD && op != Op.SUB;
        }

        @Override
        void releaseValues() {
            a = null;
            b = null;
        }

        @Override
        boolean overwritesUpstream() {
            return true;
        }

        /**
         * b's gradient first, then a's, which may overwrite {@code up} ({@code into[0] == up}, see
         * {@link Node#overwritesUpstream}); but when a and b send to one node ({@code x - x} and the
         * like: one buffer), a's first, as PyTorch's engine adds a node's outputs into an input buffer
         * in order, so that three or more terms round as there. Each is formed at the broadcast
         * shape, then summed back to its operand's shape.
         */
        @Override
        void apply(double[] up, double[][] into) {
            double[] ga = into[0], gb = into[1];
            boolean needA = op == Op.POW || (op == Op.MUL || op == Op.DIV) && gb != null;
            boolean needB = op == Op.POW || op == Op.DIV || op == Op.MUL && ga != null;
            double[] av = needA ? operand(a, aVersion) : null;
            double[] bv = needB ? operand(b, bVersion) : null;
            if (ga != null && ga == gb) {
                gradientOfA(up, ga, av, bv);
                gradientOfB(up, gb, av, bv);
                return;
            }
            if (gb != null) {
                gradientOfB(up, gb, av, bv);
            }
            if (ga != null) {
                gradientOfA(up, ga, av, bv);
            }
        }

        private void gradientOfB(double[] up, double[] gb, double[] av, double[] bv) {
            int[] bShape = next1.shape;
            int n = up.length;
            double[] eb = Arrays.equals(bShape, shape) ? gb : new double[n];
            switch (op) {
                case ADD -> { // d(a+b)/db = 1
                    for (int i = 0; i < n; i++) {
                        eb[i] += up[i];
                    }
                }
                case SUB -> { // d(a-b)/db = -1
                    for (int i = 0; i < n; i++) {
                        eb[i] -= up[i];
                    }
                }
                case MUL -> { // d(ab)/db = a
                    for (int i = 0; i < n; i++) {
                        eb[i] += up[i] * av[i];
                    }
                }
                case DIV -> { // d(a/b)/db = -a/b², as PyTorch rounds it: -up·((a/b)/b)
                    for (int i = 0; i < n; i++) {
                        eb[i] += -up[i] * (av[i] / bv[i] / bv[i]);
                    }
                }
                case POW -> { // d(a^b)/db = a^b·ln(a), taken as 0 where a == 0 and b >= 0: up·where(...)
                    double[] y = savedOutput().data;
                    for (int i = 0; i < n; i++) {
                        eb[i] += up[i] * (av[i] == 0 && bv[i] >= 0 ? 0 : y[i] * Math.log(av[i]));
                    }
                }
            }
            if (eb != gb) {
                Reductions.sumToInto(eb, shape, gb, bShape);
            }
        }

        private void gradientOfA(double[] up, double[] ga, double[] av, double[] bv) {
            int[] aShape = next0.shape;
            int n = up.length;
            boolean assign = ga == up; // overwrite the upstream with a's gradient
            double[] ea = assign || Arrays.equals(aShape, shape) ? ga : new double[n];
            switch (op) {
                case ADD, SUB -> { // d(a±b)/da = 1
                    for (int i = 0; !assign && i < n; i++) {
                        ea[i] += up[i];
                    }
                }
                case MUL -> { // d(ab)/da = b
                    for (int i = 0; i < n; i++) {
                        double d = up[i] * bv[i];
                        ea[i] = assign ? d : ea[i] + d;
                    }
                }
                case DIV -> { // d(a/b)/da = 1/b
                    for (int i = 0; i < n; i++) {
                        double d = up[i] / bv[i];
                        ea[i] = assign ? d : ea[i] + d;
                    }
                }
                case POW -> { // d(a^b)/da = b·a^(b-1), taken as 0 where b == 0 (PyTorch's where)
                    for (int i = 0; i < n; i++) {
                        double d = bv[i] == 0 ? 0 : up[i] * (bv[i] * Unary.powC(av[i], bv[i] - 1));
                        ea[i] = assign ? d : ea[i] + d;
                    }
                }
            }
            if (ea != ga) {
                Reductions.sumToInto(ea, shape, ga, aShape);
            } else if (assign && !Arrays.equals(aShape, shape)) {
                Engine.startSum(ga); // [n] from [1, n]: PyTorch sums over the size-1 dim, from +0.0
            }
        }

        /**
         * d(a±b) is ±1 and d(a·b) the other operand, for an input of the output's shape (a
         * broadcast one sums its gradient instead).
         */
        @Override
        Factor factor(int i) {
            if (!Arrays.equals(next(i).shape, shape)) {
                return null;
            }
            return switch (op) {
                case ADD -> Factor.ONE;
                case SUB -> i == 0 ? Factor.ONE : Factor.MINUS_ONE;
                case MUL -> new Factor(1, i == 0 ? operand(b, bVersion) : operand(a, aVersion));
                case DIV, POW -> null;
            };
        }

        /** A saved operand, version-checked, expanded to the output's shape. */
        private double[] operand(Tensor t, int version) {
            return expand(unpack(t, version, false), shape);
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            boolean gradA = next0 != null, gradB = next1 != null;
            Tensor ga = null, gb = null;
            switch (op) {
                case ADD -> {
                    ga = up;
                    gb = up;
                }
                case SUB -> {
                    ga = up;
                    gb = gradB ? up.neg() : null;
                }
                case MUL -> {
                    ga = gradA ? up.mul(unpack(b, bVersion, false)) : null;
                    gb = gradB ? up.mul(unpack(a, aVersion, false)) : null;
                }
                case DIV -> {
                    Tensor bt = unpack(b, bVersion, false);
                    ga = gradA ? up.div(bt) : null;
                    gb = gradB ? up.neg().mul(unpack(a, aVersion, false).div(bt).div(bt)) : null;
                }
                case POW -> {
                    Tensor at = unpack(a, aVersion, false), bt = unpack(b, bVersion, false);
                    double[] av = expand(at, shape), bv = expand(bt, shape);
                    if (gradA) {
                        boolean[] keep = new boolean[av.length];
                        for (int i = 0; i < keep.length; i++) {
                            keep[i] = bv[i] != 0;
                        }
                        ga = where(keep, up.mul(bt.mul(at.pow(bt.sub(1.0)))));
                    }
                    if (gradB) {
                        boolean[] keep = new boolean[av.length];
                        for (int i = 0; i < keep.length; i++) {
                            keep[i] = !(av[i] == 0 && bv[i] >= 0);
                        }
                        gb = up.mul(where(keep, savedOutput().mul(at.log()))); // a NaN upstream stays NaN
                    }
                }
            }
            return new Tensor[] {
                gradA ? sumTo(ga, next0.shape) : null,
                gradB ? sumTo(gb, next1.shape) : null};
        }
    }

    /** a^b for tensors a and b: it also saves its result when b needs a gradient, as PyTorch ({@code PowBackward1}). */
    private static final class PowNode extends BinaryNode {
        private Tensor out;
        private final int outVersion;

        PowNode(Tensor a, Tensor b, Tensor out) {
            super(Op.POW, a, b, out);
            this.out = next1 != null ? out : null;
            this.outVersion = out.version();
        }

        @Override
        Tensor savedOutput() {
            return unpack(out, outVersion, true);
        }

        @Override
        void releaseValues() {
            super.releaseValues();
            out = null;
        }
    }
}
