package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.JType;
import javax.lang.model.type.TypeKind;

/**
 * Java's operators as the reader translates them: javac's tree kinds to the IR's operators, and
 * the types javac gives {@code a op b}, {@code a ? b : c} and compound assignments, for the nodes it
 * leaves untyped.
 */
final class Operators {

    private Operators() {}

    /** The type of {@code a ? b : c} from its branches, when javac left it untyped. */
    static JType promoted(Expr a, Expr b) {
        return a.type().isNumeric() && b.type().isNumeric() ? promote(a.type(), b.type()) : a.type();
    }

    /** The type javac would give {@code a op b}, for the nodes it leaves untyped. */
    static Expr untypedBinary(BinaryOp op, Expr left, Expr right, Position at) {
        switch (op) {
            case LT, GT, LE, GE, EQ, NE, CAND, COR -> {
                return new Expr.Binary(op, left, right, JType.BOOLEAN, at);
            }
            case AND, OR, XOR -> {
                if (left.type().kind() == JType.Kind.BOOLEAN) {
                    return new Expr.Binary(op, left, right, JType.BOOLEAN, at);
                }
                return binary(op, left, right, at);
            }
            default -> {
                if (op == BinaryOp.ADD && (left.type().isString() || right.type().isString())) {
                    return new Expr.Binary(op, left, right, JType.STRING, at);
                }
                return binary(op, left, right, at);
            }
        }
    }

    /** Binary numeric promotion, as javac types {@code a op b}. */
    static Expr binary(BinaryOp op, Expr left, Expr right, Position at) {
        return new Expr.Binary(op, left, right, promote(left.type(), right.type()), at);
    }

    static JType promote(JType a, JType b) {
        if (a.isDouble() || b.isDouble()) {
            return JType.DOUBLE;
        }
        if (a.kind() == JType.Kind.FLOAT || b.kind() == JType.Kind.FLOAT) {
            return JType.FLOAT;
        }
        if (a.kind() == JType.Kind.LONG || b.kind() == JType.Kind.LONG) {
            return JType.LONG;
        }
        if (a.kind() == JType.Kind.OTHER) {
            return a;
        }
        return JType.INT;
    }

    /** The implicit narrowing of a compound assignment ({@code int n; n += 0.5} is {@code n = (int) (n + 0.5)}). */
    static Expr narrow(JType target, Expr value, Position at) {
        boolean same = value.type().kind() == target.kind() && (target.kind() != JType.Kind.INT
                || target.mirror() == null || target.mirror().getKind() == TypeKind.INT);
        return same ? value : new Expr.Cast(target, value, at);
    }

    static Tree.Kind compoundKind(Tree.Kind kind) {
        return switch (kind) {
            case PLUS_ASSIGNMENT -> Tree.Kind.PLUS;
            case MINUS_ASSIGNMENT -> Tree.Kind.MINUS;
            case MULTIPLY_ASSIGNMENT -> Tree.Kind.MULTIPLY;
            case DIVIDE_ASSIGNMENT -> Tree.Kind.DIVIDE;
            case REMAINDER_ASSIGNMENT -> Tree.Kind.REMAINDER;
            case LEFT_SHIFT_ASSIGNMENT -> Tree.Kind.LEFT_SHIFT;
            case RIGHT_SHIFT_ASSIGNMENT -> Tree.Kind.RIGHT_SHIFT;
            case UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> Tree.Kind.UNSIGNED_RIGHT_SHIFT;
            case AND_ASSIGNMENT -> Tree.Kind.AND;
            case OR_ASSIGNMENT -> Tree.Kind.OR;
            default -> Tree.Kind.XOR;
        };
    }

    static BinaryOp binaryOp(Tree.Kind kind) {
        return switch (kind) {
            case MULTIPLY -> BinaryOp.MUL;
            case DIVIDE -> BinaryOp.DIV;
            case REMAINDER -> BinaryOp.REM;
            case PLUS -> BinaryOp.ADD;
            case MINUS -> BinaryOp.SUB;
            case LEFT_SHIFT -> BinaryOp.SHL;
            case RIGHT_SHIFT -> BinaryOp.SHR;
            case UNSIGNED_RIGHT_SHIFT -> BinaryOp.USHR;
            case LESS_THAN -> BinaryOp.LT;
            case GREATER_THAN -> BinaryOp.GT;
            case LESS_THAN_EQUAL -> BinaryOp.LE;
            case GREATER_THAN_EQUAL -> BinaryOp.GE;
            case EQUAL_TO -> BinaryOp.EQ;
            case NOT_EQUAL_TO -> BinaryOp.NE;
            case AND -> BinaryOp.AND;
            case XOR -> BinaryOp.XOR;
            case OR -> BinaryOp.OR;
            case CONDITIONAL_AND -> BinaryOp.CAND;
            case CONDITIONAL_OR -> BinaryOp.COR;
            default -> null;
        };
    }

    /** An index a compound assignment may evaluate twice: variables, constants and their arithmetic. */
    static boolean simpleIndex(Expr e) {
        if (e instanceof Expr.Read || e instanceof Expr.Const) {
            return true;
        }
        if (e instanceof Expr.Binary b && (b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB || b.op() == BinaryOp.MUL)) {
            return simpleIndex(b.left()) && simpleIndex(b.right());
        }
        return e instanceof Expr.Length l && l.array() instanceof Expr.Read;
    }

    /** {@code e} without the parentheses around it. */
    static ExpressionTree stripParens(ExpressionTree e) {
        while (e instanceof ParenthesizedTree p) {
            e = p.getExpression();
        }
        return e;
    }
}
