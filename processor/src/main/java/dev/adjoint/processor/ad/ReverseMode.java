package dev.adjoint.processor.ad;

import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.Local;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.validate.MethodValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Stage 3, differentiate: reverse mode on the IR.
 *
 * <p>The body is first {@link Normalize normalized} (no jumps: flags instead of break, continue
 * and early returns). The forward sweep is then the user's code with a few named intermediates
 * ({@code _t1}, ...): only values that a derivative rule reads and that are not already in a
 * variable. The reverse sweep visits the statements backwards, loops and branches included; for
 * {@code v = e} it pushes the adjoint of {@code v} through {@code e} with the rules of
 * {@link DerivativeRules} ({@code _d_x += _d_v * ∂e/∂x}).
 *
 * <p>The reverse sweep reads every variable as the forward sweep left it at the same point. A
 * variable (or array element) overwritten after a rule needs its old value is saved before the
 * assignment and restored when the reverse sweep gets back to it. A saved value lives in a local
 * ({@code _t1}) when its statement runs at most once, else on the thread's
 * {@code dev.adjoint.ValueStack}, as do the values a loop body's own variables have at its end,
 * the iteration count of each loop ({@code _n1}) and the branch a loop took in an {@code if}
 * whose condition cannot be evaluated again. Nothing else is stored: an increment like
 * {@code s += w[i] * x[i]} stores nothing, and the index of a counting loop is counted back down.
 */
public final class ReverseMode {

    private static final JType.ClassRef VALUE_STACK = new JType.ClassRef("dev.adjoint", List.of("ValueStack"));
    private static final JType.ClassRef SYSTEM = new JType.ClassRef("java.lang", List.of("System"));

    private final ErrorReporter reporter;

    public ReverseMode(ErrorReporter reporter) {
        this.reporter = reporter;
    }

    /** Differentiates {@code method} ({@code element}); {@code calls} tells which of its calls can recurse. */
    public Pullback differentiate(MethodIr method, ExecutableElement element, CallGraph calls) {
        return new Run(method, element, calls).run();
    }

    // ---------------------------------------------------------------- the program as a tree of nodes

    /** A statement of the normalized body, with what its reverse sweep reads (nested nodes included). */
    private abstract static class Node {
        final Set<String> reads = new HashSet<>();
    }

    /** An assignment, element write, evaluation or the final return. */
    private static final class StepNode extends Node {
        final Stmt source;
        final Local target;
        final boolean overwrites;
        final Block block;
        final List<Stmt> forward = new ArrayList<>();
        List<Stmt> reverse = List.of();
        Expr lowered;
        Expr index;
        boolean active;
        Slot saved;

        StepNode(Stmt source, Local target, boolean overwrites, Block block) {
            this.source = source;
            this.target = target;
            this.overwrites = overwrites;
            this.block = block;
        }

        boolean isElementWrite() {
            return source instanceof Stmt.ArrayWrite;
        }
    }

    private static final class IfNode extends Node {
        final Stmt.If source;
        final Block then;
        final Block otherwise;
        final Block block;
        boolean recompute;
        Slot choice;

        IfNode(Stmt.If source, Block then, Block otherwise, Block block) {
            this.source = source;
            this.then = then;
            this.otherwise = otherwise;
            this.block = block;
        }
    }

    private static final class LoopNode extends Node {
        final Stmt.Loop source;
        final Local counter;
        final Block body;
        final Block block;
        Local count;
        Slot countSlot;
        /** For a counting loop to a bound the reverse sweep can evaluate ({@code i < n}): n; else null. */
        Expr bound;

        LoopNode(Stmt.Loop source, Local counter, Block body, Block block) {
            this.source = source;
            this.counter = counter;
            this.body = body;
            this.block = block;
        }
    }

    /** A statement kept as it is: a throw, an evaluated call. */
    private static final class PlainNode extends Node {
        final Stmt stmt;

        PlainNode(Stmt stmt) {
            this.stmt = stmt;
        }
    }

    /** A scope: the method body, a branch, a loop body, a nested block. */
    private static final class Block extends Node {
        final Block parent;
        final int depth;
        final List<Node> nodes = new ArrayList<>();
        /** Variables declared directly in this scope, in order. */
        final List<Local> locals = new ArrayList<>();
        /** Locals whose value at the end of the scope the reverse sweep needs, kept in a slot. */
        final Map<Local, Slot> exits = new LinkedHashMap<>();
        /** Locals the reverse sweep needs that it computes again from what it has, with their definitions. */
        final Map<Local, Expr> recomputed = new LinkedHashMap<>();

        Block(Block parent, int depth) {
            this.parent = parent;
            this.depth = depth;
        }

        boolean top() {
            return parent == null;
        }
    }

    /**
     * Where a value the reverse sweep needs is kept: a local when the statement that stores it runs
     * at most once per call (declared where it is stored at the method's top level, else at the
     * start of the method), the value stack otherwise.
     */
    private static final class Slot {
        final JType type;
        final Local var;
        final boolean declaredAtTop;

        Slot(JType type, Local var, boolean declaredAtTop) {
            this.type = type;
            this.var = var;
            this.declaredAtTop = declaredAtTop;
        }

        boolean stacked() {
            return var == null;
        }
    }

    private final class Run {
        private final MethodIr method;
        private final Names names;
        private final List<Stmt> body;
        private final Activity activity;
        private final Map<String, Integer> assignments = new HashMap<>();
        /** Temporaries of the forward sweep and the lowered expression each holds. */
        private final Map<String, Expr> definitions = new HashMap<>();
        /** For a lowered node whose rule reads its own result: the variable holding it. */
        private final Map<Expr, Expr> results = new IdentityHashMap<>();
        private final Map<String, Local> adjoints = new LinkedHashMap<>();
        private final Set<String> userNames;
        private final Set<String> writtenArrays = new HashSet<>();
        private final Set<String> canonicalCounters = new HashSet<>();
        private final List<Slot> topSlots = new ArrayList<>();
        private final ExecutableElement element;
        private final CallGraph calls;
        private final List<Stmt> holders = new ArrayList<>();
        private final List<Pullback.SharedHolder> sharedHolders = new ArrayList<>();
        private final Map<Expr.Apply, Pullback.Site> sites = new IdentityHashMap<>();
        private final Set<String> needsInitializer = new HashSet<>();
        private final Set<String> savedArrays = new HashSet<>();
        private Local stack;
        /** How many slots live on the value stack (a fused loop's body gives its slots back). */
        private int stackedSlots;
        /**
         * A top-level loop whose iterations run their reverse sweep right after their forward sweep
         * (see {@link #fusable}), or null.
         */
        private LoopNode fused;
        private Block current;
        /** What the pullback returns: the method's value. */
        private Local result;
        /** For a method returning {@code double[]}: the local array it returns (the seed is an array then). */
        private Local vector;
        private String seed;

        Run(MethodIr method, ExecutableElement element, CallGraph calls) {
            this.method = method;
            this.element = element;
            this.calls = calls;
            this.names = new Names(method.userNames());
            this.userNames = method.userNames();
            this.body = new Normalize(names, reporter, method.position()).run(method.body());
            this.activity = new Activity(method, body);
        }

        Pullback run() {
            seed = names.fresh("seed");
            String into = names.fresh("into");
            warnAboutLostDerivatives();
            countAssignments();
            vector = returnedArray();
            checkScopes();
            for (MethodIr.Param p : method.params()) {
                Local var = new Local(p.name(), p.type());
                if (activity.isActive(var)) {
                    adjoint(var);
                }
            }
            Block top = new Block(null, 0);
            current = top;
            body.forEach(s -> top.nodes.add(forward(s)));
            reverse(top);
            saveOverwrittenValues(top, new HashSet<>(), List.of());
            List<Stmt> pullback = assemble(top, into);
            return new Pullback(method, seed, into, pullback, List.copyOf(writtenArraysOfParams()), !Exprs.allocates(pullback),
                    stack != null, List.copyOf(sharedHolders), sites);
        }

        // ------------------------------------------------------------ pass 1: forward sweep

        private Node forward(Stmt s) {
            if (s instanceof Stmt.If f) {
                Block then = child(current.depth);
                Block otherwise = child(current.depth);
                IfNode node = new IfNode(f, then, otherwise, current);
                fill(then, f.then());
                fill(otherwise, f.otherwise());
                return node;
            }
            if (s instanceof Stmt.Loop l) {
                Local counter = Normalize.counter(l);
                if (counter != null) {
                    canonicalCounters.add(counter.name());
                }
                for (Stmt init : l.init()) {
                    checkCalls(Activity.value(init), null);
                }
                Block loopBody = child(current.depth + 1);
                LoopNode node = new LoopNode(l, counter, loopBody, current);
                fill(loopBody, l.body());
                return node;
            }
            if (s instanceof Stmt.Block b) {
                Block inner = child(current.depth);
                fill(inner, b.body());
                return inner;
            }
            if (s instanceof Stmt.Return r) {
                return forwardReturn(r);
            }
            Local target = Activity.target(s);
            Expr value = Activity.value(s);
            if (target == null) {
                Stmt.Eval eval = s instanceof Stmt.Eval e ? e : null;
                if (eval != null) {
                    checkArguments(eval.expr()); // its value is dropped: only what it could do to arrays matters
                }
                return new PlainNode(s);
            }
            checkArrays(s, target, value);
            if (s instanceof Stmt.Declare) {
                current.locals.add(target);
            }
            StepNode step = new StepNode(s, target, !(s instanceof Stmt.Declare), current);
            if (current.top() && deadStore(s)) {
                step.forward.add(s); // overwritten before anything reads it: no derivative flows out of it
                return step;
            }
            if (value != null) {
                checkCalls(value, target);
            }
            boolean active = activity.isActive(target) && value != null
                    && (!(s instanceof Stmt.Declare) || activity.isVaried(value));
            if (!active) {
                step.forward.add(s);
                return step;
            }
            step.active = true;
            Local holder = s instanceof Stmt.Declare && assignments.getOrDefault(target.name(), 0) <= 1 ? target : null;
            step.lowered = activity.isVaried(value) ? lower(value, step.forward, false, holder) : value;
            if (s instanceof Stmt.Declare d) {
                step.forward.add(new Stmt.Declare(target, step.lowered, d.position(), d.source()));
            } else if (s instanceof Stmt.Assign a) {
                step.forward.add(new Stmt.Assign(target, step.lowered, a.position(), a.source()));
            } else {
                Stmt.ArrayWrite w = (Stmt.ArrayWrite) s;
                step.index = Exprs.isIndex(w.index()) ? w.index() : hoist(w.index(), JType.INT, step.forward, false);
                step.forward.add(new Stmt.ArrayWrite(w.array(), step.index, step.lowered, w.position(), w.source()));
            }
            return step;
        }

