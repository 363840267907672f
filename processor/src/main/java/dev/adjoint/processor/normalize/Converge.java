package dev.adjoint.processor.normalize;

import dev.adjoint.processor.analysis.Tolerances;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Loops that stop on convergence keep running for the derivative where their value stopped
 * changing too early.
 *
 * <p>A series or continued fraction stops when its last term or change is below a tolerance
 * ({@code while (Math.abs(v) > EPS * Math.abs(sum))}, {@code if (Math.abs(del - 1) < EPS) break;}).
 * At some points a factor of its terms is exactly 0 ({@code (n - b)} at a whole {@code b}): the
 * value is then exact after a few steps and the loop stops, but the skipped terms' derivatives are
 * not 0, and differentiating the steps taken gives a wrong derivative, with no sign of it. Such a
 * loop (innermost, writing only its own scalars, calling nothing but {@code Math} and helpers of
 * arithmetic alone, and safe to run
 * for more steps than it takes: no array read at an index that moves with its steps, no double made
 * an integer, no integer division by a variable) becomes:
 * <ol>
 *   <li>the same loop, without derivatives, from its inputs and state moved by a relative 10⁻², each
 *       by its own amount (one exactly 0 set to that amount: the last term of a series that ended
 *       exactly, which the next one starts from or multiplies by): how many steps it takes near the
 *       point ({@code _stepsNear}), where no factor is exactly 0;</li>
 *   <li>the loop as written, counting its steps ({@code _steps});</li>
 *   <li>where the loop near the point took at least two steps more (or one, and a value the loop
 *       computes is exactly 0): the loop again from the
 *       same start, its convergence tests passing only after twice that many steps (near the
 *       point the factor is small, not 0, so the value there converges before the derivative
 *       does); each value it leaves that agrees with the loop's own to 10⁻⁶ keeps the loop's own
 *       value and takes the longer run's derivative ({@code v = stop(v) - (stop(vLonger) -
 *       vLonger)}).</li>
 * </ol>
 * Elsewhere the loop near the point takes as many steps as the loop itself, give or take one, and
 * the derivative is the loop's own. The values are the method's own everywhere, bit for bit.
 */
final class Converge {

    /**
     * How far the copy that counts steps moves each input, relative to its size (times 1 + i/8 for
     * the i-th): far enough that a factor exactly 0 at the point weighs enough near it for the
     * copy's value to converge only with most of the terms the derivative needs.
     */
    private static final double NEAR = 1e-2;
    /** The steps after which the copy near the point is taken not to converge (and decides nothing; so does a value of it that overflowed). */
    private static final int BOUND = 100_000;
    /** How closely a value of the longer run must agree with the loop's own to lend it its derivative. */
    private static final double AGREEMENT = 1e-6;

    /** Why a loop with a loop inside is not run on: it is not said (see {@link #plan}). */
    private static final String OUTER = "has a loop inside";

    /** When asked: the arrays written by the convergence loops that cannot be run on (as scalars, they might). */
    private Set<Var> arrays;
    /** Locals declared without a value that a rewritten loop writes: its copies read them at its start. */
    private final Set<Var> copied = new HashSet<>();
    /** Whether a variable carries a derivative (the method's activity; every variable in a helper's body). */
    private final Predicate<Var> varied;
    /** The loops stopped on a convergence test of a differentiated value that are not run on, and why. */
    private final List<Skipped> skipped;

    /** A loop stopped on convergence that stays as written: where it is, and why ("writes an array"). */
    record Skipped(Position pos, String why) {}

    /** The helpers a call may inline, by key. */
    private final Map<String, MethodIr> helpers;
    /** What the body's convergence tests may compare with. */
    private final Tolerances tolerances;
    /** {@link #arithmetic} of each helper asked about from a loop, once each. */
    private final Map<String, Boolean> arithmetic = new HashMap<>();

    private Converge(Predicate<Var> varied, List<Skipped> skipped, Map<String, MethodIr> helpers,
            Tolerances tolerances) {
        this.varied = varied;
        this.skipped = skipped;
        this.helpers = helpers;
        this.tolerances = tolerances;
    }

