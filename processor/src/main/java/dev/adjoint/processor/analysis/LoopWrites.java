package dev.adjoint.processor.analysis;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
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
 * What one loop changes that outlives an iteration: its state, as binomial checkpointing must
 * snapshot it ({@code @Differentiable(checkpoints = s)}) to run iterations again. That is the
 * variables declared before the loop (or in its initialiser) that it assigns, and the
 * {@code double[]} arrays whose elements it writes, named by the variables declared before it: directly,
 * through a local array of the body that is another name for one ({@code double[] v = w}), through
 * the helpers it calls (whose array parameters are the caller's arrays), and through the
 * {@code @Differentiable} methods and {@code @DerivativeOf} functions it passes them to.
 *
 * <p>What a snapshot cannot hold is a {@link Problem}: assigning a variable of another type (an
 * object, an {@code int[]}), giving an array variable a new array (a snapshot copies elements,
 * not which array a variable names), writing a row of a {@code double[][]} or elements of another
 * kind of array, and calling a method Adjoint cannot see into that may change state (a random
 * generator, output), which running the iteration again would change again. The fence reports the
 * problems; reverse mode snapshots the state of the loops the fence let through.
 */
public final class LoopWrites {

    /** Something a loop does that a snapshot cannot undo, where, and why. */
    public record Problem(Position at, String message) {}

    /** Assigned variables declared outside the loop (its initialiser's included), in order of the first write. */
    public final Map<Var, Position> assigned = new LinkedHashMap<>();
    /** The {@code double[]} variables declared outside the loop whose elements it writes, in order. */
    public final Map<Var, Position> arrays = new LinkedHashMap<>();
    public final List<Problem> problems = new ArrayList<>();

    private final Map<String, MethodIr> helpers;
    /** Variables that begin anew in each iteration: the body's locals, its loops' counters, helpers' parameters and locals. */
    private final Set<Var> inside = new HashSet<>();
    /** What each such array variable is given: a new array, or another name for one. */
    private final Map<Var, List<Expr>> sources = new HashMap<>();
    private final Set<String> open = new HashSet<>();

    private LoopWrites(Map<String, MethodIr> helpers) {
        this.helpers = helpers;
    }

    /** The state of {@code loop} (a {@link Stmt.Loop} or {@link Stmt.ForEach}), through the helpers it inlines. */
    public static LoopWrites of(Stmt loop, Map<String, MethodIr> helpers) {
        LoopWrites w = new LoopWrites(helpers);
        if (loop instanceof Stmt.Loop l) {
            // the initialiser's variables live through every iteration: they are state
            for (Stmt s : l.init()) {
                if (s instanceof Stmt.Declare d) {
                    if (d.init() != null) {
                        Exprs.postOrder(d.init(), e -> w.expression(e, d.pos()));
                    }
                } else {
                    w.walk(List.of(s));
                }
            }
            w.walk(l.head());
            w.walk(l.body());
            w.walk(l.update());
        } else if (loop instanceof Stmt.ForEach f) {
            w.inside.add(f.var());
            w.walk(f.body());
        }
        return w;
    }

    /** The variables of a loop's initialiser (its counters): state, declared by the loop itself. */
    public static List<Var> initialised(Stmt.Loop l) {
        List<Var> out = new ArrayList<>();
        for (Stmt s : l.init()) {
            if (s instanceof Stmt.Declare d) {
                out.add(d.var());
            }
        }
        return out;
    }

    private void walk(List<Stmt> stmts) {
        for (Stmt s : Stmts.all(stmts)) {
            if (s instanceof Stmt.Declare d) {
                inside.add(d.var());
                if (d.init() != null) {
                    sources.computeIfAbsent(d.var(), k -> new ArrayList<>()).add(d.init());
                }
            } else if (s instanceof Stmt.ForEach f) {
                inside.add(f.var());
            } else if (s instanceof Stmt.Assign a) {
                assign(a.var(), a.value(), a.pos());
            } else if (s instanceof Stmt.ArrayWrite w) {
                element(w.array(), w.pos(), true);
            }
            if (s instanceof Stmt.Throw) {
                continue; // it ends the computation: what it evaluates never runs again
            }
            for (Expr root : Stmts.exprs(s)) {
                Exprs.postOrder(root, e -> expression(e, s.pos()));
            }
        }
    }

    private void expression(Expr e, Position statement) {
        Position at = Position.either(e.pos(), statement);
        if (e instanceof Expr.Assignment a) {
            if (a.target() instanceof Expr.Read r) {
                assign(r.var(), a.value(), at);
            } else if (a.target() instanceof Expr.ArrayRead r) {
                element(r.array(), at, false);
            }
        } else if (e instanceof Expr.Call c) {
            call(c, at);
        }
    }

    private void call(Expr.Call c, Position at) {
        Callee callee = c.callee();
        if (callee instanceof Callee.Inline i) {
            MethodIr helper = helpers.get(i.key());
            if (helper == null || !open.add(i.key())) {
                return;
            }
            // the helper's parameters begin anew at each call, holding the arguments (an array
            // parameter is the caller's array itself)
            for (int k = 0; k < helper.params().size() && k < c.args().size(); k++) {
                Var p = helper.params().get(k).var();
                inside.add(p);
                sources.computeIfAbsent(p, x -> new ArrayList<>()).add(c.args().get(k));
            }
            walk(helper.body());
            open.remove(i.key());
        } else if (callee instanceof Callee.Differentiable d) {
            for (int k = 0; k < c.args().size() && k < d.parameterNames().size(); k++) {
                if (d.writtenArrays().contains(d.parameterNames().get(k))) {
                    element(c.args().get(k), at, false);
                }
            }
        } else if (callee instanceof Callee.Custom) {
            for (Expr arg : c.args()) {
                if (arg.type().isArray()) {
                    element(arg, at, false); // Adjoint cannot see whether it writes them: snapshot them
                }
            }
        } else if (callee instanceof Callee.Opaque o && !o.readOnly() && !o.jdkPure()) {
            problems.add(new Problem(at, "it calls " + o.describe() + ", which may change state a snapshot does not hold "
                    + "(a random generator, a counter, output): running the iteration again would call it again; "
                    + "compute its values before the loop (into a double[]), or remove checkpoints"));
        }
    }

    private void assign(Var v, Expr value, Position at) {
        if (inside.contains(v)) {
            if (v.type.isArray()) {
                sources.computeIfAbsent(v, k -> new ArrayList<>()).add(value);
            }
            return;
        }
        if (assigned.putIfAbsent(v, at) != null) {
            return;
        }
        if (v.type.isDoubleArray()) {
            problems.add(new Problem(at, "it gives " + v.name + " a new array, and a snapshot copies an array's "
                    + "elements, not which array a variable names; write into " + v.name + "'s elements instead "
                    + "(System.arraycopy(next, 0, " + v.name + ", 0, " + v.name + ".length))"));
        } else if (!v.type.isPrimitive()) {
            problems.add(new Problem(at, "it changes " + v.name + ", " + a(v.type) + ", which a snapshot cannot copy "
                    + "(snapshots hold double, float, long, int and boolean variables and the elements of double[] "
                    + "arrays); compute it outside the loop, or remove checkpoints"));
        }
    }

    /**
     * A write into the array {@code array} names: state when a variable declared outside the loop
     * names it, nothing when it is a new array of this iteration; else a problem ({@code reported}
     * when the fence refuses the write for every method, as for a row of a {@code double[][]}).
     */
    private void element(Expr array, Position at, boolean reported) {
        if (array instanceof Expr.Read r) {
            resolve(r.var(), at, new HashSet<>());
        } else if (array instanceof Expr.Cond c) {
            element(c.then(), at, reported);
            element(c.otherwise(), at, reported);
        } else if (!fresh(array) && !reported) {
            problems.add(new Problem(at, "it writes into " + describe(array) + ", which is not a new array made in the "
                    + "loop nor a double[] variable declared before it, and a snapshot cannot copy it; pass a double[] "
                    + "variable declared before the loop"));
        }
    }

    private void resolve(Var v, Position at, Set<Var> seen) {
        if (!seen.add(v)) {
            return;
        }
        if (!inside.contains(v)) {
            if (v.type.isDoubleArray()) {
                arrays.putIfAbsent(v, at);
            } else {
                problems.add(new Problem(at, "it writes elements of " + v.name + ", " + a(v.type) + ", and snapshots "
                        + "copy the elements of double[] arrays only; keep the values in a double[], or remove "
                        + "checkpoints"));
            }
            return;
        }
        for (Expr source : sources.getOrDefault(v, List.of())) {
            if (source instanceof Expr.Read r) {
                resolve(r.var(), at, seen);
            } else if (source instanceof Expr.Cond c) {
                for (Expr branch : List.of(c.then(), c.otherwise())) {
                    if (branch instanceof Expr.Read r) {
                        resolve(r.var(), at, seen);
                    } else if (!fresh(branch)) {
                        rowProblem(v, branch, at);
                    }
                }
            } else if (!fresh(source)) {
                rowProblem(v, source, at);
            }
        }
    }

    private void rowProblem(Var v, Expr source, Position at) {
        problems.add(new Problem(at, "it writes into the array " + v.name + " names, which it takes from "
                + describe(source) + " in the loop, and a snapshot copies only double[] variables declared before "
                + "the loop; declare " + v.name + " before the loop, or write into a new array"));
    }

    /** An expression giving a new array (or none): {@code new}, an initialiser, a copy, an inlined helper's own. */
    private static boolean fresh(Expr e) {
        if (e instanceof Expr.NewArray || e instanceof Expr.ArrayLit || (e instanceof Expr.Const c && c.value() == null)) {
            return true;
        }
        if (e instanceof Expr.Cond c) {
            return fresh(c.then()) && fresh(c.otherwise());
        }
        if (e instanceof Expr.Call call) {
            if (call.callee() instanceof Callee.Inline) {
                return true; // the fence has an inlined helper return only a local array it creates
            }
            if (call.callee() instanceof Callee.Opaque o) {
                return o.name().equals("clone") && call.receiver() != null && call.receiver().type().isArray()
                        || o.owner().equals(ClassRef.of("java.util", "Arrays")) && o.name().startsWith("copyOf");
            }
        }
        return false;
    }

    private static String a(JType type) {
        String name = type.toString().replaceAll("\\b[a-z]\\w*\\.", "");
        return ("AEIOUaeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    private static String describe(Expr e) {
        if (e instanceof Expr.Read r) {
            return r.var().name;
        }
        if (e.pos() != null && e.pos().tree() != null) {
            return e.pos().tree().toString();
        }
        return "an array expression";
    }
}
