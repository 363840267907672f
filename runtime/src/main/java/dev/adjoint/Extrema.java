package dev.adjoint;

/**
 * The operations whose derivative picks elements or has a kink: {@code clamp}, the maximum and
 * minimum of all elements ({@code max()}, {@code min()}) and along a dimension ({@code amax},
 * {@code amin}), and the 2-norm ({@code norm()}, not differentiable at 0).
 * Their gradients at bounds and ties are PyTorch's (derivatives.yaml, FunctionsManual.cpp):
 * clamp passes the gradient at the bounds themselves; {@code max()} shares it evenly among tied
 * elements; {@code amax} scales it by the count of ties and multiplies by the tie mask.
 */
final class Extrema {

    private Extrema() {}

    /**
     * A node that saves what derivatives.yaml saves for it (clamp: self; max, min, amax, amin: self
     * and result), so that changing either in place before backward is refused and a second
     * backward needs retainGraph, as in PyTorch. Its gradient itself reads masks taken at the
     * forward pass.
     */
    private abstract static class SavingNode extends Node.OneInput {
        private Tensor input, output;
        private final int inputVersion, outputVersion;

        SavingNode(int[] outShape, Tensor x, Tensor out) {
            super(outShape, x);
            this.input = x;
            this.output = out;
            this.inputVersion = x.version();
            this.outputVersion = out == null ? -1 : out.version();
        }

        /** Checks the saved values (throws if changed in place or released). */
        final void checkSaved() {
            savedInput();
            if (outputVersion >= 0) {
                savedOutput();
            }
        }

        final Tensor savedInput() {
            return unpack(input, inputVersion, false);
        }

        final Tensor savedOutput() {
            return unpack(output, outputVersion, true);
        }

        @Override
        final boolean savesValues() {
            return true;
        }

        @Override
        final void releaseValues() {
            input = null;
            output = null;
        }
    }

    // ---------------------------------------------------------------- clamp

    /**
     * {@code min(max(x, lo), hi)} elementwise as PyTorch's CPU kernel ({@code std::min(std::max(x, lo), hi)}:
     * NaN stays NaN, and {@code x} is kept when it equals a bound, -0. included) ({@code ClampBackward1}).
     */
    static Tensor clamp(Tensor x, double lo, double hi) {
        double[] y = new double[x.numel()];
        for (int i = 0; i < y.length; i++) {
            double v = x.data[i];
            double m = v < lo ? lo : v; // std::max(v, lo) = (v < lo) ? lo : v
            y[i] = hi < m ? hi : m; // std::min(m, hi) = (hi < m) ? hi : m
        }
        Tensor out = x.withData(y);
        if (!Tensor.recording(x)) {
            return out;
        }
        // clamp_backward: where(self >= min & self <= max, grad, 0), the mask read now from the input
        boolean[] keep = new boolean[y.length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = x.data[i] >= lo && x.data[i] <= hi;
        }
        return out.attach(new MaskNode("ClampBackward1", x, keep));
    }

    /**
     * {@code grad} where {@code keep}, else 0 (PyTorch's {@code where(mask, grad, 0)}, not
     * {@code grad·mask}: a NaN gradient stays out of the masked elements). It saves the input, as
     * PyTorch's clamp saves self.
     */
    private static final class MaskNode extends SavingNode {
        private final String name;
        private final boolean[] keep;

