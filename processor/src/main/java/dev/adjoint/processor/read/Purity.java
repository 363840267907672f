package dev.adjoint.processor.read;

import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.Keys;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Types;

/**
 * Which code has no effect a second run would repeat: {@link Values} reads a call that returns a
 * value object once per field of its result, and a value object's arguments once per field that
 * reads them, so what runs there must only compute. A method's verdict is {@link Effects}'s (it
 * writes nothing of its caller's, read from its source or its class file).
 */
final class Purity {

    /**
     * Classes whose static methods compute a value and nothing else, whatever their class files say;
     * with them, the libraries with Math's names and contracts ({@link Calls#MATH_LIKE}: FastMath).
     */
    private static final Set<String> PURE_CLASSES = Set.of("java.lang.Math", "java.lang.StrictMath", "java.lang.Double",
            "java.lang.Float", "java.lang.Integer", "java.lang.Long", "dev.adjoint.Adjoint");

    private final Trees trees;
    private final Types types;
    private final Values values;
    private final Effects effects;

    Purity(Trees trees, Types types, Values values, Effects effects) {
        this.trees = trees;
        this.types = types;
        this.values = values;
        this.effects = effects;
    }

    /**
     * Whether {@code method} has no effect a second run would repeat: a record's accessor, a math
     * function (not {@code Math.random}, whose second run gives another value), or a method that
     * writes nothing ({@link Effects#writesNothing}).
     */
    boolean pure(ExecutableElement method) {
        String owner = ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString();
        return values.accessor(method) != null
                || method.getModifiers().contains(Modifier.STATIC) && (PURE_CLASSES.contains(owner)
                        || Calls.MATH_LIKE.contains(owner)) && !method.getSimpleName().contentEquals("random")
                || effects.writesNothing(method, Keys.of(method, types)) || changesOnlyItsOwn(method);
    }

    /**
     * Whether {@code method} writes nothing but its locals and the objects its own split locals
     * hold ({@code Cell c = new Cell(a, b); c.first = ...}): objects no caller can see.
     */
    private boolean changesOnlyItsOwn(ExecutableElement method) {
        if (!values.hasBody(method)) {
            return false;
        }
        Set<javax.lang.model.element.Element> own = new java.util.HashSet<>();
        for (javax.lang.model.element.Element e : values.methodScope(method).filled()) {
            if (e.getKind() == javax.lang.model.element.ElementKind.LOCAL_VARIABLE) {
                own.add(e);
            }
        }
        Set<String> names = new java.util.HashSet<>();
        own.forEach(e -> names.add(e.getSimpleName().toString()));
        return !names.isEmpty() && effects.writesOnly(method, names, call -> ownObjectsOnly(call, names));
    }

    /**
     * Whether {@code method} writes nothing but its locals and the fields of the split objects
     * {@code filled} (its parameters and locals it fills): read once per field of its result, each
     * read changes its own copies of their fields.
     */
    boolean changesOnly(ExecutableElement method, Set<javax.lang.model.element.Element> filled) {
        Set<String> names = new java.util.HashSet<>();
        filled.forEach(e -> names.add(e.getSimpleName().toString()));
        if (values.scopes().changesThis(method)) {
            names.add("this"); // d.selfAdd(y): its own fields too
        }
        // copy(this).selfAdd(y): a change of an object the call itself creates
        return effects.writesOnly(method, names, call -> ownObjectsOnly(call, names));
    }

    private final Set<ExecutableElement> judging = new java.util.HashSet<>();

    /**
     * Whether the call at {@code call} changes only objects it creates or that the method judged
     * holds under the names {@code names} (its own split objects, those it fills, {@code this}): a
     * method that changes its object called on one of them ({@code c.scaleLocal(2.0)}, {@code
     * selfAdd(y, 0.0)} on this), or fills its arguments given as such or new ({@code Cell.fill(a, b,
     * c)}, {@code fill(a, b, new Cell())}), and writes nothing else.
     */
    private boolean ownObjectsOnly(TreePath call, Set<String> names) {
        if (values.scopes().changesNew(call)) {
            return true;
        }
        if (trees.getElement(call) instanceof ExecutableElement lib && !values.hasBody(lib)) {
            // a function of a class whose static methods only compute (Double.doubleToRawLongBits in
            // Commons Numbers' DD.isNotNormal, under Sum.addProduct): it changes nothing
            return pure(lib);
        }
        if (!(trees.getElement(call) instanceof ExecutableElement m) || !values.hasBody(m) || !judging.add(m)) {
            return false; // a method reaching itself: not known to change only such objects
        }
        try {
            MethodInvocationTree tree = (MethodInvocationTree) call.getLeaf();
            TreePath receiver = values.receiver(call);
            boolean onThis = receiver == null || receiver.getLeaf() instanceof com.sun.source.tree.IdentifierTree id
                    && id.getName().contentEquals("this");
            if (values.scopes().changesThis(m) && !(onThis ? names.contains("this") && !m.getModifiers().contains(
                    Modifier.STATIC) : named(receiver.getLeaf(), names))) {
                return false;
            }
            for (int i : values.scopes().fills(m)) {
                if (i >= tree.getArguments().size() || !(tree.getArguments().get(i) instanceof NewClassTree)
                        && !named(tree.getArguments().get(i), names)) {
                    return false;
                }
            }
            return pure(m) || changesOnly(m, values.methodScope(m).filled());
        } finally {
            judging.remove(m);
        }
    }

    private static boolean named(com.sun.source.tree.Tree tree, Set<String> names) {
        return tree instanceof com.sun.source.tree.IdentifierTree id && names.contains(id.getName().toString());
    }

    /**
     * Whether the expression at {@code expr} has no effect: it assigns nothing, creates only split
     * objects (and what it throws), and calls only pure methods.
     */
    boolean pure(TreePath expr) {
        return !Values.assigns(expr) && new Values.Check() {
            private int throwing;

            @Override
            public Void visitThrow(ThrowTree node, Void unused) {
                throwing++;
                super.visitThrow(node, unused);
                throwing--;
                return null;
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                ok &= throwing > 0 || trees.getElement(getCurrentPath()) instanceof ExecutableElement m
                        && (pure(m) || ownObjectsOnly(getCurrentPath(), Set.of()));
                return super.visitMethodInvocation(node, unused);
            }

            @Override
            public Void visitNewClass(NewClassTree node, Void unused) {
                ok &= throwing > 0 || node.getClassBody() == null
                        && trees.getElement(getCurrentPath()) instanceof ExecutableElement ctor && values.ctor(ctor) != null;
                return super.visitNewClass(node, unused);
            }
        }.passes(expr);
    }
}
