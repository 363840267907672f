package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.find.MethodPaths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Value objects: instances of a small immutable class of the build (Hipparchus' {@code SinCos},
 * Commons Numbers' {@code DD}, a record) that a method builds, often from differentiated values,
 * only to read its fields back ({@code SinCos sc = FastMath.sinCos(e); ... sc.sin() ...}).
 * Adjoint follows derivatives through numbers, so such an object is split into its fields, each a
 * variable of its own, and what reads a field reads that variable (see {@link ValueReads}). This
 * class decides from the source where that is sound; where it is not, the object stays an object
 * and the fence judges it as before.
 *
 * <p>A <em>value class</em> is a class or record of this build, not abstract, generic or inner,
 * extending {@code Object} (or {@code Record}), whose instance fields are of a primitive or
 * {@code String} type, with no instance initializer. Its fields need not be final (JTS's {@code
 * Coordinate}): an object split is one the method builds, which no other code holds, and no use of
 * it writes a field; only a {@code static final} constant, which other code may hold, must have
 * final fields. A constructor
 * is <em>simple</em> when it only assigns each field a value computed from its parameters. A method
 * of a value class is <em>safe</em> on a split object when it uses {@code this} only to read
 * fields and to call safe methods, and writes no instance field. A local variable is split when each of its values is a split
 * object (a simple constructor's, another split local's, or the result of a method that returns
 * only split objects) and each of its uses reads a field or calls a safe method, or is the value
 * of another split local (or, in a method read for one field of its result, returned).
 */
final class Values {

    /** A value class and its instance fields, in declaration order. */
    record ValueClass(TypeElement type, List<VariableElement> fields) {}

    /**
     * A simple constructor: for each field, the index of the parameter it is given as is ({@code
     * params}), or the tree of the expression it is assigned ({@code values}, in the constructor's
     * body, which may read the locals {@code locals} declares first), or its constant initializer;
     * or, for one that only calls {@code this(...)}, the constructor it calls ({@code delegate}) and
     * the arguments it gives it ({@code delegateArgs}, of this one's parameters).
     */
    record Ctor(ExecutableElement element, TreePath path, Map<VariableElement, Integer> params,
            Map<VariableElement, TreePath> values, List<TreePath> locals, Ctor delegate, List<TreePath> delegateArgs) {
        Ctor(ExecutableElement element, TreePath path, Map<VariableElement, Integer> params,
                Map<VariableElement, TreePath> values, List<TreePath> locals) {
            this(element, path, params, values, locals, null, List.of());
        }
    }

    /**
     * Where the split locals of one body are known: {@code returns} when the body is read for one
     * field of its result (its returns are split objects), {@code self} when its receiver is split.
     */
    record Scope(Set<Element> locals, boolean returns, boolean self, Set<Element> filled) {
        static final Scope NONE = new Scope(Set.of(), false, false);

        Scope(Set<Element> locals, boolean returns, boolean self) {
            this(locals, returns, self, Set.of());
        }
    }

    private final Trees trees;
    private final Elements elements;
    private final MethodPaths paths;
    private final Map<TypeElement, Optional<ValueClass>> classes = new HashMap<>();
    private final Map<ExecutableElement, Optional<Ctor>> ctors = new HashMap<>();
    private final Map<ExecutableElement, Boolean> safe = new HashMap<>();
    private final Map<ExecutableElement, Boolean> returnsValues = new HashMap<>();
    private final Purity purity;
    private final Scopes scopes;
    private final Map<ExecutableElement, Set<Integer>> splitParams = new HashMap<>();
    private final Map<ExecutableElement, Scope> methodScopes = new HashMap<>();

    Values(Trees trees, Elements elements, Types types, MethodPaths paths, Catalog catalog) {
        this.trees = trees;
        this.elements = elements;
        this.paths = paths;
        this.purity = new Purity(trees, types, this, new Effects(trees, elements, types, paths, catalog));
        this.scopes = new Scopes(trees, this, paths);
    }

    /**
     * A scan that judges code run where it is written: a lambda, a method reference or a class body
     * (code run elsewhere, or never) fails it.
     */
    abstract static class Check extends TreePathScanner<Void, Void> {
        boolean ok = true;

        boolean passes(TreePath tree) {
            scan(tree, null);
            return ok;
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
            ok = false;
            return null;
        }

