package dev.adjoint.internal;

/** For {@link OverridesTest}: a method only its own package can override. */
public class PackageBase {
    double rate(double x) {
        return x;
    }

    /** In this package again, below {@link dev.adjoint.internal.elsewhere.Shadows}: overrides {@code rate}. */
    public static class BackHome extends dev.adjoint.internal.elsewhere.Shadows {
        @Override
        double rate(double x) {
            return 3 * x;
        }
    }
}
