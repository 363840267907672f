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
 * <p>Parameters of type {@code double} and {@code double[]} are differentiable (the gradient of a
 * {@code double[]} is an array of its length); every other parameter, {@code double[][]} data
 * included, is passed through untouched. {@link #wrt()} narrows the differentiable parameters to
 * the ones named. The body may use locals, {@code if}/{@code else}, loops with {@code break},
 * {@code continue} and early returns, arrays, {@code Math} functions, calls of other
 * {@code @Differentiable} methods and of methods given a {@link DerivativeOf derivative}, and
 * {@link Adjoint#stopGradient}; anything else is a compile error at its position.
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