        MaskNode(String name, Tensor x, boolean[] keep) {
            super(x.shape, x, null);
            this.name = name;
            this.keep = keep;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void apply(double[] up, double[][] into) {
            checkSaved();
            if (into[0] != null) {
                for (int i = 0; i < up.length; i++) {
                    into[0][i] += keep[i] ? up[i] : 0.0;
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            checkSaved();
            return new Tensor[] {Binary.where(keep, up)};
        }
    }

    // ---------------------------------------------------------------- max() and min() of all elements

    /**
     * The largest (or smallest) element, NaN if any is NaN ({@code MaxBackward1}, {@code MinBackward1}).
     * Its gradient is PyTorch's evenly_distribute_backward: {@code up / count} at each element equal
     * to the result (each NaN if the result is NaN), +0. elsewhere.
     */
    static Tensor all(Tensor x, boolean max) {
        String op = max ? "max" : "min";
        if (x.numel() == 0) {
            throw new IllegalArgumentException(op + "(): Expected reduction dim to be specified for input.numel() == 0. "
                    + "Specify the reduction dim with the 'dim' argument.");
        }
        double best = x.data[0];
        for (double v : x.data) {
            if (Double.isNaN(v)) {
                best = v;
                break;
            }
            if (max ? v > best : v < best) {
                best = v;
            }
        }
        Tensor out = new Tensor(new double[] {best}, Shapes.SCALAR);
        if (!Tensor.recording(x)) {
            return out;
        }
        boolean nan = Double.isNaN(best);
        boolean[] tie = new boolean[x.numel()];
        int count = 0;
        for (int i = 0; i < tie.length; i++) {
            tie[i] = nan ? Double.isNaN(x.data[i]) : x.data[i] == best;
            count += tie[i] ? 1 : 0;
        }
        return out.attach(new ShareNode(max ? "MaxBackward1" : "MinBackward1", x, out, tie, count));
    }

    /** The node of {@link #all}: {@code up / count} into each tied element. */
    private static final class ShareNode extends SavingNode {
        private final String name;
        private final boolean[] tie;
        private final int count;

        ShareNode(String name, Tensor x, Tensor out, boolean[] tie, int count) {
            super(Shapes.SCALAR, x, out);
            this.name = name;
            this.tie = tie;
            this.count = count;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void apply(double[] up, double[][] into) {
            checkSaved();
            if (into[0] != null) {
                double share = up[0] / count;
                for (int i = 0; i < tie.length; i++) {
                    into[0][i] += tie[i] ? share : 0.0;
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            checkSaved();
            // grad.new_zeros(sizes).masked_fill_(mask, grad / mask.sum()): the share spread, then masked
            return new Tensor[] {Binary.where(tie, Reductions.expandTo(up.div(count), next0.shape))};
        }
    }

    // ---------------------------------------------------------------- amax and amin along a dimension

    /**
     * The largest (or smallest) element along {@code dim}, NaN in a slice holding one
     * ({@code AmaxBackward0}, {@code AminBackward0}). Its gradient is PyTorch's scale_grad_by_count:
     * {@code (up / count) * mask}, with mask the elements equal to their slice's result and count
     * the mask's sum along dim: ties share the gradient, the other elements get {@code (up / count)·0}
     * (a -0. for a negative up, as PyTorch's product gives).
     */
    static Tensor along(Tensor x, int dim, boolean keepdim, boolean max) {
        int d = Shapes.wrapDim(dim, x.dim());
        String op = max ? "amax" : "amin";
        if (x.dim() > 0 && x.shape[d] == 0) {
            throw new IndexOutOfBoundsException(op + "(): Expected reduction dim " + d + " to have non-zero size.");
        }
        int[] kept = Shapes.reduce(x.shape, d, true);
        int[] index = Shapes.broadcastIndex(kept, x.shape);
        double[] y = new double[Shapes.numel(kept)];
        boolean[] seen = new boolean[y.length];
        for (int i = 0; i < index.length; i++) {
            int k = index[i];
            double v = x.data[i];
            if (!seen[k]) {
                y[k] = v;
                seen[k] = true;
            } else if (!Double.isNaN(y[k]) && (Double.isNaN(v) || (max ? v > y[k] : v < y[k]))) {
                y[k] = v; // a NaN, once in, stays
            }
        }
        Tensor out = new Tensor(y, Shapes.reduce(x.shape, d, keepdim));
        if (!Tensor.recording(x)) {
            return out;
        }
        double[] mask = new double[x.numel()];
        double[] count = new double[y.length];
        for (int i = 0; i < index.length; i++) {
            if (x.data[i] == y[index[i]]) { // restore_reduced_dims(result) == self: a NaN equals nothing
                mask[i] = 1;
                count[index[i]]++;
            }
        }
        return out.attach(new CountNode(max ? "AmaxBackward0" : "AminBackward0", x, out, kept, index, mask, count));
    }

    /** The node of {@link #along}: {@code (up / count) * mask}, up restored to the kept shape. */
    private static final class CountNode extends SavingNode {
        private final String name;
        private final int[] kept;
        private final int[] index;
        private final double[] mask;
        private final double[] count;

        CountNode(String name, Tensor x, Tensor out, int[] kept, int[] index, double[] mask, double[] count) {
            super(out.shape, x, out);
            this.name = name;
            this.kept = kept;
            this.index = index;
            this.mask = mask;
            this.count = count;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void apply(double[] up, double[][] into) {
            checkSaved();
            if (into[0] != null) {
                for (int i = 0; i < index.length; i++) {
                    into[0][i] += up[index[i]] / count[index[i]] * mask[i];
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            checkSaved();
            Tensor restored = up.reshape(kept);
            return new Tensor[] {restored.div(new Tensor(count.clone(), kept)).mul(new Tensor(mask.clone(), next0.shape))};
        }
    }

    // ---------------------------------------------------------------- the 2-norm of all elements

    /**
     * {@code sqrt(Σ x²)} over all elements, added as PyTorch's CPU kernel for a contiguous tensor
     * (4-lane vectors of squares, the lanes added in order, then the values past the last vector)
     * ({@code LinalgVectorNormBackward0}: {@code x.norm()} is {@code torch.linalg.vector_norm(x, 2)}).
     * Its gradient is norm_backward's {@code grad * (x / norm).masked_fill_(norm == 0, 0)}: 0 at a
     * zero vector, signed as the upstream.
     */
    static Tensor norm(Tensor x) {
        double[] v = x.data;
        int n = v.length, vectors = n - n % 4;
        double[] lane = new double[4];
        for (int d = 0; d < vectors; d += 4) {
            for (int j = 0; j < 4; j++) {
                lane[j] += v[d + j] * v[d + j];
            }
        }
        double s = lane[0];
        for (int j = 1; j < 4; j++) {
            s = s + lane[j];
        }
        for (int d = vectors; d < n; d++) {
            s += v[d] * v[d];
        }
        Tensor out = new Tensor(new double[] {Math.sqrt(s)}, Shapes.SCALAR);
        return Tensor.recording(x) ? out.attach(new NormNode(x, out)) : out;
    }

    /** The node of {@link #norm}; saves self and the result, as derivatives.yaml's linalg_vector_norm. */
    private static final class NormNode extends SavingNode {
        NormNode(Tensor x, Tensor out) {
            super(Shapes.SCALAR, x, out);
        }

        @Override
        String name() {
            return "LinalgVectorNormBackward0";
        }

        @Override
        void apply(double[] up, double[][] into) {
            Tensor x = savedInput(), out = savedOutput();
            if (into[0] != null) {
                double norm = out.data[0];
                for (int i = 0; i < into[0].length; i++) {
                    into[0][i] += up[0] * (norm == 0 ? 0.0 : x.data[i] / norm);
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            Tensor x = savedInput(), out = savedOutput();
            boolean[] keep = new boolean[x.numel()];
            java.util.Arrays.fill(keep, out.data[0] != 0);
            return new Tensor[] {up.mul(Binary.where(keep, x.div(out)))}; // MulBackward0, as PyTorch
        }
    }
}
