package dev.adjoint.internal;

import java.lang.reflect.Array;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Copies of the data a generated {@code Tensor} overload closes over. Generated code only: not a
 * user API.
 *
 * <p>A generated overload {@code Tensor loss(Tensor w, double[][] x, double[] y)} runs the primal
 * now and the pullback at backward time, later. If the closure kept the caller's arrays, a
 * training loop that refills its batch buffer between the forward pass and {@code backward()}
 * would get the gradient at the new data, silently. The overload therefore closes over
 * {@code Snapshots.copy(x)}: backward is taken at the values of the forward pass, whatever the
 * caller does to its arrays afterwards (PyTorch copies data into a tensor the same way,
 * {@code torch.tensor(array)}).
 *
 * <p>A copy is deep for arrays of arrays (a {@code double[][]} batch is copied row by row), keeps
 * {@code null}s, and keeps aliasing: two rows that are the same array in the original are the same
 * array in the copy, so code that writes through one row and reads through the other behaves the
 * same on the copy. Objects other than arrays (records, strings, boxed numbers) are returned as
 * they are: a record's arrays must be copied by the caller, component by component.
 */
public final class Snapshots {

    private Snapshots() {}

    /** A copy of {@code data}; null stays null. */
    public static double[] copy(double[] data) {
        return data == null ? null : data.clone();
    }

    /** A copy of {@code data}; null stays null. */
    public static int[] copy(int[] data) {
        return data == null ? null : data.clone();
    }

    /** A deep copy of {@code rows} (each row copied, shared rows still shared); null stays null. */
    public static double[][] copy(double[][] rows) {
        return deepCopy(rows);
    }

    /**
     * A deep copy of any array ({@code float[][]}, {@code int[][][]}, {@code long[]}, ...);
     * anything else is returned as is.
     */
    public static <T> T deepCopy(T value) {
        return value == null || !value.getClass().isArray() ? value : copyOf(value, new IdentityHashMap<>());
    }

    @SuppressWarnings("unchecked") // an array's clone() has the array's own type
    private static <T> T copyOf(T array, Map<Object, Object> copies) {
        Object done = copies.get(array);
        if (done != null) {
            return (T) done;
        }
        Object copy;
        if (array instanceof Object[] elements) {
            Object[] clone = elements.clone();
            copies.put(array, clone);
            for (int i = 0; i < clone.length; i++) {
                if (clone[i] != null && clone[i].getClass().isArray()) {
                    clone[i] = copyOf(clone[i], copies);
                }
            }
            copy = clone;
        } else {
            // a primitive array: one flat copy
            int length = Array.getLength(array);
            copy = Array.newInstance(array.getClass().getComponentType(), length);
            System.arraycopy(array, 0, copy, 0, length);
            copies.put(array, copy);
        }
        return (T) copy;
    }
}
