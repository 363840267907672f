package dev.adjoint.processor.fence;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;

/**
 * How the fence's messages name a type ({@code Object[]}, {@code a List<Double>}, {@code an Object}),
 * an expression and an assignment's target.
 */
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

    /** The assigned part of an assignment's source text ({@code w[i]} of {@code w[i] += x}), for a message. */
    static String target(String source) {
        if (source == null) {
            return "an array element";
        }
        int eq = source.indexOf('=');
        String t = eq > 0 ? source.substring(0, eq) : source;
        t = t.trim();
        while (!t.isEmpty() && "+-*/%&|^<>".indexOf(t.charAt(t.length() - 1)) >= 0) {
            t = t.substring(0, t.length() - 1).trim();
        }
        return t;
    }

    /** A short description of an expression for a message: a variable's name, else its source text. */
    static String describe(Expr e) {
        if (e instanceof Expr.Read r) {
            return r.var().name;
        }
        if (e.pos() != null && e.pos().tree() != null) {
            return e.pos().tree().toString();
        }
        return "an expression";
    }
}
