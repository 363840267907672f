package dev.adjoint.processor.read;

import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.find.Access;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.find.Records;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Stage 2, read: translates a method's body into the IR, resolving names and types with javac's
 * {@link Trees} (which attributes the class: this runs only once the class's adjoint API class
 * exists, see {@code contract.Naming}). It refuses nothing itself; the fence does.
 */
public final class Reader {

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    private final MethodPaths paths;
    private final CustomDerivatives custom;
    private final Catalog catalog;
    /** The key of the {@code @Differentiable} method being read, its helpers included. */
    private String outermostKey;
    private final Values values;

    public Reader(Trees trees, Elements elements, Types types, MethodPaths paths, CustomDerivatives custom,
            Catalog catalog) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
        this.paths = paths;
        this.custom = custom;
        this.catalog = catalog;
        this.values = new Values(trees, elements, types, paths, catalog);
    }

    Values values() {
        return values;
    }

    /**
     * The IR of a {@code @Differentiable} method, with the inputs its plan differentiates (or of a
     * recursive helper planned as one).
     */
    public MethodIr read(ExecutableElement method, MethodPlan plan) {
        outermostKey = plan.key();
        List<MethodIr.Param> params = new ArrayList<>();
        List<Stmt> body = new ArrayList<>();
        // a recursive helper of another class is read from the site it was planned for (find/Keys.at)
        String site = dev.adjoint.processor.find.Keys.site(plan.key());
        TypeElement siteType = site != null ? elements.getTypeElement(site) : outermost(method);
        BodyReader reader = bodyReader(method, params, body, siteType);
        Access access = new Access(elements, elements.getPackageOf(siteType));
        List<MethodIr.Input> inputs = new ArrayList<>();
        Var self = null;
        List<MethodIr.Param> fieldParams = new ArrayList<>();
        if (plan.isInstance()) {
            // the receiver, and each differentiated field of it as a parameter of the implementation
            TypeElement owner = (TypeElement) method.getEnclosingElement();
            // held as a class the adjoint class can name (a private nested class's base): read through bridges
            self = new Var(plan.names().self(), plan.receiver(), Var.Role.PARAM);
            reader.receiver(self, null);
            reader.stores.into(dev.adjoint.processor.contract.Naming.implClass(plan.owner()), self);
            guard(method, self, body, plan.receiverHeldAsBase());
            List<MethodPlan.GradientField> fields = plan.receiverFields();
            for (int i = 0; i < fields.size(); i++) {
                MethodPlan.GradientField f = fields.get(i);
                Var var = new Var(plan.names().receiverLocals().get(i), f.type(), Var.Role.PARAM);
                VariableElement element = field(owner, f.name());
                reader.bind(element, var);
                fieldParams.add(new MethodIr.Param(var));
                TypeElement declaring = (TypeElement) element.getEnclosingElement();
                boolean hidden = !access.accessible(element);
                if (hidden && !access.nameable(declaring)) {
                    catalog.lookedUpByName(access.site().getQualifiedName().toString()).add(ClassRef.of(declaring));
                }
                Expr load = new Expr.FieldGet(new Expr.Read(self), ClassRef.of(declaring), f.name(), f.type(), hidden, null);
                inputs.add(new MethodIr.Input(var, load, List.of(f.name()), true, true));
            }
        }
        for (MethodPlan.GradientField f : plan.fields()) {
            if (f.parameter() >= 0) {
                Var var = params.get(f.parameter()).var();
                if (f.record() != null) {
                    // a record: each component a variable, loaded at entry, its leaves differentiated
                    expand(var, Records.of(method.getParameters().get(f.parameter()).asType()), List.of(f.name()),
                            reader, inputs, true);
                } else {
                    inputs.add(new MethodIr.Input(var, null, List.of(f.name()), true, false));
                }
            }
        }
        body.addAll(readBody(method, reader));
        List<MethodIr.Param> all = new ArrayList<>(fieldParams);
        all.addAll(params);
        return new MethodIr(plan.key(), plan.name(), plan.owner(), List.copyOf(all), self, List.copyOf(inputs),
                List.copyOf(body), plan.vector(), Position.of(method));
    }

    /**
     * The components of record variable {@code record}, each a variable of its own: loaded at
     * entry from the record (a method's input, {@code loaded}) or a parameter its callers fill (a
     * helper's). Nested records are expanded in turn, depth first.
     */
    private static void expand(Var record, List<Records.Component> components, List<String> path, BodyReader reader,
            List<MethodIr.Input> out, boolean loaded) {
        for (Records.Component c : components) {
            Var v = new Var(c.name(), c.type(), loaded ? Var.Role.LOCAL : Var.Role.PARAM);
            List<String> at = new ArrayList<>(path);
            at.add(c.name());
            Expr load = !loaded ? null : accessor(record, c);
            out.add(new MethodIr.Input(v, load, List.copyOf(at), loaded && !c.isRecord(), false, record));
            reader.bindComponent(record, c.name(), v);
            if (c.isRecord()) {
                expand(v, c.nested(), at, reader, out, loaded);
            }
        }
    }

    /** {@code record.name()}: a component's accessor, read-only. */
    static Expr accessor(Var record, Records.Component c) {
        TypeElement owner = (TypeElement) c.accessor().getEnclosingElement();
        return new Expr.Call(new dev.adjoint.processor.ir.Callee.Opaque(ClassRef.of(owner), c.name(), List.of(), c.type(),
                false, false, true), new Expr.Read(record), List.of(), c.type(), null);
    }

    /** The field {@code name} of {@code type} or of its nearest superclass that has one. */
    static VariableElement field(TypeElement type, String name) {
        for (TypeElement t = type; t != null; ) {
            for (Element e : t.getEnclosedElements()) {
                if (e.getKind() == javax.lang.model.element.ElementKind.FIELD && e.getSimpleName().contentEquals(name)) {
                    return (VariableElement) e;
                }
            }
            t = t.getSuperclass() instanceof javax.lang.model.type.DeclaredType d
                    && d.asElement() instanceof TypeElement up ? up : null;
        }
        throw new IllegalStateException("no field " + name + " in " + type);
    }

    /**
     * Reads a method the normal form will inline (once per build and key), into the catalog, as code
     * of the adjoint class of {@code site} (the top-level class of the {@code @Differentiable} method
     * it is inlined into). An instance method's fields are parameters its callers fill (the caller's
     * variables for its own fields), or, with {@code selfIsData}, read from the receiver: another
     * object than the caller's, whose fields are data. {@code around}: what it is read for at the call.
     */
    void helper(ExecutableElement method, String key, TypeElement site, boolean selfIsData, Around around) {
        if (catalog.reading(key)) {
            return;
        }
        catalog.putHelper(key, null); // being read: a recursive call finds it here
        List<MethodIr.Param> params = new ArrayList<>();
        List<Stmt> body = new ArrayList<>();
        BodyReader reader = bodyReader(method, params, body, site);
        reader.catches.enter(around.caught());
        reader.calls.exactSelf(around.exact());
        Var self = null;
        List<VariableElement> fields = new ArrayList<>();
        if (!method.getModifiers().contains(javax.lang.model.element.Modifier.STATIC)) {
            // an instance helper: the fields it reads become parameters its callers fill
            TypeElement owner = (TypeElement) method.getEnclosingElement();
            // an object whose class is known: held as one (its calls on this are that class's)
            self = new Var("this", around.exact() != null ? JType.of(types.erasure(around.exact().asType()))
                    : JType.of(new Access(elements, elements.getPackageOf(site)).heldAs(owner, types)), Var.Role.PARAM);
            if (selfIsData) {
                reader.receiverAsData(self); // another object's: its fields are read from it
            } else {
                reader.receiver(self, fields);
            }
            if (around.exact() == null) {
                guard(method, self, body, false); // an object of exactly its class runs this body: no guard
            }
        }
        // a record parameter with differentiable components: each component a parameter of its own
        List<MethodIr.Input> components = new ArrayList<>();
        List<Catalog.Component> expanded = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            List<Records.Component> rc = Records.of(method.getParameters().get(i).asType());
            if (!rc.isEmpty()) {
                int before = components.size();
                expand(params.get(i).var(), rc, List.of(params.get(i).name()), reader, components, false);
                for (MethodIr.Input c : components.subList(before, components.size())) {
                    expanded.add(new Catalog.Component(i, chain(rc, c.path().subList(1, c.path().size()))));
                }
            }
        }
        // a lambda given for a parameter: its calls read its body, its captured values parameters in its place
        List<MethodIr.Param> captured = new ArrayList<>();
        around.functions().forEach((i, f) -> {
            List<Var> vars = new ArrayList<>();
            reader.values().functions().bind(parameter(method, i),
                    f.rebound(method.getParameters().get(i).getSimpleName().toString(), vars));
            vars.forEach(v -> captured.add(new MethodIr.Param(v)));
        });
        body.addAll(readBody(method, reader));
        body = Given.apply(body, params, around.given());
        List<MethodIr.Param> all = new ArrayList<>();
        for (VariableElement f : fields) {
            all.add(new MethodIr.Param(reader.fieldVar(f)));
        }
        for (int i = 0; i < params.size(); i++) {
            if (!around.functions().containsKey(i)) {
                all.add(params.get(i));
            }
        }
        all.addAll(captured);
        components.forEach(c -> all.add(new MethodIr.Param(c.var())));
        catalog.putFieldParams(key, List.copyOf(fields));
        catalog.putComponents(key, List.copyOf(expanded));
        catalog.putHelper(key, new MethodIr(key, method.getSimpleName().toString(),
                ClassRef.of((TypeElement) method.getEnclosingElement()), List.copyOf(all), self, List.copyOf(components),
                List.copyOf(body), JType.of(method.getReturnType()).isDoubleArray(), Position.of(method)));
    }

    /**
     * Reads a method of an anonymous class the normal form will inline (read/Fractions), as code of
     * the adjoint class of {@code site}: the variables it captures from the method around are its
     * first parameters, in the order of {@code captured}, then its own.
     */
    void captured(ExecutableElement method, String key, TypeElement site, List<Element> captured,
            Fractions.Context object) {
        if (catalog.reading(key)) {
            return;
        }
        catalog.putHelper(key, null);
        List<MethodIr.Param> params = new ArrayList<>();
        BodyReader reader = bodyReader(method, params, new ArrayList<>(), site);
        List<MethodIr.Param> all = new ArrayList<>();
        for (Element c : captured) {
            Var v = new Var(c.getSimpleName().toString(), JType.of(c.asType()), Var.Role.PARAM);
            reader.bind(c, v);
            all.add(new MethodIr.Param(v));
        }
        all.addAll(params);
        if (object != null) {
            // a method of the object's superclass: its calls on this go to the object's methods
            reader.values().fractions().within(object, all.subList(0, captured.size()).stream().map(MethodIr.Param::var).toList());
        }
        List<Stmt> body = readBody(method, reader);
        catalog.putFieldParams(key, List.of());
        catalog.putComponents(key, List.of());
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        TypeElement named = owner.getNestingKind() == javax.lang.model.element.NestingKind.ANONYMOUS
                ? (TypeElement) types.asElement(owner.getSuperclass()) : owner;
        catalog.putHelper(key, new MethodIr(key, method.getSimpleName().toString(), ClassRef.of(named),
                List.copyOf(all), null, List.of(), List.copyOf(body), false, Position.of(method)));
    }

    /**
     * Reads the code of a function (read/Functions) as a helper the normal form will inline, as code
     * of the adjoint class of {@code site}: its captured values are its first parameters, then its
     * own. A lambda's expression is what it returns; a method reference is a call of the method.
     * {@code name}: the function's where it is first called ({@code f}), its value's in the code.
     */
    void lambda(Functions.Held function, String key, String name, TypeElement site) {
        if (catalog.reading(key)) {
            return;
        }
        Functions.Lambda lambda = function.lambda();
        catalog.putHelper(key, null);
        TreePath code = lambda.code();
        Calls calls = new Calls(trees, elements, types, paths, custom, catalog, this, site);
        BodyReader reader = new BodyReader(trees, calls, lambda.path().getCompilationUnit(), values);
        reader.catches.inFunction();
        List<MethodIr.Param> all = new ArrayList<>();
        for (Element c : lambda.captured()) {
            if (!function.inner().containsKey(c)) {
                Var v = new Var(c.getSimpleName().toString(), JType.of(c.asType()), Var.Role.PARAM);
                reader.bind(c, v);
                all.add(new MethodIr.Param(v));
            }
        }
        // the functions it captures: their values its next parameters, in the order Functions.Held.flat gives them
        List<Var> functions = new ArrayList<>();
        function.inner().forEach((e, h) -> reader.values().functions().bind(e, h.rebound(e.getSimpleName().toString(),
                functions)));
        functions.forEach(v -> all.add(new MethodIr.Param(v)));
        ExecutableType signature = (ExecutableType) types.asMemberOf(lambda.type(trees), lambda.sam());
        List<Stmt> body;
        if (code == null) {
            // C::m: return m(its parameters)
            ExecutableElement m = lambda.referenced();
            List<Expr> args = new ArrayList<>();
            for (VariableElement p : m.getParameters()) {
                Var v = new Var(p.getSimpleName().toString(), JType.of(p.asType()), Var.Role.PARAM);
                all.add(new MethodIr.Param(v));
                args.add(new Expr.Read(v, reader.at(lambda.path().getLeaf())));
            }
            body = List.of(new Stmt.Return(calls.referenced(m, args, reader.at(lambda.path().getLeaf()), reader),
                    reader.at(lambda.path().getLeaf()), "return " + BodyReader.sourceOf(lambda.path().getLeaf())));
        } else {
            Tree tree = code.getLeaf();
            List<? extends VariableTree> params = tree instanceof LambdaExpressionTree l ? l.getParameters()
                    : ((MethodTree) tree).getParameters();
            for (VariableTree p : params) {
                Element e = trees.getElement(new TreePath(code, p));
                Var v = new Var(p.getName().toString(), JType.of(e.asType()), Var.Role.PARAM);
                reader.bind(e, v);
                all.add(new MethodIr.Param(v));
            }
            Tree inner = tree instanceof LambdaExpressionTree l ? l.getBody() : ((MethodTree) tree).getBody();
            TreePath path = new TreePath(code, inner);
            reader.values().enter(values.scope(path, false, false), null);
            body = tree instanceof LambdaExpressionTree l && l.getBodyKind() == LambdaExpressionTree.BodyKind.EXPRESSION
                    ? List.of(new Stmt.Return(reader.expr(path), reader.at(inner), "return " + BodyReader.sourceOf(inner)))
                    : oneArrayReturn(reader.block(path));
        }
        catalog.putFieldParams(key, List.of());
        catalog.putComponents(key, List.of());
        catalog.putHelper(key, new MethodIr(key, name, ClassRef.of(lambda.owner()), List.copyOf(all), null, List.of(),
                List.copyOf(body), JType.of(signature.getReturnType()).isDoubleArray(), reader.at(lambda.path().getLeaf())));
    }

    /** The element of {@code method}'s parameter {@code i} as its body sees it (javac's own symbol for the tree). */
    private Element parameter(ExecutableElement method, int i) {
        TreePath path = paths.of(method);
        Element e = trees.getElement(new TreePath(path, ((MethodTree) path.getLeaf()).getParameters().get(i)));
        return e != null ? e : method.getParameters().get(i);
    }

    /** The members of {@code type}, inherited ones too. */
    List<? extends Element> members(TypeElement type) {
        return elements.getAllMembers(type);
    }

    /** Whether {@code type} has source in this compilation. */
    boolean hasSource(TypeElement type) {
        return paths.hasSource(type);
    }

    /** Whether {@code method} has a body in this compilation's source. */
    boolean hasSource(ExecutableElement method) {
        return !method.getModifiers().contains(Modifier.ABSTRACT) && paths.of(method) != null;
    }

    /** Whether {@code m} overrides {@code other} in {@code m}'s class. */
    boolean overrides(ExecutableElement m, ExecutableElement other) {
        return m.getSimpleName().equals(other.getSimpleName())
                && elements.overrides(m, other, (TypeElement) m.getEnclosingElement());
    }

    /** Whether a helper is read (or being read) under {@code key}. */
    boolean hasHelper(String key) {
        return catalog.helpers().containsKey(key);
    }

    /** Puts a helper written by the reader itself (read/Fractions' loop). */
    void putHelper(String key, MethodIr ir) {
        catalog.putHelper(key, ir);
    }

    /** The class named {@code name} on the class path, or null. */
    TypeElement type(String name) {
        return elements.getTypeElement(name);
    }

    /** {@code type}'s binary name ({@code demo.Gamma$1} for an anonymous class). */
    String binaryName(TypeElement type) {
        return elements.getBinaryName(type).toString();
    }

    /**
     * Reads a method the normal form will inline on a split value object ({@link ValueReads}):
     * an instance method's fields are its first parameters, filled with the object's fields; with
     * {@code field}, a method returning a value object is read for that field of its result.
     * {@code around}: what it is read for at the call (as for {@link #helper}).
     */
    void valueHelper(ExecutableElement method, String key, TypeElement site, VariableElement field, boolean selfIsData,
            Around around) {
        if (catalog.reading(key)) {
            return;
        }
        catalog.putHelper(key, null);
        List<MethodIr.Param> params = new ArrayList<>();
        List<Stmt> body = new ArrayList<>();
        BodyReader reader = bodyReader(method, params, body, site);
        reader.catches.enter(around.caught());
        List<MethodIr.Param> all = new ArrayList<>();
        boolean instance = !method.getModifiers().contains(Modifier.STATIC);
        Var self = null;
        if (selfIsData) {
            // a method of another object (a projection's): its fields are data read from it
            TypeElement owner = (TypeElement) method.getEnclosingElement();
            self = new Var("this", JType.of(new Access(elements, elements.getPackageOf(site)).heldAs(owner, types)),
                    Var.Role.PARAM);
            reader.receiverAsData(self);
            if (around.exact() == null) {
                guard(method, self, body, false); // an object of exactly its class runs this body: no guard
            }
        } else if (instance) {
            TypeElement owner = (TypeElement) method.getEnclosingElement();
            reader.receiver(new Var("this", JType.of(owner.asType()), Var.Role.PARAM), null);
            for (VariableElement f : values.of(owner.asType()).fields()) {
                Var v = new Var(f.getSimpleName().toString(), JType.of(f.asType()), Var.Role.PARAM);
                reader.bind(f, v);
                all.add(new MethodIr.Param(v));
            }
        }
        Values.Scope scope = values.methodScope(method); // the scope splitParams and the callers saw
        // another object's method: its this is that object, not split (its calls on this are its own methods')
        reader.values().enter(selfIsData ? new Values.Scope(scope.locals(), scope.returns(), false, scope.filled()) : scope,
                field);
        Set<Integer> split = values.splitParams(method);
        // a void method filling a parameter (GeoMath.sum(p, u, v)), read for one field: what it leaves in p
        int filled = field != null ? values.scopes().voidFills(method) : -1;
        for (int i = 0; i < params.size(); i++) {
            if (!split.contains(i)) {
                all.add(params.get(i));
                continue;
            }
            // a parameter read as a split object: its fields are parameters in its place
            Map<VariableElement, Var> fields = new LinkedHashMap<>();
            for (VariableElement f : values.of(method.getParameters().get(i).asType()).fields()) {
                Var v = new Var(params.get(i).name() + "_" + f.getSimpleName(), JType.of(f.asType()), Var.Role.PARAM);
                fields.put(f, v);
                all.add(new MethodIr.Param(v));
            }
            reader.values().bind(values.parameter(method, i), fields);
            if (i == filled) {
                reader.values().leftIn(fields);
            }
        }
        body.addAll(readBody(method, reader));
        body = new ArrayList<>(Given.apply(body, params, around.given()));
        if (field != null && method.getReturnType().getKind() == javax.lang.model.type.TypeKind.VOID) {
            // a void method that changes its object (or fills a parameter), read for one field: what it leaves there,
            // as a return; would
            body.add(new Stmt.Return(reader.values().returned(null, Position.of(method)), Position.of(method), null));
        }
        catalog.putFieldParams(key, List.of());
        catalog.putComponents(key, List.of());
        JType result = field != null ? JType.of(field.asType()) : JType.of(method.getReturnType());
        catalog.putHelper(key, new MethodIr(key, method.getSimpleName() + (field != null ? "_" + field.getSimpleName() : ""),
                ClassRef.of((TypeElement) method.getEnclosingElement()), List.copyOf(all), self, List.of(),
                List.copyOf(body), result.isDoubleArray(), Position.of(method)));
    }

    /**
     * A simple constructor's value for a field (the expression at {@code value}, in its body), read
     * as code of the adjoint class of {@code site}; the variables of its parameters go into {@code params}.
     */
    Expr constructorValue(ExecutableElement ctor, TreePath value, List<TreePath> locals, List<Var> params,
            TypeElement site) {
        List<MethodIr.Param> declared = new ArrayList<>();
        BodyReader reader = bodyReader(ctor, declared, new ArrayList<>(), site);
        declared.forEach(p -> params.add(p.var()));
        // the constructor's locals, each replaced by its value (in terms of the parameters) where read
        Map<Var, Expr> known = new java.util.HashMap<>();
        for (TreePath local : locals) {
            Stmt.Declare d = (Stmt.Declare) reader.statement(local, null);
            known.put(d.var(), ValueReads.substitute(d.init(), known));
        }
        return ValueReads.substitute(reader.expr(value), known);
    }

    /** The arguments a constructor passes to {@code this(...)}, read with its parameters' variables put in {@code params}. */
    List<Expr> constructorArgs(ExecutableElement ctor, List<TreePath> args, List<Var> params, TypeElement site) {
        List<MethodIr.Param> declared = new ArrayList<>();
        BodyReader reader = bodyReader(ctor, declared, new ArrayList<>(), site);
        declared.forEach(p -> params.add(p.var()));
        return args.stream().map(reader::expr).toList();
    }

    /** The key of the {@code @Differentiable} method being read. */
    String outermostKey() {
        return outermostKey;
    }

    /** The components along {@code path} (names) from {@code top}. */
    private static List<Records.Component> chain(List<Records.Component> top, List<String> path) {
        List<Records.Component> out = new ArrayList<>();
        List<Records.Component> level = top;
        for (String name : path) {
            Records.Component c = level.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            out.add(c);
            level = c.isRecord() ? c.nested() : List.of();
        }
        return out;
    }

    /**
     * What a helper is read for at a call, apart from its other calls (its key's suffix says it): the
     * catches around the call that take the checked exceptions it lets out (read/Catches), read into
     * its throws; the {@code boolean} constants the call passes, by parameter (read/Given); the class
     * of the object, where it is known exactly, whose methods its calls on this run (read/ExactClass).
     */
    record Around(List<Catches.Handler> caught, Map<Integer, Expr.Const> given, TypeElement exact,
            Map<Integer, Functions.Held> functions) {
        Around(List<Catches.Handler> caught, Map<Integer, Expr.Const> given, TypeElement exact) {
            this(caught, given, exact, Map.of());
        }

        String suffix(Catalog catalog) {
            StringBuilder lambdas = new StringBuilder();
            functions.forEach((i, f) -> lambdas.append("#fn").append(i).append('=').append(f.shape()));
            return (caught.isEmpty() ? "" : catalog.catchContext(caught)) + Given.suffix(given)
                    + (exact == null ? "" : "#exact:" + exact.getQualifiedName()) + lambdas;
        }
    }

    private BodyReader bodyReader(ExecutableElement method, List<MethodIr.Param> params, List<Stmt> prologue,
            TypeElement site) {
        TreePath path = paths.of(method);
        Calls calls = new Calls(trees, elements, types, paths, custom, catalog, this, site);
        BodyReader reader = new BodyReader(trees, calls, path.getCompilationUnit(), values);
        MethodTree tree = (MethodTree) path.getLeaf();
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement p = method.getParameters().get(i);
            // the parameter's element as the body sees it (javac's own symbol for the tree)
            Element bodyElement = trees.getElement(new TreePath(path, tree.getParameters().get(i)));
            Var var = new Var(p.getSimpleName().toString(), JType.of(p.asType()), Var.Role.PARAM);
            reader.bind(bodyElement != null ? bodyElement : p, var);
            params.add(new MethodIr.Param(var));
        }
        return reader;
    }

    /**
     * A subclass may override an instance method, and then runs a body whose derivative was not
     * generated: a method that can be overridden starts with {@code Overrides.check(self, owner,
     * signature)}, which refuses such an object (see {@code dev.adjoint.internal.Overrides}). So does
     * every method whose receiver generated code holds {@code asBase} (a private nested class's
     * object as its base), which refuses an object of another class.
     */
    private void guard(ExecutableElement method, Var self, List<Stmt> body, boolean asBase) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        Set<Modifier> modifiers = method.getModifiers();
        if (!asBase && (modifiers.contains(Modifier.PRIVATE)
                || modifiers.contains(Modifier.FINAL)
                || owner.getModifiers().contains(Modifier.FINAL)
                || owner.getKind() == ElementKind.RECORD)) {
            return;
        }
        StringBuilder signature = new StringBuilder(method.getSimpleName()).append('(');
        for (int i = 0; i < method.getParameters().size(); i++) {
            signature.append(i == 0 ? "" : ",").append(typeName(types.erasure(method.getParameters().get(i).asType())));
        }
        signature.append(')');
        Position at = Position.of(method);
        JType result = JType.of(types.getNoType(TypeKind.VOID));
        Callee check = new Callee.Opaque(ClassRef.of("dev.adjoint.internal", "Overrides"), "check",
                List.of(JType.OBJECT, JType.STRING, JType.STRING), result, true, false, true);
        body.add(new Stmt.Eval(new Expr.Call(check, null, List.of(new Expr.Read(self, at),
                new Expr.Const(elements.getBinaryName(owner).toString(), JType.STRING, at),
                new Expr.Const(signature.toString(), JType.STRING, at)), result, at), at, null));
    }

    /** A type's name as {@code Class.getTypeName()} gives it: {@code double[]}, {@code demo.Outer$Inner}. */
    private String typeName(TypeMirror type) {
        if (type instanceof ArrayType a) {
            return typeName(a.getComponentType()) + "[]";
        }
        if (type instanceof DeclaredType d && d.asElement() instanceof TypeElement t) {
            return elements.getBinaryName(t).toString();
        }
        return type.toString();
    }

    private List<Stmt> readBody(ExecutableElement method, BodyReader reader) {
        TreePath path = paths.of(method);
        MethodTree tree = (MethodTree) path.getLeaf();
        if (!reader.values().entered()) {
            reader.values().enter(values.scope(new TreePath(path, tree.getBody()), false, false), null);
        }
        return oneArrayReturn(reader.block(new TreePath(path, tree.getBody())));
    }

    /**
     * A method returning the array it creates from early returns too (Smile's kernels:
     * {@code if (dist == 0.0) { g[0] = 0; g[1] = 0; return g; }} before the final {@code return g;}):
     * its statements after the array's declaration in a labelled block, each early {@code return g}
     * a {@code break} out of it, so that the method ends with its only return as the reverse sweep
     * needs. Any other body is left as it is (and the fence says what it needs).
     */
    static List<Stmt> oneArrayReturn(List<Stmt> body) {
        if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Stmt.Return last)
                || !(last.value() instanceof Expr.Read read) || !read.var().type.isDoubleArray()) {
            return body;
        }
        Var array = read.var();
        int declared = -1;
        for (int i = 0; i < body.size(); i++) {
            if (body.get(i) instanceof Stmt.Declare d && d.var() == array) {
                declared = i;
            }
        }
        if (declared < 0) {
            return body;
        }
        if (Stmts.assigns(body.subList(0, body.size() - 1), array)) {
            return body; // another array given the name
        }
        List<Stmt> after = body.subList(declared + 1, body.size() - 1);
        Set<Stmt> afterDeclaration = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        afterDeclaration.addAll(Stmts.all(after));
        boolean early = false;
        // every label in the body: the new block's must differ from a loop's too, or an early return inside a
        // loop labelled so would leave only that loop
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (Stmt s : Stmts.all(body.subList(0, body.size() - 1))) {
            if (s instanceof Stmt.Return r) {
                if (!(r.value() instanceof Expr.Read x && x.var() == array) || !afterDeclaration.contains(s)) {
                    return body; // another value returned, or a return before the array exists
                }
                early = true;
            }
            String named = s instanceof Stmt.Block b ? b.label() : s instanceof Stmt.Loop l ? l.label()
                    : s instanceof Stmt.ForEach f ? f.label() : null;
            if (named != null) {
                labels.add(named);
            }
        }
        if (!early) {
            return body;
        }
        String label = "returns";
        while (labels.contains(label)) {
            label += "_";
        }
        String out = label;
        List<Stmt> rewritten = new ArrayList<>(body.subList(0, declared + 1));
        rewritten.add(new Stmt.Block(out, Stmts.mapAll(after, s -> s instanceof Stmt.Return r ? new Stmt.Break(out, r.pos()) : s)));
        rewritten.add(last);
        return List.copyOf(rewritten);
    }

    private static TypeElement outermost(ExecutableElement method) {
        TypeElement out = (TypeElement) method.getEnclosingElement();
        for (Element e = out; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            out = t;
        }
        return out;
    }
}
