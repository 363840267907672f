package dev.adjoint;

/**
 * The keyword arguments of PyTorch's {@code torch.autograd.grad}, for
 * {@link Tensor#grad(Tensor[], Tensor[], GradOptions)}. Immutable; each setter returns a copy:
 *
 * <pre>{@code
 * Tensor[] g = Tensor.grad(new Tensor[] {y}, new Tensor[] {x},
 *         GradOptions.defaults().createGraph(true));   // create_graph=True
 * }</pre>
 *
 * <table>
 * <caption>Options and their PyTorch defaults</caption>
 * <tr><th>option</th><th>PyTorch</th><th>default</th></tr>
 * <tr><td>{@link #gradOutputs(Tensor...)}</td><td>{@code grad_outputs}</td><td>ones for one-element outputs</td></tr>
 * <tr><td>{@link #retainGraph(boolean)}</td><td>{@code retain_graph}</td><td>the value of createGraph</td></tr>
 * <tr><td>{@link #createGraph(boolean)}</td><td>{@code create_graph}</td><td>false</td></tr>
 * <tr><td>{@link #allowUnused(boolean)}</td><td>{@code allow_unused}</td><td>false: an input the outputs do not depend on is an error</td></tr>
 * <tr><td>{@link #materializeGrads(boolean)}</td><td>{@code materialize_grads}</td><td>false: an unused input's gradient is null, not zeros</td></tr>
 * </table>
 */
public final class GradOptions {

    private static final GradOptions DEFAULTS = new GradOptions(null, null, false, null, false);

    private final Tensor[] gradOutputs;
    private final Boolean retainGraph;
    private final boolean createGraph;
    /** Null when not set: then it follows materializeGrads, as PyTorch's {@code allow_unused=None}. */
    private final Boolean allowUnused;
    private final boolean materializeGrads;

    private GradOptions(Tensor[] gradOutputs, Boolean retainGraph, boolean createGraph, Boolean allowUnused,
            boolean materializeGrads) {
        this.gradOutputs = gradOutputs;
        this.retainGraph = retainGraph;
        this.createGraph = createGraph;
        this.allowUnused = allowUnused;
        this.materializeGrads = materializeGrads;
    }

    /** PyTorch's defaults. */
    public static GradOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The gradient of each output ({@code grad_outputs}): the vector of the vector-Jacobian
     * product, one per output, each of its output's shape; null entries mean ones (one-element
     * outputs only).
     */
    public GradOptions gradOutputs(Tensor... gradOutputs) {
        return new GradOptions(gradOutputs.clone(), retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Keep the graph's saved values, so it can be walked again ({@code retain_graph}). */
    public GradOptions retainGraph(boolean retainGraph) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Record the backward pass on the tape, so the gradients can be differentiated again ({@code create_graph}). */
    public GradOptions createGraph(boolean createGraph) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /** Return null for an input the outputs do not depend on, instead of failing ({@code allow_unused}). */
    public GradOptions allowUnused(boolean allowUnused) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    /**
     * Return zeros for an input the outputs do not depend on ({@code materialize_grads}); implies
     * allowUnused, which must then not be set to false.
     */
    public GradOptions materializeGrads(boolean materializeGrads) {
        return new GradOptions(gradOutputs, retainGraph, createGraph, allowUnused, materializeGrads);
    }

    Tensor[] gradOutputs() {
        return gradOutputs;
    }

    boolean retainGraph() {
        return retainGraph != null ? retainGraph : createGraph;
    }

    boolean createGraph() {
        return createGraph;
    }

    boolean allowUnused() {
        return allowUnused != null ? allowUnused : materializeGrads;
    }

    boolean materializeGrads() {
        return materializeGrads;
    }
}
