package dev.adjoint.benchmarks;

import dev.adjoint.benchmarks.models.FiniteDifferences;
import dev.adjoint.benchmarks.models.LargeMethod;
import dev.adjoint.benchmarks.models.LargeMethodAdjoint;
import java.util.function.DoubleSupplier;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The large method ({@link LargeMethod}: {@value LargeMethodSource#STATEMENTS} straight-line
 * statements over four inputs, written by {@link LargeMethodSource}) at the point where the
 * processor's {@code LargeMethodTest} checks it. Its generated pullback and tangent are split into
 * methods the JIT compiles (issue 19's target: pullback/primal and tangent/primal at most 2× under
 * default JVM settings); the report gives their bytecode sizes.
 *
 * <p>Variants, named as in {@link ModelBench} so the report's columns apply: the primal, the
 * generated pullback into a reused holder (never zeroed), central finite differences of the primal
 * (eight evaluations), and the generated tangent in one fixed direction (the report's second
 * table). There is no hand-written adjoint: writing the adjoint of
 * {@value LargeMethodSource#STATEMENTS} statements by hand is not practical, and that is the case
 * the generator is for. Nor tape or {@code DerivativeStructure} variants, which would need the
 * method rewritten on their types; the report shows "—" for all three.
 *
 * <p>The method contracts: its value hardly depends on the inputs (f = 0.6804 to four digits at
 * every point of [-2, 2]⁴ tried, |∇f| about 1e-5), so central differences resolve its gradient to
 * about 1e-6 only; the timings do not depend on that, and the tests also check the gradient
 * against the forward mode.
 */
public class LargeMethodBench extends BenchSettings {

    // non-final fields, so the JIT cannot constant-fold the inputs
    public double a0 = 0.3;
    public double a1 = -0.7;
    public double a2 = 1.1;
    public double a3 = 0.45;

    /** The generated pullback's holder, never zeroed (the pullback's contract is to accumulate). */
    public final LargeMethodAdjoint.LargeGradient generated = new LargeMethodAdjoint.LargeGradient();
    /** The finite-difference baseline perturbs these in place: a0, a1, a2, a3. */
    public final double[][] fdInputs = {{a0, a1, a2, a3}};
    public final double[][] fdGradient = {new double[4]};
    private final DoubleSupplier fdFunction = () -> {
        double[] p = fdInputs[0];
        return LargeMethod.large(p[0], p[1], p[2], p[3]);
    };
    /** The direction of the tangent variant (dA0, dA1, dA2, dA3). */
    public double dA0 = 0.2;
    public double dA1 = -0.1;
    public double dA2 = 0.4;
    public double dA3 = 0.3;

    /** The function itself. */
    @Benchmark
    public double primal() {
        return LargeMethod.large(a0, a1, a2, a3);
    }

    /** The generated pullback, {@code largePullback(..., 1.0, holder)}, into a reused holder. */
    @Benchmark
    public double gradient() {
        return LargeMethodAdjoint.largePullback(a0, a1, a2, a3, 1.0, generated);
    }

    /** Central finite differences: two evaluations per input. */
    @Benchmark
    public double finiteDifferences() {
        return FiniteDifferences.gradient(fdFunction, fdInputs, fdGradient);
    }

    /** The generated forward mode, {@code largeTangent}: the derivative in one direction. */
    @Benchmark
    public double tangent() {
        return LargeMethodAdjoint.largeTangent(a0, a1, a2, a3, dA0, dA1, dA2, dA3);
    }
}
