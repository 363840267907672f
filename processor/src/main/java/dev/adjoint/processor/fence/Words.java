package dev.adjoint.processor.fence;

import dev.adjoint.processor.ir.JType;

/** How the fence's messages name a type: {@code Object[]}, {@code a List<Double>}, {@code an Object}. */
final class Words {

    private Words() {}

    /** The type with its article: {@code an Object}, {@code a Double[]}. */
    static String a(JType type) {
        String name = simple(type);
        return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    /** The type without package names: {@code List<Double>} for {@code java.util.List<java.lang.Double>}. */
    static String simple(JType type) {
        return type.toString().replaceAll("\\b[a-z]\\w*\\.", "");
    }
}
