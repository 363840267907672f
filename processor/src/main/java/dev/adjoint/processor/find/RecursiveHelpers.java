package dev.adjoint.processor.find;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import dev.adjoint.Differentiable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * The helpers that call themselves, directly or through each other, and that a class's
 * {@code @Differentiable} methods reach: Γ by reflection ({@code gamma(-x)}), ψ by recurrence
 * ({@code digamma(x + 1) - 1 / x}), P and Q of the incomplete gamma function through each other, and
 * {@code Num.erf} and {@code Num.erfc} of another class of the build through each other. Adjoint
 * inlines helpers, and a recursive one inlined has no end, so each of these is planned as if it were
 * {@code @Differentiable} itself (every {@code double} and {@code double[]} parameter differentiated,
 * package-private members): its pullback calls itself, one level per call. One of the class itself
 * gets its members in the class's adjoint classes under its own key; one of another class (another
 * top-level class, of this compilation's sources) gets them in the adjoint classes of the class whose
 * methods reach it, under its key at that site ({@link Keys#at}), as its body is read from there.
 *
 * <p>Found from the parsed source, before bodies are attributed: a call is matched to methods by its
 * name and number of arguments, among its class's own methods ({@code gamma(x)}, {@code this.gamma(x)})
 * or, when qualified by a class name ({@code Num.erf(x)}, {@code demo.Num.erf(x)}) or statically
 * imported, that class's, the name resolved as javac would through the file's nested classes, imports
 * and package. An overload of the same arity counts as called too. That over-approximation only plans
 * a method that might not be needed; it never misses one whose class it can resolve.
 */
final class RecursiveHelpers {

    private final MethodPaths paths;
    private final Elements elements;
    /** Whether each method's body is plain code ({@link #plainCode}), scanned once. */
    private final Map<ExecutableElement, Boolean> plain = new HashMap<>();
    /** The classes each simple name denotes in a source file, resolved once. */
    private final Map<CompilationUnitTree, Map<String, TypeElement>> names = new HashMap<>();

    RecursiveHelpers(MethodPaths paths, Elements elements) {
        this.paths = paths;
        this.elements = elements;
    }

    /**
     * The methods that the {@code annotated} ones of {@code owner} reach and that reach themselves,
     * without {@code @Differentiable}, and of a shape a pullback can stand in for: static, with a
     * body, returning {@code double}, taking only primitives and arrays of them (one a {@code double}
     * or {@code double[]}; {@code double[][]} and the others data), and throwing nothing it declares.
     * They are {@code owner}'s own, and those of other classes (top-level or nested, Commons Math's
     * {@code Gamma} copied as a nested class) whose source is in this compilation and whose names the
     * adjoint class (in {@code owner}'s package) can write; one of a class the adjoint class cannot
     * name is left out (inlined, it is refused as recursive).
     */
    List<ExecutableElement> of(TypeElement owner, List<ExecutableElement> annotated) {
        Map<ExecutableElement, Set<ExecutableElement>> calls = new LinkedHashMap<>();
        Deque<ExecutableElement> work = new ArrayDeque<>(annotated);
        while (!work.isEmpty()) {
            ExecutableElement m = work.pop();
            if (calls.containsKey(m)) {
                continue;
            }
            // another class's @Differentiable method is called through its own plan: not followed
            boolean followed = m.getEnclosingElement().equals(owner) || m.getAnnotation(Differentiable.class) == null;
            Set<ExecutableElement> callees = followed ? callees(m) : Set.of();
            calls.put(m, callees);
            work.addAll(callees);
        }
        Set<ExecutableElement> reached = reach(annotated, calls);
        List<ExecutableElement> out = new ArrayList<>();
        for (ExecutableElement m : reached) {
            TypeElement of = (TypeElement) m.getEnclosingElement();
            boolean own = of.equals(owner);
            boolean foreign = !of.equals(owner) && nameable(of, elements.getPackageOf(owner))
                    && reach(List.of(m), calls).stream().allMatch(this::plainCode);
            if ((own || foreign) && m.getAnnotation(Differentiable.class) == null && plannable(m)
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

    /** The methods {@code method}'s body may call, matched by name and arity, when it has source. */
    private Set<ExecutableElement> callees(ExecutableElement method) {
        TreePath path = paths.of(method);
        Set<ExecutableElement> out = new LinkedHashSet<>();
        if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
            return out;
        }
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        CompilationUnitTree unit = path.getCompilationUnit();
        String ownerName = owner.getSimpleName().toString();
        tree.getBody().accept(new TreeScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                int arity = call.getArguments().size();
                if (call.getMethodSelect() instanceof IdentifierTree id) {
                    String name = id.getName().toString();
                    add(owner, name, arity, out);
                    staticImports(unit, name).forEach(t -> add(t, name, arity, out));
                } else if (call.getMethodSelect() instanceof MemberSelectTree select) {
                    String name = select.getIdentifier().toString();
                    ExpressionTree qualifier = select.getExpression();
                    if (qualifier instanceof IdentifierTree q && (q.getName().contentEquals(ownerName)
                            || q.getName().contentEquals("this"))) {
                        add(owner, name, arity, out);
                    } else {
                        TypeElement type = type(qualifier, unit, owner);
                        if (type != null) {
                            add(type, name, arity, out);
                        }
                    }
                }
                return super.visitMethodInvocation(call, unused);
            }
        }, null);
        return out;
    }

    /** The methods of {@code type} named {@code name} that a call with {@code arity} arguments may be. */
    private static void add(TypeElement type, String name, int arity, Set<ExecutableElement> out) {
        for (Element e : type.getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(name)
                    && arityMatches((ExecutableElement) e, arity)) {
                out.add((ExecutableElement) e);
            }
        }
    }

    /**
     * The class a call's qualifier names in {@code unit}, seen from {@code from}: a simple name
     * ({@code Num}) or a qualified one ({@code demo.Num}, {@code Outer.Num}); null for anything else
     * (a variable, a call) or a name it cannot resolve.
     */
    private TypeElement type(ExpressionTree qualifier, CompilationUnitTree unit, TypeElement from) {
        if (qualifier instanceof IdentifierTree id) {
            return simpleName(id.getName().toString(), unit, from);
        }
        if (qualifier instanceof MemberSelectTree select) {
            TypeElement outer = type(select.getExpression(), unit, from);
            if (outer != null) {
                return member(outer, select.getIdentifier().toString());
            }
            return elements.getTypeElement(select.toString());
        }
        return null;
    }

    /**
     * The class a simple name denotes in {@code unit}, as javac resolves it: a class nested in
     * {@code from} or a class enclosing it, a single-type import, a class of the package, an
     * on-demand import ({@code java.lang} is left out: its classes have no source here).
     */
    private TypeElement simpleName(String name, CompilationUnitTree unit, TypeElement from) {
        for (Element e = from; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getSimpleName().contentEquals(name)) {
                return t;
            }
            TypeElement nested = member(t, name);
            if (nested != null) {
                return nested;
            }
        }
        return names.computeIfAbsent(unit, u -> new HashMap<>()).computeIfAbsent(name, n -> {
            for (ImportTree i : unit.getImports()) {
                String imported = i.getQualifiedIdentifier().toString();
                if (!i.isStatic() && imported.endsWith("." + n)) {
                    return elements.getTypeElement(imported);
                }
            }
            String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
            TypeElement inPackage = elements.getTypeElement(pkg.isEmpty() ? n : pkg + "." + n);
            if (inPackage != null) {
                return inPackage;
            }
            for (ImportTree i : unit.getImports()) {
                String imported = i.getQualifiedIdentifier().toString();
                if (!i.isStatic() && imported.endsWith(".*")) {
                    TypeElement t = elements.getTypeElement(imported.substring(0, imported.length() - 1) + n);
                    if (t != null) {
                        return t;
                    }
                }
            }
            return null;
        });
    }

    /** The classes whose static methods named {@code name} {@code unit} imports ({@code import static demo.Num.erf;}, {@code .*}). */
    private List<TypeElement> staticImports(CompilationUnitTree unit, String name) {
        List<TypeElement> out = new ArrayList<>();
        for (ImportTree i : unit.getImports()) {
            if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree select
                    && (select.getIdentifier().contentEquals(name) || select.getIdentifier().contentEquals("*"))) {
                TypeElement t = elements.getTypeElement(select.getExpression().toString());
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    private static TypeElement member(TypeElement type, String name) {
        for (Element e : type.getEnclosedElements()) {
            if (e instanceof TypeElement t && t.getSimpleName().contentEquals(name)) {
                return t;
            }
        }
        return null;
    }

    private static TypeElement outermost(TypeElement type) {
        TypeElement out = type;
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            out = t;
        }
        return out;
    }

    /**
     * Whether an adjoint class generated in package {@code site} can write the name of {@code type}:
     * no class on the way out of it private, local or anonymous, and each public or of that package.
     * Its helpers' members are named in the adjoint class's documentation, and called there when
     * they are visible; a helper that is not is called through the implementation's copy of it.
     */
    private boolean nameable(TypeElement type, PackageElement site) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS
                    || t.getModifiers().contains(Modifier.PRIVATE)
                    || !t.getModifiers().contains(Modifier.PUBLIC) && !elements.getPackageOf(t).equals(site)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the adjoint class, in package {@code site}, can call {@code m} as written: else it is
     * planned hidden, its value from the implementation's copy of its body.
     */
    boolean callable(ExecutableElement m, PackageElement site) {
        if (m.getModifiers().contains(Modifier.PRIVATE)) {
            return false;
        }
        for (Element e = m.getEnclosingElement(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return false;
            }
        }
        if (elements.getPackageOf(m).equals(site)) {
            return true;
        }
        if (!m.getModifiers().contains(Modifier.PUBLIC)) {
            return false;
        }
        for (Element e = m.getEnclosingElement(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (!t.getModifiers().contains(Modifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code m}'s body holds none of what Adjoint refuses wherever a derivative flows (and a
     * helper of another class is planned only when what it reaches holds none either): no
     * lambda or method reference, no class or object created (but arrays, and exceptions thrown), no
     * method called on an object (but an array's {@code clone()}) or of a library (but {@code java.lang}'s
     * and a {@code FastMath}'s), no {@code try} or
     * {@code synchronized}, no bit trick ({@code Double.doubleToLongBits}), no {@code float}, no
     * write to a field (a name of one of its class's fields, even shadowed, counts). A helper of
     * another class planned as a method of its own is checked as one, every {@code double} parameter
     * differentiated, even where its callers pass it no differentiated value; one that is not stays
     * inlined as before: called as written where no derivative flows into it (refused at its
     * recursive call where one does).
     */
    private boolean plainCode(ExecutableElement m) {
        return plain.computeIfAbsent(m, this::scanPlain);
    }

    private boolean scanPlain(ExecutableElement m) {
        TreePath path = paths.of(m);
        if (m.getAnnotation(Differentiable.class) != null || path == null) {
            return true; // called through its own plan, or a library's method: judged at the call
        }
        if (!(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
            return false;
        }
        boolean[] plain = {true};
        TypeElement owner = (TypeElement) m.getEnclosingElement();
        Set<String> fields = new java.util.HashSet<>();
        for (Element e = owner; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            t.getEnclosedElements().stream().filter(f -> f.getKind() == ElementKind.FIELD)
                    .forEach(f -> fields.add(f.getSimpleName().toString()));
        }
        tree.getBody().accept(new TreeScanner<Void, Void>() {
            /** The locals declared with an anonymous object, whose method calls read/Fractions reads. */
            private final Set<String> anonymousLocals = new java.util.HashSet<>();

            @Override
            public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree node, Void unused) {
                plain[0] = false;
                return null;
            }

            @Override
            public Void visitMemberReference(com.sun.source.tree.MemberReferenceTree node, Void unused) {
                plain[0] = false;
                return null;
            }

            @Override
            public Void visitClass(com.sun.source.tree.ClassTree node, Void unused) {
                plain[0] = false;
                return null;
            }

            @Override
            public Void visitNewClass(com.sun.source.tree.NewClassTree node, Void unused) {
                if (!anonymous(node)) {
                    plain[0] = false;
                    return null;
                }
                // an anonymous object without arguments (a ContinuedFraction): its methods are read as
                // helpers, judged as this body is
                for (com.sun.source.tree.Tree member : node.getClassBody().getMembers()) {
                    if (member instanceof MethodTree method && method.getBody() != null) {
                        method.getBody().accept(this, null);
                    }
                }
                return null;
            }

            /** {@code new ContinuedFraction() { ... }}: an anonymous object read/Fractions may read (or refuse). */
            private boolean anonymous(ExpressionTree e) {
                return e instanceof com.sun.source.tree.NewClassTree n && n.getClassBody() != null
                        && n.getArguments().isEmpty();
            }

            @Override
            public Void visitThrow(com.sun.source.tree.ThrowTree node, Void unused) {
                return null; // an exception's construction and message carry no derivative
            }

            @Override
            public Void visitTry(com.sun.source.tree.TryTree node, Void unused) {
                plain[0] = false;
                return null;
            }

            @Override
            public Void visitSynchronized(com.sun.source.tree.SynchronizedTree node, Void unused) {
                plain[0] = false;
                return null;
            }

            @Override
            public Void visitAssignment(com.sun.source.tree.AssignmentTree node, Void unused) {
                plain[0] &= !writesField(node.getVariable());
                return super.visitAssignment(node, unused);
            }

            @Override
            public Void visitCompoundAssignment(com.sun.source.tree.CompoundAssignmentTree node, Void unused) {
                plain[0] &= !writesField(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(com.sun.source.tree.UnaryTree node, Void unused) {
                // ++ and -- write; -Math.PI and !flag only read (they were taken for writes: Commons Numbers'
                // tgamma, whose reflection divides -Math.PI, was refused)
                com.sun.source.tree.Tree.Kind k = node.getKind();
                boolean writes = k == com.sun.source.tree.Tree.Kind.PREFIX_INCREMENT
                        || k == com.sun.source.tree.Tree.Kind.PREFIX_DECREMENT
                        || k == com.sun.source.tree.Tree.Kind.POSTFIX_INCREMENT
                        || k == com.sun.source.tree.Tree.Kind.POSTFIX_DECREMENT;
                plain[0] &= !writes || !writesField(node.getExpression());
                return super.visitUnary(node, unused);
            }

            @Override
            public Void visitVariable(com.sun.source.tree.VariableTree node, Void unused) {
                plain[0] &= node.getType() == null || !node.getType().toString().startsWith("float"); // null: var
                if (anonymous(node.getInitializer())) {
                    anonymousLocals.add(node.getName().toString());
                }
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitTypeCast(com.sun.source.tree.TypeCastTree node, Void unused) {
                plain[0] &= !node.getType().toString().startsWith("float");
                return super.visitTypeCast(node, unused);
            }

            /** A field (or an element of one) as an assignment's target: named, or by a qualifier. */
            private boolean writesField(ExpressionTree target) {
                while (target instanceof com.sun.source.tree.ArrayAccessTree a) {
                    target = a.getExpression();
                }
                if (target instanceof MemberSelectTree) {
                    return true;
                }
                return target instanceof IdentifierTree id && fields.contains(id.getName().toString());
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                if (call.getMethodSelect() instanceof MemberSelectTree select) {
                    String name = select.getIdentifier().toString();
                    ExpressionTree q = select.getExpression();
                    TypeElement type = type(q, path.getCompilationUnit(), owner);
                    if (type == null && q instanceof IdentifierTree id) {
                        type = elements.getTypeElement("java.lang." + id.getName());
                    }
                    // a static method of the build, of java.lang (Math, Double.isNaN) or of a FastMath: no
                    // other library's method, whose class file may refuse a differentiated argument
                    boolean known = type != null && (paths.hasSource(type) || type.getSimpleName().toString().endsWith("Math")
                            || elements.getPackageOf(type).getQualifiedName().contentEquals("java.lang"));
                    boolean onAnonymous = anonymous(q)
                            || q instanceof IdentifierTree id && anonymousLocals.contains(id.getName().toString());
                    // the bits of a double only decide a test in a predicate (Precision.equals(x, y, maxUlps))
                    boolean bits = name.contains("Bits") && m.getReturnType().getKind() != TypeKind.BOOLEAN;
                    if (!known && !name.equals("clone") && !onAnonymous || bits) {
                        plain[0] = false;
                    }
                }
                return super.visitMethodInvocation(call, unused);
            }
        }, null);
        return plain[0];
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
                || m.getReturnType().getKind() != TypeKind.DOUBLE || m.getThrownTypes().stream().anyMatch(Finder::isChecked)
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
