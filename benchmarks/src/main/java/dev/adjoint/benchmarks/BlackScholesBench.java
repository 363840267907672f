package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.BlackScholes;
import dev.adjoint.benchmarks.models.BlackScholesAdjoint;
import dev.adjoint.benchmarks.models.BlackScholesBaselines;
import dev.adjoint.benchmarks.models.FiniteDifferences;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Black-Scholes call price, 5 inputs (an at-the-money-ish call: S=100, K=95, r=3%, σ=25%,
 * T=0.75y). Every gradient variant adds into a holder reused across calls (never zeroed: the
 * pullback's contract is to accumulate).
 *
 * <p>Forward mode and second order (not part of {@link ModelBench}; the report's second table):
 * the generated tangent in one fixed direction against {@code DerivativeStructure} with one free
 * parameter along it, and the generated 5×5 Hessian ({@code callHessian}: forward over reverse,
 * what the five directions share computed once, allocating the array) against the same called
 * into an array allocated once here and zeroed before each call (as a caller who keeps its
 * holders would: no allocation), against {@code DerivativeStructure} of order 2 with five free parameters (one evaluation gives
 * the value, gradient and Hessian) and against central differences of the generated gradient (ten
 * pullbacks).
 */
public class BlackScholesBench extends ModelBench {

    // non-final fields, so the JIT cannot constant-fold the inputs
    public double s = 100.0;
    public double k = 95.0;
    public double r = 0.03;
    public double sigma = 0.25;
    public double t = 0.75;

    public final BlackScholesAdjoint.CallGradient generated = new BlackScholesAdjoint.CallGradient();
    public final BlackScholesBaselines.Gradient hand = new BlackScholesBaselines.Gradient();
    public final BlackScholesBaselines.Gradient tape = new BlackScholesBaselines.Gradient();
    public final BlackScholesBaselines.Gradient ds = new BlackScholesBaselines.Gradient();
    /** The finite-difference baseline perturbs these in place: s, k, r, σ, T. */
    public final double[][] fdInputs = {{s, k, r, sigma, t}};
    public final double[][] fdGradient = {new double[5]};
    /** The direction of the tangent variants (dS, dK, dR, dσ, dT). */
    public double dS = 0.8;
    public double dK = -0.3;
    public double dR = 0.01;
    public double dSigma = 0.05;
    public double dT = 0.2;
    public final double[][] dsHessian = new double[5][5];
    public final double[][] fdHessian = new double[5][5];
    public final BlackScholesAdjoint.CallGradient fdUp = new BlackScholesAdjoint.CallGradient();
    public final BlackScholesAdjoint.CallGradient fdDown = new BlackScholesAdjoint.CallGradient();
    /** The caller's array of {@link #hessianIntoHolders}, zeroed per call. */
    public final double[][] hessianMatrix = new double[5][5];
    private final DoubleSupplier fdFunction = () -> {
        double[] p = fdInputs[0];
        return BlackScholes.call(p[0], p[1], p[2], p[3], p[4]);
    };

    @Benchmark
    @Override
    public double primal() {
        return BlackScholes.call(s, k, r, sigma, t);
    }

    @Benchmark
    @Override
    public double gradient() {
        return BlackScholesAdjoint.callPullback(s, k, r, sigma, t, 1.0, generated);
    }

    @Benchmark
    @Override
    public double handWritten() {
        return BlackScholesBaselines.callPullback(s, k, r, sigma, t, 1.0, hand);
    }

    @Benchmark
    @Override
    public double tape() {
        return BlackScholesBaselines.callOnTape(s, k, r, sigma, t, tape);
    }

    @Benchmark
    @Override
    public double derivativeStructure() {
        return BlackScholesBaselines.callDerivativeStructure(s, k, r, sigma, t, ds);
    }

    @Benchmark
    @Override
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }

    /** The generated forward mode, {@code callTangent}: the derivative in one direction. */
    @Benchmark
    public double tangent() {
        return BlackScholesAdjoint.callTangent(s, k, r, sigma, t, dS, dK, dR, dSigma, dT);
    }

    /** {@code DerivativeStructure} with one free parameter along the same direction. */
    @Benchmark
    public double tangentDerivativeStructure() {
        return BlackScholesBaselines.callTangentDerivativeStructure(s, k, r, sigma, t, dS, dK, dR, dSigma, dT);
    }

    /** The generated {@code callHessian}: a new 5×5 array per call. */
    @Benchmark
    public double[][] hessian() {
        return BlackScholesAdjoint.callHessian(s, k, r, sigma, t);
    }

    /**
     * The Hessian as {@code callHessian} computes it, by the generated {@code callHessian} overload
     * that adds into the caller's array: {@link #hessianMatrix}, zeroed before each call.
     */
    @Benchmark
    public double[][] hessianIntoHolders() {
        for (double[] row : hessianMatrix) {
            java.util.Arrays.fill(row, 0.0);
        }
        BlackScholesAdjoint.callHessian(s, k, r, sigma, t, hessianMatrix);
        return hessianMatrix;
    }

    /** {@code DerivativeStructure} of order 2, five free parameters, into a reused 5×5 array. */
    @Benchmark
    public double hessianDerivativeStructure() {
        return BlackScholesBaselines.callHessianDerivativeStructure(s, k, r, sigma, t, dsHessian);
    }

    /** Central differences of the generated gradient: ten pullbacks, into a reused 5×5 array. */
    @Benchmark
    public double[][] hessianFiniteDifferences() {
        return BlackScholesBaselines.callHessianFiniteDifferences(s, k, r, sigma, t, fdUp, fdDown, fdHessian);
    }
}
