package dev.adjoint;

import java.util.Arrays;

/**
 * Operations that move values without computing: reshape (and squeeze/unsqueeze), transpose,
 * clone. Each returns a copy: the tape has no views, so changing the result in place never
 * changes the input (PyTorch's reshape and transpose would share memory); docs/tape.md says so.
 */
final class ShapeOps {

    private ShapeOps() {}

    /** The same values in {@code shape} (one size may be -1) ({@code ViewBackward0}). */
    static Tensor reshape(Tensor x, int[] requested) {
        int[] shape = Shapes.checkRank(inferred(requested.clone(), x.numel()));
        return relabel(x, shape, "ViewBackward0");
    }

    /** A size-1 dimension inserted at {@code dim} ({@code UnsqueezeBackward0}). */
    static Tensor unsqueeze(Tensor x, int dim) {
        int d = Shapes.wrapDim(dim, x.dim() + 1);
        int[] shape = new int[x.dim() + 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            shape[i] = i == d ? 1 : x.shape[j++];
        }
        return relabel(x, Shapes.checkRank(shape), "UnsqueezeBackward0");
    }

    /** Dimension {@code dim} removed if its size is 1 ({@code SqueezeBackward1}). */
    static Tensor squeeze(Tensor x, int dim) {
        return squeeze(x, dim, "SqueezeBackward1");
    }

    /**
     * {@link #squeeze(Tensor, int)} under another grad_fn name: PyTorch 2.13's matmul squeezes a
     * vector·matrix product with {@code squeeze(dims)}, {@code SqueezeBackward4}.
     */
    static Tensor squeeze(Tensor x, int dim, String gradFn) {
        int d = Shapes.wrapDim(dim, x.dim());
        int[] shape = x.dim() > 0 && x.shape[d] == 1 ? Shapes.reduce(x.shape, d, false) : x.shape;
        return relabel(x, shape, gradFn);
    }

    /** A copy on the graph ({@code CloneBackward0}). */
    static Tensor clone(Tensor x) {
        return relabel(x, x.shape, "CloneBackward0");
    }

    /** The first gradient a leaf accumulates under createGraph, copied on the graph ({@code CopyBackwards}, as PyTorch). */
    static Tensor copyForGrad(Tensor g) {
        return relabel(g, g.shape, "CopyBackwards");
    }

