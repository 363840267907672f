package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Algebra;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
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
 * Preaccumulation of the local partial derivatives along a stretch of the reverse sweep where
 * adjoints flow from one adjoint alone. Rule by rule, the reverse sweep of Black-Scholes' normal
 * CDF, {@code tail = φ(a)·u·q(u)} with {@code u = 1/(1 + P·a)}, passes the adjoint of {@code tail}
 * through every intermediate:
 *
 * <pre>
 * double _d_t8 = _d_tail * _t9;
 * double _d_u = _d_tail * (_t8 * q'(u));
 * _d_u += _d_t8 * _t7;
 * double _d_a = -(_d_t8 * (_t8 * a));
 * _d_a -= _d_u * (u * u * P);
 * </pre>
 *
 * <p>Each of these adjoints is the one adjoint {@code _d_tail} times a partial derivative made of
 * forward values only, so it is written that way: {@code _d_a = _d_tail * (-(_t9 * (_t8 * a)) -
 * (_t8 * q'(u) + _t9 * _t7) * (u * u * P))}, and the intermediates nobody else reads disappear. The
 * partial is computed from values the forward sweep has, off the adjoint's path, and the adjoint
 * is multiplied once: the chain d tail/d a that a careful hand-written adjoint computes, then
 * multiplies in.
 *
 * <p>Within one statement list (each nested list on its own), an adjoint declared or assigned a
 * value linear in one adjoint {@code A} ({@code A·c}, sums of such, with {@code c} free of
 * adjoints and effects) has the <em>form</em> {@code (A, c)}, and one whose form is known is read
 * through it: {@code _d_x = _d_y * p} with {@code _d_y = A·c} becomes {@code _d_x = A * (c·p)}, when
 * these are the last reads of {@code _d_y} (else {@code _d_y} stays, and {@code _d_x} keeps the form
 * {@code (_d_y, p)}). An
 * accumulation {@code _d_x += A·c'} into an adjoint of form {@code (A, c)} whose value nothing has
 * read since it was set replaces that setting by {@code _d_x = A * (c + c')} here. A form holds while
 * neither the adjoint, nor {@code A}, nor anything its partial reads is written; a partial that
 * combines others is named ({@code _r3}), so that it reads values as they were where it was made;
 * the clean-up puts names read once back into their use. Every statement still gives its adjoint
 * the value it had, so what reads it is unchanged: only how the adjoint's products and sums are
 * associated changes (its last bits, as a hand-written adjoint's order of operations would), never
 * the primal's value.
 */
final class Preaccumulation {

    /** {@code value = source · partial}; a null source: {@code partial} alone, free of adjoints. */
    private record Linear(Var source, Expr partial) {}

    private final Var seed;
    /** How often each variable is read in the whole body. */
    private final Map<Var, Integer> reads = new HashMap<>();
    /** How many of those reads a rewrite has replaced by the variable's form. */
    private final Map<Var, Integer> consumed = new HashMap<>();
    /** The partials this pass named: values of the forward sweep, not adjoints. */
    private final Set<Var> partials = new HashSet<>();
    private boolean changed;

    private Preaccumulation(Var seed) {
        this.seed = seed;
    }

    /** {@code body} with its adjoints preaccumulated; the same list when nothing changes. */
    static List<Stmt> run(List<Stmt> body, Var seed) {
        Preaccumulation p = new Preaccumulation(seed);
        Stmts.forEachExpr(body, e -> Exprs.reads(e, v -> p.reads.merge(v, 1, Integer::sum)));
        List<Stmt> out = p.list(body);
        return p.changed ? out : body;
    }

    private List<Stmt> list(List<Stmt> in) {
        List<Stmt> out = new ArrayList<>(in.size());
        Map<Var, Linear> forms = new HashMap<>();
        // where each adjoint of a form was last set in out, while nothing has read it since
        Map<Var, Integer> setAt = new HashMap<>();
        for (Stmt original : in) {
            Stmt s = Stmts.mapBlocks(original, this::list);
            if (!rewrite(s, forms, setAt, out)) {
                readsIn(s, setAt);
                invalidate(written(s), forms, setAt);
                Var x = s instanceof Stmt.Declare d && d.init() != null ? d.var()
                        : s instanceof Stmt.Assign a ? a.var() : null;
                if (x != null && adjoint(x)) {
                    // a form as the statement reads: its partial is the statement's own, evaluated
                    // again only where the statement goes (an adjoint read through it for the last
                    // time); not through other forms, whose partials the adjoints they belong to
                    // may still be computing (Math.cos(z) twice)
                    Linear l = linear(Stmts.value(s), Map.of());
                    if (l != null && l.source() != null && l.source() != x) {
                        forms.put(x, l);
                        setAt.put(x, out.size());
                    }
                }
                out.add(s);
            }
        }
        out.removeIf(s -> s == null);
        return out;
    }

    /**
     * Rewrites {@code s} through the forms when that changes it (it reads an adjoint of a known form,
     * or accumulates into one); adds what replaces it to {@code out} and returns true, else false.
     */
    private boolean rewrite(Stmt s, Map<Var, Linear> forms, Map<Var, Integer> setAt, List<Stmt> out) {
        Var x;
        Linear value;
        Integer previous = null;
        Map<Var, Integer> through = new HashMap<>();
        if (s instanceof Stmt.Declare d && d.init() != null && adjoint(d.var())) {
            x = d.var();
            value = linear(d.init(), forms, through);
        } else if (s instanceof Stmt.Assign a && adjoint(a.var())) {
            x = a.var();
            value = linear(a.value(), forms, through);
        } else if (s instanceof Stmt.Accumulate acc && acc.target() instanceof Expr.Read r && adjoint(r.var())
                && forms.containsKey(r.var()) && setAt.containsKey(r.var())) {
            x = r.var();
            Linear delta = linear(acc.delta(), forms, through);
            Linear old = forms.get(x);
            value = delta == null || delta.source() != old.source() ? null
                    : new Linear(old.source(), Algebra.add(old.partial(), delta.partial()));
            previous = setAt.get(x);
        } else {
            return false;
        }
        if (value == null || value.source() == null || value.source() == x) {
            return false;
        }
        // a setting changes only where it reads an adjoint through its form, and only when these
        // are that adjoint's last reads: else the adjoint stays, and multiplying A into its partial
        // again would be one multiplication more. An accumulation that replaces the earlier setting
        // saves that multiplication, so it may read an adjoint that stays, through a partial that
        // costs nothing to read again (a variable, a constant; not Math.cos(z))
        if (previous == null && through.isEmpty()) {
            return false;
        }
        for (Map.Entry<Var, Integer> t : through.entrySet()) {
            boolean last = reads.getOrDefault(t.getKey(), 0) - consumed.getOrDefault(t.getKey(), 0) == t.getValue();
            if (!last && (previous == null || !Exprs.isAtom(forms.get(t.getKey()).partial()))) {
                return false;
            }
        }
        through.forEach((v, n) -> consumed.merge(v, n, Integer::sum));
        Expr partial = value.partial();
        if (!Exprs.isAtom(partial)) {
            Var named = new Var("_r", JType.DOUBLE, Var.Role.REVERSE_TEMP);
            partials.add(named);
            out.add(new Stmt.Declare(named, partial, null, null));
            partial = new Expr.Read(named);
        }
        Expr product = Algebra.mul(new Expr.Read(value.source()), partial);
        boolean declares = s instanceof Stmt.Declare;
        if (previous != null) {
            // the value set there was never read: set the new one here instead
            declares = out.get(previous) instanceof Stmt.Declare;
            out.set(previous, null);
        }
        out.add(declares ? new Stmt.Declare(x, product, null, null) : new Stmt.Assign(x, product, null, null));
        // x changed: forms through it no longer hold
        invalidate(Set.of(x), forms, setAt);
        forms.put(x, new Linear(value.source(), partial));
        setAt.put(x, out.size() - 1);
        changed = true;
        return true;
    }

    /** {@code e} as {@code source · partial}, reading adjoints through their forms; null when it is not linear in one adjoint or has effects. */
    private Linear linear(Expr e, Map<Var, Linear> forms) {
        return linear(e, forms, new HashMap<>());
    }

    /**
     * {@link #linear(Expr, Map)}, counting into {@code through} each adjoint it reads through its
     * form.
     */
    private Linear linear(Expr e, Map<Var, Linear> forms, Map<Var, Integer> through) {
        if (e instanceof Expr.Read r && source(r.var())) {
            Linear form = forms.get(r.var());
            if (form != null) {
                if (through != null) {
                    through.merge(r.var(), 1, Integer::sum);
                }
                return form;
            }
            return r.var().type.isDouble() ? new Linear(r.var(), Algebra.lit(1)) : null;
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG && u.type().isDouble()) {
            Linear a = linear(u.operand(), forms, through);
            return a == null ? null : new Linear(a.source(), Algebra.neg(a.partial()));
        }
        if (e instanceof Expr.Binary b && b.type().isDouble() && b.left().type().isDouble()
                && b.right().type().isDouble()) {
            Linear a = linear(b.left(), forms, through);
            Linear c = a == null ? null : linear(b.right(), forms, through);
            if (c == null) {
                return null;
            }
            switch (b.op()) {
                case MUL -> {
                    return a.source() != null && c.source() != null ? null
                            : new Linear(a.source() != null ? a.source() : c.source(), Algebra.mul(a.partial(), c.partial()));
                }
                case DIV -> {
                    // a partial alone; an adjoint divided stays as written (its quotient is often
                    // shared, and a division moved into a partial would be one more)
                    return a.source() == null && c.source() == null ? new Linear(null, e) : null;
                }
                case ADD, SUB -> {
                    if (a.source() != c.source()) {
                        return null; // two adjoints, or an adjoint plus a value: not A·c
                    }
                    return new Linear(a.source(), b.op() == Expr.BinaryOp.ADD ? Algebra.add(a.partial(), c.partial())
                            : Algebra.sub(a.partial(), c.partial()));
                }
                default -> {
                    return null;
                }
            }
        }
        return free(e) ? new Linear(null, e) : null;
    }

    /** An adjoint this pass may give a form: a double adjoint or reverse intermediate it did not make. */
    private boolean adjoint(Var v) {
        return v.type.isDouble() && (v.role == Var.Role.ADJOINT || v.role == Var.Role.REVERSE_TEMP && !partials.contains(v));
    }

    /** A variable holding an adjoint (or the seed): what a partial may not read. */
    private boolean source(Var v) {
        return v == seed || v.role == Var.Role.ADJOINT || v.role == Var.Role.HOLDER
                || v.role == Var.Role.REVERSE_TEMP && !partials.contains(v);
    }

    /** Whether {@code e} reads no adjoint and has no effect: a partial may be made of it. */
    private boolean free(Expr e) {
        return !Exprs.any(e, n -> n instanceof Expr.Read r && source(r.var()) || n instanceof Expr.FieldGet
                || n instanceof Expr.Call || n instanceof Expr.New || n instanceof Expr.NewArray || n instanceof Expr.Pop
                || n instanceof Expr.Pullback || n instanceof Expr.Assignment || n instanceof Expr.ArrayLit
                || n instanceof Expr.SwitchExpr);
    }

    /** Drops the forms of, through, or reading a written variable. */
    private static void invalidate(Set<Var> written, Map<Var, Linear> forms, Map<Var, Integer> setAt) {
        if (written.isEmpty()) {
            return;
        }
        forms.entrySet().removeIf(f -> written.contains(f.getKey()) || written.contains(f.getValue().source())
                || Exprs.any(f.getValue().partial(), n -> n instanceof Expr.Read r && written.contains(r.var())));
        setAt.keySet().removeIf(v -> !forms.containsKey(v));
    }

    /** Every variable {@code s} writes, at any depth. */
    private static Set<Var> written(Stmt s) {
        Set<Var> out = new HashSet<>();
        for (Stmt t : Stmts.all(List.of(s))) {
            Var target = t instanceof Stmt.Accumulate a ? Exprs.var(a.target()) : Stmts.target(t);
            if (target != null) {
                out.add(target);
            }
            for (Expr e : Stmts.exprs(t)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                        out.add(Exprs.var(a.target()));
                    }
                });
            }
        }
        return out;
    }

    /** What {@code s} reads (at any depth, an accumulation's target too) has been read since it was set. */
    private static void readsIn(Stmt s, Map<Var, Integer> setAt) {
        for (Stmt t : Stmts.all(List.of(s))) {
            for (Expr e : Stmts.exprs(t)) {
                Exprs.reads(e, setAt::remove);
            }
        }
    }
}
