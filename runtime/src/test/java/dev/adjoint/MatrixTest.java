package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * 2-D tensors as PyTorch has them: construction, matmul's four cases, transpose, reductions along
 * a dim, broadcasting a vector over rows, softmax, log-softmax and the classification losses. Each
 * value is checked against numbers computed independently (by hand or NumPy), each gradient
 * against central differences ({@link GradCheck}), each grad_fn name against PyTorch's.
 */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class MatrixTest {

    private static final Tensor A = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
    private static final Tensor B = Tensor.matrix(new double[][] {{0.5, -1}, {2, 0.25}, {-1.5, 3}});

    private static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.check(f, inputs);
    }

    @Test
    void matrixCopiesItsRowsAndKnowsItsShape() {
        double[][] rows = {{1, 2}, {3, 4}, {5, 6}};
        Tensor m = Tensor.matrix(rows);
        rows[0][0] = 99;
        assertArrayEquals(new int[] {3, 2}, m.shape());
        assertEquals(2, m.dim());
        assertEquals(6, m.numel());
        assertEquals(3, m.size(0));
        assertEquals(2, m.size(-1));
        assertEquals(1.0, m.get(0, 0), 0, "matrix() copies");
        assertEquals(6.0, m.get(2, 1), 0);
        assertEquals(4.0, m.get(3), 0, "get(i) reads the row-major flattening");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.toArray(), 0);
        assertArrayEquals(new double[] {5, 6}, m.toMatrix()[2], 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5}}));
        assertEquals("expected sequence of length 3 at dim 1 (got 2)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.size(2));
    }

    @Test
    void zerosAndOnesTakeAShape() {
        assertArrayEquals(new int[] {2, 3}, Tensor.zeros(2, 3).shape());
        assertArrayEquals(new double[] {1, 1, 1}, Tensor.ones(3).toArray(), 0);
        assertArrayEquals(new int[0], Tensor.ones().shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 2, 3));
    }

    @Test
    void mmIsTheMatrixProductAndItsGradients() {
        Tensor c = A.mm(B); // [[0.5 + 4 - 4.5, -1 + 0.5 + 9], [2 + 10 - 9, -4 + 1.25 + 18]]
        assertArrayEquals(new int[] {2, 2}, c.shape());
        assertArrayEquals(new double[] {0, 8.5, 3, 15.25}, c.toArray(), 1e-15);
        Tensor a = A.clone().requiresGrad(true), b = B.clone().requiresGrad(true);
        Tensor y = a.mm(b);
        assertEquals("MmBackward0", y.gradFn());
        y.sum().backward(); // d sum(AB)/dA = 1·Bᵀ (row sums of B), d/dB = Aᵀ·1 (row sums of Aᵀ)
        assertArrayEquals(new double[] {-0.5, 2.25, 1.5, -0.5, 2.25, 1.5}, a.grad().toArray(), 1e-15);
        assertArrayEquals(new double[] {5, 5, 7, 7, 9, 9}, b.grad().toArray(), 1e-15);
        check(in -> in[0].mm(in[1]), A, B);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> A.mm(A));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)", e.getMessage());
    }

    @Test
    void matmulDispatchesAsPyTorchWithItsGradFnNames() {
        Tensor v3 = Tensor.vector(1, -2, 0.5).requiresGrad(true);
        Tensor v2 = Tensor.vector(3, 4).requiresGrad(true);
        Tensor a = A.clone().requiresGrad(true);
        Tensor mv = a.matmul(v3); // [1·1 - 2·2 + 3·0.5, 4 - 10 + 3] = [-1.5, -3]
        assertEquals("MvBackward0", mv.gradFn());
        assertArrayEquals(new double[] {-1.5, -3}, mv.toArray(), 1e-15);
        Tensor vm = v2.matmul(a); // [3 + 16, 6 + 20, 9 + 24]
        assertEquals("SqueezeBackward4", vm.gradFn(), "PyTorch 2.13: tensor1.unsqueeze(0).mm(tensor2).squeeze(0)");
        assertArrayEquals(new int[] {3}, vm.shape());
        assertArrayEquals(new double[] {19, 26, 33}, vm.toArray(), 1e-15);
        assertEquals("DotBackward0", v3.matmul(v3).gradFn());
        assertEquals("MmBackward0", a.matmul(a.t()).gradFn());
        check(in -> in[0].matmul(in[1]), A, Tensor.vector(1, -2, 0.5));
        check(in -> in[0].matmul(in[1]), Tensor.vector(3, 4), A);
        check(in -> in[0].matmul(in[1]), A, B);
        check(in -> in[0].mv(in[1]), A, Tensor.vector(0.1, 0.2, 0.3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1).matmul(v3));
        assertEquals("both arguments to matmul need to be at least 1D, but they are 0D and 1D", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> A.mv(Tensor.vector(1, 2)));
        assertEquals("size mismatch, got input (2), mat (2x3), vec (2)", e.getMessage());
    }

    @Test
    void transposeSwapsRowsAndColumnsAndSoDoesItsGradient() {
        Tensor t = A.t();
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, t.toArray(), 0);
        assertArrayEquals(t.toArray(), A.transpose(0, 1).toArray(), 0);
        assertArrayEquals(t.toArray(), A.transpose(-1, -2).toArray(), 0);
        Tensor a = A.clone().requiresGrad(true);
        assertEquals("TBackward0", a.t().gradFn());
        assertEquals("TransposeBackward0", a.transpose(0, 1).gradFn());
        check(in -> in[0].t().mul(Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}})).sum(), A);
        assertArrayEquals(new double[] {1, 2}, Tensor.vector(1, 2).t().toArray(), 0, "t() of a vector is the vector");
    }

    @Test
    void sumAndMeanAlongADimWithAndWithoutKeepdim() {
        assertArrayEquals(new double[] {5, 7, 9}, A.sum(0).toArray(), 0);
        assertArrayEquals(new int[] {3}, A.sum(0).shape());
        assertArrayEquals(new double[] {6, 15}, A.sum(1).toArray(), 0);
        assertArrayEquals(new double[] {6, 15}, A.sum(-1).toArray(), 0);
        assertArrayEquals(new int[] {2, 1}, A.sum(1, true).shape());
        assertArrayEquals(new int[] {1, 3}, A.mean(0, true).shape());
        assertArrayEquals(new double[] {2.5, 3.5, 4.5}, A.mean(0).toArray(), 0);
        assertArrayEquals(new double[] {2, 5}, A.mean(1).toArray(), 0);
        assertEquals(21.0, A.sum().item(), 0);
        assertEquals(3.5, A.mean().item(), 0);
        assertEquals(7.0, Tensor.scalar(7).sum(0).item(), 0, "a 0-d tensor accepts dim 0, as PyTorch");
        Tensor a = A.clone().requiresGrad(true);
        assertEquals("SumBackward1", a.sum(1).gradFn());
        assertEquals("MeanBackward1", a.mean(0).gradFn());
        Tensor w = Tensor.matrix(new double[][] {{1, -1, 2}, {0.5, 3, -2}});
        check(in -> in[0].sum(0).mul(Tensor.vector(1, 2, 3)).sum(), A);
        check(in -> in[0].sum(1, true).mul(Tensor.matrix(new double[][] {{2}, {-1}})).sum(), A);
        check(in -> in[0].mean(1).mul(Tensor.vector(1, 2)).sum(), A);
        check(in -> in[0].mean(0, true).mul(w.sum(0, true)).sum(), A);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> A.sum(2));
        assertEquals("Dimension out of range (expected to be in range of [-2, 1], but got 2)", e.getMessage());
    }

    @Test
    void aVectorBroadcastsOverTheRowsAndItsGradientSumsOverThem() {
        Tensor bias = Tensor.vector(10, 20, 30).requiresGrad(true);
        Tensor a = A.clone().requiresGrad(true);
        Tensor y = a.add(bias);
        assertArrayEquals(new int[] {2, 3}, y.shape());
        assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, y.toArray(), 0);
        y.mul(Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}})).sum().backward();
        assertArrayEquals(new double[] {5, 7, 9}, bias.grad().toArray(), 0, "summed over the rows");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.grad().toArray(), 0);
        // a column [m, 1] broadcasts over the columns, a scalar over everything
        Tensor column = Tensor.matrix(new double[][] {{1}, {2}});
        assertArrayEquals(new double[] {1, 2, 3, 8, 10, 12}, A.mul(column).toArray(), 0);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, A.sub(Tensor.scalar(1)).toArray(), 0);
        assertArrayEquals(new int[] {2, 3}, column.add(Tensor.vector(1, 2, 3)).shape(), "[2,1] + [3] -> [2,3]");
        for (Function<Tensor[], Tensor> op : java.util.List.<Function<Tensor[], Tensor>>of(
                in -> in[0].add(in[1]), in -> in[0].sub(in[1]), in -> in[0].mul(in[1]), in -> in[0].div(in[1]),
                in -> in[0].pow(in[1]))) {
            check(op, A, Tensor.vector(0.5, 1.5, 2));
            check(op, A, Tensor.matrix(new double[][] {{0.5}, {2}}));
            check(op, A, Tensor.scalar(1.5));
            check(op, Tensor.vector(0.5, 1.5, 2), A);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> A.add(Tensor.vector(1, 2)));
        assertEquals("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
                e.getMessage());
    }

    @Test
    void softmaxAndLogSoftmaxAlongEitherDim() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3}, {1, 1, 1}});
        // NumPy: np.exp(x) / np.exp(x).sum(1, keepdims=True)
        assertArrayEquals(new double[] {0.09003057317038046, 0.24472847105479767, 0.6652409557748219,
            1 / 3.0, 1 / 3.0, 1 / 3.0}, x.softmax(1).toArray(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.7310585786300049, 0.8807970779778824,
            0.5, 0.2689414213699951, 0.11920292202211755}, x.softmax(0).toArray(), 1e-15);
        assertArrayEquals(new double[] {-2.40760596444438, -1.4076059644443801, -0.40760596444438013},
                java.util.Arrays.copyOf(x.logSoftmax(-1).toArray(), 3), 1e-15);
        Tensor huge = Tensor.vector(1000, 1001);
        assertArrayEquals(new double[] {0.2689414213699951, 0.7310585786300049}, huge.softmax(0).toArray(), 1e-15,
                "no overflow: the maximum is subtracted first");
        assertTrue(Double.isNaN(Tensor.vector(1, Double.NaN).softmax(0).get(0)), "a NaN spreads over its slice");
        Tensor xr = x.clone().requiresGrad(true);
        assertEquals("SoftmaxBackward0", xr.softmax(1).gradFn());
        assertEquals("LogSoftmaxBackward0", xr.logSoftmax(1).gradFn());
        Tensor w = Tensor.matrix(new double[][] {{1, -2, 0.5}, {3, 0.25, -1}});
        check(in -> in[0].softmax(1).mul(w).sum(), x);
        check(in -> in[0].softmax(0).mul(w).sum(), x);
        check(in -> in[0].logSoftmax(1).mul(w).sum(), x);
        check(in -> in[0].logSoftmax(0).mul(w).sum(), x);
        check(in -> in[0].softmax(0).mul(Tensor.vector(1, 2, 3)).sum(), Tensor.vector(0.1, -0.4, 0.7));
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihoodOfTheTargets() {
        Tensor logits = Tensor.matrix(new double[][] {{2, 1, 0.1}, {0.5, 2.5, 0.3}});
        // NumPy: -mean(log_softmax(logits)[range(2), [0, 1]])
        double expected = (0.4170300162778333 + 0.22004952302053793) / 2;
        Tensor l = logits.clone().requiresGrad(true);
        Tensor loss = Tensor.crossEntropy(l, 0, 1);
        assertEquals("NllLossBackward0", loss.gradFn());
        assertEquals(expected, loss.item(), 1e-15);
        loss.backward(); // d/dlogits = (softmax - onehot) / N
        double[] p = logits.softmax(1).toArray();
        assertArrayEquals(new double[] {(p[0] - 1) / 2, p[1] / 2, p[2] / 2, p[3] / 2, (p[4] - 1) / 2, p[5] / 2},
                l.grad().toArray(), 1e-15);
        check(in -> Tensor.crossEntropy(in[0], 2, 0), logits);
        check(in -> Tensor.crossEntropy(in[0], 1), Tensor.vector(0.2, -1, 3));
        assertEquals(expected, Tensor.nllLoss(logits.logSoftmax(1), 0, 1).item(), 1e-15);
        // PyTorch's ignore_index -100: the sample adds nothing and is not counted
        assertEquals(0.4170300162778333, Tensor.crossEntropy(logits, 0, -100).item(), 1e-15);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> Tensor.crossEntropy(logits, 0, 3));
        assertEquals("Target 3 is out of bounds.", e.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> Tensor.crossEntropy(logits, 0));
        assertEquals("Expected input batch_size (2) to match target batch_size (1).", batch.getMessage());
    }

    @Test
    void reshapeSqueezeAndUnsqueeze() {
        assertArrayEquals(new int[] {3, 2}, A.reshape(3, 2).shape());
        assertArrayEquals(new int[] {6}, A.reshape(-1).shape());
        assertArrayEquals(new int[] {2, 3}, A.reshape(-1, 3).shape());
        assertArrayEquals(new int[] {1, 3}, Tensor.vector(1, 2, 3).unsqueeze(0).shape());
        assertArrayEquals(new int[] {3, 1}, Tensor.vector(1, 2, 3).unsqueeze(-1).shape());
        assertArrayEquals(new int[] {3}, Tensor.vector(1, 2, 3).unsqueeze(1).squeeze(1).shape());
        assertArrayEquals(new int[] {2, 3}, A.squeeze(0).shape(), "a dimension of size 2 stays");
        Tensor a = A.clone().requiresGrad(true);
        assertEquals("ViewBackward0", a.reshape(6).gradFn());
        assertEquals("UnsqueezeBackward0", a.reshape(6).unsqueeze(0).gradFn());
        check(in -> in[0].reshape(3, 2).mul(Tensor.vector(1, 2)).sum(), A);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> A.reshape(4, 2));
        assertEquals("shape '[4, 2]' is invalid for input of size 6", e.getMessage());
    }

    @Test
    void selectIsPyTorchsIndexingOfOneRowColumnOrElement() {
        assertArrayEquals(new double[] {4, 5, 6}, A.select(0, 1).toArray(), 0); // x[1]
        assertArrayEquals(new double[] {3, 6}, A.select(1, -1).toArray(), 0); // x[:, -1]
        assertEquals(2.0, Tensor.vector(1, 2, 3).select(0, 1).item(), 0);
        assertArrayEquals(new int[0], Tensor.vector(1, 2, 3).select(0, 1).shape());
        Tensor a = A.clone().requiresGrad(true);
        Tensor row = a.select(0, 0);
        assertEquals("SelectBackward0", row.gradFn());
        row.mul(Tensor.vector(1, 2, 3)).sum().backward();
        assertArrayEquals(new double[] {1, 2, 3, 0, 0, 0}, a.grad().toArray(), 0);
        check(in -> in[0].select(1, 1).mul(in[0].select(0, 1).select(0, 2)).sum(), A);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> A.select(0, 2));
        assertEquals("select(): index 2 out of range for tensor of size [2, 3] at dimension 0", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.scalar(1).select(0, 0));
    }

    @Test
    void aDenseLayerClassifierTrainsOnTheTape() {
        // two linearly separable classes in the plane; logits = X·Wᵀ + b, one SGD step at a time
        Tensor x = Tensor.matrix(new double[][] {{1, 2}, {2, 1}, {-1, -2}, {-2, -1}});
        int[] labels = {0, 0, 1, 1};
        Tensor w = Tensor.zeros(2, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(2).requiresGrad(true);
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 50; step++) {
            Tensor loss = Tensor.crossEntropy(x.matmul(w.t()).add(b), labels);
            loss.backward();
            try (GradMode g = Tensor.noGrad()) {
                w.subInPlace(w.grad().mul(0.5));
                b.subInPlace(b.grad().mul(0.5));
            }
            w.zeroGrad();
            b.zeroGrad();
            first = step == 0 ? loss.item() : first;
            last = loss.item();
        }
        assertEquals(Math.log(2), first, 1e-15, "uniform predictions at zero weights");
        assertTrue(last < 0.05, "the loss falls: " + last);
    }
}
