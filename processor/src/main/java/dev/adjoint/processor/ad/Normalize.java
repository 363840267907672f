package dev.adjoint.processor.ad;

import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Local;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a method body into the shape reverse mode works on: structured code without jumps.
 *
 * <ul>
 *   <li>{@code return}, {@code break} and {@code continue} become flag variables ({@code _returned},
 *       {@code _break1}, {@code _continue1}) that guard the statements after them and end the loops
 *       they leave. When one branch of an {@code if} always jumps, the statements after the
 *       {@code if} move into the other branch instead, so the common guard clause needs no flag.
 *       A method with one final {@code return} keeps it; otherwise the value goes into
 *       {@code _result} and the method ends with {@code return _result}.</li>
 *   <li>A counting loop {@code for (int i = a; cond; i++)} whose body does not assign {@code i}
 *       stays a {@code for}: the reverse sweep counts {@code i} back down. Any other {@code for}
 *       becomes its initialiser followed by a {@code while} whose body ends with the update.</li>
 *   <li>{@code for (double v : a)} becomes a counting loop over {@code a}'s indices.</li>
 * </ul>
 *
 * The reverse sweep then needs only to know how often each loop ran and which branch each
 * {@code if} took.
 */
final class Normalize {

    private final Names names;
    private final ErrorReporter reporter;
    private final ErrorReporter.Position method;
    private final Deque<LoopContext> loops = new ArrayDeque<>();
    private final Set<Local> flags = new LinkedHashSet<>();
    private Local result;
    private Local returned;

    /** The flags of one loop, made when a jump first needs them. */
    private final class LoopContext {
        final String label;
        Local breakFlag;
        Local continueFlag;

        LoopContext(String label) {
            this.label = label;
        }

        Local breakFlag() {
            if (breakFlag == null) {
                breakFlag = flag("_break");
            }
            return breakFlag;
        }

        Local continueFlag() {
            if (continueFlag == null) {
                continueFlag = flag("_continue");
            }
            return continueFlag;
        }
    }

    Normalize(Names names, ErrorReporter reporter, ErrorReporter.Position method) {
        this.names = names;
        this.reporter = reporter;
        this.method = method;
    }

    List<Stmt> run(List<Stmt> body) {
        int last = body.size() - 1;
        boolean simple = last >= 0 && body.get(last) instanceof Stmt.Return && countReturns(body) == 1;
        List<Stmt> out = new ArrayList<>();
        if (simple) {
            out.addAll(sequence(body.subList(0, last)).stmts);
            Stmt ret = splitConditionals(body.get(last), out);
            out.add(ret);
        } else {
            result = new Local(names.fresh("_result"), JType.DOUBLE);
            returned = flag("_returned");
            List<Stmt> normalized = sequence(body).stmts;
            out.add(new Stmt.Declare(result, Build.lit(0), null, null));
            out.add(new Stmt.Declare(returned, new Expr.Literal(false, JType.BOOLEAN), null, null));
            out.addAll(normalized);
            out.add(new Stmt.Return(result, null, "return"));
        }
        return removeUnreadFlags(out);
    }

    // ---------------------------------------------------------------- statement lists

    /** Normalized statements, the flags they may set (meaning: skip what follows), and whether they always jump. */
    private record Result(List<Stmt> stmts, Set<Local> exits, boolean always) {}

