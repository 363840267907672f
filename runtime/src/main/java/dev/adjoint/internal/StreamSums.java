package dev.adjoint.internal;

import java.util.Arrays;

/**
 * The value of a sum (an average) of a stream of doubles, called by generated code where a method
 * sums a stream ({@code Arrays.stream(v).map(f).sum()}): the generated code fills an array with the
 * stream's values and asks the JDK's own {@code DoubleStream.sum()} for their sum, a compensated
 * sum whose last step differs between JDK releases; the same sum of the same values, in the same
 * order, on the JDK that runs the method gives the method's value bit for bit. Not part of the API.
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
}
