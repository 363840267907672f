package dev.adjoint.processor.find;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.EmptyStatementTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

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

    /**
     * Whether {@code record}'s canonical constructor only stores its parameters into its fields, as
     * the implicit one does, judged alike whether the record is compiled with the method or read
     * from a class file, so that the generated API does not change between builds. From source:
     * the implicit constructor, a compact one with an empty body, or an explicit one whose body is
     * {@code this.c = c;} once for each component, in any order, and nothing else. From a class file:
     * {@code classFileOnlyStores} reads the constructor's code (given the record's internal name).
     */
    static boolean constructorOnlyStores(TypeElement record, Trees trees, Elements elements, Types types,
            Predicate<String> classFileOnlyStores) {
        if (trees.getTree(record) == null) {
            return classFileOnlyStores.test(elements.getBinaryName(record).toString().replace('.', '/'));
        }
        List<? extends RecordComponentElement> components = record.getRecordComponents();
        for (Element e : record.getEnclosedElements()) {
            if (e.getKind() != ElementKind.CONSTRUCTOR || !canonical((ExecutableElement) e, components, types)) {
                continue;
            }
            if (elements.getOrigin(e) == Elements.Origin.MANDATED) {
                return true;
            }
            MethodTree tree = trees.getTree((ExecutableElement) e);
            return tree != null && tree.getBody() != null && onlyAssigns(tree.getBody().getStatements(), components);
        }
        return false;
    }

    private static boolean canonical(ExecutableElement constructor, List<? extends RecordComponentElement> components,
            Types types) {
        if (constructor.getParameters().size() != components.size()) {
            return false;
        }
        for (int i = 0; i < components.size(); i++) {
            if (!types.isSameType(types.erasure(constructor.getParameters().get(i).asType()),
                    types.erasure(components.get(i).asType()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code body} is nothing, or {@code this.c = c;} once per component and nothing else
     * (empty statements and parentheses aside, which compile to nothing).
     */
    private static boolean onlyAssigns(List<? extends StatementTree> body, List<? extends RecordComponentElement> components) {
        Set<String> names = new HashSet<>();
        components.forEach(c -> names.add(c.getSimpleName().toString()));
        Set<String> stored = new HashSet<>();
        for (StatementTree s : body) {
            if (s instanceof EmptyStatementTree) {
                continue;
            }
            if (!(s instanceof ExpressionStatementTree e) || !(e.getExpression() instanceof AssignmentTree a)
                    || !(bare(a.getVariable()) instanceof MemberSelectTree field)
                    || !(bare(field.getExpression()) instanceof IdentifierTree self)
                    || !self.getName().contentEquals("this") || !(bare(a.getExpression()) instanceof IdentifierTree value)
                    || !value.getName().contentEquals(field.getIdentifier()) || !names.contains(value.getName().toString())
                    || !stored.add(value.getName().toString())) {
                return false;
            }
        }
        return stored.isEmpty() || stored.equals(names);
    }

    private static ExpressionTree bare(ExpressionTree e) {
        return e instanceof ParenthesizedTree p ? bare(p.getExpression()) : e;
    }
}
