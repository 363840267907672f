package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Reads split value objects (see {@link Values}) for one body: a split local is a variable per
 * field ({@code SinCos sc = FastMath.sinCos(e)} declares {@code sc_sin} and {@code sc_cos}), a field
 * read is that variable, a method called on a split object is inlined with the object's fields as
 * its first arguments, and a call that returns a split object is read once for each field of its
 * result (a helper returning that field alone). A constructor is its field values, its parameters
 * replaced by the arguments.
 */
final class ValueReads {

    private final BodyReader body;
    private final Calls calls;
    private final Trees trees;
    private final Values values;
    private Values.Scope scope = Values.Scope.NONE;
    /** In a body read for one field of its result: that field. */
    private VariableElement returned;
    /** In a void method read for one field of the parameter it fills: that parameter's field variables. */
    private Map<VariableElement, Var> left;
    private final Map<Element, Map<VariableElement, Var>> locals = new HashMap<>();
    /** The receivers built once before their call is read field by field, and their variables. */
    private final Map<Tree, Var> hoisted = new HashMap<>();
    /** The anonymous continued fractions of the body, never built either. */
    private final Fractions fractions;
    /** The sums of streams of the body, read as loops. */
    private final Streams streams;

    /** The lambdas of the body, never built either. */
    private final Functions functions;

    /** The anonymous objects of this body. */
    Fractions fractions() {
        return fractions;
    }

    /** The lambdas of this body. */
    Functions functions() {
        return functions;
    }

    ValueReads(BodyReader body, Calls calls, Trees trees, Values values) {
        this.body = body;
        this.calls = calls;
        this.trees = trees;
        this.values = values;
        this.fractions = new Fractions(body, calls, trees);
        this.functions = new Functions(body, calls, trees);
        this.streams = new Streams(body, calls, trees, functions);
    }

    /** The split locals of the body about to be read, and the field it returns (or null). */
    void enter(Values.Scope scope, VariableElement returned) {
        this.scope = scope;
        this.returned = returned;
    }

    boolean entered() {
        return scope != Values.Scope.NONE;
    }

    /** Binds split parameter {@code param} of the body to its field variables. */
    void bind(Element param, Map<VariableElement, Var> fields) {
        locals.put(param, fields);
    }

    /** Whether {@code local} is split into a variable per field. */
    boolean split(Element local) {
        return scope.locals().contains(local) || fractions.holds(local) || functions.holds(local);
    }

    /**
     * Whether the local declared at {@code path} is split, or holds an anonymous continued fraction
     * (then noted) or a lambda.
     */
    boolean declares(TreePath path) {
        return split(trees.getElement(path)) || fractions.declares(path) || functions.declares(path);
    }

    /** Whether the body returns one field of its result. */
    boolean returnsField() {
        return returned != null;
    }

    /** Whether the expression at {@code path} is a split object. */
    boolean splits(TreePath path) {
        return values.of(trees.getTypeMirror(path)) != null && values.splits(path, scope);
    }

    /** The declaration of split local {@code local}: a variable per field, each given its field of the value. */
    List<Stmt> declare(TreePath path, Element local, Position at, String source) {
        if (fractions.holds(local)) {
            return List.of(); // read where it is evaluated
        }
        if (functions.declares(path)) {
            return functions.declare(path, local); // read where it is called
        }
        VariableTree tree = (VariableTree) path.getLeaf();
        Map<VariableElement, Var> fields = new LinkedHashMap<>();
        for (VariableElement f : values.of(local.asType()).fields()) {
            fields.put(f, new Var(tree.getName() + "_" + f.getSimpleName(), JType.of(f.asType()), Var.Role.LOCAL));
        }
        locals.put(local, fields);
        List<Stmt> out = new ArrayList<>();
        TreePath init = tree.getInitializer() == null ? null : new TreePath(path, tree.getInitializer());
        if (init != null) {
            hoist(init, out, at);
        }
        fields.forEach((f, v) -> out.add(new Stmt.Declare(v, init == null ? null : field(init, f), at,
                out.isEmpty() ? source : null)));
        return out;
    }

