package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Activity analysis. A {@code double} or {@code double[]} variable is <em>varied</em> when a
 * derivative flows into it from an input being differentiated, and <em>useful</em> when one flows
 * from it into the result; only variables that are both (<em>active</em>) get adjoints. Both are
 * flow-insensitive fixpoints over every statement at any depth, safe for any statement order,
 * loops included. An array counts as one variable: it is varied when any value written into it is.
 * A derivative flows through arithmetic, the branches of {@code ?:}, casts to double, the
 * functions and calls that have derivatives, and element reads; never through a comparison, an
 * integer, or a call Adjoint cannot see into.
 *
 * <p>Through calls of helpers the reader will inline, activity flows as it will once they are
 * inlined: a helper's parameter is varied when an argument passed to it carries a derivative, its
 * result carries one when a value it returns does, and an array it writes carries derivatives back
 * into the caller's array. (One analysis per helper for all its calls: a parameter varied at one
 * call is varied at all.)
 */
public final class Activity {

    private final Set<Var> varied = new HashSet<>();
    private final Set<Var> useful = new HashSet<>();
    private final Map<String, MethodIr> helpers;
    /** Helpers whose returned value carries a derivative. */
    private final Set<String> carryingHelpers = new HashSet<>();
    /** Helpers whose returned value is useful. */
    private final Set<String> usefulHelpers = new HashSet<>();
    /**
     * Variables given one value only, with it: a {@code Double.compare} ({@code int c =
     * Double.compare(x, 1.0)}), a sign ({@code int s = (int) Math.signum(x - 1)}, a {@code switch}'s
     * selector), a temporary of the normal form ({@code double _t1 = Math.min(x, 3.0)}).
     */
    private final Map<Var, Expr> defined = new HashMap<>();

