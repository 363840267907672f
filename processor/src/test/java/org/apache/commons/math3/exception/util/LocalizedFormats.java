package org.apache.commons.math3.exception.util;

/** Stands in for Commons Math 3's messages (see {@code util.ContinuedFraction}): the three its fractions throw. */
public enum LocalizedFormats {
    CONTINUED_FRACTION_INFINITY_DIVERGENCE,
    CONTINUED_FRACTION_NAN_DIVERGENCE,
    NON_CONVERGENT_CONTINUED_FRACTION
}
