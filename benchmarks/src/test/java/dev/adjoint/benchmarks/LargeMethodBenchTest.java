package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Gradients.EXACT_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.FD_TOLERANCE;
import static dev.adjoint.benchmarks.Gradients.assertClose;
import static dev.adjoint.benchmarks.Gradients.assertSameValue;
import static dev.adjoint.benchmarks.Gradients.assertTangent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.benchmarks.models.LargeMethod;
import dev.adjoint.benchmarks.models.LargeMethodAdjoint;
import dev.adjoint.benchmarks.models.LargeMethodAdjointImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LargeMethodBenchTest {

    private static double[] components(LargeMethodAdjoint.LargeGradient g) {
        return new double[] {g.a0, g.a1, g.a2, g.a3};
    }

    /**
     * One benchmark call of each variant from a fresh state: the generated gradient equals central
     * differences of the primal to 1e-6 and the generated forward mode along each input to 1e-12 (a
     * second sweep, through split members of its own), and the tangent along the benchmark's
     * direction is ∇f·v.
     *
     * <p>The 1e-6 is near what central differences resolve here: the method contracts (f = 0.6804 to
     * four digits at every point of [-2, 2]⁴ tried, |∂f/∂aᵢ| at most 1.5e-5 here), and one unit in
     * the last place of f is 9e-12 in the quotient (f(x + h) - f(x - h)) / 2h, 6e-7 of the largest
     * component. The forward mode is the check with margin.
     */
    @Test
    void everyVariantComputesTheSameGradient() {
        LargeMethodBench bench = new LargeMethodBench();
        double value = bench.primal();
        assertSameValue("generated", value, bench.gradient());
        assertSameValue("finite differences", value, bench.finiteDifferences());
        double[] generated = components(bench.generated);
        assertClose("finite differences vs generated", generated, bench.fdGradient[0], FD_TOLERANCE);
        double[] forward = new double[4];
        for (int i = 0; i < 4; i++) {
            double[] e = new double[4];
            e[i] = 1.0;
            forward[i] = LargeMethodAdjoint.largeTangent(bench.a0, bench.a1, bench.a2, bench.a3, e[0], e[1], e[2], e[3]);
        }
        assertClose("forward mode along each input vs generated", generated, forward, EXACT_TOLERANCE);
        assertTangent("generated", generated, new double[] {bench.dA0, bench.dA1, bench.dA2, bench.dA3},
                bench.tangent(), EXACT_TOLERANCE);
    }

    /** The checked-in model is what its generator writes (run from the module's directory, as Maven does). */
    @Test
    void theModelIsWhatItsGeneratorWrites() throws IOException {
        Path checkedIn = Path.of(LargeMethodSource.PATH.substring("benchmarks/".length()));
        assertEquals(LargeMethodSource.source(), Files.readString(checkedIn, StandardCharsets.UTF_8),
                checkedIn + " differs from LargeMethodSource's output: regenerate it");
    }

    /**
     * Every method the benchmark times is under the JIT's limit, so the report's ratios compare
     * compiled code with compiled code: the primal (over a third of the limit, see
     * {@link LargeMethodSource} for why not more) and each generated method, though together the
     * generated methods are well over it (the derivatives are split).
     */
    @Test
    void everyMethodTimedIsUnderTheJitLimit() {
        int primal = Bytecode.codeLengths(LargeMethod.class).values().stream().max(Integer::compare).orElseThrow();
        assertTrue(primal > Bytecode.JIT_LIMIT / 3 && primal < Bytecode.JIT_LIMIT, "the primal has " + primal + " bytes");
        int total = 0;
        for (Class<?> c : new Class<?>[] {LargeMethodAdjoint.class, LargeMethodAdjointImpl.class}) {
            for (var method : Bytecode.codeLengths(c).entrySet()) {
                assertTrue(method.getValue() < Bytecode.JIT_LIMIT, c.getSimpleName() + "." + method.getKey() + " has "
                        + method.getValue() + " bytes");
                total += method.getValue();
            }
        }
        assertTrue(total > 3 * Bytecode.JIT_LIMIT, "the generated methods have " + total + " bytes in all");
        assertTrue(Report.bytecodeSizes(LargeMethod.class).startsWith("Bytecode: the primal `LargeMethod.large` has "),
                Report.bytecodeSizes(LargeMethod.class));
    }
}
