package dev.adjoint.processor.ad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cleanup's dropping of the arrays the processor made that are written and never read: it must
 * keep an array that is a second name for another (assigned it: its writes are the other's), found
 * by a random second-order batch whose split pullback kept such an assignment after the array's
 * declaration had gone (a generated file that did not compile).
 */
class CleanupTest {

    private static final Expr TWO = Expr.Const.ofInt(2);

    @Test
    void anArrayWrittenAndNeverReadGoes() {
        Var kept = new Var("kept", JType.DOUBLE_ARRAY, Var.Role.LOCAL);
        Var dropped = new Var("_t", JType.DOUBLE_ARRAY, Var.Role.TEMP);
        List<Stmt> body = List.of(
                new Stmt.Declare(kept, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(TWO), null), null, null),
                new Stmt.Declare(dropped, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(TWO), null), null, null),
                new Stmt.ArrayWrite(new Expr.Read(dropped), Expr.Const.ofInt(0), Expr.Const.of(1.0), null, null),
                new Stmt.ArrayWrite(new Expr.Read(kept), Expr.Const.ofInt(0), Expr.Const.of(2.0), null, null),
                new Stmt.Return(new Expr.ArrayRead(new Expr.Read(kept), Expr.Const.ofInt(0), JType.DOUBLE, null), null, null));
        List<Stmt> out = Cleanup.run(body);
        assertEquals(0, mentions(out, dropped), out.toString());
        assertEquals(3, mentions(out, kept), out.toString());
    }

    @Test
    void anArrayGivenAnotherArrayIsKeptWithItsWrites() {
        Var other = new Var("other", JType.DOUBLE_ARRAY, Var.Role.LOCAL);
        Var alias = new Var("_t", JType.DOUBLE_ARRAY, Var.Role.TEMP);
        List<Stmt> body = List.of(
                new Stmt.Declare(other, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(TWO), null), null, null),
                new Stmt.Declare(alias, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(TWO), null), null, null),
                new Stmt.Assign(alias, new Expr.Read(other), null, null),
                new Stmt.ArrayWrite(new Expr.Read(alias), Expr.Const.ofInt(0), Expr.Const.of(1.0), null, null),
                new Stmt.Return(new Expr.ArrayRead(new Expr.Read(other), Expr.Const.ofInt(0), JType.DOUBLE, null), null, null));
        List<Stmt> out = Cleanup.run(body);
        // its declaration, the assignment and the write through it: the write is other's
        assertEquals(3, mentions(out, alias), out.toString());
    }

    /** How many statements of {@code body} name {@code v} (declare, assign or read it). */
    private static long mentions(List<Stmt> body, Var v) {
        return Stmts.all(body).stream().filter(s -> Stmts.target(s) == v || Stmts.exprs(s).stream()
                .anyMatch(e -> dev.adjoint.processor.ir.Exprs.readsVar(e, v))).count();
    }
}
