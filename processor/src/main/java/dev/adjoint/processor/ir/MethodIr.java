package dev.adjoint.processor.ir;

import dev.adjoint.processor.ErrorReporter;
import java.util.List;
import java.util.Set;

/**
 * One {@code @Differentiable} method lowered to IR: its parameters (in order, with the ones to
 * differentiate marked), its body, and every name the user's code declares (so generated names
 * can avoid them).
 */
public record MethodIr(String name, List<Param> params, List<Stmt> body, Set<String> userNames,
        ErrorReporter.Position position) {

    /** A parameter; {@code wrt} when its gradient is wanted. */
    public record Param(String name, JType type, boolean wrt) {}
}
