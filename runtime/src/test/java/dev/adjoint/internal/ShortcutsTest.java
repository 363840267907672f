package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Shortcuts#gap}: NaN unless the two values agree, and then {@code around + gap} is the
 * value, bit for bit; {@link Shortcuts#finite}: the value where finite, else a throw.
 */
class ShortcutsTest {

    @Test
    void finiteValuesPassAndOthersThrow() {
        for (double v : new double[] {0.0, -0.0, 1.5, -Double.MAX_VALUE, Double.MIN_VALUE}) {
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Shortcuts.finite(v)));
        }
        for (double v : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
            org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> Shortcuts.finite(v));
        }
    }

    @Test
    void agreeingValuesGiveTheValueBackExactly() {
        Random random = new Random(7);
        int agreed = 0;
        for (int i = 0; i < 100_000; i++) {
            double value = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
            double around = value * (1 + (random.nextDouble() - 0.5) * Math.pow(10, -random.nextInt(17)));
            double gap = Shortcuts.gap(value, around);
            if (!Double.isNaN(gap)) {
                agreed++;
                assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(around + gap),
                        value + " from " + around + " + " + gap);
                assertTrue(Math.abs(value - around) <= Shortcuts.AGREEMENT * Math.abs(value) * 1.0000001
                        || Math.abs(value) <= Shortcuts.NEAR_ZERO && Math.abs(around) <= Shortcuts.NEAR_ZERO);
            } else {
                assertTrue(Math.abs(value - around) > Shortcuts.AGREEMENT * Math.max(Math.abs(value), Math.abs(around))
                        && (Math.abs(value) > Shortcuts.NEAR_ZERO || Math.abs(around) > Shortcuts.NEAR_ZERO)
                        || around + (value - around) != value);
            }
        }
        assertTrue(agreed > 30_000, "agreed " + agreed);
    }

    @Test
    void zerosKeepTheirSign() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(-0.0 + Shortcuts.gap(-0.0, -0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(0.0 + Shortcuts.gap(0.0, 0.0)));
        // no sum of +0 gives -0: the branch's derivative; -0 + 0 is +0
        assertTrue(Double.isNaN(Shortcuts.gap(-0.0, 0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(-0.0 + Shortcuts.gap(0.0, -0.0)));
    }

    @Test
    void guardsJumpsAndNonFiniteValuesDoNotAgree() {
        assertTrue(Double.isNaN(Shortcuts.gap(1.0, Double.NaN)), "0/0 around a guard");
        assertTrue(Double.isNaN(Shortcuts.gap(7.0, 0.25)), "a shortcut to another value");
        assertTrue(Double.isNaN(Shortcuts.gap(1.0, 1.0 + 1e-7)), "beyond the agreement");
        assertEquals(1.0, 1.0 + 2e-10 + Shortcuts.gap(1.0, 1.0 + 2e-10), 0.0); // an approximation's error
        assertTrue(Double.isNaN(Shortcuts.gap(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)));
        assertTrue(Double.isNaN(Shortcuts.gap(Double.NaN, Double.NaN)));
        // a shortcut's exact 0 and the general formula's rounding error around it (erf(0), log Γ(1))
        assertEquals(0.0, 1.1e-16 + Shortcuts.gap(0.0, 1.1e-16), 0.0);
        assertEquals(0.0, -3e-15 + Shortcuts.gap(0.0, -3e-15), 0.0);
        assertEquals(0.0, 2e-10 + Shortcuts.gap(0.0, 2e-10), 0.0); // log Γ(2) by Lanczos' series
        assertTrue(Double.isNaN(Shortcuts.gap(0.0, 1e-8)), "beyond an approximation's error around a zero");
        assertTrue(Double.isNaN(Shortcuts.gap(1e-6, 2e-6)), "small values, not zeros");
        // one infinite: within 1e-8 of an infinite size, but no sum gives the value back
        assertTrue(Double.isNaN(Shortcuts.gap(10.0, Double.POSITIVE_INFINITY)), "a shortcut where the code around overflows");
        assertTrue(Double.isNaN(Shortcuts.gap(10.0, Double.NEGATIVE_INFINITY)));
        assertTrue(Double.isNaN(Shortcuts.gap(Double.POSITIVE_INFINITY, 10.0)));
        assertTrue(Double.isNaN(Shortcuts.gap(-Double.MAX_VALUE, Double.NEGATIVE_INFINITY)));
        assertEquals(1.0, 1.0000000000000002 + Shortcuts.gap(1.0, 1.0000000000000002), 0.0);
    }
}
