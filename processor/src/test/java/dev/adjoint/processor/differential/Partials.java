package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.ir.MathFunction;

/**
 * The test's own local derivatives, written from the math (not copied from the processor's
 * {@code DerivativeRules}): {@code ∂y/∂a_i} for {@code y = op(a)}. Used by {@link DualAlgebra} for
 * everything and by {@link TensorAlgebra} for functions the tape has no operation for. Conventions
 * at kinks are PyTorch's, as the processor's: abs'(0) = 0, max/min split ties evenly.
 */
final class Partials {
    private Partials() {}

    static double[] of(Op op, double a, double b, double y) {
        return switch (op) {
            case ADD -> new double[] {1, 1};
            case SUB -> new double[] {1, -1};
            case MUL -> new double[] {b, a};
            case DIV -> new double[] {1 / b, -a / (b * b)};
            // a % b = a - q·b with the integer q = trunc(a / b), constant between jumps
            case REM -> new double[] {1, -Math.rint((a - y) / b)};
        };
    }

    static double[] of(MathFunction fn, double[] a, double y) {
        double u = a[0];
        return switch (fn) {
            case SIN -> new double[] {Math.cos(u)};
            case COS -> new double[] {-Math.sin(u)};
            case TAN -> new double[] {1 / (Math.cos(u) * Math.cos(u))};
            case ASIN -> new double[] {1 / Math.sqrt(1 - u * u)};
            case ACOS -> new double[] {-1 / Math.sqrt(1 - u * u)};
            case ATAN -> new double[] {1 / (1 + u * u)};
            // atan2(u, v) is the angle of (v, u)
            case ATAN2 -> new double[] {a[1] / (u * u + a[1] * a[1]), -u / (u * u + a[1] * a[1])};
            case SINH -> new double[] {Math.cosh(u)};
            case COSH -> new double[] {Math.sinh(u)};
            case TANH -> new double[] {1 / (Math.cosh(u) * Math.cosh(u))};
            case EXP -> new double[] {Math.exp(u)};
            case EXPM1 -> new double[] {Math.exp(u)};
            case LOG -> new double[] {1 / u};
            case LOG10 -> new double[] {1 / (u * Math.log(10))};
            case LOG1P -> new double[] {1 / (1 + u)};
            case SQRT -> new double[] {1 / (2 * Math.sqrt(u))};
            case CBRT -> new double[] {1 / (3 * Math.cbrt(u) * Math.cbrt(u))};
            // u^v: v·u^(v-1) (0 for v = 0); u^v·ln u (0 for u = 0, v >= 0)
            case POW -> new double[] {a[1] == 0 ? 0 : a[1] * Math.pow(u, a[1] - 1),
                    u == 0 && a[1] >= 0 ? 0 : Math.pow(u, a[1]) * Math.log(u)};
            case POW_INT -> new double[] {a[1] == 0 ? 0 : a[1] * Math.pow(u, a[1] - 1), 0};
            case HYPOT -> new double[] {u / Math.hypot(u, a[1]), a[1] / Math.hypot(u, a[1])};
            case ABS -> new double[] {Math.signum(u)};
            case MAX -> u == a[1] ? new double[] {0.5, 0.5} : u > a[1] ? new double[] {1, 0} : new double[] {0, 1};
            case MIN -> u == a[1] ? new double[] {0.5, 0.5} : u < a[1] ? new double[] {1, 0} : new double[] {0, 1};
            case FMA -> new double[] {a[1], u, 1};
            case TO_RADIANS -> new double[] {Math.PI / 180};
            case TO_DEGREES -> new double[] {180 / Math.PI};
            case COPY_SIGN -> new double[] {Math.copySign(1, a[1]) * Math.signum(u), 0};
            case SCALB -> new double[] {Math.scalb(1.0, (int) a[1]), 0};
            case NEXT_UP, NEXT_DOWN -> new double[] {1};
            case NEXT_AFTER -> new double[] {1, 0};
            case IEEE_REMAINDER -> new double[] {1, -(u - y) / a[1]};
            case FLOOR, CEIL, RINT, ROUND, SIGNUM, ULP -> new double[] {0};
        };
    }
}
