package dev.adjoint.processor.differential;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.ir.MathFunction;
import java.util.List;

/**
 * The program on the runtime tape: the tape's own operations where it has them, and a function
 * node with {@link Partials} for the rest (asin, atan2, max, sinh, cosh, log10, hypot, expm1, log1p,
 * ...), whose value is the primal's. A second reverse mode, written independently of the processor,
 * whose gradients the generated ones must match.
 */
enum TensorAlgebra implements Algebra<Tensor> {
    INSTANCE;

    @Override
    public Tensor constant(double c) {
        return Tensor.scalar(c);
    }

    @Override
    public double value(Tensor v) {
        return v.item();
    }

    @Override
    public Tensor neg(Tensor a) {
        return a.neg();
    }

    @Override
    public Tensor binary(Op op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case REM -> remainder(a, b);
        };
    }

    @Override
    public Tensor call(MathFunction fn, boolean strict, List<Tensor> args) {
        Tensor a = args.get(0);
        return switch (fn) {
            case SIN -> a.sin();
            case COS -> a.cos();
            case TAN -> a.tan();
            case EXP -> a.exp();
            case LOG -> a.log();
            case SQRT -> a.sqrt();
            case TANH -> a.tanh();
            case ABS -> a.abs();
            case POW -> a.pow(args.get(1));

            case TO_RADIANS -> a.mul(Math.PI / 180);
            case TO_DEGREES -> a.mul(180 / Math.PI);
            // fma as one node: a·b + c rounded apart differs from the primal's value, and where the
            // derivative is ill-conditioned (cos near a zero of sin(exp(u))) that shows in the gradient
            // sinh, expm1 and log1p composed from exp and log cancel for a tiny argument (exp(u) - 1 keeps
            // few digits of u): after a few such steps the tape's values, and so its gradient, drift from
            // the primal's; one node each keeps the primal's value. cosh, log10 and hypot composed differ from
            // Math's by an ulp, which a sin of cosh(259.6) ~ 1e112 turns into another value altogether
            // (found by a campaign), and hypot composed overflows where Math.hypot does not
            case ASIN, ACOS, ATAN, ATAN2, CBRT, MAX, MIN, FMA, SINH, COSH, LOG10, HYPOT, EXPM1, LOG1P, COPY_SIGN, SCALB, POW_INT,
                    NEXT_UP, NEXT_DOWN, NEXT_AFTER, IEEE_REMAINDER -> node(fn, strict, args);
            case FLOOR, CEIL, RINT, ROUND, SIGNUM, ULP -> constant(DoubleAlgebra.math(fn, strict, a.item()));
        };
    }

    /**
     * {@code a % b} as one node: {@code ∂/∂a = 1}, {@code ∂/∂b = -q} with {@code q = trunc(a / b)}
     * a constant between jumps. Its value is the primal's {@code a % b}: {@code a - q·b} taken
     * apart on the tape rounds differently, and where {@code q} is huge (b tiny) it can come out 0
     * where the primal's is not, which flips the derivative of an {@code abs} after it.
     */
    private static Tensor remainder(Tensor a, Tensor b) {
        double r = a.item() % b.item();
        double q = Math.rint((a.item() - r) / b.item());
        return Tensor.function("RemainderBackward", r, (up, g) -> {
            g[0][0] += up[0];
            g[1][0] -= up[0] * q;
        }, a, b);
    }

    /** One tape node whose backward multiplies by the partials of {@code fn} at the forward values. */
    private static Tensor node(MathFunction fn, boolean strict, List<Tensor> args) {
        double[] values = args.stream().mapToDouble(Tensor::item).toArray();
        double y = DoubleAlgebra.math(fn, strict, values);
        double[] partials = Partials.of(fn, values, y);
        return Tensor.function(fn.javaName, y, (up, g) -> {
            for (int k = 0; k < partials.length; k++) {
                g[k][0] += up[0] * partials[k];
            }
        }, args.toArray(Tensor[]::new));
    }
}
