package dev.adjoint;

import java.util.Arrays;

/**
 * Operations that reduce or spread along dimensions: sums and means (of everything or along a
 * {@code dim}), broadcasting a gradient back ({@code expandTo}) and summing it to an operand's
 * shape ({@code sumTo}), softmax and log-softmax along a dim, and the negative log-likelihood
 * loss. {@code expandTo} and {@code sumTo} are each other's derivative, which is what makes
 * broadcasting differentiable twice.
 */
final class Reductions {

    private Reductions() {}

    // ---------------------------------------------------------------- sum and mean

    /** Σ x, a scalar ({@code SumBackward0}). */
    static Tensor sum(Tensor x) {
        return all(x, sum(x.data), 1, "SumBackward0");
    }

    /** Σ x / n ({@code MeanBackward0}). */
    static Tensor mean(Tensor x) {
        int n = x.numel();
        return all(x, sum(x.data) / n, n, "MeanBackward0");
    }

    /** Σ values, added as PyTorch adds them: {@link #sum(double[], int, int)}. */
    static double sum(double[] values) {
        return sum(values, 0, values.length);
    }

    /**
     * Σ v[from .. from + n) of contiguous values, added in the order of PyTorch's CPU sum
     * (cascade_sum in ATen's native/cpu/SumKernel.cpp, 4-lane vectors as its AVX2 kernel), so that
     * a sum rounds exactly as PyTorch's (checked bit for bit up to 30,000 elements; beyond 32,768
     * PyTorch splits a sum over threads). Fewer than 4 values: {@link #rowSum}. Else the values are
     * 4-lane vectors summed as rowSum sums numbers (four interleaved vector sums: 16 running sums
     * over groups of 16 values); the vectors left over join vector 0, vectors 1-3 are added into it,
     * and the sum is the values past the last vector, then vector 0's lanes, in order from 0.
     * Sixteen independent chains of additions also keep the loop fast.
     */
    static double sum(double[] v, int from, int n) {
        if (n < 4) {
            return rowSum(v, from, 1, n);
        }
        int vectors = n / 4;
        double[] acc = multiRowSum(v, from, 16, 1, vectors / 4, 16);
        for (int i = vectors / 4 * 4; i < vectors; i++) {
            for (int lane = 0; lane < 4; lane++) {
                acc[lane] += v[from + 4 * i + lane];
            }
        }
        for (int k = 1; k < 4; k++) {
            for (int lane = 0; lane < 4; lane++) {
                acc[lane] += acc[4 * k + lane];
            }
        }
        double s = 0;
        for (int i = 4 * vectors; i < n; i++) {
            s += v[from + i];
        }
        return s + acc[0] + acc[1] + acc[2] + acc[3];
    }

    /**
     * Adds the column sums of the row-major {@code [rows, cols]} matrix v into {@code into}, as
     * PyTorch's outer reduction adds them: the columns of each full block of 16 each in order down
     * the rows ({@link #multiRowSum}, 16 wide), the others as {@link #rowSum}.
     */
    static void columnSums(double[] v, int rows, int cols, double[] into) {
        int blocked = cols / 16 * 16;
        for (int j = 0; j < blocked; j += 16) {
            double[] sums = multiRowSum(v, j, cols, 1, rows, 16);
            for (int k = 0; k < 16; k++) {
                into[j + k] += sums[k];
            }
        }
        for (int j = blocked; j < cols; j++) {
            into[j] += rowSum(v, j, cols, rows);
        }
    }

