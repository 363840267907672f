package dev.adjoint;

import java.util.Arrays;

/**
 * A first-order gradient not yet written out: {@code constant · a₁ · a₂ · a₃}, elementwise, where
 * the {@code aₖ} are arrays the graph already holds (saved operands and outputs, a seed).
 *
 * <p>Why: the gradient of a sum or mean is one number spread over every element, and most
 * elementwise operations on the way back only multiply it, by a constant ({@code -x}, {@code x +
 * c}, {@code c·x}) or by a saved array ({@code a·b}: b for a; {@code x²}: 2x; {@code eˣ}: its
 * output). Written out node by node, {@code ((w·x - y)²).mean()} fills an n-array with 1/n, then
 * passes over it once per node and once more to add it into {@code w.grad()}; kept as a product it
 * is one pass, {@code w.grad[i] += (2/n)·r[i]·x[i]}, and no n-array at all. The engine carries a
 * product from node to node ({@link Node#factor}) and writes it out where something else is needed:
 * a node that is not a factor, a second gradient for the same node, a leaf's accumulator.
 *
 * <p>Constants are folded into one as they come. The nodes' constants are ±1 and 2, and scaling by
 * a power of two is exact ({@code (c·2)·r} is {@code c·(2·r)}), so a product rounds as the
 * node-by-node passes do (LazyGradientTest compares them to the bit). Immutable: one product may
 * go on to several inputs.
 */
final class Product {

    /** Arrays multiplied in one pass; a longer product is written out and continues from that array. */
    private static final int MAX_FACTORS = 3;

    final double constant;
    private final double[][] factors;
    /** The number of elements. */
    final int length;

    private Product(double constant, double[][] factors, int length) {
        this.constant = constant;
        this.factors = factors;
        this.length = length;
    }

    /** {@code value} at each of {@code length} elements: a sum's or mean's gradient, spread. */
    static Product spread(double value, int length) {
        return new Product(value, new double[0][], length);
    }

    /** The values of {@code array} (not copied, so the caller must not change them while the product lives). */
    static Product of(double[] array) {
        return new Product(1, new double[][] {array}, array.length);
    }

    /** This product times {@code factor}: a new product, or for a fourth array this one written out, times it. */
    Product times(Node.Factor factor) {
        double[] values = factor.values();
        if (values == null) {
            return new Product(constant * factor.constant(), factors, length);
        }
        if (factors.length == MAX_FACTORS) {
            return new Product(factor.constant(), new double[][] {materialize(), values}, length);
        }
        double[][] more = Arrays.copyOf(factors, factors.length + 1);
        more[factors.length] = values;
        return new Product(constant * factor.constant(), more, length);
    }

    /** Whether {@code array} is one of the factors. */
    boolean reads(double[] array) {
        for (double[] f : factors) {
            if (f == array) {
                return true;
            }
        }
        return false;
    }

    /** The product in an array of its own. */
    double[] materialize() {
        double[] g = new double[length];
        write(g, false);
        return g;
    }

    /** {@code g[i] += constant·a₁[i]·a₂[i]·a₃[i]}. */
    void addInto(double[] g) {
        write(g, true);
    }

    /** Adds the product into g, or assigns it ({@code add} false), in one loop per number of factors so that each stays tight. */
    private void write(double[] g, boolean add) {
        double c = constant;
        switch (factors.length) {
            case 0 -> {
                for (int i = 0; i < g.length; i++) {
                    g[i] = add ? g[i] + c : c;
                }
            }
            case 1 -> {
                double[] a = factors[0];
                for (int i = 0; i < g.length; i++) {
                    double v = c * a[i];
                    g[i] = add ? g[i] + v : v;
                }
            }
            case 2 -> {
                double[] a = factors[0], b = factors[1];
                for (int i = 0; i < g.length; i++) {
                    double v = c * a[i] * b[i];
                    g[i] = add ? g[i] + v : v;
                }
            }
            default -> {
                double[] a = factors[0], b = factors[1], d = factors[2];
                for (int i = 0; i < g.length; i++) {
                    double v = c * a[i] * b[i] * d[i];
                    g[i] = add ? g[i] + v : v;
                }
            }
        }
    }
}