    static List<Stmt> run(List<Stmt> body, Predicate<Var> varied, List<Skipped> skipped,
            Map<String, MethodIr> helpers) {
        SmallArrays.Result small = scalars(body, varied, helpers);
        if (small != null) {
            body = small.body();
            varied = varied(varied, small);
        }
        Converge c = new Converge(varied, skipped, helpers, new Tolerances(body));
        List<Stmt> out = c.block(body);
        if (c.copied.isEmpty()) {
            return out;
        }
        return Stmts.mapAll(out, s -> s instanceof Stmt.Declare d && d.init() == null && c.copied.contains(d.var())
                ? new Stmt.Declare(d.var(), Exprs.defaultValue(d.var().type), d.pos(), d.source()) : s);
    }

    /**
     * {@code body} with the small arrays that keep a convergence loop from being run on as
     * scalars ({@link SmallArrays}), when more of its loops are then run on; else null.
     */
    private static SmallArrays.Result scalars(List<Stmt> body, Predicate<Var> varied, Map<String, MethodIr> helpers) {
        Converge before = new Converge(varied, new ArrayList<>(), helpers, new Tolerances(body));
        before.arrays = new LinkedHashSet<>();
        int planned = before.planned(body);
        if (before.arrays.isEmpty()) {
            return null;
        }
        SmallArrays.Result small = SmallArrays.scalars(body, before.arrays);
        if (small == null) {
            return null;
        }
        Converge after = new Converge(varied(varied, small), new ArrayList<>(), helpers, new Tolerances(small.body()));
        int plannedAfter = after.planned(small.body());
        // more loops run on; or as many, and one a loop inside hid is now warned of with its true reason
        return plannedAfter > planned || plannedAfter == planned && after.skipped.size() > before.skipped.size()
                ? small : null;
    }

    /** Whether a variable of the scalars' body carries a derivative: as its origin does. */
    private static Predicate<Var> varied(Predicate<Var> varied, SmallArrays.Result small) {
        return v -> varied.test(small.origins().getOrDefault(v, v));
    }

