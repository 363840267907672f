package dev.adjoint.processor.ir;

import dev.adjoint.processor.ErrorReporter.Position;
import java.util.List;

/**
 * A statement of the IR. The reader produces {@link Declare}, {@link Assign}, {@link Eval},
 * {@link If}, {@link Throw} and {@link Return}; the differentiator adds {@link Accumulate} and
 * {@link Comment} when it writes the forward and reverse sweeps.
 */
public sealed interface Stmt {

    /** {@code T var = init;} ({@code init} may be null: {@code T var;}). */
    record Declare(Expr.Local var, Expr init, Position position, String source) implements Stmt {}

    /** {@code var = value;} */
    record Assign(Expr.Local var, Expr value, Position position, String source) implements Stmt {}

    /** {@code target += delta;} (printed as {@code -=} when the delta is a negation); target is a local or a field. */
    record Accumulate(Expr target, Expr delta) implements Stmt {}

    /** An expression evaluated for its effect, e.g. a logging call. */
    record Eval(Expr expr, Position position, String source) implements Stmt {}

    record If(Expr condition, List<Stmt> then, List<Stmt> otherwise, Position position, String source)
            implements Stmt {}

    record Throw(Expr exception, Position position, String source) implements Stmt {}

    record Return(Expr value, Position position, String source) implements Stmt {}

    /** A line comment in generated code. */
    record Comment(String text) implements Stmt {}
}
