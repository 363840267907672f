package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Unit;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Processor behaviours the campaign steps around: bugs not fixed yet, and decided behaviours that
 * finite differences cannot check. By default the campaign steps around them (so that it keeps
 * finding new ones, and the build's fixed-seed run stays green); each bug has a regression test in
 * {@link DifferentialRegressionTest} holding its minimal program, which fails loudly once the bug
 * is fixed ({@link KnownBug}). Run with {@code -Dadjoint.differential.avoidKnownBugs=false} to
 * generate and check them again, e.g. after a fix; then delete the workaround here.
 *
 * <p>A bug's workaround is a predicate over a generated method ({@link #SHAPES}): while
 * {@link #AVOID}, the generator draws a method that matches one again.
 */
final class KnownBugs {
    private KnownBugs() {}

    static final boolean AVOID = !"false".equals(System.getProperty("adjoint.differential.avoidKnownBugs"));

    /**
     * A value whose local derivative is infinite (cbrt at 0) poisons the gradient with
     * 0·∞ = NaN even where it does not reach the result, as in PyTorch; kept on purpose
     * (DifferentialRegressionTest.zeroTimesInfinity).
     * Workaround: points where some local derivative is not finite are not checked.
     */
    static boolean skipSingularPoints() {
        return AVOID;
    }

    /**
     * A known bug's shape: its name, the regression tests in {@link DifferentialRegressionTest}
     * that pin it (space-separated), and the methods that have it.
     */
    record Shape(String name, String tests, BiPredicate<Unit, Method> matches) {}

    /**
     * The open bugs' shapes, each with the regression tests that pin it. None stepped around today:
     * issue 13's (locals without an initialiser beside early returns and in loops, throws after
     * statements and in loop branches, boxed locals, derivatives into holders and unused opaque
     * results, stopGradient into helpers, helper calls in ?:, callers of refused methods, 1,000-term
     * sums) and the loop stopped on a term exactly 0 that does not change are fixed, their regression
     * tests ordinary ones.
     */
    static final List<Shape> SHAPES = List.of();

    /** The name of the first known bug whose shape {@code m} has, or null. */
    static String hit(Unit unit, Method m) {
        for (Shape s : SHAPES) {
            if (s.matches().test(unit, m)) {
                return s.name();
            }
        }
        return null;
    }
}
