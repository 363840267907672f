package dev.adjoint.processor.ir;

import dev.adjoint.processor.diag.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes of the receiver's own {@code double} fields: Neuroph's transfer functions keep their last
 * output ({@code output = Math.exp(...); return output;}) for their hand-written derivative to
 * read. The field is the variable its value is read into at the start (an input, as every field
 * the method reads), assigned as a parameter is; each write is followed by a store of that
 * variable into the field, a call of the implementation's {@code store$name(self, value)}. Only the
 * method's own copy (the primal the tape's forward pass runs) keeps the stores: the derivative
 * members compute and leave the object as it is, so that a backward pass, or a caller's reverse
 * sweep calling a pullback, never writes an old value over a newer one.
 */
public final class Stores {

    /** What begins the name of the implementation's method storing a field: {@code store$output}. */
    public static final String PREFIX = "store$";
    /** The type of a call that returns nothing. */
    public static final JType VOID = JType.named(ClassRef.of("", "void"));

    private Stores() {}

    /** {@code Impl.store$field(self, value)}: the variable {@code value} stored into the field {@code field} of {@code self}. */
    public static Stmt store(ClassRef impl, Var self, String field, Var value, Position at) {
        Callee.Opaque o = new Callee.Opaque(impl, PREFIX + field, List.of(self.type, value.type), VOID, true, false, false);
        return new Stmt.Eval(new Expr.Call(o, null, List.of(new Expr.Read(self, at), new Expr.Read(value, at)), VOID, at),
                at, null);
    }

    /** Whether {@code callee} stores a field. */
    public static boolean is(Callee callee) {
        return callee instanceof Callee.Opaque o && o.isStatic() && o.name().startsWith(PREFIX)
                && o.returnType().equals(VOID);
    }

    /** The store {@code s} is, or null. */
    public static Expr.Call of(Stmt s) {
        return s instanceof Stmt.Eval e && e.expr() instanceof Expr.Call c && is(c.callee()) ? c : null;
    }

    /** Whether {@code body} stores a field anywhere. */
    public static boolean any(List<Stmt> body) {
        return Stmts.all(body).stream().anyMatch(s -> of(s) != null);
    }

    /** {@code method} without its stores: what the derivative members are made from. */
    public static MethodIr removed(MethodIr method) {
        if (!any(method.body())) {
            return method;
        }
        return new MethodIr(method.key(), method.name(), method.owner(), method.params(), method.self(),
                method.inputs(), without(method.body()), method.vector(), method.pos());
    }

    private static List<Stmt> without(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            if (of(s) == null) {
                out.add(Stmts.mapBlocks(s, Stores::without));
            }
        }
        return out;
    }
}
