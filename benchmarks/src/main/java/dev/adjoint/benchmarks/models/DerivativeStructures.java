package dev.adjoint.benchmarks.models;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.commons.math3.analysis.differentiation.DSCompiler;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * Helpers for the commons-math3 baseline: first-order {@link DerivativeStructure}s with one free
 * parameter per differentiable input (forward mode: every operation carries all of them), second
 * order ones for Hessians, and first-order ones with a single free parameter along a direction
 * (a directional derivative).
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

    /** Per parameter count, where ∂²/∂pᵢ∂pⱼ sits among the derivatives of order 2. */
    private static final AtomicReferenceArray<int[][]> HESSIAN_INDEX = new AtomicReferenceArray<>(64);

    /** Index of ∂²/∂pᵢ∂pⱼ among the derivatives of a {@code parameters}-parameter structure of order 2. */
    static int[][] hessianIndex(int parameters) {
        int[][] index = HESSIAN_INDEX.get(parameters);
        if (index == null) {
            DSCompiler compiler = DSCompiler.getCompiler(parameters, 2);
            index = new int[parameters][parameters];
            int[] orders = new int[parameters];
            for (int i = 0; i < parameters; i++) {
                for (int j = 0; j < parameters; j++) {
                    orders[i]++;
                    orders[j]++;
                    index[i][j] = compiler.getPartialDerivativeIndex(orders);
                    orders[i] = 0;
                    orders[j] = 0;
                }
            }
            HESSIAN_INDEX.set(parameters, index);
        }
        return index;
    }

    /** Writes ∂²f/∂pᵢ∂pⱼ into {@code into[i][j]} for an order-2 {@code f}. */
    static void hessian(DerivativeStructure f, double[][] into) {
        double[] all = f.getAllDerivatives();
        int[][] index = hessianIndex(f.getFreeParameters());
        for (int i = 0; i < into.length; i++) {
            for (int j = 0; j < into.length; j++) {
                into[i][j] = all[index[i][j]];
            }
        }
    }

    /**
     * Puts {@code values[i] + h·direction[i]} into {@code into[i]} as a function of one free
     * parameter h at h = 0, order 1: forward mode carrying one directional derivative.
     */
    static void along(double[] values, double[] direction, DerivativeStructure[] into) {
        for (int i = 0; i < values.length; i++) {
            into[i] = new DerivativeStructure(1, 1, values[i], direction[i]);
        }
    }
}
