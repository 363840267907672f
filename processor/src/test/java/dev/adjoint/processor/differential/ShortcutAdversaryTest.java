package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Shapes tried against the code around equality tests (see {@code normalize.Shortcuts}) beyond
 * what the campaign generates: unassigned and final locals, aliased arrays, deep nesting, switch,
 * labelled jumps, side effects in the test, helpers, special values. Each checked where its
 * equality tests hold: accepted, compiled, the gradient against central differences, the tape, and
 * the pullback's value bit for bit ({@link SourceCheck#check}). The bugs found are at the end.
 */
class ShortcutAdversaryTest {

    private static final String HEADER = "package difftest;\n\nimport dev.adjoint.Differentiable;\n\n";

    private static InMemoryCompiler.Result compile(String source) {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile("difftest.Batch", HEADER + source, false);
        assertTrue(result.success(), result.diagnosticsText());
        return result;
    }

    private static double gradient(InMemoryCompiler.Result result, String method, String field, Object... args)
            throws Exception {
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        Method m = Arrays.stream(adjoint.getMethods()).filter(c -> c.getName().equals(method + "Gradient")).findFirst()
                .orElseThrow();
        Object g = m.invoke(null, args);
        return g.getClass().getField(field).getDouble(g);
    }

    private static void check(InMemoryCompiler.Result result, String method, Object... args) throws Exception {
        SourceCheck.check("difftest.Batch", result, method, args);
    }

    /**
     * Locals left unassigned, assigned on one side of a forced test only, {@code final}, assigned
     * only in the shortcut's branch, declared after a chain of shortcuts: definite assignment holds in
     * the code around as in the method (it compiles), and the derivative is the code around's.
     */
    @Test
    void unassignedAndFinalLocals() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double finalLocal(double x, double a) {
                        final double r;
                        if (x == 2.0) {
                            r = 4.0;
                        } else {
                            r = x * x;
                        }
                        return r * a;
                    }

                    @Differentiable(order = 2)
                    public static double unassigned(double x, double a, double b) {
                        double r;
                        if (x == 1) r = a * x * b; else r = b * x * a;
                        return r;
                    }

                    @Differentiable(order = 2)
                    public static double onlyInShortcut(double x) {
                        double t;
                        double r = x * x * x;
                        if (x == 1.0) {
                            t = 3.0;
                            return t;
                        }
                        return r + 2.0;
                    }

