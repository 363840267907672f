package dev.adjoint.processor.find;

import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The differentiable components of a record type: its {@code double} and {@code double[]}
 * components, and its components that are such records themselves (nested). A record parameter
 * with any is differentiated component by component; the others pass through as data.
 */
public final class Records {

    private Records() {}

    /**
     * A differentiable component: its name, its accessor, its type, and for a record its own
     * components (else null).
     */
    public record Component(String name, ExecutableElement accessor, TypeMirror mirror, JType type,
            List<Component> nested) {
        public boolean isRecord() {
            return nested != null;
        }
    }

    /** The differentiable components of {@code type}, or an empty list when it is no record or has none. */
    public static List<Component> of(TypeMirror type) {
        return of(type, new HashSet<>());
    }

    private static List<Component> of(TypeMirror type, Set<String> open) {
        if (!(type instanceof DeclaredType d) || !(d.asElement() instanceof TypeElement record)
                || record.getKind() != ElementKind.RECORD || !open.add(record.getQualifiedName().toString())) {
            return List.of();
        }
        List<Component> out = new ArrayList<>();
        for (RecordComponentElement c : record.getRecordComponents()) {
            TypeMirror t = c.asType();
            String name = c.getSimpleName().toString();
            if (t.getKind() == TypeKind.DOUBLE || JType.of(t).isDoubleArray()) {
                out.add(new Component(name, c.getAccessor(), t, JType.of(t), null));
            } else {
                List<Component> nested = of(t, open);
                if (!nested.isEmpty()) {
                    out.add(new Component(name, c.getAccessor(), t, JType.of(t), nested));
                }
            }
        }
        open.remove(record.getQualifiedName().toString());
        return out;
    }

    /** The components' leaves ({@code double} and {@code double[]}), depth first. */
    public static int leafCount(List<Component> components) {
        int n = 0;
        for (Component c : components) {
            n += c.isRecord() ? leafCount(c.nested()) : 1;
        }
        return n;
    }
}
