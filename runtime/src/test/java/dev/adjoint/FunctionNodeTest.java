package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tensor.function: the node the annotation processor's generated {@code Tensor f(Tensor...)} builds. */
class FunctionNodeTest {

    /** What the processor generates for f(x, y) = sin(x·y) + x: one node calling the pullback. */
    static Tensor f(Tensor x, Tensor y) {
        final double xv = x.item(), yv = y.item();
        return Tensor.function("FBackward", Math.sin(xv * yv) + xv, (upstream, grads) -> {
            // df/dx = cos(xy)·y + 1, df/dy = cos(xy)·x
            grads[0][0] += upstream[0] * (Math.cos(xv * yv) * yv + 1);
            grads[1][0] += upstream[0] * (Math.cos(xv * yv) * xv);
        }, x, y);
    }

    @Test
    void valueGradFnAndGradients() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = Tensor.scalar(2.0).requiresGrad(true);
        Tensor out = f(x, y);
        assertEquals(Math.sin(1.0) + 0.5, out.item(), 0);
        assertEquals("FBackward", out.gradFn());
        assertTrue(out.requiresGrad());
        assertFalse(out.isLeaf());
        assertEquals("tensor(1.3415, grad_fn=<FBackward>)", out.toString());
        out.backward();
        assertEquals(Math.cos(1.0) * 2 + 1, x.grad().item(), 1e-15);
        assertEquals(Math.cos(1.0) * 0.5, y.grad().item(), 1e-15);
    }

    @Test
    void gradientsAccumulateAcrossCallsAndComposeWithOps() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = Tensor.scalar(2.0);
        f(x, y).backward();
        f(x, y).mul(3).backward();
        assertEquals(4 * (Math.cos(1.0) * 2 + 1), x.grad().item(), 1e-14);
        assertNull(y.grad(), "an input that does not require grad gets no gradient");
    }

    @Test
    void sameInputTwiceGetsBothContributions() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        f(x, x).backward(); // g(x) = sin(x²) + x, g' = 2x·cos(x²) + 1
        assertEquals(2 * 0.5 * Math.cos(0.25) + 1, x.grad().item(), 1e-15);
    }

    @Test
    @SuppressWarnings("try") // the scope variable is only there to be closed
    void constantWhenNoInputRequiresGradOrGradModeOff() {
        Tensor plain = f(Tensor.scalar(0.5), Tensor.scalar(2.0));
        assertNull(plain.gradFn());
        assertFalse(plain.requiresGrad());
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        try (GradMode g = Tensor.noGrad()) {
            Tensor out = f(x, Tensor.scalar(2.0));
            assertNull(out.gradFn());
            assertFalse(out.requiresGrad());
            assertTrue(out.isLeaf());
        }
    }

    @Test
    void vectorOutputCopiesValueAndRoutesEachUpstreamElement() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        double[] value = {x.get(0) * x.get(1), x.get(0) + x.get(1)};
        double[] a = x.toArray();
        Tensor out = Tensor.function("PairBackward", value, (up, g) -> {
            g[0][0] += up[0] * a[1] + up[1]; // d(x0·x1)/dx0 = x1, d(x0+x1)/dx0 = 1
            g[0][1] += up[0] * a[0] + up[1];
        }, x);
        value[0] = 99;
        assertArrayEquals(new double[] {2, 3}, out.toArray(), 0);
        assertArrayEquals(new int[] {2}, out.shape());
        out.backward(Tensor.vector(1, 10));
        assertArrayEquals(new double[] {2 + 10, 1 + 10}, x.grad().toArray(), 0);
    }

    @Test
    void secondBackwardNeedsRetainGraph() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor out = f(x, Tensor.scalar(2.0));
        out.backward(true);
        out.backward();
        assertEquals(2 * (Math.cos(1.0) * 2 + 1), x.grad().item(), 1e-14);
        IllegalStateException e = assertThrows(IllegalStateException.class, out::backward);
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    }

    @Test
    void itemOfNonScalarNamesTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.vector(1, 2).item());
        assertEquals("a Tensor with 2 elements cannot be converted to Scalar (shape [2])", e.getMessage());
        assertEquals(7.0, Tensor.vector(7).item(), 0, "one element of any shape converts, as in PyTorch");
    }
}
