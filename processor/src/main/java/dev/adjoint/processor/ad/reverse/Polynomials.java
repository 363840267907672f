package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Polynomials in one variable with constant coefficients that the normal form spreads over a chain
 * of temporaries, such as Horner's scheme {@code B1 + t * (B2 + t * (B3 + t * B4))}, or
 * {@code -0.5 * a * a}. Rule by rule, the reverse sweep of such a chain multiplies the adjoint
 * through every level (two multiplications per level of Horner's scheme, all on the adjoint's
 * path) and needs every level's value; instead the chain's last value, its <em>root</em>, adds
 * {@code adj·p'(t)} into the adjoint of {@code t}, with {@code p'} evaluated by Horner's scheme
 * from {@code t} alone ({@link dev.adjoint.processor.ad.Rules#polynomialDerivative}), and the
 * temporaries before it in the chain get no reverse sweep: the polynomial's adjoint, as one
 * would write it by hand.
 *
 * <p>A temporary belongs to a chain when it is defined once, by its declaration, in the same
 * statement list as the root and before it, and read once: by the chain. Every other variable the
 * chain reads must be the one {@code t}, which carries a derivative and is defined at most once, so
 * that its value is the same all along the chain (its definition comes before the chain's reads).
 * A chain of one operation is left to the rules ({@code u·u} already has its one term), as is a
 * polynomial of degree 1.
 */
final class Polynomials {

    /** The highest degree followed: beyond it, the rules. */
    private static final int MAX_DEGREE = 16;

    /** The root of a chain: its derivative is {@code p'(t)}, coefficients in increasing powers. */
    record Root(Var t, double[] derivative) {}

    private final Map<Var, Root> roots = new HashMap<>();
    private final Set<Var> absorbed = new HashSet<>();

    private final Context c;

    Polynomials(Context c) {
        this.c = c;
        scan(c.body);
    }

    /** The root of a polynomial chain that {@code v}'s declaration ends, or null. */
    Root root(Var v) {
        return roots.get(v);
    }

    /** Whether {@code v} is a temporary inside a chain: its root's derivative covers it. */
    boolean absorbed(Var v) {
        return absorbed.contains(v);
    }

    private void scan(List<Stmt> list) {
        Map<Var, Integer> declaredAt = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Stmt.Declare d && d.init() != null) {
                declaredAt.put(d.var(), i);
            }
            for (List<Stmt> inner : Stmts.blocks(list.get(i))) {
                scan(inner);
            }
        }
        // the last statements first: a chain is taken whole from its root, not in pieces from inside
        for (int i = list.size() - 1; i >= 0; i--) {
            if (!(list.get(i) instanceof Stmt.Declare d) || d.init() == null || !d.var().type.isDouble()
                    || absorbed.contains(d.var()) || !c.activity.isActive(d.var())) {
                continue;
            }
            Chain chain = new Chain(list, declaredAt, i);
            double[] p = chain.poly(d.init());
            if (p == null || chain.t == null || chain.members.isEmpty() || degree(p) < 2
                    || !c.activity.isActive(chain.t) || !c.stable(chain.t)) {
                continue;
            }
            double[] derivative = new double[degree(p)];
            for (int k = 1; k <= degree(p); k++) {
                derivative[k - 1] = k * p[k];
            }
            if (!Arrays.stream(derivative).allMatch(Double::isFinite)) {
                continue;
            }
            roots.put(d.var(), new Root(chain.t, derivative));
            absorbed.addAll(chain.members);
        }
    }

    /** One attempt to read a root's value as a polynomial in one variable. */
    private final class Chain {
        final List<Stmt> list;
        final Map<Var, Integer> declaredAt;
        final int root;
        final Set<Var> members = new HashSet<>();
        Var t;

        Chain(List<Stmt> list, Map<Var, Integer> declaredAt, int root) {
            this.list = list;
            this.declaredAt = declaredAt;
            this.root = root;
        }

        /** {@code e}'s coefficients in increasing powers of {@link #t}, or null when it is not such a polynomial. */
        double[] poly(Expr e) {
            if (e instanceof Expr.Const k) {
                Double v = Exprs.constant(k);
                return v == null || !Double.isFinite(v) ? null : new double[] {v};
            }
            if (e instanceof Expr.Read r) {
                Var v = r.var();
                if (member(v)) {
                    members.add(v);
                    return poly(((Stmt.Declare) list.get(declaredAt.get(v))).init());
                }
                if (t == null && v.type.isDouble()) {
                    t = v;
                }
                return v == t ? new double[] {0, 1} : null;
            }
            if (e instanceof Expr.Unary u && u.type().isDouble()) {
                double[] a = poly(u.operand());
                return a == null ? null : switch (u.op()) {
                    case NEG -> scale(a, -1);
                    case PLUS -> a;
                    default -> null;
                };
            }
            if (e instanceof Expr.Binary b && b.type().isDouble()) {
                if (b.op() != Expr.BinaryOp.ADD && b.op() != Expr.BinaryOp.SUB && b.op() != Expr.BinaryOp.MUL) {
                    return null;
                }
                double[] x = poly(b.left());
                double[] y = x == null ? null : poly(b.right());
                if (y == null) {
                    return null;
                }
                return switch (b.op()) {
                    case ADD -> sum(x, y, 1);
                    case SUB -> sum(x, y, -1);
                    default -> degree(x) + degree(y) > MAX_DEGREE ? null : product(x, y);
                };
            }
            return null;
        }

        /** A temporary of the chain: declared once in this list before the root, read only here. */
        private boolean member(Var v) {
            Integer at = declaredAt.get(v);
            return v.role == Var.Role.TEMP && v.type.isDouble() && at != null && at < root
                    && c.readOnce(v) && c.definitions.getOrDefault(v, 0) == 1 && !members.contains(v)
                    && !absorbed.contains(v);
        }
    }

    private static int degree(double[] p) {
        int d = p.length - 1;
        while (d > 0 && p[d] == 0) {
            d--;
        }
        return d;
    }

    private static double[] scale(double[] a, double k) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = k * a[i];
        }
        return out;
    }

    private static double[] sum(double[] a, double[] b, double sign) {
        double[] out = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            out[i] += sign * b[i];
        }
        return out;
    }

    private static double[] product(double[] a, double[] b) {
        double[] out = new double[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i + j] += a[i] * b[j];
            }
        }
        return out;
    }
}
