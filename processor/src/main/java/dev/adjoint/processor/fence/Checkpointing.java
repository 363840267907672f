package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.LoopWrites;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fence's rules for {@code @Differentiable(checkpoints = s)}: the method must have a loop that
 * carries a derivative (else there is nothing to checkpoint), and each such loop that is not inside
 * another loop, which reverse mode may checkpoint, must change only what a snapshot can hold
 * ({@link LoopWrites}): the reverse sweep runs its iterations again from snapshots, so anything
 * else it changes would not come back, and a call with effects would happen again.
 */
public final class Checkpointing {

    private final Diagnostics diagnostics;

    public Checkpointing(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** Reports every reason {@code method} cannot be checkpointed as asked; whether it can. */
    public boolean check(MethodIr method, Map<String, MethodIr> helpers, Activity activity, int checkpoints) {
        List<Stmt> loops = new ArrayList<>();
        outermost(method.body(), helpers, new HashSet<>(), loops);
        String request = "@Differentiable(checkpoints = " + checkpoints + ") on " + method.name();
        if (loops.isEmpty()) {
            diagnostics.error(method.pos(), Tag.AdjointCheckpoint, request + ": it has no loop to checkpoint; "
                    + "checkpoints bound the memory of long loops, so remove it here");
            return false;
        }
        List<Stmt> active = loops.stream().filter(l -> carries(List.of(l), helpers, activity, new HashSet<>())).toList();
        if (active.isEmpty()) {
            diagnostics.error(method.pos(), Tag.AdjointCheckpoint, request + ": none of its loops carries a derivative, "
                    + "so none records anything for the reverse sweep; remove checkpoints here");
            return false;
        }
        boolean ok = true;
        for (Stmt loop : active) {
            String source = Stmts.source(loop) != null ? Stmts.source(loop) : loop instanceof Stmt.ForEach f ? f.source()
                    : null;
            String which = "the loop " + (source != null ? source + " " : "") + "of " + method.name();
            for (LoopWrites.Problem p : LoopWrites.of(loop, helpers).problems) {
                diagnostics.error(Position.either(p.at(), Position.either(loop.pos(), method.pos())),
                        Tag.AdjointCheckpoint, "cannot checkpoint " + which + ": " + p.message());
                ok = false;
            }
        }
        return ok;
    }

    /** The loops not inside another loop: in the body, its branches and blocks, and the helpers called there. */
    private static void outermost(List<Stmt> body, Map<String, MethodIr> helpers, Set<String> open, List<Stmt> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Loop || s instanceof Stmt.ForEach) {
                out.add(s);
                continue;
            }
            for (Expr root : Stmts.exprs(s)) {
                Exprs.postOrder(root, e -> {
                    if (e instanceof Expr.Call c && c.callee() instanceof Callee.Inline i && helpers.get(i.key()) != null
                            && open.add(i.key())) {
                        outermost(helpers.get(i.key()).body(), helpers, open, out);
                        open.remove(i.key());
                    }
                });
            }
            for (List<Stmt> inner : Stmts.blocks(s)) {
                outermost(inner, helpers, open, out);
            }
        }
    }

    /** Whether the statements (and the helpers they call) write a value that carries a derivative. */
    private static boolean carries(List<Stmt> stmts, Map<String, MethodIr> helpers, Activity activity, Set<String> open) {
        for (Stmt s : Stmts.all(stmts)) {
            Var target = Stmts.target(s);
            if (target != null && activity.isActive(target)) {
                return true;
            }
            for (Expr root : Stmts.exprs(s)) {
                if (activity.carries(root) || Exprs.any(root, e -> e instanceof Expr.Call c
                        && c.callee() instanceof Callee.Inline i && helpers.get(i.key()) != null && open.add(i.key())
                        && carries(helpers.get(i.key()).body(), helpers, activity, open))) {
                    return true;
                }
            }
        }
        return false;
    }
}
