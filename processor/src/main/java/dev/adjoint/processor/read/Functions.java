package dev.adjoint.processor.read;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
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
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Functions passed as values, as numerical code passes an integrand, a payoff or a model to a
 * routine: a lambda held in a local ({@code DoubleUnaryOperator f = x -> a * x * x;}) or given to a
 * method of this build ({@code simpson(x -> Math.exp(-k * x * x), 0, 1, 64)}), which calls it
 * ({@code f.applyAsDouble(t)}). The function object is never built: each call of it is its body,
 * read as a helper whose first parameters are the values the lambda captures ({@code k}), so
 * derivatives flow through them as through its own parameters. A method given a lambda is read for
 * that lambda (its key names it), the captured values its last parameters in place of the
 * function, and passes them on where it gives the function to another method.
 *
 * <p>Read so only where that is sure: a lambda whose interface's one method takes and returns
 * numbers or {@code double[]}, that uses the object around only to read its fields (captured as the
 * code around reads them: a differentiated receiver's carry their derivatives) and captures
 * only variables Adjoint holds as one variable each; a local holding it is only called or passed
 * on, never assigned; a method given it is one whose source Adjoint reads and inlines. Anything
 * else is refused at its line ({@link #misused}, and a function given to any other method).
 */
final class Functions {

    /**
     * A lambda: where it is written, the variables of the code around it that it reads (in order of
     * first read), its interface's one abstract method, the top-level class it is written in, its
     * name in helpers' keys, and its code: the lambda itself, or an anonymous class's method
     * implementing {@code sam}; null for a reference to {@code referenced}, a static method.
     */
    record Lambda(TreePath path, List<Element> captured, ExecutableElement sam, TypeElement owner, String id,
            TreePath code, ExecutableElement referenced) {
        /** Its interface's type as written. */
        DeclaredType type(Trees trees) {
            TreePath typed = path.getLeaf() instanceof NewClassTree n ? new TreePath(path, n.getIdentifier()) : path;
            return (DeclaredType) trees.getTypeMirror(typed);
        }
    }

    /**
     * A lambda as a body holds it: the values it captures as the body reads them (its variables, the
     * receiver's fields), in order, but the functions it captures ({@code x -> x * f.applyAsDouble(x)}
     * in a method given f), which are {@code inner}, each as the body holds it.
     */
    record Held(Lambda lambda, List<Expr> values, Map<Element, Held> inner) {
        /** Its values and then its inner functions', in order: what a helper reading it is given. */
        List<Expr> flat() {
            List<Expr> out = new ArrayList<>(values);
            inner.values().forEach(h -> out.addAll(h.flat()));
            return out;
        }

        /** How deep functions capturing functions go in it: 1 for a lambda that captures none. */
        int depth() {
            return 1 + inner.values().stream().mapToInt(Held::depth).max().orElse(0);
        }

        /** What a helper reading it is read for: its lambda and, in brackets, the functions it captures. */
        String shape() {
            StringBuilder out = new StringBuilder(lambda.id());
            inner.forEach((e, h) -> out.append('[').append(e.getSimpleName()).append('=').append(h.shape()).append(']'));
            return out.toString();
        }

        /**
         * This function as a helper given it holds it: each value a new parameter of its, named after
         * {@code prefix} and the captured variable, added to {@code params} in the order of {@link #flat}.
         */
        Held rebound(String prefix, List<Var> params) {
            List<Expr> read = new ArrayList<>();
            int i = 0;
            for (Element c : lambda.captured()) {
                if (!inner.containsKey(c)) {
                    Var v = new Var(prefix + "_" + c.getSimpleName(), values.get(i++).type(), Var.Role.PARAM);
                    params.add(v);
                    read.add(new Expr.Read(v, null));
                }
            }
            Map<Element, Held> functions = new LinkedHashMap<>();
            inner.forEach((e, h) -> functions.put(e, h.rebound(prefix + "_" + e.getSimpleName(), params)));
            return new Held(lambda, List.copyOf(read), functions);
        }
    }

    private final BodyReader body;
    private final Calls calls;
    private final Trees trees;
    /** The locals (and a helper's parameters) holding a lambda in this body. */
    private final Map<Element, Held> held = new HashMap<>();
    /** The arguments that are functions, each a refusal unless the method given it is inlined. */
    private final Map<Expr, Held> passed = new IdentityHashMap<>();
    private static final Object NONE = new Object();
    /** How deep functions may capture functions ({@link Held#depth}): far beyond code written by hand. */
    private static final int DEEPEST = 12;
    /** The locals declared with a lambda Adjoint refuses: their uses add no error of their own. */
    private final Set<Element> refused = new HashSet<>();
    /** The constant fields initialised with a function that this body uses, as it holds them (or {@link #NONE}). */
    private final Map<Element, Object> constants = new HashMap<>();

    Functions(BodyReader body, Calls calls, Trees trees) {
        this.body = body;
        this.calls = calls;
        this.trees = trees;
    }

    /** Whether {@code local} holds a function in this body. */
    boolean holds(Element local) {
        return held.containsKey(local) || refused.contains(local);
    }

    /** Binds {@code param} (of a helper read for a lambda, or a function a lambda captures) to the function {@code function}. */
    void bind(Element param, Held function) {
        held.put(param, function);
    }

    /** Whether the local declared at {@code path} is initialised with a lambda (then {@link #declare} reads it). */
    boolean declares(TreePath path) {
        VariableTree tree = (VariableTree) path.getLeaf();
        return tree.getInitializer() != null && isFunction(stripped(new TreePath(path, tree.getInitializer())));
    }

    /**
     * Whether the expression at {@code path} is a function Adjoint reads where it is called: a
     * lambda, a method reference, or an anonymous class implementing an interface and nothing else.
     */
    private boolean isFunction(TreePath path) {
        return path.getLeaf() instanceof LambdaExpressionTree || path.getLeaf() instanceof MemberReferenceTree
                || path.getLeaf() instanceof NewClassTree n && n.getClassBody() != null && n.getEnclosingExpression() == null
                && trees.getTypeMirror(new TreePath(path, n.getIdentifier())) instanceof DeclaredType d
                && d.asElement().getKind().isInterface();
    }

    /** The declaration of a local holding a lambda: noted, it declares nothing; or the refusal of the lambda. */
    List<Stmt> declare(TreePath path, Element local) {
        VariableTree tree = (VariableTree) path.getLeaf();
        TreePath init = new TreePath(path, tree.getInitializer());
        Object lambda = held(stripped(init));
        if (lambda instanceof Expr refusal) {
            refused.add(local);
            return List.of(new Stmt.Eval(refusal, body.at(tree), BodyReader.sourceOf(tree)));
        }
        held.put(local, (Held) lambda);
        return List.of();
    }

    /**
     * The argument at {@code path} of a call of {@code callee} when it is a function (a lambda, or a
     * local or parameter holding one): a stand-in that {@link #passedIn} recognises where the callee
     * is inlined, and that is otherwise the refusal of the call. Null when the argument is no function.
     */
    Expr passed(TreePath path, ExecutableElement callee) {
        TreePath arg = stripped(path);
        Object function = isFunction(arg) ? held(arg) : function(arg);
        if (function == null) {
            return null;
        }
        if (function instanceof Expr refusal) {
            return refusal;
        }
        if (!(function instanceof Held)) {
            return body.unsupportedExpr(path.getLeaf(), Tag.AdjointUnsupportedExpression, "cannot pass "
                    + path.getLeaf() + " on: Adjoint refuses the lambda it holds where it is written");
        }
        Expr standIn = new Expr.Unsupported(Tag.AdjointUnsupportedCall, "cannot differentiate through "
                + Calls.describe(callee) + " given the function " + BodyReader.sourceOf(path.getLeaf()) + ": Adjoint "
                + "follows a lambda into the methods of this build whose source it reads and inlines, and nowhere else; "
                + "call the function in a static helper of this build, or compute its values first", JType.OBJECT,
                body.at(path.getLeaf()));
        passed.put(standIn, (Held) function);
        return standIn;
    }

    /** The functions among {@code args}, by position: what a helper given them is read for. */
    Map<Integer, Held> passedIn(List<Expr> args) {
        Map<Integer, Held> out = new TreeMap<>();
        for (int i = 0; i < args.size(); i++) {
            Held h = passed.get(args.get(i));
            if (h != null) {
                out.put(i, h);
            }
        }
        return out;
    }

    /**
     * A call of a function this body holds ({@code f.applyAsDouble(t)}): the lambda's body, read as a
     * helper taking its captured values first. Null when the call is on no such function.
     */
    Expr call(TreePath path) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
            return null;
        }
        TreePath receiver = stripped(new TreePath(new TreePath(path, select), select.getExpression()));
        Object found = function(receiver);
        if (found == null) {
            return null;
        }
        Position at = body.at(call);
        if (!(found instanceof Held function)) {
            // a local whose lambda is refused at its declaration, in this body: that error says it
            return Exprs.defaultValue(JType.of(trees.getTypeMirror(path)));
        }
        Lambda lambda = function.lambda();
        if (!(trees.getElement(path) instanceof ExecutableElement method) || !method.equals(lambda.sam())) {
            return body.unsupportedExpr(call, Tag.AdjointUnsupportedCall, "cannot differentiate " + call + ": of a "
                    + "function held as a lambda, Adjoint reads only a call of its own method, "
                    + lambda.sam().getSimpleName() + "; call that, and compose the functions inside one lambda");
        }
        List<Expr> args = new ArrayList<>(function.flat());
        List<JType> types = new ArrayList<>(args.stream().map(Expr::type).toList());
        for (ExpressionTree a : call.getArguments()) {
            args.add(body.expr(new TreePath(path, a)));
        }
        ExecutableType signature = (ExecutableType) calls.types().asMemberOf(lambda.type(trees), lambda.sam());
        signature.getParameterTypes().forEach(t -> types.add(JType.of(t)));
        String key = "lambda#" + function.shape() + "@" + calls.site().getQualifiedName();
        // its value named after the function (f at x: f), or the method a reference names (exp)
        String name = lambda.referenced() != null ? lambda.referenced().getSimpleName().toString()
                : receiver.getLeaf() instanceof MemberSelectTree m ? m.getIdentifier().toString() : receiver.getLeaf().toString();
        calls.reader().lambda(function, key, name, calls.site());
        TypeMirror returned = trees.getTypeMirror(path);
        return new Expr.Call(new Callee.Inline(key, name, types,
                ClassRef.of(lambda.owner())), null, args, JType.of(returned), at);
    }

    /**
     * The function the name at {@code path} holds: a local or parameter of this body, or a constant
     * field ({@link MethodReferences#constant}) initialised with a function Adjoint reads ({@code SQUARE = x -> x * x},
     * which can only ever hold it); {@link Boolean#FALSE} for a local whose lambda is refused at its
     * declaration; or null.
     */
    private Object function(TreePath path) {
        if (!(path.getLeaf() instanceof IdentifierTree || path.getLeaf() instanceof MemberSelectTree)) {
            return null;
        }
        Element e = trees.getElement(path);
        if (e == null) {
            return null;
        }
        if (held.containsKey(e) || refused.contains(e)) {
            return held.containsKey(e) ? held.get(e) : Boolean.FALSE;
        }
        if (!MethodReferences.constant(trees, e)) {
            return null;
        }
        Object constant = constants.computeIfAbsent(e, field -> {
            TreePath declaration = trees.getPath(field);
            boolean lambda = declaration != null && declaration.getLeaf() instanceof VariableTree v
                    && v.getInitializer() != null && isFunction(stripped(new TreePath(declaration, v.getInitializer())));
            return lambda ? held(stripped(new TreePath(declaration, ((VariableTree) declaration.getLeaf()).getInitializer())))
                    : NONE;
        });
        // a constant whose lambda Adjoint does not read stays the object it is: calls through it are a
        // library's, refused where a derivative would flow through them
        return constant == NONE || constant instanceof Expr ? null : constant;
    }

    /** The refusal of a use of a local holding a function other than a call of it or passing it to a helper. */
    Expr misused(Tree tree) {
        return body.unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot use the function " + tree
                + " here: Adjoint reads a lambda where it is called, and follows it into the methods of this build it "
                + "is given to, so it is never built; call it, or pass it to such a method, and nothing else");
    }

    /**
     * The function at {@code path} ({@link #isFunction}) as this body holds it, or the refusal (an
     * {@link Expr}) of one Adjoint does not read so.
     */
    private Object held(TreePath path) {
        Tree tree = path.getLeaf();
        Types types = calls.types();
        TreePath typed = tree instanceof NewClassTree n ? new TreePath(path, n.getIdentifier()) : path;
        if (trees.getTypeMirror(typed) == null) {
            // a constant of a class javac has not attributed yet: asking for an element attributes the class
            trees.getElement(path);
        }
        ExecutableElement sam = trees.getTypeMirror(typed) instanceof DeclaredType d ? sam(d) : null;
        if (sam == null) {
            return refuse(path, tree, "its type is not an interface with one abstract method");
        }
        DeclaredType type = (DeclaredType) trees.getTypeMirror(typed);
        TreePath code = path;
        ExecutableElement referenced = null;
        if (tree instanceof MemberReferenceTree reference) {
            Object target = referenced(path, reference, sam, (ExecutableType) types.asMemberOf(type, sam));
            if (target instanceof Expr refusal) {
                return refusal;
            }
            referenced = (ExecutableElement) target;
            code = null;
        } else if (tree instanceof NewClassTree n) {
            code = implementation(path, n, sam);
            if (code == null) {
                return refuse(path, tree, "its class body holds more than the method " + sam.getSimpleName()
                        + " of its interface; write it as a lambda, or move what else it holds into static helpers");
            }
        }
        ExecutableType signature = (ExecutableType) types.asMemberOf(type, sam);
        List<TypeMirror> kinds = new ArrayList<>(signature.getParameterTypes());
        kinds.add(signature.getReturnType());
        for (TypeMirror t : kinds) {
            if (!(t.getKind().isPrimitive() || JType.of(t).isDoubleArray() || JType.of(t).isDouble())) {
                return refuse(path, tree, "its method " + sam.getSimpleName() + " takes or returns " + t
                        + ", and Adjoint reads a lambda on numbers (a boxed Double too) and double[] only; use "
                        + "DoubleUnaryOperator, DoubleBinaryOperator or an interface of your own on doubles");
            }
        }
        // the fields of the object around it reads are captured as the values they hold; any other use of
        // the object (this itself, its methods) is refused
        Map<Element, TreePath> fields = new LinkedHashMap<>();
        Tree own = code == null ? null : ownUse(code, fields);
        if (own != null) {
            return refuse(path, own, own + " uses the object around, which Adjoint does not pass into a lambda (it reads "
                    + "the object's fields, not its methods or the object itself); compute the value it needs before, "
                    + "into a local, and use the local in the lambda");
        }
        Set<Element> captured = new LinkedHashSet<>(code == null ? Set.of() : Fractions.captures(trees, code));
        List<Expr> values = new ArrayList<>();
        Map<Element, Held> inner = new LinkedHashMap<>();
        for (Element c : captured) {
            if (held.containsKey(c)) {
                inner.put(c, held.get(c)); // a function it calls in turn, read where it is
                continue;
            }
            Var v = c instanceof VariableElement ve && !refused.contains(c) ? body.fieldVar(ve) : null;
            if (v == null) {
                return refuse(path, tree, "it captures " + c.getSimpleName() + ", which Adjoint reads as something other "
                        + "than one variable here (a value object split into its fields, or a function it refuses); "
                        + "copy the number it needs into a local first");
            }
            values.add(new Expr.Read(v, body.at(tree)));
        }
        fields.forEach((field, read) -> {
            captured.add(field);
            values.add(body.expr(read)); // as the code around reads it: its input variable, or read from the object
        });
        if (inner.values().stream().anyMatch(h -> h.depth() >= DEEPEST)) {
            // a method that wraps the function it is given and passes the wrapper to itself: each call a new reading
            return refuse(path, tree, "it captures a function that captures functions " + DEEPEST + " deep (a method "
                    + "wrapping the function it is given and passing the wrapper to itself has no end); write the "
                    + "recursion as a loop");
        }
        long start = trees.getSourcePositions().getStartPosition(path.getCompilationUnit(), tree);
        TypeElement owner = outermost(path);
        String id = calls.reader().binaryName(owner) + ":" + start;
        return new Held(new Lambda(path, List.copyOf(captured), sam, owner, id, code, referenced), List.copyOf(values),
                inner);
    }

    /**
     * The method a reference {@code C::m} names, when Adjoint reads it as a lambda calling it: a
     * static method (a {@code Math} function, a helper of this build) taking and returning exactly
     * the types of the interface's method {@code signature}; else the refusal.
     */
    private Object referenced(TreePath path, MemberReferenceTree reference, ExecutableElement sam,
            ExecutableType signature) {
        if (reference.getMode() != MemberReferenceTree.ReferenceMode.INVOKE
                || !(trees.getElement(path) instanceof ExecutableElement m) || !m.getModifiers().contains(Modifier.STATIC)
                || m.isVarArgs() || m.getParameters().size() != signature.getParameterTypes().size()) {
            return refuse(path, reference, "Adjoint reads a reference to a static method (Math::exp, a helper of this "
                    + "build), and this is none; write it as a lambda, x -> f(x)");
        }
        Types types = calls.types();
        boolean same = types.isSameType(m.getReturnType(), signature.getReturnType());
        for (int i = 0; i < m.getParameters().size(); i++) {
            same &= types.isSameType(m.getParameters().get(i).asType(), signature.getParameterTypes().get(i));
        }
        return same ? m : refuse(path, reference, Calls.describe(m) + " does not take and return exactly the types of "
                + sam.getSimpleName() + "; write it as a lambda, x -> f(x)");
    }

    /**
     * The method of the anonymous class created at {@code path} implementing {@code sam}, when its
     * body holds that method and nothing else (but the constructor javac gives it); else null.
     */
    private TreePath implementation(TreePath path, NewClassTree created, ExecutableElement sam) {
        TreePath body = new TreePath(path, created.getClassBody());
        TreePath found = null;
        for (Tree member : created.getClassBody().getMembers()) {
            if (member instanceof MethodTree m && m.getName().contentEquals("<init>")) {
                continue;
            }
            TreePath memberPath = new TreePath(body, member);
            if (found != null || !(member instanceof MethodTree)
                    || !(trees.getElement(memberPath) instanceof ExecutableElement e)
                    || e.getModifiers().contains(Modifier.STATIC) || !calls.reader().overrides(e, sam)) {
                return null;
            }
            found = memberPath;
        }
        return found;
    }

    /**
     * The first use in {@code code} of the object around that is not a read of one of its fields,
     * or null; the fields it reads ({@code scale}, {@code this.scale}) go into {@code fields}, each
     * with its first read.
     */
    private Tree ownUse(TreePath code, Map<Element, TreePath> fields) {
        Tree[] found = {null};
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                if (node.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this")
                        && instanceField(trees.getElement(getCurrentPath()))) {
                    fields.putIfAbsent(trees.getElement(getCurrentPath()), getCurrentPath());
                    return null;
                }
                return super.visitMemberSelect(node, unused);
            }

            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                Element e = trees.getElement(getCurrentPath());
                if (instanceField(e) && !node.getName().contentEquals("this")) {
                    fields.putIfAbsent(e, getCurrentPath());
                } else if (node.getName().contentEquals("this") || node.getName().contentEquals("super")
                        || e != null && e.getKind() == ElementKind.METHOD && !e.getModifiers().contains(Modifier.STATIC)) {
                    found[0] = found[0] == null ? node : found[0];
                }
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void unused) {
                found[0] = found[0] == null ? node : found[0]; // a class inside: its code is not followed
                return null;
            }
        }.scan(code, null);
        return found[0];
    }

    private static boolean instanceField(Element e) {
        return e != null && e.getKind() == ElementKind.FIELD && !e.getModifiers().contains(Modifier.STATIC);
    }

    /** The refusal of the function at {@code path} (in its own file: a constant may be another class's), at {@code tree}. */
    private static Expr refuse(TreePath path, Tree tree, String why) {
        String what = path.getLeaf() instanceof MemberReferenceTree ? "method reference"
                : path.getLeaf() instanceof NewClassTree ? "anonymous class" : "lambda";
        return new Expr.Unsupported(Tag.AdjointUnsupportedExpression, "cannot differentiate through this " + what + ": "
                + why, JType.OBJECT, Position.of(tree, path.getCompilationUnit()));
    }

    /** The one abstract method of interface {@code type} (not one of {@code Object}'s), or null. */
    private ExecutableElement sam(DeclaredType type) {
        if (!(type.asElement() instanceof TypeElement t) || !t.getKind().isInterface()) {
            return null;
        }
        ExecutableElement found = null;
        for (ExecutableElement m : ElementFilter.methodsIn(calls.reader().members(t))) {
            if (m.getModifiers().contains(Modifier.ABSTRACT) && !objectMethod(m)) {
                if (found != null) {
                    return null;
                }
                found = m;
            }
        }
        return found;
    }

    private static boolean objectMethod(ExecutableElement m) {
        String name = m.getSimpleName().toString();
        return name.equals("equals") && m.getParameters().size() == 1 || name.equals("hashCode") && m.getParameters().isEmpty()
                || name.equals("toString") && m.getParameters().isEmpty();
    }

    /** The top-level class of the code at {@code path}. */
    private TypeElement outermost(TreePath path) {
        TypeElement out = null;
        for (TreePath p = path; p != null; p = p.getParentPath()) {
            if (p.getLeaf() instanceof ClassTree && trees.getElement(p) instanceof TypeElement t) {
                out = t;
            }
        }
        return out;
    }

    private static TreePath stripped(TreePath path) {
        while (path.getLeaf() instanceof ParenthesizedTree p) {
            path = new TreePath(path, p.getExpression());
        }
        return path;
    }
}
