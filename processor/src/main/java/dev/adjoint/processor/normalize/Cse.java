package dev.adjoint.processor.normalize;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Rename;
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
 * Common subexpressions, once: in the normal form every intermediate has a name, so a value
 * computed again ({@code sigma * sqrtT} in both {@code d1} and {@code d2}, {@code x[i] * x[i]})
 * reuses the first name instead. An expression is available after its declaration until a
 * variable it reads is assigned (an element it reads is written, a call may write one); inside a
 * branch it stays available, after the branch only if the branch did not invalidate it; inside a
 * loop only if the loop does not. Only pure operations are shared: arithmetic, {@code Math}
 * functions, element reads and lengths, casts. The values are the same bit for bit.
 */
final class Cse {

    /** An available value: the variable holding it, the variables it reads, whether it reads an element. */
    private record Available(Var var, Set<Var> reads, boolean element) {}

    private final Map<Var, Var> renames = new HashMap<>();

    private Cse() {}

    static List<Stmt> run(List<Stmt> body) {
        Cse cse = new Cse();
        List<Stmt> out = cse.block(body, new HashMap<>());
        return cse.renames.isEmpty() ? out : Rename.substitute(out, cse.renames);
    }

    private List<Stmt> block(List<Stmt> body, Map<String, Available> available) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            Stmt kept = statement(s, available);
            if (kept != null) {
                out.add(kept);
            }
        }
        return out;
    }

    /** The statement as it stays (null when it goes), updating what is available after it. */
    private Stmt statement(Stmt s, Map<String, Available> available) {
        if (s instanceof Stmt.Declare d && d.init() != null && pure(d.init())) {
            Expr init = Rename.substitute(d.init(), renames);
            String key = key(init);
            Available before = available.get(key);
            invalidate(available, Set.of(d.var()), false);
            if (before != null && before.var().type.sameAs(d.var().type)) {
                if (d.var().role == Var.Role.TEMP && before.var().role == Var.Role.TEMP) {
                    // names of the normal form are assigned once: the earlier stands for this one everywhere
                    renames.put(d.var(), before.var());
                    return null;
                }
                // a user's variable, or a value a user's variable holds (it may change later): a copy here
                return new Stmt.Declare(d.var(), new Expr.Read(before.var()), d.pos(), d.source());
            }
            if (key != null) {
                Set<Var> reads = new HashSet<>();
                Exprs.reads(init, reads::add);
                available.put(key, new Available(d.var(), reads, Exprs.any(init, n -> n instanceof Expr.ArrayRead)));
            }
            return d;
        }
        if (s instanceof Stmt.If f) {
            Stmt out = new Stmt.If(f.condition(), block(f.then(), new HashMap<>(available)),
                    block(f.otherwise(), new HashMap<>(available)), f.pos(), f.source());
            effects(List.of(f), available);
            return out;
        }
        if (s instanceof Stmt.Loop l) {
            // what the loop changes is not available in it (a next iteration sees the change)
            effects(List.of(l), available);
            Map<String, Available> inside = new HashMap<>(available);
            return new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), block(l.body(), inside),
                    l.doWhile(), l.pos(), l.source());
        }
        if (s instanceof Stmt.Block b) {
            Stmt out = new Stmt.Block(b.label(), block(b.body(), new HashMap<>(available)));
            effects(List.of(b), available);
            return out;
        }
        effects(List.of(s), available);
        return s;
    }

    /** Removes what the statements (nested ones included) may change from {@code available}. */
    private static void effects(List<Stmt> stmts, Map<String, Available> available) {
        Set<Var> assigned = new HashSet<>();
        boolean elements = false;
        for (Stmt t : Stmts.all(stmts)) {
            Var target = t instanceof Stmt.Declare d ? d.var() : t instanceof Stmt.Assign a ? a.var() : null;
            if (target != null) {
                assigned.add(target);
            }
            elements |= t instanceof Stmt.ArrayWrite || t instanceof Stmt.Accumulate || t instanceof Stmt.Put;
            for (Expr e : Stmts.exprs(t)) {
                elements |= Exprs.any(e, n -> n instanceof Expr.Assignment
                        || n instanceof Expr.Call c && !(c.callee() instanceof Callee.Opaque o && o.readOnly()));
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                        assigned.add(Exprs.var(a.target()));
                    }
                });
            }
        }
        invalidate(available, assigned, elements);
    }

    private static void invalidate(Map<String, Available> available, Set<Var> assigned, boolean elements) {
        available.values().removeIf(a -> assigned.contains(a.var()) || a.reads().stream().anyMatch(assigned::contains)
                || (elements && a.element()));
    }

    /** Whether {@code e} is a pure operation worth sharing: no effect, no exception beyond the primal's own. */
    private static boolean pure(Expr e) {
        if (e instanceof Expr.Read || e instanceof Expr.Const) {
            return false; // a copy: nothing to share
        }
        return !Exprs.any(e, n -> !(n instanceof Expr.Read || n instanceof Expr.Const || n instanceof Expr.Binary
                || n instanceof Expr.Unary || n instanceof Expr.Cast || n instanceof Expr.MathCall
                || n instanceof Expr.ArrayRead || n instanceof Expr.Length || n instanceof Expr.StaticGet));
    }

    /**
     * A key equal for the same computation on the same variables: operators, functions, types,
     * constants and variables by identity; null for what is not shared.
     */
    static String key(Expr e) {
        StringBuilder out = new StringBuilder();
        return key(e, out) ? out.toString() : null;
    }

    private static boolean key(Expr e, StringBuilder out) {
        if (e instanceof Expr.Read r) {
            out.append('v').append(r.var().id());
            return true;
        }
        if (e instanceof Expr.Const c) {
            out.append('c').append(c.type()).append(':').append(c.value() instanceof Double d
                    ? Double.doubleToRawLongBits(d) : c.value());
            return true;
        }
        if (e instanceof Expr.StaticGet g) {
            out.append('s').append(g.owner().qualifiedName()).append('.').append(g.name());
            return true;
        }
        String head = e instanceof Expr.Binary b ? "b" + b.op() + b.type()
                : e instanceof Expr.Unary u ? "u" + u.op() + u.type()
                : e instanceof Expr.Cast c ? "t" + c.type()
                : e instanceof Expr.MathCall m ? "m" + m.function() + m.strict() + m.via()
                : e instanceof Expr.ArrayRead a ? "a" + a.type()
                : e instanceof Expr.Length ? "l" : null;
        if (head == null) {
            return false;
        }
        out.append('(').append(head);
        for (Expr c : Exprs.children(e)) {
            out.append(' ');
            if (!key(c, out)) {
                return false;
            }
        }
        out.append(')');
        return true;
    }
}
