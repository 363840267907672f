package dev.adjoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static {@code double}-returning method whose derivative Adjoint generates at compile
 * time.
 *
 * <p>For a method {@code f} in class {@code demo.Functions}, the annotation processor writes
 * {@code demo.FunctionsAdjoint} holding {@code FGradient}, {@code fGradient(...)},
 * {@code fPullback(..., double seed, FGradient into)} and a {@code Tensor f(Tensor...)} overload
 * that puts {@code f} on the runtime tape as a single node.
 *
 * <p>Parameters of type {@code double} are differentiable; every other parameter is passed
 * through untouched. {@link #wrt()} narrows the differentiable parameters to the ones named.
 *
 * <p>The retention is {@code CLASS} so that a later compilation can still see which methods of a
 * library on its class path are differentiable.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {

    /**
     * Names of the parameters to differentiate with respect to. Empty (the default) means every
     * parameter of a differentiable type. Naming a parameter that does not exist, or one that is
     * not of a differentiable type, is a compile error.
     */
    String[] wrt() default {};
}
