package dev.adjoint.processor.read;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.find.Records;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * A method of a differentiated record, called on it ({@code params.z(x)} of {@code record
 * Params(double mu, double sigma)}): inlined as a method of this object is, its fields read as
 * parameters the call fills with the record's component variables, so their derivatives flow. Read
 * as another object's method (its fields data) they would be lost.
 */
final class RecordMethods {

    private RecordMethods() {}

    /**
     * The call of {@code method} on {@code receiver}, a record whose components {@code body} holds as
     * variables: inlined; refused where a component is itself a record (its components would not be
     * followed into the method); null when {@code receiver} is no such record.
     */
    static Expr of(Calls calls, ExecutableElement method, Expr receiver, List<Expr> args, JType type, Position at,
            BodyReader body) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        if (!(receiver instanceof Expr.Read r) || owner.getKind() != ElementKind.RECORD
                || method.getModifiers().contains(Modifier.STATIC)) {
            return null;
        }
        List<Records.Component> components = Records.of(owner.asType());
        if (components.isEmpty() || body.component(r.var(), components.get(0).name()) == null) {
            return null; // no differentiated record: read as another object's method
        }
        if (components.stream().anyMatch(Records.Component::isRecord)) {
            return new Expr.Unsupported(Tag.AdjointUntracked, "cannot differentiate through " + Calls.describe(method)
                    + " called on the record " + r.var().name + ": a component of it is a record, whose components "
                    + "Adjoint does not follow into the method; pass the method the values it needs", JType.OBJECT, at);
        }
        return calls.inline(method, Keys.of(method, calls.types()), receiver, args,
                method.getParameters().stream().map(p -> JType.of(p.asType())).toList(), ClassRef.of(owner), type, at,
                body, false, null);
    }

    /**
     * The variable filling {@code field} of an inlined instance method called on {@code receiver}:
     * the component variable of a differentiated record, else the field's of this object, or null.
     */
    static Var input(BodyReader body, Expr receiver, VariableElement field) {
        Var component = receiver instanceof Expr.Read r ? body.component(r.var(), field.getSimpleName().toString()) : null;
        return component != null ? component : body.fieldVar(field);
    }
}
