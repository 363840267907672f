package dev.adjoint;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the tape warns, where PyTorch emits a {@code UserWarning}: a {@link System.Logger} record
 * at {@code WARNING} on the logger {@code dev.adjoint.Tensor} (by default java.util.logging, which
 * prints it on stderr), once per call site, as Python's default warning filter shows a warning
 * once per location. The message names the call site. Silence it by configuring that logger.
 */
final class Warnings {

    static final String LOGGER = "dev.adjoint.Tensor";

    private static final System.Logger LOG = System.getLogger(LOGGER);
    /** Call sites (message + caller frame) already warned about. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Warnings() {}

    /** Logs {@code message} unless it was already logged for the same caller of the tape. */
    static void warnOnce(String message) {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(f -> f.getDeclaringClass() != Tensor.class
                        && f.getDeclaringClass() != Warnings.class).findFirst().orElse(null));
        String site = caller == null ? "unknown" : caller.toStackTraceElement().toString();
        if (WARNED.add(site + '\n' + message)) {
            LOG.log(System.Logger.Level.WARNING, "UserWarning: " + message + " (at " + site + ")");
        }
    }
}
