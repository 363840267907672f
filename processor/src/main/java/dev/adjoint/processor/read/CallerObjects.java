package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Which objects a method of the site may be called on when it is the receiver of the site's own
 * {@code @Differentiable} instance method: another object's method is inlined with its fields as
 * data, which is only right for an object whose fields carry no derivative.
 */
final class CallerObjects {

    private final Types types;
    private final TypeElement site;

    CallerObjects(Types types, TypeElement site) {
        this.types = types;
        this.site = site;
    }

    /**
     * Whether {@code receiver} may be, at run time, the receiver of a {@code @Differentiable}
     * instance method of the site, which may differentiate its fields: read as another object's,
     * as data, their derivatives would be lost. That is when its class and such a method's class
     * are one a subclass of the other (an interface type is refused before this); when the
     * receiver's class is known exactly ({@code exact}), only when it is that class or a subclass.
     */
    boolean mayBeCallersOwn(Expr receiver, TypeElement exact) {
        TypeMirror r = exact != null ? exact.asType() : receiver.type().mirror();
        if (r == null || r.getKind() != TypeKind.DECLARED) {
            return true;
        }
        TypeMirror erased = types.erasure(r);
        for (TypeElement c : differentiableInstanceClasses()) {
            TypeMirror mine = types.erasure(c.asType());
            // an object of exactly class E is this only if E is the caller's class or a subclass of it
            if (types.isSubtype(erased, mine) || exact == null && types.isSubtype(mine, erased)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why reading the {@code double} or {@code double[]} {@code field} through {@code target} ({@code
     * other.w}, {@code m.w} in another object's method) is refused: the object may be the caller's
     * own, whose fields it differentiates, and a read through another name carries no derivative;
     * null when it may not be, or the field carries none. (In the method's own body it is checked at
     * run time instead: {@link #notThis}.)
     */
    String aliasedRead(Expr target, VariableElement field, Tree tree) {
        JType type = JType.of(field.asType());
        if (!(type.isDouble() || type.isDoubleArray()) || !mayBeCallersOwn(target, null)) {
            return null;
        }
        return "cannot differentiate " + tree + ": the object it is read from may be the one whose fields this "
                + "method differentiates, and its field read through another name carries no derivative; read it as "
                + "this." + field.getSimpleName() + ", or pass the value in";
    }

    /**
     * {@code target} checked at run time not to be {@code self} ({@code Overrides.notThis}): in the
     * method's own body, where the receiver is known, a read through another name that may be it is
     * accepted for every other object.
     */
    static Expr notThis(Expr target, dev.adjoint.processor.ir.Var self, Tree tree, dev.adjoint.processor.diag.Position at) {
        return new Expr.Call(new dev.adjoint.processor.ir.Callee.Opaque(dev.adjoint.processor.ir.ClassRef.of(
                "dev.adjoint.internal", "Overrides"), "notThis", List.of(JType.OBJECT, JType.OBJECT, JType.STRING),
                target.type(), true, false, true), null, List.of(target, new Expr.Read(self, at),
                new Expr.Const(tree.toString(), JType.STRING, at)), target.type(), at);
    }

    /**
     * Why {@code field}, named alone at {@code path} in an instance method, is refused: it is a field
     * of an enclosing object (an inner class's method reading its outer object's), which the inlined
     * code, holding only the receiver, cannot reach; null when it is the receiver's own or inherited.
     */
    static String outerField(Types types, com.sun.source.util.Trees trees, com.sun.source.util.TreePath path,
            VariableElement field) {
        com.sun.source.util.TreePath p = path;
        while (p != null && !(p.getLeaf() instanceof com.sun.source.tree.ClassTree)) {
            p = p.getParentPath();
        }
        TypeMirror owner = field.getEnclosingElement().asType();
        if (p == null || !(trees.getElement(p) instanceof TypeElement code)
                || code.getNestingKind() != javax.lang.model.element.NestingKind.MEMBER
                || types.isSubtype(types.erasure(code.asType()), types.erasure(owner))) {
            // the class whose code reads it has it; an anonymous or local class is read where it is
            // created, the enclosing object's fields its captures (read/Functions)
            return null;
        }
        return "cannot differentiate " + path.getLeaf() + ": it is a field of the enclosing object of an inner class, "
                + "which Adjoint does not reach from the inner object; make the class static and give it the value";
    }

    private List<TypeElement> instanceClasses;

    /** The classes of the site (nested ones included) that declare a {@code @Differentiable} instance method. */
    private List<TypeElement> differentiableInstanceClasses() {
        if (instanceClasses == null) {
            instanceClasses = new ArrayList<>();
            collectInstanceClasses(site, instanceClasses);
        }
        return instanceClasses;
    }

    private static void collectInstanceClasses(TypeElement type, List<TypeElement> out) {
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (m.getAnnotation(Differentiable.class) != null && !m.getModifiers().contains(Modifier.STATIC)) {
                out.add(type);
                break;
            }
        }
        for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
            collectInstanceClasses(nested, out);
        }
    }
}
