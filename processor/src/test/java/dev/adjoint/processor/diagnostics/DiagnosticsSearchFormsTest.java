package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertGradientMatchesFiniteDifferences;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;
import static dev.adjoint.processor.diagnostics.Sources.gradient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Searches in other forms than the textbook bisection (fence.Brackets): each narrows a bracket the
 * loop carries by tests of differentiated values, so its derivative would be that of the bracket's
 * start (0 here) where the minimiser's or root's is 0.5968 (the minimiser of (r − a)² + 0.1r⁴ at
 * a = 1.3) or 0.1846 (the root of r³ + r = 3). Each is refused at the loop with AdjointSearchLoop.
 * Loops that test differentiated values without narrowing a bracket stay accepted, their gradients
 * matching finite differences.
 */
class DiagnosticsSearchFormsTest {

    private static final String SEARCH = "[AdjointSearchLoop] this loop narrows a bracket by comparing "
            + "differentiated values until it is small (a bisection, a golden-section search, Brent's method)";
    private static final String FIX = "end with one Newton step, root - g(root) / Adjoint.stopGradient(g'(root))";

    private static void assertRefusedAt(JavaFileObject file, String line, String method) {
        Compilation c = compile(file);
        assertOnlyError(c, file, line, SEARCH, FIX);
        assertNotGenerated(c, method);
        assertNoCrash(c);
    }

