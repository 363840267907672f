package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.ir.MathFunction;
import java.util.List;

/**
 * What the {@link Interpreter} needs of a number type: doubles ({@link DoubleAlgebra}), tensors
 * on the runtime tape ({@link TensorAlgebra}) and forward-mode dual numbers
 * ({@link DualAlgebra}). Control flow reads {@link #value}; everything else goes through here,
 * so one interpreter gives three independent evaluations of the same program.
 */
interface Algebra<V> {

    V constant(double c);

    /** The plain value, for comparisons and branch choices. */
    double value(V v);

    V neg(V a);

    V binary(Op op, V a, V b);

    /** {@code Math.fn(args)} (or {@code StrictMath} when {@code strict}). */
    V call(MathFunction fn, boolean strict, List<V> args);

    /** {@code (double) (int) a}: a constant, its derivative is 0. */
    default V truncate(V a) {
        return constant((int) value(a));
    }

    /** {@code Adjoint.stopGradient(a)}: a's value as a constant. */
    default V stop(V a) {
        return constant(value(a));
    }

    /**
     * Whether {@code a - b} has a nonzero derivative in some input: a comparison of the two can
     * then flip under a small step. Only {@link DualAlgebra} knows; the others say no.
     */
    default boolean varies(V a, V b) {
        return false;
    }
}
