package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The type of an IR value: the few kinds the differentiator cares about, plus the javac type
 * itself for everything that is only passed through, or the name of a class the processor
 * generates ({@link #generated}).
 */
public record JType(Kind kind, TypeMirror mirror, ClassRef generated) {

    /** What the differentiator distinguishes. Only {@code DOUBLE} and {@code DOUBLE_ARRAY} values carry derivatives. */
    public enum Kind { DOUBLE, INT, LONG, BOOLEAN, DOUBLE_ARRAY, OTHER }

    /** A class by package and nested simple names, e.g. a generated {@code FunctionsAdjoint.FGradient}. */
    public record ClassRef(String packageName, List<String> simpleNames) {

        /** The reference to a class javac knows, nested or not. */
        public static ClassRef of(TypeElement type) {
            ArrayList<String> names = new ArrayList<>();
            Element e = type;
            for (; e instanceof TypeElement t; e = t.getEnclosingElement()) {
                names.add(0, t.getSimpleName().toString());
            }
            String pkg = e instanceof PackageElement p ? p.getQualifiedName().toString() : "";
            return new ClassRef(pkg, List.copyOf(names));
        }

        /** Where the processor writes the adjoint of {@code owner}: {@code Outer.Inner} gives {@code Outer_InnerAdjoint}. */
        public static ClassRef adjointOf(TypeElement owner) {
            ClassRef ref = of(owner);
            return new ClassRef(ref.packageName(), List.of(String.join("_", ref.simpleNames()) + "Adjoint"));
        }

        /** The canonical name, as {@code Elements.getTypeElement} takes it: {@code demo.Outer.Inner}. */
        public String qualifiedName() {
            String names = String.join(".", simpleNames);
            return packageName.isEmpty() ? names : packageName + "." + names;
        }

        public ClassRef nested(String simpleName) {
            ArrayList<String> names = new ArrayList<>(simpleNames);
            names.add(simpleName);
            return new ClassRef(packageName, List.copyOf(names));
        }
    }

    public static final JType DOUBLE = new JType(Kind.DOUBLE, null, null);
    public static final JType INT = new JType(Kind.INT, null, null);
    public static final JType LONG = new JType(Kind.LONG, null, null);
    public static final JType BOOLEAN = new JType(Kind.BOOLEAN, null, null);
    public static final JType DOUBLE_ARRAY = new JType(Kind.DOUBLE_ARRAY, null, null);

    public static JType of(TypeMirror mirror) {
        return switch (mirror.getKind()) {
            case DOUBLE -> DOUBLE;
            case INT -> INT;
            case LONG -> LONG;
            case BOOLEAN -> BOOLEAN;
            case ARRAY -> ((ArrayType) mirror).getComponentType().getKind() == TypeKind.DOUBLE
                    ? DOUBLE_ARRAY : new JType(Kind.OTHER, mirror, null);
            default -> new JType(Kind.OTHER, mirror, null);
        };
    }

    public static JType generated(ClassRef name) {
        return new JType(Kind.OTHER, null, name);
    }

    public boolean isDouble() {
        return kind == Kind.DOUBLE;
    }

    public boolean isDoubleArray() {
        return kind == Kind.DOUBLE_ARRAY;
    }

    /** A double or a double[]: what can carry a derivative. */
    public boolean isDifferentiable() {
        return kind == Kind.DOUBLE || kind == Kind.DOUBLE_ARRAY;
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

    @Override
    public String toString() {
        if (generated != null) {
            return String.join(".", generated.simpleNames());
        }
        if (kind == Kind.DOUBLE_ARRAY) {
            return "double[]";
        }
        return mirror != null ? mirror.toString() : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
