package dev.adjoint.processor.corpus.lib;

/**
 * Stands in for Guava's {@code DoubleMath}, a jar dependency of Strata: compiled by Maven, seen by
 * the fixtures only as a class file. Its methods read their arguments and return a boolean.
 */
public final class DoubleMath {
    private DoubleMath() {}

    /** Whether {@code a} and {@code b} are within {@code tolerance} of each other (equal infinities too). */
    public static boolean fuzzyEquals(double a, double b, double tolerance) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance (" + tolerance + ") must be >= 0");
        }
        return Math.copySign(a - b, 1.0) <= tolerance || (a == b) || (Double.isNaN(a) && Double.isNaN(b));
    }
}
