package dev.adjoint.processor.normalize;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Values computed before a branch and read in one of its sides only are computed in that side.
 * Real code often computes first and checks after ({@code double r = Math.sqrt(x) * s; if (x <= 0)
 * return 0; return r;}); the reverse sweep would then take the adjoint of {@code r}, 0 on the path
 * that returns 0, times its partial derivatives, NaN at {@code x < 0}: 0·NaN made the gradient NaN
 * where the function is a constant 0, and where a tape (which never sees {@code r} on that path)
 * gives 0. Moved into the side that reads it, the value is computed, and differentiated, only on
 * the paths that use it, as on a tape.
 *
 * <p>So does an assignment ({@code double t = 1.0; t = Math.pow(x, x); if (x == -2) return 1; ...})
 * whose variable the method reads nowhere but in that side: the value it had before is then read by
 * no path, in a loop's next step neither.
 *
 * <p>Only a declaration or assignment whose value can neither throw nor have an effect moves (arithmetic other than
 * integer division, {@code Math} functions of primitives, casts between primitives, reads of
 * locals and static fields): computing it later, on fewer paths, gives the same value bit for bit
 * where it is computed and changes nothing where it is not. It moves past the statements that
 * neither read nor write its variable nor write a variable it reads, into the side of the first
 * {@code if} that reads it, when the other side, the condition and the statements after that
 * {@code if} do not read it; otherwise it stays where it is (no reordering for its own sake).
 */
final class Sink {

    static List<Stmt> run(List<Stmt> body) {
        return new Sink(body).block(body);
    }

    /** The method's whole body: where else an assigned variable is read. */
    private final List<Stmt> method;

    private Sink(List<Stmt> method) {
        this.method = method;
    }

    private List<Stmt> block(List<Stmt> in) {
        List<Stmt> list = new ArrayList<>(in.size());
        for (Stmt s : in) {
            list.add(Stmts.mapBlocks(s, this::block));
        }
        for (int i = list.size() - 1; i >= 0; i--) {
            Stmt d = list.get(i);
            Var var = d instanceof Stmt.Declare || d instanceof Stmt.Assign ? Stmts.target(d) : null;
            Expr value = var == null ? null : Stmts.value(d);
            if (value == null || !movable(value) || d instanceof Stmt.Assign && Exprs.readsVar(value, var)) {
                continue;
            }
            Set<Var> self = Set.of(var);
            Set<Var> guarded = new HashSet<>(self); // neither it nor what it reads may change before it moves
            Exprs.reads(value, guarded::add);
            int j = i + 1;
            while (j < list.size() && !touches(List.of(list.get(j)), var, guarded)) {
                j++;
            }
            if (j == list.size() || touches(list.subList(j + 1, list.size()), var, self)) {
                continue; // read after the first statement that touches it: it cannot move into one side
            }
            List<Stmt> split = choiceAsIf(list.get(j), var);
            if (split != null) {
                list.remove(j);
                list.addAll(j, split);
                j += split.size() - 1;
            }
            if (!(list.get(j) instanceof Stmt.If f) || Exprs.readsVar(f.condition(), var) || hasSwitch(f.condition())
                    || assigns(f.condition(), guarded)) {
                continue;
            }
            boolean inThen = touches(f.then(), var, self);
            if (inThen == touches(f.otherwise(), var, self)
                    || d instanceof Stmt.Assign && reads(method, var) != reads(inThen ? f.then() : f.otherwise(), var)) {
                continue;
            }
            Stmt moved = inThen
                    ? new Stmt.If(f.condition(), block(prepend(d, f.then())), f.otherwise(), f.pos(), f.source())
                    : new Stmt.If(f.condition(), f.then(), block(prepend(d, f.otherwise())), f.pos(), f.source());
            list.set(j, moved);
            list.remove(i);
        }
        return list;
    }

