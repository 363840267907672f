package org.hipparchus.util;

import org.hipparchus.exception.LocalizedCoreFormats;
import org.hipparchus.exception.MathIllegalStateException;

/**
 * Stands in for Hipparchus' {@code ContinuedFraction} (not a dependency of the processor), seen by
 * the tests only as a class file: the modified Lentz algorithm its source documents, the same as
 * Commons Math's, throwing Hipparchus' exception.
 */
public abstract class ContinuedFraction {
    private static final double SMALL = 1e-50;

    protected ContinuedFraction() {}

    protected abstract double getA(int n, double x);

    protected abstract double getB(int n, double x);

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
                throw new MathIllegalStateException(LocalizedCoreFormats.CONTINUED_FRACTION_INFINITY_DIVERGENCE, x);
            }
            if (Double.isNaN(h)) {
                throw new MathIllegalStateException(LocalizedCoreFormats.CONTINUED_FRACTION_NAN_DIVERGENCE, x);
            }
            if (Math.abs(delta - 1.0) < epsilon) {
                break;
            }
            d = dn;
            c = cn;
            previous = h;
        }
        if (n >= maxIterations) {
            throw new MathIllegalStateException(LocalizedCoreFormats.NON_CONVERGENT_CONTINUED_FRACTION, maxIterations, x);
        }
        return h;
    }

    private static double nonZero(double v) {
        return Math.abs(v) <= SMALL ? SMALL : v;
    }
}
