package dev.adjoint;

import java.util.Arrays;

/**
 * In-place operations, recorded as PyTorch records them. With grad mode on and the tensor (or the
 * other operand) requiring grad, the change is put on the tape: a node is made whose edge for the
 * tensor is its <em>old</em> grad_fn, then that node becomes the tensor's grad_fn
 * ({@link Tensor#rebase}). The version counter goes up either way, so a node that saved the old
 * values refuses at backward, lazily, as in PyTorch; nothing is refused up front except an
 * in-place change of a leaf that requires grad while grad mode is on.
 */
final class InPlace {

    private InPlace() {}

    /** {@code self op= other} ({@code add_}, {@code sub_}). */
    static Tensor binary(Binary.Op op, Tensor self, Tensor other) {
        int[] shape = Shapes.broadcast(self.shape, other.shape);
        if (!Arrays.equals(shape, self.shape)) {
            throw new IllegalArgumentException("output with shape " + Shapes.str(self.shape)
                    + " doesn't match the broadcast shape " + Shapes.str(shape));
        }
        boolean record = check(self, Tensor.recording(self, other));
        Node node = record ? new Binary.BinaryNode(op, self, other, self) : null; // edges taken before the change
        Binary.forwardInPlace(op, self.data, Binary.expand(other, self.shape));
        return finish(self, node);
    }

    /** {@code self op= c} ({@code add_}, {@code sub_}, {@code mul_} with a number). */
    static Tensor unary(Unary.Op op, Tensor self, double c) {
        boolean record = check(self, Tensor.recording(self));
        Node node = record ? new Unary.UnaryNode(op, c, self, self) : null;
        op.forward(self.data, c, self.data);
        return finish(self, node);
    }

    /** {@code zero_()}: the old values no longer matter, so their gradient is 0 ({@code ZeroBackward0}). */
    static Tensor zero(Tensor self) {
        boolean record = check(self, Tensor.recording(self));
        Node node = record ? new Overwrite("ZeroBackward0", self, -1) : null;
        Arrays.fill(self.data, 0);
        return finish(self, node);
    }

    /**
     * {@code x[index] = value}: that element's old value gets gradient 0. PyTorch writes through a
     * view of x ({@code CopySlices}; for a leaf, "a view of a leaf Variable ..."), except for a
     * scalar, where {@code x[()] = value} is a {@code copy_} into x itself ({@code CopyBackwards}).
     */
    static Tensor set(Tensor self, int index, double value) {
        boolean scalar = self.dim() == 0;
        if (!scalar && Tensor.recording(self) && self.isLeaf()) {
            throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an in-place "
                    + "operation.");
        }
        boolean record = check(self, Tensor.recording(self));
        Node node = record ? new Overwrite(scalar ? "CopyBackwards" : "CopySlices", self, index) : null;
        self.data[index] = value;
        return finish(self, node);
    }

    /** Refuses a leaf that requires grad while recording; returns whether to record. */
    private static boolean check(Tensor self, boolean recording) {
        if (recording && self.requiresGrad && self.isLeaf()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation.");
        }
        return recording;
    }

    private static Tensor finish(Tensor self, Node node) {
        self.bumpVersion();
        if (node != null) {
            self.rebase(node);
        }
        return self;
    }

    /**
     * The node of an operation that overwrites old values with constants: the gradient passes to
     * the old values except where they were overwritten (everywhere for {@code index} -1).
     */
    private static final class Overwrite extends Node.OneInput {
        private final String name;
        private final int index;

        Overwrite(String name, Tensor self, int index) {
            super(self.shape, self);
            this.name = name;
            this.index = index;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void apply(double[] up, double[][] into) {
            if (into[0] != null) { // the overwritten elements get PyTorch's zeros, +0.0
                for (int i = 0; i < up.length; i++) {
                    into[0][i] += index < 0 || i == index ? 0.0 : up[i];
                }
            }
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            boolean[] keep = new boolean[up.numel()];
            if (index >= 0) {
                Arrays.fill(keep, true);
                keep[index] = false;
            }
            return new Tensor[] {Binary.where(keep, up)};
        }
    }
}
