package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accumulation, zeroing, detaching, grad mode, retainGraph and retainGrad, as in PyTorch. */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class TapeSemanticsTest {

    /** Some tests read .grad() of a non-leaf on purpose; WarningsTest checks the warning, here it would only be noise. */
    private static final java.util.logging.Logger WARNINGS = java.util.logging.Logger.getLogger("dev.adjoint.Tensor");

    @BeforeAll
    static void quietWarnings() {
        WARNINGS.setLevel(java.util.logging.Level.OFF);
    }

    @AfterAll
    static void restoreWarnings() {
        WARNINGS.setLevel(null);
    }

    @AfterEach
    void restoreGradMode() {
        Tensor.setGradEnabled(true);
    }

    @Test
    void leavesAndProperties() {
        Tensor x = Tensor.vector(1, 2);
        assertTrue(x.isLeaf());
        assertFalse(x.requiresGrad());
        assertNull(x.gradFn());
        assertNull(x.grad());
        assertSame(x, x.requiresGrad(true));
        assertTrue(x.requiresGrad());
        assertArrayEquals(new int[] {2}, x.shape());
        assertEquals(1, x.dim());
        assertEquals(2, x.numel());
        assertArrayEquals(new int[0], Tensor.scalar(1).shape());
        x.shape()[0] = 5;
        x.toArray()[0] = 5;
        assertArrayEquals(new int[] {2}, x.shape(), "shape() is a copy");
        assertEquals(1.0, x.get(0), 0, "toArray() is a copy");
        double[] source = {1, 2};
        Tensor v = Tensor.vector(source);
        source[0] = 9;
        assertEquals(1.0, v.get(0), 0, "vector() copies its argument");
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsAndZeroInPlace() {
        Tensor a = Tensor.scalar(2).requiresGrad(true);
        a.pow(2).backward();
        Tensor grad = a.grad();
        assertEquals(4.0, grad.item(), 0);
        a.pow(2).backward();
        assertEquals(8.0, a.grad().item(), 0);
        assertSame(grad, a.grad(), "accumulation happens in place, into the same gradient tensor");
        assertSame(grad, a.grad().zero(), "zero() returns the tensor it zeroed");
        assertEquals(0.0, a.grad().item(), 0);
        a.pow(2).backward();
        assertEquals(4.0, a.grad().item(), 0);
        a.zeroGrad();
        assertEquals(0.0, a.grad().item(), 0);
        assertFalse(a.grad().requiresGrad());
        Tensor fresh = Tensor.scalar(1).requiresGrad(true);
        fresh.zeroGrad(); // no gradient yet: nothing to zero, and grad() stays null
        assertNull(fresh.grad());
    }

    @Test
    void leafOutputGetsGradientOne() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        x.backward();
        assertEquals(1.0, x.grad().item(), 0);
    }

    @Test
    void vectorBackwardWithExplicitGradientIsAVectorJacobianProduct() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor y = x.pow(2);
        y.backward(Tensor.vector(1, 0.5, 2));
        assertArrayEquals(new double[] {2, 2, 12}, x.grad().toArray(), 0); // v_i · 2x_i
    }

    @Test
    void detachSharesValuesButLeavesTheGraph() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(3);
        Tensor d = y.detach();
        assertTrue(d.isLeaf());
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertArrayEquals(y.toArray(), d.toArray(), 0);
        assertEquals("tensor([3., 6.])", d.toString());
        Tensor z = d.mul(x).sum(); // d is a constant here: dz/dx = d
        z.backward();
        assertArrayEquals(new double[] {3, 6}, x.grad().toArray(), 0);
        d.set(0, 10);
        assertEquals(10.0, y.get(0), 0, "a detached tensor shares its values, as in PyTorch");
        assertEquals(y.version(), d.version(), "and its version counter");
    }

    @Test
    void requiresGradFalseStopsTracking() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        x.requiresGrad(false);
        Tensor y = x.pow(2);
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertEquals("tensor(25.)", y.toString());
    }

    @Test
    void aLeafFrozenAfterTheGraphWasBuiltReceivesNoGradient() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tensor b = Tensor.scalar(3).requiresGrad(true);
        Tensor loss = w.mul(b).sum();
        w.requiresGrad(false); // PyTorch's AccumulateGrad checks requires_grad when it runs
        loss.backward();
        assertNull(w.grad(), "frozen weights do not move");
        assertEquals(3.0, b.grad().item(), 0);
        w.requiresGrad(true); // unfrozen: the same accumulator again
        w.mul(b).sum().backward();
        assertArrayEquals(new double[] {3, 3}, w.grad().toArray(), 0);
    }

    @Test
    void setGradReplacesOrClearsTheGradient() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        x.mul(x).sum().backward();
        assertSame(x, x.setGrad(null));
        assertNull(x.grad(), "x.grad = None");
        x.mul(x).sum().backward();
        assertArrayEquals(new double[] {2, 4}, x.grad().toArray(), 0, "a fresh gradient, nothing accumulated");
        x.setGrad(Tensor.vector(10, 10));
        x.sum().backward();
        assertArrayEquals(new double[] {11, 11}, x.grad().toArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.setGrad(Tensor.scalar(1)));
        assertEquals("assigned grad has data of a different size: [] instead of [2]", e.getMessage());
    }

    @Test
    void requiresGradTrueOnNonLeafIsANoOp() {
        Tensor y = Tensor.scalar(5).requiresGrad(true).mul(2);
        assertSame(y, y.requiresGrad(true));
        assertEquals("MulBackward0", y.gradFn());
    }

    @Test
    void noGradScopeRecordsNothingAndRestoresTheMode() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        assertTrue(Tensor.isGradEnabled());
        try (GradMode g = Tensor.noGrad()) {
            assertFalse(Tensor.isGradEnabled());
            Tensor y = x.pow(2);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            assertTrue(y.isLeaf());
            try (GradMode e = Tensor.enableGrad()) {
                assertTrue(Tensor.isGradEnabled());
                assertEquals("PowBackward0", x.pow(2).gradFn());
                try (GradMode inner = Tensor.noGrad()) {
                    assertFalse(Tensor.isGradEnabled());
                }
                assertTrue(Tensor.isGradEnabled());
            }
            assertFalse(Tensor.isGradEnabled());
        }
        assertTrue(Tensor.isGradEnabled());
        assertEquals("PowBackward0", x.pow(2).gradFn());
    }

    @Test
    void setGradEnabledAndScopesRestoreThePreviousNotTheDefault() {
        Tensor.setGradEnabled(false);
        assertNull(Tensor.scalar(1).requiresGrad(true).exp().gradFn());
        try (GradMode e = Tensor.enableGrad()) {
            assertTrue(Tensor.isGradEnabled());
        }
        assertFalse(Tensor.isGradEnabled(), "the scope restores the mode that was current, off");
        Tensor.setGradEnabled(true);
        assertEquals("ExpBackward0", Tensor.scalar(1).requiresGrad(true).exp().gradFn());
    }

    @Test
    void gradModeIsPerThread() throws Exception {
        try (GradMode g = Tensor.noGrad()) {
            boolean otherThread = CompletableFuture.supplyAsync(Tensor::isGradEnabled).get();
            assertTrue(otherThread, "another thread keeps its own (default) grad mode");
            assertFalse(Tensor.isGradEnabled());
        }
        Thread t = new Thread(() -> Tensor.setGradEnabled(false));
        t.start();
        t.join();
        assertTrue(Tensor.isGradEnabled(), "disabling on another thread does not touch this one");
    }

    @Test
    void inPlaceUpdateOfALeafInsideNoGradIsAllowed() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        w.mul(w).sum().backward();
        try (GradMode g = Tensor.noGrad()) {
            w.subInPlace(w.grad().mul(0.25)); // one SGD step: w -= 0.25 · 2w
        }
        assertArrayEquals(new double[] {0.5, 1}, w.toArray(), 0);
        assertTrue(w.requiresGrad());
        assertTrue(w.isLeaf());
        assertEquals(1, w.version());
    }

    @Test
    void inPlaceOpsOnPlainTensors() {
        Tensor t = Tensor.vector(1, 2, 3);
        assertEquals(0, t.version());
        t.addInPlace(Tensor.vector(1, 1, 1)).addInPlace(0.5).mulInPlace(2).subInPlace(Tensor.scalar(1)).set(1, -7);
        assertArrayEquals(new double[] {4, -7, 8}, t.toArray(), 0);
        assertEquals(5, t.version());
        t.zero();
        assertArrayEquals(new double[] {0, 0, 0}, t.toArray(), 0);
        assertEquals(6, t.version());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        Tensor y = x.pow(2);
        y.backward(true);
        y.backward(true);
        y.backward();
        assertEquals(30.0, x.grad().item(), 0);
        Tensor v = Tensor.vector(1, 2).requiresGrad(true);
        Tensor w = v.exp();
        w.backward(Tensor.vector(1, 1), true);
        w.backward(Tensor.vector(1, 1));
        assertArrayEquals(new double[] {2 * Math.E, 2 * Math.exp(2)}, v.grad().toArray(), 1e-15);
    }

    @Test
    void nodesWithoutSavedValuesCanBeWalkedTwiceAsInPyTorch() {
        // AddBackward0 saves nothing, so PyTorch lets y = x + 1 go backward twice without retain_graph.
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        Tensor y = x.add(1);
        y.backward();
        y.backward();
        assertEquals(2.0, x.grad().item(), 0);
    }

    @Test
    void retainGradKeepsANonLeafGradientAndAccumulates() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        Tensor y = x.pow(2);
        Tensor z = y.sin();
        assertNull(y.grad(), "a non-leaf has no grad unless it asks for one");
        y.retainGrad();
        z.backward(true);
        assertEquals(Math.cos(25), y.grad().item(), 1e-15);
        assertNull(z.grad());
        z.backward();
        assertEquals(2 * Math.cos(25), y.grad().item(), 1e-15);
        Tensor q = x.mul(3).retainGrad();
        q.backward();
        assertEquals(1.0, q.grad().item(), 0, "a retained output gets the seed");
        Tensor leaf = Tensor.scalar(1).requiresGrad(true);
        assertSame(leaf, leaf.retainGrad(), "retainGrad on a leaf is a no-op");
    }

    @Test
    void withoutRetainGradNonLeavesGetNoGradient() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2);
        y.sum().backward();
        assertNull(y.grad());
        assertArrayEquals(new double[] {2, 2}, x.grad().toArray(), 0);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        Tensor x = Tensor.scalar(0.7).requiresGrad(true);
        Tensor a = x.sin();
        Tensor b = a.mul(a).add(a.exp()); // b = sin²x + e^(sin x); both paths meet at a
        b.backward();
        double s = Math.sin(0.7), c = Math.cos(0.7);
        assertEquals((2 * s + Math.exp(s)) * c, x.grad().item(), 1e-15);
    }

    @Test
    void gradientTensorsAreFreshLeaves() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        x.sum().backward();
        Tensor g = x.grad();
        assertNotSame(x, g);
        assertTrue(g.isLeaf());
        assertFalse(g.requiresGrad());
        assertArrayEquals(new int[] {2}, g.shape());
    }
}
