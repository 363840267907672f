package dev.adjoint.processor.ad;

import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Local;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;

/**
 * Stage 3, differentiate: reverse mode on the IR.
 *
 * <p>The forward sweep is the user's code with a few named intermediates ({@code _t0}, ...): only
 * values that a derivative rule reads and that are not already in a variable. The reverse sweep
 * visits the statements backwards; for {@code v = e} it pushes the adjoint of {@code v} through
 * {@code e} with the rules of {@link DerivativeRules}, adding into the adjoints of the variables
 * {@code e} reads ({@code _d_x += _d_v * ∂e/∂x}). A variable overwritten after a rule needs its
 * old value is saved before the assignment and restored when the reverse sweep reaches it.
 */
public final class ReverseMode {

    private final ErrorReporter reporter;

    public ReverseMode(ErrorReporter reporter) {
        this.reporter = reporter;
    }

    public Pullback differentiate(MethodIr method) {
        return new Run(method).run();
    }

    /** One statement to differentiate: {@code target = value}, or the return (target null). */
    private static final class Step {
        final Stmt source;
        final Local target;
        final boolean overwrites;
        final List<Stmt> forward = new ArrayList<>();
        Expr lowered;
        List<Stmt> reverse = List.of();
        final Set<String> reads = new HashSet<>();
        Local saved;

        Step(Stmt source, Local target, boolean overwrites) {
            this.source = source;
            this.target = target;
            this.overwrites = overwrites;
        }
    }

    private final class Run {
        private final MethodIr method;
        private final Names names;
        private final Activity activity;
        private final Map<String, Integer> assignments = new HashMap<>();
        /** Temporaries of the forward sweep and the lowered expression each holds. */
        private final Map<String, Expr> definitions = new HashMap<>();
        /** For a lowered node whose rule reads its own result: the variable holding it. */
        private final Map<Expr, Expr> results = new IdentityHashMap<>();
        private final Map<String, Local> adjoints = new LinkedHashMap<>();
        private final Set<String> userNames;

        Run(MethodIr method) {
            this.method = method;
            this.names = new Names(method.userNames());
            this.activity = new Activity(method);
            this.userNames = method.userNames();
        }

        /** Statements in order: a {@link Stmt} kept as it is, or a {@link Step} to differentiate. */
        private final List<Object> program = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private final Set<String> initialized = new HashSet<>();
        /** What the pullback returns: the method's value. */
        private Local result;

        Pullback run() {
            String seed = names.fresh("seed");
            String into = names.fresh("into");
            warnAboutLostDerivatives();
            countAssignments();
            for (MethodIr.Param p : method.params()) {
                initialized.add(p.name());
                Local var = new Local(p.name(), p.type());
                if (activity.isActive(var)) {
                    adjoint(var);
                }
            }
            method.body().forEach(this::forward);
            for (int k = steps.size() - 1; k >= 0; k--) {
                reverse(steps.get(k), seed);
            }
            saveOverwrittenValues();
            return new Pullback(method, seed, into, assemble(into));
        }

        // ------------------------------------------------------------ forward: statements

        /** Lowers one statement into the forward sweep, keeping the values the rules will read. */
        private void forward(Stmt s) {
            Local target = Activity.target(s);
            Expr value = Activity.value(s);
            if (s instanceof Stmt.Return r) {
                forwardReturn(r);
            } else if (target != null && value != null) {
                boolean overwrites = !initialized.add(target.name());
                checkCalls(value, target);
                if (!activity.isActive(target) || (s instanceof Stmt.Declare && !activity.isVaried(value))) {
                    program.add(s); // no derivative flows through it, and nothing later resets one
                    return;
                }
                Step step = new Step(s, target, overwrites);
                step.lowered = activity.isVaried(value)
                        ? lower(value, step.forward, false, stable(target) ? target : null)
                        : value;
                step.forward.add(s instanceof Stmt.Declare d
                        ? new Stmt.Declare(target, step.lowered, d.position(), d.source())
                        : new Stmt.Assign(target, step.lowered, ((Stmt.Assign) s).position(), ((Stmt.Assign) s).source()));
                add(step);
            } else {
                program.add(s);
            }
        }

