package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;

/**
 * Which {@code @Differentiable} methods of this compilation call which: a call that can lead
 * back to its caller (recursion, direct or not) needs a fresh gradient holder per call; any other
 * call reuses one per thread.
 */
public final class CallGraph {

    private final Map<ExecutableElement, Set<ExecutableElement>> calls = new HashMap<>();

    public void add(ExecutableElement caller, MethodIr method) {
        Set<ExecutableElement> callees = calls.computeIfAbsent(caller, k -> new LinkedHashSet<>());
        Stmts.forEachExpr(method.body(), e -> collect(e, callees));
    }

    private static void collect(Expr e, Set<ExecutableElement> callees) {
        if (e instanceof Expr.DiffCall c) {
            callees.add(c.method());
        }
        Exprs.children(e).forEach(child -> collect(child, callees));
    }

    /** Whether {@code from} may (through any chain of calls) call {@code to}, or is it. */
    public boolean reaches(ExecutableElement from, ExecutableElement to) {
        Set<ExecutableElement> seen = new HashSet<>();
        Deque<ExecutableElement> work = new ArrayDeque<>();
        work.add(from);
        while (!work.isEmpty()) {
            ExecutableElement m = work.poll();
            if (m.equals(to)) {
                return true;
            }
            if (seen.add(m)) {
                work.addAll(calls.getOrDefault(m, Set.of()));
            }
        }
        return false;
    }
}
