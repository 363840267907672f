package dev.adjoint.processor.differential;

/**
 * Processor bugs the campaign has found and that are not fixed yet. By default the campaign
 * steps around them (so that it keeps finding new ones); each has a {@code @Disabled} regression
 * test in {@link DifferentialRegressionTest} holding its minimal program. Run with
 * {@code -Dadjoint.differential.avoidKnownBugs=false} to generate and check them again, e.g.
 * after a fix; then delete the workaround here.
 */
final class KnownBugs {
    private KnownBugs() {}

    static final boolean AVOID = !"false".equals(System.getProperty("adjoint.differential.avoidKnownBugs"));

    /**
     * {@code return 2.0 * x;} as a method's first statement is refused: "cannot determine the type
     * of 2.0" (DifferentialRegressionTest.literalInFirstReturn). Workaround: every generated
     * method has a statement before its return.
     */
    static boolean needsStatementBeforeReturn() {
        return AVOID;
    }

    /**
     * A value whose local derivative is infinite (cbrt at 0) poisons the gradient with
     * 0·∞ = NaN even where it does not reach the result (DifferentialRegressionTest.zeroTimesInfinity).
     * Workaround: points where some local derivative is not finite are not checked.
     */
    static boolean skipSingularPoints() {
        return AVOID;
    }

    /**
     * A variable that carries no derivative (a constant, an int-derived value, a parameter outside
     * {@code wrt}) and is overwritten after a use is not saved for the reverse sweep, which then
     * reads its last value: {@code double b = 3.0; double a = x * b; b++; return a;} gives ∂/∂x = 4
     * (DifferentialRegressionTest.inactiveLocalOverwritten, inactiveParameterOverwritten).
     * Workaround: only variables that carry a derivative at that point are assigned.
     */
    static boolean avoidOverwritingInactiveVariables() {
        return AVOID;
    }
}
