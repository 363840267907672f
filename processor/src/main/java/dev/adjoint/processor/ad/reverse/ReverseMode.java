package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Cleanup;
import dev.adjoint.processor.ad.Rows;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Stage 6, differentiate: reverse mode. The {@link ReverseVisitor} gives each statement of the
 * normalized body its reverse statements; {@link ToBeRecorded} decides which values the reverse
 * sweep needs kept and where; {@link Fusion} may run the last loop's reverse sweep inside it; the
 * {@link Assembler} writes the pullback; {@link Cleanup} makes it read like hand-written code,
 * {@link Preaccumulation} multiplies an adjoint once by a stretch's partial derivative, and
 * {@link Products} writes its products as a hand-written adjoint would. With
 * {@code @Differentiable(checkpoints = s)}, the long loops are {@link CheckpointedLoop checkpointed}.
 */
public final class ReverseMode {

    /** The runtime's stack of values kept for the reverse sweep (generated code only). */
    public static final ClassRef VALUE_STACK = ClassRef.of("dev.adjoint.internal", "ValueStack");

    private ReverseMode() {}

    /**
     * The differentiated method, ready to print as the body of {@code fPullback}: {@code seed} and
     * {@code into} are its generated parameters; {@code writtenArrays} the array parameters the
     * method writes; whether it allocates nothing and whether it uses the value stack; the holders
     * its calls reuse per thread; whether it records every iteration on the value stack itself (no
     * checkpointed loop, no array borrowed for a counted loop), as forward mode over it needs.
     */
    public record Pullback(MethodIr method, Var seed, Var into, List<Stmt> body, List<String> writtenArrays,
            boolean allocationFree, boolean usesStack, List<SharedHolder> sharedHolders, boolean onTheStack) {}

    /** A gradient holder a call reuses, one per thread: a {@code ThreadLocal} field of the adjoint class. */
    public record SharedHolder(String field, JType type) {}

    /**
     * Differentiates a normalized method.
     *
     * @param recursive whether a call of the {@code @Differentiable} method with this key can lead
     *        back to this one (it then needs a holder of its own per call)
     * @param checkpoints the snapshots each long loop may keep ({@link CheckpointedLoop}), or 0 to
     *        record every iteration
     */
    public static Pullback differentiate(MethodIr method, ClassRef implClass, ClassRef gradientClass, String seedName,
            String intoName, Predicate<String> recursive, int checkpoints) {
        Var seed = new Var(seedName, method.vector() ? JType.DOUBLE_ARRAY : JType.DOUBLE, Var.Role.FIXED);
        Var into = new Var(intoName, JType.named(gradientClass), Var.Role.FIXED);
        return differentiate(method, implClass, seed, into, recursive, checkpoints);
    }

    /**
     * The pullback of the same method recording every iteration of its loops on the value stack, with
     * the same seed and gradient parameters as {@code pullback} ({@code pullback} itself when it does):
     * second order is forward mode over this one. Forward mode follows pushes and pops (a tangent
     * beside each value), not the runtime's checkpoint schedule nor arrays borrowed for counted loops.
     */
    public static Pullback recordingEveryIteration(Pullback pullback, ClassRef implClass,
            Predicate<String> recursive) {
        return pullback.onTheStack() ? pullback
                : differentiate(pullback.method(), implClass, pullback.seed(), pullback.into(), recursive, 0, false);
    }

    private static Pullback differentiate(MethodIr method, ClassRef implClass, Var seed, Var into,
            Predicate<String> recursive, int checkpoints) {
        return differentiate(method, implClass, seed, into, recursive, checkpoints, true);
    }

    /** {@code indexing}: whether a counted loop may keep its values in a borrowed array ({@link ToBeRecorded#slot}). */
    private static Pullback differentiate(MethodIr method, ClassRef implClass, Var seed, Var into,
            Predicate<String> recursive, int checkpoints, boolean indexing) {
        Context c = context(method, seed, into, recursive);
        Tree.Scope top = new ReverseVisitor(c, implClass).build();
        // which loops to checkpoint is judged on what they record on the stack
        ToBeRecorded tbr = new ToBeRecorded(c, top, indexing && checkpoints == 0);
        tbr.run();
        List<CheckpointedLoop> checkpointed = List.of();
        if (checkpoints > 0) {
            Set<Stmt.Loop> chosen = CheckpointedLoop.choose(c, top);
            if (!chosen.isEmpty()) {
                // again, knowing which loops run their iterations again: what those read must still
                // hold when they do
                c = context(method, seed, into, recursive);
                top = new ReverseVisitor(c, implClass).build();
                checkpointed = CheckpointedLoop.mark(top, chosen, checkpoints);
                tbr = new ToBeRecorded(c, top, indexing);
                tbr.run();
                CheckpointedLoop.settle(checkpointed, c, tbr);
            }
            c.checkpoints = checkpoints; // the generated code says which loops are not checkpointed, too
        }
        Tree.LoopNode fused = Fusion.decide(c, top, tbr);
        List<Stmt> body = new Assembler(c, tbr, fused).assemble(top);
        body = Cleanup.run(body);
        List<Stmt> preaccumulated = Preaccumulation.run(body, seed);
        if (preaccumulated != body) {
            body = Cleanup.run(preaccumulated); // what nothing reads now goes, partials read once go into their use
        }
        List<Stmt> products = Products.run(body, method.params(), seed);
        if (products != body) {
            body = Cleanup.run(products); // a forward value now read once goes back into its use
        }
        body = Rows.run(method.params(), Products.factor(body));
        List<String> written = new ArrayList<>();
        for (MethodIr.Param p : method.params()) {
            if (c.writtenArrays.contains(p.var())) {
                written.add(p.name());
            }
        }
        // snapshots are allocated per call
        boolean allocationFree = !Cleanup.allocates(body) && checkpointed.isEmpty();
        return new Pullback(method, seed, into, body, List.copyOf(written), allocationFree, c.stack != null,
                List.copyOf(c.sharedHolders), checkpointed.isEmpty() && tbr.indexed.isEmpty());
    }

    private static Context context(MethodIr method, Var seed, Var into, Predicate<String> recursive) {
        Activity activity = Activity.of(method, method.body(), java.util.Map.of());
        Context c = new Context(method, method.body(), activity, seed, into, recursive);
        if (method.vector()) {
            Stmt last = method.body().get(method.body().size() - 1);
            c.vector = ((Expr.Read) ((Stmt.Return) last).value()).var();
        }
        return c;
    }
}
