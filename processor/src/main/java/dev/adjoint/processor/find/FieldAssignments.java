package dev.adjoint.processor.find;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Whether a method's body assigns an instance field ({@code this.count++}, {@code total = s},
 * {@code other.x = v}): its {@code Tensor} overload then runs the method itself beside its pullback,
 * which leaves objects as they were, for what it stores.
 */
final class FieldAssignments {

    private FieldAssignments() {}

    static boolean in(Trees trees, TreePath method) {
        boolean[] found = {false};
        new Assignments() {
            @Override
            protected void assigned(ExpressionTree target) {
                Element e = trees.getElement(new TreePath(getCurrentPath(), target));
                found[0] |= e != null && e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC);
            }
        }.scan(method, null);
        return found[0];
    }
}
