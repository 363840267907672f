package dev.adjoint.processor.ir;

import dev.adjoint.processor.ErrorReporter.Position;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * An expression of the IR. The reader builds these from javac trees; the differentiator builds
 * new ones (adjoints, partial derivatives) from the same records, and the emitter prints them.
 */
public sealed interface Expr {

    JType type();

    /** A literal: a boxed {@code Double}, {@code Integer}, {@code Long}, {@code Boolean}, {@code Character}, {@code String}, or null. */
    record Literal(Object value, JType type) implements Expr {
        public static Literal of(double v) {
            return new Literal(v, JType.DOUBLE);
        }

        public boolean isDouble(double v) {
            return value instanceof Double d && d == v;
        }
    }

    /** A local variable or parameter, of the user's or generated ({@code _d_x}, {@code _t0}). */
    record Local(String name, JType type) implements Expr {}

    /** A static field that is not a compile-time constant, read through its class. */
    record StaticField(TypeElement owner, String name, JType type) implements Expr {}

    /** A field of a passed-through object. */
    record FieldRead(Expr target, String name, JType type) implements Expr {}

    record Unary(UnaryOp op, Expr operand, JType type) implements Expr {}

    record Binary(BinaryOp op, Expr left, Expr right, JType type) implements Expr {}

    record Conditional(Expr condition, Expr then, Expr otherwise, JType type) implements Expr {}

    record Cast(JType type, Expr operand, Position position) implements Expr {}

    /** A call of a {@link MathFunction}, on {@code Math} or ({@code strict}) {@code StrictMath}. */
    record MathCall(MathFunction function, boolean strict, List<Expr> args, JType type, Position position)
            implements Expr {}

    /**
     * A call the differentiator does not see into: allowed only where no derivative has to flow
     * through it. Static when {@code receiver} is null.
     */
    record Invoke(ExecutableElement method, Expr receiver, List<Expr> args, JType type, Position position)
            implements Expr {}

    /** {@code new T(args)}, e.g. an exception in a guard clause. */
    record New(JType type, List<Expr> args) implements Expr {}

    /** {@code array[index]}. */
    record ArrayRead(Expr array, Expr index, JType type) implements Expr {}

    /** {@code array.length}. */
    record Length(Expr array) implements Expr {
        @Override
        public JType type() {
            return JType.INT;
        }
    }

    /** {@code new T[length]}, for a one-dimensional array type. */
    record NewArray(JType type, Expr length) implements Expr {}

    /**
     * A call of another {@code @Differentiable} method: the forward sweep calls it, the reverse
     * sweep calls its generated pullback in {@code adjoint}. {@code gradientFields} names, per
     * parameter, its field in the callee's gradient (null when the gradient has none);
     * {@code writtenArrays} names the {@code double[]} parameters it writes to.
     */
    record DiffCall(ExecutableElement method, JType.ClassRef adjoint, List<String> gradientFields,
            List<String> writtenArrays, List<Expr> args, Position position) implements Expr {
        @Override
        public JType type() {
            return JType.DOUBLE;
        }

        public boolean wrt(int parameter) {
            return gradientFields.get(parameter) != null;
        }
    }

    /**
     * A call of a method with user-supplied partial derivatives ({@code @DerivativeOf}): entry i of
     * {@code derivatives} computes ∂/∂(argument i), or is null when none was given.
     */
    record CustomCall(ExecutableElement method, List<ExecutableElement> derivatives, List<Expr> args,
            Position position) implements Expr {
        @Override
        public JType type() {
            return JType.DOUBLE;
        }
    }

    /** {@code Adjoint.stopGradient(operand)}: the operand's value, through which no derivative flows. */
    record StopGradient(Expr operand) implements Expr {
        @Override
        public JType type() {
            return JType.DOUBLE;
        }
    }

    /** A call the differentiator writes (a pullback, a stack operation): static on {@code owner}, or on {@code receiver}. */
    record Apply(Expr receiver, JType.ClassRef owner, String method, List<Expr> args, JType type) implements Expr {}

    enum UnaryOp {
        NEG("-"), PLUS("+"), NOT("!"), COMPLEMENT("~");

        public final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }
    }

    /** Binary operators with Java's precedence (higher binds tighter). */
    enum BinaryOp {
        MUL("*", 12), DIV("/", 12), REM("%", 12),
        ADD("+", 11), SUB("-", 11),
        SHL("<<", 10), SHR(">>", 10), USHR(">>>", 10),
        LT("<", 9), GT(">", 9), LE("<=", 9), GE(">=", 9),
        EQ("==", 8), NE("!=", 8),
        AND("&", 7), XOR("^", 6), OR("|", 5),
        CAND("&&", 4), COR("||", 3);

        public final String symbol;
        public final int precedence;

        BinaryOp(String symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }
    }
}
