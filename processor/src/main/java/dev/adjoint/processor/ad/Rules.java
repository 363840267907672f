package dev.adjoint.processor.ad;

import static dev.adjoint.processor.ad.Algebra.add;
import static dev.adjoint.processor.ad.Algebra.and;
import static dev.adjoint.processor.ad.Algebra.call;
import static dev.adjoint.processor.ad.Algebra.choose;
import static dev.adjoint.processor.ad.Algebra.compare;
import static dev.adjoint.processor.ad.Algebra.constant;
import static dev.adjoint.processor.ad.Algebra.div;
import static dev.adjoint.processor.ad.Algebra.lit;
import static dev.adjoint.processor.ad.Algebra.mul;
import static dev.adjoint.processor.ad.Algebra.neg;
import static dev.adjoint.processor.ad.Algebra.or;
import static dev.adjoint.processor.ad.Algebra.sub;

import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one registry of local derivative rules, used by reverse mode, forward mode and second
 * order alike. For an operation {@code y = op(a, b, ...)} a rule gives the partial derivatives
 * {@code ∂y/∂a, ∂y/∂b, ...} as expressions over the argument values {@code a[i]} and the result
 * {@code y}. Reverse mode adds {@code adj·∂y/∂a_i} into each argument's adjoint; forward mode sums
 * {@code ∂y/∂a_i·da_i}. Beside the table, the algebraic shortcuts that make fewer operations than
 * the rules taken one by one ({@code d(u·u) = 2u·du}; {@code d(k·u·u)}; one division for both
 * partials of a quotient; {@code d log(u/w) = du/u - dw/w}), and users' {@code @DerivativeOf}
 * partials, found by the same lookup.
 *
 * <p>Conventions at kinks follow PyTorch: {@code abs'(0) = 0}; {@code max} and {@code min} split
 * the gradient evenly between equal arguments ({@code torch.maximum}); {@code pow(u, 0)} has
 * derivative 0 in {@code u}, and {@code pow(0, v)} derivative 0 in {@code v} for {@code v >= 0}.
 * Piecewise-constant functions (floor, ceil, rint, round, signum, ulp) have no rule: their results
 * carry no derivative.
 */
public final class Rules {

    /** Partial derivatives of one operation, over its argument values {@code a} and result {@code y}. */
    @FunctionalInterface
    interface Rule {
        List<Expr> partials(Expr[] a, Expr y);
    }

    private static final Map<Enum<?>, Rule> TABLE = new HashMap<>();

    static {
        // y = a + b: dy/da = 1, dy/db = 1
        rule(BinaryOp.ADD, (a, y) -> List.of(lit(1), lit(1)));
        // y = a - b: dy/da = 1, dy/db = -1
        rule(BinaryOp.SUB, (a, y) -> List.of(lit(1), lit(-1)));
        // y = a * b: dy/da = b, dy/db = a
        rule(BinaryOp.MUL, (a, y) -> List.of(a[1], a[0]));
        // y = a / b: dy/da = 1/b, dy/db = -a/b² = -y/b
        rule(BinaryOp.DIV, (a, y) -> List.of(div(lit(1), a[1]), neg(div(y, a[1]))));
        // y = a % b = a - trunc(a/b)·b: dy/da = 1, dy/db = -trunc(a/b) = -(a - y)/b
        rule(BinaryOp.REM, (a, y) -> List.of(lit(1), neg(div(sub(a[0], y), a[1]))));
        // y = -a: dy/da = -1
        rule(UnaryOp.NEG, (a, y) -> List.of(lit(-1)));
        // y = +a: dy/da = 1
        rule(UnaryOp.PLUS, (a, y) -> List.of(lit(1)));

        // y = sin(a): dy/da = cos(a)
        rule(MathFunction.SIN, (a, y) -> List.of(call(MathFunction.COS, a[0])));
        // y = cos(a): dy/da = -sin(a)
        rule(MathFunction.COS, (a, y) -> List.of(neg(call(MathFunction.SIN, a[0]))));
        // y = tan(a): dy/da = 1/cos²(a) = 1 + tan²(a) = 1 + y²
        rule(MathFunction.TAN, (a, y) -> List.of(add(lit(1), mul(y, y))));
        // y = asin(a): dy/da = 1/√(1 - a²), as 1/√((1 - a)(1 + a)): 1 - a is exact near ±1, where 1 - a² cancels
        rule(MathFunction.ASIN, (a, y) -> List.of(div(lit(1), call(MathFunction.SQRT, oneMinusSquare(a[0])))));
        // y = acos(a): dy/da = -1/√(1 - a²), as asin's
        rule(MathFunction.ACOS, (a, y) -> List.of(neg(div(lit(1), call(MathFunction.SQRT, oneMinusSquare(a[0]))))));
        // y = atan(a): dy/da = 1/(1 + a²)
        rule(MathFunction.ATAN, (a, y) -> List.of(div(lit(1), add(lit(1), mul(a[0], a[0])))));
        // y = atan2(a, b) (the angle of the point (b, a)): dy/da = b/(a² + b²), dy/db = -a/(a² + b²);
        // where a² + b² overflows or loses its precision below the normal doubles, as (b/h)/h with h = hypot(a, b)
        rule(MathFunction.ATAN2, (a, y) -> List.of(
                overSquares(a[1], a[0], a[1]),
                neg(overSquares(a[0], a[0], a[1]))));
        // y = sinh(a): dy/da = cosh(a)
        rule(MathFunction.SINH, (a, y) -> List.of(call(MathFunction.COSH, a[0])));
        // y = cosh(a): dy/da = sinh(a)
        rule(MathFunction.COSH, (a, y) -> List.of(call(MathFunction.SINH, a[0])));
        // y = tanh(a): dy/da = 1 - tanh²(a) = 1 - y²
        rule(MathFunction.TANH, (a, y) -> List.of(sub(lit(1), mul(y, y))));
        // y = exp(a): dy/da = exp(a) = y
        rule(MathFunction.EXP, (a, y) -> List.of(y));
        // y = expm1(a) = exp(a) - 1: dy/da = exp(a) = y + 1
        rule(MathFunction.EXPM1, (a, y) -> List.of(add(y, lit(1))));
        // y = log(a): dy/da = 1/a
        rule(MathFunction.LOG, (a, y) -> List.of(div(lit(1), a[0])));
        // y = log10(a) = ln(a)/ln(10): dy/da = 1/(a·ln 10)
        rule(MathFunction.LOG10, (a, y) -> List.of(div(lit(1), mul(a[0], lit(Math.log(10))))));
        // y = log1p(a) = ln(1 + a): dy/da = 1/(1 + a)
        rule(MathFunction.LOG1P, (a, y) -> List.of(div(lit(1), add(lit(1), a[0]))));
        // y = √a: dy/da = 1/(2√a) = 0.5/y
        rule(MathFunction.SQRT, (a, y) -> List.of(div(lit(0.5), y)));
        // y = ∛a: dy/da = 1/(3·a^(2/3)) = 1/(3y²)
        rule(MathFunction.CBRT, (a, y) -> List.of(div(lit(1), mul(lit(3), mul(y, y)))));
        // y = a^b: dy/da = b·a^(b-1) (0 where b = 0 and a = 0 or NaN), dy/db = y·ln(a) (0 where a = 0 and b >= 0)
        rule(MathFunction.POW, (a, y) -> List.of(powBase(a[0], a[1]),
                choose(and(compare(BinaryOp.EQ, a[0], lit(0)), compare(BinaryOp.GE, a[1], lit(0))),
                        lit(0), mul(y, call(MathFunction.LOG, a[0])))));
        // y = a^n, n an int (FastMath.pow(double, int)): dy/da = n·a^(n-1), as pow's; the int exponent carries none
        rule(MathFunction.POW_INT, (a, y) -> List.of(powBase(a[0], a[1]), lit(0)));
        // y = √(a² + b²): dy/da = a/y, dy/db = b/y
        rule(MathFunction.HYPOT, (a, y) -> List.of(div(a[0], y), div(a[1], y)));
        // y = |a|: dy/da = sign(a), with abs'(0) = 0 as in PyTorch
        rule(MathFunction.ABS, (a, y) -> List.of(call(MathFunction.SIGNUM, a[0])));
        // y = max(a, b): dy/da = 1 where a > b, 1/2 where a = b, else 0 (torch.maximum)
        rule(MathFunction.MAX, (a, y) -> List.of(
                choose(compare(BinaryOp.GT, a[0], a[1]), lit(1), choose(compare(BinaryOp.EQ, a[0], a[1]), lit(0.5), lit(0))),
                choose(compare(BinaryOp.GT, a[1], a[0]), lit(1), choose(compare(BinaryOp.EQ, a[0], a[1]), lit(0.5), lit(0)))));
        // y = min(a, b): dy/da = 1 where a < b, 1/2 where a = b, else 0 (torch.minimum)
        rule(MathFunction.MIN, (a, y) -> List.of(
                choose(compare(BinaryOp.LT, a[0], a[1]), lit(1), choose(compare(BinaryOp.EQ, a[0], a[1]), lit(0.5), lit(0))),
                choose(compare(BinaryOp.LT, a[1], a[0]), lit(1), choose(compare(BinaryOp.EQ, a[0], a[1]), lit(0.5), lit(0)))));
        // y = a·b + c: dy/da = b, dy/db = a, dy/dc = 1
        rule(MathFunction.FMA, (a, y) -> List.of(a[1], a[0], lit(1)));
        // y = a·π/180: dy/da = π/180
        rule(MathFunction.TO_RADIANS, (a, y) -> List.of(lit(Math.toRadians(1.0))));
        // y = a·180/π: dy/da = 180/π
        rule(MathFunction.TO_DEGREES, (a, y) -> List.of(lit(Math.toDegrees(1.0))));
        // y = copySign(m, s) = sign(s)·|m|: dy/dm = copySign(1, s)·sign(m) (0 at m = 0, as abs), dy/ds = 0
        rule(MathFunction.COPY_SIGN, (a, y) -> List.of(mul(call(MathFunction.COPY_SIGN, lit(1), a[1]),
                call(MathFunction.SIGNUM, a[0])), lit(0)));
        // y = scalb(a, n) = a·2ⁿ: dy/da = 2ⁿ = scalb(1, n); the int exponent carries none
        rule(MathFunction.SCALB, (a, y) -> List.of(new Expr.MathCall(MathFunction.SCALB, false, List.of(lit(1), a[1]),
                JType.DOUBLE, null), lit(0)));
        // y = nextUp(a), nextDown(a): the neighbouring double, dy/da = 1
        rule(MathFunction.NEXT_UP, (a, y) -> List.of(lit(1)));
        rule(MathFunction.NEXT_DOWN, (a, y) -> List.of(lit(1)));
        // y = nextAfter(a, b): the double next to a towards b, dy/da = 1, dy/db = 0
        rule(MathFunction.NEXT_AFTER, (a, y) -> List.of(lit(1), lit(0)));
        // y = IEEEremainder(a, b) = a - b·rint(a/b): dy/da = 1, dy/db = -rint(a/b) = -(a - y)/b
        rule(MathFunction.IEEE_REMAINDER, (a, y) -> List.of(lit(1), neg(div(sub(a[0], y), a[1]))));
    }

    private Rules() {}

    /** d(a^b)/da = b·a^(b-1), folded for constant exponents: a^2 gives 2a, a^1 gives 1, a^0 gives 0. */
    private static Expr powBase(Expr a, Expr b) {
        Double k = constant(b);
        if (k == null) {
            // b·a^(b-1) is 0·a^-1 = ±0 at b = 0 already, but 0·∞ and 0·NaN at a = 0 and a = NaN, where it is
            // defined as 0 (as the tape's and PyTorch's pow_backward). Guarding b = 0 alone would be the
            // same first derivative, but the guard would cut the second: d/db (b·a^(b-1)) = a^(b-1) ≠ 0 at b = 0.
            Expr singular = or(compare(BinaryOp.EQ, a, lit(0)), compare(BinaryOp.NE, a, a));
            return choose(and(compare(BinaryOp.EQ, b, lit(0)), singular), lit(0),
                    mul(b, call(MathFunction.POW, a, sub(b, lit(1)))));
        }
        if (k == 0) {
            return lit(0);
        }
        if (k == 1) {
            return lit(1);
        }
        if (k == 2) {
            return mul(lit(2), a);
        }
        return mul(lit(k), call(MathFunction.POW, a, lit(k - 1)));
    }

    private static void rule(Enum<?> op, Rule rule) {
        TABLE.put(op, rule);
    }

    /** Whether {@code op} has a rule: every {@link MathFunction} but the piecewise-constant ones must. */
    public static boolean covers(Enum<?> op) {
        return TABLE.containsKey(op);
    }

    // ---------------------------------------------------------------- operations

    /** The table key of an operation node: a {@code Binary}, {@code Unary} or {@code MathCall}. */
    public static Enum<?> operator(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.op();
        }
        if (e instanceof Expr.Unary u) {
            return u.op();
        }
        return ((Expr.MathCall) e).function();
    }

    /** Whether {@code e} is an operation with a rule: double arithmetic, a negation, a differentiable Math function. */
    public static boolean isOperation(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.type().isDouble() && TABLE.containsKey(b.op());
        }
        if (e instanceof Expr.Unary u) {
            return u.type().isDouble() && TABLE.containsKey(u.op());
        }
        return e instanceof Expr.MathCall m && TABLE.containsKey(m.function());
    }

    /** The operands of an operation node, in the order its rule's partials are given. */
    public static List<Expr> operands(Expr e) {
        if (e instanceof Expr.Binary b) {
            return List.of(b.left(), b.right());
        }
        if (e instanceof Expr.Unary u) {
            return List.of(u.operand());
        }
        return ((Expr.MathCall) e).args();
    }

    /** The partial derivatives of operation {@code e} with respect to its operands; {@code y} holds its result. */
    public static List<Expr> partials(Expr e, Expr y) {
        return TABLE.get(operator(e)).partials(operands(e).toArray(new Expr[0]), y);
    }

    /** Which operand values and whether the result the partials of the varied operands read. */
    public record Needs(boolean[] args, boolean result) {}

    private static final Map<String, Needs> NEEDS = new ConcurrentHashMap<>();

    /**
     * What the partials of {@code op} with respect to the operands marked in {@code varied} read:
     * reverse mode must have those values when its reverse sweep runs, forward mode when it
     * computes the tangent. Memoised by operator and mask.
     */
    public static Needs needs(Enum<?> op, boolean[] varied) {
        StringBuilder key = new StringBuilder(op.getDeclaringClass().getSimpleName()).append('.').append(op.name());
        for (boolean v : varied) {
            key.append(v ? '1' : '0');
        }
        return NEEDS.computeIfAbsent(key.toString(), k -> computeNeeds(op, varied));
    }

    private static Needs computeNeeds(Enum<?> op, boolean[] varied) {
        Var[] args = new Var[varied.length];
        Expr[] reads = new Expr[varied.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = new Var("a" + i, JType.DOUBLE, Var.Role.TEMP);
            reads[i] = new Expr.Read(args[i]);
        }
        Var y = new Var("y", JType.DOUBLE, Var.Role.TEMP);
        List<Expr> partials = TABLE.get(op).partials(reads, new Expr.Read(y));
        Set<Var> read = new HashSet<>();
        for (int i = 0; i < varied.length; i++) {
            if (varied[i]) {
                Exprs.reads(partials.get(i), read::add);
            }
        }
        boolean[] out = new boolean[varied.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = read.contains(args[i]);
        }
        return new Needs(out, read.contains(y));
    }

    // ---------------------------------------------------------------- reverse mode

    /**
     * One adjoint contribution: {@code delta} into the adjoint of {@code target}, an operand of the
     * operation or, for a shortcut that sees through a temporary, an operand of its definition.
     */
    public record Term(Expr target, Expr delta) {}

    /** The adjoint contributions of one operation, and the statements that compute what they share. */
    public record Adjoint(List<Stmt> first, List<Term> terms) {}

    /**
     * What the reverse sweep knows around an operation: the shortcuts that see through a temporary
     * (k·u·u, log(u/w)) ask it about the variables they meet.
     */
    public interface Surroundings {
        /** The value {@code v} holds when it is defined once (by its declaration), else null. */
        Expr definition(Var v);

        /**
         * Whether {@code v} keeps one value wherever it is read (defined at most once): a shortcut
         * through a definition holds only when the definition's operands still have the values it read.
         */
        boolean unchanged(Var v);

        /** Whether {@code v} is read once in the whole method. */
        boolean readOnce(Var v);

        /** Whether {@code e} carries no derivative. */
        boolean constant(Expr e);

        /** A new name for a shared intermediate of the reverse sweep. */
        Var temp();
    }

    /**
     * The contributions of {@code y = e} (an operation over variables and constants) to its
     * operands' adjoints, given the adjoint {@code adj} of {@code y}.
     *
     * @param varied which operands carry a derivative
     */
    public static Adjoint reverse(Expr e, Expr y, Expr adj, boolean[] varied, Surroundings around) {
        List<Expr> args = operands(e);
        List<Stmt> first = new ArrayList<>();
        List<Term> terms = new ArrayList<>();
        if (e instanceof Expr.Binary b && b.op() == BinaryOp.MUL) {
            if (same(b.left(), b.right())) {
                // d(u·u) = 2u du: one term, not two equal ones
                terms.add(new Term(args.get(0), mul(mul(lit(2), adj), b.left())));
                return new Adjoint(first, terms);
            }
            // y = v·u with v = k·u and k constant in u (100·a·a, -0.5·x·x): d(k·u²) = 2·v du, one term
            if (varied[1] && scaled(b.left(), b.right(), around)) {
                terms.add(new Term(args.get(1), mul(mul(lit(2), adj), b.left())));
                return new Adjoint(first, terms);
            }
            if (varied[0] && scaled(b.right(), b.left(), around)) {
                terms.add(new Term(args.get(0), mul(mul(lit(2), adj), b.right())));
                return new Adjoint(first, terms);
            }
        }
        if (e instanceof Expr.MathCall m && m.function() == MathFunction.LOG && varied[0]) {
            Expr.Binary quotient = quotient(args.get(0), around);
            if (quotient != null) {
                // y = log(v) with v = u/w: d log(u/w) = du/u - dw/w. Rule by rule the adjoint is
                // divided by v and then by w, two dependent divisions (and 0·∞ where u/w under- or
                // overflows); this gives two independent ones, each reading an operand, and the
                // quotient's own reverse sweep gets nothing from here. The same derivative, the
                // adjoint's arithmetic reassociated (adj/v/w = adj/u in exact arithmetic).
                boolean numerator = !around.constant(quotient.left());
                boolean denominator = !around.constant(quotient.right());
                Expr a = adj;
                if (numerator && denominator && !Exprs.isAtom(adj)) {
                    Var t = around.temp();
                    first.add(new Stmt.Declare(t, adj, null, null));
                    a = new Expr.Read(t);
                }
                if (numerator) {
                    terms.add(new Term(quotient.left(), div(a, quotient.left())));
                }
                if (denominator) {
                    terms.add(new Term(quotient.right(), neg(div(a, quotient.right()))));
                }
                return new Adjoint(first, terms);
            }
        }
        if (e instanceof Expr.Binary b && b.op() == BinaryOp.DIV && varied[1]) {
            // y = u/v: du += adj/v and dv -= (adj/v)·y (= adj·u/v²), one division for both
            // partials instead of one each; for y = 1/v, dv -= adj·y·y divides nothing
            Double numerator = constant(b.left());
            if (!varied[0] && numerator != null && numerator == 1.0) {
                terms.add(new Term(args.get(1), neg(mul(mul(adj, y), y))));
                return new Adjoint(first, terms);
            }
            Expr q = div(adj, b.right());
            if (varied[0]) {
                Var t = around.temp();
                first.add(new Stmt.Declare(t, q, null, null));
                q = new Expr.Read(t);
                terms.add(new Term(args.get(0), q));
            }
            terms.add(new Term(args.get(1), neg(mul(q, y))));
            return new Adjoint(first, terms);
        }
        List<Expr> partials = partials(e, y);
        int count = 0;
        for (boolean v : varied) {
            count += v ? 1 : 0;
        }
        Expr a = adj;
        if (count > 1 && !Exprs.isAtom(adj)) {
            Var t = around.temp();
            first.add(new Stmt.Declare(t, adj, null, null));
            a = new Expr.Read(t);
        }
        for (int i = 0; i < args.size(); i++) {
            if (varied[i]) {
                terms.add(new Term(args.get(i), mul(a, partials.get(i))));
            }
        }
        return new Adjoint(first, terms);
    }

    /**
     * The derivative of a polynomial in {@code t}, given by its coefficients {@code d} in increasing
     * powers ({@code d[0] + d[1]·t + ...}), in Horner's scheme: {@code d0 + t * (d1 + t * d2)}, one
     * multiplication and one addition per degree, reading nothing but {@code t}; the innermost
     * product constant first ({@code 200.0 * a}).
     */
    public static Expr polynomialDerivative(double[] d, Expr t) {
        Expr horner = lit(d[d.length - 1]);
        for (int k = d.length - 2; k >= 0; k--) {
            Double c = constant(horner);
            // -2.0 - 6.0 * y rather than -2.0 + -6.0 * y
            horner = c == null ? mul(t, horner) : c < 0 ? neg(mul(lit(-c), t)) : mul(horner, t);
            if (d[k] != 0) {
                horner = add(lit(d[k]), horner);
            }
        }
        return horner;
    }

    /**
     * Whether {@code v} is {@code k·u} (or {@code u·k}, or a variable defined once as that) with
     * {@code k} constant in u. Through a definition, u must be unchanged since (for
     * {@code v = 100·a; a = a + 1; y = v·a} the shortcut's 2v would be the derivative in the new a
     * of a product with the old one).
     */
    private static boolean scaled(Expr v, Expr u, Surroundings around) {
        Expr def = v;
        if (v instanceof Expr.Read r && around.definition(r.var()) != null) {
            if (!(u instanceof Expr.Read read) || !around.unchanged(read.var())) {
                return false;
            }
            def = around.definition(r.var());
        }
        if (!(def instanceof Expr.Binary m) || m.op() != BinaryOp.MUL || !(u instanceof Expr.Read)) {
            return false;
        }
        return same(m.right(), u) && around.constant(m.left()) || same(m.left(), u) && around.constant(m.right());
    }

    /**
     * The double quotient {@code u/w} that {@code v} holds when {@code v} is defined once, read
     * only here (else its own reverse sweep divides anyway, and the shortcut would add divisions)
     * and each of the quotient's operands is a constant or a variable that still has the value the
     * quotient read; else null.
     */
    private static Expr.Binary quotient(Expr v, Surroundings around) {
        if (!(v instanceof Expr.Read r) || !around.readOnce(r.var())
                || !(around.definition(r.var()) instanceof Expr.Binary q)
                || q.op() != BinaryOp.DIV || !q.type().isDouble()) {
            return null;
        }
        for (Expr operand : List.of(q.left(), q.right())) {
            boolean fixed = operand instanceof Expr.Const
                    || operand instanceof Expr.Read read && read.var().type.isDouble() && around.unchanged(read.var());
            if (!fixed) {
                return null;
            }
        }
        return q;
    }

    private static boolean same(Expr a, Expr b) {
        return a instanceof Expr.Read x && b instanceof Expr.Read y && x.var() == y.var()
                || a instanceof Expr.Const c && b instanceof Expr.Const d && c.value().equals(d.value());
    }

    // ---------------------------------------------------------------- forward mode

    /** The functions whose derivative is infinite at a finite argument a clamp gives exactly (0, ±1). */
    private static final java.util.Set<MathFunction> INFINITE_AT_A_POINT = java.util.EnumSet.of(MathFunction.SQRT,
            MathFunction.CBRT, MathFunction.POW, MathFunction.ASIN, MathFunction.ACOS);

    /**
     * The tangent of {@code y = e}: Σ ∂y/∂a_i·da_i over the operands with a tangent
     * ({@code tangents.get(i)} null for one without), with d(u·u) = 2u·du.
     */
    public static Expr tangent(Expr e, Expr y, List<Expr> tangents) {
        List<Expr> args = operands(e);
        if (e instanceof Expr.Binary b && b.op() == BinaryOp.MUL && same(b.left(), b.right()) && tangents.get(0) != null) {
            return mul(mul(lit(2), b.left()), tangents.get(0));
        }
        List<Expr> partials = partials(e, y);
        Expr sum = null;
        for (int i = 0; i < args.size(); i++) {
            if (tangents.get(i) == null) {
                continue;
            }
            Expr term = mul(partials.get(i), tangents.get(i));
            if (e instanceof Expr.MathCall m && INFINITE_AT_A_POINT.contains(m.function())
                    && !(tangents.get(i) instanceof Expr.Const)) {
                // a partial infinite where a clamp holds the argument (√max(a, 0), acos(min(c, 1))): an input
                // that does not move moves nothing, 0 rather than ∞·0, as the gradient's selector gives
                term = choose(compare(BinaryOp.EQ, tangents.get(i), lit(0)), lit(0), term);
            }
            sum = sum == null ? term : add(sum, term);
        }
        return sum == null ? lit(0) : sum;
    }

    // ---------------------------------------------------------------- users' partials

    /**
     * The partial derivative of {@code target} with respect to argument {@code i}: a call of a
     * user-supplied (or built-in) static partial with the target's arguments, or a built-in rule on
     * the target's {@code receiver} (a normal distribution's density: see
     * {@code CustomDerivatives.onObject}).
     */
    public static Expr partial(Callee.Custom target, int i, Expr receiver, List<Expr> args) {
        Callee.Partial p = target.partials().get(i);
        if (!p.onReceiver()) {
            return new Expr.Call(new Callee.PartialCall(p, target.parameterTypes()), null, args, JType.DOUBLE, null);
        }
        Expr x = args.get(i);
        Expr density = onReceiver(p, receiver, CustomDerivatives.DENSITY, List.of(x));
        if (p.name().equals(CustomDerivatives.DENSITY)) {
            return density; // dΦ(x)/dx = φ(x)
        }
        // d/dx log φ(x) = −(x − μ)/σ², and dφ(x)/dx = φ(x)·d/dx log φ(x)
        Expr sd = onReceiver(p, receiver, "getStandardDeviation", List.of());
        Expr slope = neg(div(sub(x, onReceiver(p, receiver, "getMean", List.of())), mul(sd, sd)));
        return p.name().equals(CustomDerivatives.DENSITY_SLOPE) ? mul(slope, density) : slope;
    }

    /** A read-only call of the public method {@code name} of {@code p}'s class on {@code receiver}. */
    private static Expr onReceiver(Callee.Partial p, Expr receiver, String name, List<Expr> args) {
        List<JType> parameterTypes = args.stream().map(a -> JType.DOUBLE).toList();
        return new Expr.Call(new Callee.Opaque(p.owner(), name, parameterTypes, JType.DOUBLE, false, false, true),
                receiver, args, JType.DOUBLE, null);
    }

    /** 1 - a², as (1 - a)(1 + a). */
    private static Expr oneMinusSquare(Expr a) {
        return mul(sub(lit(1), a), add(lit(1), a));
    }

    /**
     * n/(a² + b²); where a² + b² is not a normal double (it overflowed, or its squares lost their
     * digits below the normal range), (n/h)/h with h = hypot(a, b), which neither overflows nor
     * underflows.
     */
    private static Expr overSquares(Expr n, Expr a, Expr b) {
        Expr squares = add(mul(a, a), mul(b, b));
        Expr h = call(MathFunction.HYPOT, a, b);
        ClassRef doubles = ClassRef.of("java.lang", "Double");
        Expr normal = and(compare(BinaryOp.GE, squares, new Expr.StaticGet(doubles, "MIN_NORMAL", JType.DOUBLE, false, null)),
                compare(BinaryOp.LE, squares, new Expr.StaticGet(doubles, "MAX_VALUE", JType.DOUBLE, false, null)));
        return choose(normal, div(n, squares), div(div(n, h), h));
    }
}
