package dev.adjoint.processor.differential;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shapes that could break {@code normalize.Converge} (a loop stopped on convergence run longer
 * for the derivative where a factor of its terms is exactly 0), each at a whole parameter, where
 * the loop stops early, and beside it, against finite differences and the tape: an array the loop
 * reads, a {@code throw} in the loop and a loop left only by its {@code return}, the loop in an
 * inlined helper (left by a {@code return} inside it too), a labelled loop with {@code continue} and a counter incremented in its
 * condition, the tolerance in a local, a field or a parameter, a helper of arithmetic alone, the test kept in a boolean or negated, the loop nested in another or in a checkpointed method, a series that diverges near the point
 * (not run on), and loops that write an array or read
 * one at an index that moves with the steps (not run again: right where no factor is 0).
 */
class ConvergeShapesTest {

    private static final String SOURCE = """
            package difftest;

            import dev.adjoint.Differentiable;

            public final class Series {
                private static final double EPS = 1e-15;

                /** SSJ's tolerances by decimal digits of precision. */
                private static final double[] EPSARRAY = {0.5, 0.5e-1, 0.5e-2, 0.5e-3, 0.5e-4, 0.5e-5, 0.5e-6, 0.5e-7,
                    0.5e-8, 0.5e-9, 0.5e-10, 0.5e-11, 0.5e-12, 0.5e-13, 0.5e-14, 0.5e-15};

                @Differentiable
                public static double tabled(double b, double x, int d) {
                    final double eps = EPSARRAY[d];
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    do {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                    } while (Math.abs(term) >= eps * Math.abs(sum));
                    return sum;
                }

                @Differentiable
                public static double weighted(double b, double x, double[] w) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum)) {
                        k++;
                        term *= (k - b) * x / k * w[1];
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double capped(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    for (int k = 1; ; k++) {
                        if (k > 200) {
                            throw new ArithmeticException("no convergence after " + k + " terms");
                        }
                        term *= (k - b) * x / k;
                        sum += term;
                        if (Math.abs(term) < EPS * Math.abs(sum)) {
                            return sum;
                        }
                    }
                }

                static double series(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    double k = 0.0;
                    do {
                        k += 1.0;
                        term *= (k - b) * x / k;
                        sum += term;
                    } while (Math.abs(term / sum) >= EPS);
                    return sum;
                }

                @Differentiable
                public static double viaHelper(double b, double x) {
                    return series(b, x) * x;
                }

                /** The loop left by a return inside it, in a helper: inlined, that return leaves a block around it. */
                static double leftByReturn(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    for (int k = 1; k < 1000; k++) {
                        term *= (k - b) * x / k;
                        sum += term;
                        if (Math.abs(term) < EPS * Math.abs(sum)) {
                            return sum;
                        }
                    }
                    throw new ArithmeticException("no convergence");
                }

                @Differentiable
                public static double viaHelperLeftByReturn(double b, double x) {
                    return leftByReturn(b, x) + x;
                }

                @Differentiable
                public static double labelled(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int n = 0;
                    double tol = 1e-14;
                    steps:
                    while (++n < 400) {
                        term *= (n - b) * x / n;
                        if (n % 2 == 0) {
                            sum += term;
                            if (Math.abs(term) <= tol * Math.abs(sum)) {
                                break steps;
                            }
                            continue steps;
                        }
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double nested(double b, double[] xs) {
                    double total = 0.0;
                    for (int i = 0; i < xs.length; i++) {
                        double term = 1.0;
                        double sum = 1.0;
                        int k = 0;
                        while (Math.abs(term) > EPS * Math.abs(sum)) {
                            k++;
                            term *= (k - b) * xs[i] / k;
                            sum += term;
                        }
                        total += sum * xs[i];
                    }
                    return total;
                }

                @Differentiable
                public static double readsByStep(double b, double x, double[] c) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum) && k < c.length - 1) {
                        k++;
                        term *= (k - b) * x / k * c[k];
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double flagged(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    boolean converged = false;
                    while (!converged) {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                        converged = Math.abs(term) <= EPS * Math.abs(sum);
                    }
                    return sum;
                }

                @Differentiable
                public static double flaggedExit(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    for (int k = 1; k < 400; k++) {
                        term *= (k - b) * x / k;
                        sum += term;
                        boolean small = !(Math.abs(term) > EPS * Math.abs(sum));
                        if (small) {
                            break;
                        }
                    }
                    return sum;
                }

                private static double ratio(int k, double b, double x) {
                    double r = (k - b) * x;
                    return r / k;
                }

                private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("series");

                @Differentiable
                public static double viaArithmetic(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum)) {
                        k++;
                        term *= ratio(k, b, x);
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double logging(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum) && k < 200) {
                        k++;
                        term *= ratio(k, b, x);
                        sum += term;
                        if (k == 199) {
                            LOG.warning("no convergence");
                        }
                    }
                    return sum;
                }

                @Differentiable(checkpoints = 4)
                public static double checkpointed(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum)) {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double binomial(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum)) {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                    }
                    return sum;
                }

                private static final double RELATIVE = 8 * Math.ulp(1.0);

                @Differentiable
                public static double toleranceInAField(double b, double x) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > RELATIVE * Math.abs(sum)) {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable(wrt = {"b", "x"})
                public static double tolerancePassedIn(double b, double x, double eps) {
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > eps * Math.abs(sum) || k < 2) {
                        k++;
                        term *= (k - b) * x / k;
                        sum += term;
                    }
                    return sum;
                }

                @Differentiable
                public static double halvedBelow(double x, double limit) {
                    double y = x;
                    double scale = 1.0;
                    while (y > limit) {
                        y *= 0.5;
                        scale *= 2.0;
                    }
                    return y * y * scale;
                }

                @Differentiable
                public static double writesAnArray(double b, double x) {
                    double[] terms = new double[400];
                    double term = 1.0;
                    double sum = 1.0;
                    int k = 0;
                    while (Math.abs(term) > EPS * Math.abs(sum) && k < 399) {
                        k++;
                        term *= (k - b) * x / k;
                        terms[k] = term;
                        sum += term;
                    }
                    return sum + terms[1];
                }
            }
            """;

