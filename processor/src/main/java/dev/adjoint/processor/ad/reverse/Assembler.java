package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Algebra;
import dev.adjoint.processor.ad.reverse.Tree.Branch;
import dev.adjoint.processor.ad.reverse.Tree.LoopNode;
import dev.adjoint.processor.ad.reverse.Tree.Node;
import dev.adjoint.processor.ad.reverse.Tree.Plain;
import dev.adjoint.processor.ad.reverse.Tree.Scope;
import dev.adjoint.processor.ad.reverse.Tree.Slot;
import dev.adjoint.processor.ad.reverse.Tree.Step;
import dev.adjoint.processor.analysis.Loops;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the pullback together: the forward sweep (the normalized statements, with the values
 * {@link ToBeRecorded} keeps stored where they would be lost), then the reverse sweep (each
 * node's reverse statements in reverse order, loops run backwards, branches taken as they were,
 * kept values given back), then the adjoints of the inputs added into the caller's gradient.
 */
final class Assembler {

    private static final ClassRef SYSTEM = ClassRef.of("java.lang", "System");

    private final Context c;
    private final ToBeRecorded tbr;
    private final LoopNode fused;
    private Var result;

    Assembler(Context c, ToBeRecorded tbr, LoopNode fused) {
        this.c = c;
        this.tbr = tbr;
        this.fused = fused;
    }

    List<Stmt> assemble(Scope top) {
        List<Stmt> forward = new ArrayList<>();
        int at = fused == null ? top.nodes.size() : top.nodes.indexOf(fused);
        for (Node n : top.nodes.subList(0, at)) { // first: it decides where choices and counts are kept
            emitForward(n, forward);
        }
        List<Stmt> early = new ArrayList<>();
        List<Stmt> fusedLoop = new ArrayList<>();
        List<Stmt> afterLoop = new ArrayList<>();
        if (fused != null) {
            for (int k = top.nodes.size() - 1; k > at; k--) {
                emitReverse(top.nodes.get(k), early);
            }
            emitFusedLoop(fused, fusedLoop);
            for (Node n : top.nodes.subList(at + 1, top.nodes.size())) {
                emitForward(n, afterLoop);
            }
        }
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Comment("forward sweep"));
        if (c.stack != null) {
            out.add(new Stmt.Declare(c.stack, new Expr.Call(new Callee.Opaque(ReverseMode.VALUE_STACK, "get", List.of(),
                    c.stack.type, true, false, true), null, List.of(), c.stack.type, null), null, null));
        }
        for (Slot s : tbr.topSlots) {
            out.add(new Stmt.Declare(s.var, Exprs.defaultValue(s.type), null, null));
        }
        out.addAll(forward);
        if (fused != null) {
            out.add(new Stmt.Comment("reverse sweep of the return first: it reads nothing the loop computes"));
            declareAdjoints(out);
            out.addAll(early);
            out.add(new Stmt.Comment("each iteration's forward sweep, then its reverse sweep at once: the loop's"
                    + " reverse sweep passes nothing from one iteration to another"));
            out.addAll(fusedLoop);
            if (!afterLoop.isEmpty()) {
                out.add(new Stmt.Comment("forward sweep, after the loop"));
                out.addAll(afterLoop);
            }
        }
        Map<Var, Var> snapshots = new LinkedHashMap<>();
        for (MethodIr.Param p : c.method.params()) {
            if (tbr.savedArrays.contains(p.var())) {
                // the reverse sweep restores overwritten elements; the caller gets the primal's result back
                // of the parameter's own type: an int[] or long[] written and read is restored too
                Var copy = new Var("_t", p.var().type, Var.Role.KEPT);
                out.add(new Stmt.Declare(copy, cloneOf(p.var()), null, null));
                snapshots.put(p.var(), copy);
            }
        }
        if (c.vector != null) {
            if (tbr.savedArrays.contains(c.vector)) {
                // the reverse sweep restores overwritten elements: the caller gets a copy of the value
                Var copy = new Var("_ret", JType.DOUBLE_ARRAY, Var.Role.FIXED);
                out.add(new Stmt.Declare(copy, cloneOf(c.vector), null, null));
                result = copy;
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
            declareAdjoints(out);
        }
        out.addAll(reverseSweep);
        snapshots.forEach((array, copy) -> out.add(new Stmt.Eval(new Expr.Call(new Callee.Opaque(SYSTEM, "arraycopy",
                List.of(), JType.named(ClassRef.of("java.lang", "Void")), true, false, true), null, List.of(
                        new Expr.Read(copy), Algebra.intLit(0), new Expr.Read(array), Algebra.intLit(0),
                        new Expr.Length(new Expr.Read(copy), null)), JType.INT, null), null, null)));
        for (MethodIr.Input input : c.method.inputs()) {
            Var adj = c.adjoints.get(input.var());
            if (!input.wrt() || adj == null) {
                continue;
            }
            Expr field = gradientField(input);
            if (input.var().type.isDouble()) {
                out.add(new Stmt.Accumulate(field, new Expr.Read(adj)));
            } else if (!sharesGradient(input)) {
                Var j = new Var("_j", JType.INT, Var.Role.INDEX);
                out.add(countingLoop(j, Algebra.intLit(0), new Expr.Length(new Expr.Read(adj), null), List.of(
                        new Stmt.Accumulate(new Expr.ArrayRead(field, new Expr.Read(j), JType.DOUBLE, null),
                                new Expr.ArrayRead(new Expr.Read(adj), new Expr.Read(j), JType.DOUBLE, null)))));
            }
        }
        out.add(new Stmt.Return(result == null ? Algebra.lit(0) : atomOf(result), null, null));
        return out;
    }

