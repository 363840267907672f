package demo;

/** erf and erfc, each through the other where its own formula is poor; no annotation. */
public final class Num {
    private Num() {}

    public static double erf(double x) {
        if (x < 0) {
            return -erf(-x);
        }
        if (x > 2.0) {
            return 1.0 - erfc(x);
        }
        double term = x;
        double sum = x;
        for (int n = 1; n < 30; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2.0 / Math.sqrt(Math.PI) * sum;
    }

    public static double erfc(double x) {
        if (x < 2.0) {
            return 1.0 - erf(x);
        }
        double f = x;
        for (int k = 40; k >= 1; k--) {
            f = x + 0.5 * k / f;
        }
        return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
    }
}
