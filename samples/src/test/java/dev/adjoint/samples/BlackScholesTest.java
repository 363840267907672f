package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    @Test
    void generatedGreeksMatchTheClosedFormUpToTheErfApproximation() {
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(S, K, R, SIGMA, T);
        double sqrtT = Math.sqrt(T);
        double d1 = (Math.log(S / K) + (R + 0.5 * SIGMA * SIGMA) * T) / (SIGMA * sqrtT);
        assertEquals(BlackScholes.normalCdf(d1), g.s, 1e-5);
        assertEquals(S * BlackScholes.normalPdf(d1) * sqrtT, g.sigma, 1e-5 * 31);
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
