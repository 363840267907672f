package dev.adjoint.internal;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The value of a sum (an average) of a stream of doubles, called by generated code where a method
 * sums a stream ({@code Arrays.stream(v).map(f).sum()}): the generated code fills an array with the
 * stream's values and asks the JDK's own {@code DoubleStream.sum()} for their sum, a compensated
 * sum whose last step differs between JDK releases; the same sum of the same values, in the same
 * order (split alike, for a parallel stream), on the JDK that runs the method gives the method's
 * value bit for bit. Not part of the API.
 */
public final class StreamSums {

    private StreamSums() {}

    /** {@code Arrays.stream(values).sum()}. */
    public static double sum(double[] values) {
        return Arrays.stream(values).sum();
    }

    /** {@code Arrays.stream(values).average().getAsDouble()}: of at least one value. */
    public static double average(double[] values) {
        return Arrays.stream(values).average().getAsDouble();
    }

    /** The sum of a parallel stream over an array: split as that stream was. */
    public static double sumParallel(double[] values) {
        return Arrays.stream(values).parallel().sum();
    }

    /** The average of a parallel stream over an array, of at least one value. */
    public static double averageParallel(double[] values) {
        return Arrays.stream(values).parallel().average().getAsDouble();
    }

    /**
     * The sum of a parallel stream over a range of indices mapped to {@code values}: split as that
     * stream was (a range of n indices splits as a range of n, wherever it starts, and unlike an
     * array of n values from 2<sup>24</sup> on).
     */
    public static double sumOverRange(double[] values) {
        return IntStream.range(0, values.length).parallel().mapToDouble(i -> values[i]).sum();
    }

    /** The average of a parallel stream over a range of indices mapped to {@code values}, of at least one value. */
    public static double averageOverRange(double[] values) {
        return IntStream.range(0, values.length).parallel().mapToDouble(i -> values[i]).average().getAsDouble();
    }
}
