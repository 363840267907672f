package dev.adjoint.processor.diag;

/**
 * The stable tags that start every message the processor prints ({@code [AdjointUnsupportedCall]
 * ...}), so that users can search for them and tests can pin them. docs/diagnostics.md has one
 * section per tag.
 */
public enum Tag {
    // declarations (find & validate)
    AdjointNotInClass, AdjointReturnType, AdjointNoBody, AdjointInnerClass, AdjointPrivate, AdjointCheckedException,
    AdjointOrder, AdjointUnknownWrt, AdjointWrtNotDifferentiable, AdjointNothingToDifferentiate, AdjointDuplicateName,
    AdjointNoSource, AdjointRecordConstructor, AdjointDerivativeSignature, AdjointNameClash, AdjointMissingType, AdjointNeedsJavac,
    AdjointTooManyParameters,
    // bodies (the fence)
    AdjointUnsupportedStatement, AdjointUnsupportedExpression, AdjointUnsupportedCall, AdjointMissingAdjoint,
    AdjointFieldWrite, AdjointUnsupportedArrayWrite, AdjointArrayAlias, AdjointFloat, AdjointNotYetSupported,
    AdjointNoSecondOrder, AdjointRefusedCallee, AdjointBitTrick, AdjointUntracked, AdjointCheckpoint, AdjointSearchLoop,
    // warnings
    AdjointLostDerivative,
    AdjointEqualityBranch,
    AdjointToleranceBranch,
    AdjointConvergenceLoop,
    // the processor itself
    AdjointInternalError, AdjointWriteFailed;

    /** {@code [Tag]}, as messages start. */
    public String bracketed() {
        return "[" + name() + "]";
    }
}
