package dev.adjoint.processor.ir;

import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The type of an IR value: the few kinds the differentiator cares about, plus the javac type
 * itself for everything that is only passed through.
 */
public record JType(Kind kind, TypeMirror mirror) {

    /** What the differentiator distinguishes. Only {@code DOUBLE} values carry derivatives. */
    public enum Kind { DOUBLE, INT, LONG, BOOLEAN, OTHER }

    public static final JType DOUBLE = new JType(Kind.DOUBLE, null);
    public static final JType INT = new JType(Kind.INT, null);
    public static final JType LONG = new JType(Kind.LONG, null);
    public static final JType BOOLEAN = new JType(Kind.BOOLEAN, null);

    public static JType of(TypeMirror mirror) {
        return switch (mirror.getKind()) {
            case DOUBLE -> DOUBLE;
            case INT -> INT;
            case LONG -> LONG;
            case BOOLEAN -> BOOLEAN;
            default -> new JType(Kind.OTHER, mirror);
        };
    }

    public boolean isDouble() {
        return kind == Kind.DOUBLE;
    }

    @Override
    public String toString() {
        return mirror != null ? mirror.toString() : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
