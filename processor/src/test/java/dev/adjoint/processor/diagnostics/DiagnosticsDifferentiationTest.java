package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertWarning;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;
import static dev.adjoint.processor.diagnostics.Sources.gradient;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Stage 3, reverse mode: a derivative that would have to flow through a call Adjoint cannot see
 * into is an error at the call; derivatives that are legal but lost are warnings.
 */
class DiagnosticsDifferentiationTest {

    /**
     * A method of an interface, not {@code @Differentiable}: one Adjoint cannot see into, as the
     * code it runs is chosen at run time (a concrete method of another class of the build would be
     * inlined, and a lambda held in the constant read).
     */
    private static final JavaFileObject OTHER = Sources.source("demo.Other", "interface Other {",
            "    Other ONE = Boolean.getBoolean(\"demo.cube\") ? v -> v * v * v : v -> v * v;",
            "",
            "    double helper(double v);");

    /** {@code demo.Functions} with the given member lines, which call {@code Other.ONE.helper}. */
    private static JavaFileObject withHelper(String... members) {
        return functions(members);
    }

    private static Compilation compileWithHelper(JavaFileObject file) {
        return compile(file, OTHER);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void derivativeThroughAPlainStaticHelper() {
        JavaFileObject file = withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Other.ONE.helper(x) * x;",
                "    }");
        Compilation c = compileWithHelper(file);
        assertOnlyError(c, file, "return Other.ONE.helper(x) * x;",
                "[AdjointUnsupportedCall] cannot differentiate through Other.ONE.helper(...): Other.helper is abstract",
                "call a concrete @Differentiable method instead");
        assertNotGenerated(c, "f");
    }

