package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.Assignments;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.Types;

/**
 * Functions held in constants, as ojAlgo names its scalar functions: {@code static final Unary EXP =
 * Math::exp;}, called {@code EXP.invoke(x)}. The constant can only ever hold that static method, so
 * the call is the method's ({@code Math.exp(x)}), read as any call of it is: a {@code Math}
 * function, a helper inlined, a {@code @Differentiable} method. A lambda, a method of an object
 * ({@code obj::f}), or a constant that is not {@code static final} is left as the interface call it is.
 */
final class MethodReferences {

    private MethodReferences() {}

    /**
     * The static method {@code sam}'s call at {@code path} runs when its receiver is a {@code static
     * final} field initialised with a reference to that method, taking and returning the same
     * primitive types; else null.
     */
    static ExecutableElement referenced(Trees trees, Types types, TreePath path, ExecutableElement sam) {
        TreePath declaration = sam.getModifiers().contains(Modifier.ABSTRACT) ? constantReceiver(trees, path) : null;
        if (declaration == null || !(((VariableTree) declaration.getLeaf()).getInitializer() instanceof MemberReferenceTree reference)
                || reference.getMode() != MemberReferenceTree.ReferenceMode.INVOKE) {
            return null;
        }
        Element target = trees.getElement(new TreePath(declaration, reference));
        if (!(target instanceof ExecutableElement method) || !method.getModifiers().contains(Modifier.STATIC)
                || method.isVarArgs() || method.getParameters().size() != sam.getParameters().size()
                || !samePrimitive(types, method.getReturnType(), sam.getReturnType())) {
            return null;
        }
        for (int i = 0; i < method.getParameters().size(); i++) {
            if (!samePrimitive(types, method.getParameters().get(i).asType(), sam.getParameters().get(i).asType())) {
                return null;
            }
        }
        return method;
    }

    /**
     * The declaration of the call's receiver at {@code path} ({@code C.FIELD.f(...)}) when it is a
     * constant field of this build ({@link #constant}), whose initialiser then says what it holds; else null.
     */
    static TreePath constantReceiver(Trees trees, TreePath path) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
            return null;
        }
        Element field = trees.getElement(new TreePath(new TreePath(path, select), select.getExpression()));
        if (!constant(trees, field)) {
            return null;
        }
        TreePath declaration = trees.getPath(field);
        return declaration != null && declaration.getLeaf() instanceof VariableTree ? declaration : null;
    }

    /**
     * Whether {@code field} always holds what its initialiser gives it: a {@code static final}
     * field, or a {@code private static} one that no code of its class assigns (SuanShu's {@code
     * private static StandardCumulativeNormal N = new CumulativeNormalMarsaglia();}: only its
     * class could, and its class is in the file that declares it).
     */
    static boolean constant(Trees trees, Element field) {
        if (field == null || field.getKind() != ElementKind.FIELD || !field.getModifiers().contains(Modifier.STATIC)) {
            return false;
        }
        if (field.getModifiers().contains(Modifier.FINAL)) {
            return true;
        }
        TreePath declaration = field.getModifiers().contains(Modifier.PRIVATE) ? trees.getPath(field) : null;
        if (declaration == null) {
            return false;
        }
        boolean[] found = {false};
        new Assignments() {
            @Override
            protected void assigned(ExpressionTree target) {
                found[0] |= field.equals(trees.getElement(new TreePath(getCurrentPath(), target)));
            }
        }.scan(new TreePath(declaration.getCompilationUnit()), null);
        return !found[0];
    }

    private static boolean samePrimitive(Types types, javax.lang.model.type.TypeMirror a, javax.lang.model.type.TypeMirror b) {
        return a.getKind().isPrimitive() && a.getKind() != TypeKind.VOID && types.isSameType(a, b);
    }
}
