package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Algebra;
import dev.adjoint.processor.ad.reverse.Tree.Branch;
import dev.adjoint.processor.ad.reverse.Tree.LoopNode;
import dev.adjoint.processor.ad.reverse.Tree.Node;
import dev.adjoint.processor.ad.reverse.Tree.Scope;
import dev.adjoint.processor.ad.reverse.Tree.Slot;
import dev.adjoint.processor.ad.reverse.Tree.Step;
import dev.adjoint.processor.analysis.Loops;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The to-be-recorded analysis (as Clad's TBR): which values the reverse sweep needs that the
 * forward sweep destroys, and where they are kept. The reverse sweep of a statement runs with the
 * variables as the forward sweep left them just after it; so
 * <ul>
 *   <li>a statement that overwrites a variable (or array element) saves the old value when the
 *       reverse sweep of an earlier statement, or of any statement of a loop around it, reads that
 *       value; its own reverse sweep restores it once done;</li>
 *   <li>a scope's own variables that its reverse sweep reads are kept at its end (one slot per
 *       iteration in a loop), or computed again at the start of its reverse sweep when their
 *       definition is cheap arithmetic on values that are the same there (values no statement after
 *       the definition can change, counters, earlier such locals of the scope);</li>
 *   <li>the branch an {@code if} took is evaluated again from its condition when the condition
 *       reads only such values, else kept; a counting loop to such a bound runs backwards
 *       without a stored count.</li>
 * </ul>
 * A value is kept in a local when the statement storing it runs at most once per call, else on
 * the thread's value stack, or, a double in a loop whose trip count is known when it starts, in an
 * array borrowed from the stack for the loop, at the iteration's index ({@link #indexIfCounted}).
 * A checkpointed loop's reverse sweep runs its iterations again, so it also reads what they read
 * ({@link CheckpointedLoop#replayReads}).
 */
final class ToBeRecorded {

    private final Context c;
    private final Scope top;
    /** The nodes defining each variable (loops for their counters). */
    private final Map<Var, List<Node>> definitions = new HashMap<>();
    private final Map<Node, Scope> scopeOf = new HashMap<>();
    /** Counters of counting loops: the reverse sweep counts them back. */
    final Set<Var> counters = new HashSet<>();
    /** Array parameters whose elements are saved and restored: the caller gets them back as the primal leaves them. */
    final Set<Var> savedArrays = new HashSet<>();
    /** Slots declared at the start of the pullback. */
    final List<Slot> topSlots = new ArrayList<>();
    /** How many slots live on the value stack (or in arrays borrowed from it). */
    int stackedSlots;
    /** Slots of the fused loop's iterations, locals declared at the start of its body. */
    final List<Slot> fusedBodySlots = new ArrayList<>();
    /** The slots kept in borrowed arrays, indexed by a loop's iteration, in order of creation. */
    final List<Slot> indexed = new ArrayList<>();
    /** Whether a counted loop's values may go to a borrowed array (second order keeps them on the stack). */
    private final boolean indexing;

    ToBeRecorded(Context c, Scope top, boolean indexing) {
        this.c = c;
        this.top = top;
        this.indexing = indexing;
        index(top);
    }

    /** Runs the analysis: aggregates what each node's reverse sweep reads, then decides saves, exits and recomputation. */
    void run() {
        aggregate(top);
        save(top, new HashSet<>(), List.of());
    }

    // ------------------------------------------------------------ indexing

    private void index(Scope scope) {
        for (Node n : scope.nodes) {
            scopeOf.put(n, scope);
            if (n instanceof Step s && s.target != null && !(s.source instanceof Stmt.Declare d && d.init() == null)) {
                definitions.computeIfAbsent(s.target, k -> new ArrayList<>()).add(s);
            } else if (n instanceof Branch b) {
                index(b.then);
                index(b.otherwise);
            } else if (n instanceof LoopNode l) {
                if (l.counter != null) {
                    counters.add(l.counter);
                }
                for (Stmt init : l.source.init()) {
                    Var t = Stmts.target(init);
                    if (t != null) {
                        definitions.computeIfAbsent(t, k -> new ArrayList<>()).add(l);
                    }
                }
                for (Stmt u : l.source.update()) {
                    Var t = Stmts.target(u);
                    if (t != null) {
                        definitions.computeIfAbsent(t, k -> new ArrayList<>()).add(l);
                    }
                }
                for (Stmt h : Stmts.all(l.source.head())) {
                    Var t = Stmts.target(h);
                    if (t != null) {
                        definitions.computeIfAbsent(t, k -> new ArrayList<>()).add(l);
                    }
                }
                index(l.body);
            } else if (n instanceof Scope inner) {
                index(inner);
            }
        }
    }

    // ------------------------------------------------------------ reads, branch choices, loop bounds

    private void aggregate(Node node) {
        if (node instanceof Scope b) {
            for (int k = b.nodes.size() - 1; k >= 0; k--) {
                aggregate(b.nodes.get(k));
                b.reads.addAll(b.nodes.get(k).reads);
                b.reads.addAll(replayReads(b.nodes.get(k)));
            }
        } else if (node instanceof Branch f) {
            aggregate(f.otherwise);
            aggregate(f.then);
            f.reads.addAll(f.then.reads);
            f.reads.addAll(f.otherwise.reads);
            if (Assembler.hasReverse(f)) {
                f.recompute = available(f.source.condition(), f);
                if (f.recompute) {
                    Exprs.reads(f.source.condition(), f.reads::add);
                }
            }
        } else if (node instanceof LoopNode l) {
            aggregate(l.body);
            l.reads.addAll(l.body.reads);
            if (l.counter != null && Assembler.hasReverse(l)) {
                Exprs.reads(Loops.start(l.source), l.reads::add);
                l.last = last(l);
                if (l.last != null) {
                    Exprs.reads(l.last, l.reads::add);
                }
            }
        }
    }

    /**
     * The counter's last value of a counting loop {@code for (int i = a; i < n; i++)} (or {@code <=},
     * or {@code i > n} counting down) without any other exit, when the reverse sweep can evaluate
     * {@code a} and {@code n} again: then it needs no count.
     */
    private Expr last(LoopNode l) {
        int step = Loops.step(l.source);
        Expr start = Loops.start(l.source);
        if (!l.source.head().isEmpty() || !(l.source.condition() instanceof Expr.Binary cond)
                || !(cond.left() instanceof Expr.Read r) || r.var() != l.counter
                || cond.right().type().kind() != JType.Kind.INT || !available(cond.right(), l) || !available(start, l)) {
            return null;
        }
        Expr n = cond.right();
        // i < n with n = Integer.MIN_VALUE runs no iteration, and n - 1 would wrap to MAX_VALUE: max(n, a) - 1;
        // i <= n with n = MIN_VALUE neither, and the n - a + 1 values kept would wrap: max(n, a - 1)
        boolean strict = cond.op() == Expr.BinaryOp.LT || cond.op() == Expr.BinaryOp.GT;
        if (step == 1 && (cond.op() == Expr.BinaryOp.LT || cond.op() == Expr.BinaryOp.LE)) {
            Expr floor = strict ? start : Algebra.intSub(start, Algebra.intLit(1));
            Expr bound = mayBe(n, Integer.MIN_VALUE) ? intMath(MathFunction.MAX, n, floor) : n;
            return strict ? Algebra.intSub(bound, Algebra.intLit(1)) : bound;
        }
        if (step == -1 && (cond.op() == Expr.BinaryOp.GT || cond.op() == Expr.BinaryOp.GE)) {
            Expr ceiling = strict ? start : Algebra.intAdd(start, Algebra.intLit(1));
            Expr bound = mayBe(n, Integer.MAX_VALUE) ? intMath(MathFunction.MIN, n, ceiling) : n;
            return strict ? Algebra.intAdd(bound, Algebra.intLit(1)) : bound;
        }
        return null;
    }

    /**
     * Whether the int {@code e} may be {@code extreme}: anything but a constant, an array's length
     * and a length less a constant.
     */
    private static boolean mayBe(Expr e, int extreme) {
        Integer c = Algebra.intConstant(e);
        if (c != null) {
            return c == extreme;
        }
        Integer less = e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.SUB && b.left() instanceof Expr.Length
                ? Algebra.intConstant(b.right()) : null;
        return !(e instanceof Expr.Length) && !(less != null && less >= 0);
    }

    private static Expr intMath(MathFunction f, Expr a, Expr b) {
        return new Expr.MathCall(f, false, List.of(a, b), JType.INT, null);
    }

    /**
     * Whether the reverse sweep, where it reaches {@code at}, can evaluate {@code e} again and get
     * the value the forward sweep got there: it reads only constants, values no later statement
     * changes, counters of loops around it, locals of a scope around it defined once there (the
     * reverse sweep of that scope gives them back first), and elements of arrays nothing writes.
     */
    boolean available(Expr e, Node at) {
        if (e instanceof Expr.Const) {
            return true;
        }
        if (e instanceof Expr.Read r) {
            Var v = r.var();
            return counterAround(v, at) || stableAfter(v, at) || definedOnceAround(v, at);
        }
        if (e instanceof Expr.ArrayRead a) {
            Var base = base(a);
            return base != null && !c.writtenArrays.contains(base) && available(a.array(), at) && available(a.index(), at);
        }
        if (e instanceof Expr.Binary || e instanceof Expr.Unary || e instanceof Expr.Cast || e instanceof Expr.Length
                || e instanceof Expr.Cond) {
            for (Expr child : Exprs.children(e)) {
                if (!available(child, at)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Whether {@code v} is the counter of a counting loop around {@code at}. */
    private boolean counterAround(Var v, Node at) {
        for (LoopNode l : loopsAround(at)) {
            if (l.counter == v) {
                return true;
            }
        }
        return false;
    }

    /** Whether no definition of {@code v} can run after {@code at}: none later in program order, none in a loop around both. */
    boolean stableAfter(Var v, Node at) {
        List<LoopNode> around = loopsAround(at);
        for (Node d : definitions.getOrDefault(v, List.of())) {
            if (d.order >= at.order) {
                return false;
            }
            for (LoopNode l : loopsAround(d)) {
                if (around.contains(l)) {
                    return false;
                }
            }
            if (d instanceof LoopNode l && around.contains(l)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code v} is declared, and only defined by that declaration, in a non-top scope around {@code at}, before it. */
    private boolean definedOnceAround(Var v, Node at) {
        List<Node> defs = definitions.getOrDefault(v, List.of());
        if (defs.size() != 1 || !(defs.get(0) instanceof Step d) || d.order >= at.order) {
            return false;
        }
        for (Scope s = scopeOf.get(at); s != null && !s.top(); s = s.parent) {
            if (s.locals.contains(v)) {
                return true;
            }
        }
        return at instanceof Scope self && !self.top() && self.locals.contains(v);
    }

    /** The loops around a node, innermost first. */
    private List<LoopNode> loopsAround(Node node) {
        List<LoopNode> out = new ArrayList<>();
        Scope s = node instanceof Scope self ? self : scopeOf.get(node);
        for (; s != null; s = s.loop != null ? s.loop.scope : null) {
            if (s.loop != null) {
                out.add(s.loop);
            } else {
                break;
            }
        }
        return out;
    }

    // ------------------------------------------------------------ saves and exits

    /**
     * A variable or element overwritten by a step is saved just before it when the reverse sweep
     * of an earlier statement, or of any statement of a loop around it, reads it; the reverse
     * sweep restores it on the way back. Then each scope's own variables its reverse sweep reads
     * are kept at its end or computed again.
     */
    private void save(Scope block, Set<Var> readBefore, List<LoopNode> loops) {
        for (Node node : block.nodes) {
            if (node instanceof Step step && step.overwrites && step.target != null && !counters.contains(step.target)
                    && (readBefore.contains(step.target) || readInLoops(step, loops))) {
                JType type = step.isElementWrite() ? step.target.type.component() : step.target.type;
                step.saved = slot(type, block);
                if (step.isElementWrite()) {
                    savedArrays.add(step.target);
                }
            } else if (node instanceof Branch f) {
                // the branches are alternatives: what one reads is not read before the other
                save(f.then, new HashSet<>(readBefore), loops);
                save(f.otherwise, new HashSet<>(readBefore), loops);
            } else if (node instanceof LoopNode l) {
                List<LoopNode> inLoop = new ArrayList<>(loops);
                inLoop.add(l);
                save(l.body, readBefore, inLoop);
            } else if (node instanceof Scope b) {
                save(b, readBefore, loops);
            }
            readBefore.addAll(node.reads);
            readBefore.addAll(replayReads(node));
        }
        if (!block.top()) {
            keepLocals(block);
        }
    }

    /**
     * What a checkpointed loop's reverse sweep reads besides what its iterations' reverse sweeps
     * do: everything an iteration run again reads (none for another node).
     */
    private static Set<Var> replayReads(Node node) {
        return node instanceof LoopNode l && l.checkpointed != null ? l.checkpointed.replayReads : Set.of();
    }

    /**
     * Whether a loop around the step reads its target in its reverse sweep, where the target
     * outlives the loop's iterations: a variable declared inside a loop's body is a new one in each
     * iteration, so that loop's other iterations never read this one.
     */
    private boolean readInLoops(Step step, List<LoopNode> loops) {
        Scope declared = step.scope;
        while (declared != null && !declared.locals.contains(step.target)) {
            declared = declared.parent;
        }
        for (LoopNode loop : loops) {
            if (loop.reads.contains(step.target) && (declared == null || within(loop.scope, declared))) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(Scope inner, Scope outer) {
        for (Scope b = inner; b != null; b = b.parent) {
            if (b == outer) {
                return true;
            }
        }
        return false;
    }

    /**
     * The scope's own variables its reverse sweep reads: computed again when their definition is
     * cheap arithmetic on values the reverse sweep has, else kept at the scope's end. Latest first,
     * so that a recomputed variable's own inputs become needed too.
     */
    private void keepLocals(Scope block) {
        Set<Var> needed = new HashSet<>(block.reads);
        for (Var local : block.locals) {
            if (local.type.isDoubleArray() && c.adjoints.containsKey(local)) {
                needed.add(local); // its adjoint array is made with its length
            }
        }
        Map<Var, Expr> recompute = new LinkedHashMap<>();
        List<Var> locals = block.locals;
        Set<Var> exits = new HashSet<>();
        for (int k = locals.size() - 1; k >= 0; k--) {
            Var local = locals.get(k);
            if (!needed.contains(local) || counters.contains(local)) {
                continue;
            }
            Step def = definition(block, local);
            if (def != null && cheap(Stmts.value(def.source), def, locals.subList(0, k))) {
                recompute.put(local, Stmts.value(def.source));
                Exprs.reads(Stmts.value(def.source), v -> {
                    needed.add(v);
                    if (!locals.contains(v)) {
                        // a local of a scope around this one: that scope's reverse sweep must give it back first
                        for (Scope s = block.parent; s != null; s = s.parent) {
                            s.reads.add(v);
                            if (s.locals.contains(v)) {
                                break;
                            }
                        }
                    }
                });
            } else {
                exits.add(local);
            }
        }
        for (Var local : locals) { // slots in declaration order: stored at the end, loaded in reverse order
            if (exits.contains(local)) {
                block.exits.put(local, slot(local.type, block));
            }
        }
        for (Var local : locals) {
            if (recompute.containsKey(local)) {
                block.recomputed.put(local, recompute.get(local));
            }
        }
    }

    /** The declaration of a scope's local when it is its only definition, else null. */
    private Step definition(Scope block, Var local) {
        List<Node> defs = definitions.getOrDefault(local, List.of());
        if (defs.size() != 1 || !(defs.get(0) instanceof Step step) || !(step.source instanceof Stmt.Declare d)
                || d.init() == null || step.scope != block) {
            return null;
        }
        return step;
    }

    /** Arithmetic, element reads and lengths over values the reverse sweep has at the scope's start. */
    private boolean cheap(Expr e, Step def, List<Var> earlier) {
        if (e instanceof Expr.Read r) {
            Var v = r.var();
            return (earlier.contains(v) && c.stable(v)) || counterAround(v, def) || stableAfter(v, def);
        }
        if (e instanceof Expr.Const) {
            return true;
        }
        if (e instanceof Expr.ArrayRead a && (base(a) == null || c.writtenArrays.contains(base(a))
                || (a.array() instanceof Expr.Read r && c.writtenArrays.contains(r.var())))) {
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
        for (Expr child : Exprs.children(e)) {
            if (!cheap(child, def, earlier)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps a double stored once per iteration of a counting loop in an array borrowed before the
     * loop, at the iteration's index, instead of on the stack. The loop must run counter = start,
     * ..., last without another exit, both evaluated again by the reverse sweep ({@code last}, as
     * for a loop without a stored count): then its trip count is known when it starts, and the
     * scope storing the value, whose innermost loop it is, runs at most once per iteration. The
     * array holds one run of the loop: the loop is in the method's body (it runs once per call, its
     * reverse sweep in the same block), or directly in the body of such a loop, when that one is
     * fused (each iteration's reverse sweep follows its forward sweep in the same block, before the
     * next iteration runs the inner loop again): {@code ifFused}, settled by {@link #settle}. A
     * checkpointed loop runs its iterations again: its values stay on the stack.
     */
    private void indexIfCounted(Slot slot, Scope where) {
        LoopNode l = where.loop;
        if (!indexing || slot.type.kind() != JType.Kind.DOUBLE || l == null || l.counter == null || l.last == null
                || l.checkpointed != null) {
            return;
        }
        if (l.scope.top()) {
            slot.indexedBy = l;
        } else if (l.scope.depth == 1 && l.scope.loop != null && l.scope == l.scope.loop.body
                && l.scope.loop.scope.top() && l.scope.loop.checkpointed == null) {
            slot.indexedBy = l;
            slot.ifFused = l.scope.loop;
        } else {
            return;
        }
        slot.array = new Var("_kept", JType.DOUBLE_ARRAY, Var.Role.KEPT);
        indexed.add(slot);
    }

    /**
     * Once fusion is decided: a slot indexed only if a loop around is fused goes on the stack when it
     * is not. The fused loop's iteration reads what it keeps before the next one runs: its body's own
     * exits are not kept at all ({@code dropped}: they stay in their locals), and what it keeps in a
     * nested scope (a branch of the body) goes to a local declared at the start of the body.
     */
    void settle(LoopNode fused, java.util.Collection<Slot> dropped) {
        for (Slot slot : indexed) {
            if (slot.ifFused != null && slot.ifFused != fused) {
                slot.indexedBy = null;
                slot.ifFused = null;
                slot.array = null;
            } else if (slot.indexedBy == fused && !dropped.contains(slot)) {
                slot.indexedBy = null;
                slot.array = null;
                slot.var = new Var("_t", slot.type, Var.Role.KEPT);
                slot.declaredAtTop = true;
                fusedBodySlots.add(slot);
                stackedSlots--;
            }
        }
        indexed.removeIf(slot -> slot.indexedBy == null || dropped.contains(slot));
        if (stackedSlots == 0) {
            c.stack = null;
        }
    }

    /** The slots a loop's iterations index, in order of creation. */
    List<Slot> indexedBy(LoopNode l) {
        List<Slot> out = new ArrayList<>();
        for (Slot slot : indexed) {
            if (slot.indexedBy == l) {
                out.add(slot);
            }
        }
        return out;
    }

    /** The variable an element read {@code m[i][j]} starts from ({@code m}), or null. */
    private static Var base(Expr.ArrayRead a) {
        Expr e = a;
        while (e instanceof Expr.ArrayRead r) {
            e = r.array();
        }
        return Exprs.var(e);
    }

    /** A slot for a value stored in scope {@code where}. */
    Slot slot(JType type, Scope where) {
        if (where.depth > 0) {
            c.stack();
            stackedSlots++;
            Slot slot = new Slot(type, null, false);
            indexIfCounted(slot, where);
            return slot;
        }
        Slot slot = new Slot(type, new Var(type.kind() == JType.Kind.BOOLEAN ? "_c" : "_t", type, Var.Role.KEPT),
                !where.top());
        if (slot.declaredAtTop) {
            topSlots.add(slot);
        }
        return slot;
    }
}
