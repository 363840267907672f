package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every variable of one generated method its printed name, hygienically: the user's
 * variables keep their names (a second variable of one name gets a trailing underscore), the
 * processor's get names no user variable has ({@code _t1}, {@code _d_x}, {@code _dz}), numbered in
 * order of appearance so that two builds print the same.
 */
final class Namer {

    /** Stems numbered per method ({@code _t1, _t2}); any other stem is used as it is. */
    private static final Set<String> NUMBERED = Set.of("_t", "_r", "_c", "_n", "_g", "_k", "_v", "_kept", "_break", "_continue",
            "_fall", "_yield", "_switch", "_selector");

    private final Map<Var, String> names = new IdentityHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /**
     * Names the variables of a method whose signature fixes {@code fixed} (parameters, seed, into,
     * directions) and whose body is {@code bodies}.
     */
    Namer(List<Var> fixed, List<List<Stmt>> bodies) {
        for (Var v : fixed) {
            names.put(v, v.name);
            taken.add(v.name);
        }
        // the user's names first: generated ones must avoid them
        for (List<Stmt> body : bodies) {
            visit(body, true);
        }
        for (List<Stmt> body : bodies) {
            visit(body, false);
        }
    }

    /**
     * The names of the user's variables in {@code methods} (parameters, and variables of their
     * bodies and pullbacks). A class whose simple name is one of them must be printed qualified in
     * the implementation class ({@code java.lang.Math.sin(Math)} for a parameter named {@code Math}):
     * a variable shadows a type of its name in an expression.
     */
    static String[] userNames(List<ImplWriter.Done> methods) {
        Set<String> names = new java.util.TreeSet<>();
        for (ImplWriter.Done d : methods) {
            if (d.method() == null) {
                continue; // a method the processor failed on, reported already: stubs stand for it
            }
            d.method().params().forEach(p -> names.add(p.name()));
            userNames(d.method().body(), names);
            if (d.pullback() != null) {
                userNames(d.pullback().body(), names);
            }
        }
        return names.toArray(new String[0]);
    }

    /** Adds to {@code into} the names of the user's variables in {@code body}. */
    private static void userNames(List<Stmt> body, Set<String> into) {
        for (Stmt s : Stmts.all(body)) {
            Var target = s instanceof Stmt.Declare d ? d.var() : s instanceof Stmt.Assign a ? a.var() : null;
            if (target != null && target.isUser()) {
                into.add(target.name);
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Read r && r.var().isUser()) {
                        into.add(r.var().name);
                    }
                });
            }
        }
    }

    /**
     * The parameters' and differentiated fields' names of the methods of {@code plan}: the API
     * class's variables, which hide classes of their names there ({@code Tensor.function} with a
     * parameter {@code Tensor}).
     */
    static String[] parameterNames(dev.adjoint.processor.contract.ClassPlan plan) {
        Set<String> names = new java.util.TreeSet<>();
        for (dev.adjoint.processor.contract.MethodPlan m : plan.methods()) {
            m.params().forEach(p -> names.add(p.name()));
            m.fields().forEach(f -> names.add(f.name()));
        }
        return names.toArray(new String[0]);
    }

    String name(Var v) {
        String n = names.get(v);
        if (n == null) {
            n = assign(v);
        }
        return n;
    }

    private void visit(List<Stmt> body, boolean users) {
        for (Stmt s : Stmts.all(body)) {
            Var target = s instanceof Stmt.Declare d ? d.var() : s instanceof Stmt.Assign a ? a.var() : null;
            if (target != null) {
                note(target, users);
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Read r) {
                        note(r.var(), users);
                    } else if (n instanceof Expr.Pullback p) {
                        note(p.holder(), users);
                    }
                });
            }
        }
    }

    private void note(Var v, boolean users) {
        if (!names.containsKey(v) && v.isUser() == users) {
            assign(v);
        }
    }

    private String assign(Var v) {
        String stem = switch (v.role) {
            case ADJOINT -> "_d_" + strip(name(v.primal));
            case TANGENT -> "_d" + name(v.primal);
            default -> v.name;
        };
        String name;
        if (NUMBERED.contains(stem) && !v.isUser()) {
            do {
                name = stem + counters.merge(stem, 1, Integer::sum);
            } while (taken.contains(name));
        } else {
            name = stem;
        }
        while (!taken.add(name)) {
            name = name + "_";
        }
        names.put(v, name);
        return name;
    }

    private static String strip(String name) {
        return name.startsWith("_") ? name.substring(1) : name;
    }
}