        /**
         * A top-level assignment whose value is overwritten, by a later top-level assignment, before
         * any statement reads the variable.
         */
        private boolean deadStore(Stmt s) {
            Local target = Activity.target(s);
            if (s instanceof Stmt.ArrayWrite || target == null) {
                return false;
            }
            for (int k = body.indexOf(s) + 1; k < body.size(); k++) {
                Stmt later = body.get(k);
                boolean[] reads = {false};
                Stmts.forEachExpr(List.of(later), e -> Activity.locals(e, l -> reads[0] |= l.equals(target)));
                if (reads[0]) {
                    return false;
                }
                if (later instanceof Stmt.Assign a && a.var().equals(target)) {
                    return true;
                }
            }
            return false;
        }

        private Block child(int depth) {
            return new Block(current, depth);
        }

        private void fill(Block block, List<Stmt> stmts) {
            Block outer = current;
            current = block;
            stmts.forEach(s -> block.nodes.add(forward(s)));
            current = outer;
        }

        /** The returned value goes into {@code _ret}, unless it already is in a variable nobody overwrites. */
        private Node forwardReturn(Stmt.Return r) {
            checkCalls(r.value(), null);
            StepNode step = new StepNode(r, null, false, current);
            step.active = true;
            if (vector != null) {
                step.lowered = vector;
                result = vector;
                return step;
            }
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
            return step;
        }

        // ------------------------------------------------------------ forward: lowering

