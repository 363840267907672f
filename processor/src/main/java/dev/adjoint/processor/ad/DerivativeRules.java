package dev.adjoint.processor.ad;

import static dev.adjoint.processor.ad.Build.add;
import static dev.adjoint.processor.ad.Build.and;
import static dev.adjoint.processor.ad.Build.call;
import static dev.adjoint.processor.ad.Build.choose;
import static dev.adjoint.processor.ad.Build.compare;
import static dev.adjoint.processor.ad.Build.constant;
import static dev.adjoint.processor.ad.Build.div;
import static dev.adjoint.processor.ad.Build.lit;
import static dev.adjoint.processor.ad.Build.mul;
import static dev.adjoint.processor.ad.Build.neg;
import static dev.adjoint.processor.ad.Build.sub;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.ir.MathFunction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one table of local derivative rules. For an operation {@code y = op(a, b, ...)} a rule
 * gives the partial derivatives {@code ∂y/∂a, ∂y/∂b, ...} as expressions over the argument
 * values {@code a[i]} and the result {@code y}. The reverse sweep multiplies each by the
 * adjoint of {@code y} ({@code _d_a += _d_y·∂y/∂a}); the forward sweep keeps exactly the values a
 * rule reads. Forward mode ({@link ForwardMode}) sums each times its argument's tangent
 * ({@code _dy = Σ_i ∂y/∂a_i·_da_i}): one table for both modes, and so for second order.
 *
 * <p>Conventions at kinks follow PyTorch: {@code abs'(0) = 0}; {@code max} and {@code min}
 * split the gradient evenly between equal arguments (as {@code torch.maximum} does);
 * {@code pow(u, 0)} has derivative 0 in {@code u}, and {@code pow(0, v)} has derivative 0 in
 * {@code v} for {@code v >= 0}. Piecewise-constant functions (floor, ceil, rint, round, signum)
 * have no rule: their results carry no derivative.
 */
public final class DerivativeRules {

    /** Partial derivatives of one operation. */
    @FunctionalInterface
    interface Rule {
        List<Expr> partials(Expr[] a, Expr y);
    }

    private static final Map<Enum<?>, Rule> RULES = new HashMap<>();

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
        // y = asin(a): dy/da = 1/√(1 - a²)
        rule(MathFunction.ASIN, (a, y) -> List.of(div(lit(1), call(MathFunction.SQRT, sub(lit(1), mul(a[0], a[0]))))));
        // y = acos(a): dy/da = -1/√(1 - a²)
        rule(MathFunction.ACOS, (a, y) -> List.of(neg(div(lit(1), call(MathFunction.SQRT, sub(lit(1), mul(a[0], a[0])))))));
        // y = atan(a): dy/da = 1/(1 + a²)
        rule(MathFunction.ATAN, (a, y) -> List.of(div(lit(1), add(lit(1), mul(a[0], a[0])))));
        // y = atan2(a, b) (the angle of the point (b, a)): dy/da = b/(a² + b²), dy/db = -a/(a² + b²)
        rule(MathFunction.ATAN2, (a, y) -> List.of(
                div(a[1], add(mul(a[0], a[0]), mul(a[1], a[1]))),
                neg(div(a[0], add(mul(a[0], a[0]), mul(a[1], a[1]))))));
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
        // y = a^b: dy/da = b·a^(b-1) (0 where b = 0), dy/db = y·ln(a) (0 where a = 0 and b >= 0)
        rule(MathFunction.POW, (a, y) -> List.of(powBase(a[0], a[1]),
                choose(and(compare(BinaryOp.EQ, a[0], lit(0)), compare(BinaryOp.GE, a[1], lit(0))),
                        lit(0), mul(y, call(MathFunction.LOG, a[0])))));
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
    }

    private DerivativeRules() {}

    /** d(a^b)/da = b·a^(b-1), folded for constant exponents: a^2 gives 2a, a^1 gives 1, a^0 gives 0. */
    private static Expr powBase(Expr a, Expr b) {
        Double k = constant(b);
        if (k == null) {
            return choose(compare(BinaryOp.EQ, b, lit(0)), lit(0), mul(b, call(MathFunction.POW, a, sub(b, lit(1)))));
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
        RULES.put(op, rule);
    }

    /** The rule for an operator or function, or null when it has none (piecewise constant). */
    static Rule of(Enum<?> op) {
        return RULES.get(op);
    }

    /** Whether {@code op} has a rule: every non-piecewise-constant {@link MathFunction} must. */
    public static boolean covers(Enum<?> op) {
        return RULES.containsKey(op);
    }

    /** Which argument values and whether the result the partials of the varied arguments read. */
    record Needs(boolean[] args, boolean result) {}

    /**
     * What the partials of {@code op} with respect to the arguments marked in {@code variedArgs}
     * read: the forward sweep (reverse mode) or the tangent code (forward mode) must have those
     * values in variables, since a partial reads each of them after the operation.
     */
    static Needs needs(Enum<?> op, boolean[] variedArgs) {
        Expr[] placeholders = new Expr[variedArgs.length];
        for (int i = 0; i < placeholders.length; i++) {
            placeholders[i] = new Expr.Local("\0arg" + i, dev.adjoint.processor.ir.JType.DOUBLE);
        }
        Expr.Local y = new Expr.Local("\0result", dev.adjoint.processor.ir.JType.DOUBLE);
        List<Expr> partials = of(op).partials(placeholders, y);
        Set<String> read = new HashSet<>();
        for (int i = 0; i < variedArgs.length; i++) {
            if (variedArgs[i]) {
                Activity.locals(partials.get(i), l -> read.add(l.name()));
            }
        }
        boolean[] args = new boolean[variedArgs.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = read.contains("\0arg" + i);
        }
        return new Needs(args, read.contains("\0result"));
    }
}
