package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Black-Scholes sample, built by the real Maven build through annotationProcessorPaths. */
class BlackScholesTest {

    private static final double S = 100;
    private static final double K = 95;
    private static final double R = 0.03;
    private static final double SIGMA = 0.25;
    private static final double T = 0.75;

    @Test
    void generatedGreeksMatchFiniteDifferences() {
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(S, K, R, SIGMA, T);
        double[] x = {S, K, R, SIGMA, T};
        double[] generated = {g.s, g.k, g.r, g.sigma, g.t};
        for (int i = 0; i < 5; i++) {
            double fd = Greeks.centralDifference(x, i);
            assertEquals(fd, generated[i], 1e-6 * Math.max(1, Math.abs(fd)), "component " + i);
        }
    }

    /** s, k, r, sigma, t of the options both tests check. */
    private static final double[][] POINTS = {
        {S, K, R, SIGMA, T}, // the sample's option
        {100, 140, 0.05, 0.2, 0.1}, // far out of the money, short expiry
        {100, 60, 0.01, 0.6, 5}, // deep in the money, long expiry
        {42, 40, 0.1, 0.2, 0.5}, // Hull's textbook example
    };

    /** Exact model, exact derivative: the generated Greeks are the closed form to rounding, here and elsewhere. */
    @Test
    void generatedGreeksMatchTheClosedFormTo1e10() {
        for (double[] p : POINTS) {
            BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(p[0], p[1], p[2], p[3], p[4]);
            double[] generated = {g.s, g.k, g.r, g.sigma, -g.t};
            double[] closedForm = Greeks.closedForm(p[0], p[1], p[2], p[3], p[4]);
            for (int i = 0; i < generated.length; i++) {
                assertEquals(closedForm[i], generated[i], 1e-10, "Greek " + i + " at " + Arrays.toString(p));
            }
        }
    }

    /** Gamma, vanna and volga from the generated Hessian (forward over reverse) are the closed forms to rounding. */
    @Test
    void generatedHessianGivesGammaVannaAndVolga() {
        for (double[] p : POINTS) {
            double[][] h = BlackScholesAdjoint.callHessian(p[0], p[1], p[2], p[3], p[4]);
            double[] closedForm = Greeks.closedFormSecondOrder(p[0], p[1], p[2], p[3], p[4]);
            String at = " at " + Arrays.toString(p);
            assertEquals(closedForm[0], h[0][0], 1e-10, "gamma" + at);
            assertEquals(closedForm[1], h[0][3], 1e-10, "vanna" + at);
            assertEquals(closedForm[1], h[3][0], 1e-10, "vanna, the other way" + at);
            assertEquals(closedForm[2], h[3][3], 1e-10, "volga" + at);
            // every entry against central differences of the generated gradient
            for (int j = 0; j < 5; j++) {
                double[] column = Greeks.gradientDifference(p, j);
                for (int i = 0; i < 5; i++) {
                    assertEquals(column[i], h[i][j], 1e-5 * Math.max(1, Math.abs(column[i])), "H[" + i + "][" + j + "]" + at);
                }
            }
        }
    }

    /** The tangent is the directional derivative: delta + vega in the direction (1, 0, 0, 1, 0). */
    @Test
    void generatedTangentIsTheDirectionalDerivative() {
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(S, K, R, SIGMA, T);
        double tangent = BlackScholesAdjoint.callTangent(S, K, R, SIGMA, T, 1, 0, 0, 1, 0);
        assertEquals(g.s + g.sigma, tangent, 1e-12);
    }

    @Test
    void theGuardClauseRejectsANonPositiveVolatility() {
        assertThrows(IllegalArgumentException.class, () -> BlackScholes.call(S, K, R, 0, T));
        assertThrows(IllegalArgumentException.class, () -> BlackScholesAdjoint.callGradient(S, K, R, SIGMA, -1));
    }

    @Test
    void theTapeOverloadGivesTheSameGradient() {
        Tensor s = Tensor.scalar(S).requiresGrad(true);
        Tensor sigma = Tensor.scalar(SIGMA).requiresGrad(true);
        Tensor price = BlackScholesAdjoint.call(s, Tensor.scalar(K), Tensor.scalar(R), sigma, Tensor.scalar(T));
        assertEquals("CallBackward", price.gradFn());
        price.backward();
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(S, K, R, SIGMA, T);
        assertEquals(g.s, s.grad().item(), 0.0);
        assertEquals(g.sigma, sigma.grad().item(), 0.0);
    }

    @Test
    void greeksSamplePrintsAllFive() {
        String out = capture(() -> Greeks.main(new String[0]));
        for (String greek : new String[] {"delta", "dual delta", "rho", "vega", "theta"}) {
            assertTrue(out.contains(greek), greek + " missing from:\n" + out);
        }
        Matcher largest = Pattern.compile("Largest \\|generated - closed form\\|: (\\S+)").matcher(out);
        assertTrue(largest.find(), out);
        assertTrue(Double.parseDouble(largest.group(1)) <= 1e-10, largest.group());
        for (String greek : new String[] {"gamma", "vanna", "volga"}) {
            assertTrue(out.contains(greek), greek + " missing from:\n" + out);
        }
        Matcher second = Pattern.compile("Largest second-order \\|generated - closed form\\|: (\\S+)").matcher(out);
        assertTrue(second.find(), out);
        assertTrue(Double.parseDouble(second.group(1)) <= 1e-10, second.group());
    }

    @Test
    void generatedSourceIsFoundAndShown() throws Exception {
        assertNotNull(GeneratedSource.locate(), "the build writes the adjoint under target/generated-sources");
        String out = capture(() -> {
            try {
                GeneratedSource.main(new String[0]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(out.contains("public static double callPullback("), out);
        assertTrue(out.contains("Special.erfDerivative("), out);
        assertTrue(out.contains("// reverse sweep"), out);
    }

    private static String capture(Runnable body) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
