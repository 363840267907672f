package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Activity analysis. A double or double[] variable is <em>varied</em> when it depends on a
 * parameter being differentiated, and <em>useful</em> when the returned value depends on it;
 * only variables that are both get adjoints. Both are flow-insensitive fixpoints over every
 * statement at any depth: safe for any statement order, loops included. An array counts as one
 * variable: it is varied when any element written to it is.
 */
final class Activity {

    private final Set<String> varied = new HashSet<>();
    private final Set<String> useful = new HashSet<>();

    Activity(MethodIr method, List<Stmt> body) {
        method.params().stream().filter(MethodIr.Param::wrt).forEach(p -> varied.add(p.name()));
        List<Stmt> all = new ArrayList<>();
        Stmts.forEach(body, all::add);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Stmt s : all) {
                Expr.Local target = target(s);
                Expr value = value(s);
                if (target != null && value != null && target.type().isDifferentiable() && isVaried(value)) {
                    changed |= varied.add(target.name());
                }
            }
        }
        for (Stmt s : all) {
            if (s instanceof Stmt.Return r) {
                usefulIn(r.value());
            }
        }
        changed = true;
        while (changed) {
            changed = false;
            for (Stmt s : all) {
                Expr.Local target = target(s);
                Expr value = value(s);
                if (target != null && value != null && useful.contains(target.name())) {
                    int before = useful.size();
                    usefulIn(value);
                    changed |= useful.size() != before;
                }
            }
        }
    }

    /**
     * Marks useful the variables whose value reaches {@code e}'s result through operations a
     * derivative could flow through (not those only compared, or only counted in an int).
     */
    private void usefulIn(Expr e) {
        carrying(e, node -> {
            if (node instanceof Expr.Local l) {
                useful.add(l.name());
            } else if (node instanceof Expr.Invoke || node instanceof Expr.New || node instanceof Expr.FieldRead) {
                locals(node, l -> useful.add(l.name())); // whatever an opaque value is made from
            }
        });
    }

    /**
     * Calls {@code action} for {@code e} and every sub-expression a derivative could flow out of
     * into {@code e}: operands of arithmetic, branches of {@code ?:} (not its condition), arguments
     * of differentiable functions and of calls with derivatives, the array of an element read. It
     * stops at calls it cannot see into.
     */
    static void carrying(Expr e, Consumer<Expr> action) {
        action.accept(e);
        if (e instanceof Expr.Unary u && (u.op() == Expr.UnaryOp.NEG || u.op() == Expr.UnaryOp.PLUS)) {
            carrying(u.operand(), action);
        } else if (e instanceof Expr.Binary b && b.op().precedence >= Expr.BinaryOp.ADD.precedence
                && b.op().precedence <= Expr.BinaryOp.MUL.precedence) {
            carrying(b.left(), action);
            carrying(b.right(), action);
        } else if (e instanceof Expr.Conditional c) {
            carrying(c.then(), action);
            carrying(c.otherwise(), action);
        } else if (e instanceof Expr.Cast c && c.type().isDouble()) {
            carrying(c.operand(), action);
        } else if (e instanceof Expr.MathCall m && !m.function().piecewiseConstant) {
            m.args().forEach(a -> carrying(a, action));
        } else if (e instanceof Expr.DiffCall c) {
            c.args().forEach(a -> carrying(a, action));
        } else if (e instanceof Expr.CustomCall c) {
            c.args().forEach(a -> carrying(a, action));
        } else if (e instanceof Expr.ArrayRead a && a.type().isDifferentiable()) {
            carrying(a.array(), action);
        }
    }

    /** Whether a variable needs an adjoint. */
    boolean isActive(Expr.Local var) {
        return var.type().isDifferentiable() && varied.contains(var.name()) && useful.contains(var.name());
    }

    boolean isUseful(Expr.Local var) {
        return useful.contains(var.name());
    }

    /** Marks a generated temporary as varied (it holds a varied intermediate value). */
    void addVaried(String temp) {
        varied.add(temp);
    }

    /** Whether a derivative flows through {@code e}: it is a double computed from varied values by differentiable operations. */
    boolean isVaried(Expr e) {
        return carries(e, leaf -> leaf instanceof Expr.Local l && varied.contains(l.name()));
    }

    /**
     * Whether a derivative flows through {@code e} to its value, given which of its leaves
     * (variables, and whatever else a caller knows about) carry one: through arithmetic, the
     * branches of {@code ?:}, casts to double, differentiable functions and calls with derivatives,
     * and the array of an element read.
     */
    static boolean carries(Expr e, java.util.function.Predicate<Expr> leaf) {
        if (!e.type().isDifferentiable()) {
            return false;
        }
        if (e instanceof Expr.Unary u) {
            return carries(u.operand(), leaf);
        } else if (e instanceof Expr.Binary b) {
            return carries(b.left(), leaf) || carries(b.right(), leaf);
        } else if (e instanceof Expr.Conditional c) {
            return carries(c.then(), leaf) || carries(c.otherwise(), leaf);
        } else if (e instanceof Expr.Cast c) {
            return carries(c.operand(), leaf);
        } else if (e instanceof Expr.MathCall m) {
            return !m.function().piecewiseConstant && m.args().stream().anyMatch(a -> carries(a, leaf));
        } else if (e instanceof Expr.ArrayRead a) {
            return carries(a.array(), leaf);
        } else if (e instanceof Expr.DiffCall c) {
            return c.args().stream().anyMatch(a -> carries(a, leaf));
        } else if (e instanceof Expr.CustomCall c) {
            return c.args().stream().anyMatch(a -> carries(a, leaf));
        }
        return leaf.test(e);
    }

    /** Whether any variable {@code e} reads is varied, whatever the operations in between. */
    boolean dependsOnVaried(Expr e) {
        boolean[] found = {false};
        locals(e, l -> found[0] |= l.type().isDifferentiable() && varied.contains(l.name()));
        return found[0];
    }

    /** The variable a statement writes: a local, or the array whose element it writes. */
    static Expr.Local target(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.var();
        }
        if (s instanceof Stmt.ArrayWrite w && w.array() instanceof Expr.Local a) {
            return a;
        }
        return s instanceof Stmt.Assign a ? a.var() : null;
    }

    static Expr value(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.init();
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return w.value();
        }
        return s instanceof Stmt.Assign a ? a.value() : null;
    }

    /** Calls {@code action} for every local variable {@code e} reads. */
    static void locals(Expr e, Consumer<Expr.Local> action) {
        for (Expr child : Exprs.children(e)) {
            locals(child, action);
        }
        if (e instanceof Expr.Local l) {
            action.accept(l);
        }
    }
}
