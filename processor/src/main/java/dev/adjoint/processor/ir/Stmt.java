package dev.adjoint.processor.ir;

import dev.adjoint.processor.ErrorReporter.Position;
import java.util.List;

/**
 * A statement of the IR. The reader produces everything but {@link Accumulate} and
 * {@link Comment}, which the differentiator adds when it writes the forward and reverse sweeps.
 * Before differentiation, {@code ad.Normalize} removes {@link Break}, {@link Continue},
 * {@link ForEach} and every {@link Return} but a final one.
 */
public sealed interface Stmt {

    /** {@code T var = init;} ({@code init} may be null: {@code T var;}). */
    record Declare(Expr.Local var, Expr init, Position position, String source) implements Stmt {}

    /** {@code var = value;} */
    record Assign(Expr.Local var, Expr value, Position position, String source) implements Stmt {}

    /** {@code array[index] = value;} */
    record ArrayWrite(Expr array, Expr index, Expr value, Position position, String source) implements Stmt {}

    /** {@code target += delta;} (printed as {@code -=} when the delta is a negation); target is a local, a field or an element. */
    record Accumulate(Expr target, Expr delta) implements Stmt {}

    /** {@code target = value;} for a field or element the differentiator writes ({@code _g1.x = 0.0}). */
    record Put(Expr target, Expr value) implements Stmt {}

    /** An expression evaluated for its effect, e.g. a logging call. */
    record Eval(Expr expr, Position position, String source) implements Stmt {}

    record If(Expr condition, List<Stmt> then, List<Stmt> otherwise, Position position, String source)
            implements Stmt {}

    /**
     * A loop: {@code for (init; condition; update) body}, a {@code while} (no init, no update), or
     * a {@code do}-{@code while} ({@code doWhile}). A null condition is {@code true}. {@code label}
     * is the user's label, or null.
     */
    record Loop(String label, List<Stmt> init, Expr condition, List<Stmt> update, List<Stmt> body, boolean doWhile,
            Position position, String source) implements Stmt {}

    /** {@code for (double var : array) body}. */
    record ForEach(String label, Expr.Local var, Expr array, List<Stmt> body, Position position, String source)
            implements Stmt {}

    /** {@code break;} or {@code break label;} (label null for the innermost loop). */
    record Break(String label, Position position) implements Stmt {}

    /** {@code continue;} or {@code continue label;}. */
    record Continue(String label, Position position) implements Stmt {}

    /** A nested block {@code { ... }}: a scope. */
    record Block(List<Stmt> body) implements Stmt {}

    record Throw(Expr exception, Position position, String source) implements Stmt {}

    record Return(Expr value, Position position, String source) implements Stmt {}

    /** A line comment in generated code. */
    record Comment(String text) implements Stmt {}
}
