package dev.adjoint.processor.find;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePathScanner;

/**
 * A scan that sees what code assigns: the target of each {@code =}, compound assignment, {@code ++}
 * and {@code --} (the other unary operators read their operand), reported at that node, whose
 * path {@link #getCurrentPath()} gives. Read's scans of effects and find's {@link FieldAssignments} share it.
 */
public abstract class Assignments extends TreePathScanner<Void, Void> {

    /** Called with the target of an assignment at the current node. */
    protected abstract void assigned(ExpressionTree target);

    @Override
    public Void visitAssignment(AssignmentTree node, Void unused) {
        assigned(node.getVariable());
        return super.visitAssignment(node, unused);
    }

    @Override
    public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
        assigned(node.getVariable());
        return super.visitCompoundAssignment(node, unused);
    }

    @Override
    public Void visitUnary(UnaryTree node, Void unused) {
        switch (node.getKind()) {
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> assigned(node.getExpression());
            default -> { }
        }
        return super.visitUnary(node, unused);
    }
}
