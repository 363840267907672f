package dev.adjoint.processor.find;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.Elements;

/**
 * The deprecation warnings the generated classes would repeat. They call the user's methods, name
 * their types and copy code of their bodies into another class, where javac warns again on each
 * deprecated element the user's class may use without a warning (its own members) or has already
 * been warned about at its line. Those warnings belong to the user's source: a build with
 * {@code -Werror} must not fail on them in generated code, so the generated classes suppress them.
 * The declarations are judged here; what the bodies use, as the reader meets it ({@link #warning}).
 */
public final class Deprecations {

    private Deprecations() {}

    /** What the generated classes of {@code owner} suppress for the class and its annotated methods' declarations. */
    static List<String> suppressed(TypeElement owner, Collection<ExecutableElement> methods, Elements elements) {
        List<Element> declared = new ArrayList<>();
        for (Element e = owner; e instanceof TypeElement; e = e.getEnclosingElement()) {
            declared.add(e);
        }
        for (ExecutableElement m : methods) {
            declared.add(m);
            m.getParameters().forEach(p -> declared.add(p.asType() instanceof DeclaredType d ? d.asElement() : null));
        }
        Set<String> found = new java.util.TreeSet<>(); // "deprecation" before "removal"
        declared.forEach(e -> {
            String w = warning(e, elements);
            if (w != null) {
                found.add(w);
            }
        });
        return List.copyOf(found);
    }

    /** {@code "removal"} for an element deprecated for removal, {@code "deprecation"} for another deprecated one, else null. */
    public static String warning(Element e, Elements elements) {
        if (e == null || !elements.isDeprecated(e)) {
            return null;
        }
        Deprecated d = e.getAnnotation(Deprecated.class);
        return d != null && d.forRemoval() ? "removal" : "deprecation";
    }
}
