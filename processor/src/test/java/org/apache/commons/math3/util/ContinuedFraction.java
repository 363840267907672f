package org.apache.commons.math3.util;

import org.apache.commons.math3.exception.ConvergenceException;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.exception.util.LocalizedFormats;

/**
 * Stands in for Commons Math 3's {@code ContinuedFraction} (not a dependency of the processor):
 * compiled by Maven, seen by the tests only as a class file, in the library's package so that
 * Adjoint reads an anonymous subclass of it as it reads the jar's. Its {@code evaluate} is the
 * modified Lentz algorithm the library documents, with the same operations in the same order, so
 * that a generated value can be compared with it bit for bit.
 */
public abstract class ContinuedFraction {
    private static final double DEFAULT_EPSILON = 10e-9;
    private static final double SMALL = 1e-50;

    protected ContinuedFraction() {}

    /** The n-th "a" coefficient. */
    protected abstract double getA(int n, double x);

    /** The n-th "b" coefficient. */
    protected abstract double getB(int n, double x);

    public double evaluate(double x) {
        return evaluate(x, DEFAULT_EPSILON, Integer.MAX_VALUE);
    }

    public double evaluate(double x, double epsilon) {
        return evaluate(x, epsilon, Integer.MAX_VALUE);
    }

    public double evaluate(double x, int maxIterations) {
        return evaluate(x, DEFAULT_EPSILON, maxIterations);
    }

    /** The fraction at {@code x}, stopped where a step changes it by a factor within {@code epsilon} of 1. */
    public double evaluate(double x, double epsilon, int maxIterations) {
        double previous = nonZero(getA(0, x));
        double d = 0.0;
        double c = previous;
        double h = previous;
        int n = 1;
        for (; n < maxIterations; n++) {
            double a = getA(n, x);
            double b = getB(n, x);
            double dn = 1 / nonZero(a + b * d);
            double cn = nonZero(a + b / c);
            double delta = cn * dn;
            h = previous * delta;
            if (Double.isInfinite(h)) {
                throw new ConvergenceException(LocalizedFormats.CONTINUED_FRACTION_INFINITY_DIVERGENCE, x);
            }
            if (Double.isNaN(h)) {
                throw new ConvergenceException(LocalizedFormats.CONTINUED_FRACTION_NAN_DIVERGENCE, x);
            }
            if (Math.abs(delta - 1.0) < epsilon) {
                break;
            }
            d = dn;
            c = cn;
            previous = h;
        }
        if (n >= maxIterations) {
            throw new MaxCountExceededException(LocalizedFormats.NON_CONVERGENT_CONTINUED_FRACTION, maxIterations, x);
        }
        return h;
    }

    /** {@code v}, or the smallest denominator taken when it is within that of 0. */
    private static double nonZero(double v) {
        return Math.abs(v) <= SMALL ? SMALL : v;
    }
}
