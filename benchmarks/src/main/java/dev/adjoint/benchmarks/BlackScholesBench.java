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
 * parameter along it, and the generated 5×5 Hessian ({@code callHessian}, five forward-over-reverse
 * sweeps, allocating five pairs of holders and the array) against the same five sweeps called as
 * {@code callPullbackTangent} into two holders allocated once here and zeroed before each sweep,
 * the rows copied into a reused array (as a caller who keeps its holders would: no allocation),
 * against {@code DerivativeStructure} of order 2 with five free parameters (one evaluation gives
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
    /** The holders of {@link #hessianIntoHolders}: the gradient and a row of the Hessian, zeroed per sweep. */
    public final BlackScholesAdjoint.CallGradient hessianGradient = new BlackScholesAdjoint.CallGradient();
    public final BlackScholesAdjoint.CallGradient hessianRow = new BlackScholesAdjoint.CallGradient();
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

    /** The generated {@code callHessian}: a new 5×5 array (and its five HVP holders) per call. */
    @Benchmark
    public double[][] hessian() {
        return BlackScholesAdjoint.callHessian(s, k, r, sigma, t);
    }

    /**
     * The Hessian as {@code callHessian} computes it, row i the sweep of {@code callPullbackTangent}
     * along the i-th input (seed 1, dSeed 0), but into {@link #hessianGradient} and
     * {@link #hessianRow}, zeroed before each sweep, and the reused {@link #hessianMatrix}.
     */
    @Benchmark
    public double[][] hessianIntoHolders() {
        hessianSweep(0, 1.0, 0.0, 0.0, 0.0, 0.0);
        hessianSweep(1, 0.0, 1.0, 0.0, 0.0, 0.0);
        hessianSweep(2, 0.0, 0.0, 1.0, 0.0, 0.0);
        hessianSweep(3, 0.0, 0.0, 0.0, 1.0, 0.0);
        hessianSweep(4, 0.0, 0.0, 0.0, 0.0, 1.0);
        return hessianMatrix;
    }

    private void hessianSweep(int i, double vS, double vK, double vR, double vSigma, double vT) {
        hessianGradient.zero();
        hessianRow.zero();
        BlackScholesAdjoint.callPullbackTangent(s, k, r, sigma, t, vS, vK, vR, vSigma, vT, 1.0, 0.0, hessianGradient,
                hessianRow);
        double[] row = hessianMatrix[i];
        row[0] = hessianRow.s;
        row[1] = hessianRow.k;
        row[2] = hessianRow.r;
        row[3] = hessianRow.sigma;
        row[4] = hessianRow.t;
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
