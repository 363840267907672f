package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Cody's erf against reference values, and the derivative given to Adjoint against differences of it. */
class SpecialTest {

    /** x and erf(x) rounded to the nearest double (mpmath at 30 digits). */
    private static final double[][] REFERENCE = {
        {0.0, 0.0},
        {1e-10, 1.1283791670955126e-10},
        {0.1, 0.1124629160182849},
        {0.46875, 0.49261347321793797},
        {0.5, 0.5204998778130465},
        {1.0, 0.8427007929497149},
        {2.0, 0.9953222650189527},
        {3.0, 0.9999779095030014},
        {4.0, 0.9999999845827421},
        {4.5, 0.9999999998033839},
        {6.0, 1.0},
    };

    @Test
    void erfIsAccurateToAFewUlps() {
        for (double[] r : REFERENCE) {
            assertEquals(r[1], Special.erf(r[0]), 4 * Math.ulp(r[1]) + Double.MIN_VALUE, "erf(" + r[0] + ")");
            assertEquals(-r[1], Special.erf(-r[0]), 4 * Math.ulp(r[1]) + Double.MIN_VALUE, "erf(" + -r[0] + ")");
        }
    }

    @Test
    void theGivenDerivativeIsTheSlopeOfErf() {
        for (double x = -5; x <= 5; x += 0.0625 * 3) {
            double h = 1e-5;
            double slope = (Special.erf(x + h) - Special.erf(x - h)) / (2 * h);
            assertEquals(slope, Special.erfDerivative(x), 1e-9, "x = " + x);
        }
    }
}
