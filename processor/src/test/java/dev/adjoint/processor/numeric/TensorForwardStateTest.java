package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.ForwardState;
import dev.adjoint.processor.fixtures.ForwardStateAdjoint;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A generated node's gradient is the one at the state its value came from: a training loop that
 * changes the receiver's data, another object's field or a static field between the forward and
 * the backward pass gets the gradient of the value it got (an adversarial review found the
 * backward pass reading them anew), and a method drawing random numbers runs once per node.
 */
class TensorForwardStateTest {

    @Test
    void theReceiversDataChangedAfterTheForwardPassDoesNotChangeTheGradient() {
        ForwardState o = new ForwardState();
        Tensor w = Tensor.scalar(0.5).requiresGrad(true);
        Tensor x = Tensor.scalar(0.7).requiresGrad(true);
        Tensor y = ForwardStateAdjoint.scaled(o, w, x);
        o.scale = 5.0;
        y.backward();
        assertEquals(2.0 * 0.49, w.grad().item(), 1e-15);
        assertEquals(2.0 * 0.5 * 2 * 0.7, x.grad().item(), 1e-15);
        assertEquals(2.0 * 0.5 * 0.49, y.item(), 1e-15);
    }

    @Test
    void anotherObjectsFieldAndAStaticFieldAreReadWhenTheNodeIsMade() {
        ForwardState other = new ForwardState();
        Tensor x = Tensor.scalar(0.7).requiresGrad(true);
        Tensor y = ForwardStateAdjoint.otherScaled(other, x).mul(3.0);
        other.scale = 5.0;
        y.backward();
        assertEquals(3 * 2.0 * 2 * 0.7, x.grad().item(), 1e-14);

        double before = ForwardState.factor;
        try {
            Tensor v = Tensor.vector(1.0, -2.0).requiresGrad(true);
            Tensor s = ForwardStateAdjoint.timesFactor(v);
            ForwardState.factor = 10.0;
            s.backward();
            assertArrayEquals(new double[] {3.0 * 2, 3.0 * -4}, v.grad().toArray(), 1e-15);
            // a second backward of the retained graph scales the same gradient again
            Tensor t = ForwardStateAdjoint.timesFactor(v);
            t.backward(Tensor.scalar(0.5), true);
            t.backward(Tensor.scalar(0.5));
            assertArrayEquals(new double[] {6.0 + 10.0 * 2, -12.0 + 10.0 * -4}, v.grad().toArray(), 1e-14);
        } finally {
            ForwardState.factor = before;
        }
    }

    @Test
    void aRandomDrawRunsOncePerNodeAndItsGradientIsOfThatDraw() {
        Tensor x = Tensor.scalar(2.0).requiresGrad(true);
        Random random = new Random(42);
        Tensor y = ForwardStateAdjoint.noisy(x, random);
        double draw = new Random(42).nextDouble();
        assertEquals(2.0 * draw, y.item(), 0.0);
        y.backward();
        assertEquals(draw, x.grad().item(), 0.0);
    }

    @Test
    void notRecordedTheMethodJustRuns() {
        ForwardState o = new ForwardState();
        Tensor x = Tensor.scalar(0.7);
        Tensor w = Tensor.scalar(0.5);
        Tensor y = ForwardStateAdjoint.scaled(o, w, x);
        assertFalse(y.requiresGrad());
        assertEquals(o.scaled(0.7), y.item(), 0.0);
        dev.adjoint.GradMode off = Tensor.noGrad();
        try {
            Tensor z = ForwardStateAdjoint.scaled(o, w.requiresGrad(true), x);
            assertFalse(z.requiresGrad());
        } finally {
            off.close();
        }
    }
}
