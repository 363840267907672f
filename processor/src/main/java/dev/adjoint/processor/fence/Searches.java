package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.Tolerances;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
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
 * Refuses a loop that narrows a bracket by comparing differentiated values: bisection, a
 * golden-section search, Brent's method ({@code if (price(mid) > target) hi = mid; else lo = mid;}
 * until {@code hi - lo} is below a tolerance). Its result depends on the compared values only
 * through which end each step moves, so differentiating its steps gives 0 (an implied volatility's
 * derivative by the price) or the derivative of the bracket's start scaled down (a square root
 * found in [0, a]): never the root's, and with nothing to show it. One Newton step after the search
 * gives the root's derivative; the message says how.
 *
 * <p>Two shapes. An {@code if} whose test reads a differentiated value and whose two branches each
 * move a different variable the loop carries (an end) to the same new point, computed from the ends
 * alone (a midpoint), the test itself computed from them, in a loop that runs until a
 * value it computes is below a small tolerance or counts to at least {@link #LONG} or to a count
 * passed in, unless its condition also counts it to fewer steps ({@code && iter < 5}). Or a loop that
 * stops when the distance between two variables it moves under such tests ({@code |c - b|}) is
 * below a tolerance, however it moves them (Brent's method, whose last steps move b by the
 * tolerance or half the bracket). A loop that only branches on data, whose branches move the same
 * variable (a piecewise formula) or set an end to a value of its own, is not a search; nor is a
 * safeguarded Newton or secant iteration, or regula falsi, whose ends move to an iterate computed
 * from the differentiated values and which stops on the residual or the step: its derivative
 * converges to the root's as it does.
 *
 * <p>A loop as long that is neither, but narrows a bracket it carries in another form (a golden
 * section carrying its points, a ternary search, ends moved by {@code ?:} or inside
 * {@code Math.max}, a bracket in an array, a halving step or one computed from the counter), is found by {@link Brackets} and
 * reported at the loop.
 */
final class Searches {

    /** The fewest steps of a counted loop taken for a search: below it, a loop of a few branches. */
    static final int LONG = 20;

    private final Activity activity;
    private final Diagnostics diagnostics;
    /** What the method's loops may stop on. */
    private final Tolerances tolerances;

    /** The method's statements. */
    private final List<Stmt> body;

    private Searches(Activity activity, Diagnostics diagnostics, Tolerances tolerances, List<Stmt> body) {
        this.activity = activity;
        this.diagnostics = diagnostics;
        this.tolerances = tolerances;
        this.body = body;
    }

    /**
     * Reports each search loop of {@code body}: an error at its deciding test, or at its exit on the
     * bracket's width; a search in another form ({@link Brackets}) at the loop. The loops are taken
     * inner first for the other forms, and one around or inside a loop reported is not reported again.
     */
    static void check(List<Stmt> body, Activity activity, Diagnostics diagnostics) {
        Searches s = new Searches(activity, diagnostics, new Tolerances(body), body);
        List<Stmt.Loop> loops = new ArrayList<>();
        for (Stmt st : Stmts.all(body)) {
            if (st instanceof Stmt.Loop l) {
                loops.add(l);
            }
        }
        Set<Stmt.Loop> refused = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Stmt.Loop l : loops) {
            if (s.search(l)) {
                refused.add(l);
            }
        }
        for (int k = loops.size() - 1; k >= 0; k--) {
            Stmt.Loop l = loops.get(k);
            if (!refused.contains(l) && refused.stream().noneMatch(r -> nested(r, l) || nested(l, r))
                    && s.runsLong(l) && Brackets.narrows(l, body, activity)) {
                s.report(l.pos());
                refused.add(l);
            }
        }
    }

    /** Whether {@code inner} is a loop nested in {@code outer}. */
    private static boolean nested(Stmt.Loop outer, Stmt.Loop inner) {
        return Stmts.all(outer.body()).stream().anyMatch(x -> x == inner);
    }

    private void report(Position pos) {
        diagnostics.error(pos, Tag.AdjointSearchLoop, "this loop narrows a bracket by comparing differentiated values "
                + "until it is small (a bisection, a golden-section search, Brent's method): the result depends on "
                + "those values only through the choices, so its derivative would be 0 or that of the bracket's "
                + "start, not the root's. Search without derivatives (compare Adjoint.stopGradient values) and end "
                + "with one Newton step, root - g(root) / Adjoint.stopGradient(g'(root)) for the g whose zero it "
                + "finds: its derivative is the root's");
    }

    /** Reports {@code l} once if it is a search: at the test that moves an end, or at the exit on the bracket's width. */
    private boolean search(Stmt.Loop l) {
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
        Set<Var> chosen = new HashSet<>();
        boolean runsLong = runsLong(l);
        for (Stmt s : Stmts.all(l.body())) {
            if (!(s instanceof Stmt.If i) || !readsVaried(i.condition()) || guard(i.condition())) {
                continue;
            }
            Map<Var, List<Expr>> then = moved(i.then(), declared);
            Map<Var, List<Expr>> otherwise = moved(i.otherwise(), declared);
            chosen.addAll(then.keySet());
            chosen.addAll(otherwise.keySet());
            if (i.then().isEmpty() || i.otherwise().isEmpty() || !runsLong) {
                continue;
            }
            // hi = mid on one side, lo = mid on the other: each branch moves an end the other does not,
            // to a new point computed from the other end (mid from lo and hi), not a copy of an end
            Set<Var> ends = new HashSet<>();
            for (Map.Entry<Var, List<Expr>> a : then.entrySet()) {
                for (Map.Entry<Var, List<Expr>> b : otherwise.entrySet()) {
                    if (otherwise.containsKey(a.getKey()) || then.containsKey(b.getKey())) {
                        continue;
                    }
                    Set<Var> pair = Set.of(a.getKey(), b.getKey());
                    // the same new point either way (hi = mid, lo = mid); a golden section moves its ends to
                    // two points, and is found by its exit on the bracket's width below
                    boolean samePoint = a.getValue().stream().anyMatch(e -> b.getValue().stream()
                            .anyMatch(f -> Exprs.same(e, f)));
                    if (samePoint && a.getValue().stream().noneMatch(e -> copies(e, pair))
                            && b.getValue().stream().noneMatch(e -> copies(e, pair))
                            && a.getValue().stream().anyMatch(e -> reaches(e, from, Set.of(b.getKey())))
                            && b.getValue().stream().anyMatch(e -> reaches(e, from, Set.of(a.getKey())))
                            && a.getValue().stream().noneMatch(e -> carriesBesides(e, from, pair))
                            && b.getValue().stream().noneMatch(e -> carriesBesides(e, from, pair))) {
                        ends.add(a.getKey());
                        ends.add(b.getKey());
                    }
                }
            }
            if (!ends.isEmpty() && reaches(i.condition(), from, ends)) {
                report(i.pos() != null ? i.pos() : l.pos());
                return true;
            }
        }
        // Brent's method and its kind: the loop stops when the distance between two variables it moves
        // under tests of differentiated values is small (|c - b|, hi - lo), however it moves them
        Map<Var, Expr> once = new HashMap<>();
        for (Stmt s : Stmts.all(parts)) {
            Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            if (target != null) {
                once.put(target, once.containsKey(target) ? null : Stmts.value(s));
            }
        }
        for (Map.Entry<Expr, Position> exit : exits(l).entrySet()) {
            boolean[] width = {false};
            Exprs.postOrder(exit.getKey(), n -> {
                if (n instanceof Expr.Binary b && ordered(b)) {
                    width[0] |= narrows(b.left(), once, chosen, 0) && small(b.right(), once, 0)
                            || narrows(b.right(), once, chosen, 0) && small(b.left(), once, 0);
                }
            });
            if (width[0]) {
                report(exit.getValue() != null ? exit.getValue() : l.pos());
                return true;
            }
        }
        return false;
    }

    /**
     * An equality test ({@code if (V[5] != 0.0)}, SSJ's continued fraction guarding its division):
     * a guard, not a comparison that chooses which end of a bracket moves.
     */
    private static boolean guard(Expr condition) {
        return condition instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.EQ || b.op() == Expr.BinaryOp.NE);
    }

    /** The loop's exit tests (its condition, the tests of {@code if}s that leave it), each with where it is. */
    private static Map<Expr, Position> exits(Stmt.Loop l) {
        Map<Expr, Position> out = new java.util.LinkedHashMap<>();
        if (l.condition() != null) {
            out.put(l.condition(), l.pos());
        }
        for (Stmt s : Stmts.all(l.body())) {
            if (s instanceof Stmt.If i && !i.then().isEmpty()
                    && (i.then().get(i.then().size() - 1) instanceof Stmt.Break
                            || i.then().get(i.then().size() - 1) instanceof Stmt.Return)) {
                out.put(i.condition(), i.pos());
            }
        }
        return out;
    }

    /**
     * Whether {@code e} is a tolerance: it holds a constant in (0, 1e-4], a local declared with one,
     * a parameter or a field ({@code 2 * EPS * Math.abs(b) + 0.5 * tol}), or is a variable the loop
     * assigns once such a value ({@code tol1}).
     */
    private boolean small(Expr e, Map<Var, Expr> once, int depth) {
        if (depth > 4) {
            return false;
        }
        if (tolerances.direct(e)) {
            return true;
        }
        Var v = Exprs.var(e);
        if (v != null) {
            Expr value = once.containsKey(v) ? once.get(v) : tolerances.once(v);
            return value != null && small(value, once, depth + 1);
        }
        for (Expr c : Exprs.children(e)) {
            if (small(c, once, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ordered(Expr.Binary b) {
        return b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE || b.op() == Expr.BinaryOp.GT
                || b.op() == Expr.BinaryOp.GE;
    }

    /**
     * Whether {@code e} is the distance between two variables of {@code chosen} (declared before the
     * loop, moved under tests of differentiated values): {@code hi - lo}, {@code Math.abs(c - b)},
     * {@code 0.5 * (c - b)}, or a variable the loop assigns once such a value ({@code xm}).
     */
    private static boolean narrows(Expr e, Map<Var, Expr> once, Set<Var> chosen, int depth) {
        if (depth > 4) {
            return false;
        }
        if (e instanceof Expr.MathCall m && m.function() == dev.adjoint.processor.ir.MathFunction.ABS) {
            return narrows(m.args().get(0), once, chosen, depth + 1);
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
            return narrows(u.operand(), once, chosen, depth + 1);
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
            return b.left() instanceof Expr.Const && narrows(b.right(), once, chosen, depth + 1)
                    || b.right() instanceof Expr.Const && narrows(b.left(), once, chosen, depth + 1);
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.SUB) {
            Var x = Exprs.var(b.left());
            Var y = Exprs.var(b.right());
            return x != null && y != null && x != y && chosen.contains(x) && chosen.contains(y);
        }
        Var v = Exprs.var(e);
        Expr value = v == null ? null : once.get(v);
        return value != null && narrows(value, once, chosen, depth + 1);
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

    /**
     * Whether {@code e} reads a differentiated value other than through the two {@code ends}: a
     * Newton or secant step ({@code x - f / f'}, f computed from the parameter; regula falsi's
     * interpolation of the function's values at the ends) carries the root's derivative, and the
     * loop converges to it; a midpoint or a golden section of the ends alone does not.
     */
    private boolean carriesBesides(Expr e, Map<Var, Set<Var>> from, Set<Var> ends) {
        Set<Var> seen = new HashSet<>();
        List<Var> work = new ArrayList<>();
        Exprs.reads(e, work::add);
        while (!work.isEmpty()) {
            Var v = work.remove(work.size() - 1);
            if (!seen.add(v) || ends.contains(v)) {
                continue; // what an end holds is the search's own
            }
            if (!from.containsKey(v)) {
                if (activity.isVaried(v)) {
                    return true; // a parameter, or a value from before the loop, that carries a derivative
                }
                continue;
            }
            work.addAll(from.get(v));
        }
        return false;
    }

    /** Whether {@code e} is a plain read of one of {@code ends}: a copy, not a new point. */
    private static boolean copies(Expr e, Set<Var> ends) {
        Var v = Exprs.var(e);
        return v != null && ends.contains(v);
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
     * condition, or an {@code if} that leaves it), or counts to a constant of at least {@link #LONG};
     * not when its condition also bounds it to fewer steps ({@link #countedShort}).
     */
    private boolean runsLong(Stmt.Loop l) {
        if (countedShort(l)) {
            return false;
        }
        Set<Var> computed = new HashSet<>();
        for (Stmt s : Stmts.all(parts(l))) {
            Var target = Stmts.target(s);
            if (target != null) {
                computed.add(target);
            }
        }
        boolean[] found = {false};
        for (Expr t : exits(l).keySet()) {
            Exprs.postOrder(t, n -> found[0] |= n instanceof Expr.Binary b && (stopsSmall(b, computed) || counts(b)
                    || countsOtherwise(b, l)));
        }
        return found[0];
    }

    /** {@code i < 100}, {@code i < iterations}: a count compared with a constant of at least {@link #LONG} or a variable. */
    private static boolean counts(Expr.Binary b) {
        boolean less = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
        if (!less || b.left().type().isDouble() || b.right().type().isDouble()) {
            return false;
        }
        // a count passed in (bisect(lo, hi, iterations)) may be long: only a small constant is short
        Object bound = b.right() instanceof Expr.Const c ? c.value() : null;
        return bound == null || bound instanceof Number n && n.longValue() >= LONG;
    }

    /**
     * A count {@link #counts} does not see: an int counted down to a limit ({@code for (i = 60; i > 0;
     * i--)}) or a double counted up ({@code for (double k = 0; k < 60; k++)}), by at least
     * {@link #LONG} steps from a constant start, or from a start or to a limit not constant.
     */
    private boolean countsOtherwise(Expr.Binary b, Stmt.Loop l) {
        boolean up = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
        boolean down = b.op() == Expr.BinaryOp.GT || b.op() == Expr.BinaryOp.GE;
        Var v = Exprs.var(b.left());
        if (v == null || !(up && v.type.isDouble() || down && !v.type.isDouble() && !b.right().type().isDouble())
                || direction(l, v) != (up ? 1 : -1)) {
            return false;
        }
        Double start = start(l, v);
        Double limit = Exprs.constant(b.right());
        return start == null || limit == null || Math.abs(limit - start) >= LONG;
    }

    /** +1 when every write of {@code v} in {@code l} adds a positive constant to it, -1 when each subtracts one, else 0. */
    static int direction(Stmt.Loop l, Var v) {
        List<Expr> values = new ArrayList<>();
        for (Stmt s : Stmts.all(parts(l))) {
            if (Stmts.target(s) == v && !l.init().contains(s)) {
                values.add(s instanceof Stmt.Assign ? Stmts.value(s) : null);
            }
        }
        List<Expr> exprs = new ArrayList<>();
        Stmts.forEachExpr(parts(l), exprs::add);
        if (l.condition() != null) {
            exprs.add(l.condition());
        }
        exprs.forEach(e -> Exprs.postOrder(e, n -> {
            if (n instanceof Expr.Assignment a && Exprs.var(a.target()) == v) {
                values.add(a.op() != null ? new Expr.Binary(a.op(), a.target(), a.value(), a.type(), null) : a.value());
            }
        }));
        int sign = 0;
        for (Expr value : values) {
            Expr.Binary b = value instanceof Expr.Binary x && Exprs.var(x.left()) == v ? x : null;
            Double by = b == null ? null : Exprs.constant(b.right());
            int step = 0;
            if (by != null && by != 0 && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
                step = (b.op() == Expr.BinaryOp.ADD) == (by > 0) ? 1 : -1;
            }
            if (step == 0 || sign != 0 && step != sign) {
                return 0;
            }
            sign = step;
        }
        return sign;
    }

    /** {@code hi - lo > 1e-12}: a value the loop computes compared with a small tolerance. */
    private boolean stopsSmall(Expr.Binary b, Set<Var> computed) {
        if (!ordered(b)) {
            return false;
        }
        Expr measured = tolerances.direct(b.right()) ? b.left() : tolerances.direct(b.left()) ? b.right() : null;
        if (measured == null) {
            return false;
        }
        boolean[] moves = {false};
        Exprs.reads(measured, v -> moves[0] |= v.type.isDouble() && computed.contains(v));
        return moves[0];
    }

    /**
     * Whether a part of {@code l}'s condition joined by {@code &&} bounds it to fewer than {@link #LONG}
     * steps: it compares a counter with a constant ({@code iter < 1}, {@code ++n <= 5}), the counter
     * starting from a constant (declared so, and written nowhere else outside the loop) and counted up
     * by the loop at every step (in its update or condition, or a statement of its body that no
     * {@code continue} skips), and by nothing else.
     */
    private boolean countedShort(Stmt.Loop l) {
        List<Expr> parts = new ArrayList<>();
        conjuncts(l.condition(), parts);
        for (Expr part : parts) {
            if (!(part instanceof Expr.Binary b)) {
                continue;
            }
            boolean upTo = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
            boolean downTo = b.op() == Expr.BinaryOp.GT || b.op() == Expr.BinaryOp.GE;
            Expr count = upTo ? b.left() : b.right();
            Expr limit = upTo ? b.right() : b.left();
            Var counter = count instanceof Expr.Assignment a ? Exprs.var(a.target()) : Exprs.var(count);
            Double bound = limit instanceof Expr.Const c && c.value() instanceof Number ? Exprs.constant(limit) : null;
            if (!(upTo || downTo) || counter == null || bound == null || counter.type.isDouble()
                    || count instanceof Expr.Assignment a && countUp(a, counter) == 0) {
                continue;
            }
            Double start = start(l, counter);
            boolean inclusive = b.op() == Expr.BinaryOp.LE || b.op() == Expr.BinaryOp.GE;
            if (start != null && countedEveryStep(l, counter, count instanceof Expr.Assignment)
                    && bound - start + (inclusive ? 1 : 0) + (l.doWhile() ? 1 : 0) < LONG) {
                return true;
            }
        }
        return false;
    }

    private static void conjuncts(Expr e, List<Expr> out) {
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.CAND) {
            conjuncts(b.left(), out);
            conjuncts(b.right(), out);
        } else if (e != null) {
            out.add(e);
        }
    }

    /** How much {@code e} counts {@code counter} up ({@code i++}, {@code i += 2}, {@code i = i + 1}), or 0. */
    private static double countUp(Expr e, Var counter) {
        Expr value = e instanceof Expr.Assignment a && a.op() != null
                ? new Expr.Binary(a.op(), a.target(), a.value(), a.type(), null)
                : e instanceof Expr.Assignment a ? a.value() : e;
        if (!(value instanceof Expr.Binary b) || Exprs.var(b.left()) != counter) {
            return 0;
        }
        Double by = Exprs.constant(b.right());
        if (by == null) {
            return 0;
        }
        return b.op() == Expr.BinaryOp.ADD ? Math.max(by, 0) : b.op() == Expr.BinaryOp.SUB ? Math.max(-by, 0) : 0;
    }

    /**
     * Whether every write of {@code counter} in {@code l} counts it up, one at every step: in the
     * condition ({@code inCondition}), the update, or a statement of the body or head no {@code continue} skips.
     */
    private static boolean countedEveryStep(Stmt.Loop l, Var counter, boolean inCondition) {
        boolean[] ok = {true};
        List<Stmt> parts = parts(l);
        for (Stmt s : Stmts.all(parts)) {
            if (s instanceof Stmt.Declare d && d.var() == counter && !l.init().contains(s)
                    || s instanceof Stmt.Assign a && a.var() == counter && countUp(a.value(), counter) == 0) {
                return false;
            }
        }
        List<Expr> exprs = new ArrayList<>();
        Stmts.forEachExpr(parts, exprs::add);
        if (l.condition() != null) {
            exprs.add(l.condition());
        }
        exprs.forEach(e -> Exprs.postOrder(e, n -> ok[0] &= !(n instanceof Expr.Assignment a
                && Exprs.var(a.target()) == counter && countUp(a, counter) == 0)));
        if (!ok[0]) {
            return false;
        }
        boolean skipped = Stmts.all(l.body()).stream().anyMatch(s -> s instanceof Stmt.Continue);
        List<Stmt> every = new ArrayList<>(l.update());
        if (!skipped) {
            every.addAll(l.body());
            every.addAll(l.head());
        }
        return inCondition || every.stream().anyMatch(s -> s instanceof Stmt.Assign a && a.var() == counter
                || s instanceof Stmt.Eval e && e.expr() instanceof Expr.Assignment x && Exprs.var(x.target()) == counter);
    }

    /**
     * The constant {@code counter} starts from: its declaration in {@code l}'s header, or the one
     * declaration of the method's that gives it a constant, nothing outside the loop writing it again.
     */
    private Double start(Stmt.Loop l, Var counter) {
        Set<Stmt> inside = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        inside.addAll(Stmts.all(List.of(l)));
        inside.removeAll(l.init());
        Double start = null;
        int writes = 0;
        for (Stmt s : Stmts.all(body)) {
            if (inside.contains(s)) {
                continue;
            }
            if (Stmts.target(s) == counter) {
                writes++;
                start = s instanceof Stmt.Declare d && d.init() != null ? Exprs.constant(d.init()) : null;
            }
            for (Expr e : Stmts.exprs(s)) {
                if (Exprs.any(e, n -> n instanceof Expr.Assignment a && Exprs.var(a.target()) == counter)) {
                    writes += 2;
                }
            }
        }
        return writes == 1 ? start : null;
    }
}