        @Override
        public Void visitMemberReference(MemberReferenceTree node, Void unused) {
            ok = false;
            return null;
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
            ok = false;
            return null;
        }
    }

    /** Whether the variable at {@code path} is assigned there (by =, a compound assignment, ++ or --). */
    static boolean written(TreePath path) {
        Tree parent = path.getParentPath().getLeaf();
        Tree leaf = path.getLeaf();
        return parent instanceof AssignmentTree a && a.getVariable() == leaf
                || parent instanceof CompoundAssignmentTree c && c.getVariable() == leaf
                || parent instanceof UnaryTree u && increments(u);
    }

    /** Whether {@code node} is {@code ++} or {@code --}, prefix or postfix. */
    static boolean increments(UnaryTree node) {
        Tree.Kind k = node.getKind();
        return k == Tree.Kind.PREFIX_INCREMENT || k == Tree.Kind.POSTFIX_INCREMENT || k == Tree.Kind.PREFIX_DECREMENT
                || k == Tree.Kind.POSTFIX_DECREMENT;
    }

    /**
     * {@code compute(key)}, computed once. While it is computed (a method that reaches itself)
     * the answer is {@code meanwhile}, the one that splits nothing, so what leans on it is safe.
     */
    private static <K, V> V once(Map<K, V> memo, K key, V meanwhile, Function<K, V> compute) {
        V known = memo.get(key);
        if (known != null) {
            return known;
        }
        memo.put(key, meanwhile);
        V out = compute.apply(key);
        memo.put(key, out);
        return out;
    }

    // ------------------------------------------------------------------ classes

    /** The value class {@code type} is, or null. */
    ValueClass of(TypeMirror type) {
        if (!(type instanceof DeclaredType d) || !(d.asElement() instanceof TypeElement t)) {
            return null;
        }
        return classes.computeIfAbsent(t, k -> Optional.ofNullable(valueClass(k))).orElse(null);
    }

    private ValueClass valueClass(TypeElement t) {
        boolean record = t.getKind() == ElementKind.RECORD;
        if (!(t.getKind() == ElementKind.CLASS || record) || t.getModifiers().contains(Modifier.ABSTRACT)
                || !t.getTypeParameters().isEmpty()
                || t.getNestingKind() != NestingKind.TOP_LEVEL && !(t.getNestingKind() == NestingKind.MEMBER
                && (t.getModifiers().contains(Modifier.STATIC) || record))) {
            return null;
        }
        String up = t.getSuperclass() instanceof DeclaredType s ? ((TypeElement) s.asElement()).getQualifiedName()
                .toString() : "";
        // Number has no fields and a constructor doing nothing (Jenetics' DoubleAdder extends it)
        if (!up.equals(record ? "java.lang.Record" : "java.lang.Object") && !(up.equals("java.lang.Number") && !record)) {
            return null;
        }
        TreePath path = trees.getPath(t);
        if (path == null || !(path.getLeaf() instanceof ClassTree c)) {
            return null; // no source in this build
        }
        for (Tree member : c.getMembers()) {
            if (member instanceof BlockTree b && !b.isStatic()) {
                return null; // an instance initializer
            }
        }
        List<VariableElement> fields = new ArrayList<>();
        for (VariableElement f : ElementFilter.fieldsIn(t.getEnclosedElements())) {
            if (f.getModifiers().contains(Modifier.STATIC)) {
                continue;
            }
            if (!plain(f.asType())) {
                return null;
            }
            fields.add(f);
        }
        return new ValueClass(t, List.copyOf(fields));
    }

    /**
     * A primitive or a String: a field value the split object holds as a variable. (An array field
     * would make that variable a second name for an array, which the fence refuses.)
     */
    private static boolean plain(TypeMirror type) {
        if (type.getKind().isPrimitive()) {
            return true;
        }
        return type instanceof DeclaredType d && ((TypeElement) d.asElement()).getQualifiedName()
                .contentEquals("java.lang.String");
    }

    /** The constructor's field values when it is simple, or null. */
    Ctor ctor(ExecutableElement ctor) {
        // a constructor whose value builds its own class: not simple
        return once(ctors, ctor, Optional.empty(), k -> Optional.ofNullable(simple(k))).orElse(null);
    }

