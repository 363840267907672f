package dev.adjoint.processor.diag;

import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.tools.Diagnostic;

/**
 * Owns every diagnostic the processor prints. Messages start with a stable {@link Tag} in
 * brackets. {@link #abort} reports and throws {@link Abort}, which the processor catches per
 * method: one bad method never hides the errors of the others, and nothing is emitted for a method
 * once an error is reported for it.
 */
public final class Diagnostics {

    /** Thrown after an error has been reported; caught per method by the processor. */
    public static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Abort() {
            super(null, null, false, false);
        }
    }

    private final Messager messager;
    private final Trees trees;
    private int errors;
    /** What was printed, by kind, place and text: a helper inlined twice, or read also as a method of its own, says it once. */
    private final java.util.Set<java.util.List<Object>> printed = new java.util.HashSet<>();

    public Diagnostics(Messager messager, Trees trees) {
        this.messager = messager;
        this.trees = trees;
    }

    public void error(Position at, Tag tag, String message) {
        errors++;
        print(Diagnostic.Kind.ERROR, at, tag, message);
    }

    public void warning(Position at, Tag tag, String message) {
        print(Diagnostic.Kind.WARNING, at, tag, message);
    }

    /** Reports an error and throws {@link Abort}: for a stage that cannot go on with this method. */
    public Abort abort(Position at, Tag tag, String message) {
        error(at, tag, message);
        throw new Abort();
    }

    public int errorCount() {
        return errors;
    }

    /**
     * Reports what escaped a stage for one method: a bug of the processor. Positioned at the
     * method, with what a user can do until it is fixed.
     */
    public void internalError(Position at, String method, Throwable bug) {
        String what = bug instanceof StackOverflowError
                ? "the method is nested too deeply for the processor (" + bug.getClass().getSimpleName() + ")"
                : bug.toString();
        // the processor's own frame, not the JDK's that threw (Preconditions.outOfBounds): where to look
        StackTraceElement[] trace = bug.getStackTrace();
        StackTraceElement own = java.util.Arrays.stream(trace).filter(t -> t.getClassName().startsWith("dev.adjoint."))
                .findFirst().orElse(trace.length > 0 ? trace[0] : null);
        String where = own != null ? " at " + own : "";
        error(at, Tag.AdjointInternalError, "Adjoint failed on " + method + " (" + what + where + "); please "
                + "report this with the method's source. Until it is fixed, move the method out of @Differentiable");
    }

    /** {@code File.java:12}: where a position is, for messages that point at a second place. */
    public String where(Position at) {
        if (at == null || at.tree() == null || at.unit() == null || trees == null) {
            return "?";
        }
        long start = trees.getSourcePositions().getStartPosition(at.unit(), at.tree());
        String path = at.unit().getSourceFile().getName();
        String file = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        return file + ":" + at.unit().getLineMap().getLineNumber(start);
    }

    private void print(Diagnostic.Kind kind, Position at, Tag tag, String message) {
        String text = tag.bracketed() + " " + message;
        Object place = at == null ? null : at.tree() != null ? at.tree() : at.element();
        if (!printed.add(java.util.Arrays.asList(kind, place, text))) {
            return;
        }
        if (at != null && at.tree() != null && at.unit() != null && trees != null) {
            trees.printMessage(kind, text, at.tree(), at.unit());
        } else if (at != null && at.element() != null) {
            messager.printMessage(kind, text, at.element());
        } else {
            messager.printMessage(kind, text);
        }
    }
}
