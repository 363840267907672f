package dev.adjoint.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One training example: a feature vector and a label (or target). What {@link TrainingSet} holds and
 * what a per-example pullback reads; a model's loss is typically {@code loss(double[] w, double[] x,
 * double y)}.
 *
 * @param x the features (not copied: Spark caches the array itself)
 * @param y the label, or the target of a regression
 */
public record Example(double[] x, double y) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The features and the label, the features cut after 8 entries: how error messages show a row. */
    @Override
    public String toString() {
        String features = x == null ? "null"
                : x.length <= 8 ? Arrays.toString(x)
                : Arrays.toString(Arrays.copyOf(x, 8)).replace("]", ", ... (" + x.length + " features)]");
        return "x=" + features + ", y=" + y;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Example e && Arrays.equals(x, e.x)
                && Double.doubleToLongBits(y) == Double.doubleToLongBits(e.y);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(x) + Double.hashCode(y);
    }
}
