package dev.adjoint;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The backward walk, one instance per call (PyTorch's {@code GraphTask}): everything a running
 * backward needs (pending gradients, the order of the walk, what to capture) lives here and not on
 * the nodes, so concurrent calls on graphs that share nodes do not see each other. Leaves are the
 * only shared state they write, and {@link Tensor#accumulate} locks each leaf.
 *
 * <h2>Order</h2>
 * Each node has a sequence number larger than its inputs' nodes' ({@link Node#seq}), so a node's
 * senders all have larger numbers than it. The walk pops nodes from a max-heap keyed by that
 * number, as PyTorch's ready queue does: when a node is popped, every node that sends it a
 * gradient has run, so its gradient is complete. There is no counting pass over the graph and no
 * recursion (a chain of a million operations is a heap of one or two nodes), and nodes are
 * visited in reverse creation order, close in memory. Leaf accumulators, which nothing follows,
 * wait outside the heap and run last.
 *
 * <h2>Two representations</h2>
 * Without createGraph, gradients are {@code double[]} buffers that nodes add into ({@link
 * Node#apply}); a one-element gradient is kept as a plain double in {@link PendingMap}, so that a
 * graph of scalars allocates nothing per node on the way back, and the gradient of a sum or mean
 * travels as a lazy {@link Product} through the nodes that only scale it, written out once where
 * it is used. With createGraph they are tensors
 * built by tape operations ({@link Node#applyGraph}) while grad mode is on, so the backward pass
 * is itself on the tape.
 */
final class Engine {

    private final boolean keepGraph;
    private final boolean createGraph;
    /** Node -> its pending gradient so far: {@code double[]}, a double (one element), or a {@link Tensor} (createGraph). */
    private final PendingMap pending = new PendingMap();
    /** Nodes to run, a max-heap by sequence number; the numbers alongside, so that sifting reads no node. */
    private Node[] heap = new Node[16];
    private long[] heapSeqs = new long[16];
    private int heapSize;
    /** Leaf accumulators with a pending gradient: they run last, in any order, outside the heap. */
    private Node[] accumulators = new Node[8];
    private int accumulatorCount;
    /** For {@code grad()}: the nodes whose gradient is asked for -> the indices of the inputs they answer. */
    private Map<Node, int[]> captures;
    /** For {@code grad()}: the nodes on a path to a captured node (true: runs; false: only captured). Null: all run. */
    private Map<Node, Boolean> needed;
    private Object[] captured;
    /** Reused arrays handed to {@link Node#apply}: per arity, the array of input buffers ... */
    private final double[][][] intoByArity = new double[4][][];
    /** ... one-element buffers for inputs whose gradient is a scalar, and the upstream of a scalar node. */
    private final double[][] scalarInto = {new double[1], new double[1], new double[1], new double[1]};
    private final double[] scalarUp = new double[1];
    /** Whether a {@link Product} was ever pending in this call. */
    private boolean lazy;

    private Engine(boolean keepGraph, boolean createGraph) {
        this.keepGraph = keepGraph;
        this.createGraph = createGraph;
    }

    /** {@code torch.autograd.backward(outputs, gradOutputs, retain_graph, create_graph)}; a null gradient means ones. */
    static void backward(Tensor[] outputs, Tensor[] gradOutputs, boolean keepGraph, boolean createGraph) {
        Engine task = new Engine(keepGraph, createGraph);
        task.seed(outputs, gradOutputs);
        task.run();
    }

    /** {@code torch.autograd.grad}: see {@link Tensor#grad(Tensor[], Tensor[], GradOptions)}. */
    static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, GradOptions options) {
        Tensor[] gradOutputs = options.gradOutputs();
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad requires one grad_output per output: got " + gradOutputs.length
                    + " grad_outputs for " + outputs.length + " outputs");
        }
        if (options.materializeGrads() && !options.allowUnused()) {
            throw new IllegalArgumentException("Expected allowUnused to be true or not passed when materializeGrads=true, "
                    + "but got: allowUnused=false.");
        }
        Engine task = new Engine(options.retainGraph(), options.createGraph());
        task.captures = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad) {
                throw new IllegalStateException("One of the differentiated Tensors does not require grad");
            }
            Node edge = inputs[i].gradientEdge();
            int[] previous = task.captures.get(edge);
            int[] indices = previous == null ? new int[1] : Arrays.copyOf(previous, previous.length + 1);
            indices[indices.length - 1] = i;
            task.captures.put(edge, indices);
        }
        task.captured = new Object[inputs.length];
        Node[] roots = new Node[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            roots[i] = outputs[i].gradientEdge();
        }
        task.needed = neededNodes(roots, task.captures);
        task.seed(outputs, gradOutputs == null ? new Tensor[outputs.length] : gradOutputs);
        task.run();

        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Object g = task.captured[i];
            if (g == null) {
                if (!options.allowUnused()) {
                    throw new IllegalStateException("The differentiated Tensor at index " + i + " appears to not have "
                            + "been used in the graph. Set allowUnused=true if this is the desired behavior.");
                }
                // PyTorch: torch.zeros_like(input, requires_grad=create_graph)
                result[i] = options.materializeGrads() ? Tensor.zeros(inputs[i].shape).requiresGrad(options.createGraph())
                        : null;
            } else if (g instanceof Tensor t) {
                result[i] = t;
            } else {
                // captured arrays are copies (see run), one per input
                result[i] = inputs[i].withData((double[]) g);
            }
        }
        return result;
    }

    /** Checks the outputs and their gradients as PyTorch does, and queues each output's node with its seed. */
    private void seed(Tensor[] outputs, Tensor[] gradOutputs) {
        for (int i = 0; i < outputs.length; i++) {
            Tensor out = outputs[i];
            if (!out.requiresGrad) {
                throw new IllegalStateException("element " + i + " of tensors does not require grad and does not "
                        + "have a grad_fn");
            }
            Tensor g = gradOutputs[i];
            if (g == null) {
                if (out.numel() != 1) {
                    throw new IllegalArgumentException("grad can be implicitly created only for scalar outputs (shape "
                            + Shapes.str(out.shape) + "); pass a gradient: backward(Tensor gradient)");
                }
                g = out.withData(new double[] {1});
            } else if (!Arrays.equals(g.shape, out.shape)) {
                throw new IllegalArgumentException("Mismatch in shape: grad_output[" + i + "] has a shape of "
                        + Shapes.str(g.shape) + " and output[" + i + "] has a shape of " + Shapes.str(out.shape) + ".");
            }
            Node root = out.gradientEdge();
            if (createGraph) {
                add(root, g);
            } else if (g.numel() == 1) {
                addScalar(root, g.data[0]);
            } else {
                deliver(root, Product.of(g.data)); // not copied: read when it is written out
            }
        }
    }

    @SuppressWarnings("try") // the scope variable is only there to be closed
    private void run() {
        // PyTorch runs a backward with grad mode set to create_graph
        try (GradMode mode = new GradMode(createGraph)) {
            while (heapSize > 0 || accumulatorCount > 0) {
                Node node = heapSize > 0 ? pop() : accumulators[--accumulatorCount];
                Object grad = pending.remove(node);
                if (captures != null) {
                    int[] indices = captures.get(node);
                    if (indices != null) {
                        for (int i : indices) {
                            captured[i] = createGraph ? grad : owned(grad);
                        }
                    }
                    if (!Boolean.TRUE.equals(needed.get(node))) {
                        // a node only captured does not run, but its tensor pre-hooks do, as PyTorch's
                        // evaluate_function: a retained non-leaf input of Tensor.grad gets its grad()
                        Tensor retained = node.retained();
                        if (retained != null) {
                            if (createGraph) {
                                retained.retainGradient((Tensor) grad);
                            } else {
                                retained.retainGradient((double[]) owned(grad));
                            }
                        }
                        continue;
                    }
                }
                if (createGraph) {
                    runRecorded(node, (Tensor) grad);
                } else {
                    run(node, grad);
                }
                if (!keepGraph) {
                    node.release();
                }
            }
        }
    }

    /** Runs one node on arrays (first order). */
    private void run(Node node, Object grad) {
        double[] up;
        if (grad == PendingMap.SCALAR) {
            scalarUp[0] = pending.removedScalar;
            up = scalarUp;
        } else if (grad instanceof Product product) {
            if (node instanceof Node.AccumulateGrad acc) {
                writeOutReaders(acc.leaf.gradValues());
                acc.accumulate(product);
                return;
            }
            if (node.retained() == null && multiply(node, product)) {
                return;
            }
            up = product.materialize();
        } else {
            up = (double[]) grad;
        }
        if (node instanceof Node.AccumulateGrad acc) {
            writeOutReaders(acc.leaf.gradValues());
            acc.accumulate(up, up != scalarUp); // a buffer is this call's own: taken, not copied
            return;
        }
        Tensor retained = node.retained();
        if (retained != null) {
            retained.retainGradient(up);
        }
        node.checkNotReleased();
        if (up.length == 1 && node.spreads() && runs(node.next(0)) && Shapes.numel(node.next(0).shape) > 1) {
            deliver(node.next(0), Product.spread(node.spread(up[0]), Shapes.numel(node.next(0).shape)));
            return;
        }
        int inputs = node.inputs();
        double[][] into = into(inputs);
        Node handedOver = handOver(node, up); // input 0's node, if it takes over the upstream buffer
        for (int i = 0; i < inputs; i++) {
            Node next = node.next(i);
            if (i == 0 && handedOver != null) {
                into[i] = up;
            } else if (!runs(next)) {
                into[i] = null;
            } else if (Shapes.numel(next.shape) == 1 && i < scalarInto.length) {
                into[i] = scalarInto[i];
                into[i][0] = -0.0; // see buffer()
            } else {
                into[i] = buffer(next);
            }
        }
        node.apply(up, into);
        if (handedOver != null) {
            pending.put(handedOver, up);
            push(handedOver);
        }
        for (int i = 0; i < inputs; i++) {
            if (i < scalarInto.length && into[i] == scalarInto[i]) {
                addScalar(node.next(i), into[i][0]);
            }
        }
    }

    /**
     * Runs {@code node} on a lazy gradient if every input that needs a gradient gets
     * {@code upstream · factor} ({@link Node#factor}): each receives the product times its factor,
     * and nothing is computed yet. Returns false, having changed nothing, for any other node.
     */
    private boolean multiply(Node node, Product product) {
        node.checkNotReleased();
        int inputs = node.inputs();
        Node.Factor[] factors = new Node.Factor[inputs];
        for (int i = 0; i < inputs; i++) {
            if (runs(node.next(i)) && (factors[i] = node.factor(i)) == null) {
                return false;
            }
        }
        for (int i = 0; i < inputs; i++) {
            if (factors[i] != null) {
                deliver(node.next(i), product.times(factors[i]));
            }
        }
        return true;
    }

    /**
     * Before a gradient is added in place into {@code grad} (a leaf's): pending
     * products that read that array (a model multiplying by a {@code .grad()}) are written out
     * first, so that they see its values as the nodes that read them did.
     */
    private void writeOutReaders(double[] grad) {
        if (lazy && grad != null && grad.length > 1) {
            pending.writeOutReaders(grad);
        }
    }

    /** Adds a lazy gradient into {@code node}'s pending one: kept lazy if it is the first, else written out into it. */
    private void deliver(Node node, Product product) {
        lazy = true;
        if (pending.get(node) == null) {
            pending.put(node, product);
            push(node);
        } else {
            product.addInto(buffer(node));
        }
    }

    /**
     * Input 0's node if {@code node} may overwrite its upstream buffer with input 0's gradient
     * ({@link Node#overwritesUpstream}): the buffer is this call's own, input 0 has as many elements
     * and nothing pending yet, and no other input shares its node. Null otherwise.
     */
    private Node handOver(Node node, double[] up) {
        if (up == scalarUp || !node.overwritesUpstream()) {
            return null;
        }
        Node next0 = node.next(0);
        if (!runs(next0) || Shapes.numel(next0.shape) != up.length || pending.get(next0) != null) {
            return null;
        }
        for (int i = 1; i < node.inputs(); i++) {
            if (node.next(i) == next0) {
                return null;
            }
        }
        return next0;
    }

    /** Runs one node on recorded tensors (createGraph). */
    private void runRecorded(Node node, Tensor grad) {
        if (node instanceof Node.AccumulateGrad acc) {
            acc.accumulate(grad);
            return;
        }
        Tensor retained = node.retained();
        if (retained != null) {
            retained.retainGradient(grad);
        }
        node.checkNotReleased();
        Tensor[] grads = node.applyGraph(grad);
        for (int i = 0; i < node.inputs(); i++) {
            Node next = node.next(i);
            if (runs(next) && grads[i] != null) {
                if (!Arrays.equals(grads[i].shape, next.shape)) {
                    throw new IllegalStateException("Function " + node.name() + " returned an invalid gradient at "
                            + "index " + i + " - got " + Shapes.str(grads[i].shape) + " but expected shape compatible "
                            + "with " + Shapes.str(next.shape));
                }
                add(next, grads[i]);
            }
        }
    }

    /** A captured first-order gradient as an array of its own. */
    private Object owned(Object grad) {
        if (grad == PendingMap.SCALAR) {
            return new double[] {pending.removedScalar};
        }
        return grad instanceof Product product ? product.materialize() : ((double[]) grad).clone();
    }

    /** Whether a gradient sent to {@code node} is used: it exists and (for grad()) leads to an input. */
    private boolean runs(Node node) {
        return node != null && (needed == null || needed.containsKey(node));
    }

    private double[][] into(int inputs) {
        if (inputs >= intoByArity.length) {
            return new double[inputs][];
        }
        double[][] into = intoByArity[inputs];
        return into != null ? into : (intoByArity[inputs] = new double[inputs][]);
    }

    /**
     * The pending array gradient of {@code node}, created and queued on first use. A new buffer
     * holds -0.0, the identity of +: a first gradient added into it lands unchanged, -0.0 included,
     * as PyTorch's InputBuffer takes a first gradient as it is (a +0.0 start turned -0.0 into 0.0).
     * A node that sums several terms into one element first adds +0.0 ({@link #startSum}).
     */
    private double[] buffer(Node node) {
        Object b = pending.get(node);
        if (b == null) {
            double[] buffer = new double[Shapes.numel(node.shape)];
            Arrays.fill(buffer, -0.0);
            pending.put(node, buffer);
            push(node);
            return buffer;
        }
        if (b == PendingMap.SCALAR) { // a one-element gradient that overflowed the scalar buffers
            double[] buffer = {pending.scalar(node)};
            pending.put(node, buffer);
            return buffer;
        }
        if (b instanceof Product product) { // a second gradient arrives: the first is written out to add to
            double[] buffer = product.materialize();
            pending.put(node, buffer);
            return buffer;
        }
        return (double[]) b;
    }

    /**
     * Before a node adds a sum of several terms into each element of {@code g}: adds +0.0, which
     * changes only a -0.0 (a fresh buffer) into 0.0, so the result rounds as PyTorch's, which sums
     * from +0.0 and then adds the sum.
     */
    static void startSum(double[] g) {
        for (int i = 0; i < g.length; i++) {
            g[i] += 0.0;
        }
    }

    /** Adds {@code g} into the pending one-element gradient of {@code node}. */
    private void addScalar(Node node, double g) {
        Object b = pending.get(node);
        if (b instanceof double[] array) {
            array[0] += g;
        } else if (pending.addScalar(node, g)) {
            push(node);
        }
    }

    /** Adds a recorded gradient into {@code node}'s pending one (out of place, so the sum is on the tape). */
    private void add(Node node, Tensor g) {
        Tensor sum = (Tensor) pending.get(node);
        if (sum == null) {
            push(node);
        }
        pending.put(node, sum == null ? g : sum.add(g));
    }

    /**
     * PyTorch's {@code init_to_execute}: the nodes from which a captured node can be reached
     * (true: it must run) and the captured nodes that lead to no other (false). Iterative
     * post-order depth-first search.
     */
    private static Map<Node, Boolean> neededNodes(Node[] roots, Map<Node, int[]> captures) {
        Map<Node, Boolean> needed = new IdentityHashMap<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        ArrayDeque<Integer> nextEdge = new ArrayDeque<>();
        for (Node root : roots) {
            if (root == null || seen.put(root, Boolean.TRUE) != null) {
                continue;
            }
            stack.push(root);
            nextEdge.push(0);
            while (!stack.isEmpty()) {
                Node node = stack.peek();
                int i = nextEdge.pop();
                while (i < node.inputs() && (node.next(i) == null || seen.containsKey(node.next(i)))) {
                    i++;
                }
                if (i < node.inputs()) {
                    nextEdge.push(i + 1);
                    seen.put(node.next(i), Boolean.TRUE);
                    stack.push(node.next(i));
                    nextEdge.push(0);
                    continue;
                }
                stack.pop();
                boolean leadsToCapture = false;
                for (int k = 0; k < node.inputs(); k++) {
                    leadsToCapture |= node.next(k) != null && needed.containsKey(node.next(k));
                }
                if (leadsToCapture) {
                    needed.put(node, Boolean.TRUE);
                } else if (captures.containsKey(node)) {
                    needed.put(node, Boolean.FALSE);
                }
            }
        }
        return needed;
    }

    // ---------------------------------------------------------------- max-heap of nodes by level

    /** Queues a node whose first pending gradient just arrived. */
    private void push(Node node) {
        if (node instanceof Node.AccumulateGrad) {
            if (accumulatorCount == accumulators.length) {
                accumulators = Arrays.copyOf(accumulators, accumulatorCount * 2);
            }
            accumulators[accumulatorCount++] = node;
            return;
        }
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
            heapSeqs = Arrays.copyOf(heapSeqs, heapSize * 2);
        }
        long seq = node.seq;
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heapSeqs[parent] >= seq) {
                break;
            }
            heap[i] = heap[parent];
            heapSeqs[i] = heapSeqs[parent];
            i = parent;
        }
        heap[i] = node;
        heapSeqs[i] = seq;
    }

    private Node pop() {
        Node top = heap[0];
        int last = --heapSize;
        Node lastNode = heap[last];
        long lastSeq = heapSeqs[last];
        heap[last] = null;
        if (heapSize > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= heapSize) {
                    break;
                }
                if (child + 1 < heapSize && heapSeqs[child + 1] > heapSeqs[child]) {
                    child++;
                }
                if (heapSeqs[child] <= lastSeq) {
                    break;
                }
                heap[i] = heap[child];
                heapSeqs[i] = heapSeqs[child];
                i = child;
            }
            heap[i] = lastNode;
            heapSeqs[i] = lastSeq;
        }
        return top;
    }

    /**
     * The pending gradients: an open-addressing hash map from nodes (by identity, hashed by
     * {@link Node#hash()}) to a gradient, where a one-element first-order gradient is stored as a
     * primitive double (its value slot holds {@link #SCALAR}). It holds the walk's frontier only.
     */
    static final class PendingMap {
        /** Marks an entry whose gradient is the double in {@code scalars}. */
        static final Object SCALAR = new Object();

        private Node[] keys = new Node[16];
        /** The keys' hashes, so that moving entries reads no node. */
        private int[] hashes = new int[16];
        private Object[] values = new Object[16];
        private double[] scalars = new double[16];
        private int size;
        /** The scalar of the entry {@link #remove} last removed, if it was one. */
        double removedScalar;

        Object get(Node key) {
            int i = find(key);
            return i < 0 ? null : values[i];
        }

        double scalar(Node key) {
            return scalars[find(key)];
        }

        void put(Node key, Object value) {
            int i = slot(key); // first: it may grow the arrays
            values[i] = value;
        }

        /** Adds into a scalar entry, creating it at {@code g}; returns whether it was new. */
        boolean addScalar(Node key, double g) {
            int i = slot(key);
            if (values[i] == null) {
                values[i] = SCALAR;
                scalars[i] = g;
                return true;
            }
            scalars[i] += g;
            return false;
        }

        private int find(Node key) {
            int mask = keys.length - 1;
            for (int i = key.hash() & mask; ; i = (i + 1) & mask) {
                Node k = keys[i];
                if (k == key) {
                    return i;
                }
                if (k == null) {
                    return -1;
                }
            }
        }

        /** The slot of {@code key}, claimed if absent (its value then null). */
        private int slot(Node key) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int hash = key.hash();
            int i = hash & mask;
            while (keys[i] != null && keys[i] != key) {
                i = (i + 1) & mask;
            }
            if (keys[i] == null) {
                keys[i] = key;
                hashes[i] = hash;
                size++;
            }
            return i;
        }

        /** Writes out, each into an array of its own, the pending products that read {@code array}. */
        void writeOutReaders(double[] array) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof Product p && p.reads(array)) {
                    values[i] = p.materialize();
                }
            }
        }

        Object remove(Node key) {
            int i = find(key);
            if (i < 0) {
                return null;
            }
            Object value = values[i];
            removedScalar = scalars[i];
            // backward-shift deletion: move later entries of the probe run into the hole
            int mask = keys.length - 1;
            int hole = i;
            for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
                int home = hashes[j] & mask;
                boolean movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
                if (movable) {
                    keys[hole] = keys[j];
                    hashes[hole] = hashes[j];
                    values[hole] = values[j];
                    scalars[hole] = scalars[j];
                    hole = j;
                }
            }
            keys[hole] = null;
            values[hole] = null;
            size--;
            return value;
        }

        private void grow() {
            Node[] oldKeys = keys;
            Object[] oldValues = values;
            double[] oldScalars = scalars;
            hashes = new int[oldKeys.length * 2];
            keys = new Node[oldKeys.length * 2];
            values = new Object[oldKeys.length * 2];
            scalars = new double[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    int j = slot(oldKeys[i]);
                    values[j] = oldValues[i];
                    scalars[j] = oldScalars[i];
                }
            }
        }
    }
}
