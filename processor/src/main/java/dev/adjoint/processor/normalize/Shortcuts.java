package dev.adjoint.processor.normalize;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Logging;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The derivative where an equality test of a differentiated value holds. A shortcut such as
 * Cephes' {@code if (x == 2.0) return z;} (after shifting x into [2, 3)) gives the right value at
 * the point but the derivative of {@code z} alone, while at every point near it the test fails and
 * the code around runs. So the method is differentiated twice, as written and with its equality
 * tests failing (the code around the point), and the derivative members choose at run time, all in
 * the same way: where the code around gives the method's value ({@code Shortcuts.gap}, in the
 * runtime), its derivative, which is the function's wherever the function has one; else (a guard
 * against 0/0 such as {@code x == 0 ? 1 : Math.sin(x) / x}, whose code around gives NaN) the
 * branch's, as PyTorch and JAX give. Where no test holds, the two are the same code.
 *
 * <p>Only for a method whose code can run beside itself: it returns a {@code double}, writes no
 * array it did not create, and calls nothing with effects. An instance method's code around runs
 * on its receiver, at the values of the fields it is differentiated with respect to. Tests in loop conditions and
 * loop heads are kept (failing them could run a loop for ever).
 */
public final class Shortcuts {

    /**
     * The method the differentiators get: {@code if (Double.isNaN(_gap)) { as written } else { the
     * code around }}; {@code around}, the code around's body (for its primal copy); {@code kept},
     * how many of its tests the code around can keep as written by a bit of {@link #KEPT} (0: it
     * fails them all).
     */
    public record Result(MethodIr method, List<Stmt> around, int kept) {}

    /**
     * In a method with several tests, which of them the code around keeps as written: bit i for
     * the i-th test. A guard against 0/0 ({@code x == 0 ? 1 : Math.sin(x) / x}) fails to agree
     * wherever it holds; kept, the method's other shortcuts still take the derivative around them
     * ({@code Naming.kept} finds the fewest tests to keep). Its parameter in {@code f$around}.
     */
    public static final Var KEPT = new Var("_kept", JType.INT, Var.Role.TEMP);

    /** The most tests the code around can keep as written (a bit each): {@code f$kept} tries at most 2⁵ − 1 choices. */
    public static final int KEPT_TESTS = 5;

    /** The runtime's {@code Shortcuts}, which the code around calls. */
    private static final ClassRef RUNTIME = ClassRef.of("dev.adjoint.internal", "Shortcuts");
    /** {@code Shortcuts.step(steps)}: a loop iteration of the code around counted. */
    private static final Callee STEP = new Callee.Opaque(RUNTIME, "step", List.of(JType.INT), JType.INT, true, false,
            true);
    /** {@code Shortcuts.finite(v)}: a value of the code around checked finite. */
    private static final Callee FINITE = new Callee.Opaque(RUNTIME, "finite", List.of(JType.DOUBLE), JType.DOUBLE,
            true, false, true);

    private final Activity activity;
    private int forced;
    /** Whether the tests are kept by a bit of {@link #KEPT} each (the first {@link #KEPT_TESTS}), rather than failed. */
    private boolean masked;
    /** Inside a loop: the variables deciding whether the loops around go on ({@link #loopControl}); else null. */
    private Control control;

    /**
     * What decides whether the loops around a statement go on: the variables whose values do, and
     * the arrays whose elements do (an array read only for its {@code length} is among the first
     * alone: writing its elements changes no length).
     */
    private record Control(Set<Var> values, Set<Var> elements) {
        static final Control NONE = new Control(Set.of(), Set.of());
    }

    private Shortcuts(Activity activity) {
        this.activity = activity;
    }

