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

    /** The name of the class of the method with this key. */
    public static String owner(String key) {
        return key.substring(0, key.indexOf('#'));
    }
}
