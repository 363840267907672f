package dev.adjoint.processor.read;

import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.Access;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The class of a call's receiver where the code says it exactly: a {@code static final} field of
 * this build initialised with {@code new C(...)} (no class body), which holds a C and nothing else;
 * and the method C runs for an abstract one called on it.
 */
final class ExactClass {

    private ExactClass() {}

    /** C, when the receiver of the call at {@code path} is a {@code static final} field initialised with {@code new C(...)}. */
    static TypeElement of(Trees trees, TreePath path) {
        TreePath declaration = MethodReferences.constantReceiver(trees, path);
        if (declaration == null || !(((VariableTree) declaration.getLeaf()).getInitializer() instanceof NewClassTree creation)
                || creation.getClassBody() != null) {
            return null;
        }
        Element constructor = trees.getElement(new TreePath(declaration, creation));
        return constructor != null && constructor.getEnclosingElement() instanceof TypeElement c ? c : null;
    }

    /**
     * The method an abstract {@code method} runs when called on an object of exactly {@code exact};
     * null when the adjoint class cannot name {@code exact} (it casts the object to it) or its method
     * is abstract too.
     */
    static ExecutableElement implementation(Access access, Elements elements, Types types, ExecutableElement method,
            TypeElement exact) {
        if (!access.nameable(types.erasure(exact.asType()))) {
            return null;
        }
        for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(exact))) {
            if (!m.getModifiers().contains(Modifier.ABSTRACT) && elements.overrides(m, method, exact)) {
                return m;
            }
        }
        return null;
    }
}
