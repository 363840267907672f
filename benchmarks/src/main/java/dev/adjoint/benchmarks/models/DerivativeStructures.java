package dev.adjoint.benchmarks.models;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.commons.math3.analysis.differentiation.DSCompiler;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * Helpers for the commons-math3 baseline: first-order {@link DerivativeStructure}s with one free
 * parameter per differentiable input (forward mode: every operation carries all of them).
 */
final class DerivativeStructures {

    /** Per parameter count, where ∂/∂pᵢ sits in {@link DerivativeStructure#getAllDerivatives()}. */
    private static final AtomicReferenceArray<int[]> INDEX = new AtomicReferenceArray<>(1024);

    private DerivativeStructures() {}

    /** Index of ∂/∂p_{@code parameter} among the first-order derivatives of {@code parameters} parameters. */
    static int index(int parameters, int parameter) {
        int[] index = INDEX.get(parameters);
        if (index == null) {
            DSCompiler compiler = DSCompiler.getCompiler(parameters, 1);
            index = new int[parameters];
            int[] orders = new int[parameters];
            for (int i = 0; i < parameters; i++) {
                orders[i] = 1;
                index[i] = compiler.getPartialDerivativeIndex(orders);
                orders[i] = 0;
            }
            INDEX.set(parameters, index);
        }
        return index[parameter];
    }

    /** Puts {@code values[i]} into {@code into[offset + i]} as free parameter {@code offset + i} of {@code parameters}. */
    static void variables(int parameters, int offset, double[] values, DerivativeStructure[] into) {
        for (int i = 0; i < values.length; i++) {
            into[offset + i] = new DerivativeStructure(parameters, 1, offset + i, values[i]);
        }
    }

    /** Adds ∂f/∂p_{offset + i} into {@code into[i]} for each i. */
    static void addGradient(DerivativeStructure f, int offset, double[] into) {
        double[] all = f.getAllDerivatives();
        int parameters = f.getFreeParameters();
        for (int i = 0; i < into.length; i++) {
            into[i] += all[index(parameters, offset + i)];
        }
    }
}
