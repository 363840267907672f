package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.reverse.Tree.Branch;
import dev.adjoint.processor.ad.reverse.Tree.LoopNode;
import dev.adjoint.processor.ad.reverse.Tree.Node;
import dev.adjoint.processor.ad.reverse.Tree.Plain;
import dev.adjoint.processor.ad.reverse.Tree.Scope;
import dev.adjoint.processor.ad.reverse.Tree.Slot;
import dev.adjoint.processor.ad.reverse.Tree.Step;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A clean-up of reverse mode: the method's last loop, when each iteration can run its reverse
 * sweep right after its forward sweep, storing nothing across iterations, runs both in one loop,
 * as the hand-written adjoint of a sum over samples does. That holds when
 * <ul>
 *   <li>what follows the loop is the return (and statements without derivative), whose reverse
 *       sweep reads nothing the loop or they write: it runs before the loop;</li>
 *   <li>the reverse sweep of the loop passes nothing from one iteration to another: each adjoint
 *       of a variable from outside the loop is only added to (a gradient, {@code _d_w[j] += ...})
 *       or only read (the adjoint of a sum {@code total += ...}, constant over the loop), never
 *       both, never set;</li>
 *   <li>no value from outside the loop is saved for the reverse sweep and restored by it, and the
 *       body's reverse sweep keeps nothing on the stack (fused, it would push and pop as much as
 *       before, and measured slower). Values an inner counting loop keeps by index do not count:
 *       fused, each iteration borrows the inner loop's array and gives it back before the next
 *       ({@link ToBeRecorded#settle}); what the body keeps itself becomes a local of the body.</li>
 * </ul>
 */
final class Fusion {

    private Fusion() {}

    /** The loop to fuse, with its body's kept values given back (they stay in the same scope); or null. */
    static LoopNode decide(Context c, Scope top, ToBeRecorded tbr) {
        LoopNode loop = fusable(c, top);
        List<Slot> dropped = new ArrayList<>();
        if (loop != null) {
            dropped.addAll(loop.body.exits.values());
            for (Slot slot : dropped) {
                tbr.stackedSlots -= slot.var == null ? 1 : 0;
            }
            loop.body.exits.clear();
            loop.body.recomputed.clear();
        }
        tbr.settle(loop, dropped);
        return loop;
    }

    /** The loop {@link #decide} would fuse, deciding nothing; or null. */
    static LoopNode fusable(Context c, Scope top) {
        int at = -1;
        for (int k = top.nodes.size() - 1; k >= 0; k--) {
            if (top.nodes.get(k) instanceof LoopNode) {
                at = k;
                break;
            }
        }
        if (at < 0 || c.vector != null || !Assembler.hasReverse(top.nodes.get(at))) {
            return null;
        }
        LoopNode loop = (LoopNode) top.nodes.get(at);
        if (loop.checkpointed != null) {
            return null; // its iterations run again in the reverse sweep: they cannot run in the forward sweep's loop
        }
        Set<Var> inside = new HashSet<>();
        Set<Var> written = new HashSet<>();
        List<Step> steps = new ArrayList<>();
        if (!collect(loop, inside, written, steps)) {
            return null;
        }
        boolean returns = false;
        Set<Var> after = new HashSet<>();
        Set<Var> definedAfter = new HashSet<>();
        for (Node node : top.nodes.subList(at + 1, top.nodes.size())) {
            if (!(node instanceof Step step) || step.saved != null) {
                return null;
            }
            returns |= step.ret;
            if (step.target != null) {
                written.add(step.target);
                definedAfter.add(step.target);
            }
            after.addAll(step.reads);
        }
        // the reverse sweep after the loop runs before it once fused: it must read nothing the loop
        // writes, nor what the statements after the loop compute (expm1's derivative reads its result)
        if (!returns || after.stream().anyMatch(written::contains) || after.stream().anyMatch(definedAfter::contains)) {
            return null;
        }
        Set<Var> added = new HashSet<>();
        Set<Var> read = new HashSet<>();
        Set<Var> outside = new HashSet<>();
        c.adjoints.forEach((var, adj) -> {
            if (!inside.contains(var)) {
                outside.add(adj);
            }
        });
        for (Step step : steps) {
            if (step.saved != null && (step.isElementWrite() || !inside.contains(step.target))) {
                return null;
            }
            for (Stmt r : step.reverse) {
                if (!adjointUse(r, outside, added, read)) {
                    return null;
                }
            }
        }
        added.retainAll(read);
        return added.isEmpty() && !stacks(loop.body, loop.body) ? loop : null;
    }

    /**
     * Whether the reverse sweep of {@code node}, in the body of a loop to fuse ({@code fusedBody},
     * or null for none), would still keep values on the stack (a value kept in a borrowed array,
     * one per iteration, is not: the pullback reads it by index).
     */
    static boolean stacks(Node node, Scope fusedBody) {
        LoopNode fused = fusedBody == null ? null : fusedBody.loop;
        if (node instanceof Step step) {
            return step.saved != null && step.saved.stackedUnless(fused);
        }
        if (node instanceof Branch f) {
            return (!f.recompute && Assembler.hasReverse(f) && f.scope != fusedBody) || stacks(f.then, fusedBody)
                    || stacks(f.otherwise, fusedBody);
        }
        if (node instanceof LoopNode l) {
            return (Assembler.hasReverse(l) && l.last == null && l.scope != fusedBody) || stacks(l.body, fusedBody);
        }
        if (node instanceof Scope b) {
            if (b != fusedBody && b.exits.values().stream().anyMatch(slot -> slot.stackedUnless(fused))) {
                return true;
            }
            for (Node n : b.nodes) {
                if (stacks(n, fusedBody)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Walks a loop: the variables it declares, those it writes, its steps; false when it holds a statement kept as is other than a throw. */
    private static boolean collect(Node node, Set<Var> inside, Set<Var> written, List<Step> steps) {
        if (node instanceof Step step) {
            steps.add(step);
            if (step.target != null) {
                written.add(step.target);
            }
            return true;
        }
        if (node instanceof Plain p) {
            return p.stmt instanceof Stmt.Throw;
        }
        if (node instanceof Branch f) {
            return collect(f.then, inside, written, steps) && collect(f.otherwise, inside, written, steps);
        }
        if (node instanceof LoopNode l) {
            for (Stmt init : l.source.init()) {
                Var target = Stmts.target(init);
                if (target != null) {
                    inside.add(target);
                    written.add(target);
                }
            }
            for (Stmt h : Stmts.all(l.source.head())) {
                Var target = Stmts.target(h);
                if (target != null) {
                    inside.add(target);
                    written.add(target);
                }
            }
            return collect(l.body, inside, written, steps);
        }
        Scope b = (Scope) node;
        inside.addAll(b.locals);
        for (Node n : b.nodes) {
            if (!collect(n, inside, written, steps)) {
                return false;
            }
        }
        return true;
    }

    /** Sorts the adjoints of outside variables a reverse statement uses into {@code added} (the target of a {@code +=}) and {@code read}; false when it sets one. */
    private static boolean adjointUse(Stmt r, Set<Var> outside, Set<Var> added, Set<Var> read) {
        boolean ok = true;
        if (r instanceof Stmt.Accumulate a) {
            Expr base = a.target() instanceof Expr.ArrayRead e ? e.array() : a.target();
            Var target = Exprs.var(base);
            if (target != null && outside.contains(target)) {
                added.add(target);
            }
            if (a.target() instanceof Expr.ArrayRead e) {
                Exprs.reads(e.index(), v -> addIf(v, outside, read));
            }
            Exprs.reads(a.delta(), v -> addIf(v, outside, read));
        } else if (r instanceof Stmt.If f) {
            Exprs.reads(f.condition(), v -> addIf(v, outside, read));
            for (Stmt t : f.then()) {
                ok &= adjointUse(t, outside, added, read);
            }
            for (Stmt t : f.otherwise()) {
                ok &= adjointUse(t, outside, added, read);
            }
        } else if (r instanceof Stmt.Loop l) {
            for (Stmt t : l.init()) {
                ok &= adjointUse(t, outside, added, read);
            }
            if (l.condition() != null) {
                Exprs.reads(l.condition(), v -> addIf(v, outside, read));
            }
            for (Stmt t : l.body()) {
                ok &= adjointUse(t, outside, added, read);
            }
            for (Stmt t : l.update()) {
                ok &= adjointUse(t, outside, added, read);
            }
        } else {
            Var target = r instanceof Stmt.Declare d ? d.var() : r instanceof Stmt.Assign a ? a.var()
                    : r instanceof Stmt.Put p && p.target() instanceof Expr.ArrayRead e ? Exprs.var(e.array()) : null;
            if (target != null && outside.contains(target)) {
                return false;
            }
            for (Expr e : Stmts.exprs(r)) {
                Exprs.reads(e, v -> addIf(v, outside, read));
            }
        }
        return ok;
    }

    private static void addIf(Var v, Set<Var> outside, Set<Var> read) {
        if (outside.contains(v)) {
            read.add(v);
        }
    }
}
