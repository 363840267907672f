package dev.adjoint.processor.diag;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import javax.lang.model.element.Element;

/**
 * Where a diagnostic points: a tree inside a compilation unit (the exact source position), or,
 * failing that, an element (its declaration). Every IR node the reader makes carries the position
 * of the source it came from, so that a refusal found in any stage points at the user's code.
 */
public record Position(Tree tree, CompilationUnitTree unit, Element element) {

    public static Position of(Element element) {
        return new Position(null, null, element);
    }

    public static Position of(Tree tree, CompilationUnitTree unit) {
        return new Position(tree, unit, null);
    }

    /** {@code preferred} when it is known, else {@code fallback}. */
    public static Position either(Position preferred, Position fallback) {
        return preferred != null ? preferred : fallback;
    }
}