    private static Expr atomOf(Var v) {
        return new Expr.Read(v);
    }

    /** {@code into.x}, {@code into.params.mu}: where an input's gradient goes. */
    private Expr gradientField(MethodIr.Input input) {
        Expr e = new Expr.Read(c.into);
        for (String name : input.path()) {
            e = new Expr.FieldGet(e, null, name, input.var().type, false, null);
        }
        return e;
    }

    private static Expr cloneOf(Var array) {
        return new Expr.Call(new Callee.Opaque(ClassRef.of("java.lang", "Object"), "clone", List.of(), array.type,
                false, false, true), new Expr.Read(array), List.of(), array.type, null);
    }

    /** The adjoints of the parameters and top-level locals, then the holders of called pullbacks. */
    private void declareAdjoints(List<Stmt> out) {
        List<Var> order = new ArrayList<>();
        c.method.params().forEach(p -> order.add(p.var()));
        c.method.inputs().forEach(i -> {
            if (!order.contains(i.var())) {
                order.add(i.var());
            }
        });
        for (Stmt s : c.body) {
            if (s instanceof Stmt.Declare d) {
                order.add(d.var());
            }
        }
        for (Var v : order) {
            Var adj = c.adjoints.get(v);
            if (adj != null) {
                out.add(new Stmt.Declare(adj, initialAdjoint(v), null, null));
            }
        }
        out.addAll(c.holders);
    }

    /**
     * The adjoint's starting value: 0 for a double; for an array input the caller's gradient array
     * itself (the reverse sweep adds into it) unless the method writes to the array, for a local
     * array a new one of its length.
     */
    private Expr initialAdjoint(Var v) {
        if (!v.type.isDoubleArray()) {
            return Algebra.lit(0);
        }
        for (MethodIr.Input input : c.method.inputs()) {
            if (input.var() == v && input.wrt() && sharesGradient(input)) {
                return gradientField(input);
            }
        }
        return newArrayLike(v);
    }

    /**
     * Whether an array input's adjoint is the caller's gradient array itself: an array the method
     * takes (a parameter, a field, a record's component) and does not write, whose elements' adjoints
     * then add straight into the gradient.
     */
    private boolean sharesGradient(MethodIr.Input input) {
        return (input.isParameter() || input.of() != null) && !c.writtenArrays.contains(input.var());
    }

