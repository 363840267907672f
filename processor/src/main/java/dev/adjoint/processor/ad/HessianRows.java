package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Hessian's rows sharing what does not depend on the direction. Row i of the Hessian is H·e_i,
 * {@code fHvp} in the direction of the i-th input. Run once per row, {@code fHvp} would compute the
 * primal, its first-order adjoints (the reverse sweep at seed 1) and the values derived from them
 * again each time, though only the tangents change with the direction. Here {@code fHvp}'s body is
 * split in two:
 * <ul>
 *   <li>once: every statement whose value does not depend on the direction (the forward sweep's
 *       values, the first-order adjoints, the partials the tangents multiply);</li>
 *   <li>per direction, in a loop over the inputs: the direction as the unit vector of the row, the
 *       statements that read a tangent, and the row's entries ({@code dInto.x += e} becomes
 *       {@code row[j] += e}).</li>
 * </ul>
 * A variable is per direction when a statement defining it reads a per-direction value (the
 * fixpoint starts at the direction and {@code dInto}); all its definitions then run per direction.
 * Moving the others before the loop keeps each value only if no statement run per direction reads
 * a variable before a later statement run once redefines it, and if no branch's condition depends
 * on the direction: when that fails, or the body has loops or calls, there is no split (null) and
 * the Hessian is made of {@code fHvp} calls.
 */
public final class HessianRows {

    private HessianRows() {}

    /**
     * {@code once}, then a loop over the inputs whose counter is {@code index}, running
     * {@code perDirection} with {@code row} the Hessian's row {@code index}, which it adds to.
     */
    public record Split(List<Stmt> once, List<Stmt> perDirection, Var index, Var row) {}

