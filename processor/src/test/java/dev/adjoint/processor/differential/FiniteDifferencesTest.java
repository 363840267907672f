package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The finite-difference oracle: it gives the derivative, or says it cannot resolve it; never a wrong one. */
class FiniteDifferencesTest {

    @Test
    void aSmallFastTermBesideALargeSlowOneIsResolvedOrRefused() {
        // y*b - tan(y*b)/b: the tan term is 1e-4 of the value and varies 2e4 times faster; a random
        // campaign met it where the coarse steps agreed by chance and missed sec^2(y*b) (32 in 22,000)
        double b = Math.expm1(10.0);
        DoubleUnaryOperator f = y -> y * b - Math.tan(y * b) / b;
        for (double y = 0.40; y < 0.45; y += 0.0001) {
            double t = Math.tan(y * b);
            if (Math.abs(t) > 10) {
                continue; // near a pole the term changes faster than any step here: no oracle of steps resolves it
            }
            double exact = b - (1 + t * t);
            FiniteDifferences.Estimate e = FiniteDifferences.derivative(f, y);
            if (e != null) {
                // as the checkers compare: within 10 estimated errors (GradientChecker, CorpusChecker)
                assertEquals(exact, e.derivative(), 1e-6 * Math.abs(exact) + 10 * e.error(), "at y = " + y);
            }
        }
    }

    @Test
    void aSmoothFunctionIsResolved() {
        FiniteDifferences.Estimate e = FiniteDifferences.derivative(x -> Math.sin(x) * Math.exp(x), 0.7);
        assertNotNull(e);
        assertEquals(Math.exp(0.7) * (Math.sin(0.7) + Math.cos(0.7)), e.derivative(), 1e-9);
    }
}
