package dev.adjoint.internal.elsewhere;

import dev.adjoint.internal.PackageBase;

/**
 * For {@code OverridesTest}: declares {@code rate(double)} like {@link PackageBase}'s, which is
 * package-private in another package, so it does not override it: a call of {@code rate} made in
 * {@code PackageBase}'s package still runs {@code PackageBase}'s body on a {@code Shadows}.
 */
public class Shadows extends PackageBase {
    double rate(double x) {
        return 2 * x;
    }
}
