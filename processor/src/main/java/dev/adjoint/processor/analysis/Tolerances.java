package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a loop compares a value with to stop once it is small, in one method's body: a constant of
 * at most {@link #LARGEST}, such a constant times something ({@code 1e-15 * Math.abs(sum)}), a
 * field that is no compile-time constant ({@code Precision.EPSILON}), a double the body never
 * writes (a parameter: Commons Math's {@code epsilon}), or a local written once with one
 * ({@code thresh = 3.0 * MACHEP}). Shared by normalize.Converge (loops run on where they stop
 * early) and fence.Searches (searches refused).
 */
public final class Tolerances {

    /** The largest constant taken for a tolerance. */
    public static final double LARGEST = 1e-4;

    /** Locals written once (declared with the value or assigned it later), with that value. */
    private final Map<Var, Expr> once = new HashMap<>();
    /** Every variable the body declares or writes: one it never does comes from outside (a parameter). */
    private final Set<Var> assigned = new HashSet<>();

    public Tolerances(List<Stmt> body) {
        Map<Var, Integer> writes = new HashMap<>();
        for (Stmt s : Stmts.all(body)) {
            Var target = Stmts.target(s);
            if (target != null) {
                assigned.add(target);
            }
            if (s instanceof Stmt.Declare d && d.init() != null || s instanceof Stmt.Assign) {
                // double thresh; ... thresh = 3.0 * MACHEP; (Cephes declares first, assigns later)
                once.put(target, Stmts.value(s));
                writes.merge(target, 1, Integer::sum);
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Assignment x && Exprs.var(x.target()) != null) {
                        assigned.add(Exprs.var(x.target()));
                        writes.merge(Exprs.var(x.target()), 1, Integer::sum);
                    }
                });
            }
        }
        writes.forEach((v, n) -> {
            if (n > 1) {
                once.remove(v);
            }
        });
    }

    /** The value {@code v} is written with, when the body writes it once; else null. */
    public Expr once(Var v) {
        return once.get(v);
    }

    /** Whether {@code e} is a tolerance itself: not through a local's value. */
    public boolean direct(Expr e) {
        Double c = Exprs.constant(e);
        if (c != null) {
            return c > 0 && c <= LARGEST;
        }
        if (e instanceof Expr.StaticGet g) {
            return g.type().isDouble();
        }
        if (e instanceof Expr.ArrayRead r && r.array() instanceof Expr.StaticGet g && g.type().isDoubleArray()
                && !r.index().type().isDouble()) {
            return true; // a static table of tolerances by precision (SSJ's EPSARRAY[d])
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
            return direct(b.left()) || direct(b.right());
        }
        Var v = Exprs.var(e);
        return v != null && v.type.isDouble() && !assigned.contains(v);
    }

    /** Whether {@code e} is a tolerance, itself or as a local written once with one (four locals deep at most). */
    public boolean is(Expr e) {
        return is(e, 0);
    }

    private boolean is(Expr e, int depth) {
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
            return is(b.left(), depth) || is(b.right(), depth);
        }
        if (direct(e)) {
            return true;
        }
        Var v = Exprs.var(e);
        return v != null && depth < 4 && once.containsKey(v) && is(once.get(v), depth + 1);
    }
}
