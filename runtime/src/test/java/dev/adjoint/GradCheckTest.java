package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GradCheck itself: it passes right gradients and reports wrong ones precisely. */
class GradCheckTest {

    /** x·y with a deliberately wrong pullback for y: it reports 2x instead of x. */
    private static Tensor wrongProduct(Tensor x, Tensor y) {
        double xv = x.item(), yv = y.item();
        return Tensor.function("WrongBackward", xv * yv, (up, g) -> {
            g[0][0] += up[0] * yv; // right: d(xy)/dx = y
            g[1][0] += up[0] * 2 * xv; // wrong: d(xy)/dy = x
        }, x, y);
    }

    @Test
    void wrongPullbackIsReportedAsAMismatch() {
        GradCheck.Result result = GradCheck.compare(in -> wrongProduct(in[0], in[1]), GradCheck.EPS, GradCheck.ATOL,
                GradCheck.RTOL, Tensor.scalar(3), Tensor.scalar(4));
        assertFalse(result.passed());
        assertEquals(2, result.entriesChecked());
        assertEquals(1, result.mismatches().size());
        GradCheck.Mismatch m = result.mismatches().get(0);
        assertEquals(1, m.input());
        assertEquals(0, m.element());
        assertEquals(0, m.outputElement());
        assertEquals(6.0, m.analytic(), 0);
        assertEquals(3.0, m.numeric(), 1e-6);
        assertEquals(1e-5 + 1e-3 * Math.abs(m.numeric()), m.tolerance(), 1e-15);

        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.check(in -> wrongProduct(in[0], in[1]), Tensor.scalar(3), Tensor.scalar(4)));
        assertTrue(e.getMessage().startsWith("GradCheck failed: 1 of 2 Jacobian entries differ"
                + " (eps=1.0E-6, atol=1.0E-5, rtol=0.001)\n  input 1, element 0, output element 0: analytic 6.0 vs numeric 2.99999"),
                e.getMessage());
        assertTrue(e.getMessage().contains("> tolerance 0.0030"), e.getMessage());
    }

    @Test
    void rightPullbackPasses() {
        GradCheck.Result result = GradCheck.check(in -> Tensor.function("RightBackward", in[0].item() * in[1].item(),
                (up, g) -> {
                    g[0][0] += up[0] * in[1].item();
                    g[1][0] += up[0] * in[0].item();
                }, in[0], in[1]), Tensor.scalar(3), Tensor.scalar(4));
        assertTrue(result.passed());
        assertTrue(result.toString().startsWith("GradCheck passed: 0 of 2"), result.toString());
    }

    @Test
    void vectorOutputsCheckEveryJacobianEntry() {
        // wrong only in the off-diagonal entry ∂out_1/∂x_0
        GradCheck.Result result = GradCheck.compare(in -> {
            double[] x = in[0].toArray();
            return Tensor.function("PairBackward", new double[] {x[0] * x[1], x[0] + x[1]}, (up, g) -> {
                g[0][0] += up[0] * x[1]; // + up[1] missing: d(x0+x1)/dx0 = 1
                g[0][1] += up[0] * x[0] + up[1];
            }, in[0]);
        }, 1e-6, 1e-5, 1e-3, Tensor.vector(2, 5));
        assertEquals(4, result.entriesChecked());
        assertEquals(1, result.mismatches().size());
        GradCheck.Mismatch m = result.mismatches().get(0);
        assertEquals(0, m.input());
        assertEquals(0, m.element());
        assertEquals(1, m.outputElement());
    }

    @Test
    void aKinkIsCaughtByTheNumericDerivative() {
        // at 0 PyTorch's abs' is 0, while the central difference sees (|ε| - |-ε|)/2ε = 0 too; relu sees 1/2
        assertTrue(GradCheck.compare(in -> in[0].abs(), 1e-6, 1e-5, 1e-3, Tensor.scalar(0)).passed());
        assertFalse(GradCheck.compare(in -> in[0].relu(), 1e-6, 1e-5, 1e-3, Tensor.scalar(0)).passed());
    }

    @Test
    void inputsAreNotModified() {
        Tensor x = Tensor.vector(1, 2);
        GradCheck.check(in -> in[0].pow(2).sum(), x);
        assertEquals(0, x.version());
        assertEquals("tensor([1., 2.])", x.toString());
        assertEquals(null, x.grad());
    }

    @Test
    void anOutputThatDoesNotDependOnTheInputsHasZeroGradient() {
        assertTrue(GradCheck.check(in -> Tensor.scalar(3), Tensor.scalar(1)).passed());
        assertThrows(AssertionError.class, () -> GradCheck.check(in -> Tensor.scalar(in[0].item() * 2), Tensor.scalar(1)),
                "a value computed off the tape has a numeric but no analytic gradient");
    }
}
