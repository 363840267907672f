package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Structural helpers over statements: nested lists, the expressions a statement evaluates, walks. */
public final class Stmts {

    private Stmts() {}

    /** The statement lists nested directly in {@code s}: branches, loop parts, block and case bodies. */
    public static List<List<Stmt>> blocks(Stmt s) {
        if (s instanceof Stmt.If f) {
            return List.of(f.then(), f.otherwise());
        }
        if (s instanceof Stmt.Loop l) {
            return List.of(l.init(), l.head(), l.body(), l.update());
        }
        if (s instanceof Stmt.ForEach f) {
            return List.of(f.body());
        }
        if (s instanceof Stmt.Block b) {
            return List.of(b.body());
        }
        if (s instanceof Stmt.Switch w) {
            List<List<Stmt>> out = new ArrayList<>();
            w.cases().forEach(c -> out.add(c.body()));
            return out;
        }
        return List.of();
    }

    /** The expressions {@code s} itself evaluates (not those of nested statements). */
    public static List<Expr> exprs(Stmt s) {
        List<Expr> out = new ArrayList<>(3);
        if (s instanceof Stmt.Declare d) {
            if (d.init() != null) {
                out.add(d.init());
            }
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
        } else if (s instanceof Stmt.Loop l) {
            if (l.condition() != null) {
                out.add(l.condition());
            }
        } else if (s instanceof Stmt.ForEach f) {
            out.add(f.array());
        } else if (s instanceof Stmt.Switch w) {
            out.add(w.selector());
            w.cases().forEach(c -> {
                if (c.labels() != null) {
                    out.addAll(c.labels());
                }
            });
        } else if (s instanceof Stmt.Throw t) {
            out.add(t.exception());
        } else if (s instanceof Stmt.Return r) {
            if (r.value() != null) {
                out.add(r.value());
            }
        } else if (s instanceof Stmt.Accumulate a) {
            out.add(a.target());
            out.add(a.delta());
        } else if (s instanceof Stmt.Put p) {
            out.add(p.target());
            out.add(p.value());
        } else if (s instanceof Stmt.Push p) {
            out.add(p.value());
        }
        return out;
    }

    /** Every statement of {@code list}, nested ones included (also those inside switch expressions), in program order. */
    public static void forEach(List<Stmt> list, Consumer<Stmt> action) {
        Consumer<Expr.SwitchExpr> nested = w -> forEach(List.of(w.statement()), action);
        for (Stmt s : list) {
            action.accept(s);
            // the commonest statements searched without building their list of expressions
            if (s instanceof Stmt.Declare d) {
                if (d.init() != null) {
                    forEachSwitchExpr(d.init(), nested);
                }
                continue;
            }
            if (s instanceof Stmt.Assign a) {
                forEachSwitchExpr(a.value(), nested);
                continue;
            }
            if (s instanceof Stmt.Accumulate a) {
                forEachSwitchExpr(a.target(), nested);
                forEachSwitchExpr(a.delta(), nested);
                continue;
            }
            if (s instanceof Stmt.Comment) {
                continue;
            }
            for (Expr e : exprs(s)) {
                forEachSwitchExpr(e, nested);
            }
            for (List<Stmt> inner : blocks(s)) {
                forEach(inner, action);
            }
        }
    }

    /**
     * Whether anything in {@code list} assigns {@code v}: a statement, or an assignment inside an
     * expression ({@code Math.sin(lam *= 0.5)}, {@code n++} in a condition), nested code included.
     */
    public static boolean assigns(List<Stmt> list, Var v) {
        for (Stmt s : all(list)) {
            if (s instanceof Stmt.Assign a && a.var() == v) {
                return true;
            }
        }
        boolean[] found = {false};
        forEachExpr(list, e -> found[0] |= Exprs.any(e, n -> n instanceof Expr.Assignment a
                && a.target() instanceof Expr.Read r && r.var() == v));
        return found[0];
    }

    /** Every statement of {@code list}, nested ones included, in program order. */
    public static List<Stmt> all(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        forEach(list, out::add);
        return out;
    }

    /** Every expression evaluated anywhere in {@code list} (the roots: each statement's own expressions). */
    public static void forEachExpr(List<Stmt> list, Consumer<Expr> action) {
        forEach(list, s -> exprs(s).forEach(action));
    }

    private static void forEachSwitchExpr(Expr e, Consumer<Expr.SwitchExpr> action) {
        if (e instanceof Expr.SwitchExpr w) {
            action.accept(w);
        }
        if (e instanceof Expr.Binary b) {
            forEachSwitchExpr(b.left(), action);
            forEachSwitchExpr(b.right(), action);
            return;
        }
        if (e instanceof Expr.Const || e instanceof Expr.Read) {
            return;
        }
        for (Expr c : Exprs.children(e)) {
            forEachSwitchExpr(c, action);
        }
    }

    /**
     * {@code s} with each nested statement list replaced by {@code f} of it (branches, loop parts,
     * block and case bodies), the same node when none changes.
     */
    public static Stmt mapBlocks(Stmt s, java.util.function.UnaryOperator<List<Stmt>> f) {
        if (s instanceof Stmt.If i) {
            return new Stmt.If(i.condition(), f.apply(i.then()), f.apply(i.otherwise()), i.pos(), i.source());
        }
        if (s instanceof Stmt.Loop l) {
            return new Stmt.Loop(l.label(), f.apply(l.init()), f.apply(l.head()), l.condition(), f.apply(l.update()),
                    f.apply(l.body()), l.doWhile(), l.pos(), l.source());
        }
        if (s instanceof Stmt.ForEach e) {
            return new Stmt.ForEach(e.label(), e.var(), e.array(), f.apply(e.body()), e.pos(), e.source());
        }
        if (s instanceof Stmt.Block b) {
            return new Stmt.Block(b.label(), f.apply(b.body()));
        }
        if (s instanceof Stmt.Switch w) {
            List<Stmt.Case> cases = new ArrayList<>();
            w.cases().forEach(c -> cases.add(new Stmt.Case(c.labels(), f.apply(c.body()))));
            return new Stmt.Switch(w.selector(), cases, w.arrow(), w.pos(), w.source());
        }
        return s;
    }

