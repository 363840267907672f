package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The class of a call's receiver where the code says it exactly ({@code new C(...)}, or a {@code
 * static final} field of this build so initialised, which holds a C and nothing else), and the
 * method C runs for one called on it.
 */
final class ExactClass {

    private ExactClass() {}

    /**
     * C, when the receiver of the call at {@code path} is {@code new C(...)} itself or a {@code static
     * final} field initialised with it.
     */
    static TypeElement of(Trees trees, TreePath path) {
        TypeElement constant = constant(trees, path);
        if (constant != null) {
            return constant;
        }
        if (path.getLeaf() instanceof MethodInvocationTree call && call.getMethodSelect() instanceof MemberSelectTree select) {
            ExpressionTree receiver = select.getExpression();
            while (receiver instanceof ParenthesizedTree p) {
                receiver = p.getExpression();
            }
            if (receiver instanceof NewClassTree created && created.getClassBody() == null
                    && trees.getElement(new TreePath(new TreePath(path, select), created)) instanceof ExecutableElement c) {
                return (TypeElement) c.getEnclosingElement();
            }
        }
        return null;
    }

    /** C, when the receiver of the call at {@code path} is a {@code static final} field initialised with {@code new C(...)}. */
    static TypeElement constant(Trees trees, TreePath path) {
        TreePath declaration = MethodReferences.constantReceiver(trees, path);
        if (declaration == null || !(((VariableTree) declaration.getLeaf()).getInitializer() instanceof NewClassTree creation)
                || creation.getClassBody() != null) {
            return null;
        }
        Element constructor = trees.getElement(new TreePath(declaration, creation));
        return constructor != null && constructor.getEnclosingElement() instanceof TypeElement c ? c : null;
    }

    /**
     * The method an object of exactly {@code exact} runs when {@code method} is called on it: its
     * class's own or inherited override, or {@code method} itself (a default method too); null when
     * that is abstract.
     */
    static ExecutableElement runs(Elements elements, ExecutableElement method, TypeElement exact) {
        ExecutableElement found = null;
        for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(exact))) {
            if (m.equals(method) || m.getSimpleName().equals(method.getSimpleName()) && elements.overrides(m, method, exact)) {
                // a class's method wins over an interface's default one (a superclass's w over K's default
                // w), and of two, the one overriding the other
                if (found == null || elements.overrides(m, found, exact)
                        || found.getEnclosingElement().getKind().isInterface() && !m.getEnclosingElement().getKind().isInterface()) {
                    found = m;
                }
            }
        }
        return found == null || found.getModifiers().contains(Modifier.ABSTRACT) ? null : found;
    }

    /** {@code receiver} as an object of {@code exact}: cast, unless that is its type already. */
    static Expr as(Types types, Expr receiver, TypeElement exact, Position at) {
        TypeMirror t = types.erasure(exact.asType());
        TypeMirror held = receiver.type().mirror();
        return held != null && types.isSameType(types.erasure(held), t) ? receiver : new Expr.Cast(JType.of(t), receiver, at);
    }

    /** An interface's default method computing a number, whose body is in this build. */
    static boolean isDefault(MethodPaths paths, ExecutableElement method) {
        TreePath path = paths.of(method);
        return method.getModifiers().contains(Modifier.DEFAULT) && path != null
                && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null
                && JType.of(method.getReturnType()).isDifferentiable();
    }
}