    /** The textbook golden section: c and d carried from step to step, an end moved to one of them. */
    @Test
    void aGoldenSectionCarryingItsPointsIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double argmin(double a) {",
                "        final double gr = (Math.sqrt(5) - 1) / 2;",
                "        double lo = -5, hi = 5;",
                "        double c = hi - gr * (hi - lo), d = lo + gr * (hi - lo);",
                "        for (int i = 0; i < 200; i++) {",
                "            double fc = (c - a) * (c - a) + 0.1 * c * c * c * c;",
                "            double fd = (d - a) * (d - a) + 0.1 * d * d * d * d;",
                "            if (fc < fd) { hi = d; } else { lo = c; }",
                "            c = hi - gr * (hi - lo);",
                "            d = lo + gr * (hi - lo);",
                "        }",
                "        return 0.5 * (lo + hi);",
                "    }"), "for (int i = 0; i < 200; i++) {", "argmin");
    }

    /** A golden section that carries its function values too (f1, f2 moved with x1, x2), on a count. */
    @Test
    void aGoldenSectionCarryingItsValuesOnACountIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double argmin(double a) {",
                "        double lo = -5, hi = 5, r = 0.6180339887498949;",
                "        double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);",
                "        double f1 = (x1 - a) * (x1 - a), f2 = (x2 - a) * (x2 - a);",
                "        for (int i = 0; i < 100; i++) {",
                "            if (f1 < f2) {",
                "                hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = (x1 - a) * (x1 - a);",
                "            } else {",
                "                lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = (x2 - a) * (x2 - a);",
                "            }",
                "        }",
                "        return 0.5 * (lo + hi);",
                "    }"), "for (int i = 0; i < 100; i++) {", "argmin");
    }

    /** A ternary search: the ends move to two different points, and it stops on a count in a do-while. */
    @Test
    void aTernarySearchIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double ternary(double a) {",
                "        double lo = -5, hi = 5;",
                "        int n = 0;",
                "        do {",
                "            double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;",
                "            double f1 = (m1 - a) * (m1 - a) + 0.1 * m1 * m1 * m1 * m1;",
                "            double f2 = (m2 - a) * (m2 - a) + 0.1 * m2 * m2 * m2 * m2;",
                "            if (f1 < f2) hi = m2; else lo = m1;",
                "        } while (++n < 200);",
                "        return 0.5 * (lo + hi);",
                "    }"), "do {", "ternary");
    }

    /** A bisection whose ends are chosen by ?: on a boolean computed from the differentiated value. */
    @Test
    void aBisectionByConditionalExpressionsIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double lo = 0, hi = 10;",
                "        for (int i = 0; i < 100; i++) {",
                "            double mid = 0.5 * (lo + hi);",
                "            boolean above = mid * mid * mid + mid - a > 0;",
                "            hi = above ? mid : hi;",
                "            lo = above ? lo : mid;",
                "        }",
                "        return 0.5 * (lo + hi);",
                "    }"), "for (int i = 0; i < 100; i++) {", "cubeRoot");
    }

    /** A bisection whose ends move inside Math.max and Math.min, on the sign of the function. */
    @Test
    void aBisectionByMaxAndMinIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double lo = 0, hi = 10;",
                "        for (int i = 0; i < 100; i++) {",
                "            double mid = 0.5 * (lo + hi);",
                "            double s = Math.signum(mid * mid * mid + mid - a);",
                "            lo = Math.max(lo, s < 0 ? mid : lo);",
                "            hi = Math.min(hi, s > 0 ? mid : hi);",
                "        }",
                "        return lo;",
                "    }"), "for (int i = 0; i < 100; i++) {", "cubeRoot");
    }

    /** A bracket held in a two-element array, the end written chosen by its index. */
    @Test
    void aBracketInAnArrayIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double[] br = {0, 10};",
                "        for (int i = 0; i < 100; i++) {",
                "            double mid = 0.5 * (br[0] + br[1]);",
                "            br[mid * mid * mid + mid - a > 0 ? 1 : 0] = mid;",
                "        }",
                "        return br[0];",
                "    }"), "for (int i = 0; i < 100; i++) {", "cubeRoot");
    }

    /** A point moved one way or the other by a step that halves: a bisection in disguise. */
    @Test
    void aStepHalvingSearchIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double x = 5, step = 2.5;",
                "        for (int i = 0; i < 100; i++) {",
                "            x += x * x * x + x - a > 0 ? -step : step;",
                "            step *= 0.5;",
                "        }",
                "        return x;",
                "    }"), "for (int i = 0; i < 100; i++) {", "cubeRoot");
    }

    /** The halving step declared and halved in the loop's header (found by a second review: gradient 0). */
    @Test
    void aStepHalvedInTheLoopsHeaderIsRefusedToo() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double root(double a) {",
                "        double x = 0;",
                "        for (double step = 4.0; step > 1e-12; step /= 2) {",
                "            if ((x + step) * (x + step) < a) x += step;",
                "        }",
                "        return x;",
                "    }"), "for (double step = 4.0; step > 1e-12; step /= 2) {", "root");
    }

    /**
     * A cube root of a found by steps computed from the loop's counter, no variable halved: each
     * compiled with gradient 0 (found by a review), where the root's is 1 / (3a^(2/3)).
     */
    @Test
    void aStepComputedFromTheCounterIsRefusedAtTheLoop() {
        for (String step : new String[] {"Math.scalb(1.0, -i)", "4.0 / (1L << i)", "Math.pow(0.5, i)"}) {
            assertRefusedAt(countedSearch(step, 60), "for (int i = 1; i <= 60; i++) {", "cubeRoot");
        }
    }

    /** A Robbins–Monro step 1 / (i + 1): it shrinks, if not by halves, and the point converges to the root. */
    @Test
    void aRobbinsMonroStepIsRefusedAtTheLoop() {
        assertRefusedAt(countedSearch("1.0 / (i + 1)", 2000), "for (int i = 1; i <= 2000; i++) {", "cubeRoot");
    }

    /**
     * A point walked by steps chosen on a test of itself, in forms the counter-step reading did not
     * follow (a second review found each compiling with derivative 0, or a wrong 0.71, where √a's is
     * 0.35): a step scaled by a differentiated parameter, a counter counting down, a step read from
     * a table by the counter, a helper's step of the counter, a double counter, a range from a.
     */
    @Test
    void aWalkByStepsOfTheCounterIsRefusedWhateverTheStepsAreComputedFrom() {
        String[][] walks = {
            {"double h", "for (int i = 0; i < 60; i++) {", "double step = h / (1L << i);"},
            {"", "for (int i = 60; i > 0; i--) {", "double step = Math.scalb(1.0, i - 59);"},
            {"", "for (int i = 0; i < 60; i++) {", "double step = TABLE[i];"},
            {"", "for (int i = 0; i < 60; i++) {", "double step = stepOf(i);"},
            {"", "for (double k = 0; k < 60; k++) {", "double step = Math.pow(0.5, k - 1);"},
            {"", "for (int i = 1; i < 60; i++) {", "double step = Math.max(1.0, a) * Math.pow(0.5, i);"},
        };
        for (String[] w : walks) {
            assertRefusedAt(functions(
                    "    private static final double[] TABLE = new double[60];",
                    "    private static double stepOf(int i) { return Math.pow(2.0, 1 - i); }",
                    "    @Differentiable",
                    "    static double root(double a" + (w[0].isEmpty() ? "" : ", " + w[0]) + ") {",
                    "        double x = 0;",
                    "        " + w[1],
                    "            " + w[2],
                    "            x += x * x > a ? -step : step;",
                    "        }",
                    "        return x;",
                    "    }"), w[1], "root");
        }
    }

    private static JavaFileObject countedSearch(String step, int steps) {
        return functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double x = 0;",
                "        for (int i = 1; i <= " + steps + "; i++) {",
                "            double step = " + step + ";",
                "            x += (x * x * x - a > 0) ? -step : step;",
                "        }",
                "        return x;",
                "    }");
    }

    /** A point moved by a halving step in the direction Math.signum gives: no test written at all. */
    @Test
    void aSignStepSearchIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double x = 5, step = 2.5;",
                "        for (int i = 0; i < 100; i++) {",
                "            x -= step * Math.signum(x * x * x + x - a);",
                "            step = step / 2;",
                "        }",
                "        return x;",
                "    }"), "for (int i = 0; i < 100; i++) {", "cubeRoot");
    }

    /** A bisection by ?: that returns its midpoint from inside the loop once the bracket is small. */
    @Test
    void aBisectionReturningFromInsideIsRefusedAtTheLoop() {
        assertRefusedAt(functions(
                "    @Differentiable",
                "    static double cubeRoot(double a) {",
                "        double lo = 0, hi = 10;",
                "        while (true) {",
                "            double mid = 0.5 * (lo + hi);",
                "            if (hi - lo < 1e-12) return mid;",
                "            boolean above = mid * mid * mid + mid > a;",
                "            hi = above ? mid : hi;",
                "            lo = above ? lo : mid;",
                "        }",
                "    }"), "while (true) {", "cubeRoot");
    }

    /**
     * Loops that test differentiated values but narrow no bracket, each accepted with the gradient
     * finite differences give: a count of values past a threshold (as an int and as a double), a
     * maximum over an array (by a test and by Math.max), a Newton iteration, a series stopped on a
     * tolerance, a loop left when a value crosses a limit, a grid search (its point moves by a fixed
     * step: its result is constant between grid points, and so is its derivative), two values that
     * move each other on a test of a parameter alone, a clamp outside any loop, an Euler method whose
     * step halves while the error estimate is too large, and the searches above written as the
     * message says (their tests on {@code Adjoint.stopGradient} values, one Newton step after), whose
     * derivatives are the minimiser's and the root's.
     */
    @Test
    void loopsThatTestDifferentiatedValuesWithoutNarrowingABracketAreAccepted() throws Exception {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double counts(double[] xs, double t) {",
                "        int above = 0;",
                "        double weight = 0, sum = 0;",
                "        for (int i = 0; i < xs.length; i++) {",
                "            if (xs[i] * t > 1) { above++; weight += 1.0; sum += xs[i] * t; }",
                "        }",
                "        return above * t + weight * t * t + sum;",
                "    }",
                "    @Differentiable",
                "    static double maxima(double[] xs, double a) {",
                "        double m = Double.NEGATIVE_INFINITY, n = Double.POSITIVE_INFINITY;",
                "        for (int i = 0; i < xs.length; i++) {",
                "            if (xs[i] * a > m) m = xs[i] * a;",
                "            n = Math.min(n, xs[i] + a);",
                "        }",
                "        return m + 2 * n;",
                "    }",
                "    @Differentiable",
                "    static double newton(double a) {",
                "        double x = a;",
                "        for (int i = 0; i < 60; i++) {",
                "            x = x - (x * x * x + x - a) / (3 * x * x + 1);",
                "        }",
                "        return x;",
                "    }",
                "    @Differentiable",
                "    static double series(double x) {",
                "        double term = 1, sum = 1;",
                "        int k = 0;",
                "        while (Math.abs(term) > 1e-16 * Math.abs(sum)) {",
                "            k++;",
                "            term *= x / k;",
                "            sum += term;",
                "        }",
                "        return sum;",
                "    }",
                "    @Differentiable",
                "    static double crossing(double a) {",
                "        double x = 0, y = 0;",
                "        for (int i = 0; i < 100; i++) {",
                "            x += 0.1;",
                "            y += x * a;",
                "            if (y > 30) break;",
                "        }",
                "        return x * a + y;",
                "    }",
                "    @Differentiable",
                "    static double grid(double a) {",
                "        double x = -5, best = Double.POSITIVE_INFINITY, at = 0;",
                "        for (int i = 0; i < 100; i++) {",
                "            x += 0.1;",
                "            double f = (x - a) * (x - a);",
                "            if (f < best) { best = f; at = x; }",
                "        }",
                "        return at + best;",
                "    }",
                "    @Differentiable",
                "    static double rotate(double u0, double v0, double a) {",
                "        double u = u0, v = v0;",
                "        for (int i = 0; i < 40; i++) {",
                "            if (a > 0) { u = u + 0.1 * v; } else { v = v - 0.1 * u; }",
                "            v = 0.5 * (u + v);",
                "        }",
                "        return u * a + v;",
                "    }",
                "    @Differentiable",
                "    static double clamp(double a, double x) {",
                "        return Math.min(1.0, Math.max(0.0, a * x)) + Math.max(a, x);",
                "    }",
                "    @Differentiable",
                "    static double adaptive(double a) {",
                "        double t = 0, h = 0.1, y = 1;",
                "        int steps = 0;",
                "        while (t < 1 && steps < 1000) {",
                "            steps++;",
                "            double full = y - h * a * y;",
                "            double half = y - 0.5 * h * a * y;",
                "            half = half - 0.5 * h * a * half;",
                "            if (Math.abs(full - half) > 1e-4) {",
                "                h *= 0.5;",
                "            } else {",
                "                t += h;",
                "                y = half;",
                "                h = Math.min(2 * h, 1 - t + 1e-3);",
                "            }",
                "        }",
                "        return y;",
                "    }",
                "    @Differentiable",
                "    static double goldenThenNewton(double a) {",
                "        final double gr = (Math.sqrt(5) - 1) / 2;",
                "        double lo = -5, hi = 5;",
                "        double c = hi - gr * (hi - lo), d = lo + gr * (hi - lo);",
                "        for (int i = 0; i < 200; i++) {",
                "            double fc = dev.adjoint.Adjoint.stopGradient((c - a) * (c - a) + 0.1 * c * c * c * c);",
                "            double fd = dev.adjoint.Adjoint.stopGradient((d - a) * (d - a) + 0.1 * d * d * d * d);",
                "            if (fc < fd) { hi = d; } else { lo = c; }",
                "            c = hi - gr * (hi - lo);",
                "            d = lo + gr * (hi - lo);",
                "        }",
                "        double r = 0.5 * (lo + hi);",
                "        return r - (2 * (r - a) + 0.4 * r * r * r) / dev.adjoint.Adjoint.stopGradient(2 + 1.2 * r * r);",
                "    }",
                "    @Differentiable",
                "    static double bisectThenNewton(double a) {",
                "        double lo = 0, hi = 10;",
                "        for (int i = 0; i < 100; i++) {",
                "            double mid = 0.5 * (lo + hi);",
                "            boolean above = dev.adjoint.Adjoint.stopGradient(mid * mid * mid + mid - a) > 0;",
                "            hi = above ? mid : hi;",
                "            lo = above ? lo : mid;",
                "        }",
                "        double r = 0.5 * (lo + hi);",
                "        return r - (r * r * r + r - a) / dev.adjoint.Adjoint.stopGradient(3 * r * r + 1);",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertGradientMatchesFiniteDifferences(c, "counts", new double[] {0.5, 1.5, 2.5, 3.5}, 0.9);
        assertGradientMatchesFiniteDifferences(c, "maxima", new double[] {0.5, 3.5, 2.5, -1.5}, 0.9);
        assertEquals(1 / (3 * 1.2134116627622296 * 1.2134116627622296 + 1), gradient(c, "newton", "a", 3.0), 1e-9);
        assertGradientMatchesFiniteDifferences(c, "newton", 3.0);
        assertGradientMatchesFiniteDifferences(c, "series", 0.7);
        assertGradientMatchesFiniteDifferences(c, "crossing", 0.77);
        assertGradientMatchesFiniteDifferences(c, "grid", 1.33);
        assertGradientMatchesFiniteDifferences(c, "rotate", 0.3, -0.2, 0.5);
        assertGradientMatchesFiniteDifferences(c, "clamp", 0.4, 0.7);
        assertGradientMatchesFiniteDifferences(c, "adaptive", 0.7);
        double r = 1.0610728185192797; // the minimiser of (r - a)² + 0.1r⁴ at a = 1.3: dr/da = 2 / (2 + 1.2r²)
        assertEquals(2 / (2 + 1.2 * r * r), gradient(c, "goldenThenNewton", "a", 1.3), 1e-9);
        double root = 1.2134116627622296; // r³ + r = 3: dr/da = 1 / (3r² + 1)
        assertEquals(1 / (3 * root * root + 1), gradient(c, "bisectThenNewton", "a", 3.0), 1e-9);
    }

    /**
     * Loops {@link #aStepComputedFromTheCounterIsRefusedAtTheLoop} must not take for searches, each
     * accepted with the gradient finite differences give: a grid scanned by a point computed from the
     * counter ({@code lo + i * h}, and carried), a secant iteration, a series whose terms are weighted
     * by {@code 1.0 / (i + 1)}, an Euler integrator whose time is {@code i * dt}, a count of values
     * past a threshold that falls with the counter, a bisection its condition counts to 10 steps
     * (below the 20 a search takes), and two programs of the random campaign: a variable the loop
     * gives only a constant ({@code a = 1.0}, {@code into = 1.0}) read by a test and by a value is no
     * end of a bracket, and {@code && iter < 1} runs the loop once.
     */
    @Test
    void countedStepsThatNarrowNoBracketAndConstantsAreAccepted() throws Exception {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double gridScan(double a) {",
                "        double best = Double.POSITIVE_INFINITY, at = 0;",
                "        final double lo = -5, h = 0.01;",
                "        for (int i = 0; i <= 1000; i++) {",
                "            double x = lo + i * h;",
                "            double f = (x - a) * (x - a) + 0.1 * x * x * x * x;",
                "            if (f < best) { best = f; at = x; }",
                "        }",
                "        return at + best;",
                "    }",
                "    @Differentiable",
                "    static double gridCarried(double a) {",
                "        double x = -5, best = Double.POSITIVE_INFINITY, at = 0;",
                "        for (int i = 0; i < 1000; i++) {",
                "            x = -5 + i * 0.01;",
                "            double f = (x - a) * (x - a);",
                "            if (f < best) { best = f; at = x; }",
                "        }",
                "        return at + best;",
                "    }",
                "    @Differentiable",
                "    static double secant(double a) {",
                "        double x0 = 1, x1 = 2;",
                "        for (int i = 0; i < 40; i++) {",
                "            double f0 = x0 * x0 * x0 - a, f1 = x1 * x1 * x1 - a;",
                "            if (Math.abs(f1 - f0) < 1e-300) break;",
                "            double x2 = x1 - f1 * (x1 - x0) / (f1 - f0);",
                "            x0 = x1; x1 = x2;",
                "        }",
                "        return x1;",
                "    }",
                "    @Differentiable",
                "    static double weightedSeries(double x) {",
                "        double sum = 0, power = 1;",
                "        for (int i = 0; i < 50; i++) {",
                "            double w = 1.0 / (i + 1);",
                "            sum += (i % 2 == 0 ? w : -w) * power;",
                "            power *= x;",
                "            if (sum > 100) break;",
                "        }",
                "        return sum;",
                "    }",
                "    @Differentiable",
                "    static double euler(double a) {",
                "        double y = 1, dt = 0.001;",
                "        for (int i = 0; i < 1000; i++) {",
                "            double t = i * dt;",
                "            y += dt * (-a * y + Math.sin(t));",
                "        }",
                "        return y;",
                "    }",
                "    @Differentiable",
                "    static double countPast(double[] xs, double t) {",
                "        double count = 0, weight = 0;",
                "        for (int i = 0; i < xs.length; i++) {",
                "            if (xs[i] * t > 1.0 / (i + 1)) { count += 1; weight += 1.0 / (i + 1); }",
                "        }",
                "        return count * t + weight * t * t;",
                "    }",
                "    @Differentiable",
                "    static double shortBisection(double a, double b) {",
                "        double lo = 0, hi = 10;",
                "        int iter = 0;",
                "        while (hi - lo > 1e-12 && iter < 10) {",
                "            iter++;",
                "            double mid = 0.5 * (lo + hi);",
                "            boolean above = mid * mid * mid - a > 0;",
                "            hi = above ? mid : hi;",
                "            lo = above ? lo : mid;",
                "        }",
                "        return lo + b * b;",
                "    }",
                "    @Differentiable",
                "    static double constantInLoop(double x, double y) {",
                "        double a = 1.0;",
                "        int iter = 0;",
                "        do {",
                "            iter++;",
                "            a = 1.0;",
                "            y -= Math.signum((x - a));",
                "        } while ((a > x) && iter < 1);",
                "        return y;",
                "    }",
                "    @Differentiable",
                "    static double constantInAnonymous(double[] w, double into, double x) {",
                "        Body run = new Body() {",
                "            @Override",
                "            public double apply(double[] w, double into, double x) {",
                "                double b = 1.0;",
                "                int iter = 0;",
                "                while ((1.0 < 1.0) && iter < 20) {",
                "                    iter++;",
                "                    into = 1.0;",
                "                    if ((((1.0 < 1.0) ? w[0] : into) < 1.0)) {",
                "                        b *= into;",
                "                    }",
                "                    x = 1.0;",
                "                }",
                "                x--;",
                "                return 1.0;",
                "            }",
                "        };",
                "        return run.apply(w, into, x) * x;",
                "    }",
                "    interface Body {",
                "        double apply(double[] w, double into, double x);",
                "    }",
                "    @Differentiable",
                "    static double fixedPointWithChoice(double x, double y, double seed) {",
                "        int count = 0;",
                "        while (y < 5 && count < 20) {",
                "            count++;",
                "            x = Math.tanh(x) + 0.5 * ((x > seed || 0.1 > seed) ? y : -0.75);",
                "            y = Math.cos(y) + 0.5 * y;",
                "        }",
                "        return x;",
                "    }",
                "    @Differentiable",
                "    static double deadNarrowing(double[] v, double y, int n, double[] w) {",
                "        double b = y;",
                "        for (int i = 0; i < n; i++) {",
                "            double x = y;",
                "            if ((x > b + 100) || (-0.75 < 0.1)) {",
                "            } else {",
                "                y = y + v[1];",
                "            }",
                "            if (w[0] <= y) {",
                "                v[n % v.length] = y;",
                "            }",
                "        }",
                "        return v[0] * y;",
                "    }",
                "    @Differentiable",
                "    static double sumOfEnds(double[] v, double y, int n, double[] w) {",
                "        double a = y;",
                "        for (int i = 0; i < n; i++) {",
                "            if (y > a) {",
                "            } else {",
                "                y = y + v[1];",
                "            }",
                "            if (w[0] <= y) {",
                "                v[n % v.length] = y;",
                "            }",
                "        }",
                "        return v[0] + v[1] * y;",
                "    }",
                "    @Differentiable",
                "    static double functionPlusEnd(double[] v, double y, int n, double[] w) {",
                "        double a = y;",
                "        for (int i = 0; i < n; i++) {",
                "            if (y > a) {",
                "            } else {",
                "                y = Math.sin(y) + v[1];",
                "            }",
                "            if (w[0] <= y) {",
                "                v[n % v.length] = y;",
                "            }",
                "        }",
                "        return v[0] + v[1] * y;",
                "    }",
                "    @Differentiable",
                "    static double alternatingWalk(double a) {",
                "        double x = a;",
                "        for (int k = 0; k < 60; k++) {",
                "            x += (k % 2 == 0 ? 1.0 : -1.0) / (k + 1) * a;",
                "        }",
                "        return x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        // a fixed-point step reading a y no choice moves narrows nothing (the second-order campaign's m38)
        assertGradientMatchesFiniteDifferences(c, "fixedPointWithChoice", 0.3, 0.6, 0.1);
        // a step from two ends in a branch that never runs (its test is a constant's): the build's campaign
        assertGradientMatchesFiniteDifferences(c, "deadNarrowing", new double[] {0.4, 0.2}, 0.3, 3, new double[] {0.1});
        // a sum of two ends moved on choices (y + v[1]) moves past both: no point between them (the campaign's)
        assertGradientMatchesFiniteDifferences(c, "sumOfEnds", new double[] {0.4, 0.2}, 0.3, 3, new double[] {0.1});
        assertGradientMatchesFiniteDifferences(c, "functionPlusEnd", new double[] {0.4, 0.2}, 0.3, 3, new double[] {0.1});
        // steps of the counter chosen by a test of the counter alone: a series, not a search
        assertGradientMatchesFiniteDifferences(c, "alternatingWalk", 0.8);
        assertGradientMatchesFiniteDifferences(c, "gridScan", 1.3);
        assertGradientMatchesFiniteDifferences(c, "gridCarried", 1.333);
        assertGradientMatchesFiniteDifferences(c, "secant", 1.3);
        assertEquals(1 / (3 * Math.cbrt(1.3) * Math.cbrt(1.3)), gradient(c, "secant", "a", 1.3), 1e-9);
        assertGradientMatchesFiniteDifferences(c, "weightedSeries", 0.5);
        assertGradientMatchesFiniteDifferences(c, "euler", 1.3);
        assertGradientMatchesFiniteDifferences(c, "countPast", new double[] {0.5, 1.5, 2.5, 3.5}, 0.9);
        assertGradientMatchesFiniteDifferences(c, "shortBisection", 2.0, 0.7);
        assertGradientMatchesFiniteDifferences(c, "constantInLoop", 0.3, 0.2);
        assertGradientMatchesFiniteDifferences(c, "constantInAnonymous", new double[] {0.5}, 0.3, 0.2);
    }
}
