package dev.adjoint.benchmarks.models;

import dev.adjoint.Tensor;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * {@link Rosenbrock#rosenbrock}'s gradient computed by hand, on the runtime tape and with
 * {@link DerivativeStructure}. Each adds its gradient into a reused {@code double[] dx}.
 */
public final class RosenbrockBaselines {

    private RosenbrockBaselines() {}

    /** Reverse mode by hand, fused into the forward loop, nothing allocated. */
    public static double rosenbrockPullback(double[] x, double seed, double[] dx) {
        double f = 0.0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
            // ∂/∂xᵢ = 200·a·(-2xᵢ) - 2b, ∂/∂xᵢ₊₁ = 200·a
            dx[i] += seed * (-400.0 * a * x[i] - 2.0 * b);
            dx[i + 1] += seed * 200.0 * a;
        }
        return f;
    }

    /**
     * The same function on the runtime tape. The tape has no slicing, so each coordinate is a
     * scalar leaf (micrograd style): about 9 nodes per term, 9·(N - 1) in all.
     */
    public static double rosenbrockOnTape(double[] x, double[] dx) {
        Tensor[] tx = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            tx[i] = Tensor.scalar(x[i]).requiresGrad(true);
        }
        Tensor f = Tensor.scalar(0.0);
        for (int i = 0; i + 1 < x.length; i++) {
            Tensor a = tx[i + 1].sub(tx[i].mul(tx[i]));
            Tensor b = tx[i].neg().add(1.0);
            f = f.add(a.mul(a).mul(100.0).add(b.mul(b)));
        }
        f.backward();
        for (int i = 0; i < x.length; i++) {
            dx[i] += tx[i].grad().item();
        }
        return f.item();
    }

    /** The same function in forward mode with {@link DerivativeStructure}: N free parameters. */
    public static double rosenbrockDerivativeStructure(double[] x, double[] dx) {
        int n = x.length;
        DerivativeStructure[] ds = new DerivativeStructure[n];
        DerivativeStructures.variables(n, 0, x, ds);
        DerivativeStructure f = new DerivativeStructure(n, 1, 0.0);
        for (int i = 0; i + 1 < n; i++) {
            DerivativeStructure a = ds[i + 1].subtract(ds[i].multiply(ds[i]));
            DerivativeStructure b = ds[i].negate().add(1.0);
            f = f.add(a.multiply(a).multiply(100.0).add(b.multiply(b)));
        }
        DerivativeStructures.addGradient(f, 0, dx);
        return f.getValue();
    }

    /**
     * The directional derivative ∇f·v with {@link DerivativeStructure}: one free parameter along
     * {@code v}, order 1 (each operation carries a value and one derivative).
     */
    public static double rosenbrockTangentDerivativeStructure(double[] x, double[] v) {
        int n = x.length;
        DerivativeStructure[] ds = new DerivativeStructure[n];
        DerivativeStructures.along(x, v, ds);
        DerivativeStructure f = new DerivativeStructure(1, 1, 0.0);
        for (int i = 0; i + 1 < n; i++) {
            DerivativeStructure a = ds[i + 1].subtract(ds[i].multiply(ds[i]));
            DerivativeStructure b = ds[i].negate().add(1.0);
            f = f.add(a.multiply(a).multiply(100.0).add(b.multiply(b)));
        }
        return f.getPartialDerivative(1);
    }

    /**
     * The Hessian-vector product by central differences of the generated gradient along
     * {@code v}: (∇f(x + h·v) - ∇f(x - h·v)) / 2h, two pullbacks. {@code work} (length N) holds
     * the shifted point; {@code up} and {@code down} are reused holders (zeroed here). Writes
     * H·v into {@code into} and returns it.
     */
    public static double[] rosenbrockHvpFiniteDifferences(double[] x, double[] v, double[] work,
            RosenbrockAdjoint.RosenbrockGradient up, RosenbrockAdjoint.RosenbrockGradient down, double[] into) {
        double h = FiniteDifferences.directionStep(x, v);
        for (int i = 0; i < x.length; i++) {
            work[i] = x[i] + h * v[i];
        }
        up.zero();
        RosenbrockAdjoint.rosenbrockPullback(work, 1.0, up);
        for (int i = 0; i < x.length; i++) {
            work[i] = x[i] - h * v[i];
        }
        down.zero();
        RosenbrockAdjoint.rosenbrockPullback(work, 1.0, down);
        for (int i = 0; i < x.length; i++) {
            into[i] = (up.x[i] - down.x[i]) / (2 * h);
        }
        return into;
    }
}
