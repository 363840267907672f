package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Binary;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.Literal;
import dev.adjoint.processor.ir.Expr.Unary;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * Builds the double expressions of derivative code, folding the trivial cases ({@code 1.0 * a},
 * {@code -(-a)}, {@code 2.0 * 3.0}) so the generated source reads like hand-written code.
 */
final class Build {

    private Build() {}

    static Literal lit(double v) {
        return Literal.of(v);
    }

    /** The literal's numeric value, or null when {@code e} is not a numeric literal. */
    static Double constant(Expr e) {
        if (e instanceof Literal l && l.value() instanceof Number n && !(l.value() instanceof Float)) {
            return n.doubleValue();
        }
        return null;
    }

    static Expr mul(Expr a, Expr b) {
        Double ca = constant(a);
        Double cb = constant(b);
        if (ca != null && cb != null) {
            return lit(ca * cb);
        }
        if (ca != null && ca == 1.0) {
            return b;
        }
        if (cb != null && cb == 1.0) {
            return a;
        }
        if (ca != null && ca == -1.0) {
            return neg(b);
        }
        if (cb != null && cb == -1.0) {
            return neg(a);
        }
        if (b instanceof Unary u && u.op() == UnaryOp.NEG) {
            return neg(mul(a, u.operand()));
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG) {
            return neg(mul(u.operand(), b));
        }
        // a·(1/b) = a/b: one operation, one rounding
        if (b instanceof Binary d && d.op() == BinaryOp.DIV && Double.valueOf(1.0).equals(constant(d.left()))) {
            return div(a, d.right());
        }
        if (a instanceof Binary d && d.op() == BinaryOp.DIV && Double.valueOf(1.0).equals(constant(d.left()))) {
            return div(b, d.right());
        }
        return new Binary(BinaryOp.MUL, a, b, JType.DOUBLE);
    }

    static Expr div(Expr a, Expr b) {
        Double cb = constant(b);
        if (cb != null && cb == 1.0) {
            return a;
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG) {
            return neg(div(u.operand(), b));
        }
        return new Binary(BinaryOp.DIV, a, b, JType.DOUBLE);
    }

    static Expr add(Expr a, Expr b) {
        Double ca = constant(a);
        Double cb = constant(b);
        if (ca != null && cb != null) {
            return lit(ca + cb);
        }
        return new Binary(BinaryOp.ADD, a, b, JType.DOUBLE);
    }

    static Expr sub(Expr a, Expr b) {
        Double ca = constant(a);
        Double cb = constant(b);
        if (ca != null && cb != null) {
            return lit(ca - cb);
        }
        return new Binary(BinaryOp.SUB, a, b, JType.DOUBLE);
    }

    static Expr neg(Expr a) {
        Double ca = constant(a);
        if (ca != null) {
            return lit(-ca);
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG) {
            return u.operand();
        }
        return new Unary(UnaryOp.NEG, a, JType.DOUBLE);
    }

    static Expr call(MathFunction f, Expr... args) {
        return new Expr.MathCall(f, false, List.of(args), JType.DOUBLE, null);
    }

    static Expr compare(BinaryOp op, Expr a, Expr b) {
        return new Binary(op, a, b, JType.BOOLEAN);
    }

    static Expr and(Expr a, Expr b) {
        return new Binary(BinaryOp.CAND, a, b, JType.BOOLEAN);
    }

    static Expr choose(Expr condition, Expr then, Expr otherwise) {
        return new Expr.Conditional(condition, then, otherwise, JType.DOUBLE);
    }

    // ---------------------------------------------------------------- int arithmetic of loop counters

    static Literal intLit(int v) {
        return new Literal(v, JType.INT);
    }

    private static Integer intConstant(Expr e) {
        return e instanceof Literal l && l.value() instanceof Integer i ? i : null;
    }

    static Expr intAdd(Expr a, Expr b) {
        Integer ca = intConstant(a);
        Integer cb = intConstant(b);
        if (ca != null && cb != null) {
            return intLit(ca + cb);
        }
        if (ca != null && ca == 0) {
            return b;
        }
        if (cb != null && cb == 0) {
            return a;
        }
        return new Binary(BinaryOp.ADD, a, b, JType.INT);
    }

    static Expr intSub(Expr a, Expr b) {
        Integer ca = intConstant(a);
        Integer cb = intConstant(b);
        if (ca != null && cb != null) {
            return intLit(ca - cb);
        }
        if (cb != null && cb == 0) {
            return a;
        }
        // (x + 1) - 1 = x
        if (cb != null && a instanceof Binary s && s.op() == BinaryOp.ADD && cb.equals(intConstant(s.right()))) {
            return s.left();
        }
        // (x - 1) - 1 = x - 2
        if (cb != null && a instanceof Binary s && s.op() == BinaryOp.SUB && intConstant(s.right()) != null) {
            return intSub(s.left(), intLit(intConstant(s.right()) + cb));
        }
        // (x - 1) - (n - 1) = x - n
        if (a instanceof Binary s && s.op() == BinaryOp.SUB && b instanceof Binary t && t.op() == BinaryOp.SUB
                && intConstant(s.right()) != null && intConstant(s.right()).equals(intConstant(t.right()))) {
            return intSub(s.left(), t.left());
        }
        return new Binary(BinaryOp.SUB, a, b, JType.INT);
    }

    /** {@code v + 1}, printed as {@code v++} where it is a statement. */
    static Expr increment(Expr.Local v) {
        return new Binary(BinaryOp.ADD, v, intLit(1), JType.INT);
    }

    static Expr decrement(Expr.Local v) {
        return new Binary(BinaryOp.SUB, v, intLit(1), JType.INT);
    }

    /** {@code for (int j = from; j < to; j++) body}. */
    static Stmt countingLoop(Expr.Local j, Expr from, Expr to, List<Stmt> body) {
        return new Stmt.Loop(null, List.of(new Stmt.Declare(j, from, null, null)),
                new Binary(BinaryOp.LT, j, to, JType.BOOLEAN),
                List.of(new Stmt.Assign(j, increment(j), null, null)), body, false, null, null);
    }
}
