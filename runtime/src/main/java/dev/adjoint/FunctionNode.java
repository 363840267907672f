package dev.adjoint;

import java.util.Objects;

/**
 * The node of {@link Tensor#function}: a function computed outside the tape (by generated code)
 * whose backward is a {@link Tensor.Pullback} over arrays. It is once differentiable, like a
 * PyTorch {@code autograd.Function} marked {@code @once_differentiable}: under createGraph its
 * gradients are computed, but they carry a {@link DelayedError} node, so differentiating them
 * again fails loudly instead of treating them as constants.
 */
final class FunctionNode extends Node.ManyInputs {

    private final String name;
    private final int[][] inputShapes;
    /** Released after a backward without retainGraph: the closure holds the forward's values. */
    private volatile Tensor.Pullback pullback;

    private FunctionNode(String name, Tensor.Pullback pullback, Tensor[] inputs, int[] outShape) {
        super(outShape, edges(inputs));
        this.name = name;
        this.pullback = pullback;
        this.inputShapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            inputShapes[i] = inputs[i].shape;
        }
    }

    private static Node[] edges(Tensor[] inputs) {
        Node[] edges = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            edges[i] = inputs[i].gradientEdge();
        }
        return edges;
    }

    /** Makes {@code out} the output of a function node, if grad mode is on and an input requires grad. */
    static Tensor record(String name, Tensor out, Tensor.Pullback pullback, Tensor[] inputs) {
        Objects.requireNonNull(name, "gradFnName");
        Objects.requireNonNull(pullback, "pullback");
        boolean anyRequiresGrad = false;
        for (Tensor input : inputs) {
            anyRequiresGrad |= input.requiresGrad;
        }
        return anyRequiresGrad && GradMode.isEnabled()
                ? out.attach(new FunctionNode(name, pullback, inputs, out.shape)) : out;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    boolean savesValues() {
        return true;
    }

    @Override
    void releaseValues() {
        pullback = null;
    }

    /** Runs the pullback into fresh zeroed arrays, one per input, as its contract says. */
    private double[][] inputGradients(double[] up) {
        Tensor.Pullback p = pullback;
        if (p == null) {
            throw new IllegalStateException(BACKWARD_TWICE);
        }
        double[][] grads = new double[inputShapes.length][];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = new double[Shapes.numel(inputShapes[i])];
        }
        p.pullback(up, grads);
        return grads;
    }

    @Override
    void apply(double[] up, double[][] into) {
        double[][] grads = inputGradients(up);
        for (int i = 0; i < into.length; i++) {
            if (into[i] != null) {
                for (int k = 0; k < into[i].length; k++) {
                    into[i][k] += grads[i][k];
                }
            }
        }
    }

    @Override
    Tensor[] applyGraph(Tensor up) {
        double[][] grads = inputGradients(up.data);
        Tensor[] out = new Tensor[grads.length];
        for (int i = 0; i < grads.length; i++) {
            if (next[i] != null) {
                out[i] = new Tensor(grads[i], inputShapes[i]).attach(new DelayedError(name, up, next, inputShapes[i]));
            }
        }
        return out;
    }

    /**
     * Stands for the missing second derivative of a function node: it depends on the upstream
     * gradient and on the function's inputs, and its backward fails with PyTorch's
     * once_differentiable message.
     */
    static final class DelayedError extends Node.ManyInputs {
        private final String function;

        DelayedError(String function, Tensor up, Node[] inputEdges, int[] shape) {
            super(shape, withUpstream(up, inputEdges));
            this.function = function;
        }

        private static Node[] withUpstream(Tensor up, Node[] inputEdges) {
            Node[] edges = new Node[inputEdges.length + 1];
            edges[0] = up.gradientEdge();
            System.arraycopy(inputEdges, 0, edges, 1, inputEdges.length);
            return edges;
        }

        @Override
        String name() {
            return "DelayedError";
        }

        private IllegalStateException error() {
            return new IllegalStateException("trying to differentiate twice a function that was marked with "
                    + "@once_differentiable: " + function + " runs a generated pullback, which has first derivatives "
                    + "only; for second order use the generated fHvp/fHessian (@Differentiable(order = 2))");
        }

        @Override
        void apply(double[] up, double[][] into) {
            throw error();
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            throw error();
        }
    }
}
