package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.CheckpointedAdjoint;
import dev.adjoint.processor.fixtures.ControlFlowAdjoint;
import dev.adjoint.processor.fixtures.RecursionAdjoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Generated pullbacks called from several threads at once: what a reverse sweep keeps (the
 * thread's value stack, borrowed arrays, checkpoint snapshots, a recursion's frames) must be the
 * calling thread's own, so every thread gets, bit for bit, what one thread alone gets. Each task
 * is a fixture's gradient (or Hessian-vector product) at input {@code k} of a fixed list; the
 * threads run them interleaved in random orders, so that one thread's loop is mid-sweep while
 * another's starts.
 */
class ConcurrentPullbackTest {

    private static final int INPUTS = 16;
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 3_000;

    /** Each function: input index → its derivative's values, flattened. */
    private static List<IntFunction<double[]>> functions() {
        List<IntFunction<double[]>> f = new ArrayList<>();
        f.add(k -> new double[] {ControlFlowAdjoint.overwriteLoopGradient(0.1 + 0.05 * k).x});
        f.add(k -> {
            var g = ControlFlowAdjoint.nestedLoopsGradient(0.3 + 0.02 * k, 0.9 - 0.03 * k);
            return new double[] {g.x, g.y};
        });
        f.add(k -> new double[] {ControlFlowAdjoint.breakAndContinueGradient(0.2 + 0.04 * k).x});
        f.add(k -> new double[] {ControlFlowAdjoint.returnInsideLoopGradient(0.15 + 0.05 * k).x});
        f.add(k -> ControlFlowAdjoint.rosenbrockGradient(point(k, 12)).x);
        f.add(k -> ControlFlowAdjoint.rosenbrockHvp(point(k, 12), point(k + 1, 12)).x);
        f.add(k -> ControlFlowAdjoint.matrixRowsGradient(new double[][] {point(k, 5), point(k + 2, 5)}, point(k + 3, 5)).w);
        f.add(k -> ControlFlowAdjoint.prefixSumsGradient(point(k, 9)).a);
        f.add(k -> new double[] {CheckpointedAdjoint.sinIterateGradient(0.2 + 0.05 * k, 500 + 37 * k).x});
        f.add(k -> {
            var g = CheckpointedAdjoint.whileLoopGradient(0.5 + 0.01 * k, 0.3 + 0.02 * k);
            return new double[] {g.a, g.x0};
        });
        f.add(k -> new double[] {RecursionAdjoint.digammaOfSquareGradient(0.7 + 0.2 * k).x});
        f.add(k -> {
            var g = RecursionAdjoint.incompleteGradient(1.5 + 0.1 * k, 0.5 + 0.3 * k);
            return new double[] {g.a, g.x};
        });
        f.add(k -> RecursionAdjoint.weightedGradient(point(k, 7), 0.4).w);
        f.add(k -> {
            // on the tape: each thread's graph is its own
            Tensor x = Tensor.scalar(0.7 + 0.2 * k).requiresGrad(true);
            RecursionAdjoint.digammaOfSquare(x).mul(x).backward();
            return new double[] {x.grad().item()};
        });
        return f;
    }

    private static double[] point(int k, int n) {
        Random random = new Random(k);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble() * 1.6 - 0.8;
        }
        return x;
    }

    @Test
    void everyThreadGetsWhatOneThreadGets() throws Exception {
        List<IntFunction<double[]>> functions = functions();
        double[][][] alone = new double[functions.size()][INPUTS][];
        for (int f = 0; f < functions.size(); f++) {
            for (int k = 0; k < INPUTS; k++) {
                alone[f][k] = functions.get(f).apply(k);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    start.await();
                    int checked = 0;
                    for (int c = 0; c < CALLS_PER_THREAD; c++) {
                        int f = random.nextInt(functions.size());
                        int k = random.nextInt(INPUTS);
                        assertArrayEquals(alone[f][k], functions.get(f).apply(k),
                                "function " + f + " at input " + k + " on thread " + seed);
                        checked++;
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertEquals(CALLS_PER_THREAD, r.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
