package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * A class by package and nested simple names ({@code demo.Outer.Inner}): how the IR and the
 * generated code refer to classes, without holding javac symbols (which do not survive from one
 * annotation-processing round to the next).
 */
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

    public static ClassRef of(String packageName, String... simpleNames) {
        return new ClassRef(packageName, List.of(simpleNames));
    }

    /** The canonical name, as {@code Elements.getTypeElement} takes it: {@code demo.Outer.Inner}. */
    public String qualifiedName() {
        String names = String.join(".", simpleNames);
        return packageName.isEmpty() ? names : packageName + "." + names;
    }

    public String simpleName() {
        return simpleNames.get(simpleNames.size() - 1);
    }

    public ClassRef nested(String simpleName) {
        ArrayList<String> names = new ArrayList<>(simpleNames);
        names.add(simpleName);
        return new ClassRef(packageName, List.copyOf(names));
    }

    /** A top-level class of the same package. */
    public ClassRef sibling(String simpleName) {
        return new ClassRef(packageName, List.of(simpleName));
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
