package dev.adjoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A scalar, a vector or a matrix of doubles that records the operations applied to it, so that
 * {@link #backward()} can compute gradients: the runtime tape of Adjoint, modelled on PyTorch
 * autograd. Method names are PyTorch's ({@code add_} becomes {@link #addInPlace}); docs/tape.md
 * maps every PyTorch call to its Java form and lists where the tape differs on purpose.
 *
 * <h2>How the tape works</h2>
 * Every operation returns a new tensor. When grad mode is on ({@link #isGradEnabled()}) and an
 * input {@linkplain #requiresGrad() requires grad}, the result also gets a <em>node</em> (its
 * {@link #gradFn()}, e.g. {@code MulBackward0}) with edges to the nodes of its inputs and whatever
 * values its backward needs. A leaf that requires grad is reached through its accumulator node,
 * which adds into its {@link #grad()}. {@link #backward()} walks the reachable nodes from the
 * output down (the engine, {@code Engine}), each node turning the gradient of its output into the
 * gradients of its inputs; gradients <em>accumulate</em> ({@code +=}) into leaves across backward
 * calls, as in PyTorch. The walk keeps all of its state to itself, so several threads may run
 * backward at once on graphs that share leaves.
 *
 * <h2>Saved values and versions</h2>
 * A node keeps the tensors its backward reads (sin keeps its input, exp its output, {@code a·b}
 * keeps b only if a needs a gradient) together with their version. In-place operations
 * ({@link #addInPlace(Tensor)}, {@link #zero()}, {@link #set(int, double)}, ...) bump a version
 * counter shared with {@link #detach() detached} tensors; backward refuses a saved value whose
 * version changed, with PyTorch's message. After a backward without {@code retainGraph} the saved
 * values are released, and a second backward through such a node fails, as in PyTorch.
 *
 * <h2>Shapes</h2>
 * Zero, one or two dimensions (PyTorch's tensors have any number; this tape stops at matrices).
 * Elementwise operations broadcast as PyTorch does (a vector over the rows of a matrix, a scalar
 * over everything); reductions take a {@code dim}, negative counting from the end.
 *
 * <h2>Errors and warnings</h2>
 * Messages follow PyTorch's wording. Bad shapes or arguments are {@link IllegalArgumentException}
 * (indices {@link IndexOutOfBoundsException}); misuse of the graph (backward twice, a saved value
 * changed in place, backward of a tensor that does not require grad) is
 * {@link IllegalStateException}. PyTorch's {@code UserWarning}s are logged through
 * {@link System.Logger} {@code dev.adjoint.Tensor} at {@code WARNING}, once per call site.
 *
 * <p>Tensors are not thread-safe to mutate; reading them and running backward from several
 * threads is safe. Grad mode is per thread. Equality is identity, as in PyTorch.
 */
public final class Tensor {

    /**
     * Backward of a {@linkplain #function(String, double, Pullback, Tensor...) function node}:
     * adds {@code upstream·∂out/∂input_i} into {@code inputGrads[i]} (arrays pre-zeroed, one per
     * input, of that input's number of elements). {@code upstream} holds the gradient of the node's
     * output, one entry per output element; it must not be modified.
     */
    @FunctionalInterface
    public interface Pullback {
        /** Adds the gradient of each input into {@code inputGrads}, given the output's gradient. */
        void pullback(double[] upstream, double[][] inputGrads);
    }

    /** The values, row-major; shared with detached tensors. */
    final double[] data;
    final int[] shape;
    /** The tensor whose version counter this one shares (set by detach()), or null for its own. */
    private final Tensor versionOwner;
    private int version;
    boolean requiresGrad;
    /**
     * The node that produced this tensor (its grad_fn), or for a leaf that ever required grad its
     * accumulator (PyTorch keeps the two apart; one field keeps a scalar tensor small); else null.
     */
    private Node node;
    private Tensor grad;

    Tensor(double[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
        this.versionOwner = null;
    }

    private Tensor(double[] data, int[] shape, Tensor versionOwner) {
        this.data = data;
        this.shape = shape;
        this.versionOwner = versionOwner;
    }

    // ---------------------------------------------------------------- creation

    /** A 0-dimensional tensor (shape {@code []}) holding {@code value}; a leaf, not requiring grad. */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, Shapes.SCALAR);
    }

    /** A 1-D tensor (shape {@code [n]}) holding a copy of {@code values}; PyTorch's {@code torch.tensor([...])}. */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /**
     * A 2-D tensor (shape {@code [rows, cols]}) holding a copy of {@code rows}; PyTorch's
     * {@code torch.tensor([[...], [...]])}. Every row must have the same length.
     */
    public static Tensor matrix(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("expected sequence of length " + cols + " at dim 1 (got "
                        + rows[r].length + ")");
            }
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return new Tensor(data, new int[] {rows.length, cols});
    }

    /** A tensor of zeros with the given shape ({@code []}, {@code [n]} or {@code [rows, cols]}); {@code torch.zeros}. */
    public static Tensor zeros(int... shape) {
        int[] s = Shapes.checkRank(shape.clone());
        return new Tensor(new double[Shapes.numel(s)], s);
    }

    /** A tensor of ones with the given shape; {@code torch.ones}. */
    public static Tensor ones(int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, 1);
        return t;
    }

    // ---------------------------------------------------------------- values and properties

    /** The value of a tensor with one element; PyTorch's {@code item()}. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("a Tensor with " + numel()
                    + " elements cannot be converted to Scalar (shape " + Shapes.str(shape) + ")");
        }
        return data[0];
    }

    /** Element {@code index} of the values flattened in row-major order. */
    public double get(int index) {
        return data[Objects.checkIndex(index, numel())];
    }

    /** Element {@code [row, col]} of a matrix; PyTorch's {@code x[row, col].item()}. */
    public double get(int row, int col) {
        return data[matrixIndex(row, col)];
    }

    /** A copy of the values, flattened in row-major order; PyTorch's {@code x.flatten().tolist()}. */
    public double[] toArray() {
        return data.clone();
    }

    /** A copy of a matrix's values as rows; PyTorch's {@code tolist()} for a 2-D tensor. */
    public double[][] toMatrix() {
        if (dim() != 2) {
            throw new IllegalArgumentException("toMatrix() needs a 2-D tensor, got shape " + Shapes.str(shape));
        }
        double[][] rows = new double[shape[0]][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(data, r * shape[1], (r + 1) * shape[1]);
        }
        return rows;
    }

    /** A copy of the shape: {@code []} for a scalar, {@code [n]} for a vector, {@code [rows, cols]} for a matrix. */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code dim} (negative counts from the end); PyTorch's {@code size(dim)}. */
    public int size(int dim) {
        if (shape.length == 0) {
            throw new IndexOutOfBoundsException("Dimension specified as " + dim + " but tensor has no dimensions");
        }
        return shape[Shapes.wrapDim(dim, shape.length)];
    }

    /** Number of dimensions: 0, 1 or 2. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return data.length;
    }

    /** Whether operations on this tensor are recorded for backward. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Sets, in place, whether this leaf records operations for backward; PyTorch's
     * {@code requires_grad_()}. Returns this tensor. A non-leaf always requires grad: asking it
     * for {@code true} is a no-op, asking it for {@code false} is refused (use {@link #detach()}).
     * A leaf set to {@code false} after a graph was built from it receives no gradient from that
     * graph's backward, as in PyTorch (frozen weights stay frozen).
     */
    public Tensor requiresGrad(boolean requiresGrad) {
        if (!isLeaf()) {
            if (!requiresGrad) {
                throw new IllegalStateException("you can only change requires_grad flags of leaf variables. "
                        + "If you want to use a computed variable in a subgraph that doesn't require "
                        + "differentiation use var_no_grad = var.detach().");
            }
            return this;
        }
        if (requiresGrad && node == null) {
            node = new Node.AccumulateGrad(this);
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** True for a tensor created by the user (or computed without grad): it has no {@link #gradFn()}. */
    public boolean isLeaf() {
        return node == null || node instanceof Node.AccumulateGrad;
    }

    /** The name of the node that produced this tensor, e.g. {@code "MulBackward0"}; null for a leaf. */
    public String gradFn() {
        return isLeaf() ? null : node.name();
    }

    /**
     * The accumulated gradient: null until a backward reaches this tensor (PyTorch's None). Only
     * leaves, and non-leaves that called {@link #retainGrad()}, receive one. Reading it on a
     * non-leaf that did not call {@code retainGrad()} returns null and logs PyTorch's warning
     * ("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed..."), unless a
     * gradient was set on it with {@link #setGrad}, which it returns, as PyTorch does.
     */
    public Tensor grad() {
        Tensor current = grad;
        if (!isLeaf() && !node.retainsGrad && current == null) { // TensorBase::grad(): only an undefined grad warns
            Warnings.warnOnce("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                    + ".grad attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                    + "field to be populated for a non-leaf Tensor, use .retainGrad() on the non-leaf Tensor. If "
                    + "you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
                    + "github.com/pytorch/pytorch/pull/30531 for more information.");
        }
        return current;
    }

    /**
     * Replaces the gradient (PyTorch's {@code x.grad = g}); {@code null} clears it, as
     * {@code optimizer.zero_grad(set_to_none=True)} does. Returns this tensor.
     */
    public Tensor setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape, shape)) {
            throw new IllegalArgumentException("assigned grad has data of a different size: "
                    + Shapes.str(grad.shape) + " instead of " + Shapes.str(shape));
        }
        synchronized (this) {
            this.grad = grad;
        }
        return this;
    }

    /**
     * Makes a non-leaf keep its gradient in {@link #grad()} during backward (a no-op on a leaf).
     * Returns this tensor.
     */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
        }
        if (!isLeaf()) {
            node.retain(this);
        }
        return this;
    }

    /** Whether {@link #grad()} is populated during backward for this non-leaf; PyTorch's {@code retains_grad}. */
    public boolean retainsGrad() {
        return !isLeaf() && node.retainsGrad;
    }

    /**
     * A new leaf sharing this tensor's values and version counter, outside the graph: it does not
     * require grad, and an in-place change to either is seen by both (and by backward's checks).
     */
    public Tensor detach() {
        return new Tensor(data, shape, versionOwner == null ? this : versionOwner);
    }

    /**
     * Zeroes this tensor's gradient in place, if it has one (PyTorch's {@code x.grad.zero_()});
     * a tensor without a gradient is left as is.
     */
    public void zeroGrad() {
        Tensor g = grad;
        if (g != null) {
            g.zero();
        }
    }

    /** The version counter: how many in-place operations changed these values (PyTorch's {@code _version}). */
    public int version() {
        return versionOwner == null ? version : versionOwner.version;
    }

    // ---------------------------------------------------------------- grad mode

    /** Opens a scope in which nothing is recorded on the tape (PyTorch's {@code torch.no_grad()}). */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Opens a scope in which recording is on again, e.g. inside {@link #noGrad()} ({@code torch.enable_grad()}). */
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
     * named {@code gradFnName} whose backward is {@code pullback}; the analogue of a custom
     * {@code torch.autograd.Function} marked {@code @once_differentiable}. If grad mode is on and
     * an input requires grad, the result requires grad; otherwise it is a plain constant. The node
     * counts as holding saved values: a second backward through it needs {@code retainGraph}.
     * Under {@code createGraph} its gradients are computed but cannot be differentiated again: a
     * backward through them fails, as PyTorch's {@code once_differentiable} does.
     */
    public static Tensor function(String gradFnName, double value, Pullback pullback, Tensor... inputs) {
        return FunctionNode.record(gradFnName, new Tensor(new double[] {value}, Shapes.SCALAR), pullback, inputs);
    }

    /** Like {@link #function(String, double, Pullback, Tensor...)} with a 1-D result (a copy of {@code value}). */
    public static Tensor function(String gradFnName, double[] value, Pullback pullback, Tensor... inputs) {
        return FunctionNode.record(gradFnName, vector(value), pullback, inputs);
    }

    // ---------------------------------------------------------------- arithmetic (Binary, Unary)

    /** Elementwise {@code this + other}, broadcasting ({@code AddBackward0}). */
    public Tensor add(Tensor other) {
        return Binary.apply(Binary.Op.ADD, this, other);
    }

    /** {@code this + c} ({@code AddBackward0}, as PyTorch records {@code x + 2.0}). */
    public Tensor add(double c) {
        return Unary.apply(Unary.Op.ADD_SCALAR, this, c);
    }

    /** Elementwise {@code this - other}, broadcasting ({@code SubBackward0}). */
    public Tensor sub(Tensor other) {
        return Binary.apply(Binary.Op.SUB, this, other);
    }

    /** {@code this - c} ({@code SubBackward0}). */
    public Tensor sub(double c) {
        return Unary.apply(Unary.Op.SUB_SCALAR, this, c);
    }

    /** Elementwise {@code this * other}, broadcasting ({@code MulBackward0}). */
    public Tensor mul(Tensor other) {
        return Binary.apply(Binary.Op.MUL, this, other);
    }

    /** {@code this * c} ({@code MulBackward0}). */
    public Tensor mul(double c) {
        return Unary.apply(Unary.Op.MUL_SCALAR, this, c);
    }

    /** Elementwise {@code this / other}, broadcasting ({@code DivBackward0}). */
    public Tensor div(Tensor other) {
        return Binary.apply(Binary.Op.DIV, this, other);
    }

    /** {@code this / c} ({@code DivBackward0}). */
    public Tensor div(double c) {
        return Unary.apply(Unary.Op.DIV_SCALAR, this, c);
    }

    /** Elementwise {@code -this} ({@code NegBackward0}). */
    public Tensor neg() {
        return Unary.apply(Unary.Op.NEG, this, 0);
    }

    /** Elementwise {@code this^p} for a constant exponent ({@code PowBackward0}). */
    public Tensor pow(double p) {
        return Unary.apply(Unary.Op.POW_SCALAR, this, p);
    }

    /** Elementwise {@code this^e} for a tensor exponent, broadcasting ({@code PowBackward1}). */
    public Tensor pow(Tensor e) {
        return Binary.apply(Binary.Op.POW, this, e);
    }

    // ---------------------------------------------------------------- elementwise functions (Unary)

    /** Elementwise sine ({@code SinBackward0}). */
    public Tensor sin() {
        return Unary.apply(Unary.Op.SIN, this, 0);
    }

    /** Elementwise cosine ({@code CosBackward0}). */
    public Tensor cos() {
        return Unary.apply(Unary.Op.COS, this, 0);
    }

    /** Elementwise tangent ({@code TanBackward0}). */
    public Tensor tan() {
        return Unary.apply(Unary.Op.TAN, this, 0);
    }

    /** Elementwise {@code e^x} ({@code ExpBackward0}). */
    public Tensor exp() {
        return Unary.apply(Unary.Op.EXP, this, 0);
    }

    /** Elementwise natural logarithm ({@code LogBackward0}). */
    public Tensor log() {
        return Unary.apply(Unary.Op.LOG, this, 0);
    }

    /** Elementwise square root ({@code SqrtBackward0}). */
    public Tensor sqrt() {
        return Unary.apply(Unary.Op.SQRT, this, 0);
    }

    /** Elementwise hyperbolic tangent ({@code TanhBackward0}). */
    public Tensor tanh() {
        return Unary.apply(Unary.Op.TANH, this, 0);
    }

    /** Elementwise logistic sigmoid {@code 1 / (1 + e^-x)} ({@code SigmoidBackward0}). */
    public Tensor sigmoid() {
        return Unary.apply(Unary.Op.SIGMOID, this, 0);
    }

    /**
     * Elementwise {@code max(x, 0)}; NaN stays NaN, and passes its gradient, as in PyTorch
     * ({@code ReluBackward0}).
     */
    public Tensor relu() {
        return Unary.apply(Unary.Op.RELU, this, 0);
    }

    /** Elementwise absolute value ({@code AbsBackward0}); its gradient at 0 and at NaN is 0, as in PyTorch. */
    public Tensor abs() {
        return Unary.apply(Unary.Op.ABS, this, 0);
    }

    /** A copy that stays on the graph; PyTorch's {@code clone()} ({@code CloneBackward0}). */
    @Override
    public Tensor clone() {
        return ShapeOps.clone(this);
    }

    // ---------------------------------------------------------------- reductions (Reductions)

    /** The sum of all elements, as a scalar ({@code SumBackward0}). */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    /** The sum along dimension {@code dim}, which is removed ({@code SumBackward1}). */
    public Tensor sum(int dim) {
        return Reductions.sum(this, dim, false);
    }

    /** The sum along {@code dim}; with {@code keepdim} that dimension stays, with size 1 ({@code SumBackward1}). */
    public Tensor sum(int dim, boolean keepdim) {
        return Reductions.sum(this, dim, keepdim);
    }

    /** The mean of all elements, as a scalar (NaN for no elements, as PyTorch) ({@code MeanBackward0}). */
    public Tensor mean() {
        return Reductions.mean(this);
    }

    /** The mean along dimension {@code dim}, which is removed ({@code MeanBackward1}). */
    public Tensor mean(int dim) {
        return Reductions.mean(this, dim, false);
    }

    /** The mean along {@code dim}, keeping it with size 1 if {@code keepdim} ({@code MeanBackward1}). */
    public Tensor mean(int dim, boolean keepdim) {
        return Reductions.mean(this, dim, keepdim);
    }

    /** {@code exp(x_i) / Σ_j exp(x_j)} along {@code dim}, computed stably ({@code SoftmaxBackward0}). */
    public Tensor softmax(int dim) {
        return Reductions.softmax(this, dim, false);
    }

    /** {@code x_i - log Σ_j exp(x_j)} along {@code dim}, computed stably ({@code LogSoftmaxBackward0}). */
    public Tensor logSoftmax(int dim) {
        return Reductions.softmax(this, dim, true);
    }

    /**
     * PyTorch's {@code F.nll_loss(input, target)} with mean reduction: {@code -mean_i input[i, target[i]]}
     * for {@code input} of shape {@code [N, C]} and N class indices (a target of -100 is ignored,
     * PyTorch's {@code ignore_index}), or {@code -input[target]} for a 1-D input and one index
     * ({@code NllLossBackward0}).
     */
    public static Tensor nllLoss(Tensor input, int... target) {
        return Reductions.nllLoss(input, target);
    }

    /**
     * PyTorch's {@code F.cross_entropy(input, target)}: {@code nllLoss(input.logSoftmax(classDim), target)}
     * for logits of shape {@code [N, C]} (classes along dim 1) or {@code [C]} with one target
     * ({@code NllLossBackward0}).
     */
    public static Tensor crossEntropy(Tensor input, int... target) {
        if (input.dim() == 0) { // PyTorch takes a target of the input's shape as class probabilities
            throw new IllegalArgumentException("Expected floating point type for target with class probabilities, "
                    + "got Long");
        }
        return Reductions.nllLoss(input.logSoftmax(input.dim() == 2 ? 1 : 0), target);
    }

    // ---------------------------------------------------------------- selections (Extrema, Unary)

    /**
     * Elementwise sign: 1, -1, or 0 for ±0 and NaN, as PyTorch's {@code sign}; its gradient is 0
     * ({@code SignBackward0}).
     */
    public Tensor sign() {
        return Unary.apply(Unary.Op.SIGN, this, 0);
    }

    /**
     * Each element limited to {@code [min, max]}, NaN kept ({@code ClampBackward1}); the gradient
     * passes where {@code min <= x <= max}, bounds included, as PyTorch's clamp_backward, and is 0
     * elsewhere (and at NaN).
     */
    public Tensor clamp(double min, double max) {
        return Extrema.clamp(this, min, max);
    }

    /**
     * The largest element as a scalar, NaN if any is NaN ({@code MaxBackward1}); tied elements
     * share the gradient evenly, as PyTorch's {@code max()}. Refused for an empty tensor.
     */
    public Tensor max() {
        return Extrema.all(this, true);
    }

    /** The smallest element; see {@link #max()} ({@code MinBackward1}). */
    public Tensor min() {
        return Extrema.all(this, false);
    }

    /**
     * The largest element along {@code dim}, the dimension removed ({@code AmaxBackward0}); the
     * gradient is divided among ties along dim, as PyTorch's {@code amax}.
     */
    public Tensor amax(int dim) {
        return Extrema.along(this, dim, false, true);
    }

    /** {@link #amax(int)}, keeping dim with size 1 if {@code keepdim}. */
    public Tensor amax(int dim, boolean keepdim) {
        return Extrema.along(this, dim, keepdim, true);
    }

    /** The smallest element along {@code dim} ({@code AminBackward0}); see {@link #amax(int)}. */
    public Tensor amin(int dim) {
        return Extrema.along(this, dim, false, false);
    }

    /** {@link #amin(int)}, keeping dim with size 1 if {@code keepdim}. */
    public Tensor amin(int dim, boolean keepdim) {
        return Extrema.along(this, dim, keepdim, false);
    }

    /**
     * The Euclidean norm of all elements, {@code sqrt(Σ x²)}: PyTorch's {@code x.norm()}
     * ({@code LinalgVectorNormBackward0}); its gradient {@code up·x/‖x‖} is 0 at a zero vector.
     */
    public Tensor norm() {
        return Extrema.norm(this);
    }

    // ---------------------------------------------------------------- linear algebra and shapes (LinearAlgebra, ShapeOps)

    /** The dot product {@code Σ a_i·b_i} of two vectors of one length, as a scalar ({@code DotBackward0}). */
    public Tensor dot(Tensor other) {
        return LinearAlgebra.dot(this, other);
    }

    /** Matrix times vector: {@code [m, n]·[n] -> [m]} ({@code MvBackward0}). */
    public Tensor mv(Tensor vector) {
        return LinearAlgebra.mv(this, vector);
    }

    /** Matrix product {@code [m, k]·[k, n] -> [m, n]} ({@code MmBackward0}). */
    public Tensor mm(Tensor other) {
        return LinearAlgebra.mm(this, other);
    }

    /**
     * PyTorch's {@code matmul} ({@code @}): {@link #dot} for two vectors, {@link #mv} for matrix
     * times vector, {@link #mm} for two matrices, and for vector times matrix
     * {@code this.unsqueeze(0).mm(other).squeeze(0)} ({@code SqueezeBackward4}, as PyTorch 2.13).
     */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** The transpose of a matrix (a vector or scalar is returned as a copy) ({@code TBackward0}). */
    public Tensor t() {
        return ShapeOps.t(this);
    }

    /** Swaps dimensions {@code dim0} and {@code dim1} ({@code TransposeBackward0}). */
    public Tensor transpose(int dim0, int dim1) {
        return ShapeOps.transpose(this, dim0, dim1);
    }

    /**
     * The same values in another shape of at most two dimensions; one size may be -1, inferred
     * ({@code ViewBackward0}). A copy, not a view: see docs/tape.md.
     */
    public Tensor reshape(int... shape) {
        return ShapeOps.reshape(this, shape);
    }

    /**
     * The slice at {@code index} along {@code dim}, which is removed: PyTorch's {@code x[i]} is
     * {@code x.select(0, i)}, {@code x[:, j]} is {@code x.select(1, j)}; a negative index counts
     * from the end ({@code SelectBackward0}). A copy, not a view.
     */
    public Tensor select(int dim, int index) {
        return ShapeOps.select(this, dim, index);
    }

    /** Inserts a dimension of size 1 at {@code dim}, e.g. {@code [n] -> [1, n]} for dim 0 ({@code UnsqueezeBackward0}). */
    public Tensor unsqueeze(int dim) {
        return ShapeOps.unsqueeze(this, dim);
    }

    /** Removes dimension {@code dim} if its size is 1 (otherwise a copy as is) ({@code SqueezeBackward1}). */
    public Tensor squeeze(int dim) {
        return ShapeOps.squeeze(this, dim);
    }

    // ---------------------------------------------------------------- in-place operations (InPlace)

    /**
     * Adds {@code other} (broadcast to this tensor's shape) into this tensor in place and bumps the
     * version counter; PyTorch's {@code add_}. With grad mode on and this tensor or {@code other}
     * requiring grad, the change is recorded: this tensor's {@link #gradFn()} becomes
     * {@code AddBackward0}, and any node that saved the old values refuses at backward. A leaf
     * that requires grad is refused with grad mode on (update weights inside {@link #noGrad()}).
     * Returns this tensor.
     */
    public Tensor addInPlace(Tensor other) {
        return InPlace.binary(Binary.Op.ADD, this, other);
    }

    /** Adds {@code c} to every element in place; see {@link #addInPlace(Tensor)}. */
    public Tensor addInPlace(double c) {
        return InPlace.unary(Unary.Op.ADD_SCALAR, this, c);
    }

    /** Subtracts {@code other} in place ({@code sub_}); see {@link #addInPlace(Tensor)}. */
    public Tensor subInPlace(Tensor other) {
        return InPlace.binary(Binary.Op.SUB, this, other);
    }

    /** Subtracts {@code c} from every element in place; see {@link #addInPlace(Tensor)}. */
    public Tensor subInPlace(double c) {
        return InPlace.unary(Unary.Op.SUB_SCALAR, this, c);
    }

    /** Multiplies every element by {@code c} in place ({@code mul_}); see {@link #addInPlace(Tensor)}. */
    public Tensor mulInPlace(double c) {
        return InPlace.unary(Unary.Op.MUL_SCALAR, this, c);
    }

    /** Sets every element to 0 in place (PyTorch's {@code zero_()}, {@code ZeroBackward0}); see {@link #addInPlace(Tensor)}. */
    public Tensor zero() {
        return InPlace.zero(this);
    }

    /** Sets element {@code index} (flattened) in place ({@code CopySlices}); see {@link #addInPlace(Tensor)}. */
    public Tensor set(int index, double value) {
        return InPlace.set(this, Objects.checkIndex(index, numel()), value);
    }

    /** Sets element {@code [row, col]} of a matrix in place; see {@link #set(int, double)}. */
    public Tensor set(int row, int col, double value) {
        return InPlace.set(this, matrixIndex(row, col), value);
    }

    // ---------------------------------------------------------------- backward

    /** Computes the gradient of this one-element tensor with respect to every leaf that requires grad, freeing the graph. */
    public void backward() {
        backward(null, false, false);
    }

    /**
     * Like {@link #backward()}; with {@code retainGraph} the saved values are kept, so that a
     * later backward can go through the same graph again (PyTorch's {@code retain_graph=True}).
     */
    public void backward(boolean retainGraph) {
        backward(null, retainGraph, false);
    }

    /**
     * Backward from a tensor of any shape, seeded with {@code gradient} (∂L/∂this, same shape):
     * computes the vector-Jacobian product into the leaves. Frees the graph.
     */
    public void backward(Tensor gradient) {
        backward(gradient, false, false);
    }

    /** Like {@link #backward(Tensor)}, keeping the graph if {@code retainGraph}. */
    public void backward(Tensor gradient, boolean retainGraph) {
        backward(gradient, retainGraph, false);
    }

    /**
     * PyTorch's {@code backward(gradient, retain_graph, create_graph)}. {@code gradient} may be
     * null for a one-element tensor (a gradient of 1). With {@code createGraph} the backward pass
     * is itself recorded on the tape, so the gradients it accumulates can be differentiated again
     * (a Hessian-vector product is {@code x.grad().mul(v).sum().backward()}); PyTorch users pass
     * {@code retainGraph = createGraph}.
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(new Tensor[] {this}, new Tensor[] {gradient}, retainGraph, createGraph);
    }

    /**
     * The gradients of a one-element {@code output} with respect to {@code inputs}, accumulating
     * nothing into any {@link #grad()}; PyTorch's {@code torch.autograd.grad(output, inputs)}. Frees
     * the graph. Every input must require grad and be used by the output.
     */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, GradOptions.defaults());
    }

    /** {@code torch.autograd.grad(outputs, inputs)}: the gradient of the sum of one-element {@code outputs}. */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs) {
        return grad(outputs, inputs, GradOptions.defaults());
    }

    /**
     * PyTorch's {@code torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
     * allow_unused, materialize_grads)}, the options in {@link GradOptions}. Returns one gradient
     * per input, in order: ∂(Σ_k ⟨gradOutputs_k, outputs_k⟩)/∂input. Only the nodes on a path from
     * the outputs to the inputs run, and no {@code .grad} of a leaf changes.
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, GradOptions options) {
        return Engine.grad(outputs, inputs, options);
    }

    // ---------------------------------------------------------------- tape plumbing (package-private)

    /** Whether an operation on {@code a} is recorded: grad mode is on and it requires grad. */
    static boolean recording(Tensor a) {
        return a.requiresGrad && GradMode.isEnabled();
    }

    /** Whether an operation on a and b is recorded. */
    static boolean recording(Tensor a, Tensor b) {
        return (a.requiresGrad || b.requiresGrad) && GradMode.isEnabled();
    }

    /** Makes this freshly computed tensor the output of {@code node}. Returns this tensor. */
    Tensor attach(Node gradFn) {
        node = gradFn;
        requiresGrad = true;
        return this;
    }

    /**
     * Records an in-place change: {@code node} (whose edge for this tensor was taken before the
     * change) becomes this tensor's grad_fn, and a retained gradient follows it, as PyTorch's
     * {@code rebase_history}.
     */
    void rebase(Node gradFn) {
        if (!isLeaf() && node.retainsGrad) {
            node.unretain();
            gradFn.retain(this);
        }
        attach(gradFn);
    }

    /** Where gradients for this tensor go: its grad_fn, its leaf accumulator, or nowhere (null). */
    Node gradientEdge() {
        return node instanceof Node.AccumulateGrad ? (requiresGrad ? node : null) : node;
    }

    /** A new tensor of this shape owning {@code values}. */
    Tensor withData(double[] values) {
        return new Tensor(values, shape);
    }

    Tensor bumpVersion() {
        if (versionOwner == null) {
            version++;
        } else {
            versionOwner.version++;
        }
        return this;
    }

    /**
     * PyTorch's AccumulateGrad, first order: adds {@code g} into {@link #grad()} in place, or makes
     * it the gradient ({@code owned}: the array is no one else's, so it is taken, not copied).
     * Locked, so that backward calls on several threads add up.
     */
    void accumulate(double[] g, boolean owned) {
        synchronized (this) {
            Tensor current = grad;
            if (current == null) {
                grad = new Tensor(owned ? g : g.clone(), shape);
            } else {
                double[] into = current.data;
                for (int i = 0; i < into.length; i++) {
                    into[i] += g[i];
                }
                current.bumpVersion();
            }
        }
    }

    /** {@link #accumulate(double[], boolean)} for a lazy gradient: written out straight into {@link #grad()}, or as it. */
    void accumulate(Product g) {
        synchronized (this) {
            Tensor current = grad;
            if (current == null) {
                grad = new Tensor(g.materialize(), shape);
            } else {
                g.addInto(current.data);
                current.bumpVersion();
            }
        }
    }

    /** The values of {@link #grad()} (null if none), which a backward is about to add into in place. */
    double[] gradValues() {
        Tensor current = grad;
        return current == null ? null : current.data;
    }

    /**
     * AccumulateGrad while recording (createGraph): the gradient keeps its graph, so it is copied
     * on the tape the first time ({@code CopyBackwards}, as PyTorch) and added out of place after.
     */
    void accumulate(Tensor g) {
        synchronized (this) {
            Tensor current = grad;
            grad = current == null ? ShapeOps.copyForGrad(g) : current.add(g);
        }
    }

    /**
     * PyTorch's retain_grad hook (variable.cpp): a retained non-leaf's first gradient is a copy of
     * {@code g}, a later one {@code grad() + g} out of place, a new tensor (unlike a leaf's, which
     * is added into in place), so a {@code grad()} read before stays as it was.
     */
    void retainGradient(double[] g) {
        synchronized (this) {
            Tensor current = grad;
            double[] sum = g.clone();
            if (current != null) {
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = current.data[i] + g[i];
                }
            }
            grad = new Tensor(sum, shape);
        }
    }

    /** {@link #retainGradient(double[])} while recording: {@code g.clone()} ({@code CloneBackward0}), then {@code grad() + g}. */
    void retainGradient(Tensor g) {
        synchronized (this) {
            Tensor current = grad;
            grad = current == null ? g.clone() : current.add(g);
        }
    }

    private int matrixIndex(int row, int col) {
        if (dim() != 2) {
            throw new IllegalArgumentException("[row, col] needs a 2-D tensor, got shape " + Shapes.str(shape));
        }
        return Objects.checkIndex(row, shape[0]) * shape[1] + Objects.checkIndex(col, shape[1]);
    }

    // ---------------------------------------------------------------- printing

    /**
     * Prints as PyTorch does for a default-dtype tensor: {@code tensor(5., requires_grad=True)},
     * {@code tensor(-0.1324, grad_fn=<SinBackward0>)}, {@code tensor([ 1., -2.])}, and a matrix
     * one row per line:
     *
     * <pre>
     * tensor([[1.0000, 2.5000],
     *         [3.0000, 4.0000]], grad_fn=&lt;MmBackward0&gt;)
     * </pre>
     *
     * <p>PyTorch's rule (torch/_tensor_str.py, precision 4), over the nonzero finite values: if
     * all are integral, print {@code 5.}; otherwise fixed with 4 decimals ({@code 9.9120}); use
     * scientific ({@code 1.0000e+10}) when max/min of their magnitudes exceeds 1000, or the max
     * exceeds 1e8, or (non-integral only) the min is below 1e-4. All elements share one format,
     * right-aligned to a common width; lines wrap at 80 characters; beyond 1000 elements only the
     * first and last 3 of each dimension are shown. Rounding is half-even on the exact binary
     * value, as Python's. {@code nan}, {@code inf}, {@code -inf} print as such. The {@code grad_fn}
     * suffix wins over {@code requires_grad=True}. No dtype suffix is printed although values are
     * doubles: the digits are those PyTorch prints for the same float64 values.
     */
    @Override
    public String toString() {
        String fn = gradFn();
        String suffix = fn != null ? "grad_fn=<" + fn + ">" : requiresGrad ? "requires_grad=True" : null;
        return TensorFormat.format(data, shape, suffix);
    }
}
