package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Structural helpers over IR statements. */
final class Stmts {

    private Stmts() {}

    /** The statement lists nested directly in {@code s}: branches, loop parts, block bodies. */
    static List<List<Stmt>> blocks(Stmt s) {
        if (s instanceof Stmt.If f) {
            return List.of(f.then(), f.otherwise());
        }
        if (s instanceof Stmt.Loop l) {
            return List.of(l.init(), l.body(), l.update());
        }
        if (s instanceof Stmt.ForEach f) {
            return List.of(f.body());
        }
        if (s instanceof Stmt.Block b) {
            return List.of(b.body());
        }
        return List.of();
    }

    /** Every statement of {@code list}, nested ones included, in program order. */
    static void forEach(List<Stmt> list, Consumer<Stmt> action) {
        for (Stmt s : list) {
            action.accept(s);
            for (List<Stmt> inner : blocks(s)) {
                forEach(inner, action);
            }
        }
    }

    /** The expressions {@code s} itself evaluates (not those of nested statements). */
    static List<Expr> exprs(Stmt s) {
        List<Expr> out = new ArrayList<>();
        if (s instanceof Stmt.Declare d && d.init() != null) {
            out.add(d.init());
        } else if (s instanceof Stmt.Assign a) {
            out.add(a.value());
        } else if (s instanceof Stmt.ArrayWrite w) {
            out.add(w.array());
            out.add(w.index());
            out.add(w.value());
        } else if (s instanceof Stmt.Eval e) {
            out.add(e.expr());
        } else if (s instanceof Stmt.If f) {
            out.add(f.condition());
        } else if (s instanceof Stmt.Loop l && l.condition() != null) {
            out.add(l.condition());
        } else if (s instanceof Stmt.ForEach f) {
            out.add(f.array());
        } else if (s instanceof Stmt.Throw t) {
            out.add(t.exception());
        } else if (s instanceof Stmt.Return r) {
            out.add(r.value());
        } else if (s instanceof Stmt.Accumulate a) {
            out.add(a.target());
            out.add(a.delta());
        } else if (s instanceof Stmt.Put p) {
            out.add(p.target());
            out.add(p.value());
        }
        return out;
    }

    /** Every expression evaluated anywhere in {@code list}. */
    static void forEachExpr(List<Stmt> list, Consumer<Expr> action) {
        forEach(list, s -> exprs(s).forEach(action));
    }

    /** {@code list} without the statements (at any depth) that {@code keep} rejects. */
    static List<Stmt> filter(List<Stmt> list, Predicate<Stmt> keep) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (!keep.test(s)) {
                continue;
            }
            if (s instanceof Stmt.If f) {
                out.add(new Stmt.If(f.condition(), filter(f.then(), keep), filter(f.otherwise(), keep), f.position(),
                        f.source()));
            } else if (s instanceof Stmt.Loop l) {
                out.add(new Stmt.Loop(l.label(), filter(l.init(), keep), l.condition(), filter(l.update(), keep),
                        filter(l.body(), keep), l.doWhile(), l.position(), l.source()));
            } else if (s instanceof Stmt.Block b) {
                out.add(new Stmt.Block(filter(b.body(), keep)));
            } else {
                out.add(s);
            }
        }
        return out;
    }
}
