package dev.adjoint.processor.normalize;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step of the normal form: rewrites the statements differentiation does not know into
 * those it does. A for-each loop becomes a counting loop over the array's indices; a switch
 * becomes an if-chain inside a labelled block (which its {@code break}s leave), with a flag for
 * the cases that fall through into the next.
 */
final class Desugar {

    private int labels;

    List<Stmt> run(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            out.addAll(statement(s));
        }
        return out;
    }

    private List<Stmt> statement(Stmt s) {
        if (s instanceof Stmt.ForEach f) {
            return forEach(f);
        }
        if (s instanceof Stmt.Switch w) {
            return List.of(switchStatement(w, null));
        }
        if (s instanceof Stmt.Block b && b.body().size() == 1 && b.body().get(0) instanceof Stmt.Switch w
                && b.label() != null) {
            return List.of(switchStatement(w, b.label()));
        }
        return List.of(Stmts.mapBlocks(s, this::run));
    }

    /** {@code for (T v : a) body} as {@code T[] _array = a; for (int _i = 0; _i < _array.length; _i++) { T v = _array[_i]; body }}. */
    private List<Stmt> forEach(Stmt.ForEach f) {
        List<Stmt> out = new ArrayList<>();
        Expr array = f.array();
        if (!(array instanceof Expr.Read)) {
            Var copy = new Var("_array", array.type(), Var.Role.TEMP);
            out.add(new Stmt.Declare(copy, array, null, null));
            array = new Expr.Read(copy);
        }
        Var index = new Var("_i", JType.INT, Var.Role.INDEX);
        List<Stmt> body = new ArrayList<>();
        body.add(new Stmt.Declare(f.var(), new Expr.ArrayRead(array, new Expr.Read(index), f.var().type, null), f.pos(),
                f.var().type + " " + f.var().name + " = " + f.source()));
        body.addAll(run(f.body()));
        Expr.Read i = new Expr.Read(index);
        out.add(new Stmt.Loop(f.label(), List.of(new Stmt.Declare(index, Expr.Const.ofInt(0), null, null)), List.of(),
                new Expr.Binary(Expr.BinaryOp.LT, i, new Expr.Length(array, null), JType.BOOLEAN, null),
                List.of(new Stmt.Assign(index, new Expr.Binary(Expr.BinaryOp.ADD, i, Expr.Const.ofInt(1), JType.INT,
                        null), null, null)), body, false, f.pos(), f.source()));
        return out.size() == 1 ? out : List.of(new Stmt.Block(null, out));
    }

    /**
     * A switch as an if-chain in a block labelled {@code label} (the user's, or a new one) that the
     * cases' {@code break}s leave. Without fall-through (every case ends in a jump, or the arrow
     * form), {@code if (sel == a) {...} else if (...) ... else {default}}; with it, each case runs
     * when it matches or when the case before it fell through ({@code _fall}).
     */
    private Stmt switchStatement(Stmt.Switch w, String userLabel) {
        String label = userLabel != null ? userLabel : "_switch" + (++labels);
        List<Stmt> out = new ArrayList<>();
        Var selector = new Var("_selector", w.selector().type(), Var.Role.TEMP);
        out.add(new Stmt.Declare(selector, w.selector(), w.pos(), w.source()));
        List<Stmt.Case> cases = new ArrayList<>();
        for (Stmt.Case c : w.cases()) {
            cases.add(new Stmt.Case(c.labels(), run(retarget(c.body(), label))));
        }
        boolean fallsThrough = false;
        for (int k = 0; k < cases.size() - 1; k++) {
            fallsThrough |= !w.arrow() && !endsInJump(cases.get(k).body());
        }
        if (!fallsThrough) {
            Stmt.Case fallback = null;
            List<Stmt.Case> matched = new ArrayList<>();
            for (Stmt.Case c : cases) {
                if (c.labels() == null) {
                    fallback = c;
                } else {
                    matched.add(c);
                }
            }
            List<Stmt> chain = fallback == null ? List.of() : withoutFinalBreak(fallback.body(), label);
            for (int k = matched.size() - 1; k >= 0; k--) {
                Stmt.Case c = matched.get(k);
                chain = List.of(new Stmt.If(matches(selector, c.labels()), withoutFinalBreak(c.body(), label), chain,
                        w.pos(), "case " + describe(c.labels())));
            }
            out.addAll(chain);
        } else {
            Var fall = new Var("_fall", JType.BOOLEAN, Var.Role.FLAG);
            out.add(new Stmt.Declare(fall, Expr.Const.ofBoolean(false), null, null));
            Expr none = null;
            for (Stmt.Case c : cases) {
                if (c.labels() != null) {
                    Expr m = new Expr.Unary(Expr.UnaryOp.NOT, matches(selector, c.labels()), JType.BOOLEAN, null);
                    none = none == null ? m : new Expr.Binary(Expr.BinaryOp.CAND, none, m, JType.BOOLEAN, null);
                }
            }
            for (Stmt.Case c : cases) {
                Expr match = c.labels() == null ? (none == null ? Expr.Const.ofBoolean(true) : none)
                        : matches(selector, c.labels());
                List<Stmt> body = new ArrayList<>();
                body.add(new Stmt.Assign(fall, Expr.Const.ofBoolean(true), null, null));
                body.addAll(c.body());
                out.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.COR, new Expr.Read(fall), match, JType.BOOLEAN, null),
                        body, List.of(), w.pos(), c.labels() == null ? "default" : "case " + describe(c.labels())));
            }
        }
        return new Stmt.Block(label, out);
    }

    /** {@code sel == a || sel == b}; for a String selector {@code sel.equals(a) || ...}. */
    private static Expr matches(Var selector, List<Expr> labels) {
        Expr any = null;
        for (Expr label : labels) {
            Expr sel = new Expr.Read(selector);
            Expr test;
            if (selector.type.isString() || "java.lang.String".equals(String.valueOf(selector.type))) {
                Callee.Opaque equals = new Callee.Opaque(ClassRef.of("java.lang", "String"), "equals",
                        List.of(JType.OBJECT), JType.BOOLEAN, false, false, true);
                test = new Expr.Call(equals, sel, List.of(label), JType.BOOLEAN, null);
            } else {
                test = new Expr.Binary(Expr.BinaryOp.EQ, sel, label, JType.BOOLEAN, null);
            }
            any = any == null ? test : new Expr.Binary(Expr.BinaryOp.COR, any, test, JType.BOOLEAN, null);
        }
        return any;
    }

    /**
     * The case body with the {@code break}s that leave the switch aimed at its block: unlabelled
     * ones outside any loop or switch nested in the case.
     */
    private static List<Stmt> retarget(List<Stmt> body, String label) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            if (s instanceof Stmt.Break b && b.label() == null) {
                out.add(new Stmt.Break(label, b.pos()));
            } else if (s instanceof Stmt.Loop || s instanceof Stmt.ForEach || s instanceof Stmt.Switch) {
                out.add(s); // their own unlabelled breaks are theirs
            } else {
                out.add(Stmts.mapBlocks(s, inner -> retarget(inner, label)));
            }
        }
        return out;
    }

    private static List<Stmt> withoutFinalBreak(List<Stmt> body, String label) {
        if (!body.isEmpty() && body.get(body.size() - 1) instanceof Stmt.Break b && label.equals(b.label())) {
            return body.subList(0, body.size() - 1);
        }
        return body;
    }

    /** Whether control cannot fall out of the end of {@code body}. */
    static boolean endsInJump(List<Stmt> body) {
        if (body.isEmpty()) {
            return false;
        }
        Stmt last = body.get(body.size() - 1);
        if (last instanceof Stmt.Break || last instanceof Stmt.Continue || last instanceof Stmt.Return
                || last instanceof Stmt.Throw) {
            return true;
        }
        if (last instanceof Stmt.If f) {
            return endsInJump(f.then()) && endsInJump(f.otherwise());
        }
        if (last instanceof Stmt.Block b && b.label() == null) {
            return endsInJump(b.body());
        }
        return false;
    }

    private static String describe(List<Expr> labels) {
        List<String> out = new ArrayList<>();
        for (Expr e : labels) {
            out.add(e instanceof Expr.Const c ? String.valueOf(c.value())
                    : e instanceof Expr.StaticGet g ? g.name() : "?");
        }
        return String.join(", ", out);
    }
}
