package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a loop that narrows a bracket by comparing differentiated values: bisection, regula
 * falsi, golden-section search ({@code if (price(mid) > target) hi = mid; else lo = mid;} until
 * {@code hi - lo} is below a tolerance). Its result depends on the compared values only through
 * which end each step moves, so differentiating its steps gives 0 (an implied volatility's
 * derivative by the price) or the derivative of the bracket's start scaled down (a square root
 * found in [0, a]): never the root's, and with nothing to show it. One Newton step after the
 * search gives the root's derivative; the message says how.
 *
 * <p>The shape: inside a loop that runs until a value it computes is below a small tolerance, or
 * a counted loop of at least {@link #LONG} steps, an {@code if} whose test reads a differentiated
 * value and whose two branches each move a different variable the loop carries (an end), each to a
 * value computed from the other end, the test itself computed from them. A loop that only branches
 * on data, whose branches move the same variable (a piecewise formula) or set an end to a value of
 * its own, is not such a search.
 */
final class Searches {

    /** The fewest steps of a counted loop taken for a search: below it, a loop of a few branches. */
    static final int LONG = 20;
    /** The largest tolerance a search stops on. */
    private static final double LARGEST_TOLERANCE = 1e-4;

    private final Activity activity;
    private final Diagnostics diagnostics;
    /** Every variable the method declares or assigns: one it never does is a parameter (a tolerance passed in). */
    private final Set<Var> assigned = new HashSet<>();

    private Searches(Activity activity, Diagnostics diagnostics) {
        this.activity = activity;
        this.diagnostics = diagnostics;
    }

    /** Reports each search loop of {@code body}: an error at its deciding test. */
    static void check(List<Stmt> body, Activity activity, Diagnostics diagnostics) {
        Searches s = new Searches(activity, diagnostics);
        for (Stmt st : Stmts.all(body)) {
            Var target = Stmts.target(st);
            if (target != null) {
                s.assigned.add(target);
            }
            Stmts.exprs(st).forEach(e -> Exprs.postOrder(e, n -> {
                if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                    s.assigned.add(Exprs.var(a.target()));
                }
            }));
        }
        for (Stmt st : Stmts.all(body)) {
            if (st instanceof Stmt.Loop l && s.runsLong(l)) {
                s.search(l);
            }
        }
    }

    /** Reports the first test of {@code l} that moves one end of a bracket or the other. */
    private void search(Stmt.Loop l) {
        List<Stmt> parts = parts(l);
        Set<Var> declared = new HashSet<>();
        Map<Var, Set<Var>> from = new HashMap<>();
        for (Stmt s : Stmts.all(parts)) {
            if (s instanceof Stmt.Declare d) {
                declared.add(d.var());
            }
            Var target = Stmts.target(s);
            Expr value = Stmts.value(s);
            if (target != null && value != null) {
                Exprs.reads(value, v -> from.computeIfAbsent(target, k -> new HashSet<>()).add(v));
            }
        }
        for (Stmt s : Stmts.all(l.body())) {
            if (!(s instanceof Stmt.If i) || i.then().isEmpty() || i.otherwise().isEmpty()
                    || !readsVaried(i.condition())) {
                continue;
            }
            // hi = mid on one side, lo = mid on the other: each branch moves an end the other does not,
            // to a value computed from the other end (mid from lo and hi)
            Map<Var, List<Expr>> then = moved(i.then(), declared);
            Map<Var, List<Expr>> otherwise = moved(i.otherwise(), declared);
            Set<Var> ends = new HashSet<>();
            for (Map.Entry<Var, List<Expr>> a : then.entrySet()) {
                for (Map.Entry<Var, List<Expr>> b : otherwise.entrySet()) {
                    if (!otherwise.containsKey(a.getKey()) && !then.containsKey(b.getKey())
                            && a.getValue().stream().anyMatch(e -> reaches(e, from, Set.of(b.getKey())))
                            && b.getValue().stream().anyMatch(e -> reaches(e, from, Set.of(a.getKey())))) {
                        ends.add(a.getKey());
                        ends.add(b.getKey());
                    }
                }
            }
            if (!ends.isEmpty() && reaches(i.condition(), from, ends)) {
                diagnostics.error(i.pos() != null ? i.pos() : l.pos(), Tag.AdjointSearchLoop, "this test of "
                        + "differentiated values moves one end of a bracket or the other in a loop that runs until "
                        + "the bracket is small (a bisection or a search like it): the result depends on those values "
                        + "only through the choices, so its derivative would be 0 or that of the bracket's start, not "
                        + "the root's. Search without derivatives (compare Adjoint.stopGradient values) and end with "
                        + "one Newton step, root - g(root) / Adjoint.stopGradient(g'(root)) for the g whose zero it "
                        + "finds: its derivative is the root's");
                return;
            }
        }
    }

    /** Whether {@code e} reads a differentiated value outside {@code Adjoint.stopGradient}. */
    private boolean readsVaried(Expr e) {
        if (e instanceof Expr.StopGradient) {
            return false;
        }
        if (e instanceof Expr.Read r) {
            return activity.dependsOnVaried(r);
        }
        for (Expr c : Exprs.children(e)) {
            if (readsVaried(c)) {
                return true;
            }
        }
        return false;
    }

    /** The doubles a branch assigns that the loop carries from step to step (declared outside it), with the values. */
    private static Map<Var, List<Expr>> moved(List<Stmt> branch, Set<Var> declaredInLoop) {
        Map<Var, List<Expr>> out = new HashMap<>();
        for (Stmt s : Stmts.all(branch)) {
            if (s instanceof Stmt.Assign a && a.var().type.isDouble() && !declaredInLoop.contains(a.var())) {
                out.computeIfAbsent(a.var(), k -> new ArrayList<>()).add(a.value());
            }
            Stmts.exprs(s).forEach(e -> Exprs.postOrder(e, n -> {
                Var v = n instanceof Expr.Assignment x ? Exprs.var(x.target()) : null;
                if (v != null && v.type.isDouble() && !declaredInLoop.contains(v)) {
                    out.computeIfAbsent(v, k -> new ArrayList<>()).add(n);
                }
            }));
        }
        return out;
    }

    /** Whether {@code e} reads one of {@code ends}, directly or through what the loop computes from them. */
    private static boolean reaches(Expr e, Map<Var, Set<Var>> from, Set<Var> ends) {
        Set<Var> seen = new HashSet<>();
        List<Var> work = new ArrayList<>();
        Exprs.reads(e, work::add);
        while (!work.isEmpty()) {
            Var v = work.remove(work.size() - 1);
            if (!seen.add(v)) {
                continue;
            }
            if (ends.contains(v)) {
                return true;
            }
            work.addAll(from.getOrDefault(v, Set.of()));
        }
        return false;
    }

    private static List<Stmt> parts(Stmt.Loop l) {
        List<Stmt> parts = new ArrayList<>(l.init());
        parts.addAll(l.head());
        parts.addAll(l.body());
        parts.addAll(l.update());
        return parts;
    }

    /**
     * Whether {@code l} runs until a value it computes is below a small tolerance (in its
     * condition, or an {@code if} that leaves it), or counts to a constant of at least {@link #LONG}.
     */
    private boolean runsLong(Stmt.Loop l) {
        Set<Var> computed = new HashSet<>();
        for (Stmt s : Stmts.all(parts(l))) {
            Var target = Stmts.target(s);
            if (target != null) {
                computed.add(target);
            }
        }
        List<Expr> tests = new ArrayList<>();
        if (l.condition() != null) {
            tests.add(l.condition());
        }
        for (Stmt s : Stmts.all(l.body())) {
            if (s instanceof Stmt.If i && !i.then().isEmpty()
                    && (i.then().get(i.then().size() - 1) instanceof Stmt.Break
                            || i.then().get(i.then().size() - 1) instanceof Stmt.Return)) {
                tests.add(i.condition());
            }
        }
        boolean[] long_ = {false};
        for (Expr t : tests) {
            Exprs.postOrder(t, n -> long_[0] |= n instanceof Expr.Binary b && (stopsSmall(b, computed) || counts(b)));
        }
        return long_[0];
    }

    /** {@code i < 100}: a count compared with a constant of at least {@link #LONG}. */
    private static boolean counts(Expr.Binary b) {
        boolean less = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
        Object bound = b.right() instanceof Expr.Const c ? c.value() : null;
        return less && !b.left().type().isDouble() && bound instanceof Number n && !(bound instanceof Double)
                && n.longValue() >= LONG;
    }

    /** {@code hi - lo > 1e-12}: a value the loop computes compared with a small tolerance. */
    private boolean stopsSmall(Expr.Binary b, Set<Var> computed) {
        boolean ordered = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE || b.op() == Expr.BinaryOp.GT
                || b.op() == Expr.BinaryOp.GE;
        if (!ordered) {
            return false;
        }
        Expr measured = tolerance(b.right()) ? b.left() : tolerance(b.left()) ? b.right() : null;
        if (measured == null) {
            return false;
        }
        boolean[] moves = {false};
        Exprs.reads(measured, v -> moves[0] |= v.type.isDouble() && computed.contains(v));
        return moves[0];
    }

    /** A constant in (0, 1e-4], such a constant times something, or a double the method never assigns (passed in). */
    private boolean tolerance(Expr e) {
        Double c = Exprs.constant(e);
        if (c != null) {
            return c > 0 && c <= LARGEST_TOLERANCE;
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
            return tolerance(b.left()) || tolerance(b.right());
        }
        if (e instanceof Expr.StaticGet g) {
            return g.type().isDouble();
        }
        Var v = Exprs.var(e);
        return v != null && v.type.isDouble() && !assigned.contains(v);
    }
}