        /** The returned value goes into {@code _ret}, unless it already is in a variable nobody overwrites. */
        private void forwardReturn(Stmt.Return r) {
            checkCalls(r.value(), null);
            Step step = new Step(r, null, false);
            Local ret = new Local(names.fresh("_ret"), JType.DOUBLE);
            Expr value = r.value();
            if (activity.isVaried(value)) {
                step.lowered = lower(value, step.forward, false, ret);
                value = step.lowered;
            }
            if (step.lowered instanceof Local l && stable(l)) {
                result = l;
            } else {
                step.forward.add(new Stmt.Declare(ret, value, r.position(), r.source()));
                result = ret;
            }
            add(step);
        }

        private void add(Step step) {
            program.add(step);
            steps.add(step);
        }

        /**
         * A variable overwritten by a step is saved just before it when the reverse sweep of that
         * step or of an earlier one reads it; the reverse sweep restores it on the way back.
         */
        private void saveOverwrittenValues() {
            Set<String> readBefore = new HashSet<>();
            for (Step step : steps) {
                readBefore.addAll(step.reads);
                if (step.overwrites && readBefore.contains(step.target.name())) {
                    step.saved = new Local(names.temp("_t"), step.target.type());
                }
            }
        }

        /** The pullback's body: forward sweep, reverse sweep, gradient written into {@code into}, value returned. */
        private List<Stmt> assemble(String into) {
            List<Stmt> body = new ArrayList<>();
            body.add(new Stmt.Comment("forward sweep"));
            for (Object o : program) {
                if (o instanceof Step step) {
                    if (step.saved != null) {
                        body.add(new Stmt.Declare(step.saved, step.target, null, null));
                    }
                    body.addAll(step.forward);
                } else {
                    body.add((Stmt) o);
                }
            }
            body.add(new Stmt.Comment("reverse sweep"));
            for (String var : declarationOrder()) {
                Local adj = adjoints.get(var);
                if (adj != null) {
                    body.add(new Stmt.Declare(adj, Build.lit(0), null, null));
                }
            }
            for (int k = steps.size() - 1; k >= 0; k--) {
                Step step = steps.get(k);
                if (step.reverse.isEmpty() && step.saved == null) {
                    continue;
                }
                body.add(new Stmt.Comment("grad of: " + sourceOf(step.source)));
                if (step.saved != null) {
                    body.add(new Stmt.Assign(step.target, step.saved, null, null));
                }
                body.addAll(step.reverse);
            }
            Local intoVar = new Local(into, JType.DOUBLE);
            for (MethodIr.Param p : method.params()) {
                Local adj = adjoints.get(p.name());
                if (p.wrt() && adj != null) {
                    body.add(new Stmt.Accumulate(new Expr.FieldRead(intoVar, p.name(), JType.DOUBLE), adj));
                }
            }
            body.add(new Stmt.Return(result, null, null));
            return body;
        }

        /** Parameters, then locals, in the order the method declares them. */
        private List<String> declarationOrder() {
            List<String> order = new ArrayList<>();
            method.params().forEach(p -> order.add(p.name()));
            for (Stmt s : method.body()) {
                if (s instanceof Stmt.Declare d) {
                    order.add(d.var().name());
                }
            }
            return order;
        }

        // ------------------------------------------------------------ forward: lowering

