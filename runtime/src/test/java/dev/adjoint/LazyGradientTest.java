package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a sum or mean kept as a lazy product through nodes that only scale it
 * ({@link Product}): it must give what the node-by-node walk gives, to the bit, under every way a
 * gradient can be reused (a tensor used twice, several paths into one leaf, retained graphs,
 * accumulation, {@code Tensor.grad}, double backward, seeds, a model that reads a {@code .grad()}).
 *
 * <p>The node-by-node result is the same graph with {@code retainGrad()} on every intermediate:
 * a retaining node needs its gradient written out, so no product passes through it.
 */
class LazyGradientTest {

    private static final int N = 37; // not a multiple of the sum's four lanes

    private static double[] gaussian(long seed, int n) {
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    /** {@code ((w·x - y)²).mean()}, with every intermediate retaining its gradient if {@code nodeByNode}. */
    private static Tensor meanSquaredError(Tensor w, Tensor x, Tensor y, boolean nodeByNode) {
        Tensor wx = retain(w.mul(x), nodeByNode);
        Tensor r = retain(wx.sub(y), nodeByNode);
        return retain(r.pow(2), nodeByNode).mean();
    }

    private static Tensor retain(Tensor t, boolean yes) {
        return yes ? t.retainGrad() : t;
    }

    /** The gradients of {@code f}'s inputs, lazily and node by node: they must be equal to the bit. */
    private static void assertSameAsNodeByNode(java.util.function.BiFunction<Tensor[], Boolean, Tensor> f,
            double[]... inputs) {
        double[][][] grads = new double[2][][];
        for (int pass = 0; pass < 2; pass++) {
            Tensor[] leaves = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                leaves[i] = Tensor.vector(inputs[i]).requiresGrad(true);
            }
            f.apply(leaves, pass == 1).backward();
            grads[pass] = new double[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                grads[pass][i] = leaves[i].grad().toArray();
            }
        }
        for (int i = 0; i < inputs.length; i++) {
            assertArrayEquals(grads[1][i], grads[0][i], 0, "input " + i);
        }
        Function<Tensor[], Tensor> lazy = t -> f.apply(t, false);
        GradCheck.check(lazy, inputs);
    }

    @Test
    void aMeanSquaredErrorGivesTheNodeByNodeGradientToTheBit() {
        double[] w0 = gaussian(1, N), x0 = gaussian(2, N), y0 = gaussian(3, N);
        Tensor x = Tensor.vector(x0), y = Tensor.vector(y0);
        Tensor w = Tensor.vector(w0).requiresGrad(true);
        meanSquaredError(w, x, y, false).backward();
        Tensor w2 = Tensor.vector(w0).requiresGrad(true);
        meanSquaredError(w2, x, y, true).backward();
        assertArrayEquals(w2.grad().toArray(), w.grad().toArray(), 0);
        for (int i = 0; i < N; i++) { // 2·r·x/n
            assertEquals(2 * (w0[i] * x0[i] - y0[i]) * x0[i] / N, w.grad().get(i), 1e-15);
        }
        GradCheck.check(t -> meanSquaredError(t[0], x, y, false), w0);
    }

    @Test
    void everyScalingNodeGivesTheNodeByNodeGradient() {
        double[] a = gaussian(4, N), b = gaussian(5, N);
        // -x, x + c, x - c, eˣ, x², a·b with both needing a gradient, a ± b, then a sum
        assertSameAsNodeByNode((t, r) -> retain(retain(retain(t[0].neg(), r).add(0.5), r).sub(0.25), r)
                .mul(t[1]).sum(), a, b);
        assertSameAsNodeByNode((t, r) -> retain(retain(t[0].mul(0.3), r).exp(), r).mean(), a);
        assertSameAsNodeByNode((t, r) -> retain(t[0].add(t[1]), r).pow(2).sum(), a, b);
        assertSameAsNodeByNode((t, r) -> retain(t[0].sub(t[1]), r).mul(t[0]).sum(), a, b);
        // more than three saved arrays in a row: written out once, then continued
        assertSameAsNodeByNode((t, r) -> retain(retain(retain(retain(t[0].mul(t[1]), r).mul(t[1]), r).pow(2), r)
                .mul(t[0]), r).mul(t[1]).mean(), a, b);
        // a node that is not a factor (sin) takes the product written out, then goes on as before
        assertSameAsNodeByNode((t, r) -> retain(retain(t[0].sin(), r).mul(t[1]), r).sum(), a, b);
    }

    @Test
    void aTensorUsedTwiceGetsBothProducts() {
        double[] a = gaussian(6, N);
        Tensor x = Tensor.vector(a).requiresGrad(true);
        x.mul(x).sum().backward(); // one node, both inputs the same leaf
        for (int i = 0; i < N; i++) {
            assertEquals(2 * a[i], x.grad().get(i), 0);
        }
        // two paths into one leaf: a lazy gradient meets another one at the accumulator
        assertSameAsNodeByNode((t, r) -> retain(t[0].mul(t[1]), r).sum().add(retain(t[0].pow(2), r).mean()),
                a, gaussian(7, N));
        // and a lazy gradient meets an array at an interior node
        assertSameAsNodeByNode((t, r) -> {
            Tensor h = t[0].mul(t[1]);
            return retain(h.sin(), r).sum().add(retain(h.exp(), r).mean());
        }, a, gaussian(8, N));
    }

