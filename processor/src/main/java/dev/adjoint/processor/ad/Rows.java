package dev.adjoint.processor.ad;

import dev.adjoint.processor.analysis.Loops;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A clean-up of generated loops: a matrix row read in the loops of a counting loop's body is named
 * once per iteration, as a hand-written loop over samples names its row: {@code double[] _xi = x[i];}
 * at the top of {@code for (int i ...)}'s body, {@code _xi[k]} for {@code x[i][k]} (the reverse
 * sweep's loops too). The JIT cannot keep {@code x[i]} across a call it does not inline (the call
 * may store another array into {@code x[i]}), so after a {@code Math.tanh} each inner loop loaded
 * the row again. It is the same row throughout the iteration when {@code x} is a {@code double[][]}
 * parameter that the generated method only reads through elements and lengths (never assigned, no
 * row stored, never passed on) and {@code i} the counter of a counting loop, which its body does
 * not assign. Elements are read from the same arrays as before: the values are the same bit for bit.
 * It runs on the finished member, after the analyses, which know {@code x[i][k]} as a value to read
 * again rather than to keep.
 */
public final class Rows {

    /** {@code body} of a member taking {@code params}, with the rows its counting loops read named. */
    public static List<Stmt> run(List<MethodIr.Param> params, List<Stmt> body) {
        List<Var> matrices = new ArrayList<>();
        for (MethodIr.Param p : params) {
            Var x = p.var();
            if (isMatrix(x.type) && onlyRead(x, body)) {
                matrices.add(x);
            }
        }
        return matrices.isEmpty() ? body : new Rows(matrices).block(body);
    }

    private final List<Var> matrices;
    /** One name per matrix and counter: the forward and the reverse loop over {@code i} both call the row {@code _xi}. */
    private final Map<List<Var>, Var> names = new HashMap<>();

    private Rows(List<Var> matrices) {
        this.matrices = matrices;
    }

    private static boolean isMatrix(JType type) {
        return type.isArray() && !type.isDoubleArray() && type.component().isDoubleArray();
    }

    /** Whether the method uses {@code x} only as {@code x[e]} read, or {@code x.length}. */
    private static boolean onlyRead(Var x, List<Stmt> body) {
        for (Stmt s : Stmts.all(body)) {
            if (Stmts.target(s) == x) {
                return false; // assigned, or a row stored: x[a] = row
            }
            for (Expr e : Stmts.exprs(s)) {
                if (!readsOnly(e, x)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean readsOnly(Expr e, Var x) {
        if (e instanceof Expr.Assignment a && (isVar(a.target(), x)
                || a.target() instanceof Expr.ArrayRead r && isVar(r.array(), x))) {
            return false;
        }
        if (e instanceof Expr.ArrayRead a && isVar(a.array(), x)) {
            return readsOnly(a.index(), x);
        }
        if (e instanceof Expr.Length l && isVar(l.array(), x)) {
            return true;
        }
        if (isVar(e, x)) {
            return false; // passed on, aliased, compared
        }
        for (Expr child : Exprs.children(e)) {
            if (!readsOnly(child, x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVar(Expr e, Var x) {
        return e instanceof Expr.Read r && r.var() == x;
    }

    private List<Stmt> block(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            if (s instanceof Stmt.Loop l && Loops.counter(l) != null) {
                out.add(loop(l, Loops.counter(l)));
            } else {
                out.add(Stmts.mapBlocks(s, this::block));
            }
        }
        return out;
    }

    /** A counting loop with the rows its inner loops read named at the top of its body; then its body's loops the same. */
    private Stmt loop(Stmt.Loop l, Var counter) {
        List<Stmt> body = l.body();
        List<Stmt> named = new ArrayList<>();
        for (Var x : matrices) {
            if (!inBounds(l, counter, x)) {
                continue;
            }
            Expr.ArrayRead[] row = {null};
            for (Stmt s : body) {
                if (s instanceof Stmt.Loop inner) {
                    Stmts.forEachExpr(List.of(inner), e -> Exprs.postOrder(e, n -> {
                        if (row[0] == null && isRow(n, x, counter)) {
                            row[0] = (Expr.ArrayRead) n;
                        }
                    }));
                }
            }
            if (row[0] == null) {
                continue;
            }
            JType type = row[0].type();
            Var name = names.computeIfAbsent(List.of(x, counter), k -> new Var("_" + x.name + counter.name, type,
                    Var.Role.TEMP));
            named.add(new Stmt.Declare(name, new Expr.ArrayRead(new Expr.Read(x), new Expr.Read(counter), type, null),
                    null, null));
            body = Rename.replace(body, e -> isRow(e, x, counter) ? new Expr.Read(name) : null);
        }
        named.addAll(block(body));
        return new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), named, l.doWhile(), l.pos(),
                l.source());
    }

    /**
     * Whether every iteration's counter indexes a row of {@code x}, so that reading it at the top of
     * the body cannot throw where the body would not: {@code for (int i = c; i < x.length; i++)},
     * {@code i <= x.length - 1} (a reverse sweep's), or {@code for (int i = x.length - 1; i >= c; i--)},
     * {@code c} a constant at least 0.
     */
    private static boolean inBounds(Stmt.Loop l, Var counter, Var x) {
        if (!l.head().isEmpty() || !(l.condition() instanceof Expr.Binary cond) || !isVar(cond.left(), counter)) {
            return false;
        }
        Expr start = Loops.start(l);
        int step = Loops.step(l);
        if (step == 1) {
            return nonNegative(start) && (cond.op() == Expr.BinaryOp.LT && isLength(cond.right(), x)
                    || cond.op() == Expr.BinaryOp.LE && isLastIndex(cond.right(), x));
        }
        return step == -1 && cond.op() == Expr.BinaryOp.GE && nonNegative(cond.right()) && isLastIndex(start, x);
    }

    /** {@code x.length - 1}. */
    private static boolean isLastIndex(Expr e, Var x) {
        return e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.SUB && isLength(b.left(), x)
                && b.right() instanceof Expr.Const one && Integer.valueOf(1).equals(one.value());
    }

    private static boolean isLength(Expr e, Var x) {
        return e instanceof Expr.Length len && isVar(len.array(), x);
    }

    private static boolean nonNegative(Expr e) {
        return e instanceof Expr.Const c && c.value() instanceof Integer k && k >= 0;
    }

    private static boolean isRow(Expr e, Var x, Var counter) {
        return e instanceof Expr.ArrayRead a && isVar(a.array(), x) && isVar(a.index(), counter);
    }
}
