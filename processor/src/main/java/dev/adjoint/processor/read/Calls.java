package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Resolves the calls of a method body into what differentiation needs to know of their targets
 * ({@link Callee}): a {@code Math} function, {@code Adjoint.stopGradient}, a {@code @Differentiable}
 * method (of this build, by its plan, or of a library, by its generated adjoint class), a method
 * with {@code @DerivativeOf} partials, a helper to inline, or a method Adjoint cannot see into (and
 * whether it only reads its arguments).
 *
 * <p>Helpers are inlined: every method of the site's class (the top-level class of the
 * {@code @Differentiable} method being read, whose adjoint class the code goes into), and the static
 * methods of other classes of the same build that return {@code double} or {@code double[]} or write
 * a {@code double[]} parameter. A static method of another class that returns nothing a derivative
 * could flow through and writes nothing stays a read-only call, as a library's would. What the site
 * cannot name is judged by {@link Access}, from the site's package, in a foreign helper's body too.
 */
final class Calls {

    /** JDK methods that neither write their arguments nor let a derivative through their result. */
    private static final Set<String> READ_ONLY_JDK = Set.of(
            "java.util.Objects#requireNonNull(java.lang.Object)",
            "java.util.Objects#requireNonNull(java.lang.Object,java.lang.String)",
            "java.util.Objects#requireNonNull(java.lang.Object,java.util.function.Supplier)",
            "java.util.Objects#isNull(java.lang.Object)",
            "java.util.Objects#nonNull(java.lang.Object)",
            "java.util.Objects#checkIndex(int,int)",
            "java.lang.Double#isNaN(double)",
            "java.lang.Double#isInfinite(double)",
            "java.lang.Double#isFinite(double)",
            "java.lang.Double#compare(double,double)",
            "java.lang.Math#getExponent(double)",
            "java.lang.StrictMath#getExponent(double)");

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    private final MethodPaths paths;
    private final CustomDerivatives custom;
    private final Catalog catalog;
    private final Reader reader;
    /** The site: the top-level class of the {@code @Differentiable} method being read, helpers included. */
    private final TypeElement site;
    /** What the adjoint class, in the site's package, can name. */
    private final Access access;

