package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The minimal programs the differential campaign found in the code around equality tests (see
 * {@code normalize.Shortcuts}), each checked at the point it failed: accepted, compiled, and its
 * gradient and value right.
 */
class ShortcutRegressionTest {

    private static final String HEADER = "package difftest;\n\nimport dev.adjoint.Differentiable;\n\n";

    /**
     * A ternary decided in the code around keeps its type: {@code (int) (x == 1.0 ? 1.0 : n + 3)}
     * became {@code (int) (n + 3)}, a redundant cast javac warns of, and a build with {@code -Werror}
     * failed in the generated file. (In arithmetic the normal form names the ternary first, in a
     * double, so no value changed.)
     */
    @Test
    void aDecidedTernaryKeepsItsType() throws Exception {
        String source = HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double m36(double x, int n) {
                        double t = ((double) (int) ((x == 1.0) ? 1.0 : (n + 3)));
                        return t * x;
                    }
                }
                """;
        com.google.testing.compile.Compilation c = com.google.testing.compile.Compiler.javac()
                .withProcessors(new dev.adjoint.processor.AdjointProcessor()).withOptions("-Xlint:all", "-Werror")
                .compile(com.google.testing.compile.JavaFileObjects.forSourceString("difftest.Batch", source));
        com.google.testing.compile.CompilationSubject.assertThat(c).succeededWithoutWarnings();
        SourceCheck.check("difftest.Batch", source, "m36", 0.5, 3); // (at 1.0 t jumps from 1 to 6)
    }

    /**
     * {@code -(x - x)} is -0.0: the code around gives it too, and its value plus the gap must keep
     * the sign (-0.0 + 0.0 is 0.0), as the pullback returns the primal's value bit for bit.
     */
    @Test
    void negativeZeroKeepsItsSign() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    static final double RATE = 0.375;

                    @Differentiable
                    public static double m57(double x) {
                        if (((1.78 > x) || (!(x < RATE) && (10.0 != x)))) {
                            return (-(x - x));
                        }
                        return 1.0;
                    }
                }
                """, "m57", -1.395445);
    }

    /**
     * {@code 1.0 != y} forced true makes the loop's body always throw: spliced, the statements after
     * the loop were unreachable and the generated class did not compile.
     */
    @Test
    void aBranchThatAlwaysThrowsStaysUnderItsIf() throws Exception {
        // finite differences cannot check it: every point but 1.0 throws
        InMemoryCompiler.Result result = new InMemoryCompiler().compile("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable(order = 2)
                    public static double m35(double y) {
                        int count = 0;
                        do {
                            count++;
                            if ((1.0 != y)) {
                                throw new IllegalStateException("did not converge");
                            }
                        } while ((1.0 < 1.0) && count < 1);
                        return y * 1.0;
                    }
                }
                """, false);
        assertTrue(result.success(), result.diagnosticsText());
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        Object gradient = adjoint.getMethod("m35Gradient", double.class).invoke(null, 1.0);
        assertEquals(1.0, gradient.getClass().getField("y").getDouble(gradient), 0.0);
    }

    /**
     * An equality that ends a loop ({@code if (next == x) return next;} in a {@code while (true)}) is
     * no shortcut: failed in the code around, the loop never ended and the gradient call hung.
     */
    @Test
    void anEqualityThatEndsALoopStaysAsWritten() throws Exception {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double root(double a) {
                        double x = a;
                        while (true) {
                            double next = 0.5 * (x + a / x);
                            if (next == x) {
                                return next;
                            }
                            x = next;
                        }
                    }
                }
                """, false);
        assertTrue(result.success(), result.diagnosticsText());
        Class<?> adjoint = result.loader().loadClass("difftest.BatchAdjoint");
        Object gradient = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> adjoint.getMethod("rootGradient", double.class).invoke(null, 2.0));
        assertEquals(0.5 / Math.sqrt(2.0), gradient.getClass().getField("a").getDouble(gradient), 1e-15);
    }

    /**
     * An equality in a loop whose statement writes an element of the array whose length bounds the
     * loop: writing an element changes no length, so the test is failed in the code around like any
     * other (it was kept as written, as if it decided the loop, and the derivative in k was the
     * branch's 0).
     */
    @Test
    void anElementWriteDoesNotDecideALoopBoundedByTheLength() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double scaled(double x, double k) {
                        double[] buf = new double[3];
                        for (int i = 0; i < buf.length; i++) {
                            buf[i] = k == 1.0 ? x * i : Math.pow(x, k) * i;
                        }
                        return buf[2];
                    }
                }
                """, "scaled", 0.7, 1.0);
    }

    /**
     * Smile's regularized incomplete beta function, reduced: log Γ(a + b) takes its factorial
     * shortcut at a + b = 4 (a = 1.5, b = 2.5, neither whole), and a loop logs when it gives up. The
     * logging call kept the method from running beside itself, so the derivative in a and b was the
     * factorial's 0 for ψ(4) (-0.83 for -0.31 there): a logger's call only shows values, and the code
     * around runs it again.
     */
    @Test
    void aLoggingCallDoesNotKeepTheCodeAroundAway() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("batch");
                    private static final double[] LANCZOS = {1.000000000190015, 76.18009172947146, -86.50532032941677,
                        24.01409824083091, -1.231739572450155, 0.1208650973866179E-2, -0.5395239384953E-5};

                    private static double logGamma(double x) {
                        if (x >= 1.0 && x - (int) x == 0.0) {
                            double f = 0.0;
                            for (int i = 2; i < (int) x; i++) {
                                f += Math.log(i);
                            }
                            return f;
                        }
                        double xcopy = x;
                        double first = x + 5.5;
                        first -= (x + 0.5) * Math.log(first);
                        double second = LANCZOS[0];
                        for (int i = 1; i <= 6; i++) {
                            second += LANCZOS[i] / ++xcopy;
                        }
                        return Math.log(Math.sqrt(2.0 * Math.PI) * second / x) - first;
                    }

                    @Differentiable
                    public static double logBetaTerms(double a, double b, double x) {
                        double s = 0.0;
                        for (int k = 1; k <= 100; k++) {
                            double t = Math.pow(x, k) / k;
                            s += t;
                            if (t < 1e-12) {
                                break;
                            }
                            if (k == 100) {
                                LOG.warning("no convergence");
                            }
                        }
                        return logGamma(a + b) - logGamma(a) - logGamma(b) + a * s;
                    }
                }
                """, "logBetaTerms", 1.5, 2.5, 0.3);
    }

    /**
     * A call of a JDK function on integers ({@code Math.abs(n)} for an int n is a call, not a
     * differentiated function) counted as an effect: the method got no code around and the
     * derivative at x = 2 was the shortcut's 0 for 4·scale.
     */
    @Test
    void aJdkFunctionOfIntegersIsNoEffect() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double scaledSquare(double x, int n) {
                        double scale = Math.abs(n) + 0.5;
                        if (x == 2.0) {
                            return 4.0 * scale;
                        }
                        return x * x * scale;
                    }
                }
                """, "scaledSquare", 2.0, -3);
    }
}
