package org.hipparchus.exception;

/** Stands in for Hipparchus' messages (see {@code util.ContinuedFraction}): the three its fractions throw. */
public enum LocalizedCoreFormats {
    CONTINUED_FRACTION_INFINITY_DIVERGENCE,
    CONTINUED_FRACTION_NAN_DIVERGENCE,
    NON_CONVERGENT_CONTINUED_FRACTION
}
