package dev.adjoint.samples;

import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;

/**
 * The error function to double precision, and its derivative given to Adjoint by hand.
 *
 * <p>{@link #erf} is W. J. Cody's rational Chebyshev approximation: W. J. Cody, "Rational Chebyshev
 * approximations for the error function", Math. Comp. 23 (1969), 631-637, as implemented in his
 * SPECFUN package (routine CALERF, netlib.org/specfun/erf). Maximal relative error is about 1e-16
 * on three intervals of |x|:
 * <ul>
 *   <li>|x| ≤ 0.46875: erf(x) = x·P(x²)/Q(x²);
 *   <li>0.46875 < |x| ≤ 4: erfc(|x|) = exp(-x²)·P(|x|)/Q(|x|);
 *   <li>|x| > 4: erfc(|x|) = exp(-x²)/|x|·(1/√π - R(1/x²)), R = 1/x²·P(1/x²)/Q(1/x²);
 * </ul>
 * and erf(x) = ±(1 - erfc(|x|)) outside the first. exp(-x²) is taken as exp(-z²)·exp(-(x - z)(x + z))
 * with z = x rounded down to a sixteenth, which keeps the rounding error of x² out of the exponent.
 *
 * <p>Adjoint does not read this method: its branches and the rounding to a sixteenth are not what
 * a derivative should go through. {@link #erfDerivative} gives the exact derivative instead, and
 * every {@code @Differentiable} method that calls {@code erf} uses it.
 */
public final class Special {

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563; // 1/√π

    // Cody's coefficients, as published in SPECFUN's CALERF.
    private static final double[] A = {
        3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
        1.85777706184603153e-1};
    private static final double[] B = {
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03};
    private static final double[] C = {
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
        8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
        2.15311535474403846e-8};
    private static final double[] D = {
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
        3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03};
    private static final double[] P = {
        3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
        6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {
        2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
        2.33520497626869185e-3};

    /** Beyond this, erfc(|x|) < 2⁻⁵³·½ and erf(x) rounds to ±1. */
    private static final double ERF_IS_ONE = 6.0;

    private Special() {}

    /** The error function, erf(x) = 2/√π ∫₀ˣ exp(-t²) dt, to about 1e-16 relative. */
    public static double erf(double x) {
        double y = Math.abs(x);
        if (y <= 0.46875) {
            double z = y * y;
            double num = A[4] * z;
            double den = z;
            for (int i = 0; i < 3; i++) {
                num = (num + A[i]) * z;
                den = (den + B[i]) * z;
            }
            return x * (num + A[3]) / (den + B[3]);
        }
        double erf = y >= ERF_IS_ONE ? 1.0 : 1.0 - erfcOfPositive(y);
        return x < 0 ? -erf : erf;
    }

    /**
     * d/dx erf(x) = 2/√π·exp(-x²): what Adjoint uses wherever {@code erf} is called. It is
     * {@code @Differentiable} too, so that second derivatives (the Hessian of a price) can go
     * through it: they need its own derivative.
     */
    @Differentiable
    @DerivativeOf(method = "erf")
    static double erfDerivative(double x) {
        return TWO_OVER_SQRT_PI * Math.exp(-x * x);
    }

    /** erfc(y) for 0.46875 < y < 6, Cody's second and third intervals. */
    private static double erfcOfPositive(double y) {
        double ratio;
        if (y <= 4) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            ratio = (num + C[7]) / (den + D[7]);
        } else {
            double z = 1 / (y * y);
            double num = P[5] * z;
            double den = z;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            ratio = (ONE_OVER_SQRT_PI - z * (num + P[4]) / (den + Q[4])) / y;
        }
        double sixteenth = Math.floor(y * 16) / 16;
        double del = (y - sixteenth) * (y + sixteenth);
        return Math.exp(-sixteenth * sixteenth) * Math.exp(-del) * ratio;
    }
}
