package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loop's steps computed from its counters alone: {@code Math.scalb(1.0, -i)}, {@code 4.0 / (1L << i)},
 * {@code Math.pow(0.5, i)}, {@code 1.0 / (i + 1)} (a Robbins–Monro step). Such a value carries no
 * derivative and changes at every step, so a point moved by it one way or the other on a test
 * narrows like a bisection's, with no variable halved for {@link Brackets} to see.
 *
 * <p>A step counts when its size falls as the counters count, and not at a fixed rate: it is
 * computed at a dozen counts from each counter's start, in the direction the loop counts it (both
 * when it does not say). A grid's point ({@code lo + i * h}) and an integrator's time
 * ({@code i * dt}) move by a fixed step: they narrow nothing. A value the loop does not change is
 * taken from its constant declaration, or tried at {@link #UNKNOWN} (an int passed in).
 */
final class CounterSteps {

    /** The counts a step is computed at: enough to tell a halving or a harmonic step from a fixed one. */
    private static final int SAMPLES = 12;
    /** The value tried for a value the loop does not change and nothing gives as a constant. */
    private static final double UNKNOWN = 2.0;

    private final Map<Var, List<Expr>> values;
    private final Set<Var> local;
    private final Activity activity;
    /** The method's variables declared with a constant, with it. */
    private final Map<Var, Double> declared = new HashMap<>();
    /** Those of them not written again. */
    private final Map<Var, Double> constants = new HashMap<>();
    /** The counters: the integral variables the loop carries, each with its start (null: unknown). */
    private final Map<Var, Double> starts = new HashMap<>();
    /** +1 for a counter the loop only counts up, -1 down, 0 when it does not say. */
    private final Map<Var, Integer> directions = new HashMap<>();

    /**
     * The steps of a loop that gives each variable {@code values} ({@code local}: those it declares),
     * in {@code body}, the method's statements.
     */
    CounterSteps(Map<Var, List<Expr>> values, Set<Var> local, Activity activity, List<Stmt> body) {
        this.values = values;
        this.local = local;
        this.activity = activity;
        Map<Var, Integer> writes = new HashMap<>();
        for (Stmt s : Stmts.all(body)) {
            Var target = s instanceof Stmt.Declare || s instanceof Stmt.Assign ? Stmts.target(s) : null;
            if (target != null) {
                writes.merge(target, 1, Integer::sum);
                Double c = Stmts.value(s) == null ? null : Exprs.constant(Stmts.value(s));
                if (s instanceof Stmt.Declare && c != null) {
                    declared.put(target, c);
                }
            }
            Stmts.exprs(s).forEach(e -> Exprs.postOrder(e, n -> {
                if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                    writes.merge(Exprs.var(a.target()), 2, Integer::sum);
                }
            }));
        }
        declared.forEach((v, c) -> {
            if (writes.get(v) == 1) {
                constants.put(v, c);
            }
        });
        for (Map.Entry<Var, List<Expr>> e : values.entrySet()) {
            Var v = e.getKey();
            if (integral(v.type) && !local.contains(v)) {
                Double start = null;
                int direction = 0;
                boolean known = true;
                for (Expr x : e.getValue()) {
                    Double c = Exprs.constant(x);
                    int d = direction(v, x);
                    if (c != null) {
                        start = c; // the header's start (for (int i = 1; ...)), or a reset
                    } else if (d == 0 || direction != 0 && d != direction) {
                        known = false;
                    } else {
                        direction = d;
                    }
                }
                starts.put(v, start != null ? start : declared.get(v));
                directions.put(v, known ? direction : 0);
            }
        }
    }

    private static boolean integral(JType t) {
        return t.kind() == JType.Kind.INT || t.kind() == JType.Kind.LONG;
    }

    /** +1 for {@code i++}, {@code i += 2}, {@code i = i + 1}; -1 for their opposites; else 0. */
    private static int direction(Var v, Expr x) {
        Expr e = x instanceof Expr.Assignment a && a.op() != null
                ? new Expr.Binary(a.op(), a.target(), a.value(), a.type(), null)
                : x instanceof Expr.Assignment a ? a.value() : x;
        if (!(e instanceof Expr.Binary b)) {
            return 0;
        }
        Double right = Exprs.constant(b.right());
        Double left = Exprs.constant(b.left());
        if (b.op() == Expr.BinaryOp.ADD && (Exprs.var(b.left()) == v && right != null || Exprs.var(b.right()) == v
                && left != null)) {
            double by = right != null ? right : left;
            return by > 0 ? 1 : by < 0 ? -1 : 0;
        }
        if (b.op() == Expr.BinaryOp.SUB && Exprs.var(b.left()) == v && right != null) {
            return right > 0 ? -1 : right < 0 ? 1 : 0;
        }
        return 0;
    }

    /**
     * Whether {@code e} holds a step computed from the counters alone whose size falls as they count,
     * directly or through what the loop computes ({@code double step = Math.scalb(1.0, -i)}).
     */
    boolean shrinks(Expr e) {
        return shrinks(e, new HashSet<>());
    }

    private boolean shrinks(Expr e, Set<Var> seen) {
        if (step(e)) {
            return true;
        }
        if (e instanceof Expr.Read r && local.contains(r.var())) {
            return seen.add(r.var()) && values.getOrDefault(r.var(), List.of()).stream().anyMatch(x -> shrinks(x, seen));
        }
        for (Expr c : Exprs.children(e)) {
            if (shrinks(c, seen)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e}, computed from the counters alone, falls in size as they count, not at a fixed rate. */
    private boolean step(Expr e) {
        Set<Var> read = new HashSet<>();
        if (!(e instanceof Expr.Read || e instanceof Expr.Binary || e instanceof Expr.Unary
                || e instanceof Expr.MathCall || e instanceof Expr.Cast) || !counted(e, read, new HashSet<>())) {
            return false;
        }
        boolean unknown = read.stream().anyMatch(v -> directions.get(v) == 0);
        return falls(e, read, 1) || unknown && falls(e, read, -1);
    }

    /** Whether {@code e} reads a counter, and nothing but counters, constants and what the loop computes from them. */
    private boolean counted(Expr e, Set<Var> counters, Set<Var> seen) {
        boolean[] ok = {true};
        Exprs.reads(e, v -> {
            if (directions.containsKey(v)) {
                counters.add(v);
            } else if (local.contains(v) && values.containsKey(v)) {
                ok[0] &= seen.add(v) && values.get(v).stream().allMatch(x -> counted(x, counters, seen));
            } else if (values.containsKey(v) || v.type.isDifferentiable() && activity.isVaried(v)) {
                ok[0] = false;
            }
        });
        return ok[0] && !counters.isEmpty();
    }

    /**
     * Whether {@code e}'s size falls from its first count to its last, not at a fixed rate, the
     * counters whose direction is unknown counting {@code sign}-wards.
     */
    private boolean falls(Expr e, Set<Var> counters, int sign) {
        double[] at = new double[SAMPLES];
        for (int k = 0; k < SAMPLES; k++) {
            Map<Var, Double> count = new HashMap<>();
            for (Var c : counters) {
                int d = directions.get(c) == 0 ? sign : directions.get(c);
                count.put(c, (starts.get(c) == null ? 1 : starts.get(c)) + d * k);
            }
            Double v = eval(e, count, new HashSet<>());
            if (v == null || !Double.isFinite(v)) {
                return false;
            }
            at[k] = v;
        }
        double scale = 0;
        for (double v : at) {
            scale = Math.max(scale, Math.abs(v));
        }
        boolean fixedRate = true;
        for (int k = 2; k < SAMPLES; k++) {
            fixedRate &= Math.abs(at[k] - 2 * at[k - 1] + at[k - 2]) <= 1e-9 * scale;
        }
        return !fixedRate && Math.abs(at[SAMPLES - 1]) < Math.abs(at[0]);
    }

    /** The value of {@code e} at these counts, or null when it reads anything else or does what is not folded here. */
    private Double eval(Expr e, Map<Var, Double> count, Set<Var> seen) {
        if (e instanceof Expr.Const c) {
            return c.value() instanceof Boolean b ? (b ? 1.0 : 0.0) : Exprs.constant(c);
        }
        if (e instanceof Expr.Read r) {
            Var v = r.var();
            if (count.containsKey(v)) {
                return count.get(v);
            }
            List<Expr> given = values.get(v);
            if (given != null) {
                return given.size() == 1 && local.contains(v) && seen.add(v) ? eval(given.get(0), count, seen) : null;
            }
            return constants.containsKey(v) ? constants.get(v) : v.type.isPrimitive() ? UNKNOWN : null;
        }
        if (e instanceof Expr.Cast c) {
            Double v = eval(c.operand(), count, seen);
            return v == null ? null : round(v, c.type());
        }
        if (e instanceof Expr.Unary u) {
            Double v = eval(u.operand(), count, seen);
            return v == null ? null : switch (u.op()) {
                case NEG -> -v;
                case PLUS -> v;
                case NOT -> v == 0 ? 1.0 : 0.0;
                case COMPLEMENT -> (double) ~v.longValue();
            };
        }
        if (e instanceof Expr.Cond c) {
            Double t = eval(c.condition(), count, seen);
            return t == null ? null : eval(t != 0 ? c.then() : c.otherwise(), count, seen);
        }
        if (e instanceof Expr.Binary b) {
            Double l = eval(b.left(), count, seen);
            Double r = eval(b.right(), count, seen);
            return l == null || r == null ? null : binary(b.op(), l, r, b.type());
        }
        if (e instanceof Expr.MathCall m) {
            double[] a = new double[m.args().size()];
            for (int k = 0; k < a.length; k++) {
                Double v = eval(m.args().get(k), count, seen);
                if (v == null) {
                    return null;
                }
                a[k] = v;
            }
            return math(m, a);
        }
        return null;
    }

    /** {@code v} as a value of {@code type}: an int or a long truncated. */
    private static double round(double v, JType type) {
        return type.kind() == JType.Kind.INT ? (int) v : type.kind() == JType.Kind.LONG ? (long) v
                : type.kind() == JType.Kind.FLOAT ? (float) v : v;
    }

    private static Double binary(Expr.BinaryOp op, double l, double r, JType type) {
        boolean whole = integral(type);
        long a = (long) l;
        long b = (long) r;
        return switch (op) {
            case ADD -> round(l + r, type);
            case SUB -> round(l - r, type);
            case MUL -> round(l * r, type);
            case DIV -> whole ? (b == 0 ? null : Double.valueOf(a / b)) : Double.valueOf(l / r);
            case REM -> whole ? (b == 0 ? null : Double.valueOf(a % b)) : Double.valueOf(l % r);
            case SHL -> round(type.kind() == JType.Kind.LONG ? a << b : (int) a << b, type);
            case SHR -> round(type.kind() == JType.Kind.LONG ? a >> b : (int) a >> b, type);
            case USHR -> round(type.kind() == JType.Kind.LONG ? a >>> b : (int) a >>> b, type);
            case LT -> l < r ? 1.0 : 0.0;
            case GT -> l > r ? 1.0 : 0.0;
            case LE -> l <= r ? 1.0 : 0.0;
            case GE -> l >= r ? 1.0 : 0.0;
            case EQ -> l == r ? 1.0 : 0.0;
            case NE -> l != r ? 1.0 : 0.0;
            case AND, CAND -> whole ? (double) (a & b) : l != 0 && r != 0 ? 1.0 : 0.0;
            case OR, COR -> whole ? (double) (a | b) : l != 0 || r != 0 ? 1.0 : 0.0;
            case XOR -> whole ? (double) (a ^ b) : (l != 0) != (r != 0) ? 1.0 : 0.0;
        };
    }

    private static Double math(Expr.MathCall m, double[] a) {
        return switch (m.function()) {
            case SIN -> Math.sin(a[0]);
            case COS -> Math.cos(a[0]);
            case TAN -> Math.tan(a[0]);
            case ATAN -> Math.atan(a[0]);
            case EXP -> Math.exp(a[0]);
            case EXPM1 -> Math.expm1(a[0]);
            case LOG -> Math.log(a[0]);
            case LOG10 -> Math.log10(a[0]);
            case LOG1P -> Math.log1p(a[0]);
            case SQRT -> Math.sqrt(a[0]);
            case CBRT -> Math.cbrt(a[0]);
            case POW, POW_INT -> Math.pow(a[0], a[1]);
            case HYPOT -> Math.hypot(a[0], a[1]);
            case ABS -> Math.abs(a[0]);
            case MAX -> Math.max(a[0], a[1]);
            case MIN -> Math.min(a[0], a[1]);
            case SCALB -> Math.scalb(a[0], (int) a[1]);
            case TANH -> Math.tanh(a[0]);
            case FLOOR -> Math.floor(a[0]);
            case CEIL -> Math.ceil(a[0]);
            case SIGNUM -> Math.signum(a[0]);
            default -> null;
        };
    }
}
