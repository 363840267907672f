package dev.adjoint.processor.ad.reverse;

import dev.adjoint.processor.ad.Cleanup;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stage 6, differentiate: reverse mode. The {@link ReverseVisitor} gives each statement of the
 * normalized body its reverse statements; {@link ToBeRecorded} decides which values the reverse
 * sweep needs kept and where; {@link Fusion} may run the last loop's reverse sweep inside it; the
 * {@link Assembler} writes the pullback; {@link Cleanup} makes it read like hand-written code.
 */
public final class ReverseMode {

    /** The runtime's stack of values kept for the reverse sweep (generated code only). */
    public static final ClassRef VALUE_STACK = ClassRef.of("dev.adjoint.internal", "ValueStack");

    private ReverseMode() {}

    /**
     * The differentiated method, ready to print as the body of {@code fPullback}: {@code seed} and
     * {@code into} are its generated parameters; {@code writtenArrays} the array parameters the
     * method writes; whether it allocates nothing and whether it uses the value stack; the holders
     * its calls reuse per thread.
     */
    public record Pullback(MethodIr method, Var seed, Var into, List<Stmt> body, List<String> writtenArrays,
            boolean allocationFree, boolean usesStack, List<SharedHolder> sharedHolders) {}

    /** A gradient holder a call reuses, one per thread: a {@code ThreadLocal} field of the adjoint class. */
    public record SharedHolder(String field, JType type) {}

    /**
     * Differentiates a normalized method.
     *
     * @param recursive whether a call of the {@code @Differentiable} method with this key can lead
     *        back to this one (it then needs a holder of its own per call)
     */
    public static Pullback differentiate(MethodIr method, ClassRef implClass, ClassRef gradientClass, String seedName,
            String intoName, Predicate<String> recursive) {
        Activity activity = Activity.of(method, method.body(), java.util.Map.of());
        Var seed = new Var(seedName, method.vector() ? JType.DOUBLE_ARRAY : JType.DOUBLE, Var.Role.FIXED);
        Var into = new Var(intoName, JType.named(gradientClass), Var.Role.FIXED);
        Context c = new Context(method, method.body(), activity, seed, into, recursive);
        if (method.vector()) {
            Stmt last = method.body().get(method.body().size() - 1);
            c.vector = ((Expr.Read) ((Stmt.Return) last).value()).var();
        }
        Tree.Scope top = new ReverseVisitor(c, implClass).build();
        ToBeRecorded tbr = new ToBeRecorded(c, top);
        tbr.run();
        Tree.LoopNode fused = Fusion.decide(c, top, tbr);
        List<Stmt> body = new Assembler(c, tbr, fused).assemble(top);
        body = Cleanup.run(body);
        List<String> written = new ArrayList<>();
        for (MethodIr.Param p : method.params()) {
            if (c.writtenArrays.contains(p.var())) {
                written.add(p.name());
            }
        }
        return new Pullback(method, seed, into, body, List.copyOf(written), !Cleanup.allocates(body), c.stack != null,
                List.copyOf(c.sharedHolders));
    }
}
