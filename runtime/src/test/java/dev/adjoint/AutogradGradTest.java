package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Tensor#grad(Tensor[], Tensor[], GradOptions)} as {@code torch.autograd.grad}. */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class AutogradGradTest {

    private static Tensor[] grad(Tensor output, Tensor input, GradOptions options) {
        return Tensor.grad(new Tensor[] {output}, new Tensor[] {input}, options);
    }

    @Test
    void returnsTheGradientsAndAccumulatesNothingIntoGrad() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor b = Tensor.scalar(3).requiresGrad(true);
        Tensor y = x.pow(2).sum().mul(b);
        Tensor[] g = Tensor.grad(y, x, b);
        assertArrayEquals(new double[] {6, 12}, g[0].toArray(), 0);
        assertEquals(5.0, g[1].item(), 0);
        assertArrayEquals(new int[0], g[1].shape());
        assertNull(x.grad(), "torch.autograd.grad leaves .grad alone");
        assertNull(b.grad());
        x.pow(2).sum().backward();
        Tensor before = x.grad();
        Tensor.grad(x.pow(3).sum(), x);
        assertArrayEquals(new double[] {2, 4}, before.toArray(), 0, "an existing .grad is not added to either");
    }

    @Test
    void theGradientOfANonLeafInput() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor h = x.mul(3.0);
        Tensor y = h.sin().mul(x);
        Tensor[] g = Tensor.grad(y, h);
        assertEquals(Math.cos(1.5) * 0.5, g[0].item(), 1e-15, "∂y/∂h with x held: the gradient at h's node");
    }

    @Test
    void theSameInputTwiceGetsTheGradientTwiceInArraysOfTheirOwn() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor[] g = Tensor.grad(x.mul(x).sum(), x, x);
        assertArrayEquals(g[0].toArray(), g[1].toArray(), 0);
        assertNotSame(g[0], g[1]);
        g[0].set(0, 99);
        assertEquals(2.0, g[1].get(0), 0);
    }

    @Test
    void anUnusedInputIsAnErrorUnlessAllowedThenNullOrZeros() {
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        Tensor unused = Tensor.vector(1, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.grad(x.mul(2.0), x, unused));
        assertTrue(e.getMessage().startsWith("The differentiated Tensor at index 1 appears to not have been used in "
                + "the graph. Set allowUnused=true"), e.getMessage());
        Tensor[] g = Tensor.grad(new Tensor[] {x.mul(2.0)}, new Tensor[] {x, unused},
                GradOptions.defaults().allowUnused(true));
        assertEquals(2.0, g[0].item(), 0);
        assertNull(g[1]);
        g = Tensor.grad(new Tensor[] {x.mul(2.0)}, new Tensor[] {x, unused},
                GradOptions.defaults().materializeGrads(true));
        assertArrayEquals(new double[] {0, 0}, g[1].toArray(), 0);
    }

    @Test
    void anInputThatDoesNotRequireGradIsAnError() {
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tensor.grad(x.mul(2.0), Tensor.scalar(1)));
        assertEquals("One of the differentiated Tensors does not require grad", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Tensor.grad(Tensor.scalar(1), x));
        assertEquals("element 0 of tensors does not require grad and does not have a grad_fn", e.getMessage());
    }

    @Test
    void theGraphIsFreedUnlessRetained() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.exp();
        grad(y, x, GradOptions.defaults().retainGraph(true));
        assertEquals(Math.exp(2), Tensor.grad(y, x)[0].item(), 1e-15);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.grad(y, x));
        assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"));
    }

    @Test
    void onlyTheNodesOnAPathToTheInputsRun() {
        Tensor a = Tensor.scalar(1).requiresGrad(true);
        Tensor b = Tensor.scalar(2).requiresGrad(true);
        Tensor eb = b.exp();
        Tensor y = a.exp().add(eb);
        try (GradMode g = Tensor.noGrad()) {
            eb.mulInPlace(1); // b's branch could not run backward now...
        }
        assertEquals(Math.E, Tensor.grad(y, a)[0].item(), 1e-15, "... but it is not on the path to a");
        assertThrows(IllegalStateException.class, () -> Tensor.grad(y, b));
    }

    @Test
    void gradOutputsGiveTheVectorJacobianProduct() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x);
        Tensor[] g = grad(y, x, GradOptions.defaults().gradOutputs(Tensor.vector(1, 0.5, -1)));
        assertArrayEquals(new double[] {2, 2, -6}, g[0].toArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.grad(y, x));
        assertTrue(e.getMessage().startsWith("grad can be implicitly created only for scalar outputs"));
        e = assertThrows(IllegalArgumentException.class,
                () -> grad(y, x, GradOptions.defaults().gradOutputs(Tensor.vector(1, 2))));
        assertEquals("Mismatch in shape: grad_output[0] has a shape of [2] and output[0] has a shape of [3].",
                e.getMessage());
    }

    @Test
    void severalOutputsSumTheirGradients() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor[] g = Tensor.grad(new Tensor[] {x.pow(2), x.pow(3)}, new Tensor[] {x});
        assertEquals(4 + 12, g[0].item(), 0);
    }

    @Test
    void anOutputThatIsTheInputHasGradientOne() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor[] g = grad(x, x, GradOptions.defaults().gradOutputs(Tensor.vector(3, 4)));
        assertArrayEquals(new double[] {3, 4}, g[0].toArray(), 0);
    }

    @Test
    void createGraphReturnsGradientsOnTheTape() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        Tensor[] g = grad(x.pow(3), x, GradOptions.defaults().createGraph(true));
        assertEquals(27.0, g[0].item(), 0);
        assertTrue(g[0].requiresGrad());
        assertEquals("MulBackward0", g[0].gradFn(), "3x² by PowBackward0's formula, grad·(p·x^(p-1))");
        assertEquals(18.0, Tensor.grad(g[0], x)[0].item(), 1e-13); // 6x
    }
}
