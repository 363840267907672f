package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The warnings: where the language drops a derivative on purpose, and the value still feeds the
 * result: a differentiated double cast to an integer, or rounded ({@code floor}, {@code ceil},
 * {@code rint}, {@code round}). Each is warned about once.
 */
final class LostDerivatives {

    private final MethodIr method;
    private final Activity activity;
    private final Diagnostics diagnostics;
    private final Set<Expr> warned = new HashSet<>();

    LostDerivatives(MethodIr method, Activity activity, Diagnostics diagnostics) {
        this.method = method;
        this.activity = activity;
        this.diagnostics = diagnostics;
    }

    void warn(List<Stmt> body) {
        for (Stmt s : Stmts.all(body)) {
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
}