    /**
     * {@code t = c ? a : b} as {@code if (c) t = a; else t = b;} when only one of {@code a} and
     * {@code b} reads {@code v} (and {@code c} does not), so that {@code v} can move into that side;
     * else null.
     */
    private static List<Stmt> choiceAsIf(Stmt s, Var v) {
        Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
        if (target == null || !(Stmts.value(s) instanceof Expr.Cond c) || Exprs.readsVar(c.condition(), v)
                || hasSwitch(c) || Exprs.readsVar(c.then(), v) == Exprs.readsVar(c.otherwise(), v)) {
            return null;
        }
        Position pos = s instanceof Stmt.Declare d ? d.pos() : ((Stmt.Assign) s).pos();
        String source = Stmts.source(s);
        Stmt.If choice = new Stmt.If(c.condition(), List.of(new Stmt.Assign(target, c.then(), pos, source)),
                List.of(new Stmt.Assign(target, c.otherwise(), pos, source)), c.pos(), null);
        return s instanceof Stmt.Declare ? List.of(new Stmt.Declare(target, Exprs.defaultValue(target.type), null, null),
                choice) : List.of(choice);
    }

    /** How many expressions of {@code list}, at any depth, read {@code v}. */
    private static int reads(List<Stmt> list, Var v) {
        int[] n = {0};
        Stmts.forEach(list, s -> {
            for (Expr e : Stmts.exprs(s)) {
                n[0] += Exprs.readsVar(e, v) ? 1 : 0;
            }
        });
        return n[0];
    }

    private static List<Stmt> prepend(Stmt s, List<Stmt> list) {
        List<Stmt> out = new ArrayList<>(list.size() + 1);
        out.add(s);
        out.addAll(list);
        return out;
    }

    /**
     * Whether {@code e} can be computed later, on fewer paths, without a difference anyone sees: no
     * effect, no exception, no object read.
     */
    private static boolean movable(Expr e) {
        return !Exprs.any(e, n -> !movableNode(n));
    }

    private static boolean movableNode(Expr n) {
        if (n instanceof Expr.Const || n instanceof Expr.Read || n instanceof Expr.Unary || n instanceof Expr.Cond) {
            return true;
        }
        if (n instanceof Expr.StaticGet g) {
            return primitive(g.type());
        }
        if (n instanceof Expr.Binary b) {
            boolean division = b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM;
            return !division || b.type().isDouble() || b.type().sameAs(JType.FLOAT);
        }
        if (n instanceof Expr.Cast c) {
            return primitive(c.type()) && primitive(c.operand().type());
        }
        if (n instanceof Expr.MathCall m) {
            return primitive(m.type()) && m.args().stream().allMatch(a -> primitive(a.type()));
        }
        return false;
    }

    private static boolean primitive(JType t) {
        return t != null && t.isPrimitive();
    }

    /** Whether a statement of {@code list}, at any depth, reads {@code v} or writes one of {@code written}. */
    private static boolean touches(List<Stmt> list, Var v, Set<Var> written) {
        boolean[] found = {false};
        Stmts.forEach(list, s -> {
            for (Expr e : Stmts.exprs(s)) {
                found[0] |= Exprs.readsVar(e, v) || hasSwitch(e);
            }
        });
        return found[0] || writesAny(list, written);
    }

    private static boolean writesAny(List<Stmt> list, Set<Var> vars) {
        boolean[] found = {false};
        Stmts.forEach(list, s -> {
            Var target = Stmts.target(s);
            if (target != null && !(s instanceof Stmt.ArrayWrite) && vars.contains(target)) {
                found[0] = true;
            }
            for (Expr e : Stmts.exprs(s)) {
                found[0] |= assigns(e, vars);
            }
        });
        return found[0];
    }

    /** Whether {@code e} assigns one of {@code vars} inside it ({@code x == (y = 2 * x)}). */
    private static boolean assigns(Expr e, Set<Var> vars) {
        return Exprs.any(e, n -> n instanceof Expr.Assignment a && a.target() instanceof Expr.Read r
                && vars.contains(r.var()));
    }

    private static boolean hasSwitch(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.SwitchExpr);
    }
}
