package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The bits of a differentiated double that only decide tests (fence/Bits): fdlibm's ports read the
 * words of a double to choose a range, through helpers returning them as {@code int}s, keep them
 * in integer variables and combine them with integer arithmetic and the JDK's integer functions;
 * Apache SIS tests a sign bit with a mask. Each method is checked at 20 random points as
 * {@link NumericGradientTest} checks the fixtures, and at the points where the tests choose
 * another branch (0, -0.0, tiny and huge values, infinities).
 */
class BitsTest {

    private static final int POINTS = 20;

    static final String WORDS = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Words {
                private Words() {}

                private static final long SIGN_BIT_MASK = 0x8000000000000000L;

                private static int hi(double x) {
                    return (int) (Double.doubleToRawLongBits(x) >> 32);
                }

                private static int lo(double x) {
                    return (int) Double.doubleToRawLongBits(x);
                }

                /** fdlibm's e_sinh.c, as its Java ports write it. */
                @Differentiable(order = 2)
                public static double sinh(double x) {
                    int jx = hi(x);
                    int ix = jx & 0x7fffffff;
                    if (ix >= 0x7ff00000) {
                        return x + x;
                    }
                    double h = jx < 0 ? -0.5 : 0.5;
                    if (ix < 0x40360000) {
                        if (ix < 0x3e300000) {
                            return x;
                        }
                        double t = Math.expm1(Math.abs(x));
                        if (ix < 0x3ff00000) {
                            return h * (2.0 * t - t * t / (t + 1.0));
                        }
                        return h * (t + t / (t + 1.0));
                    }
                    return h * Math.exp(Math.abs(x));
                }

                /** A zero found by its two words, as fdlibm's lgamma finds one. */
                @Differentiable(order = 2)
                public static double zeroWords(double x, double y) {
                    int hx = hi(x);
                    int lx = lo(x);
                    int ix = hx & 0x7fffffff;
                    if ((ix | lx) == 0) {
                        return y;
                    }
                    return hx < 0 ? y * Math.exp(x) : y * x * x;
                }

                /** SIS' truncate: a sign bit chooses floor or ceil, here with a part that keeps a derivative. */
                @Differentiable(order = 2)
                public static double truncated(double value) {
                    return (Double.doubleToRawLongBits(value) & SIGN_BIT_MASK) == 0 ? value * value : -value * value;
                }

                /** The exponent's bits count the terms of a sum; a switch on its lowest bit. */
                @Differentiable(order = 2)
                public static double byExponent(double x) {
                    long bits = Double.doubleToLongBits(x);
                    int e = (int) ((bits >>> 52) & 0x7ff);
                    int zeros = Long.numberOfLeadingZeros(bits & ~SIGN_BIT_MASK);
                    double s = 0;
                    for (int i = 0; i < (e & 3) + 1 + zeros % 2; i++) {
                        s += Math.sin(x * i);
                    }
                    switch (e & 1) {
                        case 0:
                            s += x;
                            break;
                        default:
                            s -= x * x;
                    }
                    return s;
                }

                /** The branches of the others on both sides of 0 (the harness draws points in (0.2, 0.8)). */
                @Differentiable(order = 2)
                public static double signs(double t) {
                    return sinh(60 * (t - 0.5)) + sinh(t - 0.5) + truncated(t - 0.5) + zeroWords(t - 0.5, t);
                }

                /** An element of a differentiated array chosen by the sign bit: only chosen, its derivative flows. */
                @Differentiable(order = 2)
                public static double chosen(double[] v, double t) {
                    double x = t - 0.5;
                    int k = (int) (Double.doubleToRawLongBits(x) >>> 63);
                    return v[k] * x + v[1 - k];
                }

                /** Within maxUlps of each other, as Commons Math's Precision writes it: a predicate of bits in a loop's test. */
                private static boolean near(double x, double y, int maxUlps) {
                    long xInt = Double.doubleToRawLongBits(x);
                    long yInt = Double.doubleToRawLongBits(y);
                    return ((xInt ^ yInt) & SIGN_BIT_MASK) == 0L && Math.abs(xInt - yInt) <= maxUlps;
                }

                @Differentiable(order = 2)
                public static double halvings(double x) {
                    double y = x * x + 1;
                    double s = 0;
                    int k = 0;
                    while (!near(y, 1.0, 4) && k < 60) {
                        s += y;
                        y = Math.sqrt(y);
                        k++;
                    }
                    return s;
                }
            }
            """;

    @Test
    void bitsThatOnlyDecideTestsAreReadAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Words", WORDS);
        checkEveryMethod(r, "demo.Words", POINTS, "byExponent", "chosen", "halvings", "signs", "sinh", "truncated",
                "zeroWords");
    }

    /** The branches the words choose: a tiny x returned as it is, |x| below 1, beyond 22, infinite, 0 and -0.0. */
    @Test
    void eachRangeGivesItsBranchsDerivative() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Words", WORDS);
        Class<?> adjoint = r.loader().loadClass("demo.WordsAdjoint");
        Method sinh = adjoint.getMethod("sinhGradient", double.class);
        for (double x : new double[] {1e-10, -1e-10, 0.3, -0.7, 5.0, -21.0, 30.0, -40.0}) {
            Object g = sinh.invoke(null, x);
            assertEquals(Math.cosh(x), g.getClass().getField("x").getDouble(g), 1e-12 * Math.cosh(x), "x = " + x);
        }
        Object inf = sinh.invoke(null, Double.POSITIVE_INFINITY);
        assertEquals(2.0, inf.getClass().getField("x").getDouble(inf), 0.0); // x + x, as the method returns it
        Method zero = adjoint.getMethod("zeroWordsGradient", double.class, double.class);
        for (double x : new double[] {0.0, -0.0}) {
            Object g = zero.invoke(null, x, 3.0);
            assertEquals(0.0, g.getClass().getField("x").getDouble(g), 0.0, "x = " + x);
            assertEquals(1.0, g.getClass().getField("y").getDouble(g), 0.0, "x = " + x);
        }
        Method truncated = adjoint.getMethod("truncatedGradient", double.class);
        Object minusZero = truncated.invoke(null, -0.0);
        assertEquals(0.0, minusZero.getClass().getField("value").getDouble(minusZero), 0.0);
        Object negative = truncated.invoke(null, -2.0);
        assertEquals(4.0, negative.getClass().getField("value").getDouble(negative), 0.0);
    }
}