    /** How many loops of {@code body} would be run on. */
    private int planned(List<Stmt> body) {
        int n = 0;
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Loop l && plan(l) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Notes, without rewriting anything, each loop of {@code body} (a helper's, its returns about to
     * become breaks out of the inlined block) that would be run on: inlined, its exit is no longer
     * one this pass knows, so it stays as written, and the user hears {@code why}. (Run on there, its
     * copies beside the code around an equality test made methods too large for the JVM, which lost
     * the code around's derivative: Colt's incomplete beta function.)
     */
    static void report(List<Stmt> body, List<Skipped> skipped, Map<String, MethodIr> helpers, String why) {
        Converge c = new Converge(v -> true, skipped, helpers, new Tolerances(body));
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Loop l && Stmts.all(l.body()).stream().anyMatch(x -> x instanceof Stmt.Return)
                    && c.plan(l) != null) {
                skipped.add(new Skipped(l.pos(), why));
            }
        }
    }

    private List<Stmt> block(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            Plan plan = s instanceof Stmt.Loop l ? plan(l) : null;
            if (plan != null) {
                out.addAll(rewrite(plan));
            } else {
                out.add(Stmts.mapBlocks(s, this::block));
            }
        }
        return out;
    }

    /** What a rewritten loop needs: the loop, the variables it shares with the code around it. */
    private record Plan(Stmt.Loop loop, Set<Var> written, Set<Var> read, Set<Var> declared, JType exitType,
            boolean returns, boolean onlyReturns, Map<Var, Expr> flags, Set<Var> arraysWritten) {}

    /** The plan for {@code l}, or null when it is no convergence loop this pass can run again safely. */
    private Plan plan(Stmt.Loop l) {
        List<Stmt> parts = new ArrayList<>();
        parts.addAll(l.init());
        parts.addAll(l.head());
        parts.addAll(l.body());
        parts.addAll(l.update());
        Set<Var> declared = new HashSet<>();
        Set<String> labels = new HashSet<>();
        Set<Var> written = new LinkedHashSet<>();
        // why this loop cannot be run again safely (the first reason found), or null
        String[] why = {null};
        boolean returns = false;
        JType exitType = null;
        for (Stmt s : Stmts.all(parts)) {
            if (s instanceof Stmt.Declare d) {
                declared.add(d.var());
            } else if (s instanceof Stmt.Assign a) {
                written.add(a.var());
            } else if (s instanceof Stmt.Block b && b.label() != null) {
                labels.add(b.label());
            } else if (s instanceof Stmt.Return r) {
                returns = true;
                if (r.value() != null) {
                    if (!r.value().type().isDouble() || exitType != null && !exitType.sameAs(r.value().type())) {
                        because(why, "returns what is not a double");
                    } else {
                        exitType = r.value().type();
                    }
                }
            } else if (s instanceof Stmt.Loop || s instanceof Stmt.ForEach) {
                because(why, OUTER);
            } else if (s instanceof Stmt.ArrayWrite || s instanceof Stmt.Accumulate || s instanceof Stmt.Put) {
                because(why, "writes an array");
            } else if (s instanceof Stmt.Switch || s instanceof Stmt.Eval e && !(e.expr() instanceof Expr.Assignment)) {
                because(why, "calls a method");
            }
            if (s instanceof Stmt.Throw) {
                continue;
            }
            Stmts.exprs(s).forEach(e -> scan(e, written, why));
        }
        if (l.condition() != null) {
            scan(l.condition(), written, why);
        }
        // the copies run steps the loop does not (the longer run twice as many as near the point): an
        // index that moves with the steps could leave its array there, a double made an int divide by 0
        Set<Var> moving = new HashSet<>(written);
        moving.addAll(declared);
        Stmts.forEachExpr(parts, e -> Exprs.postOrder(e, n -> because(why, unsafe(n, moving))));
        if (l.condition() != null) {
            Exprs.postOrder(l.condition(), n -> because(why, unsafe(n, moving)));
        }
        for (Stmt s : Stmts.all(parts)) {
            String target = s instanceof Stmt.Break b ? b.label() : s instanceof Stmt.Continue c ? c.label() : null;
            if (target != null && !target.equals(l.label()) && !labels.contains(target)) {
                because(why, "jumps out of an enclosing loop or block");
            }
        }
        written.removeAll(declared);
        for (Var v : written) {
            if (!v.type.isPrimitive()) {
                because(why, "changes which array or object a variable holds");
            }
        }
        Set<Var> read = new LinkedHashSet<>();
        Stmts.forEachExpr(parts, e -> Exprs.reads(e, read::add));
        if (l.condition() != null) {
            Exprs.reads(l.condition(), read::add);
        }
        read.removeAll(declared);
        read.removeAll(written);
        boolean breaks = Stmts.all(l.body()).stream().anyMatch(s -> s instanceof Stmt.Break b
                && (b.label() == null || b.label().equals(l.label())));
        boolean endless = l.condition() == null || Boolean.TRUE.equals(l.condition() instanceof Expr.Const c ? c.value() : null);
        // the arrays whose elements it writes: a test of one of their elements is a test of what it computes
        Set<Var> arraysWritten = new HashSet<>();
        for (Stmt s : Stmts.all(parts)) {
            if (s instanceof Stmt.ArrayWrite w && Exprs.var(w.array()) != null) {
                arraysWritten.add(Exprs.var(w.array()));
            }
        }
        Plan plan = new Plan(l, written, read, declared, exitType, returns, endless && !breaks, flags(parts),
                arraysWritten);
        List<Expr> tests = new ArrayList<>();
        if (l.condition() != null) {
            forced(l.condition(), true, plan, null, tests);
        }
        exits(l.body(), plan, null, tests);
        if (tests.isEmpty()) {
            return null;
        }
        if (why[0] != null) {
            if (arrays != null) {
                arrays.addAll(arraysWritten);
                for (Var d : declared) {
                    if (d.type.isArray()) {
                        arrays.add(d); // made in each step (SmallArrays takes it if it is new T[k] or {...})
                    }
                }
            }
            if (why[0] == OUTER) {
                return null; // an iteration around inner loops (a Newton solve): no series, nothing to say
            }
            // a convergence test of a differentiated value: the user hears why the loop stays as it is
            boolean differentiated = tests.stream().anyMatch(t -> Exprs.any(t, n -> n instanceof Expr.Read r
                    && r.var().type.isDouble() && varied.test(r.var())));
            if (differentiated) {
                skipped.add(new Skipped(l.pos(), why[0]));
            }
            return null;
        }
        copied.addAll(written);
        return plan;
    }

    /**
     * Whether the helper {@code key} is arithmetic alone: locals of primitive types, {@code if} and
     * {@code return}, Math functions and such helpers; no array, loop, throw or other call, no
     * double made an integer, no integer division by a variable. Called more often by a copy than
     * by the loop, it can do nothing the loop would not, nor fail.
     */
    private boolean arithmetic(String key, int depth) {
        Boolean known = arithmetic.get(key);
        if (known != null) {
            return known;
        }
        MethodIr helper = helpers.get(key);
        if (helper == null || depth > 3) {
            return false;
        }
        boolean out = arithmeticBody(helper, depth);
        if (depth == 0) {
            arithmetic.put(key, out); // deeper, the depth's bound may have decided
        }
        return out;
    }

    private boolean arithmeticBody(MethodIr helper, int depth) {
        for (Stmt s : Stmts.all(helper.body())) {
            boolean allowed = s instanceof Stmt.Declare d && d.var().type.isPrimitive()
                    || s instanceof Stmt.Assign a && a.var().type.isPrimitive()
                    || s instanceof Stmt.If || s instanceof Stmt.Return || s instanceof Stmt.Block;
            if (!allowed) {
                return false; // a throw too: the copies would throw where the loop does not
            }
            for (Expr e : Stmts.exprs(s)) {
                if (Exprs.any(e, n -> n instanceof Expr.Call c ? !(c.callee() instanceof Callee.Inline i
                        && arithmetic(i.key(), depth + 1))
                        : n instanceof Expr.ArrayRead || n instanceof Expr.Length || n instanceof Expr.New
                        || n instanceof Expr.NewArray || n instanceof Expr.ArrayLit || n instanceof Expr.Assignment
                        || n instanceof Expr.SwitchExpr || n instanceof Expr.FieldGet || n instanceof Expr.Unsupported
                        || unsafe(n, Set.of()) != null)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void because(String[] why, String reason) {
        if (why[0] == null && reason != null) {
            why[0] = reason;
        }
    }

    /** Notes in {@code written} the variables {@code e} assigns, and in {@code why} what the copies cannot repeat. */
    private void scan(Expr e, Set<Var> written, String[] why) {
        Exprs.postOrder(e, n -> {
            if (n instanceof Expr.Call c && c.callee() instanceof Callee.Inline i
                    && arithmetic(i.key(), 0)) {
                return; // a helper of arithmetic alone, inlined in each copy
            }
            if (n instanceof Expr.Call c && c.callee() instanceof Callee.Opaque o && o.jdkPure() && !c.type().isDouble()) {
                return; // a test of a number (Double.isNaN(h)): it computes from its argument alone
            }
            if (n instanceof Expr.Call || n instanceof Expr.SwitchExpr || n instanceof Expr.Pullback
                    || n instanceof Expr.Unsupported || n instanceof Expr.Pop) {
                because(why, "calls a method");
            } else if (n instanceof Expr.New || n instanceof Expr.NewArray || n instanceof Expr.ArrayLit) {
                because(why, "creates an array or object");
            } else if (n instanceof Expr.Assignment x) {
                Var v = Exprs.var(x.target());
                if (v == null) {
                    because(why, "writes an array");
                } else {
                    written.add(v);
                }
            }
        });
    }

    /** Why the copies could fail where the loop does not, or null: an index that moves with the steps, a double made an integer, an integer division by a variable. */
    private static String unsafe(Expr n, Set<Var> moving) {
        if (n instanceof Expr.ArrayRead r) {
            boolean[] moves = {false};
            Exprs.reads(r.index(), v -> moves[0] |= moving.contains(v));
            return moves[0] ? "reads an array at an index that moves with its steps" : null;
        }
        if (n instanceof Expr.Cast c && c.operand().type().isDouble() && !c.type().isDouble()) {
            return "makes a double an integer";
        }
        return n instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
                && !b.type().isDouble() && Exprs.constant(b.right()) == null ? "divides an integer by a variable" : null;
    }

    private List<Stmt> rewrite(Plan p) {
        Stmt.Loop l = p.loop();
        List<Stmt> out = new ArrayList<>();
        Var stepsNear = local("_stepsNear", JType.INT);
        Var steps = local("_steps", JType.INT);
        out.add(new Stmt.Declare(stepsNear, Expr.Const.ofInt(0), l.pos(),
                "the steps this loop takes near the point, where no factor is exactly 0"));
        out.add(new Stmt.Block(null, near(p, stepsNear)));
        out.add(new Stmt.If(binary(Expr.BinaryOp.GE, read(stepsNear), Expr.Const.ofInt(BOUND), JType.BOOLEAN),
                List.of(new Stmt.Assign(stepsNear, Expr.Const.ofInt(0), null, null)), List.of(), null, null));
        Map<Var, Var> entry = new HashMap<>();
        for (Var v : p.written()) {
            Var e = local(v.name + "Entry", v.type);
            entry.put(v, e);
            out.add(new Stmt.Declare(e, read(v), null, null));
        }
        Var exited = p.returns() ? local("_exited", JType.BOOLEAN) : null;
        Var exitValue = p.exitType() != null ? local("_exitValue", p.exitType()) : null;
        if (exited != null) {
            out.add(new Stmt.Declare(exited, Expr.Const.ofBoolean(false), null, null));
        }
        if (exitValue != null) {
            out.add(new Stmt.Declare(exitValue, Expr.Const.of(0.0), null, null));
        }
        out.add(new Stmt.Declare(steps, Expr.Const.ofInt(0), null, null));
        List<Stmt> body = new ArrayList<>();
        body.add(increment(steps));
        body.addAll(returnsAsBreaks(l.body(), exited, exitValue));
        out.add(new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), body, l.doWhile(), l.pos(),
                l.source()));
        Expr early = binary(Expr.BinaryOp.GT, read(stepsNear), binary(Expr.BinaryOp.ADD, read(steps),
                Expr.Const.ofInt(1), JType.INT), JType.BOOLEAN);
        // one step more near the point is chance, unless a value it computes is exactly 0 (a term that
        // ended the series; a step cap right after it keeps the copy from going further)
        Expr zero = null;
        for (Var v : p.written()) {
            if (v.type.isDouble()) {
                Expr z = binary(Expr.BinaryOp.EQ, new Expr.StopGradient(read(v), null), Expr.Const.of(0.0),
                        JType.BOOLEAN);
                zero = zero == null ? z : binary(Expr.BinaryOp.COR, zero, z, JType.BOOLEAN);
            }
        }
        if (zero != null) {
            early = binary(Expr.BinaryOp.COR, early, binary(Expr.BinaryOp.CAND, binary(Expr.BinaryOp.GT,
                    read(stepsNear), read(steps), JType.BOOLEAN), zero, JType.BOOLEAN), JType.BOOLEAN);
        }
        out.add(new Stmt.If(early, longer(p, stepsNear, entry, exited, exitValue), List.of(), l.pos(),
                "where the loop stopped early: the derivative of the longer run"));
        if (exited != null) {
            Stmt leave = new Stmt.Return(exitValue == null ? null : read(exitValue), l.pos(), null);
            // a loop left only by its returns: the code after it was unreachable, and is
            out.add(p.onlyReturns() ? leave : new Stmt.If(read(exited), List.of(leave), List.of(), null, null));
        }
        return out;
    }

    /** The loop without derivatives, from its inputs moved apart, counting its steps into {@code count}. */
    private List<Stmt> near(Plan p, Var count) {
        Stmt.Loop l = p.loop();
        List<Stmt> out = new ArrayList<>();
        Map<Var, Var> map = new HashMap<>();
        int i = 0;
        for (Var v : union(p.written(), p.read())) {
            if (v.type.isDouble()) {
                Var c = local(v.name + "Near", v.type);
                map.put(v, c);
                double offset = NEAR * (1.0 + i++ / 8.0);
                double factor = 1.0 + offset;
                out.add(new Stmt.Declare(c, binary(Expr.BinaryOp.MUL, new Expr.StopGradient(read(v), null),
                        Expr.Const.of(factor), JType.DOUBLE), null, null));
                // a value exactly 0 at the start (the last term of a series that ended exactly, which the
                // next series starts from or multiplies by) is not 0 near the point: moved there by an
                // amount of its own, the copy counts the steps the loop takes where the terms are not 0
                out.add(new Stmt.If(binary(Expr.BinaryOp.EQ, read(c), Expr.Const.of(0.0), JType.BOOLEAN),
                        List.of(new Stmt.Assign(c, Expr.Const.of(offset), null, null)), List.of(), null, null));
            } else if (p.written().contains(v) || v.type.isArray()) {
                Var c = local(v.name + "Near", v.type);
                map.put(v, c);
                // an array the loop reads, read without its derivatives too
                out.add(new Stmt.Declare(c, v.type.isArray() ? new Expr.StopGradient(read(v), null) : read(v), null,
                        null));
            }
        }
        for (Var v : p.declared()) {
            map.put(v, local(v.name + "Near", v.type));
        }
        String label = l.label(); // the copy's returns and throws leave it by a break to it
        List<Stmt> body = new ArrayList<>();
        body.add(increment(count));
        body.addAll(stopped(l.body(), label, count, null));
        Stmt.Loop copy = new Stmt.Loop(label, l.init(), l.head(), bounded(l.condition(), count), l.update(), body,
                l.doWhile(), l.pos(), null);
        out.addAll(Rename.substitute(List.of(copy), map));
        // a loop that diverges near the point (its value exact here only because a term is 0) decides
        // nothing: run on here, its derivative would overflow too
        Expr finite = null;
        for (Var v : p.written()) {
            if (v.type.isDouble()) {
                Expr f = binary(Expr.BinaryOp.LE, abs(read(map.get(v))), Expr.Const.of(Double.MAX_VALUE), JType.BOOLEAN);
                finite = finite == null ? f : binary(Expr.BinaryOp.CAND, finite, f, JType.BOOLEAN);
            }
        }
        if (finite != null) {
            out.add(new Stmt.If(new Expr.Unary(Expr.UnaryOp.NOT, finite, JType.BOOLEAN, null),
                    List.of(new Stmt.Assign(count, Expr.Const.ofInt(BOUND), null, null)), List.of(), null, null));
        }
        return out;
    }

    /**
     * The loop again from its start ({@code entry}), its convergence tests passing only after
     * {@code need} steps; the values it agrees on take its derivative.
     */
    private List<Stmt> longer(Plan p, Var need, Map<Var, Var> entry, Var exited, Var exitValue) {
        Stmt.Loop l = p.loop();
        List<Stmt> out = new ArrayList<>();
        Map<Var, Var> map = new HashMap<>();
        for (Var v : p.written()) {
            Var c = local(v.name + "Longer", v.type);
            map.put(v, c);
            out.add(new Stmt.Declare(c, read(entry.get(v)), null, null));
        }
        for (Var v : p.declared()) {
            map.put(v, local(v.name + "Longer", v.type));
        }
        Var steps = local("_stepsLonger", JType.INT);
        Var failed = local("_failed", JType.BOOLEAN);
        Var exitedLonger = exited == null ? null : local("_exitedLonger", JType.BOOLEAN);
        Var valueLonger = exitValue == null ? null : local("_exitValueLonger", exitValue.type);
        out.add(new Stmt.Declare(steps, Expr.Const.ofInt(0), null, null));
        out.add(new Stmt.Declare(failed, Expr.Const.ofBoolean(false), null, null));
        if (exitedLonger != null) {
            out.add(new Stmt.Declare(exitedLonger, Expr.Const.ofBoolean(false), null, null));
        }
        if (valueLonger != null) {
            out.add(new Stmt.Declare(valueLonger, Expr.Const.of(0.0), null, null));
        }
        // twice the steps near the point: there the factor is small, not 0, and the value converges
        // before the derivative does
        Var twice = local("_stepsNeeded", JType.INT);
        out.add(new Stmt.Declare(twice, binary(Expr.BinaryOp.MUL, Expr.Const.ofInt(2), read(need), JType.INT), null,
                null));
        Expr condition = l.condition() == null ? null : forced(l.condition(), true, p, new Need(steps, twice), null);
        List<Stmt> body = new ArrayList<>();
        body.add(increment(steps));
        // a run much longer than the one near the point is no convergence: stop, and lend nothing
        body.add(new Stmt.If(binary(Expr.BinaryOp.GT, read(steps), binary(Expr.BinaryOp.ADD,
                binary(Expr.BinaryOp.MUL, Expr.Const.ofInt(2), read(twice), JType.INT), Expr.Const.ofInt(100), JType.INT),
                JType.BOOLEAN), List.of(new Stmt.Assign(failed, Expr.Const.ofBoolean(true), null, null),
                        new Stmt.Break(null, null)), List.of(), null, null));
        List<Stmt> exits = exits(l.body(), p, new Need(steps, twice), null);
        body.addAll(stopped(returnsAsBreaks(exits, exitedLonger, valueLonger), null, null, failed));
        Stmt.Loop copy = new Stmt.Loop(l.label(), l.init(), l.head(), condition, l.update(), body, l.doWhile(), l.pos(),
                null);
        out.addAll(Rename.substitute(List.of(copy), map));
        Expr agreed = new Expr.Unary(Expr.UnaryOp.NOT, read(failed), JType.BOOLEAN, null);
        if (exited != null) {
            agreed = binary(Expr.BinaryOp.CAND, agreed, binary(Expr.BinaryOp.EQ, read(exitedLonger), read(exited),
                    JType.BOOLEAN), JType.BOOLEAN);
        }
        List<Stmt> lend = new ArrayList<>();
        for (Var v : p.written()) {
            if (v.type.isDouble()) {
                lend.add(lent(v, map.get(v)));
            }
        }
        if (exitValue != null) {
            lend.add(lent(exitValue, valueLonger));
        }
        out.add(new Stmt.If(agreed, lend, List.of(), null, null));
        return out;
    }

    /** {@code if (|v' - v| <= AGREEMENT |v|) v = stop(v) - (stop(v') - v');}: v's value, v''s derivative. */
    private static Stmt lent(Var v, Var longer) {
        Expr own = new Expr.StopGradient(read(v), null);
        Expr other = new Expr.StopGradient(read(longer), null);
        Expr close = binary(Expr.BinaryOp.LE, abs(binary(Expr.BinaryOp.SUB, other, own, JType.DOUBLE)),
                binary(Expr.BinaryOp.MUL, Expr.Const.of(AGREEMENT), abs(own), JType.DOUBLE), JType.BOOLEAN);
        Expr value = binary(Expr.BinaryOp.SUB, own, binary(Expr.BinaryOp.SUB, other, read(longer), JType.DOUBLE),
                JType.DOUBLE);
        return new Stmt.If(close, List.of(new Stmt.Assign(v, value, null,
                v.name + ": its own value, the derivative of the longer run")), List.of(), null, null);
    }

    /** The step count and the steps needed, in the longer run. */
    private record Need(Var steps, Var need) {}

    /**
     * {@code condition} (of the loop, {@code going} true, or of an exit, false) with each of its
     * convergence tests made to hold on only after {@code need.need} steps; with {@code need} null,
     * only adds them to {@code found}. Tests under {@code !} of a compound condition
     * are not looked at (left as they are).
     */
    private Expr forced(Expr condition, boolean going, Plan p, Need need, List<Expr> found) {
        if (condition instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR)) {
            // a test delayed under && or || delays what it decides; the other tests (a step cap) stay
            return binary(b.op(), forced(b.left(), going, p, need, found),
                    forced(b.right(), going, p, need, found), JType.BOOLEAN);
        }
        Expr test = converges(condition, going, p, 0);
        if (test == null) {
            return condition;
        }
        if (found != null) {
            found.add(test);
        }
        if (need == null) {
            return condition;
        }
        return going
                ? binary(Expr.BinaryOp.COR, condition, binary(Expr.BinaryOp.LT, read(need.steps()), read(need.need()),
                        JType.BOOLEAN), JType.BOOLEAN)
                : binary(Expr.BinaryOp.CAND, condition, binary(Expr.BinaryOp.GE, read(need.steps()), read(need.need()),
                        JType.BOOLEAN), JType.BOOLEAN);
    }

    /** {@code body} with the conditions of its exits ({@code if (test) break;} or {@code return}) forced. */
    private List<Stmt> exits(List<Stmt> body, Plan p, Need need, List<Expr> found) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            if (s instanceof Stmt.If i && i.otherwise().isEmpty() && !i.then().isEmpty()
                    && leaves(i.then().get(i.then().size() - 1), p.loop())) {
                out.add(new Stmt.If(forced(i.condition(), false, p, need, found), exits(i.then(), p, need, found),
                        List.of(), i.pos(), i.source()));
            } else {
                out.add(Stmts.mapBlocks(s, b -> exits(b, p, need, found)));
            }
        }
        return out;
    }

    private static boolean leaves(Stmt s, Stmt.Loop l) {
        return s instanceof Stmt.Return || s instanceof Stmt.Break b && (b.label() == null || b.label().equals(l.label()));
    }

    /**
     * The comparison that makes {@code e} a convergence test, or null: a value the loop computes
     * compared with a small tolerance, {@code e} true while the loop must go on ({@code going}) or
     * once it may stop; directly, negated, or through a boolean the loop sets to it once a step.
     */
    private Expr converges(Expr e, boolean going, Plan p, int depth) {
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT) {
            // while (!done), while (!(err < tol)): the test the other way round
            return converges(u.operand(), !going, p, depth);
        }
        Var flag = Exprs.var(e);
        if (flag != null && depth < 4 && p.flags().containsKey(flag)) {
            // boolean done = Math.abs(d) < EPS; ... if (done) break;
            return converges(p.flags().get(flag), going, p, depth + 1);
        }
        if (!(e instanceof Expr.Binary b)) {
            return null;
        }
        boolean less = b.op() == Expr.BinaryOp.LT || b.op() == Expr.BinaryOp.LE;
        boolean greater = b.op() == Expr.BinaryOp.GT || b.op() == Expr.BinaryOp.GE;
        if (!less && !greater) {
            return null;
        }
        Expr measured;
        if (tolerances.is(b.right())) {
            measured = b.left();
            if (less == going) {
                return null;
            }
        } else if (tolerances.is(b.left())) {
            measured = b.right();
            if (greater == going) {
                return null;
            }
        } else {
            return null;
        }
        // a value the loop computes; or a differentiated one it only reads, whose test decides at once
        // how many steps are taken (a term exactly 0 at the point, added while it is not small)
        boolean[] computed = {false};
        Exprs.reads(measured, v -> computed[0] |= v.type.isDouble()
                && (p.written().contains(v) || p.declared().contains(v) || varied.test(v)));
        computed[0] |= Exprs.any(measured, n -> n instanceof Expr.ArrayRead r && r.type().isDouble()
                && p.arraysWritten().contains(Exprs.var(r.array())));
        return computed[0] ? e : null;
    }

    /**
     * The booleans the loop sets once per step, each with the value it sets ({@code done =
     * Math.abs(d) < EPS}): a convergence test kept in a flag.
     */
    private static Map<Var, Expr> flags(List<Stmt> parts) {
        Map<Var, Expr> values = new HashMap<>();
        Map<Var, Integer> writes = new HashMap<>();
        for (Stmt s : Stmts.all(parts)) {
            Var v = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            Expr value = v == null ? null : Stmts.value(s);
            if (v != null && v.type.sameAs(JType.BOOLEAN) && value != null) {
                values.put(v, value);
                writes.merge(v, 1, Integer::sum);
            }
        }
        writes.forEach((v, n) -> {
            if (n > 1) {
                values.remove(v);
            }
        });
        return values;
    }

    /** {@code return e;} in {@code body} as {@code exitValue = e; exited = true; break;}. */
    private static List<Stmt> returnsAsBreaks(List<Stmt> body, Var exited, Var exitValue) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            if (s instanceof Stmt.Return r) {
                if (r.value() != null) {
                    out.add(new Stmt.Assign(exitValue, r.value(), r.pos(), r.source()));
                }
                out.add(new Stmt.Assign(exited, Expr.Const.ofBoolean(true), null, null));
                out.add(new Stmt.Break(null, r.pos()));
            } else {
                out.add(Stmts.mapBlocks(s, b -> returnsAsBreaks(b, exited, exitValue)));
            }
        }
        return out;
    }

    /**
     * {@code body} with its returns leaving the copy near the point (a {@code break} to {@code
     * label}, the loop's own label or none, when {@code count} is given) and its throws ending the
     * copy: the steps counted set past the bound ({@code count}, which then decides nothing) or
     * {@code failed} set. The longer run's returns are breaks already.
     */
    private static List<Stmt> stopped(List<Stmt> body, String label, Var count, Var failed) {
        List<Stmt> out = new ArrayList<>(body.size());
        for (Stmt s : body) {
            if (s instanceof Stmt.Return && count != null) {
                out.add(new Stmt.Break(label, null));
            } else if (s instanceof Stmt.Throw) {
                out.add(count != null ? new Stmt.Assign(count, Expr.Const.ofInt(BOUND), null, null)
                        : new Stmt.Assign(failed, Expr.Const.ofBoolean(true), null, null));
                out.add(new Stmt.Break(label, null));
            } else {
                out.add(Stmts.mapBlocks(s, b -> stopped(b, label, count, failed)));
            }
        }
        return out;
    }

    /** The copy's condition, also ending it after {@link #BOUND} steps. */
    private static Expr bounded(Expr condition, Var count) {
        Expr within = binary(Expr.BinaryOp.LT, read(count), Expr.Const.ofInt(BOUND), JType.BOOLEAN);
        return condition == null ? within : binary(Expr.BinaryOp.CAND, within, condition, JType.BOOLEAN);
    }

    private static Set<Var> union(Set<Var> a, Set<Var> b) {
        Set<Var> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static Stmt increment(Var count) {
        return new Stmt.Assign(count, binary(Expr.BinaryOp.ADD, read(count), Expr.Const.ofInt(1), JType.INT), null, null);
    }

    private static Var local(String name, JType type) {
        return new Var(name, type, Var.Role.LOCAL);
    }

    private static Expr read(Var v) {
        return new Expr.Read(v, null);
    }

    private static Expr abs(Expr e) {
        return new Expr.MathCall(MathFunction.ABS, false, List.of(e), JType.DOUBLE, null, null);
    }

    private static Expr binary(Expr.BinaryOp op, Expr l, Expr r, JType type) {
        return new Expr.Binary(op, l, r, type, null);
    }
}