    /**
     * Why a write of {@code target} is refused: a field of this ({@code own} when it is an instance
     * field, which a statement of the method may write: read/FieldStores), a static one, or one of
     * an object not split with one name.
     */
    static String fieldWrite(Tree target, boolean own) {
        boolean ofLocal = target instanceof MemberSelectTree s && s.getExpression() instanceof IdentifierTree id
                && !id.getName().contentEquals("this");
        return "cannot write to " + target + " from a @Differentiable method: only its own local variables, parameters "
                + "and their array elements may be assigned" + (ofLocal ? ", and the fields of a value object it splits "
                + "into a variable per field where the object has one name (built with new, given to a method that "
                + "fills it only as m(..., new C()), o = m(..., o) or the statement m(..., o); of a void static method "
                + "that fills only it, never copied to another variable or given twice "
                + "to one call)" : "") + (ofLocal || !own ? "" : ", and the double fields of this object it is differentiated "
                + "with respect to, by a statement of the method itself (not of one inlined into another) outside loops, "
                + "lambdas and try (a cache of its last value)")
                + "; return the value instead";
    }

    /** The variable a write of the field at {@code select} writes ({@code out.x} of a changed split out), or null. */
    Var fieldTarget(TreePath select) {
        return trees.getElement(select) instanceof VariableElement field
                ? fieldVar(new TreePath(select, ((MemberSelectTree) select.getLeaf()).getExpression()), field) : null;
    }

    /**
     * The variable of field {@code f} of the split local (or parameter) at {@code object}, or null
     * when it is not one: what writing that field writes.
     */
    private Var fieldVar(TreePath object, VariableElement f) {
        Tree tree = object.getLeaf();
        while (tree instanceof ParenthesizedTree p) {
            object = new TreePath(object, p.getExpression());
            tree = object.getLeaf();
        }
        if (tree instanceof IdentifierTree id && id.getName().contentEquals("this")) {
            return thisField(f);
        }
        Map<VariableElement, Var> fields = tree instanceof IdentifierTree ? locals.get(trees.getElement(object)) : null;
        return fields == null || !scope.filled().contains(trees.getElement(object)) ? null : fields.get(f);
    }

    /**
     * The variable a write of field {@code field} of this writes in a body read on a split object
     * that it changes ({@code hi = H + h} in {@code DD.selfAdd}), or null (a field write elsewhere is refused).
     */
    Var thisField(Element field) {
        return scope.self() && body.self() != null && field.getKind() == ElementKind.FIELD
                && !field.getModifiers().contains(Modifier.STATIC) && values.of(body.self().type.mirror()) != null
                && values.of(body.self().type.mirror()).fields().contains(field) ? body.fieldVar((VariableElement) field) : null;
    }

    /** The split local a call statement fills in place ({@code p.project(lam, phi, out);}), or null. */
    Element filledLocal(TreePath call) {
        return values.scopes().filledLocal(call, scope);
    }

    /**
     * The refusal of a call statement that changes a split local (given where the method fills it,
     * or called on it) but is not read as filling it ({@link #filledLocal} said no: an argument with
     * an effect, {@code sum(p, k++, y);}, which reading the call once per field would repeat), or
     * null. Read as a plain call, it would change copies of the fields and the change would be lost.
     */
    Expr lostFill(TreePath call) {
        if (!(call.getLeaf() instanceof MethodInvocationTree tree) || !(trees.getElement(call) instanceof ExecutableElement m)) {
            return null;
        }
        Scopes scopes = values.scopes();
        TreePath receiver = values.receiver(call);
        boolean changed = receiver != null && receiver.getLeaf() instanceof IdentifierTree && scopes.changesThis(m)
                && scope.filled().contains(trees.getElement(receiver));
        for (int i : scopes.fills(m)) {
            changed |= i < tree.getArguments().size() && tree.getArguments().get(i) instanceof IdentifierTree
                    && scope.filled().contains(trees.getElement(new TreePath(call, tree.getArguments().get(i))));
        }
        return !changed ? null : body.unsupportedExpr(tree, Tag.AdjointUnsupportedCall, "cannot read " + tree + " as "
                + "changing the object it is given: Adjoint reads such a call once for each field of the object, so its "
                + "arguments must have no effect that each reading would repeat (an assignment, ++, a call that "
                + "writes) and its other objects must be split too; compute the arguments into local variables first");
    }

