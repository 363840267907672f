package dev.adjoint.internal;

import java.util.Arrays;

/**
 * The stack a generated pullback keeps what its reverse sweep needs from loops on: values a loop
 * overwrites, iteration counts, branch choices. The forward sweep pushes, the reverse sweep pops
 * in the opposite order, so one stack per thread serves every pullback, nested and recursive ones
 * included. Primitive arrays, no boxing; growth is amortised and the arrays are kept, so a warm
 * pullback allocates nothing per iteration nor per call.
 *
 * <p>A counted loop (its trip count known when it starts) keeps its values in a borrowed array
 * instead, one element per iteration, which its reverse sweep reads by the counter: {@link #borrow}
 * before the loop, {@link #release} after its reverse sweep. Borrowed arrays are kept too, so a warm
 * pullback allocates nothing for them either.
 *
 * <p>Generated code only: {@code ValueStack stack = ValueStack.get();} then {@code push}/{@code pop*}.
 * A pop of an empty stack, or a release without a borrow, throws and leaves the stack as it was, so
 * a reverse sweep that went wrong cannot spoil the next pullback on the thread.
 */
public final class ValueStack {

    private static final ThreadLocal<ValueStack> CURRENT = ThreadLocal.withInitial(ValueStack::new);

    private double[] doubles = new double[64];
    private int doubleTop;
    private int[] ints = new int[64];
    private int intTop;
    private double[][] arrays = new double[16][];
    private int arrayTop;
    private Object[] objects = new Object[16];
    private int objectTop;
    /** Arrays lent by {@link #borrow}, reused: those below {@code borrowedTop} are lent out. */
    private double[][] borrowed = new double[8][];
    private int borrowedTop;

    private ValueStack() {}

    /** This thread's stack. */
    public static ValueStack get() {
        return CURRENT.get();
    }

    public void push(double value) {
        if (doubleTop == doubles.length) {
            doubles = Arrays.copyOf(doubles, doubles.length * 2);
        }
        doubles[doubleTop++] = value;
    }

    public double popDouble() {
        double value = doubles[doubleTop - 1]; // read first: a pop of an empty stack throws and leaves it empty
        doubleTop--;
        return value;
    }

    public void push(int value) {
        if (intTop == ints.length) {
            ints = Arrays.copyOf(ints, ints.length * 2);
        }
        ints[intTop++] = value;
    }

    public int popInt() {
        int value = ints[intTop - 1];
        intTop--;
        return value;
    }

    /** A {@code long} as two ints. */
    public void push(long value) {
        push((int) (value >>> 32));
        push((int) value);
    }

    public long popLong() {
        long low = popInt() & 0xFFFFFFFFL;
        return ((long) popInt() << 32) | low;
    }

    /** A branch choice. */
    public void push(boolean value) {
        push(value ? 1 : 0);
    }

    public boolean popBoolean() {
        return popInt() != 0;
    }

    /** An array a loop body names (a row of a matrix): the reference, not a copy. */
    public void push(double[] array) {
        if (arrayTop == arrays.length) {
            arrays = Arrays.copyOf(arrays, arrays.length * 2);
        }
        arrays[arrayTop++] = array;
    }

    public double[] popArray() {
        double[] array = arrays[arrayTop - 1];
        arrays[--arrayTop] = null; // do not keep the caller's data alive
        return array;
    }

    /** A float, kept as a double (exactly). */
    public void push(float value) {
        push((double) value);
    }

    public float popFloat() {
        return (float) popDouble();
    }

    /** Any other value a loop overwrites that the reverse sweep needs: the reference, not a copy. */
    public void pushObject(Object value) {
        if (objectTop == objects.length) {
            objects = Arrays.copyOf(objects, objects.length * 2);
        }
        objects[objectTop++] = value;
    }

    public Object popObject() {
        Object value = objects[objectTop - 1];
        objects[--objectTop] = null; // do not keep the caller's data alive
        return value;
    }

    /**
     * An array of at least {@code n} doubles (none for {@code n <= 0}) for a loop that keeps one
     * value per iteration at the iteration's index: the caller's until its {@link #release}. Borrows
     * nest (a pullback called from a loop body borrows and releases its own): the last borrowed is
     * the first released. Grows by allocation only when this thread never lent one so long here.
     */
    public double[] borrow(int n) {
        if (borrowedTop == borrowed.length) {
            borrowed = Arrays.copyOf(borrowed, borrowed.length * 2);
        }
        double[] array = borrowed[borrowedTop];
        if (array == null || array.length < n) {
            array = new double[Math.max(n, array == null ? 16 : array.length * 2)];
            borrowed[borrowedTop] = array;
        }
        borrowedTop++;
        return array;
    }

    /** Gives back the latest borrowed array: its reverse sweep has read it. */
    public void release() {
        if (borrowedTop == 0) {
            throw new IllegalStateException("release without a borrow");
        }
        borrowedTop--;
    }

    /**
     * How many values are on the stack, borrowed arrays counting one each; a pullback that threw
     * leaves its pushes and borrows behind, see {@link #clear}.
     */
    public int size() {
        return doubleTop + intTop + arrayTop + objectTop + borrowedTop;
    }

    /** Drops everything pushed or borrowed on this thread, e.g. after a pullback threw halfway. */
    public void clear() {
        doubleTop = 0;
        intTop = 0;
        Arrays.fill(arrays, 0, arrayTop, null);
        arrayTop = 0;
        Arrays.fill(objects, 0, objectTop, null);
        objectTop = 0;
        borrowedTop = 0;
    }
}