    private static InMemoryCompiler.Result compiled;

    @BeforeAll
    static void compile() {
        compiled = new InMemoryCompiler().compile("difftest.Series", SOURCE, false);
    }

    private static void check(String method, Object... args) throws Exception {
        SourceCheck.check("difftest.Series", compiled, method, args);
    }

    @Test
    void anArrayTheLoopReads() throws Exception {
        check("weighted", 3.0, 0.6, new double[] {1.0, 0.9, 1.1});
        check("weighted", 3.3, 0.6, new double[] {1.0, 0.9, 1.1});
    }

    @Test
    void aThrowInTheLoopAndALoopLeftOnlyByItsReturn() throws Exception {
        check("capped", 4.0, 0.5);
        check("capped", 2.0, -0.7);
        check("capped", 4.2, 0.5);
    }

    @Test
    void theLoopInAnInlinedHelper() throws Exception {
        check("viaHelper", 3.0, 0.4);
        check("viaHelper", 3.1, 0.4);
    }

    /**
     * As SSJ's continued fractions: the loop, in a helper, left by a {@code return} inside it. Inlined,
     * that return becomes a break out of a block around the loop, which Converge does not take for an
     * exit: the loop is not run on, and at a whole b its derivative is that of the steps taken. That
     * was said nowhere; it is an AdjointConvergenceLoop warning at the loop now, which says what to do.
     * (Run on there, its copies beside a code around made Colt's incomplete beta function too large
     * for the JVM, which cost the code around and gave a wrong derivative elsewhere.)
     */
    @Test
    void aHelpersLoopLeftByItsReturnIsWarnedAbout() throws Exception {
        check("viaHelperLeftByReturn", 3.1, 0.4);
        String warnings = compiled.diagnosticsText();
        int line = SOURCE.substring(0, SOURCE.indexOf("for (int k = 1; k < 1000; k++)")).split("\n", -1).length;
        org.junit.jupiter.api.Assertions.assertTrue(warnings.contains("B.java:" + line + ": [AdjointConvergenceLoop]")
                || warnings.contains("Series.java:" + line + ": [AdjointConvergenceLoop]"), warnings);
        org.junit.jupiter.api.Assertions.assertTrue(warnings.contains("is in a helper that returns from inside it"),
                warnings);
    }

    @Test
    void aLabelledLoopWithContinueAndItsCounterIncrementedInItsCondition() throws Exception {
        check("labelled", 5.0, 0.3);
        check("labelled", 4.0, 0.3);
        check("labelled", 4.5, 0.3);
    }

    @Test
    void aTestKeptInAFlagOrNegated() throws Exception {
        check("flagged", 3.0, 0.4);
        check("flagged", 3.3, 0.4);
        check("flaggedExit", 4.0, 0.6);
        check("flaggedExit", 4.4, 0.6);
    }

    @Test
    void aHelperOfArithmeticAlone() throws Exception {
        check("viaArithmetic", 3.0, 0.4);
        check("viaArithmetic", 3.3, 0.4);
        // a call with an effect keeps the loop as written (with a warning): right where no factor is 0
        check("logging", 3.3, 0.4);
    }

    @Test
    void aCheckpointedMethod() throws Exception {
        check("checkpointed", 3.0, 0.4);
        check("checkpointed", 3.3, 0.4);
    }

