package dev.adjoint.processor.validate;

import dev.adjoint.DerivativeOf;
import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.MirroredTypeException;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * The user-supplied derivatives ({@code @DerivativeOf}) of the build: checks each declaration's
 * signature against its target, reporting a mismatch at the declaration, and answers which
 * partial derivatives a call target has.
 */
public final class CustomDerivatives {

    private final Types types;
    private final ErrorReporter reporter;
    private final Map<ExecutableElement, ExecutableElement[]> byTarget = new HashMap<>();

    public CustomDerivatives(Types types, ErrorReporter reporter) {
        this.types = types;
        this.reporter = reporter;
    }

    /** Registers the {@code @DerivativeOf} methods of a round. */
    public void add(Set<? extends Element> annotated) {
        for (Element e : annotated) {
            try {
                add((ExecutableElement) e);
            } catch (ErrorReporter.Abort abort) {
                // reported at the declaration
            }
        }
    }

    /** The partial derivatives given for {@code target}, entry i for parameter i (null if none); null when none at all. */
    public List<ExecutableElement> of(ExecutableElement target) {
        ExecutableElement[] d = byTarget.get(target);
        return d == null ? null : Arrays.asList(d);
    }

    private void add(ExecutableElement derivative) {
        Position at = Position.of(derivative);
        DerivativeOf spec = derivative.getAnnotation(DerivativeOf.class);
        TypeElement owner = targetClass(spec, derivative);
        String described = owner.getSimpleName() + "." + spec.method() + "(" + parameterTypes(derivative) + ")";
        if (!derivative.getModifiers().contains(Modifier.STATIC) || derivative.getModifiers().contains(Modifier.PRIVATE)
                || derivative.getReturnType().getKind() != TypeKind.DOUBLE) {
            throw reporter.abortWithError(at, "AdjointDerivativeSignature",
                    "@DerivativeOf method " + derivative.getSimpleName() + " must be static, not private, and return "
                            + "double (the partial derivative of " + described + ")");
        }
        List<ExecutableElement> named = ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(spec.method())).collect(Collectors.toList());
        ExecutableElement target = named.stream().filter(m -> sameParameters(m, derivative)).findFirst().orElse(null);
        if (target == null) {
            String candidates = named.isEmpty() ? "it has no method named " + spec.method()
                    : "its methods named " + spec.method() + " take (" + named.stream().map(CustomDerivatives::parameterTypes)
                            .collect(Collectors.joining("), (")) + ")";
            throw reporter.abortWithError(at, "AdjointDerivativeSignature",
                    "@DerivativeOf names " + described + ", which does not exist: " + candidates + "; a derivative "
                            + "takes exactly its target's parameters");
        }
        if (!target.getModifiers().contains(Modifier.STATIC) || target.getReturnType().getKind() != TypeKind.DOUBLE) {
            throw reporter.abortWithError(at, "AdjointDerivativeSignature",
                    "@DerivativeOf target " + described + " must be a static method returning double");
        }
        int wrt = spec.wrt();
        if (wrt < 0 || wrt >= target.getParameters().size()
                || target.getParameters().get(wrt).asType().getKind() != TypeKind.DOUBLE) {
            throw reporter.abortWithError(at, "AdjointDerivativeSignature",
                    "@DerivativeOf(wrt = " + wrt + ") must name a double parameter of " + described
                            + " by its index (0 for the first)");
        }
        ExecutableElement[] partials = byTarget.computeIfAbsent(target,
                t -> new ExecutableElement[t.getParameters().size()]);
        if (partials[wrt] != null && !partials[wrt].equals(derivative)) {
            throw reporter.abortWithError(at, "AdjointDerivativeSignature",
                    "two derivatives of " + described + " with respect to parameter " + wrt + ": "
                            + partials[wrt].getSimpleName() + " and " + derivative.getSimpleName() + "; keep one");
        }
        partials[wrt] = derivative;
    }

    private TypeElement targetClass(DerivativeOf spec, ExecutableElement derivative) {
        TypeMirror type;
        try {
            type = types.getNoType(TypeKind.NONE);
            spec.type();
        } catch (MirroredTypeException mirrored) {
            type = mirrored.getTypeMirror();
        }
        if (type.getKind() == TypeKind.VOID || type.getKind() == TypeKind.NONE) {
            return (TypeElement) derivative.getEnclosingElement();
        }
        return (TypeElement) types.asElement(type);
    }

    private boolean sameParameters(ExecutableElement a, ExecutableElement b) {
        if (a.getParameters().size() != b.getParameters().size()) {
            return false;
        }
        for (int i = 0; i < a.getParameters().size(); i++) {
            if (!types.isSameType(a.getParameters().get(i).asType(), b.getParameters().get(i).asType())) {
                return false;
            }
        }
        return true;
    }

    private static String parameterTypes(ExecutableElement m) {
        List<String> names = new ArrayList<>();
        m.getParameters().forEach(p -> names.add(p.asType().toString()));
        return String.join(", ", names);
    }
}