        /**
         * Rewrites a varied expression so that every value a derivative rule reads is an atom
         * (a variable, constant or element), moving sub-expressions into temporaries appended to
         * {@code out}. {@code holder}, when given, is the variable that will hold this expression's value.
         */
        private Expr lower(Expr e, List<Stmt> out, boolean inBranch, Local holder) {
            if (!activity.isVaried(e)) {
                return e;
            }
            if (e instanceof Local) {
                return e;
            }
            if (e instanceof Expr.ArrayRead a) {
                Expr index = Exprs.isIndex(a.index()) ? a.index() : hoist(a.index(), JType.INT, out, inBranch);
                return new Expr.ArrayRead(a.array(), index, a.type());
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
            if (e instanceof Expr.DiffCall c) {
                // the reverse sweep calls the pullback with the same arguments
                return new Expr.DiffCall(c.method(), c.adjoint(), c.gradientFields(), c.writtenArrays(),
                        atoms(c.args(), out, inBranch), c.position());
            }
            if (e instanceof Expr.CustomCall c) {
                // the derivatives take every argument
                return new Expr.CustomCall(c.method(), c.derivatives(), atoms(c.args(), out, inBranch), c.position());
            }
            Enum<?> op = Exprs.operator(e);
            List<Expr> children = Exprs.operands(e);
            List<Expr> lowered = new ArrayList<>();
            for (Expr child : children) {
                lowered.add(lower(child, out, inBranch, null));
            }
            boolean[] variedArgs = variedMask(children);
            DerivativeRules.Needs needs = DerivativeRules.needs(op, variedArgs);
            for (int i = 0; i < lowered.size(); i++) {
                if (needs.args()[i] && !Exprs.isAtom(lowered.get(i))) {
                    lowered.set(i, hoist(lowered.get(i), JType.DOUBLE, out, inBranch));
                }
            }
            Expr node = Exprs.rebuild(e, lowered);
            if (needs.result()) {
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

        private List<Expr> atoms(List<Expr> args, List<Stmt> out, boolean inBranch) {
            List<Expr> lowered = new ArrayList<>();
            for (Expr arg : args) {
                Expr a = lower(arg, out, inBranch, null);
                lowered.add(Exprs.isAtom(a) ? a : hoist(a, a.type(), out, inBranch));
            }
            return lowered;
        }

        /** Moves {@code e} into a fresh temporary declared in {@code out}; returns the temporary. */
        private Expr hoist(Expr e, JType type, List<Stmt> out, boolean inBranch) {
            if (e instanceof Local l && (type != JType.BOOLEAN || stable(l))) {
                return e;
            }
            if (inBranch && !Exprs.isPure(e)) {
                throw reporter.abortWithError(position(e), "AdjointNotYetSupported",
                        "a call or array read inside a branch of ?: whose value the derivative needs is not "
                                + "supported yet; compute it in a variable before the ?:");
            }
            Local temp = new Local(names.temp("_t"), type);
            out.add(new Stmt.Declare(temp, e, null, null));
            current.locals.add(temp);
            definitions.put(temp.name(), e);
            if (type.isDouble()) {
                activity.addVaried(temp.name());
            }
            return temp;
        }

        // ------------------------------------------------------------ pass 2: reverse sweep

        private void reverse(Node node) {
            if (node instanceof Block b) {
                for (int k = b.nodes.size() - 1; k >= 0; k--) {
                    reverse(b.nodes.get(k));
                    b.reads.addAll(b.nodes.get(k).reads);
                }
            } else if (node instanceof IfNode f) {
                reverse(f.otherwise);
                reverse(f.then);
                f.reads.addAll(f.then.reads);
                f.reads.addAll(f.otherwise.reads);
                f.recompute = recomputable(f.source.condition(), f.block);
                if (f.recompute) {
                    Activity.locals(f.source.condition(), l -> f.reads.add(l.name()));
                }
            } else if (node instanceof LoopNode l) {
                reverse(l.body);
                l.reads.addAll(l.body.reads);
                if (l.counter != null) {
                    Activity.locals(((Stmt.Declare) l.source.init().get(0)).init(), v -> l.reads.add(v.name()));
                    l.bound = bound(l);
                    if (l.bound != null) {
                        Activity.locals(l.bound, v -> l.reads.add(v.name()));
                    }
                }
            } else if (node instanceof StepNode step && step.active) {
                reverse(step);
            } else if (node instanceof StepNode step && step.isElementWrite()) {
                // if pass 3 saves the overwritten element, restoring it reads the index
                Activity.locals(((Stmt.ArrayWrite) step.source).index(), l -> step.reads.add(l.name()));
            }
        }

        private void reverse(StepNode step) {
            List<Stmt> out = new ArrayList<>();
            if (step.target == null && vector != null) {
                // the returned array's adjoint starts as the seed: _d_r[j] += seed[j]
                if (activity.isActive(vector)) {
                    Local j = new Local(names.fresh("_j"), JType.INT);
                    out.add(Build.countingLoop(j, Build.intLit(0), new Expr.Length(vector), List.of(new Stmt.Accumulate(
                            new Expr.ArrayRead(adjoint(vector), j, JType.DOUBLE),
                            new Expr.ArrayRead(new Local(seed, JType.DOUBLE_ARRAY), j, JType.DOUBLE)))));
                }
            } else if (step.target == null) {
                propagate(step.lowered, new Local(seed, JType.DOUBLE), out);
            } else if (increment(step) != null) {
                // v += e (or v -= e): v's adjoint passes through unchanged, e's gets it
                Expr.Binary b = (Expr.Binary) step.lowered;
                Expr adj = step.isElementWrite() ? new Expr.ArrayRead(adjoint(step.target), step.index, JType.DOUBLE)
                        : adjoint(step.target);
                propagate(increment(step), b.op() == Expr.BinaryOp.SUB ? Build.neg(adj) : adj, out);
            } else if (step.isElementWrite()) {
                Expr element = new Expr.ArrayRead(adjoint(step.target), step.index, JType.DOUBLE);
                if (activity.isVaried(step.lowered)) {
                    Local r = new Local(names.temp("_r"), JType.DOUBLE);
                    out.add(new Stmt.Declare(r, element, null, null));
                    out.add(new Stmt.Put(element, Build.lit(0)));
                    propagate(step.lowered, r, out);
                } else {
                    out.add(new Stmt.Put(element, Build.lit(0)));
                }
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
            Stmts.forEachExpr(out, e -> Activity.locals(e, l -> step.reads.add(l.name())));
            if (step.isElementWrite()) {
                Activity.locals(step.index, l -> step.reads.add(l.name()));
            }
        }

        /**
         * For {@code v = v + e} or {@code v = v - e} (also an element {@code a[i] = a[i] + e}) where
         * {@code e} does not read {@code v} (nor {@code a}): {@code e}; else null.
         */
        private Expr increment(StepNode step) {
            if (!(step.lowered instanceof Expr.Binary b) || (b.op() != Expr.BinaryOp.ADD && b.op() != Expr.BinaryOp.SUB)
                    || !b.type().isDouble()) {
                return null;
            }
            Expr self = step.isElementWrite() ? new Expr.ArrayRead(step.target, step.index, JType.DOUBLE) : step.target;
            return b.left().equals(self) && !mentions(b.right(), step.target.name()) ? b.right() : null;
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
            if (e instanceof Expr.ArrayRead a) {
                out.add(new Stmt.Accumulate(new Expr.ArrayRead(adjoint((Local) a.array()), a.index(), JType.DOUBLE), adj));
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
            if (e instanceof Expr.DiffCall c) {
                propagateCall(c, adj, out);
                return;
            }
            if (e instanceof Expr.CustomCall c) {
                Expr a = atomic(adj, out);
                for (int i = 0; i < c.args().size(); i++) {
                    if (activity.isVaried(c.args().get(i))) {
                        ExecutableElement d = c.derivatives().get(i);
                        Expr partial = new Expr.Apply(null, JType.ClassRef.of((TypeElement) d.getEnclosingElement()),
                                d.getSimpleName().toString(), c.args(), JType.DOUBLE);
                        sites.put((Expr.Apply) partial, new Pullback.Site(null, d, c.position()));
                        propagate(c.args().get(i), Build.mul(a, partial), out);
                    }
                }
                return;
            }
            List<Expr> args = Exprs.operands(e);
            boolean[] varied = variedMask(args);
            long count = 0;
            for (boolean v : varied) {
                count += v ? 1 : 0;
            }
            if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.left().equals(b.right())) {
                // d(u·u) = 2u du: one statement, not two equal ones
                propagate(b.left(), Build.mul(Build.mul(Build.lit(2), adj), b.left()), out);
                return;
            }
            if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL && b.type().isDouble()) {
                // v·u with v = k·u and k constant in u (100·a·a, -0.5·x·x): d(k·u²) = 2·v du, one term, not two
                if (scaled(b.left(), b.right())) {
                    propagate(b.right(), Build.mul(Build.mul(Build.lit(2), adj), b.left()), out);
                    return;
                }
                if (scaled(b.right(), b.left())) {
                    propagate(b.left(), Build.mul(Build.mul(Build.lit(2), adj), b.right()), out);
                    return;
                }
            }
            if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.DIV && varied[1]) {
                // y = u/v: du += adj/v and dv -= (adj/v)·y (= adj·u/v²), one division for both
                // partials instead of one each; for y = 1/v, dv -= adj·y·y divides nothing
                Expr y = results.get(e);
                Double numerator = Build.constant(b.left());
                if (!varied[0] && numerator != null && numerator == 1.0) {
                    propagate(b.right(), Build.neg(Build.mul(Build.mul(adj, y), y)), out);
                    return;
                }
                Expr q = Build.div(adj, b.right());
                if (varied[0]) {
                    q = atomic(q, out);
                    propagate(b.left(), q, out);
                }
                propagate(b.right(), Build.neg(Build.mul(q, y)), out);
                return;
            }
            List<Expr> partials = DerivativeRules.of(Exprs.operator(e)).partials(args.toArray(new Expr[0]), results.get(e));
            Expr a = count > 1 ? atomic(adj, out) : adj;
            for (int i = 0; i < args.size(); i++) {
                if (varied[i]) {
                    propagate(args.get(i), Build.mul(a, partials.get(i)), out);
                }
            }
        }

        /** Whether {@code v} is {@code k·u} (or {@code u·k}, or a temporary holding it) with {@code k} not varied. */
        private boolean scaled(Expr v, Expr u) {
            Expr definition = v instanceof Local l && definitions.containsKey(l.name()) ? definitions.get(l.name()) : v;
            if (!(definition instanceof Expr.Binary m) || m.op() != Expr.BinaryOp.MUL || !activity.isVaried(u)
                    || !Exprs.isAtom(u)) {
                return false;
            }
            return m.right().equals(u) && constantIn(m.left()) || m.left().equals(u) && constantIn(m.right());
        }

        /** Not varied, looking through a temporary of the forward sweep (which holds, e.g., {@code -0.5}). */
        private boolean constantIn(Expr k) {
            return !activity.isVaried(k instanceof Local l && definitions.containsKey(l.name()) ? definitions.get(l.name()) : k);
        }

        /**
         * Through a call of another {@code @Differentiable} method: its pullback, called with the
         * same arguments and {@code adj} as seed, adds the argument adjoints into a gradient holder
         * ({@code _g1}); array arguments share the caller's adjoint arrays directly.
         */
        private void propagateCall(Expr.DiffCall c, Expr adj, List<Stmt> out) {
            ExecutableElement callee = c.method();
            String name = callee.getSimpleName().toString();
            JType.ClassRef gradientClass = c.adjoint().nested(MethodValidator.capitalize(name) + "Gradient");
            JType holderType = JType.generated(gradientClass);
            Local holder = new Local(names.temp("_g"), holderType);
            if (calls.reaches(callee, element)) {
                // a recursive call: each level needs its own holder
                holders.add(new Stmt.Declare(holder, new Expr.Apply(null, gradientClass, "new", List.of(), holderType),
                        null, null));
            } else {
                // reused, one per thread: the pullback allocates nothing
                String field = (method.name() + holder.name()).toUpperCase(java.util.Locale.ROOT);
                sharedHolders.add(new Pullback.SharedHolder(field, holderType));
                holders.add(new Stmt.Declare(holder, new Expr.Apply(new Local(field, holderType), null, "get",
                        List.of(), holderType), null, null));
            }
            List<Expr> args = new ArrayList<>(c.args());
            for (int i = 0; i < args.size(); i++) {
                if (!c.wrt(i)) {
                    continue;
                }
                Expr arg = args.get(i);
                String param = c.gradientFields().get(i);
                Expr field = new Expr.FieldRead(holder, param, arg.type());
                if (arg.type().isDoubleArray()) {
                    out.add(new Stmt.Put(field, activity.isVaried(arg) ? adjoint((Local) arg)
                            : new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(arg))));
                } else if (activity.isVaried(arg)) {
                    out.add(new Stmt.Put(field, Build.lit(0)));
                }
            }
            args.add(adj);
            args.add(holder);
            Expr.Apply pullback = new Expr.Apply(null, c.adjoint(), name + "Pullback", args, JType.DOUBLE);
            sites.put(pullback, new Pullback.Site(c, null, c.position()));
            out.add(new Stmt.Eval(pullback, null, null));
            for (int i = 0; i < c.args().size(); i++) {
                Expr arg = c.args().get(i);
                if (c.wrt(i) && arg.type().isDouble() && activity.isVaried(arg)) {
                    propagate(arg, new Expr.FieldRead(holder, c.gradientFields().get(i), JType.DOUBLE), out);
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
            return adjoints.computeIfAbsent(var.name(), n -> new Local(names.adjoint(n), var.type().isDoubleArray()
                    ? JType.DOUBLE_ARRAY : JType.DOUBLE));
        }

        /**
         * {@code n} of a counting loop {@code for (int i = a; i < n; i++)} (or {@code <=}, or
         * {@code i > n} counting down) without any other exit, when the reverse sweep can evaluate
         * {@code a} and {@code n} again: then it needs no count.
         */
        private Expr bound(LoopNode l) {
            int step = Normalize.step(l.source);
            Expr start = ((Stmt.Declare) l.source.init().get(0)).init();
            if (!(l.source.condition() instanceof Expr.Binary c) || !c.left().equals(l.counter)
                    || c.right().type().kind() != JType.Kind.INT
                    || !recomputable(c.right(), l.block) || !recomputable(start, l.block)) {
                return null;
            }
            if (step == 1 && (c.op() == Expr.BinaryOp.LT || c.op() == Expr.BinaryOp.LE)) {
                return c.op() == Expr.BinaryOp.LT ? Build.intSub(c.right(), Build.intLit(1)) : c.right();
            }
            if (step == -1 && (c.op() == Expr.BinaryOp.GT || c.op() == Expr.BinaryOp.GE)) {
                return c.op() == Expr.BinaryOp.GT ? Build.intAdd(c.right(), Build.intLit(1)) : c.right();
            }
            return null;
        }

        /**
         * Whether the reverse sweep may evaluate an {@code if}'s condition again instead of storing
         * the branch taken: it reads only variables assigned once (parameters, locals of the method's
         * top level), counters of counting loops, and elements of arrays nothing writes.
         */
        private boolean recomputable(Expr condition, Block where) {
            if (condition instanceof Local l) {
                return canonicalCounters.contains(l.name()) || (assignments.getOrDefault(l.name(), 0) <= 1
                        && (declaredAtTop(l.name()) || declaredAround(l, where)));
            }
            if (condition instanceof Expr.Literal) {
                return true;
            }
            if (condition instanceof Expr.ArrayRead a && a.array() instanceof Local array
                    && writtenArrays.contains(array.name())) {
                return false;
            }
            if (condition instanceof Expr.Invoke || condition instanceof Expr.DiffCall || condition instanceof Expr.CustomCall
                    || condition instanceof Expr.StaticField || condition instanceof Expr.FieldRead
                    || condition instanceof Expr.New || condition instanceof Expr.NewArray) {
                return false;
            }
            return Exprs.children(condition).stream().allMatch(c -> recomputable(c, where));
        }

        /**
         * Declared in a scope around {@code where}: the reverse sweep of that scope gives it back
         * (recomputed or kept) before it reaches {@code where}.
         */
        private boolean declaredAround(Local l, Block where) {
            for (Block b = where; b != null && !b.top(); b = b.parent) {
                if (b.locals.contains(l)) {
                    return true;
                }
            }
            return false;
        }

        private boolean declaredAtTop(String name) {
            if (method.params().stream().anyMatch(p -> p.name().equals(name))) {
                return true;
            }
            return body.stream().anyMatch(s -> s instanceof Stmt.Declare d && d.var().name().equals(name));
        }

        // ------------------------------------------------------------ pass 3: what to keep

        /**
         * A variable or element overwritten by a step is saved just before it when the reverse sweep
         * of an earlier statement, or of any statement of a loop around it, reads it; the reverse
         * sweep restores it on the way back. A scope's own variables that its reverse sweep reads
         * are kept at its end.
         */
        private void saveOverwrittenValues(Block block, Set<String> readBefore, List<LoopNode> loops) {
            for (Node node : block.nodes) {
                if (node instanceof StepNode) {
                    readBefore.addAll(node.reads); // its own reverse reads the old value of its target
                }
                if (node instanceof StepNode step && step.overwrites && step.target != null
                        && !canonicalCounters.contains(step.target.name())
                        && (readBefore.contains(step.target.name()) || readInLoops(step, loops))) {
                    JType type = step.isElementWrite() ? step.target.type().component() : step.target.type();
                    step.saved = slot(type, block);
                    if (step.isElementWrite()) {
                        savedArrays.add(step.target.name());
                    } else {
                        needsInitializer.add(step.target.name());
                    }
                } else if (node instanceof IfNode f) {
                    saveOverwrittenValues(f.then, readBefore, loops);
                    saveOverwrittenValues(f.otherwise, readBefore, loops);
                } else if (node instanceof LoopNode l) {
                    List<LoopNode> inLoop = new ArrayList<>(loops);
                    inLoop.add(l);
                    saveOverwrittenValues(l.body, readBefore, inLoop);
                } else if (node instanceof Block b) {
                    saveOverwrittenValues(b, readBefore, loops);
                }
                readBefore.addAll(node.reads);
            }
            if (!block.top()) {
                keepLocals(block);
            } else {
                fused = fusable(block);
                if (fused != null) {
                    // its reverse part follows its forward part in the same scope: nothing to keep
                    for (Slot slot : fused.body.exits.values()) {
                        stackedSlots -= slot.stacked() ? 1 : 0;
                    }
                    fused.body.exits.clear();
                    fused.body.recomputed.clear();
                    if (stackedSlots == 0) {
                        stack = null;
                    }
                }
            }
        }

        /**
         * The method's last loop, when each iteration can run its reverse sweep at once after its
         * forward sweep, in forward order, storing nothing across iterations. That holds when
         * <ul>
         *   <li>what follows the loop is the return (and statements without derivative), whose
         *       reverse sweep reads nothing the loop or they write: it runs before the loop;
         *   <li>the reverse sweep of the loop passes nothing from one iteration to another: each
         *       adjoint of a variable from outside the loop is only added to (a gradient, {@code
         *       _d_w[j] += ...}) or only read (the adjoint of a sum {@code total += ...}, constant
         *       over the loop), never both, never set;
         *   <li>no value from outside the loop is saved for the reverse sweep and restored by it
         *       (it would undo the forward sweep of the next iterations).
         * </ul>
         * Then the reverse sweep of an iteration sees exactly the values its forward sweep left, as
         * the hand-written adjoint of a sum over samples does.
         */
        private LoopNode fusable(Block top) {
            int at = -1;
            for (int k = top.nodes.size() - 1; k >= 0; k--) {
                if (top.nodes.get(k) instanceof LoopNode) {
                    at = k;
                    break;
                }
            }
            if (at < 0 || vector != null || !hasReverse(top.nodes.get(at))) {
                return null;
            }
            LoopNode loop = (LoopNode) top.nodes.get(at);
            Set<String> inside = new HashSet<>();
            Set<String> written = new HashSet<>();
            List<StepNode> steps = new ArrayList<>();
            if (!collect(loop, inside, written, steps)) {
                return null;
            }
            StepNode ret = null;
            for (Node node : top.nodes.subList(at + 1, top.nodes.size())) {
                if (!(node instanceof StepNode step) || step.saved != null) {
                    return null;
                }
                for (Stmt f : step.forward) { // temporaries of its forward sweep, which runs after the loop
                    if (f instanceof Stmt.Declare d) {
                        written.add(d.var().name());
                    }
                }
                if (step.target == null) {
                    ret = step;
                } else if (!step.reverse.isEmpty() || adjoints.containsKey(step.target.name())) {
                    return null;
                } else {
                    written.add(step.target.name());
                }
            }
            if (ret == null || ret.reads.stream().anyMatch(written::contains)) {
                return null;
            }
            Set<String> added = new HashSet<>();
            Set<String> read = new HashSet<>();
            for (StepNode step : steps) {
                if (step.saved != null && (step.isElementWrite() || !inside.contains(step.target.name()))) {
                    return null;
                }
                for (Stmt r : step.reverse) {
                    if (!adjointUse(r, inside, added, read)) {
                        return null;
                    }
                }
            }
            added.retainAll(read);
            return added.isEmpty() && !stacks(loop.body, loop.body) ? loop : null;
        }

        /**
         * Whether the reverse sweep of {@code node}, in the body of a loop to fuse, would still keep
         * values on the stack (what nested loops and branches keep: an inner loop's tanh per
         * iteration). Fused, the loop would then push and pop as much as before, between the forward
         * and reverse sweeps of every iteration, and measured slower than unfused (two-layer net:
         * 1.07 against 1.02 times the hand-written adjoint, same run); left as it is.
         */
        private boolean stacks(Node node, Block fusedBody) {
            if (node instanceof StepNode step) {
                return step.saved != null && step.saved.stacked();
            }
            if (node instanceof IfNode f) {
                return (!f.recompute && hasReverse(f) && f.block != fusedBody) || stacks(f.then, fusedBody)
                        || stacks(f.otherwise, fusedBody);
            }
            if (node instanceof LoopNode l) {
                return (hasReverse(l) && l.bound == null && l.block != fusedBody) || stacks(l.body, fusedBody);
            }
            if (node instanceof Block b) {
                return (b != fusedBody && !b.exits.isEmpty()) || b.nodes.stream().anyMatch(n -> stacks(n, fusedBody));
            }
            return false;
        }

        /**
         * Walks a loop: the variables it declares, those it writes, its steps. False when it holds
         * what a fused loop cannot: a statement kept as is other than a throw.
         */
        private boolean collect(Node node, Set<String> inside, Set<String> written, List<StepNode> steps) {
            if (node instanceof StepNode step) {
                steps.add(step);
                if (step.target != null) {
                    written.add(step.target.name());
                }
                return true;
            }
            if (node instanceof PlainNode p) {
                return p.stmt instanceof Stmt.Throw;
            }
            if (node instanceof IfNode f) {
                return collect(f.then, inside, written, steps) && collect(f.otherwise, inside, written, steps);
            }
            if (node instanceof LoopNode l) {
                for (Stmt init : l.source.init()) {
                    Local target = Activity.target(init);
                    if (target != null) {
                        inside.add(target.name());
                        written.add(target.name());
                    }
                }
                return collect(l.body, inside, written, steps);
            }
            Block b = (Block) node;
            b.locals.forEach(local -> inside.add(local.name()));
            for (Node n : b.nodes) {
                if (!collect(n, inside, written, steps)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Sorts the adjoints of outside variables a reverse statement uses into {@code added} (the
         * target of a {@code +=}) and {@code read}; false when it sets one.
         */
        private boolean adjointUse(Stmt r, Set<String> inside, Set<String> added, Set<String> read) {
            Set<String> outside = new HashSet<>();
            adjoints.forEach((var, adj) -> {
                if (!inside.contains(var)) {
                    outside.add(adj.name());
                }
            });
            boolean[] ok = {true};
            if (r instanceof Stmt.Accumulate a) {
                Expr base = a.target() instanceof Expr.ArrayRead e ? e.array() : a.target();
                if (base instanceof Local l && outside.contains(l.name())) {
                    added.add(l.name());
                }
                if (a.target() instanceof Expr.ArrayRead e) {
                    Activity.locals(e.index(), l -> read.add(l.name()));
                }
                Activity.locals(a.delta(), l -> read.add(l.name()));
            } else if (r instanceof Stmt.If f) {
                Activity.locals(f.condition(), l -> read.add(l.name()));
                for (Stmt t : f.then()) {
                    ok[0] &= adjointUse(t, inside, added, read);
                }
                for (Stmt t : f.otherwise()) {
                    ok[0] &= adjointUse(t, inside, added, read);
                }
            } else if (r instanceof Stmt.Loop l) {
                for (Stmt t : l.init()) {
                    ok[0] &= adjointUse(t, inside, added, read);
                }
                Activity.locals(l.condition(), v -> read.add(v.name()));
                for (Stmt t : l.body()) {
                    ok[0] &= adjointUse(t, inside, added, read);
                }
                for (Stmt t : l.update()) {
                    ok[0] &= adjointUse(t, inside, added, read);
                }
            } else {
                Local target = r instanceof Stmt.Declare d ? d.var() : r instanceof Stmt.Assign a ? a.var()
                        : r instanceof Stmt.Put p && p.target() instanceof Expr.ArrayRead e && e.array() instanceof Local l ? l
                        : null;
                if (target != null && outside.contains(target.name())) {
                    return false;
                }
                Stmts.forEachExpr(List.of(r), e -> Activity.locals(e, l -> read.add(l.name())));
            }
            read.retainAll(outside);
            return ok[0];
        }

        /**
         * The scope's own variables its reverse sweep reads: computed again when their definition is
         * cheap arithmetic on values the reverse sweep has (inputs nothing overwrites, counters,
         * other such locals), else kept at the scope's end. Latest first, so that a recomputed
         * variable's own inputs become needed too.
         */
        private void keepLocals(Block block) {
            Set<String> needed = new HashSet<>(block.reads);
            for (Local local : block.locals) {
                if (local.type().isDoubleArray() && adjoints.containsKey(local.name())) {
                    needed.add(local.name()); // its adjoint array is made with its length
                }
            }
            Map<Local, Expr> recompute = new LinkedHashMap<>();
            List<Local> locals = block.locals;
            for (int k = locals.size() - 1; k >= 0; k--) {
                Local local = locals.get(k);
                if (!needed.contains(local.name()) || canonicalCounters.contains(local.name())) {
                    continue;
                }
                Expr definition = definitionIn(block, local);
                if (definition != null && cheap(definition, block, locals.subList(0, k))) {
                    recompute.put(local, definition);
                    Activity.locals(definition, l -> needed.add(l.name()));
                } else {
                    block.exits.put(local, null);
                }
            }
            for (Local local : locals) { // slots in declaration order: stores at the end, loads reversed
                if (block.exits.containsKey(local)) {
                    block.exits.put(local, slot(local.type(), block));
                    needsInitializer.add(local.name());
                }
            }
            for (Local local : locals) {
                if (recompute.containsKey(local)) {
                    block.recomputed.put(local, recompute.get(local));
                }
            }
        }

        /** What a scope's local is declared with, when it is never assigned again; else null. */
        private Expr definitionIn(Block block, Local local) {
            if (definitions.containsKey(local.name())) {
                return definitions.get(local.name());
            }
            if (assignments.getOrDefault(local.name(), 0) != 1) {
                return null;
            }
            for (Node node : block.nodes) {
                if (node instanceof StepNode step && step.source instanceof Stmt.Declare d && d.var().equals(local)) {
                    return step.lowered != null ? step.lowered : d.init();
                }
            }
            return null;
        }

        /** Arithmetic, element reads and lengths over invariant values and the given earlier locals. */
        private boolean cheap(Expr e, Block block, List<Local> earlier) {
            if (e instanceof Local l) {
                // an earlier local of the scope only if never assigned again: the reverse sweep has its exit value
                return (earlier.contains(l) && (definitions.containsKey(l.name())
                                || assignments.getOrDefault(l.name(), 0) == 1))
                        || canonicalCounters.contains(l.name())
                        || (assignments.getOrDefault(l.name(), 0) <= 1 && declaredAtTop(l.name())
                                && !writtenArrays.contains(l.name()));
            }
            if (e instanceof Expr.Literal) {
                return true;
            }
            if (e instanceof Expr.ArrayRead a && a.array() instanceof Local array && writtenArrays.contains(array.name())) {
                return false;
            }
            if (!(e instanceof Expr.Binary || e instanceof Expr.Unary || e instanceof Expr.Cast
                    || e instanceof Expr.ArrayRead || e instanceof Expr.Length)) {
                return false; // calls cost as much as a stored value, or have effects
            }
            if (e instanceof Expr.Binary b && !b.type().isDouble() && (b.op() == Expr.BinaryOp.DIV
                    || b.op() == Expr.BinaryOp.REM)) {
                return false;
            }
            return Exprs.children(e).stream().allMatch(c -> cheap(c, block, earlier));
        }

        /**
         * Whether a loop around the step reads its target in its reverse sweep, where the target
         * outlives the loop's iterations: a variable declared inside a loop's body is a new one in
         * each iteration, so that loop's other iterations never read this one.
         */
        private boolean readInLoops(StepNode step, List<LoopNode> loops) {
            Block declared = step.block;
            while (declared != null && declared.locals.stream().noneMatch(l -> l.name().equals(step.target.name()))) {
                declared = declared.parent;
            }
            for (LoopNode loop : loops) {
                if (loop.reads.contains(step.target.name()) && (declared == null || within(loop.block, declared))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code inner} is {@code outer} or nested in it. */
        private boolean within(Block inner, Block outer) {
            for (Block b = inner; b != null; b = b.parent) {
                if (b == outer) {
                    return true;
                }
            }
            return false;
        }

        private Slot slot(JType type, Block where) {
            if (type.kind() == JType.Kind.OTHER) {
                throw reporter.abortWithError(method.position(), "AdjointNotYetSupported",
                        "the reverse sweep of " + method.name() + " would need to keep values of type " + type
                                + " that a loop or branch overwrites; compute them once, before the loop");
            }
            if (where.depth > 0) {
                if (stack == null) {
                    stack = new Local(names.fresh("_stack"), JType.generated(VALUE_STACK));
                }
                stackedSlots++;
                return new Slot(type, null, false);
            }
            Slot slot = new Slot(type, new Local(names.temp(type.kind() == JType.Kind.BOOLEAN ? "_c" : "_t"), type),
                    !where.top());
            if (slot.declaredAtTop) {
                topSlots.add(slot);
            }
            return slot;
        }

        // ------------------------------------------------------------ pass 4: the pullback's body

        private List<Stmt> assemble(Block top, String into) {
            List<Stmt> forward = new ArrayList<>();
            int at = fused == null ? top.nodes.size() : top.nodes.indexOf(fused);
            top.nodes.subList(0, at).forEach(n -> emitForward(n, forward)); // first: it decides where choices and counts are kept
            List<Stmt> early = new ArrayList<>();
            List<Stmt> fusedLoop = new ArrayList<>();
            List<Stmt> afterLoop = new ArrayList<>();
            if (fused != null) {
                for (int k = top.nodes.size() - 1; k > at; k--) {
                    emitReverse(top.nodes.get(k), early);
                }
                emitFusedLoop(fused, fusedLoop);
                top.nodes.subList(at + 1, top.nodes.size()).forEach(n -> emitForward(n, afterLoop));
            }
            List<Stmt> out = new ArrayList<>();
            out.add(new Stmt.Comment("forward sweep"));
            if (stack != null) {
                out.add(new Stmt.Declare(stack, new Expr.Apply(null, VALUE_STACK, "get", List.of(), stack.type()), null, null));
            }
            for (Slot s : topSlots) {
                out.add(new Stmt.Declare(s.var, defaultValue(s.type), null, null));
            }
            out.addAll(forward);
            Local intoVar = new Local(into, JType.DOUBLE);
            if (fused != null) {
                out.add(new Stmt.Comment("reverse sweep of the return first: it reads nothing the loop computes"));
                declareAdjoints(out, intoVar);
                out.addAll(early);
                out.add(new Stmt.Comment("each iteration's forward sweep, then its reverse sweep at once: the loop's"
                        + " reverse sweep passes nothing from one iteration to another"));
                out.addAll(fusedLoop);
                out.add(new Stmt.Comment("forward sweep, after the loop"));
                out.addAll(afterLoop);
            }
            Map<String, Local> snapshots = new LinkedHashMap<>();
            for (MethodIr.Param p : method.params()) {
                if (savedArrays.contains(p.name())) {
                    // the reverse sweep restores overwritten elements; the caller gets the primal's result back
                    Local copy = new Local(names.temp("_t"), JType.DOUBLE_ARRAY);
                    Local array = new Local(p.name(), p.type());
                    out.add(new Stmt.Declare(copy, new Expr.Apply(array, null, "clone", List.of(), JType.DOUBLE_ARRAY),
                            null, null));
                    snapshots.put(p.name(), copy);
                }
            }
            if (vector != null) {
                if (savedArrays.contains(vector.name())) {
                    // the reverse sweep restores overwritten elements: the caller gets a copy of the value
                    result = new Local(names.fresh("_ret"), JType.DOUBLE_ARRAY);
                    out.add(new Stmt.Declare(result, new Expr.Apply(vector, null, "clone", List.of(), JType.DOUBLE_ARRAY),
                            null, null));
                }
                requireSeedLength(out);
            }
            List<Stmt> reverseSweep = new ArrayList<>();
            for (int k = at - 1; k >= 0; k--) {
                emitReverse(top.nodes.get(k), reverseSweep);
            }
            if (fused == null || !reverseSweep.isEmpty()) {
                out.add(new Stmt.Comment(fused == null ? "reverse sweep" : "reverse sweep of what comes before the loop"));
            }
            if (fused == null) {
                declareAdjoints(out, intoVar);
            }
            out.addAll(mergeElementUpdates(reverseSweep));
            snapshots.forEach((name, copy) -> out.add(new Stmt.Eval(new Expr.Apply(null, SYSTEM, "arraycopy",
                    List.of(copy, Build.intLit(0), new Local(name, JType.DOUBLE_ARRAY), Build.intLit(0),
                            new Expr.Length(copy)), JType.INT), null, null)));
            for (MethodIr.Param p : method.params()) {
                Local adj = adjoints.get(p.name());
                if (!p.wrt() || adj == null) {
                    continue;
                }
                Expr field = new Expr.FieldRead(intoVar, p.name(), p.type());
                if (p.type().isDouble()) {
                    out.add(new Stmt.Accumulate(field, adj));
                } else if (writtenArrays.contains(p.name())) {
                    Local j = new Local(names.fresh("_j"), JType.INT);
                    out.add(Build.countingLoop(j, Build.intLit(0), new Expr.Length(adj), List.of(new Stmt.Accumulate(
                            new Expr.ArrayRead(field, j, JType.DOUBLE), new Expr.ArrayRead(adj, j, JType.DOUBLE)))));
                }
            }
            out.add(new Stmt.Return(result, null, null));
            return startWithFirstTerm(out);
        }

        /** The adjoints of the parameters and top-level locals, then the holders of called pullbacks. */
        private void declareAdjoints(List<Stmt> out, Local intoVar) {
            for (String var : declarationOrder()) {
                Local adj = adjoints.get(var);
                if (adj != null) {
                    out.add(new Stmt.Declare(adj, initialAdjoint(var, adj, intoVar), null, null));
                }
            }
            out.addAll(holders);
        }

        /**
         * The {@link #fused} loop: its body's forward sweep, then at once its reverse sweep, which
         * reads the body's variables where the forward sweep left them.
         */
        private void emitFusedLoop(LoopNode l, List<Stmt> out) {
            Stmt.Loop loop = l.source;
            List<Stmt> body = scope(l.body, List.of());
            List<Stmt> reverse = reverseScope(l.body);
            if (!reverse.isEmpty()) {
                body.add(new Stmt.Comment("reverse sweep of the iteration"));
                body.addAll(reverse);
            }
            out.add(new Stmt.Loop(loop.label(), loop.init(), loop.condition(), loop.update(), body, loop.doWhile(),
                    loop.position(), loop.source()));
        }

        /**
         * The adjoint's starting value: 0 for a double; for an array parameter the caller's gradient
         * array itself (the reverse sweep adds into it) unless the method writes to the array, for a
         * local array a new one of its length.
         */
        private Expr initialAdjoint(String var, Local adj, Local intoVar) {
            if (!adj.type().isDoubleArray()) {
                return Build.lit(0);
            }
            boolean param = method.params().stream().anyMatch(p -> p.name().equals(var));
            if (param && !writtenArrays.contains(var)) {
                return new Expr.FieldRead(intoVar, var, JType.DOUBLE_ARRAY);
            }
            return new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(new Local(var, JType.DOUBLE_ARRAY)));
        }

        private void emitForward(Node node, List<Stmt> out) {
            if (node instanceof StepNode step) {
                List<Stmt> stmts = new ArrayList<>();
                for (Stmt s : step.forward) {
                    stmts.add(s instanceof Stmt.Declare d && d.init() == null && needsInitializer.contains(d.var().name())
                            ? new Stmt.Declare(d.var(), defaultValue(d.var().type()), d.position(), d.source()) : s);
                }
                if (step.saved != null) {
                    // just before the write itself, after any temporary its index needs
                    Expr old = step.isElementWrite() ? new Expr.ArrayRead(step.target, elementIndex(step), step.saved.type)
                            : step.target;
                    stmts.add(step.isElementWrite() ? stmts.size() - 1 : 0, store(step.saved, old));
                }
                out.addAll(stmts);
            } else if (node instanceof PlainNode p) {
                out.add(p.stmt);
            } else if (node instanceof Block b && b.top()) {
                b.nodes.forEach(n -> emitForward(n, out));
            } else if (node instanceof Block b) {
                out.add(new Stmt.Block(scope(b, List.of())));
            } else if (node instanceof IfNode f) {
                emitIf(f, out);
            } else {
                emitLoop((LoopNode) node, out);
            }
        }

        private Expr elementIndex(StepNode step) {
            return step.index != null ? step.index : ((Stmt.ArrayWrite) step.source).index();
        }

        /** A scope's forward statements, then the values its reverse sweep needs, then {@code after}. */
        private List<Stmt> scope(Block b, List<Stmt> after) {
            List<Stmt> out = new ArrayList<>();
            b.nodes.forEach(n -> emitForward(n, out));
            b.exits.forEach((local, slot) -> out.add(store(slot, local)));
            out.addAll(after);
            return out;
        }

        private void emitIf(IfNode f, List<Stmt> out) {
            Expr condition = f.source.condition();
            List<Stmt> markThen = List.of();
            List<Stmt> markElse = List.of();
            if (!f.recompute && hasReverse(f)) {
                f.choice = inFusedBody(f.block) ? new Slot(JType.BOOLEAN, new Local(names.temp("_c"), JType.BOOLEAN), false)
                        : slot(JType.BOOLEAN, f.block);
                if (f.choice.stacked()) {
                    markThen = List.of(store(f.choice, new Expr.Literal(true, JType.BOOLEAN)));
                    markElse = List.of(store(f.choice, new Expr.Literal(false, JType.BOOLEAN)));
                } else if (f.choice.declaredAtTop) {
                    markThen = List.of(store(f.choice, new Expr.Literal(true, JType.BOOLEAN)));
                } else {
                    out.add(new Stmt.Declare(f.choice.var, condition, null, null));
                    condition = f.choice.var;
                }
            }
            out.add(new Stmt.If(condition, scope(f.then, markThen), scope(f.otherwise, markElse), f.source.position(),
                    f.source.source()));
        }

        /** Whether {@code b} is the fused loop's body itself, whose reverse part runs in the same scope. */
        private boolean inFusedBody(Block b) {
            return fused != null && b == fused.body;
        }

        private void emitLoop(LoopNode l, List<Stmt> out) {
            Stmt.Loop loop = l.source;
            List<Stmt> first = List.of();
            if (hasReverse(l) && l.bound == null) {
                l.count = new Local(names.temp("_n"), JType.INT);
                // in the fused loop's body the count stays in a local the reverse part reads
                l.countSlot = l.block.depth > 0 && !inFusedBody(l.block) ? slot(JType.INT, l.block) : null;
                if (l.block.depth == 0 && !l.block.top()) {
                    topSlots.add(new Slot(JType.INT, l.count, true));
                } else {
                    out.add(new Stmt.Declare(l.count, Build.intLit(0), null, null));
                }
                first = List.of(new Stmt.Assign(l.count, Build.increment(l.count), null, null));
            }
            List<Stmt> loopBody = new ArrayList<>(first);
            loopBody.addAll(scope(l.body, List.of()));
            out.add(new Stmt.Loop(loop.label(), loop.init(), loop.condition(), loop.update(), loopBody, loop.doWhile(),
                    loop.position(), loop.source()));
            if (l.countSlot != null) {
                out.add(store(l.countSlot, l.count));
            }
        }

        private void emitReverse(Node node, List<Stmt> out) {
            if (node instanceof StepNode step) {
                if (step.reverse.isEmpty() && step.saved == null) {
                    return;
                }
                if (sourceOf(step.source) != null) {
                    out.add(new Stmt.Comment("grad of: " + sourceOf(step.source)));
                }
                if (step.saved != null) {
                    Expr restored = load(step.saved);
                    out.add(step.isElementWrite()
                            ? new Stmt.Put(new Expr.ArrayRead(step.target, elementIndex(step), step.saved.type), restored)
                            : new Stmt.Assign(step.target, restored, null, null));
                }
                out.addAll(step.reverse);
            } else if (node instanceof Block b && b.top()) {
                for (int k = b.nodes.size() - 1; k >= 0; k--) {
                    emitReverse(b.nodes.get(k), out);
                }
            } else if (node instanceof Block b) {
                if (hasReverse(b)) {
                    out.add(new Stmt.Block(reverseScope(b)));
                }
            } else if (node instanceof IfNode f) {
                if (!hasReverse(f)) {
                    return;
                }
                Expr condition = f.recompute ? f.source.condition()
                        : f.choice.stacked() ? load(f.choice) : f.choice.var;
                out.add(new Stmt.If(condition, reverseScope(f.then), reverseScope(f.otherwise), null, null));
            } else if (node instanceof LoopNode l) {
                if (!hasReverse(l)) {
                    return;
                }
                out.add(new Stmt.Comment("grad of: " + l.source.source()));
                if (l.countSlot != null) {
                    out.add(new Stmt.Declare(l.count, load(l.countSlot), null, null));
                }
                List<Stmt> body = reverseScope(l.body);
                int step = l.counter == null ? 0 : Normalize.step(l.source);
                if (step == 1 || step == -1) {
                    // the body saw counter = start, ..., last (the bound, or start ± (count - 1)): the same range backwards
                    Expr start = ((Stmt.Declare) l.source.init().get(0)).init();
                    Expr last = l.bound != null ? l.bound
                            : step == 1 ? Build.intSub(Build.intAdd(start, l.count), Build.intLit(1))
                            : Build.intSub(start, Build.intSub(l.count, Build.intLit(1)));
                    out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(l.counter, last, null, null)),
                            new Expr.Binary(step == 1 ? Expr.BinaryOp.GE : Expr.BinaryOp.LE, l.counter, start,
                                    JType.BOOLEAN),
                            List.of(new Stmt.Assign(l.counter, step == 1 ? Build.decrement(l.counter)
                                    : Build.increment(l.counter), null, null)), body, false, null, null));
                } else if (l.counter != null) {
                    // the body saw counter = start, start + step, ..., start + (count - 1) * step
                    Expr start = ((Stmt.Declare) l.source.init().get(0)).init();
                    Local k = new Local(names.temp("_k"), JType.INT);
                    List<Stmt> withCounter = new ArrayList<>();
                    withCounter.add(new Stmt.Declare(l.counter, Build.intAdd(start, new Expr.Binary(Expr.BinaryOp.MUL,
                            k, Build.intLit(step), JType.INT)), null, null));
                    withCounter.addAll(body);
                    out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(k, Build.intSub(l.count, Build.intLit(1)),
                            null, null)), new Expr.Binary(Expr.BinaryOp.GE, k, Build.intLit(0), JType.BOOLEAN),
                            List.of(new Stmt.Assign(k, Build.decrement(k), null, null)), withCounter, false, null,
                            null));
                } else {
                    Local k = new Local(names.temp("_k"), JType.INT);
                    out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(k, l.count, null, null)),
                            new Expr.Binary(Expr.BinaryOp.GT, k, Build.intLit(0), JType.BOOLEAN),
                            List.of(new Stmt.Assign(k, Build.decrement(k), null, null)), body, false, null, null));
                }
            }
        }

        /** A scope's reverse sweep: its kept variables back, its adjoints at zero, its statements backwards. */
        private List<Stmt> reverseScope(Block b) {
            List<Stmt> out = new ArrayList<>();
            List<Map.Entry<Local, Slot>> exits = new ArrayList<>(b.exits.entrySet());
            for (int k = exits.size() - 1; k >= 0; k--) {
                out.add(new Stmt.Declare(exits.get(k).getKey(), load(exits.get(k).getValue()), null, null));
            }
            b.recomputed.forEach((local, definition) -> out.add(new Stmt.Declare(local, definition, null, null)));
            for (Local local : b.locals) {
                Local adj = adjoints.get(local.name());
                if (adj != null && !definitions.containsKey(local.name())) {
                    out.add(new Stmt.Declare(adj, local.type().isDoubleArray()
                            ? new Expr.NewArray(JType.DOUBLE_ARRAY, new Expr.Length(local)) : Build.lit(0), null, null));
                }
            }
            for (int k = b.nodes.size() - 1; k >= 0; k--) {
                emitReverse(b.nodes.get(k), out);
            }
            return startWithFirstTerm(mergeElementUpdates(out));
        }

        /**
         * {@code double _d_a = 0.0; ...; _d_a += e;} as {@code ...; double _d_a = e;} when nothing in
         * between touches {@code _d_a} and the {@code +=} is in the same statement list: {@code 0.0 + e}
         * is an addition the JIT must keep (it is not {@code e} for {@code e = -0.0}), on the path
         * of every adjoint that flows through {@code _d_a}.
         */
        private List<Stmt> startWithFirstTerm(List<Stmt> stmts) {
            List<Stmt> out = new ArrayList<>(stmts);
            for (int p = 0; p < out.size(); p++) {
                if (!(out.get(p) instanceof Stmt.Declare d) || !d.var().type().isDouble()
                        || !Double.valueOf(0.0).equals(Build.constant(d.init())) || !adjoints.containsValue(d.var())) {
                    continue;
                }
                for (int q = p + 1; q < out.size(); q++) {
                    Stmt later = out.get(q);
                    if (!touches(later, d.var())) {
                        continue;
                    }
                    if (later instanceof Stmt.Accumulate a && a.target().equals(d.var()) && !touches(
                            new Stmt.Eval(a.delta(), null, null), d.var())) {
                        out.set(q, new Stmt.Declare(d.var(), a.delta(), null, null));
                        out.remove(p);
                        p--;
                    }
                    break;
                }
            }
            return out;
        }

        /** Whether {@code s} (nested statements included) reads or writes {@code var}. */
        private boolean touches(Stmt s, Local var) {
            boolean[] found = {false};
            Stmts.forEach(List.of(s), t -> {
                if (t instanceof Stmt.Assign a && a.var().equals(var) || t instanceof Stmt.Declare d && d.var().equals(var)) {
                    found[0] = true;
                }
                Stmts.exprs(t).forEach(e -> Activity.locals(e, l -> found[0] |= l.equals(var)));
            });
            return found[0];
        }

        /**
         * {@code _d_x[i] -= a; ...; _d_x[i] -= b;} as one {@code _d_x[i] -= a + b;} at the second
         * place, when nothing in between reads that array or changes what {@code a} reads: one
         * memory update per element instead of one per term (sums in another order round differently
         * only in the last bits).
         */
        private List<Stmt> mergeElementUpdates(List<Stmt> stmts) {
            List<Stmt> out = new ArrayList<>(stmts);
            for (int p = 0; p < out.size(); p++) {
                if (!(out.get(p) instanceof Stmt.Accumulate first) || !(first.target() instanceof Expr.ArrayRead target)
                        || !(target.array() instanceof Local array)) {
                    continue;
                }
                Set<String> inputs = new HashSet<>();
                Activity.locals(first.delta(), l -> inputs.add(l.name()));
                for (int q = p + 1; q < out.size(); q++) {
                    Stmt between = out.get(q);
                    if (between instanceof Stmt.Comment) {
                        continue;
                    }
                    if (!(between instanceof Stmt.Accumulate later)) {
                        break;
                    }
                    if (later.target().equals(target)) {
                        out.set(q, new Stmt.Accumulate(target, sum(first.delta(), later.delta())));
                        out.remove(p);
                        p--;
                        break;
                    }
                    boolean[] conflict = {false};
                    Activity.locals(later.delta(), l -> conflict[0] |= l.equals(array));
                    Activity.locals(later.target(), l -> conflict[0] |= inputs.contains(l.name()));
                    if (conflict[0]) {
                        break;
                    }
                }
            }
            return out;
        }

        /** {@code a + b}, written {@code -(a' + b')} when both are negated, so it prints as {@code -= a' + b'}. */
        private Expr sum(Expr a, Expr b) {
            boolean negA = a instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG;
            boolean negB = b instanceof Expr.Unary v && v.op() == Expr.UnaryOp.NEG;
            if (negA && negB) {
                return Build.neg(Build.add(((Expr.Unary) a).operand(), ((Expr.Unary) b).operand()));
            }
            if (negB) {
                return Build.sub(a, ((Expr.Unary) b).operand());
            }
            if (negA) {
                return Build.sub(b, ((Expr.Unary) a).operand());
            }
            return Build.add(a, b);
        }

        private boolean hasReverse(Node node) {
            if (node instanceof StepNode step) {
                return !step.reverse.isEmpty() || step.saved != null;
            }
            if (node instanceof IfNode f) {
                return hasReverse(f.then) || hasReverse(f.otherwise);
            }
            if (node instanceof LoopNode l) {
                return hasReverse(l.body);
            }
            if (node instanceof Block b) {
                return !b.exits.isEmpty() || !b.recomputed.isEmpty() || b.nodes.stream().anyMatch(this::hasReverse);
            }
            return false;
        }

        private Stmt store(Slot slot, Expr value) {
            if (slot.stacked()) {
                return new Stmt.Eval(new Expr.Apply(stack, null, "push", List.of(value), JType.INT), null, null);
            }
            if (slot.declaredAtTop) {
                return new Stmt.Assign(slot.var, value, null, null);
            }
            return new Stmt.Declare(slot.var, value, null, null);
        }

        private Expr load(Slot slot) {
            if (!slot.stacked()) {
                return slot.var;
            }
            String pop = switch (slot.type.kind()) {
                case DOUBLE -> "popDouble";
                case INT -> "popInt";
                case LONG -> "popLong";
                case DOUBLE_ARRAY -> "popArray";
                default -> "popBoolean";
            };
            return new Expr.Apply(stack, null, pop, List.of(), slot.type);
        }

        /** Parameters, then locals of the method's top level, in the order the method declares them. */
        private List<String> declarationOrder() {
            List<String> order = new ArrayList<>();
            method.params().forEach(p -> order.add(p.name()));
            for (Stmt s : body) {
                if (s instanceof Stmt.Declare d) {
                    order.add(d.var().name());
                }
            }
            return order;
        }

        // ------------------------------------------------------------ rules

        private boolean[] variedMask(List<Expr> args) {
            boolean[] mask = new boolean[args.size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = activity.isVaried(args.get(i));
            }
            return mask;
        }

        // ------------------------------------------------------------ vector outputs

        /**
         * For a method returning {@code double[]}: the local array it returns, which must be its
         * one final {@code return r;} of a local created with {@code new double[n]} at its top level
         * (the reverse sweep seeds r's adjoint); null for a method returning {@code double}.
         */
        private Local returnedArray() {
            List<Stmt.Return> returns = new ArrayList<>();
            Stmts.forEach(method.body(), s -> {
                if (s instanceof Stmt.Return r) {
                    returns.add(r);
                }
            });
            if (returns.stream().noneMatch(r -> r.value().type().isDoubleArray())) {
                return null;
            }
            Stmt.Return last = returns.get(returns.size() - 1);
            boolean single = returns.size() == 1 && method.body().get(method.body().size() - 1) == last;
            boolean local = last.value() instanceof Local l && assignments.getOrDefault(l.name(), 0) <= 1
                    && method.body().stream().anyMatch(s -> s instanceof Stmt.Declare d && d.var().equals(l)
                            && d.init() instanceof Expr.NewArray);
            if (!single || !local) {
                throw reporter.abortWithError(returns.get(0).position() != null ? returns.get(0).position()
                        : method.position(), "AdjointNotYetSupported", method.name() + " returns double[]: it must "
                                + "end with its only return, of a local array it creates with new double[n] at its "
                                + "top level (double[] r = new double[n]; ... return r;); copy the values into one");
            }
            return (Local) last.value();
        }

        /** {@code if (seed.length != r.length) throw new IllegalArgumentException(...)}, once r's length is known. */
        private void requireSeedLength(List<Stmt> out) {
            Local seedArray = new Local(seed, JType.DOUBLE_ARRAY);
            JType string = JType.generated(new JType.ClassRef("java.lang", List.of("String")));
            JType.ClassRef exception = new JType.ClassRef("java.lang", List.of("IllegalArgumentException"));
            Expr message = new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Binary(Expr.BinaryOp.ADD,
                    new Expr.Literal(seed + " must be a double[] of the length of " + method.name() + "'s value (", string),
                    new Expr.Length(result), string), new Expr.Literal(")", string), string);
            out.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, new Expr.Length(seedArray), new Expr.Length(result),
                    JType.BOOLEAN), List.of(new Stmt.Throw(new Expr.Apply(null, exception, "new", List.of(message),
                    JType.generated(exception)), null, null)), List.of(), null, null));
        }

        // ------------------------------------------------------------ checks and bookkeeping

        /**
         * A value computed by a call Adjoint cannot see into must not depend on varied values
         * where the result matters: its derivative would be silently lost. A call of another
         * {@code @Differentiable} method must be one its pullback can replay.
         */
        private void checkCalls(Expr e, Local target) {
            if (e == null) {
                return;
            }
            checkArguments(e);
            if (target != null && !activity.isUseful(target)) {
                return;
            }
            Activity.carrying(e, node -> {
                boolean carriesDoubles = node.type().isDifferentiable() || node.type().kind() == JType.Kind.OTHER;
                if ((node instanceof Expr.Invoke || node instanceof Expr.New) && carriesDoubles
                        && Exprs.children(node).stream().anyMatch(activity::dependsOnVaried)) {
                    String callee = node instanceof Expr.Invoke i ? describe(i.method()) : "new " + node.type();
                    throw reporter.abortWithError(position(node), "AdjointUnsupportedCall",
                            "cannot differentiate through " + callee + ": annotate it @Differentiable, give it a "
                                    + "derivative with @DerivativeOf, or compute it from Math functions inside this method");
                }
            });
        }

        /** Calls with arrays or with derivatives: what Adjoint can replay and differentiate. */
        private void checkArguments(Expr e) {
            Exprs.children(e).forEach(this::checkArguments);
            if (e instanceof Expr.Invoke i) {
                for (Expr arg : i.args()) {
                    if (arg.type().isDoubleArray() && activity.isVaried(arg)) {
                        throw reporter.abortWithError(i.position(), "AdjointUnsupportedCall",
                                "cannot pass the differentiated array " + describe(arg) + " to " + describe(i.method())
                                        + ": Adjoint cannot see whether it reads or writes it; annotate that method "
                                        + "@Differentiable or pass it the values it needs");
                    }
                }
            } else if (e instanceof Expr.DiffCall c) {
                String callee = describe(c.method());
                for (int k = 0; k < c.args().size(); k++) {
                    Expr arg = c.args().get(k);
                    String param = c.wrt(k) ? c.gradientFields().get(k)
                            : c.method().getParameters().get(k).getSimpleName().toString();
                    if (activity.isVaried(arg) && !c.wrt(k)) {
                        throw reporter.abortWithError(c.position(), "AdjointUnsupportedCall",
                                "cannot differentiate through " + callee + " with respect to its parameter " + param
                                        + ": it is @Differentiable with a wrt that leaves " + param + " out; add it "
                                        + "to wrt, or pass a value that does not depend on the differentiated parameters");
                    }
                    if (arg.type().isDoubleArray() && c.writtenArrays().contains(param)) {
                        throw reporter.abortWithError(c.position(), "AdjointUnsupportedCall",
                                "cannot differentiate through " + callee + ": it writes to its array parameter " + param
                                        + ", and the reverse sweep runs it again; have it write into a new array "
                                        + "instead");
                    }
                    if (arg.type().isDoubleArray() && activity.isVaried(arg) && !(arg instanceof Local)) {
                        throw reporter.abortWithError(c.position(), "AdjointUnsupportedCall",
                                "pass a double[] variable to " + callee + " (not " + describe(arg) + ")");
                    }
                }
            } else if (e instanceof Expr.CustomCall c) {
                for (int k = 0; k < c.args().size(); k++) {
                    if (activity.isVaried(c.args().get(k)) && c.derivatives().get(k) == null) {
                        throw reporter.abortWithError(c.position(), "AdjointUnsupportedCall",
                                "cannot differentiate through " + describe(c.method()) + " with respect to its "
                                        + "parameter " + k + ": its @DerivativeOf methods give no derivative for it; "
                                        + "add one with @DerivativeOf(..., wrt = " + k + ")");
                    }
                }
            }
        }

        /**
         * Arrays that carry derivatives are one object each: a local one is created with
         * {@code new double[n]} and never replaced, parameters are never replaced, so no two
         * names share one array.
         */
        private void checkArrays(Stmt s, Local target, Expr value) {
            // element writes are fine: the reader admits them on array variables only, and
            // countAssignments() has noted which arrays are written
            if (!target.type().isDoubleArray() || s instanceof Stmt.ArrayWrite) {
                return;
            }
            boolean carries = activity.isVaried(target);
            if (s instanceof Stmt.Assign && carries) {
                throw reporter.abortWithError(position(s), "AdjointArrayAlias",
                        "cannot differentiate the assignment " + sourceOf(s) + ": a differentiated array variable "
                                + "must keep the array it starts with (two names for one array would mix their "
                                + "gradients); copy the elements instead");
            }
            if (s instanceof Stmt.Declare && carries && value != null && !(value instanceof Expr.NewArray)) {
                throw reporter.abortWithError(position(s), "AdjointArrayAlias",
                        "cannot differentiate " + sourceOf(s) + ": a differentiated local array must be created with "
                                + "new double[n] (here it would be a second name for another array); copy the "
                                + "elements instead");
            }
            if (carries && current.depth > 0) {
                throw reporter.abortWithError(position(s), "AdjointNotYetSupported",
                        "differentiated array " + target.name() + " is declared inside a loop; declare it before "
                                + "the loop and reuse it");
            }
        }

        /** A name declared in a nested scope must not be declared again at the top level (the reverse sweep redeclares it). */
        private void checkScopes() {
            Set<String> top = new HashSet<>(declarationOrder());
            for (Stmt s : body) {
                for (List<Stmt> inner : Stmts.blocks(s)) {
                    Stmts.forEach(inner, t -> {
                        if (t instanceof Stmt.Declare d && top.contains(d.var().name())) {
                            throw reporter.abortWithError(d.position() != null ? d.position() : method.position(),
                                    "AdjointNotYetSupported", "variable " + d.var().name() + " is declared both inside "
                                            + "a block and at the top level of " + method.name() + "; rename one");
                        }
                    });
                }
            }
        }

        private void warnAboutLostDerivatives() {
            Stmts.forEachExpr(body, this::warnAboutLostDerivatives);
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
            Stmts.forEach(body, s -> {
                if (s instanceof Stmt.Declare d) {
                    assignments.merge(d.var().name(), d.init() == null ? 0 : 1, Integer::sum);
                } else if (s instanceof Stmt.Assign a) {
                    assignments.merge(a.var().name(), 1, Integer::sum);
                } else if (s instanceof Stmt.ArrayWrite w && w.array() instanceof Local array) {
                    writtenArrays.add(array.name());
                }
            });
        }

        private List<String> writtenArraysOfParams() {
            return method.params().stream().map(MethodIr.Param::name).filter(writtenArrays::contains)
                    .collect(Collectors.toList());
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

        private Position position(Stmt s) {
            if (s instanceof Stmt.Declare d && d.position() != null) {
                return d.position();
            }
            if (s instanceof Stmt.Assign a && a.position() != null) {
                return a.position();
            }
            if (s instanceof Stmt.ArrayWrite w && w.position() != null) {
                return w.position();
            }
            return method.position();
        }

        private Position position(Expr e) {
            Position p = find(e);
            return p != null ? p : method.position();
        }

        private Position find(Expr e) {
            if (e instanceof Expr.Invoke i) {
                return i.position();
            }
            if (e instanceof Expr.DiffCall c) {
                return c.position();
            }
            if (e instanceof Expr.CustomCall c) {
                return c.position();
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

    private static Expr defaultValue(JType type) {
        return switch (type.kind()) {
            case DOUBLE -> Build.lit(0);
            case BOOLEAN -> new Expr.Literal(false, JType.BOOLEAN);
            case LONG -> new Expr.Literal(0L, JType.LONG);
            case INT -> Build.intLit(0);
            default -> new Expr.Literal(null, type);
        };
    }

    private static String sourceOf(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.source();
        }
        if (s instanceof Stmt.Assign a) {
            return a.source();
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return w.source();
        }
        return ((Stmt.Return) s).source();
    }

    private static String describe(Expr e) {
        return e instanceof Local l ? l.name() : "an array expression";
    }

    private static String describe(ExecutableElement method) {
        String params = method.getParameters().stream().map(p -> p.asType().toString()).collect(Collectors.joining(", "));
        return method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName() + "(" + params + ")";
    }

}