        /**
         * Rewrites a varied expression so that every value a derivative rule reads is an atom
         * (a variable or constant), moving sub-expressions into temporaries appended to {@code out}.
         * {@code holder}, when given, is the variable that will hold this expression's value.
         */
        private Expr lower(Expr e, List<Stmt> out, boolean inBranch, Local holder) {
            if (!activity.isVaried(e)) {
                return e;
            }
            if (e instanceof Local) {
                return e;
            }
            if (e instanceof Expr.Cast c) {
                return new Expr.Cast(c.type(), lower(c.operand(), out, inBranch, null), c.position());
            }
            if (e instanceof Expr.Conditional c) {
                Expr condition = hoist(c.condition(), JType.BOOLEAN, out, inBranch);
                Expr then = lower(c.then(), out, true, null);
                Expr otherwise = lower(c.otherwise(), out, true, null);
                return new Expr.Conditional(condition, then, otherwise, c.type());
            }
            Enum<?> op = operator(e);
            List<Expr> children = operands(e);
            List<Expr> lowered = new ArrayList<>();
            for (Expr child : children) {
                lowered.add(lower(child, out, inBranch, null));
            }
            boolean[] variedArgs = variedMask(children);
            Needs needs = needs(op, variedArgs);
            for (int i = 0; i < lowered.size(); i++) {
                if (needs.args[i] && !Exprs.isAtom(lowered.get(i))) {
                    lowered.set(i, hoist(lowered.get(i), JType.DOUBLE, out, inBranch));
                }
            }
            Expr node = rebuild(e, lowered);
            if (needs.result) {
                if (holder != null) {
                    results.put(node, holder);
                } else {
                    Local temp = (Local) hoist(node, JType.DOUBLE, out, inBranch);
                    results.put(node, temp);
                    return temp;
                }
            }
            return node;
        }

        /** Moves {@code e} into a fresh temporary declared in {@code out}; returns the temporary. */
        private Expr hoist(Expr e, JType type, List<Stmt> out, boolean inBranch) {
            if (e instanceof Local l && (type != JType.BOOLEAN || stable(l))) {
                return e;
            }
            if (inBranch && !Exprs.isPure(e)) {
                throw reporter.abortWithError(position(e), "AdjointNotYetSupported",
                        "a call inside a branch of ?: whose value the derivative needs is not supported yet; "
                                + "compute it in a variable before the ?:");
            }
            Local temp = new Local(names.temp("_t"), type);
            out.add(new Stmt.Declare(temp, e, null, null));
            definitions.put(temp.name(), e);
            if (type.isDouble()) {
                activity.addVaried(temp.name());
            }
            return temp;
        }

        // ------------------------------------------------------------ reverse

        private void reverse(Step step, String seed) {
            List<Stmt> out = new ArrayList<>();
            if (step.target == null) {
                propagate(step.lowered, new Local(seed, JType.DOUBLE), out);
            } else {
                Local adj = adjoint(step.target);
                if (activity.isVaried(step.lowered) && mentions(step.lowered, step.target.name())) {
                    Local r = new Local(names.temp("_r"), JType.DOUBLE);
                    out.add(new Stmt.Declare(r, adj, null, null));
                    out.add(new Stmt.Assign(adj, Build.lit(0), null, null));
                    propagate(step.lowered, r, out);
                } else {
                    propagate(step.lowered, adj, out);
                    if (step.overwrites) {
                        out.add(new Stmt.Assign(adj, Build.lit(0), null, null));
                    }
                }
            }
            step.reverse = out;
            for (Stmt s : out) {
                collectReads(s, step.reads);
            }
        }

        /** Adds {@code adj · ∂e/∂x} into the adjoint of every varied variable x that {@code e} reads. */
        private void propagate(Expr e, Expr adj, List<Stmt> out) {
            if (e == null || !activity.isVaried(e)) {
                return;
            }
            if (e instanceof Local l) {
                Expr definition = definitions.get(l.name());
                if (definition != null) {
                    propagate(definition, adj, out);
                } else {
                    out.add(new Stmt.Accumulate(adjoint(l), adj));
                }
                return;
            }
            if (e instanceof Expr.Cast c) {
                propagate(c.operand(), adj, out);
                return;
            }
            if (e instanceof Expr.Conditional c) {
                Expr a = atomic(adj, out);
                List<Stmt> then = new ArrayList<>();
                List<Stmt> otherwise = new ArrayList<>();
                propagate(c.then(), a, then);
                propagate(c.otherwise(), a, otherwise);
                out.add(new Stmt.If(c.condition(), then, otherwise, null, null));
                return;
            }
            List<Expr> args = operands(e);
            boolean[] varied = variedMask(args);
            long count = 0;
            for (boolean v : varied) {
                count += v ? 1 : 0;
            }
            List<Expr> partials = DerivativeRules.of(operator(e)).partials(args.toArray(new Expr[0]), results.get(e));
            Expr a = count > 1 ? atomic(adj, out) : adj;
            for (int i = 0; i < args.size(); i++) {
                if (varied[i]) {
                    propagate(args.get(i), Build.mul(a, partials.get(i)), out);
                }
            }
        }

