package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A helper called with a {@code boolean} constant for a parameter it never assigns, as libraries
 * ask for optional work with a flag: Apache SIS's {@code transform(src, 0, dst, 0, false)}, whose
 * last parameter says whether to build the derivative matrix too. The helper is read for such calls
 * apart (its key says the constants), the constant in the parameter's place, and what the constant
 * decides folded: {@code !derivate}, {@code derivate && x}, {@code derivate ? a : b}, an {@code if}
 * on it, and the statements that become unreachable ({@code if (!derivate) return null;}, then the
 * matrix). The code a flag turns off is never run, so neither its derivative nor its refusal
 * matters: building the matrix from differentiated values no longer refuses the call.
 */
final class Given {

    private Given() {}

    /** The {@code boolean} constants among a call's arguments, by parameter. */
    static Map<Integer, Expr.Const> of(List<Expr> args) {
        Map<Integer, Expr.Const> given = new TreeMap<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof Expr.Const c && c.value() instanceof Boolean) {
                given.put(i, c);
            }
        }
        return given;
    }

    /** The suffix of the key of a helper read for {@code given} ({@code #given4=false}), or "". */
    static String suffix(Map<Integer, Expr.Const> given) {
        return given.isEmpty() ? "" : given.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().value())
                .collect(Collectors.joining(",", "#given", ""));
    }

    /**
     * {@code body} with each given parameter (of {@code params}, the method's own, in order) that
     * the body never assigns read as its constant, and what that decides folded.
     */
    static List<Stmt> apply(List<Stmt> body, List<MethodIr.Param> params, Map<Integer, Expr.Const> given) {
        if (given.isEmpty()) {
            return body;
        }
        Map<Var, Expr.Const> constants = new java.util.HashMap<>();
        given.forEach((i, c) -> {
            Var v = params.get(i).var();
            if (v.type.kind() == JType.Kind.BOOLEAN && !Stmts.assigns(body, v)) {
                constants.put(v, c);
            }
        });
        if (constants.isEmpty()) {
            return body;
        }
        List<Stmt> read = Rename.replace(body, e -> e instanceof Expr.Read r ? constants.get(r.var()) : null);
        return Stmts.reachable(Stmts.mapAll(Rename.replace(read, Given::fold), Given::decided));
    }

    /**
     * An {@code if} on a constant as the branch it takes; a loop whose condition is {@code false}
     * (not a {@code do}-{@code while}) as what runs before its first test: javac would call its body
     * unreachable.
     */
    private static Stmt decided(Stmt s) {
        if (s instanceof Stmt.If i && truth(i.condition()) != null) {
            return new Stmt.Block(null, truth(i.condition()) ? i.then() : i.otherwise());
        }
        if (s instanceof Stmt.Loop l && !l.doWhile() && Boolean.FALSE.equals(truth(l.condition()))) {
            List<Stmt> before = new java.util.ArrayList<>(l.init());
            before.addAll(l.head());
            return new Stmt.Block(null, before);
        }
        return s;
    }

    /** {@code e} folded where a constant decides it, or null when nothing does (for Rename.replace). */
    private static Expr fold(Expr e) {
        Expr inner = Exprs.map(e, x -> {
            Expr f = fold(x);
            return f == null ? x : f;
        });
        Expr folded = foldHere(inner);
        return folded != null ? folded : inner != e ? inner : null;
    }

    private static Expr foldHere(Expr e) {
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT && truth(u.operand()) != null) {
            return Expr.Const.ofBoolean(!truth(u.operand()));
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR)
                && truth(b.left()) != null) {
            // false && x is false, true && x is x (x not run, or run as before); || likewise
            boolean and = b.op() == Expr.BinaryOp.CAND;
            return truth(b.left()) == and ? b.right() : Expr.Const.ofBoolean(!and);
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.EQ || b.op() == Expr.BinaryOp.NE)
                && truth(b.left()) != null && truth(b.right()) != null) {
            return Expr.Const.ofBoolean(truth(b.left()).equals(truth(b.right())) == (b.op() == Expr.BinaryOp.EQ));
        }
        if (e instanceof Expr.Cond c && truth(c.condition()) != null) {
            Expr taken = truth(c.condition()) ? c.then() : c.otherwise();
            // flag ? 1 : x is a double: the int branch keeps its conversion
            return taken.type().equals(c.type()) ? taken : new Expr.Cast(c.type(), taken, c.pos());
        }
        return null;
    }

    private static Boolean truth(Expr e) {
        return e instanceof Expr.Const c && c.value() instanceof Boolean b ? b : null;
    }
}
