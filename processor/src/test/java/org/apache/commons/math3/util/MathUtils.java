package org.apache.commons.math3.util;

/**
 * Stands in for Commons Math 3's {@code MathUtils} (not a dependency of the processor): compiled
 * by Maven, seen by the corpus fixtures only as a class file, in the library's package so that
 * Adjoint's built-in derivative of {@code normalizeAngle} applies as it does to the jar's.
 */
public final class MathUtils {
    /** 2π. */
    public static final double TWO_PI = 2 * Math.PI;

    private MathUtils() {}

    /** {@code a} shifted by whole turns into [center − π, center + π). */
    public static double normalizeAngle(double a, double center) {
        return a - TWO_PI * Math.floor((a + Math.PI - center) / TWO_PI);
    }
}
