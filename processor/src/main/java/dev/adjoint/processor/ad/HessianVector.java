package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.UnaryOp;
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
 * The body of {@code fHvp}: {@code fPullbackTangent}'s with what a Hessian-vector product does not
 * need taken out, as a hand-written one would be. {@code fPullbackTangent(..., seed, dSeed, into,
 * dInto)} adds seed·∇f into {@code into}, dSeed·∇f + seed·H·v into {@code dInto} and returns ∇f·v;
 * H·v is the case seed = 1, dSeed = 0 with only {@code dInto} kept. So:
 * <ul>
 *   <li>{@code seed} becomes 1 and {@code dSeed} 0, and the terms 0 makes vanish go: a product with
 *       a factor 0, a sum's 0 term. These terms are dSeed·(partial) of the first-order adjoints,
 *       exactly 0 in the product H·v (they differ only where the gradient itself is infinite or NaN,
 *       where 0·∞ would make H·v NaN);</li>
 *   <li>the writes into the gradient holder {@code into} go, and so does the returned ∇f·v;</li>
 *   <li>then whatever computed only those (the first-order adjoints of the inputs, the primal's
 *       value, its tangent) is dead and goes, when computing it has no effect.</li>
 * </ul>
 * What stays is the forward sweep with its tangents and the reverse sweep with its tangents, each
 * first-order adjoint kept where a second-order term reads it.
 */
public final class HessianVector {

    private HessianVector() {}

