package dev.adjoint.processor.find;

import dev.adjoint.processor.ir.ClassRef;
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

    /** The method with this key in the current round, or null. */
    public static ExecutableElement resolve(String key, Elements elements, Types types) {
        int hash = key.indexOf('#');
        TypeElement owner = elements.getTypeElement(key.substring(0, hash));
        if (owner == null) {
            return null;
        }
        for (ExecutableElement m : ElementFilter.methodsIn(owner.getEnclosedElements())) {
            if (of(m, types).equals(key)) {
                return m;
            }
        }
        return null;
    }
}
