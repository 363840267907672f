package dev.adjoint.processor.analysis;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first call of a method (or of a helper it inlines) that changes state another run of it
 * would see: a random generator's next draw. A derivative that runs the method more than once
 * (a caller's reverse sweep running a {@code @Differentiable} callee's pullback after the forward
 * sweep ran it, a Hessian running it once per direction, a Jacobian once per output) would take
 * each run's derivative at other draws, and change the state again: the pipeline refuses those.
 * A draw in a throw statement does not count (a throw ends the run).
 */
public final class StateChanges {

    private StateChanges() {}

    /** The first such call in {@code method}, inlined helpers included, or null. */
    public static Expr.Call first(MethodIr method, Map<String, MethodIr> helpers) {
        return first(method.body(), helpers, new HashSet<>());
    }

    /**
     * Whether calling {@code o} draws from a random generator: a method of the JDK's, Commons Math's,
     * Hipparchus' or Commons RNG's generators (or a class named like one), or {@code Math.random()}.
     * Other methods that may write (a counter's {@code tick()}) are not recognised: Adjoint cannot tell
     * them from methods it only could not prove read-only.
     */
    static boolean changes(Callee.Opaque o) {
        String owner = o.owner().qualifiedName();
        if (owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath")) {
            return o.name().equals("random");
        }
        return RANDOM.stream().anyMatch(owner::startsWith) || owner.endsWith("Random") || owner.endsWith("RandomGenerator");
    }

    private static final List<String> RANDOM = List.of("java.util.random.", "org.apache.commons.math3.random.",
            "org.hipparchus.random.", "org.apache.commons.rng.", "java.util.concurrent.ThreadLocalRandom");

    private static Expr.Call first(List<Stmt> body, Map<String, MethodIr> helpers, Set<String> open) {
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Throw) {
                continue;
            }
            for (Expr e : Stmts.exprs(s)) {
                Expr.Call[] found = {null};
                Exprs.postOrder(e, n -> {
                    if (found[0] == null && n instanceof Expr.Call c) {
                        if (c.callee() instanceof Callee.Opaque o && changes(o)) {
                            found[0] = c;
                        } else if (c.callee() instanceof Callee.Inline i && helpers.get(i.key()) != null && open.add(i.key())) {
                            found[0] = first(helpers.get(i.key()).body(), helpers, open);
                        }
                    }
                });
                if (found[0] != null) {
                    return found[0];
                }
            }
        }
        return null;
    }
}