                    @Differentiable(order = 2)
                    public static double declaredLate(double x) {
                        double r;
                        if (x == 3.0) {
                            r = 9.0;
                        } else if (x == 4.0) {
                            r = 16.0;
                        } else {
                            double q = x;
                            r = q * q;
                        }
                        double s;
                        s = r;
                        return s;
                    }
                }
                """);
        check(result, "finalLocal", 2.0, 1.5);
        check(result, "unassigned", 1.0, 2.0, 3.0);
        check(result, "onlyInShortcut", 1.0);
        check(result, "declaredLate", 3.0);
        check(result, "declaredLate", 4.0);
        assertEquals(6.0, gradient(result, "declaredLate", "x", 3.0), 0.0);
        assertEquals(3.0, gradient(result, "onlyInShortcut", "x", 1.0), 0.0);
    }

    /**
     * Tests nested five deep (loops, ifs, ternaries, a switch, a labelled do-while with break and
     * continue, a for update), all removable shortcuts, checked where several hold at once.
     */
    @Test
    void deepNestingSwitchAndLabels() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double deep(double x, double y) {
                        double s = 0;
                        for (int i = 0; i < 3; i++) {
                            if (x != 0.0) {
                                for (int j = 0; j < 2; j++) {
                                    if (y == 1.0) {
                                        s += (x == 2.0 ? 4.0 : (y * x == 2.0 ? 4.0 : x * x)) * j;
                                    } else {
                                        s += x * x * j * y;
                                    }
                                }
                            } else {
                                s += x * y;
                            }
                        }
                        return s;
                    }

                    @Differentiable(order = 2)
                    public static double inSwitch(double x, int k) {
                        double r;
                        switch (k) {
                            case 0:
                                if (x == 1.0) { r = 1.0; break; }
                                r = x * x;
                                break;
                            case 1:
                                r = x == 0.0 ? 0.0 : Math.sin(x);
                                break;
                            default:
                                r = x;
                        }
                        return r;
                    }

                    @Differentiable(order = 2)
                    public static double switchExpr(double x, int k) {
                        double r = switch (k) {
                            case 0 -> x == 1.0 ? 1.0 : x * x;
                            case 1 -> { if (x == 0.0) yield 0.0; yield Math.sin(x); }
                            default -> x;
                        };
                        return r;
                    }

                    @Differentiable(order = 2)
                    public static double labelled(double x) {
                        double s = 0;
                        int i = 0;
                        outer:
                        do {
                            i++;
                            for (int j = 0; j < 3; j++) {
                                if (x == 1.0 && j == 1) {
                                    s += 1.0;
                                    continue outer;
                                }
                                if (j == 1) {
                                    s += x * x;
                                    continue outer;
                                }
                                if (x == 2.0) {
                                    s += 2.0 * j;
                                } else {
                                    s += x * j;
                                }
                                if (j == 2) break outer;
                            }
                        } while (i < 4);
                        return s;
                    }

                    @Differentiable(order = 2)
                    public static double forUpdate(double x) {
                        double s = 0;
                        for (int i = 0; i < 3; i++, s += (x == 1.0 ? 1.0 : x * x)) {
                            s += x;
                        }
                        return s;
                    }
                }
                """);
        check(result, "deep", 2.0, 1.0);
        check(result, "deep", 1.5, 1.0);
        check(result, "inSwitch", 1.0, 0);
        check(result, "inSwitch", 0.0, 1);
        check(result, "switchExpr", 1.0, 0);
        check(result, "switchExpr", 0.0, 1);
        check(result, "labelled", 2.0);
        check(result, "forUpdate", 1.0);
        assertEquals(12.0, gradient(result, "deep", "x", 2.0, 1.0), 0.0);
        assertEquals(16.0, gradient(result, "labelled", "x", 2.0), 0.0);
    }

    /**
     * A test whose operand assigns ({@code x == (y = x * 2)}), compound conditions of == with ||, !
     * and &&, a test on values derived from array elements read in a loop, equality tests of a
     * helper's value, of a helper recursing on an int, and an equality passed as a boolean argument.
     */
    @Test
    void sideEffectsCompoundConditionsLoopsAndHelpers() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double sideEffect(double x) {
                        double y = 0;
                        double r;
                        if (x == (y = x * 2)) {
                            r = 0.0;
                        } else {
                            r = y * x;
                        }
                        return r + y;
                    }

                    @Differentiable(order = 2)
                    public static double compound(double x, double y) {
                        if (!(x != 1.0) || y == 2.0 && !(x == 3.0)) {
                            return x * y;
                        }
                        return x * y + (x - 1) * (y - 2) * (x - 3);
                    }

                    @Differentiable(order = 2)
                    public static double loopElements(double[] a) {
                        double p = 1;
                        for (int i = 0; i < a.length; i++) {
                            double m = a[i] * 2 - 1;
                            if (m == 0.0) {
                                p *= 1.0;
                            } else {
                                p *= Math.exp(m);
                            }
                        }
                        return p;
                    }

                    private static double g(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        return Math.sin(x);
                    }

                    @Differentiable(order = 2)
                    public static double viaHelper(double x) {
                        return g(x) * 2.0;
                    }

                    private static double rec(double x, int n) {
                        if (n == 0) {
                            return x == 1.0 ? 1.0 : x * x;
                        }
                        return rec(x, n - 1) + x;
                    }

                    @Differentiable(order = 2)
                    public static double viaRecursion(double x) {
                        return rec(x, 3);
                    }

                    private static double pick(boolean zero, double x) {
                        return zero ? 0.0 : Math.sin(x);
                    }

                    @Differentiable(order = 2)
                    public static double booleanArgument(double x) {
                        return pick(x == 0.0, x);
                    }
                }
                """);
        check(result, "sideEffect", 0.0);
        check(result, "compound", 1.0, 2.0);
        check(result, "compound", 3.0, 2.0);
        check(result, "compound", 1.0, 5.0);
        check(result, "loopElements", (Object) new double[] {0.5, 0.25, 0.5});
        check(result, "viaHelper", 0.0);
        check(result, "viaRecursion", 1.0);
        check(result, "booleanArgument", 0.0);
        assertEquals(2.0, gradient(result, "viaHelper", "x", 0.0), 0.0);
        assertEquals(5.0, gradient(result, "viaRecursion", "x", 1.0), 0.0);
    }

    /**
     * One array passed for both parameters, the test {@code a[i] == b[i]} holding at every element:
     * the gradients of a and b add up to the derivative through the one array (2v for Σ v²).
     */
    @Test
    void oneArrayPassedTwice() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable
                    public static double alias(double[] a, double[] b) {
                        double s = 0;
                        for (int i = 0; i < a.length; i++) {
                            if (a[i] == b[i]) {
                                s += a[i] * a[i];
                            } else {
                                s += a[i] * b[i];
                            }
                        }
                        return s;
                    }
                }
                """);
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        double[] v = {0.5, -1.5, 2.0};
        Object g = adjoint.getMethod("aliasGradient", double[].class, double[].class).invoke(null, v, v);
        double[] a = (double[]) g.getClass().getField("a").get(g);
        double[] b = (double[]) g.getClass().getField("b").get(g);
        for (int i = 0; i < v.length; i++) {
            assertEquals(2 * v[i], a[i] + b[i], 1e-15);
        }
    }

    /**
     * Second order where shortcuts hold: fHessian against central differences of fGradient, and
     * fHvp against fHessian times the direction.
     */
    @Test
    void secondOrderAtTheShortcuts() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double diagonal(double x, double y) {
                        double t = x == y ? x * x : x * y;
                        return t * t + Math.exp(x - y);
                    }

                    @Differentiable(order = 2)
                    public static double power(double x, double k) {
                        double r = 1;
                        if (k == 1.0) {
                            r = x;
                        } else if (k == 2.0) {
                            r = x * x;
                        } else {
                            r = Math.exp(k * Math.log(x));
                        }
                        return r * k;
                    }

                    private static double lg(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        return Math.log1p(x) * x + x * x * 0.25;
                    }

                    @Differentiable(order = 2)
                    public static double viaHelper(double x, double y) {
                        return lg(x * y - 0.5) * y + lg(x) * lg(y);
                    }
                }
                """);
        checkSecondOrder(result, "diagonal", 1.0, 1.0);
        checkSecondOrder(result, "power", 1.5, 1.0);
        checkSecondOrder(result, "power", 1.5, 2.0);
        checkSecondOrder(result, "viaHelper", 0.25, 2.0);
        checkSecondOrder(result, "viaHelper", 0.0, 1.0);
    }

    /** fHessian of a method of two doubles against central differences of its gradient, and fHvp. */
    private static void checkSecondOrder(InMemoryCompiler.Result result, String method, double x, double y)
            throws Exception {
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        String[] names = parameterNames(result, method);
        double[][] h = (double[][]) adjoint.getMethod(method + "Hessian", double.class, double.class).invoke(null, x, y);
        double step = 1e-6;
        double[][] fd = new double[2][2];
        for (int j = 0; j < 2; j++) {
            double[] plus = {x, y};
            double[] minus = {x, y};
            plus[j] += step;
            minus[j] -= step;
            for (int i = 0; i < 2; i++) {
                fd[i][j] = (gradient(result, method, names[i], plus[0], plus[1])
                        - gradient(result, method, names[i], minus[0], minus[1])) / (2 * step);
            }
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(fd[i][j], h[i][j], 1e-6 * (1 + Math.abs(fd[i][j])),
                        method + ": H[" + i + "][" + j + "] at (" + x + ", " + y + ")");
            }
        }
        Object hvp = adjoint.getMethod(method + "Hvp", double.class, double.class, double.class, double.class)
                .invoke(null, x, y, 0.25, -0.75);
        for (int i = 0; i < 2; i++) {
            assertEquals(h[i][0] * 0.25 - h[i][1] * 0.75, hvp.getClass().getField(names[i]).getDouble(hvp),
                    1e-12 * (1 + Math.abs(h[i][0]) + Math.abs(h[i][1])), method + ": Hvp");
        }
    }

    private static String[] parameterNames(InMemoryCompiler.Result result, String method) throws Exception {
        return Arrays.stream(Arrays.stream(result.loader().loadClass("difftest.Batch").getMethods())
                .filter(m -> m.getName().equals(method)).findFirst().orElseThrow().getParameters())
                .map(java.lang.reflect.Parameter::getName).toArray(String[]::new);
    }

    /**
     * Special values at the tests: ±0 (where x == 0.0 holds for both), the least subnormal, an
     * infinity compared with; the value bit for bit (the code around's -0.0 plus the gap).
     */
    @Test
    void signedZerosSubnormalsAndInfinities() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double sinShort(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        return Math.sin(x);
                    }

                    @Differentiable(order = 2)
                    public static double returnsX(double x) {
                        if (x == 0.0) {
                            return x;
                        }
                        return Math.sin(x);
                    }

                    @Differentiable(order = 2)
                    public static double negativeAround(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        return -x * x;
                    }

                    @Differentiable(order = 2)
                    public static double scaled(double x, double y) {
                        if (y == 1.0) {
                            return x;
                        }
                        return x * y;
                    }

                    @Differentiable(order = 2)
                    public static double atInfinity(double x) {
                        if (x == Double.POSITIVE_INFINITY) {
                            return 0.0;
                        }
                        return Math.exp(-x);
                    }
                }
                """);
        check(result, "sinShort", 0.0);
        check(result, "sinShort", -0.0);
        check(result, "sinShort", Double.MIN_VALUE);
        check(result, "returnsX", -0.0);
        check(result, "negativeAround", -0.0);
        check(result, "scaled", -0.0, 1.0);
        check(result, "scaled", 1e-320, 1.0);
        assertEquals(1.0, gradient(result, "sinShort", "x", -0.0), 0.0);
        assertEquals(0.0, gradient(result, "atInfinity", "x", Double.POSITIVE_INFINITY), 0.0);
    }

    /** Eight threads calling the gradient and Hessian of methods with shortcuts (and a helper's) at once. */
    @Test
    void concurrentCalls() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    private static double g(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        return Math.sin(x);
                    }

                    @Differentiable(order = 2)
                    public static double f(double x, double y) {
                        double t = x == y ? x * x : x * y;
                        return g(t) * g(x - 1.0) + (y == 1.0 ? 1.0 : y * y);
                    }
                }
                """);
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        Method gradient = adjoint.getMethod("fGradient", double.class, double.class);
        Method hessian = adjoint.getMethod("fHessian", double.class, double.class);
        double[][] points = {{1.0, 1.0}, {0.0, 0.0}, {2.0, 1.0}, {1.0, 0.5}, {0.5, 0.5}, {-1.0, 1.0}};
        String[] expected = new String[points.length];
        for (int i = 0; i < points.length; i++) {
            expected[i] = gradient.invoke(null, points[i][0], points[i][1]) + " "
                    + Arrays.deepToString((double[][]) hessian.invoke(null, points[i][0], points[i][1]));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    int wrong = 0;
                    java.util.Random random = new java.util.Random(seed);
                    for (int k = 0; k < 5000; k++) {
                        int i = random.nextInt(points.length);
                        String got = gradient.invoke(null, points[i][0], points[i][1]) + " "
                                + Arrays.deepToString((double[][]) hessian.invoke(null, points[i][0], points[i][1]));
                        wrong += got.equals(expected[i]) ? 0 : 1;
                    }
                    return wrong;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : futures) {
                assertEquals(0, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---------------------------------------------------------------- hangs

    /**
     * A shortcut before a loop that only it keeps finite: at x = 0 the series' relative test
     * {@code |term| >= eps |sum|} is {@code 0 >= 0} for ever, which the method never reaches
     * ({@code if (x == 0.0) return 0.0;}). The code around ran that loop for ever, and with it every
     * derivative call at 0. Now the code around gives up after {@code Shortcuts.STEPS} iterations
     * (as if it threw) and the branch's derivative stays: 0 here, where e^x - 1 has 1.
     */
    @Test
    void aLoopTheShortcutKeptFromRunningForEverDoesNotHang() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double series(double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        double term = x;
                        double sum = x;
                        double k = 1;
                        do {
                            k++;
                            term *= x / k;
                            sum += term;
                        } while (Math.abs(term) >= 1e-17 * Math.abs(sum));
                        return sum;
                    }
                }
                """);
        double g = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> gradient(result, "series", "x", 0.0));
        assertEquals(0.0, g, 0.0);
        assertEquals(Math.exp(0.5), gradient(result, "series", "x", 0.5), 1e-15);
    }

    // ---------------------------------------------------------------- open bugs (not local to Shortcuts)

    /**
     * A guard and a removable shortcut in one method: sinc(x)·y², smooth at (0, 2), whose gradient
     * is (0, 4). The code around failing both tests gives sin(0)/0, NaN, so no agreement; it used
     * to take the branch's derivative for both: ∂/∂y = 0 (the shortcut {@code y == 2.0 ? 4.0 : y * y}'s)
     * where it is 4. Now {@code f$kept} keeps the guard as written and fails the shortcut: that
     * agrees, and ∂/∂y is the code around's. Also with the guard last, a third test that does not
     * hold, both tests holding in a loop, and the guard alone holding.
     */
    @Test
    void aGuardDoesNotTakeAnotherShortcutsDerivative() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable
                    public static double guardAndShortcut(double x, double y) {
                        double s = x == 0.0 ? 1.0 : Math.sin(x) / x;
                        double z = y == 2.0 ? 4.0 : y * y;
                        return s * z;
                    }

                    @Differentiable
                    public static double shortcutsThenGuard(double x, double y, double u) {
                        if (u == 1.0) {
                            return 0.0;
                        }
                        double z = y == 3.0 ? 9.0 : y * y;
                        double e = x != 0.0 ? Math.expm1(x) / x : 1.0;
                        return z * e + Math.log(u);
                    }

                    @Differentiable
                    public static double inALoop(double x, double y) {
                        double sum = 0.0;
                        for (int i = 0; i < 3; i++) {
                            double s = x == 0.0 ? 1.0 : Math.sin(x) / x;
                            double p = y == 1.0 ? 1.0 : Math.pow(y, i + 1.0);
                            sum += s * p;
                        }
                        return sum;
                    }
                }
                """);
        // ∂/∂y of sinc(x) y² at (0, 2) is 4; ∂/∂x is sinc'(0) = 0
        assertEquals(4.0, gradient(result, "guardAndShortcut", "y", 0.0, 2.0), 1e-12);
        assertEquals(0.0, gradient(result, "guardAndShortcut", "x", 0.0, 2.0), 1e-12);
        // the guard last, a first test that does not hold: ∂/∂y of y² (e^x - 1)/x at (0, 3) is 6
        assertEquals(6.0, gradient(result, "shortcutsThenGuard", "y", 0.0, 3.0, 2.0), 1e-12);
        assertEquals(0.0, gradient(result, "shortcutsThenGuard", "x", 0.0, 3.0, 2.0), 0.0,
                "a guard kept as written gives its branch's derivative, as PyTorch does (the function's is 4.5)");
        assertEquals(0.5, gradient(result, "shortcutsThenGuard", "u", 0.0, 3.0, 2.0), 1e-12);
        // Σ sinc(x) yⁱ⁺¹ at (0, 1): ∂/∂y = 1 + 2 + 3
        assertEquals(6.0, gradient(result, "inALoop", "y", 0.0, 1.0), 1e-12);
        for (Object[] at : new Object[][] {{0.0, 2.0}, {0.3, 2.0}, {0.0, 2.5}}) {
            SourceCheck.check("difftest.Batch", result, "guardAndShortcut", at);
        }
        for (Object[] at : new Object[][] {{0.4, 3.0, 2.0}, {0.4, 2.5, 2.0}, {0.4, 3.0, 0.5}}) {
            SourceCheck.check("difftest.Batch", result, "shortcutsThenGuard", at);
        }
        for (Object[] at : new Object[][] {{0.0, 1.0}, {0.2, 1.0}, {0.0, 1.5}}) {
            SourceCheck.check("difftest.Batch", result, "inALoop", at);
        }
    }

    /**
     * A code around that passes through an infinity and still ends at the method's value:
     * Black-Scholes at expiry ({@code t == 0}: d1 = log(s/k)/0 is infinite, N(d1) = 1, the value
     * s − k) and a series at x = 0 ({@code x == 0}: a·log(0) is −∞, exp of it 0). The values agree, but
     * the code around's derivative is ∞·0 = NaN; the branch's is taken instead: the intrinsic
     * value's delta 1 (0 below the strike), and 0 for the series' ∂/∂a.
     */
    @Test
    void aCodeAroundThroughAnInfinityTakesTheBranchsDerivative() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    private static double cdf(double x) {
                        return 0.5 * (1.0 + Math.tanh(0.7978845608 * (x + 0.044715 * x * x * x)));
                    }

                    @Differentiable
                    public static double call(double s, double k, double t, double v) {
                        if (t == 0.0) {
                            return Math.max(s - k, 0.0);
                        }
                        double sd = v * Math.sqrt(t);
                        double d1 = (Math.log(s / k) + 0.5 * v * v * t) / sd;
                        return s * cdf(d1) - k * cdf(d1 - sd);
                    }

                    @Differentiable
                    public static double lowerGamma(double a, double x) {
                        if (x == 0.0) {
                            return 0.0;
                        }
                        double term = 1.0 / a;
                        double sum = term;
                        for (int n = 1; n < 200; n++) {
                            term *= x / (a + n);
                            sum += term;
                        }
                        return Math.exp(a * Math.log(x) - x) * sum;
                    }
                }
                """);
        assertEquals(1.0, gradient(result, "call", "s", 110.0, 100.0, 0.0, 0.2), 0.0);
        assertEquals(-1.0, gradient(result, "call", "k", 110.0, 100.0, 0.0, 0.2), 0.0);
        assertEquals(0.0, gradient(result, "call", "s", 90.0, 100.0, 0.0, 0.2), 0.0);
        assertEquals(0.0, gradient(result, "lowerGamma", "a", 2.0, 0.0), 0.0);
        // beside the points, the formulas' own derivatives
        check(result, "call", 110.0, 100.0, 0.5, 0.2);
        check(result, "lowerGamma", 2.0, 0.7);
    }

    /**
     * {@code |u| < Double.MIN_NORMAL} (equality in disguise) at a subnormal u: the code around
     * expm1(u)/u gives the method's 1 there, so its derivative is taken, exp(u)/u - expm1(u)/u², which
     * is ∞ - ∞ = NaN (1/u overflows). The function's derivative is 1/2; the branch's was 0. The gap
     * agrees on values only; a fix needs the derivative members to fall back to the branch's when the
     * code around's derivative is not finite (ad/emit, not normalize.Shortcuts).
     */
    @Test
    @Disabled("open: at a subnormal u the code around's derivative overflows to NaN (gradient NaN where it is 1/2)")
    void aSubnormalPointOfATinyTestHasAFiniteDerivative() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable
                    public static double tiny(double u) {
                        if (Math.abs(u) < Double.MIN_NORMAL) {
                            return 1.0;
                        }
                        return Math.expm1(u) / u;
                    }
                }
                """);
        for (double u : new double[] {Double.MIN_VALUE, 1e-310, -1e-310}) {
            double g = gradient(result, "tiny", "u", u);
            assertTrue(Double.isFinite(g), "∂tiny/∂u at " + u + " is " + g);
        }
    }

    /**
     * An instance method whose helper takes a shortcut at a whole number, as Smile's
     * {@code BetaDistribution.logp} reaches {@code lgamma}'s {@code lfactorial} where alpha + beta is
     * whole: the code around was built for static methods only, so an instance method kept the
     * branch's derivative with a warning (∂/∂x 0 where it is 4, ∂/∂alpha missing its ψ term). Now its
     * code around runs on the receiver at its fields' values, one test or several.
     */
    @Test
    void anInstanceMethodsShortcutTakesTheCodeAroundsDerivative() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    static double sq(double x) {
                        if (x == 2.0) {
                            return 4.0;
                        }
                        return x * x;
                    }

                    /** log(x)·(x + 1), with its values at 1 and 2 as shortcuts. */
                    static double twoPoints(double x) {
                        if (x == 1.0) {
                            return 0.0;
                        }
                        if (x == 2.0) {
                            return 3.0 * Math.log(2.0);
                        }
                        return Math.log(x) * (x + 1.0);
                    }

                    public static final class Holder {
                        final double a;

                        public Holder(double a) {
                            this.a = a;
                        }

                        @Differentiable
                        public double f(double x) {
                            return sq(a + x);
                        }
                    }

                    public static final class Pair {
                        final double alpha;
                        final double beta;

                        public Pair(double alpha, double beta) {
                            this.alpha = alpha;
                            this.beta = beta;
                        }

                        @Differentiable(order = 2)
                        public double g(double x) {
                            double s = alpha + beta == 3.0 ? 0.5 : 1.0 / (alpha + beta - 1.0);
                            return twoPoints(alpha + x) * s + twoPoints(beta);
                        }
                    }
                }
                """);
        assertTrue(result.diagnosticsText().isEmpty(), result.diagnosticsText());
        ClassLoader loader = result.loader();
        Object holder = loader.loadClass("difftest.Batch$Holder").getConstructor(double.class).newInstance(1.5);
        assertEquals(4.0, instanceGradient(loader, "Batch_Holder", "f", "x", holder, 0.5), 1e-12);
        assertEquals(4.0, instanceGradient(loader, "Batch_Holder", "f", "a", holder, 0.5), 1e-12);
        // g at alpha + x = 2, beta = 1, alpha + beta = 3: every shortcut holds at once
        Object pair = loader.loadClass("difftest.Batch$Pair").getConstructors()[0].newInstance(2.0, 1.0);
        double dTwo2 = 1.5 + Math.log(2.0); // twoPoints' derivative at 2
        double dTwo1 = 2.0; // and at 1
        double s = 0.5;
        double ds = -0.25; // d/d(alpha + beta) of 1 / (alpha + beta - 1) at 3
        double value = 3.0 * Math.log(2.0);
        assertEquals(dTwo2 * s, instanceGradient(loader, "Batch_Pair", "g", "x", pair, 0.0), 1e-12);
        assertEquals(dTwo2 * s + value * ds, instanceGradient(loader, "Batch_Pair", "g", "alpha", pair, 0.0), 1e-12);
        assertEquals(value * ds + dTwo1, instanceGradient(loader, "Batch_Pair", "g", "beta", pair, 0.0), 1e-12);
    }

    /**
     * Found in SSJ by a held-out probe: {@code GammaDist.cdf}'s shortcut at α = 1 beside a helper that
     * prints to {@code System.err} (an effect, so the code around did not run: ∂/∂a was 0 where it is
     * −1.12, with a warning); and {@code BetaDist}'s series cut at {@code (int) beta} where
     * {@code beta % 1.0 < 1.0e-100} (a whole β: ∂/∂β 0.435 where it is 0.443, without one). Printing
     * shows values as a logger does, and a remainder below 1e-30 is an equality test.
     */
    @Test
    void aShortcutBesidePrintingAndAWholeNumberTestedByItsRemainder() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    @Differentiable
                    public static double seriesOrLog(double a, double x) {
                        if (1.0 == a) {
                            return -Math.log1p(-x) / x;
                        }
                        double sum = 0.0;
                        double term = 1.0;
                        int n = 0;
                        do {
                            sum += term / (a + n);
                            term *= x;
                            n++;
                        } while (term > 1e-17 * sum);
                        return checked(sum);
                    }

                    static double checked(double s) {
                        if (s > 1e300) {
                            System.err.println("large: " + s);
                        }
                        return s;
                    }

                    @Differentiable
                    public static double binomial(double beta, double x) {
                        int m1 = 60;
                        if (beta <= 60 && beta % 1.0 < 1.0e-100) {
                            m1 = (int) beta;
                        }
                        double term = 1.0;
                        double sum = 1.0;
                        for (int m = 1; m < m1; m++) {
                            term *= (beta - m) * x / m;
                            sum += term;
                        }
                        return sum;
                    }
                }
                """);
        assertTrue(!result.diagnosticsText().contains("AdjointEqualityBranch"), result.diagnosticsText());
        check(result, "seriesOrLog", 1.0, 0.4);
        check(result, "seriesOrLog", 1.3, 0.4);
        check(result, "binomial", 3.0, 0.3);
        check(result, "binomial", 1.0, -0.4);
        check(result, "binomial", 3.4, 0.3);
        // (1 + x)^(β − 1): ∂/∂β = ln(1 + x)·(1 + x)^(β − 1) at the whole β
        assertEquals(Math.log(1.3) * 1.69, gradient(result, "binomial", "beta", 3.0, 0.3), 1e-12);
    }

    private static double instanceGradient(ClassLoader loader, String adjointPrefix, String method,
            String field, Object receiver, double x) throws Exception {
        Class<?> adjoint = loader.loadClass("difftest." + adjointPrefix + "Adjoint");
        Method m = Arrays.stream(adjoint.getMethods()).filter(c -> c.getName().equals(method + "Gradient")
                && c.getParameterCount() == 2 && c.getParameterTypes()[1] == double.class).findFirst().orElseThrow();
        Object g = m.invoke(null, receiver, x);
        return g.getClass().getField(field).getDouble(g);
    }

    /**
     * A recursive helper that ends on an equality ({@code if (x == 0.0) return 1.0;}): its code around
     * at 0 calls fact(-1), which recurses until the stack overflows. f$gap caught only
     * RuntimeException, so StackOverflowError escaped from every gradient call at a positive integer
     * (the pullback recurses down to 0); it now catches that too (emit.ImplWriter.gap): the gap is
     * NaN and the branch's derivative stays at 0, the rest is the product's.
     */
    @Test
    void aRecursionEndedByAnEqualityDoesNotOverflowTheStack() throws Exception {
        InMemoryCompiler.Result result = compile("""
                public final class Batch {
                    private static double fact(double x) {
                        if (x == 0.0) {
                            return 1.0;
                        }
                        return x * fact(x - 1.0);
                    }

                    @Differentiable
                    public static double viaRecursion(double x) {
                        return fact(x);
                    }
                }
                """);
        // fact(x) = x(x-1)(x-2) near 3 as the code runs it: d/dx at 3 = 3·2 + 3·1 + 2·1 = 11
        assertEquals(11.0, gradient(result, "viaRecursion", "x", 3.0), 1e-12);
    }

    /**
     * A shortcut guarding a labelled {@code continue} out of a bounded inner loop: 4x² near x = 1
     * (and 4 at 1), so 8 at 1. The test sets a jump's flag, so Shortcuts keeps it as written
     * ({@code decidesLoop}, against loops that only the test ends), and the derivative is the
     * branch's, 0. Failing the test here only runs the bounded inner loop on; since the code around
     * now counts its iterations (Shortcuts.step), the rule could keep only loops without a bound of
     * their own (while (true)), which is a larger change to decide on.
     */
    @Test
    @Disabled("open: a test that sets a jump's flag stays as written even in a bounded loop (0 for 8 at x = 1)")
    void aShortcutBeforeAContinueOfABoundedLoop() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double labelled(double x) {
                        double s = 0;
                        int i = 0;
                        outer:
                        do {
                            i++;
                            for (int j = 0; j < 3; j++) {
                                if (x == 1.0 && j == 1) {
                                    s += 1.0;
                                    continue outer;
                                }
                                if (j == 1) {
                                    s += x * x;
                                    continue outer;
                                }
                            }
                        } while (i < 4);
                        return s;
                    }
                }
                """, "labelled", 1.0);
    }
}
