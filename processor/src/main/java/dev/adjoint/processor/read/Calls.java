package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.Access;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * Library classes with Math's names and contracts (values within an ulp or so of Math's): their
     * functions are differentiated as Math's, and called as written in the forward sweep.
     */
    static final Set<String> MATH_LIKE = Set.of("org.apache.commons.math3.util.FastMath",
            "org.apache.commons.math.util.FastMath", "org.apache.commons.math4.core.jdkmath.AccurateMath",
            "org.apache.commons.math4.core.jdkmath.JdkMath", "org.hipparchus.util.FastMath", "net.jafama.FastMath",
            "net.jafama.StrictFastMath");

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    /** The class of this object, where it is known exactly (see {@link #exactSelf}), or null. */
    private TypeElement exactSelf;
    private final MethodPaths paths;
    private final CustomDerivatives custom;
    private final Catalog catalog;
    private final Reader reader;
    /** The site: the top-level class of the {@code @Differentiable} method being read, helpers included. */
    private final TypeElement site;
    private final CallerObjects callers;
    /** What the adjoint class, in the site's package, can name. */
    private final Access access;
    private final Effects effects;

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
        this.callers = new CallerObjects(types, site);
        this.access = new Access(elements, elements.getPackageOf(site));
        this.effects = new Effects(trees, elements, types, paths, catalog);
    }

    Access access() { return access; }
    Types types() { return types; }
    CallerObjects callers() { return callers; }

    /** In the body of a method of an object whose class is known to be exactly {@code exact}: its calls on this are that class's. */
    void exactSelf(TypeElement exact) {
        this.exactSelf = exact;
    }

    /** Notes that the derivative code repeats a use of a deprecated {@code e} (find/Deprecations). */
    void noteDeprecated(Element e) {
        java.util.Optional.ofNullable(dev.adjoint.processor.find.Deprecations.warning(e, elements))
                .ifPresent(catalog.deprecatedUses(access.site().getQualifiedName().toString())::add);
    }

    /**
     * A method call. One that stays a call in the generated code (not inlined) and declares a checked
     * exception must let it out of the {@code @Differentiable} method, whose generated members
     * declare it: not inside a {@code try}, which they do not keep (read/Catches), nor in a lambda.
     */
    Expr invocation(TreePath path, BodyReader body) {
        Expr read = call(path, body);
        String checked = read instanceof Expr.Call c && !(c.callee() instanceof Callee.Inline)
                && trees.getElement(path) instanceof ExecutableElement m ? Catches.declared(m) : null;
        if (checked != null && !body.catches.letsOutCalls()) {
            return body.unsupportedExpr(path.getLeaf(), Tag.AdjointUnsupportedCall, "cannot call "
                    + describe((ExecutableElement) trees.getElement(path)) + " here: it declares the checked " + checked
                    + ", and Adjoint does not read its body to see where it throws; the generated code, which calls "
                    + "it as written and keeps no try, could not catch it here; make it a helper of this build whose "
                    + "body Adjoint inlines, or call it outside the try (or the lambda)");
        }
        return read;
    }

    private Expr call(TreePath path, BodyReader body) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        Position at = body.at(call);
        Element el = trees.getElement(path);
        if (!(el instanceof ExecutableElement called)) {
            return body.unresolved(call, "method " + call.getMethodSelect());
        }
        ExecutableElement viaConstant = MethodReferences.referenced(trees, types, path, called); // EXP = Math::exp
        ExecutableElement method = viaConstant != null ? viaConstant : called;
        noteDeprecated(method);
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        String name = method.getSimpleName().toString();
        Expr receiver = null;
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            if (Dispatch.viaSuper(call) && body.selfIsData()) {
                return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, Dispatch.viaSuper(method));
            }
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
            Expr function = body.values().functions().passed(new TreePath(path, a), method); // a lambda: read/Functions
            args.add(function != null ? function : body.expr(new TreePath(path, a)));
        }
        TypeMirror mirror = trees.getTypeMirror(path);
        JType type = JType.of(mirror != null && mirror.getKind() != TypeKind.ERROR ? mirror : method.getReturnType());
        List<JType> parameterTypes = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            parameterTypes.add(JType.of(p.asType()));
        }
        List<JType.Kind> kinds = kinds(method);
        ClassRef ownerRef = ClassRef.of(owner);
        Expr math = mathCall(owner, name, kinds, args, at);
        if (math != null) {
            return math;
        }
        Expr boxed = Builtins.ofDouble(ownerName, name, kinds, receiver, args, at);
        if (boxed != null) {
            return boxed; // a boxed Double's methods, read as the double's
        }
        if (ownerName.equals("dev.adjoint.Adjoint") && name.equals("stopGradient")) {
            return new Expr.StopGradient(args.get(0), at);
        }
        String key = Keys.of(method, types);
        boolean varargs = method.isVarArgs();
        if (varargs && hasBody(method) && method.getAnnotation(Differentiable.class) == null && custom.of(key) == null
                && parameterTypes.get(parameterTypes.size() - 1).isDoubleArray()) {
            // a helper taking double... (max(a, b, c)): its values packed into the array it receives
            int fixed = parameterTypes.size() - 1;
            if (!(args.size() == fixed + 1 && args.get(fixed).type().isDoubleArray())) {
                Expr packed = new Expr.ArrayLit(JType.DOUBLE_ARRAY, List.copyOf(args.subList(fixed, args.size())), at);
                args = new ArrayList<>(args.subList(0, fixed));
                args.add(packed);
            }
            varargs = false;
        }
        if (varargs && (method.getAnnotation(Differentiable.class) != null || custom.of(key) != null
                || (receiver == null && inSite(owner) && hasBody(method)))) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through the "
                    + "variable-arity method " + describe(method) + "; give it a double[] parameter instead");
        }
        boolean onThis = receiver instanceof Expr.Read r && r.var() == body.self() && body.self() != null;
        // what builds a thrown exception is called as written: it carries no derivative out of the method
        boolean shown = body.inThrow();
        if (onThis && inSite(owner) && hasBody(method) && !body.selfIsData() && !shown
                && method.getAnnotation(Differentiable.class) != null && beingRead(method, key)) {
            // a @Differentiable instance method calling itself on this (JQuantLib's Γ: value(x + 1.0) / x): inlined
            // it would have no end; its pullback calls itself, this passed as data, where no field is differentiated
            MethodPlan plan = plan(method, key);
            return plan != null && plan.receiverFields().isEmpty() && !body.fieldsDifferentiated()
                    ? differentiable(method, key, ownerRef, parameterTypes, receiver, args, type, at, call, body)
                    : body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate " + describe(method)
                            + " calling itself on this: it reads fields of this object, and the derivatives of their "
                            + "values would have to pass through the call; not supported yet: move the recursion into "
                            + "a static method that takes those values as parameters");
        }
        Expr ofRecord = hasBody(method) && !shown ? RecordMethods.of(this, method, receiver, args, type, at, body) : null;
        if (ofRecord != null) {
            return ofRecord; // a method of a differentiated record: its components fill its fields
        }
        if (onThis && inSite(owner) && hasBody(method) && !body.selfIsData() && !shown) {
            // an instance method of this class on this object: inlined, its fields the caller's
            return inline(method, key, receiver, args, parameterTypes, ownerRef, type, at, body, false);
        }
        ExecutableElement runs = onThis && body.selfIsData() && exactSelf != null && !shown
                ? ExactClass.runs(elements, method, exactSelf) : null;
        if (runs != null && runsOnObject(runs)) {
            // in the body of an object's method whose class is known: the method that class runs
            return inline(runs, Keys.of(runs, types), ExactClass.as(types, receiver, exactSelf, at), args,
                    runs.getParameters().stream().map(p -> JType.of(p.asType())).toList(),
                    ClassRef.of((TypeElement) runs.getEnclosingElement()), type, at, body, true, exactSelf);
        }
        TypeElement exact = receiver != null && !onThis ? ExactClass.of(trees, path) : null;
        boolean mayBeThis = receiver != null && body.fieldsDifferentiated() && callers.mayBeCallersOwn(receiver, exact);
        Dispatch.Chosen chosen = (onThis ? body.selfIsData() && exactSelf == null : exact == null) && !mayBeThis && !shown
                ? Dispatch.of(this, elements, catalog, method, receiver, args, type, at, body) : null;
        if (chosen != null && chosen.chain() != null) {
            return chosen.chain(); // a method a class of this build overrides: each one's body, chosen by the object's class
        }
        if (onThis && body.selfIsData() && ofObject(method, key) && !shown) {
            // in the body of another object's method, inlined: its own methods on it, its fields data
            return inline(method, key, receiver, args, parameterTypes, ownerRef, type, at, body, true);
        }
        if (method.getAnnotation(Differentiable.class) != null || plan(method, key) != null) {
            // a @Differentiable method, or a recursive helper planned as one (find/RecursiveHelpers), of any class
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
        TypeElement constant = receiver != null && !onThis ? ExactClass.constant(trees, path) : null;
        List<Callee.Partial> onObject = constant == null ? null
                : CustomDerivatives.onObject(key, constant.getQualifiedName().toString());
        if (onObject != null) {
            // a library distribution held in a static final field of exactly its class
            // (static final NormalDistribution N = new NormalDistribution()): N.cumulativeProbability(x)'s
            // derivative is N.density(x), read from the same constant object in the reverse sweep
            return new Expr.Call(new Callee.Custom(ownerRef, name, parameterTypes, false, onObject), receiver, args,
                    type, at);
        }
        // a recursion over integers (n!, a depth, a binomial coefficient) met in its own body: no
        // derivative can enter it, so it is called as written (through a bridge when private)
        boolean integerRecursion = receiver == null && hasBody(method) && beingRead(method, key) && integersOnly(method);
        // a check whose result is dropped (ArgChecker.notNull(x, "x");) only reads, whatever it returns
        boolean discarded = path.getParentPath().getLeaf() instanceof ExpressionStatementTree;
        // a dropped check that writes nothing is called as written where inlining would lose the value: given a
        // differentiated value as an Object (MathUtils.checkNotNull(param)), or of a type the adjoint class
        // cannot name (<T> T notNull(T, String): T has no name there)
        boolean checkAsWritten = discarded && receiver == null && hasBody(method)
                && (Typing.objectGets(method, args) || inSite(owner) && !access.nameable(method))
                && effects.writesNothing(method, key);
        if (receiver == null && inSite(owner) && hasBody(method) && !integerRecursion && !shown && !checkAsWritten) {
            // a helper of the same class: its body is inlined where it is called
            return inline(method, key, null, args, parameterTypes, ownerRef, type, at, body, false);
        }
        Expr tried = null; // inlined, or why not
        // an object whose class is known (new C(...), or a constant so initialised: static final NORMAL = new
        // NormalDistribution(0, 1)): the method C runs (an interface's too), its calls on this C's
        ExecutableElement known = exact != null && access.nameable(types.erasure(exact.asType()))
                ? ExactClass.runs(elements, method, exact) : null;
        if (known != null && runsOnObject(known) && !mayBeThis && !shown
                && !checkAsWritten) {
            List<JType> knownTypes = known.getParameters().stream().map(p -> JType.of(p.asType())).toList();
            tried = inline(known, Keys.of(known, types), ExactClass.as(types, receiver, exact, at), args, knownTypes,
                    ClassRef.of((TypeElement) known.getEnclosingElement()), type, at, body, true, exact);
        } else if (shown || checkAsWritten) {
            // building a thrown exception, or a check of an Object: called as written
        } else if (receiver == null && !varargs && hasBody(method) && !integerRecursion && foreignHelper(method, key)) {
            // a static method of another class of this build that computes a number (or writes an
            // array): inlined as a helper of the same class is, judged from the site
            tried = inline(method, key, null, args, parameterTypes, ownerRef, type, at, body, false);
        } else if (receiver != null && !onThis && ofObject(method, key)
                && !mayBeThis) {
            // a method of another object of this build that computes a number (a distribution's
            // cdf, a curve's rate): inlined, the object's fields data read from it
            tried = inline(method, key, receiver, args, parameterTypes, ownerRef, type, at, body, true);
        }
        // not inlined where the adjoint class cannot name a type of its signature: called as written
        Expr.Call inlined = tried instanceof Expr.Call c ? c : null;
        if (inlined != null) {
            String inlinedKey = ((Callee.Inline) inlined.callee()).key();
            if (catalog.helper(inlinedKey) == null || !catalog.refused(inlinedKey)) {
                // inlined; a call of a helper still being read is a recursive one, which the fence refuses
                return inlined;
            }
        }
        String builtin = Builtins.of(key, name, receiver, args);
        if (builtin != null) {
            // a copy or fill of double[]s: inlined as the loop it is
            Builtins.register(builtin, catalog.helpers(), catalog);
            List<Expr> all = new ArrayList<>(receiver != null ? List.of(receiver) : List.of());
            all.addAll(args);
            return new Expr.Call(new Callee.Inline(builtin, Builtins.name(builtin), Builtins.parameterTypes(builtin),
                    Builtins.owner(builtin)), null, all, type, at);
        }
        // a record's accessor reads a component: it writes nothing
        boolean accessor = owner.getKind() == ElementKind.RECORD && method.getParameters().isEmpty()
                && owner.getRecordComponents().stream().anyMatch(c -> c.getSimpleName().contentEquals(name));
        boolean readOnly = accessor || Effects.READ_ONLY_JDK.contains(key) || effects.isReadOnly(method, key)
                || discarded && effects.writesNothing(method, key);
        boolean writesNothing = readOnly || effects.writesNothing(method, key);
        if (readOnly && !discarded && !accessor && type.isDifferentiable()) {
            // a check that returns its argument (double[] v = Objects.requireNonNull(w)): the value
            // itself, whose derivative goes on; any other result carrying a number is not a check's
            boolean returnsArgument = !args.isEmpty() && types.isSameType(types.erasure(method.getReturnType()),
                    types.erasure(method.getParameters().get(0).asType()));
            if (returnsArgument) {
                return args.get(0);
            }
            readOnly = false;
        }
        boolean dispatched = Dispatch.isAbstract(method); // its implementation is chosen at run time
        // a public method called on an object is callable as written (sb.setLength(0), though
        // AbstractStringBuilder, which declares it, is not public)
        boolean callable = receiver != null && method.getModifiers().contains(Modifier.PUBLIC)
                && !method.getModifiers().contains(Modifier.STATIC) || accessible(method);
        if (!callable && !bridgeable(method)) {
            return unbridgeable(method, call, body);
        }
        // why a method given an array is not read-only, for the fence's message: what its class file
        // writes (a library's method), or its result
        String unproven = null;
        if (!readOnly && args.stream().anyMatch(a -> a.type().isDoubleArray())) {
            unproven = effects.fromClassFile(method);
            if (unproven == null && effects.writesNothing(method, key)) {
                unproven = "it writes nothing, but its " + method.getReturnType() + " result may carry the array's "
                        + "derivative";
            }
        } else if (!readOnly && !type.isDifferentiable() && !ownerName.startsWith("java.") && paths.of(method) == null
                && args.stream().anyMatch(a -> a.type().isDouble())) {
            // a library's check of a number (void, or a boolean or integer result): what its class file writes
            unproven = effects.fromClassFile(method);
        }
        unproven = dispatched ? (chosen != null ? chosen.why() : mayBeThis ? "the object may be the one whose fields "
                + "this method differentiates" : null) : unproven; // why no implementation was chosen at run time
        return new Expr.Call(new Callee.Opaque(ownerRef, name, parameterTypes, JType.of(method.getReturnType()),
                receiver == null, !callable, readOnly, dispatched, inlined, unproven, writesNothing), receiver, args, type,
                at);
    }

    /**
     * A call of {@code method}, a static method a reference names ({@code Math::exp}, {@code
     * Routines::density}: read/Functions), given {@code args}: a {@code Math} function, or the
     * method inlined as a helper; else a refusal.
     */
    Expr referenced(ExecutableElement method, List<Expr> args, Position at, BodyReader body) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        List<JType> parameterTypes = method.getParameters().stream().map(p -> JType.of(p.asType())).toList();
        Expr math = mathCall(owner, method.getSimpleName().toString(), kinds(method), args, at);
        if (math != null) {
            return math;
        }
        if (!hasBody(method) || custom.of(Keys.of(method, types)) != null) {
            return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot differentiate through " + describe(method)
                    + ", referenced as a function: Adjoint reads a reference to a Math function or to a static method "
                    + "of this build whose source it reads; write it as a lambda, x -> f(x)", JType.OBJECT, at);
        }
        return inline(method, Keys.of(method, types), null, args, parameterTypes, ClassRef.of(owner),
                JType.of(method.getReturnType()), at, body, false);
    }

    /** The kinds of {@code method}'s parameters by which a {@code Math} function is looked up. */
    private static List<JType.Kind> kinds(ExecutableElement method) {
        return method.getParameters().stream().map(p -> p.asType().getKind() == TypeKind.DOUBLE ? JType.Kind.DOUBLE
                : p.asType().getKind() == TypeKind.INT ? JType.Kind.INT : JType.Kind.OTHER).toList();
    }

    /** {@code owner.name(args)} as a Math function's call (StrictMath's, {@link #MATH_LIKE}'s too), or null. */
    private static Expr mathCall(TypeElement owner, String name, List<JType.Kind> kinds, List<Expr> args, Position at) {
        String ownerName = owner.getQualifiedName().toString();
        boolean strict = ownerName.equals("java.lang.StrictMath");
        boolean library = MATH_LIKE.contains(ownerName);
        if (!strict && !library && !ownerName.equals("java.lang.Math")) {
            return null;
        }
        return MathFunction.lookup(name, kinds).map(f -> (Expr) new Expr.MathCall(f, strict, args, f.resultType(), at,
                library ? ClassRef.of(owner) : null)).orElse(null);
    }

    /**
     * A call whose callee's body is inlined: a helper of the same class, or an instance method of
     * this object, whose reads of this object's fields come first among its arguments (the caller's
     * input variable for a differentiated field, the field's value otherwise).
     */
    private Expr inline(ExecutableElement method, String methodKey, Expr receiver, List<Expr> args,
            List<JType> parameterTypes, ClassRef ownerRef, JType type, Position at, BodyReader body,
            boolean selfIsData) {
        return inline(method, methodKey, receiver, args, parameterTypes, ownerRef, type, at, body, selfIsData, null);
    }

    /** {@link #inline}, for an object of exactly the class {@code exact} (or null): its calls on this are that class's. */
    Expr inline(ExecutableElement method, String methodKey, Expr receiver, List<Expr> args,
            List<JType> parameterTypes, ClassRef ownerRef, JType type, Position at, BodyReader body,
            boolean selfIsData, TypeElement exact) {
        // a helper letting out checked exceptions that the caller's catches take: read apart for them
        boolean caught = !body.catches.handlers().isEmpty() && Catches.declared(method) != null;
        // a flag given as a constant: read for it (read/Given)
        // a lambda given: read for it (read/Functions), its captured values passed in its place
        Map<Integer, Functions.Held> functions = body.values().functions().passedIn(args);
        Reader.Around around = new Reader.Around(caught ? body.catches.handlers() : List.of(), Given.of(args), exact,
                functions);
        String key = helperKey(method, methodKey) + around.suffix(catalog) + (selfIsData ? MethodIr.OTHER_OBJECT : "");
        for (VariableElement p : method.getParameters()) {
            if (!access.nameable(p.asType()) && !functions.containsKey(method.getParameters().indexOf(p))) {
                // inlined, its parameters are locals of the adjoint's code
                return unnameable(method, "its parameter " + p.getSimpleName(), p.asType(), at);
            }
        }
        if (!access.nameable(method.getReturnType())) {
            return unnameable(method, "its result", method.getReturnType(), at);
        }
        if (!functions.isEmpty() && catalog.reading(key) && catalog.helper(key) == null) {
            return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot differentiate the recursive call of "
                    + describe(method) + " given a lambda: Adjoint reads a method given a lambda by inlining it, and a "
                    + "recursive one has no end; write the recursion as a loop", JType.OBJECT, at);
        }
        reader.helper(method, key, site, selfIsData, around);
        List<Expr> all = new ArrayList<>();
        List<JType> types = new ArrayList<>();
        for (VariableElement field : catalog.fieldParams(key)) {
            Var input = RecordMethods.input(body, receiver, field);
            all.add(input != null ? new Expr.Read(input, at) : new Expr.FieldGet(receiver, ClassRef.of(
                    (TypeElement) field.getEnclosingElement()), field.getSimpleName().toString(), JType.of(field.asType()),
                    !accessible(field), at));
            types.add(JType.of(field.asType()));
        }
        for (int i = 0; i < args.size(); i++) {
            if (!functions.containsKey(i)) {
                all.add(args.get(i));
                types.add(parameterTypes.get(i));
            }
        }
        functions.values().forEach(f -> f.flat().forEach(v -> {
            all.add(v);
            types.add(v.type());
        }));
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
        int returned = catalog.returnedArray(key); // a getter of an array: the array itself
        return returned >= 0 && returned < all.size() ? all.get(returned)
                : new Expr.Call(new Callee.Inline(key, method.getSimpleName().toString(), types, ownerRef), receiver, all, type, at);
    }

    private Expr unnameable(ExecutableElement method, String what, TypeMirror type, Position at) {
        return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot inline " + describe(method) + " into the "
                + "adjoint class, generated in package " + access.site().getQualifiedName() + ": " + what + " is of "
                + "a type it cannot name, " + access.cannotName(type), JType.OBJECT, at);
    }

    private Expr differentiable(ExecutableElement method, String key, ClassRef ownerRef, List<JType> parameterTypes,
            Expr receiver, List<Expr> args, JType type, Position at, MethodInvocationTree call, BodyReader body) {
        String name = method.getSimpleName().toString();
        MethodPlan plan = plan(method, key);
        if (plan != null) {
            boolean records = plan.fields().stream().anyMatch(f -> f.record() != null);
            if (records && receiver != null) {
                return body.unsupportedExpr(call, Tag.AdjointNotYetSupported, "cannot differentiate through " + name
                        + " of another object with record parameters: not supported yet; call it with the record's "
                        + "components, or make it static");
            }
            // its pullback cannot stand in for it when it writes into an array argument, returns an array or
            // takes records
            boolean pullbackCannot = !plan.writtenArrays().isEmpty() || plan.vector() || records;
            // a private method calling itself: inlined it would have no end; its pullback calls itself, its
            // value comes from the implementation's copy of its primal
            boolean viaCopy = plan.hidden() && !pullbackCannot && receiver == null && plan.isStatic()
                    && beingRead(method, key);
            if (!viaCopy && (pullbackCannot || plan.hidden() || !accessible(method)) && receiver == null) {
                // its pullback cannot stand in for it, or it cannot be called from the site (private, or
                // package-private elsewhere): its body is inlined instead
                return inline(method, key, null, args, parameterTypes, ownerRef, type, at, body, false);
            }
            if (receiver != null && body.fieldsDifferentiated() && callers.mayBeCallersOwn(receiver, null)) {
                // the object may be this one, whose fields the caller differentiates: passed as data,
                // their derivatives through the call would be lost
                return body.unsupportedExpr(call, Tag.AdjointUntracked, "cannot differentiate through " + name
                        + " of another object of this class: it may be this very object, whose fields are "
                        + "differentiated here, and the call takes its receiver as data; call it on this ("
                        + name + "(...)), or pass the values it needs to a static method");
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
                        true, key, true, false), null, all, type, at);
            }
            // its members are in its plan's adjoint classes: another class's, for a helper of another class
            return new Expr.Call(new Callee.Differentiable(ownerRef, plan.name(), parameterTypes, names, plan.adjoint(),
                    plan.gradient(), fields, plan.writtenArrays(), plan.order() == 2, true, plan.key(), false, viaCopy),
                    receiver, args, type, at);
        }
        return LibraryAdjoints.call(elements, types, method, ownerRef, parameterTypes, receiver, args, type, at, call, body);
    }

    /**
     * Whether {@code method} takes only integers and booleans (no {@code double}, {@code float},
     * array or object) and returns a primitive: a call of it carries no derivative in or out.
     */
    private static boolean integersOnly(ExecutableElement method) {
        for (VariableElement p : method.getParameters()) {
            switch (p.asType().getKind()) {
                case INT, LONG, SHORT, BYTE, CHAR, BOOLEAN -> { }
                default -> {
                    return false;
                }
            }
        }
        return method.getReturnType().getKind().isPrimitive() && !method.isVarArgs();
    }

    /**
     * Whether {@code method} is being read now, under any of its keys (read for flags given as
     * constants, for the catches around a call, on another object): a call of it is a recursive one.
     * One read before and finished is not.
     */
    private boolean beingRead(ExecutableElement method, String key) {
        String helper = helperKey(method, key);
        return catalog.beingRead(helper) || helper.equals(reader.outermostKey());
    }

    /** The key of {@code m} on a split value object ({@link ValueReads}), read now (for {@code field} of its result); null: unnameable. */
    String valueHelper(ExecutableElement m, VariableElement field, boolean selfIsData, List<Catches.Handler> handlers,
            Map<Integer, Expr.Const> given) {
        for (VariableElement p : m.getParameters()) {
            if (!access.nameable(p.asType())) {
                return null;
            }
        }
        if (field == null && !access.nameable(m.getReturnType())) {
            return null;
        }
        Reader.Around around = new Reader.Around(Catches.declared(m) != null ? handlers : List.of(), given, null);
        String key = helperKey(m, Keys.of(m, types)) + "#value" + (field == null ? "" : "." + field.getSimpleName())
                + around.suffix(catalog) + (selfIsData ? MethodIr.OTHER_OBJECT : "");
        reader.valueHelper(m, key, site, field, selfIsData, around);
        return key;
    }

    /**
     * Why {@code m}, a method of an object whose fields are data, cannot be inlined on {@code
     * receiver} as split objects are given to it, or null: a derivative of its own ({@code
     * @DerivativeOf}), or a receiver that may be the caller's own object, whose fields carry derivatives.
     */
    Expr dataReceiver(ExecutableElement m, Expr receiver, Position at, BodyReader body) {
        String key = Keys.of(m, types);
        if (custom.of(key) != null || plan(m, key) != null) {
            return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot differentiate through " + describe(m)
                    + " given a value object split into its fields: it has a derivative of its own, which takes the "
                    + "object; pass it numbers instead", JType.OBJECT, at);
        }
        if (body.fieldsDifferentiated() && callers.mayBeCallersOwn(receiver, null)) {
            return new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot differentiate through " + describe(m)
                    + " given a value object split into its fields: the object it is called on may be this one, whose "
                    + "fields are differentiated; call it on another object", JType.OBJECT, at);
        }
        return null;
    }

    /** The reader, and the class it reads for: a constructor's values are read there (ValueReads). */
    Reader reader() { return reader; }

    TypeElement site() { return site; }

    /** Whether the adjoint class (a top-level class of the site's package) can name {@code e} directly. */
    boolean accessible(Element e) {
        return access.accessible(e);
    }

    /** Whether {@code owner} is of the site's class (nested classes included): its helpers are inlined as they are. */
    private boolean inSite(TypeElement owner) {
        Element outermost = owner;
        while (outermost.getEnclosingElement() instanceof TypeElement outer) {
            outermost = outer;
        }
        return outermost.equals(site);
    }

    /**
     * The key a helper's IR is kept under in the build-wide catalog. A helper of the site's class
     * has its method key; one of another class is read for each site class apart ({@code key@site}),
     * since what its body's code may name, and which of its calls are inlined, depend on the site.
     */
    private String helperKey(ExecutableElement method, String key) {
        return inSite((TypeElement) method.getEnclosingElement()) ? key : key + "@" + site.getQualifiedName();
    }

    /** The plan of a recursive helper (under its key at the site, for another top-level class's), or of a method. */
    private MethodPlan plan(ExecutableElement method, String key) {
        MethodPlan helper = catalog.plan(helperKey(method, key));
        return helper != null ? helper : catalog.plan(key);
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
        return JType.of(method.getReturnType()).isDifferentiable() || effects.writesArrayParameter(method);
    }

    /** Whether an object of a known class running {@code m} has it inlined: a method of its ({@link #ofObject}), or a default one. */
    boolean runsOnObject(ExecutableElement m) {
        return ofObject(m, Keys.of(m, types)) || ExactClass.isDefault(paths, m);
    }

    /**
     * Whether an instance method called on an object is inlined, its fields data: a concrete
     * method of a class of this build (not an interface's, whose implementation is chosen at run
     * time), not {@code @Differentiable} and without {@code @DerivativeOf} partials, that returns a
     * {@code double} or a {@code double[]}, or writes a {@code double[]} parameter. A subclass
     * overriding it is refused at run time by the inlined body's override check (where no class of
     * the build overrides it: else read/Dispatch chooses among the bodies).
     */
    private boolean ofObject(ExecutableElement method, String key) {
        Set<Modifier> modifiers = method.getModifiers();
        if (modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.ABSTRACT) || isVarArgsOfObjects(method)
                || method.getAnnotation(Differentiable.class) != null || custom.of(key) != null || !hasBody(method)
                || method.getEnclosingElement().getKind().isInterface()) {
            return false;
        }
        return JType.of(method.getReturnType()).isDifferentiable() || effects.writesArrayParameter(method);
    }

    /** A variable-arity method whose values are not doubles: its call is not packed into an array Adjoint follows. */
    private static boolean isVarArgsOfObjects(ExecutableElement method) {
        return method.isVarArgs() && !JType.of(method.getParameters().get(method.getParameters().size() - 1).asType())
                .isDoubleArray();
    }

    /**
     * Why the adjoint class can reach neither directly nor through a bridge the field or constructor
     * {@code e}, or null when it can: a constructor must be accessible (creations are not bridged), and
     * one declaring a checked exception must let it out of {@code body} (read/Catches); a
     * bridge to a field names the field's type. A field's class it cannot name is looked up by name
     * (registered here for the emitter), unless it is local or anonymous.
     */
    String unreachable(Element e, BodyReader body) {
        if (e instanceof ExecutableElement c && Catches.declared(c) != null && !body.catches.letsOutCalls()) {
            return "this constructor declares the checked " + Catches.declared(c) + ", which the generated code, "
                    + "calling it as written and keeping no try, could not catch here; build the object outside the try";
        }
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
            if (!Access.lookable(owner)) {
                return access.cannot(access.cannotName(owner));
            }
            // an instance field's bridge takes the object as an Object
            catalog.lookedUpByName(access.site().getQualifiedName().toString()).add(ClassRef.of(owner));
        }
        return null;
    }

    /** Whether {@code method}'s body is in this compilation (an abstract method has none). */
    private boolean hasBody(ExecutableElement method) {
        TreePath path = paths.of(method);
        return path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null;
    }

    private boolean bridgeable(ExecutableElement method) {
        return access.bridgeable(method, types, catalog.lookedUpByName(access.site().getQualifiedName().toString()));
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
}
