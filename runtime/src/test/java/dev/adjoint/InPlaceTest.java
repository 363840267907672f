package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * In-place operations as PyTorch records them: on a non-leaf, or with an operand that requires
 * grad, the change goes on the tape (the tensor's grad_fn becomes {@code AddBackward0},
 * {@code MulBackward0}, {@code ZeroBackward0}, {@code CopySlices}) and is refused only later, at
 * backward, if a node needed the old values.
 */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class InPlaceTest {

    @Test
    void addInPlaceOnANonLeafIsRecordedAsAddBackward0() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        assertSame(y, y.addInPlace(1));
        assertEquals("AddBackward0", y.gradFn());
        assertEquals(1, y.version());
        assertArrayEquals(new double[] {3, 5}, y.toArray(), 0);
        y.mul(y).sum().backward(); // d(y²)/dx = 2y · 2
        assertArrayEquals(new double[] {12, 20}, x.grad().toArray(), 0);
    }

    @Test
    void eachInPlaceOperationHasPyTorchsGradFnAndGradient() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor a = x.mul(1.0).mulInPlace(3);
        assertEquals("MulBackward0", a.gradFn());
        Tensor s = x.mul(1.0).subInPlace(Tensor.vector(1, 1, 1));
        assertEquals("SubBackward0", s.gradFn());
        Tensor c = x.mul(1.0).subInPlace(0.5);
        assertEquals("SubBackward0", c.gradFn());
        Tensor z = x.mul(1.0).zero();
        assertEquals("ZeroBackward0", z.gradFn());
        Tensor e = x.mul(1.0).set(1, 7);
        assertEquals("CopySlices", e.gradFn());
        a.add(s).add(c).add(z).add(e).sum().backward();
        // d/dx: 3 (mul_) + 1 (sub_) + 1 (sub_) + 0 (zero_) + 1 except where set (0)
        assertArrayEquals(new double[] {6, 5, 6}, x.grad().toArray(), 0);
    }

    @Test
    void zeroInPlaceSendsAZeroGradientNotNone() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        y.zero();
        y.sum().backward();
        assertArrayEquals(new double[] {0, 0}, x.grad().toArray(), 0, "PyTorch: tensor([0., 0.]), not None");
    }

    @Test
    void anInPlaceAddOfATensorThatRequiresGradMakesAPlainTensorANonLeaf() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tensor acc = Tensor.zeros(2);
        assertTrue(acc.isLeaf());
        acc.addInPlace(w).addInPlace(w.mul(w));
        assertFalse(acc.isLeaf());
        assertTrue(acc.requiresGrad());
        assertEquals("AddBackward0", acc.gradFn());
        acc.sum().backward();
        assertArrayEquals(new double[] {3, 5}, w.grad().toArray(), 0); // d(w + w²)/dw = 1 + 2w
    }

    @Test
    void theChangeIsRefusedOnlyAtBackwardAndOnlyIfASavedValueChanged() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor e = x.exp(); // saves its output
        e.addInPlace(1); // accepted now
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> e.sum().backward());
        assertTrue(error.getMessage().startsWith("one of the variables needed for gradient computation has been "
                + "modified by an inplace operation"), error.getMessage());
        Tensor m = x.mul(2.0); // saves no tensor
        m.addInPlace(1);
        m.sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toArray(), 0);
    }

    @Test
    void underNoGradAnInPlaceChangeIsNotRecordedButBumpsTheVersion() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0);
        try (GradMode g = Tensor.noGrad()) {
            y.addInPlace(100);
        }
        assertEquals("MulBackward0", y.gradFn());
        assertEquals(1, y.version());
        y.sum().backward();
        assertArrayEquals(new double[] {2, 2}, x.grad().toArray(), 0);
    }

    @Test
    void aRetainedGradientFollowsTheInPlaceChange() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(2.0).retainGrad();
        y.mulInPlace(3);
        assertTrue(y.retainsGrad());
        y.mul(Tensor.vector(5, 7)).sum().backward();
        assertArrayEquals(new double[] {5, 7}, y.grad().toArray(), 0, "the gradient of the changed y");
        assertArrayEquals(new double[] {30, 42}, x.grad().toArray(), 0);
    }

    @Test
    void addingATensorToItselfInPlace() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.mul(1.0);
        y.addInPlace(y); // y = 2y: both edges are y's old grad_fn
        y.sum().backward();
        assertArrayEquals(new double[] {2, 4}, y.toArray(), 0);
        assertArrayEquals(new double[] {2, 2}, x.grad().toArray(), 0);
    }

    @Test
    void aLeafThatRequiresGradIsRefusedWithGradModeOnAndAllowedWithout() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addInPlace(1));
        assertEquals("a leaf Variable that requires grad is being used in an in-place operation.", e.getMessage());
        assertEquals(0, w.version());
        try (GradMode g = Tensor.noGrad()) {
            w.subInPlace(Tensor.vector(0.5, 0.5));
        }
        assertTrue(w.isLeaf());
        assertArrayEquals(new double[] {0.5, 1.5}, w.toArray(), 0);
    }

    @Test
    void aMatrixBroadcastsTheOperandOfAnInPlaceAdd() {
        Tensor m = Tensor.zeros(2, 3);
        m.addInPlace(Tensor.vector(1, 2, 3)).set(1, 2, 9);
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 9}, m.toArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3).addInPlace(Tensor.zeros(2, 3)));
        assertEquals("output with shape [3] doesn't match the broadcast shape [2, 3]", e.getMessage());
    }
}
