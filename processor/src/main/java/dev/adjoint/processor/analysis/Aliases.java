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

    /** Each such local of {@code body} (at any depth), mapped to the array it names (the first of a chain). */
    public static Map<Var, Var> of(List<Stmt> body) {
        Scan scan = new Scan();
        scan.statements(body);
        Map<Var, Var> out = new HashMap<>();
        for (Map.Entry<Var, Var> c : scan.candidates.entrySet()) {
            // a chain (double[] a = b; double[] c = a;) names the first array, one object while no link is assigned
            Var root = c.getValue();
            boolean linksKept = !scan.assigned.contains(c.getKey()) && !scan.assigned.contains(root);
            for (int guard = 0; scan.candidates.containsKey(root) && guard < scan.candidates.size(); guard++) {
                root = scan.candidates.get(root);
                linksKept &= !scan.assigned.contains(root);
            }
            if (linksKept && !scan.inSwitchExpr.contains(c.getKey())
                    && (!scan.otherwise.contains(c.getKey()) || scan.created.contains(root))) {
                out.put(c.getKey(), root);
            }
        }
        return out;
    }

    /**
     * What a body (its switch expressions' statements too) does with its array variables: the
     * candidates ({@code double[] a = b;}); the locals declared {@code inSwitchExpr}, which are not
     * taken (the normal form does not rewrite a switch expression's statements in place); the
     * variables {@code assigned}; the array variables used {@code otherwise} than through their
     * elements, their length and for-each (written through, passed on; a candidate's initialiser is
     * its link, no such use); the local arrays the method {@code created} itself (a second name may
     * write them, as the first may).
     */
    private static final class Scan {
        final Map<Var, Var> candidates = new HashMap<>();
        final Set<Var> otherwise = new HashSet<>();
        final Set<Var> assigned = new HashSet<>();
        final Set<Var> created = new HashSet<>();
        final Set<Var> inSwitchExpr = new HashSet<>();

        void statements(List<Stmt> body) {
            for (Stmt s : Stmts.all(body)) {
                if (s instanceof Stmt.Declare d && (d.init() instanceof Expr.NewArray || d.init() instanceof Expr.ArrayLit)) {
                    created.add(d.var());
                }
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
                        uses(e);
                    }
                }
            }
        }

        private void uses(Expr e) {
            if (e instanceof Expr.SwitchExpr w) {
                // its statements are among Stmts.all's; only which locals they declare is noted here
                for (Stmt s : Stmts.all(List.of(w.statement()))) {
                    if (s instanceof Stmt.Declare d) {
                        inSwitchExpr.add(d.var());
                    }
                }
                return;
            }
            if (e instanceof Expr.ArrayRead a) {
                if (!(a.array() instanceof Expr.Read)) {
                    uses(a.array());
                }
                uses(a.index());
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
                uses(c);
            }
        }
    }
}
