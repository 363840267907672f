package dev.adjoint.processor.normalize;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small local arrays as scalars: {@code double[] v = new double[6]; ... v[4] = b * v[2] - a * v[0];
 * for (i = 0; i < 4; i++) v[i] = v[i + 2];} becomes {@code double v0 = 0.0, ..., v5 = 0.0; ... v4 =
 * b * v2 - a * v0; v0 = v2; v1 = v3; v2 = v4; v3 = v5; i = 4;}.
 *
 * <p>A continued fraction that keeps its three-term recurrence in such an array (SSJ's {@code
 * GammaDist.barF}, Numerical Recipes' style) writes an array in its loop, so {@link Converge}
 * cannot run it on where it stops early. As scalars it can. Converge asks for it only for the
 * arrays of such a loop, and keeps the result only when more loops are then run on.
 *
 * <p>An array is made scalars when it is a local declared once, as {@code new T[k]} or an
 * initializer of k elements (k at most {@link #MOST_ELEMENTS}), never assigned another array,
 * and used only as {@code v[c]} (read, written, compound-assigned) and {@code v.length}, every
 * index a constant within it once the counted loops that index it are unrolled. A loop is
 * unrolled when it counts an {@code int} from a constant by a constant step to a constant bound
 * (at most {@link #MOST_STEPS} steps), its body does not write its counter and has no break or
 * continue, and it indexes such an array with its counter; its counter, when declared outside it,
 * is left with the value the loop would leave. Anything else keeps the array as it is.
 */
final class SmallArrays {

    /** The longest array made scalars. */
    static final int MOST_ELEMENTS = 16;
    /** The most steps of a loop unrolled. */
    static final int MOST_STEPS = 16;

    private SmallArrays() {}

    /** The body with some arrays as scalars, and each new variable's origin (the array, or the variable an unrolled copy repeats). */
    record Result(List<Stmt> body, Map<Var, Var> origins) {}

    /** {@code body} with those of {@code wanted} that can be made scalars as scalars; null when none can. */
    static Result scalars(List<Stmt> body, Set<Var> wanted) {
        if (Stmts.all(body).stream().anyMatch(s -> Stmts.exprs(s).stream()
                .anyMatch(e -> Exprs.any(e, n -> n instanceof Expr.SwitchExpr)))) {
            return null; // statements inside an expression: not walked here
        }
        Map<Var, Integer> lengths = new LinkedHashMap<>(); // in the order declared: the scalars are made in it
        Map<Var, Integer> declarations = new HashMap<>();
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d && wanted.contains(d.var())) {
                declarations.merge(d.var(), 1, Integer::sum);
                Integer k = length(d.init());
                if (k != null && k > 0 && k <= MOST_ELEMENTS && d.var().type.isArray()
                        && d.var().type.component().isPrimitive() && d.var().role == Var.Role.LOCAL) {
                    lengths.put(d.var(), k);
                }
            }
        }
        lengths.keySet().removeIf(v -> declarations.get(v) != 1);
        // an array variable assigned another array has no one length: its length is no constant
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Assign a) {
                lengths.remove(a.var());
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Assignment x && Exprs.var(x.target()) != null) {
                        lengths.remove(Exprs.var(x.target()));
                    }
                });
            }
        }
        if (lengths.isEmpty()) {
            return null;
        }
        Map<Var, Var> origins = new HashMap<>();
        List<Stmt> unrolled = new Unroller(lengths, origins).block(body);
        Set<Var> bad = new HashSet<>();
        for (Stmt s : Stmts.all(unrolled)) {
            check(s, lengths, bad);
        }
        lengths.keySet().removeAll(bad);
        if (lengths.isEmpty()) {
            return null;
        }
        Map<Var, List<Var>> scalars = new LinkedHashMap<>();
        lengths.forEach((a, k) -> {
            List<Var> vs = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                Var v = new Var(a.name + j, a.type.component(), Var.Role.LOCAL);
                vs.add(v);
                origins.put(v, a);
            }
            scalars.put(a, vs);
        });
        return new Result(new Scalarizer(scalars, lengths).block(unrolled), origins);
    }

    /** The number of elements {@code init} makes, when a constant: {@code new T[k]} or an initializer. */
    private static Integer length(Expr init) {
        if (init instanceof Expr.NewArray n && n.dimensions().size() == 1) {
            return intValue(n.dimensions().get(0), Map.of());
        }
        return init instanceof Expr.ArrayLit l ? l.elements().size() : null;
    }

    /** Notes in {@code bad} each array of {@code lengths} that {@code s} uses otherwise than at a constant index within it. */
    private static void check(Stmt s, Map<Var, Integer> lengths, Set<Var> bad) {
        for (Expr e : s instanceof Stmt.ArrayWrite w ? List.of(w.index(), w.value()) : Stmts.exprs(s)) {
            checkExpr(e, lengths, bad);
        }
        // (an array assigned another array is out already; a for-each is a loop by now, Desugar's)
        if (s instanceof Stmt.ArrayWrite w && Exprs.var(w.array()) != null && lengths.containsKey(Exprs.var(w.array()))) {
            within(Exprs.var(w.array()), w.index(), lengths, bad);
        }
    }

    private static void checkExpr(Expr e, Map<Var, Integer> lengths, Set<Var> bad) {
        if (e instanceof Expr.ArrayRead r && Exprs.var(r.array()) != null && lengths.containsKey(Exprs.var(r.array()))) {
            within(Exprs.var(r.array()), r.index(), lengths, bad);
            checkExpr(r.index(), lengths, bad);
            return;
        }
        if (e instanceof Expr.Length l && Exprs.var(l.array()) != null) {
            return;
        }
        if (e instanceof Expr.Read r && lengths.containsKey(r.var())) {
            bad.add(r.var()); // the array itself: passed on, returned, aliased
            return;
        }
        for (Expr c : Exprs.children(e)) {
            checkExpr(c, lengths, bad);
        }
    }

    private static void within(Var array, Expr index, Map<Var, Integer> lengths, Set<Var> bad) {
        Integer i = intValue(index, lengths);
        if (i == null || i < 0 || i >= lengths.get(array)) {
            bad.add(array); // out of range, the original throws there
        }
    }

    /**
     * The value of an {@code int} expression of constants ({@code 0 + 2}, {@code v.length} of an
     * array of {@code lengths}), or null.
     */
    static Integer intValue(Expr e, Map<Var, Integer> lengths) {
        if (e instanceof Expr.Const c) {
            return c.value() instanceof Integer i ? i : null;
        }
        if (e instanceof Expr.Length l) {
            Var a = Exprs.var(l.array());
            return a == null ? null : lengths.get(a);
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
            Integer v = intValue(u.operand(), lengths);
            return v == null ? null : -v;
        }
        if (e instanceof Expr.Binary b && b.type().sameAs(JType.INT)) {
            Integer l = intValue(b.left(), lengths);
            Integer r = intValue(b.right(), lengths);
            if (l == null || r == null) {
                return null;
            }
            return switch (b.op()) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                default -> null;
            };
        }
        return null;
    }

    /** Unrolls the counted loops that index an array of {@code lengths} by their counter. */
    private record Unroller(Map<Var, Integer> lengths, Map<Var, Var> origins) {

        List<Stmt> block(List<Stmt> list) {
            List<Stmt> out = new ArrayList<>(list.size());
            for (Stmt s : list) {
                Stmt inner = Stmts.mapBlocks(s, this::block);
                List<Stmt> steps = inner instanceof Stmt.Loop l ? unrolled(l) : null;
                if (steps != null) {
                    out.addAll(steps);
                } else {
                    out.add(inner);
                }
            }
            return out;
        }

        /** The loop's steps one after the other, or null when it is not such a loop. */
        private List<Stmt> unrolled(Stmt.Loop l) {
            if (l.label() != null || l.doWhile() || !l.head().isEmpty() || l.init().size() != 1
                    || l.update().size() != 1 || l.condition() == null) {
                return null;
            }
            Stmt init = l.init().get(0);
            Var counter = init instanceof Stmt.Declare || init instanceof Stmt.Assign ? Stmts.target(init) : null;
            Integer from = counter == null ? null : intValue(Stmts.value(init), lengths);
            if (from == null || !counter.type.sameAs(JType.INT)) {
                return null;
            }
            Integer step = l.update().get(0) instanceof Stmt.Assign a && a.var() == counter
                    && a.value() instanceof Expr.Binary b && Exprs.var(b.left()) == counter
                    && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB) ? intValue(b.right(), lengths) : null;
            if (step == null || step == 0) {
                return null;
            }
            int by = ((Stmt.Assign) l.update().get(0)).value() instanceof Expr.Binary b && b.op() == Expr.BinaryOp.SUB
                    ? -step : step;
            if (!(l.condition() instanceof Expr.Binary c) || Exprs.var(c.left()) != counter) {
                return null;
            }
            Integer bound = intValue(c.right(), lengths);
            if (bound == null || !indexes(l.body(), counter) || !plain(l.body(), counter) || !Stmts.completes(l.body())) {
                return null;
            }
            List<Integer> values = new ArrayList<>();
            int v = from;
            while (holds(c.op(), v, bound)) {
                if (values.size() == MOST_STEPS) {
                    return null;
                }
                values.add(v);
                v += by;
            }
            List<Stmt> out = new ArrayList<>();
            for (int value : values) {
                List<Stmt> copy = Rename.replace(l.body(), e -> Exprs.var(e) == counter
                        ? new Expr.Const(value, JType.INT, e.pos()) : null);
                Map<Var, Var> fresh = new HashMap<>();
                for (Stmt s : Stmts.all(copy)) {
                    if (s instanceof Stmt.Declare d) {
                        Var f = d.var().copy();
                        fresh.put(d.var(), f);
                        origins.put(f, origins.getOrDefault(d.var(), d.var()));
                    }
                }
                out.addAll(Rename.replace(Rename.substitute(copy, fresh), SmallArrays::folded));
            }
            if (init instanceof Stmt.Assign) {
                // the counter is the method's: it keeps the value the loop leaves in it
                out.add(new Stmt.Assign(counter, Expr.Const.ofInt(v), null, null));
            }
            return out;
        }

        private static boolean holds(Expr.BinaryOp op, int v, int bound) {
            return switch (op) {
                case LT -> v < bound;
                case LE -> v <= bound;
                case GT -> v > bound;
                case GE -> v >= bound;
                case NE -> v != bound;
                default -> false;
            };
        }

        /** Whether {@code body} indexes an array of {@code lengths} by an expression of {@code counter}. */
        private boolean indexes(List<Stmt> body, Var counter) {
            boolean[] found = {false};
            for (Stmt s : Stmts.all(body)) {
                if (s instanceof Stmt.ArrayWrite w && lengths.containsKey(Exprs.var(w.array()))
                        && Exprs.readsVar(w.index(), counter)) {
                    found[0] = true;
                }
                for (Expr e : Stmts.exprs(s)) {
                    found[0] |= Exprs.any(e, n -> n instanceof Expr.ArrayRead r && lengths.containsKey(Exprs.var(r.array()))
                            && Exprs.readsVar(r.index(), counter));
                }
            }
            return found[0];
        }

        /**
         * Whether {@code body} leaves the loop only by its end (or a return or throw that may not be
         * taken: the caller asks that it can complete), and never writes {@code counter}.
         */
        private static boolean plain(List<Stmt> body, Var counter) {
            for (Stmt s : Stmts.all(body)) {
                if (s instanceof Stmt.Break || s instanceof Stmt.Continue || Stmts.target(s) == counter
                        || s instanceof Stmt.Block b && b.label() != null) {
                    return false;
                }
                for (Expr e : Stmts.exprs(s)) {
                    if (Exprs.any(e, n -> n instanceof Expr.Assignment x && Exprs.var(x.target()) == counter)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /** {@code e} with an {@code int} expression of constants as its value ({@code 0 + 2} as {@code 2}); null to keep it. */
    private static Expr folded(Expr e) {
        if (e instanceof Expr.Binary b && b.type().sameAs(JType.INT)) {
            Integer v = intValue(b, Map.of());
            return v == null ? null : new Expr.Const(v, JType.INT, b.pos());
        }
        return null;
    }

    /** Replaces the arrays by their scalars. */
    private record Scalarizer(Map<Var, List<Var>> scalars, Map<Var, Integer> lengths) {

        List<Stmt> block(List<Stmt> list) {
            List<Stmt> out = new ArrayList<>(list.size());
            for (Stmt s : list) {
                if (s instanceof Stmt.Declare d && scalars.containsKey(d.var())) {
                    List<Var> vs = scalars.get(d.var());
                    for (int j = 0; j < vs.size(); j++) {
                        Expr init = d.init() instanceof Expr.ArrayLit l ? expr(l.elements().get(j))
                                : Exprs.defaultValue(vs.get(j).type);
                        out.add(new Stmt.Declare(vs.get(j), init, j == 0 ? d.pos() : null, j == 0 ? d.source() : null));
                    }
                    continue;
                }
                Stmt inner = Stmts.mapBlocks(s, this::block);
                if (inner instanceof Stmt.ArrayWrite w && scalars.containsKey(Exprs.var(w.array()))) {
                    out.add(new Stmt.Assign(scalar(w.array(), w.index()), expr(w.value()), w.pos(), w.source()));
                } else {
                    out.add(Rename.replace(List.of(inner), this::replaced).get(0));
                }
            }
            return out;
        }

        private Var scalar(Expr array, Expr index) {
            return scalars.get(Exprs.var(array)).get(intValue(index, lengths));
        }

        private Expr expr(Expr e) {
            Expr r = replaced(e);
            return r != null ? r : Exprs.map(e, this::expr);
        }

        /** The scalar for an element, the length for {@code v.length}; null to keep {@code e} (and look inside). */
        private Expr replaced(Expr e) {
            if (e instanceof Expr.ArrayRead r && scalars.containsKey(Exprs.var(r.array()))) {
                return new Expr.Read(scalar(r.array(), r.index()), r.pos());
            }
            if (e instanceof Expr.Length l && scalars.containsKey(Exprs.var(l.array()))) {
                return new Expr.Const(scalars.get(Exprs.var(l.array())).size(), JType.INT, l.pos());
            }
            return null;
        }
    }
}