    Calls(Trees trees, Elements elements, Types types, MethodPaths paths, CustomDerivatives custom, Catalog catalog,
            Reader reader, TypeElement site) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
        this.paths = paths;
        this.custom = custom;
        this.catalog = catalog;
        this.reader = reader;
        this.site = site;
        this.access = new Access(elements, elements.getPackageOf(site));
    }

    Access access() {
        return access;
    }

    Expr invocation(TreePath path, BodyReader body) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        Position at = body.at(call);
        Element el = trees.getElement(path);
        if (!(el instanceof ExecutableElement method)) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot resolve the call " + call);
        }
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        String name = method.getSimpleName().toString();
        Expr receiver = null;
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            if (call.getMethodSelect() instanceof MemberSelectTree select) {
                receiver = body.expr(new TreePath(new TreePath(path, call.getMethodSelect()), select.getExpression()));
            } else if (body.self() != null) {
                receiver = new Expr.Read(body.self(), at); // an implicit this
            } else {
                return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot call instance method "
                        + call + " without a receiver from a static method");
            }
        }
        if (receiver instanceof Expr.Read r && call.getArguments().isEmpty() && owner.getKind() == ElementKind.RECORD) {
            Var component = body.component(r.var(), name);
            if (component != null) {
                return new Expr.Read(component, at); // a differentiated record's component
            }
        }
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : call.getArguments()) {
            args.add(body.expr(new TreePath(path, a)));
        }
        TypeMirror mirror = trees.getTypeMirror(path);
        JType type = JType.of(mirror != null && mirror.getKind() != TypeKind.ERROR ? mirror : method.getReturnType());
        List<JType> parameterTypes = new ArrayList<>();
        List<JType.Kind> kinds = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            parameterTypes.add(JType.of(p.asType()));
            kinds.add(p.asType().getKind() == TypeKind.DOUBLE ? JType.Kind.DOUBLE
                    : p.asType().getKind() == TypeKind.INT ? JType.Kind.INT : JType.Kind.OTHER);
        }
        ClassRef ownerRef = ClassRef.of(owner);
        boolean strict = ownerName.equals("java.lang.StrictMath");
        if (strict || ownerName.equals("java.lang.Math")) {
            var function = MathFunction.lookup(name, kinds);
            if (function.isPresent()) {
                return new Expr.MathCall(function.get(), strict, args, function.get().resultType(), at);
            }
        }
        if (ownerName.equals("java.lang.Double") && receiver != null) {
            // a boxed Double is read as a double: its value methods are the value itself
            if ((name.equals("doubleValue")) && args.isEmpty()) {
                return receiver;
            }
            if ((name.equals("isNaN") || name.equals("isInfinite")) && args.isEmpty()) {
                return new Expr.Call(new Callee.Opaque(ownerRef, name, List.of(JType.DOUBLE), JType.BOOLEAN, true,
                        false, true), null, List.of(receiver), JType.BOOLEAN, at);
            }
        }
        if (ownerName.equals("java.lang.Double") && name.equals("valueOf") && kinds.equals(List.of(JType.Kind.DOUBLE))) {
            return args.get(0);
        }
        if (ownerName.equals("dev.adjoint.Adjoint") && name.equals("stopGradient")) {
            return new Expr.StopGradient(args.get(0), at);
        }
        String key = Keys.of(method, types);
        if (method.isVarArgs() && (method.getAnnotation(Differentiable.class) != null || custom.of(key) != null
                || (receiver == null && inSite(owner) && hasBody(method)))) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through the "
                    + "variable-arity method " + describe(method) + "; give it a double[] parameter instead");
        }
        boolean onThis = receiver instanceof Expr.Read r && r.var() == body.self() && body.self() != null;
        if (onThis && inSite(owner) && hasBody(method)) {
            // an instance method of this class on this object: inlined, its fields the caller's
            return inline(method, key, receiver, args, parameterTypes, ownerRef, type, at, body);
        }
        if (method.getAnnotation(Differentiable.class) != null) {
            return differentiable(method, key, ownerRef, parameterTypes, receiver, args, type, at, call, body);
        }
        List<Callee.Partial> partials = custom.of(key);
        if (partials != null) {
            String unreachable = unreachablePartial(partials);
            if (unreachable != null) {
                return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through "
                        + describe(method) + " here: its derivative " + unreachable + " cannot be called from the "
                        + "adjoint class, generated in package " + access.site().getQualifiedName() + "; make it public");
            }
            boolean hidden = !accessible(method);
            if (hidden && !bridgeable(method)) {
                return unbridgeable(method, call, body);
            }
            return new Expr.Call(new Callee.Custom(ownerRef, name, parameterTypes, hidden, partials), receiver, args,
                    type, at);
        }
        if (receiver == null && inSite(owner) && hasBody(method)) {
            // a helper of the same class: its body is inlined where it is called
            return inline(method, key, null, args, parameterTypes, ownerRef, type, at, body);
        }
        if (receiver == null && !method.isVarArgs() && hasBody(method) && foreignHelper(method, key)) {
            // a static method of another class of this build that computes a number (or writes an
            // array): inlined as a helper of the same class is, judged from the site
            return inline(method, key, null, args, parameterTypes, ownerRef, type, at, body);
        }
        String builtin = Builtins.of(key, name, receiver, args);
        if (builtin != null) {
            // a copy or fill of double[]s: inlined as the loop it is
            Builtins.register(builtin, catalog.helpers(), catalog);
            List<Expr> all = new ArrayList<>();
            if (receiver != null) {
                all.add(receiver);
            }
            all.addAll(args);
            return new Expr.Call(new Callee.Inline(builtin, Builtins.name(builtin), Builtins.parameterTypes(builtin),
                    Builtins.owner(builtin)), null, all, type, at);
        }
        // a record's accessor reads a component: it writes nothing
        boolean accessor = owner.getKind() == ElementKind.RECORD && method.getParameters().isEmpty()
                && owner.getRecordComponents().stream().anyMatch(c -> c.getSimpleName().contentEquals(name));
        boolean readOnly = accessor || READ_ONLY_JDK.contains(key) || isReadOnly(method, key, new HashSet<>());
        // an abstraction of the user's code (not the JDK's), whose implementation is chosen at run time
        boolean dispatched = method.getModifiers().contains(Modifier.ABSTRACT) && !ownerName.startsWith("java.")
                && !ownerName.startsWith("javax.");
        // a public method called on an object is callable as written (sb.setLength(0), though
        // AbstractStringBuilder, which declares it, is not public)
        boolean callable = receiver != null && method.getModifiers().contains(Modifier.PUBLIC)
                && !method.getModifiers().contains(Modifier.STATIC) || accessible(method);
        if (!callable && !bridgeable(method)) {
            return unbridgeable(method, call, body);
        }
        return new Expr.Call(new Callee.Opaque(ownerRef, name, parameterTypes, JType.of(method.getReturnType()),
                receiver == null, !callable, readOnly, dispatched), receiver, args, type, at);
    }

    /**
     * A call whose callee's body is inlined: a helper of the same class, or an instance method of
     * this object, whose reads of this object's fields come first among its arguments (the caller's
     * input variable for a differentiated field, the field's value otherwise).
     */
    private Expr inline(ExecutableElement method, String methodKey, Expr receiver, List<Expr> args,
            List<JType> parameterTypes, ClassRef ownerRef, JType type, Position at, BodyReader body) {
        String key = helperKey(method, methodKey);
        for (VariableElement p : method.getParameters()) {
            if (!access.nameable(p.asType())) {
                // inlined, its parameters are locals of the adjoint's code
                return unnameable(method, "its parameter " + p.getSimpleName(), p.asType(), at);
            }
        }
        if (!access.nameable(method.getReturnType())) {
            return unnameable(method, "its result", method.getReturnType(), at);
        }
        reader.helper(method, key, site);
        List<Expr> all = new ArrayList<>();
        List<JType> types = new ArrayList<>();
        for (VariableElement field : catalog.fieldParams(key)) {
            Var input = body.fieldVar(field);
            all.add(input != null ? new Expr.Read(input, at) : new Expr.FieldGet(receiver, ClassRef.of(
                    (TypeElement) field.getEnclosingElement()), field.getSimpleName().toString(), JType.of(field.asType()),
                    !accessible(field), at));
            types.add(JType.of(field.asType()));
        }
        all.addAll(args);
        types.addAll(parameterTypes);
        // the components of its record parameters: the caller's variables for them, or read from the record
        for (Catalog.Component c : catalog.components(key)) {
            Expr e = args.get(c.parameter());
            for (dev.adjoint.processor.find.Records.Component step : c.path()) {
                Var known = e instanceof Expr.Read r ? body.component(r.var(), step.name()) : null;
                e = known != null ? new Expr.Read(known, at) : new Expr.Call(new Callee.Opaque(ClassRef.of(
                        (TypeElement) step.accessor().getEnclosingElement()), step.name(), List.of(), step.type(), false,
                        false, true), e, List.of(), step.type(), at);
            }
            all.add(e);
            types.add(c.path().get(c.path().size() - 1).type());
        }
        return new Expr.Call(new Callee.Inline(key, method.getSimpleName().toString(), types, ownerRef), receiver, all,
                type, at);
    }

    private Expr unnameable(ExecutableElement method, String what, TypeMirror type, Position at) {
        return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot inline " + describe(method) + " into the "
                + "adjoint class, generated in package " + access.site().getQualifiedName() + ": " + what + " is of "
                + "a type it cannot name, " + access.cannotName(type), JType.OBJECT, at);
    }

    private Expr differentiable(ExecutableElement method, String key, ClassRef ownerRef, List<JType> parameterTypes,
            Expr receiver, List<Expr> args, JType type, Position at, MethodInvocationTree call, BodyReader body) {
        String name = method.getSimpleName().toString();
        MethodPlan plan = catalog.plan(key);
        if (plan != null) {
            boolean records = plan.fields().stream().anyMatch(f -> f.record() != null);
            if (records && receiver != null) {
                return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                        + " of another object with record parameters: not supported yet; call it with the record's "
                        + "components, or make it static");
            }
            if ((!plan.writtenArrays().isEmpty() || plan.vector() || plan.hidden() || records || !accessible(method))
                    && receiver == null) {
                // its pullback cannot stand in for it: it writes into an array argument, returns an
                // array, cannot be called from the site (private, or package-private elsewhere), or
                // takes records; its body is inlined instead
                return inline(method, key, null, args, parameterTypes, ownerRef, type, at, body);
            }
            if (receiver != null && (plan.hidden() || !accessible(method))) {
                return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through "
                        + name + " of another object: it is " + (plan.hidden() ? "private" : "not visible from "
                        + "this class's package") + ", so the generated class cannot call it; make it package-private "
                        + "(or public), or call it on this object");
            }
            List<String> fields = new ArrayList<>();
            for (MethodPlan.Param p : plan.params()) {
                fields.add(p.differentiated() ? p.name() : null);
            }
            List<String> names = plan.params().stream().map(MethodPlan.Param::name).toList();
            if (receiver != null) {
                // an instance method of another object: its receiver is data, passed first (as the
                // generated members take it); the derivative flows through the arguments
                List<Expr> all = new ArrayList<>(List.of(receiver));
                all.addAll(args);
                List<JType> types = new ArrayList<>(List.of(receiver.type()));
                types.addAll(parameterTypes);
                List<String> allNames = new ArrayList<>(List.of(plan.names().self()));
                allNames.addAll(names);
                List<String> allFields = new ArrayList<>(java.util.Collections.singletonList(null));
                allFields.addAll(fields);
                return new Expr.Call(new Callee.Differentiable(ownerRef, name, types, allNames,
                        Naming.adjointClass(ownerRef), plan.gradient(), allFields, plan.writtenArrays(), plan.order() == 2,
                        true, key, true), null, all, type, at);
            }
            return new Expr.Call(new Callee.Differentiable(ownerRef, name, parameterTypes, names, Naming.adjointClass(ownerRef),
                    plan.gradient(), fields, plan.writtenArrays(), plan.order() == 2, true, key), receiver, args,
                    type, at);
        }
        if (receiver != null) {
            return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                    + ", a @Differentiable instance method of a library: not supported yet; call it on a class of "
                    + "this build, or make it static");
        }
        if (method.getReturnType().getKind() != TypeKind.DOUBLE) {
            return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                    + ", which returns " + method.getReturnType() + ": calls of vector-valued @Differentiable methods "
                    + "of a library are not supported yet; compute the values in this method");
        }
        ClassRef adjoint = Naming.adjointClass(ownerRef);
        TypeElement adjointClass = elements.getTypeElement(adjoint.qualifiedName());
        ClassRef gradientRef = Naming.gradientClass(ownerRef, name);
        TypeElement gradient = adjointClass == null ? null : elements.getTypeElement(gradientRef.qualifiedName());
        if (gradient == null) {
            return body.unsupportedExpr(call, Tag.AdjointMissingAdjoint, "cannot differentiate through "
                    + ownerRef.simpleName() + "." + name + ": it is @Differentiable but its adjoint class "
                    + adjoint.qualifiedName() + " is not on the class path; compile " + ownerRef.simpleName()
                    + " with the Adjoint processor");
        }
        List<String> written = new ArrayList<>();
        boolean secondOrder = false;
        for (ExecutableElement m : ElementFilter.methodsIn(adjointClass.getEnclosedElements())) {
            if (m.getSimpleName().contentEquals(Naming.pullback(name))) {
                written.addAll(writtenArrays(m));
            }
            secondOrder |= m.getSimpleName().contentEquals(Naming.pullbackTangent(name));
        }
        // the gradient's fields, in parameter order, are the differentiated parameters' source names
        // (a library compiled without -parameters has no names of its own)
        List<String> gradientFields = new ArrayList<>();
        ElementFilter.fieldsIn(gradient.getEnclosedElements()).forEach(f -> gradientFields.add(f.getSimpleName().toString()));
        java.util.Set<String> wanted = java.util.Set.of(method.getAnnotation(Differentiable.class).wrt());
        List<String> fields = new ArrayList<>();
        int next = 0;
        for (VariableElement p : method.getParameters()) {
            boolean differentiable = JType.of(p.asType()).isDifferentiable() && p.asType().getKind() != TypeKind.FLOAT;
            boolean named = gradientFields.contains(p.getSimpleName().toString());
            if (differentiable && (named || (wanted.isEmpty() && next < gradientFields.size()))) {
                fields.add(named ? p.getSimpleName().toString() : gradientFields.get(next));
                next++;
            } else {
                fields.add(null);
            }
        }
        List<String> names = method.getParameters().stream().map(p -> p.getSimpleName().toString()).toList();
        return new Expr.Call(new Callee.Differentiable(ownerRef, name, parameterTypes, names, adjoint, gradientRef, fields,
                written, secondOrder, false, Keys.of(method, types)), receiver, args, type, at);
    }

    /** The names in a generated pullback's {@code @WritesArrays}, read from the class file. */
    private static List<String> writtenArrays(ExecutableElement pullback) {
        List<String> out = new ArrayList<>();
        for (AnnotationMirror a : pullback.getAnnotationMirrors()) {
            if (!a.getAnnotationType().toString().endsWith(".WritesArrays")) {
                continue;
            }
            a.getElementValues().forEach((k, v) -> {
                if (v.getValue() instanceof List<?> values) {
                    for (Object o : values) {
                        out.add(String.valueOf(((AnnotationValue) o).getValue()));
                    }
                }
            });
        }
        return out;
    }

    /** Whether the adjoint class (a top-level class of the site's package) can name {@code e} directly. */
    boolean accessible(Element e) {
        return access.accessible(e);
    }

    /** Whether {@code owner} is of the site's class (nested classes included): its helpers are inlined as they are. */
    private boolean inSite(TypeElement owner) {
        return outermost(owner).equals(site);
    }

    /**
     * The key a helper's IR is kept under in the build-wide catalog. A helper of the site's class
     * has its method key; one of another class is read for each site class apart ({@code key@site}),
     * since what its body's code may name, and which of its calls are inlined, depend on the site.
     */
    private String helperKey(ExecutableElement method, String key) {
        return inSite((TypeElement) method.getEnclosingElement()) ? key : key + "@" + site.getQualifiedName();
    }

    /**
     * Whether a static method of another class of this build is inlined: it is not
     * {@code @Differentiable} and has no {@code @DerivativeOf} partials (those are called as such),
     * and it returns a {@code double} or a {@code double[]}, or writes a {@code double[]} parameter.
     * Checks and other methods returning no number stay calls (read-only ones are accepted).
     */
    private boolean foreignHelper(ExecutableElement method, String key) {
        if (method.getAnnotation(Differentiable.class) != null || custom.of(key) != null
                || !method.getModifiers().contains(Modifier.STATIC)) {
            return false;
        }
        if (JType.of(method.getReturnType()).isDifferentiable()) {
            return true;
        }
        return writesArrayParameter(method, new HashSet<>());
    }

    /**
     * Whether a method of this build writes an element of one of its {@code double[]} parameters:
     * directly, or by passing it to a method of the build that does, or to a JDK method that
     * writes its array argument.
     */
    private boolean writesArrayParameter(ExecutableElement method, Set<ExecutableElement> visiting) {
        TreePath path = paths.of(method);
        if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null
                || !visiting.add(method)) {
            return false;
        }
        Set<Element> arrays = new HashSet<>();
        for (int i = 0; i < tree.getParameters().size(); i++) {
            if (JType.of(method.getParameters().get(i).asType()).isDoubleArray()) {
                Element p = trees.getElement(new TreePath(path, tree.getParameters().get(i)));
                arrays.add(p != null ? p : method.getParameters().get(i));
            }
        }
        if (arrays.isEmpty()) {
            return false;
        }
        boolean[] writes = {false};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                element(node.getVariable());
                return super.visitAssignment(node, unused);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                element(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                switch (node.getKind()) {
                    case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                            element(node.getExpression());
                    default -> { }
                }
                return super.visitUnary(node, unused);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                // passing the array on: to a method that may write it (anything but a read-only one)
                Element called = trees.getElement(getCurrentPath());
                for (ExpressionTree a : node.getArguments()) {
                    if (isArray(a) && !(called instanceof ExecutableElement m && (READ_ONLY_JDK.contains(Keys.of(m, types))
                            || paths.of(m) != null && !writesArrayParameter(m, visiting)
                            || m.getEnclosingElement() instanceof TypeElement t
                                    && t.getQualifiedName().contentEquals("java.lang.Math")))) {
                        writes[0] = true;
                    }
                }
                return super.visitMethodInvocation(node, unused);
            }

            private void element(ExpressionTree target) {
                while (target instanceof ParenthesizedTree p) {
                    target = p.getExpression();
                }
                if (target instanceof com.sun.source.tree.ArrayAccessTree a && isArray(a.getExpression())) {
                    writes[0] = true;
                }
            }

            private boolean isArray(ExpressionTree e) {
                while (e instanceof ParenthesizedTree p) {
                    e = p.getExpression();
                }
                return e instanceof IdentifierTree && arrays.contains(trees.getElement(new TreePath(getCurrentPath(), e)));
            }
        }.scan(new TreePath(path, tree.getBody()), null);
        visiting.remove(method);
        return writes[0];
    }

    /**
     * Whether the adjoint class can reach the method it cannot name through a bridge: the bridge's
     * signature names its parameter and result types, and an instance method's class. A static
     * method's class it cannot name is looked up by name (registered here for the emitter).
     */
    private boolean bridgeable(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        for (VariableElement p : method.getParameters()) {
            if (!access.nameable(types.erasure(p.asType()))) {
                return false;
            }
        }
        if (!access.nameable(types.erasure(method.getReturnType()))) {
            return false;
        }
        if (!access.nameable(owner)) {
            if (!method.getModifiers().contains(Modifier.STATIC)) {
                return false;
            }
            catalog.lookedUpByName(access.site().getQualifiedName().toString()).add(ClassRef.of(owner));
        }
        return true;
    }

    /**
     * Why the adjoint class can reach neither directly nor through a bridge the field or constructor
     * {@code e}, or null when it can: a constructor must be accessible (creations are not bridged); a
     * bridge to a field names the field's type, and an instance field's class. A static field's class
     * it cannot name is looked up by name (registered here for the emitter).
     */
    String unreachable(Element e) {
        if (e == null || accessible(e)) {
            return null;
        }
        TypeElement owner = (TypeElement) e.getEnclosingElement();
        if (e.getKind() == ElementKind.CONSTRUCTOR) {
            return "the adjoint class, generated in package " + access.site().getQualifiedName() + ", cannot call "
                    + "this constructor of " + owner.getQualifiedName() + ", which is "
                    + (e.getModifiers().contains(Modifier.PRIVATE) ? "private" : "not public") + "; make it "
                    + (elements.getPackageOf(owner).equals(access.site()) ? "package-private" : "public");
        }
        if (!access.nameable(e.asType())) {
            return access.cannot(access.cannotName(e.asType()));
        }
        if (!access.nameable(owner)) {
            if (!e.getModifiers().contains(Modifier.STATIC)) {
                return access.cannot(access.cannotName(owner));
            }
            catalog.lookedUpByName(access.site().getQualifiedName().toString()).add(ClassRef.of(owner));
        }
        return null;
    }

    /** Whether {@code method}'s body is in this compilation (an abstract method has none). */
    private boolean hasBody(ExecutableElement method) {
        TreePath path = paths.of(method);
        return path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null;
    }

    private Expr unbridgeable(ExecutableElement method, MethodInvocationTree call, BodyReader body) {
        return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot call " + describe(method) + " from the "
                + "adjoint class, generated in package " + access.site().getQualifiedName() + ": it cannot name the "
                + "method's class or the types of its signature; make them public");
    }

    /** The first {@code @DerivativeOf} partial the adjoint class cannot call ({@code Owner.name}), or null. */
    private String unreachablePartial(List<Callee.Partial> partials) {
        for (Callee.Partial p : partials) {
            if (p == null) {
                continue;
            }
            TypeElement owner = elements.getTypeElement(p.owner().qualifiedName());
            boolean reachable = owner != null && ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
                    .filter(m -> m.getSimpleName().contentEquals(p.name())).allMatch(access::accessible);
            if (!reachable) {
                return p.owner().simpleName() + "." + p.name();
            }
        }
        return null;
    }

    private static TypeElement outermost(TypeElement t) {
        TypeElement out = t;
        for (Element e = t; e instanceof TypeElement type; e = type.getEnclosingElement()) {
            out = type;
        }
        return out;
    }

    /**
     * Whether a method of this build, read from its source, only reads: it {@linkplain #writesNothing
     * writes nothing}, and returns nothing a derivative could flow through ({@code void},
     * {@code boolean} or an integer).
     */
    private boolean isReadOnly(ExecutableElement method, String key, Set<String> visiting) {
        TypeKind result = method.getReturnType().getKind();
        return (result == TypeKind.VOID || result == TypeKind.BOOLEAN || result == TypeKind.INT || result == TypeKind.LONG)
                && writesNothing(method, key, visiting);
    }

    /**
     * Whether a method of this build, read from its source, writes nothing: no array element, field
     * or anything but its own locals, and calls only such methods, {@code Math} functions or
     * read-only JDK ones (a throw statement may call anything: it ends the computation). What it
     * returns does not matter here: a check may compute with numbers.
     */
    private boolean writesNothing(ExecutableElement method, String key, Set<String> visiting) {
        Boolean cached = catalog.readOnlyCache().get(key);
        if (cached != null) {
            return cached;
        }
        if (!visiting.add(key)) {
            return true; // recursion: read-only unless something else says otherwise
        }
        TreePath path = paths.of(method);
        boolean readOnly = path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null
                && readsOnly(new TreePath(path, tree.getBody()), tree, visiting);
        visiting.remove(key);
        catalog.readOnlyCache().put(key, readOnly);
        return readOnly;
    }

    private boolean readsOnly(TreePath body, MethodTree tree, Set<String> visiting) {
        Set<String> locals = new HashSet<>();
        tree.getParameters().forEach(p -> locals.add(p.getName().toString()));
        boolean[] ok = {true};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                locals.add(node.getName().toString());
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                ok[0] &= writesLocal(node.getVariable());
                return super.visitAssignment(node, unused);
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                ok[0] &= writesLocal(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                switch (node.getKind()) {
                    case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT ->
                            ok[0] &= writesLocal(node.getExpression());
                    default -> { }
                }
                return super.visitUnary(node, unused);
            }

            @Override
            public Void visitThrow(ThrowTree node, Void unused) {
                return null; // a throw ends the computation: what it calls does not matter
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                Element called = trees.getElement(getCurrentPath());
                if (!(called instanceof ExecutableElement m)) {
                    ok[0] = false;
                } else {
                    String k = Keys.of(m, types);
                    String owner = m.getEnclosingElement() instanceof TypeElement t ? t.getQualifiedName().toString() : "";
                    ok[0] &= READ_ONLY_JDK.contains(k) || owner.equals("java.lang.Math")
                            || owner.equals("java.lang.StrictMath") || writesNothing(m, k, visiting);
                }
                return super.visitMethodInvocation(node, unused);
            }

            private boolean writesLocal(ExpressionTree target) {
                while (target instanceof ParenthesizedTree p) {
                    target = p.getExpression();
                }
                return target instanceof IdentifierTree id && locals.contains(id.getName().toString());
            }
        }.scan(body, null);
        return ok[0];
    }

    static String describe(ExecutableElement method) {
        StringBuilder s = new StringBuilder(method.getEnclosingElement().getSimpleName()).append('.')
                .append(method.getSimpleName()).append('(');
        int n = method.getParameters().size();
        for (int i = 0; i < n; i++) {
            String type = method.getParameters().get(i).asType().toString();
            if (i == n - 1 && method.isVarArgs() && type.endsWith("[]")) {
                type = type.substring(0, type.length() - 2) + "...";
            }
            s.append(i == 0 ? "" : ", ").append(type);
        }
        return s.append(')').toString();
    }

    static boolean isThrow(Tree t) {
        return t instanceof ThrowTree;
    }
}