    /**
     * {@code local = value;} of a split local: each field variable given its field of the value, all
     * read first; {@code assignment} may be a call that fills the local in place, its value.
     */
    Stmt assign(TreePath assignment, Element local, Position at, String source) {
        TreePath value = assignment.getLeaf() instanceof AssignmentTree a ? new TreePath(assignment, a.getExpression())
                : assignment;
        if (functions.holds(local)) {
            return new Stmt.Eval(functions.misused(assignment.getLeaf()), at, source);
        }
        if (fractions.holds(local)) {
            return new Stmt.Eval(fractions.misused(assignment.getLeaf()), at, source);
        }
        Map<VariableElement, Var> fields = locals.get(local);
        if (local instanceof TypeElement self) {
            // a call on this, split, that changes it: this body's field variables, all read first
            fields = new LinkedHashMap<>();
            for (VariableElement f : values.of(self.asType()).fields()) {
                fields.put(f, body.fieldVar(f));
            }
        }
        boolean readsItself = local instanceof TypeElement || reads(value, local);
        List<Stmt> out = new ArrayList<>();
        List<Stmt> then = new ArrayList<>();
        hoist(value, out, at);
        fields.forEach((f, v) -> {
            Expr e = field(value, f);
            if (readsItself) {
                // local = local.multiply(y): every field of the new value from the old ones
                Var t = new Var(v.name + "New", v.type, Var.Role.LOCAL);
                out.add(new Stmt.Declare(t, e, at, out.isEmpty() ? source : null));
                then.add(new Stmt.Assign(v, new Expr.Read(t, at), at, null));
            } else {
                out.add(new Stmt.Assign(v, e, at, out.isEmpty() ? source : null));
            }
        });
        out.addAll(then);
        return new Stmt.Block(null, out);
    }

    /**
     * The object a call's receiver builds ({@code new Robinson().project(lam, phi, out)}), built
     * once, before the call is read field by field ({@link Values#hoisted}).
     */
    private void hoist(TreePath value, List<Stmt> out, Position at) {
        TreePath receiver = value.getLeaf() instanceof MethodInvocationTree ? values.receiver(value) : null;
        if (receiver == null || !(trees.getElement(value) instanceof ExecutableElement m) || !values.hoisted(receiver)
                || !values.onData(receiver, m, scope)) {
            return; // not another object's method on an object built there (a split one is no object)
        }
        javax.lang.model.type.TypeMirror type = trees.getTypeMirror(receiver);
        if (!calls.access().nameable(type)) {
            out.add(new Stmt.Eval(body.unsupportedExpr(receiver.getLeaf(), Tag.AdjointUnsupportedCall, "cannot build "
                    + receiver.getLeaf() + " once for each field of the object its " + m.getSimpleName() + " fills: the "
                    + "adjoint class cannot name its class; hold it in a local variable first"), at, null));
            return;
        }
        String name = ((TypeElement) ((javax.lang.model.type.DeclaredType) type).asElement()).getSimpleName().toString();
        Var object = new Var(Character.toLowerCase(name.charAt(0)) + name.substring(1), JType.of(type), Var.Role.LOCAL);
        out.add(new Stmt.Declare(object, body.expr(receiver), at, null));
        hoisted.put(receiver.getLeaf(), object);
    }

