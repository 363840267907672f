package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives Adjoint the derivative of a static method it cannot see into: a library call, or a
 * special function whose body is not differentiable as written (an erf approximation, a
 * root-finder). The annotated method takes exactly the target's parameters and returns the
 * partial derivative of the target with respect to parameter {@link #wrt()}:
 *
 * <pre>{@code
 * @DerivativeOf(type = Special.class, method = "erf")
 * static double erfDerivative(double x) {
 *     return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
 * }
 * }</pre>
 *
 * A target with several {@code double} parameters gets one such method per parameter that a
 * derivative must flow through. The processor checks the signature at compile time and reports a
 * mismatch at this declaration. It must be compiled in the same build as the
 * {@code @Differentiable} methods that call the target.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface DerivativeOf {

    /** The class declaring the target; {@code void.class} (the default) means the annotated method's own class. */
    Class<?> type() default void.class;

    /** The target method's name. */
    String method();

    /** The index of the parameter this is the partial derivative for (0, the first, by default). */
    int wrt() default 0;
}
