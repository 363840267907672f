package dev.adjoint.processor.ad;

import dev.adjoint.Differentiable;
import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Local;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.validate.MethodValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Stage 3, differentiate: forward mode on the IR, once for first order and once more for second.
 *
 * <p>Every {@code double} (and {@code double[]}) variable that depends on a differentiated value
 * gets a tangent beside it, named {@code _d} + its name ({@code _dz} for {@code z}, {@code _d_t1}
 * for a temporary {@code _t1}); a parameter's tangent is the direction passed for it ({@code dX}).
 * Statement by statement, {@code v = e} gets {@code _dv = Σ_i ∂e/∂a_i · _da_i}, the partials
 * taken from the one table, {@link DerivativeRules}: the same rules reverse mode multiplies by
 * adjoints are here multiplied by tangents. A declaration is followed by its tangent (which may
 * read the new value, as {@code exp}'s does); an assignment is preceded by it (the tangent reads
 * the values before the assignment). Loops and branches stay as they are: tangents travel with
 * the values, so nothing is stored and loop-free code allocates nothing.
 *
 * <ul>
 *   <li>{@link #tangent} works on the user's {@link Normalize normalized} method: the body of
 *       {@code fTangent}, which returns the directional derivative Σ_p ∂f/∂p · dP only.</li>
 *   <li>{@link #pullbackTangent} works on the generated pullback (forward-over-reverse): the body
 *       of {@code fPullbackTangent}, whose tangent of {@code into} is seed·H·v (plus
 *       dSeed·∇f), the Hessian-vector product. The pullback's value stack carries each double's
 *       tangent pushed just below it; a call of another method's pullback becomes a call of its
 *       {@code PullbackTangent}, a user-supplied partial derivative a call of its own
 *       {@code Tangent} (so it must be {@code @Differentiable} itself).</li>
 * </ul>
 */
public final class ForwardMode {

    private static final String POP_DOUBLE = "popDouble";

    private final ErrorReporter reporter;

    public ForwardMode(ErrorReporter reporter) {
        this.reporter = reporter;
    }

    /**
     * A differentiated body: {@code directions} names, per differentiated parameter (in order),
     * the parameter holding its tangent; {@code dSeed} and {@code dInto} are the tangents of the
     * pullback's {@code seed} and {@code into} (null in first order).
     */
    public record Tangent(MethodIr method, List<String> directions, String dSeed, String dInto, List<Stmt> body,
            boolean allocationFree) {}

    /** Why a method gets no second-order members: reported as a note at {@code position}. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final transient Position position;

        Refused(Position position, String message) {
            super(message, null, false, false);
            this.position = position;
        }
    }

    /** The body of {@code fTangent}: the directional derivative of {@code method}. */
    public Tangent tangent(MethodIr method) {
        Names names = new Names(method.userNames());
        List<String> directions = directions(method, names);
        List<Stmt> body = new Normalize(names, reporter, method.position()).run(method.body());
        Run run = new Run(method, names, Map.of());
        List<Stmt> out = run.run(body, directions, List.of());
        return new Tangent(method, directions, null, null, out, !Exprs.allocates(out));
    }

    /**
     * The body of {@code fPullbackTangent}: forward mode on {@code pullback}'s body, the seed and
     * the gradient holder carrying tangents too.
     *
     * @throws Refused when the pullback contains what this cannot differentiate again
     */
    public Tangent pullbackTangent(Pullback pullback) {
        MethodIr method = pullback.method();
        if (pullback.body().get(pullback.body().size() - 1) instanceof Stmt.Return r && r.value().type().isDoubleArray()) {
            throw new Refused(method.position(), "no second-order members for " + method.name() + ": it returns "
                    + "double[]; second order is built for scalar outputs (differentiate one output at a time)");
        }
        if (!pullback.writtenArrays().isEmpty()) {
            throw new Refused(method.position(), "no second-order members for " + method.name() + ": it writes to its "
                    + "array parameter " + pullback.writtenArrays().get(0) + "; write into a local array instead");
        }
        Set<String> taken = new HashSet<>(method.userNames());
        taken.add(pullback.seed());
        taken.add(pullback.into());
        Stmts.forEachExpr(pullback.body(), e -> Activity.locals(e, l -> taken.add(l.name())));
        Stmts.forEach(pullback.body(), s -> {
            if (s instanceof Stmt.Declare d) {
                taken.add(d.var().name());
            }
        });
        Names names = new Names(taken);
        List<String> directions = directions(method, names);
        String dSeed = names.fresh("d" + MethodValidator.capitalize(pullback.seed()));
        String dInto = names.fresh("d" + MethodValidator.capitalize(pullback.into()));
        Run run = new Run(method, names, pullback.sites());
        run.tangents.put(pullback.seed(), new Local(dSeed, JType.DOUBLE));
        run.tangents.put(pullback.into(), new Local(dInto, JType.DOUBLE));
        List<Stmt> out = run.run(pullback.body(), directions, List.of(pullback.seed(), pullback.into()));
        return new Tangent(method, directions, dSeed, dInto, out, !Exprs.allocates(out));
    }

    /** {@code dX} for a differentiated parameter {@code x}, hygienic. */
    private static List<String> directions(MethodIr method, Names names) {
        List<String> out = new ArrayList<>();
        for (MethodIr.Param p : method.params()) {
            if (p.wrt()) {
                out.add(names.fresh("d" + MethodValidator.capitalize(p.name())));
            }
        }
        return out;
    }

    private final class Run {
        private final MethodIr method;
        private final Names names;
        private final Map<Expr.Apply, Pullback.Site> sites;
        /** Variables (arrays and gradient holders as a whole) that carry a tangent. */
        private final Set<String> varied = new HashSet<>();
        private final Map<String, Local> tangents = new LinkedHashMap<>();
        /** Whether a double on the value stack carries a tangent (then every double pushed has one below it). */
        private boolean stackVaried;

        Run(MethodIr method, Names names, Map<Expr.Apply, Pullback.Site> sites) {
            this.method = method;
            this.names = names;
            this.sites = sites;
        }

        List<Stmt> run(List<Stmt> body, List<String> directions, List<String> alsoVaried) {
            int k = 0;
            Set<String> written = new HashSet<>();
            Stmts.forEach(body, s -> {
                if (s instanceof Stmt.ArrayWrite w && w.array() instanceof Local a) {
                    written.add(a.name());
                }
            });
            List<Stmt> prologue = new ArrayList<>();
            for (MethodIr.Param p : method.params()) {
                if (p.wrt()) {
                    varied.add(p.name());
                    Local direction = new Local(directions.get(k++), p.type());
                    if (p.type().isDoubleArray() && written.contains(p.name())) {
                        // the method writes to the array: its tangent is a copy of the direction, written alongside
                        Local copy = tangent(new Local(p.name(), p.type()));
                        prologue.add(new Stmt.Declare(copy, new Expr.Apply(direction, null, "clone", List.of(),
                                JType.DOUBLE_ARRAY), null, null));
                    } else {
                        tangents.put(p.name(), direction);
                    }
                }
            }
            varied.addAll(alsoVaried);
            analyse(body);
            for (MethodIr.Param p : method.params()) {
                Local var = new Local(p.name(), p.type());
                if (!p.wrt() && varied.contains(p.name()) && p.type().isDifferentiable()) {
                    // a parameter not differentiated that takes varied values later: its tangent starts at 0
                    prologue.add(new Stmt.Declare(tangent(var), zero(var), null, null));
                }
            }
            List<Stmt> out = new ArrayList<>(prologue);
            out.addAll(block(body));
            return out;
        }

        // ------------------------------------------------------------ which variables carry tangents

        /** A flow-insensitive fixpoint, like {@link Activity}'s: a target is varied when a varied value reaches it. */
        private void analyse(List<Stmt> body) {
            List<Stmt> all = new ArrayList<>();
            Stmts.forEach(body, all::add);
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Stmt s : all) {
                    String target = null;
                    Expr value = null;
                    if (s instanceof Stmt.Declare d) {
                        target = d.var().name();
                        value = d.init();
                    } else if (s instanceof Stmt.Assign a) {
                        target = a.var().name();
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
                        if (value.type().isDoubleArray() && value instanceof Local array && varied.contains(target)) {
                            // a holder's array field is the caller's adjoint array: what a call adds to one it adds to the other
                            changed |= varied.add(array.name());
                        }
                    } else if (s instanceof Stmt.Eval e && e.expr() instanceof Expr.Apply a) {
                        if (isPush(a) && a.args().get(0).type().isDouble() && isVaried(a.args().get(0)) && !stackVaried) {
                            stackVaried = true;
                            changed = true;
                        }
                        Pullback.Site site = sites.get(a);
                        if (site != null && site.call() != null && a.args().stream().anyMatch(this::isVaried)) {
                            // a varied argument or seed: the gradient holder gets varied values
                            changed |= varied.add(location(a.args().get(a.args().size() - 1)));
                        }
                    }
                    if (target != null && value != null && isVaried(value)) {
                        changed |= varied.add(target);
                    }
                }
            }
        }

        /** The variable a write goes to: a local, the array of an element, the holder of a field. */
        private String location(Expr target) {
            if (target instanceof Local l) {
                return l.name();
            }
            if (target instanceof Expr.ArrayRead a) {
                return location(a.array());
            }
            if (target instanceof Expr.FieldRead f) {
                return location(f.target());
            }
            return null;
        }

        private boolean isVaried(Expr e) {
            return Activity.carries(e, leaf -> {
                if (leaf instanceof Local || leaf instanceof Expr.FieldRead) {
                    return location(leaf) != null && varied.contains(location(leaf));
                }
                if (leaf instanceof Expr.Apply a) {
                    if (isPop(a)) {
                        return stackVaried;
                    }
                    Pullback.Site site = sites.get(a);
                    return site != null && site.partial() != null && a.args().stream().anyMatch(this::isVaried);
                }
                return false;
            });
        }

        private boolean isPush(Expr.Apply a) {
            return a.receiver() != null && a.method().equals("push");
        }

        /** A value taken from the stack as it is: its tangent is the next one down. */
        private boolean isPopped(Expr e) {
            return e instanceof Expr.Apply a && isPop(a) && stackVaried;
        }

        private boolean isPop(Expr.Apply a) {
            return a.receiver() != null && a.method().equals(POP_DOUBLE);
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
                out.add(new Stmt.If(f.condition(), block(f.then()), block(f.otherwise()), f.position(), f.source()));
            } else if (s instanceof Stmt.Loop l) {
                // init and update of a loop are int bookkeeping: they carry no tangent
                out.add(new Stmt.Loop(l.label(), l.init(), l.condition(), l.update(), block(l.body()), l.doWhile(),
                        l.position(), l.source()));
            } else if (s instanceof Stmt.Block b) {
                out.add(new Stmt.Block(block(b.body())));
            } else if (s instanceof Stmt.Return r && r.value().type().isDoubleArray()) {
                out.add(new Stmt.Return(arrayTangent(r.value(), null), r.position(), r.source())); // J·v
            } else if (s instanceof Stmt.Return r) {
                Pair v = lower(r.value(), out, null, false);
                out.add(new Stmt.Return(orZero(v.tangent), r.position(), r.source()));
            } else if (s instanceof Stmt.Declare d) {
                declare(d, out);
            } else if (s instanceof Stmt.Assign a) {
                assign(a, out);
            } else if (s instanceof Stmt.ArrayWrite w) {
                arrayWrite(w, out);
            } else if (s instanceof Stmt.Accumulate a) {
                Pair delta = lower(a.delta(), out, null, false);
                if (delta.tangent != null && varied.contains(location(a.target()))) {
                    out.add(new Stmt.Accumulate(tangentOfTarget(a.target()), delta.tangent));
                }
                out.add(new Stmt.Accumulate(a.target(), delta.value));
            } else if (s instanceof Stmt.Put p) {
                put(p, out);
            } else if (s instanceof Stmt.Eval e) {
                eval(e, out);
            } else {
                out.add(s); // throw, comment
            }
        }

        private void declare(Stmt.Declare d, List<Stmt> out) {
            Local v = d.var();
            if (!varied.contains(v.name())) {
                out.add(d.init() == null ? d : new Stmt.Declare(v, lower(d.init(), out, null, false).value, d.position(),
                        d.source()));
                return;
            }
            if (v.type().isDouble() && isPopped(d.init())) {
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), d.init(), null, null));
            } else if (v.type().isDouble()) {
                // the new variable holds the result a rule reads: its tangent comes right after it
                Pair init = d.init() == null ? null : lower(d.init(), out, v, false);
                out.add(init == null ? d : new Stmt.Declare(v, init.value, d.position(), d.source()));
                out.add(new Stmt.Declare(tangent(v), init == null ? Build.lit(0) : orZero(init.tangent), null, null));
            } else if (v.type().isDoubleArray()) {
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), d.init() == null ? null : arrayTangent(d.init(), v), null, null));
            } else {
                // a gradient holder of a call: its tangent is a holder of the same class
                out.add(d);
                out.add(new Stmt.Declare(tangent(v), new Expr.Apply(null, v.type().generated(), "new", List.of(), v.type()),
                        null, null));
            }
        }

        private void assign(Stmt.Assign a, List<Stmt> out) {
            Local v = a.var();
            if (!varied.contains(v.name()) || !v.type().isDouble()) {
                out.add(new Stmt.Assign(v, lower(a.value(), out, null, false).value, a.position(), a.source()));
                if (varied.contains(v.name())) {
                    out.add(new Stmt.Assign(tangent(v), arrayTangent(a.value(), v), null, null));
                }
                return;
            }
            if (isPopped(a.value())) {
                out.add(a);
                out.add(new Stmt.Assign(tangent(v), a.value(), null, null));
                return;
            }
            Expr increment = increment(a.value(), v);
            if (increment != null) {
                // v += e: v's tangent gets e's
                Expr.Binary b = (Expr.Binary) a.value();
                Pair e = lower(increment, out, null, false);
                if (e.tangent != null) {
                    out.add(new Stmt.Accumulate(tangent(v), b.op() == Expr.BinaryOp.SUB ? Build.neg(e.tangent) : e.tangent));
                }
                out.add(new Stmt.Assign(v, new Expr.Binary(b.op(), v, e.value, b.type()), a.position(), a.source()));
                return;
            }
            Pair value = lower(a.value(), out, null, false);
            out.add(new Stmt.Assign(tangent(v), orZero(value.tangent), null, null));
            out.add(new Stmt.Assign(v, value.value, a.position(), a.source()));
        }

        private void arrayWrite(Stmt.ArrayWrite w, List<Stmt> out) {
            Local array = (Local) w.array();
            Expr index = Exprs.isIndex(w.index()) ? w.index() : hoist(w.index(), JType.INT, out, false);
            Expr self = new Expr.ArrayRead(array, index, JType.DOUBLE);
            if (!varied.contains(array.name())) {
                out.add(new Stmt.ArrayWrite(array, index, lower(w.value(), out, null, false).value, w.position(), w.source()));
                return;
            }
            Expr element = new Expr.ArrayRead(tangent(array), index, JType.DOUBLE);
            Expr value = w.value();
            if (value instanceof Expr.Binary b && b.type().isDouble() && (b.op() == Expr.BinaryOp.ADD
                    || b.op() == Expr.BinaryOp.SUB) && b.left().equals(new Expr.ArrayRead(array, w.index(), JType.DOUBLE))
                    && !mentions(b.right(), array.name())) {
                Pair e = lower(b.right(), out, null, false);
                if (e.tangent != null) {
                    out.add(new Stmt.Accumulate(element, b.op() == Expr.BinaryOp.SUB ? Build.neg(e.tangent) : e.tangent));
                }
                out.add(new Stmt.ArrayWrite(array, index, new Expr.Binary(b.op(), self, e.value, b.type()), w.position(),
                        w.source()));
                return;
            }
            Pair v = lower(value, out, null, false);
            out.add(new Stmt.Put(element, orZero(v.tangent)));
            out.add(new Stmt.ArrayWrite(array, index, v.value, w.position(), w.source()));
        }

        private void put(Stmt.Put p, List<Stmt> out) {
            boolean carries = varied.contains(location(p.target())) && p.target().type().isDifferentiable();
            if (p.value().type().isDoubleArray()) {
                out.add(p);
                if (carries) {
                    out.add(new Stmt.Put(tangentOfTarget(p.target()), arrayTangent(p.value(), null)));
                }
                return;
            }
            Pair v = lower(p.value(), out, null, false);
            if (carries) {
                out.add(new Stmt.Put(tangentOfTarget(p.target()), orZero(v.tangent)));
            }
            out.add(new Stmt.Put(p.target(), v.value));
        }

        private void eval(Stmt.Eval e, List<Stmt> out) {
            if (!(e.expr() instanceof Expr.Apply a)) {
                out.add(e); // a call for its effect: its value is dropped
                return;
            }
            if (isPush(a) && a.args().get(0).type().isDouble() && stackVaried) {
                // the tangent goes below the value: pops take the value, then its tangent
                Pair v = lower(a.args().get(0), out, null, false);
                out.add(new Stmt.Eval(new Expr.Apply(a.receiver(), null, "push", List.of(orZero(v.tangent)), a.type()),
                        null, null));
                out.add(new Stmt.Eval(new Expr.Apply(a.receiver(), null, "push", List.of(v.value), a.type()), null, null));
                return;
            }
            Pullback.Site site = sites.get(a);
            Expr holder = site == null ? null : a.args().get(a.args().size() - 1);
            if (site == null || site.call() == null || !varied.contains(location(holder))) {
                out.add(e);
                return;
            }
            // callee's pullback → its PullbackTangent: arguments, their tangents, seed, its tangent, holder, its tangent
            Expr.DiffCall call = site.call();
            List<Pair> callArgs = new ArrayList<>();
            for (Expr arg : a.args().subList(0, a.args().size() - 2)) {
                callArgs.add(lower(arg, out, null, false)); // atoms already: the pullback reads them again
            }
            List<Expr> args = values(callArgs);
            args.addAll(directionsOf(call.method(), call.gradientFields(), callArgs, site.position()));
            Pair seed = lower(a.args().get(a.args().size() - 2), out, null, false);
            args.add(seed.value);
            args.add(orZero(seed.tangent));
            args.add(holder);
            args.add(tangent((Local) holder));
            String name = call.method().getSimpleName() + "PullbackTangent";
            out.add(new Stmt.Eval(new Expr.Apply(null, call.adjoint(), name, args, JType.DOUBLE), null, null));
        }

        // ------------------------------------------------------------ expressions

        /** An expression's value (rewritten to read temporaries) and its tangent (null when 0). */
        private record Pair(Expr value, Expr tangent) {}

        /**
         * Rewrites {@code e} so that every value a partial reads is a variable (temporaries go to
         * {@code out}), and builds its tangent. {@code holder}, when given, is the variable that
         * will hold {@code e}'s value, declared just before the tangent is.
         */
        private Pair lower(Expr e, List<Stmt> out, Local holder, boolean inBranch) {
            if (!isVaried(e)) {
                return new Pair(e, null);
            }
            if (e instanceof Local l) {
                return new Pair(l, tangent(l));
            }
            if (e instanceof Expr.ArrayRead a) {
                Expr index = Exprs.isIndex(a.index()) ? a.index() : hoist(a.index(), JType.INT, out, inBranch);
                return new Pair(new Expr.ArrayRead(a.array(), index, a.type()),
                        new Expr.ArrayRead(arrayTangent(a.array(), null), index, JType.DOUBLE));
            }
            if (e instanceof Expr.FieldRead f) {
                return new Pair(f, tangentOfTarget(f));
            }
            if (e instanceof Expr.Cast c) {
                Pair operand = lower(c.operand(), out, null, inBranch);
                return new Pair(new Expr.Cast(c.type(), operand.value, c.position()), operand.tangent);
            }
            if (e instanceof Expr.Conditional c) {
                Expr condition = Exprs.isPure(c.condition()) ? c.condition()
                        : hoist(c.condition(), JType.BOOLEAN, out, inBranch);
                Pair then = lower(c.then(), out, null, true);
                Pair otherwise = lower(c.otherwise(), out, null, true);
                return new Pair(new Expr.Conditional(condition, then.value, otherwise.value, c.type()),
                        then.tangent == null && otherwise.tangent == null ? null
                                : Build.choose(condition, orZero(then.tangent), orZero(otherwise.tangent)));
            }
            if (e instanceof Expr.DiffCall c) {
                // the callee's value from itself, its tangent from its generated Tangent
                List<Pair> pairs = atoms(c.args(), out, inBranch);
                List<Expr> args = values(pairs);
                List<Expr> tangentArgs = new ArrayList<>(args);
                tangentArgs.addAll(directionsOf(c.method(), c.gradientFields(), pairs, c.position()));
                return new Pair(new Expr.DiffCall(c.method(), c.adjoint(), c.gradientFields(), c.writtenArrays(), args,
                        c.position()), new Expr.Apply(null, c.adjoint(), c.method().getSimpleName() + "Tangent",
                        tangentArgs, JType.DOUBLE));
            }
            if (e instanceof Expr.CustomCall c) {
                // Σ_i ∂f/∂a_i · da_i with the user's partials
                List<Pair> pairs = atoms(c.args(), out, inBranch);
                List<Expr> args = values(pairs);
                Expr sum = null;
                for (int i = 0; i < args.size(); i++) {
                    Expr t = pairs.get(i).tangent;
                    if (t != null) {
                        ExecutableElement d = c.derivatives().get(i);
                        Expr partial = new Expr.Apply(null, JType.ClassRef.of((TypeElement) d.getEnclosingElement()),
                                d.getSimpleName().toString(), args, JType.DOUBLE);
                        sum = plus(sum, Build.mul(partial, t));
                    }
                }
                return new Pair(new Expr.CustomCall(c.method(), c.derivatives(), args, c.position()), sum);
            }
            if (e instanceof Expr.Apply a) {
                return apply(a, out, inBranch);
            }
            // an operation with a rule: Σ_i ∂y/∂a_i · da_i
            Enum<?> op = Exprs.operator(e);
            List<Expr> children = Exprs.operands(e);
            List<Pair> lowered = new ArrayList<>();
            boolean[] variedArgs = new boolean[children.size()];
            for (int i = 0; i < children.size(); i++) {
                lowered.add(lower(children.get(i), out, null, inBranch));
                variedArgs[i] = lowered.get(i).tangent != null;
            }
            if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.type().isDouble() && variedArgs[0]
                    && lowered.get(0).value.equals(lowered.get(1).value)) {
                // d(u·u) = 2u du: one term, not two equal ones (as the reverse sweep does)
                Expr u = lowered.get(0).value;
                return new Pair(Exprs.rebuild(e, List.of(u, u)),
                        Build.mul(Build.mul(Build.lit(2), u), lowered.get(0).tangent));
            }
            DerivativeRules.Needs needs = DerivativeRules.needs(op, variedArgs);
            List<Expr> values = new ArrayList<>();
            for (int i = 0; i < lowered.size(); i++) {
                Expr v = lowered.get(i).value;
                values.add(needs.args()[i] && !Exprs.isAtom(v) ? hoist(v, JType.DOUBLE, out, inBranch) : v);
            }
            Expr node = Exprs.rebuild(e, values);
            Expr y = node;
            if (needs.result()) {
                y = holder != null ? holder : hoist(node, JType.DOUBLE, out, inBranch);
            }
            List<Expr> partials = DerivativeRules.of(op).partials(values.toArray(new Expr[0]), y);
            Expr sum = null;
            for (int i = 0; i < values.size(); i++) {
                if (variedArgs[i]) {
                    sum = plus(sum, Build.mul(partials.get(i), lowered.get(i).tangent));
                }
            }
            return new Pair(needs.result() && holder == null ? y : node, sum);
        }

        /** A generated call of the pullback: a value popped from the stack, or a user-supplied partial derivative. */
        private Pair apply(Expr.Apply a, List<Stmt> out, boolean inBranch) {
            if (isPop(a)) {
                // the value is on top, its tangent below it
                Local value = (Local) hoist(a, JType.DOUBLE, out, inBranch);
                Local t = tangent(value);
                out.add(new Stmt.Declare(t, new Expr.Apply(a.receiver(), null, POP_DOUBLE, List.of(), JType.DOUBLE),
                        null, null));
                return new Pair(value, t);
            }
            Pullback.Site site = sites.get(a);
            ExecutableElement partial = site.partial();
            if (partial.getAnnotation(Differentiable.class) == null) {
                throw new Refused(site.position(), "no second-order members for " + method.name() + ": the derivative "
                        + "it uses here, " + partial.getEnclosingElement().getSimpleName() + "." + partial.getSimpleName()
                        + ", is not @Differentiable; annotate it @Differentiable so its own derivative is generated");
            }
            List<Pair> pairs = atoms(a.args(), out, inBranch);
            List<Expr> args = values(pairs);
            List<String> fields = new ArrayList<>();
            List<String> wrt = Arrays.asList(partial.getAnnotation(Differentiable.class).wrt());
            for (VariableElement p : partial.getParameters()) {
                JType type = JType.of(p.asType());
                String name = p.getSimpleName().toString();
                fields.add(type.isDifferentiable() && (wrt.isEmpty() || wrt.contains(name)) ? name : null);
            }
            List<Expr> tangentArgs = new ArrayList<>(args);
            tangentArgs.addAll(directionsOf(partial, fields, pairs, site.position()));
            TypeElement owner = (TypeElement) partial.getEnclosingElement();
            return new Pair(new Expr.Apply(null, a.owner(), a.method(), args, a.type()), new Expr.Apply(null,
                    JType.ClassRef.adjointOf(owner), partial.getSimpleName() + "Tangent", tangentArgs, JType.DOUBLE));
        }

        /**
         * The directions to pass a callee's {@code Tangent}: per parameter it differentiates, the
         * argument's tangent, or zero ({@code 0.0}, a new array) when the argument carries none.
         */
        private List<Expr> directionsOf(ExecutableElement callee, List<String> fields, List<Pair> args, Position at) {
            List<Expr> directions = new ArrayList<>();
            for (int k = 0; k < args.size(); k++) {
                Expr arg = args.get(k).value;
                if (fields.get(k) == null) {
                    if (args.get(k).tangent != null) {
                        throw new Refused(at, "no second-order members for " + method.name() + ": "
                                + callee.getSimpleName() + " is not differentiated in its parameter " + k);
                    }
                    continue;
                }
                if (arg.type().isDoubleArray()) {
                    directions.add(isVaried(arg) ? arrayTangent(arg, null)
                            : new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(arg)));
                } else {
                    directions.add(orZero(args.get(k).tangent));
                }
            }
            return directions;
        }

        /**
         * Arguments read twice (by the call and by its tangent) as variables or constants, with
         * their tangents; a varied argument moved into a temporary gets its tangent in one too.
         */
        private List<Pair> atoms(List<Expr> args, List<Stmt> out, boolean inBranch) {
            List<Pair> lowered = new ArrayList<>();
            for (Expr arg : args) {
                Pair a = lower(arg, out, null, inBranch);
                if (Exprs.isAtom(a.value)) {
                    lowered.add(a);
                    continue;
                }
                Local temp = (Local) hoist(a.value, a.value.type(), out, inBranch);
                if (a.tangent == null) {
                    lowered.add(new Pair(temp, null));
                } else {
                    Local t = tangent(temp);
                    out.add(new Stmt.Declare(t, a.tangent, null, null));
                    lowered.add(new Pair(temp, t));
                }
            }
            return lowered;
        }

        private static List<Expr> values(List<Pair> pairs) {
            List<Expr> out = new ArrayList<>();
            pairs.forEach(p -> out.add(p.value));
            return out;
        }

        /** Moves {@code e} into a fresh temporary declared in {@code out}; a varied double's tangent follows it. */
        private Expr hoist(Expr e, JType type, List<Stmt> out, boolean inBranch) {
            if (e instanceof Local) {
                return e;
            }
            if (inBranch && !Exprs.isPureReadingElements(e)) { // user ?: reading elements are split into ifs before this
                throw reporter.abortWithError(method.position(), "AdjointNotYetSupported",
                        "a call or array read inside a branch of ?: whose value the derivative needs is not "
                                + "supported yet; compute it in a variable before the ?:");
            }
            Local temp = new Local(names.temp("_t"), type);
            out.add(new Stmt.Declare(temp, e, null, null));
            return temp;
        }

        // ------------------------------------------------------------ tangents of variables

        private Local tangent(Local var) {
            return tangents.computeIfAbsent(var.name(), n -> new Local(names.fresh("_d" + n), var.type()));
        }

        /** The tangent of a write target or field: {@code _dv}, {@code _da[i]}, {@code dInto.x}. */
        private Expr tangentOfTarget(Expr target) {
            if (target instanceof Local l) {
                return tangent(l);
            }
            if (target instanceof Expr.ArrayRead a) {
                return new Expr.ArrayRead(arrayTangent(a.array(), null), a.index(), a.type());
            }
            Expr.FieldRead f = (Expr.FieldRead) target;
            return new Expr.FieldRead(tangent((Local) f.target()), f.name(), f.type());
        }

        /**
         * The tangent of an array-valued expression: the tangent array of a variable or field, a
         * new array for a new array, a new zero array of {@code owner}'s length for an array that
         * carries none.
         */
        private Expr arrayTangent(Expr array, Local owner) {
            if (array instanceof Local l && varied.contains(l.name())) {
                return tangent(l);
            }
            if (array instanceof Expr.FieldRead f && isVaried(f)) {
                return tangentOfTarget(f);
            }
            return new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(owner != null ? owner : array));
        }

        private Expr zero(Local var) {
            return var.type().isDoubleArray() ? new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(var)) : Build.lit(0);
        }

        private Expr orZero(Expr tangent) {
            return tangent != null ? tangent : Build.lit(0);
        }

        /** {@code a + b}, written {@code a - c} when b is {@code -c}; a may be null (nothing yet). */
        private Expr plus(Expr a, Expr b) {
            if (a == null) {
                return b;
            }
            if (b instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
                return Build.sub(a, u.operand());
            }
            return Build.add(a, b);
        }

        /** For {@code v + e} or {@code v - e} where e does not read v: e; else null. */
        private Expr increment(Expr value, Local v) {
            if (value instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
                    && b.type().isDouble() && b.left().equals(v) && !mentions(b.right(), v.name())) {
                return b.right();
            }
            return null;
        }

        private boolean mentions(Expr e, String name) {
            boolean[] found = {false};
            Activity.locals(e, l -> found[0] |= l.name().equals(name));
            return found[0];
        }
    }
}
