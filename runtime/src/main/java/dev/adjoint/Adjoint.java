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
}
