package dev.adjoint.processor.corpus.lib;

/**
 * Stands in for a third-party library's argument checks (Commons Math's {@code MathArrays} and
 * {@code MathUtils}, Hipparchus' twins): compiled by Maven like any other test class, so a corpus
 * method that calls it sees only its class file, as a user's code sees a jar. The checks read their
 * arguments and write nothing.
 */
public final class ArrayChecks {
    private ArrayChecks() {}

    /** Throws when {@code a} and {@code b} differ in length, like {@code MathArrays.checkEqualLength}. */
    public static void checkEqualLength(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " != " + b.length);
        }
    }

    /** Throws when {@code o} is null, like {@code MathUtils.checkNotNull}. */
    public static void checkNotNull(Object o) {
        if (o == null) {
            throw new NullPointerException("null argument");
        }
    }

    /** Throws unless {@code lo <= value <= hi}, like {@code MathUtils.checkRangeInclusive}. */
    public static void checkRangeInclusive(double value, double lo, double hi) {
        if (value < lo || value > hi) {
            throw new IllegalArgumentException(value + " is outside [" + lo + ", " + hi + "]");
        }
    }
}
