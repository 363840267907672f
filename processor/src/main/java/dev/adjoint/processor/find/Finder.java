package dev.adjoint.processor.find;

import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.contract.ClassPlan;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.contract.Planner;
import dev.adjoint.processor.contract.RecordPlan;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Stage 1, find and validate: checks each {@code @Differentiable} method's declaration and plans
 * what is generated for it, grouped by the class that holds it. It reads declarations only (the
 * element API and the parsed source, never attributed bodies), so it can run before the adjoint
 * classes exist. Every problem is reported at the declaration.
 */
public final class Finder {

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    private final MethodPaths paths;
    private final Diagnostics diagnostics;
    private final ArrayWrites writes = new ArrayWrites();
    /** What the recursive helpers of other classes write, their files indexed apart (the others' answers unchanged). */
    private final ArrayWrites foreignWrites = new ArrayWrites();
    /** The gradient class names of the record types the class being planned takes. */
    private Map<String, String> recordGradientNames = Map.of();
    /** The keys planned: in earlier rounds ({@code planned}), and in this one (helpers of other classes, at their sites). */
    private final Set<String> planned;
    /** Whether a record known by its class file (internal name) has a canonical constructor that only stores. */
    private final java.util.function.Predicate<String> recordClassFiles;
    private final Set<String> plannedNow = new java.util.HashSet<>();

