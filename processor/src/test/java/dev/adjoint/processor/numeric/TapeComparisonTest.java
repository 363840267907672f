package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.ConstructsAdjoint;
import dev.adjoint.processor.fixtures.DemoAdjoint;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generated gradients against the same functions built from the runtime tape's own
 * operations (independent of the generated code): two implementations of reverse mode agreeing.
 */
class TapeComparisonTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void designExample() {
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            double xv = random.nextDouble() * 4 - 2;
            double yv = random.nextDouble() * 4 - 2;
            Tensor x = Tensor.scalar(xv).requiresGrad(true);
            Tensor y = Tensor.scalar(yv).requiresGrad(true);
            x.mul(y).sin().add(x).backward(); // sin(x y) + x
            DemoAdjoint.FGradient g = DemoAdjoint.fGradient(xv, yv);
            assertEquals(x.grad().item(), g.x, TOLERANCE);
            assertEquals(y.grad().item(), g.y, TOLERANCE);
        }
    }

    @Test
    void arithmetic() {
        Random random = new Random(2);
        for (int i = 0; i < 50; i++) {
            double xv = 0.2 + 0.6 * random.nextDouble();
            double yv = 0.2 + 0.6 * random.nextDouble();
            Tensor x = Tensor.scalar(xv).requiresGrad(true);
            Tensor y = Tensor.scalar(yv).requiresGrad(true);
            // (x + y) * (x - y) / (1 + x y) - -x + +y
            x.add(y).mul(x.sub(y)).div(x.mul(y).add(1.0)).sub(x.neg()).add(y).backward();
            ConstructsAdjoint.ArithmeticGradient g = ConstructsAdjoint.arithmeticGradient(xv, yv);
            assertEquals(x.grad().item(), g.x, TOLERANCE);
            assertEquals(y.grad().item(), g.y, TOLERANCE);
        }
    }

    @Test
    void reassignedParameters() {
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            double xv = 0.2 + 0.6 * random.nextDouble();
            double yv = 0.2 + 0.6 * random.nextDouble();
            Tensor x0 = Tensor.scalar(xv).requiresGrad(true);
            Tensor y0 = Tensor.scalar(yv).requiresGrad(true);
            // x = x * x; y = y + x; x = sin(x) * y; return x * y
            Tensor x = x0.mul(x0);
            Tensor y = y0.add(x);
            x = x.sin().mul(y);
            x.mul(y).backward();
            ConstructsAdjoint.ReassignParametersGradient g = ConstructsAdjoint.reassignParametersGradient(xv, yv);
            assertEquals(x0.grad().item(), g.x, TOLERANCE);
            assertEquals(y0.grad().item(), g.y, TOLERANCE);
        }
    }

    @Test
    void exponentialsAndPowers() {
        Random random = new Random(4);
        for (int i = 0; i < 50; i++) {
            double xv = 0.2 + 0.6 * random.nextDouble();
            Tensor x = Tensor.scalar(xv).requiresGrad(true);
            // deepNesting: sin(exp(log(sqrt(x² + 1)) * 0.5) + x) / (1 + cos(x²))
            Tensor inner = x.mul(x).add(1.0).sqrt().log().mul(0.5).exp().add(x).sin();
            inner.div(x.mul(x).cos().add(1.0)).backward();
            assertEquals(x.grad().item(), ConstructsAdjoint.deepNestingGradient(xv).x, TOLERANCE);
        }
    }
}
