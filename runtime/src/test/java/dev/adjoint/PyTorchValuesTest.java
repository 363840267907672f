package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Values, gradients and printouts from PyTorch sessions (the seed autograd notebook). */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class PyTorchValuesTest {

    @Test
    void example1Square() {
        Tensor x = Tensor.scalar(5.0).requiresGrad(true);
        assertEquals("tensor(5., requires_grad=True)", x.toString());
        Tensor y = x.pow(2);
        assertEquals("tensor(25., grad_fn=<PowBackward0>)", y.toString());
        y.backward();
        assertEquals("tensor(10.)", x.grad().toString());
        assertEquals(10.0, x.grad().item(), 0);
    }

    @Test
    void example2ChainRule() {
        Tensor x = Tensor.scalar(5.0).requiresGrad(true);
        Tensor y = x.pow(2);
        Tensor z = y.sin();
        assertEquals("tensor(-0.1324, grad_fn=<SinBackward0>)", z.toString());
        z.backward();
        assertEquals("tensor(9.9120)", x.grad().toString());
        assertEquals(10 * Math.cos(25), x.grad().item(), 1e-15); // dz/dx = cos(x²)·2x
    }

    @Test
    void accumulationAndZeroing() {
        Tensor a = Tensor.scalar(2.0).requiresGrad(true);
        assertEquals("tensor(2., requires_grad=True)", a.toString());
        Tensor b = a.pow(2);
        assertEquals("tensor(4., grad_fn=<PowBackward0>)", b.toString());
        b.backward();
        assertEquals("tensor(4.)", a.grad().toString());
        a.pow(2).backward();
        assertEquals("tensor(8.)", a.grad().toString());
        assertEquals("tensor(0.)", a.grad().zero().toString());
    }

    @Test
    void threeWaysToStopTracking() {
        Tensor x = Tensor.scalar(3.0).requiresGrad(true);
        Tensor d = x.detach();
        assertEquals("tensor(3.)", d.toString());
        assertEquals("tensor(9.)", d.pow(2).toString());
        try (GradMode g = Tensor.noGrad()) {
            Tensor y = x.pow(2);
            assertEquals("tensor(9.)", y.toString());
            assertNull(y.gradFn());
        }
        x.requiresGrad(false);
        assertEquals("tensor(3.)", x.toString());
        assertFalse(x.pow(2).requiresGrad());
    }

    @Test
    void moreKnownPrintouts() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(x).sum(); // tensor(5., grad_fn=<SumBackward0>)
        assertEquals("tensor(5., grad_fn=<SumBackward0>)", y.toString());
        y.backward();
        assertEquals("tensor([2., 4.])", x.grad().toString());
        assertEquals("tensor([0.7311, 0.8808], grad_fn=<SigmoidBackward0>)", x.sigmoid().toString());
        assertEquals("tensor(1.5000, grad_fn=<MeanBackward0>)", x.mean().toString());
        assertEquals("tensor([-1., -2.], grad_fn=<NegBackward0>)", x.neg().toString());
        assertEquals("tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)", x.exp().toString());
        assertEquals("tensor([3., 4.], grad_fn=<AddBackward0>)", x.add(2.0).toString());
    }
}
