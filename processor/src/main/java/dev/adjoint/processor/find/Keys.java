package dev.adjoint.processor.find;

import dev.adjoint.processor.ir.ClassRef;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Stable identities of methods across annotation-processing rounds ({@code
 * demo.Functions#f(double,double[])}): javac's symbols are not to be kept from one round to the
 * next, so plans and callee references hold keys and resolve them again when needed.
 */
public final class Keys {

    private Keys() {}

    public static String of(ExecutableElement method, Types types) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        return ClassRef.of(owner).qualifiedName() + "#" + method.getSimpleName() + "(" + method.getParameters().stream()
                .map(p -> types.erasure(p.asType()).toString()).collect(Collectors.joining(",")) + ")";
    }

    /**
     * The methods of the class named {@code owner} by key, in the current round (empty when there is no
     * such class): one pass over the class for many look-ups, where {@link #resolve} is one pass per look-up.
     */
    public static Map<String, ExecutableElement> methods(String owner, Elements elements, Types types) {
        Map<String, ExecutableElement> out = new HashMap<>();
        TypeElement type = elements.getTypeElement(owner);
        if (type != null) {
            for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
                out.putIfAbsent(of(m, types), m);
            }
        }
        return out;
    }

    /**
     * The key of a helper of another class planned for the adjoint classes of {@code site} (a
     * top-level class, by qualified name): {@code demo.Num#erf(double)@demo.NormalDist}. Such a
     * helper is read from the site (what its code may name depends on it), as inlined helpers of
     * other classes are, under the same key.
     */
    public static String at(String key, String site) {
        return key + "@" + site;
    }

    /** The site of a key made by {@link #at}, or null for a method's own key. */
    public static String site(String key) {
        int close = key.lastIndexOf(')');
        return close >= 0 && close + 1 < key.length() && key.charAt(close + 1) == '@' ? key.substring(close + 2) : null;
    }

    /** The method's own key, without the site {@link #at} adds. */
    public static String method(String key) {
        String site = site(key);
        return site == null ? key : key.substring(0, key.length() - site.length() - 1);
    }

    /** The name of the class of the method with this key. */
    public static String owner(String key) {
        return key.substring(0, key.indexOf('#'));
    }
}
