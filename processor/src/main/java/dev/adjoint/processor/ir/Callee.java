package dev.adjoint.processor.ir;

import java.util.List;

/**
 * What a call in a differentiated method calls, as far as differentiation cares: a method
 * Adjoint cannot see into, a {@code @Differentiable} method (called through its adjoint class), a
 * method with user-supplied partial derivatives, or a helper whose body is inlined.
 */
public sealed interface Callee {

    /** {@code Owner.name(T1, T2)}, as messages name the method. */
    String describe();

    /**
     * A method Adjoint cannot see into. {@code hidden} when the adjoint class cannot call it
     * directly (private), so it is called through a method handle. {@code readOnly} when Adjoint
     * knows it neither writes its arguments nor lets a derivative through its result: a
     * documented JDK method, or a method of this build whose body reads only. {@code inlined}: a
     * method of another class Adjoint would inline but whose body (or a helper it calls) it cannot
     * differentiate: called as written while no derivative flows through it, else refused for what
     * its body holds. {@code unproven}: why a method that is not read-only could not be proven so,
     * when Adjoint can say (a library method's class file writes an array it did not create), or null.
     * {@code writesNothing}: the method changes nothing another call could see (read-only, or of
     * this build and proven from its source to write nothing, whatever its result carries), so
     * running it once more, as the code around an equality test does, changes nothing.
     */
    record Opaque(ClassRef owner, String name, List<JType> parameterTypes, JType returnType, boolean isStatic,
            boolean hidden, boolean readOnly, boolean dispatched, Expr.Call inlined, String unproven,
            boolean writesNothing) implements Callee {
        /** A method called directly (not abstract: its code is known, if not to Adjoint). */
        public Opaque(ClassRef owner, String name, List<JType> parameterTypes, JType returnType, boolean isStatic,
                boolean hidden, boolean readOnly) {
            this(owner, name, parameterTypes, returnType, isStatic, hidden, readOnly, false, null, null, readOnly);
        }

        public Opaque(ClassRef owner, String name, List<JType> parameterTypes, JType returnType, boolean isStatic,
                boolean hidden, boolean readOnly, boolean dispatched) {
            this(owner, name, parameterTypes, returnType, isStatic, hidden, readOnly, dispatched, null, null, readOnly);
        }

        @Override
        public String describe() {
            return Callee.describe(owner, name, parameterTypes);
        }

        /**
         * A static method of the JDK that only computes from its arguments: {@code Math}'s and
         * {@code StrictMath}'s (but {@code random}), and those of the boxes ({@code Double.isNaN},
         * {@code Integer.max}): calling it again changes nothing.
         */
        public boolean jdkPure() {
            String o = owner.qualifiedName();
            if (!isStatic) {
                return false;
            }
            if (o.equals("java.lang.Math") || o.equals("java.lang.StrictMath")) {
                return !name.equals("random");
            }
            return java.util.Set.of("java.lang.Double", "java.lang.Float", "java.lang.Integer", "java.lang.Long",
                    "java.lang.Short", "java.lang.Byte", "java.lang.Character", "java.lang.Boolean").contains(o);
        }
    }

    /**
     * A {@code @Differentiable} method, of this build or of a library compiled with the processor.
     * {@code gradientFields} names, per parameter, its field in the callee's gradient class (null
     * for a parameter without one); {@code writtenArrays} names the {@code double[]} parameters it
     * writes to. {@code secondOrder} when it has {@code PullbackTangent} (asked for with order 2).
     * {@code hidden} when the method is private, so that its value comes from the implementation
     * class's copy of its primal (a private method called by its own pullback: recursion).
     */
    record Differentiable(ClassRef owner, String name, List<JType> parameterTypes, List<String> parameterNames,
            ClassRef adjoint, ClassRef gradient, List<String> gradientFields, List<String> writtenArrays,
            boolean secondOrder, boolean sameBuild, String key, boolean instance, boolean hidden) implements Callee {
        /** A static method. */
        public Differentiable(ClassRef owner, String name, List<JType> parameterTypes, List<String> parameterNames,
                ClassRef adjoint, ClassRef gradient, List<String> gradientFields, List<String> writtenArrays,
                boolean secondOrder, boolean sameBuild, String key) {
            this(owner, name, parameterTypes, parameterNames, adjoint, gradient, gradientFields, writtenArrays,
                    secondOrder, sameBuild, key, false, false);
        }

        @Override
        public String describe() {
            return Callee.describe(owner, name, parameterTypes);
        }

        public boolean wrt(int parameter) {
            return gradientFields.get(parameter) != null;
        }
    }

    /**
     * A method with partial derivatives from {@code @DerivativeOf}: entry i of {@code partials} is
     * the method computing ∂/∂(argument i) (taking the same arguments), or null when none was given.
     */
    record Custom(ClassRef owner, String name, List<JType> parameterTypes, boolean hidden,
            List<Partial> partials) implements Callee {
        @Override
        public String describe() {
            return Callee.describe(owner, name, parameterTypes);
        }
    }

    /**
     * A partial derivative: a static method of {@code owner} taking the target's arguments (a
     * user's {@code @DerivativeOf}, a built-in one); or, {@code onReceiver}, a built-in rule named
     * {@code name} made of read-only calls on the target's receiver (a library distribution's
     * {@code density}, see {@code find/CustomDerivatives.onObject}).
     */
    record Partial(ClassRef owner, String name, boolean differentiable, boolean onReceiver) {
        /** A static method of {@code owner}. */
        public Partial(ClassRef owner, String name, boolean differentiable) {
            this(owner, name, differentiable, false);
        }
    }

    /**
     * Generated: a call of a user-supplied partial derivative ({@link Partial}) with the target's
     * arguments, made by the reverse sweep; forward over reverse calls its tangent.
     */
    record PartialCall(Partial partial, List<JType> parameterTypes) implements Callee {
        @Override
        public String describe() {
            return Callee.describe(partial.owner(), partial.name(), parameterTypes);
        }
    }

    /**
     * A method of the same class whose body the normal form inlines: private helpers, and
     * {@code @Differentiable} methods that write into an array parameter.
     */
    record Inline(String key, String name, List<JType> parameterTypes, ClassRef owner) implements Callee {
        @Override
        public String describe() {
            return Callee.describe(owner, name, parameterTypes);
        }
    }

    /**
     * Generated: a call of a member the processor generates ({@code fTangent},
     * {@code fPullbackTangent}) on a generated class, made by forward mode and second order.
     */
    record Generated(ClassRef owner, String member) implements Callee {
        @Override
        public String describe() {
            return owner.simpleName() + "." + member;
        }
    }

    static String describe(ClassRef owner, String name, List<JType> parameterTypes) {
        StringBuilder s = new StringBuilder(owner.simpleName()).append('.').append(name).append('(');
        for (int i = 0; i < parameterTypes.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(simple(parameterTypes.get(i).toString()));
        }
        return s.append(')').toString();
    }

    private static String simple(String type) {
        int lt = type.indexOf('<');
        String raw = lt < 0 ? type : type.substring(0, lt);
        int dot = raw.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }
}
