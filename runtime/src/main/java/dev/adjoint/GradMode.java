package dev.adjoint;

/**
 * A scope that sets this thread's grad mode and restores the previous mode when closed; the Java
 * form of PyTorch's {@code torch.no_grad()} / {@code torch.enable_grad()} context managers.
 *
 * <p>Obtain one from {@link Tensor#noGrad()} or {@link Tensor#enableGrad()} and close it with
 * try-with-resources:
 *
 * <pre>{@code
 * try (GradMode g = Tensor.noGrad()) {
 *     w.subInPlace(w.grad().mul(0.1));   // not recorded on the tape
 * }
 * }</pre>
 *
 * <p>Under {@code -Xlint:all} javac warns that the scope variable is never referenced; annotate
 * the enclosing method {@code @SuppressWarnings("try")}, the usual idiom for scope objects.
 *
 * <p>Grad mode is per thread, as in PyTorch: a scope opened on one thread never changes another
 * thread's mode. Scopes nest; each restores exactly the mode that was current when it opened.
 */
public final class GradMode implements AutoCloseable {

    /** This thread's grad mode; on by default, like PyTorch. */
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private final boolean previous;

    GradMode(boolean enabled) {
        this.previous = isEnabled();
        setEnabled(enabled);
    }

    static boolean isEnabled() {
        return ENABLED.get();
    }

    static void setEnabled(boolean enabled) {
        ENABLED.set(enabled);
    }

    /** Restores the grad mode that was current when this scope was opened. */
    @Override
    public void close() {
        setEnabled(previous);
    }
}
