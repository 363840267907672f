package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Binary;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.Const;
import dev.adjoint.processor.ir.Expr.Unary;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Var;
import java.util.List;

/**
 * Builds the double expressions of derivative code, folding the trivial cases ({@code 1.0 * a},
 * {@code -(-a)}, {@code 2.0 * 3.0}) so that generated source reads like hand-written code. Every
 * fold but one is exact in floating point: {@code 1·a = a} and {@code -(-a) = a} hold bit for bit;
 * {@code a·(1/b) = a/b} rounds once instead of twice and is made only while building a derivative.
 */
public final class Algebra {

    private Algebra() {}

    public static Const lit(double v) {
        return Const.of(v);
    }

    public static Expr read(Var v) {
        return new Expr.Read(v);
    }

    /** The literal's numeric value, or null when {@code e} is not a numeric literal. */
    public static Double constant(Expr e) {
        return Exprs.constant(e);
    }

    public static Expr mul(Expr a, Expr b) {
        return mul(a, b, false);
    }

    /**
     * {@code a·b} folded; {@code exactOnly} keeps {@code a·(1/b)} as written (the fold to {@code a/b}
     * rounds once instead of twice, so it may change the last bit: fine in a derivative this class
     * builds, not in the user's own arithmetic).
     */
    private static Expr mul(Expr a, Expr b, boolean exactOnly) {
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
        // a negation moves out of a product of doubles only: an int's -0 is 0, a double's is -0.0
        if (b instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return neg(mul(a, u.operand(), exactOnly));
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return neg(mul(u.operand(), b, exactOnly));
        }
        if (exactOnly) {
            return new Binary(BinaryOp.MUL, a, b, JType.DOUBLE, null);
        }
        // times a selector (max's c ? 1 : t ? 0.5 : 0, a tangent c ? da : 0): each branch's product, the 0 an
        // exact 0 whatever the other factor is, as PyTorch masks a gradient (sqrt(max(a, 0)) at a < 0: 0, not ∞·0)
        if (selector(b)) {
            return selected(a, b);
        }
        if (selector(a)) {
            return selected(b, a);
        }
        // a·(1/b) = a/b: one operation, one rounding
        if (b instanceof Binary d && d.op() == BinaryOp.DIV && Double.valueOf(1.0).equals(constant(d.left()))) {
            return div(a, d.right());
        }
        if (a instanceof Binary d && d.op() == BinaryOp.DIV && Double.valueOf(1.0).equals(constant(d.left()))) {
            return div(b, d.right());
        }
        return new Binary(BinaryOp.MUL, a, b, JType.DOUBLE, null);
    }

    /**
     * A choice (nested too) one of whose values is the constant 0: max's partial {@code c ? 1 : t ?
     * 0.5 : 0}, a tangent through it {@code c ? da : 0}. Its product with anything is the product
     * of the value chosen, 0 exactly 0.
     */
    private static boolean selector(Expr e) {
        return e instanceof Expr.Cond c && e.type().isDouble() && zeroIn(c);
    }

    private static boolean zeroIn(Expr e) {
        return e instanceof Expr.Cond c ? zeroIn(c.then()) || zeroIn(c.otherwise()) : Double.valueOf(0.0).equals(constant(e));
    }

    /** {@code x} times the selector {@code s}, branch by branch: a branch of 0 is 0, whatever {@code x} is. */
    private static Expr selected(Expr x, Expr s) {
        if (s instanceof Expr.Cond c) {
            return choose(c.condition(), selected(x, c.then()), selected(x, c.otherwise()));
        }
        return Double.valueOf(0.0).equals(constant(s)) ? lit(0.0) : mul(x, s, false);
    }

    public static Expr div(Expr a, Expr b) {
        Double cb = constant(b);
        if (cb != null && cb == 1.0) {
            return a;
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return neg(div(u.operand(), b));
        }
        return new Binary(BinaryOp.DIV, a, b, JType.DOUBLE, null);
    }

