package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import com.sun.source.tree.MethodTree;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Which locals of a body are split value objects ({@link Values}), and which of those are
 * <em>changed</em>: a field written ({@code out.x = ...}), or given to a method that fills it
 * ({@code p.project(lam, phi, out)}, Proj4J's shape). A split object is a variable per field, so
 * a changed one must be the one name of its object: created by {@code new} (or returned by a call
 * whose split arguments are each new or itself), never copied to or from another local, given to a
 * method that fills it only where the result is dropped or given back to it, and never twice to one
 * call. Then writing a field writes its variable, and a method that fills it is read once per field
 * of its result, its own copy of the fields changed ({@link Purity#changesOnly}).
 */
final class Scopes {

    private final Trees trees;
    private final Values values;
    private final dev.adjoint.processor.find.MethodPaths paths;

    Scopes(Trees trees, Values values, dev.adjoint.processor.find.MethodPaths paths) {
        this.trees = trees;
        this.values = values;
        this.paths = paths;
    }

    /**
     * Whether the value-class expression at {@code path} is used where a split object may be: to
     * read a field, to call a safe method, as the value of a split local, or returned by a body
     * read for one field of its result.
     */
    boolean usedAsValue(TreePath path, Values.Scope scope) {
        TreePath parentPath = path.getParentPath();
        Tree parent = parentPath.getLeaf();
        Tree leaf = path.getLeaf();
        if (parent instanceof ParenthesizedTree) {
            return usedAsValue(parentPath, scope);
        }
        if (parent instanceof TypeCastTree) {
            TypeMirror outer = trees.getTypeMirror(parentPath);
            TypeMirror inner = trees.getTypeMirror(path);
            return outer != null && inner != null && values.same(outer, inner) && usedAsValue(parentPath, scope);
        }
        if (parent instanceof ConditionalExpressionTree c) {
            return c.getCondition() != leaf && usedAsValue(parentPath, scope);
        }
        if (parent instanceof MemberSelectTree select && select.getExpression() == leaf) {
            Element member = trees.getElement(parentPath);
            TypeElement owner = values.classOf(path);
            if (member instanceof VariableElement f && owner != null && values.of(owner.asType()) != null
                    && values.of(owner.asType()).fields().contains(f)) {
                return !Values.written(parentPath) || leaf instanceof IdentifierTree && scope.filled().contains(trees.getElement(path));
            }
            if (member instanceof ExecutableElement m && parentPath.getParentPath().getLeaf() instanceof MethodInvocationTree
                    && owner != null && m.getEnclosingElement().equals(owner)) {
                if (values.accessor(m) != null) {
                    return true;
                }
                if (!values.safe(m)) {
                    return false;
                }
                TreePath call = parentPath.getParentPath();
                if (changesThis(m)) {
                    // d.selfAdd(y): the object changed and returned, read field by field; as a statement, in place
                    // (stats.accept(x);, a void one: read for each field it leaves)
                    boolean statement = call.getParentPath().getLeaf() instanceof ExpressionStatementTree;
                    return voidInPlace(m) ? statement : returnsThis(m) && values.returnsValues(m)
                            && (usedAsValue(call, scope) || statement);
                }
                // v.cross(w, dest);: dest = v.cross(w, dest), read field by field
                return values.of(m.getReturnType()) == null || values.returnsValues(m) && (usedAsValue(call, scope)
                        || filledInPlace(call, m, returnsParameter(m)));
            }
            return false;
        }
        if (parent instanceof VariableTree v && v.getInitializer() == leaf) {
            return scope.locals().contains(trees.getElement(parentPath));
        }
        if (parent instanceof MethodInvocationTree call && !call.getArguments().isEmpty() && call.getArguments().get(0) == leaf
                && trees.getElement(parentPath) instanceof ExecutableElement check && Values.nullCheck(check)
                && parentPath.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
            return true; // Objects.requireNonNull(p);: a split object is never null
        }
        if (parent instanceof MethodInvocationTree call && call.getArguments().contains(leaf)
                && trees.getElement(parentPath) instanceof ExecutableElement m
                && values.splitParams(m).contains(call.getArguments().indexOf(leaf))) {
            // a helper's parameter it only reads as a split object: the call is read on split objects
            TreePath receiver = values.receiver(parentPath);
            boolean onSplit = m.getModifiers().contains(Modifier.STATIC) || values.onData(receiver, m, scope) || (receiver != null
                    ? values.splits(receiver, scope) && m.getEnclosingElement().equals(values.classOf(receiver)) : scope.self())
                    && values.safe(m);
            return onSplit && (values.of(m.getReturnType()) == null || values.returnsValues(m) && (usedAsValue(parentPath, scope)
                    || filledInPlace(parentPath, m, returnsParameter(m)) || changedInPlace(parentPath, m)));
        }
        if (parent instanceof AssignmentTree a && a.getExpression() == leaf) {
            return parentPath.getParentPath().getLeaf() instanceof ExpressionStatementTree
                    && a.getVariable() instanceof IdentifierTree
                    && scope.locals().contains(trees.getElement(new TreePath(parentPath, a.getVariable())));
        }
        return parent instanceof ReturnTree && scope.returns();
    }

    /**
     * Whether the call at {@code call}, a statement ({@code p.project(lam, phi, out);}), fills its
     * argument {@code i} and returns it: read as {@code out = p.project(lam, phi, out);}.
     */
    boolean filledInPlace(TreePath call, ExecutableElement m, int i) {
        return call.getParentPath().getLeaf() instanceof ExpressionStatementTree && fills(m).contains(i)
                && (returnsParameter(m) == i || voidFills(m) == i);
    }

    /**
     * The parameter a {@code void} static method fills and leaves as its only effect, or -1:
     * GeographicLib's {@code GeoMath.sum(p, u, v)}, which ends {@code p.first = s; p.second = t;}.
     * Called as a statement on a split local, it is read as {@code p = sum(p, u, v)}: once for each
     * field, what the body leaves in it at each return and at its end ({@link Reader#valueHelper}).
     */
    int voidFills(ExecutableElement m) {
        if (m.getReturnType().getKind() != javax.lang.model.type.TypeKind.VOID || !m.getModifiers().contains(Modifier.STATIC)
                || m.getAnnotation(dev.adjoint.Differentiable.class) != null || !values.hasBody(m)) {
            return -1;
        }
        Set<Integer> filled = fills(m);
        // one that gives its parameter another object (p = new Pair();) changes the caller's only before
        return filled.size() == 1 && values.changesOnlyItsFields(m) && !reassigns(m, filled.iterator().next())
                ? filled.iterator().next() : -1;
    }

    /** Whether the call at {@code call} is a statement that changes its receiver, a split local ({@code p.addLocal(q);}). */
    private boolean changedInPlace(TreePath call, ExecutableElement m) {
        TreePath receiver = values.receiver(call);
        return call.getParentPath().getLeaf() instanceof ExpressionStatementTree && receiver != null
                && receiver.getLeaf() instanceof IdentifierTree && changesThis(m) && (returnsThis(m) || voidInPlace(m));
    }

    /**
     * Whether {@code m} is a {@code void} method that changes its object and writes nothing else
     * ({@code Statistics.accept(x)}): called as a statement, read once for each field it leaves.
     */
    boolean voidInPlace(ExecutableElement m) {
        return m.getReturnType().getKind() == javax.lang.model.type.TypeKind.VOID && changesThis(m) && values.safe(m)
                && values.changesOnlyItsFields(m);
    }

    /**
     * The split local a call statement fills in place ({@link #filledInPlace}), or null.
     */
    Element filledLocal(TreePath call, Values.Scope scope) {
        if (!(call.getLeaf() instanceof MethodInvocationTree tree) || !(trees.getElement(call) instanceof ExecutableElement m)) {
            return null;
        }
        TreePath receiver = values.receiver(call);
        boolean onThis = receiver == null ? !m.getModifiers().contains(Modifier.STATIC)
                : receiver.getLeaf() instanceof IdentifierTree id && id.getName().contentEquals("this");
        if (onThis && scope.self() && changesThis(m) && call.getParentPath().getLeaf() instanceof ExpressionStatementTree
                && (returnsThis(m) || voidInPlace(m))) {
            // real(sample); in a method read on a split object: its fields given what the call leaves
            return m.getEnclosingElement();
        }
        if (receiver != null && changesThis(m) && receiver.getLeaf() instanceof IdentifierTree
                && call.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
            // d.selfAdd(y);: d = d.selfAdd(y)
            Element local = trees.getElement(receiver);
            boolean read = voidInPlace(m) ? values.splitArguments(call, m, scope) && scope.locals().contains(local)
                    && tree.getArguments().stream().allMatch(a -> values.purity().pure(new TreePath(call, a)))
                    : values.splits(call, scope);
            return scope.filled().contains(local) && read ? local : null;
        }
        int returned = returnsParameter(m);
        int i = returned >= 0 ? returned : voidFills(m);
        if (i < 0 || i >= tree.getArguments().size() || !filledInPlace(call, m, i)) {
            return null;
        }
        ExpressionTree arg = tree.getArguments().get(i);
        Element local = arg instanceof IdentifierTree ? trees.getElement(new TreePath(call, arg)) : null;
        // sum(p, u, v);: read once per field of p, its arguments evaluated each time
        boolean read = returned >= 0 ? values.splits(call, scope) : values.splitArguments(call, m, scope)
                && tree.getArguments().stream().allMatch(a -> values.purity().pure(new TreePath(call, a)));
        return local != null && scope.filled().contains(local) && read ? local : null;
    }

    /**
     * The split locals of the body at {@code body}: of its local variables of a value class, those
     * whose every value is a split object and every use one a split object allows, found by
     * removing the others until none is left to remove.
     */
    Values.Scope scope(TreePath body, boolean returns, boolean self) {
        return scope(null, body, returns, self, false);
    }

    /** {@link #scope(TreePath, boolean, boolean)}, {@code method}'s parameters of a value class candidates too with {@code params}. */
    Values.Scope scope(ExecutableElement method, TreePath body, boolean returns, boolean self, boolean params) {
        Map<Element, List<TreePath>> valuesOf = new LinkedHashMap<>();
        Map<Element, List<TreePath>> uses = new HashMap<>();
        Set<Element> declared = new HashSet<>();
        if (params) {
            for (int i = 0; i < method.getParameters().size(); i++) {
                if (values.of(method.getParameters().get(i).asType()) != null) {
                    declared.add(values.parameter(method, i));
                    valuesOf.put(values.parameter(method, i), new ArrayList<>());
                }
            }
        }
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (e != null && e.getKind() == ElementKind.LOCAL_VARIABLE && values.of(e.asType()) != null
                        && getCurrentPath().getParentPath().getLeaf() instanceof BlockTree) {
                    declared.add(e);
                    valuesOf.computeIfAbsent(e, k -> new ArrayList<>());
                    if (node.getInitializer() != null) {
                        valuesOf.get(e).add(new TreePath(getCurrentPath(), node.getInitializer()));
                    }
                }
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (e != null && (e.getKind() == ElementKind.LOCAL_VARIABLE || e.getKind() == ElementKind.PARAMETER)) {
                    Tree parent = getCurrentPath().getParentPath().getLeaf();
                    if (parent instanceof AssignmentTree a && a.getVariable() == node) {
                        valuesOf.computeIfAbsent(e, k -> new ArrayList<>()).add(new TreePath(getCurrentPath().getParentPath(),
                                a.getExpression()));
                    } else {
                        uses.computeIfAbsent(e, k -> new ArrayList<>()).add(getCurrentPath());
                    }
                }
                return null;
            }
        }.scan(body, null);
        Set<Element> locals = new HashSet<>(declared);
        // the locals whose object is changed: a field written, or passed where a method fills it
        Set<Element> filled = new HashSet<>();
        for (Element e : declared) {
            if (uses.getOrDefault(e, List.of()).stream().anyMatch(this::changes)) {
                filled.add(e);
            }
        }
        // first the locals that some value of which is no split object, whatever else splits (new
        // Projection(): an object whose fields are data, not split, so its methods are read as such)
        for (boolean changed = true; changed; ) {
            changed = false;
            Values.Scope scope = new Values.Scope(Set.copyOf(locals), returns, self, Set.copyOf(filled));
            for (Element e : new ArrayList<>(locals)) {
                if (!valuesOf.get(e).stream().allMatch(v -> values.splits(v, scope) && sameClass(v, e))) {
                    locals.remove(e);
                    changed = true;
                }
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            Values.Scope scope = new Values.Scope(Set.copyOf(locals), returns, self, Set.copyOf(filled));
            for (Element e : new ArrayList<>(locals)) {
                boolean ok = valuesOf.get(e).stream().allMatch(v -> values.splits(v, scope) && sameClass(v, e))
                        && uses.getOrDefault(e, List.of()).stream().allMatch(u -> usedAsValue(u, scope))
                        && (!filled.contains(e) || valuesOf.get(e).stream().allMatch(v -> fresh(v, e, scope))
                                && uses.getOrDefault(e, List.of()).stream().allMatch(u -> onlyName(u, e)));
                if (!ok) {
                    locals.remove(e);
                    changed = true;
                }
            }
        }
        filled.retainAll(locals);
        return new Values.Scope(Set.copyOf(locals), returns, self, Set.copyOf(filled));
    }

    /**
     * Whether the use of a local at {@code path} changes its object: writes one of its fields, or
     * passes it to a method that {@linkplain #fills fills} that parameter.
     */
    private boolean changes(TreePath path) {
        TreePath parentPath = path.getParentPath();
        Tree parent = parentPath.getLeaf();
        if (parent instanceof ParenthesizedTree) {
            return changes(parentPath);
        }
        if (parent instanceof MemberSelectTree && trees.getElement(parentPath) instanceof VariableElement) {
            return Values.written(parentPath);
        }
        if (parent instanceof MemberSelectTree && trees.getElement(parentPath) instanceof ExecutableElement m) {
            return changesThis(m); // d.selfAdd(y)
        }
        return parent instanceof MethodInvocationTree call && call.getArguments().contains(path.getLeaf())
                && trees.getElement(parentPath) instanceof ExecutableElement m
                && fills(m).contains(call.getArguments().indexOf(path.getLeaf()));
    }

    /**
     * Whether a value of a changed local is an object no other name holds: a new one, or the result
     * of a call whose split arguments are each new or this local (what it returns can be no other).
     */
    private boolean fresh(TreePath value, Element local, Values.Scope scope) {
        Tree tree = value.getLeaf();
        if (tree instanceof ParenthesizedTree p) {
            return fresh(new TreePath(value, p.getExpression()), local, scope);
        }
        if (tree instanceof NewClassTree) {
            return true;
        }
        if (!(tree instanceof MethodInvocationTree call) || !(trees.getElement(value) instanceof ExecutableElement m)) {
            return false;
        }
        TreePath receiver = values.receiver(value);
        if (receiver != null && values.same(trees.getTypeMirror(receiver), local.asType()) && values.splits(receiver, scope)
                && !freshReceiver(receiver, local, scope)) {
            return false; // a method of a split object of the local's class may return it (a value class has no subclass)
        }
        for (int i : values.splitParams(m)) {
            TreePath arg = new TreePath(value, call.getArguments().get(i));
            Tree a = arg.getLeaf();
            while (a instanceof ParenthesizedTree p) {
                a = p.getExpression();
            }
            if (!(a instanceof NewClassTree) && !(a instanceof IdentifierTree && local.equals(trees.getElement(
                    new TreePath(arg, a))))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the call at {@code call} changes only an object it creates: a method that changes
     * its object, called on a new one ({@code new DD(x).selfAdd(y)}, {@code copy(this).selfAdd(y)}
     * where every return of {@code copy} is a new object).
     */
    boolean changesNew(TreePath call) {
        if (!(trees.getElement(call) instanceof ExecutableElement m) || !changesThis(m)) {
            return false;
        }
        TreePath receiver = values.receiver(call);
        return receiver != null && created(receiver);
    }

    /** Whether the expression at {@code path} is an object created there: new, or a call whose every return is. */
    private boolean created(TreePath path) {
        Tree tree = path.getLeaf();
        if (tree instanceof ParenthesizedTree p) {
            return created(new TreePath(path, p.getExpression()));
        }
        if (tree instanceof NewClassTree) {
            return true;
        }
        if (!(tree instanceof MethodInvocationTree) || !(trees.getElement(path) instanceof ExecutableElement m)) {
            return false;
        }
        TreePath receiver = values.receiver(path);
        if (receiver != null && changesThis(m)) {
            return returnsThis(m) && created(receiver); // new DD(x).selfAdd(y): that new object
        }
        return m.getModifiers().contains(Modifier.STATIC) && returnsCreated(m);
    }

    private final Set<ExecutableElement> creating = new HashSet<>();

    /** Whether every return of {@code m} is an object created there. */
    private boolean returnsCreated(ExecutableElement m) {
        TreePath path = paths.of(m);
        if (path == null || ((MethodTree) path.getLeaf()).getBody() == null || !creating.add(m)) {
            return false;
        }
        List<TreePath> returned = Values.returns(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()));
        boolean all = !returned.isEmpty() && returned.stream().allMatch(e -> e != null && created(e));
        creating.remove(m);
        return all;
    }

    /** Whether a receiver is an object no other name holds: new, the local itself, or such a call's result. */
    private boolean freshReceiver(TreePath receiver, Element local, Values.Scope scope) {
        Tree r = receiver.getLeaf();
        if (r instanceof ParenthesizedTree p) {
            return freshReceiver(new TreePath(receiver, p.getExpression()), local, scope);
        }
        return r instanceof NewClassTree || r instanceof IdentifierTree && local.equals(trees.getElement(receiver))
                || r instanceof MethodInvocationTree && fresh(receiver, local, scope);
    }

    private final Map<ExecutableElement, Boolean> changesThis = new HashMap<>();

    /**
     * Whether {@code m}, a method of a value class, writes a field of its object ({@code hi = H + h},
     * {@code this.lo = ...}), itself or by returning such a method's call on it.
     */
    boolean changesThis(ExecutableElement m) {
        TreePath path = paths.of(m);
        if (m.getModifiers().contains(Modifier.STATIC) || path == null || ((MethodTree) path.getLeaf()).getBody() == null
                || values.of(m.getEnclosingElement().asType()) == null) {
            return false;
        }
        Boolean known = changesThis.get(m);
        if (known != null) {
            return known;
        }
        changesThis.put(m, false); // a method reaching itself: its own writes decide
        boolean[] found = {false};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                found[0] |= e != null && e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC)
                        && Values.written(getCurrentPath())
                        || e instanceof ExecutableElement c && onThis(getCurrentPath()) && changesThis(c);
                return null;
            }

            @Override
            public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (node.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this")) {
                    found[0] |= e != null && e.getKind() == ElementKind.FIELD && Values.written(getCurrentPath())
                            || e instanceof ExecutableElement c && changesThis(c);
                }
                return super.visitMemberSelect(node, unused);
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                return null;
            }
        }.scan(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), null);
        changesThis.put(m, found[0]);
        return found[0];
    }

    /** Whether the identifier at {@code path} names an instance method called on this ({@code selfAdd(y)}). */
    private static boolean onThis(TreePath path) {
        return path.getParentPath().getLeaf() instanceof MethodInvocationTree call && call.getMethodSelect() == path.getLeaf();
    }

    private final Set<ExecutableElement> returning = new HashSet<>();

    /** Whether every return of {@code m} gives its object: {@code return this;}, or such a method's call on it. */
    boolean returnsThis(ExecutableElement m) {
        TreePath path = paths.of(m);
        if (path == null || ((MethodTree) path.getLeaf()).getBody() == null || !returning.add(m)) {
            return false; // (a method reaching itself through its returns: not known to return its object)
        }
        try {
            return returnsThisHere(m, path);
        } finally {
            returning.remove(m);
        }
    }

    private boolean returnsThisHere(ExecutableElement m, TreePath path) {
        List<TreePath> returned = Values.returns(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()));
        return !returned.isEmpty() && returned.stream().allMatch(e -> e != null && (e.getLeaf() instanceof IdentifierTree id
                && id.getName().contentEquals("this") || e.getLeaf() instanceof MethodInvocationTree c && ofThis(c)
                        && trees.getElement(e) instanceof ExecutableElement called && returnsThis(called)));
    }

    private static boolean ofThis(MethodInvocationTree call) {
        return call.getMethodSelect() instanceof IdentifierTree
                || call.getMethodSelect() instanceof MemberSelectTree s && s.getExpression() instanceof IdentifierTree id
                        && id.getName().contentEquals("this");
    }

    /**
     * Whether a call on this of {@code m} at {@code select} (its name) leaves the object as it was,
     * or changes it only as the method's result ({@code return selfMultiply(y.hi, y.lo)}).
     */
    boolean changesThisOnlyReturned(TreePath select, ExecutableElement m) {
        TreePath call = select.getParentPath();
        if (!changesThis(m)) {
            return true;
        }
        // return selfMultiply(y.hi, y.lo); or the statement real(sample); (read for each field it leaves)
        return call.getLeaf() instanceof MethodInvocationTree tree && (call.getParentPath().getLeaf() instanceof ReturnTree
                && returnsThis(m) || call.getParentPath().getLeaf() instanceof ExpressionStatementTree
                        && (returnsThis(m) || voidInPlace(m))
                        && tree.getArguments().stream().allMatch(a -> values.purity().pure(new TreePath(call, a))));
    }

    /**
     * Whether the use at {@code path} of a changed local keeps it the one name of its object: a
     * field read or written, a method that returns no value object called on it or given it, a
     * method that fills it whose result is dropped or given back to it, a return of it (from a body
     * read for a field of its result), a null check. Never the value of another name.
     */
    private boolean onlyName(TreePath path, Element local) {
        TreePath parentPath = path.getParentPath();
        Tree parent = parentPath.getLeaf();
        if (parent instanceof ParenthesizedTree) {
            return onlyName(parentPath, local);
        }
        if (parent instanceof MemberSelectTree) {
            Element member = trees.getElement(parentPath);
            if (member instanceof ExecutableElement m && changesThis(m)) {
                // d.selfAdd(y); or d = d.selfAdd(y), d not among its arguments too
                TreePath call = parentPath.getParentPath();
                Tree outer = call.getParentPath().getLeaf();
                boolean alsoGiven = ((MethodInvocationTree) call.getLeaf()).getArguments().stream().anyMatch(a ->
                        a instanceof IdentifierTree && local.equals(trees.getElement(new TreePath(call, a))));
                return (returnsThis(m) || voidInPlace(m)) && !alsoGiven && (outer instanceof ExpressionStatementTree
                        || outer instanceof AssignmentTree a && a.getExpression() == call.getLeaf()
                                && a.getVariable() instanceof IdentifierTree
                                && local.equals(trees.getElement(new TreePath(call.getParentPath(), a.getVariable()))));
            }
            // a method returning another value object: a new one (s = s.add(y)), or read for one field
            // there (p.add(q).x), or given back to this local: no other name holds this object
            TreePath call = parentPath.getParentPath();
            Tree outer = call.getParentPath().getLeaf();
            return member instanceof VariableElement || member instanceof ExecutableElement m
                    && (values.of(m.getReturnType()) == null || returnsCreated(m)
                            || outer instanceof MemberSelectTree && trees.getElement(call.getParentPath()) instanceof VariableElement
                            || outer instanceof AssignmentTree a && a.getExpression() == call.getLeaf()
                                    && a.getVariable() instanceof IdentifierTree
                                    && local.equals(trees.getElement(new TreePath(call.getParentPath(), a.getVariable()))));
        }
        if (parent instanceof ReturnTree) {
            return true;
        }
        if (!(parent instanceof MethodInvocationTree call) || !(trees.getElement(parentPath) instanceof ExecutableElement m)) {
            return false;
        }
        if (Values.nullCheck(m) && parentPath.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
            return true;
        }
        int i = call.getArguments().indexOf(path.getLeaf());
        long given = call.getArguments().stream().filter(a -> a instanceof IdentifierTree
                && local.equals(trees.getElement(new TreePath(parentPath, a)))).count();
        if (given > 1) {
            return false; // m(o, o): two parameters, one object, which split copies would not be
        }
        Tree outer = parentPath.getParentPath().getLeaf();
        if (values.of(m.getReturnType()) == null) {
            // a number from its fields; a void fill of it alone, as a statement (sum(p, u, v);); another fill: lost
            return !fills(m).contains(i) || outer instanceof ExpressionStatementTree && voidFills(m) == i;
        }
        boolean givenBack = outer instanceof AssignmentTree a && a.getExpression() == parent
                && a.getVariable() instanceof IdentifierTree
                && local.equals(trees.getElement(new TreePath(parentPath.getParentPath(), a.getVariable())));
        if (!fills(m).contains(i)) {
            // only read, by value (p.addLocal(v)): its result holds it only if it may return that parameter
            TreePath receiver = values.receiver(parentPath);
            return outer instanceof ExpressionStatementTree || givenBack || returnsCreated(m)
                    || returnsThis(m) && receiver != null && !(receiver.getLeaf() instanceof IdentifierTree r
                            && local.equals(trees.getElement(receiver)));
        }
        return outer instanceof ExpressionStatementTree && returnsParameter(m) == i || givenBack;
    }

    /**
     * The parameters of value classes {@code method} changes (writes a field of, or passes to a
     * method that fills it): read on split objects, its callers' objects there must be new or
     * given back the result.
     */
    Set<Integer> fills(ExecutableElement method) {
        Set<Integer> out = new HashSet<>();
        if (values.judging(method)) {
            // asked while its body is judged (a method reaching itself): each object it is given, changed
            for (int i = 0; i < method.getParameters().size(); i++) {
                if (values.of(method.getParameters().get(i).asType()) != null) {
                    out.add(i);
                }
            }
            return Set.copyOf(out);
        }
        Set<Integer> split = values.splitParams(method);
        if (split.isEmpty()) {
            return Set.of();
        }
        Values.Scope scope = values.methodScope(method);
        for (int i : split) {
            if (scope.filled().contains(values.parameter(method, i))) {
                out.add(i);
            }
        }
        return Set.copyOf(out);
    }

    /** The parameter every return of {@code method} returns as it is ({@code return out;}), or -1. */
    int returnsParameter(ExecutableElement method) {
        TreePath path = paths.of(method);
        if (path == null || ((MethodTree) path.getLeaf()).getBody() == null) {
            return -1;
        }
        Set<Integer> returned = new HashSet<>();
        for (TreePath e : Values.returns(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()))) {
            Element named = e != null && e.getLeaf() instanceof IdentifierTree ? trees.getElement(e) : null;
            int index = -1;
            for (int i = 0; i < method.getParameters().size(); i++) {
                if (values.parameter(method, i).equals(named)) {
                    index = i;
                }
            }
            returned.add(index);
        }
        int i = returned.size() == 1 ? returned.iterator().next() : -1;
        // one that gives its parameter another object (out = new C(); ... return out;) leaves the caller's
        // object as it was then: the statement m(..., o); is not o = m(..., o)
        return i >= 0 && !reassigns(method, i) ? i : -1;
    }

    /** Whether {@code method}'s body assigns its parameter {@code i} another object ({@code p = new Pair();}). */
    private boolean reassigns(ExecutableElement method, int i) {
        TreePath path = paths.of(method);
        if (path == null || ((MethodTree) path.getLeaf()).getBody() == null) {
            return true;
        }
        Element parameter = values.parameter(method, i);
        boolean[] found = {false};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                found[0] |= node.getVariable() instanceof IdentifierTree
                        && parameter.equals(trees.getElement(new TreePath(getCurrentPath(), node.getVariable())));
                return super.visitAssignment(node, unused);
            }
        }.scan(new TreePath(path, ((MethodTree) path.getLeaf()).getBody()), null);
        return found[0];
    }

    private boolean sameClass(TreePath value, Element local) {
        TypeMirror t = trees.getTypeMirror(value);
        return t != null && values.same(t, local.asType());
    }
}
