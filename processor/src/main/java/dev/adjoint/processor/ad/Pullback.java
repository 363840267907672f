package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * The differentiated method, ready to print: the body of {@code fPullback} (forward sweep,
 * reverse sweep, gradient writes into {@code into}, return of the value) and the names given to
 * its {@code seed} and {@code into} parameters (renamed if the user's method uses those names),
 * the {@code double[]} parameters the method writes to, whether it allocates nothing, and whether
 * it keeps loop values on the thread's value stack, and the per-thread gradient holders of its calls.
 */
public record Pullback(MethodIr method, String seed, String into, List<Stmt> body, List<String> writtenArrays,
        boolean allocationFree, boolean usesStack, List<SharedHolder> sharedHolders) {

    /** A gradient holder a call reuses, one per thread: a {@code ThreadLocal} field of the adjoint class. */
    public record SharedHolder(String field, JType type) {}
}
