package org.apache.commons.math3.exception;

import org.apache.commons.math3.exception.util.LocalizedFormats;

/** Stands in for Commons Math 3's exception of the same name (see {@code util.ContinuedFraction}). */
public class MaxCountExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MaxCountExceededException(LocalizedFormats pattern, Number max, Object... args) {
        super(pattern + " " + max + " " + java.util.Arrays.toString(args));
    }
}
