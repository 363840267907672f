package dev.adjoint.processor.ir;

import dev.adjoint.processor.diag.Position;
import java.util.List;

/**
 * An expression of the IR. The reader builds these from javac trees, keeping each node's source
 * position; the normal form flattens them so that every intermediate value has a name; the
 * differentiators build new ones (adjoints, partial derivatives) from the same records, and the
 * emitter prints them. Every pass that must handle every kind implements {@link Visitor}: a new
 * node is then a compile error in each of them.
 */
public sealed interface Expr {

    JType type();

    /** Where the expression is in the user's source; null for what the processor made. */
    Position pos();

    <R> R accept(Visitor<R> v);

    /** One method per node kind. */
    interface Visitor<R> {
        R visitConst(Const e);

        R visitRead(Read e);

        R visitStaticGet(StaticGet e);

        R visitFieldGet(FieldGet e);

        R visitUnary(Unary e);

        R visitBinary(Binary e);

        R visitCond(Cond e);

        R visitCast(Cast e);

        R visitMathCall(MathCall e);

        R visitCall(Call e);

        R visitNew(New e);

        R visitNewArray(NewArray e);

        R visitArrayLit(ArrayLit e);

        R visitArrayRead(ArrayRead e);

        R visitLength(Length e);

        R visitStopGradient(StopGradient e);

        R visitAssignment(Assignment e);

        R visitSwitchExpr(SwitchExpr e);

        R visitPop(Pop e);

        R visitPullback(Pullback e);

        R visitUnsupported(Unsupported e);
    }

    /** A literal or compile-time constant: a boxed Double, Float, Integer, Long, Boolean, Character, String, or null. */
    record Const(Object value, JType type, Position pos) implements Expr {
        public static Const of(double v) {
            return new Const(v, JType.DOUBLE, null);
        }

        public static Const ofInt(int v) {
            return new Const(v, JType.INT, null);
        }

        public static Const ofBoolean(boolean v) {
            return new Const(v, JType.BOOLEAN, null);
        }

        /** The numeric value as a double, or null when this is not a number. */
        public Double number() {
            return value instanceof Number n ? n.doubleValue() : value instanceof Character c ? (double) c : null;
        }

        public boolean isDouble(double v) {
            return value instanceof Double d && d == v;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitConst(this);
        }
    }

    /** A read of a variable. */
    record Read(Var var, Position pos) implements Expr {
        public Read(Var var) {
            this(var, null);
        }

        @Override
        public JType type() {
            return var.type;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitRead(this);
        }
    }

    /**
     * A static field that is not a compile-time constant, read through its class; {@code hidden}
     * when the adjoint class cannot name it (private), so it is read through a handle.
     */
    record StaticGet(ClassRef owner, String name, JType type, boolean hidden, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitStaticGet(this);
        }
    }

    /** A field of an object: {@code target.name}; {@code hidden} as for {@link StaticGet}. */
    record FieldGet(Expr target, ClassRef owner, String name, JType type, boolean hidden, Position pos)
            implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitFieldGet(this);
        }
    }

    record Unary(UnaryOp op, Expr operand, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitUnary(this);
        }
    }

    record Binary(BinaryOp op, Expr left, Expr right, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitBinary(this);
        }
    }

    /** {@code condition ? then : otherwise}. */
    record Cond(Expr condition, Expr then, Expr otherwise, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitCond(this);
        }
    }

    record Cast(JType type, Expr operand, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitCast(this);
        }
    }

    /**
     * A call of a {@link MathFunction}, on {@code Math} or ({@code strict}) {@code StrictMath}, or
     * on a library class with Math's names and contracts ({@code via}: Hipparchus' FastMath), which
     * the forward sweep calls as the method does.
     */
    record MathCall(MathFunction function, boolean strict, List<Expr> args, JType type, Position pos, ClassRef via)
            implements Expr {
        public MathCall(MathFunction function, boolean strict, List<Expr> args, JType type, Position pos) {
            this(function, strict, args, type, pos, null);
        }

        /** The class the call names: {@code Math}, {@code StrictMath} or the library's. */
        public String owner() {
            return via != null ? via.simpleName() : strict ? "StrictMath" : "Math";
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitMathCall(this);
        }
    }

    /**
     * A call of a method: what the differentiators do with it is decided by its {@link Callee}.
     * {@code receiver} is null for a static method.
     */
    record Call(Callee callee, Expr receiver, List<Expr> args, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitCall(this);
        }
    }

    /** {@code new T(args)}, e.g. an exception in a guard clause. */
    record New(JType type, List<Expr> args, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitNew(this);
        }
    }

    /** {@code new T[d1][d2]...}: the dimensions given (one for a {@code double[]}). */
    record NewArray(JType type, List<Expr> dimensions, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitNewArray(this);
        }
    }

    /** An array initializer, {@code {a, b}} or {@code new double[] {a, b}}. */
    record ArrayLit(JType type, List<Expr> elements, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitArrayLit(this);
        }
    }

    /** {@code array[index]}. */
    record ArrayRead(Expr array, Expr index, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitArrayRead(this);
        }
    }

    /** {@code array.length}. */
    record Length(Expr array, Position pos) implements Expr {
        @Override
        public JType type() {
            return JType.INT;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitLength(this);
        }
    }

    /** {@code Adjoint.stopGradient(operand)}: the operand's value (a double or an array), through which no derivative flows. */
    record StopGradient(Expr operand, Position pos) implements Expr {
        @Override
        public JType type() {
            return operand.type();
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitStopGradient(this);
        }
    }

    /**
     * An assignment used as a value: {@code a = b = v}, {@code n--} in a condition, {@code ++t[0]},
     * {@code s += c / ++k}. {@code target} is a {@link Read} of a variable or an {@link ArrayRead};
     * {@code op} is the operator of a compound assignment or increment (null for {@code =}).
     * The value is the target's new value, except for a postfix increment, whose value is the old one.
     */
    record Assignment(Expr target, BinaryOp op, Expr value, boolean postfix, JType type, Position pos)
            implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitAssignment(this);
        }
    }

    /**
     * A switch expression: {@code statement} (a labelled block holding the switch) assigns
     * {@code result} where the source yields a value, and breaks out of the block; the normal
     * form puts it before the statement that uses the value.
     */
    record SwitchExpr(Stmt statement, Var result, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitSwitchExpr(this);
        }
    }

    /** Generated: the value the forward sweep pushed on the thread's value stack, popped. */
    record Pop(JType type) implements Expr {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitPop(this);
        }
    }

    /**
     * Generated: the pullback of a called method (or, in second order, its forward-over-reverse
     * twin): {@code callee}'s pullback with the call's arguments, {@code seed}, and {@code holder}
     * receiving the arguments' adjoints.
     */
    record Pullback(Callee.Differentiable callee, List<Expr> args, Expr seed, Var holder) implements Expr {
        @Override
        public JType type() {
            return JType.DOUBLE;
        }

        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitPullback(this);
        }
    }

    /** A construct the reader could not translate: the fence reports it, with {@code tag} and {@code message}. */
    record Unsupported(dev.adjoint.processor.diag.Tag tag, String message, JType type, Position pos) implements Expr {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitUnsupported(this);
        }
    }

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

        public boolean isComparison() {
            return precedence == 9 || precedence == 8;
        }

        public boolean isArithmetic() {
            return this == MUL || this == DIV || this == REM || this == ADD || this == SUB;
        }
    }
}
