package dev.adjoint.processor.ad;

import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;

/**
 * The differentiated method, ready to print: the body of {@code fPullback} (forward sweep,
 * reverse sweep, gradient writes into {@code into}, return of the value) and the names given to
 * its {@code seed} and {@code into} parameters (renamed if the user's method uses those names),
 * the {@code double[]} parameters the method writes to, whether it allocates nothing, and whether
 * it keeps loop values on the thread's value stack, and the per-thread gradient holders of its calls.
 * {@code sites} tells forward-over-reverse ({@link ForwardMode#pullbackTangent}) what each call
 * the reverse sweep writes stands for (keyed by identity).
 */
public record Pullback(MethodIr method, String seed, String into, List<Stmt> body, List<String> writtenArrays,
        boolean allocationFree, boolean usesStack, List<SharedHolder> sharedHolders, Map<Expr.Apply, Site> sites) {

    /** A gradient holder a call reuses, one per thread: a {@code ThreadLocal} field of the adjoint class. */
    public record SharedHolder(String field, JType type) {}

    /**
     * A call the reverse sweep makes: the pullback of another {@code @Differentiable} method
     * ({@code call}), or a user-supplied partial derivative ({@code partial}, from {@code @DerivativeOf}).
     */
    public record Site(Expr.DiffCall call, ExecutableElement partial, Position position) {}
}
