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
     * computed two ways: a shortcut's exact value and the general formula's rounded or approximated
     * one (Numerical Recipes' Lanczos log Γ, which Smile and many others use, is within 2e-10).
     */
    static final double AGREEMENT = 1e-8;

    private Shortcuts() {}

    /**
     * How close to 0 two values may both be and still be the same value computed two ways: a
     * shortcut's exact 0 (erf(0), log Γ(1) and log Γ(2)) and the general formula's error around it,
     * of the size of its terms' (log Γ(2) by Lanczos' series: 1e-10).
     */
    static final double NEAR_ZERO = 1e-9;

    /**
     * What added to {@code around} gives {@code value} exactly, when the method's value and the
     * value of the code around the point agree: within {@link #AGREEMENT} of their size, or both
     * within {@link #NEAR_ZERO} of 0. Else NaN: a guard against 0/0 ({@code x == 0 ? 1 :
     * Math.sin(x) / x}), a shortcut to another value, a value that is not finite, or no double that
     * makes the sum exact (zeros of opposite signs: no sum gives −0 from +0). Two doubles within a
     * factor of two of each other subtract exactly (Sterbenz), so the difference usually does; for
     * equal values −0 does ({@code x + -0.0} is {@code x}, for −0 too).
     */
    public static double gap(double value, double around) {
        if (!Double.isFinite(value) || !Double.isFinite(around)) {
            return Double.NaN;
        }
        double difference = value - around;
        boolean agree = Math.abs(difference) <= AGREEMENT * Math.max(Math.abs(value), Math.abs(around))
                || Math.abs(value) <= NEAR_ZERO && Math.abs(around) <= NEAR_ZERO;
        if (!agree) {
            return Double.NaN;
        }
        if (exact(around, difference, value)) {
            return difference;
        }
        return exact(around, -0.0, value) ? -0.0 : Double.NaN;
    }

    /**
     * How many loop iterations the code around may run in all before it gives up, as if it threw
     * (then the branch's derivative stays). A shortcut may be what keeps a loop after it finite: a
     * series stopped on {@code |term| >= eps |sum|} is {@code 0 >= 0} for ever at the one point the
     * shortcut {@code if (x == 0) return 0;} keeps from it. 10⁸ iterations take about 0.1 s; a
     * derivative through that many would need a tape of as many values.
     */
    static final int STEPS = 100_000_000;

    /**
     * {@code steps + 1}, counting an iteration of a loop of the code around; throws when that
     * exceeds {@link #STEPS}, which the code around's caller takes for "no agreement".
     */
    public static int step(int steps) {
        if (steps >= STEPS) {
            throw new IllegalStateException("the code around an equality test ran " + STEPS + " loop iterations");
        }
        return steps + 1;
    }

    /**
     * {@code v} where it is finite; else throws, which the code around's caller takes for "no
     * agreement". The code around may pass through an infinity and still end at the method's value
     * (Black-Scholes at t = 0: d1 = log(s/k) / 0 is infinite, N(d1) is 1), but its derivative
     * there is not a number (∞ · 0), so the branch's is taken.
     */
    public static double finite(double v) {
        if (Double.isFinite(v)) {
            return v;
        }
        throw NotFinite.INSTANCE;
    }

    /** What {@link #finite} throws: one instance, without a stack trace (it is caught at once). */
    private static final class NotFinite extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final NotFinite INSTANCE = new NotFinite();

        private NotFinite() {
            super("the code around an equality test computed a value that is not finite", null, false, false);
        }
    }

    private static boolean exact(double around, double gap, double value) {
        return Double.doubleToRawLongBits(around + gap) == Double.doubleToRawLongBits(value);
    }
}