    private Ctor simple(ExecutableElement ctor) {
        ValueClass value = of(ctor.getEnclosingElement().asType());
        TreePath path = paths.of(ctor);
        if (value == null || ctor.isVarArgs()) {
            return null;
        }
        Map<VariableElement, Integer> params = new LinkedHashMap<>();
        Map<VariableElement, TreePath> values = new LinkedHashMap<>();
        TypeElement owner = value.type();
        if (owner.getKind() == ElementKind.RECORD && (path == null || elements.getOrigin(ctor) != Elements.Origin.EXPLICIT)
                && ctor.getParameters().size() == value.fields().size()) {
            // a record's implicit canonical constructor: each component its parameter (a compact one
            // assigns the fields only once compiled, so it is read as what it is: not simple)
            for (int i = 0; i < value.fields().size(); i++) {
                params.put(value.fields().get(i), i);
            }
            return new Ctor(ctor, path, params, values, List.of());
        }
        if (path == null) {
            return null;
        }
        List<VariableElement> parameters = new ArrayList<>();
        for (VariableTree p : ((MethodTree) path.getLeaf()).getParameters()) {
            parameters.add((VariableElement) trees.getElement(new TreePath(path, p)));
        }
        List<? extends StatementTree> statements = statements(path);
        if (statements.size() == 1 && statements.get(0) instanceof ExpressionStatementTree e
                && e.getExpression() instanceof MethodInvocationTree call && call.getMethodSelect() instanceof IdentifierTree id
                && id.getName().contentEquals("this")) {
            // this(...): the fields the called constructor gives them, from these arguments
            TreePath at = new TreePath(new TreePath(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), e), call);
            Ctor delegate = trees.getElement(at) instanceof ExecutableElement d ? ctor(d) : null;
            List<TreePath> args = new ArrayList<>();
            for (ExpressionTree a : call.getArguments()) {
                TreePath arg = new TreePath(at, a);
                if (!ofParameters(arg, parameters, owner) || !purity.pure(arg)) {
                    return null;
                }
                args.add(arg);
            }
            return delegate == null ? null : new Ctor(ctor, path, Map.of(), Map.of(), List.of(), delegate, List.copyOf(args));
        }
        List<TreePath> locals = new ArrayList<>();
        for (StatementTree s : statements) {
            TreePath at = new TreePath(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), s);
            if (s instanceof ExpressionStatementTree e && e.getExpression() instanceof MethodInvocationTree call
                    && call.getArguments().isEmpty() && call.getMethodSelect() instanceof IdentifierTree id
                    && id.getName().contentEquals("super")) {
                continue; // Object's or Record's constructor
            }
            if (s instanceof VariableTree v && v.getInitializer() != null
                    && trees.getElement(at) != null && trees.getElement(at).asType().getKind().isPrimitive()
                    && ofParameters(new TreePath(at, v.getInitializer()), parameters, owner)
                    && purity.pure(new TreePath(at, v.getInitializer()))) {
                // a local computed once, read by the fields' values (each reads its value again)
                locals.add(at);
                parameters.add((VariableElement) trees.getElement(at));
                continue;
            }
            if (!(s instanceof ExpressionStatementTree e) || !(e.getExpression() instanceof AssignmentTree a)) {
                return null;
            }
            TreePath assignment = new TreePath(at, a);
            Element target = trees.getElement(new TreePath(assignment, a.getVariable()));
            boolean ofThis = a.getVariable() instanceof IdentifierTree || a.getVariable() instanceof MemberSelectTree m
                    && m.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this");
            if (!ofThis || !(target instanceof VariableElement field) || !value.fields().contains(field)
                    || params.containsKey(field) || values.containsKey(field)) {
                return null;
            }
            TreePath rhs = new TreePath(assignment, a.getExpression());
            if (!ofParameters(rhs, parameters, owner)) {
                return null;
            }
            int index = parameters.indexOf(trees.getElement(rhs));
            if (a.getExpression() instanceof IdentifierTree && index >= 0 && index < ctor.getParameters().size()) {
                params.put(field, index);
            } else {
                values.put(field, rhs);
            }
        }
        for (VariableElement f : value.fields()) {
            if (params.containsKey(f) || values.containsKey(f) || f.getConstantValue() != null) {
                continue;
            }
            // a field the constructor leaves: its initializer's value (one of constants), else its default
            TreePath declared = trees.getPath(f);
            ExpressionTree init = declared != null && declared.getLeaf() instanceof VariableTree v ? v.getInitializer() : null;
            if (init != null && ofParameters(new TreePath(declared, init), List.of(), owner)
                    && purity.pure(new TreePath(declared, init))) {
                values.put(f, new TreePath(declared, init));
            } else if (init != null || !f.asType().getKind().isPrimitive()) {
                return null;
            }
        }
        return new Ctor(ctor, path, params, values, List.copyOf(locals));
    }

    private static List<? extends StatementTree> statements(TreePath method) {
        BlockTree body = ((MethodTree) method.getLeaf()).getBody();
        return body == null ? List.of() : body.getStatements();
    }

    /** Whether an expression reads, of the object being built, nothing: only parameters, constants, static members. */
    private boolean ofParameters(TreePath expr, List<VariableElement> parameters, TypeElement owner) {
        return !assigns(expr) && new Check() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (node.getName().contentEquals("this") || node.getName().contentEquals("super") || e == null
                        || (e.getKind() == ElementKind.LOCAL_VARIABLE || e.getKind() == ElementKind.PARAMETER)
                        && !parameters.contains(e) || instanceMember(e)) {
                    ok = false;
                }
                return null;
            }

            @Override
            public Void visitSwitchExpression(SwitchExpressionTree node, Void unused) {
                ok = false;
                return null;
            }

            private boolean instanceMember(Element e) {
                return e != null && !e.getModifiers().contains(Modifier.STATIC) && e.getEnclosingElement().equals(owner)
                        && (e.getKind() == ElementKind.FIELD || e.getKind() == ElementKind.METHOD);
            }
        }.passes(expr);
    }

    // ------------------------------------------------------------------ methods

    /**
     * Whether {@code method}, an instance method of a value class with a body here, uses its
     * receiver only to read and write its fields and to call such methods of it (one that writes
     * them only as its result, {@code return selfMultiply(y.hi, y.lo)}): then it runs on a split
     * object, its fields its parameters. One that writes them ({@link Scopes#changesThis}) is called
     * where its object has one name.
     */
    boolean safe(ExecutableElement method) {
        return once(safe, method, false, this::isSafe); // a method that calls itself on this: not split
    }

    private boolean isSafe(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        TreePath path = paths.of(method);
        if (method.getModifiers().contains(Modifier.STATIC) || method.getModifiers().contains(Modifier.ABSTRACT)
                || method.isVarArgs() || method.getAnnotation(Differentiable.class) != null || of(owner.asType()) == null
                || path == null || ((MethodTree) path.getLeaf()).getBody() == null) {
            return false;
        }
        TreePath body = new TreePath(path, ((MethodTree) path.getLeaf()).getBody());
        return new Check() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                Tree parent = getCurrentPath().getParentPath().getLeaf();
                if (node.getName().contentEquals("super")) {
                    ok = false;
                } else if (node.getName().contentEquals("this") && !(parent instanceof MemberSelectTree)) {
                    // a bare this (Acc a = this;) where a split object may be, as the body is read on one
                    ok &= scopes.usedAsValue(getCurrentPath(), methodScope(method));
                } else if (e instanceof ExecutableElement m && !m.getModifiers().contains(Modifier.STATIC)) {
                    ok &= onThis(m, owner) && scopes.changesThisOnlyReturned(getCurrentPath(), m);
                }
                return null;
            }

            @Override
            public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (node.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this")
                        && e instanceof ExecutableElement m) {
                    ok &= onThis(m, owner) && scopes.changesThisOnlyReturned(getCurrentPath(), m);
                    return null;
                }
                return super.visitMemberSelect(node, unused);
            }
        }.passes(body);
    }

    /**
     * Whether {@code method} is an instance method of a class that is no value class, with a body
     * here: called on such an object (a projection), whose fields are data, it may return split objects.
     */
    boolean ofData(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        TreePath path = paths.of(method);
        // one that changes its object changes that object, which is not split: not read field by field
        return !method.getModifiers().contains(Modifier.STATIC) && !method.getModifiers().contains(Modifier.ABSTRACT)
                && !owner.getKind().isInterface() && !method.isVarArgs() && method.getAnnotation(Differentiable.class) == null
                && path != null && ((MethodTree) path.getLeaf()).getBody() != null && !scopes.changesThis(method);
    }

    /**
     * Whether {@code m} called on the expression at {@code receiver} is a method of an object whose
     * fields are data ({@code p.project(lam, phi, out)}), the receiver read once per field it gives.
     */
    boolean onData(TreePath receiver, ExecutableElement m, Scope scope) {
        return receiver != null && ofData(m) && (purity.pure(receiver) || hoisted(receiver))
                && !(of(trees.getTypeMirror(receiver)) != null && splits(receiver, scope));
    }

    /**
     * Whether the receiver at {@code receiver}, an object built there ({@code new Robinson()}), is
     * built once before its call is read field by field: the call is a split local's value (its
     * declaration's, an assignment statement's) or a statement that fills one in place.
     */
    boolean hoisted(TreePath receiver) {
        Tree r = receiver.getLeaf();
        while (r instanceof ParenthesizedTree p) {
            r = p.getExpression();
        }
        TreePath call = receiver.getParentPath().getParentPath();
        Tree parent = call.getParentPath().getLeaf();
        return r instanceof NewClassTree n && n.getClassBody() == null && n.getEnclosingExpression() == null
                && n.getArguments().stream().allMatch(a -> purity.pure(new TreePath(receiver, a)))
                && (parent instanceof VariableTree v && v.getInitializer() == call.getLeaf()
                        || parent instanceof ExpressionStatementTree
                        || parent instanceof AssignmentTree a && a.getExpression() == call.getLeaf()
                                && call.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree);
    }

    /** Whether a call of {@code m} on this, in a method of {@code owner}, runs on the split object. */
    private boolean onThis(ExecutableElement m, TypeElement owner) {
        return m.getEnclosingElement().equals(owner) && (safe(m) && (of(m.getReturnType()) == null
                || returnsValues(m)) || accessor(m) != null);
    }

    /** The field a record's implicit accessor reads, or null. */
    VariableElement accessor(ExecutableElement m) {
        TypeElement owner = (TypeElement) m.getEnclosingElement();
        if (owner.getKind() != ElementKind.RECORD || !m.getParameters().isEmpty() || paths.of(m) != null
                && ((MethodTree) paths.of(m).getLeaf()).getBody() != null && !generated(m)) {
            return null;
        }
        ValueClass value = of(owner.asType());
        if (value == null) {
            return null;
        }
        for (VariableElement f : value.fields()) {
            if (f.getSimpleName().contentEquals(m.getSimpleName())) {
                return f;
            }
        }
        return null;
    }

    private boolean generated(ExecutableElement m) {
        return elements.getOrigin(m) != Elements.Origin.EXPLICIT;
    }

    /**
     * Whether each return of {@code method} (with a body here) gives a split object: then a call
     * of it is read once for each field of its result.
     */
    boolean returnsValues(ExecutableElement method) {
        // a method returning its own call's result: not split
        return once(returnsValues, method, false, this::isReturningValues);
    }

    private boolean isReturningValues(ExecutableElement method) {
        TreePath path = paths.of(method);
        boolean instance = !method.getModifiers().contains(Modifier.STATIC);
        if (of(method.getReturnType()) == null || path == null || ((MethodTree) path.getLeaf()).getBody() == null
                || method.getAnnotation(Differentiable.class) != null || instance && !safe(method) && !ofData(method)) {
            return false;
        }
        TreePath body = new TreePath(path, ((MethodTree) path.getLeaf()).getBody());
        Scope scope = methodScope(method);
        if (!changesOnlyItsFields(method)) {
            return false; // read once per field, it must have no effect to repeat but on the objects it fills
        }
        return returns(body).stream().allMatch(e -> e != null && splits(e, scope));
    }

    /**
     * The values the body at {@code body} returns, each the path of a return's expression with its
     * parentheses taken off (null for {@code return;}); not those of lambdas and classes inside it.
     */
    static List<TreePath> returns(TreePath body) {
        List<TreePath> out = new ArrayList<>();
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitReturn(ReturnTree node, Void unused) {
                TreePath e = node.getExpression() == null ? null : new TreePath(getCurrentPath(), node.getExpression());
                while (e != null && e.getLeaf() instanceof ParenthesizedTree p) {
                    e = new TreePath(e, p.getExpression());
                }
                out.add(e);
                return null;
            }

            @Override
            public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                return null;
            }
        }.scan(body, null);
        return out;
    }

    // ------------------------------------------------------------------ expressions and locals

    /**
     * Whether the value-class expression at {@code path} is a split object in {@code scope}: a
     * simple constructor's, a split local's (or this, split), a call that returns split objects,
     * or either of two such.
     */
    boolean splits(TreePath path, Scope scope) {
        Tree tree = path.getLeaf();
        if (tree instanceof ParenthesizedTree p) {
            return splits(new TreePath(path, p.getExpression()), scope);
        }
        if (tree instanceof TypeCastTree c) {
            TypeMirror inner = trees.getTypeMirror(new TreePath(path, c.getExpression()));
            TypeMirror outer = trees.getTypeMirror(path);
            return inner != null && outer != null && same(inner, outer) && splits(new TreePath(path, c.getExpression()), scope);
        }
        if (tree instanceof ConditionalExpressionTree c) {
            return purity.pure(new TreePath(path, c.getCondition())) && splits(new TreePath(path, c.getTrueExpression()), scope)
                    && splits(new TreePath(path, c.getFalseExpression()), scope);
        }
        if (tree instanceof NewClassTree n) {
            return n.getClassBody() == null && n.getEnclosingExpression() == null
                    && trees.getElement(path) instanceof ExecutableElement ctor && ctor(ctor) != null
                    && n.getArguments().stream().allMatch(a -> purity.pure(new TreePath(path, a)));
        }
        if (constant(path)) {
            return true; // an object that exists, its fields read from it
        }
        if (tree instanceof IdentifierTree id) {
            return id.getName().contentEquals("this") ? scope.self() : scope.locals().contains(trees.getElement(path));
        }
        if (tree instanceof MethodInvocationTree call && trees.getElement(path) instanceof ExecutableElement m
                && call.getArguments().stream().allMatch(a -> purity.pure(new TreePath(path, a)))) {
            if (!returnsValues(m) || !splitArguments(path, m, scope)) {
                return false;
            }
            if (m.getModifiers().contains(Modifier.STATIC)) {
                return true;
            }
            TreePath receiver = receiver(path);
            // on a split object, or on an object whose fields are data (read from it once per field)
            return receiver != null ? onData(receiver, m, scope) || splits(receiver, scope)
                    && m.getEnclosingElement().equals(classOf(receiver)) : scope.self();
        }
        return false;
    }

    /**
     * Whether the expression at {@code path} is a {@code static final} field holding a value object
     * of a final class ({@code static final DD SQRT2PI = ...}): split by reading its fields.
     */
    boolean constant(TreePath path) {
        Tree tree = path.getLeaf();
        Element e = tree instanceof IdentifierTree || tree instanceof MemberSelectTree ? trees.getElement(path) : null;
        ValueClass value = e != null && e.getKind() == ElementKind.FIELD && e.getModifiers().contains(Modifier.STATIC)
                && e.getModifiers().contains(Modifier.FINAL) ? of(e.asType()) : null;
        // of a final class (a record is one): no subclass's method can be what the object runs; with
        // final fields: code outside the method may hold it, and change a field it could change
        return value != null && (value.type().getModifiers().contains(Modifier.FINAL)
                || value.type().getKind() == ElementKind.RECORD) && value.fields().stream()
                .allMatch(f -> f.getModifiers().contains(Modifier.FINAL));
    }

    /** The classes whose static methods of these names only check that their first argument is not null. */
    private static final Map<String, String> NULL_CHECKS = Map.of("java.util.Objects", "requireNonNull",
            "org.apache.commons.math3.util.MathUtils", "checkNotNull", "org.hipparchus.util.MathUtils", "checkNotNull",
            "com.google.common.base.Preconditions", "checkNotNull", "org.apache.commons.lang3.Validate", "notNull");

    /** Whether {@code m} is a library's check that its first argument is not null (dropped for a split object). */
    static boolean nullCheck(ExecutableElement m) {
        return m.getModifiers().contains(Modifier.STATIC) && !m.getParameters().isEmpty() && m.getSimpleName()
                .contentEquals(NULL_CHECKS.getOrDefault(((TypeElement) m.getEnclosingElement()).getQualifiedName()
                        .toString(), ""));
    }

    /**
     * The indices of {@code method}'s parameters of a value class that its body only reads as a
     * split object: read on a split object (or for a field of its result), it takes their fields
     * instead, from arguments that split.
     */
    Set<Integer> splitParams(ExecutableElement method) {
        return once(splitParams, method, Set.of(), this::parametersSplit); // one passing it to itself: not split
    }

    private Set<Integer> parametersSplit(ExecutableElement method) {
        TreePath path = paths.of(method);
        Set<Integer> out = new HashSet<>();
        if (path != null && ((MethodTree) path.getLeaf()).getBody() != null
                && method.getAnnotation(Differentiable.class) == null) {
            Scope scope = methodScope(method);
            for (int i = 0; i < method.getParameters().size(); i++) {
                if (scope.locals().contains(parameter(method, i))) {
                    out.add(i);
                }
            }
        }
        return Set.copyOf(out);
    }

    /**
     * The split locals and parameters of {@code method}'s body (with a body here) as it is read on
     * split objects: its returns split objects when it returns a value object, its this is split
     * when it is an instance method. One answer for every question asked of the body (is it safe,
     * does it return split objects, which parameters split) and for its reading, so they agree.
     */
    Scope methodScope(ExecutableElement method) {
        return once(methodScopes, method, Scope.NONE, m -> {
            TreePath path = paths.of(m);
            return scopes.scope(m, new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), of(m.getReturnType()) != null,
                    !m.getModifiers().contains(Modifier.STATIC), true);
        });
    }

    /** Parameter {@code i} of {@code method} as its body's names resolve (javac's symbol for the tree). */
    Element parameter(ExecutableElement method, int i) {
        TreePath path = paths.of(method);
        Element e = trees.getElement(new TreePath(path, ((MethodTree) path.getLeaf()).getParameters().get(i)));
        return e != null ? e : method.getParameters().get(i);
    }

    /** Whether each argument of the call at {@code path} that {@code m} takes split does split. */
    boolean splitArguments(TreePath path, ExecutableElement m, Scope scope) {
        List<? extends ExpressionTree> args = ((MethodInvocationTree) path.getLeaf()).getArguments();
        for (int i : splitParams(m)) {
            if (i >= args.size() || !splits(new TreePath(path, args.get(i)), scope)) {
                return false;
            }
        }
        return true;
    }

    /** The receiver expression of a call {@code r.m(...)}, or null for an unqualified call. */
    TreePath receiver(TreePath call) {
        ExpressionTree select = ((MethodInvocationTree) call.getLeaf()).getMethodSelect();
        return select instanceof MemberSelectTree m ? new TreePath(new TreePath(call, select), m.getExpression()) : null;
    }

    /** The class of the expression at {@code path}'s static type, or null. */
    TypeElement classOf(TreePath path) {
        return classOf(trees.getTypeMirror(path));
    }

    /** The class of a variable's type, or null. */
    TypeElement classOf(dev.adjoint.processor.ir.Var v) {
        return classOf(v.type.mirror());
    }

    private static TypeElement classOf(TypeMirror t) {
        return t instanceof DeclaredType d && d.asElement() instanceof TypeElement e ? e : null;
    }

    boolean same(TypeMirror a, TypeMirror b) {
        return a instanceof DeclaredType x && b instanceof DeclaredType y && x.asElement().equals(y.asElement());
    }

    /** The scope rules, {@link Scopes}: which locals are split, and which of them changed. */
    Scopes scopes() {
        return scopes;
    }

    /** {@link Scopes#scope(TreePath, boolean, boolean)}. */
    Scope scope(TreePath body, boolean returns, boolean self) {
        return scopes.scope(body, returns, self);
    }

    /** Whether {@code m} writes nothing but its locals and the objects it changes (its own fields too). */
    boolean changesOnlyItsFields(ExecutableElement m) {
        return purity.pure(m) || purity.changesOnly(m, methodScope(m).filled());
    }

    Purity purity() {
        return purity;
    }

    /** Whether {@code method} has a body in this build's source. */
    boolean hasBody(ExecutableElement method) {
        TreePath path = paths.of(method);
        return path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null;
    }

    /** Whether {@code method}'s body is being judged now (a method reaching itself). */
    boolean judging(ExecutableElement method) {
        return methodScopes.get(method) == Scope.NONE;
    }

    /** Whether an expression assigns anything (an assignment, a compound one, ++ or --). */
    static boolean assigns(TreePath expr) {
        return !new Check() {
            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                ok = false;
                return null;
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                ok = false;
                return null;
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                ok &= !increments(node);
                return super.visitUnary(node, unused);
            }
        }.passes(expr);
    }
}