    /**
     * Splits {@code hvp} (the body of {@code fHvp} for scalar inputs) or returns null. {@code
     * directions} are its direction variables, in input order; {@code fields} the names of
     * {@code dInto}'s fields in the same order.
     */
    public static Split split(List<Stmt> hvp, List<Var> directions, Var dInto, List<String> fields) {
        Var index = new Var("_i", JType.INT, Var.Role.INDEX);
        Var row = new Var("_row", JType.DOUBLE_ARRAY, Var.Role.INDEX);
        for (Stmt s : Stmts.all(hvp)) {
            boolean allowed = s instanceof Stmt.Declare || s instanceof Stmt.Assign || s instanceof Stmt.Comment
                    || s instanceof Stmt.If || s instanceof Stmt.Accumulate;
            if (!allowed) {
                return null;
            }
            for (Expr e : Stmts.exprs(s)) {
                if (Exprs.any(e, x -> x instanceof Expr.Call || x instanceof Expr.Pop || x instanceof Expr.Assignment
                        || x instanceof Expr.SwitchExpr || x instanceof Expr.Pullback)) {
                    return null;
                }
            }
            if (s instanceof Stmt.Accumulate a && !(a.target() instanceof Expr.Read)
                    && !(a.target() instanceof Expr.FieldGet f && Exprs.var(f.target()) == dInto)) {
                return null;
            }
        }
        // which variables depend on the direction
        Set<Var> varied = new HashSet<>(directions);
        varied.add(dInto);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stmt s : Stmts.all(hvp)) {
                Var v = defined(s);
                if (v != null && !varied.contains(v) && reads(s, varied)) {
                    varied.add(v);
                    grew = true;
                }
            }
        }
        List<Stmt> once = new ArrayList<>();
        List<Stmt> perDirection = new ArrayList<>();
        for (int j = 0; j < directions.size(); j++) {
            // the direction of row i: e_i
            Expr unit = new Expr.Cond(new Expr.Binary(Expr.BinaryOp.EQ, new Expr.Read(index),
                    dev.adjoint.processor.ir.Expr.Const.ofInt(j), JType.BOOLEAN, null), Algebra.lit(1.0),
                    Algebra.lit(0.0), JType.DOUBLE, null);
            perDirection.add(new Stmt.Declare(directions.get(j), unit, null, null));
        }
        Set<Var> readPerDirection = new HashSet<>();
        Set<Var> declared = new HashSet<>();
        for (Stmt s : Stmts.all(hvp)) {
            if (s instanceof Stmt.Declare d && !declared.add(d.var())) {
                // one variable declared in two blocks (a branch's recomputation in each sweep): moved
                // out of their blocks, the two declarations would clash; the rows call fHvp instead
                return null;
            }
        }
        if (!place(hvp, varied, dInto, fields, row, once, perDirection, readPerDirection)) {
            return null;
        }
        return new Split(prune(once), prune(perDirection), index, row);
    }

    /**
     * Puts each statement of {@code list} where it runs (a branch split in two, its condition
     * shared); false when a once-statement redefines what a per-direction one read before it, or a
     * condition depends on the direction.
     */
    private static boolean place(List<Stmt> list, Set<Var> varied, Var dInto, List<String> fields, Var row,
            List<Stmt> once, List<Stmt> perDirection, Set<Var> readPerDirection) {
        for (Stmt s : list) {
            if (s instanceof Stmt.Comment) {
                once.add(s);
                perDirection.add(s);
            } else if (s instanceof Stmt.If i) {
                if (reads(i.condition(), varied)) {
                    return false;
                }
                List<Stmt> thenOnce = new ArrayList<>();
                List<Stmt> thenEach = new ArrayList<>();
                List<Stmt> elseOnce = new ArrayList<>();
                List<Stmt> elseEach = new ArrayList<>();
                if (!place(i.then(), varied, dInto, fields, row, thenOnce, thenEach, readPerDirection)
                        || i.otherwise() != null && !place(i.otherwise(), varied, dInto, fields, row, elseOnce,
                                elseEach, readPerDirection)) {
                    return false;
                }
                List<Stmt> otherwise = i.otherwise();
                if (hasCode(thenEach) || hasCode(elseEach)) {
                    // what the branch declares once, its per-direction part reads outside the branch's
                    // block: declared before it (a default value, for the definite assignment)
                    thenOnce = hoist(thenOnce, once);
                    elseOnce = hoist(elseOnce, once);
                    if (thenOnce == null || elseOnce == null) {
                        return false;
                    }
                }
                if (hasCode(thenOnce) || hasCode(elseOnce)) {
                    once.add(new Stmt.If(i.condition(), thenOnce, otherwise == null ? null : elseOnce, i.pos(),
                            i.source()));
                }
                if (hasCode(thenEach) || hasCode(elseEach)) {
                    Exprs.reads(i.condition(), readPerDirection::add);
                    perDirection.add(new Stmt.If(i.condition(), thenEach, otherwise == null ? null : elseEach, i.pos(),
                            i.source()));
                }
            } else if (defined(s) != null && varied.contains(defined(s)) || reads(s, varied)) {
                for (Expr e : Stmts.exprs(s)) {
                    Exprs.reads(e, readPerDirection::add);
                }
                if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.FieldGet f) {
                    int column = fields.indexOf(f.name());
                    if (column < 0) {
                        return false;
                    }
                    perDirection.add(new Stmt.Accumulate(new Expr.ArrayRead(new Expr.Read(row),
                            Expr.Const.ofInt(column), JType.DOUBLE, null), a.delta()));
                } else {
                    perDirection.add(s);
                }
            } else {
                if (readPerDirection.contains(defined(s))) {
                    return false; // a per-direction statement read its earlier value
                }
                once.add(s);
            }
        }
        return true;
    }

    /**
     * {@code branch} with its declarations made assignments, each declared (with a default value)
     * into {@code before}; null for a type without a default value here.
     */
    private static List<Stmt> hoist(List<Stmt> branch, List<Stmt> before) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : branch) {
            if (s instanceof Stmt.Declare d) {
                Expr initial = defaultValue(d.var().type);
                if (initial == null) {
                    return null;
                }
                before.add(new Stmt.Declare(d.var(), initial, null, null));
                if (d.init() != null) {
                    out.add(new Stmt.Assign(d.var(), d.init(), d.pos(), d.source()));
                }
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static Expr defaultValue(JType type) {
        return switch (type.kind()) {
            case DOUBLE -> Algebra.lit(0.0);
            case BOOLEAN -> Expr.Const.ofBoolean(false);
            case INT -> Expr.Const.ofInt(0);
            default -> null;
        };
    }

    private static boolean hasCode(List<Stmt> list) {
        return list.stream().anyMatch(s -> !(s instanceof Stmt.Comment));
    }

    /**
     * {@code list} without the comments that introduce nothing: a {@code grad of:} comment followed
     * by no statement before the next comment, a section's comment ({@code reverse sweep}) by none
     * before the next section's.
     */
    private static List<Stmt> prune(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        boolean statementFollows = false;
        boolean sectionHasCode = false;
        for (int k = list.size() - 1; k >= 0; k--) {
            Stmt s = list.get(k);
            if (s instanceof Stmt.Comment c) {
                boolean grad = c.text().startsWith("grad of:");
                if (grad ? statementFollows : sectionHasCode) {
                    out.add(0, s);
                }
                statementFollows = false;
                if (!grad) {
                    sectionHasCode = false;
                }
                continue;
            }
            out.add(0, Stmts.mapBlocks(s, HessianRows::prune));
            statementFollows = true;
            sectionHasCode = true;
        }
        return out;
    }

    private static Var defined(Stmt s) {
        if (s instanceof Stmt.Declare d) {
            return d.var();
        }
        if (s instanceof Stmt.Assign a) {
            return a.var();
        }
        if (s instanceof Stmt.Accumulate a) {
            return a.target() instanceof Expr.FieldGet f ? Exprs.var(f.target()) : Exprs.var(a.target());
        }
        return null;
    }

    private static boolean reads(Stmt s, Set<Var> vars) {
        for (Expr e : Stmts.exprs(s)) {
            if (reads(e, vars)) {
                return true;
            }
        }
        return s instanceof Stmt.Accumulate a && reads(a.delta(), vars);
    }

    private static boolean reads(Expr e, Set<Var> vars) {
        boolean[] found = {false};
        Exprs.reads(e, v -> found[0] |= vars.contains(v));
        return found[0];
    }
}
