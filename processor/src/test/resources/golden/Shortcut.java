package demo;

import dev.adjoint.Differentiable;

public final class Shortcut {
    /** Γ as Cephes writes it: x shifted into [2, 3), Γ(2) = 1 at once, else a rational approximation. */
    @Differentiable
    public static double gamma(double x) {
        double z = 1.0;
        while (x >= 3.0) {
            x -= 1.0;
            z *= x;
        }
        if (x == 2.0) {
            return z;
        }
        x -= 2.0;
        return z * (1.0 + 0.4227843 * x + 0.4118403 * x * x) / (1.0 + 0.0021 * x);
    }

    /**
     * sinc(x)·y² with a guard against 0/0 and a shortcut in one method: the code around keeps the
     * guard where it holds ({@code sincTimesSquare$kept} finds which tests to keep), and fails only the tests
     * it can.
     */
    @Differentiable
    public static double sincTimesSquare(double x, double y) {
        double s = x == 0.0 ? 1.0 : Math.sin(x) / x;
        double z = y == 2.0 ? 4.0 : y * y;
        return s * z;
    }
}
