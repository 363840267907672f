package dev.adjoint.processor.validate;

import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Stage 1, find and validate: checks each {@code @Differentiable} method's signature and groups
 * the valid ones by the class that holds them. Every problem is reported at the declaration.
 */
public final class MethodValidator {

    private final Trees trees;
    private final MethodPaths paths;
    private final ErrorReporter reporter;

    public MethodValidator(Trees trees, MethodPaths paths, ErrorReporter reporter) {
        this.trees = trees;
        this.paths = paths;
        this.reporter = reporter;
    }

    /** Validates the annotated elements; returns the valid methods grouped by holding class, in source order. */
    public Map<TypeElement, List<DiffMethod>> validate(Set<? extends Element> annotated) {
        Map<TypeElement, List<DiffMethod>> byClass = new LinkedHashMap<>();
        for (Element e : annotated) {
            try {
                DiffMethod m = validate((ExecutableElement) e);
                byClass.computeIfAbsent(m.owner(), k -> new ArrayList<>()).add(m);
            } catch (ErrorReporter.Abort abort) {
                // reported; go on with the next method
            }
        }
        byClass.values().forEach(this::rejectClashingNames);
        byClass.values().removeIf(List::isEmpty);
        return byClass;
    }

    private DiffMethod validate(ExecutableElement method) {
        Position at = Position.of(method);
        String name = method.getSimpleName().toString();
        int before = reporter.errorCount();
        Element enclosing = method.getEnclosingElement();
        if (!(enclosing instanceof TypeElement owner) || !enclosing.getKind().isClass()) {
            throw reporter.abortWithError(at, "AdjointNotInClass",
                    "@Differentiable method " + name + " must be declared in a class, enum or record");
        }
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            reporter.reportError(at, "AdjointNotStatic",
                    "@Differentiable method " + name + " must be static: Adjoint differentiates plain "
                            + "static math methods; make it static and pass what it reads as parameters");
        }
        if (method.getReturnType().getKind() != TypeKind.DOUBLE && JType.of(method.getReturnType()) != JType.DOUBLE_ARRAY) {
            reporter.reportError(at, "AdjointReturnType",
                    "@Differentiable method " + name + " must return double or double[], not " + method.getReturnType()
                            + ": only those outputs are differentiated");
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            reporter.reportError(at, "AdjointNoBody",
                    "@Differentiable method " + name + " has no body to differentiate; give it a Java body");
        }
        if (method.getModifiers().contains(Modifier.PRIVATE)) {
            reporter.reportError(at, "AdjointPrivate",
                    "@Differentiable method " + name + " is private, so its generated adjoint class cannot "
                            + "call it; make it package-private or public");
        }
        for (Element outer = enclosing; outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                reporter.reportError(at, "AdjointPrivate",
                        "class " + t.getSimpleName() + " holding @Differentiable method " + name
                                + " is private, so the generated adjoint class cannot call it; make it package-private");
            }
            if (t.getNestingKind().isNested() && !t.getModifiers().contains(Modifier.STATIC)
                    && t.getKind() == ElementKind.CLASS) {
                reporter.reportError(at, "AdjointInnerClass",
                        "@Differentiable method " + name + " is in inner class " + t.getSimpleName()
                                + "; make the class static");
            }
        }
        if (method.getThrownTypes().stream().anyMatch(MethodValidator::isChecked)) {
            reporter.reportError(at, "AdjointCheckedException",
                    "@Differentiable method " + name + " throws checked exceptions (" + method.getThrownTypes()
                            + "), which its generated tape overload could not rethrow; throw an unchecked "
                            + "exception instead");
        }
        List<MethodIr.Param> params = parameters(method);
        int order = method.getAnnotation(Differentiable.class).order();
        if (order != 1 && order != 2) {
            reporter.reportError(annotationValuePosition(method, "order"), "AdjointOrder",
                    "@Differentiable(order = " + order + ") on " + name + ": Adjoint generates first (order = 1, "
                            + "the default) and second (order = 2) derivatives; use one of those");
        }
        reporter.abortIfAnyError(before);
        TreePath path = paths.of(method);
        if (path == null) {
            throw reporter.abortWithError(at, "AdjointNoSource",
                    "@Differentiable method " + name + " has no source in this compilation");
        }
        return new DiffMethod(method, path, (TypeElement) enclosing, params, order);
    }

    private List<MethodIr.Param> parameters(ExecutableElement method) {
        String name = method.getSimpleName().toString();
        List<String> all = method.getParameters().stream()
                .map(p -> p.getSimpleName().toString()).collect(Collectors.toList());
        int before = reporter.errorCount();
        Set<String> wrt = wrtNames(method, all);
        List<MethodIr.Param> params = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            String pName = p.getSimpleName().toString();
            JType type = JType.of(p.asType());
            if (isArrayOf(p.asType(), TypeKind.FLOAT)) {
                reporter.reportError(Position.of(p), "AdjointFloat",
                        "parameter " + pName + " of " + name + " is a " + p.asType() + ": Adjoint differentiates "
                                + "double arithmetic only; declare it " + p.asType().toString().replace("float", "double"));
                continue;
            }
            if (p.asType().getKind() == TypeKind.FLOAT) {
                reporter.reportError(Position.of(p), "AdjointFloat",
                        "parameter " + pName + " of " + name + " is a float: Adjoint differentiates double "
                                + "arithmetic only; declare it double");
                continue;
            }
            boolean differentiable = type.isDifferentiable() && (wrt.isEmpty() || wrt.contains(pName));
            if (wrt.contains(pName) && !type.isDifferentiable()) {
                reporter.reportError(annotationValuePosition(method, "wrt"), "AdjointWrtNotDifferentiable",
                        "wrt names parameter " + pName + " of " + name + ", which is of type " + p.asType()
                                + "; only double and double[] parameters can be differentiated"
                                + (isArrayOf(p.asType(), TypeKind.DOUBLE) ? " (double[][] is read as data)" : ""));
            }
            params.add(new MethodIr.Param(pName, type, differentiable));
        }
        if (params.stream().noneMatch(MethodIr.Param::wrt) && reporter.errorCount() == before) {
            reporter.reportError(Position.of(method), "AdjointNothingToDifferentiate",
                    "@Differentiable method " + name + " has no double or double[] parameter to differentiate; "
                            + "add one or remove the annotation");
        }
        return params;
    }

    /** Whether {@code thrown} is a checked exception: not a RuntimeException nor an Error. */
    private static boolean isChecked(TypeMirror thrown) {
        for (TypeMirror t = thrown; t.getKind() == TypeKind.DECLARED;
                t = ((TypeElement) ((DeclaredType) t).asElement()).getSuperclass()) {
            String n = t.toString();
            if (n.equals("java.lang.RuntimeException") || n.equals("java.lang.Error")) {
                return false;
            }
        }
        return true;
    }

    /** {@code float[]}, {@code double[][]}, ...: an array (of any rank) of {@code kind}. */
    private static boolean isArrayOf(TypeMirror type, TypeKind kind) {
        if (!(type instanceof ArrayType)) {
            return false;
        }
        while (type instanceof ArrayType array) {
            type = array.getComponentType();
        }
        return type.getKind() == kind;
    }

    private Set<String> wrtNames(ExecutableElement method, List<String> params) {
        Set<String> wrt = new LinkedHashSet<>();
        for (String w : method.getAnnotation(Differentiable.class).wrt()) {
            if (!params.contains(w)) {
                reporter.reportError(annotationValuePosition(method, "wrt"), "AdjointUnknownWrt",
                        "wrt names \"" + w + "\", which is not a parameter of " + method.getSimpleName()
                                + (params.isEmpty() ? ", which has no parameters"
                                        : "; its parameters are " + String.join(", ", params)));
            }
            wrt.add(w);
        }
        return wrt;
    }

    /**
     * The position of the {@code @Differentiable} annotation's {@code element = ...} value, or of
     * the method when it cannot be found.
     */
    private Position annotationValuePosition(ExecutableElement method, String element) {
        for (AnnotationMirror a : method.getAnnotationMirrors()) {
            if (!a.getAnnotationType().toString().equals(Differentiable.class.getCanonicalName())) {
                continue;
            }
            for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> v : a.getElementValues().entrySet()) {
                if (v.getKey().getSimpleName().contentEquals(element)) {
                    Tree tree = trees.getTree(method, a, v.getValue());
                    TreePath path = paths.of(method);
                    if (tree != null && path != null) {
                        return Position.of(tree, path.getCompilationUnit());
                    }
                }
            }
        }
        return Position.of(method);
    }

    /**
     * Two methods whose generated members would share names (same name, or names that differ
     * only in the case of the first letter) cannot both be emitted.
     */
    private void rejectClashingNames(List<DiffMethod> methods) {
        Map<String, DiffMethod> seen = new LinkedHashMap<>();
        List<DiffMethod> rejected = new ArrayList<>();
        for (DiffMethod m : methods) {
            String key = capitalize(m.name());
            Optional<DiffMethod> first = Optional.ofNullable(seen.putIfAbsent(key, m));
            first.ifPresent(f -> {
                reporter.reportError(Position.of(m.element()), "AdjointDuplicateName",
                        "two @Differentiable methods in " + m.owner().getSimpleName() + " are named "
                                + (f.name().equals(m.name()) ? m.name() : f.name() + " and " + m.name())
                                + "; their generated " + key + "Gradient and " + m.name()
                                + "Pullback would clash: rename one (e.g. " + m.name() + "2)");
                rejected.add(m);
            });
        }
        methods.removeAll(rejected);
    }

    public static String capitalize(String name) {
        return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }
}
