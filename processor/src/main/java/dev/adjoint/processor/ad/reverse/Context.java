package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Rules;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.Callee;
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
import java.util.function.Predicate;

/**
 * What the parts of reverse mode share about one method: its activity, the adjoint of each
 * variable, what each variable is defined with, the arrays it writes, the generated names it needs.
 */
final class Context implements Rules.Surroundings {

    final MethodIr method;
    final List<Stmt> body;
    final Activity activity;
    final Var seed;
    final Var into;
    final Predicate<String> recursive;
    /** The adjoint of each variable that has one, in order of creation. */
    final Map<Var, Var> adjoints = new LinkedHashMap<>();
    /** How often each variable is defined (declared with a value, assigned, incremented); parameters count once. */
    final Map<Var, Integer> definitions = new HashMap<>();
    /** The value a variable defined exactly once (by its declaration) holds. */
    final Map<Var, Expr> definedAs = new HashMap<>();
    /** How often each variable is read, in the whole body. */
    final Map<Var, Integer> reads = new HashMap<>();
    /** Arrays whose elements the method writes. */
    final Set<Var> writtenArrays = new HashSet<>();
    /** The holders of called pullbacks, declared before the reverse sweep. */
    final List<Stmt> holders = new ArrayList<>();
    /** The holders reused per thread: fields of the adjoint class. */
    final List<ReverseMode.SharedHolder> sharedHolders = new ArrayList<>();
    /** Polynomials in one variable spread over temporaries: their reverse sweep is one term. */
    final Polynomials polynomials;
    /** For a method returning {@code double[]}: the local array it returns. */
    Var vector;
    Var stack;
    /** The snapshots asked for per long loop ({@code @Differentiable(checkpoints = s)}), or 0. */
    int checkpoints;

    Context(MethodIr method, List<Stmt> body, Activity activity, Var seed, Var into, Predicate<String> recursive) {
        this.method = method;
        this.body = body;
        this.activity = activity;
        this.seed = seed;
        this.into = into;
        this.recursive = recursive;
        method.params().forEach(p -> definitions.put(p.var(), 1));
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d) {
                definitions.merge(d.var(), d.init() == null ? 0 : 1, Integer::sum);
            } else if (s instanceof Stmt.Assign a) {
                definitions.merge(a.var(), 1, Integer::sum);
            } else if (s instanceof Stmt.ArrayWrite w && w.array() instanceof Expr.Read r) {
                writtenArrays.add(r.var());
            }
            for (Expr root : Stmts.exprs(s)) {
                Exprs.postOrder(root, e -> {
                    if (e instanceof Expr.Call call && mayWrite(call.callee())) {
                        // an array a call may write: its elements cannot be read again in the reverse sweep
                        if (call.receiver() != null) {
                            noteArray(call.receiver());
                        }
                        call.args().forEach(this::noteArray);
                    }
                });
            }
            if (s instanceof Stmt.Loop l) {
                for (Stmt init : l.init()) {
                    if (init instanceof Stmt.Declare d) {
                        definitions.merge(d.var(), 1, Integer::sum); // counted again: the update redefines it
                    }
                }
            }
        }
        aliases(Stmts.all(body));
        Stmts.forEachExpr(body, e -> Exprs.reads(e, v -> reads.merge(v, 1, Integer::sum)));
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d && d.init() != null && definitions.getOrDefault(d.var(), 0) == 1) {
                definedAs.put(d.var(), d.init());
            }
        }
        polynomials = new Polynomials(this);
    }

    /**
     * An array variable given another's array ({@code double[] v = data}, {@code double[] row = m[i]},
     * {@code c ? a : b}) writes into it: a write to either counts for both.
     */
    private void aliases(List<Stmt> all) {
        Map<Var, Set<Var>> linked = new HashMap<>();
        for (Stmt s : all) {
            Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            Expr value = target == null ? null : Stmts.value(s);
            if (target != null && target.type.isArray() && value != null) {
                for (Var source : Exprs.arraysIn(value)) {
                    linked.computeIfAbsent(target, k -> new HashSet<>()).add(source);
                    linked.computeIfAbsent(source, k -> new HashSet<>()).add(target);
                }
            }
        }
        List<Var> work = new ArrayList<>(writtenArrays);
        while (!work.isEmpty()) {
            for (Var other : linked.getOrDefault(work.remove(work.size() - 1), Set.of())) {
                if (writtenArrays.add(other)) {
                    work.add(other);
                }
            }
        }
    }

    /** Whether a call may write into an array it is given: anything but a read-only or inlined method. */
    private static boolean mayWrite(Callee callee) {
        return callee instanceof Callee.Opaque o ? !o.readOnly()
                : callee instanceof Callee.Differentiable d ? !d.writtenArrays().isEmpty()
                : callee instanceof Callee.Custom;
    }

    private void noteArray(Expr e) {
        if (!e.type().isArray()) {
            return; // a number is passed by value
        }
        while (e instanceof Expr.ArrayRead a) {
            e = a.array();
        }
        Var v = Exprs.var(e);
        if (v != null) {
            writtenArrays.add(v);
        }
    }

    /** The adjoint of {@code v}: {@code _d_v}, a double or an array like {@code v}. */
    Var adjoint(Var v) {
        return adjoints.computeIfAbsent(v, k -> new Var("_d_", k.type.isDoubleArray() ? JType.DOUBLE_ARRAY : JType.DOUBLE,
                Var.Role.ADJOINT, k));
    }

    /** A new intermediate of the reverse sweep. */
    Var reverseTemp(JType type) {
        return new Var("_r", type, Var.Role.REVERSE_TEMP);
    }

    @Override
    public Expr definition(Var v) {
        return definedAs.get(v);
    }

    @Override
    public boolean unchanged(Var v) {
        return stable(v);
    }

    @Override
    public boolean readOnce(Var v) {
        return reads.getOrDefault(v, 0) == 1;
    }

    @Override
    public boolean constant(Expr e) {
        return !activity.carries(e);
    }

    @Override
    public Var temp() {
        return reverseTemp(JType.DOUBLE);
    }

    boolean isParam(Var v) {
        return method.params().stream().anyMatch(p -> p.var() == v);
    }

    /** Whether {@code v}'s value never changes once it is set (a parameter or local defined at most once). */
    boolean stable(Var v) {
        return definitions.getOrDefault(v, 0) <= 1;
    }

    Var stack() {
        if (stack == null) {
            stack = new Var("_stack", JType.named(ReverseMode.VALUE_STACK), Var.Role.FIXED);
        }
        return stack;
    }
}
