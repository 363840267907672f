package dev.adjoint.processor.fence;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parameters of a method (its own, and the receiver's fields the implementation takes as
 * parameters) have elements written, and where: directly, through a local that names the same
 * array ({@code double[] v = w}, {@code double[] row = m[i]}), through the helpers it inlines
 * (their parameters bound to its arguments), and through {@code @Differentiable} callees that write
 * theirs.
 */
final class ParameterWrites {

    private ParameterWrites() {}

    /** Each written parameter, with the position of the first write (or of the call that leads to it). */
    static Map<Var, Position> of(MethodIr method, Map<String, MethodIr> helpers) {
        Map<Var, Position> written = new LinkedHashMap<>();
        Map<Var, Var> identity = new HashMap<>();
        method.params().forEach(p -> identity.put(p.var(), p.var()));
        writes(method.body(), identity, helpers, new HashSet<>(), written, null);
        return written;
    }

    /** Records into {@code out} the parameters (through {@code binding}) whose elements {@code body} writes. */
    private static void writes(List<Stmt> body, Map<Var, Var> given, Map<String, MethodIr> helpers,
            Set<String> open, Map<Var, Position> out, Position call) {
        Map<Var, Var> binding = new HashMap<>(given);
        for (Stmt s : Stmts.all(body)) {
            // a local array given a parameter's array (or a row of it) is that array
            Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            if (target != null && target.type.isArray() && Stmts.value(s) != null) {
                for (Var source : Exprs.arraysIn(Stmts.value(s))) {
                    if (binding.containsKey(source)) {
                        binding.put(target, binding.get(source));
                    }
                }
            }
            if (s instanceof Stmt.ArrayWrite w) {
                wrote(w.array(), binding, out, Position.either(call, w.pos()));
            }
            for (Expr root : Stmts.exprs(s)) {
                Exprs.postOrder(root, e -> {
                    if (e instanceof Expr.Assignment a && a.target() instanceof Expr.ArrayRead r) {
                        wrote(r.array(), binding, out, Position.either(call, a.pos()));
                    } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.Inline i
                            && helpers.get(i.key()) != null && open.add(i.key())) {
                        MethodIr helper = helpers.get(i.key());
                        Map<Var, Var> inner = new HashMap<>();
                        for (int k = 0; k < c.args().size() && k < helper.params().size(); k++) {
                            Var arg = Exprs.var(c.args().get(k));
                            if (arg != null && binding.containsKey(arg)) {
                                inner.put(helper.params().get(k).var(), binding.get(arg));
                            }
                        }
                        writes(helper.body(), inner, helpers, open, out, Position.either(call, c.pos()));
                        open.remove(i.key());
                    } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.Differentiable d) {
                        for (int k = 0; k < c.args().size() && k < d.parameterNames().size(); k++) {
                            if (d.writtenArrays().contains(d.parameterNames().get(k))) {
                                wrote(c.args().get(k), binding, out, Position.either(call, c.pos()));
                            }
                        }
                    }
                });
            }
        }
    }

    private static void wrote(Expr array, Map<Var, Var> binding, Map<Var, Position> out, Position at) {
        while (array instanceof Expr.ArrayRead r) {
            array = r.array();
        }
        Var v = Exprs.var(array);
        if (v != null && binding.containsKey(v)) {
            out.putIfAbsent(binding.get(v), at);
        }
    }
}
