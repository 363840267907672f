package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The warnings: where the language drops a derivative on purpose, and the value still feeds the
 * result: a differentiated double cast to an integer, or rounded ({@code floor}, {@code ceil},
 * {@code rint}, {@code round}); and where a branch chosen by an equality test of a differentiated
 * value gives the derivative at the point where the equality holds ({@code if (x == 2.0) return
 * z;}), which is that branch's own and need not be the function's. Each is warned about once;
 * the equality tests only where the pipeline cannot generate the derivative of the code around them.
 */
public final class LostDerivatives {

    private final MethodIr method;
    private final Activity activity;
    private final Diagnostics diagnostics;
    private final Set<Expr> warned = new HashSet<>();
    private final List<Position> equalityTests = new ArrayList<>();

    LostDerivatives(MethodIr method, Activity activity, Diagnostics diagnostics) {
        this.method = method;
        this.activity = activity;
        this.diagnostics = diagnostics;
    }

    /** Warns about {@code body} (the method's or an inlined helper's); refuses its searches ({@link Searches}), whose derivative is lost in their choices. */
    void warn(List<Stmt> body) {
        Searches.check(body, activity, diagnostics);
        tolerances(body);
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.If i && !(i.then().size() == 1 && i.then().get(0) instanceof Stmt.Throw)) {
                equalities(i.condition());
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, node -> {
                    if (node instanceof Expr.Cond c) {
                        equalities(c.condition());
                    }
                });
            }
            Var target = Stmts.target(s);
            Expr value = s instanceof Stmt.Return r ? r.value() : Stmts.value(s);
            if (value == null || (target != null && !activity.isUseful(target)) || (target == null
                    && !(s instanceof Stmt.Return))) {
                continue;
            }
            Activity.carrying(value, node -> {
                if (node instanceof Expr.Cast c && !c.type().isDouble() && c.type().isNumeric()
                        && c.type().kind() != JType.Kind.FLOAT // refused, not warned about
                        && c.operand().type().isDouble() && activity.carries(c.operand()) && warned.add(node)) {
                    diagnostics.warning(Position.either(c.pos(), method.pos()), Tag.AdjointLostDerivative,
                            "casting a differentiated double to " + c.type() + " drops its derivative (treated as "
                                    + "0); keep the value a double if it should carry one");
                }
                if (node instanceof Expr.MathCall m && m.function().piecewiseConstant && m.function().rounds()
                        && m.args().stream().anyMatch(activity::carries) && warned.add(node)) {
                    diagnostics.warning(Position.either(m.pos(), method.pos()), Tag.AdjointLostDerivative,
                            m.owner() + "." + m.function().javaName + " is piecewise "
                                    + "constant: its derivative is 0 and the gradient does not flow through it");
                }
            });
        }
    }

    /**
     * Warns at each test of a differentiated value against a small tolerance ({@link
     * Activity#testsTolerance}) that chooses a branch outside loops (in a loop such a test is a
     * convergence test: it decides when to stop, not which formula holds).
     */
    private void tolerances(List<Stmt> body) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Loop || s instanceof Stmt.ForEach) {
                continue;
            }
            List<Expr> conditions = new ArrayList<>();
            if (s instanceof Stmt.If i && !nudgedOffZero(i)) {
                conditions.add(i.condition());
            }
            Stmts.exprs(s).forEach(e -> Exprs.postOrder(e, n -> {
                if (n instanceof Expr.Cond c) {
                    conditions.add(c.condition());
                }
            }));
            for (Expr condition : conditions) {
                Exprs.postOrder(condition, node -> {
                    if (activity.testsTolerance(node) && warned.add(node)) {
                        diagnostics.warning(Position.either(node.pos(), method.pos()), Tag.AdjointToleranceBranch,
                                "this test of a differentiated value against a small tolerance chooses a branch: inside "
                                        + "the band the derivative is that branch's own, right only if the branch is the "
                                        + "formula to first order in the tested value; a limit that drops it (an "
                                        + "at-the-money formula of the forward alone) gets the other inputs' derivatives "
                                        + "wrong there. Write the branch to first order in the tested value, or compare "
                                        + "Adjoint.stopGradient(...) to say the branch's derivative is meant");
                    }
                });
            }
            Stmts.blocks(s).forEach(this::tolerances);
        }
    }

    /**
     * A guard that moves a value off zero, {@code if (Math.abs(d) < TINY) d = TINY;} (the modified
     * Lentz method's): inside the band the value is the constant, and 0 the derivative of what the
     * code computes there; no formula is chosen.
     */
    private static boolean nudgedOffZero(Stmt.If i) {
        return i.otherwise().isEmpty() && i.then().size() == 1 && i.then().get(0) instanceof Stmt.Assign a
                && Exprs.constant(a.value()) != null && i.condition() instanceof Expr.Binary b
                && b.left() instanceof Expr.MathCall abs && abs.function() == MathFunction.ABS
                && Exprs.var(abs.args().get(0)) == a.var();
    }

    /** Where the method (or a helper it inlines) tests a differentiated value for equality in a condition. */
    List<Position> equalityTests() {
        return List.copyOf(equalityTests);
    }

    /**
     * Notes each {@code ==} or {@code !=} in {@code condition} that tests a differentiated value
     * ({@link Activity#testsEquality}).
     */
    private void equalities(Expr condition) {
        Exprs.postOrder(condition, node -> {
            if (activity.testsEquality(node) && warned.add(node)) {
                equalityTests.add(Position.either(node.pos(), method.pos()));
            }
        });
    }

    /**
     * Warns at each equality test of a differentiated value for which the derivative is the
     * branch's own: the method could not have the derivative of the code around the point.
     */
    public static void warnEqualities(Diagnostics diagnostics, List<Position> at) {
        for (Position p : at) {
            diagnostics.warning(p, Tag.AdjointEqualityBranch, "this equality test of a differentiated value chooses a "
                    + "branch: where it holds, the derivative is that branch's own, not that of the code around the point "
                    + "(as in PyTorch and JAX), because Adjoint cannot run this method's code around the point beside it (it "
                    + "writes to arrays it did not create, has effects, returns an array or is "
                    + "checkpointed); a shortcut for a value the code around also gives (Γ(2) = 1, erf(0) = 0) has the "
                    + "wrong derivative there. Remove the shortcut, or compare Adjoint.stopGradient(...) to say the branch's "
                    + "derivative is meant");
        }
    }
}
