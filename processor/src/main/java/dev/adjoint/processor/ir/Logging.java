package dev.adjoint.processor.ir;

import java.util.Set;
import javax.lang.model.type.TypeKind;

/**
 * The logging calls a differentiated value may be passed to, as text or boxed into an
 * {@code Object[]} of parameters ({@code log.info("strike {} below {}", new Object[] {strike, cutoff})}):
 * the logging interfaces Java libraries log through, whose {@code void} methods only show the values
 * to people. Nothing they are given comes back into the computation, so no derivative is lost.
 * {@code System.out} and {@code System.err} print the same way. A logger of any other type is a
 * call Adjoint cannot see into. The code around an equality test
 * (normalize.Shortcuts) runs them again: a line logged where the method gave up (an iteration
 * limit) may be logged twice, and nothing else changes.
 */
public final class Logging {

    /** The types that declare the logging methods, by qualified name. */
    public static final Set<String> LOGGERS = Set.of(
            "org.slf4j.Logger",
            "java.util.logging.Logger",
            "java.lang.System.Logger",
            "org.apache.logging.log4j.Logger",
            "org.apache.logging.log4j.spi.ExtendedLogger",
            "org.apache.commons.logging.Log",
            "org.apache.log4j.Category",
            "org.apache.log4j.Logger");

    /** The methods that log (and the levels' names java.util.logging gives its methods). */
    public static final Set<String> METHODS = Set.of("trace", "debug", "info", "warn", "error", "fatal", "log",
            "severe", "warning", "config", "fine", "finer", "finest");

    private Logging() {}

    /** The methods of {@code java.io.PrintStream} that print ({@code System.err.println("...")}, as SSJ's checks do). */
    public static final Set<String> PRINTS = Set.of("print", "println");

    /**
     * Whether {@code callee} logs: a {@code void} logging method of one of {@link #LOGGERS}, or
     * {@code print}/{@code println} of a {@code PrintStream} ({@code System.out}, {@code System.err}),
     * which shows its values as text too.
     */
    public static boolean logs(Callee callee) {
        if (!(callee instanceof Callee.Opaque o) || o.returnType().mirror() == null
                || o.returnType().mirror().getKind() != TypeKind.VOID) {
            return false;
        }
        String owner = o.owner().qualifiedName();
        return LOGGERS.contains(owner) && METHODS.contains(o.name())
                || owner.equals("java.io.PrintStream") && PRINTS.contains(o.name());
    }
}
