package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * An estimate of the bytecode javac makes of generated statements, generous rather than short: a
 * few bytes per load, store, operation and call (wide locals included, as long methods have
 * hundreds), for {@link Splitter} to keep each method under the JIT's limit.
 */
final class Sizes {

    private Sizes() {}

    static int of(List<Stmt> body) {
        int n = 0;
        for (Stmt s : body) {
            n += of(s);
        }
        return n;
    }

    static int of(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.init() == null ? 0 : 5 + of(d.init());
        } else if (s instanceof Stmt.Assign a) {
            return 5 + of(a.value());
        } else if (s instanceof Stmt.ArrayWrite w) {
            return 2 + of(w.array()) + of(w.index()) + of(w.value());
        } else if (s instanceof Stmt.Accumulate a) {
            return 9 + of(a.target()) + of(a.delta());
        } else if (s instanceof Stmt.Put p) {
            return 5 + of(p.target()) + of(p.value());
        } else if (s instanceof Stmt.Eval e) {
            return 2 + of(e.expr());
        } else if (s instanceof Stmt.Push p) {
            return 8 + of(p.value());
        } else if (s instanceof Stmt.Return r) {
            return 2 + (r.value() == null ? 0 : of(r.value()));
        } else if (s instanceof Stmt.Throw t) {
            return 2 + of(t.exception());
        } else if (s instanceof Stmt.If f) {
            return 8 + of(f.condition()) + of(f.then()) + of(f.otherwise());
        } else if (s instanceof Stmt.Loop l) {
            return 10 + of(l.init()) + of(l.head()) + (l.condition() == null ? 0 : of(l.condition())) + of(l.body())
                    + of(l.update());
        } else if (s instanceof Stmt.Block b) {
            return 3 + of(b.body());
        } else if (s instanceof Stmt.Switch w) {
            int n = 20 + of(w.selector());
            for (Stmt.Case c : w.cases()) {
                n += 8 + of(c.body());
            }
            return n;
        }
        return 3; // a comment (nothing), a break or continue (a goto)
    }

    static int of(Expr e) {
        int n;
        if (e instanceof Expr.Read) {
            n = 4; // a wide load, or a frame's field
        } else if (e instanceof Expr.Binary) {
            n = 4; // with the branch of a comparison
        } else if (e instanceof Expr.Unary || e instanceof Expr.Cast) {
            n = 2;
        } else if (e instanceof Expr.ArrayRead || e instanceof Expr.Length) {
            n = 1;
        } else if (e instanceof Expr.Cond || e instanceof Expr.Assignment || e instanceof Expr.Pullback) {
            n = 8;
        } else if (e instanceof Expr.Call || e instanceof Expr.Pop) {
            n = 5;
        } else if (e instanceof Expr.New) {
            n = 7;
        } else if (e instanceof Expr.NewArray) {
            n = 4;
        } else if (e instanceof Expr.ArrayLit l) {
            n = 4 + 4 * l.elements().size();
        } else if (e instanceof Expr.SwitchExpr w) {
            n = of(w.statement());
        } else {
            n = 3; // a constant, a static or instance field, a Math call
        }
        for (Expr c : dev.adjoint.processor.ir.Exprs.children(e)) {
            n += of(c);
        }
        return n;
    }
}
