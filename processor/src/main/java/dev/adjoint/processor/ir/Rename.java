package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Copies statements with variables substituted: an inlined helper gets fresh variables at each
 * call, so that two calls of one helper never share a local.
 */
public final class Rename {

    private final Function<Var, Var> substitution;
    /** An expression to put in place of one, or null to keep it (and look inside). */
    private final Function<Expr, Expr> replacement;

    private Rename(Function<Var, Var> substitution) {
        this(substitution, e -> null);
    }

    private Rename(Function<Var, Var> substitution, Function<Expr, Expr> replacement) {
        this.substitution = substitution;
        this.replacement = replacement;
    }

    /** A copy of {@code body} in which every expression {@code f} gives a replacement for (non-null) is replaced. */
    public static List<Stmt> replace(List<Stmt> body, Function<Expr, Expr> f) {
        return new Rename(v -> v, f).stmts(body);
    }

    /** A copy of {@code body} in which every variable it declares is a new one; {@code given} maps the others. */
    public static List<Stmt> fresh(List<Stmt> body, Map<Var, Var> given) {
        Map<Var, Var> map = new HashMap<>(given);
        Rename r = new Rename(v -> map.computeIfAbsent(v, Var::copy));
        return r.stmts(body);
    }

    /** A copy of {@code body} with the variables {@code map} names replaced (the others kept). */
    public static List<Stmt> substitute(List<Stmt> body, Map<Var, Var> map) {
        return new Rename(v -> map.getOrDefault(v, v)).stmts(body);
    }

    /** {@code e} with the variables {@code map} names replaced. */
    public static Expr substitute(Expr e, Map<Var, Var> map) {
        return new Rename(v -> map.getOrDefault(v, v)).expr(e);
    }

    private List<Stmt> stmts(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            out.add(stmt(s));
        }
        return out;
    }

    private Var var(Var v) {
        return v == null ? null : substitution.apply(v);
    }

    private Stmt stmt(Stmt s) {
        return s.accept(new Stmt.Visitor<Stmt>() {
            @Override
            public Stmt visitDeclare(Stmt.Declare d) {
                return new Stmt.Declare(var(d.var()), d.init() == null ? null : expr(d.init()), d.pos(), d.source());
            }

            @Override
            public Stmt visitAssign(Stmt.Assign a) {
                return new Stmt.Assign(var(a.var()), expr(a.value()), a.pos(), a.source());
            }

            @Override
            public Stmt visitArrayWrite(Stmt.ArrayWrite w) {
                return new Stmt.ArrayWrite(expr(w.array()), expr(w.index()), expr(w.value()), w.pos(), w.source());
            }

            @Override
            public Stmt visitEval(Stmt.Eval e) {
                return new Stmt.Eval(expr(e.expr()), e.pos(), e.source());
            }

            @Override
            public Stmt visitIf(Stmt.If f) {
                return new Stmt.If(expr(f.condition()), stmts(f.then()), stmts(f.otherwise()), f.pos(), f.source());
            }

            @Override
            public Stmt visitLoop(Stmt.Loop l) {
                return new Stmt.Loop(l.label(), stmts(l.init()), stmts(l.head()),
                        l.condition() == null ? null : expr(l.condition()), stmts(l.update()), stmts(l.body()),
                        l.doWhile(), l.pos(), l.source());
            }

            @Override
            public Stmt visitForEach(Stmt.ForEach f) {
                return new Stmt.ForEach(f.label(), var(f.var()), expr(f.array()), stmts(f.body()), f.pos(), f.source());
            }

            @Override
            public Stmt visitSwitch(Stmt.Switch w) {
                List<Stmt.Case> cases = new ArrayList<>();
                for (Stmt.Case c : w.cases()) {
                    List<Expr> labels = null;
                    if (c.labels() != null) {
                        labels = new ArrayList<>();
                        for (Expr l : c.labels()) {
                            labels.add(expr(l));
                        }
                    }
                    cases.add(new Stmt.Case(labels, stmts(c.body())));
                }
                return new Stmt.Switch(expr(w.selector()), cases, w.arrow(), w.pos(), w.source());
            }

            @Override
            public Stmt visitBlock(Stmt.Block b) {
                return new Stmt.Block(b.label(), stmts(b.body()));
            }

            @Override
            public Stmt visitBreak(Stmt.Break b) {
                return b;
            }

            @Override
            public Stmt visitContinue(Stmt.Continue c) {
                return c;
            }

            @Override
            public Stmt visitReturn(Stmt.Return r) {
                return new Stmt.Return(r.value() == null ? null : expr(r.value()), r.pos(), r.source());
            }

            @Override
            public Stmt visitThrow(Stmt.Throw t) {
                return new Stmt.Throw(expr(t.exception()), t.pos(), t.source());
            }

            @Override
            public Stmt visitAccumulate(Stmt.Accumulate a) {
                return new Stmt.Accumulate(expr(a.target()), expr(a.delta()));
            }

            @Override
            public Stmt visitPut(Stmt.Put p) {
                return new Stmt.Put(expr(p.target()), expr(p.value()));
            }

            @Override
            public Stmt visitPush(Stmt.Push p) {
                return new Stmt.Push(expr(p.value()));
            }

            @Override
            public Stmt visitComment(Stmt.Comment c) {
                return c;
            }

            @Override
            public Stmt visitUnsupported(Stmt.Unsupported u) {
                return u;
            }
        });
    }

    private Expr expr(Expr e) {
        Expr replaced = replacement.apply(e);
        if (replaced != null) {
            return replaced;
        }
        if (e instanceof Expr.Read r) {
            Var v = var(r.var());
            return v == r.var() ? r : new Expr.Read(v, r.pos());
        }
        if (e instanceof Expr.SwitchExpr w) {
            return new Expr.SwitchExpr(stmt(w.statement()), var(w.result()), w.type(), w.pos());
        }
        if (e instanceof Expr.Pullback p) {
            List<Expr> args = new ArrayList<>();
            p.args().forEach(a -> args.add(expr(a)));
            return new Expr.Pullback(p.callee(), args, expr(p.seed()), var(p.holder()));
        }
        return Exprs.map(e, this::expr);
    }
}
