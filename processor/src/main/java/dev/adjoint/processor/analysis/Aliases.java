package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local arrays that are only a second name for another array: {@code final double[] center =
 * this.center;} or {@code double[] w = weights;}, as object-oriented numerical code writes before a
 * loop. Such a local is that array for as long as it lives when neither name is ever assigned
 * another array: the normal form uses the array itself in its place ({@code normalize.Normalizer}),
 * and the fence does not refuse it as an alias. A second name for an input (a parameter, a field)
 * must be read only, through its elements, its length and for-each: the method's plan, read from
 * its source, knows the inputs it writes only by the names it can follow. One for an array the
 * method creates itself may also be written through and passed on. One of a name assigned anew
 * stays refused.
 */
public final class Aliases {

    private Aliases() {}

    /** Each such local of {@code body} (at any depth), mapped to the array it names (resolved through chains). */
    public static Map<Var, Var> of(List<Stmt> body) {
        Map<Var, Var> candidates = new HashMap<>();
        Set<Var> otherwise = new HashSet<>();
        Set<Var> assigned = new HashSet<>();
        scan(body, candidates, otherwise, assigned);
        // the local arrays the method creates itself: a second name may write them, as the first may
        Set<Var> created = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d && (d.init() instanceof Expr.NewArray || d.init() instanceof Expr.ArrayLit)) {
                created.add(d.var());
            }
        }
        Map<Var, Var> out = new HashMap<>();
        for (Map.Entry<Var, Var> c : candidates.entrySet()) {
            Var root = c.getValue();
            boolean linksKept = !assigned.contains(c.getKey()) && !assigned.contains(root);
            for (int guard = 0; candidates.containsKey(root) && guard < candidates.size(); guard++) {
                root = candidates.get(root);
                linksKept &= !assigned.contains(root);
            }
            if (linksKept && (!otherwise.contains(c.getKey()) || created.contains(root))) {
                out.put(c.getKey(), c.getValue());
            }
        }
        // a chain (double[] a = b; double[] c = a;) names the first array
        for (Map.Entry<Var, Var> e : out.entrySet()) {
            Var named = e.getValue();
            for (int guard = 0; out.containsKey(named) && guard < out.size(); guard++) {
                named = out.get(named);
            }
            e.setValue(named);
        }
        return out;
    }

    /**
     * Collects the candidates ({@code double[] a = b;}) of {@code body}; into {@code assigned} the
     * variables assigned; into {@code otherwise} the array variables written through or used other
     * than through their elements, their length and for-each (a candidate's initialiser is its link,
     * no such use).
     * The array a candidate names may be used in any way, but not assigned.
     */
    private static void scan(List<Stmt> body, Map<Var, Var> candidates, Set<Var> otherwise, Set<Var> assigned) {
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d && d.var().type.isArray() && d.init() instanceof Expr.Read r
                    && r.var().type.isArray()) {
                candidates.put(d.var(), r.var());
                continue;
            }
            if (s instanceof Stmt.Assign a) {
                assigned.add(a.var());
            }
            for (Expr e : Stmts.exprs(s)) {
                if (!(s instanceof Stmt.ForEach f && f.array() == e && e instanceof Expr.Read)) { // for-each reads
                    uses(e, candidates, otherwise, assigned);
                }
            }
        }
    }

    private static void uses(Expr e, Map<Var, Var> candidates, Set<Var> otherwise, Set<Var> assigned) {
        if (e instanceof Expr.SwitchExpr w) {
            scan(List.of(w.statement()), candidates, otherwise, assigned);
            return;
        }
        if (e instanceof Expr.ArrayRead a) {
            if (!(a.array() instanceof Expr.Read)) {
                uses(a.array(), candidates, otherwise, assigned);
            }
            uses(a.index(), candidates, otherwise, assigned);
            return;
        }
        if (e instanceof Expr.Length n && n.array() instanceof Expr.Read) {
            return;
        }
        if (e instanceof Expr.Assignment a) {
            if (a.target() instanceof Expr.Read r) {
                assigned.add(r.var());
            } else if (a.target() instanceof Expr.ArrayRead t && t.array() instanceof Expr.Read r) {
                otherwise.add(r.var()); // written through
            }
        }
        if (e instanceof Expr.Read r) {
            if (r.var().type.isArray()) {
                otherwise.add(r.var());
            }
            return;
        }
        for (Expr c : Exprs.children(e)) {
            uses(c, candidates, otherwise, assigned);
        }
    }
}
