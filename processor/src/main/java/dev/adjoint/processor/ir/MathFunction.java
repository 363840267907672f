package dev.adjoint.processor.ir;

import java.util.Optional;

/**
 * The {@code java.lang.Math} / {@code StrictMath} functions Adjoint understands, by name and
 * arity. Their derivatives live in one table, {@code dev.adjoint.processor.ad.DerivativeRules}.
 *
 * <p>{@link #piecewiseConstant} functions have derivative 0 almost everywhere: their result
 * carries no derivative, and the processor warns when their argument is active.
 */
public enum MathFunction {
    SIN("sin", 1), COS("cos", 1), TAN("tan", 1),
    ASIN("asin", 1), ACOS("acos", 1), ATAN("atan", 1), ATAN2("atan2", 2),
    SINH("sinh", 1), COSH("cosh", 1), TANH("tanh", 1),
    EXP("exp", 1), EXPM1("expm1", 1), LOG("log", 1), LOG10("log10", 1), LOG1P("log1p", 1),
    SQRT("sqrt", 1), CBRT("cbrt", 1), POW("pow", 2), HYPOT("hypot", 2),
    ABS("abs", 1), MAX("max", 2), MIN("min", 2), FMA("fma", 3),
    TO_RADIANS("toRadians", 1), TO_DEGREES("toDegrees", 1),
    FLOOR("floor", 1, true), CEIL("ceil", 1, true), RINT("rint", 1, true),
    ROUND("round", 1, true), SIGNUM("signum", 1, true);

    public final String javaName;
    public final int arity;
    public final boolean piecewiseConstant;

    MathFunction(String javaName, int arity) {
        this(javaName, arity, false);
    }

    MathFunction(String javaName, int arity, boolean piecewiseConstant) {
        this.javaName = javaName;
        this.arity = arity;
        this.piecewiseConstant = piecewiseConstant;
    }

    public static Optional<MathFunction> lookup(String name, int arity) {
        for (MathFunction f : values()) {
            if (f.javaName.equals(name) && f.arity == arity) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
