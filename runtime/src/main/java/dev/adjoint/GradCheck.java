package dev.adjoint;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks the tape's gradients of a function of tensors against central finite differences; the
 * analogue of PyTorch's {@code torch.autograd.gradcheck}. Use it to test a new operation or a
 * hand-written {@link Tensor.Pullback}.
 *
 * <p>For every output element j, input i and input element k it compares the analytic Jacobian
 * entry ∂out_j/∂in_ik (one backward per output element, seeded with a one-hot gradient) with
 * the numeric one {@code (f(x + eps) - f(x - eps)) / (2·eps)}, computed with grad mode off.
 * An entry passes when {@code |analytic - numeric| <= atol + rtol·|numeric|}, the rule of
 * {@code torch.allclose}. The defaults are PyTorch's: {@code eps = 1e-6}, {@code atol = 1e-5},
 * {@code rtol = 1e-3}; in double precision the central difference is accurate to about
 * {@code 1e-9} for smooth functions of moderate size, so they leave ample room. Inputs placed on
 * a kink (|x| at 0, relu at 0) disagree by design; keep inputs away from kinks.
 */
public final class GradCheck {

    /** Default finite-difference step, as PyTorch's gradcheck. */
    public static final double EPS = 1e-6;
    /** Default absolute tolerance, as PyTorch's gradcheck. */
    public static final double ATOL = 1e-5;
    /** Default relative tolerance, as PyTorch's gradcheck. */
    public static final double RTOL = 1e-3;

    private GradCheck() {}

    /**
     * One Jacobian entry whose analytic and numeric values disagree beyond the tolerance.
     *
     * @param input index of the input tensor
     * @param element index of the element within that input (flattened)
     * @param outputElement index of the output element (0 for a scalar output)
     * @param analytic ∂out/∂in from the tape
     * @param numeric ∂out/∂in from central differences
     * @param tolerance {@code atol + rtol·|numeric|}
     */
    public record Mismatch(int input, int element, int outputElement, double analytic, double numeric,
            double tolerance) {
        /** Reads as {@code input 0, element 1, output element 0: analytic 2.0 vs numeric 3.0 (...)}. */
        @Override
        public String toString() {
            return "input " + input + ", element " + element + ", output element " + outputElement
                    + ": analytic " + analytic + " vs numeric " + numeric + " (|difference| "
                    + Math.abs(analytic - numeric) + " > tolerance " + tolerance + ")";
        }
    }

    /**
     * The outcome of a comparison: how many Jacobian entries were checked and which disagreed.
     *
     * @param entriesChecked number of Jacobian entries compared
     * @param mismatches the entries that disagreed, in output, input, element order
     * @param eps the finite-difference step used
     * @param atol the absolute tolerance used
     * @param rtol the relative tolerance used
     */
    public record Result(int entriesChecked, List<Mismatch> mismatches, double eps, double atol, double rtol) {
        /** Copies the list of mismatches. */
        public Result {
            mismatches = List.copyOf(mismatches);
        }

        /** True when every entry agreed. */
        public boolean passed() {
            return mismatches.isEmpty();
        }

        /** A multi-line report: a summary line, then one line per mismatch. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("GradCheck ")
                    .append(passed() ? "passed" : "failed")
                    .append(": ").append(mismatches.size()).append(" of ").append(entriesChecked)
                    .append(" Jacobian entries differ (eps=").append(eps).append(", atol=").append(atol)
                    .append(", rtol=").append(rtol).append(')');
            for (Mismatch m : mismatches) {
                sb.append("\n  ").append(m);
            }
            return sb.toString();
        }
    }

    /**
     * Checks {@code f} at the given inputs (their values and shapes; the tensors themselves are
     * not touched) with the default tolerances. Returns the passing result, or throws an
     * {@link AssertionError} whose message is the {@linkplain Result report}.
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Result result = compare(f, EPS, ATOL, RTOL, inputs);
        if (!result.passed()) {
            throw new AssertionError(result.toString());
        }
        return result;
    }

    /** {@link #check(Function, Tensor...)} with each array taken as a 1-D input. */
    public static Result check(Function<Tensor[], Tensor> f, double[]... inputs) {
        Tensor[] tensors = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            tensors[i] = Tensor.vector(inputs[i]);
        }
        return check(f, tensors);
    }

