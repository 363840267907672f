package dev.adjoint.processor.normalize;

import dev.adjoint.processor.analysis.Loops;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes jumps, so that differentiation sees structured code whose reverse sweep needs only to
 * know how often each loop ran and which branch each {@code if} took.
 *
 * <ul>
 *   <li>{@code return}, {@code break} (out of a loop or a labelled block) and {@code continue}
 *       become flags ({@code _returned}, {@code _break1}, {@code _continue1}) that guard the
 *       statements after them and end the loops they leave. When one branch of an {@code if}
 *       always jumps (a guard clause, a {@code throw} too), the statements after the {@code if}
 *       move into the other branch instead, needing no flag.</li>
 *   <li>A method with one final {@code return} keeps it; otherwise the value goes into
 *       {@code _result} and the method ends with {@code return _result}.</li>
 *   <li>A counting loop {@code for (int i = a; cond; i += c)} whose body does not assign {@code i}
 *       stays a {@code for} (the reverse sweep counts {@code i} back down); any other {@code for}
 *       becomes its initialiser followed by a {@code while} whose body ends with the update.</li>
 * </ul>
 */
final class Jumps {

    private final Deque<Context> targets = new ArrayDeque<>();
    private final Set<Var> flags = new LinkedHashSet<>();
    private Var result;
    private Var returned;

    /** The flags of one loop or labelled block, made when a jump first needs them. */
    private final class Context {
        final String label;
        final boolean loop;
        Var breakFlag;
        Var continueFlag;

        Context(String label, boolean loop) {
            this.label = label;
            this.loop = loop;
        }

        Var breakFlag() {
            if (breakFlag == null) {
                breakFlag = flag("_break");
            }
            return breakFlag;
        }

        Var continueFlag() {
            if (continueFlag == null) {
                continueFlag = flag("_continue");
            }
            return continueFlag;
        }
    }

    /**
     * A method body without jumps. {@code resultType} is the method's result type, or null for a
     * block whose jumps (the breaks of an inlined helper) stay inside it.
     */
    List<Stmt> method(List<Stmt> body, JType resultType) {
        int last = body.size() - 1;
        boolean simple = last >= 0 && body.get(last) instanceof Stmt.Return && countReturns(body) == 1;
        List<Stmt> out = new ArrayList<>();
        if (simple || countReturns(body) == 0) {
            out.addAll(sequence(simple ? body.subList(0, last) : body).stmts);
            if (simple) {
                out.add(body.get(last));
            }
        } else {
            result = new Var("_result", resultType, Var.Role.FLAG);
            returned = flag("_returned");
            List<Stmt> normalized = sequence(body).stmts;
            out.add(new Stmt.Declare(result, resultType.isDouble() ? Expr.Const.of(0) : new Expr.Const(null, resultType,
                    null), null, null));
            out.add(new Stmt.Declare(returned, Expr.Const.ofBoolean(false), null, null));
            out.addAll(normalized);
            out.add(new Stmt.Return(new Expr.Read(result), null, null));
        }
        return removeUnreadFlags(out);
    }

    // ---------------------------------------------------------------- statement lists

    /** Normalized statements, the flags they may set (meaning: skip what follows), and whether they always jump. */
    private record Result(List<Stmt> stmts, Set<Var> exits, boolean always) {}