    private boolean reads(TreePath expr, Element local) {
        boolean[] found = {false};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                found[0] |= local.equals(trees.getElement(getCurrentPath()));
                return null;
            }
        }.scan(expr, null);
        return found[0];
    }

    /**
     * In a void method that fills a parameter, read for one field of what it leaves there
     * ({@link Scopes#voidFills}): that parameter's field variables.
     */
    void leftIn(Map<VariableElement, Var> fields) {
        left = fields;
    }

    /** What a body read for one field of its result returns: that field of the value. */
    Expr returned(TreePath value, Position at) {
        // return; of a void method that changes its object (stats.accept(x)) or fills a parameter (sum(p, u, v)),
        // read for one field it leaves
        return value == null ? new Expr.Read(left != null ? left.get(returned) : body.fieldVar(returned), at)
                : field(value, returned);
    }

    /**
     * A call on a split object: a record's accessor is its field; a safe method that returns no
     * value object is inlined, the object's fields its first arguments. Null when the call is not
     * on a split object (or returns one, read field by field where it is used).
     */
    Expr call(TreePath path) {
        if (!(trees.getElement(path) instanceof ExecutableElement m)) {
            return null;
        }
        Expr function = functions.call(path);
        if (function != null) {
            return function; // a call of a lambda
        }
        Expr fraction = fractions.call(path);
        if (fraction != null) {
            return fraction; // a method of an anonymous object (a continued fraction's evaluate)
        }
        Expr stream = streams.call(path);
        if (stream != null) {
            return stream; // a sum of a stream, read as a loop
        }
        List<? extends ExpressionTree> arguments = ((MethodInvocationTree) path.getLeaf()).getArguments();
        if (Values.nullCheck(m) && path.getParentPath().getLeaf() instanceof ExpressionStatementTree
                && splits(new TreePath(path, arguments.get(0)))) {
            return Expr.Const.ofBoolean(true); // a split object is not null: the check, dropped, does nothing
        }
        if (m.getModifiers().contains(Modifier.STATIC)) {
            // a helper given split objects for parameters it only reads as such
            return values.splitParams(m).isEmpty() || values.of(m.getReturnType()) != null
                    || !values.splitArguments(path, m, scope) ? null : inlined(path, m, null, null);
        }
        TreePath receiver = values.receiver(path);
        if (values.onData(receiver, m, scope)) {
            // a method of an object whose fields are data, given split objects
            return values.splitParams(m).isEmpty() || values.of(m.getReturnType()) != null
                    || !values.splitArguments(path, m, scope) ? null : inlined(path, m, receiver, null);
        }
        boolean onSplit = receiver != null ? splits(receiver) && m.getEnclosingElement().equals(values.classOf(receiver))
                : scope.self() && body.self() != null && m.getEnclosingElement().equals(values.classOf(body.self()));
        if (!onSplit) {
            return null;
        }
        VariableElement field = values.accessor(m);
        if (field != null) {
            return receiver != null ? field(receiver, field) : body.fieldVar(field) != null
                    ? new Expr.Read(body.fieldVar(field), body.at(path.getLeaf())) : notSplit(path.getLeaf());
        }
        if (!values.safe(m) || values.of(m.getReturnType()) != null || !values.splitArguments(path, m, scope)) {
            return null;
        }
        return inlined(path, m, receiver, null);
    }

    /** Field {@code f} of the split object at {@code path}. */
    Expr field(TreePath path, VariableElement f) {
        Tree tree = path.getLeaf();
        Position at = body.at(tree);
        if (tree instanceof ParenthesizedTree p) {
            return field(new TreePath(path, p.getExpression()), f);
        }
        if (tree instanceof TypeCastTree c) {
            return field(new TreePath(path, c.getExpression()), f);
        }
        if (tree instanceof ConditionalExpressionTree c) {
            return new Expr.Cond(body.expr(new TreePath(path, c.getCondition())),
                    field(new TreePath(path, c.getTrueExpression()), f), field(new TreePath(path, c.getFalseExpression()), f),
                    JType.of(f.asType()), at);
        }
        if (values.constant(path)) {
            return new Expr.FieldGet(body.expr(path), ClassRef.of((TypeElement) f.getEnclosingElement()),
                    f.getSimpleName().toString(), JType.of(f.asType()), !calls.accessible(f), at);
        }
        if (tree instanceof IdentifierTree id) {
            Map<VariableElement, Var> fields = id.getName().contentEquals("this") ? null : locals.get(trees.getElement(path));
            Var v = fields != null ? fields.get(f) : id.getName().contentEquals("this") ? body.fieldVar(f) : null;
            return v != null ? new Expr.Read(v, at) : notSplit(tree);
        }
        if (tree instanceof NewClassTree n) {
            return constructed(path, n, f, at);
        }
        MethodInvocationTree call = (MethodInvocationTree) tree;
        ExecutableElement m = (ExecutableElement) trees.getElement(path);
        return inlined(path, m, m.getModifiers().contains(Modifier.STATIC) ? null : values.receiver(path), f);
        // (an unqualified instance call, on this, split: its fields are this body's field variables)
    }

    /** Field {@code f} of {@code new C(args)}: the constructor's value for it, its parameters the arguments. */
    private Expr constructed(TreePath path, NewClassTree n, VariableElement f, Position at) {
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : n.getArguments()) {
            args.add(body.expr(new TreePath(path, a)));
        }
        return constructed(values.ctor((ExecutableElement) trees.getElement(path)), f, args, at);
    }

    /** Field {@code f} as constructor {@code c} sets it from arguments {@code args} (through this(...) too). */
    private Expr constructed(Values.Ctor c, VariableElement f, List<Expr> args, Position at) {
        JType type = JType.of(f.asType());
        if (c.delegate() != null) {
            List<Var> params = new ArrayList<>();
            List<Expr> inner = calls.reader().constructorArgs(c.element(), c.delegateArgs(), params, calls.site());
            Map<Var, Expr> given = parameters(params, args, at);
            return constructed(c.delegate(), f, inner.stream().map(e -> substitute(e, given)).toList(), at);
        }
        Integer index = c.params().get(f);
        if (index != null) {
            return converted(args.get(index), type, at);
        }
        TreePath value = c.values().get(f);
        if (value == null) {
            // a constant, or a field the constructor leaves with its default value
            return f.getConstantValue() != null ? new Expr.Const(f.getConstantValue(), type, at) : Exprs.defaultValue(type);
        }
        List<Var> params = new ArrayList<>();
        Expr read = calls.reader().constructorValue(c.element(), value, c.locals(), params, calls.site());
        return converted(substitute(read, parameters(params, args, at)), type, at);
    }

    /** Each parameter's variable given its argument, converted to its type. */
    private static Map<Var, Expr> parameters(List<Var> params, List<Expr> args, Position at) {
        Map<Var, Expr> out = new HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put(params.get(i), converted(args.get(i), params.get(i).type, at));
        }
        return out;
    }

    private static Expr converted(Expr e, JType type, Position at) {
        return type.isPrimitive() && !e.type().sameAs(type) ? new Expr.Cast(type, e, at) : e;
    }

    /** {@code e} with each read of a variable of {@code args} replaced by its expression. */
    static Expr substitute(Expr e, Map<Var, Expr> args) {
        if (e instanceof Expr.Read r && args.containsKey(r.var())) {
            return args.get(r.var());
        }
        return Exprs.map(e, c -> substitute(c, args));
    }

    /**
     * The call at {@code path} of {@code m}, inlined: on a split receiver (null: this, split, or a
     * static method), whose fields come first among the arguments; read for field {@code f} of its
     * result when {@code f} is given.
     */
    private Expr inlined(TreePath path, ExecutableElement m, TreePath receiver, VariableElement f) {
        Position at = body.at(path.getLeaf());
        List<Expr> args = new ArrayList<>();
        List<JType> types = new ArrayList<>();
        boolean data = receiver != null && values.onData(receiver, m, scope);
        Expr self = null;
        if (data) {
            // an object whose fields are data (a projection): read from it where the method is inlined
            Var built = hoisted.get(receiver.getLeaf());
            self = built != null ? new Expr.Read(built, at) : body.expr(receiver);
            Expr refused = calls.dataReceiver(m, self, at, body);
            if (refused != null) {
                return refused;
            }
        } else if (!m.getModifiers().contains(Modifier.STATIC)) {
            for (VariableElement field : values.of(m.getEnclosingElement().asType()).fields()) {
                if (receiver == null && body.fieldVar(field) == null) {
                    return notSplit(path.getLeaf());
                }
                args.add(receiver != null ? field(receiver, field) : new Expr.Read(body.fieldVar(field), at));
                types.add(JType.of(field.asType()));
            }
        }
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        if (m.isVarArgs()) {
            // its values would be packed into an array, which the split parameters' positions do not count
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through the "
                    + "variable-arity method " + Calls.describe(m) + " on a value object split into its fields; give it "
                    + "an array parameter instead");
        }
        java.util.Map<Integer, Expr.Const> given = new java.util.TreeMap<>();
        for (int i = 0; i < call.getArguments().size(); i++) {
            TreePath arg = new TreePath(path, call.getArguments().get(i));
            if (values.splitParams(m).contains(i)) {
                // a parameter the helper reads as a split object: the argument's fields
                for (VariableElement field : values.of(m.getParameters().get(i).asType()).fields()) {
                    args.add(field(arg, field));
                    types.add(JType.of(field.asType()));
                }
                continue;
            }
            args.add(body.expr(arg));
            types.add(JType.of(m.getParameters().get(i).asType()));
            if (args.get(args.size() - 1) instanceof Expr.Const c && c.value() instanceof Boolean) {
                given.put(i, c); // a flag: the method read for it (read/Given)
            }
        }
        String key = calls.valueHelper(m, f, data, body.catches.handlers(), given);
        if (key == null) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot inline " + Calls.describe(m)
                    + " on a value object split into its fields: the adjoint class cannot name a type of its signature");
        }
        JType type = f != null ? JType.of(f.asType()) : JType.of(trees.getTypeMirror(path));
        return new Expr.Call(new Callee.Inline(key, m.getSimpleName().toString(), types,
                ClassRef.of((TypeElement) m.getEnclosingElement())), self, args, type, at);
    }

    /**
     * The refusal of a read of an object's fields as split variables where it is not split (a
     * guard: {@link Values} decides before reading, so none is known to reach it).
     */
    private Expr notSplit(Tree tree) {
        return body.unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot follow the fields of " + tree
                + " here: Adjoint splits an object into its fields only where it is built and changed under one name; "
                + "compute with its fields as doubles instead");
    }

    /** The refusal of a use of a split local that {@link Values} did not foresee (a guard: none is known). */
    Expr misused(Tree tree, Element local) {
        if (functions.holds(local)) {
            return functions.misused(tree);
        }
        if (fractions.holds(local)) {
            return fractions.misused(tree);
        }
        return body.unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot use the value object " + tree
                + " here: Adjoint splits it into its fields to follow their derivatives, and only its fields can be "
                + "read and its methods called; pass the fields it needs instead");
    }
}
