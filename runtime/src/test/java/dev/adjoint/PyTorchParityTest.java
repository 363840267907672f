package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Differences from PyTorch found by reading its source (ATen's LossNLL.cpp, derivatives.yaml,
 * FunctionsManual.cpp, variable.cpp) against the tape, each fixed; every test quotes the PyTorch
 * program and what PyTorch gives, as its source computes it.
 */
class PyTorchParityTest {

    /** The bits of each value, so that -0.0 and 0.0 (and NaN payloads aside) compare exactly. */
    private static void assertBits(double[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toArray(), 0.0);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual.get(i)),
                    "element " + i + ": " + actual);
        }
    }

    /*
     * x = torch.zeros(5, 2, requires_grad=True)
     * F.nll_loss(x, torch.tensor([0, 0, 0, 0, 0])).backward(torch.tensor(0.1))
     * x.grad[:, 0]   # nll_loss_backward_out_frame: grad = -(grad_output / total_weight) = -(0.1 / 5)
     *                # = -0.02 exactly; 0.1 * (-1 / 5) would be -0.020000000000000004
     */
    @Test
    void nllLossGradientIsMinusUpstreamOverTheCountAsPyTorchsKernelRoundsIt() {
        Tensor x = Tensor.zeros(5, 2).requiresGrad(true);
        Tensor.nllLoss(x, 0, 0, 0, 0, 0).backward(Tensor.scalar(0.1));
        for (int r = 0; r < 5; r++) {
            assertEquals(Double.doubleToLongBits(-0.02), Double.doubleToLongBits(x.grad().get(r, 0)));
            assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(x.grad().get(r, 1)));
        }
    }

    /*
     * x = torch.tensor([1., 2., 3.], requires_grad=True)
     * (-F.nll_loss(x, torch.tensor(1))).backward(create_graph=True)
     * x.grad   # tensor([0., 1., 0.], grad_fn=<CopyBackwards>)
     *
     * nll_loss_backward zero-fills grad_input (+0.) and writes -(grad / total_weight) at the target,
     * whatever the sign of grad (here -1); derivatives.yaml's nll_loss_backward has
     * self: zeros_like(grad), so under create_graph the gradient requires grad, and AccumulateGrad
     * copies it (CopyBackwards). The tape multiplied zeros by the upstream: [-0., 1., -0.], no grad_fn.
     */
    @Test
    void nllLossRecordedGradientIsPlusZeroAwayFromTheTarget() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor.nllLoss(x, 1).neg().backward(null, false, true);
        assertEquals("tensor([0., 1., 0.], grad_fn=<CopyBackwards>)", x.grad().toString());
        assertBits(new double[] {0.0, 1.0, 0.0}, x.grad());

        // its derivative with respect to the input is zeros_like(grad): +0. added into x.grad's +0.
        x.grad().sum().backward();
        assertBits(new double[] {0.0, 1.0, 0.0}, x.grad());
    }

    /*
     * x = torch.zeros(2, 3, requires_grad=True)
     * g, = torch.autograd.grad(F.nll_loss(x, torch.tensor([2, 0])), x, grad_outputs=torch.tensor(float('nan')),
     *                          create_graph=True)
     * g   # tensor([[0., 0., nan],
     *     #         [nan, 0., 0.]], grad_fn=<NllLossBackwardBackward0>): the kernel writes only at the targets
     *
     * (The tape names the last operation of its formula, WhereBackward0: a documented difference.)
     */
    @Test
    void nllLossRecordedGradientOfANanUpstreamIsNanOnlyAtTheTargets() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor[] g = Tensor.grad(new Tensor[] {Tensor.nllLoss(x, 2, 0)}, new Tensor[] {x},
                GradOptions.defaults().gradOutputs(Tensor.scalar(Double.NaN)).createGraph(true));
        assertEquals("tensor([[0., 0., nan],\n        [nan, 0., 0.]], grad_fn=<WhereBackward0>)", g[0].toString());
    }

    /*
     * x = torch.tensor([1., 2., 3.], requires_grad=True)
     * (x[1] * -0.).backward(create_graph=True)
     * x.grad   # tensor([0., -0., 0.]): select_backward is zeros(sizes) then grad_input.select(dim, index).copy_(grad),
     *          # which keeps the -0. of 1 * -0.
     */
    @Test
    void selectRecordedGradientKeepsAMinusZero() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        x.select(0, 1).mul(-0.0).backward(null, false, true);
        assertEquals("tensor([0., -0., 0.])", x.grad().toString());

        Tensor m = Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        m.select(1, 0).mul(-0.0).sum().backward(null, false, true);
        assertBits(new double[] {-0.0, 0.0, -0.0, 0.0}, m.grad());
    }

    /*
     * A = torch.zeros(1, 2, requires_grad=True); v = torch.tensor([-0., 1.], requires_grad=True)
     * torch.autograd.grad((A @ v).sum(), A, create_graph=True)[0]
     *     # tensor([[-0., 1.]], grad_fn=<MulBackward0>): derivatives.yaml's mv is self: grad.ger(vec.conj()),
     *     # and outer() is grad.reshape(1, 1) * vec, each element a single product (the tape's mm of [1, 1]
     *     # by [1, 2] summed from +0. and gave 0., named MmBackward0)
     * B = torch.zeros(3, 1, requires_grad=True); w = torch.tensor([-0.], requires_grad=True)
     * (B @ w).sum().backward(create_graph=True)
     * B.grad   # tensor([[-0.], [-0.], [-0.]], grad_fn=<CopyBackwards>)
     */
    @Test
    void mvRecordedMatrixGradientIsAnOuterProductKeepingMinusZero() {
        Tensor a = Tensor.zeros(1, 2).requiresGrad(true);
        Tensor v = Tensor.vector(-0.0, 1).requiresGrad(true);
        Tensor[] g = Tensor.grad(new Tensor[] {a.mv(v).sum()}, new Tensor[] {a},
                GradOptions.defaults().createGraph(true));
        assertEquals("tensor([[-0., 1.]], grad_fn=<MulBackward0>)", g[0].toString());

        Tensor b = Tensor.zeros(3, 1).requiresGrad(true);
        Tensor w = Tensor.vector(-0.0).requiresGrad(true);
        b.mv(w).sum().backward(null, false, true);
        assertBits(new double[] {-0.0, -0.0, -0.0}, b.grad());
    }

    /*
     * x = torch.tensor([1., 2.], requires_grad=True)
     * y = x * 3; y.retain_grad(); z = y.sum()
     * z.backward(retain_graph=True); g1 = y.grad
     * z.backward()
     * g1, y.grad, g1 is y.grad   # (tensor([1., 1.]), tensor([2., 2.]), False)
     *
     * variable.cpp's retain_grad hook: var->grad() = grad.clone() the first time, then
     * var->grad() + grad, out of place (a leaf's AccumulateGrad adds in place instead).
     */
    @Test
    void aRetainedGradientAccumulatesOutOfPlace() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(3).retainGrad();
        Tensor z = y.sum();
        z.backward(true);
        Tensor g1 = y.grad();
        z.backward();
        assertEquals("tensor([1., 1.])", g1.toString());
        assertEquals("tensor([2., 2.])", y.grad().toString());
        assertNotSame(g1, y.grad());

        // a leaf's gradient, in contrast, is the same tensor, added into
        Tensor leafGrad = x.grad();
        x.mul(3).sum().backward();
        assertEquals("tensor([9., 9.])", leafGrad.toString());
    }

    /*
     * x = torch.tensor([1., 2.], requires_grad=True)
     * y = x.sin(); y.retain_grad()
     * (y * x).sum().backward(create_graph=True)
     * y.grad   # tensor([1., 2.], grad_fn=<CloneBackward0>): the hook's grad.clone() is recorded
     * (y * x).sum().backward(create_graph=True)
     * y.grad   # tensor([2., 4.], grad_fn=<AddBackward0>)
     */
    @Test
    void aRetainedGradientUnderCreateGraphIsACloneThenASum() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.sin().retainGrad();
        y.mul(x).sum().backward(null, true, true);
        assertEquals("tensor([1., 2.], grad_fn=<CloneBackward0>)", y.grad().toString());
        y.mul(x).sum().backward(null, true, true);
        assertEquals("tensor([2., 4.], grad_fn=<AddBackward0>)", y.grad().toString());
    }

    /*
     * y = torch.tensor([1., 2.], requires_grad=True) * 2
     * y.requires_grad_(False)
     * RuntimeError: you can only change requires_grad flags of leaf variables. If you want to use a computed
     * variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().
     * (python_variable.cpp; the tape had renamed the Python variable to varNoGrad)
     */
    @Test
    void requiresGradFalseOnANonLeafHasPyTorchsMessage() {
        Tensor y = Tensor.vector(1, 2).requiresGrad(true).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertEquals("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                + "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
                e.getMessage());
    }
}
