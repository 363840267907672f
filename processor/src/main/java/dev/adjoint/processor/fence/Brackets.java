package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search in whatever form its steps take ({@link Searches} knows the textbook ones by their
 * shape): a golden section that carries its two inner points from step to step
 * ({@code if (fc < fd) hi = d; else lo = c;}, then c and d computed again), a ternary search
 * ({@code hi = m2} or {@code lo = m1}), ends moved by {@code ?:} ({@code hi = above ? mid : hi})
 * or inside {@code Math.max}/{@code Math.min} ({@code lo = Math.max(lo, s < 0 ? mid : lo)}), a
 * bracket held in an array ({@code br[g(mid) > 0 ? 1 : 0] = mid}), a point moved by a step that
 * halves ({@code x += g(x) > 0 ? -step : step; step *= 0.5;}) or that the loop computes from its
 * counter ({@code double step = Math.scalb(1.0, -i)}, {@code 1.0 / (i + 1)}: {@link CounterSteps}).
 *
 * <p>What makes each a search, and loses its result's derivative: the loop carries doubles (the
 * bracket: declared before it, assigned in it) that get no derivative from its steps, since every
 * value it gives them is computed from the bracket, its counters and constants (a differentiated
 * value reaches them only through a test: an {@code if}'s, a {@code ?:}'s, an array index, a
 * {@code Math.signum}); its result is the part of the bracket read after the loop, or returned from
 * it, and the ends its values come from; it moves one of these to a point read from another end, or
 * by a step computed from its counters that falls as they count (not to data, not by a constant),
 * on a test that reads an end and a differentiated value from elsewhere; and the interval narrows,
 * some value it gives the result being computed from two ends, a step scaled down or such a counted
 * step ({@code mid = 0.5 * (lo + hi)}, {@code step *= 0.5}). A variable the loop gives nothing but
 * constants ({@code a = 1.0}) is no end: a point read from it moves to a constant, a test of it
 * tests a constant. The loop runs long (as {@link Searches} says: a condition that also counts to
 * fewer than {@link Searches#LONG} steps, {@code && iter < 5}, makes it short). So the result
 * converges to a point that moves with the differentiated values, while its derivative is that of
 * the bracket's start.
 *
 * <p>Not searches: a count of values past a differentiated threshold ({@code count += 1} moves to
 * nothing but itself), a maximum or minimum (its values are data or carry derivatives), a grid
 * search (its point moves by a fixed step, {@code x = lo + i * h}, nothing narrows: its result is
 * constant between grid points, as its derivative says), a Newton or secant iteration or a series
 * (their values carry derivatives, whatever counted weights {@code 1.0 / (i + 1)} multiply them), an
 * integrator's time {@code t = i * dt}, a loop left early when a differentiated value crosses a
 * limit (no choice moves a bracket).
 */
final class Brackets {

    private final Activity activity;
    /** The variables the loop declares: its own temporaries (mid, m1, fc), not carried from step to step. */
    private final Set<Var> local = new HashSet<>();
    /** Every value the loop gives each variable (an array: the values of its elements). */
    private final Map<Var, List<Expr>> values = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    /** The steps the loop computes from its counters alone. */
    private CounterSteps steps;

    /**
     * A value the loop gives {@code var} (at {@code index} for an array, else null) under the tests
     * of the {@code if}s and {@code switch}es around it.
     */
    private record Write(Var var, Expr value, Expr index, List<Expr> tests) {}

    private Brackets(Activity activity) {
        this.activity = activity;
    }

    /** Whether {@code l}, a loop of {@code body}, narrows a bracket by tests of differentiated values. */
    static boolean narrows(Stmt.Loop l, List<Stmt> body, Activity activity) {
        Brackets b = new Brackets(activity);
        List<Stmt> parts = new ArrayList<>(l.init());
        parts.addAll(l.head());
        parts.addAll(l.body());
        parts.addAll(l.update());
        // what the loop's own header declares carries from one iteration to the next (for (double step = 4; ...)):
        // not a local of an iteration
        Set<Stmt> header = Collections.newSetFromMap(new IdentityHashMap<>());
        header.addAll(l.init());
        for (Stmt s : Stmts.all(parts)) {
            if (s instanceof Stmt.Declare d && !header.contains(s)) {
                b.local.add(d.var());
            } else if (s instanceof Stmt.ForEach f) {
                b.local.add(f.var());
            }
        }
        b.walk(parts, List.of());
        if (l.condition() != null) {
            b.assignments(l.condition(), List.of());
        }
        if (b.walks(l, body)) {
            return true;
        }
        Set<Var> bracket = b.bracket();
        if (bracket.isEmpty()) {
            return false;
        }
        b.steps = new CounterSteps(b.values, b.local, activity, body);
        Set<Var> result = b.result(l, body, bracket);
        return !result.isEmpty() && b.moves(bracket, result) && b.narrowing(bracket, result);
    }

    /**
     * A point walked by steps chosen on a test of itself and a differentiated value, whose size
     * changes as the loop counts: {@code x += x * x > a ? -h / (1L << i) : h / (1L << i)}, a step
     * read from a table by the counter, a helper's of the counter, a Robbins–Monro {@code 1.0 / (i +
     * 1)}. A search by steps, whatever they are computed from: a step scaled by a differentiated
     * value (h) carries its derivative, but a's is lost to the choices. A step of one size walks a
     * grid, and a test that does not read the point (an alternating series' sign) chooses no way.
     */
    private boolean walks(Stmt.Loop l, List<Stmt> body) {
        Set<Var> counters = counters(l);
        for (Write w : writes) {
            Var x = w.var();
            Expr step = w.index() == null && !local.contains(x) && x.type.isDouble() ? stepOf(w) : null;
            if (step != null && choosesIn(step, Set.of(x), new HashSet<>()) && counted(step, counters, new HashSet<>())
                    && !result(l, body, Set.of(x)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** What {@code x += e}, {@code x = x - e} or {@code x = e + x} adds to x; else null. */
    private static Expr stepOf(Write w) {
        if (w.value() instanceof Expr.Assignment a) {
            return a.op() == Expr.BinaryOp.ADD || a.op() == Expr.BinaryOp.SUB ? a.value() : null;
        }
        if (w.value() instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
            return Exprs.var(b.left()) == w.var() ? b.right()
                    : b.op() == Expr.BinaryOp.ADD && Exprs.var(b.right()) == w.var() ? b.left() : null;
        }
        return null;
    }

    /** The variables the loop counts: carried, each write adding a constant of one sign ({@link Searches#direction}). */
    private Set<Var> counters(Stmt.Loop l) {
        Set<Var> out = new HashSet<>();
        for (Var v : values.keySet()) {
            if (!local.contains(v) && Searches.direction(l, v) != 0) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether {@code e} reads a counter, directly or through what the loop computes from one. */
    private boolean counted(Expr e, Set<Var> counters, Set<Var> seen) {
        return Exprs.any(e, n -> n instanceof Expr.Read r && (counters.contains(r.var()) || local.contains(r.var())
                && seen.add(r.var()) && values.getOrDefault(r.var(), List.of()).stream()
                        .anyMatch(x -> counted(x, counters, seen))));
    }

    /** Records the writes of {@code list}, each with the tests it is under. */
    private void walk(List<Stmt> list, List<Expr> tests) {
        for (Stmt s : list) {
            if (s instanceof Stmt.Declare d && d.init() != null) {
                write(new Write(d.var(), d.init(), null, tests));
            } else if (s instanceof Stmt.Assign a) {
                write(new Write(a.var(), a.value(), null, tests));
            } else if (s instanceof Stmt.ArrayWrite w && Exprs.var(w.array()) != null) {
                write(new Write(Exprs.var(w.array()), w.value(), w.index(), tests));
            }
            if (!(s instanceof Stmt.Loop)) {
                Stmts.exprs(s).forEach(e -> assignments(e, tests));
            }
            if (s instanceof Stmt.If i && constant(i.condition()) != null) {
                walk(constant(i.condition()) ? i.then() : i.otherwise(), tests); // the other branch never runs
            } else if (s instanceof Stmt.If i) {
                List<Expr> inner = with(tests, i.condition());
                walk(i.then(), inner);
                walk(i.otherwise(), inner);
            } else if (s instanceof Stmt.Switch w) {
                List<Expr> inner = with(tests, w.selector());
                w.cases().forEach(c -> walk(c.body(), inner));
            } else if (s instanceof Stmt.Loop inner) {
                walk(inner.init(), tests);
                if (inner.condition() != null) {
                    assignments(inner.condition(), tests);
                }
                walk(inner.head(), tests);
                walk(inner.body(), tests);
                walk(inner.update(), tests);
            } else {
                Stmts.blocks(s).forEach(b -> walk(b, tests));
            }
        }
    }

    /**
     * The value of a test made of constants ({@code -0.75 < 0.1}, {@code x == b || true}), else null:
     * comparisons of two constants, and what {@code !}, {@code &&} and {@code ||} make of them.
     */
    private static Boolean constant(Expr e) {
        if (e instanceof Expr.Const c && c.value() instanceof Boolean b) {
            return b;
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT) {
            Boolean inner = constant(u.operand());
            return inner == null ? null : !inner;
        }
        if (!(e instanceof Expr.Binary b)) {
            return null;
        }
        if (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR) {
            boolean or = b.op() == Expr.BinaryOp.COR;
            Boolean left = constant(b.left());
            Boolean right = constant(b.right());
            if (Boolean.valueOf(or).equals(left) || Boolean.valueOf(or).equals(right)) {
                return or; // true || anything, anything && false (the sides assign nothing: the normal form's tests)
            }
            return left != null && right != null ? or ? left || right : left && right : null;
        }
        Double l = Exprs.constant(b.left());
        Double r = Exprs.constant(b.right());
        if (l == null || r == null) {
            return null;
        }
        return switch (b.op()) {
            case LT -> l < r;
            case LE -> l <= r;
            case GT -> l > r;
            case GE -> l >= r;
            case EQ -> l.doubleValue() == r.doubleValue();
            case NE -> l.doubleValue() != r.doubleValue();
            default -> null;
        };
    }

    /** Records the assignments inside {@code e} ({@code x += d} as an element, {@code ++n}). */
    private void assignments(Expr e, List<Expr> tests) {
        Exprs.postOrder(e, n -> {
            if (n instanceof Expr.Assignment a && a.target() instanceof Expr.Read r) {
                write(new Write(r.var(), a, null, tests));
            } else if (n instanceof Expr.Assignment a && a.target() instanceof Expr.ArrayRead r
                    && Exprs.var(r.array()) != null) {
                write(new Write(Exprs.var(r.array()), a, r.index(), tests));
            }
        });
    }

    private void write(Write w) {
        writes.add(w);
        values.computeIfAbsent(w.var(), k -> new ArrayList<>()).add(w.value());
    }

    private static List<Expr> with(List<Expr> tests, Expr test) {
        List<Expr> out = new ArrayList<>(tests);
        out.add(test);
        return out;
    }

    /**
     * The bracket: the doubles and double arrays the loop carries whose every value it computes from
     * the bracket itself and constants, a derivative flowing into none from elsewhere (the greatest
     * such set: a variable is dropped while a value of it carries one from outside what is left).
     */
    private Set<Var> bracket() {
        Set<Var> bracket = new HashSet<>();
        for (Var v : values.keySet()) {
            if (!local.contains(v) && v.type.isDifferentiable()) {
                bracket.add(v);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Var v : new ArrayList<>(bracket)) {
                if (values.get(v).stream().anyMatch(e -> carriesBesides(e, bracket, new HashSet<>()))) {
                    bracket.remove(v);
                    changed = true;
                }
            }
        }
        return bracket;
    }

    /**
     * Whether a derivative flows into {@code e} from something other than the {@code bracket}: a
     * differentiated value from before the loop, a variable the loop carries outside the bracket, a
     * helper's result that carries one; through the loop's temporaries, and never through a test.
     */
    private boolean carriesBesides(Expr e, Set<Var> bracket, Set<Var> seen) {
        boolean[] found = {false};
        Activity.carrying(e, n -> {
            if (found[0]) {
                return;
            }
            if (n instanceof Expr.Read r && r.var().type.isDifferentiable() && !bracket.contains(r.var())) {
                Var v = r.var();
                if (local.contains(v)) {
                    found[0] = seen.add(v) && values.getOrDefault(v, List.of()).stream()
                            .anyMatch(x -> carriesBesides(x, bracket, seen));
                } else {
                    found[0] = values.containsKey(v) || activity.isVaried(v);
                }
            } else if (n instanceof Expr.Call c && c.callee() instanceof Callee.Inline && activity.carries(c)) {
                found[0] = true;
            } else if (n instanceof Expr.SwitchExpr && activity.carries(n)) {
                found[0] = true;
            }
        });
        return found[0];
    }

    /**
     * Whether the loop moves an end of the {@code bracket} to a point read from another end on a test
     * of a differentiated value: a write in an {@code if} on such a test, a {@code ?:} on one in its
     * value, or an element chosen by one.
     */
    private boolean moves(Set<Var> bracket, Set<Var> result) {
        for (Write w : writes) {
            if (!result.contains(w.var())) {
                continue;
            }
            if (!chosen(w, bracket)) {
                continue;
            }
            Set<Object> ends = ends(w.value(), bracket);
            ends.remove(end(w.var(), w.index()));
            if (!ends.isEmpty() || steps.shrinks(w.value())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the loop gives {@code w}'s value on a test of a differentiated value: by an if, an index, a ?:. */
    private boolean chosen(Write w, Set<Var> bracket) {
        return w.tests().stream().anyMatch(t -> decides(t, bracket))
                || w.index() != null && decides(w.index(), bracket) || choosesIn(w.value(), bracket, new HashSet<>());
    }

    /**
     * Whether {@code e} holds a {@code ?:} on a test of a differentiated value, or a piecewise constant
     * function of one ({@code Math.signum}), or a temporary of the loop's does.
     */
    private boolean choosesIn(Expr e, Set<Var> bracket, Set<Var> seen) {
        if (e instanceof Expr.Cond c && decides(c.condition(), bracket)) {
            return true;
        }
        // x -= step * Math.signum(g(x)): a choice of direction by a function constant between its steps
        if (e instanceof Expr.MathCall m && m.function().piecewiseConstant
                && m.args().stream().anyMatch(a -> decides(a, bracket))) {
            return true;
        }
        if (e instanceof Expr.Read r && local.contains(r.var())) {
            return seen.add(r.var())
                    && values.getOrDefault(r.var(), List.of()).stream().anyMatch(x -> choosesIn(x, bracket, seen));
        }
        for (Expr c : Exprs.children(e)) {
            if (choosesIn(c, bracket, seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code test} compares a point of the {@code bracket} by a differentiated value: it reads
     * both, directly or through what the loop computes ({@code boolean above = g(mid, a) > 0}), the
     * differentiated value from outside the bracket and outside {@code Adjoint.stopGradient}. An
     * equality test is a guard ({@link Searches}), not a choice of an end; a test of a parameter
     * alone chooses the same way at every step.
     */
    private boolean decides(Expr test, Set<Var> bracket) {
        if (test instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.EQ || b.op() == Expr.BinaryOp.NE)) {
            return false;
        }
        return readsVaried(test, bracket, new HashSet<>()) && !ends(test, bracket).isEmpty();
    }

    private boolean readsVaried(Expr e, Set<Var> bracket, Set<Var> seen) {
        if (e instanceof Expr.StopGradient || e instanceof Expr.Length) {
            return false;
        }
        if (e instanceof Expr.Read r) {
            Var v = r.var();
            if (bracket.contains(v)) {
                return false;
            }
            if (!values.containsKey(v)) {
                return activity.isVaried(v);
            }
            // what the loop computes: a carried variable outside the bracket carries a derivative
            return !local.contains(v) && v.type.isDifferentiable() || seen.add(v)
                    && values.get(v).stream().anyMatch(x -> readsVaried(x, bracket, seen));
        }
        for (Expr c : Exprs.children(e)) {
            if (readsVaried(c, bracket, seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the interval narrows: a value the loop gives the {@code bracket} is computed from two of
     * its ends that the loop moves on choices ({@code lo + gr * (hi - lo)}; not a fixed-point step
     * {@code x = tanh(x) + 0.5 * (test ? y : c)} reading a y no choice moves), or scales a step down
     * ({@code step *= 0.5}, {@code x + step}).
     */
    private boolean narrowing(Set<Var> bracket, Set<Var> result) {
        // a step the loop scales down, bracket or not (for (double step = 4; ...; step /= 2) { ... x += step; })
        Set<Var> halving = new HashSet<>();
        for (Write w : writes) {
            if (shrinks(w)) {
                halving.add(w.var());
            }
        }
        // ends the loop moves on a choice (an element by its index, or any): a value from two of them is a
        // point between them
        Set<Object> chosen = new HashSet<>();
        for (Write w : writes) {
            if (bracket.contains(w.var()) && chosen(w, bracket)) {
                chosen.add(end(w.var(), w.index()));
            }
        }
        for (Write w : writes) {
            if (result.contains(w.var()) && (between(w.value(), bracket, chosen) || shrinks(w)
                    || Exprs.any(w.value(), n -> n instanceof Expr.Read r && halving.contains(r.var()))
                    || steps.shrinks(w.value()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} is a point between two ends moved on choices: an interpolation of them, its
     * weights summing to 1 ({@code 0.5 * (lo + hi)}, {@code lo + gr * (hi - lo)} whatever gr is), or
     * a mean of them through a function ({@code Math.sqrt(lo * hi)}); not a sum of them
     * ({@code y + v[1]}, which moves past both), nor a function of one added to another
     * ({@code Math.sin(y) + v[1]}).
     */
    private boolean between(Expr e, Set<Var> bracket, Set<Object> chosen) {
        if (ends(e, bracket).stream().filter(x -> movedOnChoice(x, chosen)).count() < 2) {
            return false;
        }
        Double sum = weights(e, bracket, new HashSet<>());
        if (sum == null) {
            return Exprs.any(e, n -> (n instanceof Expr.MathCall || n instanceof Expr.Call)
                    && ends(n, bracket).stream().filter(x -> movedOnChoice(x, chosen)).count() >= 2);
        }
        return sum.isNaN() || Math.abs(sum - 1) < 1e-9;
    }

    /**
     * The sum of the weights of the ends in {@code e}, a weighted sum of ends and values that are no
     * ends (through the loop's temporaries given one value): NaN where a weight is a value not known
     * here but the sum is not 0 ({@code k * (lo + hi)}); null where {@code e} is no weighted sum.
     */
    private Double weights(Expr e, Set<Var> bracket, Set<Var> seen) {
        if (ends(e, bracket).isEmpty()) {
            return 0.0;
        }
        if (e instanceof Expr.Read r && bracket.contains(r.var())
                || e instanceof Expr.ArrayRead a && Exprs.var(a.array()) != null && bracket.contains(Exprs.var(a.array()))) {
            return 1.0;
        }
        if (e instanceof Expr.Read r && local.contains(r.var()) && values.getOrDefault(r.var(), List.of()).size() == 1
                && seen.add(r.var())) {
            return weights(values.get(r.var()).get(0), bracket, seen);
        }
        if (e instanceof Expr.Cast c) {
            return weights(c.operand(), bracket, seen);
        }
        if (e instanceof Expr.Assignment a && a.op() == null) {
            return weights(a.value(), bracket, seen);
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
            Double inner = weights(u.operand(), bracket, seen);
            return inner == null ? null : -inner;
        }
        // a choice among points (above ? mid : hi, Math.max(lo, mid)): their weights, where they agree
        List<Expr> choices = e instanceof Expr.Cond c ? List.of(c.then(), c.otherwise())
                : e instanceof Expr.MathCall m && (m.function() == MathFunction.MAX || m.function() == MathFunction.MIN)
                ? m.args() : null;
        if (choices != null) {
            Double first = weights(choices.get(0), bracket, seen);
            Double second = weights(choices.get(1), bracket, seen);
            return first == null || second == null ? null : first.equals(second) ? first : Double.NaN;
        }
        if (!(e instanceof Expr.Binary b)) {
            return null;
        }
        Double l = weights(b.left(), bracket, seen);
        Double r = weights(b.right(), bracket, seen);
        if (l == null || r == null) {
            return null;
        }
        boolean leftFree = ends(b.left(), bracket).isEmpty();
        boolean rightFree = ends(b.right(), bracket).isEmpty();
        return switch (b.op()) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> leftFree ? scaled(r, Exprs.constant(b.left())) : rightFree ? scaled(l, Exprs.constant(b.right()))
                    : null;
            case DIV -> rightFree ? scaled(l, Exprs.constant(b.right()) == null ? null : 1 / Exprs.constant(b.right()))
                    : null;
            default -> null;
        };
    }

    /** A sum of weights scaled by a factor, known ({@code c}) or not (null: 0 stays 0, else NaN). */
    private static Double scaled(double sum, Double factor) {
        return factor != null ? sum * factor : sum == 0 ? 0.0 : Double.NaN;
    }

    /** Whether the end {@code e} is among the {@code chosen}: itself, or an element of an array moved at any index. */
    private static boolean movedOnChoice(Object e, Set<Object> chosen) {
        if (chosen.contains(e) || !(e instanceof List<?> element)) {
            return chosen.contains(e);
        }
        return chosen.contains(List.of(element.get(0), "any")) || "any".equals(element.get(1))
                && chosen.stream().anyMatch(c -> c instanceof List<?> l && l.get(0) == element.get(0));
    }

    /** {@code step *= 0.5}, {@code step = step / 2}: a variable scaled by a constant factor below 1 in size. */
    private static boolean shrinks(Write w) {
        Expr e = w.value() instanceof Expr.Assignment a && a.op() != null
                ? new Expr.Binary(a.op(), a.target(), a.value(), a.type(), null)
                : w.value();
        if (!(e instanceof Expr.Binary b) || w.index() != null) {
            return false;
        }
        Var left = Exprs.var(b.left());
        Double lc = Exprs.constant(b.left());
        Double rc = Exprs.constant(b.right());
        if (b.op() == Expr.BinaryOp.MUL) {
            return left == w.var() && rc != null && Math.abs(rc) < 1
                    || Exprs.var(b.right()) == w.var() && lc != null && Math.abs(lc) < 1;
        }
        return b.op() == Expr.BinaryOp.DIV && left == w.var() && rc != null && Math.abs(rc) > 1;
    }

    /**
     * The ends of the {@code bracket} {@code e} reads, directly or through what the loop computes
     * (its temporaries, the values it carries besides: a golden section's f1 and f2): a variable, or
     * an array's element (by its constant index, or any).
     */
    private Set<Object> ends(Expr e, Set<Var> bracket) {
        Set<Object> out = new HashSet<>();
        ends(e, bracket, out, new HashSet<>());
        return out;
    }

    private void ends(Expr e, Set<Var> bracket, Set<Object> out, Set<Var> seen) {
        if (e instanceof Expr.ArrayRead r && Exprs.var(r.array()) != null && bracket.contains(Exprs.var(r.array()))) {
            if (!fixed(Exprs.var(r.array()))) {
                out.add(end(Exprs.var(r.array()), r.index()));
            }
            ends(r.index(), bracket, out, seen);
            return;
        }
        if (e instanceof Expr.Length) {
            return;
        }
        if (e instanceof Expr.Read r) {
            if (bracket.contains(r.var())) {
                if (!fixed(r.var())) {
                    out.add(end(r.var(), null));
                }
            } else if (values.containsKey(r.var()) && seen.add(r.var())) {
                values.get(r.var()).forEach(x -> ends(x, bracket, out, seen));
            }
            return;
        }
        if (e instanceof Expr.Assignment a && a.op() == null) {
            ends(a.value(), bracket, out, seen);
            return;
        }
        for (Expr c : Exprs.children(e)) {
            ends(c, bracket, out, seen);
        }
    }

    /** An end: a variable, or an element of an array ({@code br[0]}; {@code br[k]} stands for any). */
    private static Object end(Var v, Expr index) {
        if (index == null) {
            return v;
        }
        Double at = Exprs.constant(index);
        return List.of(v, at == null ? "any" : at);
    }

    /**
     * Whether the loop gives {@code v} nothing but constants ({@code a = 1.0}): no end of a bracket,
     * which a point read from it would move to a constant.
     */
    private boolean fixed(Var v) {
        return values.getOrDefault(v, List.of()).stream().allMatch(x -> Exprs.constant(
                x instanceof Expr.Assignment a && a.op() == null ? a.value() : x) != null);
    }

    /**
     * The loop's result: the variables of the {@code bracket} a statement of {@code body} outside
     * {@code l} reads, or the ends a {@code return} inside it reads (through what the loop computes
     * from them), and the ends their values come from. What the loop moves outside it is no search's
     * result.
     */
    private Set<Var> result(Stmt.Loop l, List<Stmt> body, Set<Var> bracket) {
        Set<Stmt> inside = Collections.newSetFromMap(new IdentityHashMap<>());
        inside.add(l);
        inside.addAll(Stmts.all(List.of(l)));
        Set<Object> read = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            if (!inside.contains(s)) {
                // read directly: a value computed in the loop from the bracket besides (an adaptive
                // integrator's y, by its step h) is not taken for the point the bracket converges to
                Stmts.exprs(s).forEach(e -> Exprs.reads(e, v -> {
                    if (bracket.contains(v)) {
                        read.add(v);
                    }
                }));
            } else if (s instanceof Stmt.Return r && r.value() != null) {
                // return mid: through what the loop computes from the bracket
                ends(r.value(), bracket, read, new HashSet<>());
            }
        }
        Set<Var> out = new HashSet<>();
        List<Object> work = new ArrayList<>(read);
        while (!work.isEmpty()) {
            Object end = work.remove(work.size() - 1);
            Var v = end instanceof Var x ? x : (Var) ((List<?>) end).get(0);
            if (out.add(v)) {
                values.getOrDefault(v, List.of()).forEach(x -> work.addAll(ends(x, bracket)));
            }
        }
        return out;
    }
}