    public Activity(Collection<Var> inputs, List<Stmt> body, Map<String, MethodIr> helpers) {
        this.helpers = helpers;
        varied.addAll(inputs);
        List<Stmt> all = new ArrayList<>();
        Stmts.forEach(body, all::add);
        for (MethodIr helper : helpers.values()) {
            if (helper != null) {
                Stmts.forEach(helper.body(), all::add);
            }
        }
        List<Expr> roots = new ArrayList<>();
        all.forEach(s -> roots.addAll(Stmts.exprs(s)));
        List<Expr.Call> inlined = new ArrayList<>();
        roots.forEach(r -> Exprs.postOrder(r, n -> {
            if (n instanceof Expr.Call c && c.callee() instanceof Callee.Inline) {
                inlined.add(c);
            } else if (n instanceof Expr.Call c && c.callee() instanceof Callee.Opaque o && o.inlined() != null) {
                inlined.add(o.inlined()); // a call the fence checks as inlined where a derivative flows into it
            }
        }));
        noteDefinitions(all, roots);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Stmt s : all) {
                Var target = Stmts.target(s);
                Expr value = Stmts.value(s);
                if (target != null && value != null && target.type.isDifferentiable() && carries(value)) {
                    changed |= varied.add(target);
                }
            }
            for (Expr root : roots) {
                changed |= assignments(root);
            }
            for (Expr.Call call : inlined) {
                changed |= variedThrough(call);
            }
            for (Map.Entry<String, MethodIr> h : helpers.entrySet()) {
                if (h.getValue() != null && !carryingHelpers.contains(h.getKey()) && returnsCarried(h.getValue())) {
                    carryingHelpers.add(h.getKey());
                    changed = true;
                }
            }
        }
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Return r && r.value() != null) {
                usefulIn(r.value());
            }
        }
        changed = true;
        while (changed) {
            int before = useful.size() + usefulHelpers.size();
            for (Stmt s : all) {
                Var target = Stmts.target(s);
                Expr value = Stmts.value(s);
                if (target != null && value != null && useful.contains(target)) {
                    usefulIn(value);
                }
            }
            for (Expr root : roots) {
                usefulThroughAssignments(root);
            }
            for (Expr.Call call : inlined) {
                usefulThrough(call);
            }
            for (String key : new ArrayList<>(usefulHelpers)) {
                MethodIr helper = helpers.get(key);
                if (helper != null) {
                    for (Stmt s : Stmts.all(helper.body())) {
                        if (s instanceof Stmt.Return r && r.value() != null) {
                            usefulIn(r.value());
                        }
                    }
                }
            }
            changed = useful.size() + usefulHelpers.size() != before;
        }
    }

    /** The activity of a method with its helpers: its differentiated inputs are varied. */
    public static Activity of(MethodIr method, List<Stmt> body, Map<String, MethodIr> helpers) {
        List<Var> inputs = new ArrayList<>();
        method.inputs().stream().filter(MethodIr.Input::wrt).forEach(i -> inputs.add(i.var()));
        return new Activity(inputs, body, helpers);
    }

    /** Notes the variables given one value only, for {@link #comparedSides} and {@link #piecewise}. */
    private void noteDefinitions(List<Stmt> all, List<Expr> roots) {
        Set<Var> other = new HashSet<>();
        for (Stmt s : all) {
            Var target = Stmts.target(s);
            if (target == null || s instanceof Stmt.Declare d && d.init() == null) {
                continue;
            }
            if ((s instanceof Stmt.Declare || s instanceof Stmt.Assign) && !defined.containsKey(target)) {
                defined.put(target, Stmts.value(s));
            } else {
                other.add(target);
            }
        }
        roots.forEach(r -> Exprs.postOrder(r, n -> {
            if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                other.add(Exprs.var(a.target()));
            }
        }));
        defined.keySet().removeAll(other);
    }

    /** The one value of the variable {@code e} reads, if a {@code Double.compare} or a sign; else {@code e}. */
    private Expr compared(Expr e) {
        Expr value = e instanceof Expr.Read r ? defined.get(r.var()) : null;
        return value instanceof Expr.Call c && isCompare(c) || value != null && signOf(value) != null ? value : e;
    }

    private boolean returnsCarried(MethodIr helper) {
        for (Stmt s : Stmts.all(helper.body())) {
            if (s instanceof Stmt.Return r && r.value() != null && carries(r.value())) {
                return true;
            }
        }
        return false;
    }

    /** Arguments into a helper's parameters; arrays it writes back into the caller's. */
    private boolean variedThrough(Expr.Call call) {
        MethodIr helper = helpers.get(((Callee.Inline) call.callee()).key());
        if (helper == null) {
            return false;
        }
        boolean changed = false;
        for (int i = 0; i < call.args().size() && i < helper.params().size(); i++) {
            Var param = helper.params().get(i).var();
            Expr arg = call.args().get(i);
            if (param.type.isDifferentiable() && carries(arg)) {
                changed |= varied.add(param);
            }
            Var argVar = Exprs.var(arg);
            if (argVar != null && param.type.isDoubleArray() && varied.contains(param)) {
                changed |= varied.add(argVar);
            }
        }
        return changed;
    }

    private void usefulThrough(Expr.Call call) {
        MethodIr helper = helpers.get(((Callee.Inline) call.callee()).key());
        if (helper == null) {
            return;
        }
        for (int i = 0; i < call.args().size() && i < helper.params().size(); i++) {
            Var param = helper.params().get(i).var();
            Expr arg = call.args().get(i);
            Var argVar = Exprs.var(arg);
            if (useful.contains(param)) {
                usefulIn(arg);
            }
            if (argVar != null && param.type.isDoubleArray() && useful.contains(argVar)) {
                useful.add(param);
            }
        }
    }

    /** Marks the targets of assignments inside expressions; whether any changed. */
    private boolean assignments(Expr e) {
        boolean[] changed = {false};
        Exprs.postOrder(e, node -> {
            if (node instanceof Expr.Assignment a && a.type().isDifferentiable() && carries(a)) {
                Var target = assignedVar(a);
                if (target != null) {
                    changed[0] |= varied.add(target);
                }
            }
        });
        return changed[0];
    }

    private static Var assignedVar(Expr.Assignment a) {
        return Exprs.var(a.target() instanceof Expr.ArrayRead r ? r.array() : a.target());
    }

    private void usefulThroughAssignments(Expr e) {
        Exprs.postOrder(e, node -> {
            if (node instanceof Expr.Assignment a) {
                Var target = assignedVar(a);
                if (target != null && useful.contains(target)) {
                    usefulIn(a.value());
                }
            }
        });
    }

    /** Marks useful the variables whose value reaches {@code e}'s value through operations a derivative flows through. */
    private void usefulIn(Expr e) {
        carrying(e, node -> {
            if (node instanceof Expr.Read r) {
                useful.add(r.var());
            } else if (node instanceof Expr.SwitchExpr w) {
                useful.add(w.result());
            } else if (node instanceof Expr.Assignment a) {
                Var target = assignedVar(a);
                if (target != null) {
                    useful.add(target);
                }
            } else if (node instanceof Expr.Call c && c.callee() instanceof Callee.Inline inline) {
                usefulHelpers.add(inline.key());
            }
        });
    }

    /**
     * Calls {@code action} for {@code e} and every sub-expression a derivative could flow out of
     * into {@code e}'s value. It stops at what no derivative crosses: comparisons, integers, calls
     * Adjoint cannot see into, {@code stopGradient}.
     */
    public static void carrying(Expr e, Consumer<Expr> action) {
        action.accept(e);
        for (Expr c : carriedChildren(e)) {
            carrying(c, action);
        }
    }

    /** The direct sub-expressions a derivative flows out of into {@code e}. */
    public static List<Expr> carriedChildren(Expr e) {
        if (e instanceof Expr.Unary u && (u.op() == Expr.UnaryOp.NEG || u.op() == Expr.UnaryOp.PLUS)) {
            return List.of(u.operand());
        }
        if (e instanceof Expr.Binary b && b.op().isArithmetic() && b.type().isDouble()) {
            return List.of(b.left(), b.right());
        }
        if (e instanceof Expr.Cond c) {
            return List.of(c.then(), c.otherwise());
        }
        if (e instanceof Expr.Cast c && c.type().isDouble()) {
            return List.of(c.operand());
        }
        if (e instanceof Expr.MathCall m && !m.function().piecewiseConstant) {
            return m.args();
        }
        if (e instanceof Expr.Call c && (c.callee() instanceof Callee.Differentiable || c.callee() instanceof Callee.Custom)) {
            return c.args();
        }
        if (e instanceof Expr.ArrayRead a && a.type().isDouble()) {
            return List.of(a.array());
        }
        if (e instanceof Expr.ArrayLit l && l.type().isDoubleArray()) {
            return l.elements();
        }
        if (e instanceof Expr.Assignment a && a.type().isDifferentiable()) {
            return a.op() == null ? List.of(a.value()) : List.of(a.target(), a.value());
        }
        return List.of();
    }

    /** Whether a derivative flows into {@code e}'s value from a varied variable. */
    public boolean carries(Expr e) {
        if (!e.type().isDifferentiable()) {
            return false;
        }
        if (e instanceof Expr.Read r) {
            return varied.contains(r.var());
        }
        if (e instanceof Expr.SwitchExpr w) {
            return varied.contains(w.result());
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.Inline inline) {
            return carryingHelpers.contains(inline.key());
        }
        for (Expr c : carriedChildren(e)) {
            if (carries(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} is an equality test ({@code ==} or {@code !=}) of a differentiated number,
     * other than a NaN test ({@code x != x}) or a comparison with an infinity or NaN, where no
     * neighbourhood has a derivative to miss; or one in disguise, {@code Math.abs(u) < c} (any of
     * {@code <, <=, >, >=}, either side) with {@code 0 < c <= Double.MIN_NORMAL}, which holds only
     * where u is 0 (ELKI's {@code Math.abs(k - 1.0) < Double.MIN_NORMAL}). Where such a test holds
     * at a point, it fails at every point near it (see {@link #nearby}). The other ways of writing
     * {@code u == v} are equality tests too, each on the same terms as {@code u == v}:
     * {@code Double.compare(u, v) == 0} (and {@code Double.valueOf(u).equals(v)}, read so),
     * {@code Math.abs(u) <= 0}, {@code u >= v && u <= v}; and their negations, {@code != 0},
     * {@code Math.abs(u) > 0}, {@code u < v || u > v}. Each is kept as written (the method's value,
     * NaN and -0.0 included, is its own); only the code around takes the value the test has near
     * the point (for {@code Double.compare(x, 0.0) == 0}, false, as {@code x == 0.0}'s).
     */
    public boolean testsEquality(Expr e) {
        if (!(e instanceof Expr.Binary b)) {
            return false;
        }
        if (b.op() == Expr.BinaryOp.EQ || b.op() == Expr.BinaryOp.NE) {
            List<Expr> sides = comparedSides(b);
            return comparesNumbers(sides.get(0), sides.get(1));
        }
        if (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR) {
            Expr.Binary bracket = bracket(b);
            return bracket != null && comparesNumbers(bracket.left(), bracket.right());
        }
        boolean ordered = isOrdered(b.op());
        // |u| <= 0 and |u| > 0 (or 0 >= |u|, 0 < |u|) hold, or fail, only where u is 0: u == 0 and u != 0
        return ordered && (absOfCarried(b.left()) && (tiny(b.right()) || zero(b.right())
                        && (b.op() == Expr.BinaryOp.LE || b.op() == Expr.BinaryOp.GT))
                || absOfCarried(b.right()) && (tiny(b.left()) || zero(b.left())
                        && (b.op() == Expr.BinaryOp.GE || b.op() == Expr.BinaryOp.LT))
                || remainderOfCarried(b.left()) && wholeTolerance(b.right())
                || wholeTolerance(b.left()) && remainderOfCarried(b.right()));
    }

    /**
     * Whether {@code u == v} tests a differentiated number: x != x and stopGradient(x) != x are NaN
     * tests (the sides are the same value everywhere), and a comparison with an infinity or a NaN
     * has no neighbourhood where the other branch runs.
     */
    private boolean comparesNumbers(Expr u, Expr v) {
        return (carriesNumber(u) || carriesNumber(v)) && !Exprs.same(unstopped(u), unstopped(v)) && !nonFinite(u)
                && !nonFinite(v) && !piecewise(u) && !piecewise(v);
    }

    /**
     * Whether {@code e} may equal the other side of a test on a whole interval: it takes a
     * minimum, a maximum, an absolute value or a sign's copy, or chooses by {@code ?:}
     * ({@code Math.min(x, 3) == x} holds for every x up to 3, where the branch's derivative is the
     * function's). Such a test is no equality test of a point. (A helper's, {@code clamp(x) == x},
     * is not seen.)
     */
    private boolean piecewise(Expr e) {
        return piecewise(e, new HashSet<>());
    }

    /** {@link #piecewise(Expr)}, through the one values of the variables it reads (the normal form's temporaries). */
    private boolean piecewise(Expr e, Set<Var> seen) {
        return Exprs.any(e, n -> n instanceof Expr.MathCall m && (m.function() == MathFunction.MIN
                || m.function() == MathFunction.MAX || m.function() == MathFunction.ABS
                || m.function() == MathFunction.COPY_SIGN) || n instanceof Expr.Cond
                || n instanceof Expr.Read r && defined.get(r.var()) != null && seen.add(r.var())
                        && piecewise(defined.get(r.var()), seen));
    }

    /**
     * The u and v an {@code ==} or {@code !=} compares, the ways it may be written: {@code u == v};
     * {@code Double.compare(u, v) == 0}, or {@code c == 0} of a variable whose one value that is
     * (it holds where u == v holds but at (0.0, -0.0) and (NaN, NaN): near a point where it holds, it
     * fails as u == v does); {@code Math.signum(u) == 0}, cast or not, held in a variable or not (a
     * {@code switch}'s selector), as {@code u == 0}; and
     * {@code Double.doubleToLongBits(u) == Double.doubleToLongBits(v)} (or the raw bits), as u == v.
     */
    private List<Expr> comparedSides(Expr.Binary b) {
        Expr other = zero(b.left()) ? compared(b.right()) : zero(b.right()) ? compared(b.left()) : null;
        if (other instanceof Expr.Call c && isCompare(c)) {
            return c.args();
        }
        Expr signed = other == null ? null : signOf(other);
        if (signed instanceof Expr.Binary d && d.op() == Expr.BinaryOp.SUB) {
            return List.of(d.left(), d.right()); // signum(u - v) == 0: u == v
        }
        if (signed != null) {
            return List.of(signed, Expr.Const.of(0.0));
        }
        Expr left = bitsOf(b.left());
        Expr right = bitsOf(b.right());
        return left != null && right != null ? List.of(left, right) : List.of(b.left(), b.right());
    }

    private static boolean isCompare(Expr.Call c) {
        return c.callee() instanceof Callee.Opaque o && o.isStatic() && o.name().equals("compare")
                && o.owner().qualifiedName().equals("java.lang.Double") && c.args().size() == 2;
    }

    /** The u of {@code Math.signum(u)}, under casts ({@code (int) Math.signum(u)}), else null. */
    private static Expr signOf(Expr e) {
        Expr inner = e;
        while (inner instanceof Expr.Cast c) {
            inner = c.operand();
        }
        return inner instanceof Expr.MathCall m && m.function() == MathFunction.SIGNUM ? m.args().get(0) : null;
    }

    /** The u of {@code Double.doubleToLongBits(u)} or {@code Double.doubleToRawLongBits(u)}, else null. */
    private static Expr bitsOf(Expr e) {
        return e instanceof Expr.Call c && c.callee() instanceof Callee.Opaque o && o.isStatic()
                && o.owner().qualifiedName().equals("java.lang.Double") && c.args().size() == 1
                && (o.name().equals("doubleToLongBits") || o.name().equals("doubleToRawLongBits")) ? c.args().get(0)
                : null;
    }

    /**
     * {@code u >= v && u <= v} as {@code u == v}, and {@code u < v || u > v} as {@code u != v} (in
     * either order, either side first), else null: each holds or fails where u == v does, but that
     * {@code u < v || u > v} fails where u or v is NaN. Sides without calls or assignments only, which
     * the normal form leaves in one expression. Also as the last two terms of a longer chain,
     * {@code (data && u >= v) && u <= v}: the whole chain then fails near the point, as the bracket
     * does (for {@code ||}, holds).
     */
    private Expr.Binary bracket(Expr.Binary b) {
        Expr first = b.left() instanceof Expr.Binary chain && chain.op() == b.op() ? chain.right() : b.left();
        Expr.Binary p = ordered(first);
        Expr.Binary q = ordered(b.right());
        if (p == null || q == null) {
            return null;
        }
        Expr.BinaryOp qop;
        if (Exprs.same(p.left(), q.left()) && Exprs.same(p.right(), q.right())) {
            qop = q.op();
        } else if (Exprs.same(p.left(), q.right()) && Exprs.same(p.right(), q.left())) {
            qop = flipped(q.op());
        } else {
            return null;
        }
        // the same comparison twice ((u > v) || (v < u)) is no bracket: EnumSet, as Set.of refuses duplicates
        Set<Expr.BinaryOp> ops = EnumSet.of(p.op(), qop);
        boolean equal = b.op() == Expr.BinaryOp.CAND && ops.equals(EnumSet.of(Expr.BinaryOp.GE, Expr.BinaryOp.LE));
        boolean unequal = b.op() == Expr.BinaryOp.COR && ops.equals(EnumSet.of(Expr.BinaryOp.LT, Expr.BinaryOp.GT));
        return equal || unequal ? new Expr.Binary(equal ? Expr.BinaryOp.EQ : Expr.BinaryOp.NE, p.left(), p.right(),
                JType.BOOLEAN, b.pos()) : null;
    }

    /**
     * {@code e} as an ordered comparison of doubles: itself; a negated one, {@code !(u < v)}, as
     * {@code u >= v} (they differ at NaN only, where no neighbourhood differs); {@code c < 0} of an
     * int whose one value is {@code Double.compare(u, v)}, as {@code u < v}; else null.
     */
    private Expr.Binary ordered(Expr e) {
        if (e instanceof Expr.Unary n && n.op() == Expr.UnaryOp.NOT && n.operand() instanceof Expr.Binary b
                && orderedSides(b)) {
            return new Expr.Binary(complement(b.op()), b.left(), b.right(), JType.BOOLEAN, b.pos());
        }
        if (!(e instanceof Expr.Binary b)) {
            return null;
        }
        Expr stored = zero(b.right()) && b.left() instanceof Expr.Read ? compared(b.left())
                : zero(b.left()) && b.right() instanceof Expr.Read ? compared(b.right()) : null;
        Expr.Call compare = stored instanceof Expr.Call c && isCompare(c) ? c : null;
        if (compare != null && isOrdered(b.op())) {
            Expr.BinaryOp op = zero(b.right()) ? b.op() : flipped(b.op());
            Expr.Binary read = new Expr.Binary(op, compare.args().get(0), compare.args().get(1), JType.BOOLEAN, b.pos());
            return orderedSides(read) ? read : null;
        }
        return orderedSides(b) ? b : null;
    }

    private static boolean isOrdered(Expr.BinaryOp op) {
        return op == Expr.BinaryOp.LT || op == Expr.BinaryOp.LE || op == Expr.BinaryOp.GT || op == Expr.BinaryOp.GE;
    }

    /** The ordered comparison that holds where {@code op}'s fails (NaN aside): {@code <} for {@code >=}. */
    private static Expr.BinaryOp complement(Expr.BinaryOp op) {
        return switch (op) {
            case LT -> Expr.BinaryOp.GE;
            case LE -> Expr.BinaryOp.GT;
            case GT -> Expr.BinaryOp.LE;
            case GE -> Expr.BinaryOp.LT;
            default -> op;
        };
    }

    /** An ordered comparison of doubles (one side may be an int, made a double) that calls and assigns nothing. */
    private static boolean orderedSides(Expr.Binary b) {
        return isOrdered(b.op()) && (b.left().type().isDouble() || b.right().type().isDouble())
                && !Exprs.any(b, n -> n instanceof Expr.Call || n instanceof Expr.Assignment || n instanceof Expr.New
                        || n instanceof Expr.SwitchExpr);
    }

    /** {@code op} with its sides swapped: {@code a < b} is {@code b > a}. */
    private static Expr.BinaryOp flipped(Expr.BinaryOp op) {
        return switch (op) {
            case LT -> Expr.BinaryOp.GT;
            case LE -> Expr.BinaryOp.GE;
            case GT -> Expr.BinaryOp.LT;
            case GE -> Expr.BinaryOp.LE;
            default -> op;
        };
    }

    /** The constant 0 (0, 0.0 or -0.0). */
    private static boolean zero(Expr e) {
        Double c = Exprs.constant(e);
        return c != null && c == 0.0;
    }

    /**
     * {@code u % c} of a differentiated u by a positive constant c: below a {@link #wholeTolerance}
     * it tests u for a whole multiple of c (SSJ's {@code beta % 1.0 < 1.0e-100}), an equality.
     */
    private boolean remainderOfCarried(Expr e) {
        if (!(e instanceof Expr.Binary b) || b.op() != Expr.BinaryOp.REM) {
            return false;
        }
        Double c = Exprs.constant(b.right());
        return c != null && c > 0 && carriesNumber(b.left());
    }

    /**
     * A constant in (0, 1e-30]: the remainder of a double near a whole number by 1 is 0 or at least its
     * ulp (2⁻⁵² of it), so below this it is 0, or u itself is below it.
     */
    private static boolean wholeTolerance(Expr e) {
        Double c = Exprs.constant(e);
        return c != null && c > 0 && c <= 1e-30;
    }

    /**
     * Whether {@code e} tests a differentiated value against a small tolerance: {@code |u| < c} (or
     * {@code <=}, or the other way round) with c a constant in (Double.MIN_NORMAL, 1e-6], or such a
     * constant times something ({@code 1e-8 * (1 + |f|)}). Inside that band the branch taken often
     * computes the general formula's limit (an at-the-money formula), whose derivative drops u.
     */
    public boolean testsTolerance(Expr e) {
        if (!(e instanceof Expr.Binary b)) {
            return false;
        }
        boolean less = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
        boolean greater = b.op() == Expr.BinaryOp.GT || b.op() == Expr.BinaryOp.GE;
        return less && absOfCarried(b.left()) && smallTolerance(b.right())
                || greater && absOfCarried(b.right()) && smallTolerance(b.left());
    }

    private static boolean smallTolerance(Expr e) {
        Double c = Exprs.constant(e);
        if (c != null) {
            return c > Double.MIN_NORMAL && c <= 1e-6;
        }
        return e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL
                && (smallTolerance(b.left()) || smallTolerance(b.right()));
    }

    /** The value an equality test {@link #testsEquality} takes at every point near one where it holds. */
    public static boolean nearby(Expr.Binary test) {
        return switch (test.op()) {
            case EQ, CAND -> false; // Double.compare(u, v) == 0 as u == v; u >= v && u <= v
            case NE, COR -> true;
            // |u| < c fails nearby, and so does c > |u|; u % 1.0 < c too
            case LT, LE -> !measured(test.left());
            default -> measured(test.left());
        };
    }

    /** The measured side of an ordered equality test: |u|, or u % c. */
    private static boolean measured(Expr e) {
        return e instanceof Expr.MathCall || e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.REM;
    }

    private boolean absOfCarried(Expr e) {
        return e instanceof Expr.MathCall m && m.function() == MathFunction.ABS
                && carriesNumber(m.args().get(0));
    }

    /** A constant in (0, Double.MIN_NORMAL]: below it, a difference of two doubles near each other is 0. */
    private static boolean tiny(Expr e) {
        Double c = Exprs.constant(e);
        return c != null && c > 0 && c <= Double.MIN_NORMAL;
    }

    /** Whether {@code e} is a differentiated number (an array's identity is no value to differentiate). */
    private boolean carriesNumber(Expr e) {
        return e.type().isDouble() && carries(e);
    }

    private static Expr unstopped(Expr e) {
        return e instanceof Expr.StopGradient s ? s.operand() : e;
    }

    private static boolean nonFinite(Expr e) {
        return e instanceof Expr.Const c && c.value() instanceof Number n && !Double.isFinite(n.doubleValue());
    }

    /** Whether {@code e} reads a varied variable at all, whatever the operations in between. */
    public boolean dependsOnVaried(Expr e) {
        boolean[] found = {false};
        Exprs.reads(e, v -> found[0] |= v.type.isDifferentiable() && varied.contains(v));
        return found[0];
    }

    public boolean isVaried(Var v) {
        return varied.contains(v);
    }

    public boolean isUseful(Var v) {
        return useful.contains(v);
    }

    /** Whether a variable gets an adjoint: a double or double[] both varied and useful. */
    public boolean isActive(Var v) {
        return v.type.isDifferentiable() && varied.contains(v) && useful.contains(v);
    }

    /** Marks a variable the differentiators add (a temporary holding a varied, useful value). */
    public void addActive(Var v) {
        varied.add(v);
        useful.add(v);
    }

    /** The helpers (by key) whose inlined bodies carry derivatives: none of them when empty. */
    public Map<String, Boolean> helperActivity() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        helpers.keySet().forEach(k -> out.put(k, carryingHelpers.contains(k)));
        return out;
    }
}
