package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import java.util.ArrayList;
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
        }
        return out;
    }

    /** Whether {@code e} is a value the reverse sweep may read without recomputing anything. */
    static boolean isAtom(Expr e) {
        return e instanceof Expr.Local || e instanceof Expr.Literal || e instanceof Expr.StaticField;
    }

    /** Whether evaluating {@code e} cannot throw nor have an effect: double arithmetic on variables and constants. */
    static boolean isPure(Expr e) {
        if (e instanceof Expr.Invoke || e instanceof Expr.New || e instanceof Expr.FieldRead) {
            return false;
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
                && !b.type().isDouble()) {
            return false; // integer division by zero throws
        }
        return children(e).stream().allMatch(Exprs::isPure);
    }
}
