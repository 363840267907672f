package dev.adjoint.processor.corpus.lib;

/**
 * Stands in for a third-party library's integer combinatorics (Commons Math's
 * {@code CombinatoricsUtils}): compiled by Maven, so corpus methods see only its class file.
 */
public final class Combinatorics {
    private Combinatorics() {}

    /** log n! for n ≥ 0, like {@code CombinatoricsUtils.factorialLog}. */
    public static double factorialLog(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative: " + n);
        }
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
