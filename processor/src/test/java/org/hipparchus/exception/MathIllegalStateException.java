package org.hipparchus.exception;

/** Stands in for Hipparchus' exception of the same name (see {@code util.ContinuedFraction}). */
public class MathIllegalStateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MathIllegalStateException(LocalizedCoreFormats specifier, Object... parts) {
        super(specifier + " " + java.util.Arrays.toString(parts));
    }
}
