package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.MethodPaths;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Which code has no effect a second run would repeat: {@link Values} reads a call that returns a
 * value object once per field of its result, and a value object's arguments once per field that
 * reads them, so what runs there must only compute.
 */
final class Purity {

    private final Trees trees;
    private final MethodPaths paths;
    private final Values values;
    private final Map<ExecutableElement, Boolean> pure = new HashMap<>();

    Purity(Trees trees, MethodPaths paths, Values values) {
        this.trees = trees;
        this.paths = paths;
        this.values = values;
    }

    /** Classes whose static methods compute a value and nothing else (the JDK's, FastMath, Adjoint.stopGradient). */
    private static final Set<String> PURE_CLASSES = Set.of("java.lang.Math", "java.lang.StrictMath", "java.lang.Double",
            "java.lang.Float", "java.lang.Integer", "java.lang.Long", "org.apache.commons.math3.util.FastMath",
            "org.hipparchus.util.FastMath", "dev.adjoint.Adjoint");

    /**
     * Whether {@code method} has no effect a second run would repeat: a JDK math function, or a
     * method of this build that assigns only its own locals (no element, no field) and calls only
     * such methods. A call read once per field of its result runs once per field.
     */
    boolean pure(ExecutableElement method) {
        Boolean known = pure.get(method);
        if (known != null) {
            return known;
        }
        pure.put(method, true); // a recursion adds no effect of its own
        TreePath path = paths.of(method);
        boolean out;
        if (values.accessor(method) != null) {
            out = true; // a record's accessor
        } else if (path != null && ((MethodTree) path.getLeaf()).getBody() != null) {
            out = pure(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), true);
        } else {
            out = method.getModifiers().contains(Modifier.STATIC) && PURE_CLASSES.contains(
                    ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString());
        }
        pure.put(method, out);
        return out;
    }

    /**
     * Whether the code at {@code tree} has no effect: it assigns only locals declared in a body
     * ({@code locals}: none in an expression), creates only arrays, split objects and what it
     * throws, and calls only pure methods.
     */
    boolean pure(TreePath tree, boolean locals) {
        return new Values.Check() {
            private int throwing;

            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                ok &= local(node.getVariable());
                return super.visitAssignment(node, unused);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                ok &= local(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                if (Values.increments(node)) {
                    ok &= local(node.getExpression());
                }
                return super.visitUnary(node, unused);
            }

            private boolean local(ExpressionTree target) {
                Element e = trees.getElement(new TreePath(getCurrentPath(), target));
                return locals && target instanceof IdentifierTree && e != null
                        && (e.getKind() == ElementKind.LOCAL_VARIABLE || e.getKind() == ElementKind.PARAMETER);
            }

            @Override
            public Void visitThrow(com.sun.source.tree.ThrowTree node, Void unused) {
                throwing++;
                super.visitThrow(node, unused);
                throwing--;
                return null;
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                ok &= throwing > 0 || trees.getElement(getCurrentPath()) instanceof ExecutableElement m && pure(m);
                return super.visitMethodInvocation(node, unused);
            }

            @Override
            public Void visitNewClass(NewClassTree node, Void unused) {
                ok &= throwing > 0 || node.getClassBody() == null
                        && trees.getElement(getCurrentPath()) instanceof ExecutableElement ctor && values.ctor(ctor) != null;
                return super.visitNewClass(node, unused);
            }
        }.passes(tree);
    }
}
