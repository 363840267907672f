package dev.adjoint.processor.read;

import static dev.adjoint.processor.read.Builtins.local;
import static dev.adjoint.processor.read.Builtins.param;
import static dev.adjoint.processor.read.Builtins.read;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Commons Math's and Hipparchus' {@code ContinuedFraction}, subclassed anonymously where it is
 * evaluated (as their {@code Gamma.regularizedGammaQ} and {@code Beta.regularizedBeta} do):
 * <pre>{@code
 * ContinuedFraction cf = new ContinuedFraction() {
 *     protected double getA(int n, double x) { return ((2.0 * n) + 1.0) - a + x; }
 *     protected double getB(int n, double x) { return n * (a - n); }
 * };
 * double q = 1.0 / cf.evaluate(x, epsilon, maxIterations);
 * }</pre>
 * The object is never built. {@code cf.evaluate(...)} is read as a helper whose first parameters
 * are what the anonymous class captures from the method around ({@code a}), so derivatives flow
 * through the captured values as through {@code x}:
 * <ul>
 *   <li>when the class of the method called has source in this build (a {@code ContinuedFraction}
 *       copied into the project, or any abstract class without instance fields), that method is read
 *       from its source ({@link Context}), and its calls on {@code this} go to the anonymous class's
 *       methods, each read as a helper of its own;</li>
 *   <li>for the jars of Commons Math 3, Hipparchus and Commons Numbers 1.0, {@code evaluate} is the
 *       library's modified Lentz loop, operation for operation (so its value is the library's, bit
 *       for bit), calling {@code getA} and {@code getB} as helpers of their own.</li>
 * </ul>
 * Everything after the reader sees a loop, which normalize.Converge runs on where the value stopped
 * early.
 *
 * <p>Read so only where that is sure: a local (or the creation itself, or a constant field
 * initialised with it) whose class body holds the
 * methods its superclass declares abstract and nothing else, whose methods use no {@code this} and
 * no member of the object, and whose only use is a call of its methods. Anything else about such a
 * local is refused at its line.
 */
final class Fractions {

    /**
     * The classes read so without their source, by qualified name, with what their {@code evaluate}
     * throws. Commons Numbers 1.0's names the terms the other way round (b_0 first) and throws a
     * package-private {@code FractionException}, an {@code ArithmeticException} here.
     */
    private static final Map<String, Library> LIBRARIES = Map.of(
            "org.apache.commons.math3.util.ContinuedFraction", new Library(
                    "org.apache.commons.math3.exception.ConvergenceException",
                    "org.apache.commons.math3.exception.MaxCountExceededException",
                    "org.apache.commons.math3.exception.util.LocalizedFormats", false),
            "org.hipparchus.util.ContinuedFraction", new Library(
                    "org.hipparchus.exception.MathIllegalStateException",
                    "org.hipparchus.exception.MathIllegalStateException",
                    "org.hipparchus.exception.LocalizedCoreFormats", false),
            "org.apache.commons.numbers.fraction.ContinuedFraction", new Library(null, null, null, true));
    /** Commons Math's and Hipparchus' {@code DEFAULT_EPSILON}, for {@code evaluate(x)} and {@code evaluate(x, maxIterations)}. */
    private static final double DEFAULT_EPSILON = 1e-8;
    /** The libraries' {@code small}: a denominator within it of 0 is taken to be it. */
    private static final double SMALL = 1e-50;

    /**
     * The exceptions a library's {@code evaluate} throws (on divergence, and when out of
     * iterations) and their messages' enum, or null (an {@code ArithmeticException}); and whether its
     * terms are the other way round (Commons Numbers 1.0: a_n and b_n swapped, {@code n <= maxIterations}).
     */
    private record Library(String diverged, String exhausted, String formats, boolean swapped) {}

