package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.fixtures.Shortcuts;
import dev.adjoint.processor.fixtures.ShortcutsAdjoint;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The methods of {@link Shortcuts} at the points where their equality tests hold: the gradient
 * against central differences (which see only the code around), the pullback's exact value, the
 * tape, the tangent and second order, all taking the code around's derivative. The random points
 * of {@link NumericGradientTest} never hit these.
 */
class ShortcutTest {

    /** Each method's points where an equality test of a differentiated value holds. */
    private static final Map<String, List<Object[]>> POINTS = new LinkedHashMap<>();

    static {
        POINTS.put("gammaShifted", List.<Object[]>of(new Object[] {1.0}, new Object[] {2.0}, new Object[] {3.0},
                new Object[] {4.0}, new Object[] {5.0}));
        POINTS.put("logGammaByFactorial", List.<Object[]>of(new Object[] {2.0}, new Object[] {3.0}, new Object[] {6.0}));
        POINTS.put("oddSeries", List.<Object[]>of(new Object[] {0.0}));
        POINTS.put("roundedAtZero", List.<Object[]>of(new Object[] {0.0}));
        POINTS.put("scaledPower", List.<Object[]>of(new Object[] {0.7, 1.0}, new Object[] {0.7, 2.0}, new Object[] {1.3, 2.0}));
        POINTS.put("diagonal", List.<Object[]>of(new Object[] {0.6, 0.6}, new Object[] {-1.5, -1.5}));
        POINTS.put("conjunction", List.<Object[]>of(new Object[] {1.0, 0.5}));
        POINTS.put("cubeUnlessTwo", List.<Object[]>of(new Object[] {2.0}));
        POINTS.put("chiSquaredDensity", List.<Object[]>of(new Object[] {0.7, 2.0}, new Object[] {2.5, 2.0}));
        POINTS.put("countEntropy", List.<Object[]>of(new Object[] {new double[] {2.0, 3.0, 5.0}},
                new Object[] {new double[] {1.0, 4.0, 0.5, 7.0}}));
        POINTS.put("weightedTerms", List.<Object[]>of(new Object[] {new double[] {0.3, 0.5, 0.5, 0.9}, 0.5}));
    }

    @TestFactory
    Stream<DynamicTest> atTheShortcutsTheDerivativeIsTheCodeAround() throws Exception {
        GradientHarness harness = new GradientHarness(Shortcuts.class);
        Map<String, Method> methods = new LinkedHashMap<>();
        harness.differentiableMethods().forEach(m -> methods.put(m.getName(), m));
        return POINTS.entrySet().stream().flatMap(e -> e.getValue().stream().map(args -> DynamicTest.dynamicTest(
                e.getKey() + " at " + GradientHarness.describe(args), () -> {
                    harness.checkAt(methods.get(e.getKey()), args, new Random(e.getKey().hashCode()));
                })));
    }

    /** The figures themselves, where the branch's own derivative would be another. */
    @Test
    void theCodeAroundsDerivativeNotTheBranchs() {
        // Γ'(4) = Γ(4) ψ(4) = 6 (1 + 1/2 + 1/3 - γ); the branch alone gives 5 (z = 1·2·3's derivative)
        assertEquals(6 * (1 + 0.5 + 1.0 / 3 - 0.5772156649015329), ShortcutsAdjoint.gammaShiftedGradient(4.0).x, 1e-8);
        assertEquals(1.0, ShortcutsAdjoint.oddSeriesGradient(0.0).x, 0.0);
        // ψ(3) = 1 + 1/2 - γ (the factorial's branch gives 0)
        assertEquals(1.5 - 0.5772156649015329, ShortcutsAdjoint.logGammaByFactorialGradient(3.0).x, 1e-9);
        // ∂/∂c₀ of (−Σ cᵢ log cᵢ + S log S) / S at (2, 3, 5), S = 10: (log S − log c₀) / S − H / S, H the value
        double[] counts = {2.0, 3.0, 5.0};
        double h = Shortcuts.countEntropy(counts);
        assertEquals((Math.log(10) - Math.log(2)) / 10 - h / 10, ShortcutsAdjoint.countEntropyGradient(counts).counts[0],
                1e-12);
        assertEquals(1.0, ShortcutsAdjoint.roundedAtZeroGradient(0.0).x, 1e-15);
        // ∂/∂k 3 x^k = 3 x^k ln x at k = 1 (the branch gives 0)
        assertEquals(3 * 0.7 * Math.log(0.7), ShortcutsAdjoint.scaledPowerGradient(0.7, 1.0).k, 1e-15);
        ShortcutsAdjoint.DiagonalGradient d = ShortcutsAdjoint.diagonalGradient(0.6, 0.6);
        assertEquals(0.6, d.x, 0.0);
        assertEquals(0.6, d.y, 0.0);
        assertEquals(12.0, ShortcutsAdjoint.cubeUnlessTwoGradient(2.0).x, 0.0);
    }

    /**
     * Where the code around does not give the method's value, the branch's derivative stays, as in
     * PyTorch: sinc's guard (the code around is 0/0 at 0; sinc'(0) = 0 is right), a shortcut to
     * another value (no derivative exists there; the branch's is 0), and one where the code around
     * overflows.
     */
    @Test
    void guardsAndJumpsKeepTheBranchsDerivative() {
        assertEquals(0.0, ShortcutsAdjoint.sincGradient(0.0).x, 0.0);
        assertEquals(1.0, Shortcuts.sinc(0.0), 0.0);
        ShortcutsAdjoint.SpikeGradient g = new ShortcutsAdjoint.SpikeGradient();
        assertEquals(7.0, ShortcutsAdjoint.spikePullback(0.5, 1.0, g), 0.0);
        assertEquals(0.0, g.x, 0.0);
        assertEquals(2 * 0.5000001, ShortcutsAdjoint.spikeGradient(0.5000001).x, 1e-15);
        // the code around is 1/0 = ∞ there: no agreement, the branch's derivative and the method's value
        ShortcutsAdjoint.PoleAroundGradient pole = new ShortcutsAdjoint.PoleAroundGradient();
        assertEquals(10.0, ShortcutsAdjoint.poleAroundPullback(10.0, 1.0, pole), 0.0);
        assertEquals(1.0, pole.x, 0.0);
        assertEquals(1.0, ShortcutsAdjoint.poleAroundTangent(10.0, 1.0), 0.0);
        assertEquals(0.0, ShortcutsAdjoint.poleAroundHessian(10.0)[0][0], 0.0);
    }
}
