package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.JType;
import java.util.List;
import java.util.Set;

/**
 * What is generated for one {@code @Differentiable} method, decided from its declaration alone
 * (before its body is read): the members, their names and parameters, the gradient's fields. The
 * emitter renders it and decides nothing; the differentiators fill in the bodies.
 *
 * @param key a stable identity across rounds, {@code demo.Functions#f(double,double)}
 * @param exposed whether the generated members are public (the method is public or protected)
 *        or package-private
 * @param hidden whether the method is private: generated code cannot call it, so the adjoint class
 *        carries its own copy of the primal computation
 * @param params the method's parameters, in order
 * @param fields the gradient class's fields, in order: one per differentiated input
 * @param names the hygienic names of generated parameters and locals
 * @param checkpoints how many snapshots each long loop's reverse sweep may keep (the annotation's
 *        {@code checkpoints}), or 0 to record every iteration
 * @param writtenArrays the {@code double[]} parameters the body writes elements of (read from its source)
 * @param javadocSignature {@code f(double, double[])}, for {@code {@link Owner#f(double, double[])}}
 * @param receiver the class generated members take the receiver as: {@code owner}, or for a method
 *        of a private nested class, a superclass the adjoint class can name (its members are then
 *        reached through bridges); null for a static method
 * @param thrown the checked exceptions the method declares: every generated member that runs its
 *        code declares them too (the tape overload's backward, which cannot, wraps them)
 * @param storesFields whether its body assigns an instance field: its tape overload runs it beside
 *        its pullback, for what it stores
 */
public record MethodPlan(String key, String name, ClassRef owner, boolean isStatic, boolean exposed, boolean hidden,
        List<Param> params, boolean vector, int order, int checkpoints, Set<Member> members, ClassRef gradient,
        List<GradientField> fields, GeneratedNames names, List<String> writtenArrays, String javadocSignature,
        JType receiver, List<JType> thrown, boolean storesFields) {

    /** A parameter of the method: differentiated or passed through. */
    public record Param(String name, JType type, boolean differentiated) {}

    /**
     * A field of the gradient class: {@code double x}, {@code double[] w}, or the gradient of a
     * record's components ({@code ParamsGradient params}, {@code record} non-null). {@code
     * parameter} is the index of the parameter it belongs to, or -1 for a receiver's field.
     */
    public record GradientField(String name, JType type, RecordPlan record, int parameter) {
        public boolean isArray() {
            return record == null && type.isDoubleArray();
        }

        public boolean isScalar() {
            return record == null && type.isDouble();
        }
    }

    /**
     * The hygienic names of what the generated members add to the method's parameters: never one
     * of the method's own parameter names. {@code self} is the receiver's (null for a static
     * method); {@code receiverLocals} name the values of the differentiated receiver fields where
     * the implementation takes them as parameters, in the order of their gradient fields.
     */
    public record GeneratedNames(String seed, String into, String self, String dSeed, String dInto,
            List<String> directions, List<String> receiverLocals) {}

    /**
     * Whether the receiver is held as a base of its class ({@link #receiver} is not {@link #owner}:
     * a private nested class's object), whose members generated code reaches through method handles.
     */
    public boolean receiverHeldAsBase() {
        return receiver != null && !receiver.toString().equals(owner.qualifiedName());
    }

    /** The differentiated fields of the receiver, in order (the first gradient fields). */
    public List<GradientField> receiverFields() {
        return fields.stream().filter(f -> f.parameter() < 0).toList();
    }

    public boolean has(Member member) {
        return members.contains(member);
    }

    /** The JVM's limit on a method's parameters, in slots (JVMS 4.3.3): a {@code double} or {@code long} takes two. */
    public static final int MAX_PARAMETER_SLOTS = 255;

    /**
     * The widest generated member's parameter slots: {@code member} takes {@code slots}.
     * {@code directions} tells whether it is the directions that make it wide (a tangent), else a
     * seed and a gradient (the pullback).
     */
    public record Slots(String member, int slots, boolean directions) {}

    /**
     * The parameter slots of the widest member generated for this method, first order's or, with
     * {@code secondOrder}, second order's too (which a method of order 1 gets when an order-2 method
     * calls it). The members take the method's parameters (the static ones the receiver first, the
     * implementation's the values of the differentiated receiver fields too) and more:
     * {@code fPullback} a seed (a {@code double}, or a {@code double[]} for a vector result) and a
     * gradient; {@code fTangent} a direction per differentiated input (two slots for a
     * {@code double}); {@code fPullbackTangent} the directions, seed, dSeed, into and dInto. Past
     * {@link #MAX_PARAMETER_SLOTS} javac cannot write the class file ("too many parameters").
     */
    public Slots parameterSlots(boolean secondOrder) {
        int base = isStatic ? 0 : 1;
        for (Param p : params) {
            base += slots(p.type());
        }
        int directions = 0;
        for (GradientField f : fields) {
            directions += f.isScalar() ? 2 : 1;
            if (f.parameter() < 0) {
                base += f.isScalar() ? 2 : 1;
            }
        }
        int pullback = base + (vector ? 2 : 3);
        int tangent = base + directions + (secondOrder ? 6 : 0);
        return pullback >= tangent ? new Slots(name + "Pullback", pullback, false)
                : new Slots(name + (secondOrder ? "PullbackTangent" : "Tangent"), tangent, true);
    }

    /** Two slots for a {@code double} or a {@code long} (a boxed {@code Double}, read as a double, counted two: one too many). */
    private static int slots(JType type) {
        return type.isDouble() || type.sameAs(JType.LONG) ? 2 : 1;
    }

    /** The API class its members are in: its class's, or for a helper of another class, its caller's ({@code Planner.plan}). */
    public ClassRef adjoint() {
        return new ClassRef(gradient.packageName(), gradient.simpleNames().subList(0, gradient.simpleNames().size() - 1));
    }

    public boolean isInstance() {
        return !isStatic;
    }
}