        /** {@code adj} itself when it is a variable, else a temporary holding it (it is about to be read twice). */
        private Expr atomic(Expr adj, List<Stmt> out) {
            if (Exprs.isAtom(adj)) {
                return adj;
            }
            Local temp = new Local(names.temp("_r"), JType.DOUBLE);
            out.add(new Stmt.Declare(temp, adj, null, null));
            return temp;
        }

        private Local adjoint(Local var) {
            return adjoints.computeIfAbsent(var.name(), n -> new Local(names.adjoint(n), JType.DOUBLE));
        }

        // ------------------------------------------------------------ rules

        private record Needs(boolean[] args, boolean result) {}

        /** Which argument values and whether the result a rule reads, for the varied arguments only. */
        private Needs needs(Enum<?> op, boolean[] variedArgs) {
            DerivativeRules.Rule rule = DerivativeRules.of(op);
            Expr[] placeholders = new Expr[variedArgs.length];
            for (int i = 0; i < placeholders.length; i++) {
                placeholders[i] = new Local("\0arg" + i, JType.DOUBLE);
            }
            Local y = new Local("\0result", JType.DOUBLE);
            List<Expr> partials = rule.partials(placeholders, y);
            Set<String> read = new HashSet<>();
            for (int i = 0; i < variedArgs.length; i++) {
                if (variedArgs[i]) {
                    Activity.locals(partials.get(i), l -> read.add(l.name()));
                }
            }
            boolean[] args = new boolean[variedArgs.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = read.contains("\0arg" + i);
            }
            return new Needs(args, read.contains("\0result"));
        }

        private boolean[] variedMask(List<Expr> args) {
            boolean[] mask = new boolean[args.size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = activity.isVaried(args.get(i));
            }
            return mask;
        }

        // ------------------------------------------------------------ checks and bookkeeping

        /**
         * A value computed by a call Adjoint cannot see into must not depend on varied values
         * where the result matters: its derivative would be silently lost.
         */
        private void checkCalls(Expr e, Local target) {
            if (e == null || (target != null && !activity.isUseful(target))) {
                return;
            }
            Activity.carrying(e, node -> {
                boolean carriesDoubles = node.type().isDouble() || node.type().kind() == JType.Kind.OTHER;
                if ((node instanceof Expr.Invoke || node instanceof Expr.New) && carriesDoubles
                        && Exprs.children(node).stream().anyMatch(activity::dependsOnVaried)) {
                    String callee = node instanceof Expr.Invoke i ? describe(i.method()) : "new " + node.type();
                    throw reporter.abortWithError(position(node), "AdjointUnsupportedCall",
                            "cannot differentiate through " + callee + ": annotate it @Differentiable "
                                    + "(calls between @Differentiable methods come with a later release) or compute "
                                    + "it from Math functions inside this method");
                }
            });
        }

        private void warnAboutLostDerivatives() {
            for (Stmt s : method.body()) {
                Expr value = s instanceof Stmt.Return r ? r.value() : Activity.value(s);
                if (value != null) {
                    warnAboutLostDerivatives(value);
                }
            }
        }

