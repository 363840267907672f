package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Splits a generated method too large for the JIT into parts. HotSpot does not compile a method
 * over 8,000 bytes of bytecode (it runs interpreted, many times slower), and the JVM refuses one
 * over 64 KB; a long straight-line method's pullback is three times its size. Its top-level
 * statements are cut into consecutive parts of at most {@link #LIMIT} estimated bytes, each a
 * method of its own; the variables one part declares and another uses become fields of a frame
 * object the parts share (as do the parameters the body assigns). A statement is never cut: a
 * loop bigger than the limit stays whole.
 */
public final class Splitter {

    /** The estimated bytes over which a body is split: HotSpot compiles under 8,000, and the estimate may be short. */
    static final int LIMIT = 5000;

    private Splitter() {}

    /**
     * The estimated bytes over which one statement cannot be emitted: the JVM refuses a method over
     * 65,535 bytes of bytecode, and a statement is never cut (a loop body is not split), so its part
     * would be over the limit. Measured on loops of 150 to 600 statements, the estimate of such a
     * statement ({@link Sizes#ofAlone}) is 1.07 to 1.17 times javac's bytecode (a 400-statement
     * loop's reverse sweep: 70,491 estimated, 60,409 compiled), and Hipparchus' Beta.logBeta's
     * largest branch, which compiles, is estimated at 58,214: the limit sits where neither a method
     * that compiles is refused nor one that does not is let through, on those.
     */
    static final int STATEMENT_LIMIT = 71_000;

    /** The parameter slots assumed for the member holding an oversized statement. */
    private static final int TYPICAL_PARAMETER_SLOTS = 16;

    /**
     * The first top-level statement of {@code body} too large for any generated method (a loop or
     * branch whose differentiated body is over {@link #STATEMENT_LIMIT}), or null: the fence's
     * counterpart for sizes, which only the generated code has.
     */
    public static Stmt oversized(List<Stmt> body) {
        for (Stmt s : body) {
            if (!Stmts.blocks(s).isEmpty() && Sizes.ofAlone(s, TYPICAL_PARAMETER_SLOTS) > STATEMENT_LIMIT) {
                return s;
            }
        }
        return null;
    }

    /** The parts of a body, and the variables they share through the frame. */
    record Split(List<List<Stmt>> parts, Set<Var> framed, Set<Var> framedParameters) {}

    /** The split of {@code body}, or null when it is small enough as it is. */
    static Split of(List<Stmt> body, List<Var> parameters, Var stack) {
        int parameterSlots = 2 * parameters.size() + 2;
        if (Sizes.of(body, parameterSlots) <= LIMIT || body.size() < 2) {
            return null;
        }
        List<List<Stmt>> parts = new ArrayList<>();
        List<Stmt> part = new ArrayList<>();
        List<Stmt> comments = new ArrayList<>();
        int size = 0;
        for (Stmt s : body) {
            if (s instanceof Stmt.Comment) {
                comments.add(s); // goes with the statement it introduces
                continue;
            }
            int bytes = Sizes.ofPart(s);
            if (!part.isEmpty() && size + bytes > LIMIT) {
                parts.add(part);
                part = new ArrayList<>();
                size = 0;
            }
            part.addAll(comments);
            comments.clear();
            part.add(s);
            size += bytes;
        }
        part.addAll(comments);
        parts.add(part);
        if (parts.size() < 2) {
            return null;
        }
        // a top-level local used by another part than its own, a parameter assigned: fields of the frame
        Map<Var, Integer> declaredIn = new HashMap<>();
        for (int k = 0; k < parts.size(); k++) {
            for (Stmt s : parts.get(k)) {
                if (s instanceof Stmt.Declare d) {
                    declaredIn.put(d.var(), k);
                }
            }
        }
        Set<Var> framed = new LinkedHashSet<>();
        Set<Var> framedParameters = new LinkedHashSet<>();
        for (int k = 0; k < parts.size(); k++) {
            int own = k;
            for (Stmt s : Stmts.all(parts.get(k))) {
                mentioned(s, v -> {
                    Integer home = declaredIn.get(v);
                    if (home != null && home != own) {
                        framed.add(v);
                    }
                });
                // a parameter a part changes is the frame's from the start: x = ..., and a tangent's
                // dX -= ... (an accumulation into it, as when the method assigns its parameter x)
                Var assigned = s instanceof Stmt.Assign a ? a.var()
                        : s instanceof Stmt.Accumulate acc && acc.target() instanceof Expr.Read r ? r.var() : null;
                if (assigned != null && parameters.contains(assigned)) {
                    framedParameters.add(assigned);
                }
                for (Expr e : Stmts.exprs(s)) {
                    Exprs.postOrder(e, n -> {
                        if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null
                                && parameters.contains(Exprs.var(a.target())) && a.target() instanceof Expr.Read) {
                            framedParameters.add(Exprs.var(a.target()));
                        }
                    });
                }
            }
        }
        if (stack != null) {
            framed.add(stack); // pushes and pops name it without reading it
        }
        framed.addAll(framedParameters);
        return new Split(parts, framed, framedParameters);
    }

    /** Every variable a statement names: the ones it reads and the one it defines. */
    private static void mentioned(Stmt s, Consumer<Var> action) {
        Var target = s instanceof Stmt.Declare d ? d.var() : s instanceof Stmt.Assign a ? a.var() : null;
        if (target != null) {
            action.accept(target);
        }
        for (Expr e : Stmts.exprs(s)) {
            Exprs.postOrder(e, n -> {
                if (n instanceof Expr.Read r) {
                    action.accept(r.var());
                } else if (n instanceof Expr.Pullback p) {
                    action.accept(p.holder());
                }
            });
        }
    }
}
