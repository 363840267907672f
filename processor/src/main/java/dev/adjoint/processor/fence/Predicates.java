package dev.adjoint.processor.fence;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import java.util.Map;

/**
 * Helpers whose only output is a boolean (Commons Math's and Commons Numbers' {@code
 * Precision.equals(x, y, maxUlps)}, copied as source): the bits of a double they read ({@code
 * Double.doubleToRawLongBits(x)}) can only decide a test, never reach a value with a lost
 * derivative, so the fence lets them be read there. Such a helper returns a boolean, writes no
 * array and makes no double of bits ({@code Double.longBitsToDouble}), and the helpers it inlines
 * return no double or array and do the same, to a small depth.
 */
final class Predicates {

    private static final int DEPTH = 4;

    private Predicates() {}

    /** Whether {@code helper}, inlined where a call of type {@code type} is, only decides a test. */
    static boolean decides(MethodIr helper, JType type, Map<String, MethodIr> helpers) {
        return helper != null && type.kind() == JType.Kind.BOOLEAN && nothingOut(helper, helpers, 0);
    }

    private static boolean nothingOut(MethodIr helper, Map<String, MethodIr> helpers, int depth) {
        if (depth > DEPTH) {
            return false;
        }
        for (Stmt s : Stmts.all(helper.body())) {
            if (s instanceof Stmt.ArrayWrite || s instanceof Stmt.Accumulate || s instanceof Stmt.Put) {
                return false;
            }
            for (Expr e : Stmts.exprs(s)) {
                boolean[] out = {false};
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Call c && c.callee() instanceof Callee.Opaque o
                            && o.owner().qualifiedName().equals("java.lang.Double") && o.name().equals("longBitsToDouble")) {
                        out[0] = true; // a double made of bits
                    } else if (n instanceof Expr.Call c && c.callee() instanceof Callee.Inline i) {
                        out[0] |= c.type().isDouble() || c.type().isArray()
                                || !nothingOut(helpers.get(i.key()), helpers, depth + 1);
                    } else if (n instanceof Expr.Call c && !(c.callee() instanceof Callee.Opaque)) {
                        out[0] = true; // a differentiable method's: not judged here
                    }
                });
                if (out[0]) {
                    return false;
                }
            }
        }
        return true;
    }
}
