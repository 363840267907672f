package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Structural helpers over IR expressions. */
final class Exprs {

    private Exprs() {}

    /** The direct sub-expressions of {@code e}, left to right. */
    static List<Expr> children(Expr e) {
        List<Expr> out = new ArrayList<>();
        if (e instanceof Expr.FieldRead f) {
            out.add(f.target());
        } else if (e instanceof Expr.Unary u) {
            out.add(u.operand());
        } else if (e instanceof Expr.Binary b) {
            out.add(b.left());
            out.add(b.right());
        } else if (e instanceof Expr.Conditional c) {
            out.add(c.condition());
            out.add(c.then());
            out.add(c.otherwise());
        } else if (e instanceof Expr.Cast c) {
            out.add(c.operand());
        } else if (e instanceof Expr.MathCall m) {
            out.addAll(m.args());
        } else if (e instanceof Expr.Invoke i) {
            if (i.receiver() != null) {
                out.add(i.receiver());
            }
            out.addAll(i.args());
        } else if (e instanceof Expr.New n) {
            out.addAll(n.args());
        } else if (e instanceof Expr.ArrayRead a) {
            out.add(a.array());
            out.add(a.index());
        } else if (e instanceof Expr.Length l) {
            out.add(l.array());
        } else if (e instanceof Expr.NewArray n) {
            out.add(n.length());
        } else if (e instanceof Expr.DiffCall c) {
            out.addAll(c.args());
        } else if (e instanceof Expr.CustomCall c) {
            out.addAll(c.args());
        } else if (e instanceof Expr.StopGradient g) {
            out.add(g.operand());
        } else if (e instanceof Expr.Apply a) {
            if (a.receiver() != null) {
                out.add(a.receiver());
            }
            out.addAll(a.args());
        }
        return out;
    }

    /**
     * Whether {@code e} is a value the reverse sweep may read without recomputing anything: a
     * variable, a constant, or an element {@code a[i]} of an array variable at an index computed
     * from variables and constants only (the reverse sweep restores both before it reads them).
     */
    static boolean isAtom(Expr e) {
        if (e instanceof Expr.ArrayRead a) {
            return (a.array() instanceof Expr.Local || isAtom(a.array())) && isIndex(a.index());
        }
        if (e instanceof Expr.Length l) {
            return l.array() instanceof Expr.Local;
        }
        return e instanceof Expr.Local || e instanceof Expr.Literal || e instanceof Expr.StaticField;
    }

    /** Integer arithmetic on variables and constants. */
    static boolean isIndex(Expr e) {
        if (e instanceof Expr.Local || e instanceof Expr.Literal) {
            return true;
        }
        if (e instanceof Expr.Binary b && !b.type().isDouble() && (b.op() == Expr.BinaryOp.ADD
                || b.op() == Expr.BinaryOp.SUB || b.op() == Expr.BinaryOp.MUL)) {
            return isIndex(b.left()) && isIndex(b.right());
        }
        return e instanceof Expr.Length l && l.array() instanceof Expr.Local;
    }

    /** Whether evaluating {@code e} cannot throw nor have an effect: double arithmetic on variables and constants. */
    static boolean isPure(Expr e) {
        return isPure(e, false);
    }

    /**
     * Like {@link #isPure}, but also allowing element reads {@code a[i]} of array variables: in code
     * the differentiator wrote (a rule's ?: over values the forward sweep already read), evaluating
     * them ahead of the condition cannot fail.
     */
    static boolean isPureReadingElements(Expr e) {
        return isPure(e, true);
    }

    private static boolean isPure(Expr e, boolean elementReads) {
        if (elementReads && e instanceof Expr.ArrayRead a && isAtom(a)) {
            return true;
        }
        if (e instanceof Expr.Invoke || e instanceof Expr.New || e instanceof Expr.FieldRead || e instanceof Expr.DiffCall
                || e instanceof Expr.CustomCall || e instanceof Expr.NewArray || e instanceof Expr.ArrayRead
                || e instanceof Expr.Apply) {
            return false; // calls have effects; an element read may be out of bounds
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
                && !b.type().isDouble()) {
            return false; // integer division by zero throws
        }
        return children(e).stream().allMatch(c -> isPure(c, elementReads));
    }

    // ---------------------------------------------------------------- operations with a rule in DerivativeRules

    /** The table key of a differentiable operation node (a {@code Binary}, {@code Unary} or {@code MathCall}). */
    static Enum<?> operator(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.op();
        }
        if (e instanceof Expr.Unary u) {
            return u.op();
        }
        return ((Expr.MathCall) e).function();
    }

    /** The operands of an operation node, in the order its rule's partials are given. */
    static List<Expr> operands(Expr e) {
        if (e instanceof Expr.Binary b) {
            return Arrays.asList(b.left(), b.right());
        }
        if (e instanceof Expr.Unary u) {
            return List.of(u.operand());
        }
        return ((Expr.MathCall) e).args();
    }

    /** The operation node {@code e} with other operands. */
    static Expr rebuild(Expr e, List<Expr> operands) {
        if (e instanceof Expr.Binary b) {
            return new Expr.Binary(b.op(), operands.get(0), operands.get(1), b.type());
        }
        if (e instanceof Expr.Unary u) {
            return new Expr.Unary(u.op(), operands.get(0), u.type());
        }
        Expr.MathCall m = (Expr.MathCall) e;
        return new Expr.MathCall(m.function(), m.strict(), List.copyOf(operands), m.type(), m.position());
    }

    /** Whether evaluating {@code e} allocates: a new array, a clone, or a generated {@code new} (a holder, an exception). */
    static boolean allocates(Expr e) {
        return e instanceof Expr.NewArray || (e instanceof Expr.Apply a && (a.method().equals("clone")
                || a.method().equals("new"))) || children(e).stream().anyMatch(Exprs::allocates);
    }

    /** Whether any expression of {@code body} allocates. */
    static boolean allocates(List<Stmt> body) {
        boolean[] found = {false};
        Stmts.forEachExpr(body, e -> found[0] |= allocates(e));
        return found[0];
    }
}