    public static Expr add(Expr a, Expr b) {
        Double ca = constant(a);
        Double cb = constant(b);
        if (ca != null && cb != null) {
            return lit(ca + cb);
        }
        if (b instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return sub(a, u.operand());
        }
        return new Binary(BinaryOp.ADD, a, b, JType.DOUBLE, null);
    }

    public static Expr sub(Expr a, Expr b) {
        Double ca = constant(a);
        Double cb = constant(b);
        if (ca != null && cb != null) {
            return lit(ca - cb);
        }
        return new Binary(BinaryOp.SUB, a, b, JType.DOUBLE, null);
    }

    public static Expr neg(Expr a) {
        Double ca = constant(a);
        if (ca != null) {
            return lit(-ca);
        }
        if (a instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return u.operand();
        }
        return new Unary(UnaryOp.NEG, a, JType.DOUBLE, null);
    }

    public static Expr call(MathFunction f, Expr... args) {
        return new Expr.MathCall(f, false, List.of(args), JType.DOUBLE, null);
    }

    public static Expr compare(BinaryOp op, Expr a, Expr b) {
        return new Binary(op, a, b, JType.BOOLEAN, null);
    }

    public static Expr and(Expr a, Expr b) {
        return new Binary(BinaryOp.CAND, a, b, JType.BOOLEAN, null);
    }

    public static Expr or(Expr a, Expr b) {
        return new Binary(BinaryOp.COR, a, b, JType.BOOLEAN, null);
    }

    public static Expr choose(Expr condition, Expr then, Expr otherwise) {
        return new Expr.Cond(condition, then, otherwise, JType.DOUBLE, null);
    }

    /**
     * {@code e} with its top node folded again (after its operands changed, e.g. by substitution);
     * only the folds exact bit for bit, since {@code e} may be the user's own arithmetic.
     */
    public static Expr simplify(Expr e) {
        if (e instanceof Binary b && b.type().isDouble()) {
            return switch (b.op()) {
                case MUL -> mul(b.left(), b.right(), true);
                case DIV -> div(b.left(), b.right());
                case ADD -> add(b.left(), b.right());
                case SUB -> sub(b.left(), b.right());
                default -> e;
            };
        }
        if (e instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble()) {
            return neg(u.operand());
        }
        return e;
    }

    /** A negated double (an int's negation is not: its -0 is 0, where a double's is -0.0). */
    public static boolean isNegation(Expr e) {
        return e instanceof Unary u && u.op() == UnaryOp.NEG && u.type().isDouble();
    }

    // ---------------------------------------------------------------- int arithmetic of loop counters

    public static Const intLit(int v) {
        return Const.ofInt(v);
    }

    public static Integer intConstant(Expr e) {
        return e instanceof Const l && l.value() instanceof Integer i ? i : null;
    }

    public static Expr intAdd(Expr a, Expr b) {
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
        // (x - 1) + 1 = x, (x - 2) + 1 = x - 1: exact, as int arithmetic wraps alike either way
        if (cb != null && a instanceof Binary s && s.op() == BinaryOp.SUB && intConstant(s.right()) != null) {
            int less = intConstant(s.right()) - cb;
            return less >= 0 ? intSub(s.left(), intLit(less)) : less > Integer.MIN_VALUE
                    ? new Binary(BinaryOp.ADD, s.left(), intLit(-less), JType.INT, null)
                    : new Binary(BinaryOp.ADD, a, b, JType.INT, null);
        }
        return new Binary(BinaryOp.ADD, a, b, JType.INT, null);
    }

    public static Expr intSub(Expr a, Expr b) {
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
        return new Binary(BinaryOp.SUB, a, b, JType.INT, null);
    }

    public static Expr increment(Var v) {
        return new Binary(BinaryOp.ADD, read(v), intLit(1), JType.INT, null);
    }

    public static Expr decrement(Var v) {
        return new Binary(BinaryOp.SUB, read(v), intLit(1), JType.INT, null);
    }
}