    /** Compares analytic and numeric Jacobians of {@code f} at {@code inputs}; never throws on a mismatch. */
    public static Result compare(Function<Tensor[], Tensor> f, double eps, double atol, double rtol,
            Tensor... inputs) {
        double[][] numeric = numericJacobian(f, eps, inputs); // [output element][flattened input element]
        List<Mismatch> mismatches = new ArrayList<>();
        int entries = 0;
        for (int j = 0; j < numeric.length; j++) {
            double[][] analytic = analyticRow(f, j, inputs);
            int column = 0;
            for (int i = 0; i < inputs.length; i++) {
                for (int k = 0; k < inputs[i].numel(); k++, column++) {
                    double a = analytic[i][k], n = numeric[j][column];
                    double tolerance = atol + rtol * Math.abs(n);
                    boolean agree = Math.abs(a - n) <= tolerance || (Double.isNaN(a) && Double.isNaN(n));
                    if (!agree) {
                        mismatches.add(new Mismatch(i, k, j, a, n, tolerance));
                    }
                    entries++;
                }
            }
        }
        return new Result(entries, mismatches, eps, atol, rtol);
    }

    /** ∂out_j/∂in_ik by central differences, for every j and every (i, k) flattened. */
    @SuppressWarnings("try") // the scope variable is only there to be closed
    private static double[][] numericJacobian(Function<Tensor[], Tensor> f, double eps, Tensor[] inputs) {
        try (GradMode g = Tensor.noGrad()) {
            int outputs = f.apply(copies(inputs, false)).numel();
            int columns = 0;
            for (Tensor t : inputs) {
                columns += t.numel();
            }
            double[][] jacobian = new double[outputs][columns];
            int column = 0;
            for (int i = 0; i < inputs.length; i++) {
                for (int k = 0; k < inputs[i].numel(); k++, column++) {
                    double x = inputs[i].get(k);
                    Tensor[] plus = copies(inputs, false);
                    plus[i].set(k, x + eps);
                    Tensor[] minus = copies(inputs, false);
                    minus[i].set(k, x - eps);
                    double[] fPlus = f.apply(plus).toArray(), fMinus = f.apply(minus).toArray();
                    for (int j = 0; j < outputs; j++) {
                        jacobian[j][column] = (fPlus[j] - fMinus[j]) / (2 * eps);
                    }
                }
            }
            return jacobian;
        }
    }

    /** ∂out_j/∂in_i for every input i, by one backward seeded with the one-hot gradient e_j. */
    @SuppressWarnings("try") // the scope variable is only there to be closed
    private static double[][] analyticRow(Function<Tensor[], Tensor> f, int j, Tensor[] inputs) {
        try (GradMode g = Tensor.enableGrad()) {
            Tensor[] leaves = copies(inputs, true);
            Tensor out = f.apply(leaves);
            if (out.requiresGrad()) { // otherwise out does not depend on the inputs on the tape
                double[] oneHot = new double[out.numel()];
                oneHot[j] = 1;
                out.backward(out.withData(oneHot));
            }
            double[][] row = new double[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                Tensor grad = leaves[i].grad();
                row[i] = grad == null ? new double[inputs[i].numel()] : grad.toArray();
            }
            return row;
        }
    }

    /** Fresh leaves with the inputs' shapes and values. */
    private static Tensor[] copies(Tensor[] inputs, boolean requiresGrad) {
        Tensor[] copies = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            copies[i] = inputs[i].withData(inputs[i].toArray()).requiresGrad(requiresGrad);
        }
        return copies;
    }
}