    /**
     * The method with its shortcuts' derivatives, or {@code method} itself when it tests no
     * differentiated value for equality (around null); null when it does, but cannot run beside
     * itself. {@code gap} is the implementation's method giving {@code Shortcuts.gap} at the
     * method's arguments.
     */
    public static Result of(MethodIr method, Map<String, MethodIr> helpers, ClassRef impl, String gap, String kept) {
        Activity activity = Activity.of(method, method.body(), helpers);
        Shortcuts s = new Shortcuts(activity);
        List<Stmt> around = s.force(method.body());
        if (s.forced == 0) {
            return new Result(method, null, 0);
        }
        List<Stmt> body = method.body();
        if (method.vector() || body.isEmpty()
                || !(body.get(body.size() - 1) instanceof Stmt.Return r) || r.value() == null || !runsBeside(body)) {
            return null;
        }
        int tests = 0;
        if (s.forced > 1) {
            // several tests: one may be a guard whose code around never agrees, so each can be kept
            s = new Shortcuts(activity);
            s.masked = true;
            around = s.force(method.body());
            tests = Math.min(s.forced, KEPT_TESTS);
        }
        return new Result(combined(method, around, impl, gap, tests > 0 ? kept : null), counted(around), tests);
    }

    /**
     * The code around's primal copy (cleaned up) with the values it computes checked finite
     * ({@code Shortcuts.finite}, which throws): where the code around passes through an infinity or
     * a NaN and still ends at the method's value (Black-Scholes at t = 0: d1 = log(s/k)/0, N(d1) = 1;
     * exp(a·log 0) = 0), its derivative is ∞·0, not a number, and the branch's is taken. Checked: each
     * value a statement stores, each argument of a Math function and each divisor, where the infinity
     * becomes finite.
     */
    public static List<Stmt> checked(List<Stmt> around) {
        return Stmts.mapAll(around, s -> {
            Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            Expr value = Stmts.value(s);
            if (target != null && value != null) {
                Expr checked = target.type.sameAs(JType.DOUBLE) ? finite(within(value)) : within(value);
                return s instanceof Stmt.Declare d ? new Stmt.Declare(d.var(), checked, d.pos(), d.source())
                        : new Stmt.Assign(target, checked, ((Stmt.Assign) s).pos(), Stmts.source(s));
            }
            if (s instanceof Stmt.Return r && r.value() != null) {
                return new Stmt.Return(within(r.value()), r.pos(), r.source());
            }
            if (s instanceof Stmt.If i) {
                return new Stmt.If(within(i.condition()), i.then(), i.otherwise(), i.pos(), i.source());
            }
            return s;
        });
    }

    /** {@code e} with its Math functions' arguments and its divisors checked finite. */
    private static Expr within(Expr e) {
        Expr m = Exprs.map(e, Shortcuts::within);
        if (m instanceof Expr.MathCall c) {
            return Exprs.rebuild(c, c.args().stream().map(a -> a.type().isDouble() ? finite(a) : a).toList());
        }
        if (m instanceof Expr.Binary b && b.op() == Expr.BinaryOp.DIV && b.type().isDouble()) {
            return new Expr.Binary(b.op(), b.left(), finite(b.right()), b.type(), b.pos());
        }
        return m;
    }

    private static Expr finite(Expr e) {
        if (e instanceof Expr.Const || e instanceof Expr.Read || e instanceof Expr.Call c && c.callee() == FINITE) {
            return e;
        }
        return new Expr.Call(FINITE, null, List.of(e), JType.DOUBLE, null);
    }

