package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.ir.MathFunction;
import java.util.List;

/**
 * Forward-mode dual numbers carrying, next to the gradient, its <em>magnitude</em>: the sum over
 * all paths from an input to the output of |product of local partials|. The gradient is a signed
 * sum of exactly those path terms, so the magnitude is the natural scale for tolerances: an error
 * larger than a small fraction of it is a wrong sign or a missing term, never rounding.
 */
final class DualAlgebra implements Algebra<DualAlgebra.Dual> {

    /** A value with d(value)/d(input i) and the magnitude of the terms of that derivative. */
    record Dual(double value, double[] grad, double[] magnitude) {}

    private final int inputs;
    /** Whether some local partial derivative was infinite or NaN (e.g. cbrt at 0), used or not. */
    boolean singular;
    /**
     * Whether some value that depends on an input exceeded {@link #HUGE} (a finite-difference step
     * added to it is lost to rounding: {@code w[2] += Math.exp(57.3)} makes f flat in w[2]) or
     * underflowed below {@link #TINY}.
     */
    boolean huge;

    static final double HUGE = 1e12;
    static final double TINY = 1e-100;

    DualAlgebra(int inputs) {
        this.inputs = inputs;
    }

    /** Input {@code i} of {@link #inputs}, with derivative 1 in itself. */
    Dual input(int i, double value) {
        Dual d = constant(value);
        d.grad()[i] = 1;
        d.magnitude()[i] = 1;
        return d;
    }

    @Override
    public Dual constant(double c) {
        return new Dual(c, new double[inputs], new double[inputs]);
    }

    @Override
    public double value(Dual v) {
        return v.value();
    }

    @Override
    public Dual neg(Dual a) {
        return chain(-a.value(), new double[] {-1}, a);
    }

    @Override
    public Dual binary(Op op, Dual a, Dual b) {
        double y = DoubleAlgebra.apply(op, a.value(), b.value());
        return chain(y, Partials.of(op, a.value(), b.value(), y), a, b);
    }

    @Override
    public Dual call(MathFunction fn, boolean strict, List<Dual> args) {
        double[] values = args.stream().mapToDouble(Dual::value).toArray();
        double y = DoubleAlgebra.math(fn, strict, values);
        return chain(y, Partials.of(fn, values, y), args.toArray(Dual[]::new));
    }

    @Override
    public boolean varies(Dual a, Dual b) {
        for (int i = 0; i < inputs; i++) {
            if (a.grad()[i] != b.grad()[i]) {
                return true;
            }
        }
        return false;
    }

    /** The chain rule: d y = Σ ∂y/∂a_k · d a_k, and the magnitude Σ |∂y/∂a_k| · |a_k|'s magnitude. */
    private Dual chain(double y, double[] partials, Dual... args) {
        Dual out = constant(y);
        for (double p : partials) {
            singular |= !Double.isFinite(p);
        }
        for (Dual a : args) {
            for (double m : a.magnitude()) {
                // tiny: an underflowing chain (x *= x in a loop) makes 0·∞ of rounding, not of the math
                huge |= m != 0 && (!(Math.abs(y) <= HUGE) || y != 0 && Math.abs(y) < TINY);
            }
        }
        for (int k = 0; k < args.length; k++) {
            for (int i = 0; i < inputs; i++) {
                // skip 0 · ∞ where an argument carries no derivative in this input
                if (args[k].magnitude()[i] != 0) {
                    out.grad()[i] += partials[k] * args[k].grad()[i];
                    out.magnitude()[i] += Math.abs(partials[k]) * args[k].magnitude()[i];
                }
            }
        }
        return out;
    }
}