    /**
     * @param planned the keys of the methods planned in earlier rounds
     * @param recordClassFiles whether a record known by its class file ({@code a/b/Params}) has a
     *     canonical constructor that only stores its parameters
     */
    public Finder(Trees trees, Elements elements, Types types, MethodPaths paths, Diagnostics diagnostics,
            Set<String> planned, java.util.function.Predicate<String> recordClassFiles) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
        this.paths = paths;
        this.diagnostics = diagnostics;
        this.planned = planned;
        this.recordClassFiles = recordClassFiles;
    }

    /** The result of one round: plans of the classes ready, and the classes whose declarations name types not generated yet. */
    public record Found(List<ClassPlan> plans, Set<TypeElement> deferred) {}

    /** Validates the annotated methods of {@code classes}' and plans their classes. */
    public Found find(Set<? extends Element> annotated) {
        Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
        Set<TypeElement> deferred = new LinkedHashSet<>();
        for (Element e : annotated) {
            if (!(e instanceof ExecutableElement method) || e.getKind() != ElementKind.METHOD) {
                continue;
            }
            Element enclosing = method.getEnclosingElement();
            if (!(enclosing instanceof TypeElement owner) || !enclosing.getKind().isClass()) {
                diagnostics.error(Position.of(method), Tag.AdjointNotInClass, "@Differentiable method "
                        + method.getSimpleName() + " must be declared in a class, enum or record");
                continue;
            }
            if (mentionsMissingType(method)) {
                deferred.add(owner);
                continue;
            }
            byClass.computeIfAbsent(owner, k -> new ArrayList<>()).add(method);
        }
        byClass.keySet().removeAll(deferred);
        for (List<ExecutableElement> methods : byClass.values()) {
            for (ExecutableElement method : methods) {
                TreePath path = paths.of(method);
                if (path != null) {
                    writes.index(path.getCompilationUnit());
                }
            }
        }
        List<ClassPlan> plans = new ArrayList<>();
        for (Map.Entry<TypeElement, List<ExecutableElement>> entry : byClass.entrySet()) {
            recordGradientNames = recordGradientNames(entry.getValue());
            Map<MethodPlan, ExecutableElement> valid = new LinkedHashMap<>();
            for (ExecutableElement method : entry.getValue()) {
                try {
                    valid.put(validate(entry.getKey(), method), method);
                } catch (Diagnostics.Abort abort) {
                    // reported at the declaration; the other methods go on
                }
            }
            List<MethodPlan> methods = rejectClashingNames(valid, entry.getKey());
            methods.addAll(recursiveHelpers(entry.getKey(), entry.getValue(), methods));
            if (!methods.isEmpty()) {
                ClassRef owner = ClassRef.of(entry.getKey());
                plans.add(new ClassPlan(owner, Naming.adjointClass(owner), Naming.implClass(owner), List.copyOf(methods),
                        records(methods), Deprecations.suppressed(entry.getKey(), entry.getValue(), elements)));
            }
        }
        return new Found(plans, deferred);
    }

    /** The gradient classes of the record parameters of {@code methods}, nested ones included, each once. */
    private static List<RecordPlan> records(List<MethodPlan> methods) {
        Map<ClassRef, RecordPlan> out = new LinkedHashMap<>();
        List<RecordPlan> work = new ArrayList<>();
        methods.forEach(m -> m.fields().stream().filter(f -> f.record() != null).forEach(f -> work.add(f.record())));
        while (!work.isEmpty()) {
            RecordPlan r = work.remove(0);
            if (out.putIfAbsent(r.record(), r) == null) {
                r.components().stream().filter(c -> c.record() != null).forEach(c -> work.add(c.record()));
            }
        }
        return List.copyOf(out.values());
    }

    /** Whether the method's signature names a type javac cannot resolve yet (generated later by another processor). */
    private boolean mentionsMissingType(ExecutableElement method) {
        if (isError(method.getReturnType())) {
            return true;
        }
        for (VariableElement p : method.getParameters()) {
            if (isError(p.asType())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code type} (or an array's element, or a type argument) is one javac could not resolve. */
    public static boolean isError(TypeMirror type) {
        while (type instanceof ArrayType a) {
            type = a.getComponentType();
        }
        if (type.getKind() == TypeKind.ERROR) {
            return true;
        }
        return type instanceof DeclaredType d && d.getTypeArguments().stream().anyMatch(Finder::isError);
    }

    private MethodPlan validate(TypeElement owner, ExecutableElement method) {
        Position at = Position.of(method);
        String name = method.getSimpleName().toString();
        int before = diagnostics.errorCount();
        TypeMirror returned = method.getReturnType();
        boolean vector = JType.of(returned).isDoubleArray();
        // a boxed Double (Function<Double, Double>.apply) is read as a double, as its locals are
        if (returned.getKind() != TypeKind.DOUBLE && !vector && !JType.of(returned).isDouble()) {
            diagnostics.error(at, Tag.AdjointReturnType, "@Differentiable method " + name
                    + " must return double, Double or double[], not " + returned + ": only those outputs are "
                    + "differentiated");
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            diagnostics.error(at, Tag.AdjointNoBody, "@Differentiable method " + name
                    + " has no body to differentiate; give it a Java body");
        }
        for (Element outer = owner; outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
            if (t.getNestingKind().isNested() && !t.getModifiers().contains(Modifier.STATIC)
                    && t.getKind() == ElementKind.CLASS) {
                diagnostics.error(at, Tag.AdjointInnerClass, "@Differentiable method " + name + " is in inner class "
                        + t.getSimpleName() + "; make the class static");
            }
        }
        if (!method.getModifiers().contains(Modifier.STATIC) && !owner.getTypeParameters().isEmpty()) {
            diagnostics.error(at, Tag.AdjointNotYetSupported, "@Differentiable method " + name + " is an instance method "
                    + "of generic class " + owner.getSimpleName() + typeParameters(owner.getTypeParameters()) + ": not supported yet; make "
                    + "it static, taking the receiver's values it needs as parameters");
        }
        if (!method.getTypeParameters().isEmpty()) {
            diagnostics.error(at, Tag.AdjointNotYetSupported, "@Differentiable method " + name + " has type parameters "
                    + typeParameters(method.getTypeParameters()) + ": not supported yet; give its parameters concrete types (a "
                    + "parameter that is only data may be an Object)");
        }
        // its checked exceptions are declared by every generated member that runs its code: they must be nameable there
        Access site = new Access(elements, elements.getPackageOf(owner));
        String unnameable = method.getThrownTypes().stream().filter(t -> isChecked(t) && !site.nameable(t))
                .map(TypeMirror::toString).collect(Collectors.joining(", "));
        if (!unnameable.isEmpty()) {
            diagnostics.error(at, Tag.AdjointCheckedException, "@Differentiable method " + name
                    + " throws the checked " + unnameable + ", which its generated members, declaring it too, cannot "
                    + "name from package " + elements.getPackageOf(owner).getQualifiedName() + "; make the exception "
                    + "class visible there (not private), or throw an unchecked exception");
        }
        Differentiable annotation = method.getAnnotation(Differentiable.class);
        int order = annotation.order();
        int checkpoints = annotation.checkpoints();
        if (order != 1 && order != 2) {
            diagnostics.error(annotationValue(method, "order"), Tag.AdjointOrder, "@Differentiable(order = " + order
                    + ") on " + name + ": Adjoint generates first (order = 1, the default) and second (order = 2) "
                    + "derivatives; use one of those");
        }
        if (checkpoints < 0) {
            diagnostics.error(annotationValue(method, "checkpoints"), Tag.AdjointCheckpoint,
                    "@Differentiable(checkpoints = " + checkpoints + ") on " + name + ": the number of snapshots must be positive (0, the default, "
                    + "records every iteration of a loop instead)");
        }
        if (order == 2 && vector) {
            diagnostics.error(at, Tag.AdjointNoSecondOrder, "no second-order members for "
                    + name + ": it returns double[]; second order is built for scalar outputs (differentiate one "
                    + "output at a time)");
        }
        TreePath path = paths.of(method);
        if (path == null || !(path.getLeaf() instanceof MethodTree)) {
            throw diagnostics.abort(at, Tag.AdjointNoSource, "@Differentiable method " + name
                    + " has no source in this compilation");
        }
        List<MethodPlan.Param> params = new ArrayList<>();
        List<MethodPlan.GradientField> fields = new ArrayList<>();
        if (fieldsAndParameters(owner, method, params, fields).isEmpty() && diagnostics.errorCount() == before) {
            diagnostics.error(at, Tag.AdjointNothingToDifferentiate, "@Differentiable method " + name
                    + " has no double or double[] parameter" + (method.getModifiers().contains(Modifier.STATIC) ? ""
                            : " or field") + " to differentiate; add one or remove the annotation");
        }
        if (diagnostics.errorCount() > before) {
            throw new Diagnostics.Abort();
        }
        // public, as DESIGN's table has them; a private method's derivatives stay within its package
        // a method of a private nested class is called by its copy too: the adjoint class cannot name its class
        return plan(owner, method, method.getSimpleName().toString(), Keys.of(method, types),
                !method.getModifiers().contains(Modifier.PRIVATE),
                method.getModifiers().contains(Modifier.PRIVATE) || isPrivate(owner.asType()), order, checkpoints, params,
                fields);
    }

    /**
     * The helpers that call themselves and that {@code owner}'s {@code @Differentiable} methods reach
     * ({@link RecursiveHelpers}), planned as {@code @Differentiable} methods of the highest order any
     * of the class's asks for, their members package-private in {@code owner}'s adjoint classes. One
     * whose generated names would clash with another method's gets names of its own ({@code value2}),
     * and its value from the implementation's copy of its primal, as a private one. One of another class is planned once per site (the top-level class whose adjoint
     * classes it is read for: {@link Keys#at}), by the first of the site's classes that reaches it, in
     * this round or an earlier one; the others call it there.
     */
    private List<MethodPlan> recursiveHelpers(TypeElement owner, List<ExecutableElement> annotated,
            List<MethodPlan> planned) {
        int order = annotated.stream().mapToInt(m -> m.getAnnotation(Differentiable.class).order())
                .filter(o -> o == 1 || o == 2).max().orElse(1);
        Set<String> taken = new java.util.HashSet<>();
        annotated.forEach(m -> taken.add(Naming.capitalize(m.getSimpleName().toString())));
        planned.forEach(m -> taken.add(Naming.capitalize(m.name())));
        List<MethodPlan> out = new ArrayList<>();
        RecursiveHelpers recursive = new RecursiveHelpers(paths, elements);
        String site = ClassRef.of(owner).sibling(ClassRef.of(owner).simpleNames().get(0)).qualifiedName();
        for (ExecutableElement helper : recursive.of(owner, annotated)) {
            boolean foreign = !helper.getEnclosingElement().equals(owner);
            // one of another top-level class is read for this site, under its key there; one of a class
            // nested in the site's top-level class under its own key, as read.Calls looks for it
            ClassRef of = ClassRef.of((TypeElement) helper.getEnclosingElement());
            boolean otherTop = !of.sibling(of.simpleNames().get(0)).qualifiedName().equals(site);
            String key = otherTop ? Keys.at(Keys.of(helper, types), site) : Keys.of(helper, types);
            if (foreign && (this.planned.contains(key) || plannedNow.contains(key))) {
                continue; // planned for another class of the site: called there
            }
            // a helper named like a method whose members are generated here (Commons Numbers' value(a, x) and
            // its P.value(a, x, eps, max)): its members get a name of their own, its value the implementation's copy
            String name = helper.getSimpleName().toString();
            String member = name;
            for (int k = 2; taken.contains(Naming.capitalize(member)); k++) {
                member = name + k;
            }
            List<MethodPlan.Param> params = new ArrayList<>();
            List<MethodPlan.GradientField> fields = new ArrayList<>();
            if (foreign) {
                foreignWrites.index(paths.of(helper).getCompilationUnit());
            }
            fieldsAndParameters(owner, helper, params, fields);
            boolean hidden = helper.getModifiers().contains(Modifier.PRIVATE) || !member.equals(name)
                    || foreign && !recursive.callable(helper, elements.getPackageOf(owner));
            try {
                MethodPlan plan = plan(owner, helper, member, key, false, hidden, order, 0, params, fields);
                if (foreign && !plan.writtenArrays().isEmpty()) {
                    continue; // its pullback could not stand in for it: inlined, refused at its recursive call once
                }
                taken.add(Naming.capitalize(member));
                out.add(plan);
                plannedNow.add(key);
            } catch (Diagnostics.Abort tooManyParameters) {
                // reported at the helper; its callers are refused at their calls
            }
        }
        return out;
    }

    /**
     * The plan of {@code method}, whose declaration is valid, with generated members in {@code owner}'s
     * adjoint classes (a helper of another class: its own class is the plan's owner), under {@code key}.
     */
    private MethodPlan plan(TypeElement owner, ExecutableElement method, String name, String key, boolean exposed,
            boolean hidden, int order, int checkpoints, List<MethodPlan.Param> params, List<MethodPlan.GradientField> fields) {
        boolean vector = JType.of(method.getReturnType()).isDoubleArray();
        MethodTree tree = (MethodTree) paths.of(method).getLeaf();
        boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
        String signature = method.getSimpleName() + "(" + method.getParameters().stream().map(p -> types.erasure(p.asType()).toString())
                .collect(Collectors.joining(", ")) + ")";
        TypeElement declaring = (TypeElement) method.getEnclosingElement();
        JType receiver = isStatic ? null : JType.of(new Access(elements, elements.getPackageOf(owner)).heldAs(declaring, types));
        MethodPlan plan = Planner.plan(key, name, ClassRef.of(declaring), ClassRef.of(owner), isStatic, exposed,
                hidden, params, vector, order, checkpoints, fields, (Keys.site(key) != null ? foreignWrites : writes).of(tree),
                signature, receiver, method.getThrownTypes().stream().filter(Finder::isChecked).map(JType::of).toList(),
                FieldAssignments.in(trees, paths.of(method)));
        MethodPlan.Slots slots = plan.parameterSlots(order == 2);
        if (slots.slots() > MethodPlan.MAX_PARAMETER_SLOTS) {
            // refused before anything is generated for it: javac could not write the member
            diagnostics.error(Position.of(method), Tag.AdjointTooManyParameters, tooManyParameters(name, slots, null));
            throw new Diagnostics.Abort();
        }
        return plan;
    }

    /**
     * The message of {@code AdjointTooManyParameters}: {@code caller}, when not null, is the method
     * of order 2 whose call makes this one need second-order members.
     */
    public static String tooManyParameters(String name, MethodPlan.Slots slots, String caller) {
        return "@Differentiable method " + name + " has too many parameters for its generated members: "
                + slots.member() + (caller == null ? "" : " (which " + caller + " of order 2 needs)") + " would need "
                + slots.slots() + " parameter slots, over the JVM's " + MethodPlan.MAX_PARAMETER_SLOTS
                + " (a double takes two), as it takes " + (slots.directions() ? "a direction for each differentiated input"
                        : "a seed and a gradient") + " besides the parameters; pass the inputs in a double[] instead";
    }

    /** Fills the plan's parameters and gradient fields of {@code method}; returns the fields. */
    private List<MethodPlan.GradientField> fieldsAndParameters(TypeElement owner, ExecutableElement method,
            List<MethodPlan.Param> params, List<MethodPlan.GradientField> fields) {
        TreePath path = paths.of(method);
        MethodTree tree = (MethodTree) path.getLeaf();
        boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
        List<VariableElement> receiverFields = isStatic ? List.of()
                : receiverFields(owner, FieldReads.of(tree, classTrees(owner)));
        parameters(method, receiverFields, params, fields);
        shadowedClasses(ClassRef.of(owner), method, path);
        return fields;
    }

    /**
     * A parameter or local variable named like the class, or like its adjoint classes, would shadow
     * the class in the generated code's expressions ({@code Demo.f(...)}, {@code DemoAdjointImpl.gPullback(...)}),
     * which name it unqualified (the same package's classes cannot be named otherwise, the default
     * package's at all).
     */
    private void shadowedClasses(ClassRef owner, ExecutableElement method, TreePath path) {
        Set<String> classes = Set.of(owner.simpleNames().get(0), Naming.adjointClass(owner).simpleName(),
                Naming.implClass(owner).simpleName());
        new com.sun.source.util.TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(com.sun.source.tree.VariableTree v, Void unused) {
                String n = v.getName().toString();
                if (classes.contains(n)) {
                    diagnostics.error(Position.of(v, getCurrentPath().getCompilationUnit()), Tag.AdjointNameClash,
                            "variable " + n + " of " + method.getSimpleName() + " has the name of class " + n
                            + ", which the generated code must name in expressions: rename the variable");
                }
                return super.visitVariable(v, unused);
            }
        }.scan(path, null);
    }

    /** {@code owner} and its superclasses, up to Object: superclasses first. */
    private static List<TypeElement> chain(TypeElement owner) {
        List<TypeElement> chain = new ArrayList<>();
        for (TypeElement t = owner; t != null; ) {
            chain.add(0, t);
            TypeMirror up = t.getSuperclass();
            t = up instanceof DeclaredType d && d.asElement() instanceof TypeElement e
                    && !e.getQualifiedName().contentEquals("java.lang.Object") ? e : null;
        }
        return chain;
    }

    /** The source trees of {@code owner} and of those of its superclasses compiled with it. */
    private List<com.sun.source.tree.ClassTree> classTrees(TypeElement owner) {
        List<com.sun.source.tree.ClassTree> out = new ArrayList<>();
        for (TypeElement t : chain(owner)) {
            com.sun.source.tree.ClassTree c = trees.getTree(t);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The receiver's {@code double} and {@code double[]} fields (its class's and its superclasses')
     * whose names the method may read them by, in declaration order, superclasses first. A
     * superclass's private field is among them when the class has source: its own methods, called
     * on the receiver and inlined ({@code getV()}), read it.
     */
    private List<VariableElement> receiverFields(TypeElement owner, Set<String> read) {
        List<TypeElement> chain = chain(owner);
        List<VariableElement> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (TypeElement t : chain) {
            boolean source = t == owner || trees.getTree(t) != null;
            for (Element e : t.getEnclosedElements()) {
                if (e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC)
                        && read.contains(e.getSimpleName().toString()) && differentiable(e.asType())
                        && (source || !e.getModifiers().contains(Modifier.PRIVATE))) {
                    String n = e.getSimpleName().toString();
                    if (seen.add(n)) {
                        out.add((VariableElement) e);
                    } else {
                        out.removeIf(f -> f.getSimpleName().contentEquals(n)); // hidden by a subclass's field
                        out.add((VariableElement) e);
                    }
                }
            }
        }
        return out;
    }

    /** The gradient class of a record's differentiable components, nested in the adjoint class. */
    private RecordPlan recordPlan(ExecutableElement method, TypeMirror type, List<Records.Component> components) {
        ClassRef record = ClassRef.of((TypeElement) ((DeclaredType) type).asElement());
        ClassRef adjoint = Naming.adjointClass(ClassRef.of((TypeElement) method.getEnclosingElement()));
        List<RecordPlan.Component> out = new ArrayList<>();
        for (Records.Component c : components) {
            out.add(new RecordPlan.Component(c.name(), c.type(), c.isRecord() ? recordPlan(method, c.mirror(), c.nested())
                    : null));
        }
        boolean declared = declaresCanonicalConstructor((TypeElement) ((DeclaredType) type).asElement())
                || out.stream().anyMatch(c -> c.record() != null && c.record().constructorDeclared());
        return new RecordPlan(record, adjoint.nested(recordGradientNames.get(record.qualifiedName())), List.copyOf(out),
                declared);
    }

    /**
     * Whether {@code record} declares a canonical constructor that does more than store its
     * parameters (the implicit one's work), judged alike from source and from a class file.
     */
    private boolean declaresCanonicalConstructor(TypeElement record) {
        return !Records.constructorOnlyStores(record, trees, elements, types, recordClassFiles);
    }

    /**
     * The gradient class name of each record type a class's methods take: {@code ParamsGradient},
     * unless two records share a simple name or one would take a method's gradient class name; then
     * the names of its enclosing classes too ({@code Outer_ParamsGradient}).
     */
    private static Map<String, String> recordGradientNames(List<ExecutableElement> methods) {
        Map<String, ClassRef> records = new LinkedHashMap<>();
        List<TypeMirror> work = new ArrayList<>();
        methods.forEach(m -> m.getParameters().forEach(p -> work.add(p.asType())));
        while (!work.isEmpty()) {
            TypeMirror t = work.remove(0);
            if (!Records.of(t).isEmpty()) {
                ClassRef r = ClassRef.of((TypeElement) ((DeclaredType) t).asElement());
                if (records.putIfAbsent(r.qualifiedName(), r) == null) {
                    Records.of(t).stream().filter(Records.Component::isRecord).forEach(c -> work.add(c.mirror()));
                }
            }
        }
        return Naming.recordGradientNames(List.copyOf(records.values()),
                methods.stream().map(m -> m.getSimpleName().toString()).toList());
    }

    /** Whether a type (or an array's element type) is a private class, which generated code cannot name. */
    private static boolean isPrivate(TypeMirror type) {
        while (type instanceof ArrayType a) {
            type = a.getComponentType();
        }
        for (Element e = type instanceof DeclaredType d ? d.asElement() : null; e instanceof TypeElement t;
                e = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return true;
            }
        }
        return false;
    }

    private static boolean differentiable(TypeMirror type) {
        return type.getKind() == TypeKind.DOUBLE || JType.of(type).isDoubleArray();
    }

    private void parameters(ExecutableElement method, List<VariableElement> receiverFields,
            List<MethodPlan.Param> params, List<MethodPlan.GradientField> fields) {
        String name = method.getSimpleName().toString();
        List<String> all = method.getParameters().stream().map(p -> p.getSimpleName().toString())
                .collect(Collectors.toList());
        List<String> fieldNames = receiverFields.stream().map(f -> f.getSimpleName().toString()).toList();
        Set<String> wrt = wrtNames(method, all, fieldNames);
        Set<String> differentiatedFields = new LinkedHashSet<>();
        for (VariableElement f : receiverFields) {
            String fName = f.getSimpleName().toString();
            if (wrt.isEmpty() || wrt.contains("this." + fName)) {
                fields.add(new MethodPlan.GradientField(fName, JType.of(f.asType()), null, -1));
                differentiatedFields.add(fName);
            }
        }
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement p = method.getParameters().get(i);
            String pName = p.getSimpleName().toString();
            TypeMirror mirror = p.asType();
            JType type = mirror.getKind() == TypeKind.DOUBLE ? JType.DOUBLE : JType.of(mirror);
            List<Records.Component> components = Records.of(mirror);
            // a boxed Double parameter (Function<Double, Double>.apply) is differentiated as a double
            boolean differentiable = type.isDouble() || type.isDoubleArray() || !components.isEmpty();
            if (isPrivate(mirror)) {
                diagnostics.error(Position.of(p), Tag.AdjointPrivate, "parameter " + pName + " of " + name + " has type "
                        + mirror + ", which is private, so the generated adjoint class cannot name it; make the type "
                        + "package-private");
            }
            if (wrt.contains(pName) && !differentiable) {
                String why = isArrayOf(mirror, TypeKind.DOUBLE) ? " (double[][] is read as data)"
                        : mirror.getKind() == TypeKind.FLOAT || isArrayOf(mirror, TypeKind.FLOAT)
                        ? " (float values are data: declare it double to differentiate it)" : "";
                diagnostics.error(annotationValue(method, "wrt"), Tag.AdjointWrtNotDifferentiable, "wrt names parameter "
                        + pName + " of " + name + ", which is of type " + mirror + "; only double, double[] and "
                        + "record parameters with such components can be differentiated" + why);
            }
            boolean wanted = differentiable && (wrt.isEmpty() || wrt.contains(pName));
            params.add(new MethodPlan.Param(pName, type, wanted));
            if (wanted && differentiatedFields.contains(pName)) {
                diagnostics.error(Position.of(p), Tag.AdjointNameClash, "field " + pName + " of the receiver and "
                        + "parameter " + pName + " of " + name + " would both be " + Naming.capitalize(name)
                        + "Gradient." + pName + ": rename the parameter, or leave one out with wrt (wrt = {\"this."
                        + pName + "\"} differentiates the field only, wrt = {\"" + pName + "\"} the parameter only)");
            } else if (wanted) {
                fields.add(new MethodPlan.GradientField(pName, type, components.isEmpty() ? null
                        : recordPlan(method, mirror, components), i));
            }
        }
    }

    private Set<String> wrtNames(ExecutableElement method, List<String> params, List<String> fields) {
        Set<String> wrt = new LinkedHashSet<>();
        Differentiable annotation = method.getAnnotation(Differentiable.class);
        for (String w : annotation == null ? new String[0] : annotation.wrt()) { // a recursive helper: every input
            if (w.startsWith("this.")) {
                if (method.getModifiers().contains(Modifier.STATIC) || !fields.contains(w.substring(5))) {
                    diagnostics.error(annotationValue(method, "wrt"), Tag.AdjointUnknownWrt, "wrt names \"" + w
                            + "\", which is not a double or double[] field " + method.getSimpleName() + " reads"
                            + (fields.isEmpty() ? "" : "; the fields it reads are "
                            + fields.stream().map(f -> "this." + f).collect(Collectors.joining(", "))));
                }
            } else if (!params.contains(w)) {
                diagnostics.error(annotationValue(method, "wrt"), Tag.AdjointUnknownWrt, "wrt names \"" + w
                        + "\", which is not a parameter of " + method.getSimpleName()
                        + (params.isEmpty() ? ", which has no parameters" : "; its parameters are "
                        + String.join(", ", params)));
            }
            wrt.add(w);
        }
        return wrt;
    }

    /** {@code <T, U>}, as a declaration writes them. */
    private static String typeParameters(List<? extends Element> parameters) {
        return parameters.stream().map(p -> p.getSimpleName().toString()).collect(Collectors.joining(", ", "<", ">"));
    }

    /**
     * Whether a {@code throws} clause's type is a checked exception (not a RuntimeException or an
     * Error): a {@code @Differentiable} method's tape overload could not rethrow it, and a recursive
     * helper's pullback would have to declare it (Colt's {@code throws ArithmeticException} is fine).
     */
    public static boolean isChecked(TypeMirror thrown) {
        for (TypeMirror t = thrown; t instanceof DeclaredType d; t = ((TypeElement) d.asElement()).getSuperclass()) {
            String n = ((TypeElement) d.asElement()).getQualifiedName().toString();
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

    /** The position of the {@code @Differentiable} annotation's {@code element = ...}, or of the method. */
    private Position annotationValue(ExecutableElement method, String element) {
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
     * Two methods whose generated members would share names (the same name, or names that differ
     * only in the case of their first letter) cannot both be generated.
     */
    private List<MethodPlan> rejectClashingNames(Map<MethodPlan, ExecutableElement> methods, TypeElement owner) {
        Map<String, MethodPlan> seen = new LinkedHashMap<>();
        List<MethodPlan> kept = new ArrayList<>();
        for (Map.Entry<MethodPlan, ExecutableElement> entry : methods.entrySet()) {
            MethodPlan m = entry.getKey();
            String key = Naming.capitalize(m.name());
            MethodPlan first = seen.putIfAbsent(key, m);
            if (first == null) {
                kept.add(m);
                continue;
            }
            diagnostics.error(Position.of(entry.getValue()), Tag.AdjointDuplicateName,
                    "two @Differentiable methods in " + owner.getSimpleName() + " are named "
                            + (first.name().equals(m.name()) ? m.name() : first.name() + " and " + m.name())
                            + "; their generated " + key + "Gradient and " + m.name() + "Pullback would clash: rename one "
                            + "(e.g. " + m.name() + "2)");
        }
        return kept;
    }
}
