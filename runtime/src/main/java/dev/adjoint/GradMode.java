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
 * thread's mode. Scopes nest; each restores exactly the mode that was current when it opened. A
 * scope belongs to the thread that opened it: closing it on another thread is refused (it could
 * only change the wrong thread's mode), and closing it twice is a no-op.
 */
public final class GradMode implements AutoCloseable {

    /** This thread's grad mode; on by default, like PyTorch. */
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;
    private final Thread owner;
    private boolean closed;

    GradMode(boolean enabled) {
        this.owner = Thread.currentThread();
        boolean[] mode = ENABLED.get();
        this.previous = mode[0];
        mode[0] = enabled;
    }

    static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    static void setEnabled(boolean enabled) {
        ENABLED.get()[0] = enabled;
    }

    /** Restores the grad mode that was current when this scope was opened, on the thread that opened it. */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a GradMode scope must be closed on the thread that opened it ("
                    + owner.getName() + "), not on " + Thread.currentThread().getName());
        }
        if (!closed) {
            closed = true;
            setEnabled(previous);
        }
    }
}