    private Result sequence(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        Set<Var> exits = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Stmt s = list.get(i);
            List<Stmt> rest = list.subList(i + 1, list.size());
            if (s instanceof Stmt.If f && !rest.isEmpty() && alwaysJumps(f.then()) != alwaysJumps(f.otherwise())) {
                // the statements after a guard clause run only in the branch that does not jump
                List<Stmt> then = new ArrayList<>(f.then());
                List<Stmt> otherwise = new ArrayList<>(f.otherwise());
                (alwaysJumps(f.then()) ? otherwise : then).addAll(rest);
                Result r = statement(new Stmt.If(f.condition(), then, otherwise, f.pos(), f.source()));
                out.addAll(r.stmts);
                exits.addAll(r.exits);
                return new Result(out, exits, r.always);
            }
            Result r = statement(s);
            out.addAll(r.stmts);
            exits.addAll(r.exits);
            if (r.always) {
                return new Result(out, exits, true);
            }
            if (!r.exits.isEmpty() && !rest.isEmpty()) {
                Result after = sequence(rest);
                if (!after.stmts.isEmpty()) {
                    out.add(new Stmt.If(not(r.exits), after.stmts, List.of(), null, null));
                }
                exits.addAll(after.exits);
                return new Result(out, exits, false);
            }
        }
        return new Result(out, exits, false);
    }

    private Result statement(Stmt s) {
        if (s instanceof Stmt.Return r) {
            List<Stmt> out = new ArrayList<>();
            if (r.value() != null) {
                out.add(new Stmt.Assign(result, r.value(), r.pos(), r.source()));
            }
            out.add(new Stmt.Assign(returned, Expr.Const.ofBoolean(true), null, null));
            return new Result(out, Set.of(returned), true);
        }
        if (s instanceof Stmt.Throw) {
            return new Result(List.of(s), Set.of(), true);
        }
        if (s instanceof Stmt.Break b) {
            Var flag = target(b.label(), false).breakFlag();
            return new Result(List.of(setFlag(flag)), Set.of(flag), true);
        }
        if (s instanceof Stmt.Continue c) {
            Var flag = target(c.label(), true).continueFlag();
            return new Result(List.of(setFlag(flag)), Set.of(flag), true);
        }
        if (s instanceof Stmt.If f) {
            Result then = sequence(f.then());
            Result otherwise = sequence(f.otherwise());
            Set<Var> exits = new LinkedHashSet<>(then.exits);
            exits.addAll(otherwise.exits);
            return new Result(List.of(new Stmt.If(f.condition(), then.stmts, otherwise.stmts, f.pos(), f.source())),
                    exits, then.always && otherwise.always);
        }
        if (s instanceof Stmt.Block b) {
            return block(b);
        }
        if (s instanceof Stmt.Loop l) {
            return loop(l);
        }
        return new Result(List.of(s), Set.of(), false);
    }

    /** A block; a labelled one ends where a {@code break label} leaves it. */
    private Result block(Stmt.Block b) {
        if (b.label() == null) {
            Result r = sequence(b.body());
            return new Result(List.of(new Stmt.Block(null, r.stmts)), r.exits, r.always);
        }
        Context context = new Context(b.label(), false);
        targets.push(context);
        Result r = sequence(b.body());
        targets.pop();
        Set<Var> exits = new LinkedHashSet<>(r.exits);
        List<Stmt> body = new ArrayList<>();
        if (context.breakFlag != null) {
            exits.remove(context.breakFlag);
            body.add(new Stmt.Declare(context.breakFlag, Expr.Const.ofBoolean(false), null, null));
        }
        body.addAll(r.stmts);
        // it always jumps when every path leaves the method or an outer loop, not only this block
        boolean always = r.always && exits.containsAll(r.exits) && context.breakFlag == null;
        return new Result(List.of(new Stmt.Block(null, body)), exits, always);
    }

    // ---------------------------------------------------------------- loops

    private Result loop(Stmt.Loop l) {
        Context context = new Context(l.label(), true);
        targets.push(context);
        Result body = sequence(l.body());
        targets.pop();
        Set<Var> leave = new LinkedHashSet<>(body.exits);
        leave.remove(context.continueFlag);
        List<Stmt> stmts = new ArrayList<>();
        if (context.continueFlag != null) {
            stmts.add(new Stmt.Declare(context.continueFlag, Expr.Const.ofBoolean(false), null, null));
        }
        stmts.addAll(body.stmts);
        Expr condition = l.condition();
        if (!leave.isEmpty()) {
            condition = condition == null ? not(leave)
                    : new Expr.Binary(Expr.BinaryOp.CAND, not(leave), condition, JType.BOOLEAN, null);
        }
        List<Stmt> out = new ArrayList<>();
        if (context.breakFlag != null) {
            out.add(new Stmt.Declare(context.breakFlag, Expr.Const.ofBoolean(false), null, null));
        }
        leave.remove(context.breakFlag);
        if (Loops.counter(l) != null) {
            out.add(new Stmt.Loop(l.label(), l.init(), l.head(), condition, l.update(), stmts, false, l.pos(),
                    l.source()));
            return new Result(out, leave, false);
        }
        if (!l.update().isEmpty()) {
            Set<Var> stop = new LinkedHashSet<>(leave);
            if (context.breakFlag != null) {
                stop.add(context.breakFlag);
            }
            stmts.add(stop.isEmpty() ? new Stmt.Block(null, l.update()) : new Stmt.If(not(stop), l.update(), List.of(),
                    null, null));
        }
        Stmt loop = new Stmt.Loop(l.label(), List.of(), l.head(), condition, List.of(), unwrap(stmts), l.doWhile(),
                l.pos(), l.source());
        if (l.init().isEmpty()) {
            out.add(loop);
        } else {
            List<Stmt> scope = new ArrayList<>(l.init());
            scope.add(loop);
            out.add(new Stmt.Block(null, scope));
        }
        return new Result(out, leave, false);
    }

    // ---------------------------------------------------------------- helpers

    private Context target(String label, boolean loopOnly) {
        for (Context c : targets) {
            if (label == null ? c.loop : label.equals(c.label)) {
                if (loopOnly && !c.loop) {
                    continue;
                }
                return c;
            }
        }
        throw new IllegalStateException("no target for a jump to " + label);
    }

    private Var flag(String prefix) {
        Var flag = new Var(prefix, JType.BOOLEAN, Var.Role.FLAG);
        flags.add(flag);
        return flag;
    }

    private static Stmt setFlag(Var flag) {
        return new Stmt.Assign(flag, Expr.Const.ofBoolean(true), null, null);
    }

    /** {@code !(f1 || f2 ...)}. */
    private static Expr not(Set<Var> flags) {
        Expr any = null;
        for (Var f : flags) {
            Expr read = new Expr.Read(f);
            any = any == null ? read : new Expr.Binary(Expr.BinaryOp.COR, any, read, JType.BOOLEAN, null);
        }
        return new Expr.Unary(Expr.UnaryOp.NOT, any, JType.BOOLEAN, null);
    }

    private static List<Stmt> unwrap(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Block b && b.label() == null && b.body().stream().noneMatch(t -> t instanceof Stmt.Declare)) {
                out.addAll(b.body());
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Whether every path through {@code list} ends in a jump (return, break, continue). A throw is
     * not one: nothing after it needs guarding, since it leaves the method altogether.
     */
    static boolean alwaysJumps(List<Stmt> list) {
        for (Stmt s : list) {
            if (s instanceof Stmt.Return || s instanceof Stmt.Break || s instanceof Stmt.Continue) {
                return true;
            }
            if (s instanceof Stmt.If f && alwaysJumps(f.then()) && alwaysJumps(f.otherwise())) {
                return true;
            }
            if (s instanceof Stmt.Block b && b.label() == null && alwaysJumps(b.body())) {
                return true;
            }
        }
        return false;
    }

    private static int countReturns(List<Stmt> list) {
        int n = 0;
        for (Stmt s : Stmts.all(list)) {
            n += s instanceof Stmt.Return ? 1 : 0;
        }
        return n;
    }

    /** Drops the flags nothing reads (a jump whose guard turned out not to be needed). */
    private List<Stmt> removeUnreadFlags(List<Stmt> body) {
        Set<Var> read = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            for (Expr e : Stmts.exprs(s)) {
                Exprs.reads(e, read::add);
            }
            if (s instanceof Stmt.Loop l && l.condition() != null) {
                Exprs.reads(l.condition(), read::add);
            }
        }
        Set<Var> unread = new HashSet<>();
        for (Var f : flags) {
            if (!read.contains(f)) {
                unread.add(f);
            }
        }
        return unread.isEmpty() ? body : filter(body, unread);
    }

    private static List<Stmt> filter(List<Stmt> list, Set<Var> unread) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (s instanceof Stmt.Assign a && unread.contains(a.var())
                    || s instanceof Stmt.Declare d && unread.contains(d.var())) {
                continue;
            }
            out.add(Stmts.mapBlocks(s, inner -> filter(inner, unread)));
        }
        return out;
    }
}
