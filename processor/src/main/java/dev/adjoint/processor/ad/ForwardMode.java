package dev.adjoint.processor.ad;

import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
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
 * Stage 6, differentiate: forward mode, once for {@code fTangent} and once more, over the
 * generated pullback, for second order.
 *
 * <p>Every {@code double} (and {@code double[]}) variable that carries a derivative gets a tangent
 * beside it ({@code _dz} for {@code z}); an input's tangent is the direction passed for it
 * ({@code dX}). Statement by statement, {@code v = e} gets {@code _dv = Σ_i ∂e/∂a_i·_da_i}, the
 * partials from the same registry reverse mode uses ({@link Rules}). A declaration's tangent comes
 * after it (it may read the new value, as {@code exp}'s does); an assignment's before it (it reads
 * the values before the assignment). Loops and branches stay as they are: tangents travel with the
 * values, so nothing is stored and loop-free code allocates nothing.
 *
 * <p>Over a pullback (forward over reverse) the value stack carries each double's tangent pushed
 * just below it; a call of another method's pullback becomes its {@code PullbackTangent}; a
 * user-supplied partial derivative its own {@code Tangent}. The tangent of {@code into} is then
 * seed·H·v (plus dSeed·∇f): the Hessian-vector product.
 */
public final class ForwardMode {

    private ForwardMode() {}

    /**
     * A differentiated body: {@code directions} holds, per input (in order), the variable of its
     * tangent; {@code dSeed} and {@code dInto} are the tangents of the pullback's {@code seed} and
     * {@code into} (null in first order).
     */
    public record Tangent(List<Var> directions, Var dSeed, Var dInto, List<Stmt> body, boolean allocationFree) {}

    /** The body of {@code fTangent}: the directional derivative of a normalized method. */
    public static Tangent tangent(MethodIr method, List<String> directionNames) {
        Run run = new Run(method);
        List<Var> directions = run.directions(directionNames);
        List<Stmt> body = run.run(method.body(), directions, Set.of());
        body = Cleanup.run(body);
        return new Tangent(directions, null, null, body, !Cleanup.allocates(body));
    }

    /**
     * The body of {@code fPullbackTangent}: forward mode on a pullback's body, the seed and the
     * gradient holder carrying tangents too.
     */
    public static Tangent pullbackTangent(MethodIr method, Var seed, Var into, List<Stmt> pullback,
            List<String> directionNames, String dSeedName, String dIntoName) {
        Run run = new Run(method);
        List<Var> directions = run.directions(directionNames);
        Var dSeed = new Var(dSeedName, JType.DOUBLE, Var.Role.FIXED);
        Var dInto = new Var(dIntoName, into.type, Var.Role.FIXED);
        run.tangents.put(seed, dSeed);
        run.tangents.put(into, dInto);
        List<Stmt> body = run.run(pullback, directions, Set.of(seed, into));
        body = Cleanup.run(body);
        return new Tangent(directions, dSeed, dInto, body, !Cleanup.allocates(body));
    }

    private static final class Run {
        private final MethodIr method;
        /** Variables (arrays and gradient holders as a whole) that carry a tangent. */
        private final Set<Var> varied = new HashSet<>();
        private final Map<Var, Var> tangents = new HashMap<>();
        /** Whether a double on the value stack carries a tangent (then every double pushed has one below it). */
        private boolean stackVaried;

        Run(MethodIr method) {
            this.method = method;
        }

        List<Var> directions(List<String> names) {
            List<Var> out = new ArrayList<>();
            int k = 0;
            for (MethodIr.Input input : method.inputs()) {
                if (input.wrt()) {
                    out.add(new Var(names.get(k++), input.var().type, Var.Role.FIXED));
                }
            }
            return out;
        }

        List<Stmt> run(List<Stmt> body, List<Var> directions, Set<Var> alsoVaried) {
            Set<Var> written = new HashSet<>();
            for (Stmt s : Stmts.all(body)) {
                if (s instanceof Stmt.ArrayWrite w && Exprs.var(w.array()) != null) {
                    written.add(Exprs.var(w.array()));
                }
            }
            List<Stmt> prologue = new ArrayList<>();
            int k = 0;
            for (MethodIr.Input input : method.inputs()) {
                if (!input.wrt()) {
                    continue;
                }
                Var var = input.var();
                Var direction = directions.get(k++);
                varied.add(var);
                if (var.type.isDoubleArray() && written.contains(var)) {
                    // the method writes to the array: its tangent is a copy of the direction, written alongside
                    Var copy = tangent(var);
                    prologue.add(new Stmt.Declare(copy, cloneOf(new Expr.Read(direction)), null, null));
                } else {
                    tangents.put(var, direction);
                }
            }
            varied.addAll(alsoVaried);
            analyse(body);
            for (MethodIr.Param p : method.params()) {
                Var var = p.var();
                boolean input = method.inputs().stream().anyMatch(i -> i.wrt() && i.var() == var);
                if (!input && varied.contains(var) && var.type.isDifferentiable()) {
                    // a parameter not differentiated that takes varied values later: its tangent starts at 0
                    prologue.add(new Stmt.Declare(tangent(var), zero(var), null, null));
                }
            }
            List<Stmt> out = new ArrayList<>(prologue);
            out.addAll(block(body));
            return out;
        }

        // ------------------------------------------------------------ which variables carry tangents

        /** A flow-insensitive fixpoint: a target is varied when a varied value reaches it. */
        private void analyse(List<Stmt> body) {
            List<Stmt> all = Stmts.all(body);
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Stmt s : all) {
                    Var target = null;
                    Expr value = null;
                    if (s instanceof Stmt.Declare d) {
                        target = d.var();
                        value = d.init();
                    } else if (s instanceof Stmt.Assign a) {
                        target = a.var();
                        value = a.value();
                    } else if (s instanceof Stmt.ArrayWrite w) {
                        target = location(w.array());
                        value = w.value();
                    } else if (s instanceof Stmt.Accumulate a) {
                        target = location(a.target());
                        value = a.delta();
                    } else if (s instanceof Stmt.Put p) {
                        target = location(p.target());
                        value = p.value();
                        if (value.type().isDoubleArray() && Exprs.var(value) != null && target != null
                                && varied.contains(target)) {
                            // a holder's array field is the caller's adjoint array: what a call adds to one it adds to the other
                            changed |= varied.add(Exprs.var(value));
                        }
                    } else if (s instanceof Stmt.Push p) {
                        if (p.value().type().isDouble() && isVaried(p.value()) && !stackVaried) {
                            stackVaried = true;
                            changed = true;
                        }
                    } else if (s instanceof Stmt.Eval e && e.expr() instanceof Expr.Pullback pb) {
                        if (pb.args().stream().anyMatch(this::isVaried) || isVaried(pb.seed())) {
                            // a varied argument or seed: the gradient holder gets varied values
                            changed |= varied.add(pb.holder());
                        }
                    }
                    if (target != null && value != null && isVaried(value)) {
                        changed |= varied.add(target);
                    }
                }
            }
        }

        /** The variable a write goes to: a local, the array of an element, the holder of a field. */
        private Var location(Expr target) {
            if (target instanceof Expr.Read r) {
                return r.var();
            }
            if (target instanceof Expr.ArrayRead a) {
                return location(a.array());
            }
            if (target instanceof Expr.FieldGet f) {
                return location(f.target());
            }
            return null;
        }

        private boolean isVaried(Expr e) {
            if (!e.type().isDifferentiable()) {
                return false;
            }
            if (e instanceof Expr.Read r) {
                return varied.contains(r.var());
            }
            if (e instanceof Expr.FieldGet f) {
                return location(f) != null && varied.contains(location(f));
            }
            if (e instanceof Expr.Pop) {
                return stackVaried;
            }
            if (e instanceof Expr.Call c && c.callee() instanceof Callee.PartialCall) {
                return c.args().stream().anyMatch(this::isVaried);
            }
            if (e instanceof Expr.Unary || e instanceof Expr.Binary || e instanceof Expr.Cond || e instanceof Expr.Cast
                    || e instanceof Expr.MathCall || e instanceof Expr.ArrayRead
                    || e instanceof Expr.Call c && (c.callee() instanceof Callee.Differentiable
                            || c.callee() instanceof Callee.Custom)) {
                for (Expr child : carried(e)) {
                    if (isVaried(child)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The sub-expressions a derivative flows out of into {@code e}. */
        private static List<Expr> carried(Expr e) {
            if (e instanceof Expr.Unary u) {
                return u.op() == Expr.UnaryOp.NEG || u.op() == Expr.UnaryOp.PLUS ? List.of(u.operand()) : List.of();
            }
            if (e instanceof Expr.Binary b) {
                return b.op().isArithmetic() && b.type().isDouble() ? List.of(b.left(), b.right()) : List.of();
            }
            if (e instanceof Expr.Cond c) {
                return List.of(c.then(), c.otherwise());
            }
            if (e instanceof Expr.Cast c) {
                return c.type().isDouble() ? List.of(c.operand()) : List.of();
            }
            if (e instanceof Expr.MathCall m) {
                return m.function().piecewiseConstant ? List.of() : m.args();
            }
            if (e instanceof Expr.ArrayRead a) {
                return List.of(a.array());
            }
            if (e instanceof Expr.Call c) {
                return c.args();
            }
            return List.of();
        }

        // ------------------------------------------------------------ statements

        private List<Stmt> block(List<Stmt> stmts) {
            List<Stmt> out = new ArrayList<>();
            for (Stmt s : stmts) {
                statement(s, out);
            }
            return out;
        }

        private void statement(Stmt s, List<Stmt> out) {
            if (s instanceof Stmt.If f) {
                out.add(new Stmt.If(f.condition(), block(f.then()), block(f.otherwise()), f.pos(), f.source()));
            } else if (s instanceof Stmt.Loop l) {
                // init, head and update of a loop are int and boolean bookkeeping: they carry no tangent
                out.add(new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), block(l.body()),
                        l.doWhile(), l.pos(), l.source()));
            } else if (s instanceof Stmt.Block b) {
                out.add(new Stmt.Block(b.label(), block(b.body())));
            } else if (s instanceof Stmt.Return r && r.value() != null && r.value().type().isDoubleArray()) {
                out.add(new Stmt.Return(arrayTangent(r.value(), null), r.pos(), r.source())); // J·v
            } else if (s instanceof Stmt.Return r && r.value() != null) {
                Pair v = lower(r.value(), out, null);
                out.add(new Stmt.Return(orZero(v.tangent), r.pos(), r.source()));
            } else if (s instanceof Stmt.Declare d) {
                declare(d, out);
            } else if (s instanceof Stmt.Assign a) {
                assign(a, out);
            } else if (s instanceof Stmt.ArrayWrite w) {
                arrayWrite(w, out);
            } else if (s instanceof Stmt.Accumulate a) {
                Pair delta = lower(a.delta(), out, null);
                if (delta.tangent != null && location(a.target()) != null && varied.contains(location(a.target()))) {
                    out.add(new Stmt.Accumulate(tangentOfTarget(a.target()), delta.tangent));
                }
                out.add(new Stmt.Accumulate(a.target(), delta.value));
            } else if (s instanceof Stmt.Put p) {
                put(p, out);
            } else if (s instanceof Stmt.Push p) {
                push(p, out);
            } else if (s instanceof Stmt.Eval e) {
                eval(e, out);
            } else {
                out.add(s); // throw, comment
            }
        }

        private void declare(Stmt.Declare d, List<Stmt> out) {
            Var v = d.var();
            if (!varied.contains(v)) {
                out.add(d.init() == null ? d : new Stmt.Declare(v, lower(d.init(), out, null).value, d.pos(), d.source()));
                return;
            }
            if (v.type.isDouble() && d.init() instanceof Expr.Pop) {
                // the value is on top, its tangent below it
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), new Expr.Pop(JType.DOUBLE), null, null));
            } else if (v.type.isDouble()) {
                // the new variable holds the result a rule reads: its tangent comes right after it
                Pair init = d.init() == null ? null : lower(d.init(), out, v);
                out.add(init == null ? d : new Stmt.Declare(v, init.value, d.pos(), d.source()));
                out.add(new Stmt.Declare(tangent(v), init == null ? Algebra.lit(0) : orZero(init.tangent), null, null));
            } else if (v.type.isDoubleArray()) {
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), d.init() == null ? null : arrayTangent(d.init(), v), null, null));
            } else {
                // a gradient holder of a call: its tangent is a holder of the same class
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), new Expr.New(v.type, List.of(), null), null, null));
            }
        }

        private void assign(Stmt.Assign a, List<Stmt> out) {
            Var v = a.var();
            if (!varied.contains(v) || !v.type.isDouble()) {
                out.add(new Stmt.Assign(v, lower(a.value(), out, null).value, a.pos(), a.source()));
                if (varied.contains(v)) {
                    out.add(new Stmt.Assign(tangent(v), arrayTangent(a.value(), v), null, null));
                }
                return;
            }
            if (a.value() instanceof Expr.Pop) {
                out.add(a);
                out.add(new Stmt.Assign(tangent(v), new Expr.Pop(JType.DOUBLE), null, null));
                return;
            }
            Expr increment = increment(a.value(), new Expr.Read(v), v);
            if (increment != null) {
                // v += e: v's tangent gets e's
                Expr.Binary b = (Expr.Binary) a.value();
                Pair e = lower(increment, out, null);
                if (e.tangent != null) {
                    out.add(new Stmt.Accumulate(new Expr.Read(tangent(v)),
                            b.op() == Expr.BinaryOp.SUB ? Algebra.neg(e.tangent) : e.tangent));
                }
                out.add(new Stmt.Assign(v, new Expr.Binary(b.op(), b.left(), e.value, b.type(), b.pos()), a.pos(),
                        a.source()));
                return;
            }
            Pair value = lower(a.value(), out, null);
            out.add(new Stmt.Assign(tangent(v), orZero(value.tangent), null, null));
            out.add(new Stmt.Assign(v, value.value, a.pos(), a.source()));
        }

        private void arrayWrite(Stmt.ArrayWrite w, List<Stmt> out) {
            Var array = Exprs.var(w.array());
            if (array == null || !varied.contains(array)) {
                out.add(new Stmt.ArrayWrite(w.array(), w.index(), lower(w.value(), out, null).value, w.pos(), w.source()));
                return;
            }
            Expr element = new Expr.ArrayRead(arrayTangent(w.array(), null), w.index(), JType.DOUBLE, null);
            Expr self = new Expr.ArrayRead(w.array(), w.index(), JType.DOUBLE, null);
            Expr increment = increment(w.value(), self, array);
            if (increment != null) {
                Expr.Binary b = (Expr.Binary) w.value();
                Pair e = lower(increment, out, null);
                if (e.tangent != null) {
                    out.add(new Stmt.Accumulate(element, b.op() == Expr.BinaryOp.SUB ? Algebra.neg(e.tangent) : e.tangent));
                }
                out.add(new Stmt.ArrayWrite(w.array(), w.index(), new Expr.Binary(b.op(), b.left(), e.value, b.type(),
                        b.pos()), w.pos(), w.source()));
                return;
            }
            Pair v = lower(w.value(), out, null);
            out.add(new Stmt.Put(element, orZero(v.tangent)));
            out.add(new Stmt.ArrayWrite(w.array(), w.index(), v.value, w.pos(), w.source()));
        }

        private void put(Stmt.Put p, List<Stmt> out) {
            Var location = location(p.target());
            boolean carries = location != null && varied.contains(location) && p.target().type().isDifferentiable();
            if (p.value().type().isDoubleArray()) {
                out.add(p);
                if (carries) {
                    out.add(new Stmt.Put(tangentOfTarget(p.target()), arrayTangent(p.value(), null)));
                }
                return;
            }
            Pair v = lower(p.value(), out, null);
            if (carries) {
                out.add(new Stmt.Put(tangentOfTarget(p.target()), orZero(v.tangent)));
            }
            out.add(new Stmt.Put(p.target(), v.value));
        }

        private void push(Stmt.Push p, List<Stmt> out) {
            if (p.value().type().isDouble() && stackVaried) {
                // the tangent goes below the value: pops take the value, then its tangent
                Pair v = lower(p.value(), out, null);
                out.add(new Stmt.Push(orZero(v.tangent)));
                out.add(new Stmt.Push(v.value));
                return;
            }
            out.add(p);
        }

        private void eval(Stmt.Eval e, List<Stmt> out) {
            if (!(e.expr() instanceof Expr.Pullback pb) || !varied.contains(pb.holder())) {
                out.add(e); // a call for its effect
                return;
            }
            // callee's pullback → its PullbackTangent: arguments, their tangents, seed, its tangent, holder, its tangent
            Callee.Differentiable callee = pb.callee();
            List<Pair> callArgs = new ArrayList<>();
            for (Expr arg : pb.args()) {
                callArgs.add(lower(arg, out, null)); // variables already: the pullback reads them again
            }
            List<Expr> args = values(callArgs);
            args.addAll(directionsOf(callee.gradientFields(), callArgs));
            Pair seed = lower(pb.seed(), out, null);
            args.add(seed.value);
            args.add(orZero(seed.tangent));
            args.add(new Expr.Read(pb.holder()));
            args.add(new Expr.Read(tangent(pb.holder())));
            ClassRef owner = callee.sameBuild() ? Naming.implOf(callee.adjoint()) : callee.adjoint();
            out.add(new Stmt.Eval(new Expr.Call(new Callee.Generated(owner, Naming.pullbackTangent(callee.name())), null,
                    args, JType.DOUBLE, null), null, null));
        }

        // ------------------------------------------------------------ expressions

        /** An expression's value (rewritten to read temporaries) and its tangent (null when 0). */
        private record Pair(Expr value, Expr tangent) {}

        /**
         * Rewrites {@code e} so that every value a partial reads is a variable (temporaries go to
         * {@code out}), and builds its tangent. {@code holder}, when given, is the variable that
         * will hold {@code e}'s value, declared just before the tangent is.
         */
        private Pair lower(Expr e, List<Stmt> out, Var holder) {
            if (!isVaried(e)) {
                return new Pair(e, null);
            }
            if (e instanceof Expr.Read r) {
                return new Pair(r, new Expr.Read(tangent(r.var())));
            }
            if (e instanceof Expr.ArrayRead a) {
                return new Pair(a, new Expr.ArrayRead(arrayTangent(a.array(), null), a.index(), JType.DOUBLE, null));
            }
            if (e instanceof Expr.FieldGet f) {
                return new Pair(f, tangentOfTarget(f));
            }
            if (e instanceof Expr.Pop) {
                // the value is on top, its tangent below it
                Var value = (Var) hoist(e, out);
                Var t = tangent(value);
                out.add(new Stmt.Declare(t, new Expr.Pop(JType.DOUBLE), null, null));
                return new Pair(new Expr.Read(value), new Expr.Read(t));
            }
            if (e instanceof Expr.Cast c) {
                Pair operand = lower(c.operand(), out, null);
                return new Pair(new Expr.Cast(c.type(), operand.value, c.pos()), operand.tangent);
            }
            if (e instanceof Expr.Cond c) {
                Pair then = lower(c.then(), out, null);
                Pair otherwise = lower(c.otherwise(), out, null);
                return new Pair(new Expr.Cond(c.condition(), then.value, otherwise.value, c.type(), c.pos()),
                        then.tangent == null && otherwise.tangent == null ? null
                                : Algebra.choose(c.condition(), orZero(then.tangent), orZero(otherwise.tangent)));
            }
            if (e instanceof Expr.Call c && c.callee() instanceof Callee.Differentiable d) {
                // the callee's value from itself, its tangent from its generated Tangent
                List<Pair> pairs = atoms(c.args(), out);
                List<Expr> args = values(pairs);
                List<Expr> tangentArgs = new ArrayList<>(args);
                tangentArgs.addAll(directionsOf(d.gradientFields(), pairs));
                // an instance method of another object: the implementation's variant whose receiver is data; a
                // private one calling itself, its value from the implementation's copy: the implementation's
                // tangent too (public there, where the facade's may be package-private in another package)
                ClassRef tangentOwner = d.instance() ? Naming.implClass(d.owner())
                        : d.hidden() ? Naming.implOf(d.adjoint()) : d.adjoint();
                return new Pair(new Expr.Call(d, null, args, c.type(), c.pos()), new Expr.Call(new Callee.Generated(
                        tangentOwner, Naming.tangent(d.name())), null, tangentArgs, JType.DOUBLE, null));
            }
            if (e instanceof Expr.Call c && c.callee() instanceof Callee.Custom custom) {
                // Σ_i ∂f/∂a_i · da_i with the user's partials
                List<Pair> pairs = atoms(c.args(), out);
                List<Expr> args = values(pairs);
                Expr sum = null;
                for (int i = 0; i < args.size(); i++) {
                    Expr t = pairs.get(i).tangent;
                    if (t != null) {
                        sum = plus(sum, Algebra.mul(Rules.partial(custom, i, c.receiver(), args), t));
                    }
                }
                return new Pair(new Expr.Call(custom, c.receiver(), args, c.type(), c.pos()), sum);
            }
            if (e instanceof Expr.Call c && c.callee() instanceof Callee.PartialCall p) {
                // a user's partial derivative in a pullback: its own tangent (it is @Differentiable)
                List<Pair> pairs = atoms(c.args(), out);
                List<Expr> args = values(pairs);
                List<Expr> tangentArgs = new ArrayList<>(args);
                for (int i = 0; i < pairs.size(); i++) {
                    if (p.parameterTypes().get(i).isDouble()) {
                        tangentArgs.add(orZero(pairs.get(i).tangent));
                    }
                }
                return new Pair(new Expr.Call(p, null, args, c.type(), c.pos()), new Expr.Call(new Callee.Generated(
                        Naming.adjointClass(p.partial().owner()), Naming.tangent(p.partial().name())), null,
                        tangentArgs, JType.DOUBLE, null));
            }
            // an operation with a rule: Σ_i ∂y/∂a_i · da_i
            List<Expr> children = Rules.operands(e);
            List<Pair> lowered = new ArrayList<>();
            boolean[] variedArgs = new boolean[children.size()];
            for (int i = 0; i < children.size(); i++) {
                lowered.add(lower(children.get(i), out, null));
                variedArgs[i] = lowered.get(i).tangent != null;
            }
            Rules.Needs needs = Rules.needs(Rules.operator(e), variedArgs);
            List<Expr> values = new ArrayList<>();
            for (int i = 0; i < lowered.size(); i++) {
                Expr v = lowered.get(i).value;
                values.add(needs.args()[i] && !Exprs.isAtom(v) ? new Expr.Read((Var) hoist(v, out)) : v);
            }
            Expr node = Exprs.rebuild(e, values);
            Expr y = node;
            if (needs.result()) {
                y = holder != null ? new Expr.Read(holder) : new Expr.Read((Var) hoist(node, out));
            }
            List<Expr> tangents = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                tangents.add(variedArgs[i] ? lowered.get(i).tangent : null);
            }
            Expr sum = Rules.tangent(node, y, tangents);
            return new Pair(needs.result() && holder == null ? y : node, sum);
        }

        /**
         * The directions to pass a callee's {@code Tangent}: per parameter it differentiates, the
         * argument's tangent, or zero ({@code 0.0}, a new array) when the argument carries none.
         */
        private List<Expr> directionsOf(List<String> fields, List<Pair> args) {
            List<Expr> directions = new ArrayList<>();
            for (int k = 0; k < args.size(); k++) {
                Expr arg = args.get(k).value;
                if (fields.get(k) == null) {
                    continue;
                }
                if (arg.type().isDoubleArray()) {
                    directions.add(isVaried(arg) ? arrayTangent(arg, null)
                            : new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(new Expr.Length(arg, null)), null));
                } else {
                    directions.add(orZero(args.get(k).tangent));
                }
            }
            return directions;
        }

        /** Arguments read twice (by the call and by its tangent) as variables or constants, with their tangents. */
        private List<Pair> atoms(List<Expr> args, List<Stmt> out) {
            List<Pair> lowered = new ArrayList<>();
            for (Expr arg : args) {
                Pair a = lower(arg, out, null);
                if (Exprs.isAtom(a.value)) {
                    lowered.add(a);
                    continue;
                }
                Var temp = (Var) hoist(a.value, out);
                if (a.tangent == null) {
                    lowered.add(new Pair(new Expr.Read(temp), null));
                } else {
                    Var t = tangent(temp);
                    out.add(new Stmt.Declare(t, a.tangent, null, null));
                    lowered.add(new Pair(new Expr.Read(temp), new Expr.Read(t)));
                }
            }
            return lowered;
        }

        private static List<Expr> values(List<Pair> pairs) {
            List<Expr> out = new ArrayList<>();
            pairs.forEach(p -> out.add(p.value));
            return out;
        }

        /** Moves {@code e} into a new temporary declared in {@code out}; returns the variable. */
        private Object hoist(Expr e, List<Stmt> out) {
            if (e instanceof Expr.Read r) {
                return r.var();
            }
            Var temp = new Var("_t", e.type(), Var.Role.TEMP);
            out.add(new Stmt.Declare(temp, e, null, null));
            return temp;
        }

        // ------------------------------------------------------------ tangents of variables

        private Var tangent(Var var) {
            return tangents.computeIfAbsent(var, v -> new Var("_d", v.type, Var.Role.TANGENT, v));
        }

        /** The tangent of a write target or field: {@code _dv}, {@code _da[i]}, {@code dInto.x}. */
        private Expr tangentOfTarget(Expr target) {
            if (target instanceof Expr.Read r) {
                return new Expr.Read(tangent(r.var()));
            }
            if (target instanceof Expr.ArrayRead a) {
                return new Expr.ArrayRead(arrayTangent(a.array(), null), a.index(), a.type(), null);
            }
            Expr.FieldGet f = (Expr.FieldGet) target;
            return new Expr.FieldGet(tangentOfTarget(f.target()), f.owner(), f.name(), f.type(), f.hidden(), null);
        }

        /**
         * The tangent of an array-valued expression: the tangent array of a variable or field, a
         * new zero array of {@code owner}'s (or its own) length for an array that carries none.
         */
        private Expr arrayTangent(Expr array, Var owner) {
            if (array instanceof Expr.Const c && c.value() == null) {
                return c; // no array yet (double[] _t9 = null, kept for a later branch): no tangent array yet either
            }
            if (array instanceof Expr.Read r && varied.contains(r.var())) {
                return new Expr.Read(tangent(r.var()));
            }
            if (array instanceof Expr.FieldGet f && isVaried(f)) {
                return tangentOfTarget(f);
            }
            Expr length = new Expr.Length(owner != null ? new Expr.Read(owner) : array, null);
            if (array instanceof Expr.NewArray n) {
                length = n.dimensions().get(0);
            }
            return new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(length), null);
        }

        private static Expr zero(Var var) {
            return var.type.isDoubleArray()
                    ? new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(new Expr.Length(new Expr.Read(var), null)), null)
                    : Algebra.lit(0);
        }

        private static Expr orZero(Expr tangent) {
            return tangent != null ? tangent : Algebra.lit(0);
        }

        /** {@code a + b}, written {@code a - c} when b is {@code -c}; a may be null (nothing yet). */
        private static Expr plus(Expr a, Expr b) {
            return a == null ? b : Algebra.add(a, b);
        }

        /** For {@code v + e} or {@code v - e} where e does not read v: e; else null. */
        private static Expr increment(Expr value, Expr self, Var v) {
            if (value instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
                    && b.type().isDouble() && same(b.left(), self) && !Exprs.readsVar(b.right(), v)) {
                return b.right();
            }
            return null;
        }

        private static boolean same(Expr a, Expr b) {
            if (a instanceof Expr.Read x && b instanceof Expr.Read y) {
                return x.var() == y.var();
            }
            if (a instanceof Expr.ArrayRead x && b instanceof Expr.ArrayRead y) {
                return same(x.array(), y.array()) && x.index().equals(y.index());
            }
            return false;
        }

        private static Expr cloneOf(Expr array) {
            return new Expr.Call(new Callee.Opaque(ClassRef.of("java.lang", "Object"), "clone", List.of(),
                    JType.DOUBLE_ARRAY, false, false, true), array, List.of(), JType.DOUBLE_ARRAY, null);
        }
    }
}