    /**
     * The body of {@code fHvp} from {@code fPullbackTangent}'s, or null when the gradient holder
     * {@code into} is used for more than the writes of the gradient into it (then {@code fHvp} goes
     * through {@code fPullbackTangent} with a holder of its own).
     */
    public static List<Stmt> body(List<Stmt> pullbackTangent, Var seed, Var dSeed, Var into) {
        Set<Var> gradient = new HashSet<>();
        gradient.add(into);
        // the holder's arrays read into locals (double[] _d_w = into.w) are the gradient too
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stmt s : Stmts.all(pullbackTangent)) {
                if (s instanceof Stmt.Declare d && d.init() != null && rootedIn(d.init(), gradient)
                        && gradient.add(d.var())) {
                    grew = true;
                }
            }
        }
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < pullbackTangent.size(); i++) {
            Stmt s = pullbackTangent.get(i);
            if (s instanceof Stmt.Return) {
                if (i != pullbackTangent.size() - 1) {
                    return null;
                }
                continue; // ∇f·v: fHvp does not return it
            }
            out.add(s);
        }
        boolean[] nestedReturn = {false};
        Stmts.forEach(out, s -> nestedReturn[0] |= s instanceof Stmt.Return);
        if (nestedReturn[0]) {
            return null;
        }
        out = drop(out, s -> writesInto(s, gradient));
        // seed 1 and dSeed 0, then every double declared once as a constant (-1.0 for the seed's
        // negation, 0.0 for its tangent), read as that constant, until the folding finds none
        Map<Var, Expr> constants = new HashMap<>();
        constants.put(seed, Algebra.lit(1.0));
        constants.put(dSeed, Algebra.lit(0.0));
        while (true) {
            out = drop(Stmts.mapAll(out, s -> substitute(s, constants)), s -> s == null);
            Map<Var, Integer> definitions = new HashMap<>();
            Stmts.forEach(out, s -> {
                Var v = defined(s);
                if (v != null) {
                    definitions.merge(v, 1, Integer::sum);
                }
            });
            Map<Var, Expr> found = new HashMap<>();
            Stmts.forEach(out, s -> {
                if (s instanceof Stmt.Declare d && d.var().type.isDouble() && d.init() != null
                        && Exprs.constant(d.init()) != null && definitions.get(d.var()) == 1
                        && !constants.containsKey(d.var())) {
                    found.put(d.var(), Algebra.lit(Exprs.constant(d.init())));
                }
            });
            if (found.isEmpty()) {
                break;
            }
            constants.putAll(found); // their declarations stay for any read left (a condition's): unread, they go
        }
        boolean[] read = {false};
        Stmts.forEachExpr(out, e -> Exprs.reads(e, v -> read[0] |= gradient.contains(v)));
        if (read[0]) {
            return null;
        }
        // seed and dSeed as locals, for a read the substitution did not reach (a clean-up drops them when unread)
        List<Stmt> withSeeds = new ArrayList<>();
        withSeeds.add(new Stmt.Declare(seed, Algebra.lit(1.0), null, null));
        withSeeds.add(new Stmt.Declare(dSeed, Algebra.lit(0.0), null, null));
        withSeeds.addAll(dropDead(out));
        return Cleanup.run(withSeeds);
    }

    /** Whether {@code s} writes the gradient: an element or field of the holder or of one of its arrays. */
    private static boolean writesInto(Stmt s, Set<Var> gradient) {
        if (s instanceof Stmt.Declare d) {
            return gradient.contains(d.var());
        }
        if (s instanceof Stmt.Accumulate a) {
            return rootedIn(a.target(), gradient) && pure(a.delta());
        }
        if (s instanceof Stmt.Put p) {
            return rootedIn(p.target(), gradient) && pure(p.value());
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return rootedIn(w.array(), gradient) && pure(w.index()) && pure(w.value());
        }
        return false;
    }

    /** Whether {@code e} is one of {@code vars}, or a field or element of one (at any depth). */
    private static boolean rootedIn(Expr e, Set<Var> vars) {
        if (e instanceof Expr.Read r) {
            return vars.contains(r.var());
        }
        if (e instanceof Expr.FieldGet f) {
            return rootedIn(f.target(), vars);
        }
        if (e instanceof Expr.ArrayRead a) {
            return rootedIn(a.array(), vars);
        }
        return false;
    }

    // ---------------------------------------------------------------- seed 1, dSeed 0

    private static Stmt substitute(Stmt s, Map<Var, Expr> constants) {
        Stmt[] out = {s};
        if (s instanceof Stmt.Declare d && d.init() != null) {
            out[0] = new Stmt.Declare(d.var(), fold(d.init(), constants), d.pos(), d.source());
        } else if (s instanceof Stmt.Assign a) {
            out[0] = new Stmt.Assign(a.var(), fold(a.value(), constants), a.pos(), a.source());
        } else if (s instanceof Stmt.Accumulate a) {
            Expr delta = fold(a.delta(), constants);
            out[0] = isZero(delta) ? null : new Stmt.Accumulate(a.target(), delta);
        } else if (s instanceof Stmt.Put p) {
            out[0] = new Stmt.Put(p.target(), fold(p.value(), constants));
        } else if (s instanceof Stmt.ArrayWrite w) {
            out[0] = new Stmt.ArrayWrite(w.array(), w.index(), fold(w.value(), constants), w.pos(), w.source());
        } else if (s instanceof Stmt.Push p) {
            out[0] = new Stmt.Push(fold(p.value(), constants));
        } else if (s instanceof Stmt.Eval e) {
            out[0] = new Stmt.Eval(fold(e.expr(), constants), e.pos(), e.source());
        }
        return out[0];
    }

    /**
     * {@code e} with the constants' reads replaced (seed 1, dSeed 0), folded bottom-up: 1·a = a exactly,
     * and a term with a factor 0 dropped (see the class comment for why that is H·v's value).
     */
    private static Expr fold(Expr e, Map<Var, Expr> constants) {
        if (e instanceof Expr.Read r) {
            return constants.getOrDefault(r.var(), e);
        }
        Expr m = Exprs.map(e, c -> fold(c, constants));
        if (m == e) {
            return e;
        }
        if (m instanceof Expr.Binary b && b.type().isDouble()) {
            if (b.op() == BinaryOp.MUL && (isZero(b.left()) || isZero(b.right()))
                    || b.op() == BinaryOp.DIV && isZero(b.left())) {
                return Algebra.lit(0.0);
            }
            if ((b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB) && isZero(b.right())) {
                return b.left();
            }
            if (b.op() == BinaryOp.ADD && isZero(b.left())) {
                return b.right();
            }
            if (b.op() == BinaryOp.SUB && isZero(b.left())) {
                return Algebra.neg(b.right());
            }
        }
        if (m instanceof Expr.Unary u && u.op() == UnaryOp.NEG && isZero(u.operand())) {
            return Algebra.lit(0.0);
        }
        if (m instanceof Expr.Cond c && c.type().isDouble() && isZero(c.then()) && isZero(c.otherwise())) {
            return Algebra.lit(0.0);
        }
        return Algebra.simplify(m);
    }

    private static boolean isZero(Expr e) {
        Double c = Exprs.constant(e);
        return c != null && c == 0.0;
    }

    // ---------------------------------------------------------------- what only the dropped results needed

    /**
     * Drops, until none is left, the statements that only compute a variable nothing reads (a
     * declaration, an assignment, a {@code +=}) when computing it has no effect.
     */
    private static List<Stmt> dropDead(List<Stmt> body) {
        List<Stmt> out = body;
        while (true) {
            // a variable's own update (f += e, f = f + e) is not a read that keeps it
            Set<Var> readByValues = new HashSet<>();
            Stmts.forEach(out, s -> {
                Var v = defined(s);
                valuesOf(s).forEach(e -> Exprs.reads(e, r -> {
                    if (r != v) {
                        readByValues.add(r);
                    }
                }));
            });
            Set<Var> dead = new HashSet<>();
            Stmts.forEach(out, s -> {
                Var v = defined(s);
                if (v != null && !readByValues.contains(v) && v.role != Var.Role.HOLDER && valuesOf(s).stream()
                        .allMatch(HessianVector::pure)) {
                    dead.add(v);
                }
            });
            // a variable some statement of effect also defines stays
            Stmts.forEach(out, s -> {
                Var v = defined(s);
                if (v != null && !valuesOf(s).stream().allMatch(HessianVector::pure)) {
                    dead.remove(v);
                }
            });
            if (dead.isEmpty()) {
                return out;
            }
            out = drop(out, s -> dead.contains(defined(s)));
        }
    }

    /**
     * {@code list} without the statements {@code gone} holds for, at any depth; a branch left empty
     * on both sides goes too.
     */
    private static List<Stmt> drop(List<Stmt> list, java.util.function.Predicate<Stmt> gone) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (gone.test(s)) {
                continue;
            }
            Stmt kept = Stmts.mapBlocks(s, inner -> drop(inner, gone));
            if (kept instanceof Stmt.If i && onlyComments(i.then()) && onlyComments(i.otherwise())
                    && pure(i.condition())) {
                continue;
            }
            out.add(kept);
        }
        return out;
    }

    private static boolean onlyComments(List<Stmt> list) {
        return list == null || list.stream().allMatch(s -> s instanceof Stmt.Comment);
    }

    /** The variable {@code s} writes as a whole (a declaration, an assignment, {@code v += d}), or null. */
    private static Var defined(Stmt s) {
        if (s instanceof Stmt.Declare d && d.var().type.isDouble()) {
            return d.var();
        }
        if (s instanceof Stmt.Assign a && a.var().type.isDouble()) {
            return a.var();
        }
        if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Read r && r.var().type.isDouble()) {
            return r.var();
        }
        return null;
    }

    /** The expressions {@code s} evaluates, its written variable (as a target) aside. */
    private static List<Expr> valuesOf(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.init() == null ? List.of() : List.of(d.init());
        }
        if (s instanceof Stmt.Assign a) {
            return List.of(a.value());
        }
        if (s instanceof Stmt.Accumulate a) {
            if (a.target() instanceof Expr.Read) {
                return List.of(a.delta());
            }
            return List.of(a.target(), a.delta());
        }
        return Stmts.exprs(s);
    }

    /** Whether evaluating {@code e} has no effect and cannot throw: arithmetic of doubles, {@code Math}, reads of locals. */
    private static boolean pure(Expr e) {
        return !Exprs.any(e, x -> !(x instanceof Expr.Read || x instanceof Expr.Const || x instanceof Expr.MathCall
                || x instanceof Expr.Cond || x instanceof Expr.Cast
                || x instanceof Expr.Unary
                || x instanceof Expr.Binary b && !((b.op() == BinaryOp.DIV || b.op() == BinaryOp.REM)
                        && !b.type().isDouble())
                || x instanceof Expr.StaticGet));
    }
}
