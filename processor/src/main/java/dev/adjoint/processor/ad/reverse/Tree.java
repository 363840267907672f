package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The normalized body as reverse mode sees it: scopes of nodes, each node holding its forward
 * statement and the statements of its reverse sweep, and what that reverse sweep reads. The
 * visitor fills in the reverse statements, {@link ToBeRecorded} decides what is kept and where,
 * the {@link Assembler} writes the pullback from it.
 */
final class Tree {

    private Tree() {}

    /** A node of the tree; {@code reads} is what its reverse sweep reads (nested nodes included). */
    abstract static class Node {
        final Set<Var> reads = new HashSet<>();
        /** Its position in program order (pre-order), for "after" questions. */
        int order;
    }

    /** A declaration, assignment, element write or evaluation; or the final return ({@code target} null, {@code ret}). */
    static final class Step extends Node {
        final Stmt source;
        final Var target;
        final boolean overwrites;
        final Scope scope;
        final boolean ret;
        List<Stmt> reverse = List.of();
        boolean active;
        Slot saved;

        Step(Stmt source, Var target, boolean overwrites, Scope scope, boolean ret) {
            this.source = source;
            this.target = target;
            this.overwrites = overwrites;
            this.scope = scope;
            this.ret = ret;
        }

        boolean isElementWrite() {
            return source instanceof Stmt.ArrayWrite;
        }

        Expr index() {
            return ((Stmt.ArrayWrite) source).index();
        }
    }

    static final class Branch extends Node {
        final Stmt.If source;
        final Scope then;
        final Scope otherwise;
        final Scope scope;
        boolean recompute;
        Slot choice;

        Branch(Stmt.If source, Scope then, Scope otherwise, Scope scope) {
            this.source = source;
            this.then = then;
            this.otherwise = otherwise;
            this.scope = scope;
        }
    }

    static final class LoopNode extends Node {
        final Stmt.Loop source;
        final Var counter;
        final Scope body;
        final Scope scope;
        Var count;
        Slot countSlot;
        /** For a counting loop to a bound the reverse sweep can evaluate: the counter's last value; else null. */
        Expr last;
        /** How the loop is checkpointed ({@code @Differentiable(checkpoints = s)}), or null when it is recorded. */
        CheckpointedLoop checkpointed;

        LoopNode(Stmt.Loop source, Var counter, Scope body, Scope scope) {
            this.source = source;
            this.counter = counter;
            this.body = body;
            this.scope = scope;
        }
    }

    /** A statement kept as it is in the forward sweep and with nothing in the reverse sweep: a throw, a call for its effect. */
    static final class Plain extends Node {
        final Stmt stmt;

        Plain(Stmt stmt) {
            this.stmt = stmt;
        }
    }

    /** A scope: the method body, a branch, a loop body, a nested block. */
    static final class Scope extends Node {
        final Scope parent;
        /** How many loops are around it (0 for the method body and what runs once). */
        final int depth;
        /** The innermost loop around it (the one whose body it is, or is inside), or null. */
        LoopNode loop;
        final List<Node> nodes = new ArrayList<>();
        /** Variables declared directly in this scope, in order. */
        final List<Var> locals = new ArrayList<>();
        /** Locals whose value at the end of the scope its reverse sweep needs, kept in a slot. */
        final Map<Var, Slot> exits = new LinkedHashMap<>();
        /** Locals its reverse sweep computes again from what it has, with their definitions. */
        final Map<Var, Expr> recomputed = new LinkedHashMap<>();

        Scope(Scope parent, int depth, LoopNode loop) {
            this.parent = parent;
            this.depth = depth;
            this.loop = loop;
        }

        /** A scope inside {@code parent} that runs as often as it does: a branch, a block. */
        static Scope within(Scope parent) {
            return new Scope(parent, parent.depth, parent.loop);
        }

        boolean top() {
            return parent == null;
        }
    }

    /**
     * Where a value the reverse sweep needs is kept: a local when the statement that stores it runs
     * at most once per call ({@code declaredAtTop} when it must be declared at the start of the
     * method because it is stored in a nested scope); in a loop whose trip count is known when it
     * starts, an array borrowed from the value stack for it, one element per iteration at the
     * counter ({@code array}, {@code indexedBy}); the thread's value stack otherwise.
     */
    static final class Slot {
        final JType type;
        /** Not final: a value the fused loop's body keeps by index ends as a local of the body. */
        Var var;
        boolean declaredAtTop;
        /** The counting loop whose iteration indexes the value, or null; see {@link ToBeRecorded#slot}. */
        LoopNode indexedBy;
        /**
         * When the borrowed array holds one entry of {@code indexedBy} at a time only if this loop,
         * around it, runs each iteration's reverse sweep right after its forward sweep (it is fused):
         * else the value goes on the stack. Null when it holds in any case.
         */
        LoopNode ifFused;
        Var array;

        Slot(JType type, Var var, boolean declaredAtTop) {
            this.type = type;
            this.var = var;
            this.declaredAtTop = declaredAtTop;
        }

        boolean stacked() {
            return var == null && indexedBy == null;
        }

        boolean indexed() {
            return indexedBy != null;
        }

        /** Whether the value would go on the stack were {@code fused} the fused loop (null: none). */
        boolean stackedUnless(LoopNode fused) {
            return var == null && (indexedBy == null || ifFused != null && ifFused != fused);
        }
    }
}
