package dev.adjoint;

import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One operation's backward on the tape (PyTorch's {@code torch::autograd::Node}): edges to the
 * nodes of its inputs, the values its backward reads, and the backward itself, twice over.
 *
 * <ul>
 * <li>{@link #apply(double[], double[][])} is the first-order backward: loops over arrays that add
 *     {@code upstream·∂out/∂input} into each input's gradient buffer. Nothing is recorded: this is
 *     the fast path.
 * <li>{@link #applyGraph(Tensor)} is the same derivative written with tape operations, so that
 *     with {@code createGraph} the backward pass is itself recorded and can be differentiated
 *     again (double backward, Hessian-vector products).
 * </ul>
 *
 * A node belongs to no backward call: the engine keeps each call's state (pending gradients, what
 * is ready) to itself, so several threads can walk graphs that share nodes.
 *
 * <p>Nodes are the tape's bulk, one per operation, so they are kept small: edges are fields of
 * {@link OneInput} and {@link TwoInputs} (no array), an input's shape is read from its edge (the
 * node that receives an input's gradient has that input's shape), and the rare retained gradient
 * lives in a side table.
 */
abstract class Node {

    static final String BACKWARD_TWICE = "Trying to backward through the graph a second time (or directly "
            + "access saved tensors after they have already been freed). Saved intermediate values of "
            + "the graph are freed when you call backward() or Tensor.grad(). Specify retainGraph=true "
            + "if you need to backward through the graph a second time or if you need to access saved "
            + "tensors after calling backward.";

    /** Tensors that called retainGrad(), by their grad_fn; weak both ways, so it holds on to nothing. */
    private static final Map<Node, WeakReference<Tensor>> RETAINED = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The node's sequence number, PyTorch's {@code sequence_nr}: larger than every input node's,
     * so every node that sends this one a gradient has a larger number, and running nodes from the
     * largest number down runs each after all of its senders. It counts creations on this thread
     * (so the walk visits nodes in reverse creation order, as PyTorch's does, which keeps it
     * local in memory), raised past the inputs' numbers when they came from another thread. A
     * leaf's accumulator has a distinct negative number: it runs after everything.
     */
    final long seq;
    /** Shape of the output whose gradient this node receives. */
    final int[] shape;
    /** Whether an output tensor retains its gradient: see {@link #retained()}. */
    volatile boolean retainsGrad;
    private volatile boolean released;

    /** This thread's last sequence number. */
    private static final ThreadLocal<long[]> SEQUENCE = ThreadLocal.withInitial(() -> new long[1]);

    /** A node whose inputs' nodes have sequence numbers below {@code above}. */
    Node(int[] shape, long above) {
        this.shape = shape;
        long[] last = SEQUENCE.get();
        this.seq = last[0] = Math.max(last[0] + 1, above);
    }

    /** A leaf's accumulator. */
    private Node(int[] shape) {
        this.shape = shape;
        this.seq = -1 - (ThreadLocalRandom.current().nextLong() >>> 2);
    }

