package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sums of streams of doubles (read/Streams): {@code Arrays.stream(v).map(f).sum()} with a lambda,
 * a block lambda choosing a value (Elasticsearch's moving sum), method references and two maps;
 * {@code IntStream.range(0, n).mapToDouble(i -> ...).sum()} over rows of data with a lambda reading
 * the differentiated weights (Smile's logistic loss, parallel); parallel sums and averages;
 * {@code rangeClosed} with a
 * captured scalar; a stream sum inside a loop; {@code sequential()}. Each is checked at 20 random
 * points as {@link NumericGradientTest} checks the fixtures, and the pullback's value is the
 * method's own, bit for bit, on long arrays of values of mixed size (where the JDK's compensated
 * sum and a plain one differ).
 */
class StreamTest {

    private static final int POINTS = 20;

    static final String SUMS = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.Arrays;
            import java.util.stream.IntStream;

            public final class Sums {
                private Sums() {}

                static double logistic(double t) {
                    return 1 / (1 + Math.exp(-t));
                }

                static double dot(double[] x, double[] w) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += x[i] * w[i];
                    }
                    return s;
                }

                @Differentiable(order = 2)
                public static double squares(double[] v) {
                    return Arrays.stream(v).map(x -> x * x).sum();
                }

                /** Elasticsearch's MovingFunctions.sum: NaNs count as 0. */
                @Differentiable(order = 2)
                public static double movingSum(double[] values) {
                    if (values.length == 0) {
                        return 0.0;
                    }
                    return Arrays.stream(values).map(value -> {
                        if (Double.isNaN(value) == false) {
                            return value;
                        }
                        return 0.0;
                    }).sum();
                }

                @Differentiable(order = 2)
                public static double references(double[] v, double k) {
                    return Arrays.stream(v).map(Math::exp).map(Sums::logistic).map(e -> k * e).sum();
                }

                /** Smile's BinomialObjective.f: a parallel stream of a lambda over rows reading the weights. */
                @Differentiable(order = 2, wrt = "w")
                public static double loss(double[] w, double[][] x, double[] y) {
                    return IntStream.range(0, x.length).parallel().mapToDouble(i -> {
                        double wx = dot(x[i], w);
                        return Math.log1p(Math.exp(wx)) - y[i] * wx;
                    }).sum();
                }

                @Differentiable(order = 2)
                public static double series(double x, int n) {
                    return IntStream.rangeClosed(1, n + 4).mapToDouble(k -> Math.pow(x, k) / k).sequential().sum();
                }

                @Differentiable(order = 2)
                public static double inLoop(double[] v, double s) {
                    double total = 0;
                    for (int j = 0; j < 3; j++) {
                        double scale = s * (j + 1);
                        total += Arrays.stream(v).map(t -> Math.sin(scale * t)).sum();
                    }
                    return total;
                }

                @Differentiable(order = 2)
                public static double plain(double[] v) {
                    return Arrays.stream(v).sum() * Arrays.stream(v).map(t -> t).sum();
                }

                /** Parallel sums and averages over an array and over a range, sequential() after parallel() too. */
                @Differentiable(order = 2)
                public static double parallel(double[] v, double k) {
                    return Arrays.stream(v).parallel().map(t -> k * t * t).sum()
                            + IntStream.range(0, v.length).parallel().mapToDouble(i -> v[i] * k).average().orElse(0)
                            + Arrays.stream(v).parallel().map(t -> t + k).sequential().sum();
                }

                /** A mean and a spread of the values: average() and max() - min(), as statistics code writes them. */
                @Differentiable(order = 2)
                public static double moments(double[] v, double k) {
                    double mean = Arrays.stream(v).map(t -> k * t).average().orElse(Double.NaN);
                    double spread = Arrays.stream(v).map(t -> t * t).max().getAsDouble()
                            - Arrays.stream(v).min().orElseThrow();
                    return mean * spread;
                }

                /** A vector of mapped values, then a sum of its squares. */
                @Differentiable(order = 2)
                public static double mapped(double[] v, double k) {
                    double[] scaled = IntStream.range(0, v.length).mapToDouble(i -> k * v[i] + i).toArray();
                    double s = 0;
                    for (double x : scaled) {
                        s += x * x;
                    }
                    return s;
                }
            }
            """;

    @Test
    void sumsOfStreamsAreDifferentiatedAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Sums", SUMS);
        checkEveryMethod(r, "demo.Sums", POINTS, "inLoop", "loss", "mapped", "moments", "movingSum", "parallel",
                "plain", "references", "series", "squares");
        String impl = withoutComments(r.generatedSources().get("demo.SumsAdjointImpl"));
        // the streams are never built: their functions are inlined into loops, their sums the JDK's
        assertFalse(impl.contains("->") || impl.contains("::") || impl.contains("IntStream"), impl);
        assertTrue(impl.contains("StreamSums.sum("), impl);
    }

    /** Long arrays of values of mixed size, where a plain sum and the JDK's compensated one differ: the value is the JDK's. */
    @Test
    void thePullbacksValueIsTheMethodsOwnBitForBit() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Sums", SUMS);
        ClassLoader loader = r.loader();
        Method squares = loader.loadClass("demo.Sums").getMethod("squares", double[].class);
        Class<?> gradient = loader.loadClass("demo.SumsAdjoint$SquaresGradient");
        Method pullback = loader.loadClass("demo.SumsAdjoint").getMethod("squaresPullback", double[].class,
                double.class, gradient);
        Random random = new Random(5);
        int differing = 0;
        for (int round = 0; round < 50; round++) {
            double[] v = new double[1000];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.pow(10, random.nextInt(12) - 4) * (random.nextDouble() - 0.5);
            }
            double primal = (double) squares.invoke(null, (Object) v.clone());
            double plain = 0;
            for (double x : v) {
                plain += x * x;
            }
            differing += plain != primal ? 1 : 0;
            Object g = gradient.getConstructor().newInstance();
            gradient.getField("v").set(g, new double[v.length]);
            double value = (double) pullback.invoke(null, v.clone(), 1.0, g);
            assertEquals(Double.doubleToLongBits(primal), Double.doubleToLongBits(value), "round " + round);
            double[] dv = (double[]) gradient.getField("v").get(g);
            for (int i = 0; i < v.length; i++) {
                assertEquals(2 * v[i], dv[i], 0.0);
            }
        }
        assertTrue(differing > 10, "the plain sum differs from the JDK's in " + differing + " of 50 rounds");
        // parallel sums, split as the streams were, on arrays long enough to be split
        Method parallel = loader.loadClass("demo.Sums").getMethod("parallel", double[].class, double.class);
        Class<?> parallelGradient = loader.loadClass("demo.SumsAdjoint$ParallelGradient");
        Method parallelPullback = loader.loadClass("demo.SumsAdjoint").getMethod("parallelPullback", double[].class,
                double.class, double.class, parallelGradient);
        for (int round = 0; round < 20; round++) {
            double[] v = new double[20_000];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.pow(10, random.nextInt(12) - 4) * (random.nextDouble() - 0.5);
            }
            Object g = parallelGradient.getConstructor().newInstance();
            parallelGradient.getField("v").set(g, new double[v.length]);
            double value = (double) parallelPullback.invoke(null, v.clone(), 0.75, 1.0, g);
            assertEquals(Double.doubleToLongBits((double) parallel.invoke(null, v.clone(), 0.75)),
                    Double.doubleToLongBits(value), "round " + round);
        }
    }

    static final String EDGES = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.Arrays;
            import java.util.function.DoubleUnaryOperator;
            import java.util.stream.IntStream;

            public final class Edges {
                private Edges() {}

                static double total(DoubleUnaryOperator f, double[] v) {
                    return Arrays.stream(v).map(t -> 2 * f.applyAsDouble(t)).sum();
                }

                /** A helper given a function sums a stream mapped by a lambda calling it. */
                @Differentiable(order = 2)
                public static double given(double[] v, double k) {
                    return total(t -> k * t * t, v);
                }

                /** A range given by its ends: empty where the end is not above the start. */
                @Differentiable(order = 2)
                public static double window(double x, int from, int to) {
                    return IntStream.range(from, to).mapToDouble(i -> x * i).sum() + x;
                }

                @Differentiable(order = 2)
                public static double guarded(double[] v) {
                    return Arrays.stream(v).map(t -> {
                        if (t > 100) {
                            throw new IllegalArgumentException("t = " + t);
                        }
                        return Math.sqrt(t);
                    }).sum();
                }

                @Differentiable(order = 2)
                public static double meanOr(double[] v, double d) {
                    return Arrays.stream(v).average().orElse(d);
                }

                @Differentiable(order = 2)
                public static double peak(double[] v) {
                    return Arrays.stream(v).max().getAsDouble();
                }

                /** A lambda writing an array it captures: each value sees the writes of the values before it. */
                @Differentiable(order = 2)
                public static double running(double[] v, double x) {
                    double[] seen = new double[1];
                    double s = Arrays.stream(v).map(t -> {
                        seen[0] += t * x;
                        return seen[0];
                    }).sum();
                    return s + seen[0];
                }
            }
            """;

    /**
     * Empty arrays and ranges (a range whose end is below its start too), a NaN among the values, a
     * function throwing at one value, a lambda writing an array it captures and a helper given a
     * function whose stream's lambda calls it.
     */
    @Test
    void edgesOfSumsOfStreams() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Edges", EDGES);
        checkEveryMethod(r, "demo.Edges", POINTS, "given", "guarded", "meanOr", "peak", "running", "window");
        ClassLoader loader = r.loader();
        Class<?> adjoint = loader.loadClass("demo.EdgesAdjoint");
        Class<?> edges = loader.loadClass("demo.Edges");
        Method window = adjoint.getMethod("windowGradient", double.class, int.class, int.class);
        for (int[] ends : new int[][] {{5, 2}, {3, 3}, {1, 4}, {-2, 2}}) {
            Object g = window.invoke(null, 0.5, ends[0], ends[1]);
            double expected = 1;
            for (int i = ends[0]; i < ends[1]; i++) {
                expected += i;
            }
            assertEquals(expected, g.getClass().getField("x").getDouble(g), 0.0, ends[0] + ".." + ends[1]);
        }
        Object empty = adjoint.getMethod("givenGradient", double[].class, double.class).invoke(null, new double[0], 2.0);
        assertEquals(0.0, empty.getClass().getField("k").getDouble(empty), 0.0);
        Class<?> squaresGradient = loader.loadClass("demo.EdgesAdjoint$GuardedGradient");
        Method guarded = adjoint.getMethod("guardedPullback", double[].class, double.class, squaresGradient);
        Object holder = squaresGradient.getConstructor().newInstance();
        squaresGradient.getField("v").set(holder, new double[3]);
        double value = (double) guarded.invoke(null, new double[] {4, Double.NaN, 9}, 1.0, holder);
        assertTrue(Double.isNaN(value) && Double.isNaN((double) edges.getMethod("guarded", double[].class)
                .invoke(null, (Object) new double[] {4, Double.NaN, 9})));
        java.lang.reflect.InvocationTargetException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                java.lang.reflect.InvocationTargetException.class,
                () -> guarded.invoke(null, new double[] {4, 200, 9}, 1.0, holder));
        assertEquals("t = 200.0", thrown.getCause().getMessage());
        // an empty stream's average is orElse's argument, its maximum throws as getAsDouble does
        Object meanOfNone = adjoint.getMethod("meanOrGradient", double[].class, double.class).invoke(null, new double[0], 2.0);
        assertEquals(1.0, meanOfNone.getClass().getField("d").getDouble(meanOfNone), 0.0);
        java.lang.reflect.InvocationTargetException none = org.junit.jupiter.api.Assertions.assertThrows(
                java.lang.reflect.InvocationTargetException.class,
                () -> adjoint.getMethod("peakGradient", double[].class).invoke(null, (Object) new double[0]));
        assertEquals(java.util.NoSuchElementException.class, none.getCause().getClass());
        // the average's value is the JDK's, bit for bit, on long arrays of values of mixed size
        Class<?> meanGradient = loader.loadClass("demo.EdgesAdjoint$MeanOrGradient");
        Method meanPullback = adjoint.getMethod("meanOrPullback", double[].class, double.class, double.class, meanGradient);
        Method mean = edges.getMethod("meanOr", double[].class, double.class);
        Random random = new Random(9);
        for (int round = 0; round < 20; round++) {
            double[] v = new double[1000];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.pow(10, random.nextInt(12) - 4) * (random.nextDouble() - 0.5);
            }
            Object g = meanGradient.getConstructor().newInstance();
            meanGradient.getField("v").set(g, new double[v.length]);
            double averaged = (double) meanPullback.invoke(null, v.clone(), 0.0, 1.0, g);
            assertEquals(Double.doubleToLongBits((double) mean.invoke(null, v.clone(), 0.0)),
                    Double.doubleToLongBits(averaged));
            assertEquals(1.0 / v.length, ((double[]) meanGradient.getField("v").get(g))[7], 1e-18);
        }
    }
}