        private void warnAboutLostDerivatives(Expr e) {
            Exprs.children(e).forEach(this::warnAboutLostDerivatives);
            if (e instanceof Expr.Cast c && !c.type().isDouble() && activity.dependsOnVaried(c.operand())
                    && c.operand().type().isDouble() && c.position() != null) {
                reporter.reportWarning(c.position(), "AdjointLostDerivative",
                        "casting a differentiated double to " + c.type() + " drops its derivative (treated as 0); "
                                + "keep the value a double if it should carry one");
            }
            if (e instanceof Expr.MathCall m && m.function().piecewiseConstant
                    && m.args().stream().anyMatch(activity::dependsOnVaried)) {
                reporter.reportWarning(m.position(), "AdjointLostDerivative",
                        "Math." + m.function().javaName + " is piecewise constant: its derivative is 0 and "
                                + "the gradient does not flow through it");
            }
        }

        private void countAssignments() {
            for (MethodIr.Param p : method.params()) {
                assignments.put(p.name(), 1);
            }
            for (Stmt s : method.body()) {
                if (s instanceof Stmt.Declare d) {
                    assignments.merge(d.var().name(), d.init() == null ? 0 : 1, Integer::sum);
                } else if (s instanceof Stmt.Assign a) {
                    assignments.merge(a.var().name(), 1, Integer::sum);
                }
            }
        }

        /** A variable assigned at most once: its value never changes after it is set. */
        private boolean stable(Local var) {
            return !userNames.contains(var.name()) || assignments.getOrDefault(var.name(), 0) <= 1;
        }

        private boolean mentions(Expr e, String name) {
            boolean[] found = {false};
            Activity.locals(e, l -> {
                Expr definition = definitions.get(l.name());
                found[0] |= l.name().equals(name) || (definition != null && mentions(definition, name));
            });
            return found[0];
        }

        private void collectReads(Stmt s, Set<String> reads) {
            if (s instanceof Stmt.Declare d) {
                Activity.locals(d.init(), l -> reads.add(l.name()));
            } else if (s instanceof Stmt.Accumulate a) {
                Activity.locals(a.delta(), l -> reads.add(l.name()));
            } else if (s instanceof Stmt.If i) {
                Activity.locals(i.condition(), l -> reads.add(l.name()));
                i.then().forEach(t -> collectReads(t, reads));
                i.otherwise().forEach(t -> collectReads(t, reads));
            }
        }

        private Position position(Expr e) {
            Position p = find(e);
            return p != null ? p : method.position();
        }

        private Position find(Expr e) {
            if (e instanceof Expr.Invoke i) {
                return i.position();
            }
            if (e instanceof Expr.MathCall m && m.position() != null) {
                return m.position();
            }
            if (e instanceof Expr.Cast c) {
                return c.position();
            }
            for (Expr child : Exprs.children(e)) {
                Position p = find(child);
                if (p != null) {
                    return p;
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- operator views

    /** The table key of a differentiable operation node. */
    private static Enum<?> operator(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.op();
        }
        if (e instanceof Expr.Unary u) {
            return u.op();
        }
        return ((Expr.MathCall) e).function();
    }

    private static List<Expr> operands(Expr e) {
        if (e instanceof Expr.Binary b) {
            return Arrays.asList(b.left(), b.right());
        }
        if (e instanceof Expr.Unary u) {
            return List.of(u.operand());
        }
        return ((Expr.MathCall) e).args();
    }

    private static Expr rebuild(Expr e, List<Expr> operands) {
        if (e instanceof Expr.Binary b) {
            return new Expr.Binary(b.op(), operands.get(0), operands.get(1), b.type());
        }
        if (e instanceof Expr.Unary u) {
            return new Expr.Unary(u.op(), operands.get(0), u.type());
        }
        Expr.MathCall m = (Expr.MathCall) e;
        return new Expr.MathCall(m.function(), m.strict(), List.copyOf(operands), m.type(), m.position());
    }

    private static String sourceOf(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.source();
        }
        if (s instanceof Stmt.Assign a) {
            return a.source();
        }
        return ((Stmt.Return) s).source();
    }

    private static String describe(ExecutableElement method) {
        String params = method.getParameters().stream().map(p -> p.asType().toString()).collect(Collectors.joining(", "));
        return method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName() + "(" + params + ")";
    }
}
