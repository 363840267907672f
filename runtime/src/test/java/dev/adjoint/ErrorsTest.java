package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PyTorch's error cases, with messages as close to PyTorch's as Java allows. */
class ErrorsTest {

    private static final String SECOND_BACKWARD = "Trying to backward through the graph a second time (or directly "
            + "access saved tensors after they have already been freed). Saved intermediate values of the graph are "
            + "freed when you call backward() or Tensor.grad(). Specify retainGraph=true if you need to backward "
            + "through the graph a second time or if you need to access saved tensors after calling backward.";

    @Test
    void backwardTwiceThroughAFreedGraph() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        Tensor y = x.pow(2);
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertEquals(SECOND_BACKWARD, e.getMessage());
        assertEquals(10.0, x.grad().item(), 0, "the failed backward added nothing");
    }

    @Test
    void backwardThroughAFreedSharedSubgraph() {
        Tensor x = Tensor.scalar(5).requiresGrad(true);
        Tensor y = x.sin();
        y.mul(2).backward();
        Tensor z = y.mul(3); // a new node on top of y's freed SinBackward0
        IllegalStateException e = assertThrows(IllegalStateException.class, z::backward);
        assertEquals(SECOND_BACKWARD, e.getMessage());
    }

    @Test
    void implicitGradientOfANonScalar() {
        Tensor y = Tensor.vector(1, 2).requiresGrad(true).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void backwardOfATensorThatDoesNotRequireGrad() {
        Tensor y = Tensor.scalar(5).pow(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
        Tensor v = Tensor.vector(1, 2);
        e = assertThrows(IllegalStateException.class, () -> v.backward(Tensor.vector(1, 1)));
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
    }

    @Test
    void gradientOfTheWrongShape() {
        Tensor y = Tensor.vector(1, 2, 3).requiresGrad(true).exp();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.vector(1, 1)));
        assertEquals("Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [3].",
                e.getMessage());
    }

    @Test
    void inPlaceChangeOfASavedInputIsDetectedAtBackward() {
        Tensor a = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor c = Tensor.vector(4, 5, 6);
        Tensor y = a.mul(c).sum(); // MulBackward0 saves c (version 0)
        c.mulInPlace(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been "
                + "modified by an inplace operation: [Tensor [3]] is at version 1; expected version 0 instead."),
                e.getMessage());
    }

    @Test
    void inPlaceChangeThroughADetachedViewOfASavedOutput() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = x.exp(); // ExpBackward0 saves its output y
        y.detach().set(0, 0).set(1, 0); // same storage, same version counter: now at version 2
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been "
                + "modified by an inplace operation: [Tensor [2]], which is output 0 of Exp, is at "
                + "version 2; expected version 0 instead."), e.getMessage());
    }

    @Test
    void inPlaceOnALeafThatRequiresGrad() {
        Tensor w = Tensor.scalar(1).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.addInPlace(1));
        assertEquals("a leaf Variable that requires grad is being used in an in-place operation.", e.getMessage());
        assertThrows(IllegalStateException.class, w::zero);
        assertThrows(IllegalStateException.class, () -> w.set(0, 3));
        assertThrows(IllegalStateException.class, () -> w.mulInPlace(3));
        assertEquals(1.0, w.item(), 0, "nothing was changed");
        assertEquals(0, w.version());
    }

    @Test
    void inPlaceResultMustKeepItsShape() {
        Tensor s = Tensor.scalar(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.addInPlace(Tensor.vector(1, 2, 3)));
        assertEquals("output with shape [] doesn't match the broadcast shape [3]", e.getMessage());
    }

    @Test
    void requiresGradFalseOnANonLeaf() {
        Tensor y = Tensor.scalar(1).requiresGrad(true).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().startsWith("you can only change requires_grad flags of leaf variables."),
                e.getMessage());
    }

    @Test
    void retainGradOnATensorThatDoesNotRequireGrad() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.scalar(1).retainGrad());
        assertEquals("can't retain_grad on Tensor that has requires_grad=False", e.getMessage());
    }

    @Test
    void shapeMismatchNamesBothSizesAndTheDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.vector(1, 2, 3).add(Tensor.vector(1, 2)));
        assertEquals("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.vector(1, 2).mul(Tensor.vector(1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.vector(1, 2).pow(Tensor.vector(1, 2, 3)));
    }

    @Test
    void dotNeedsTwoVectorsOfOneLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.scalar(1).dot(Tensor.vector(1)));
        assertEquals("1D tensors expected, but got 0D and 1D tensors", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.vector(1, 2, 3).dot(Tensor.vector(1, 2)));
        assertEquals("inconsistent tensor size, expected tensor [3] and src [2] to have the same number of "
                + "elements, but got 3 and 2 elements respectively", e.getMessage());
    }

    @Test
    void indexOutOfRange() {
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.vector(1, 2).get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.vector(1, 2).set(-1, 0));
    }

    @Test
    void errorInTheMiddleOfBackwardLeavesTheGraphUsable() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor c = Tensor.scalar(3);
        Tensor y = x.mul(c).add(x.exp());
        c.addInPlace(1);
        assertThrows(IllegalStateException.class, y::backward);
        // a fresh graph over the same leaf still works: no scratch state was left on shared nodes
        x.zeroGrad();
        x.mul(5).backward();
        assertEquals(5.0, x.grad().item(), 0);
    }
}