    private Result sequence(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        Set<Local> exits = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Stmt s = list.get(i);
            List<Stmt> rest = list.subList(i + 1, list.size());
            if (s instanceof Stmt.If f && !rest.isEmpty() && alwaysJumps(f.then()) != alwaysJumps(f.otherwise())) {
                // the statements after a guard clause run only in the branch that does not jump
                List<Stmt> then = new ArrayList<>(f.then());
                List<Stmt> otherwise = new ArrayList<>(f.otherwise());
                (alwaysJumps(f.then()) ? otherwise : then).addAll(rest);
                Result r = statement(new Stmt.If(f.condition(), then, otherwise, f.position(), f.source()));
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
                out.add(new Stmt.If(not(r.exits), after.stmts, List.of(), null, null));
                exits.addAll(after.exits);
                return new Result(out, exits, false);
            }
        }
        return new Result(out, exits, false);
    }

    private Result statement(Stmt s) {
        List<Stmt> before = new ArrayList<>();
        Stmt split = splitConditionals(s, before);
        if (!before.isEmpty()) {
            Result r = statement(split);
            before.addAll(r.stmts);
            return new Result(before, r.exits, r.always);
        }
        if (s instanceof Stmt.Return r) {
            List<Stmt> out = new ArrayList<>();
            out.add(new Stmt.Assign(result, r.value(), r.position(), r.source()));
            out.add(new Stmt.Assign(returned, new Expr.Literal(true, JType.BOOLEAN), null, null));
            return new Result(out, Set.of(returned), true);
        }
        if (s instanceof Stmt.Break b) {
            Local flag = target(b.label(), b.position()).breakFlag();
            return new Result(List.of(setFlag(flag)), Set.of(flag), true);
        }
        if (s instanceof Stmt.Continue c) {
            Local flag = target(c.label(), c.position()).continueFlag();
            return new Result(List.of(setFlag(flag)), Set.of(flag), true);
        }
        if (s instanceof Stmt.If f) {
            Result then = sequence(f.then());
            Result otherwise = sequence(f.otherwise());
            Set<Local> exits = new LinkedHashSet<>(then.exits);
            exits.addAll(otherwise.exits);
            return new Result(List.of(new Stmt.If(f.condition(), then.stmts, otherwise.stmts, f.position(), f.source())),
                    exits, then.always && otherwise.always);
        }
        if (s instanceof Stmt.Block b) {
            Result r = sequence(b.body());
            return new Result(List.of(new Stmt.Block(r.stmts)), r.exits, r.always);
        }
        if (s instanceof Stmt.ForEach f) {
            return forEach(f);
        }
        if (s instanceof Stmt.Loop l) {
            return loop(l);
        }
        return new Result(List.of(s), Set.of(), false);
    }

    // ---------------------------------------------------------------- conditionals

    /**
     * A {@code ?:} whose branches read array elements or call methods cannot have its branch
     * values computed ahead (they might throw or cost): it becomes an {@code if} assigning a
     * temporary ({@code _v1}) before the statement, and the statement reads the temporary.
     */
    private Stmt splitConditionals(Stmt s, List<Stmt> before) {
        if (s instanceof Stmt.Declare d && d.init() != null) {
            return new Stmt.Declare(d.var(), split(d.init(), before), d.position(), d.source());
        }
        if (s instanceof Stmt.Assign a) {
            return new Stmt.Assign(a.var(), split(a.value(), before), a.position(), a.source());
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return new Stmt.ArrayWrite(w.array(), w.index(), split(w.value(), before), w.position(), w.source());
        }
        if (s instanceof Stmt.Return r) {
            return new Stmt.Return(split(r.value(), before), r.position(), r.source());
        }
        return s;
    }

    private Expr split(Expr e, List<Stmt> before) {
        if (e instanceof Expr.Conditional c && c.type().isDouble()
                && (needsSplit(c.then()) || needsSplit(c.otherwise()))) {
            Local value = new Local(names.temp("_v"), JType.DOUBLE);
            List<Stmt> then = new ArrayList<>();
            List<Stmt> otherwise = new ArrayList<>();
            // split() first appends what a nested ?: needs, then the assignment reads it
            then.add(new Stmt.Assign(value, split(c.then(), then), null, null));
            otherwise.add(new Stmt.Assign(value, split(c.otherwise(), otherwise), null, null));
            before.add(new Stmt.Declare(value, null, null, null));
            before.add(new Stmt.If(c.condition(), then, otherwise, null, null));
            return value;
        }
        if (e instanceof Expr.Binary b) {
            return new Expr.Binary(b.op(), split(b.left(), before), split(b.right(), before), b.type());
        }
        if (e instanceof Expr.Unary u) {
            return new Expr.Unary(u.op(), split(u.operand(), before), u.type());
        }
        if (e instanceof Expr.MathCall m) {
            List<Expr> args = new ArrayList<>();
            m.args().forEach(a -> args.add(split(a, before)));
            return new Expr.MathCall(m.function(), m.strict(), args, m.type(), m.position());
        }
        if (e instanceof Expr.Cast c) {
            return new Expr.Cast(c.type(), split(c.operand(), before), c.position());
        }
        if (e instanceof Expr.DiffCall c) {
            List<Expr> args = new ArrayList<>();
            c.args().forEach(a -> args.add(split(a, before)));
            return new Expr.DiffCall(c.method(), c.adjoint(), c.gradientFields(), c.writtenArrays(), args, c.position());
        }
        if (e instanceof Expr.CustomCall c) {
            List<Expr> args = new ArrayList<>();
            c.args().forEach(a -> args.add(split(a, before)));
            return new Expr.CustomCall(c.method(), c.derivatives(), args, c.position());
        }
        return e;
    }

    /** A branch the forward sweep may not evaluate ahead of its condition. */
    private static boolean needsSplit(Expr e) {
        if (e instanceof Expr.ArrayRead || e instanceof Expr.DiffCall || e instanceof Expr.CustomCall) {
            return true;
        }
        return Exprs.children(e).stream().anyMatch(Normalize::needsSplit);
    }

    // ---------------------------------------------------------------- loops

    private Result loop(Stmt.Loop l) {
        LoopContext context = new LoopContext(l.label());
        loops.push(context);
        Result body = sequence(l.body());
        loops.pop();
        Set<Local> leave = new LinkedHashSet<>(body.exits);
        leave.remove(context.continueFlag);
        List<Stmt> stmts = new ArrayList<>();
        if (context.continueFlag != null) {
            stmts.add(new Stmt.Declare(context.continueFlag, new Expr.Literal(false, JType.BOOLEAN), null, null));
        }
        stmts.addAll(body.stmts);
        Expr condition = l.condition();
        if (!leave.isEmpty()) {
            condition = condition == null ? not(leave) : Build.and(not(leave), condition);
        }
        List<Stmt> out = new ArrayList<>();
        if (context.breakFlag != null) {
            out.add(new Stmt.Declare(context.breakFlag, new Expr.Literal(false, JType.BOOLEAN), null, null));
        }
        leave.remove(context.breakFlag);
        if (isCountingLoop(l)) {
            out.add(new Stmt.Loop(l.label(), l.init(), condition, l.update(), stmts, false, l.position(), l.source()));
            return new Result(out, leave, false);
        }
        if (!l.update().isEmpty()) {
            Set<Local> stop = new LinkedHashSet<>(leave);
            if (context.breakFlag != null) {
                stop.add(context.breakFlag);
            }
            stmts.add(stop.isEmpty() ? new Stmt.Block(l.update()) : new Stmt.If(not(stop), l.update(), List.of(), null, null));
        }
        Stmt loop = new Stmt.Loop(l.label(), List.of(), condition, List.of(), unwrap(stmts), l.doWhile(), l.position(),
                l.source());
        if (l.init().isEmpty()) {
            out.add(loop);
        } else {
            List<Stmt> scope = new ArrayList<>(l.init());
            scope.add(loop);
            out.add(new Stmt.Block(scope));
        }
        return new Result(out, leave, false);
    }

    /** {@code for (double v : a) body} as {@code for (int _i = 0; _i < a.length; _i++) { double v = a[_i]; body }}. */
    private Result forEach(Stmt.ForEach f) {
        List<Stmt> out = new ArrayList<>();
        Expr array = f.array();
        if (!(array instanceof Local)) {
            Local copy = new Local(names.fresh("_array"), array.type());
            out.add(new Stmt.Declare(copy, array, null, null));
            array = copy;
        }
        Local index = new Local(names.fresh("_i"), JType.INT);
        List<Stmt> body = new ArrayList<>();
        body.add(new Stmt.Declare(f.var(), new Expr.ArrayRead(array, index, f.var().type()), f.position(),
                f.var().type() + " " + f.var().name() + " = " + f.source()));
        body.addAll(f.body());
        Stmt.Loop loop = new Stmt.Loop(f.label(), List.of(new Stmt.Declare(index, new Expr.Literal(0, JType.INT), null, null)),
                new Expr.Binary(Expr.BinaryOp.LT, index, new Expr.Length(array), JType.BOOLEAN),
                List.of(new Stmt.Assign(index, new Expr.Binary(Expr.BinaryOp.ADD, index, new Expr.Literal(1, JType.INT),
                        JType.INT), null, null)), body, false, f.position(), f.source());
        Result r = loop(loop);
        out.addAll(r.stmts);
        return new Result(out.size() == 1 ? out : List.of(new Stmt.Block(out)), r.exits, false);
    }

    /**
     * {@code for (int i = a; ...; i += c)} for a constant step {@code c} ({@code i++}, {@code i--},
     * {@code i -= 2}, ...) whose body never assigns {@code i}: the body sees {@code i = a, a + c, ...},
     * so the reverse sweep can count it back without storing it.
     */
    static boolean isCountingLoop(Stmt.Loop l) {
        return counter(l) != null;
    }

    /** The counter of a counting loop, or null. */
    static Local counter(Stmt.Loop l) {
        if (l.doWhile() || l.init().size() != 1 || l.update().size() != 1
                || !(l.init().get(0) instanceof Stmt.Declare d) || d.var().type() != JType.INT || d.init() == null
                || !(l.update().get(0) instanceof Stmt.Assign u) || !u.var().equals(d.var()) || step(l) == 0) {
            return null;
        }
        return assigns(l.body(), d.var().name()) ? null : d.var();
    }

    /** The constant step of {@code i = i + c} or {@code i = i - c}; 0 when the update is not one. */
    static int step(Stmt.Loop l) {
        Stmt.Assign u = (Stmt.Assign) l.update().get(0);
        if (u.value() instanceof Expr.Binary b && b.left().equals(u.var()) && b.right() instanceof Expr.Literal c
                && c.value() instanceof Integer k && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
            return b.op() == Expr.BinaryOp.ADD ? k : -k;
        }
        return 0;
    }

    private static boolean assigns(List<Stmt> body, String name) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Assign a && a.var().name().equals(name)) {
                return true;
            }
            for (List<Stmt> inner : Stmts.blocks(s)) {
                if (assigns(inner, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers

    private LoopContext target(String label, ErrorReporter.Position at) {
        for (LoopContext c : loops) {
            if (label == null || label.equals(c.label)) {
                return c;
            }
        }
        throw reporter.abortWithError(at != null ? at : method, "AdjointUnsupportedStatement",
                "cannot differentiate a break or continue that does not leave a loop; restructure it with if/else");
    }

    private Local flag(String prefix) {
        Local flag = new Local(prefix.equals("_returned") ? names.fresh(prefix) : names.temp(prefix), JType.BOOLEAN);
        flags.add(flag);
        return flag;
    }

    private static Stmt setFlag(Local flag) {
        return new Stmt.Assign(flag, new Expr.Literal(true, JType.BOOLEAN), null, null);
    }

    /** {@code !(f1 || f2 ...)}. */
    private static Expr not(Set<Local> flags) {
        Expr any = null;
        for (Local f : flags) {
            any = any == null ? f : new Expr.Binary(Expr.BinaryOp.COR, any, f, JType.BOOLEAN);
        }
        return new Expr.Unary(Expr.UnaryOp.NOT, any, JType.BOOLEAN);
    }

    private static List<Stmt> unwrap(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Block b && b.body().stream().noneMatch(t -> t instanceof Stmt.Declare)) {
                out.addAll(b.body());
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether every path through {@code list} ends in a jump (return, break, continue). */
    private static boolean alwaysJumps(List<Stmt> list) {
        for (Stmt s : list) {
            if (s instanceof Stmt.Return || s instanceof Stmt.Break || s instanceof Stmt.Continue) {
                return true;
            }
            if (s instanceof Stmt.If f && alwaysJumps(f.then()) && alwaysJumps(f.otherwise())) {
                return true;
            }
            if (s instanceof Stmt.Block b && alwaysJumps(b.body())) {
                return true;
            }
        }
        return false;
    }

    private static int countReturns(List<Stmt> list) {
        int n = 0;
        for (Stmt s : list) {
            n += s instanceof Stmt.Return ? 1 : 0;
            for (List<Stmt> inner : Stmts.blocks(s)) {
                n += countReturns(inner);
            }
        }
        return n;
    }

    /** Drops the flags nothing reads (a jump whose guard turned out not to be needed). */
    private List<Stmt> removeUnreadFlags(List<Stmt> body) {
        Set<String> read = new HashSet<>();
        Stmts.forEachExpr(body, e -> Activity.locals(e, l -> read.add(l.name())));
        Set<String> unread = new HashSet<>();
        for (Local f : flags) {
            if (!read.contains(f.name())) {
                unread.add(f.name());
            }
        }
        return unread.isEmpty() ? body : Stmts.filter(body, s -> !(s instanceof Stmt.Assign a && unread.contains(a.var().name()))
                && !(s instanceof Stmt.Declare d && unread.contains(d.var().name())));
    }
}