    /**
     * A body read for an anonymous object (a method of its superclass, from source): the
     * object's class, the variables it captures (the body's first parameters, {@code vars}),
     * and the prefix of its helpers' keys.
     */
    record Context(TypeElement type, List<Element> captured, String prefix) {}

    private final BodyReader body;
    private final Calls calls;
    private final Trees trees;
    /** The locals of this body holding such an object: the creation each was declared with. */
    private final Map<Element, TreePath> locals = new HashMap<>();
    /** In a body read for an anonymous object: what it knows of it, and its captured variables' parameters. */
    private Context context;
    private List<Var> vars = List.of();

    Fractions(BodyReader body, Calls calls, Trees trees) {
        this.body = body;
        this.calls = calls;
        this.trees = trees;
    }

    /** Reads this body as a method of the anonymous object {@code context} describes, its captured variables {@code vars}. */
    void within(Context context, List<Var> vars) {
        this.context = context;
        this.vars = List.copyOf(vars);
    }

    /** Whether {@code local} holds an anonymous object, read only where its methods are called. */
    boolean holds(Element local) {
        return locals.containsKey(local);
    }

    /**
     * Whether the declaration at {@code path} is of a local initialised with an anonymous object
     * Adjoint reads so: it is then noted, and declares nothing.
     */
    boolean declares(TreePath path) {
        VariableTree tree = (VariableTree) path.getLeaf();
        if (tree.getInitializer() == null) {
            return false;
        }
        TreePath init = new TreePath(path, tree.getInitializer());
        if (creation(init) == null) {
            return false;
        }
        locals.put(trees.getElement(path), init);
        return true;
    }

