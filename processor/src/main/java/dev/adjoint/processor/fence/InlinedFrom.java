package dev.adjoint.processor.fence;

import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import java.util.HashMap;
import java.util.Map;

/**
 * How a method reaches the code of a helper of another file that it inlines (a static helper of
 * another class of the build): an error in that code is reported in the helper's file, where the
 * method is not, and the helper may serve several methods; the error then says which call of the
 * method brings it in ({@code (reached from f through its call of Gamma.logGamma(double) at
 * Model.java:12)}).
 */
final class InlinedFrom {

    private final Diagnostics diagnostics;
    private final String method;
    /** The outermost call of a helper being checked, in the method's own body; null outside helpers. */
    private Expr.Call outermost;
    /** For each file whose code is inlined, the first outermost call that brings it in (for later errors). */
    private final Map<Object, Expr.Call> byFile = new HashMap<>();

    InlinedFrom(Diagnostics diagnostics, String method) {
        this.diagnostics = diagnostics;
        this.method = method;
    }

    /** Entering the body of the helper {@code call} calls; true when it is an outermost call. */
    boolean enter(Expr.Call call) {
        if (outermost != null) {
            return false;
        }
        outermost = call;
        return true;
    }

    /** Leaving the helper entered with the answer {@code outer} of {@link #enter}. */
    void leave(boolean outer) {
        if (outer) {
            outermost = null;
        }
    }

    /** A statement being checked: its file, if inside a helper, is reached by the current call. */
    void visit(Stmt s) {
        if (outermost != null && s.pos() != null && s.pos().unit() != null) {
            byFile.putIfAbsent(s.pos().unit(), outermost);
        }
    }

    /** What to add to an error at {@code at}: how the method reaches it when it is in another file, else "". */
    String suffix(Position at) {
        Expr.Call from = outermost != null || at == null ? outermost : byFile.get(at.unit());
        Position call = from == null ? null : from.pos();
        if (at == null || call == null || at.unit() == null || at.unit() == call.unit()) {
            return "";
        }
        return " (reached from " + method + " through its call of " + from.callee().describe() + " at "
                + diagnostics.where(call) + ")";
    }
}
