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
 * that puts {@code f} on the runtime tape as a single node, and {@code fTangent(...)} (forward mode).
 * With {@link #order() order = 2} it also holds the second-order members {@code fHvp(...)}
 * (Hessian-vector product), {@code fHessian(...)} (for {@code double} parameters) and
 * {@code fPullbackTangent(...)}, which they and second-order callers build on.
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

    /**
     * The highest order of derivative to generate: {@code 1} (the default) for gradients,
     * pullbacks and tangents; {@code 2} adds the second-order members, exact by forward mode over
     * the generated pullback. Second order is asked for per method because it roughly doubles the
     * generated code a build compiles. The {@code @Differentiable} methods an {@code order = 2}
     * method calls in the same compilation get second-order members too; a method it calls from
     * a library must have been compiled with {@code order = 2}. A method whose second order cannot
     * be generated (it writes to an array parameter, returns {@code double[]}, or calls a method
     * without one) is a compile error that says why. Any other value is a compile error.
     */
    int order() default 1;

    /**
     * Binomial checkpointing of the method's long loops: {@code 0} (the default) records every
     * iteration of a loop for the reverse sweep, so its memory grows with the number of
     * iterations; a positive number {@code s} bounds it. Each loop of the method that is not inside
     * another loop, and whose reverse sweep would record something per iteration, then keeps at
     * most {@code s} snapshots of its state (its {@code double}, {@code int}, {@code long},
     * {@code boolean} and {@code float} variables, and copies of the {@code double[]} arrays it
     * writes) and runs iterations again from them in the reverse sweep (Griewank's revolve). For
     * {@code n > s + 1} iterations the loop then runs as written at most {@code t} times in all, the
     * forward sweep included, where {@code t} is the least with {@code n ≤ C(s + t, s)} (once more
     * when its trip count is not known before it runs, as in a {@code while} loop), and each
     * iteration once more, recorded, just before its reverse sweep; a shorter loop runs once and one
     * iteration more. With 100 snapshots that is 4.5 runs for ten million iterations ({@code t = 5})
     * and 5.9 for a billion ({@code t = 6}). The
     * gradient is bitwise the same as without checkpointing, for any {@code n}: the same build
     * serves short loops and very long ones.
     *
     * <p>It applies to the pullback and everything built on it (the gradient, the tape); the
     * second-order members still record every iteration. A method without a loop that carries a
     * derivative, or whose checkpointed loop changes what a snapshot cannot copy (an object, an
     * {@code int[]}, a random generator's state), is a compile error that says so; so is a negative
     * number.
     */
    int checkpoints() default 0;
}
