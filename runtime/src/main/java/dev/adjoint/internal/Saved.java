package dev.adjoint.internal;

/**
 * Copies of the arrays a generated tape overload takes as data, made when the node is created:
 * its backward pass then sees the values the forward pass saw, whatever the caller does to its
 * arrays in between (PyTorch keeps such values with version counters; a Java array has none, so
 * the tape keeps a copy). Generated code only.
 */
public final class Saved {

    private Saved() {}

    public static double[] copy(double[] a) {
        return a == null ? null : a.clone();
    }

    public static double[][] copy(double[][] a) {
        if (a == null) {
            return null;
        }
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = copy(a[i]);
        }
        return out;
    }

    public static float[] copy(float[] a) {
        return a == null ? null : a.clone();
    }

    public static int[] copy(int[] a) {
        return a == null ? null : a.clone();
    }

    public static long[] copy(long[] a) {
        return a == null ? null : a.clone();
    }

    public static boolean[] copy(boolean[] a) {
        return a == null ? null : a.clone();
    }

    /** Any other array: a shallow copy (its elements are objects the tape cannot copy). */
    public static <T> T[] copy(T[] a) {
        return a == null ? null : a.clone();
    }
}
