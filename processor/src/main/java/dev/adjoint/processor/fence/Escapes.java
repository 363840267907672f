package dev.adjoint.processor.fence;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stores;
import dev.adjoint.processor.ir.Var;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where {@code this} (when the method differentiates its receiver's fields) and a record whose
 * components are differentiated may go: a field read or a component read, an instance method of
 * the class or a helper (inlined, so that Adjoint follows what they read), a read-only call.
 * Anywhere else code Adjoint cannot see could read the fields or components, and their
 * derivatives would be lost: an error.
 */
final class Escapes {

    /** How the fence reports an error. */
    interface Report {
        void error(Position at, Tag tag, String message);
    }

    private final MethodIr method;
    private final Report report;
    private final Set<Var> selves = new HashSet<>();
    private final Set<Var> records = new HashSet<>();

    Escapes(MethodIr method, Report report) {
        this.method = method;
        this.report = report;
    }

    /** Watches {@code body}'s receiver (when fields are differentiated) and its expanded records. */
    void watch(MethodIr body, boolean fields) {
        if (body.self() != null && fields) {
            selves.add(body.self());
        }
        records.addAll(body.expandedRecords());
    }

    boolean watching() {
        return !selves.isEmpty() || !records.isEmpty();
    }

    void check(Expr e) {
        if (e instanceof Expr.FieldGet f && watched(f.target())) {
            return;
        }
        if (e instanceof Expr.Read r && records.contains(r.var())) {
            report.error(r.pos(), Tag.AdjointUntracked, "cannot pass the record " + r.var().name + " where Adjoint "
                    + "cannot follow it: its components are differentiated, and code Adjoint cannot see could read "
                    + "them; pass the components it needs instead (" + r.var().name + ".x()), or a method of this "
                    + "class (inlined)");
            return;
        }
        if (e instanceof Expr.Read r && selves.contains(r.var())) {
            report.error(r.pos(), Tag.AdjointUntracked, "cannot pass this where Adjoint cannot follow it: "
                    + method.name() + " differentiates with respect to its fields "
                    + method.inputs().stream().filter(MethodIr.Input::field).map(i -> "this." + i.path().get(0))
                            .collect(Collectors.joining(", "))
                    + ", which code Adjoint cannot see could read; pass the values it needs instead, or move the "
                    + "code into a method of this class");
            return;
        }
        if (e instanceof Expr.Call c) {
            // a store of a field takes the receiver to write its field, nothing else (ir/Stores)
            boolean readOnly = c.callee() instanceof Callee.Opaque o && o.readOnly() || Stores.is(c.callee());
            boolean inlined = c.callee() instanceof Callee.Inline;
            if (c.receiver() != null && !(watched(c.receiver()) && (inlined || readOnly))) {
                check(c.receiver());
            }
            for (Expr a : c.args()) {
                // a record passed to a helper is passed with its components, which the helper reads
                boolean expanded = inlined && a instanceof Expr.Read r && records.contains(r.var());
                if (!(readOnly && watched(a)) && !expanded) {
                    check(a);
                }
            }
            return;
        }
        for (Expr child : Exprs.children(e)) {
            check(child);
        }
    }

    private boolean watched(Expr e) {
        return e instanceof Expr.Read r && (selves.contains(r.var()) || records.contains(r.var()));
    }
}
