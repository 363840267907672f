package org.apache.commons.numbers.fraction;

/**
 * Stands in for Commons Numbers 1.0's {@code ContinuedFraction} (not a dependency of the
 * processor), seen by the tests only as a class file: b_0 + a_1/(b_1 + a_2/(b_2 + ...)), the terms
 * named the other way round from Commons Math's, by the modified Lentz method with the same
 * operations in the same order as the 1.0 release, so that a generated value can be compared with
 * it bit for bit. It throws an {@code ArithmeticException} (the library's is a package-private
 * subclass of it).
 */
public abstract class ContinuedFraction {
    private static final double SMALL = 1e-50;

    /** The n-th "a" coefficient (a numerator). */
    protected abstract double getA(int n, double x);

    /** The n-th "b" coefficient (b_0, then a denominator's term). */
    protected abstract double getB(int n, double x);

    public double evaluate(double x, double epsilon) {
        return evaluate(x, epsilon, Integer.MAX_VALUE);
    }

    /** The fraction at {@code x}, returned where a step changes it by a factor within {@code epsilon} of 1. */
    public double evaluate(double x, double epsilon, int maxIterations) {
        double previous = nonZero(getB(0, x));
        double d = 0.0;
        double c = previous;
        for (int n = 1; n <= maxIterations; n++) {
            double a = getA(n, x);
            double b = getB(n, x);
            double dn = 1 / nonZero(b + a * d);
            double cn = nonZero(b + a / c);
            double delta = cn * dn;
            double h = previous * delta;
            if (Double.isInfinite(h) || Double.isNaN(h)) {
                throw new ArithmeticException("continued fraction diverged at " + x);
            }
            if (Math.abs(delta - 1) < epsilon) {
                return h;
            }
            d = dn;
            c = cn;
            previous = h;
        }
        throw new ArithmeticException("maximal count (" + maxIterations + ") exceeded");
    }

    private static double nonZero(double v) {
        return Math.abs(v) <= SMALL ? SMALL : v;
    }
}
