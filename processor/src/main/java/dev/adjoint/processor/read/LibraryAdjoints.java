package dev.adjoint.processor.read;

import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * A call of a {@code @Differentiable} method of a library compiled with the processor before (not
 * of this build, so without a plan here): its pullback is read from the library's adjoint class on
 * the class path, what its gradient's fields are named and which arrays it writes from that class.
 */
final class LibraryAdjoints {

    private LibraryAdjoints() {}

    /** {@code method} (static, returning {@code double}) called through its library's adjoint class, or the refusal. */
    static Expr call(Elements elements, Types types, ExecutableElement method, ClassRef ownerRef, List<JType> parameterTypes,
            Expr receiver, List<Expr> args, JType type, Position at, MethodInvocationTree call, BodyReader body) {
        String name = method.getSimpleName().toString();
        if (receiver != null) {
            return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                    + ", a @Differentiable instance method of a library: not supported yet; call it on a class of "
                    + "this build, or make it static");
        }
        if (method.getReturnType().getKind() != TypeKind.DOUBLE) {
            return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                    + ", which returns " + method.getReturnType() + ": calls of vector-valued @Differentiable methods "
                    + "of a library are not supported yet; compute the values in this method");
        }
        ClassRef adjoint = Naming.adjointClass(ownerRef);
        TypeElement adjointClass = elements.getTypeElement(adjoint.qualifiedName());
        ClassRef gradientRef = Naming.gradientClass(ownerRef, name);
        TypeElement gradient = adjointClass == null ? null : elements.getTypeElement(gradientRef.qualifiedName());
        if (gradient == null) {
            return body.unsupportedExpr(call, Tag.AdjointMissingAdjoint, "cannot differentiate through "
                    + ownerRef.simpleName() + "." + name + ": it is @Differentiable but its adjoint class "
                    + adjoint.qualifiedName() + " is not on the class path; compile " + ownerRef.simpleName()
                    + " with the Adjoint processor");
        }
        List<String> written = new ArrayList<>();
        boolean secondOrder = false;
        for (ExecutableElement m : ElementFilter.methodsIn(adjointClass.getEnclosedElements())) {
            if (m.getSimpleName().contentEquals(Naming.pullback(name))) {
                written.addAll(Effects.writtenArrays(m));
            }
            secondOrder |= m.getSimpleName().contentEquals(Naming.pullbackTangent(name));
        }
        // the gradient's fields, in parameter order, are the differentiated parameters' source names
        // (a library compiled without -parameters has no names of its own)
        List<String> gradientFields = new ArrayList<>();
        ElementFilter.fieldsIn(gradient.getEnclosedElements()).forEach(f -> gradientFields.add(f.getSimpleName().toString()));
        java.util.Set<String> wanted = java.util.Set.of(method.getAnnotation(Differentiable.class).wrt());
        List<String> fields = new ArrayList<>();
        int next = 0;
        for (VariableElement p : method.getParameters()) {
            boolean differentiable = JType.of(p.asType()).isDifferentiable() && p.asType().getKind() != TypeKind.FLOAT;
            boolean named = gradientFields.contains(p.getSimpleName().toString());
            if (differentiable && (named || (wanted.isEmpty() && next < gradientFields.size()))) {
                fields.add(named ? p.getSimpleName().toString() : gradientFields.get(next));
                next++;
            } else {
                fields.add(null);
            }
        }
        List<String> names = method.getParameters().stream().map(p -> p.getSimpleName().toString()).toList();
        return new Expr.Call(new Callee.Differentiable(ownerRef, name, parameterTypes, names, adjoint, gradientRef, fields,
                written, secondOrder, false, Keys.of(method, types)), receiver, args, type, at);
    }
}