    /** For the engine's hash map: the sequence number mixed (Fibonacci hashing). */
    final int hash() {
        return (int) ((seq * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /** 1 + the sequence number of {@code edge} (1 if it is null). */
    static long above(Node edge) {
        return edge == null ? 1 : edge.seq + 1;
    }

    /** 1 + the largest sequence number of two edges. */
    static long above(Node a, Node b) {
        return Math.max(above(a), above(b));
    }

    /** 1 + the largest sequence number among these edges. */
    static long above(Node[] edges) {
        long above = 1;
        for (Node n : edges) {
            above = Math.max(above, above(n));
        }
        return above;
    }

    /** Number of inputs (edges, null or not). */
    abstract int inputs();

    /** Input {@code i}'s gradient edge: the node its gradient goes to, or null where it needs none. */
    abstract Node next(int i);

    /** The grad_fn name PyTorch prints, e.g. {@code MulBackward0}. */
    abstract String name();

    /**
     * First-order backward: adds ∂L/∂input_i into {@code into[i]} given ∂L/∂output {@code up}.
     * {@code into[i]} is null where input i needs no gradient. Neither array may be kept: the
     * engine reuses them. {@code up} must not be changed.
     */
    abstract void apply(double[] up, double[][] into);

    /**
     * Whether {@link #apply} may be handed the upstream buffer itself as input 0's buffer
     * ({@code into[0] == up}), to overwrite it with input 0's gradient instead of adding into a
     * fresh one: true for elementwise nodes, whose input 0 has the output's elements in the same
     * order. The engine does so only when nothing else is pending for input 0, which then takes
     * over the buffer: a chain of elementwise ops allocates no gradient buffer on the way back.
     */
    boolean overwritesUpstream() {
        return false;
    }

    /**
     * Input i's gradient as a factor of the upstream, when that is all this node's backward does for
     * input i: {@code ∂L/∂input_i = ∂L/∂out · constant · values}, elementwise, input i having the
     * output's elements in the same order ({@code a·b}: b for a; {@code -x}: -1; {@code x²}: 2 and
     * x). Null where input i's gradient is anything else. The engine then multiplies a lazy gradient
     * ({@link Product}) by it instead of running {@link #apply}; reading a saved value here checks
     * it as {@link #apply} would.
     */
    Factor factor(int i) {
        return null;
    }

    /** {@code constant · values[i]} at element i ({@code values} null: the constant alone). */
    record Factor(double constant, double[] values) {
        static final Factor ONE = new Factor(1, null);
        static final Factor MINUS_ONE = new Factor(-1, null);
    }

    /**
     * Whether this node spreads a one-element upstream evenly over all of input 0 (a sum or a mean
     * of every element): then the engine starts a {@link Product} at {@link #spread}.
     */
    boolean spreads() {
        return false;
    }

    /** For a node that {@link #spreads}: the gradient each element of input 0 receives from the upstream {@code up}. */
    double spread(double up) {
        throw new AssertionError(name() + " does not spread");
    }

    /**
     * The same derivative with tape operations, recorded when grad mode is on: the gradient of
     * each input (shaped as the input), or null where {@link #next} is null.
     */
    abstract Tensor[] applyGraph(Tensor up);

    /**
     * Whether this node keeps values for its backward (PyTorch's SavedVariables, wrapped numbers
     * included): those are released after a backward without retainGraph, and a second backward
     * through this node then fails. A node that saves nothing can be walked any number of times.
     */
    boolean savesValues() {
        return false;
    }

    /** Drops the saved values (subclasses null their references). */
    void releaseValues() {}

    /** Called by the engine after this node ran in a backward without retainGraph. */
    final void release() {
        if (savesValues()) {
            released = true;
            releaseValues();
        }
    }

    /** Throws PyTorch's error if this node's saved values were released. */
    final void checkNotReleased() {
        if (released) {
            throw new IllegalStateException(BACKWARD_TWICE);
        }
    }

    /** Makes {@code t} (whose grad_fn this is) receive its gradient in {@code t.grad()}. */
    final void retain(Tensor t) {
        RETAINED.put(this, new WeakReference<>(t));
        retainsGrad = true;
    }

    /** Stops retaining (the tensor was changed in place: its new grad_fn retains instead). */
    final void unretain() {
        retainsGrad = false;
        RETAINED.remove(this);
    }

    /** The tensor retaining this node's output gradient, or null. */
    final Tensor retained() {
        if (!retainsGrad) {
            return null;
        }
        WeakReference<Tensor> ref = RETAINED.get(this);
        return ref == null ? null : ref.get();
    }

    /**
     * A saved tensor, checked as PyTorch's {@code SavedVariable::unpack}: released means a second
     * backward; a version other than the one saved means an in-place change since.
     */
    final Tensor unpack(Tensor saved, int savedVersion, boolean isOutput) {
        if (saved == null) {
            throw new IllegalStateException(BACKWARD_TWICE);
        }
        int current = saved.version();
        if (current != savedVersion) {
            // PyTorch names the saving node for a saved output, the tensor's current grad_fn for an input,
            // without "Backward0" ("output 0 of Exp" for ExpBackward0, "Pow1" for PowBackward1; PyTorch 2.13)
            String producer = isOutput ? name() : saved.gradFn();
            producer = producer == null ? null : producer.replace("Backward0", "").replace("Backward", "");
            throw new IllegalStateException("one of the variables needed for gradient computation has been modified "
                    + "by an inplace operation: [Tensor " + Shapes.str(saved.shape) + "]"
                    + (producer == null ? "" : ", which is output 0 of " + producer + ",")
                    + " is at version " + current + "; expected version " + savedVersion + " instead. Hint: the "
                    + "value was changed in place after " + name() + " saved it; use an out-of-place operation "
                    + "(or clone() before changing it).");
        }
        return saved;
    }

    /** The gradient of an input of shape {@code inputShape} from one of the output's shape: sums broadcast dimensions. */
    static Tensor sumTo(Tensor g, int[] inputShape) {
        return Arrays.equals(g.shape, inputShape) ? g : Reductions.sumTo(g, inputShape);
    }

    /** A node with one input. */
    abstract static class OneInput extends Node {
        final Node next0;

        OneInput(int[] shape, Tensor input) {
            this(shape, input.gradientEdge());
        }

        private OneInput(int[] shape, Node edge) {
            super(shape, above(edge));
            this.next0 = edge;
        }

        @Override
        final int inputs() {
            return 1;
        }

        @Override
        final Node next(int i) {
            return next0;
        }
    }

    /** A node with two inputs. */
    abstract static class TwoInputs extends Node {
        final Node next0, next1;

        TwoInputs(int[] shape, Tensor a, Tensor b) {
            this(shape, a.gradientEdge(), b.gradientEdge());
        }

        private TwoInputs(int[] shape, Node edge0, Node edge1) {
            super(shape, above(edge0, edge1));
            this.next0 = edge0;
            this.next1 = edge1;
        }

        @Override
        final int inputs() {
            return 2;
        }

        @Override
        final Node next(int i) {
            return i == 0 ? next0 : next1;
        }
    }

    /** A node with any number of inputs. */
    abstract static class ManyInputs extends Node {
        final Node[] next;

        ManyInputs(int[] shape, Node[] edges) {
            super(shape, above(edges));
            this.next = edges;
        }

        @Override
        final int inputs() {
            return next.length;
        }

        @Override
        final Node next(int i) {
            return next[i];
        }
    }

    /** A leaf's accumulator (PyTorch's {@code AccumulateGrad}): adds what reaches it into the leaf's grad. */
    static final class AccumulateGrad extends Node {
        final Tensor leaf;

        AccumulateGrad(Tensor leaf) {
            super(leaf.shape);
            this.leaf = leaf;
        }

        @Override
        int inputs() {
            return 0;
        }

        @Override
        Node next(int i) {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        String name() {
            return "AccumulateGrad";
        }

        /** Adds into the leaf's grad, unless the leaf was frozen (requiresGrad(false)) since: then it gets none, as in PyTorch. */
        void accumulate(double[] g, boolean owned) {
            if (leaf.requiresGrad) {
                leaf.accumulate(g, owned);
            }
        }

        void accumulate(Product g) {
            if (leaf.requiresGrad) {
                leaf.accumulate(g);
            }
        }

        void accumulate(Tensor g) {
            if (leaf.requiresGrad) {
                leaf.accumulate(g);
            }
        }

        @Override
        void apply(double[] up, double[][] into) {
            throw new AssertionError("the engine accumulates directly");
        }

        @Override
        Tensor[] applyGraph(Tensor up) {
            throw new AssertionError("the engine accumulates directly");
        }
    }
}