    /**
     * {@code around} counting its loops' iterations ({@code Shortcuts.step}, which throws past a
     * bound): the code around runs where the method does not, and a shortcut may be what keeps a
     * loop after it finite ({@code if (x == 0) return 0;} before a series stopped on
     * {@code |term| >= eps |sum|}, which is {@code 0 >= 0} for ever at 0). For the primal copy only:
     * the derivatives run the code around only where that copy ended.
     */
    private static List<Stmt> counted(List<Stmt> around) {
        Var steps = new Var("_steps", JType.INT, Var.Role.TEMP);
        Expr step = new Expr.Call(STEP, null, List.of(new Expr.Read(steps)), JType.INT, null);
        boolean[] loops = {false};
        List<Stmt> body = counted(around, new Stmt.Assign(steps, step, null, null), loops);
        if (!loops[0]) {
            return around;
        }
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Declare(steps, Expr.Const.ofInt(0), null, null));
        out.addAll(body);
        return out;
    }

    private static List<Stmt> counted(List<Stmt> list, Stmt count, boolean[] loops) {
        List<Stmt> out = new ArrayList<>(list.size());
        for (Stmt s : list) {
            Stmt m = Stmts.mapBlocks(s, b -> counted(b, count, loops));
            if (m instanceof Stmt.Loop l) {
                loops[0] = true;
                List<Stmt> body = new ArrayList<>();
                body.add(count);
                body.addAll(l.body());
                m = new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), body, l.doWhile(), l.pos(),
                        l.source());
            }
            out.add(m);
        }
        return out;
    }

    /**
     * {@code double _gap = stopGradient(f$gap(params)); if (Double.isNaN(_gap)) { body } else {
     * around, renamed; } return _value;}: the value is the method's in both branches (the code
     * around's plus the gap is the method's value exactly). With tests to keep, the gap is first the
     * code around's that fails them all, and {@code f$kept} is asked only where that one disagrees.
     */
    private static MethodIr combined(MethodIr method, List<Stmt> around, ClassRef impl, String gapName,
            String keptName) {
        List<Stmt> body = method.body();
        Stmt.Return last = (Stmt.Return) body.get(body.size() - 1);
        Position pos = last.pos() != null ? last.pos() : method.pos();
        List<Expr> args = new ArrayList<>();
        List<JType> types = new ArrayList<>();
        if (method.self() != null) {
            // an instance method's members take its receiver first (its fields' values after it, as parameters)
            args.add(new Expr.Read(method.self()));
            types.add(method.self().type);
        }
        for (MethodIr.Param p : method.params()) {
            args.add(new Expr.Read(p.var()));
            types.add(p.type());
        }
        List<Stmt> out = new ArrayList<>();
        Var gap = new Var("_gap", JType.DOUBLE, Var.Role.TEMP);
        Var value = new Var("_value", JType.DOUBLE, Var.Role.TEMP);
        // with tests to keep: int _kept = 0; the gap of the code around that fails them all, f$gap(params, 0); where
        // that one disagrees, _kept = f$kept(params), the fewest tests to keep as written (-1: none agrees), and its
        // gap. Most points hold no test, and there f$kept would answer 0 after the same evaluation
        List<Expr> gapArgs = new ArrayList<>(args);
        List<JType> gapTypes = new ArrayList<>(types);
        if (keptName != null) {
            gapArgs.add(Expr.Const.ofInt(0));
            gapTypes.add(JType.INT);
            out.add(new Stmt.Declare(KEPT, Expr.Const.ofInt(0), pos, "which tests the code around keeps as written"));
        }
        out.add(new Stmt.Declare(gap, new Expr.StopGradient(gapCall(impl, gapName, gapTypes, gapArgs, pos), pos), pos,
                "where an equality test holds, the derivative of the code around the point, if it gives the same value"));
        if (keptName != null) {
            List<Expr> withKept = new ArrayList<>(args);
            withKept.add(new Expr.Read(KEPT));
            Expr keptCall = new Expr.Call(new Callee.Opaque(impl, keptName, types, JType.INT, true, false, true), null,
                    args, JType.INT, pos);
            out.add(new Stmt.If(isNaN(gap, pos), List.of(new Stmt.Assign(KEPT, keptCall, pos, null),
                    new Stmt.Assign(gap, new Expr.StopGradient(gapCall(impl, gapName, gapTypes, withKept, pos), pos), pos,
                            null)), List.of(), pos, null));
        }
        List<Stmt> asWritten = new ArrayList<>(body.subList(0, body.size() - 1));
        asWritten.add(new Stmt.Assign(value, last.value(), last.pos(), last.source()));
        List<Stmt> renamed = Rename.fresh(around, outside(around));
        Stmt.Return aroundLast = (Stmt.Return) renamed.get(renamed.size() - 1);
        List<Stmt> aroundBody = new ArrayList<>(renamed.subList(0, renamed.size() - 1));
        Var aroundValue = new Var("_around", JType.DOUBLE, Var.Role.TEMP);
        aroundBody.add(new Stmt.Declare(aroundValue, aroundLast.value(), aroundLast.pos(), aroundLast.source()));
        aroundBody.add(new Stmt.Assign(value, new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Read(aroundValue),
                new Expr.Read(gap), JType.DOUBLE, pos), pos, null));
        out.addAll(List.of(
                new Stmt.Declare(value, Expr.Const.of(0.0), pos, null),
                new Stmt.If(isNaN(gap, pos), asWritten, aroundBody, pos, null),
                new Stmt.Return(new Expr.Read(value), last.pos(), last.source())));
        return new MethodIr(method.key(), method.name(), method.owner(), method.params(), method.self(),
                method.inputs(), out, method.vector(), method.pos());
    }

    private static Expr gapCall(ClassRef impl, String gapName, List<JType> types, List<Expr> args, Position pos) {
        return new Expr.Call(new Callee.Opaque(impl, gapName, types, JType.DOUBLE, true, false, true), null, args,
                JType.DOUBLE, pos);
    }

    private static Expr isNaN(Var v, Position pos) {
        return new Expr.Call(new Callee.Opaque(ClassRef.of("java.lang", "Double"), "isNaN", List.of(JType.DOUBLE),
                JType.BOOLEAN, true, false, true), null, List.of(new Expr.Read(v)), JType.BOOLEAN, pos);
    }

    /** Each variable {@code body} uses but does not declare (parameters, loaded inputs), kept in a copy. */
    private static Map<Var, Var> outside(List<Stmt> body) {
        Set<Var> declared = declared(body);
        Map<Var, Var> keep = new HashMap<>();
        Stmts.forEachExpr(body, e -> Exprs.reads(e, v -> {
            if (!declared.contains(v)) {
                keep.put(v, v);
            }
        }));
        for (Stmt s : Stmts.all(body)) {
            Var target = Stmts.target(s);
            if (target != null && !declared.contains(target)) {
                keep.put(target, target);
            }
        }
        return keep;
    }

    private static Set<Var> declared(List<Stmt> body) {
        Set<Var> out = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d) {
                out.add(d.var());
            } else if (s instanceof Stmt.ForEach f) {
                out.add(f.var());
            }
        }
        return out;
    }

    /**
     * Whether running {@code body} twice more changes nothing its own run sees: it writes only
     * arrays it creates, and calls nothing with effects.
     */
    private static boolean runsBeside(List<Stmt> body) {
        Set<Var> created = new HashSet<>();
        Set<Var> other = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            Var target = s instanceof Stmt.Declare d ? d.var() : s instanceof Stmt.Assign a ? a.var() : null;
            Expr value = s instanceof Stmt.Declare d ? d.init() : s instanceof Stmt.Assign a ? a.value() : null;
            if (target != null && target.type.isArray() && value != null) {
                (value instanceof Expr.NewArray || value instanceof Expr.ArrayLit ? created : other).add(target);
            }
        }
        created.removeAll(other);
        boolean[] ok = {true};
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.ArrayWrite w && !(w.array() instanceof Expr.Read r && created.contains(r.var()))) {
                return false;
            }
            if (s instanceof Stmt.Throw) {
                continue; // it ends the run: what builds its message (String.format) is no effect another run sees
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> ok[0] &= !effects(n));
            }
        }
        return ok[0];
    }

    /** Whether {@code e} itself may change what a later run sees: a call with effects, an array element assigned. */
    private static boolean effects(Expr e) {
        if (e instanceof Expr.Call c) {
            return c.callee() instanceof Callee.Opaque o ? !o.writesNothing() && !o.jdkPure() && !Logging.logs(o)
                    : c.callee() instanceof Callee.Differentiable d && !d.writtenArrays().isEmpty();
        }
        return e instanceof Expr.Assignment a && !(a.target() instanceof Expr.Read);
    }

    // ------------------------------------------------------------ the code around

    /**
     * {@code body} with its equality tests failing, except where they decide whether a loop goes on:
     * in loop conditions and heads, and in a statement inside a loop that sets a variable the loop's
     * condition depends on, the flag of a jump out of it too ({@code if (next == x) return next;} in
     * a {@code while (true)}: failing, the loop would never end).
     */
    private List<Stmt> force(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (int k = 0; k < body.size(); k++) {
            Stmt s = body.get(k);
            if (s instanceof Stmt.Loop l) {
                Control outer = control;
                control = loopControl(l, outer);
                out.add(new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), force(l.body()),
                        l.doWhile(), l.pos(), l.source()));
                control = outer;
            } else if (s instanceof Stmt.ForEach f) {
                Control outer = control;
                control = outer != null ? outer : Control.NONE; // its length bounds it
                out.add(new Stmt.ForEach(f.label(), f.var(), f.array(), force(f.body()), f.pos(), f.source()));
                control = outer;
            } else if (decidesLoop(s)) {
                out.add(Stmts.mapBlocks(s, this::force));
            } else if (s instanceof Stmt.If i) {
                // after if (x < 1) return a; the test of if (x > 1) return b; is x != 1's
                Expr prior = k > 0 && body.get(k - 1) instanceof Stmt.If p && p.otherwise().isEmpty()
                        && !Stmts.completes(p.then()) ? p.condition() : null;
                out.addAll(forceIf(i, prior));
            } else {
                out.add(forceOwn(Stmts.mapBlocks(s, this::force)));
            }
        }
        return out;
    }

    /**
     * {@code i} with its test forced, reached only where {@code prior} (or null) failed: the test of
     * a three-way choice, {@code if (x < 1) a; else if (x > 1) b; else c;}, is read in its context,
     * {@code x < 1 || x > 1}, an equality test whose c runs only at the point (kept as written, it
     * gives the same choice there).
     */
    private List<Stmt> forceIf(Stmt.If i, Expr prior) {
        Expr test = i.condition();
        if (prior != null) {
            Expr joined = new Expr.Binary(Expr.BinaryOp.COR, prior, test, JType.BOOLEAN, test.pos());
            test = activity.testsEquality(joined) ? joined : test;
        }
        Expr condition = force(test);
        List<Stmt> otherwise = i.otherwise().size() == 1 && i.otherwise().get(0) instanceof Stmt.If j
                ? forceIf(j, i.condition()) : force(i.otherwise());
        List<Stmt> taken = condition instanceof Expr.Const c && c.value() instanceof Boolean t
                ? t ? force(i.then()) : otherwise : null;
        if (taken != null && Stmts.completes(taken)) {
            return taken;
        }
        // a branch that always throws stays under its if: spliced, javac would find what follows unreachable
        return List.of(new Stmt.If(condition, force(i.then()), otherwise, i.pos(), i.source()));
    }

    /**
     * The variables whose values decide whether {@code l} (or a loop around it, {@code outer}) goes
     * on: those its condition, head and update read, and those its body computes them from.
     */
    private static Control loopControl(Stmt.Loop l, Control outer) {
        Set<Var> values = outer == null ? new HashSet<>() : new HashSet<>(outer.values());
        Set<Var> elements = outer == null ? new HashSet<>() : new HashSet<>(outer.elements());
        List<Stmt> parts = new ArrayList<>(l.head());
        parts.addAll(l.update());
        if (l.condition() != null) {
            collect(l.condition(), values, elements);
        }
        Stmts.forEachExpr(parts, e -> collect(e, values, elements));
        List<Stmt> all = new ArrayList<>(Stmts.all(parts));
        all.addAll(Stmts.all(l.body()));
        boolean changed = true;
        while (changed) {
            int before = values.size() + elements.size();
            for (Stmt st : all) {
                Var target = Stmts.target(st);
                Expr value = Stmts.value(st);
                if (target != null && value != null && (st instanceof Stmt.ArrayWrite ? elements : values).contains(target)) {
                    collect(value, values, elements);
                    if (st instanceof Stmt.ArrayWrite w) {
                        collect(w.index(), values, elements);
                    }
                }
            }
            changed = values.size() + elements.size() != before;
        }
        return new Control(values, elements);
    }

    /** Adds the variables {@code e} reads to {@code values}, and the arrays whose elements it may read to {@code elements}. */
    private static void collect(Expr e, Set<Var> values, Set<Var> elements) {
        if (e instanceof Expr.Length n && n.array() instanceof Expr.Read r) {
            values.add(r.var());
            return;
        }
        if (e instanceof Expr.Read r) {
            values.add(r.var());
            if (r.var().type.isArray()) {
                elements.add(r.var()); // read, or passed to a call that may read its elements
            }
            return;
        }
        if (e instanceof Expr.Assignment a && a.target() instanceof Expr.Read t) {
            if (a.op() != null) {
                collect(t, values, elements);
            }
            collect(a.value(), values, elements);
            return;
        }
        for (Expr c : Exprs.children(e)) {
            collect(c, values, elements);
        }
    }

    /**
     * Inside a loop: whether {@code s} (or a statement in it) sets a variable the loop's going on
     * depends on. The flags of the jumps that leave it are among them ({@code Jumps} puts them in its
     * condition); the flags of jumps that stay inside it do not decide it (a {@code continue}, a
     * {@code break} out of a labelled block in its body, an inlined helper's {@code return}): their
     * tests fail in the code around, as any other.
     */
    private boolean decidesLoop(Stmt s) {
        if (control == null) {
            return false;
        }
        for (Stmt st : Stmts.all(List.of(s))) {
            Var target = Stmts.target(st);
            if (target != null && ((st instanceof Stmt.ArrayWrite ? control.elements() : control.values()).contains(target))) {
                return true;
            }
        }
        return false;
    }

    /** {@code s} with its own expressions' equality tests failing (its nested statements done already). */
    private Stmt forceOwn(Stmt s) {
        if (s instanceof Stmt.Declare d && d.init() != null) {
            return new Stmt.Declare(d.var(), force(d.init()), d.pos(), d.source());
        }
        if (s instanceof Stmt.Assign a) {
            return new Stmt.Assign(a.var(), force(a.value()), a.pos(), a.source());
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return new Stmt.ArrayWrite(w.array(), w.index(), force(w.value()), w.pos(), w.source());
        }
        if (s instanceof Stmt.Eval e) {
            return new Stmt.Eval(force(e.expr()), e.pos(), e.source());
        }
        if (s instanceof Stmt.Return r && r.value() != null) {
            return new Stmt.Return(force(r.value()), r.pos(), r.source());
        }
        return s;
    }

    /** {@code e} with each equality test of a differentiated value failing, and what that decides folded. */
    private Expr force(Expr e) {
        if (activity.testsEquality(e)) {
            int bit = forced++;
            boolean nearby = Activity.nearby((Expr.Binary) e);
            if (!masked || bit >= KEPT_TESTS) {
                return Expr.Const.ofBoolean(nearby);
            }
            // kept as written where its bit is set: (_kept & 2) != 0 && y == 2.0, (_kept & 2) == 0 || y != 2.0
            Expr bits = new Expr.Binary(Expr.BinaryOp.AND, new Expr.Read(KEPT), Expr.Const.ofInt(1 << bit), JType.INT,
                    e.pos());
            Expr keep = new Expr.Binary(nearby ? Expr.BinaryOp.EQ : Expr.BinaryOp.NE, bits, Expr.Const.ofInt(0),
                    JType.BOOLEAN, e.pos());
            return new Expr.Binary(nearby ? Expr.BinaryOp.COR : Expr.BinaryOp.CAND, keep, e, JType.BOOLEAN, e.pos());
        }
        if (e instanceof Expr.SwitchExpr) {
            return e;
        }
        Expr m = Exprs.map(e, this::force);
        if (m instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NOT && truth(u.operand()) != null) {
            return Expr.Const.ofBoolean(!truth(u.operand()));
        }
        if (m instanceof Expr.Cond c && truth(c.condition()) != null) {
            // the branch at the ternary's type: (int) (c ? 1.0 : n) must stay a cast of a double (of an int, javac warns)
            Expr branch = truth(c.condition()) ? c.then() : c.otherwise();
            return branch.type().sameAs(c.type()) ? branch : new Expr.Cast(c.type(), branch, c.pos());
        }
        if (m instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR)) {
            boolean decides = b.op() == Expr.BinaryOp.COR; // the value that decides alone
            Boolean left = truth(b.left());
            Boolean right = truth(b.right());
            if (left != null) {
                return left == decides ? b.left() : b.right();
            }
            if (right != null && right != decides) {
                return b.left();
            }
        }
        return m;
    }

    /** A boolean constant's value, else null. */
    private static Boolean truth(Expr e) {
        return e instanceof Expr.Const c && c.value() instanceof Boolean b ? b : null;
    }
}
