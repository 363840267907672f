package dev.adjoint.processor.read;

import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.Keys;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Types;

/**
 * Which code has no effect a second run would repeat: {@link Values} reads a call that returns a
 * value object once per field of its result, and a value object's arguments once per field that
 * reads them, so what runs there must only compute. A method's verdict is {@link Effects}'s (it
 * writes nothing of its caller's, read from its source or its class file).
 */
final class Purity {

    /**
     * Classes whose static methods compute a value and nothing else, whatever their class files say;
     * with them, the libraries with Math's names and contracts ({@link Calls#MATH_LIKE}: FastMath).
     */
    private static final Set<String> PURE_CLASSES = Set.of("java.lang.Math", "java.lang.StrictMath", "java.lang.Double",
            "java.lang.Float", "java.lang.Integer", "java.lang.Long", "dev.adjoint.Adjoint");

    private final Trees trees;
    private final Types types;
    private final Values values;
    private final Effects effects;

    Purity(Trees trees, Types types, Values values, Effects effects) {
        this.trees = trees;
        this.types = types;
        this.values = values;
        this.effects = effects;
    }

    /**
     * Whether {@code method} has no effect a second run would repeat: a record's accessor, a math
     * function, or a method that writes nothing ({@link Effects#writesNothing}).
     */
    boolean pure(ExecutableElement method) {
        String owner = ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString();
        return values.accessor(method) != null
                || method.getModifiers().contains(Modifier.STATIC) && (PURE_CLASSES.contains(owner)
                        || Calls.MATH_LIKE.contains(owner))
                || effects.writesNothing(method, Keys.of(method, types));
    }

    /**
     * Whether the expression at {@code expr} has no effect: it assigns nothing, creates only split
     * objects (and what it throws), and calls only pure methods.
     */
    boolean pure(TreePath expr) {
        return !Values.assigns(expr) && new Values.Check() {
            private int throwing;

            @Override
            public Void visitThrow(ThrowTree node, Void unused) {
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
        }.passes(expr);
    }
}
