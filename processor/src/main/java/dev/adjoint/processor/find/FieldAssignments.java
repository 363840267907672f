package dev.adjoint.processor.find;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
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
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitAssignment(AssignmentTree t, Void unused) {
                check(t.getVariable());
                return super.visitAssignment(t, unused);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree t, Void unused) {
                check(t.getVariable());
                return super.visitCompoundAssignment(t, unused);
            }

            @Override
            public Void visitUnary(UnaryTree t, Void unused) {
                Tree.Kind k = t.getKind();
                if (k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.PREFIX_DECREMENT
                        || k == Tree.Kind.POSTFIX_INCREMENT || k == Tree.Kind.POSTFIX_DECREMENT) {
                    check(t.getExpression());
                }
                return super.visitUnary(t, unused);
            }

            private void check(ExpressionTree target) {
                Element e = trees.getElement(new TreePath(getCurrentPath(), target));
                found[0] |= e != null && e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC);
            }
        }.scan(method, null);
        return found[0];
    }
}