    private static Expr newArrayLike(Var v) {
        return new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(new Expr.Length(new Expr.Read(v), null)), null);
    }

    /** The fused loop: its body's forward sweep, then at once its reverse sweep, which reads the body's variables where the forward sweep left them. */
    private void emitFusedLoop(LoopNode l, List<Stmt> out) {
        Stmt.Loop loop = l.source;
        List<Stmt> body = new ArrayList<>();
        if (!tbr.fusedBodySlots.isEmpty()) {
            body.add(new Stmt.Comment("kept for the iteration's reverse sweep"));
        }
        for (Slot s : tbr.fusedBodySlots) {
            body.add(new Stmt.Declare(s.var, Exprs.defaultValue(s.type), null, null));
        }
        body.addAll(scope(l.body, List.of()));
        List<Stmt> reverse = reverseScope(l.body);
        if (!reverse.isEmpty()) {
            body.add(new Stmt.Comment("reverse sweep of the iteration"));
            append(body, reverse);
        }
        borrow(l, out);
        out.add(new Stmt.Loop(loop.label(), loop.init(), loop.head(), loop.condition(), loop.update(), body,
                loop.doWhile(), loop.pos(), loop.source()));
        release(l, out);
    }

    /**
     * Before a counting loop whose iterations keep values by index: an array of its trip count
     * borrowed from the value stack for each ({@code last - start + 1}, negative for a loop that
     * does not run, which borrows none).
     */
    private void borrow(LoopNode l, List<Stmt> out) {
        List<Slot> slots = tbr.indexedBy(l);
        if (slots.isEmpty()) {
            return;
        }
        Expr start = Loops.start(l.source);
        Expr trips = Algebra.intAdd(Loops.step(l.source) == 1 ? Algebra.intSub(l.last, start)
                : Algebra.intSub(start, l.last), Algebra.intLit(1));
        out.add(new Stmt.Comment("kept per iteration of " + l.source.source() + ", by index"));
        for (Slot slot : slots) {
            out.add(new Stmt.Declare(slot.array, stackCall("borrow", JType.DOUBLE_ARRAY, List.of(trips)), null, null));
        }
    }

    /** After a counting loop's reverse sweep: its borrowed arrays given back. */
    private void release(LoopNode l, List<Stmt> out) {
        for (Slot ignored : tbr.indexedBy(l)) {
            out.add(new Stmt.Eval(stackCall("release", JType.named(ClassRef.of("java.lang", "Void")), List.of()), null,
                    null));
        }
    }

    private Expr stackCall(String name, JType type, List<Expr> args) {
        return new Expr.Call(new Callee.Opaque(ReverseMode.VALUE_STACK, name, List.of(), type, false, false, true),
                new Expr.Read(c.stack()), args, type, null);
    }

    /** Where the current iteration of {@code slot}'s loop keeps it: at the counter's distance from the start. */
    private static Expr.ArrayRead element(Slot slot) {
        LoopNode l = slot.indexedBy;
        Expr counter = new Expr.Read(l.counter);
        Expr start = Loops.start(l.source);
        Expr index = Loops.step(l.source) == 1 ? Algebra.intSub(counter, start) : Algebra.intSub(start, counter);
        return new Expr.ArrayRead(new Expr.Read(slot.array), index, slot.type, null);
    }

    // ------------------------------------------------------------ the forward sweep

    private void emitForward(Node node, List<Stmt> out) {
        if (node instanceof Step step) {
            if (step.ret) {
                Stmt.Return r = (Stmt.Return) step.source;
                if (c.vector != null) {
                    result = c.vector;
                } else if (r.value() instanceof Expr.Read read && c.stable(read.var())) {
                    result = read.var();
                } else {
                    result = new Var("_ret", r.value().type(), Var.Role.FIXED);
                    out.add(new Stmt.Declare(result, r.value(), r.pos(), r.source()));
                }
                return;
            }
            Stmt s = step.source;
            if (s instanceof Stmt.Declare d && d.init() == null) {
                s = new Stmt.Declare(d.var(), Exprs.defaultValue(d.var().type), d.pos(), d.source());
            }
            if (step.saved != null) {
                // just before the write itself
                Expr old = step.isElementWrite()
                        ? new Expr.ArrayRead(new Expr.Read(step.target), step.index(), step.saved.type, null)
                        : new Expr.Read(step.target);
                append(out, List.of(store(step.saved, old)));
            }
            append(out, List.of(s));
        } else if (node instanceof Plain p) {
            append(out, List.of(p.stmt));
        } else if (node instanceof Scope b && b.top()) {
            b.nodes.forEach(n -> emitForward(n, out));
        } else if (node instanceof Scope b) {
            append(out, List.of(new Stmt.Block(null, scope(b, List.of()))));
        } else if (node instanceof Branch f) {
            emitIf(f, out);
        } else if (((LoopNode) node).checkpointed != null) {
            append(out, ((LoopNode) node).checkpointed.forward(this, tbr));
        } else {
            LoopNode l = (LoopNode) node;
            if (c.checkpoints > 0 && l.scope.depth == 0 && hasReverse(l)) {
                append(out, List.of(new Stmt.Comment("not checkpointed: " + l.source.source() + " (its reverse sweep"
                        + " keeps nothing per iteration)")));
            }
            emitLoop(l, out);
        }
    }

    /** A scope's forward statements, then the values its reverse sweep needs, then {@code after}. */
    List<Stmt> scope(Scope b, List<Stmt> after) {
        List<Stmt> out = new ArrayList<>();
        b.nodes.forEach(n -> emitForward(n, out));
        List<Stmt> exits = new ArrayList<>();
        b.exits.forEach((local, slot) -> exits.add(store(slot, new Expr.Read(local))));
        append(out, exits);
        append(out, after);
        return out;
    }

    private void emitIf(Branch f, List<Stmt> out) {
        Expr condition = f.source.condition();
        List<Stmt> markThen = List.of();
        List<Stmt> markElse = List.of();
        if (!f.recompute && hasReverse(f)) {
            f.choice = runsWithItsReverse(f.scope)
                    ? new Slot(JType.BOOLEAN, new Var("_c", JType.BOOLEAN, Var.Role.KEPT), false)
                    : tbr.slot(JType.BOOLEAN, f.scope);
            if (f.choice.stacked()) {
                markThen = List.of(store(f.choice, Expr.Const.ofBoolean(true)));
                markElse = List.of(store(f.choice, Expr.Const.ofBoolean(false)));
            } else if (f.choice.declaredAtTop) {
                markThen = List.of(store(f.choice, Expr.Const.ofBoolean(true)));
            } else {
                out.add(new Stmt.Declare(f.choice.var, condition, null, null));
                condition = new Expr.Read(f.choice.var);
            }
        }
        append(out, List.of(new Stmt.If(condition, scope(f.then, markThen), scope(f.otherwise, markElse),
                f.source.pos(), f.source.source())));
    }

    private void emitLoop(LoopNode l, List<Stmt> out) {
        Stmt.Loop loop = l.source;
        List<Stmt> first = List.of();
        if (hasReverse(l) && l.last == null) {
            l.count = new Var("_n", JType.INT, Var.Role.COUNT);
            // in the fused loop's body the count stays in a local the reverse part reads
            boolean inFusedBody = runsWithItsReverse(l.scope);
            l.countSlot = l.scope.depth > 0 && !inFusedBody ? tbr.slot(JType.INT, l.scope) : null;
            if (l.scope.depth == 0 && !l.scope.top()) {
                tbr.topSlots.add(new Slot(JType.INT, l.count, true));
            } else {
                out.add(new Stmt.Declare(l.count, Algebra.intLit(0), null, null));
            }
            first = List.of(new Stmt.Assign(l.count, Algebra.increment(l.count), null, null));
        }
        List<Stmt> body = new ArrayList<>(first);
        body.addAll(scope(l.body, List.of()));
        List<Stmt> borrowed = new ArrayList<>();
        borrow(l, borrowed);
        append(out, borrowed);
        append(out, List.of(new Stmt.Loop(loop.label(), loop.init(), loop.head(), loop.condition(), loop.update(), body,
                loop.doWhile(), loop.pos(), loop.source())));
        if (l.countSlot != null) {
            append(out, List.of(store(l.countSlot, new Expr.Read(l.count))));
        }
    }

    // ------------------------------------------------------------ the reverse sweep

    private void emitReverse(Node node, List<Stmt> out) {
        if (node instanceof Step step) {
            if (step.reverse.isEmpty() && step.saved == null) {
                return;
            }
            String source = dev.adjoint.processor.ir.Stmts.source(step.source);
            if (source != null) {
                out.add(new Stmt.Comment("grad of: " + source));
            }
            out.addAll(step.reverse);
            if (step.saved != null) {
                Expr restored = load(step.saved);
                out.add(step.isElementWrite()
                        ? new Stmt.Put(new Expr.ArrayRead(new Expr.Read(step.target), step.index(), step.saved.type, null),
                                restored)
                        : new Stmt.Assign(step.target, restored, null, null));
            }
        } else if (node instanceof Scope b && b.top()) {
            for (int k = b.nodes.size() - 1; k >= 0; k--) {
                emitReverse(b.nodes.get(k), out);
            }
        } else if (node instanceof Scope b) {
            if (hasReverse(b)) {
                out.add(new Stmt.Block(null, reverseScope(b)));
            }
        } else if (node instanceof Branch f) {
            if (!hasReverse(f)) {
                return;
            }
            Expr condition = f.recompute ? f.source.condition()
                    : f.choice.stacked() ? load(f.choice) : new Expr.Read(f.choice.var);
            out.add(new Stmt.If(condition, reverseScope(f.then), reverseScope(f.otherwise), null, null));
        } else if (node instanceof LoopNode l) {
            if (!hasReverse(l)) {
                return;
            }
            if (l.checkpointed != null) {
                out.addAll(l.checkpointed.reverse());
            } else {
                reverseLoop(l, out);
            }
        }
    }

    /**
     * Whether {@code s} is the body of a loop whose iterations run their reverse sweep right after
     * their forward sweep, in the same block (the fused loop, a checkpointed one): what it keeps for
     * one iteration can stay in locals.
     */
    private boolean runsWithItsReverse(Scope s) {
        return fused != null && s == fused.body || s.loop != null && s == s.loop.body && s.loop.checkpointed != null;
    }

    private void reverseLoop(LoopNode l, List<Stmt> out) {
        out.add(new Stmt.Comment("grad of: " + l.source.source()));
        if (l.countSlot != null) {
            out.add(new Stmt.Declare(l.count, load(l.countSlot), null, null));
        }
        List<Stmt> body = reverseScope(l.body);
        int step = l.counter == null ? 0 : Loops.step(l.source);
        if (step == 1 || step == -1) {
            // the body saw counter = start, ..., last (the bound, or start ± (count - 1)): the same range backwards
            Expr start = Loops.start(l.source);
            Expr count = l.count == null ? null : new Expr.Read(l.count);
            Expr last = l.last != null ? l.last
                    : step == 1 ? Algebra.intSub(Algebra.intAdd(start, count), Algebra.intLit(1))
                    : Algebra.intSub(start, Algebra.intSub(count, Algebra.intLit(1)));
            Expr.Read counter = new Expr.Read(l.counter);
            out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(l.counter, last, null, null)), List.of(),
                    new Expr.Binary(step == 1 ? Expr.BinaryOp.GE : Expr.BinaryOp.LE, counter, start, JType.BOOLEAN, null),
                    List.of(new Stmt.Assign(l.counter, step == 1 ? Algebra.decrement(l.counter)
                            : Algebra.increment(l.counter), null, null)), body, false, null, null));
        } else if (l.counter != null) {
            // the body saw counter = start, start + step, ..., start + (count - 1) * step
            Expr start = Loops.start(l.source);
            Var k = new Var("_k", JType.INT, Var.Role.INDEX);
            List<Stmt> withCounter = new ArrayList<>();
            withCounter.add(new Stmt.Declare(l.counter, Algebra.intAdd(start, new Expr.Binary(Expr.BinaryOp.MUL,
                    new Expr.Read(k), Algebra.intLit(step), JType.INT, null)), null, null));
            withCounter.addAll(body);
            out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(k, Algebra.intSub(new Expr.Read(l.count),
                    Algebra.intLit(1)), null, null)), List.of(), new Expr.Binary(Expr.BinaryOp.GE, new Expr.Read(k),
                    Algebra.intLit(0), JType.BOOLEAN, null), List.of(new Stmt.Assign(k, Algebra.decrement(k), null, null)),
                    withCounter, false, null, null));
        } else {
            Var k = new Var("_k", JType.INT, Var.Role.INDEX);
            out.add(new Stmt.Loop(null, List.of(new Stmt.Declare(k, new Expr.Read(l.count), null, null)), List.of(),
                    new Expr.Binary(Expr.BinaryOp.GT, new Expr.Read(k), Algebra.intLit(0), JType.BOOLEAN, null),
                    List.of(new Stmt.Assign(k, Algebra.decrement(k), null, null)), body, false, null, null));
        }
        release(l, out);
    }

    /** A scope's reverse sweep: its kept variables back, its adjoints at zero, its statements backwards. */
    List<Stmt> reverseScope(Scope b) {
        List<Stmt> out = new ArrayList<>();
        List<Map.Entry<Var, Slot>> exits = new ArrayList<>(b.exits.entrySet());
        for (int k = exits.size() - 1; k >= 0; k--) {
            out.add(new Stmt.Declare(exits.get(k).getKey(), load(exits.get(k).getValue()), null, null));
        }
        b.recomputed.forEach((local, definition) -> out.add(new Stmt.Declare(local, definition, null, null)));
        for (Var local : b.locals) {
            Var adj = c.adjoints.get(local);
            if (adj != null) {
                out.add(new Stmt.Declare(adj, local.type.isDoubleArray() ? newArrayLike(local) : Algebra.lit(0), null,
                        null));
            }
        }
        for (int k = b.nodes.size() - 1; k >= 0; k--) {
            emitReverse(b.nodes.get(k), out);
        }
        return out;
    }

    // ------------------------------------------------------------ helpers

    static boolean hasReverse(Node node) {
        if (node instanceof Step step) {
            return !step.reverse.isEmpty() || step.saved != null;
        }
        if (node instanceof Branch f) {
            return hasReverse(f.then) || hasReverse(f.otherwise);
        }
        if (node instanceof LoopNode l) {
            return hasReverse(l.body);
        }
        if (node instanceof Scope b) {
            if (!b.exits.isEmpty() || !b.recomputed.isEmpty()) {
                return true;
            }
            for (Node n : b.nodes) {
                if (hasReverse(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Appends {@code more} unless {@code list} ends in a throw (what follows it would never run, and javac refuses it). */
    private static void append(List<Stmt> list, List<Stmt> more) {
        if (!list.isEmpty() && endsAbruptly(list.get(list.size() - 1))) {
            return;
        }
        list.addAll(more);
    }

    private static boolean endsAbruptly(Stmt s) {
        if (s instanceof Stmt.Throw) {
            return true;
        }
        if (s instanceof Stmt.If f) {
            return !f.then().isEmpty() && !f.otherwise().isEmpty() && endsAbruptly(f.then().get(f.then().size() - 1))
                    && endsAbruptly(f.otherwise().get(f.otherwise().size() - 1));
        }
        return s instanceof Stmt.Block b && !b.body().isEmpty() && endsAbruptly(b.body().get(b.body().size() - 1));
    }

    private Stmt store(Slot slot, Expr value) {
        if (slot.indexed()) {
            return new Stmt.Put(element(slot), value);
        }
        if (slot.stacked()) {
            return new Stmt.Push(value);
        }
        if (slot.declaredAtTop) {
            return new Stmt.Assign(slot.var, value, null, null);
        }
        return new Stmt.Declare(slot.var, value, null, null);
    }

    private Expr load(Slot slot) {
        return slot.indexed() ? element(slot) : slot.stacked() ? new Expr.Pop(slot.type) : new Expr.Read(slot.var);
    }

    /** {@code if (seed.length != r.length) throw new IllegalArgumentException(...)}, once r's length is known. */
    private void requireSeedLength(List<Stmt> out) {
        Expr seedArray = new Expr.Read(c.seed);
        Expr value = new Expr.Read(result != null ? result : c.vector);
        JType exception = JType.named(ClassRef.of("java.lang", "IllegalArgumentException"));
        Expr message = new Expr.Binary(Expr.BinaryOp.ADD, new Expr.Binary(Expr.BinaryOp.ADD,
                new Expr.Const(c.seed.name + " must be a double[] of the length of " + c.method.name() + "'s value (",
                        JType.STRING, null), new Expr.Length(value, null), JType.STRING, null),
                new Expr.Const(")", JType.STRING, null), JType.STRING, null);
        out.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, new Expr.Length(seedArray, null), new Expr.Length(value, null),
                JType.BOOLEAN, null), List.of(new Stmt.Throw(new Expr.New(exception, List.of(message), null), null, null)),
                List.of(), null, null));
    }


    /** {@code for (int j = from; j < to; j++) body}. */
    static Stmt countingLoop(Var j, Expr from, Expr to, List<Stmt> body) {
        return new Stmt.Loop(null, List.of(new Stmt.Declare(j, from, null, null)), List.of(),
                new Expr.Binary(Expr.BinaryOp.LT, new Expr.Read(j), to, JType.BOOLEAN, null),
                List.of(new Stmt.Assign(j, Algebra.increment(j), null, null)), body, false, null, null);
    }

    static boolean isAtom(Expr e) {
        return Exprs.isAtom(e);
    }
}