    /** The refusal of a use of such a local other than a call of one of its methods. */
    Expr misused(Tree tree) {
        return body.unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot use the anonymous object "
                + tree + " here: Adjoint reads an anonymous subclass (a ContinuedFraction) where its methods are "
                + "called and nowhere else, so it is never built; call its method on it, and pass on the value it gives");
    }

    /**
     * The anonymous class created at {@code path}, when Adjoint reads it so: no arguments, and of
     * a known library's {@code ContinuedFraction}, or of an abstract class of this build. Else null.
     */
    private ClassTree creation(TreePath path) {
        if (!(path.getLeaf() instanceof NewClassTree n) || n.getClassBody() == null || n.getEnclosingExpression() != null
                || !n.getArguments().isEmpty()) {
            return null;
        }
        TypeElement superclass = superclass(trees.getTypeMirror(path));
        boolean known = superclass != null && (LIBRARIES.containsKey(superclass.getQualifiedName().toString())
                || superclass.getModifiers().contains(Modifier.ABSTRACT) && calls.reader().hasSource(superclass)
                && stateless(superclass));
        return known ? n.getClassBody() : null;
    }

    /** Whether {@code type} and the classes above it hold no instance field: the object never built has no state to lose. */
    private static boolean stateless(TypeElement type) {
        for (TypeElement t = type; t != null; t = superclass(t.asType())) {
            if (javax.lang.model.util.ElementFilter.fieldsIn(t.getEnclosedElements()).stream()
                    .anyMatch(f -> !f.getModifiers().contains(Modifier.STATIC))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The creation a constant field named at {@code receiver} is initialised with, when it is such an
     * anonymous object (JSAT's {@code private static final ContinuedFraction gammaQ = new
     * ContinuedFraction() {...}}): it can only ever hold that object, which captures no local. Else null.
     */
    private TreePath constant(TreePath receiver) {
        if (!(receiver.getLeaf() instanceof IdentifierTree || receiver.getLeaf() instanceof MemberSelectTree)) {
            return null;
        }
        Element e = trees.getElement(receiver);
        if (e == null || e.getKind() != ElementKind.FIELD || !MethodReferences.constant(trees, e)) {
            return null;
        }
        TreePath declaration = trees.getPath(e);
        if (declaration == null || !(declaration.getLeaf() instanceof VariableTree v) || v.getInitializer() == null) {
            return null;
        }
        TreePath init = new TreePath(declaration, v.getInitializer());
        return creation(init) != null ? init : null;
    }

    /** The class an anonymous class of type {@code type} extends (or null: it implements an interface). */
    private static TypeElement superclass(TypeMirror type) {
        if (!(type instanceof DeclaredType d) || !(d.asElement() instanceof TypeElement t)
                || !(t.getSuperclass() instanceof DeclaredType s) || !(s.asElement() instanceof TypeElement up)
                || up.getQualifiedName().contentEquals("java.lang.Object")) {
            return null;
        }
        return up;
    }

    /**
     * A call of a method of an anonymous object: on a local declared with one or on the creation
     * itself, or, in a body read for one, on {@code this}. A method of the superclass with source
     * is read as a helper taking the captured values first; an overriding method the same; a
     * library's {@code evaluate} is the Lentz loop's helper. Null when the call is none of these.
     */
    Expr call(TreePath path) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        if (!(trees.getElement(path) instanceof ExecutableElement method)) {
            return null;
        }
        if (context != null && onThis(call) && !method.getModifiers().contains(Modifier.STATIC)) {
            // a method of the object itself (a static one called by its simple name is read as anywhere)
            return within(path, method);
        }
        if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
            return null;
        }
        TreePath receiver = new TreePath(new TreePath(path, select), select.getExpression());
        TreePath created = receiver.getLeaf() instanceof IdentifierTree
                ? locals.get(trees.getElement(receiver)) : creation(receiver) != null ? receiver : null;
        if (created == null) {
            created = constant(receiver);
        }
        if (created == null) {
            return null;
        }
        Position at = body.at(call);
        ClassTree anonymous = creation(created);
        TypeElement type = (TypeElement) trees.getElement(new TreePath(created, anonymous));
        TypeElement superclass = superclass(type.asType());
        boolean fromSource = calls.reader().hasSource(method);
        Library library = LIBRARIES.get(superclass.getQualifiedName().toString());
        if (!fromSource && (library == null || !method.getSimpleName().contentEquals("evaluate"))) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through "
                    + Calls.describe(method) + " of an anonymous object: Adjoint reads the methods of its class from "
                    + "source, and a library's ContinuedFraction's evaluate; compute the value in a static method");
        }
        Set<Element> captured = new LinkedHashSet<>();
        for (Tree member : anonymous.getMembers()) {
            if (member instanceof MethodTree m && m.getName().contentEquals("<init>")) {
                continue; // the constructor javac gives it
            }
            TreePath memberPath = new TreePath(new TreePath(created, anonymous), member);
            // a library's fraction declares getA and getB abstract: those two, then, and javac sees both given
            if (!(member instanceof MethodTree m) || m.getModifiers().getFlags().contains(Modifier.STATIC)
                    || abstractOf(superclass, (ExecutableElement) trees.getElement(memberPath)) == null) {
                return body.unsupportedExpr(member, Tag.AdjointUnsupportedExpression, "cannot differentiate through "
                        + "this anonymous " + superclass.getSimpleName() + ": Adjoint reads an anonymous class whose body "
                        + "holds methods its superclass declares abstract and nothing else; compute what this member holds "
                        + "inside those methods, or in a static helper they call");
            }
            Tree own = ownMember(trees, memberPath);
            if (own != null) {
                return body.unsupportedExpr(own, Tag.AdjointUnsupportedExpression, "cannot differentiate through "
                        + "this anonymous " + superclass.getSimpleName() + ": " + own + " uses the object itself, which "
                        + "Adjoint never builds; use only the values it captures, its parameters and static methods");
            }
            captured.addAll(captures(trees, memberPath));
        }
        List<Expr> args = new ArrayList<>();
        List<Var> params = new ArrayList<>();
        for (Element c : captured) {
            Var v = body.fieldVar((VariableElement) c);
            if (v == null) {
                return body.unsupportedExpr(created.getLeaf(), Tag.AdjointUnsupportedExpression, "cannot differentiate "
                        + "through this anonymous " + superclass.getSimpleName() + ": it captures " + c.getSimpleName()
                        + ", which Adjoint reads as something other than one variable here (a value object split into "
                        + "its fields); copy the value it needs into a local first");
            }
            args.add(new Expr.Read(v, at));
            params.add(new Var(c.getSimpleName().toString(), v.type, Var.Role.PARAM));
        }
        Context object = new Context(type, List.copyOf(captured), "anonymous#" + calls.reader().binaryName(type) + "#");
        if (fromSource) {
            ExecutableElement target = method.getModifiers().contains(Modifier.ABSTRACT) ? implementation(type, method) : method;
            if (target == null || target.getModifiers().contains(Modifier.STATIC)) {
                return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through "
                        + Calls.describe(method) + " of an anonymous object: call a method of its class");
            }
            int before = args.size();
            for (ExpressionTree a : call.getArguments()) {
                args.add(body.expr(new TreePath(path, a)));
            }
            return helper(object, target, packed(target, args, before, at), at);
        }
        return evaluate(path, object, library, superclass, params, args, at);
    }

    /** A call on {@code this} in a body read for an anonymous object: its overriding method's helper, or its superclass's. */
    private Expr within(TreePath path, ExecutableElement method) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        Position at = body.at(call);
        List<Expr> given = new ArrayList<>(vars.stream().map(v -> (Expr) new Expr.Read(v, at)).toList());
        for (ExpressionTree a : call.getArguments()) {
            given.add(body.expr(new TreePath(path, a)));
        }
        List<Expr> args = packed(method, given, vars.size(), at);
        if (method.getModifiers().contains(Modifier.ABSTRACT)) {
            ExecutableElement impl = implementation(context.type(), method);
            if (impl == null) {
                return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through "
                        + Calls.describe(method) + ": the anonymous class does not define it");
            }
            return helper(context, impl, args, at);
        }
        if (!calls.reader().hasSource(method)) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate through "
                    + Calls.describe(method) + " of an anonymous object: its source is not in this build");
        }
        return helper(context, method, args, at);
    }

    /**
     * {@code method} read as a helper for {@code object} (a method of the anonymous class, or of
     * its superclass, within the object), called with {@code args}: the captured values, then its own.
     */
    private Expr helper(Context object, ExecutableElement method, List<Expr> args, Position at) {
        String key = object.prefix() + method.getEnclosingElement().getSimpleName() + "." + method.getSimpleName()
                + method.getParameters().stream().map(p -> p.asType().toString()).toList() + "@" + calls.site().getQualifiedName();
        boolean own = method.getEnclosingElement().equals(object.type());
        calls.reader().captured(method, key, calls.site(), object.captured(), own ? null : object);
        List<JType> types = new ArrayList<>(object.captured().stream().map(c -> JType.of(c.asType())).toList());
        method.getParameters().forEach(p -> types.add(JType.of(p.asType())));
        TypeElement owner = own ? superclass(object.type().asType()) : (TypeElement) method.getEnclosingElement();
        return new Expr.Call(new Callee.Inline(key, method.getSimpleName().toString(), types, ClassRef.of(owner)), null,
                args, JType.of(method.getReturnType()), at);
    }

    /**
     * {@code args} (the captured values, {@code before} of them, then the call's own) for {@code
     * method}: a {@code double...} method's trailing values packed into the array it receives
     * ({@code lentz(a, z)} as {@code lentz(new double[] {a, z})}), as read/Calls packs them.
     */
    private static List<Expr> packed(ExecutableElement method, List<Expr> args, int before, Position at) {
        int fixed = before + method.getParameters().size() - 1;
        if (!method.isVarArgs() || !JType.of(method.getParameters().get(method.getParameters().size() - 1).asType())
                .isDoubleArray() || args.size() == fixed + 1 && args.get(fixed).type().isDoubleArray()) {
            return args;
        }
        List<Expr> out = new ArrayList<>(args.subList(0, fixed));
        out.add(new Expr.ArrayLit(JType.DOUBLE_ARRAY, List.copyOf(args.subList(fixed, args.size())), at));
        return out;
    }

    /** Whether {@code call} is on the object itself: {@code getA(n, x)} or {@code this.getA(n, x)}. */
    private static boolean onThis(MethodInvocationTree call) {
        return call.getMethodSelect() instanceof IdentifierTree
                || call.getMethodSelect() instanceof MemberSelectTree s && s.getExpression() instanceof IdentifierTree id
                && id.getName().contentEquals("this");
    }

    /** The abstract method of {@code superclass} (or above) that {@code m} overrides, or null. */
    private ExecutableElement abstractOf(TypeElement superclass, ExecutableElement m) {
        for (TypeElement t = superclass; t != null; t = superclass(t.asType())) {
            for (ExecutableElement candidate : javax.lang.model.util.ElementFilter.methodsIn(t.getEnclosedElements())) {
                if (candidate.getModifiers().contains(Modifier.ABSTRACT) && calls.reader().overrides(m, candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** The method of the anonymous class {@code type} implementing {@code method}, or null. */
    private ExecutableElement implementation(TypeElement type, ExecutableElement method) {
        for (ExecutableElement m : javax.lang.model.util.ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (calls.reader().overrides(m, method)) {
                return m;
            }
        }
        return null;
    }

    /**
     * A library's {@code evaluate} (no source): the Lentz loop's helper, called with the captured
     * values, {@code x}, {@code epsilon} and {@code maxIterations} ({@code args} holds the captured
     * values' reads so far).
     */
    private Expr evaluate(TreePath path, Context object, Library library, TypeElement fraction, List<Var> params,
            List<Expr> args, Position at) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        ExecutableElement method = (ExecutableElement) trees.getElement(path);
        TypeElement type = object.type();
        String site = calls.site().getQualifiedName().toString();
        Map<String, ExecutableElement> terms = new HashMap<>();
        for (ExecutableElement m : javax.lang.model.util.ElementFilter.methodsIn(type.getEnclosedElements())) {
            terms.put(m.getSimpleName().toString(), m);
        }
        String keyA = object.prefix() + "getA@" + site;
        String keyB = object.prefix() + "getB@" + site;
        calls.reader().captured(terms.get("getA"), keyA, calls.site(), object.captured(), null);
        calls.reader().captured(terms.get("getB"), keyB, calls.site(), object.captured(), null);
        List<? extends ExpressionTree> given = call.getArguments();
        args.add(body.expr(new TreePath(path, given.get(0))));
        Expr epsilon = Expr.Const.of(DEFAULT_EPSILON);
        Expr most = Expr.Const.ofInt(Integer.MAX_VALUE);
        List<? extends VariableElement> declared = method.getParameters();
        for (int i = 1; i < given.size(); i++) {
            Expr e = body.expr(new TreePath(path, given.get(i)));
            if (declared.get(i).asType().getKind() == javax.lang.model.type.TypeKind.INT) {
                most = e;
            } else {
                epsilon = e;
            }
        }
        args.add(epsilon);
        args.add(most);
        ClassRef owner = ClassRef.of(fraction);
        String key = object.prefix() + "evaluate@" + site;
        if (!calls.reader().hasHelper(key)) {
            calls.reader().putHelper(key, lentz(key, owner, library, params, body.at(path.getLeaf()),
                    new Callee.Inline(keyA, "getA", types(params), owner), new Callee.Inline(keyB, "getB", types(params), owner)));
        }
        List<JType> types = new ArrayList<>(params.stream().map(v -> v.type).toList());
        types.addAll(List.of(JType.DOUBLE, JType.DOUBLE, JType.INT));
        return new Expr.Call(new Callee.Inline(key, "evaluate", types, owner), null, args, JType.DOUBLE, at);
    }

    private static List<JType> types(List<Var> captured) {
        List<JType> out = new ArrayList<>(captured.stream().map(v -> v.type).toList());
        out.add(JType.INT);
        out.add(JType.DOUBLE);
        return out;
    }

    /**
     * The first use in {@code method} (a method of an anonymous class, or a lambda) of the object
     * itself or around: {@code this}, {@code super}, or a member of it by its simple name.
     */
    static Tree ownMember(Trees trees, TreePath method) {
        Tree[] found = {null};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                boolean self = node.getName().contentEquals("this") || node.getName().contentEquals("super");
                boolean member = e != null && (e.getKind() == ElementKind.METHOD || e.getKind() == ElementKind.FIELD)
                        && !e.getModifiers().contains(Modifier.STATIC);
                if (found[0] == null && (self || member)) {
                    found[0] = node;
                }
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                if (found[0] == null) {
                    found[0] = node; // a class inside: its code is not followed
                }
                return null;
            }
        }.scan(method, null);
        return found[0];
    }

    /** The variables of the method around that {@code method}'s body (or a lambda's) reads, in order of first read. */
    static Set<Element> captures(Trees trees, TreePath method) {
        Set<Element> own = new java.util.HashSet<>();
        Set<Element> out = new LinkedHashSet<>();
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                own.add(trees.getElement(getCurrentPath()));
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (e != null && !own.contains(e) && switch (e.getKind()) {
                    case LOCAL_VARIABLE, PARAMETER, EXCEPTION_PARAMETER, RESOURCE_VARIABLE -> true;
                    default -> false;
                }) {
                    out.add(e);
                }
                return null;
            }
        }.scan(method, null);
        return out;
    }

    /**
     * The library's {@code evaluate}, operation for operation (modified Lentz):
     * <pre>{@code
     * double hPrev = getA(0, x);
     * if (|hPrev| <= small) hPrev = small;                   // Precision.equals(hPrev, 0.0, small)
     * int n = 1; double dPrev = 0.0; double cPrev = hPrev; double hN = hPrev;
     * while (n < maxIterations) {
     *     double a = getA(n, x); double b = getB(n, x);
     *     double dN = a + b * dPrev; if (|dN| <= small) dN = small;
     *     double cN = a + b / cPrev; if (|cN| <= small) cN = small;
     *     dN = 1 / dN; double deltaN = cN * dN; hN = hPrev * deltaN;
     *     if (Double.isInfinite(hN)) throw ...; if (Double.isNaN(hN)) throw ...;
     *     if (Math.abs(deltaN - 1.0) < epsilon) break;
     *     dPrev = dN; cPrev = cN; hPrev = hN; n++;
     * }
     * if (n >= maxIterations) throw ...;
     * return hN;
     * }</pre>
     */
    private MethodIr lentz(String key, ClassRef owner, Library library, List<Var> captured, Position at, Callee.Inline getA,
            Callee.Inline getB) {
        Var x = param("x", JType.DOUBLE);
        Var epsilon = param("epsilon", JType.DOUBLE);
        Var most = param("maxIterations", JType.INT);
        Var hPrev = local("hPrev", JType.DOUBLE);
        Var n = local("n", JType.INT);
        Var dPrev = local("dPrev", JType.DOUBLE);
        Var cPrev = local("cPrev", JType.DOUBLE);
        Var hN = local("hN", JType.DOUBLE);
        Var a = local("a", JType.DOUBLE);
        Var b = local("b", JType.DOUBLE);
        Var dN = local("dN", JType.DOUBLE);
        Var cN = local("cN", JType.DOUBLE);
        Var deltaN = local("deltaN", JType.DOUBLE);
        List<Stmt> loop = new ArrayList<>();
        loop.add(new Stmt.Declare(a, term(getA, captured, read(n), x), null, "final double a = getA(n, x)"));
        loop.add(new Stmt.Declare(b, term(getB, captured, read(n), x), null, "final double b = getB(n, x)"));
        // Commons Numbers 1.0 adds a_n times, and divides a_n by, what the others give b_n
        Var first = library.swapped() ? b : a;
        Var second = library.swapped() ? a : b;
        loop.add(new Stmt.Declare(dN, op(BinaryOp.ADD, read(first), op(BinaryOp.MUL, read(second), read(dPrev))), null,
                "double dN = " + first.name + " + " + second.name + " * dPrev"));
        loop.add(small(dN, "dN"));
        loop.add(new Stmt.Declare(cN, op(BinaryOp.ADD, read(first), op(BinaryOp.DIV, read(second), read(cPrev))), null,
                "double cN = " + first.name + " + " + second.name + " / cPrev"));
        loop.add(small(cN, "cN"));
        loop.add(new Stmt.Assign(dN, op(BinaryOp.DIV, Expr.Const.of(1.0), read(dN)), null, "dN = 1 / dN"));
        loop.add(new Stmt.Declare(deltaN, op(BinaryOp.MUL, read(cN), read(dN)), null, "final double deltaN = cN * dN"));
        loop.add(new Stmt.Assign(hN, op(BinaryOp.MUL, read(hPrev), read(deltaN)), null, "hN = hPrev * deltaN"));
        loop.add(new Stmt.If(test("isInfinite", hN), List.of(thrown(library, library.diverged(),
                "CONTINUED_FRACTION_INFINITY_DIVERGENCE", List.of(read(x)))), List.of(), null, "if (Double.isInfinite(hN))"));
        loop.add(new Stmt.If(test("isNaN", hN), List.of(thrown(library, library.diverged(),
                "CONTINUED_FRACTION_NAN_DIVERGENCE", List.of(read(x)))), List.of(), null, "if (Double.isNaN(hN))"));
        loop.add(new Stmt.If(new Expr.Binary(BinaryOp.LT, abs(op(BinaryOp.SUB, read(deltaN), Expr.Const.of(1.0))),
                read(epsilon), JType.BOOLEAN, null), List.of(new Stmt.Break(null, null)), List.of(), null,
                "if (FastMath.abs(deltaN - 1.0) < epsilon)"));
        loop.add(new Stmt.Assign(dPrev, read(dN), null, "dPrev = dN"));
        loop.add(new Stmt.Assign(cPrev, read(cN), null, "cPrev = cN"));
        loop.add(new Stmt.Assign(hPrev, read(hN), null, "hPrev = hN"));
        loop.add(new Stmt.Assign(n, new Expr.Binary(BinaryOp.ADD, read(n), Expr.Const.ofInt(1), JType.INT, null), null, "n++"));
        List<Stmt> body = new ArrayList<>();
        body.add(new Stmt.Declare(hPrev, term(library.swapped() ? getB : getA, captured, Expr.Const.ofInt(0), x), null,
                "double hPrev = " + (library.swapped() ? "getB" : "getA") + "(0, x)"));
        body.add(small(hPrev, "hPrev"));
        body.add(new Stmt.Declare(n, Expr.Const.ofInt(1), null, "int n = 1"));
        body.add(new Stmt.Declare(dPrev, Expr.Const.of(0.0), null, "double dPrev = 0.0"));
        body.add(new Stmt.Declare(cPrev, read(hPrev), null, "double cPrev = hPrev"));
        body.add(new Stmt.Declare(hN, read(hPrev), null, "double hN = hPrev"));
        // Commons Numbers 1.0 takes one step more, returns where it converges and throws after the loop
        String within = library.swapped() ? " <= " : " < ";
        body.add(new Stmt.Loop(null, List.of(), List.of(), new Expr.Binary(library.swapped() ? BinaryOp.LE : BinaryOp.LT,
                read(n), read(most), JType.BOOLEAN, null), List.of(), List.copyOf(loop), false, at,
                "while (n" + within + "maxIterations)"));
        body.add(new Stmt.If(new Expr.Binary(library.swapped() ? BinaryOp.GT : BinaryOp.GE, read(n), read(most),
                JType.BOOLEAN, null), List.of(thrown(library, library.exhausted(), "NON_CONVERGENT_CONTINUED_FRACTION",
                List.of(read(most), read(x)))), List.of(), null, "if (n" + (library.swapped() ? " > " : " >= ")
                + "maxIterations)"));
        body.add(new Stmt.Return(read(hN), null, "return hN"));
        List<MethodIr.Param> params = new ArrayList<>();
        captured.forEach(v -> params.add(new MethodIr.Param(v)));
        params.add(new MethodIr.Param(x));
        params.add(new MethodIr.Param(epsilon));
        params.add(new MethodIr.Param(most));
        return new MethodIr(key, "evaluate", owner, List.copyOf(params), null, List.of(), List.copyOf(body), false, null);
    }

    /** {@code getA(captured..., n, x)}. */
    private static Expr term(Callee.Inline method, List<Var> captured, Expr n, Var x) {
        List<Expr> args = new ArrayList<>(captured.stream().map(Builtins::read).toList());
        args.add(n);
        args.add(read(x));
        return new Expr.Call(method, null, args, JType.DOUBLE, null);
    }

    /** {@code if (Precision.equals(v, 0.0, small)) v = small;}, as {@code |v| <= small} (the same test, NaN false). */
    private static Stmt small(Var v, String name) {
        return new Stmt.If(new Expr.Binary(BinaryOp.LE, abs(read(v)), Expr.Const.of(SMALL), JType.BOOLEAN, null),
                List.of(new Stmt.Assign(v, Expr.Const.of(SMALL), null, name + " = small")), List.of(), null,
                "if (Precision.equals(" + name + ", 0.0, small))");
    }

    /** {@code new E(Formats.FORMAT, args...)}, or an {@code ArithmeticException} where the library's classes are not found. */
    private Stmt thrown(Library library, String exception, String format, List<Expr> args) {
        TypeElement type = exception == null ? null : calls.reader().type(exception);
        TypeElement formats = library.formats() == null ? null : calls.reader().type(library.formats());
        Expr created;
        if (type == null || formats == null) {
            created = new Expr.New(JType.named(ClassRef.of("java.lang", "ArithmeticException")), List.of(new Expr.Const(
                    "continued fraction: " + format.toLowerCase(java.util.Locale.ROOT).replace('_', ' '), JType.STRING,
                    null)), null);
        } else {
            List<Expr> all = new ArrayList<>(List.of(new Expr.StaticGet(ClassRef.of(formats), format,
                    JType.of(formats.asType()), false, null)));
            all.addAll(args);
            created = new Expr.New(JType.of(type.asType()), all, null);
        }
        String shown = exception == null ? "ArithmeticException" : exception.substring(exception.lastIndexOf('.') + 1);
        return new Stmt.Throw(created, null, "throw new " + shown + "(...)");
    }

    private static Expr test(String name, Var v) {
        ClassRef boxed = ClassRef.of("java.lang", "Double");
        return new Expr.Call(new Callee.Opaque(boxed, name, List.of(JType.DOUBLE), JType.BOOLEAN, true, false, true), null,
                List.of(read(v)), JType.BOOLEAN, null);
    }

    private static Expr abs(Expr e) {
        return new Expr.MathCall(MathFunction.lookup("abs", List.of(JType.Kind.DOUBLE)).orElseThrow(), false, List.of(e),
                JType.DOUBLE, null);
    }

    private static Expr op(BinaryOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, JType.DOUBLE, null);
    }
}
