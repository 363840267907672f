package dev.adjoint.benchmarks.models;

import dev.adjoint.Differentiable;

/**
 * Benchmark model 3: the Rosenbrock function in {@code N = x.length} dimensions.
 *
 * <p>Adjoint generates {@code RosenbrockAdjoint} from {@link #rosenbrock}.
 */
public final class Rosenbrock {

    private Rosenbrock() {}

    /** {@code Σᵢ 100·(xᵢ₊₁ - xᵢ²)² + (1 - xᵢ)²} for {@code i < N - 1}. */
    @Differentiable(order = 2) // order 2: the benchmark's Hessian-vector product row
    public static double rosenbrock(double[] x) {
        double f = 0.0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
        }
        return f;
    }
}
