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
     * With {@code wrt}, a parameter left out of it and overwritten after a use keeps only its new
     * value for the reverse sweep: {@code double a = x * y; x = x - 1; return a;} with
     * {@code wrt = {"y"}} gives ∂/∂y = x - 1 (DifferentialRegressionTest.inactiveParameterOverwritten).
     * Workaround: with {@code wrt}, only the differentiated parameters are assigned.
     */
    static boolean avoidOverwritingInactiveParameters() {
        return AVOID;
    }
}
