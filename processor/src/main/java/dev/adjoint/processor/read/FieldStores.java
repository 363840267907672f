package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stores;
import dev.adjoint.processor.ir.Var;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * The receiver's own {@code double} fields a method writes, as Neuroph's transfer functions keep
 * their last output ({@link Stores}): {@code output = e;} (or {@code this.output = e}, {@code +=},
 * {@code ++}) as a statement of the method itself, outside loops, lambdas, local classes and
 * {@code try}, where the field is one the method is differentiated with respect to (the variable its
 * value is read into). The write assigns that variable and stores it into the field.
 */
final class FieldStores {

    private final Trees trees;
    /** The implementation class the stores are methods of; null where the body may store nothing (a helper's). */
    private ClassRef impl;
    private Var self;
    /** The variables of the fields written, and the fields' names. */
    private final Map<Var, String> names = new HashMap<>();

    FieldStores(Trees trees) {
        this.trees = trees;
    }

    /** Lets the body being read (a method's own, whose receiver is {@code self}) store its fields, through {@code impl}. */
    void into(ClassRef impl, Var self) {
        this.impl = impl;
        this.self = self;
    }

    /** The variable of the field the statement's target {@code target} is, when the method may store it; else null. */
    Var field(TreePath target, Function<Element, Var> bound) {
        Tree tree = Operators.stripParens((ExpressionTree) target.getLeaf());
        boolean onThis = tree instanceof IdentifierTree || tree instanceof MemberSelectTree s
                && Operators.stripParens(s.getExpression()) instanceof IdentifierTree id && id.getName().contentEquals("this");
        if (impl == null || !onThis) {
            return null;
        }
        Element field = trees.getElement(target.getLeaf() == tree ? target : new TreePath(target, tree));
        if (field == null || field.getKind() != ElementKind.FIELD || field.getModifiers().contains(Modifier.STATIC)) {
            return null;
        }
        Var var = bound.apply(field);
        if (var == null || !var.type.isDouble()) {
            return null;
        }
        for (TreePath p = target; p != null && p.getLeaf().getKind() != Tree.Kind.METHOD; p = p.getParentPath()) {
            switch (p.getLeaf().getKind()) {
                case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP, LAMBDA_EXPRESSION, CLASS, TRY -> {
                    return null; // run again, or elsewhere: the field's last value would not be the method's
                }
                default -> { }
            }
        }
        names.put(var, field.getSimpleName().toString());
        return var;
    }

    /** {@code assign}, followed by the store of its variable into its field when it is one. */
    Stmt after(Var var, Stmt assign) {
        String name = names.get(var);
        return name == null ? assign
                : new Stmt.Block(null, List.of(assign, Stores.store(impl, self, name, var, assign.pos())));
    }
}
