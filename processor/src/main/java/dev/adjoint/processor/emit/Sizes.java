package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import java.util.List;

/**
 * An estimate of the bytecode javac makes of generated statements, generous rather than short: a
 * few bytes per load, store, operation and call, for {@link Splitter} to keep each method under
 * the JIT's limit. A method with more than 256 local slots needs {@code wide} loads and stores of
 * four bytes where others take two, so a body's locals are counted first ({@link #of(List, int)}).
 */
final class Sizes {

    /** The bytes of a load or store: two for a local in the first 256 slots, four past them (or a frame's field). */
    private final int access;

    private Sizes(int access) {
        this.access = access;
    }

    /** The estimated bytecode of a body whose parameters take {@code parameterSlots} local slots. */
    static int of(List<Stmt> body, int parameterSlots) {
        int slots = parameterSlots;
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare) {
                slots += 2; // a double or a long; others take one
            }
        }
        return new Sizes(slots < 250 ? 2 : 4).of(body);
    }

    /**
     * The estimated bytecode of one statement as a method of its own would hold it: its loads and
     * stores {@code wide} only when the slots live at once pass 256. javac gives a block's locals
     * back at the block's end, so that count is the deepest nesting's, not every declaration's.
     */
    static int ofAlone(Stmt s, int parameterSlots) {
        return new Sizes(parameterSlots + liveSlots(List.of(s)) < 250 ? 2 : 4).of(s);
    }

    /** The most local slots the statements hold at once: a block's declarations, plus its deepest nested block's. */
    private static int liveSlots(List<Stmt> list) {
        int declared = 0;
        int nested = 0;
        for (Stmt s : list) {
            if (s instanceof Stmt.Declare) {
                declared += 2;
            }
            for (List<Stmt> block : Stmts.blocks(s)) {
                nested = Math.max(nested, declared + liveSlots(block));
            }
        }
        return Math.max(declared, nested);
    }

    /** The estimated bytecode of a statement of a part of a split body, where shared variables are a frame's fields. */
    static int ofPart(Stmt s) {
        return new Sizes(4).of(s);
    }

    private int of(List<Stmt> body) {
        int n = 0;
        for (Stmt s : body) {
            n += of(s);
        }
        return n;
    }

    private int of(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.init() == null ? 0 : 1 + access + of(d.init());
        } else if (s instanceof Stmt.Assign a) {
            return 1 + access + of(a.value());
        } else if (s instanceof Stmt.ArrayWrite w) {
            return 2 + of(w.array()) + of(w.index()) + of(w.value());
        } else if (s instanceof Stmt.Accumulate a) {
            return 9 + of(a.target()) + of(a.delta());
        } else if (s instanceof Stmt.Put p) {
            return 5 + of(p.target()) + of(p.value());
        } else if (s instanceof Stmt.Eval e) {
            return 2 + of(e.expr());
        } else if (s instanceof Stmt.Push p) {
            return 8 + of(p.value());
        } else if (s instanceof Stmt.Return r) {
            return 2 + (r.value() == null ? 0 : of(r.value()));
        } else if (s instanceof Stmt.Throw t) {
            return 2 + of(t.exception());
        } else if (s instanceof Stmt.If f) {
            return 8 + of(f.condition()) + of(f.then()) + of(f.otherwise());
        } else if (s instanceof Stmt.Loop l) {
            return 10 + of(l.init()) + of(l.head()) + (l.condition() == null ? 0 : of(l.condition())) + of(l.body())
                    + of(l.update());
        } else if (s instanceof Stmt.Block b) {
            return 3 + of(b.body());
        } else if (s instanceof Stmt.Switch w) {
            int n = 20 + of(w.selector());
            for (Stmt.Case c : w.cases()) {
                n += 8 + of(c.body());
            }
            return n;
        }
        return 3; // a comment (nothing), a break or continue (a goto)
    }

    private int of(Expr e) {
        int n;
        if (e instanceof Expr.Read) {
            n = access;
        } else if (e instanceof Expr.Binary b) {
            // dmul is one byte; a comparison, && and || take a branch
            n = b.op().isComparison() || b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR ? 4 : 1;
        } else if (e instanceof Expr.Unary || e instanceof Expr.Cast) {
            n = 2;
        } else if (e instanceof Expr.ArrayRead || e instanceof Expr.Length) {
            n = 1;
        } else if (e instanceof Expr.Cond || e instanceof Expr.Assignment || e instanceof Expr.Pullback) {
            n = 8;
        } else if (e instanceof Expr.Call || e instanceof Expr.Pop) {
            n = 5;
        } else if (e instanceof Expr.New) {
            n = 7;
        } else if (e instanceof Expr.NewArray) {
            n = 4;
        } else if (e instanceof Expr.ArrayLit l) {
            n = 4 + 4 * l.elements().size();
        } else if (e instanceof Expr.SwitchExpr w) {
            n = of(w.statement());
        } else {
            n = 3; // a constant, a static or instance field, a Math call
        }
        for (Expr c : dev.adjoint.processor.ir.Exprs.children(e)) {
            n += of(c);
        }
        return n;
    }
}
