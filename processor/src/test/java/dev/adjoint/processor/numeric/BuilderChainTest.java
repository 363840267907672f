package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.differential.InMemoryCompiler;
import org.junit.jupiter.api.Test;

/**
 * An accumulator of another package built by a factory and changed by a chain of calls that
 * return it, as Commons Geometry computes {@code linearCombination}: {@code
 * Sum.create().addProduct(a1, b1).addProduct(a2, b2).getAsDouble()}, each product's rounding error
 * kept by Dekker's split, after a test of the product's exponent bits ({@code isNotNormal}, a
 * boolean of {@code Double.doubleToRawLongBits}). The object has no name but the chain's, so it is
 * split into its fields; the bits only decide a test. Checked by central differences, pullback,
 * tape, tangent and second order.
 */
class BuilderChainTest {

    private static final String SUM = """
            package demo.lib;

            public final class Sum {
                private double sum;
                private double comp;

                private Sum(double initial) {
                    sum = initial;
                }

                public static Sum create() {
                    return new Sum(0.0);
                }

                public Sum addProduct(double a, double b) {
                    double ab = a * b;
                    double low = Exact.productLow(a, b, ab);
                    double next = sum + ab;
                    comp += Exact.sumLow(sum, ab, next) + low;
                    sum = next;
                    return this;
                }

                public Sum add(double t) {
                    double next = sum + t;
                    comp += Exact.sumLow(sum, t, next);
                    sum = next;
                    return this;
                }

                public double getAsDouble() {
                    double total = sum + comp;
                    return Double.isFinite(total) ? total : sum;
                }
            }
            """;

    private static final String EXACT = """
            package demo.lib;

            final class Exact {
                private static final double SPLIT = 134217729.0;
                private static final int EXPONENT = 0x7ff;

                private Exact() {}

                static boolean notNormal(double a) {
                    int biased = ((int) (Double.doubleToRawLongBits(a) >>> 52)) & EXPONENT;
                    return biased == 0 || biased == EXPONENT;
                }

                static double high(double v) {
                    double c = SPLIT * v;
                    return c - (c - v);
                }

                static double productLow(double x, double y, double xy) {
                    if (notNormal(xy)) {
                        return xy - xy;
                    }
                    double hx = high(x);
                    double lx = x - hx;
                    double hy = high(y);
                    double ly = y - hy;
                    return lx * ly - (((xy - hx * hy) - lx * hy) - hx * ly);
                }

                static double sumLow(double a, double b, double s) {
                    double bv = s - a;
                    return (a - (s - bv)) + (b - bv);
                }
            }
            """;

    private static final String VECTORS = """
            package demo;

            import demo.lib.Sum;
            import dev.adjoint.Differentiable;

            public final class Vectors {
                private Vectors() {}

                @Differentiable(order = 2)
                public static double linearCombination(double a1, double b1, double a2, double b2) {
                    return Sum.create()
                            .addProduct(a1, b1)
                            .addProduct(a2, b2).getAsDouble();
                }

                @Differentiable(order = 2)
                public static double threeTerms(double a1, double b1, double a2, double b2, double a3) {
                    return Sum.create().addProduct(a1, b1).addProduct(a2, b2).addProduct(a3, a1 * b2).getAsDouble();
                }

                @Differentiable(order = 2)
                public static double signedArea(double x, double y, double vx, double vy) {
                    return linearCombination(x, vy, -y, vx) + Sum.create().add(x).add(Math.sin(y)).getAsDouble();
                }
            }
            """;

    @Test
    void aChainOnANewAccumulatorIsSplitIntoItsFields() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Vectors", VECTORS, "demo.lib.Sum", SUM, "demo.lib.Exact", EXACT);
        String impl = withoutComments(r.generated("demo.VectorsAdjointImpl"));
        assertFalse(impl.contains("Sum.create(") || impl.contains("new Sum("), "no accumulator is built:\n" + impl);
        checkEveryMethod(r, "demo.Vectors", 20, "linearCombination", "signedArea", "threeTerms");
    }
}
