package dev.adjoint.internal;

/**
 * The choice generated code makes where an equality test of a differentiated value holds (a
 * shortcut such as {@code if (x == 2.0) return z;}): the derivative of the code around the point,
 * which the method runs everywhere near it, when that code gives the method's value there. Not
 * part of the API.
 */
public final class Shortcuts {

    /**
     * How far apart two values may be, relative to their size, and still be the same value
     * computed two ways: a shortcut's exact value and the general formula's rounded one.
     */
    static final double AGREEMENT = 1e-10;

    private Shortcuts() {}

    /**
     * What added to {@code around} gives {@code value} exactly, when the method's value and the
     * value of the code around the point agree (equal, or within {@link #AGREEMENT} of their size),
     * else NaN: a guard against 0/0 ({@code x == 0 ? 1 : Math.sin(x) / x}), a shortcut to another
     * value, a value that is not finite, or zeros of opposite signs (no sum gives −0 from +0). Equal
     * values give −0 ({@code x + -0.0} is {@code x}, for −0 too); close ones their difference:
     * two doubles within a factor of two of each other subtract exactly (Sterbenz), and the sum is
     * then {@code value}.
     */
    public static double gap(double value, double around) {
        if (value == around) {
            return Double.isFinite(value) && Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(around)
                    ? -0.0 : Double.NaN;
        }
        double difference = value - around;
        return Math.abs(difference) <= AGREEMENT * Math.max(Math.abs(value), Math.abs(around))
                ? difference : Double.NaN;
    }
}
