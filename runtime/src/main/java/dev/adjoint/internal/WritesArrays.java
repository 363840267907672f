package dev.adjoint.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put by the processor on a generated {@code fPullback} whose method writes to some of its
 * {@code double[]} parameters, naming them. A {@code @Differentiable} method compiled later (from a
 * jar) reads it: its reverse sweep re-runs the callee, so it must not pass the callee an array the
 * callee overwrites.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface WritesArrays {

    /** The names of the written {@code double[]} parameters. */
    String[] value();
}
