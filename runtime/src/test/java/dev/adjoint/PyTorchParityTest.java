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

    /*
     * x = torch.tensor([[1.], [2.]], requires_grad=True)
     * g, = torch.autograd.grad(x.softmax(1), x, grad_outputs=torch.tensor([[-0.], [1.]]), create_graph=True)
     * g   # tensor([[0.],
     *     #         [0.]], grad_fn=<SoftmaxBackwardDataBackward0>)
     *
     * Under create_graph PyTorch still calls the kernel, _softmax_backward_data: per slice s = Σ up·y
     * from its first term (-0. here), then (up - s)·y = (-0. - -0.)·1 = 0. The tape recorded the
     * formula y·(up - (up·y).sum(1, keepdim)), whose sum from +0. gave -0. (log_softmax alike:
     * _log_softmax_backward_data, LogSoftmaxBackwardDataBackward0.)
     */
    @Test
    void softmaxRecordedGradientIsPyTorchsKernel() {
        Tensor x = Tensor.matrix(new double[][] {{1}, {2}}).requiresGrad(true);
        Tensor[] g = Tensor.grad(new Tensor[] {x.softmax(1)}, new Tensor[] {x}, GradOptions.defaults()
                .gradOutputs(Tensor.matrix(new double[][] {{-0.0}, {1}})).createGraph(true));
        assertEquals("tensor([[0.],\n        [0.]], grad_fn=<SoftmaxBackwardDataBackward0>)", g[0].toString());
        assertBits(new double[] {0.0, 0.0}, g[0]);

        Tensor z = Tensor.vector(0.5, -1, 2).requiresGrad(true);
        Tensor[] lg = Tensor.grad(new Tensor[] {z.logSoftmax(0)}, new Tensor[] {z}, GradOptions.defaults()
                .gradOutputs(Tensor.vector(1, 0, -2)).createGraph(true));
        assertEquals("LogSoftmaxBackwardDataBackward0", lg[0].gradFn());
        Tensor z2 = Tensor.vector(0.5, -1, 2).requiresGrad(true);
        z2.logSoftmax(0).backward(Tensor.vector(1, 0, -2));
        assertBits(z2.grad().toArray(), lg[0]); // the recorded gradient is the first-order one, to the bit
    }

    /**
     * The recorded softmax gradient differentiates twice more: d/dx of (H(x)·v)·w, through
     * {@code SoftmaxBackwardDataBackward0}'s own recorded derivatives, matches central differences
     * of H(x)·v·w (for softmax and log-softmax, along a matrix's rows and columns).
     */
    @Test
    void softmaxThirdDerivativesMatchCentralDifferences() {
        double[] x0 = {0.3, -0.8, 1.1, 0.4, -0.2, 0.9};
        double[] c = {0.7, -1.3, 0.4, 1.9, -0.6, 0.25};
        double[] v = {0.2, 1.0, -0.5, 0.3, -0.7, 0.6};
        double[] w = {-0.4, 0.8, 0.1, 0.5, 0.9, -1.1};
        for (boolean log : new boolean[] {false, true}) {
            for (int dim = 0; dim < 2; dim++) {
                double[] third = hvpDotW(x0, c, v, w, log, dim, true);
                for (int k = 0; k < x0.length; k++) {
                    double h = 1e-5;
                    double[] plus = x0.clone(), minus = x0.clone();
                    plus[k] += h;
                    minus[k] -= h;
                    double fd = (hvpDotW(plus, c, v, w, log, dim, false)[0] - hvpDotW(minus, c, v, w, log, dim, false)[0])
                            / (2 * h);
                    assertEquals(fd, third[k], 1e-7, "log=" + log + " dim=" + dim + " k=" + k);
                }
            }
        }
    }

    /** (H·v)·w of f(x) = Σ c·softmax(x) for x of shape [2, 3]; with {@code derive}, its gradient in x instead. */
    private static double[] hvpDotW(double[] x0, double[] c, double[] v, double[] w, boolean log, int dim,
            boolean derive) {
        Tensor x = Tensor.vector(x0).reshape(2, 3).requiresGrad(true);
        Tensor y = log ? x.logSoftmax(dim) : x.softmax(dim);
        Tensor f = y.mul(Tensor.vector(c).reshape(2, 3)).sum();
        GradOptions graph = GradOptions.defaults().createGraph(true);
        Tensor g = Tensor.grad(new Tensor[] {f}, new Tensor[] {x}, graph)[0];
        Tensor hv = Tensor.grad(new Tensor[] {g.mul(Tensor.vector(v).reshape(2, 3)).sum()}, new Tensor[] {x}, graph)[0];
        Tensor s = hv.mul(Tensor.vector(w).reshape(2, 3)).sum();
        return derive ? Tensor.grad(s, x)[0].toArray() : new double[] {s.item()};
    }

    /*
     * x = torch.tensor([0.5], requires_grad=True)
     * (x / (x - x + 3)).backward(torch.tensor([2.]))
     * x.grad.item()   # 0.6666666666666667
     *
     * x's input buffer receives, in the engine's order, DivBackward0's self gradient 2/3, then
     * SubBackward0's outputs in order, self g then other -g (g = -2·(0.5/3/3)): (2/3 + g) + -g. The tape
     * added -g before g (b's gradient first), which rounds to 0.6666666666666665.
     */
    @Test
    void gradientsOfOneNodesTwoInputsAddInPyTorchsOrder() {
        Tensor x = Tensor.vector(0.5).requiresGrad(true);
        x.div(x.sub(x).add(3)).backward(Tensor.vector(2));
        assertBits(new double[] {0.6666666666666667}, x.grad());
    }

    /*
     * x = torch.tensor([1., 2.], requires_grad=True)
     * y = x * 3; y.retain_grad()
     * torch.autograd.grad((y * y).sum(), y)   # (tensor([ 6., 12.]),)
     * y.grad                                  # tensor([ 6., 12.])
     *
     * engine.cpp's evaluate_function calls a node's tensor pre-hooks (retains_grad's among them) even
     * when the node is only captured and does not run ("We always want to call tensor pre-hooks").
     * The tape skipped them and left y.grad None.
     */
    @Test
    void autogradGradOfARetainedNonLeafInputFillsItsGrad() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(3).retainGrad();
        Tensor[] g = Tensor.grad(y.mul(y).sum(), y);
        assertEquals("tensor([ 6., 12.])", g[0].toString());
        assertEquals("tensor([ 6., 12.])", y.grad().toString());
        assertNotSame(g[0], y.grad());
        assertEquals(null, x.grad(), "autograd.grad accumulates into no leaf");
    }
}
