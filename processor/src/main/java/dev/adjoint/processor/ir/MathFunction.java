package dev.adjoint.processor.ir;

import java.util.List;
import java.util.Optional;

/**
 * The {@code java.lang.Math} / {@code StrictMath} functions Adjoint differentiates, by name and
 * parameter types. Their derivatives live in one table, {@code ad.Rules}.
 *
 * <p>{@link #piecewiseConstant} functions have derivative 0 almost everywhere: their result
 * carries no derivative, and the processor warns where a derivative would be dropped.
 */
public enum MathFunction {
    SIN("sin", 1), COS("cos", 1), TAN("tan", 1),
    ASIN("asin", 1), ACOS("acos", 1), ATAN("atan", 1), ATAN2("atan2", 2),
    SINH("sinh", 1), COSH("cosh", 1), TANH("tanh", 1),
    EXP("exp", 1), EXPM1("expm1", 1), LOG("log", 1), LOG10("log10", 1), LOG1P("log1p", 1),
    SQRT("sqrt", 1), CBRT("cbrt", 1), POW("pow", 2), HYPOT("hypot", 2),
    /** {@code FastMath.pow(double, int)} (Commons Math, Hipparchus): Math has no such overload. */
    POW_INT("pow", List.of(JType.Kind.DOUBLE, JType.Kind.INT), false),
    ABS("abs", 1), MAX("max", 2), MIN("min", 2), FMA("fma", 3),
    TO_RADIANS("toRadians", 1), TO_DEGREES("toDegrees", 1),
    COPY_SIGN("copySign", 2), SCALB("scalb", List.of(JType.Kind.DOUBLE, JType.Kind.INT), false),
    NEXT_UP("nextUp", 1), NEXT_DOWN("nextDown", 1), NEXT_AFTER("nextAfter", 2),
    IEEE_REMAINDER("IEEEremainder", 2),
    FLOOR("floor", 1, true), CEIL("ceil", 1, true), RINT("rint", 1, true),
    ROUND("round", 1, true), SIGNUM("signum", 1, true), ULP("ulp", 1, true);

    public final String javaName;
    /** The kinds of the parameters: all {@code double} but scalb's and FastMath's pow's int exponent. */
    public final List<JType.Kind> parameters;
    /** The number of parameters. */
    public final int arity;
    public final boolean piecewiseConstant;

    MathFunction(String javaName, int arity) {
        this(javaName, arity, false);
    }

    /**
     * Whether the function rounds its argument ({@code floor}, {@code ceil}, {@code rint},
     * {@code round}), so that a derivative a user may expect is lost: warned about where it feeds the
     * result. {@code signum} and {@code ulp} are as constant, but nobody expects them to carry one.
     */
    public boolean rounds() {
        return this == FLOOR || this == CEIL || this == RINT || this == ROUND;
    }

    MathFunction(String javaName, int arity, boolean piecewiseConstant) {
        this(javaName, java.util.Collections.nCopies(arity, JType.Kind.DOUBLE), piecewiseConstant);
    }

    MathFunction(String javaName, List<JType.Kind> parameters, boolean piecewiseConstant) {
        this.javaName = javaName;
        this.parameters = parameters;
        this.arity = parameters.size();
        this.piecewiseConstant = piecewiseConstant;
    }

    /** The function {@code Math.name} with these parameter kinds, if Adjoint knows it. */
    public static Optional<MathFunction> lookup(String name, List<JType.Kind> parameterKinds) {
        for (MathFunction f : values()) {
            if (f.javaName.equals(name) && f.parameters.equals(parameterKinds)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** What {@code Math.name} returns: {@code round(double)} is a long, every other one a double. */
    public JType resultType() {
        return this == ROUND ? JType.LONG : JType.DOUBLE;
    }
}
