/**
 * JMH benchmarks of Adjoint, one class per model ({@code *Bench}), each timing the same function
 * as: {@code primal}, {@code gradient} (the generated pullback, reused gradient holder),
 * {@code handWritten} (reverse mode by hand), {@code tape} (the runtime {@code Tensor} tape),
 * {@code derivativeStructure} (commons-math3 forward mode) and {@code finiteDifferences}
 * (central); the models with second derivatives also as {@code tangent}, {@code hvp} or
 * {@code hessian} (the generated members, which allocate their holders), the same into the
 * caller's holders ({@code hvpIntoHolders}, {@code hessianIntoHolders}) and baselines. The large
 * method ({@code LargeMethodBench}, its model written by {@code LargeMethodSource}) has only
 * {@code primal}, {@code gradient}, {@code tangent} and {@code finiteDifferences}.
 * {@link dev.adjoint.benchmarks.Report} runs them and prints the ratios;
 * {@link dev.adjoint.benchmarks.ProcessorTime} times the processor itself. Both are run by
 * {@code benchmarks/run}.
 */
package dev.adjoint.benchmarks;
