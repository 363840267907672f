package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Backward from several threads at once, as PyTorch allows: each call keeps its traversal state to
 * itself (PyTorch's GraphTask), and adding into a shared leaf's gradient is locked, so the leaf
 * ends with the sum of every thread's gradient. Each trial starts its threads together on a
 * barrier so that their walks overlap; with the state on the nodes (as the tape had it) trials
 * gave wrong sums or threw.
 */
class ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int TRIALS = 200;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS);

    @AfterAll
    static void shutDown() {
        POOL.shutdownNow();
    }

    /** Runs {@code work(t)} on every thread at once; rethrows the first failure. */
    private static void together(java.util.function.IntConsumer work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(POOL.submit(() -> {
                start.await();
                work.accept(thread);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /**
     * Thread t's graph: 200 steps {@code y = sin(y) + w·(k + 1/2)} from {@code y = w·(t + 1)}, so
     * the shared leaf w has 201 edges in each graph, then {@code sum(y)·s} for a shared scalar s.
     * (Run on the tape as it was, with its traversal state on the nodes, 40 of 300 such trials gave a
     * wrong gradient.)
     */
    private static Tensor threadGraph(Tensor w, Tensor s, int t) {
        Tensor y = w.mul(t + 1.0);
        for (int k = 0; k < 200; k++) {
            y = y.sin().add(w.mul(0.5 + k));
        }
        return y.sum().mul(s);
    }

    @Test
    void backwardOnSeveralThreadsOnGraphsSharingALeafAddsEveryGradient() throws Exception {
        int n = 64;
        double[] w0 = new double[n];
        for (int i = 0; i < n; i++) {
            w0[i] = Math.sin(i);
        }
        double[] expected = new double[n];
        double sharedExpected = 0;
        for (int t = 0; t < THREADS; t++) { // one thread after the other
            Tensor wt = Tensor.vector(w0).requiresGrad(true);
            Tensor st = Tensor.scalar(0.5).requiresGrad(true);
            threadGraph(wt, st, t).backward();
            sharedExpected += st.grad().item();
            for (int i = 0; i < n; i++) {
                expected[i] += wt.grad().get(i);
            }
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            Tensor w = Tensor.vector(w0).requiresGrad(true);
            Tensor shared = Tensor.scalar(0.5).requiresGrad(true);
            together(t -> threadGraph(w, shared, t).backward());
            assertArrayEquals(expected, w.grad().toArray(), 1e-9, "trial " + trial);
            assertEquals(sharedExpected, shared.grad().item(), 1e-9, "trial " + trial);
        }
    }

    @Test
    void threadsWalkingOneRetainedGraphAtOnceEachAddTheirGradient() throws Exception {
        for (int trial = 0; trial < TRIALS / 3; trial++) {
            Tensor x = Tensor.vector(0.1, 0.2, 0.3).requiresGrad(true);
            Tensor m = x.exp().mul(x).retainGrad(); // an interior node every thread walks through
            Tensor y = m.sin().sum();
            together(t -> y.backward(true));
            x.zeroGrad();
            Tensor before = m.grad();
            y.backward(true);
            Tensor h = m.grad(); // a retained gradient is summed out of place, as PyTorch's: a new tensor
            double[] once = x.grad().toArray();
            for (int i = 0; i < 3; i++) {
                double xi = x.get(i), mi = Math.exp(xi) * xi;
                assertEquals(Math.cos(mi) * (Math.exp(xi) * (1 + xi)), once[i], 1e-15);
                assertEquals(THREADS * Math.cos(mi), before.get(i), 1e-12, "retained: every walk added once");
                assertEquals((THREADS + 1) * Math.cos(mi), h.get(i), 1e-12, "and the last one after them");
            }
        }
    }

    /** Lazy gradients ({@link Product}) are each walk's own; only their adding into the shared leaf is shared. */
    @Test
    void threadsWalkingOneMeanSquaredErrorGraphAddTheirLazyGradients() throws Exception {
        int n = 1000;
        double[] x0 = new double[n], y0 = new double[n], w0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = Math.sin(i);
            y0[i] = Math.cos(i);
            w0[i] = 0.001 * i;
        }
        for (int trial = 0; trial < TRIALS / 4; trial++) {
            Tensor w = Tensor.vector(w0).requiresGrad(true);
            Tensor loss = w.mul(Tensor.vector(x0)).sub(Tensor.vector(y0)).pow(2).mean();
            together(t -> {
                loss.backward(true); // one retained graph, walked by every thread
                w.mul(Tensor.vector(x0)).sub(Tensor.vector(y0)).pow(2).mean().backward(); // and one of its own
            });
            for (int i = 0; i < n; i++) {
                double r = w0[i] * x0[i] - y0[i];
                assertEquals(2 * THREADS * 2 * r * x0[i] / n, w.grad().get(i), 1e-12, "trial " + trial);
            }
        }
    }

    @Test
    void autogradGradOnSeveralThreadsTouchesNoLeaf() throws Exception {
        Tensor x = Tensor.vector(0.5, 1.5).requiresGrad(true);
        Tensor y = x.pow(3).sum();
        double[][] results = new double[THREADS][];
        together(t -> results[t] = Tensor.grad(new Tensor[] {y}, new Tensor[] {x},
                GradOptions.defaults().retainGraph(true))[0].toArray());
        for (double[] r : results) {
            assertArrayEquals(new double[] {0.75, 6.75}, r, 1e-15);
        }
        assertNull(x.grad());
    }

    @Test
    @SuppressWarnings("try") // the scope variable is only there to be closed
    void aGradModeScopeRestoresTheModeOnItsOwnThreadOnly() throws Exception {
        GradMode scope = Tensor.noGrad();
        try {
            Future<?> other = POOL.submit(() -> {
                assertTrue(Tensor.isGradEnabled(), "another thread keeps its mode");
                IllegalStateException e = assertThrows(IllegalStateException.class, scope::close);
                assertTrue(e.getMessage().startsWith("a GradMode scope must be closed on the thread that opened it"));
                assertTrue(Tensor.isGradEnabled(), "and closing it there changes nothing there");
                return null;
            });
            other.get();
            assertFalse(Tensor.isGradEnabled(), "nor here");
        } finally {
            scope.close();
        }
        assertTrue(Tensor.isGradEnabled());
        scope.close(); // a second close is a no-op
        assertTrue(Tensor.isGradEnabled());
    }
}