    /**
     * PyTorch's row_sum: n values at {@code stride} in four interleaved sums (value i into sum
     * i mod 4), the values past the last four into sum 0, then the four added in order.
     */
    private static double rowSum(double[] v, int from, int stride, int n) {
        if (n < 4) { // no group of four: the values in order (the three empty sums add nothing)
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += v[from + i * stride];
            }
            return s;
        }
        double[] p = multiRowSum(v, from, 4 * stride, stride, n / 4, 4);
        for (int i = n / 4 * 4; i < n; i++) {
            p[0] += v[from + i * stride];
        }
        return p[0] + p[1] + p[2] + p[3];
    }

    /**
     * PyTorch's multi_row_sum: {@code width} running sums, sum k adding
     * {@code v[from + i·rowStride + k·colStride]} for each row i below {@code size}; every 16 rows
     * (2^⌈⌈log2 size⌉/4⌉ for very long sums) they are carried into the next of three cascade levels,
     * and on into the next while a level completes its own 16, which bounds the rounding error as
     * pairwise summation does. The levels are added back at the end.
     */
    private static double[] multiRowSum(double[] v, int from, int rowStride, int colStride, int size, int width) {
        int ceilLog2 = size <= 2 ? 1 : 32 - Integer.numberOfLeadingZeros(size - 1);
        int power = Math.max(4, ceilLog2 / 4), step = 1 << power, mask = step - 1;
        double[][] acc = size < step ? new double[][] {new double[width]} : new double[4][width]; // levels if used
        int i = 0;
        while (i + step <= size) {
            addRows(v, from, i, i + step, rowStride, colStride, acc[0]);
            i += step;
            for (int level = 1; level < 4; level++) {
                for (int k = 0; k < width; k++) {
                    acc[level][k] += acc[level - 1][k];
                    acc[level - 1][k] = 0;
                }
                if ((i & (mask << (level * power))) != 0) {
                    break;
                }
            }
        }
        addRows(v, from, i, size, rowStride, colStride, acc[0]);
        for (int level = 1; level < acc.length; level++) {
            for (int k = 0; k < width; k++) {
                acc[0][k] += acc[level][k];
            }
        }
        return acc[0];
    }

    /** {@code acc[k] += v[from + i·rowStride + k·colStride]} for rows i of [i0, i1), in order. */
    private static void addRows(double[] v, int from, int i0, int i1, int rowStride, int colStride, double[] acc) {
        if (acc.length == 16 && colStride == 1) {
            addRows16(v, from, i0, i1, rowStride, acc);
            return;
        }
        for (int k = 0; k < acc.length; k++) { // sum k is its own chain: one at a time, each in a register
            double s = acc[k];
            for (int i = i0, at = from + i0 * rowStride + k * colStride; i < i1; i++, at += rowStride) {
                s += v[at];
            }
            acc[k] = s;
        }
    }

    /**
     * {@link #addRows} for 16 adjacent sums (a contiguous sum's vectors, a block of columns): the same
     * additions in the same order per sum, the 16 sums in locals, so that a row is read once, in
     * order, and the 16 chains of additions overlap.
     */
    private static void addRows16(double[] v, int from, int i0, int i1, int rowStride, double[] acc) {
        double s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3], s4 = acc[4], s5 = acc[5], s6 = acc[6];
        double s7 = acc[7], s8 = acc[8], s9 = acc[9], s10 = acc[10], s11 = acc[11], s12 = acc[12];
        double s13 = acc[13], s14 = acc[14], s15 = acc[15];
        for (int i = i0, at = from + i0 * rowStride; i < i1; i++, at += rowStride) {
            s0 += v[at];
            s1 += v[at + 1];
            s2 += v[at + 2];
            s3 += v[at + 3];
            s4 += v[at + 4];
            s5 += v[at + 5];
            s6 += v[at + 6];
            s7 += v[at + 7];
            s8 += v[at + 8];
            s9 += v[at + 9];
            s10 += v[at + 10];
            s11 += v[at + 11];
            s12 += v[at + 12];
            s13 += v[at + 13];
            s14 += v[at + 14];
            s15 += v[at + 15];
        }
        acc[0] = s0;
        acc[1] = s1;
        acc[2] = s2;
        acc[3] = s3;
        acc[4] = s4;
        acc[5] = s5;
        acc[6] = s6;
        acc[7] = s7;
        acc[8] = s8;
        acc[9] = s9;
        acc[10] = s10;
        acc[11] = s11;
        acc[12] = s12;
        acc[13] = s13;
        acc[14] = s14;
        acc[15] = s15;
    }

    private static Tensor all(Tensor x, double value, int divisor, String name) {
        Tensor out = new Tensor(new double[] {value}, Shapes.SCALAR);
        return Tensor.recording(x) ? out.attach(new ReduceNode(name, x, Shapes.SCALAR, Shapes.SCALAR, divisor)) : out;
    }

    /** The sum along {@code dim} ({@code SumBackward1}). */
    static Tensor sum(Tensor x, int dim, boolean keepdim) {
        return alongDim(x, dim, keepdim, false);
    }

    /** The mean along {@code dim} ({@code MeanBackward1}). */
    static Tensor mean(Tensor x, int dim, boolean keepdim) {
        return alongDim(x, dim, keepdim, true);
    }

    private static Tensor alongDim(Tensor x, int dim, boolean keepdim, boolean mean) {
        int d = Shapes.wrapDim(dim, x.dim());
        int[] kept = Shapes.reduce(x.shape, d, true);
        int count = x.dim() == 0 ? 1 : x.shape[d];
        double[] y = new double[Shapes.numel(kept)];
        sumToInto(x.data, x.shape, y, kept);
        if (mean) {
            for (int i = 0; i < y.length; i++) {
                y[i] /= count;
            }
        }
        Tensor out = new Tensor(y, Shapes.reduce(x.shape, d, keepdim));
        String name = mean ? "MeanBackward1" : "SumBackward1";
        return Tensor.recording(x) ? out.attach(new ReduceNode(name, x, out.shape, kept, mean ? count : 1)) : out;
    }

    /**
     * The node of a sum or mean: each input element receives the gradient of the output element it
     * was summed into, divided by {@code divisor} for a mean. {@code kept} is the output's shape
     * with the reduced dimensions kept as size 1, so that it broadcasts back to the input's.
     */
    private static final class ReduceNode extends Node.OneInput {
        private final String name;
        private final int[] kept;
        private final int divisor;

        ReduceNode(String name, Tensor x, int[] outShape, int[] kept, int divisor) {
            super(outShape, x);
            this.name = name;
            this.kept = kept;
            this.divisor = divisor;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        boolean spreads() {
            return Shapes.numel(shape) == 1;
        }

        @Override
        double spread(double up) {
            return up / divisor;
        }

        @Override
        void apply(double[] up, double[][] into) {
            double[] g = into[0];
            if (g == null) {
                return;
            }
            if (up.length == 1) {
                double v = up[0] / divisor;
                for (int i = 0; i < g.length; i++) {
                    g[i] += v;
                }
            } else {
                int[] index = Shapes.broadcastIndex(kept, next0.shape);
                for (int i = 0; i < g.length; i++) {
                    g[i] += up[index[i]] / divisor;
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            Tensor g = Arrays.equals(up.shape, kept) ? up : up.reshape(kept);
            Tensor spread = expandTo(g, next0.shape);
            return new Tensor[] {divisor == 1 ? spread : spread.div(divisor)}; // PyTorch: grad.expand(sizes) / n
        }
    }

    // ---------------------------------------------------------------- broadcasting a gradient

    /**
     * Adds {@code src} (of shape {@code srcShape}) into {@code dst}, summed down to {@code dstShape},
     * which broadcasts to srcShape. Each sum is added as PyTorch's: all values, or each row of a
     * matrix (its contiguous inner dimension), as {@link #sum(double[], int, int)}; each column as
     * {@link #columnSums}.
     */
    static void sumToInto(double[] src, int[] srcShape, double[] dst, int[] dstShape) {
        if (dst.length == 1) {
            dst[0] += sum(src);
            return;
        }
        Engine.startSum(dst);
        boolean matrix = srcShape.length == 2;
        if (matrix && dstShape.length == 2 && dstShape[0] == srcShape[0] && dstShape[1] == 1) { // [m, n] to [m, 1]
            int cols = srcShape[1];
            for (int r = 0; r < dst.length; r++) {
                dst[r] += sum(src, r * cols, cols);
            }
            return;
        }
        if (matrix && dst.length == srcShape[1] && (dstShape.length == 1 || dstShape[0] == 1)) { // to [1, n], [n]
            columnSums(src, srcShape[0], srcShape[1], dst);
            return;
        }
        int[] index = Shapes.broadcastIndex(dstShape, srcShape);
        for (int i = 0; i < src.length; i++) {
            dst[index[i]] += src[i];
        }
    }

    /** x broadcast to {@code shape} ({@code ExpandBackward0}); its derivative is {@link #sumTo}. */
    static Tensor expandTo(Tensor x, int[] shape) {
        if (Arrays.equals(x.shape, shape)) {
            return x;
        }
        Shapes.broadcast(x.shape, shape); // checks
        Tensor out = new Tensor(Binary.expand(x, shape), shape);
        return Tensor.recording(x) ? out.attach(new BroadcastNode(false, x, shape)) : out;
    }

    /** x (of a shape that {@code shape} broadcasts to) summed down to {@code shape} ({@code SumBackward1}); its derivative is {@link #expandTo}. */
    static Tensor sumTo(Tensor x, int[] shape) {
        double[] y = new double[Shapes.numel(shape)];
        sumToInto(x.data, x.shape, y, shape);
        Tensor out = new Tensor(y, shape);
        return Tensor.recording(x) ? out.attach(new BroadcastNode(true, x, shape)) : out;
    }

    /** The node of {@link #expandTo} ({@code sum} false) or of {@link #sumTo} ({@code sum} true). */
    private static final class BroadcastNode extends Node.OneInput {
        private final boolean sum;

        BroadcastNode(boolean sum, Tensor x, int[] outShape) {
            super(outShape, x);
            this.sum = sum;
        }

        @Override
        String name() {
            return sum ? "SumBackward1" : "ExpandBackward0";
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] == null) {
                return;
            }
            if (sum) { // the gradient of a sum spreads back over what was summed
                int[] index = Shapes.broadcastIndex(shape, next0.shape);
                for (int i = 0; i < into[0].length; i++) {
                    into[0][i] += up[index[i]];
                }
            } else { // the gradient of an expansion sums what was copied
                sumToInto(up, shape, into[0], next0.shape);
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {sum ? expandTo(up, next0.shape) : sumTo(up, next0.shape)};
        }
    }

    // ---------------------------------------------------------------- softmax

    /**
     * The slices of a tensor along one dimension: {@code count} slices of {@code length} elements
     * {@code stride} apart; slice k starts at {@code (k / stride)·stride·length + k % stride}.
     */
    private record Slices(int count, int length, int stride) {
        static Slices along(int[] shape, int dim) {
            int length = shape.length == 0 ? 1 : shape[dim];
            int stride = 1;
            for (int i = dim + 1; i < shape.length; i++) {
                stride *= shape[i];
            }
            return new Slices(length == 0 ? 0 : Shapes.numel(shape) / length, length, stride);
        }

        int start(int k) {
            return (k / stride) * stride * length + k % stride;
        }
    }

    /**
     * softmax {@code y_i = e^(x_i - m) / Σ_j e^(x_j - m)} or log-softmax
     * {@code y_i = x_i - m - log Σ_j e^(x_j - m)} along {@code dim}, with m the slice's maximum
     * so that no exponential overflows; a NaN in a slice makes the whole slice NaN, as in PyTorch.
     */
    static Tensor softmax(Tensor x, int dim, boolean log) {
        int d = Shapes.wrapDim(dim, x.dim());
        Slices slices = Slices.along(x.shape, d);
        double[] v = x.data, y = new double[v.length];
        for (int k = 0; k < slices.count(); k++) {
            int start = slices.start(k), step = slices.stride(), end = start + slices.length() * step;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = start; i < end; i += step) {
                max = Math.max(max, v[i]);
            }
            double sum = 0;
            for (int i = start; i < end; i += step) {
                sum += Math.exp(v[i] - max);
            }
            double logSum = Math.log(sum);
            for (int i = start; i < end; i += step) {
                y[i] = log ? v[i] - max - logSum : Math.exp(v[i] - max) / sum;
            }
        }
        Tensor out = x.withData(y);
        return Tensor.recording(x) ? out.attach(new SoftmaxNode(log, d, x, out)) : out;
    }

    /** The node of softmax and log-softmax; both save their output, as PyTorch. */
    private static final class SoftmaxNode extends Node.OneInput {
        private final boolean log;
        private final int dim;
        private Tensor out;
        private final int outVersion;

        SoftmaxNode(boolean log, int dim, Tensor x, Tensor out) {
            super(x.shape, x);
            this.log = log;
            this.dim = dim;
            this.out = out;
            this.outVersion = out.version();
        }

        @Override
        String name() {
            return log ? "LogSoftmaxBackward0" : "SoftmaxBackward0";
        }

        @Override
        boolean savesValues() {
            return true;
        }

        @Override
        void releaseValues() {
            out = null;
        }

        @Override
        void apply(double[] up, double[][] into) {
            double[] y = unpack(out, outVersion, true).data;
            if (into[0] != null) {
                softmaxBackwardInto(log, dim, shape, up, y, into[0]);
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {softmaxBackward(log, dim, up, unpack(out, outVersion, true))};
        }
    }

    /**
     * Adds softmax's (or log-softmax's) gradient along {@code dim} into {@code g}, as PyTorch's
     * kernel rounds it: per slice the sum s of {@code up·y} (of {@code up}) from its first term, then
     * {@code y_i·(up_i - s)} (log-softmax: {@code up_i - e^(y_i)·s}).
     */
    static void softmaxBackwardInto(boolean log, int dim, int[] shape, double[] up, double[] y, double[] g) {
        Slices slices = Slices.along(shape, dim);
        for (int k = 0; k < slices.count(); k++) {
            int start = slices.start(k), step = slices.stride(), end = start + slices.length() * step;
            double s = log ? up[start] : up[start] * y[start]; // from the first term, as PyTorch's reduce
            for (int i = start + step; i < end; i += step) {
                s += log ? up[i] : up[i] * y[i];
            }
            for (int i = start; i < end; i += step) {
                // softmax: dx_i = y_i (dy_i - Σ_j dy_j y_j); log-softmax: dx_i = dy_i - e^(y_i) Σ_j dy_j
                g[i] += log ? up[i] - Math.exp(y[i]) * s : y[i] * (up[i] - s);
            }
        }
    }

    /**
     * Softmax's gradient recorded as PyTorch records it under createGraph: one operation of the
     * upstream and the saved output, {@code _softmax_backward_data} ({@code SoftmaxBackwardDataBackward0};
     * log-softmax: {@code LogSoftmaxBackwardDataBackward0}), with the kernel's values (the first-order
     * path's, to the bit) and derivatives.yaml's derivatives ({@link SoftmaxBackwardNode}).
     */
    static Tensor softmaxBackward(boolean log, int dim, Tensor up, Tensor y) {
        double[] g = new double[up.numel()];
        Arrays.fill(g, -0.0); // the identity of +: each element is its one term
        softmaxBackwardInto(log, dim, y.shape, up.data, y.data, g);
        Tensor out = y.withData(g);
        return Tensor.recording(up, y) ? out.attach(new SoftmaxBackwardNode(log, dim, up, y)) : out;
    }

    /**
     * The node of {@link #softmaxBackward}, f(up, y). With gg its upstream, as derivatives.yaml and
     * FunctionsManual.cpp: softmax, d/d up = f(gg, y) (it is self-adjoint), d/dy =
     * {@code up·gg - (y·up).sum(dim)·gg - up·(y·gg).sum(dim)} (softmax_double_backward);
     * log-softmax, d/d up = {@code gg - (gg·e^y).sum(dim)}, d/dy = {@code -up.sum(dim)·e^y·gg}.
     */
    private static final class SoftmaxBackwardNode extends Node.TwoInputs {
        private final boolean log;
        private final int dim;
        private Tensor up, y;
        private final int upVersion, yVersion;

        SoftmaxBackwardNode(boolean log, int dim, Tensor up, Tensor y) {
            super(y.shape, up, y);
            this.log = log;
            this.dim = dim;
            this.up = up;
            this.y = y;
            this.upVersion = up.version();
            this.yVersion = y.version();
        }

        @Override
        String name() {
            return log ? "LogSoftmaxBackwardDataBackward0" : "SoftmaxBackwardDataBackward0";
        }

        @Override
        boolean savesValues() {
            return true;
        }

        @Override
        void releaseValues() {
            up = null;
            y = null;
        }

        @Override
        void apply(double[] gg, double[][] into) {
            // first order: the same formulas on plain tensors (grad mode is off, nothing records)
            Tensor[] grads = gradients(new Tensor(gg, shape), into[0] != null, into[1] != null);
            for (int i = 0; i < 2; i++) {
                for (int k = 0; grads[i] != null && k < into[i].length; k++) {
                    into[i][k] += grads[i].data[k];
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor gg) {
            return gradients(gg, next0 != null, next1 != null);
        }

        private Tensor[] gradients(Tensor gg, boolean forUp, boolean forY) {
            Tensor yt = unpack(y, yVersion, false);
            Tensor ut = forY ? unpack(up, upVersion, false) : null;
            Tensor gUp = null, gY = null;
            if (log) {
                Tensor e = yt.exp();
                gUp = forUp ? gg.sub(gg.mul(e).sum(dim, true)) : null;
                gY = forY ? ut.sum(dim, true).neg().mul(e).mul(gg) : null;
            } else {
                gUp = forUp ? softmaxBackward(false, dim, gg, yt) : null;
                gY = forY ? ut.mul(gg).sub(yt.mul(ut).sum(dim, true).mul(gg)).sub(ut.mul(yt.mul(gg).sum(dim, true)))
                        : null;
            }
            return new Tensor[] {gUp, gY};
        }
    }

    // ---------------------------------------------------------------- negative log-likelihood

    /** PyTorch's default {@code ignore_index}: a target with this value adds nothing and is not counted. */
    static final int IGNORE_INDEX = -100;

    /** {@code -Σ_i input[i, target_i] / (number of counted targets)}; see {@link Tensor#nllLoss}. */
    static Tensor nllLoss(Tensor input, int[] target) {
        int rows, classes;
        if (input.dim() == 2) {
            rows = input.shape[0];
            classes = input.shape[1];
            if (target.length != rows) {
                throw new IllegalArgumentException("Expected input batch_size (" + rows + ") to match target "
                        + "batch_size (" + target.length + ").");
            }
        } else if (input.dim() == 1) {
            rows = 1;
            classes = input.shape[0];
            if (target.length != 1) {
                throw new IllegalArgumentException("a 1-D input (one sample of " + classes + " classes) takes one "
                        + "target, got " + target.length);
            }
        } else {
            throw new IllegalArgumentException("Expected 1 or more dimensions (got 0)");
        }
        double sum = 0; // of -input[i, t_i], from +0.0 as PyTorch's kernel: a loss of 0 prints 0., not -0.
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            if (target[i] == IGNORE_INDEX) {
                continue;
            }
            if (target[i] < 0 || target[i] >= classes) {
                throw new IndexOutOfBoundsException("Target " + target[i] + " is out of bounds.");
            }
            sum -= input.data[i * classes + target[i]];
            counted++;
        }
        Tensor out = new Tensor(new double[] {sum / counted}, Shapes.SCALAR);
        return Tensor.recording(input) ? out.attach(new NllLossNode(input, target.clone(), counted)) : out;
    }

    /**
     * The node of the NLL loss: d loss / d input[i, t_i] = -1 / counted, rounded as PyTorch's
     * nll_loss_backward kernel: zeros (+0.0), and {@code -(up / counted)} at each counted target.
     * Saves its input, as PyTorch.
     */
    private static final class NllLossNode extends Node.OneInput {
        private final int[] target;
        private final int counted;
        private Tensor input;
        private final int inputVersion;

        NllLossNode(Tensor input, int[] target, int counted) {
            super(Shapes.SCALAR, input);
            this.target = target;
            this.counted = counted;
            this.input = input;
            this.inputVersion = input.version();
        }

        @Override
        String name() {
            return "NllLossBackward0";
        }

        @Override
        boolean savesValues() {
            return true;
        }

        @Override
        void releaseValues() {
            input = null;
        }

        /** Whether each input element is a counted target (its gradient -(up / counted)); the others get 0. */
        private boolean[] targets() {
            Tensor in = unpack(input, inputVersion, false); // checks the saved input, as PyTorch's backward reads it
            boolean[] at = new boolean[in.numel()];
            int classes = in.shape[in.dim() - 1];
            for (int i = 0; i < target.length; i++) {
                if (target[i] != IGNORE_INDEX) {
                    at[i * classes + target[i]] = true;
                }
            }
            return at;
        }

        @Override
        void apply(double[] up, double[][] into) {
            boolean[] at = targets();
            if (into[0] != null) {
                double g = -(up[0] / counted);
                for (int i = 0; i < at.length; i++) {
                    into[0][i] += at[i] ? g : 0.0;
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            Tensor in = unpack(input, inputVersion, false);
            boolean[] at = targets();
            // -(up / counted) spread over the input's shape, then kept at the targets only: the other
            // elements are +0.0 whatever up is (a product with zeros would give -0.0 for a negative up,
            // NaN for a NaN one). It depends on the input with derivative 0, as derivatives.yaml's
            // nll_loss_backward (self: zeros_like(grad)), so it requires grad as PyTorch's does.
            Tensor g = expandTo(up.div(-counted), next0.shape);
            return new Tensor[] {Binary.where(at, g, in)};
        }
    }
}