    @Test
    void lazyGradientsAccumulateAcrossRetainedBackwards() {
        double[] w0 = gaussian(9, N), x0 = gaussian(10, N), y0 = gaussian(11, N);
        Tensor w = Tensor.vector(w0).requiresGrad(true);
        Tensor loss = meanSquaredError(w, Tensor.vector(x0), Tensor.vector(y0), false);
        loss.backward(true);
        double[] once = w.grad().toArray();
        Tensor grad = w.grad();
        loss.backward(true);
        loss.backward();
        assertTrue(grad == w.grad(), "accumulated in place into the same grad()");
        for (int i = 0; i < N; i++) {
            assertEquals(3 * once[i], w.grad().get(i), 1e-15);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"));
    }

    @SuppressWarnings("try") // the scope variable is only there to be closed
    @Test
    void aSavedValueChangedInPlaceIsStillRefused() {
        Tensor w = Tensor.vector(gaussian(12, N)).requiresGrad(true);
        Tensor x = Tensor.vector(gaussian(13, N));
        Tensor loss = w.mul(x).sum();
        try (GradMode g = Tensor.noGrad()) {
            x.addInPlace(1);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
    }

    @Test
    void autogradGradCapturesALazyGradientAndTouchesNoLeaf() {
        double[] w0 = gaussian(14, N), x0 = gaussian(15, N), y0 = gaussian(16, N);
        Tensor w = Tensor.vector(w0).requiresGrad(true);
        Tensor wx = w.mul(Tensor.vector(x0));
        Tensor r = wx.sub(Tensor.vector(y0));
        Tensor loss = r.pow(2).mean();
        Tensor[] g = Tensor.grad(new Tensor[] {loss}, new Tensor[] {r, w},
                GradOptions.defaults().retainGraph(true));
        for (int i = 0; i < N; i++) {
            double ri = w0[i] * x0[i] - y0[i];
            assertEquals(2 * ri / N, g[0].get(i), 1e-15);
            assertEquals(2 * ri * x0[i] / N, g[1].get(i), 1e-15);
        }
        assertNull(w.grad());
        loss.backward(); // and the graph is still there to walk
        assertArrayEquals(g[1].toArray(), w.grad().toArray(), 0);
    }

    @Test
    void aHessianVectorProductThroughAMeanSquaredError() {
        double[] w0 = gaussian(17, N), x0 = gaussian(18, N), y0 = gaussian(19, N), v0 = gaussian(20, N);
        Tensor w = Tensor.vector(w0).requiresGrad(true);
        Tensor loss = meanSquaredError(w, Tensor.vector(x0), Tensor.vector(y0), false);
        Tensor g = Tensor.grad(new Tensor[] {loss}, new Tensor[] {w}, GradOptions.defaults().createGraph(true))[0];
        Tensor hv = Tensor.grad(g.mul(Tensor.vector(v0)).sum(), w)[0]; // first order again: lazy products
        for (int i = 0; i < N; i++) { // the Hessian is diag(2x²/n)
            assertEquals(2 * x0[i] * x0[i] * v0[i] / N, hv.get(i), 1e-14);
        }
    }

    @Test
    void theSeedOfABackwardIsReadNeverWritten() {
        double[] a = gaussian(21, N), seed = gaussian(22, N);
        Tensor x = Tensor.vector(a).requiresGrad(true);
        Tensor g = Tensor.vector(seed);
        x.exp().backward(g);
        for (int i = 0; i < N; i++) {
            assertEquals(seed[i] * Math.exp(a[i]), x.grad().get(i), 0);
        }
        Tensor leaf = Tensor.vector(a).requiresGrad(true);
        leaf.backward(g); // the seed goes straight to the accumulator: copied into grad(), not taken
        leaf.backward(g);
        assertArrayEquals(seed, g.toArray(), 0);
        for (int i = 0; i < N; i++) {
            assertEquals(2 * seed[i], leaf.grad().get(i), 0);
        }
    }

    /**
     * A model that multiplies by another leaf's {@code .grad()}, which the same backward then adds
     * into in place: the product reading it is written out first, whichever accumulator runs first,
     * so it sees the values the multiplication saw, as the node-by-node walk did.
     */
    @Test
    void aProductReadingAGradIsWrittenOutBeforeThatGradChanges() {
        double[] q0 = gaussian(23, N), old = gaussian(24, N);
        for (boolean qFirst : new boolean[] {true, false}) {
            Tensor p = Tensor.vector(gaussian(25, N)).requiresGrad(true);
            Tensor q = Tensor.vector(q0).requiresGrad(true);
            q.setGrad(Tensor.vector(old));
            // the walk runs the later node first, and the accumulators in the reverse order they were reached
            Tensor qSum = qFirst ? q.sum() : null;
            Tensor viaGrad = p.mul(q.grad()).sum();
            qSum = qFirst ? qSum : q.sum();
            qSum.add(viaGrad).backward();
            assertArrayEquals(old, p.grad().toArray(), 0, "qFirst " + qFirst);
            for (int i = 0; i < N; i++) {
                assertEquals(old[i] + 1, q.grad().get(i), 0);
            }
        }
    }
}
