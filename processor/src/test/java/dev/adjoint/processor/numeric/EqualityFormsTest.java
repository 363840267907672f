package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.fixtures.EqualityForms;
import dev.adjoint.processor.fixtures.EqualityFormsAdjoint;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The equality shortcuts of {@link EqualityForms}, written by Double.compare, a boxed Double's
 * equals and compareTo, Objects.equals, an int holding Double.compare, equal bits, a sign of 0 (a switch's too), a three-way choice, |u| ≤ 0, a bracket (negated sides too) {@code x >= c && x <= c} and its negation: at the point
 * where the test holds and beside it, every derivative member against central differences (which see
 * only the code around), the exact figures at the point, and the method's own value, bit for bit,
 * where Double.compare and {@code ==} disagree (-0.0, NaN).
 */
class EqualityFormsTest {

    /** Each method's point where its test holds, then a point on either side (a guard's: beside it only). */
    private static final Map<String, List<Object[]>> POINTS = new LinkedHashMap<>();

    static {
        POINTS.put("compareShortcut", points(0.0, -0.3, 0.4));
        POINTS.put("compareUnlessTwo", points(2.0, 1.7, 2.2));
        POINTS.put("boxedEquals", points(0.0, -0.25, 0.5));
        POINTS.put("boxedCompareTo", points(1.0, 0.8, 1.3));
        POINTS.put("absAtMostZero", points(1.5, 1.2, 1.75));
        POINTS.put("absAboveZero", points(0.0, -0.4, 0.3));
        POINTS.put("absBelowMinValue", points(0.0, -0.6, 0.2));
        POINTS.put("bracketed", points(2.0, 1.6, 2.5));
        POINTS.put("bracketInChain", points(2.0, 1.9, 2.1));
        POINTS.put("notOutside", points(0.0, -0.2, 0.7));
        POINTS.put("outside", points(0.5, 0.1, 0.9));
        POINTS.put("storedCompare", points(1.0, 0.7, 1.4));
        POINTS.put("objectsEquals", points(0.0, -0.3, 0.45));
        POINTS.put("equalBits", points(2.0, 1.8, 2.3));
        POINTS.put("signOfDifference", points(1.0, 0.6, 1.2));
        POINTS.put("intSign", points(0.0, -0.35, 0.25));
        POINTS.put("negatedBracket", points(1.0, 0.8, 1.25));
        POINTS.put("threeWay", points(2.0, 1.7, 2.4));
        POINTS.put("threeWayCompare", points(1.0, 0.6, 1.5));
        POINTS.put("switchOnSign", points(1.0, 0.75, 1.1));
        POINTS.put("belowCap", points(1.0, 0.5, 2.0));
        // at 0 a guard keeps the branch's derivatives (sinc's 0, not the finite differences' -1/3 of second order)
        POINTS.put("compareGuard", points(-0.5, 0.6));
    }

    private static List<Object[]> points(double... xs) {
        return java.util.Arrays.stream(xs).mapToObj(x -> new Object[] {x}).toList();
    }

    @TestFactory
    Stream<DynamicTest> atTheTestAndBesideItTheDerivativeIsTheCodeAround() throws Exception {
        return GradientHarness.atPoints(EqualityForms.class, POINTS);
    }

    /** The figures at the point: the code around's derivative, where the branch's own would be 0. */
    @Test
    void theCodeAroundsDerivativeNotTheBranchs() {
        assertEquals(1.1283791670955126, EqualityFormsAdjoint.compareShortcutGradient(0.0).x, 0.0);
        assertEquals(12.0, EqualityFormsAdjoint.compareUnlessTwoGradient(2.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.boxedEqualsGradient(0.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.boxedCompareToGradient(1.0).x, 0.0);
        assertEquals(3.0, EqualityFormsAdjoint.absAtMostZeroGradient(1.5).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.absAboveZeroGradient(0.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.absBelowMinValueGradient(0.0).x, 0.0);
        assertEquals(12.0, EqualityFormsAdjoint.bracketedGradient(2.0).x, 0.0);
        assertEquals(12.0, EqualityFormsAdjoint.bracketInChainGradient(2.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.notOutsideGradient(0.0).x, 0.0);
        assertEquals(Math.exp(0.5), EqualityFormsAdjoint.outsideGradient(0.5).x, 1e-15);
        assertEquals(1.0, EqualityFormsAdjoint.storedCompareGradient(1.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.objectsEqualsGradient(0.0).x, 0.0);
        assertEquals(12.0, EqualityFormsAdjoint.equalBitsGradient(2.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.signOfDifferenceGradient(1.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.intSignGradient(0.0).x, 0.0);
        assertEquals(3.0, EqualityFormsAdjoint.negatedBracketGradient(1.0).x, 0.0);
        assertEquals(12.0, EqualityFormsAdjoint.threeWayGradient(2.0).x, 0.0);
        assertEquals(1.0, EqualityFormsAdjoint.threeWayCompareGradient(1.0).x, 0.0);
        assertEquals(3.0, EqualityFormsAdjoint.switchOnSignGradient(1.0).x, 0.0);
        // a test that holds on an interval is no equality test: the branch's derivative is the function's
        assertEquals(3 * 2.0, EqualityFormsAdjoint.belowCapGradient(1.0).x, 0.0);
        assertEquals(1.1283791670955126, EqualityFormsAdjoint.compareShortcutTangent(0.0, 1.0), 0.0);
        // sinc's guard: the code around is 0/0 at 0, so the branch's derivative, sinc'(0) = 0, stays
        assertEquals(0.0, EqualityFormsAdjoint.compareGuardGradient(0.0).x, 0.0);
    }

    /**
     * Where Double.compare and {@code ==} disagree (compare(-0.0, 0.0) != 0; a NaN bracket fails
     * both sides), the tests are kept as written: the pullback's value is the method's, bit for bit.
     */
    @Test
    void theMethodsValueIsItsOwnAtSignedZerosAndNaN() throws Exception {
        for (String name : POINTS.keySet()) {
            Method f = EqualityForms.class.getMethod(name, double.class);
            Class<?> holder = Class.forName(EqualityFormsAdjoint.class.getName() + "$"
                    + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Gradient");
            Method pullback = EqualityFormsAdjoint.class.getMethod(name + "Pullback", double.class, double.class, holder);
            for (double x : new double[] {0.0, -0.0, Double.NaN, 0.5, 1.0, 1.5, 2.0}) {
                double value = (double) f.invoke(null, x);
                double pulled = (double) pullback.invoke(null, x, 1.0, holder.getConstructor().newInstance());
                assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(pulled), name + " at " + x);
            }
        }
    }
}
