package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.ir.MathFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The campaign's tape gives the primal's values: a campaign compared the tape's gradient of
 * {@code y * Math.sin(Math.cosh(z))} at z = 259.6 with the generated one, and the tape's cosh,
 * composed from exp, differed from {@code Math.cosh} by an ulp of 1e112, after which the sine
 * is another number altogether.
 */
class TensorAlgebraTest {

    @Test
    void coshLog10AndHypotAreThePrimals() {
        double z = 1.51 * Math.toDegrees(3.0);
        Tensor x = Tensor.scalar(z).requiresGrad(true);
        Tensor c = TensorAlgebra.INSTANCE.call(MathFunction.COSH, false, List.of(x));
        assertEquals(Math.cosh(z), c.item(), 0.0);
        c.backward();
        assertEquals(Math.sinh(z), x.grad().item(), 0.0);
        assertEquals(Math.log10(7.3), TensorAlgebra.INSTANCE.call(MathFunction.LOG10, false,
                List.of(Tensor.scalar(7.3))).item(), 0.0);
        // composed, the squares overflow where Math.hypot does not
        assertEquals(Math.hypot(3e200, 4e200), TensorAlgebra.INSTANCE.call(MathFunction.HYPOT, false,
                List.of(Tensor.scalar(3e200), Tensor.scalar(4e200))).item(), 0.0);
    }
}
