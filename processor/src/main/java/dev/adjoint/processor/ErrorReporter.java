package dev.adjoint.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Owns every diagnostic the processor reports. Messages start with a stable tag in brackets
 * ({@code [AdjointUnsupportedCall] ...}) so users can search for them and tests can pin them.
 *
 * <p>{@link #abortWithError} reports and throws {@link Abort}, which the processor catches per
 * method: one bad method never hides the errors of the others, and nothing is emitted for a
 * method once an error is reported for it.
 */
public final class ErrorReporter {

    /** Thrown after an error has been reported; caught per method by the processor. */
    public static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    /** A source position: a tree inside a compilation unit, or failing that an element. */
    public record Position(Tree tree, CompilationUnitTree unit, Element element) {
        public static Position of(Element element) {
            return new Position(null, null, element);
        }

        public static Position of(Tree tree, CompilationUnitTree unit) {
            return new Position(tree, unit, null);
        }
    }

    private final Messager messager;
    private final Trees trees;
    private int errors;

    public ErrorReporter(Messager messager, Trees trees) {
        this.messager = messager;
        this.trees = trees;
    }

    public void reportError(Position at, String tag, String message) {
        errors++;
        print(Diagnostic.Kind.ERROR, at, tag, message);
    }

    public void reportWarning(Position at, String tag, String message) {
        print(Diagnostic.Kind.WARNING, at, tag, message);
    }

    /** A note: what the processor chose not to generate, and why (never fails a build, -Werror included). */
    public void reportNote(Position at, String tag, String message) {
        print(Diagnostic.Kind.NOTE, at, tag, message);
    }

    public Abort abortWithError(Position at, String tag, String message) {
        reportError(at, tag, message);
        throw new Abort();
    }

    /** Throws {@link Abort} if any error was reported since {@code errorsBefore} was read. */
    public void abortIfAnyError(int errorsBefore) {
        if (errors > errorsBefore) {
            throw new Abort();
        }
    }

    public int errorCount() {
        return errors;
    }

    private void print(Diagnostic.Kind kind, Position at, String tag, String message) {
        String text = "[" + tag + "] " + message;
        if (at.tree() != null && at.unit() != null) {
            trees.printMessage(kind, text, at.tree(), at.unit());
        } else {
            messager.printMessage(kind, text, at.element());
        }
    }
}