    @Test
    void derivativeThroughAHelperViaALocal() {
        JavaFileObject file = withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double h = Other.ONE.helper(x);",
                "        return h + x;",
                "    }");
        Compilation c = compileWithHelper(file);
        assertOnlyError(c, file, "double h = Other.ONE.helper(x);",
                "[AdjointUnsupportedCall] cannot differentiate through Other.ONE.helper(...): Other.helper is abstract");
        assertNotGenerated(c, "f");
    }

    @Test
    void ieeeRemainderHasARule() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Math.IEEEremainder(x, 2.0) + x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(2.0);
    }

    @Test
    void aHelperOfTheSameClassIsInlined() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    static double helper(double v) {",
                "        return v * v;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return helper(x) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 0.7)).isWithin(1e-12).of(3 * 0.7 * 0.7);
    }

    // ---------------------------------------------------------------- calls that are fine

    @Test
    void aDifferentiatedValuePassedToAnOpaqueCallIsAnErrorEvenWhenItsResultIsUnused() {
        // the call may keep the value (a list, a builder) and hand it back later without its derivative
        JavaFileObject file = withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double unused = Other.ONE.helper(x);",
                "        return x * x;",
                "    }");
        Compilation c = compileWithHelper(file);
        assertOnlyError(c, file, "double unused = Other.ONE.helper(x);",
                "[AdjointUnsupportedCall] cannot differentiate through Other.ONE.helper(...): Other.helper is abstract",
                "wrap the argument in Adjoint.stopGradient(...) if no derivative should flow through the call");
        assertNotGenerated(c, "f");
    }

    @Test
    void stopGradientAcknowledgesACallThatLetsNoDerivativeThrough() throws ReflectiveOperationException {
        Compilation c = compileWithHelper(withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double unused = Other.ONE.helper(dev.adjoint.Adjoint.stopGradient(x));",
                "        Other.ONE.helper(dev.adjoint.Adjoint.stopGradient(x));",
                "        return x * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
        assertThat(gradient(c, "f", "x", 3.0)).isEqualTo(6.0);
    }

    @Test
    void inactiveCallIsNoError() throws ReflectiveOperationException {
        Compilation c = compileWithHelper(withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Other.ONE.helper(3.0) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
        // f(x) = 9 x
        assertThat(gradient(c, "f", "x", 2.0)).isEqualTo(9.0);
    }

    @Test
    void callOnAParameterNotDifferentiatedIsNoError() throws ReflectiveOperationException {
        Compilation c = compileWithHelper(withHelper(
                "    @Differentiable(wrt = {\"x\"})",
                "    static double f(double x, double c) {",
                "        return Other.ONE.helper(c) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertGenerated(c, "f");
        // f(x, c) = c² x, so ∂f/∂x = c²
        assertThat(gradient(c, "f", "x", 2.0, 5.0)).isEqualTo(25.0);
    }

    /** No derivative flows through a condition, so a helper only compared is fine. */
    @Test
    void callOnlyInAConditionIsNoErrorWithStopGradient() throws ReflectiveOperationException {
        Compilation c = compileWithHelper(withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Other.ONE.helper(dev.adjoint.Adjoint.stopGradient(x)) > 1 ? x : -x;",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 2.0)).isEqualTo(1.0);
    }

    @Test
    void callWhoseResultIsOverwrittenIsNoErrorWithStopGradient() throws ReflectiveOperationException {
        Compilation c = compileWithHelper(withHelper(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double y = Other.ONE.helper(dev.adjoint.Adjoint.stopGradient(x));",
                "        y = x * x;",
                "        return y;",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 3.0)).isEqualTo(6.0);
    }

    // ---------------------------------------------------------------- warnings

    @Test
    void castOfAnActiveDoubleToIntWarns() throws ReflectiveOperationException {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double whole = (int) x;",
                "        return whole + x;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "double whole = (int) x;",
                "[AdjointLostDerivative] casting a differentiated double to int drops its derivative",
                "keep the value a double if it should carry one");
        assertThat(c).hadWarningCount(1);
        assertNoCrash(c);
        assertThat(gradient(c, "f", "x", 2.5)).isEqualTo(1.0);
    }

    @Test
    void castInAReturnStatementWarns() throws ReflectiveOperationException {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return (int) x + x;",
                "    }");
        Compilation c = compile(file);
        assertNoCrash(c);
        assertThat(c).succeeded();
        assertWarning(c, file, "return (int) x + x;",
                "[AdjointLostDerivative] casting a differentiated double to int drops its derivative");
        assertThat(gradient(c, "f", "x", 2.5)).isEqualTo(1.0);
    }

    @Test
    void castOfAnIntInAReturnStatementIsNoError() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x, int n) {",
                "        return (double) n * x;",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 2.5, 4)).isEqualTo(4.0);
    }

    /**
     * erf with the shortcut erf(0) = 0: right in value, and the derivative at 0 is the code
     * around's, 2/√π, not the constant's 0; no warning, since the code around runs beside it.
     */
    @Test
    void equalityShortcutTakesTheDerivativeOfTheCodeAround() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        if (x == 0.0) {",
                "            return 0.0;",
                "        }",
                "        return 1.1283791670955126 * x * (1 - x * x / 3);",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertNoCrash(c);
        assertThat(gradient(c, "f", "x", 0.0)).isEqualTo(1.1283791670955126);
        assertThat(gradient(c, "f", "x", 0.5)).isWithin(1e-15).of(1.1283791670955126 * (1 - 0.25));
    }

    /**
     * The implementation's copies of a method with a shortcut ({@code f$around}, {@code f$gap})
     * cannot clash with the copies of private methods named like them ({@code fAround}, {@code fGap}),
     * nor their locals with parameters ({@code _value}, {@code _around}, {@code _thrown}).
     */
    @Test
    void shortcutCopiesDoNotClashWithTheUsersMethods() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    private static double f(double x) {",
                "        if (x == 1.0) {",
                "            return 1.0;",
                "        }",
                "        return x * x;",
                "    }",
                "    @Differentiable",
                "    private static double fAround(double x) {",
                "        return f(x) * 2;",
                "    }",
                "    @Differentiable",
                "    private static double fGap(double x) {",
                "        return f(x) * 3;",
                "    }",
                "    @Differentiable",
                "    static double g(double _value, double _around, double _thrown) {",
                "        return _value == _around ? _value * _value : _value * _around * _thrown;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertNoCrash(c);
        assertThat(gradient(c, "fAround", "x", 1.0)).isEqualTo(4.0);
        assertThat(gradient(c, "fGap", "x", 1.0)).isEqualTo(6.0);
        assertThat(gradient(c, "g", "_value", 0.5, 0.5, 1.0)).isEqualTo(0.5);
    }

    /**
     * The same shortcut in a method that writes its array parameter, which cannot run beside
     * itself: warned about at the test, and the branch's derivative is what the generated code gives
     * there, as PyTorch's would.
     */
    @Test
    void equalityShortcutOfAMethodWithEffectsWarns() throws ReflectiveOperationException {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double[] x) {",
                "        x[1] = x[0];",
                "        if (x[0] == 0.0) {",
                "            return 0.0;",
                "        }",
                "        return 1.1283791670955126 * x[0] * (1 - x[0] * x[0] / 3);",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "if (x[0] == 0.0) {",
                "[AdjointEqualityBranch] this equality test of a differentiated value chooses a branch: where it "
                        + "holds, the derivative is that branch's own",
                "because Adjoint cannot run this method's code around the point beside it (it writes to arrays it did "
                        + "not create, has effects, returns an array or is checkpointed)");
        assertThat(c).hadWarningCount(1);
        assertNoCrash(c);
    }

    /**
     * The other ways of writing an equality test are equality tests too: in a method that cannot
     * run beside itself each is warned about at its test, as {@code x[0] == 0.0} is (they once got
     * the branch's derivative silently).
     */
    @Test
    void equalityTestsWrittenOtherWaysWarnToo() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double[] x) {",
                "        x[1] = x[0];",
                "        if (Double.compare(x[0], 0.0) == 0) {",
                "            return 0.0;",
                "        }",
                "        if (Double.valueOf(x[0]).equals(1.0)) {",
                "            return 1.0;",
                "        }",
                "        if (Double.valueOf(x[0]).compareTo(2.0) == 0) {",
                "            return 4.0;",
                "        }",
                "        if (Math.abs(x[0] - 3.0) <= 0) {",
                "            return 9.0;",
                "        }",
                "        if (x[0] >= 4.0 && x[0] <= 4.0) {",
                "            return 16.0;",
                "        }",
                "        if (x[0] < 5.0 || x[0] > 5.0) {",
                "            return x[0] * x[0];",
                "        }",
                "        return 25.0;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        for (String line : new String[] {"if (Double.compare(x[0], 0.0) == 0) {", "if (Double.valueOf(x[0]).equals(1.0)) {",
                "if (Double.valueOf(x[0]).compareTo(2.0) == 0) {", "if (Math.abs(x[0] - 3.0) <= 0) {",
                "if (x[0] >= 4.0 && x[0] <= 4.0) {", "if (x[0] < 5.0 || x[0] > 5.0) {"}) {
            assertWarning(c, file, line, "[AdjointEqualityBranch] this equality test of a differentiated value chooses a "
                    + "branch");
        }
        assertThat(c).hadWarningCount(6);
        assertNoCrash(c);
    }

    /** A checkpointed method keeps the branch's derivative too, and the warning says why. */
    @Test
    void equalityShortcutOfACheckpointedMethodWarns() {
        JavaFileObject file = functions(
                "    @Differentiable(checkpoints = 10)",
                "    static double f(double x, int n) {",
                "        double acc = x;",
                "        for (int i = 0; i < n; i++) {",
                "            acc = Math.sin(acc);",
                "        }",
                "        if (x == 1.0) {",
                "            return acc;",
                "        }",
                "        return acc * x;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "if (x == 1.0) {", "[AdjointEqualityBranch]", "returns an array or is checkpointed)");
        assertThat(c).hadWarningCount(1);
        assertNoCrash(c);
    }

    /**
     * What is not warned about: a NaN test, a comparison with an infinity, a branch that only
     * throws, an equality of data, a loop's condition and a comparison of stopGradient(x), and
     * {@code stopGradient(x) != x}, a NaN test too (as a random program wrote it).
     */
    @Test
    void equalityTestsThatChooseNoDerivativeDoNotWarn() {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x, int n) {",
                "        if (x != x || x == Double.POSITIVE_INFINITY) {",
                "            return Double.NaN;",
                "        }",
                "        if (x == -1.0) {",
                "            throw new IllegalArgumentException(\"x = \" + x);",
                "        }",
                "        double y = n == 2 ? x * x : x;",
                "        double previous = 0.0;",
                "        while (y != previous && n-- > 0) {",
                "            previous = y;",
                "            y = 0.5 * (y + x / y);",
                "        }",
                "        return dev.adjoint.Adjoint.stopGradient(x) == 0.0 ? 0.0 : y;",
                "    }",
                "    @Differentiable",
                "    static double[] g(double x) {",
                "        double[] r = new double[1];",
                "        r[0] = dev.adjoint.Adjoint.stopGradient(x) != x ? Double.NaN : x * x;",
                "        return r;",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
    }

    /** An at-the-money branch chosen by a tolerance band warns at its test, and the method is generated. */
    @Test
    void toleranceBandWarns() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double normalVol(double alpha, double forward, double strike) {",
                "        double vol = Math.abs(forward - strike) < 1e-8 * (1 + Math.abs(forward)) ? alpha * forward",
                "                : alpha * (forward - strike) / Math.log(forward / strike);",
                "        if (1e-7 >= Math.abs(strike - 1.0)) {",
                "            return vol;",
                "        }",
                "        return vol * strike;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "double vol = Math.abs(forward - strike) < 1e-8",
                "[AdjointToleranceBranch] this test of a differentiated value against a small tolerance chooses a "
                        + "branch: inside the band the derivative is that branch's own",
                "Write the branch to first order in the tested value, or compare Adjoint.stopGradient(...)");
        assertWarning(c, file, "if (1e-7 >= Math.abs(strike - 1.0)) {", "[AdjointToleranceBranch]");
        assertThat(c).hadWarningCount(2);
        assertNoCrash(c);
    }

    /**
     * A loop stopped on a convergence test of a differentiated value that cannot be run on for the
     * derivative (it stores its terms in an array) warns at the loop, saying why; one that stops on
     * a value carrying no derivative (a count of data) does not, nor does one that is run on.
     */
    @Test
    void aConvergenceLoopThatIsNotRunOnWarns() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double series(double b, double x, double[] scale) {",
                "        double[] terms = new double[100];",
                "        double term = 1.0;",
                "        double sum = 1.0;",
                "        int k = 0;",
                "        while (Math.abs(term) > 1e-15 * Math.abs(sum) && k < 99) {",
                "            k++;",
                "            term *= (k - b) * x / k;",
                "            terms[k] = term;",
                "            sum += term;",
                "        }",
                "        double data = 1.0;",
                "        int n = 0;",
                "        while (Math.abs(data) > 1e-12 && n < 50) {",
                "            n++;",
                "            data *= 0.5;",
                "            terms[n] = data;",
                "        }",
                "        double plain = 1.0;",
                "        double total = 1.0;",
                "        int j = 0;",
                "        while (Math.abs(plain) > 1e-15 * Math.abs(total)) {",
                "            j++;",
                "            plain *= (j - b) * x / j;",
                "            total += plain;",
                "        }",
                "        return sum + terms[1] * scale[0] + n + total;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "while (Math.abs(term) > 1e-15 * Math.abs(sum) && k < 99) {",
                "[AdjointConvergenceLoop] this loop stops on a convergence test of a differentiated value but writes "
                        + "an array, so it is not run on for the derivative",
                "Keep the loop to its own scalars and Math calls");
        assertThat(c).hadWarningCount(1);
        assertNoCrash(c);
    }

    /**
     * A bisection whose test reads a differentiated value: refused at the test, in a loop that runs
     * until the bracket is small, in one counted to a count passed in, in an inlined helper's do-while, and a
     * golden-section search and a Brent-like method that stop on the bracket's width, at that exit (an
     * implied volatility's derivative by the price would be 0; a square root found in [0, a] would
     * have 0.5 for 0.25 at a = 4).
     */
    @Test
    void aSearchLoopIsRefusedAtItsTest() {
        JavaFileObject file = functions(
                "    static double call(double s, double k, double v) {",
                "        double d = (Math.log(s / k) + 0.5 * v * v) / v;",
                "        return s * (1 + Math.tanh(d)) - k * (1 + Math.tanh(d - v));",
                "    }",
                "    @Differentiable",
                "    static double impliedVol(double price, double s, double k) {",
                "        double lo = 1e-4, hi = 5.0;",
                "        while (hi - lo > 1e-10) {",
                "            double mid = 0.5 * (lo + hi);",
                "            if (call(s, k, mid) > price) {",
                "                hi = mid;",
                "            } else {",
                "                lo = mid;",
                "            }",
                "        }",
                "        return 0.5 * (lo + hi);",
                "    }",
                "    @Differentiable",
                "    static double root(double a, int iterations) {",
                "        double lo = 0, hi = Math.max(1.0, a);",
                "        for (int i = 0; i < iterations; i++) {",
                "            double mid = 0.5 * (lo + hi);",
                "            if (mid * mid > a) hi = mid; else lo = mid;",
                "        }",
                "        return lo;",
                "    }",
                "    private static double bySearch(double a) {",
                "        double lo = 0.0, hi = a + 1.0;",
                "        do {",
                "            double mid = 0.5 * (lo + hi);",
                "            if (mid * mid * mid < a) { lo = mid; } else { hi = mid; }",
                "        } while (hi - lo > 1e-12);",
                "        return hi;",
                "    }",
                "    @Differentiable",
                "    static double viaHelper(double a) {",
                "        return 2.0 * bySearch(a);",
                "    }",
                "    @Differentiable",
                "    static double golden(double a) {",
                "        double lo = -5, hi = 5, r = 0.6180339887498949;",
                "        double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);",
                "        double f1 = (x1 - a) * (x1 - a), f2 = (x2 - a) * (x2 - a);",
                "        while (hi - lo > 2e-10) {",
                "            if (f1 < f2) {",
                "                hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = (x1 - a) * (x1 - a);",
                "            } else {",
                "                lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = (x2 - a) * (x2 - a);",
                "            }",
                "        }",
                "        return 0.5 * (lo + hi);",
                "    }",
                "    @Differentiable",
                "    static double brentLike(double a) {",
                "        double b = a + 1.0, c = 0.0, fb = b * b * b + b - a, fc = -a, xm;",
                "        for (int iter = 0; iter < 100; iter++) {",
                "            if (Math.abs(fc) < Math.abs(fb)) { double t = b; b = c; c = t; t = fb; fb = fc; fc = t; }",
                "            xm = 0.5 * (c - b);",
                "            if (Math.abs(xm) <= 1e-13) return b;",
                "            double s = b - fb * (b - c) / (fb - fc);",
                "            double next = Math.abs(s - b) < Math.abs(xm) ? s : b + xm;",
                "            double fn = next * next * next + next - a;",
                "            if ((fn > 0) == (fb > 0)) { b = next; fb = fn; } else { c = b; fc = fb; b = next; fb = fn; }",
                "        }",
                "        return b;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "if (call(s, k, mid) > price) {",
                "[AdjointSearchLoop] this loop narrows a bracket by comparing differentiated values until it is "
                        + "small (a bisection, a golden-section search, Brent's method)",
                "end with one Newton step, root - g(root) / Adjoint.stopGradient(g'(root))");
        assertError(c, file, "if (mid * mid > a) hi = mid; else lo = mid;", "[AdjointSearchLoop]");
        assertError(c, file, "if (mid * mid * mid < a) { lo = mid; } else { hi = mid; }", "[AdjointSearchLoop]");
        assertError(c, file, "if (Math.abs(xm) <= 1e-13) return b;", "[AdjointSearchLoop]");
        assertError(c, file, "while (hi - lo > 2e-10) {", "[AdjointSearchLoop]");
        assertThat(c).hadErrorCount(5);
        assertNoCrash(c);
    }

    /**
     * SSJ's continued fraction for Q(a, x) (GammaDist.barF): it divides only where its denominator is
     * not 0 ({@code if (V[5] != 0.0) { R = V[4] / V[5]; ... res = R; }}) and stops on
     * {@code |res − R| <= EPS·R}, EPS from a static table. The guard is no comparison that chooses an
     * end of a bracket: no AdjointSearchLoop. The loop keeps its state in a small local array, which
     * is made scalars, so the loop is run on at a whole a, and nothing is said
     * (numeric.ConvergenceTest checks the derivative of such a loop).
     */
    @Test
    void aContinuedFractionGuardingItsDivisionIsNoSearch() {
        JavaFileObject file = functions(
                "    private static final double[] EPSARRAY = {0.5, 0.5e-5, 0.5e-10, 0.5e-15};",
                "    @Differentiable",
                "    static double fraction(double alpha, double x) {",
                "        double[] v = new double[6];",
                "        final double eps = EPSARRAY[3];",
                "        double a = 1.0 - alpha;",
                "        double b = a + x + 1.0;",
                "        double term = 0.0;",
                "        v[0] = 1.0;",
                "        v[1] = x;",
                "        v[2] = x + 1.0;",
                "        v[3] = x * b;",
                "        double res = v[2] / v[3];",
                "        do {",
                "            a += 1.0;",
                "            b += 2.0;",
                "            term += 1.0;",
                "            v[4] = b * v[2] - a * term * v[0];",
                "            v[5] = b * v[3] - a * term * v[1];",
                "            if (v[5] != 0.0) {",
                "                double r = v[4] / v[5];",
                "                if (Math.abs(res - r) <= eps * r) {",
                "                    return res;",
                "                }",
                "                res = r;",
                "            }",
                "            for (int i = 0; i < 4; i++) {",
                "                v[i] = v[i + 2];",
                "            }",
                "        } while (true);",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(0);
        assertNoCrash(c);
    }

    /**
     * A convergence loop whose array cannot be made scalars stays as written, and the warning says
     * so at the loop: an array whose length is a parameter, one passed to a helper, one read at an
     * index the loop computes.
     */
    @Test
    void aConvergenceLoopOnAnArrayThatStaysAnArrayIsWarned() {
        JavaFileObject file = functions(
                "    static double first(double[] v) {",
                "        return v[0];",
                "    }",
                "    @Differentiable",
                "    static double sized(double a, double x, int size) {",
                "        double[] v = new double[size];",
                "        double sum = 1.0, term = 1.0, n = 0.0;",
                "        while (Math.abs(term) > 1e-15 * Math.abs(sum)) {",
                "            n += 1.0;",
                "            term *= (n - a) * x / n;",
                "            v[0] = term;",
                "            sum += v[0];",
                "        }",
                "        return sum;",
                "    }",
                "    @Differentiable",
                "    static double passedOn(double a, double x) {",
                "        double[] v = {1.0, 1.0};",
                "        double sum = 1.0, term = 1.0, n = 0.0;",
                "        while (Math.abs(term) > 1e-14 * Math.abs(sum)) {",
                "            n += 1.0;",
                "            term *= (n - a) * x / n;",
                "            v[0] = term;",
                "            sum += v[0];",
                "        }",
                "        return first(v) + sum;",
                "    }",
                "    @Differentiable",
                "    static double moving(double a, double x) {",
                "        double[] v = new double[2];",
                "        double sum = 1.0, term = 1.0;",
                "        int n = 0;",
                "        while (Math.abs(term) > 1e-13 * Math.abs(sum)) {",
                "            n++;",
                "            term *= (n - a) * x / n;",
                "            v[n % 2] = term;",
                "            sum += v[0] + v[1];",
                "        }",
                "        return sum;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        String message = "[AdjointConvergenceLoop] this loop stops on a convergence test of a differentiated value but ";
        assertWarning(c, file, "        while (Math.abs(term) > 1e-15 * Math.abs(sum)) {", message + "writes an array");
        assertWarning(c, file, "        while (Math.abs(term) > 1e-14 * Math.abs(sum)) {", message + "writes an array");
        assertWarning(c, file, "        while (Math.abs(term) > 1e-13 * Math.abs(sum)) {", message + "writes an array");
        assertThat(c).hadWarningCount(3);
        assertNoCrash(c);
    }

    /**
     * What the message advises: the search on values without derivatives, then one Newton step,
     * gives the root's derivative (1 / (2 √a)). Loops that branch on differentiated values but
     * search nothing (a piecewise formula, a short loop, branches that move the same variable) are
     * accepted; so are branches that set an end to a value of its own or a copy of an end (as random
     * programs found),
     * and solvers whose ends move to an iterate computed from the differentiated values (regula
     * falsi, a safeguarded Newton method) or that stop on successive iterates: their derivative
     * converges to the root's.
     */
    @Test
    void aSearchWithoutDerivativesAndANewtonStepIsAccepted() throws Exception {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double root(double a) {",
                "        double lo = 0, hi = Math.max(1.0, a);",
                "        while (hi - lo > 1e-13 * hi) {",
                "            double mid = 0.5 * (lo + hi);",
                "            if (dev.adjoint.Adjoint.stopGradient(mid * mid - a) > 0) hi = mid; else lo = mid;",
                "        }",
                "        double r = 0.5 * (lo + hi);",
                "        return r - (r * r - a) / dev.adjoint.Adjoint.stopGradient(2 * r);",
                "    }",
                "    @Differentiable",
                "    static double piecewise(double x, double y) {",
                "        double s = 0, t = 0;",
                "        for (int i = 0; i < 3; i++) {",
                "            if (x > s) s = x * 2 + i; else t = s + y;",
                "        }",
                "        return s + t;",
                "    }",
                "    @Differentiable",
                "    static double leaky(double[] w, double b) {",
                "        double pos = 0, neg = 0;",
                "        for (int i = 0; i < 100; i++) {",
                "            double z = w[i % w.length] * b;",
                "            if (z > 0) pos += z; else neg += z;",
                "        }",
                "        return pos + 0.1 * neg;",
                "    }",
                "    @Differentiable",
                "    static double damped(double x) {",
                "        double v = x;",
                "        while (Math.abs(v) > 1e-12) {",
                "            if (v > 0) v = 0.5 * v - 1e-14; else v = 0.5 * v + 1e-14;",
                "        }",
                "        return v + x;",
                "    }",
                "    @Differentiable",
                "    static double regulaFalsi(double a) {",
                "        double lo = 0.0, hi = a + 1.0, flo = -a, fhi = hi * hi * hi + hi - a, x = lo;",
                "        for (int i = 0; i < 200; i++) {",
                "            x = (lo * fhi - hi * flo) / (fhi - flo);",
                "            double fx = x * x * x + x - a;",
                "            if (Math.abs(fx) < 1e-14) break;",
                "            if (fx * flo < 0) { hi = x; fhi = fx; } else { lo = x; flo = fx; }",
                "        }",
                "        return x;",
                "    }",
                "    @Differentiable",
                "    static double safeNewton(double a) {",
                "        double lo = 0.0, hi = a + 1.0, x = 0.5 * (lo + hi);",
                "        for (int i = 0; i < 100; i++) {",
                "            double f = x * x * x + x - a;",
                "            if (Math.abs(f) < 1e-14) break;",
                "            if (f > 0) hi = x; else lo = x;",
                "            double next = x - f / (3 * x * x + 1);",
                "            x = next > lo && next < hi ? next : 0.5 * (lo + hi);",
                "        }",
                "        return x;",
                "    }",
                "    @Differentiable",
                "    static double fixedPoint(double a) {",
                "        double old = 0.0, x = 1.0;",
                "        while (Math.abs(x - old) > 1e-14) {",
                "            old = x;",
                "            x = x > 2.0 ? 0.5 * (x + a / x) : Math.cos(x) * a * 0.1 + 1.0;",
                "        }",
                "        return x;",
                "    }",
                "    @Differentiable",
                "    static double copies(double[] w) {",
                "        double a = 1.0, b = 1.0, c = 1.0;",
                "        int iter = 0;",
                "        do {",
                "            iter++;",
                "            b = a;",
                "            c = b;",
                "            if (w[0] == c) { a = c; } else { c = c * 1.0; }",
                "        } while (b > 1.0E-6 && iter < 30);",
                "        return a + w[1];",
                "    }",
                "    @Differentiable",
                "    static double swaps(double x) {",
                "        double t = 1.0;",
                "        int iter = 0;",
                "        do {",
                "            iter++;",
                "            if (1.0 >= x) { x = Math.toDegrees(t); } else { t = Math.atan(x); }",
                "        } while (t > 1e-9 && iter < 20);",
                "        return x + t;",
                "    }",
                "    @Differentiable",
                "    static double resets(double x) {",
                "        double a = 2.0;",
                "        for (int i = 0; i < 20; i++) {",
                "            if (x * a > 1.0) x = 1.0; else a = 0.5 * a;",
                "        }",
                "        return a * x;",
                "    }"));
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(0);
        org.junit.jupiter.api.Assertions.assertEquals(0.25, gradient(c, "root", "a", 4.0), 1e-12);
        org.junit.jupiter.api.Assertions.assertEquals(1 / (2 * Math.sqrt(2.0)), gradient(c, "root", "a", 2.0), 1e-12);
        // the root r of r³ + r = a has dr/da = 1 / (3r² + 1): 1/4 at a = 2 (r = 1), 1/13 at a = 10 (r = 2);
        // regula falsi's derivative converges more slowly than its value (one end stays): 1.5e-6 off at 10, within 1e-5
        for (String solver : new String[] {"regulaFalsi", "safeNewton"}) {
            org.junit.jupiter.api.Assertions.assertEquals(0.25, gradient(c, solver, "a", 2.0), 1e-9, solver);
            org.junit.jupiter.api.Assertions.assertEquals(1.0 / 13, gradient(c, solver, "a", 10.0), 1e-5 / 13, solver);
        }
    }

    /**
     * What is not a tolerance band: a convergence test in a loop, a band wider than 1e-6, one of
     * an int, one of stopGradient(x).
     */
    @Test
    void testsThatAreNoToleranceBandDoNotWarn() {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x, int n) {",
                "        double sum = 0.0;",
                "        double term = 1.0;",
                "        for (int k = 1; k < 100; k++) {",
                "            term *= x / k;",
                "            sum += term;",
                "            if (Math.abs(term) < 1e-15 * Math.abs(sum)) {",
                "                break;",
                "            }",
                "        }",
                "        if (Math.abs(x) < 0.5 || Math.abs(n) < 1e-9) {",
                "            sum *= 2;",
                "        }",
                "        if (Math.abs(dev.adjoint.Adjoint.stopGradient(x) - 1.0) < 1e-9) {",
                "            sum *= 3;",
                "        }",
                "        double d = 1.0 - x;",
                "        if (Math.abs(d) < 1e-30) {", // the modified Lentz method's guard: no formula chosen
                "            d = 1e-30;",
                "        }",
                "        return sum / d;",
                "    }"));
        assertNoCrash(c);
        assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void floatCastOfAnActiveDoubleIsAnError() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double y = (float) x;",
                "        return y * x;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "double y = (float) x;", "[AdjointFloat]", "keep the value a double");
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void floorOfAnActiveDoubleWarns() throws ReflectiveOperationException {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Math.floor(x) + x;",
                "    }");
        Compilation c = compile(file);
        assertThat(c).succeeded();
        assertWarning(c, file, "return Math.floor(x) + x;",
                "[AdjointLostDerivative] Math.floor is piecewise constant: its derivative is 0",
                "the gradient does not flow through it");
        assertThat(c).hadWarningCount(1);
        assertNoCrash(c);
        assertThat(gradient(c, "f", "x", 2.5)).isEqualTo(1.0);
    }

    @Test
    void floorOfAnIntDoesNotWarn() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x, int n) {",
                "        return Math.floor(n) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 2.5, 3)).isEqualTo(3.0);
    }

    @Test
    void floorOfAnInactiveDoubleDoesNotWarn() throws ReflectiveOperationException {
        Compilation c = compile(functions(
                "    @Differentiable(wrt = {\"x\"})",
                "    static double f(double x, double c) {",
                "        return Math.floor(c) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(gradient(c, "f", "x", 2.5, 3.7)).isEqualTo(3.0);
    }

    // ---------------------------------------------------------------- several errors

    @Test
    void everyBadMethodIsReportedAndTheGoodOneIsStillGenerated() {
        JavaFileObject file = withHelper(
                "    @Differentiable",
                "    static double loops(double x, int n) {",
                "        double y = x;",
                "        try {",
                "            y = x * x;",
                "        } finally {",
                "            y = y + n;",
                "        }",
                "        return y;",
                "    }",
                "",
                "    @Differentiable",
                "    static double good(double x) {",
                "        return x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double opaque(double x) {",
                "        return Other.ONE.helper(x) * x;",
                "    }");
        Compilation c = compileWithHelper(file);
        assertError(c, file, "try {", "[AdjointUnsupportedStatement] cannot differentiate a try statement");
        assertError(c, file, "return Other.ONE.helper(x) * x;",
                "[AdjointUnsupportedCall] cannot differentiate through Other.ONE.helper(...): Other.helper is abstract");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertGenerated(c, "good");
        assertNotGenerated(c, "loops");
        assertNotGenerated(c, "opaque");
    }

    @Test
    void errorsFromEveryStageAreReportedTogether() {
        JavaFileObject file = functions(
                "    @Differentiable",
                "    static int count(double x) {",
                "        return (int) x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double good(double x) {",
                "        return x * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double branchy(double x) {",
                "        double y = x;",
                "        synchronized (Functions.class) {",
                "            y = -x;",
                "        }",
                "        return y;",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "static int count(", "[AdjointReturnType] @Differentiable method count must return double");
        assertError(c, file, "synchronized (Functions.class)",
                "[AdjointUnsupportedStatement] cannot differentiate a synchronized statement");
        assertThat(c).hadErrorCount(2);
        assertNoCrash(c);
        assertGenerated(c, "good");
        assertNotGenerated(c, "count");
        assertNotGenerated(c, "branchy");
    }
}
