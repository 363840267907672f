package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The tape under inputs meant to break it: NaN and infinities, empty tensors, mismatched shapes,
 * backward on several threads at once, 100,000-node graphs walked forwards, backwards and twice,
 * reuse after zeroing, and derivatives of derivatives. Expected values are PyTorch's (the program
 * in each comment), which follow from derivatives.yaml's formulas in IEEE arithmetic.
 */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class AdversarialTest {

    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    private static Tensor gradOf(Tensor x, java.util.function.UnaryOperator<Tensor> f) {
        f.apply(x).sum().backward();
        return x.grad();
    }

    // ---------------------------------------------------------------- NaN and infinities

    /*
     * x = torch.tensor([0., -0.], requires_grad=True); x.log().sum().backward(); x.grad      # tensor([inf, -inf])
     * x = torch.tensor([0.], requires_grad=True);  x.sqrt().sum().backward(); x.grad        # tensor([inf])
     * x = torch.tensor([inf, -inf], requires_grad=True); x.exp().sum().backward(); x.grad   # tensor([inf, 0.])
     * x = torch.tensor([inf, -inf], requires_grad=True); x.tanh().sum().backward(); x.grad  # tensor([0., 0.])
     * x = torch.tensor([inf], requires_grad=True); (x * 0).sum().backward(); x.grad         # tensor([0.])
     * x = torch.tensor([0.], requires_grad=True); (x * inf).sum().backward(); x.grad        # tensor([inf])
     */
    @Test
    void gradientsAtInfinitiesAndZerosFollowTheFormulasInIeeeArithmetic() {
        assertEquals("tensor([inf, -inf])", gradOf(Tensor.vector(0, -0.0).requiresGrad(true), Tensor::log).toString());
        assertEquals("tensor([inf])", gradOf(Tensor.vector(0).requiresGrad(true), Tensor::sqrt).toString());
        assertEquals("tensor([inf, 0.])", gradOf(Tensor.vector(INF, -INF).requiresGrad(true), Tensor::exp).toString());
        assertEquals("tensor([0., 0.])", gradOf(Tensor.vector(INF, -INF).requiresGrad(true), Tensor::tanh).toString());
        assertEquals("tensor([0.])", gradOf(Tensor.vector(INF).requiresGrad(true), t -> t.mul(0)).toString());
        assertEquals("tensor([inf])", gradOf(Tensor.vector(0).requiresGrad(true), t -> t.mul(INF)).toString());
    }

    /*
     * x = torch.tensor([1., nan, 2.], requires_grad=True)
     * y = x.softmax(0); y                     # tensor([nan, nan, nan], grad_fn=<SoftmaxBackward0>)
     * y[0].backward(); x.grad                 # tensor([nan, nan, nan])
     * w = torch.tensor([inf, -inf], requires_grad=True); w.sum()   # tensor(nan, grad_fn=<SumBackward0>)
     */
    @Test
    void aNanSpreadsThroughASoftmaxSliceAndItsGradient() {
        Tensor x = Tensor.vector(1, NAN, 2).requiresGrad(true);
        Tensor y = x.softmax(0);
        assertEquals("tensor([nan, nan, nan], grad_fn=<SoftmaxBackward0>)", y.toString());
        y.select(0, 0).backward();
        assertEquals("tensor([nan, nan, nan])", x.grad().toString());
        assertEquals("tensor(nan, grad_fn=<SumBackward0>)", Tensor.vector(INF, -INF).requiresGrad(true).sum().toString());
    }

    /*
     * A = torch.tensor([[1., inf], [0., 1.]], requires_grad=True); v = torch.tensor([0., 1.], requires_grad=True)
     * (A @ v).sum().backward()
     * A.grad   # tensor([[0., 1.], [0., 1.]])   grad.ger(v)
     * v.grad   # tensor([1., inf])              A.t().mv(grad)
     */
    @Test
    void anInfinityInAMatrixReachesOnlyTheGradientThatReadsIt() {
        Tensor a = Tensor.matrix(new double[][] {{1, INF}, {0, 1}}).requiresGrad(true);
        Tensor v = Tensor.vector(0, 1).requiresGrad(true);
        a.mv(v).sum().backward();
        assertEquals("tensor([[0., 1.],\n        [0., 1.]])", a.grad().toString());
        assertEquals("tensor([1., inf])", v.grad().toString());
    }

    // ---------------------------------------------------------------- empty tensors

    /*
     * x = torch.zeros(0, requires_grad=True)
     * x                        # tensor([], requires_grad=True)
     * x.sum()                  # tensor(0., grad_fn=<SumBackward0>)
     * x.mean()                 # tensor(nan, grad_fn=<MeanBackward0>)
     * x.sum().backward(); x.grad   # tensor([])
     * m = torch.zeros(0, 3, requires_grad=True)
     * m                        # tensor([], size=(0, 3), requires_grad=True)
     * m.mean(0)                # tensor([nan, nan, nan], grad_fn=<MeanBackward1>)
     * m.sum(1)                 # tensor([], grad_fn=<SumBackward1>)
     * torch.zeros(2, 0) @ torch.zeros(0, 3)   # tensor([[0., 0., 0.], [0., 0., 0.]])
     */
    @Test
    void emptyTensorsReduceAndDifferentiateAsInPyTorch() {
        Tensor x = Tensor.zeros(0).requiresGrad(true);
        assertEquals("tensor([], requires_grad=True)", x.toString());
        assertEquals("tensor(0., grad_fn=<SumBackward0>)", x.sum().toString());
        assertEquals("tensor(nan, grad_fn=<MeanBackward0>)", x.mean().toString());
        x.sum().backward();
        assertEquals("tensor([])", x.grad().toString());
        x.mean().backward();
        assertEquals("tensor([])", x.grad().toString());

        Tensor m = Tensor.zeros(0, 3).requiresGrad(true);
        assertEquals("tensor([], size=(0, 3), requires_grad=True)", m.toString());
        assertEquals("tensor([nan, nan, nan], grad_fn=<MeanBackward1>)", m.mean(0).toString());
        assertEquals("tensor([], grad_fn=<SumBackward1>)", m.sum(1).toString());
        m.mean(0).sum().backward();
        assertEquals("tensor([], size=(0, 3))", m.grad().toString());

        Tensor a = Tensor.zeros(2, 0).requiresGrad(true);
        Tensor b = Tensor.zeros(0, 3).requiresGrad(true);
        Tensor c = a.mm(b);
        assertEquals("tensor([[0., 0., 0.],\n        [0., 0., 0.]], grad_fn=<MmBackward0>)", c.toString());
        c.sum().backward();
        assertEquals("tensor([], size=(2, 0))", a.grad().toString());
        assertEquals("tensor([], size=(0, 3))", b.grad().toString());
    }

    // ---------------------------------------------------------------- shape errors name both shapes

    /*
     * torch.zeros(2, 3) + torch.zeros(3, 2)
     * RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1
     * torch.zeros(2, 3) @ torch.zeros(2, 3)
     * RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
     * torch.zeros(3).dot(torch.zeros(2))
     * RuntimeError: inconsistent tensor size, expected tensor [3] and src [2] to have the same number of elements,
     * but got 3 and 2 elements respectively
     * x = torch.zeros(2, requires_grad=True); (x * 2).backward(torch.zeros(3))
     * RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of
     * torch.Size([2]).
     * with torch.no_grad(): torch.zeros(2).add_(torch.zeros(2, 2))
     * RuntimeError: output with shape [2] doesn't match the broadcast shape [2, 2]
     */
    @Test
    void shapeErrorsNameBothShapes() {
        assertEquals("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(3, 2)))
                        .getMessage());
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(2, 3)))
                        .getMessage());
        assertEquals("inconsistent tensor size, expected tensor [3] and src [2] to have the same number of elements, "
                + "but got 3 and 2 elements respectively",
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).dot(Tensor.zeros(2))).getMessage());
        Tensor x = Tensor.zeros(2).requiresGrad(true);
        assertEquals("Mismatch in shape: grad_output[0] has a shape of [3] and output[0] has a shape of [2].",
                assertThrows(IllegalArgumentException.class, () -> x.mul(2).backward(Tensor.zeros(3))).getMessage());
        try (GradMode g = Tensor.noGrad()) {
            assertEquals("output with shape [2] doesn't match the broadcast shape [2, 2]",
                    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).addInPlace(Tensor.zeros(2, 2)))
                            .getMessage());
        }
    }

    // ---------------------------------------------------------------- threads

    /**
     * Eight threads, each building its own graphs on two shared leaves and walking them backward 200
     * times, half of them with createGraph, while grad mode is switched off and on in scopes on the
     * same threads between calls: every gradient arrives, none twice, and each thread's grad mode
     * stays its own.
     */
    @Test
    void concurrentBackwardOnGraphsSharingLeavesAddsEveryGradient() throws Exception {
        Tensor w = Tensor.vector(0.5, -1.5, 2.0).requiresGrad(true);
        Tensor b = Tensor.scalar(0.25).requiresGrad(true);
        int threads = 8, rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    boolean modesStayed = true;
                    for (int r = 0; r < rounds; r++) {
                        Tensor y = w.mul(w).add(b).sin().sum(); // d/dw = cos(w² + b)·2w, d/db = Σ cos(w² + b)
                        y.backward(null, false, (id + r) % 2 == 0);
                        try (GradMode g = Tensor.noGrad()) {
                            modesStayed &= !Tensor.isGradEnabled() && w.mul(2).gradFn() == null;
                        }
                        modesStayed &= Tensor.isGradEnabled();
                    }
                    return modesStayed;
                }));
            }
            for (Future<Boolean> f : done) {
                assertTrue(f.get(60, TimeUnit.SECONDS), "a thread saw another thread's grad mode");
            }
        } finally {
            pool.shutdownNow();
        }
        double[] wv = {0.5, -1.5, 2.0};
        double n = threads * rounds, db = 0;
        for (int i = 0; i < 3; i++) {
            double c = Math.cos(wv[i] * wv[i] + 0.25);
            assertEquals(n * c * 2 * wv[i], w.grad().get(i), 1e-9 * n);
            db += c;
        }
        assertEquals(n * db, b.grad().item(), 1e-9 * n);
    }

    // ---------------------------------------------------------------- very deep graphs

    private static final int DEEP = 100_000;

    /**
     * A 100,000-node chain differentiated twice: the first backward with createGraph records a second
     * 100,000-node chain, which {@code Tensor.grad} walks again (its path marking is iterative, as the
     * walk is). y = x·c^n has dy/dx = c^n and d²y/dx² = 0 (to rounding).
     */
    @Test
    void aHundredThousandNodeChainDifferentiatesTwiceWithoutStackOverflow() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < DEEP; i++) {
            y = y.mul(1.000001).exp().log(); // log(exp(u)) = u: 3 nodes per step
        }
        Tensor[] g = Tensor.grad(new Tensor[] {y}, new Tensor[] {x}, GradOptions.defaults().createGraph(true));
        assertEquals(Math.pow(1.000001, DEEP), g[0].item(), 1e-6);
        Tensor[] gg = Tensor.grad(new Tensor[] {g[0]}, new Tensor[] {x}, GradOptions.defaults().allowUnused(true));
        assertEquals(0.0, gg[0].item(), 1e-6); // Π (c·e^u / e^u) depends on x only through rounding
    }

    /**
     * 100,000 additions of one shared leaf into a running vector sum: 100,000 edges into one
     * accumulator, a retained gradient at the end, and printing the deep result.
     */
    @Test
    void aHundredThousandEdgesIntoOneLeafAddUp() {
        Tensor x = Tensor.vector(1, -2).requiresGrad(true);
        Tensor y = Tensor.zeros(2);
        for (int i = 0; i < DEEP; i++) {
            y = y.add(x);
        }
        y.retainGrad();
        assertEquals("tensor([ 100000., -200000.], grad_fn=<AddBackward0>)", y.toString());
        y.sum().backward();
        assertArrayEquals(new double[] {DEEP, DEEP}, x.grad().toArray(), 0);
        assertArrayEquals(new double[] {1, 1}, y.grad().toArray(), 0);
    }

    // ---------------------------------------------------------------- reuse after zeroing

    /*
     * w = torch.tensor([1., 2.], requires_grad=True)
     * for step in range(3):
     *     (w * w).sum().backward()     # grad 2w
     *     g = w.grad                   # the same tensor every step
     *     with torch.no_grad(): w -= 0.25 * w.grad
     *     w.grad.zero_()
     * w, w.grad   # tensor([0.1250, 0.2500], requires_grad=True), tensor([0., 0.])
     */
    @Test
    void aTrainingLoopReusesItsZeroedGradientTensor() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tensor first = null;
        for (int step = 0; step < 3; step++) {
            w.mul(w).sum().backward();
            if (first == null) {
                first = w.grad();
            }
            assertSame(first, w.grad(), "zero_() keeps the tensor; backward adds into it");
            try (GradMode g = Tensor.noGrad()) {
                w.subInPlace(w.grad().mul(0.25));
            }
            w.zeroGrad();
        }
        assertEquals("tensor([0.1250, 0.2500], requires_grad=True)", w.toString());
        assertEquals("tensor([0., 0.])", w.grad().toString());
        w.setGrad(null);
        assertNull(w.grad());
        w.mul(3).sum().backward();
        assertEquals("tensor([3., 3.])", w.grad().toString());
    }

    // ---------------------------------------------------------------- derivatives of derivatives

    /*
     * x = torch.tensor(2., requires_grad=True)
     * g, = torch.autograd.grad(x ** 4, x, create_graph=True)   # tensor(32., grad_fn=<MulBackward0>)
     * gg, = torch.autograd.grad(g, x, create_graph=True)       # tensor(48., grad_fn=<MulBackward0>)
     * ggg, = torch.autograd.grad(gg, x)                        # tensor(48.)
     * g4 = torch.autograd.grad(ggg_graph, x) ...               # 24 (fourth derivative), then 0 (fifth)
     */
    @Test
    void derivativesOfDerivativesToTheFifthOrder() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        GradOptions graph = GradOptions.defaults().createGraph(true);
        Tensor g = Tensor.grad(new Tensor[] {x.pow(4)}, new Tensor[] {x}, graph)[0];
        assertEquals("tensor(32., grad_fn=<MulBackward0>)", g.toString());
        Tensor gg = Tensor.grad(new Tensor[] {g}, new Tensor[] {x}, graph)[0];
        assertEquals("tensor(48., grad_fn=<MulBackward0>)", gg.toString());
        Tensor ggg = Tensor.grad(new Tensor[] {gg}, new Tensor[] {x}, graph)[0];
        assertEquals(48.0, ggg.item(), 0);
        Tensor g4 = Tensor.grad(new Tensor[] {ggg}, new Tensor[] {x}, graph)[0];
        assertEquals(24.0, g4.item(), 0);
        Tensor g5 = Tensor.grad(new Tensor[] {g4}, new Tensor[] {x}, graph.allowUnused(true).materializeGrads(true))[0];
        assertEquals(0.0, g5.item(), 0);
    }
}
