package dev.adjoint.processor.find;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which {@code double[]} parameters a method body writes elements of ({@code w[i] = ...},
 * {@code w[i] += ...}, {@code w[i]++}), read from the parsed source without attributing it (which
 * must not happen before the adjoint class exists).
 */
final class ArrayWrites {

    private ArrayWrites() {}

    static List<String> of(MethodTree method) {
        Set<String> params = new LinkedHashSet<>();
        for (VariableTree p : method.getParameters()) {
            params.add(p.getName().toString());
        }
        Set<String> written = new LinkedHashSet<>();
        if (method.getBody() == null) {
            return List.of();
        }
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                note(node.getVariable());
                return super.visitAssignment(node, unused);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                note(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                Tree.Kind kind = node.getKind();
                if (kind == Tree.Kind.PREFIX_INCREMENT || kind == Tree.Kind.POSTFIX_INCREMENT
                        || kind == Tree.Kind.PREFIX_DECREMENT || kind == Tree.Kind.POSTFIX_DECREMENT) {
                    note(node.getExpression()); // -w[0] reads it; only ++ and -- write
                }
                return super.visitUnary(node, unused);
            }

            private void note(ExpressionTree target) {
                while (target instanceof ParenthesizedTree p) {
                    target = p.getExpression();
                }
                if (target instanceof ArrayAccessTree a && a.getExpression() instanceof IdentifierTree id
                        && params.contains(id.getName().toString())) {
                    written.add(id.getName().toString());
                }
            }
        }.scan(method.getBody(), null);
        return List.copyOf(written);
    }
}
