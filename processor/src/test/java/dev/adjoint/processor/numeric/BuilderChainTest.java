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

    /** An adder extending Number, as Jenetics' DoubleAdder: its own fields only, Number has none. */
    private static final String ADDER = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Adders {
                private Adders() {}

                @SuppressWarnings("serial")
                public static final class Adder extends Number {
                    private double sum = 0.0;
                    private double compensation = 0.0;

                    public Adder add(final double value) {
                        double y = value - compensation;
                        double t = sum + y;
                        compensation = t - sum - y;
                        sum = t;
                        return this;
                    }

                    public Adder add(final double[] values) {
                        for (int i = values.length; --i >= 0;) {
                            add(values[i]);
                        }
                        return this;
                    }

                    public double value() {
                        return sum;
                    }

                    @Override
                    public int intValue() {
                        return (int) value();
                    }

                    @Override
                    public long longValue() {
                        return (long) value();
                    }

                    @Override
                    public float floatValue() {
                        return (float) value();
                    }

                    @Override
                    public double doubleValue() {
                        return value();
                    }
                }

                @Differentiable(order = 2)
                public static double mean(final double[] values) {
                    return values.length > 0 ? new Adder().add(values).doubleValue() / values.length : Double.NaN;
                }

                @Differentiable(order = 2)
                public static double weighted(final double[] values, final double w) {
                    return new Adder().add(values).add(w * values[0]).add(Math.sin(w)).doubleValue();
                }
            }
            """;

    @Test
    void anAdderExtendingNumberIsSplitToo() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Adders", ADDER);
        String impl = withoutComments(r.generated("demo.AddersAdjointImpl"));
        assertFalse(impl.contains("new Adder(") || impl.contains("new Adders.Adder("), "no adder is built:\n" + impl);
        checkEveryMethod(r, "demo.Adders", 20, "mean", "weighted");
    }

    @Test
    void aChainOnANewAccumulatorIsSplitIntoItsFields() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Vectors", VECTORS, "demo.lib.Sum", SUM, "demo.lib.Exact", EXACT);
        String impl = withoutComments(r.generated("demo.VectorsAdjointImpl"));
        assertFalse(impl.contains("Sum.create(") || impl.contains("new Sum("), "no accumulator is built:\n" + impl);
        checkEveryMethod(r, "demo.Vectors", 20, "linearCombination", "signedArea", "threeTerms");
    }
}
