package dev.adjoint.processor.ir;

import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The type of an IR value: the few kinds differentiation distinguishes, plus the javac type for
 * printing, or the name of a class the processor generates or names itself ({@link #named}).
 * Only {@code DOUBLE} and {@code DOUBLE_ARRAY} values carry derivatives; a boxed {@code Double}
 * is read as a {@code double}.
 */
public record JType(Kind kind, TypeMirror mirror, ClassRef named) {

    /** What differentiation distinguishes. {@code INT} stands for every integral type but long. */
    public enum Kind { DOUBLE, FLOAT, INT, LONG, BOOLEAN, DOUBLE_ARRAY, OTHER }

    public static final JType DOUBLE = new JType(Kind.DOUBLE, null, null);
    public static final JType FLOAT = new JType(Kind.FLOAT, null, null);
    public static final JType INT = new JType(Kind.INT, null, null);
    public static final JType LONG = new JType(Kind.LONG, null, null);
    public static final JType BOOLEAN = new JType(Kind.BOOLEAN, null, null);
    public static final JType DOUBLE_ARRAY = new JType(Kind.DOUBLE_ARRAY, null, null);
    public static final JType STRING = named(ClassRef.of("java.lang", "String"));
    public static final JType OBJECT = named(ClassRef.of("java.lang", "Object"));
    /** A type javac left undetermined (code it did not attribute): the fence refuses what has it. */
    public static final JType UNKNOWN = named(ClassRef.of("", "unknown type"));

    public static JType of(TypeMirror mirror) {
        return switch (mirror.getKind()) {
            case DOUBLE -> DOUBLE;
            case FLOAT -> FLOAT;
            case INT -> INT;
            case LONG -> LONG;
            case BOOLEAN -> BOOLEAN;
            case SHORT, BYTE, CHAR -> new JType(Kind.INT, mirror, null);
            case ARRAY -> ((ArrayType) mirror).getComponentType().getKind() == TypeKind.DOUBLE
                    ? DOUBLE_ARRAY : new JType(Kind.OTHER, mirror, null);
            case DECLARED -> mirror.toString().equals("java.lang.Double") ? DOUBLE : new JType(Kind.OTHER, mirror, null);
            default -> new JType(Kind.OTHER, mirror, null);
        };
    }

    public static JType named(ClassRef name) {
        return new JType(Kind.OTHER, null, name);
    }

    public boolean isDouble() {
        return kind == Kind.DOUBLE;
    }

    public boolean isDoubleArray() {
        return kind == Kind.DOUBLE_ARRAY;
    }

    public boolean isUnknown() {
        return this.equals(UNKNOWN);
    }

    /** {@code java.lang.String}, however the type was made (named or from javac's mirror). */
    public boolean isString() {
        return kind == Kind.OTHER && toString().equals("java.lang.String");
    }

    /** A double or a double[]: what can carry a derivative. */
    public boolean isDifferentiable() {
        return kind == Kind.DOUBLE || kind == Kind.DOUBLE_ARRAY;
    }

    /** A primitive number (not boolean). */
    public boolean isNumeric() {
        return kind == Kind.DOUBLE || kind == Kind.FLOAT || kind == Kind.INT || kind == Kind.LONG;
    }

    public boolean isPrimitive() {
        return isNumeric() || kind == Kind.BOOLEAN;
    }

    /** The element type of an array type. */
    public JType component() {
        if (kind == Kind.DOUBLE_ARRAY) {
            return DOUBLE;
        }
        if (mirror instanceof ArrayType a) {
            return of(a.getComponentType());
        }
        throw new IllegalStateException("not an array: " + this);
    }

    public boolean isArray() {
        return kind == Kind.DOUBLE_ARRAY || mirror instanceof ArrayType;
    }

    /** The same kind, for comparing types whose mirrors come from different places. */
    public boolean sameAs(JType other) {
        if (kind != other.kind) {
            return false;
        }
        if (kind != Kind.OTHER && (mirror == null || other.mirror == null)) {
            return true;
        }
        return toString().equals(other.toString());
    }

    @Override
    public String toString() {
        if (named != null) {
            return named.qualifiedName();
        }
        if (mirror != null) {
            return mirror.toString();
        }
        return kind == Kind.DOUBLE_ARRAY ? "double[]" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
