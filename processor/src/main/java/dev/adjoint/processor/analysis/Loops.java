package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.List;

/**
 * Counting loops: {@code for (int i = a; cond; i += c)} with a constant step whose body never
 * assigns {@code i}. The body sees {@code i = a, a + c, ...}, so the reverse sweep counts it back
 * instead of storing it.
 */
public final class Loops {

    private Loops() {}

    /** The counter of a counting loop, or null. */
    public static Var counter(Stmt.Loop l) {
        if (l.doWhile() || l.init().size() != 1 || l.update().size() != 1
                || !(l.init().get(0) instanceof Stmt.Declare d) || d.var().type.kind() != JType.Kind.INT
                || d.var().type.mirror() != null || d.init() == null
                || !(l.update().get(0) instanceof Stmt.Assign u) || u.var() != d.var() || step(l) == 0) {
            return null;
        }
        for (Stmt s : Stmts.all(l.body())) {
            if (Stmts.target(s) == d.var() && !(s instanceof Stmt.ArrayWrite)) {
                return null;
            }
            for (Expr e : Stmts.exprs(s)) {
                if (assignsInside(e, d.var())) {
                    return null;
                }
            }
        }
        return d.var();
    }

    private static boolean assignsInside(Expr e, Var v) {
        return dev.adjoint.processor.ir.Exprs.any(e, n -> n instanceof Expr.Assignment a
                && a.target() instanceof Expr.Read r && r.var() == v);
    }

    /** The constant step of {@code i = i + c} or {@code i = i - c}; 0 when the update is not one. */
    public static int step(Stmt.Loop l) {
        if (l.update().size() != 1 || !(l.update().get(0) instanceof Stmt.Assign u)) {
            return 0;
        }
        if (u.value() instanceof Expr.Binary b && b.left() instanceof Expr.Read r && r.var() == u.var()
                && b.right() instanceof Expr.Const c && c.value() instanceof Integer k
                && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
            return b.op() == Expr.BinaryOp.ADD ? k : -k;
        }
        return 0;
    }

    /** The start value of a counting loop's counter. */
    public static Expr start(Stmt.Loop l) {
        return ((Stmt.Declare) l.init().get(0)).init();
    }

    static List<Stmt> body(Stmt.Loop l) {
        return l.body();
    }
}
