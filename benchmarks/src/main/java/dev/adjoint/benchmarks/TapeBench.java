package dev.adjoint.benchmarks;

import dev.adjoint.GradMode;
import dev.adjoint.Tensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The runtime tape's speed goals (issue 16), each a tape variant and the plain Java loop that
 * does the same arithmetic, run in one JVM so that their ratio is measured side by side
 * ({@link TapeReport} renders the table into benchmarks/results/tape.md):
 *
 * <ul>
 * <li><b>vector ops</b>, forward and backward, within 2× of a plain loop: {@code (sin(v)·v).sum()}
 *     (the expression) and a mean squared error {@code ((w·x - y)²).mean()}, at n =
 *     1,000,000 (memory-bound) and n = 10,000 (in cache);
 * <li><b>a scalar node</b> at most 100 ns and 200 B: Rosenbrock with N = 100 on scalar tensors
 *     (891 nodes, 100 leaves, then backward), and a chain of 1,000 scalar nodes on one leaf;
 * <li><b>a 256×256 matmul</b> within 2× of a straightforward blocked Java loop, forward alone
 *     and forward plus backward of {@code (A·B).sum()}.
 * </ul>
 *
 * Every variant returns a value that depends on all of its work, which JMH consumes. Gradients
 * accumulate into leaves (and into the loops' reused arrays) and are never zeroed, so no variant
 * skips work another does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class TapeBench {

    public static final int LARGE = 1_000_000;
    public static final int SMALL = 10_000;
    public static final int ROSENBROCK_N = 100;
    /** Nodes Rosenbrock records per term: x_i·x_i, x_{i+1} - that, -x_i, + 1, a·a, ·100, b·b, +, f +. */
    public static final int ROSENBROCK_NODES = 9 * (ROSENBROCK_N - 1);
    public static final int CHAIN = 1000;
    public static final int MATRIX = 256;

    /** Vector data: v and w are leaves on the tape, x and y data. */
    final double[] vLarge = Data.gaussian(new Random(1), LARGE, 1.0);
    final double[] vSmall = Data.gaussian(new Random(2), SMALL, 1.0);
    final double[] xLarge = Data.gaussian(new Random(3), LARGE, 1.0);
    final double[] yLarge = Data.gaussian(new Random(4), LARGE, 1.0);
    final double[] xSmall = Data.gaussian(new Random(5), SMALL, 1.0);
    final double[] ySmall = Data.gaussian(new Random(6), SMALL, 1.0);
    final Tensor vLargeLeaf = Tensor.vector(vLarge).requiresGrad(true);
    final Tensor vSmallLeaf = Tensor.vector(vSmall).requiresGrad(true);
    final Tensor wLargeLeaf = Tensor.vector(vLarge).requiresGrad(true);
    final Tensor wSmallLeaf = Tensor.vector(vSmall).requiresGrad(true);
    final Tensor xLargeData = Tensor.vector(xLarge), yLargeData = Tensor.vector(yLarge);
    final Tensor xSmallData = Tensor.vector(xSmall), ySmallData = Tensor.vector(ySmall);
    /** The loops' gradients, accumulated like the leaves' .grad. */
    final double[] gLarge = new double[LARGE], gSmall = new double[SMALL];

    final double[] rosenbrockX = Data.gaussian(new Random(7), ROSENBROCK_N, 1.0);
    final double[] rosenbrockGrad = new double[ROSENBROCK_N];

    /** Matrices, row-major, for the loops; the same values as tensors. */
    final double[] a = Data.gaussian(new Random(8), MATRIX * MATRIX, 1.0);
    final double[] b = Data.gaussian(new Random(9), MATRIX * MATRIX, 1.0);
    final Tensor aData = Tensor.vector(a).reshape(MATRIX, MATRIX), bData = Tensor.vector(b).reshape(MATRIX, MATRIX);
    final Tensor aLeaf = Tensor.vector(a).reshape(MATRIX, MATRIX).requiresGrad(true);
    final Tensor bLeaf = Tensor.vector(b).reshape(MATRIX, MATRIX).requiresGrad(true);
    final double[] gA = new double[MATRIX * MATRIX], gB = new double[MATRIX * MATRIX];

    // ---------------------------------------------------------------- (sin(v)·v).sum()

    @Benchmark
    public double sinTimesTapeLarge() {
        return sinTimesTape(vLargeLeaf);
    }

    @Benchmark
    public double sinTimesLoopLarge() {
        return sinTimesLoop(vLarge, gLarge);
    }

    @Benchmark
    public double sinTimesTapeSmall() {
        return sinTimesTape(vSmallLeaf);
    }

    @Benchmark
    public double sinTimesLoopSmall() {
        return sinTimesLoop(vSmall, gSmall);
    }

    static double sinTimesTape(Tensor v) {
        Tensor y = v.sin().mul(v).sum();
        y.backward();
        return y.item() + v.grad().get(0);
    }

    /** Forward keeps sin(v) for the reverse sweep, as the tape does; backward: d(sin(v)·v)/dv = cos(v)·v + sin(v). */
    static double sinTimesLoop(double[] v, double[] g) {
        int n = v.length;
        double[] s = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            s[i] = Math.sin(v[i]);
            sum += s[i] * v[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] += Math.cos(v[i]) * v[i] + s[i];
        }
        return sum + g[0];
    }

    // ---------------------------------------------------------------- ((w·x - y)²).mean()

    @Benchmark
    public double mseTapeLarge() {
        return mseTape(wLargeLeaf, xLargeData, yLargeData);
    }

    @Benchmark
    public double mseLoopLarge() {
        return mseLoop(vLarge, xLarge, yLarge, gLarge);
    }

    @Benchmark
    public double mseTapeSmall() {
        return mseTape(wSmallLeaf, xSmallData, ySmallData);
    }

    @Benchmark
    public double mseLoopSmall() {
        return mseLoop(vSmall, xSmall, ySmall, gSmall);
    }

    static double mseTape(Tensor w, Tensor x, Tensor y) {
        Tensor loss = w.mul(x).sub(y).pow(2).mean();
        loss.backward();
        return loss.item() + w.grad().get(0);
    }

    /** Forward keeps the residuals r = w·x - y; backward: d(Σr²/n)/dw = 2r·x/n. */
    static double mseLoop(double[] w, double[] x, double[] y, double[] g) {
        int n = w.length;
        double[] r = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            r[i] = w[i] * x[i] - y[i];
            sum += r[i] * r[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] += 2 * r[i] * x[i] / n;
        }
        return sum / n + g[0];
    }

    // ---------------------------------------------------------------- scalar nodes

    /** Rosenbrock on scalar tensors, as {@code RosenbrockBaselines.rosenbrockOnTape}: 100 leaves, 891 nodes, backward. */
    @Benchmark
    public double rosenbrockTape() {
        double[] x = rosenbrockX;
        Tensor[] tx = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            tx[i] = Tensor.scalar(x[i]).requiresGrad(true);
        }
        Tensor f = Tensor.scalar(0.0);
        for (int i = 0; i + 1 < x.length; i++) {
            Tensor p = tx[i + 1].sub(tx[i].mul(tx[i]));
            Tensor q = tx[i].neg().add(1.0);
            f = f.add(p.mul(p).mul(100.0).add(q.mul(q)));
        }
        f.backward();
        for (int i = 0; i < x.length; i++) {
            rosenbrockGrad[i] += tx[i].grad().item();
        }
        return f.item() + rosenbrockGrad[0];
    }

    /** One leaf, then {@value #CHAIN} nodes alternating {@code y·x} and {@code y + 1}, then backward. */
    @Benchmark
    public double scalarChainTape() {
        Tensor x = Tensor.scalar(0.999).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < CHAIN / 2; i++) {
            y = y.mul(x).add(1.0);
        }
        y.backward();
        return y.item() + x.grad().item();
    }

    // ---------------------------------------------------------------- 256×256 matmul

    @SuppressWarnings("try") // the scope variable is only there to be closed
    @Benchmark
    public double matmulTape() {
        try (GradMode g = Tensor.noGrad()) {
            return aData.mm(bData).get(0);
        }
    }

    @Benchmark
    public double matmulLoop() {
        double[] c = new double[MATRIX * MATRIX];
        blockedMultiplyAdd(a, b, c, MATRIX);
        return c[0];
    }

    @Benchmark
    public double matmulBackwardTape() {
        Tensor s = aLeaf.mm(bLeaf).sum();
        s.backward();
        return s.item() + aLeaf.grad().get(0) + bLeaf.grad().get(0);
    }

    /**
     * The same by hand: C = A·B, then with dC = ones, dA += dC·Bᵀ and dB += Aᵀ·dC, each product a
     * straightforward blocked loop (Bᵀ and Aᵀ copied first, so that every product streams rows).
     */
    @Benchmark
    public double matmulBackwardLoop() {
        int n = MATRIX;
        double[] c = new double[n * n];
        blockedMultiplyAdd(a, b, c, n);
        double sum = 0;
        for (double v : c) {
            sum += v;
        }
        double[] ones = new double[n * n];
        java.util.Arrays.fill(ones, 1);
        blockedMultiplyAdd(ones, transpose(b, n), gA, n);
        blockedMultiplyAdd(transpose(a, n), ones, gB, n);
        return sum + gA[0] + gB[0];
    }

    /** {@code c += a·b} for n×n row-major matrices: tiles of 64, i-k-j order inside a tile. */
    static void blockedMultiplyAdd(double[] a, double[] b, double[] c, int n) {
        final int tile = 64;
        for (int ii = 0; ii < n; ii += tile) {
            for (int kk = 0; kk < n; kk += tile) {
                for (int jj = 0; jj < n; jj += tile) {
                    for (int i = ii; i < Math.min(ii + tile, n); i++) {
                        for (int k = kk; k < Math.min(kk + tile, n); k++) {
                            double aik = a[i * n + k];
                            for (int j = jj; j < Math.min(jj + tile, n); j++) {
                                c[i * n + j] += aik * b[k * n + j];
                            }
                        }
                    }
                }
            }
        }
    }

    static double[] transpose(double[] m, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = m[i * n + j];
            }
        }
        return t;
    }
}
