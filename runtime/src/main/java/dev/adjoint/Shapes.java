package dev.adjoint;

import java.util.Arrays;

/**
 * Shape arithmetic for tensors of up to two dimensions: broadcasting, dimension arguments, and the
 * messages PyTorch gives when they do not fit.
 *
 * <p>Broadcasting follows NumPy and PyTorch: shapes are aligned on the right; two sizes fit when
 * they are equal or one of them is 1, and the result takes the larger. A missing leading dimension
 * counts as 1, so a vector {@code [n]} broadcasts over the rows of a matrix {@code [m, n]}, a column
 * {@code [m, 1]} over its columns, and a scalar over everything.
 */
final class Shapes {

    static final int[] SCALAR = {};

    private Shapes() {}

    static int numel(int[] shape) {
        int n = 1;
        for (int size : shape) {
            n *= size;
        }
        return n;
    }

    /** {@code [2, 3]}, as PyTorch prints a size in its messages. */
    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The broadcast shape of a and b, or PyTorch's error if they do not broadcast. */
    static int[] broadcast(int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int dims = Math.max(a.length, b.length);
        int[] out = new int[dims];
        for (int i = 1; i <= dims; i++) { // from the right
            int sa = i <= a.length ? a[a.length - i] : 1;
            int sb = i <= b.length ? b[b.length - i] : 1;
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException("The size of tensor a (" + sa + ") must match the size of tensor b ("
                        + sb + ") at non-singleton dimension " + (dims - i));
            }
            out[dims - i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /**
     * For every element of a tensor of shape {@code out}, the flat index of the element of a tensor
     * of shape {@code in} that broadcasting pairs with it. {@code in} must broadcast to {@code out}.
     */
    static int[] broadcastIndex(int[] in, int[] out) {
        int rows = rows(out), cols = cols(out);
        // the input seen as a rows×cols matrix: a step of 0 along a dimension it is broadcast over
        int inCols = cols(in);
        int rowStep = out.length == 2 && in.length == 2 && in[0] != 1 ? inCols : 0;
        int colStep = inCols == 1 ? 0 : 1;
        int[] index = new int[rows * cols];
        for (int r = 0, o = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++, o++) {
                index[o] = r * rowStep + c * colStep;
            }
        }
        return index;
    }

    /** Rows of a shape seen as a matrix: 1 for a scalar or a vector. */
    static int rows(int[] shape) {
        return shape.length == 2 ? shape[0] : 1;
    }

    /** Columns of a shape seen as a matrix: 1 for a scalar. */
    static int cols(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** A dimension argument made non-negative, as PyTorch's {@code maybe_wrap_dim}: -1 is the last. */
    static int wrapDim(int dim, int rank) {
        int max = Math.max(rank, 1); // a 0-d tensor accepts dim 0 and -1
        if (dim < -max || dim >= max) {
            throw new IndexOutOfBoundsException("Dimension out of range (expected to be in range of [" + -max + ", "
                    + (max - 1) + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + max : dim;
    }

    /** {@code shape} without dimension {@code dim} (or with it set to 1 if {@code keepdim}). */
    static int[] reduce(int[] shape, int dim, boolean keepdim) {
        if (shape.length == 0) {
            return SCALAR;
        }
        if (keepdim) {
            int[] out = shape.clone();
            out[dim] = 1;
            return out;
        }
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** Checks that a tensor has at most two dimensions, the tape's limit. */
    static int[] checkRank(int[] shape) {
        if (shape.length > 2) {
            throw new IllegalArgumentException("the tape holds tensors of at most 2 dimensions, got shape " + str(shape));
        }
        for (int size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException("negative dimension " + size + " in shape " + str(shape));
            }
        }
        return shape;
    }
}
