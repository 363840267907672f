package org.hipparchus.util;

/**
 * Stands in for Hipparchus' {@code MathArrays} (not a dependency of the processor): compiled
 * by Maven, seen by the corpus fixtures only as a class file, in the library's package so that
 * Adjoint reads its copies of a {@code double[]} as the copies they are.
 */
public final class MathArrays {
    private MathArrays() {}

    /** A copy of {@code source}. */
    public static double[] copyOf(double[] source) {
        return copyOf(source, source.length);
    }

    /** The first {@code len} elements of {@code source}, padded with zeros. */
    public static double[] copyOf(double[] source, int len) {
        double[] output = new double[len];
        System.arraycopy(source, 0, output, 0, Math.min(len, source.length));
        return output;
    }
}
