package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Algebra;
import dev.adjoint.processor.ad.reverse.Tree.Branch;
import dev.adjoint.processor.ad.reverse.Tree.LoopNode;
import dev.adjoint.processor.ad.reverse.Tree.Node;
import dev.adjoint.processor.ad.reverse.Tree.Scope;
import dev.adjoint.processor.ad.reverse.Tree.Slot;
import dev.adjoint.processor.analysis.LoopWrites;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binomial checkpointing of one loop ({@code @Differentiable(checkpoints = s)}): instead of
 * recording each iteration for the reverse sweep, the forward sweep runs the loop as written,
 * counting its iterations, with a snapshot of its state before the first; the reverse sweep asks
 * the runtime's schedule ({@code dev.adjoint.internal.Checkpoints}, Griewank's revolve) what to do
 * until every iteration is reversed: set the state from a snapshot, run iterations as written, take
 * a snapshot, or run one iteration recording it and then its reverse sweep at once (as a fused
 * loop's body does). Memory: {@code s} snapshots and one iteration's recording.
 *
 * <p>The loops checkpointed are the outermost ones whose reverse sweep would record something per
 * iteration (a value on the stack, a kept local, a branch taken), except one {@link Fusion} runs
 * with its reverse sweep inside it. Their state is what {@link LoopWrites} finds (the fence has
 * refused what a snapshot cannot hold). Running an iteration again reads what the loop reads, so
 * a later statement that overwrites such a value keeps it for the reverse sweep
 * ({@link ToBeRecorded} counts these reads before the loop's). Recomputation is deterministic,
 * so the gradient is bitwise the one of the recording reverse sweep: the recorded iteration and
 * its reverse sweep are the same statements.
 */
final class CheckpointedLoop {

    /** The runtime's schedule and snapshot storage (generated code only). */
    static final ClassRef CHECKPOINTS = ClassRef.of("dev.adjoint.internal", "Checkpoints");
    private static final JType SCHEDULE = JType.named(CHECKPOINTS);
    private static final JType VOID = JType.named(ClassRef.of("java.lang", "Void"));

    final LoopNode loop;
    private final int snapshots;
    /** The variables the loop's initialiser declares: state, declared again around the reverse sweep's driver. */
    private final List<Var> initialised;
    /** The state: scalars in order, then arrays whose elements it writes. */
    private final List<Var> scalars = new ArrayList<>();
    private final List<Var> arrays = new ArrayList<>();
    /** What running an iteration again reads that the loop does not declare: it must still hold then. */
    final Set<Var> replayReads = new LinkedHashSet<>();
    /** The trip count, computable once the initialiser has run ({@code n - k}), or null. */
    private final Expr tripCount;
    private final Var schedule = new Var("_ck", SCHEDULE, Var.Role.KEPT);
    private final Var count = new Var("_n", JType.INT, Var.Role.COUNT);
    /** One iteration recorded, then its reverse sweep: made with the forward sweep, used by the reverse sweep. */
    private List<Stmt> step;

    private CheckpointedLoop(LoopNode loop, int snapshots) {
        this.loop = loop;
        this.snapshots = snapshots;
        Stmt.Loop l = loop.source;
        LoopWrites writes = LoopWrites.of(l, Map.of());
        if (!writes.problems.isEmpty()) {
            throw new IllegalStateException("the fence let through a loop checkpointing cannot snapshot: "
                    + writes.problems.get(0).message());
        }
        initialised = LoopWrites.initialised(l);
        Set<Var> state = new LinkedHashSet<>(initialised);
        state.addAll(writes.assigned.keySet());
        for (Var v : state) {
            if (!v.type.isPrimitive()) {
                throw new IllegalStateException("checkpointing cannot snapshot " + v + " of type " + v.type);
            }
            scalars.add(v);
        }
        arrays.addAll(writes.arrays.keySet());
        Set<Var> declared = new HashSet<>();
        List<Stmt> all = Stmts.all(List.of(l));
        for (Stmt s : all) {
            if (s instanceof Stmt.Declare d) {
                declared.add(d.var());
            }
        }
        Set<Var> changing = new HashSet<>(declared);
        changing.addAll(writes.assigned.keySet());
        tripCount = tripCount(l, l.condition(), changing);
        for (Stmt s : all) {
            for (Expr e : Stmts.exprs(s)) {
                Exprs.reads(e, v -> {
                    if (!declared.contains(v)) {
                        replayReads.add(v);
                    }
                });
            }
            Var target = Stmts.target(s);
            if (target != null && !declared.contains(target)) {
                replayReads.add(target); // a snapshot reads it
            }
        }
    }

    // ------------------------------------------------------------ which loops

    /**
     * The outermost loops of a tree that {@link ToBeRecorded} has run on whose reverse sweep records
     * something per iteration, but for the one {@link Fusion} would run with its reverse sweep.
     */
    static Set<Stmt.Loop> choose(Context c, Scope top) {
        Set<Stmt.Loop> out = Collections.newSetFromMap(new IdentityHashMap<>());
        LoopNode fused = Fusion.fusable(c, top);
        outermost(top, l -> {
            if (l != fused && Assembler.hasReverse(l) && Fusion.stacks(l.body, null)) {
                out.add(l.source);
            }
        });
        return out;
    }

    /** Marks the chosen loops of a newly built tree (before {@link ToBeRecorded} runs on it). */
    static List<CheckpointedLoop> mark(Scope top, Set<Stmt.Loop> chosen, int snapshots) {
        List<CheckpointedLoop> out = new ArrayList<>();
        outermost(top, l -> {
            if (chosen.contains(l.source)) {
                l.checkpointed = new CheckpointedLoop(l, snapshots);
                out.add(l.checkpointed);
            }
        });
        return out;
    }

    /**
     * Once {@link ToBeRecorded} has run: an iteration's forward and reverse sweeps share one block,
     * so the body's locals need not be kept at its end nor computed again. The arrays the caller
     * sees (parameters it writes, the returned one) are copied after the forward sweep and given
     * back: running iterations again leaves them as they were at some iteration, not at the end.
     */
    static void settle(List<CheckpointedLoop> loops, Context c, ToBeRecorded tbr) {
        if (!loops.isEmpty()) {
            for (dev.adjoint.processor.ir.MethodIr.Param p : c.method.params()) {
                if (c.writtenArrays.contains(p.var())) {
                    tbr.savedArrays.add(p.var());
                }
            }
            if (c.vector != null && c.writtenArrays.contains(c.vector)) {
                tbr.savedArrays.add(c.vector);
            }
        }
        for (CheckpointedLoop ck : loops) {
            Scope body = ck.loop.body;
            for (Slot slot : body.exits.values()) {
                tbr.stackedSlots -= slot.stacked() ? 1 : 0;
            }
            body.exits.clear();
            body.recomputed.clear();
        }
        if (tbr.stackedSlots == 0) {
            c.stack = null;
        }
    }

    private static void outermost(Scope scope, java.util.function.Consumer<LoopNode> action) {
        for (Node n : scope.nodes) {
            if (n instanceof LoopNode l) {
                action.accept(l);
            } else if (n instanceof Branch b) {
                outermost(b.then, action);
                outermost(b.otherwise, action);
            } else if (n instanceof Scope inner) {
                outermost(inner, action);
            }
        }
    }

    /**
     * For a counting loop ({@code for (int k = a; k < n; k++)}, or to {@code <= n}, or down to
     * {@code > n}, {@code >= n}), possibly with other exits ({@code !_break1 && k < n}): the number
     * of iterations it runs without them, from the counter's start ({@code n - k}), when nothing in
     * the loop changes the bound. A plan for where the forward sweep takes snapshots, not a
     * promise: the schedule is correct for any count.
     */
    private static Expr tripCount(Stmt.Loop l, Expr condition, Set<Var> changing) {
        Var counter = dev.adjoint.processor.analysis.Loops.counter(l);
        int step = counter == null ? 0 : dev.adjoint.processor.analysis.Loops.step(l);
        if (condition instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.AND)) {
            Expr left = tripCount(l, b.left(), changing);
            return left != null ? left : tripCount(l, b.right(), changing);
        }
        if ((step != 1 && step != -1) || !(condition instanceof Expr.Binary b) || !(b.left() instanceof Expr.Read r)
                || r.var() != counter || b.right().type().kind() != JType.Kind.INT || !fixed(b.right(), changing)) {
            return null;
        }
        Expr k = new Expr.Read(counter);
        Expr bound = b.right();
        return switch (b.op()) {
            case LT -> step == 1 ? Algebra.intSub(bound, k) : null;
            case LE -> step == 1 ? Algebra.intAdd(Algebra.intSub(bound, k), Algebra.intLit(1)) : null;
            case GT -> step == -1 ? Algebra.intSub(k, bound) : null;
            case GE -> step == -1 ? Algebra.intAdd(Algebra.intSub(k, bound), Algebra.intLit(1)) : null;
            default -> null;
        };
    }

    /** Integer arithmetic on constants, lengths and variables the loop does not change. */
    private static boolean fixed(Expr e, Set<Var> changing) {
        if (e instanceof Expr.Const) {
            return true;
        }
        if (e instanceof Expr.Read r) {
            return !changing.contains(r.var());
        }
        if (e instanceof Expr.Length || e instanceof Expr.Binary || e instanceof Expr.Unary || e instanceof Expr.Cast) {
            for (Expr child : Exprs.children(e)) {
                if (!fixed(child, changing)) {
                    return false;
                }
            }
            return !(e instanceof Expr.Length len) || len.array() instanceof Expr.Read;
        }
        return false;
    }

    // ------------------------------------------------------------ the forward sweep

    /**
     * The loop as written, counting its iterations, after a snapshot of its state; and, made now
     * (it decides where the iteration keeps its branch choices), the recorded iteration with its
     * reverse sweep, for the reverse sweep's driver.
     */
    List<Stmt> forward(Assembler assembler, ToBeRecorded tbr) {
        Stmt.Loop l = loop.source;
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Comment("checkpointed: " + l.source()));
        out.add(new Stmt.Comment("binomial checkpointing (revolve), at most " + snapshots + " snapshot"
                + (snapshots == 1 ? "" : "s") + " of the loop's state: the loop runs"));
        out.add(new Stmt.Comment(tripCount != null
                ? "here as written, counting its iterations and taking the schedule's first snapshots;"
                : "here as written, counting its iterations, with a snapshot before the first (its trip"));
        if (tripCount == null) {
            out.add(new Stmt.Comment("count is not known before it runs, so the schedule cannot place more yet);"));
        }
        out.add(new Stmt.Comment("the reverse sweep runs each iteration again from the nearest snapshot, records it"));
        out.add(new Stmt.Comment("and sweeps it back"));
        Expr start = call(null, "start", SCHEDULE, Expr.Const.ofInt(snapshots));
        if (loop.scope.top()) {
            out.add(new Stmt.Declare(schedule, start, null, null));
            out.add(new Stmt.Declare(count, Algebra.intLit(0), null, null));
        } else {
            // inside a branch or block: the reverse sweep, in another one, reads them
            tbr.topSlots.add(new Slot(SCHEDULE, schedule, true));
            tbr.topSlots.add(new Slot(JType.INT, count, true));
            out.add(new Stmt.Assign(schedule, start, null, null));
            out.add(new Stmt.Assign(count, Algebra.intLit(0), null, null));
        }
        List<Stmt> block = new ArrayList<>(l.init());
        if (tripCount != null) {
            block.add(new Stmt.Eval(call(schedule, "expect", VOID, tripCount), null, null));
        }
        // before each iteration (before the statements its condition needs, if any): a snapshot, when due
        Stmt snapshot = new Stmt.If(call(schedule, "snapshotBefore", JType.BOOLEAN, new Expr.Read(count)), puts(),
                List.of(), null, null);
        boolean inHead = !l.head().isEmpty() && !l.doWhile();
        List<Stmt> head = new ArrayList<>(l.head());
        List<Stmt> body = new ArrayList<>();
        (inHead ? head : body).add(0, snapshot);
        body.add(new Stmt.Assign(count, Algebra.increment(count), null, null));
        body.addAll(l.body());
        block.add(new Stmt.Loop(l.label(), List.of(), head, l.condition(), l.update(), body, l.doWhile(), l.pos(),
                l.source()));
        out.add(new Stmt.Block(null, block));
        step = new ArrayList<>();
        step.add(new Stmt.Comment("one iteration recorded, then its reverse sweep"));
        if (!l.doWhile()) {
            step.addAll(l.head());
        }
        step.addAll(assembler.scope(loop.body, List.of()));
        List<Stmt> reverse = assembler.reverseScope(loop.body);
        if (!reverse.isEmpty()) {
            step.add(new Stmt.Comment("reverse sweep of the iteration"));
            step.addAll(reverse);
        }
        return out;
    }

    // ------------------------------------------------------------ the reverse sweep

    /** The driver: the schedule's actions until every iteration is reversed. */
    List<Stmt> reverse() {
        Stmt.Loop l = loop.source;
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Comment("grad of: " + l.source()));
        List<Stmt> block = new ArrayList<>();
        block.add(new Stmt.Comment("checkpointed: the schedule says which snapshot to restore, how many iterations to"));
        block.add(new Stmt.Comment("run as written, when to take a snapshot, and which iteration to record and sweep"
                + " back"));
        for (Var v : initialised) {
            block.add(new Stmt.Declare(v, Exprs.defaultValue(v.type), null, null));
        }
        List<Stmt> iteration = new ArrayList<>();
        if (!l.doWhile()) {
            iteration.addAll(l.head());
        }
        iteration.addAll(l.body());
        iteration.addAll(l.update());
        if (l.doWhile()) {
            iteration.addAll(l.head());
        }
        Var i = new Var("_i", JType.INT, Var.Role.INDEX);
        Stmt advance = new Stmt.Loop(null, List.of(new Stmt.Declare(i, call(schedule, "iterations", JType.INT), null,
                null)), List.of(), new Expr.Binary(Expr.BinaryOp.GT, new Expr.Read(i), Algebra.intLit(0), JType.BOOLEAN,
                null), List.of(new Stmt.Assign(i, Algebra.decrement(i), null, null)), iteration, false, null, null);
        Var action = new Var("_action", JType.INT, Var.Role.INDEX);
        Stmt dispatch = new Stmt.If(is(action, "RESTORE"), gets(), List.of(new Stmt.If(is(action, "TAKE"), puts(),
                List.of(new Stmt.If(is(action, "ADVANCE"), List.of(advance), step, null, null)), null, null)), null, null);
        block.add(new Stmt.Loop(null, List.of(new Stmt.Declare(action, call(schedule, "reverse", JType.INT,
                new Expr.Read(count)), null, null)), List.of(), new Expr.Binary(Expr.BinaryOp.NE, new Expr.Read(action),
                constant("DONE"), JType.BOOLEAN, null), List.of(new Stmt.Assign(action, call(schedule, "next", JType.INT),
                null, null)), List.of(dispatch), false, null, null));
        out.add(new Stmt.Block(null, block));
        return out;
    }

    // ------------------------------------------------------------ snapshots

    /** The state into the open snapshot: {@code _ck.put(x);} per variable, arrays copied. */
    private List<Stmt> puts() {
        List<Stmt> out = new ArrayList<>();
        for (Var v : scalars) {
            out.add(new Stmt.Eval(call(schedule, "put", VOID, new Expr.Read(v)), null, null));
        }
        for (Var a : arrays) {
            out.add(new Stmt.Eval(call(schedule, "put", VOID, new Expr.Read(a)), null, null));
        }
        return out;
    }

    /** The state back from the newest snapshot, in the order it was put. */
    private List<Stmt> gets() {
        List<Stmt> out = new ArrayList<>();
        for (Var v : scalars) {
            String getter = switch (v.type.kind()) {
                case DOUBLE -> "getDouble";
                case FLOAT -> "getFloat";
                case LONG -> "getLong";
                case BOOLEAN -> "getBoolean";
                default -> "getInt";
            };
            JType got = switch (v.type.kind()) {
                case DOUBLE -> JType.DOUBLE;
                case FLOAT -> JType.FLOAT;
                case LONG -> JType.LONG;
                case BOOLEAN -> JType.BOOLEAN;
                default -> JType.INT;
            };
            Expr value = call(schedule, getter, got);
            if (v.type.kind() == JType.Kind.INT && v.type.mirror() != null) {
                value = new Expr.Cast(v.type, value, null); // a short, byte or char, kept as an int
            }
            out.add(new Stmt.Assign(v, value, null, null));
        }
        for (Var a : arrays) {
            out.add(new Stmt.Eval(call(schedule, "get", VOID, new Expr.Read(a)), null, null));
        }
        return out;
    }

    private static Expr call(Var receiver, String name, JType type, Expr... args) {
        List<JType> parameters = new ArrayList<>();
        for (Expr a : args) {
            parameters.add(a.type());
        }
        return new Expr.Call(new Callee.Opaque(CHECKPOINTS, name, parameters, type, receiver == null, false, true),
                receiver == null ? null : new Expr.Read(receiver), List.of(args), type, null);
    }

    private static Expr constant(String name) {
        return new Expr.StaticGet(CHECKPOINTS, name, JType.INT, false, null);
    }

    private static Expr is(Var action, String name) {
        return new Expr.Binary(Expr.BinaryOp.EQ, new Expr.Read(action), constant(name), JType.BOOLEAN, null);
    }
}
