package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Algebra;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The products of the reverse sweep, written as a careful hand-written adjoint writes them: the
 * adjoint times the partial derivative, {@code _d_y * (t2 * t2 * 0.2316419)}, and the partial
 * derivative from values the forward sweep already has.
 *
 * <ul>
 *   <li><b>The adjoint last.</b> Once the clean-up has put single-use names back, a term reads
 *       {@code _d_y * a * b * c}: evaluated from the left, every multiplication waits for the
 *       adjoint, which arrives last, at the end of a chain through the whole reverse sweep. As
 *       {@code _d_y * (a * b * c)} the partial derivative is computed from forward values while the
 *       adjoint is still on its way, and the adjoint's path has one multiplication per term.</li>
 *   <li><b>Products the forward sweep made.</b> Among the partial derivative's factors, those a
 *       product of the forward sweep multiplied ({@code double _t16 = k * _t15;}) are read from its
 *       variable instead: {@code _d_y * (k * _t15)} is {@code _d_y * _t16}, one multiplication
 *       fewer. A variable counts only while it holds that product: it and the variables it
 *       multiplies are defined once, and its declaration is in scope where the term is.</li>
 *   <li>Constant factors are multiplied once, here.</li>
 * </ul>
 *
 * <p>This changes how a derivative's products are associated, so it may change a gradient's last
 * bits (as a hand-written adjoint's order of operations would); never the primal's value: only
 * products with an adjoint among their factors are touched, and the forward sweep has none.
 */
final class Products {

    private final Var seed;
    private final Map<Var, Integer> definitions = new HashMap<>();
    private boolean changed;

    private Products(Var seed) {
        this.seed = seed;
    }

    /**
     * {@code body} with its reverse sweep's products rewritten; the same list when nothing changes.
     * A parameter counts as defined once on entry: one the body assigns is not "defined once".
     */
    static List<Stmt> run(List<Stmt> body, List<MethodIr.Param> params, Var seed) {
        Products p = new Products(seed);
        params.forEach(param -> p.definitions.put(param.var(), 1));
        Stmts.forEach(body, p::countDefinitions);
        List<Stmt> out = p.walk(body, new ArrayList<>());
        return p.changed ? out : body;
    }

    /**
     * An adjoint scaled, then given the old adjoint times a partial: {@code double _d_t1 = _d_x;
     * ...; _d_x *= 0.5; _d_x += _d_t1 * Math.cos(x);}, the reverse sweep of {@code x = Math.sin(x) +
     * 0.5 * x}, becomes {@code _d_x *= 0.5 + Math.cos(x);}, one multiplication on the adjoint's path
     * where there were two and an addition, as a hand-written adjoint multiplies by the derivative
     * once. Only when nothing between the copy and the scaling writes either variable and the copy
     * is read nowhere else. (The adjoint is reassociated; the primal's value is not touched.)
     */
    static List<Stmt> factor(List<Stmt> body) {
        Map<Var, Integer> reads = new HashMap<>();
        Stmts.forEachExpr(body, e -> Exprs.reads(e, v -> reads.merge(v, 1, Integer::sum)));
        // a copy written after its declaration is not a copy to drop: count its writes as reads
        for (Stmt s : Stmts.all(body)) {
            Var target = s instanceof Stmt.Accumulate a ? Exprs.var(a.target()) : Stmts.target(s);
            if (target != null && !(s instanceof Stmt.Declare)) {
                reads.merge(target, 1, Integer::sum);
            }
        }
        return factor(body, reads);
    }

    private static List<Stmt> factor(List<Stmt> list, Map<Var, Integer> reads) {
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            out.add(Stmts.mapBlocks(s, inner -> factor(inner, reads)));
        }
        for (int k = 1; k + 1 < out.size(); k++) {
            if (!(out.get(k) instanceof Stmt.Assign a && a.var().type.isDouble() && a.value() instanceof Expr.Binary m
                    && m.op() == Expr.BinaryOp.MUL && isRead(m.left(), a.var())
                    && out.get(k + 1) instanceof Stmt.Accumulate acc && isRead(acc.target(), a.var())
                    && acc.delta() instanceof Expr.Binary d && d.op() == Expr.BinaryOp.MUL
                    && d.left() instanceof Expr.Read copy && reads.getOrDefault(copy.var(), 0) == 1)) {
                continue;
            }
            Var v = a.var();
            Var t = copy.var();
            int j = k - 1;
            while (j >= 0 && !(out.get(j) instanceof Stmt.Declare decl && decl.var() == t)) {
                j--;
            }
            if (j < 0 || !(out.get(j) instanceof Stmt.Declare decl && isRead(decl.init(), v))
                    || Exprs.readsVar(m.right(), v) || Exprs.readsVar(m.right(), t) || Exprs.readsVar(d.right(), v)
                    || Exprs.readsVar(d.right(), t) || writes(out.subList(j + 1, k), v, t)) {
                continue;
            }
            Expr partial = new Expr.Binary(Expr.BinaryOp.ADD, m.right(), d.right(), JType.DOUBLE, null);
            out.set(k, new Stmt.Assign(v, new Expr.Binary(Expr.BinaryOp.MUL, new Expr.Read(v), partial, JType.DOUBLE,
                    null), a.pos(), a.source()));
            out.remove(k + 1);
            out.remove(j);
            k--;
        }
        return out;
    }

    private static boolean isRead(Expr e, Var v) {
        return e instanceof Expr.Read r && r.var() == v;
    }

    /** Whether a statement of {@code list}, at any depth, writes {@code v} or {@code t}. */
    private static boolean writes(List<Stmt> list, Var v, Var t) {
        for (Stmt s : Stmts.all(list)) {
            Var target = s instanceof Stmt.Accumulate a ? Exprs.var(a.target()) : Stmts.target(s);
            if (target == v || target == t) {
                return true;
            }
            for (Expr e : Stmts.exprs(s)) {
                if (Exprs.any(e, n -> n instanceof Expr.Assignment x && (isRead(x.target(), v) || isRead(x.target(), t)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A product of the forward sweep: its variable and its factors (variables and constants). */
    private record Made(Var var, List<Expr> factors) {}

    private void countDefinitions(Stmt s) {
        Var target = s instanceof Stmt.Declare d && d.init() == null ? null
                : s instanceof Stmt.Accumulate a ? Exprs.var(a.target()) : Stmts.target(s);
        if (target != null) {
            definitions.merge(target, 1, Integer::sum);
        }
        for (Expr e : Stmts.exprs(s)) {
            Exprs.postOrder(e, n -> {
                if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                    definitions.merge(Exprs.var(a.target()), 2, Integer::sum); // never "defined once"
                }
            });
        }
    }

    private List<Stmt> walk(List<Stmt> list, List<Made> inScope) {
        List<Made> available = new ArrayList<>(inScope);
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            Stmt t = Stmts.mapBlocks(s, inner -> walk(inner, available));
            t = rewrite(t, available);
            out.add(t);
            if (t instanceof Stmt.Declare d && d.init() != null) {
                Made made = made(d.var(), d.init());
                if (made != null) {
                    available.add(made);
                }
            }
        }
        return out;
    }

    /** The product {@code v} holds wherever its declaration is in scope, or null. */
    private Made made(Var v, Expr init) {
        if (!primal(v) || !v.type.isDouble() || !once(v) || !(init instanceof Expr.Binary b)
                || b.op() != Expr.BinaryOp.MUL || !b.type().isDouble()) {
            return null;
        }
        List<Expr> factors = new ArrayList<>();
        if (flatten(init, factors)) {
            return null; // a negated product: left to the rules
        }
        for (Expr f : factors) {
            if (!(f instanceof Expr.Const) && !(f instanceof Expr.Read r && primal(r.var()) && once(r.var()))) {
                return null;
            }
        }
        return new Made(v, factors);
    }

    private boolean once(Var v) {
        return definitions.getOrDefault(v, 0) <= 1;
    }

    private static boolean primal(Var v) {
        return v.role == Var.Role.PARAM || v.role == Var.Role.LOCAL || v.role == Var.Role.TEMP
                || v.role == Var.Role.KEPT;
    }

    private Stmt rewrite(Stmt s, List<Made> available) {
        if (s instanceof Stmt.Declare d && d.init() != null) {
            Expr e = expr(d.init(), available);
            return e == d.init() ? s : new Stmt.Declare(d.var(), e, d.pos(), d.source());
        }
        if (s instanceof Stmt.Assign a) {
            Expr e = expr(a.value(), available);
            return e == a.value() ? s : new Stmt.Assign(a.var(), e, a.pos(), a.source());
        }
        if (s instanceof Stmt.Accumulate a) {
            Expr e = expr(a.delta(), available);
            return e == a.delta() ? s : new Stmt.Accumulate(a.target(), e);
        }
        if (s instanceof Stmt.Put p) {
            Expr e = expr(p.value(), available);
            return e == p.value() ? s : new Stmt.Put(p.target(), e);
        }
        return s;
    }

    private Expr expr(Expr e, List<Made> available) {
        if (!(e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.type().isDouble())) {
            return e instanceof Expr.Read || e instanceof Expr.Const ? e : Exprs.map(e, x -> expr(x, available));
        }
        List<Expr> factors = new ArrayList<>();
        boolean negative = flatten(e, factors);
        Expr adjoint = null;
        List<Expr> partial = new ArrayList<>();
        for (Expr f : factors) {
            if (!pure(f)) {
                return Exprs.map(e, x -> expr(x, available));
            }
            if (readsAdjoint(f)) {
                if (adjoint != null) {
                    return Exprs.map(e, x -> expr(x, available));
                }
                adjoint = expr(f, available);
            } else {
                partial.add(partial(f, available));
            }
        }
        if (adjoint == null || partial.size() < 2) {
            return Exprs.map(e, x -> expr(x, available));
        }
        reuse(partial, available);
        Expr p = null;
        for (Expr f : partial) {
            p = p == null ? f : Algebra.mul(p, f);
        }
        Expr out = Algebra.mul(adjoint, p);
        out = negative ? Algebra.neg(out) : out;
        if (!out.equals(e)) {
            changed = true;
            return out;
        }
        return e;
    }

    /**
     * A factor of a partial derivative (free of adjoints) with the products inside it reading what
     * the forward sweep multiplied: a preaccumulated partial is a sum of products
     * ({@code -(_t11 * t2 * 0.39 * _t8 * a2) - ...}), whose {@code t2 * 0.39 * _t8} is {@code _t10}.
     */
    private static Expr partial(Expr f, List<Made> available) {
        if (f instanceof Expr.Read || f instanceof Expr.Const) {
            return f;
        }
        if (f instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.type().isDouble()) {
            List<Expr> factors = new ArrayList<>();
            boolean negative = flatten(f, factors);
            factors.replaceAll(x -> partial(x, available));
            reuse(factors, available);
            Expr p = null;
            for (Expr x : factors) {
                p = p == null ? x : Algebra.mul(p, x);
            }
            return negative ? Algebra.neg(p) : p;
        }
        return Exprs.map(f, x -> partial(x, available));
    }

    /**
     * Replaces factors of {@code partial} that a product of the forward sweep multiplied by that
     * product's variable, the largest products first; multiplies the constants together.
     */
    private static void reuse(List<Expr> partial, List<Made> available) {
        boolean found = true;
        while (found) {
            found = false;
            for (int m = available.size() - 1; m >= 0 && !found; m--) {
                Made made = available.get(m);
                List<Integer> at = positions(partial, made.factors());
                if (at != null) {
                    partial.set(at.get(0), new Expr.Read(made.var()));
                    for (int k = at.size() - 1; k >= 1; k--) {
                        partial.remove((int) at.get(k));
                    }
                    found = true;
                }
            }
        }
        int first = -1;
        double product = 1;
        for (int k = 0; k < partial.size(); k++) {
            Double c = Exprs.constant(partial.get(k));
            if (c == null) {
                continue;
            }
            if (first < 0) {
                first = k;
                product = c;
            } else {
                product *= c;
                partial.remove(k--);
                partial.set(first, Algebra.lit(product));
            }
        }
    }

    /** Where in {@code factors} each of {@code wanted} is (each position used once, ascending), or null. */
    private static List<Integer> positions(List<Expr> factors, List<Expr> wanted) {
        boolean[] used = new boolean[factors.size()];
        List<Integer> at = new ArrayList<>();
        for (Expr w : wanted) {
            int found = -1;
            for (int k = 0; k < factors.size() && found < 0; k++) {
                if (!used[k] && sameAtom(factors.get(k), w)) {
                    found = k;
                }
            }
            if (found < 0) {
                return null;
            }
            used[found] = true;
            at.add(found);
        }
        at.sort(null);
        return at;
    }

    private static boolean sameAtom(Expr a, Expr b) {
        if (a instanceof Expr.Read x && b instanceof Expr.Read y) {
            return x.var() == y.var();
        }
        Double x = Exprs.constant(a);
        Double y = Exprs.constant(b);
        return x != null && y != null && Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
    }

    /** The factors of a product (through negations), into {@code out}; whether their product is negated. */
    private static boolean flatten(Expr e, List<Expr> out) {
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.type().isDouble()) {
            return flatten(b.left(), out) ^ flatten(b.right(), out);
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG && u.type().isDouble()) {
            return !flatten(u.operand(), out);
        }
        out.add(e);
        return false;
    }

    /** Whether {@code e} reads an adjoint: of a variable, a reverse intermediate, a called pullback's result, the seed. */
    private boolean readsAdjoint(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.Read r && (r.var() == seed || r.var().role == Var.Role.ADJOINT
                || r.var().role == Var.Role.REVERSE_TEMP || r.var().role == Var.Role.HOLDER));
    }

    /** Whether {@code e} may be evaluated in another order: it has no effects. */
    private static boolean pure(Expr e) {
        return !Exprs.any(e, n -> n instanceof Expr.Call || n instanceof Expr.New || n instanceof Expr.NewArray
                || n instanceof Expr.Pop || n instanceof Expr.Pullback || n instanceof Expr.Assignment
                || n instanceof Expr.ArrayLit || n instanceof Expr.SwitchExpr);
    }
}