    @Test
    void theLoopNestedInAnother() throws Exception {
        check("nested", 2.0, new double[] {0.3, -0.5, 0.8});
        check("nested", 2.5, new double[] {0.3, -0.5, 0.8});
    }

    /**
     * Σₖ Πⱼ≤ₖ (j − b) x / j is (1 − x)ᵇ⁻¹, a polynomial at a whole b, but diverges near it for |x| &gt; 1:
     * the copy near the point overflows and decides nothing, and the derivative is the polynomial's
     * (run on, it would overflow to infinity).
     */
    @Test
    void aSeriesThatDivergesNearThePointIsNotRunOn() throws Exception {
        java.lang.reflect.Method gradient = java.util.Arrays.stream(compiled.loader().loadClass("difftest.SeriesAdjoint")
                .getMethods()).filter(m -> m.getName().equals("binomialGradient")).findFirst().orElseThrow();
        Object g = gradient.invoke(null, 3.0, 3.0);
        double db = g.getClass().getField("b").getDouble(g);
        double dx = g.getClass().getField("x").getDouble(g);
        // d/dx (1 − x)² = −2 (1 − x) = 4 at x = 3; d/db of the terms the polynomial has
        org.junit.jupiter.api.Assertions.assertEquals(4.0, dx, 1e-12);
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(db), "d/db = " + db);
        check("binomial", 3.0, 0.5);
        check("binomial", 2.6, 0.5);
    }

    /**
     * NaN and infinite inputs: the loop and the copy near the point end (a NaN test is false at
     * once), the value is the primal's, and the derivative is that of the one step taken.
     */
    @Test
    void nanAndInfiniteInputsEnd() throws Exception {
        Class<?> primal = compiled.loader().loadClass("difftest.Series");
        Class<?> api = compiled.loader().loadClass("difftest.SeriesAdjoint");
        java.lang.reflect.Method f = primal.getMethod("binomial", double.class, double.class);
        java.lang.reflect.Method pullback = java.util.Arrays.stream(api.getMethods())
                .filter(m -> m.getName().equals("binomialPullback")).findFirst().orElseThrow();
        for (double[] p : new double[][] {{Double.NaN, 0.4}, {3.0, Double.NaN}, {Double.POSITIVE_INFINITY, 0.4}}) {
            Object holder = pullback.getParameterTypes()[3].getDeclaredConstructor().newInstance();
            double value = (double) pullback.invoke(null, p[0], p[1], 1.0, holder);
            org.junit.jupiter.api.Assertions.assertEquals((double) f.invoke(null, p[0], p[1]), value, 0.0);
            // the first term (1 - b) x is not finite, so the loop stops after one step: d/db is -x
            org.junit.jupiter.api.Assertions.assertEquals(-p[1], holder.getClass().getField("b").getDouble(holder), 0.0,
                    "d/db at " + java.util.Arrays.toString(p));
        }
    }

    /** SSJ's shape: the tolerance read from a static table by the precision asked for ({@code EPSARRAY[d]}). */
    @Test
    void aToleranceFromAStaticTable() throws Exception {
        check("tabled", 3.0, 0.4, 15);
        check("tabled", 2.0, -0.6, 14);
        check("tabled", 3.2, 0.4, 15);
    }

    /**
     * A tolerance known only at run time: passed in (and tested under {@code ||} with a step
     * minimum) or kept in a field that is no compile-time constant. Where it is small the loop runs
     * on at a whole b; where it is loose (0.3) the loop stops far from convergence and the longer
     * run agrees with nothing, so the derivative stays that of the steps taken, which is the
     * function's there. A parameter compared the same way that is no tolerance (halving x below a
     * limit) keeps its derivative too.
     */
    @Test
    void aToleranceKnownOnlyAtRunTime() throws Exception {
        check("toleranceInAField", 3.0, 0.4);
        check("toleranceInAField", 3.3, 0.4);
        check("tolerancePassedIn", 3.0, 0.4, 1e-15);
        check("tolerancePassedIn", 4.0, 0.6, 1e-13);
        check("tolerancePassedIn", 3.3, 0.4, 1e-15);
        check("tolerancePassedIn", 5.0, 0.4, 0.3);
        check("tolerancePassedIn", 5.3, 0.4, 0.3);
        check("halvedBelow", 5.0, 2.0);
        check("halvedBelow", 1000.0, 1.5);
        check("halvedBelow", 0.7, 1.0);
    }

    @Test
    void aLoopThatWritesAnArrayOrReadsOneByStepIsNotRunAgain() throws Exception {
        check("writesAnArray", 3.5, 0.4);
        // run on, it could read past the table's end where the loop does not
        check("readsByStep", 3.5, 0.4, new double[] {1.0, 0.9, 1.1, 1.0, 0.8, 1.2});
    }
}
