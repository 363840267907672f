package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * NaN, infinities and kinks, where a naive tape and PyTorch part ways: PyTorch's relu propagates
 * NaN forward (clamp) and passes its gradient (threshold_backward's where(y <= 0, 0, dy); measured
 * with PyTorch 2.13), its abs gradient is
 * {@code sgn(x)}, 0 at 0 and at NaN, and pow's gradients are defined where the formula is not.
 */
class NanAndKinksTest {

    private static final double NAN = Double.NaN;

    @Test
    void reluOfNanIsNanAndPassesItsGradient() {
        Tensor x = Tensor.vector(NAN, -1, 0, 2).requiresGrad(true);
        Tensor y = x.relu();
        assertTrue(Double.isNaN(y.get(0)), "relu(nan) = nan, as torch.relu");
        assertArrayEquals(new double[] {0, 0, 2}, new double[] {y.get(1), y.get(2), y.get(3)}, 0);
        y.sum().backward();
        assertArrayEquals(new double[] {1, 0, 0, 1}, x.grad().toArray(), 0, "1 at nan (nan <= 0 is false), 0 at the kink");
    }

    @Test
    void absOfNanIsNanWithGradientZeroAsPyTorchsSgn() {
        Tensor x = Tensor.vector(NAN, -2, 0, 3).requiresGrad(true);
        Tensor y = x.abs();
        assertTrue(Double.isNaN(y.get(0)));
        y.sum().backward();
        assertArrayEquals(new double[] {0, -1, 0, 1}, x.grad().toArray(), 0);
    }

    @Test
    void aNanUpstreamPropagatesThroughReluWhereTheInputIsPositive() {
        Tensor x = Tensor.vector(-1, 2).requiresGrad(true);
        x.relu().backward(Tensor.vector(NAN, NAN));
        assertEquals(0.0, x.grad().get(0), 0, "where(), not a product: the masked element stays 0");
        assertTrue(Double.isNaN(x.grad().get(1)));
    }

    @Test
    void powWithAZeroExponentHasGradientZeroEvenAtZero() {
        Tensor x = Tensor.vector(0, 2).requiresGrad(true);
        x.pow(0).sum().backward();
        assertArrayEquals(new double[] {0, 0}, x.grad().toArray(), 0);
    }

    @Test
    void powOfZeroHasExponentGradientZeroForANonNegativeExponent() {
        Tensor a = Tensor.vector(0, 0, 2).requiresGrad(true);
        Tensor b = Tensor.vector(2, 0, 3).requiresGrad(true);
        a.pow(b).sum().backward();
        assertArrayEquals(new double[] {0, 0, 8 * Math.log(2)}, b.grad().toArray(), 1e-15,
                "PyTorch: where(a == 0 & b >= 0, 0, a^b·ln a)");
        assertArrayEquals(new double[] {0, 0, 12}, a.grad().toArray(), 0, "where(b == 0, 0, b·a^(b-1))");
    }

    @Test
    void sqrtAndLogAtZeroGiveInfinitiesAsPyTorch() {
        Tensor x = Tensor.vector(0, 4).requiresGrad(true);
        x.sqrt().sum().backward();
        assertEquals(Double.POSITIVE_INFINITY, x.grad().get(0), 0);
        assertEquals(0.25, x.grad().get(1), 0);
        Tensor z = Tensor.scalar(0).requiresGrad(true);
        Tensor l = z.log();
        assertEquals(Double.NEGATIVE_INFINITY, l.item(), 0);
        l.backward();
        assertEquals(Double.POSITIVE_INFINITY, z.grad().item(), 0);
    }

    @Test
    void sigmoidNeverOverflows() {
        Tensor x = Tensor.vector(-1000, 1000).requiresGrad(true);
        Tensor y = x.sigmoid();
        assertArrayEquals(new double[] {0, 1}, y.toArray(), 0);
        y.sum().backward();
        assertArrayEquals(new double[] {0, 0}, x.grad().toArray(), 0);
    }

    @Test
    void nanFlowsThroughArithmeticAndReductions() {
        Tensor x = Tensor.vector(NAN, 1).requiresGrad(true);
        Tensor y = x.mul(x).sum();
        assertTrue(Double.isNaN(y.item()));
        y.backward();
        assertTrue(Double.isNaN(x.grad().get(0)));
        assertEquals(2.0, x.grad().get(1), 0, "other elements keep their gradient");
    }
}
