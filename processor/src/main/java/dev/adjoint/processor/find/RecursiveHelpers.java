package dev.adjoint.processor.find;

import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import dev.adjoint.Differentiable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The helpers of a class that call themselves, directly or through each other, and that its
 * {@code @Differentiable} methods reach: Γ by reflection ({@code gamma(-x)}), ψ by recurrence
 * ({@code digamma(x + 1) - 1 / x}), P and Q of the incomplete gamma function through each other.
 * Adjoint inlines helpers, and a recursive one inlined has no end, so each of these is planned as if
 * it were {@code @Differentiable} itself (every {@code double} and {@code double[]} parameter
 * differentiated, package-private members): its pullback calls itself, one level per call.
 *
 * <p>Found from the parsed source, before bodies are attributed: a call is matched to the class's
 * methods by its name and number of arguments ({@code gamma(x)}, {@code Gamma.gamma(x)}), so an
 * overload of the same arity counts as called too. That over-approximation only plans a method that
 * might not be needed; it never misses one.
 */
final class RecursiveHelpers {

    private final MethodPaths paths;

    RecursiveHelpers(MethodPaths paths) {
        this.paths = paths;
    }

    /**
     * The methods of {@code owner} that the {@code annotated} ones reach and that reach themselves,
     * without {@code @Differentiable}, and of a shape a pullback can stand in for: static, with a
     * body, returning {@code double}, taking only primitives and arrays of them (one a {@code double}
     * or {@code double[]}; {@code double[][]} and the others data), and throwing nothing it declares.
     */
    List<ExecutableElement> of(TypeElement owner, List<ExecutableElement> annotated) {
        Map<String, List<ExecutableElement>> byName = new LinkedHashMap<>();
        for (Element e : owner.getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD) {
                byName.computeIfAbsent(e.getSimpleName().toString(), k -> new ArrayList<>()).add((ExecutableElement) e);
            }
        }
        Map<ExecutableElement, Set<ExecutableElement>> calls = new LinkedHashMap<>();
        byName.values().forEach(methods -> methods.forEach(m -> calls.put(m, callees(owner, m, byName))));
        Set<ExecutableElement> reached = reach(annotated, calls);
        List<ExecutableElement> out = new ArrayList<>();
        for (ExecutableElement m : reached) {
            if (m.getAnnotation(Differentiable.class) == null && plannable(m)
                    && reach(new ArrayList<>(calls.getOrDefault(m, Set.of())), calls).contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** What {@code from} reaches through calls, themselves not included unless a call leads back. */
    private static Set<ExecutableElement> reach(List<ExecutableElement> from,
            Map<ExecutableElement, Set<ExecutableElement>> calls) {
        Set<ExecutableElement> seen = new LinkedHashSet<>();
        Deque<ExecutableElement> work = new ArrayDeque<>(from);
        while (!work.isEmpty()) {
            ExecutableElement m = work.pop();
            if (seen.add(m)) {
                work.addAll(calls.getOrDefault(m, Set.of()));
            }
        }
        return seen;
    }

    /** The methods of {@code owner} that {@code method}'s body may call, matched by name and arity. */
    private Set<ExecutableElement> callees(TypeElement owner, ExecutableElement method,
            Map<String, List<ExecutableElement>> byName) {
        TreePath path = paths.of(method);
        Set<ExecutableElement> out = new LinkedHashSet<>();
        if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
            return out;
        }
        String ownerName = owner.getSimpleName().toString();
        tree.getBody().accept(new TreeScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                String name = null;
                if (call.getMethodSelect() instanceof IdentifierTree id) {
                    name = id.getName().toString();
                } else if (call.getMethodSelect() instanceof MemberSelectTree select
                        && select.getExpression() instanceof IdentifierTree qualifier
                        && (qualifier.getName().contentEquals(ownerName) || qualifier.getName().contentEquals("this"))) {
                    name = select.getIdentifier().toString();
                }
                for (ExecutableElement m : byName.getOrDefault(name, List.of())) {
                    if (arityMatches(m, call.getArguments().size())) {
                        out.add(m);
                    }
                }
                return super.visitMethodInvocation(call, unused);
            }
        }, null);
        return out;
    }

    private static boolean arityMatches(ExecutableElement m, int arguments) {
        int n = m.getParameters().size();
        return m.isVarArgs() ? arguments >= n - 1 : arguments == n;
    }

    /** Whether a pullback and tangent of {@code m} can be generated as for a {@code @Differentiable} method. */
    private boolean plannable(ExecutableElement m) {
        Set<Modifier> modifiers = m.getModifiers();
        if (!modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.ABSTRACT)
                || modifiers.contains(Modifier.NATIVE) || m.isVarArgs() || paths.of(m) == null
                || m.getReturnType().getKind() != TypeKind.DOUBLE || !m.getThrownTypes().isEmpty()
                || !m.getTypeParameters().isEmpty()) {
            return false;
        }
        boolean differentiable = false;
        for (VariableElement p : m.getParameters()) {
            TypeMirror t = p.asType();
            boolean doubles = t.getKind() == TypeKind.DOUBLE
                    || t instanceof ArrayType a && a.getComponentType().getKind() == TypeKind.DOUBLE;
            TypeMirror element = t;
            while (element instanceof ArrayType a) {
                element = a.getComponentType();
            }
            if (!element.getKind().isPrimitive()) {
                return false; // an object is data an annotated method could take, but its type may be private
            }
            differentiable |= doubles;
        }
        return differentiable;
    }
}
