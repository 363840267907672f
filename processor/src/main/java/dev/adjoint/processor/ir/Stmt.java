package dev.adjoint.processor.ir;

import dev.adjoint.processor.diag.Position;
import java.util.List;

/**
 * A statement of the IR. The reader produces the source forms; the normal form removes
 * {@link ForEach}, {@link Switch}, {@link Break}, {@link Continue} and every {@link Return} but a
 * final one; the differentiators add {@link Accumulate}, {@link Put}, {@link Push} and
 * {@link Comment}. Each source statement keeps its position and its source text, which generated
 * code quotes in comments ({@code // grad of: z = x * y}).
 */
public sealed interface Stmt {

    Position pos();

    <R> R accept(Visitor<R> v);

    /** One method per statement kind. */
    interface Visitor<R> {
        R visitDeclare(Declare s);

        R visitAssign(Assign s);

        R visitArrayWrite(ArrayWrite s);

        R visitEval(Eval s);

        R visitIf(If s);

        R visitLoop(Loop s);

        R visitForEach(ForEach s);

        R visitSwitch(Switch s);

        R visitBlock(Block s);

        R visitBreak(Break s);

        R visitContinue(Continue s);

        R visitReturn(Return s);

        R visitThrow(Throw s);

        R visitAccumulate(Accumulate s);

        R visitPut(Put s);

        R visitPush(Push s);

        R visitComment(Comment s);

        R visitUnsupported(Unsupported s);
    }

    /** {@code T var = init;} ({@code init} null: {@code T var;}). */
    record Declare(Var var, Expr init, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitDeclare(this);
        }
    }

    /** {@code var = value;} */
    record Assign(Var var, Expr value, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitAssign(this);
        }
    }

    /** {@code array[index] = value;} */
    record ArrayWrite(Expr array, Expr index, Expr value, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitArrayWrite(this);
        }
    }

    /** An expression evaluated for its effect, e.g. a validation call. */
    record Eval(Expr expr, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitEval(this);
        }
    }

    record If(Expr condition, List<Stmt> then, List<Stmt> otherwise, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitIf(this);
        }
    }

    /**
     * A loop: {@code for (init; condition; update) body}, a {@code while} (no init, no update) or a
     * {@code do}-{@code while} ({@code doWhile}). {@code head} are statements run before each test
     * of the condition (the normal form puts there what the condition needs computed); a null
     * condition is {@code true}. {@code label} is the user's label, or null.
     */
    record Loop(String label, List<Stmt> init, List<Stmt> head, Expr condition, List<Stmt> update, List<Stmt> body,
            boolean doWhile, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitLoop(this);
        }
    }

    /** {@code for (T var : array) body}. */
    record ForEach(String label, Var var, Expr array, List<Stmt> body, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitForEach(this);
        }
    }

    /**
     * A switch statement. A case with {@code labels} null is {@code default}. In the colon form
     * ({@code arrow} false) control falls through from one case's statements into the next
     * unless they end in a jump.
     */
    record Switch(Expr selector, List<Case> cases, boolean arrow, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitSwitch(this);
        }
    }

    /** One case of a {@link Switch}: its labels (constants) and statements. */
    record Case(List<Expr> labels, List<Stmt> body) {}

    /** A block {@code { ... }}: a scope, with the user's label or null. */
    record Block(String label, List<Stmt> body) implements Stmt {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitBlock(this);
        }
    }

    /** {@code break;} or {@code break label;} (label null for the innermost loop or switch). */
    record Break(String label, Position pos) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitBreak(this);
        }
    }

    /** {@code continue;} or {@code continue label;}. */
    record Continue(String label, Position pos) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitContinue(this);
        }
    }

    record Return(Expr value, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitReturn(this);
        }
    }

    record Throw(Expr exception, Position pos, String source) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitThrow(this);
        }
    }

    /** Generated: {@code target += delta;} (printed {@code -=} for a negated delta); target a variable, element or field. */
    record Accumulate(Expr target, Expr delta) implements Stmt {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitAccumulate(this);
        }
    }

    /** Generated: {@code target = value;} for an element or field ({@code _g1.x = 0.0}). */
    record Put(Expr target, Expr value) implements Stmt {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitPut(this);
        }
    }

    /** Generated: pushes a value on the thread's value stack, for the reverse sweep to {@link Expr.Pop pop}. */
    record Push(Expr value) implements Stmt {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitPush(this);
        }
    }

    /** A line comment in generated code. */
    record Comment(String text) implements Stmt {
        @Override
        public Position pos() {
            return null;
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitComment(this);
        }
    }

    /** A statement the reader could not translate: the fence reports it. */
    record Unsupported(dev.adjoint.processor.diag.Tag tag, String message, Position pos) implements Stmt {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.visitUnsupported(this);
        }
    }
}
