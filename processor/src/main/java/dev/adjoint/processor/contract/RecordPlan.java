package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import java.util.List;

/**
 * The gradient class of a record's differentiable components ({@code record Params(double mu,
 * double sigma)} gives {@code ParamsGradient} with {@code mu} and {@code sigma}), nested in the
 * adjoint class; components that are records themselves have gradients of their own.
 * {@code constructorDeclared}: the canonical constructor of the record or of a record among its
 * components does more than store its parameters (judged alike from source and from a class file,
 * unreadable code counting as more), and so could change or refuse a direction built as a record:
 * the record's directions are then objects of its gradient class.
 */
public record RecordPlan(ClassRef record, ClassRef gradient, List<Component> components, boolean constructorDeclared) {

    /** A differentiable component: its name, and the nested record's plan when it is a record. */
    public record Component(String name, dev.adjoint.processor.ir.JType type, RecordPlan record) {}
}
