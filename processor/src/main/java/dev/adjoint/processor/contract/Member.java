package dev.adjoint.processor.contract;

/** A member the processor generates for a {@code @Differentiable} method (DESIGN.md's table). */
public enum Member {
    /** {@code FGradient}, the holder: one field per differentiated input. */
    GRADIENT_CLASS,
    /** {@code fGradient(...)}: a new gradient. */
    GRADIENT,
    /** {@code fPullback(..., seed, into)}: the value, and seed·∇f added into {@code into}. */
    PULLBACK,
    /** {@code Tensor f(Tensor ...)}: the method as one node on the tape. */
    TENSOR,
    /** {@code fTangent(..., directions)}: forward mode. */
    TANGENT,
    /** {@code fJacobian(...)}: for a method returning {@code double[]}. */
    JACOBIAN,
    /** {@code fPullbackTangent(...)}: forward over reverse, with {@code order = 2}. */
    PULLBACK_TANGENT,
    /** {@code fHvp(..., directions)}: a Hessian-vector product, with {@code order = 2}. */
    HVP,
    /** {@code fHessian(...)}: the Hessian, with {@code order = 2} and only {@code double} inputs. */
    HESSIAN
}