    private static int[] inferred(int[] shape, int numel) {
        int unknown = -1, known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1 && unknown < 0) {
                unknown = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException(shape[i] == -1 ? "only one dimension can be inferred"
                        : "invalid shape dimension " + shape[i]);
            } else {
                known *= shape[i];
            }
        }
        if (unknown >= 0 && known != 0 && numel % known == 0) {
            shape[unknown] = numel / known;
        }
        if (unknown >= 0 && shape[unknown] < 0 || Shapes.numel(shape) != numel) {
            throw new IllegalArgumentException("shape '" + Arrays.toString(shape) + "' is invalid "
                    + "for input of size " + numel);
        }
        return shape;
    }

    /** x's values, copied, under another shape of the same size; the gradient flows back unchanged. */
    private static Tensor relabel(Tensor x, int[] shape, String name) {
        Tensor out = new Tensor(x.data.clone(), shape);
        return Tensor.recording(x) ? out.attach(new RelabelNode(name, x, shape)) : out;
    }

    private static final class RelabelNode extends Node.OneInput {
        private final String name;

        RelabelNode(String name, Tensor x, int[] outShape) {
            super(outShape, x);
            this.name = name;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        boolean overwritesUpstream() {
            return true;
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] != null && into[0] != up) { // handed the upstream itself, it already is the gradient
                for (int i = 0; i < up.length; i++) {
                    into[0][i] += up[i];
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {Arrays.equals(up.shape, next0.shape) ? up : up.reshape(next0.shape)};
        }
    }

    // ---------------------------------------------------------------- select

    /** The slice at {@code index} along {@code dim}, that dimension removed; PyTorch's {@code x[i]} ({@code SelectBackward0}). */
    static Tensor select(Tensor x, int dim, int index) {
        if (x.dim() == 0) {
            throw new IndexOutOfBoundsException("select() cannot be applied to a 0-dim tensor.");
        }
        int d = Shapes.wrapDim(dim, x.dim());
        int size = x.shape[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + Shapes.str(x.shape) + " at dimension " + d); // PyTorch names the wrapped dim
        }
        int[] shape = Shapes.reduce(x.shape, d, false);
        // the flat positions of the selected elements, in the output's order
        int[] positions = new int[Shapes.numel(shape)];
        int cols = Shapes.cols(x.shape);
        for (int k = 0; k < positions.length; k++) {
            positions[k] = x.dim() == 1 ? i : d == 0 ? i * cols + k : k * cols + i;
        }
        return gather(x, positions, shape);
    }

    /** {@code out[k] = x[positions[k]]}; its derivative scatters back ({@link #scatter}). */
    private static Tensor gather(Tensor x, int[] positions, int[] shape) {
        double[] y = new double[positions.length];
        for (int k = 0; k < y.length; k++) {
            y[k] = x.data[positions[k]];
        }
        Tensor out = new Tensor(y, shape);
        return Tensor.recording(x) ? out.attach(new IndexNode(false, x, positions, shape)) : out;
    }

    /**
     * {@code out[positions[k]] = x[k]} into zeros of {@code shape} (positions are distinct): the
     * derivative of {@link #gather}, PyTorch's select_backward, which copies the gradient into
     * zeros, so a -0.0 stays -0.0 (adding it to a +0.0 would not).
     */
    private static Tensor scatter(Tensor x, int[] positions, int[] shape) {
        double[] y = new double[Shapes.numel(shape)];
        for (int k = 0; k < positions.length; k++) {
            y[positions[k]] = x.data[k];
        }
        Tensor out = new Tensor(y, shape);
        return Tensor.recording(x) ? out.attach(new IndexNode(true, x, positions, shape)) : out;
    }

    /** The node of {@link #gather} ({@code SelectBackward0}) or of {@link #scatter}, each the other's derivative. */
    private static final class IndexNode extends Node.OneInput {
        private final boolean scatter;
        private final int[] positions;

        IndexNode(boolean scatter, Tensor x, int[] positions, int[] outShape) {
            super(outShape, x);
            this.scatter = scatter;
            this.positions = positions;
        }

        @Override
        String name() {
            return scatter ? "SelectBackwardBackward0" : "SelectBackward0";
        }

        @Override
        void apply(double[] up, double[][] into) {
            double[] g = into[0];
            if (g != null && !scatter) { // PyTorch: zeros (+0.0), the selected ones set to up
                double[] before = new double[positions.length];
                for (int k = 0; k < positions.length; k++) {
                    before[k] = g[positions[k]];
                }
                Engine.startSum(g);
                for (int k = 0; k < positions.length; k++) {
                    g[positions[k]] = before[k] + up[k];
                }
            }
            for (int k = 0; g != null && scatter && k < positions.length; k++) {
                g[k] += up[positions[k]];
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {scatter ? gather(up, positions, next0.shape) : scatter(up, positions, next0.shape)};
        }
    }

    // ---------------------------------------------------------------- transpose

    /** PyTorch's {@code t()}: a matrix transposed, a vector or scalar as is ({@code TBackward0}). */
    static Tensor t(Tensor x) {
        return transposed(x, "TBackward0");
    }

    /** {@code transpose(dim0, dim1)} ({@code TransposeBackward0}). */
    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int a = Shapes.wrapDim(dim0, x.dim()), b = Shapes.wrapDim(dim1, x.dim());
        if (a == b || x.dim() < 2) {
            return relabel(x, x.shape, "TransposeBackward0");
        }
        return transposed(x, "TransposeBackward0");
    }

    private static Tensor transposed(Tensor x, String name) {
        if (x.dim() < 2) {
            return relabel(x, x.shape, name);
        }
        int rows = x.shape[0], cols = x.shape[1];
        Tensor out = new Tensor(transpose(x.data, rows, cols), new int[] {cols, rows});
        return Tensor.recording(x) ? out.attach(new TransposeNode(name, x, out.shape)) : out;
    }

    /** The transpose of a row-major {@code rows × cols} matrix. */
    static double[] transpose(double[] v, int rows, int cols) {
        double[] t = new double[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }

    private static final class TransposeNode extends Node.OneInput {
        private final String name;

        TransposeNode(String name, Tensor x, int[] outShape) {
            super(outShape, x);
            this.name = name;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] != null) { // the gradient of a transpose is the transposed gradient
                int rows = shape[0], cols = shape[1];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        into[0][c * rows + r] += up[r * cols + c];
                    }
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            return new Tensor[] {up.t()};
        }
    }
}
