package dev.adjoint;

/**
 * Helpers that {@code @Differentiable} code may call.
 */
public final class Adjoint {

    private Adjoint() {}

    /**
     * Returns {@code value} unchanged, but no derivative flows through it: inside a
     * {@code @Differentiable} method the result is treated as a constant, like
     * {@code jax.lax.stop_gradient} or PyTorch's {@code detach()}.
     */
    public static double stopGradient(double value) {
        return value;
    }

    /**
     * Returns {@code array} itself, the same object, and tells Adjoint that the call it is passed to
     * only reads it and lets no derivative through: a validation call such as
     * {@code MathArrays.checkEqualLength(stopGradient(p), stopGradient(q))}. If that call writes to
     * the array, the gradient is wrong: pass it a copy instead.
     */
    public static double[] stopGradient(double[] array) {
        return array;
    }
}
