package dev.adjoint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A scalar or a dense 1-D array of doubles that records the operations applied to it, so that
 * {@link #backward()} can compute gradients: the runtime tape of Adjoint, modelled on PyTorch
 * autograd (and, in size, on micrograd).
 *
 * <h2>How the tape works</h2>
 * Every operation returns a new tensor. When grad mode is on ({@link #isGradEnabled()}) and an
 * input {@linkplain #requiresGrad() requires grad}, the result also gets a <em>node</em> (its
 * {@link #gradFn()}, e.g. {@code MulBackward0}) holding a pullback closure and edges to the
 * nodes of its inputs. A leaf that requires grad is reached through a hidden accumulator node
 * that adds into its {@link #grad()}. {@link #backward()} sorts the reachable nodes
 * topologically (iteratively: a chain of a million operations is fine) and walks them in
 * reverse, each node turning the gradient of its output into gradients of its inputs. Gradients
 * <em>accumulate</em> ({@code +=}) into leaves across backward calls, as in PyTorch.
 *
 * <h2>Saved values and versions</h2>
 * A node that needs values for its backward (sin needs x, exp needs its result) keeps a reference
 * to those tensors together with their version. After a backward without {@code retainGraph}
 * those references are released, and a second backward through that node fails, as in PyTorch.
 * In-place operations ({@link #addInPlace(Tensor)}, {@link #zero()}, {@link #set(int, double)},
 * ...) bump the version counter, which is shared with {@link #detach() detached} views of the same
 * values; backward refuses to use a saved value whose version changed.
 *
 * <h2>Errors</h2>
 * Messages follow PyTorch's wording. Bad shapes or indices are {@link IllegalArgumentException}
 * (or {@link IndexOutOfBoundsException}); misuse of the graph or of grad mode (backward twice,
 * backward of a tensor that does not require grad, an in-place change of a saved value or of a
 * leaf that requires grad) is {@link IllegalStateException}.
 *
 * <p>Tensors are not thread-safe; grad mode is per thread. Equality is identity, as in PyTorch.
 */
public final class Tensor {

    /**
     * Backward of a function node: adds {@code upstream·∂out/∂input_i} into
     * {@code inputGrads[i]} (arrays pre-zeroed, one per input, of that input's numel).
     * {@code upstream} holds the gradient of the node's output, one entry per output element;
     * it must not be modified.
     */
    @FunctionalInterface
    public interface Pullback {
        /** Adds the gradient of each input into {@code inputGrads}, given the output's gradient. */
        void pullback(double[] upstream, double[][] inputGrads);
    }

    private static final int[] SCALAR = {};
    private static final Tensor[] NOTHING = {};

    /** The values, plus the version counter that in-place operations bump; shared by detach(). */
    private static final class Storage {
        final double[] data;
        int version;

        Storage(double[] data) {
            this.data = data;
        }
    }

    private final Storage storage;
    private final int[] shape;
    private boolean requiresGrad;
    /** The node that produced this tensor; null for a leaf. */
    private Node gradFn;
    /** For a leaf that requires grad: the node backward sends this leaf's gradient to. */
    private Node accumulator;
    private Tensor grad;

    private Tensor(Storage storage, int[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    private Tensor(double[] data, int[] shape) {
        this(new Storage(data), shape);
    }

    // ---------------------------------------------------------------- creation and properties

    /** A 0-dimensional tensor (shape {@code []}) holding {@code value}; a leaf, not requiring grad. */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, SCALAR);
    }

    /** A 1-D tensor (shape {@code [n]}) holding a copy of {@code values}; a leaf, not requiring grad. */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** The value of a tensor with one element; PyTorch's {@code item()}. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("a Tensor with " + numel()
                    + " elements cannot be converted to Scalar (shape " + Arrays.toString(shape) + ")");
        }
        return storage.data[0];
    }

    /** Element {@code index} of the flattened values. */
    public double get(int index) {
        return storage.data[Objects.checkIndex(index, numel())];
    }

    /** A copy of the values, flattened. */
    public double[] toArray() {
        return storage.data.clone();
    }

    /** A copy of the shape: {@code []} for a scalar, {@code [n]} for a vector. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions: 0 for a scalar, 1 for a vector. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return storage.data.length;
    }

    /** Whether operations on this tensor are recorded for backward. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Sets, in place, whether this leaf records operations for backward; PyTorch's
     * {@code requires_grad_()}. Returns this tensor. A non-leaf always requires grad: asking it
     * for {@code true} is a no-op, asking it for {@code false} is refused (use {@link #detach()}).
     */
    public Tensor requiresGrad(boolean requiresGrad) {
        if (!isLeaf()) {
            if (!requiresGrad) {
                throw new IllegalStateException("you can only change requires_grad flags of leaf variables. "
                        + "If you want to use a computed variable in a subgraph that doesn't require "
                        + "differentiation use varNoGrad = var.detach().");
            }
            return this;
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** True for a tensor created by the user (or computed without grad): it has no {@link #gradFn()}. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The name of the node that produced this tensor, e.g. {@code "MulBackward0"}; null for a leaf. */
    public String gradFn() {
        return gradFn == null ? null : gradFn.name;
    }

    /**
     * The accumulated gradient: null until a backward reaches this tensor (PyTorch's None). Only
     * leaves, and non-leaves that called {@link #retainGrad()}, receive one.
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Makes a non-leaf keep its gradient in {@link #grad()} during backward (a no-op on a leaf).
     * Returns this tensor.
     */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
        }
        if (gradFn != null) {
            gradFn.retained = this;
        }
        return this;
    }

    /**
     * A new leaf sharing this tensor's values and version counter, outside the graph: it does not
     * require grad, and an in-place change to either is seen by both (and by backward's checks).
     */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    /**
     * Zeroes this tensor's gradient in place, if it has one (PyTorch's {@code x.grad.zero_()});
     * a tensor without a gradient is left as is. Equivalent to {@code grad().zero()}.
     */
    public void zeroGrad() {
        if (grad != null) {
            grad.zero();
        }
    }

    /** The version counter: how many in-place operations changed these values (PyTorch's {@code _version}). */
    public int version() {
        return storage.version;
    }

    // ---------------------------------------------------------------- grad mode

    /** Opens a scope in which nothing is recorded on the tape (PyTorch's {@code torch.no_grad()}). */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Opens a scope in which recording is on again, e.g. inside {@link #noGrad()}. */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    /** Sets this thread's grad mode without a scope (PyTorch's {@code torch.set_grad_enabled}). */
    public static void setGradEnabled(boolean enabled) {
        GradMode.setEnabled(enabled);
    }

    /** Whether operations on this thread are recorded when an input requires grad. */
    public static boolean isGradEnabled() {
        return GradMode.isEnabled();
    }

    // ---------------------------------------------------------------- function nodes

    /**
     * A scalar computed outside the tape (e.g. by generated code), put on the tape as one node
     * named {@code gradFnName} whose backward is {@code pullback}. If grad mode is on and an input
     * requires grad, the result requires grad; otherwise it is a plain constant. The node counts
     * as holding saved values: a second backward through it needs {@code retainGraph}.
     */
    public static Tensor function(String gradFnName, double value, Pullback pullback, Tensor... inputs) {
        return functionNode(gradFnName, new Tensor(new double[] {value}, SCALAR), pullback, inputs);
    }

    /** Like {@link #function(String, double, Pullback, Tensor...)} with a 1-D result (a copy of {@code value}). */
    public static Tensor function(String gradFnName, double[] value, Pullback pullback, Tensor... inputs) {
        return functionNode(gradFnName, vector(value), pullback, inputs);
    }

    private static Tensor functionNode(String name, Tensor out, Pullback pullback, Tensor[] inputs) {
        Objects.requireNonNull(name, "gradFnName");
        Objects.requireNonNull(pullback, "pullback");
        return out.record(name, pullback, true, NOTHING, inputs);
    }

    // ---------------------------------------------------------------- arithmetic

    /** Elementwise {@code this + other}, broadcasting a scalar against a vector. */
    public Tensor add(Tensor other) {
        Tensor a = this, b = other;
        int sa = stride(a, b), sb = stride(b, a);
        Tensor out = zip(a, b, Double::sum);
        // d(a+b)/da = 1, d(a+b)/db = 1; a broadcast scalar collects the sum over elements
        return out.record("AddBackward0", (up, g) -> {
            for (int i = 0; i < up.length; i++) {
                g[0][i * sa] += up[i];
                g[1][i * sb] += up[i];
            }
        }, false, NOTHING, a, b);
    }

    /** {@code this + c}; recorded as {@code AddBackward0}, as PyTorch does for {@code x + 2.0}. */
    public Tensor add(double c) {
        return add(scalar(c));
    }

    /** Elementwise {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        Tensor a = this, b = other;
        int sa = stride(a, b), sb = stride(b, a);
        Tensor out = zip(a, b, (x, y) -> x - y);
        // d(a-b)/da = 1, d(a-b)/db = -1
        return out.record("SubBackward0", (up, g) -> {
            for (int i = 0; i < up.length; i++) {
                g[0][i * sa] += up[i];
                g[1][i * sb] -= up[i];
            }
        }, false, NOTHING, a, b);
    }

    /** {@code this - c} ({@code SubBackward0}). */
    public Tensor sub(double c) {
        return sub(scalar(c));
    }

    /** Elementwise {@code this * other}, broadcasting. */
    public Tensor mul(Tensor other) {
        // d(a*b)/da = b, d(a*b)/db = a
        return binary("MulBackward0", this, other, (a, b) -> a * b, (a, b, out) -> b, (a, b, out) -> a);
    }

    /** {@code this * c} ({@code MulBackward0}). */
    public Tensor mul(double c) {
        return mul(scalar(c));
    }

    /** Elementwise {@code this / other}, broadcasting. */
    public Tensor div(Tensor other) {
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
        return binary("DivBackward0", this, other, (a, b) -> a / b,
                (a, b, out) -> 1 / b, (a, b, out) -> -a / (b * b));
    }

    /** {@code this / c} ({@code DivBackward0}). */
    public Tensor div(double c) {
        return div(scalar(c));
    }

    /** Elementwise {@code -this}. */
    public Tensor neg() {
        // d(-x)/dx = -1: nothing needs saving
        return unary("NegBackward0", Saves.NOTHING, x -> -x, (x, out) -> -1);
    }

    /** Elementwise {@code this^p} for a constant exponent ({@code PowBackward0}). */
    public Tensor pow(double p) {
        // d(x^p)/dx = p·x^(p-1); PyTorch defines it as 0 when p == 0 (even at x == 0)
        return unary("PowBackward0", Saves.INPUT, x -> Math.pow(x, p),
                (x, out) -> p == 0 ? 0 : p * Math.pow(x, p - 1));
    }

    /** Elementwise {@code this^e} for a tensor exponent ({@code PowBackward1}), broadcasting. */
    public Tensor pow(Tensor e) {
        // d(a^b)/da = b·a^(b-1) (0 when b == 0);
        // d(a^b)/db = a^b·ln(a), which PyTorch defines as 0 where a == 0 and b >= 0
        return binary("PowBackward1", this, e, Math::pow,
                (a, b, out) -> b == 0 ? 0 : b * Math.pow(a, b - 1),
                (a, b, out) -> a == 0 && b >= 0 ? 0 : out * Math.log(a));
    }

    // ---------------------------------------------------------------- elementwise functions

    /** Elementwise sine. */
    public Tensor sin() {
        return unary("SinBackward0", Saves.INPUT, Math::sin, (x, out) -> Math.cos(x)); // d sin(x)/dx = cos(x)
    }

    /** Elementwise cosine. */
    public Tensor cos() {
        return unary("CosBackward0", Saves.INPUT, Math::cos, (x, out) -> -Math.sin(x)); // d cos(x)/dx = -sin(x)
    }

    /** Elementwise tangent. */
    public Tensor tan() {
        return unary("TanBackward0", Saves.OUTPUT, Math::tan, (x, out) -> 1 + out * out); // d tan(x)/dx = 1 + tan²(x)
    }

    /** Elementwise {@code e^x}. */
    public Tensor exp() {
        return unary("ExpBackward0", Saves.OUTPUT, Math::exp, (x, out) -> out); // d e^x/dx = e^x
    }

    /** Elementwise natural logarithm. */
    public Tensor log() {
        return unary("LogBackward0", Saves.INPUT, Math::log, (x, out) -> 1 / x); // d ln(x)/dx = 1/x
    }

    /** Elementwise square root. */
    public Tensor sqrt() {
        return unary("SqrtBackward0", Saves.OUTPUT, Math::sqrt, (x, out) -> 0.5 / out); // d √x/dx = 1/(2√x)
    }

    /** Elementwise hyperbolic tangent. */
    public Tensor tanh() {
        // d tanh(x)/dx = 1 - tanh²(x)
        return unary("TanhBackward0", Saves.OUTPUT, Math::tanh, (x, out) -> 1 - out * out);
    }

    /** Elementwise logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public Tensor sigmoid() {
        // d σ(x)/dx = σ(x)·(1 - σ(x)); the forward avoids overflowing e^-x for very negative x
        return unary("SigmoidBackward0", Saves.OUTPUT,
                x -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)),
                (x, out) -> out * (1 - out));
    }

    /** Elementwise {@code max(x, 0)}. */
    public Tensor relu() {
        // d relu(x)/dx = 1 if x > 0 else 0 (0 at the kink, as PyTorch)
        return unary("ReluBackward0", Saves.OUTPUT, x -> x > 0 ? x : 0, (x, out) -> out > 0 ? 1 : 0);
    }

    /** Elementwise absolute value. */
    public Tensor abs() {
        // d|x|/dx = sign(x) (0 at the kink, as PyTorch)
        return unary("AbsBackward0", Saves.INPUT, Math::abs, (x, out) -> Math.signum(x));
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, as a scalar. */
    public Tensor sum() {
        double s = 0;
        for (double v : storage.data) {
            s += v;
        }
        // d(Σx)/dx_i = 1
        return scalar(s).record("SumBackward0", (up, g) -> {
            for (int i = 0; i < g[0].length; i++) {
                g[0][i] += up[0];
            }
        }, false, NOTHING, this);
    }

    /** The mean of all elements, as a scalar (NaN for an empty vector, as PyTorch). */
    public Tensor mean() {
        int n = numel();
        double s = 0;
        for (double v : storage.data) {
            s += v;
        }
        // d(Σx/n)/dx_i = 1/n
        return scalar(s / n).record("MeanBackward0", (up, g) -> {
            for (int i = 0; i < n; i++) {
                g[0][i] += up[0] / n;
            }
        }, false, NOTHING, this);
    }

    /** The dot product {@code Σ a_i·b_i} of two vectors of one length, as a scalar. */
    public Tensor dot(Tensor other) {
        Tensor a = this, b = other;
        if (a.dim() != 1 || b.dim() != 1) {
            throw new IllegalArgumentException("1D tensors expected, but got " + a.dim() + "D and "
                    + b.dim() + "D tensors");
        }
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException("inconsistent tensor size, expected tensor "
                    + Arrays.toString(a.shape) + " and src " + Arrays.toString(b.shape)
                    + " to have the same number of elements, but got " + a.numel() + " and "
                    + b.numel() + " elements respectively");
        }
        double s = 0;
        for (int i = 0; i < a.numel(); i++) {
            s += a.storage.data[i] * b.storage.data[i];
        }
        // d(a·b)/da_i = b_i, d(a·b)/db_i = a_i
        return scalar(s).record("DotBackward0", (up, g) -> {
            double[] av = a.storage.data, bv = b.storage.data;
            for (int i = 0; i < av.length; i++) {
                g[0][i] += up[0] * bv[i];
                g[1][i] += up[0] * av[i];
            }
        }, false, new Tensor[] {a, b}, a, b);
    }

    // ---------------------------------------------------------------- in-place operations

    /**
     * Adds {@code other} into this tensor in place (broadcasting a scalar {@code other}) and bumps
     * the version counter. In-place operations are not recorded on the tape: with grad mode on,
     * they are refused on a leaf that requires grad (as PyTorch does) and on any operand that
     * requires grad; use them on plain values, on gradients, or inside {@link #noGrad()} (e.g. an
     * SGD step). Returns this tensor.
     */
    public Tensor addInPlace(Tensor other) {
        checkInPlace("addInPlace", other);
        int s = stride(other, this);
        for (int i = 0; i < numel(); i++) {
            storage.data[i] += other.storage.data[i * s];
        }
        return bumpVersion();
    }

    /** Adds {@code c} to every element in place; see {@link #addInPlace(Tensor)}. */
    public Tensor addInPlace(double c) {
        return addInPlace(scalar(c));
    }

    /** Subtracts {@code other} in place; see {@link #addInPlace(Tensor)}. */
    public Tensor subInPlace(Tensor other) {
        checkInPlace("subInPlace", other);
        int s = stride(other, this);
        for (int i = 0; i < numel(); i++) {
            storage.data[i] -= other.storage.data[i * s];
        }
        return bumpVersion();
    }

    /** Multiplies every element by {@code c} in place; see {@link #addInPlace(Tensor)}. */
    public Tensor mulInPlace(double c) {
        checkInPlace("mulInPlace", null);
        for (int i = 0; i < numel(); i++) {
            storage.data[i] *= c;
        }
        return bumpVersion();
    }

    /** Sets every element to 0 in place (PyTorch's {@code zero_()}); see {@link #addInPlace(Tensor)}. */
    public Tensor zero() {
        checkInPlace("zero", null);
        Arrays.fill(storage.data, 0);
        return bumpVersion();
    }

    /** Sets element {@code index} in place; see {@link #addInPlace(Tensor)}. */
    public Tensor set(int index, double value) {
        Objects.checkIndex(index, numel());
        checkInPlace("set", null);
        storage.data[index] = value;
        return bumpVersion();
    }

    private void checkInPlace(String op, Tensor other) {
        if (other != null && !Arrays.equals(broadcastShape(this, other), shape)) {
            throw new IllegalArgumentException("output with shape " + Arrays.toString(shape)
                    + " doesn't match the broadcast shape " + Arrays.toString(broadcastShape(this, other)));
        }
        if (!isGradEnabled()) {
            return;
        }
        if (requiresGrad && isLeaf()) {
            throw new IllegalStateException(
                    "a leaf Variable that requires grad is being used in an in-place operation.");
        }
        if (requiresGrad || (other != null && other.requiresGrad)) {
            throw new IllegalStateException(op + " is not recorded on the tape, so it cannot be used on a "
                    + "tensor that requires grad while grad mode is on; use the out-of-place operation, "
                    + "or run it inside Tensor.noGrad()");
        }
    }

    private Tensor bumpVersion() {
        storage.version++;
        return this;
    }

    // ---------------------------------------------------------------- backward

    /** Computes the gradient of this scalar with respect to every leaf that requires grad, freeing the graph. */
    public void backward() {
        backward(false);
    }

    /**
     * Like {@link #backward()}; with {@code retainGraph} the saved values are kept, so that a
     * later backward can go through the same graph again (PyTorch's {@code retain_graph=True}).
     */
    public void backward(boolean retainGraph) {
        checkRequiresGrad();
        if (numel() != 1) {
            throw new IllegalArgumentException("grad can be implicitly created only for scalar outputs (shape "
                    + Arrays.toString(shape) + "); pass a gradient: backward(Tensor gradient)");
        }
        runBackward(new double[] {1}, retainGraph);
    }

    /**
     * Backward from a tensor of any shape, seeded with {@code gradient} (∂L/∂this, same shape):
     * computes the vector-Jacobian product into the leaves. Frees the graph.
     */
    public void backward(Tensor gradient) {
        backward(gradient, false);
    }

    /** Like {@link #backward(Tensor)}, keeping the graph if {@code retainGraph}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        checkRequiresGrad();
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output[0] has a shape of "
                    + Arrays.toString(gradient.shape) + " and output[0] has a shape of "
                    + Arrays.toString(shape) + ".");
        }
        runBackward(gradient.toArray(), retainGraph);
    }

    private void checkRequiresGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
    }

    /**
     * The engine. Phase 1 finds every node reachable from this tensor's node and counts, for each,
     * how many reachable nodes send it a gradient. Phase 2 (Kahn's algorithm) runs a node once all
     * of its senders have run, so its gradient is complete. Both phases use explicit stacks.
     */
    private void runBackward(double[] seed, boolean retainGraph) {
        Node root = gradientEdge();
        List<Node> reachable = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        try {
            root.visited = true;
            reachable.add(root);
            stack.push(root);
            while (!stack.isEmpty()) {
                for (Node next : stack.pop().next) {
                    if (next == null) {
                        continue;
                    }
                    next.dependencies++;
                    if (!next.visited) {
                        next.visited = true;
                        reachable.add(next);
                        stack.push(next);
                    }
                }
            }
            root.pending = seed;
            stack.push(root);
            while (!stack.isEmpty()) {
                Node node = stack.pop();
                double[] upstream = node.pending;
                node.pending = null;
                double[][] inputGrads = node.apply(upstream, retainGraph);
                for (int i = 0; i < node.next.length; i++) {
                    Node next = node.next[i];
                    if (next == null) {
                        continue;
                    }
                    if (next.pending == null) {
                        next.pending = inputGrads[i]; // a fresh array, owned from here on
                    } else {
                        addInto(next.pending, inputGrads[i]);
                    }
                    if (--next.dependencies == 0) {
                        stack.push(next);
                    }
                }
            }
        } finally {
            for (Node node : reachable) { // leave no scratch state behind, even after an error
                node.visited = false;
                node.dependencies = 0;
                node.pending = null;
            }
        }
    }

    /** Where gradients for this tensor go: its grad_fn, its leaf accumulator, or nowhere (null). */
    private Node gradientEdge() {
        if (gradFn != null) {
            return gradFn;
        }
        if (!requiresGrad) {
            return null;
        }
        if (accumulator == null) {
            accumulator = new Node(this);
        }
        return accumulator;
    }

    private void accumulateGrad(double[] g) {
        if (grad == null) {
            grad = new Tensor(g.clone(), shape);
        } else {
            addInto(grad.storage.data, g);
            grad.bumpVersion();
        }
    }

    private static void addInto(double[] into, double[] g) {
        for (int i = 0; i < into.length; i++) {
            into[i] += g[i];
        }
    }

    /** A node of the graph: one operation's backward, or a leaf's gradient accumulator. */
    private static final class Node {
        final String name;
        /** Gradient edges, one per input of the operation; null where the input needs no gradient. */
        final Node[] next;
        final int[] inputNumels;
        /** Whether the pullback depends on values that backward frees unless retainGraph is set. */
        final boolean holdsValues;
        Pullback pullback;
        Tensor[] saved;
        int[] savedVersions;
        boolean freed;
        /** For a leaf's accumulator: the leaf. */
        final Tensor leaf;
        /** The output tensor, if it called retainGrad(). */
        Tensor retained;
        // scratch state of a running backward
        boolean visited;
        int dependencies;
        double[] pending;

        Node(String name, Pullback pullback, boolean holdsValues, Tensor[] saved, Tensor[] inputs) {
            this.name = name;
            this.pullback = pullback;
            this.holdsValues = holdsValues || saved.length > 0;
            this.saved = saved;
            this.savedVersions = new int[saved.length];
            for (int i = 0; i < saved.length; i++) {
                savedVersions[i] = saved[i].storage.version;
            }
            this.next = new Node[inputs.length];
            this.inputNumels = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                next[i] = inputs[i].gradientEdge();
                inputNumels[i] = inputs[i].numel();
            }
            this.leaf = null;
        }

        Node(Tensor leaf) {
            this.name = "AccumulateGrad";
            this.next = new Node[0];
            this.inputNumels = new int[0];
            this.holdsValues = false;
            this.leaf = leaf;
        }

        /** Turns the gradient of this node's output into the gradients of its inputs. */
        double[][] apply(double[] upstream, boolean retainGraph) {
            if (leaf != null) {
                leaf.accumulateGrad(upstream);
                return new double[0][];
            }
            if (freed) {
                throw new IllegalStateException("Trying to backward through the graph a second time (or directly "
                        + "access saved tensors after they have already been freed). Saved intermediate values of "
                        + "the graph are freed when you call backward(). Specify retainGraph=true (backward(true) "
                        + "or backward(gradient, true)) if you need to backward through the graph a second time "
                        + "or if you need to access saved tensors after calling backward.");
            }
            for (int i = 0; i < saved.length; i++) {
                Tensor t = saved[i];
                if (t.storage.version != savedVersions[i]) {
                    throw new IllegalStateException("one of the variables needed for gradient computation has been "
                            + "modified by an inplace operation: [Tensor " + Arrays.toString(t.shape) + "]"
                            + (t.gradFn == null ? "" : ", which is output 0 of " + t.gradFn.name)
                            + ", is at version " + t.storage.version + "; expected version " + savedVersions[i]
                            + " instead. Hint: the value was changed in place after " + name
                            + " saved it; use an out-of-place operation.");
                }
            }
            if (retained != null) {
                retained.accumulateGrad(upstream);
            }
            double[][] inputGrads = new double[next.length][];
            for (int i = 0; i < next.length; i++) {
                inputGrads[i] = new double[inputNumels[i]];
            }
            pullback.pullback(upstream, inputGrads);
            if (!retainGraph && holdsValues) {
                pullback = null;
                saved = null;
                freed = true;
            }
            return inputGrads;
        }
    }

    // ---------------------------------------------------------------- op helpers

    /**
     * Makes this freshly computed tensor the output of a node, if grad mode is on and an input
     * requires grad; otherwise leaves it a plain constant. Returns this tensor.
     */
    private Tensor record(String name, Pullback pullback, boolean holdsValues, Tensor[] saved, Tensor... inputs) {
        if (!isGradEnabled()) {
            return this;
        }
        boolean anyRequiresGrad = false;
        for (Tensor input : inputs) {
            anyRequiresGrad |= input.requiresGrad;
        }
        if (!anyRequiresGrad) {
            return this;
        }
        gradFn = new Node(name, pullback, holdsValues, saved, inputs);
        requiresGrad = true;
        return this;
    }

    /** ∂out/∂x of an elementwise function at one element, given the input and the output there. */
    private interface UnaryPartial {
        double at(double x, double out);
    }

    /** ∂out/∂a (or ∂out/∂b) of an elementwise binary function at one element. */
    private interface BinaryPartial {
        double at(double a, double b, double out);
    }

    /** Which value an elementwise function's backward reads, and so saves (as PyTorch's node does). */
    private enum Saves { INPUT, OUTPUT, NOTHING }

    /** An elementwise function {@code f} with derivative {@code d}. */
    private Tensor unary(String name, Saves saves, DoubleUnaryOperator f, UnaryPartial d) {
        double[] x = storage.data;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        Tensor in = this;
        Tensor out = new Tensor(y, shape);
        Tensor[] saved = saves == Saves.INPUT ? new Tensor[] {in}
                : saves == Saves.OUTPUT ? new Tensor[] {out}
                : NOTHING;
        // chain rule, elementwise: ∂L/∂x_i = ∂L/∂out_i · ∂out_i/∂x_i
        return out.record(name, (up, g) -> {
            double[] xv = in.storage.data, yv = out.storage.data;
            for (int i = 0; i < up.length; i++) {
                g[0][i] += up[i] * d.at(xv[i], yv[i]);
            }
        }, false, saved, in);
    }

    /** An elementwise binary function with broadcasting; saves both inputs for backward. */
    private static Tensor binary(String name, Tensor a, Tensor b, DoubleBinaryOperator f,
            BinaryPartial da, BinaryPartial db) {
        int sa = stride(a, b), sb = stride(b, a);
        Tensor out = zip(a, b, f);
        return out.record(name, (up, g) -> {
            double[] av = a.storage.data, bv = b.storage.data, ov = out.storage.data;
            for (int i = 0; i < up.length; i++) {
                double x = av[i * sa], y = bv[i * sb];
                g[0][i * sa] += up[i] * da.at(x, y, ov[i]);
                g[1][i * sb] += up[i] * db.at(x, y, ov[i]);
            }
        }, false, new Tensor[] {a, b}, a, b);
    }

    /** Applies {@code f} elementwise over the broadcast shape of a and b. */
    private static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int[] shape = broadcastShape(a, b);
        int n = shape.length == 0 ? 1 : shape[0];
        int sa = stride(a, b), sb = stride(b, a);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(a.storage.data[i * sa], b.storage.data[i * sb]);
        }
        return new Tensor(out, shape);
    }

    /** Index step of {@code t} when paired elementwise with {@code other}: 0 if t is broadcast. */
    private static int stride(Tensor t, Tensor other) {
        return t.numel() == 1 && other.numel() != 1 ? 0 : 1;
    }

    /**
     * The shape of an elementwise result: equal shapes, or a one-element tensor ({@code []} or
     * {@code [1]}) stretched over the other one, as PyTorch's broadcasting does in one dimension.
     */
    private static int[] broadcastShape(Tensor a, Tensor b) {
        if (a.dim() == 0 && b.dim() == 0) {
            return SCALAR;
        }
        int na = a.dim() == 0 ? 1 : a.shape[0];
        int nb = b.dim() == 0 ? 1 : b.shape[0];
        if (na == nb || nb == 1) {
            return new int[] {na};
        }
        if (na == 1) {
            return new int[] {nb};
        }
        throw new IllegalArgumentException("shape mismatch: " + Arrays.toString(a.shape) + " and "
                + Arrays.toString(b.shape) + " cannot be broadcast together (the size of tensor a (" + na
                + ") must match the size of tensor b (" + nb + ") at non-singleton dimension 0)");
    }

    // ---------------------------------------------------------------- printing

    /**
     * Prints as PyTorch does for a default-dtype tensor: {@code tensor(5., requires_grad=True)},
     * {@code tensor(-0.1324, grad_fn=<SinBackward0>)}, {@code tensor([ 1., -2.])}.
     *
     * <p>PyTorch's rule (torch/_tensor_str.py, precision 4), over the nonzero finite values: if
     * all are integral, print {@code 5.}; otherwise fixed with 4 decimals ({@code 9.9120}); use
     * scientific ({@code 1.0000e+10}) when max/min of their magnitudes exceeds 1000, or the max
     * exceeds 1e8, or (non-integral only) the min is below 1e-4. A vector uses one format for all
     * elements, right-aligned to a common width, wraps lines at 80 characters, and shows only the
     * first and last 3 elements beyond 1000. Rounding is half-even on the exact binary value, as
     * Python's. {@code nan}, {@code inf}, {@code -inf} print as such. The {@code grad_fn} suffix
     * wins over {@code requires_grad=True}. No dtype suffix is printed although values are
     * doubles: the digits are those PyTorch prints for the same float64 values.
     */
    @Override
    public String toString() {
        String suffix = gradFn != null ? "grad_fn=<" + gradFn.name + ">" : requiresGrad ? "requires_grad=True" : null;
        return TensorFormat.format(storage.data, dim() == 0, suffix);
    }
}
