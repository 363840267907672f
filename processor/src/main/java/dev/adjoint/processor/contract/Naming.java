package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import java.util.Locale;

/**
 * The generated-class contract, in one place: every name of a class or member that users and
 * generated code see (DESIGN.md, "What the processor generates").
 *
 * <p>For a class {@code demo.Functions} the processor writes two classes in the same package:
 * {@code FunctionsAdjoint}, the public API (gradient classes, {@code fGradient}, {@code
 * fPullback}, the tape overload, ...), written from the methods' signatures alone in the first
 * round; and {@code FunctionsAdjointImpl}, the derivative code (the forward and reverse sweeps),
 * written in the next round once javac has seen {@code FunctionsAdjoint}. Code in {@code
 * Functions} itself may then use {@code FunctionsAdjoint} in every way ({@code var}, lambdas),
 * since reading the method bodies, which makes javac attribute the class, happens only when the
 * API class exists.
 */
public final class Naming {

    private Naming() {}

    /** {@code Outer.Inner} gives {@code Outer_InnerAdjoint}, in the same package. */
    public static ClassRef adjointClass(ClassRef owner) {
        return owner.sibling(String.join("_", owner.simpleNames()) + "Adjoint");
    }

    /** Where the derivative code of {@code owner} goes: {@code Outer_InnerAdjointImpl}. */
    public static ClassRef implClass(ClassRef owner) {
        return owner.sibling(String.join("_", owner.simpleNames()) + "AdjointImpl");
    }

    /** The implementation class beside the API class {@code adjoint}: {@code FunctionsAdjointImpl}. */
    public static ClassRef implOf(ClassRef adjoint) {
        return adjoint.sibling(adjoint.simpleName() + "Impl");
    }

    public static String capitalize(String name) {
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    /** The gradient class of method {@code f}: {@code FGradient}, nested in the adjoint class. */
    public static ClassRef gradientClass(ClassRef owner, String method) {
        return adjointClass(owner).nested(capitalize(method) + "Gradient");
    }

    /**
     * The gradient class name of each record type (by qualified name) a class's methods take:
     * {@code ParamsGradient}, unless two records share a simple name or one would take a method's
     * gradient class name; then with the names of its enclosing classes ({@code Outer_ParamsGradient}).
     */
    public static java.util.Map<String, String> recordGradientNames(java.util.List<ClassRef> records,
            java.util.List<String> methods) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        methods.forEach(m -> taken.add(capitalize(m) + "Gradient"));
        java.util.Map<String, Long> simple = records.stream().collect(java.util.stream.Collectors.groupingBy(
                ClassRef::simpleName, java.util.stream.Collectors.counting()));
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (ClassRef r : records) {
            String name = r.simpleName() + "Gradient";
            if (simple.get(r.simpleName()) > 1 || taken.contains(name)) {
                name = String.join("_", r.simpleNames()) + "Gradient";
            }
            // a record F beside a method f (FGradient both), or two records F of other packages
            String base = String.join("_", r.simpleNames()) + "RecordGradient";
            for (int k = 2; taken.contains(name); k++) {
                name = taken.contains(base) ? base + k : base;
            }
            taken.add(name);
            out.put(r.qualifiedName(), name);
        }
        return out;
    }

    public static String gradient(String method) {
        return method + "Gradient";
    }

    public static String pullback(String method) {
        return method + "Pullback";
    }

    public static String tangent(String method) {
        return method + "Tangent";
    }

    public static String pullbackTangent(String method) {
        return method + "PullbackTangent";
    }

    public static String hvp(String method) {
        return method + "Hvp";
    }

    public static String hessian(String method) {
        return method + "Hessian";
    }

    public static String jacobian(String method) {
        return method + "Jacobian";
    }

    /**
     * The implementation's copy of {@code f} with its equality tests of differentiated values failing:
     * {@code f$around} (a {@code $} no user method name has, as the implementation's other copies are named).
     */
    public static String around(String method) {
        return method + "$around";
    }

    /** The implementation's {@code Shortcuts.gap} of {@code f} and {@code f$around} at the same arguments: {@code f$gap}. */
    public static String gap(String method) {
        return method + "$gap";
    }

    /**
     * The implementation's choice of which equality tests of {@code f} its code around keeps as
     * written, where failing them all does not give the method's value: {@code f$kept}.
     */
    public static String kept(String method) {
        return method + "$kept";
    }

    /** The tape node's {@code grad_fn} name: {@code FBackward}. */
    public static String gradFn(String method) {
        return capitalize(method) + "Backward";
    }

    /** A direction parameter of forward mode: {@code dX} for {@code x}. */
    public static String direction(String input) {
        return "d" + capitalize(input);
    }

    /** {@code field$w}: the implementation's accessor of the receiver's field {@code w} (which may be private). */
    public static String fieldAccessor(String field) {
        return "field$" + field;
    }
}
