package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * sign, clamp, max/min and amax/amin against PyTorch: values, gradients at bounds and ties (from
 * derivatives.yaml and FunctionsManual.cpp: zeros_like, clamp_backward, evenly_distribute_backward,
 * scale_grad_by_count), names, printing, errors, and numerical gradient checks away from the kinks.
 */
class ExtremaTest {

    private static final double NAN = Double.NaN;

    /** The bits of every gradient element: -0. and 0. apart. */
    private static void assertBits(double[] expected, Tensor actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual.get(i)),
                    "element " + i + " of " + actual);
        }
    }

    /*
     * x = torch.tensor([-2., -0., 0., 3., nan], requires_grad=True)
     * y = x.sign(); y    # tensor([-1.,  0.,  0.,  1.,  0.], grad_fn=<SignBackward0>)   ATen: (0 < x) - (x < 0)
     * y.backward(torch.tensor([-1., -1., -1., -1., -1.])); x.grad   # tensor([0., 0., 0., 0., 0.]): zeros_like(grad)
     */
    @Test
    void signIsZeroAtZeroAndNanWithAPlusZeroGradient() {
        Tensor x = Tensor.vector(-2, -0.0, 0, 3, NAN).requiresGrad(true);
        Tensor y = x.sign();
        assertEquals("tensor([-1.,  0.,  0.,  1.,  0.], grad_fn=<SignBackward0>)", y.toString());
        assertBits(new double[] {-1, 0.0, 0.0, 1, 0.0}, y);
        y.backward(Tensor.vector(-1, -1, -1, -1, -1));
        assertEquals("tensor([0., 0., 0., 0., 0.])", x.grad().toString());
        assertBits(new double[] {0.0, 0.0, 0.0, 0.0, 0.0}, x.grad());
    }

    /*
     * x = torch.tensor([-1., 0., 0.5, 1., 2., nan], requires_grad=True)
     * y = x.clamp(0, 1); y
     *     # tensor([0.0000, 0.0000, 0.5000, 1.0000, 1.0000,    nan],
     *     #        grad_fn=<ClampBackward1>)
     * y.backward(torch.full((6,), -2.)); x.grad
     *     # tensor([ 0., -2., -2., -2.,  0.,  0.]): where(self >= min & self <= max, grad, 0), bounds included
     */
    @Test
    void clampPassesTheGradientAtItsBoundsAndNowhereOutside() {
        Tensor x = Tensor.vector(-1, 0, 0.5, 1, 2, NAN).requiresGrad(true);
        Tensor y = x.clamp(0, 1);
        // _add_suffixes: 56 characters + 2 + the suffix's 24 pass 80, so the suffix goes on a line of its own
        assertEquals("tensor([0.0000, 0.0000, 0.5000, 1.0000, 1.0000,    nan],\n       grad_fn=<ClampBackward1>)",
                y.toString());
        y.backward(Tensor.vector(-2, -2, -2, -2, -2, -2));
        assertEquals("tensor([ 0., -2., -2., -2.,  0.,  0.])", x.grad().toString());
        assertBits(new double[] {0.0, -2, -2, -2, 0.0, 0.0}, x.grad());
    }

    /*
     * x = torch.tensor([-0.5, 2.], requires_grad=True)
     * g, = torch.autograd.grad(x.clamp(-1, 1).pow(2).sum(), x, create_graph=True)
     * g          # tensor([-1., 0.], grad_fn=<WhereBackward0>)
     * torch.autograd.grad(g.sum(), x)   # (tensor([2., 0.]),)
     */
    @Test
    void clampDifferentiatesTwice() {
        Tensor x = Tensor.vector(-0.5, 2).requiresGrad(true);
        Tensor g = Tensor.grad(new Tensor[] {x.clamp(-1, 1).pow(2).sum()}, new Tensor[] {x},
                GradOptions.defaults().createGraph(true))[0];
        assertEquals("tensor([-1.,  0.], grad_fn=<WhereBackward0>)", g.toString());
        assertEquals("tensor([2., 0.])", Tensor.grad(g.sum(), x)[0].toString());
    }

    /*
     * x = torch.tensor([1., 3., 3., 2.], requires_grad=True)
     * m = x.max(); m      # tensor(3., grad_fn=<MaxBackward1>)
     * m.backward(); x.grad    # tensor([0.0000, 0.5000, 0.5000, 0.0000]): evenly_distribute_backward
     * x = torch.tensor([1., nan, 3., nan], requires_grad=True)
     * x.max()             # tensor(nan, grad_fn=<MaxBackward1>)
     * x.max().backward(); x.grad    # tensor([0.0000, 0.5000, 0.0000, 0.5000]): the mask is input.isnan()
     * x = torch.tensor([[4., -1.], [-1., 0.]], requires_grad=True); x.min().backward(); x.grad
     *     # tensor([[0.0000, 0.5000], [0.5000, 0.0000]])
     */
    @Test
    void maxAndMinShareTheGradientAmongTies() {
        Tensor x = Tensor.vector(1, 3, 3, 2).requiresGrad(true);
        Tensor m = x.max();
        assertEquals("tensor(3., grad_fn=<MaxBackward1>)", m.toString());
        m.backward();
        assertEquals("tensor([0.0000, 0.5000, 0.5000, 0.0000])", x.grad().toString());

        Tensor n = Tensor.vector(1, NAN, 3, NAN).requiresGrad(true);
        assertEquals("tensor(nan, grad_fn=<MaxBackward1>)", n.max().toString());
        n.max().backward();
        assertEquals("tensor([0.0000, 0.5000, 0.0000, 0.5000])", n.grad().toString());

        Tensor w = Tensor.matrix(new double[][] {{4, -1}, {-1, 0}}).requiresGrad(true);
        Tensor lo = w.min();
        assertEquals("tensor(-1., grad_fn=<MinBackward1>)", lo.toString());
        lo.backward(Tensor.scalar(-1));
        assertBits(new double[] {0.0, -0.5, -0.5, 0.0}, w.grad()); // new_zeros(...).masked_fill_: +0. off the ties
    }

    /*
     * torch.zeros(0).max()
     * RuntimeError: max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction
     * dim with the 'dim' argument.
     */
    @Test
    void maxOfAnEmptyTensorIsRefused() {
        assertEquals("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
                + "dim with the 'dim' argument.",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).max()).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 0).amax(1));
    }

    /*
     * x = torch.tensor([[1., 5., 5.], [2., 0., -1.]], requires_grad=True)
     * a = x.amax(1); a    # tensor([5., 2.], grad_fn=<AmaxBackward0>)
     * a.backward(torch.tensor([-1., 3.])); x.grad
     *     # tensor([[-0.0000, -0.5000, -0.5000],
     *     #         [ 3.0000,  0.0000,  0.0000]])
     *     # scale_grad_by_count: (grad / mask.sum(1, keepdim)) * mask, so -0.5 * 0 = -0. off the ties
     * x.amin(0, keepdim=True)   # tensor([[ 1.,  0., -1.]], grad_fn=<AminBackward0>)
     */
    @Test
    void amaxScalesByTheTieCountAndMultipliesByTheMask() {
        Tensor x = Tensor.matrix(new double[][] {{1, 5, 5}, {2, 0, -1}}).requiresGrad(true);
        Tensor a = x.amax(1);
        assertEquals("tensor([5., 2.], grad_fn=<AmaxBackward0>)", a.toString());
        a.backward(Tensor.vector(-1, 3));
        assertEquals("tensor([[-0.0000, -0.5000, -0.5000],\n        [ 3.0000,  0.0000,  0.0000]])", x.grad().toString());
        assertEquals("tensor([[ 1.,  0., -1.]], grad_fn=<AminBackward0>)", x.amin(0, true).toString());
    }

    /*
     * x = torch.tensor([[1., nan], [3., 2.]], requires_grad=True)
     * x.amax(1)                          # tensor([nan, 3.], grad_fn=<AmaxBackward0>)
     * x.amax(1).sum().backward(); x.grad # tensor([[nan, nan], [1., 0.]]): nan == nan is false, so count 0: (1/0)·0
     */
    @Test
    void amaxOfASliceWithNanGivesThatSliceNanGradients() {
        Tensor x = Tensor.matrix(new double[][] {{1, NAN}, {3, 2}}).requiresGrad(true);
        Tensor a = x.amax(1);
        assertEquals("tensor([nan, 3.], grad_fn=<AmaxBackward0>)", a.toString());
        a.sum().backward();
        assertEquals("tensor([[nan, nan],\n        [1., 0.]])", x.grad().toString());
    }

    /*
     * x = torch.tensor([[1., 4.], [3., 2.]], requires_grad=True)
     * g, = torch.autograd.grad((x.amax(0) ** 2).sum(), x, create_graph=True)
     * g    # tensor([[0., 8.], [6., 0.]], grad_fn=<MulBackward0>)
     */
    @Test
    void amaxRecordedGradientIsAProductWithTheMask() {
        Tensor x = Tensor.matrix(new double[][] {{1, 4}, {3, 2}}).requiresGrad(true);
        Tensor g = Tensor.grad(new Tensor[] {x.amax(0).pow(2).sum()}, new Tensor[] {x},
                GradOptions.defaults().createGraph(true))[0];
        assertEquals("tensor([[0., 8.],\n        [6., 0.]], grad_fn=<MulBackward0>)", g.toString());
        assertEquals("tensor([[0., 2.],\n        [2., 0.]])", Tensor.grad(g.sum(), x)[0].toString());
    }

    @Test
    void gradientsMatchCentralDifferencesAwayFromKinksAndTies() {
        double[] v = {0.3, -1.2, 2.5, 0.9, -0.4, 1.7};
        GradCheck.check(in -> in[0].clamp(-1, 1), v);
        GradCheck.check(in -> in[0].max(), v);
        GradCheck.check(in -> in[0].min(), v);
        GradCheck.check(in -> in[0].reshape(2, 3).amax(1), v);
        GradCheck.check(in -> in[0].reshape(2, 3).amin(0, true), v);
        GradCheck.check(in -> in[0].sign().add(in[0]), v);
    }

    @Test
    void withoutGradNothingIsRecorded() {
        Tensor x = Tensor.vector(1, 2);
        assertNull(x.clamp(0, 1).gradFn());
        assertNull(x.max().gradFn());
        assertNull(x.amax(0).gradFn());
        assertNull(x.sign().gradFn());
    }

    /*
     * x = torch.tensor([0.5, 2.], requires_grad=True)
     * y = x * 1; z = y.clamp(0, 1); y.add_(1); z.sum().backward()
     * RuntimeError: one of the variables needed for gradient computation has been modified by an inplace
     * operation: ...   (clamp saves self; max and amax save self and result)
     * z = (x * 1).amax(0); z.backward(); z.backward()
     * RuntimeError: Trying to backward through the graph a second time ...
     */
    @Test
    void savedInputsAreCheckedAndFreedAsPyTorchs() {
        Tensor x = Tensor.vector(0.5, 2).requiresGrad(true);
        Tensor y = x.mul(1);
        Tensor z = y.clamp(0, 1);
        y.addInPlace(1);
        String message = assertThrows(IllegalStateException.class, () -> z.sum().backward()).getMessage();
        assertEquals(true, message.startsWith("one of the variables needed for gradient computation has been "
                + "modified by an inplace operation: [Tensor [2]]"), message);

        Tensor m = x.mul(1).amax(0);
        m.backward();
        assertThrows(IllegalStateException.class, m::backward);
        Tensor top = x.mul(1).max();
        top.backward(true);
        top.backward();
        assertEquals("tensor([0., 3.])", x.grad().toString()); // amax once, max twice: 1 + 2 at the larger
    }

    /*
     * x = torch.tensor([3., 4.], requires_grad=True)
     * n = x.norm(); n           # tensor(5., grad_fn=<LinalgVectorNormBackward0>)
     * n.backward(); x.grad      # tensor([0.6000, 0.8000])
     * z = torch.zeros(3, requires_grad=True)
     * z.norm()                  # tensor(0., grad_fn=<LinalgVectorNormBackward0>)
     * z.norm().backward(torch.tensor(-1.)); z.grad   # tensor([-0., -0., -0.]):
     *     # norm_backward: grad * (self / norm).masked_fill_(norm == 0, 0) = -1 * 0.
     * g, = torch.autograd.grad(x.norm(), x, create_graph=True); g   # tensor([0.6000, 0.8000], grad_fn=<MulBackward0>)
     * torch.autograd.grad(g.sum(), x)   # d/dx Σ x/‖x‖ = 1/‖x‖ - x·Σx/‖x‖³ = (0.032, -0.024)
     */
    @Test
    void normIsZeroGradientAtZeroAndDifferentiatesTwice() {
        Tensor x = Tensor.vector(3, 4).requiresGrad(true);
        Tensor n = x.norm();
        assertEquals("tensor(5., grad_fn=<LinalgVectorNormBackward0>)", n.toString());
        n.backward();
        assertEquals("tensor([0.6000, 0.8000])", x.grad().toString());

        Tensor z = Tensor.zeros(3).requiresGrad(true);
        assertEquals("tensor(0., grad_fn=<LinalgVectorNormBackward0>)", z.norm().toString());
        z.norm().backward(Tensor.scalar(-1));
        assertEquals("tensor([-0., -0., -0.])", z.grad().toString());

        Tensor w = Tensor.vector(3, 4).requiresGrad(true);
        Tensor g = Tensor.grad(new Tensor[] {w.norm()}, new Tensor[] {w}, GradOptions.defaults().createGraph(true))[0];
        assertEquals("tensor([0.6000, 0.8000], grad_fn=<MulBackward0>)", g.toString());
        Tensor h = Tensor.grad(g.sum(), w)[0];
        assertEquals(0.032, h.get(0), 1e-15);
        assertEquals(-0.024, h.get(1), 1e-15);

        GradCheck.check(in -> in[0].norm(), new double[] {0.3, -1.2, 2.5, 0.9, -0.4, 1.7, 0.2});
        GradCheck.check(in -> in[0].reshape(2, 2).norm().mul(in[0].sum()), new double[] {0.5, -1, 2, 0.25});
    }

    /*
     * x = torch.tensor([1e200, 1e200]); x.norm()   # tensor(inf): no scaling, sqrt(Σ x²) overflows
     * torch.tensor([1., 2., 3., 4., 5.]).norm().item()   # 7.416198487095663
     */
    @Test
    void normAddsItsSquaresAsPyTorchsKernel() {
        assertEquals("tensor(inf)", Tensor.vector(1e200, 1e200).norm().toString());
        assertEquals(Math.sqrt(55), Tensor.vector(1, 2, 3, 4, 5).norm().item(), 0);
    }
}