    /**
     * {@code list} without the statements javac would call unreachable: those after a statement
     * that cannot complete normally (a {@code throw}, a jump, an {@code if} neither of whose branches
     * completes, a loop on {@code true} that no {@code break} leaves), in every nested list. The
     * user's code has none, but a copy of it may: an inlined helper that always throws, then its
     * result read; a forward sweep that never ends, then the reverse sweep.
     */
    public static List<Stmt> reachable(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>(list.size());
        boolean changed = false;
        for (Stmt s : list) {
            // each nested list pruned once; the node rebuilt only when one of them lost statements
            java.util.Map<List<Stmt>, List<Stmt>> pruned = new java.util.IdentityHashMap<>();
            boolean inner = false;
            for (List<Stmt> block : blocks(s)) {
                List<Stmt> kept = reachable(block);
                pruned.put(block, kept);
                inner |= kept != block;
            }
            Stmt kept = inner ? mapBlocks(s, pruned::get) : s;
            changed |= inner;
            out.add(kept);
            if (!completes(kept)) {
                break;
            }
        }
        return changed || out.size() < list.size() ? out : list;
    }

    /** Whether {@code s} can complete normally, by the JLS's rules (14.22). */
    private static boolean completes(Stmt s) {
        if (s instanceof Stmt.Throw || s instanceof Stmt.Return || s instanceof Stmt.Break || s instanceof Stmt.Continue) {
            return false;
        }
        if (s instanceof Stmt.If i) {
            return i.otherwise().isEmpty() || completes(i.then()) || completes(i.otherwise());
        }
        if (s instanceof Stmt.Block b) {
            return completes(b.body()) || b.label() != null && leaves(b.body(), b.label(), true);
        }
        if (s instanceof Stmt.Loop l) {
            boolean forever = l.condition() == null || l.condition() instanceof Expr.Const c && Boolean.TRUE.equals(c.value());
            return !forever || leaves(l.body(), l.label(), false);
        }
        if (s instanceof Stmt.Switch w) {
            boolean exhaustive = w.cases().stream().anyMatch(c -> c.labels() == null);
            Stmt.Case last = w.cases().isEmpty() ? null : w.cases().get(w.cases().size() - 1);
            return !exhaustive || w.cases().stream().anyMatch(c -> (w.arrow() || c == last) && completes(c.body())
                    || leaves(c.body(), null, false));
        }
        return true;
    }

    /** Whether every statement of {@code list} can complete normally, by the JLS's rules (14.22). */
    public static boolean completes(List<Stmt> list) {
        return list.stream().allMatch(Stmts::completes);
    }

    /**
     * Whether a {@code break} in {@code list} leaves the statement holding it: one naming {@code label},
     * or (unless {@code labelledOnly}, as for a block) one without a label outside any nested loop or switch.
     */
    private static boolean leaves(List<Stmt> list, String label, boolean labelledOnly) {
        for (Stmt s : list) {
            if (s instanceof Stmt.Break b && (b.label() == null ? !labelledOnly : b.label().equals(label))) {
                return true;
            }
            boolean nested = s instanceof Stmt.Loop || s instanceof Stmt.ForEach || s instanceof Stmt.Switch;
            for (List<Stmt> inner : blocks(s)) {
                if (leaves(inner, label, labelledOnly || nested)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code list} with every statement, at any depth, replaced by {@code f}'s answer for it (blocks first). */
    public static List<Stmt> mapAll(List<Stmt> list, java.util.function.UnaryOperator<Stmt> f) {
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            out.add(f.apply(mapBlocks(s, inner -> mapAll(inner, f))));
        }
        return out;
    }

    /** The variable a statement defines: a declared or assigned variable, or the array whose element it writes. */
    public static Var target(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.var();
        }
        if (s instanceof Stmt.Assign a) {
            return a.var();
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return Exprs.var(w.array());
        }
        if (s instanceof Stmt.ForEach f) {
            return f.var();
        }
        return null;
    }

    /** The value a statement stores into its {@link #target}, or null. */
    public static Expr value(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.init();
        }
        if (s instanceof Stmt.Assign a) {
            return a.value();
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return w.value();
        }
        if (s instanceof Stmt.ForEach f) {
            return f.array(); // each element in turn: what flows into one flows into the variable
        }
        return null;
    }

    /** The source text of a statement the user wrote, or null. */
    public static String source(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.source();
        }
        if (s instanceof Stmt.Assign a) {
            return a.source();
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return w.source();
        }
        if (s instanceof Stmt.Eval e) {
            return e.source();
        }
        if (s instanceof Stmt.Return r) {
            return r.source();
        }
        if (s instanceof Stmt.Throw t) {
            return t.source();
        }
        if (s instanceof Stmt.If f) {
            return f.source();
        }
        if (s instanceof Stmt.Loop l) {
            return l.source();
        }
        return null;
    }
}
