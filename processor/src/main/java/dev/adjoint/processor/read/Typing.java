package dev.adjoint.processor.read;

import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The types of what the reader translates, from javac's attribution, and from the trees where
 * javac left a node unattributed (a cast, a literal in a return, a {@code new} under a condition
 * that is constant false). A type it cannot determine is {@link JType#UNKNOWN}, which the fence
 * refuses: never a guess.
 */
final class Typing {

    private final Trees trees;

    Typing(Trees trees) {
        this.trees = trees;
    }

    /** The type a cast converts to, read from the cast's type tree: javac may leave the cast node unattributed. */
    JType castType(TreePath typePath) {
        TypeMirror type = trees.getTypeMirror(typePath);
        if (type != null && type.getKind() != TypeKind.ERROR) {
            return JType.of(type);
        }
        TypeKind kind = typePath.getLeaf() instanceof PrimitiveTypeTree p ? p.getPrimitiveTypeKind() : null;
        return switch (kind == null ? TypeKind.ERROR : kind) {
            case DOUBLE -> JType.DOUBLE;
            case FLOAT -> JType.FLOAT;
            case INT -> JType.INT;
            case LONG -> JType.LONG;
            case BOOLEAN -> JType.BOOLEAN;
            default -> typeOf(typePath);
        };
    }

    /**
     * The class a {@code new} creates: javac may leave the expression unattributed (under a
     * constant-false condition), but not the class name it names.
     */
    JType newType(TreePath path, NewClassTree n) {
        TypeMirror type = trees.getTypeMirror(path);
        if (type != null && type.getKind() != TypeKind.ERROR) {
            return JType.of(type);
        }
        Element named = trees.getElement(new TreePath(path, n.getIdentifier()));
        if (named != null && named.asType().getKind() != TypeKind.ERROR) {
            return JType.of(named.asType());
        }
        return typeOf(path);
    }

    /** A literal's type from its kind: javac may leave literals inside a return unattributed. */
    Expr literal(TreePath path, Position at) {
        LiteralTree literal = (LiteralTree) path.getLeaf();
        JType type = switch (literal.getKind()) {
            case DOUBLE_LITERAL -> JType.DOUBLE;
            case FLOAT_LITERAL -> JType.FLOAT;
            case INT_LITERAL -> JType.INT;
            case LONG_LITERAL -> JType.LONG;
            case BOOLEAN_LITERAL -> JType.BOOLEAN;
            case STRING_LITERAL -> JType.STRING;
            case NULL_LITERAL -> JType.OBJECT;
            default -> typeOf(path);
        };
        return new Expr.Const(literal.getValue(), type, at);
    }

    JType typeOf(TreePath path) {
        TypeMirror type = trees.getTypeMirror(path);
        return type == null || type.getKind() == TypeKind.ERROR ? JType.UNKNOWN : JType.of(type);
    }

    /**
     * A switch expression's type. javac 17 leaves one unattributed where it is a poly expression
     * (returned, an operand): then the type its results promote to (JLS 15.28.1) when all are
     * numbers, {@code double} if one is; else their common type, or {@link JType#UNKNOWN}.
     */
    JType switchType(TreePath path) {
        JType known = typeOf(path);
        if (!known.isUnknown()) {
            return known;
        }
        java.util.List<JType> results = new java.util.ArrayList<>();
        SwitchExpressionTree s = (SwitchExpressionTree) path.getLeaf();
        for (CaseTree c : s.getCases()) {
            TreePath at = new TreePath(path, c);
            if (c.getBody() instanceof ExpressionTree e) {
                results.add(typeOf(new TreePath(at, e)));
            } else if (c.getBody() != null || c.getCaseKind() == CaseTree.CaseKind.STATEMENT) {
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitYield(YieldTree y, Void unused) {
                        results.add(typeOf(new TreePath(getCurrentPath(), y.getValue())));
                        return null;
                    }

                    @Override
                    public Void visitSwitchExpression(SwitchExpressionTree inner, Void unused) {
                        return null; // its yields are its own
                    }

                    @Override
                    public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
                        return null;
                    }

                    @Override
                    public Void visitClass(ClassTree type, Void unused) {
                        return null;
                    }
                }.scan(at, null);
            }
        }
        if (results.isEmpty() || results.stream().anyMatch(JType::isUnknown)) {
            return returned(path);
        }
        if (results.stream().allMatch(t -> t.isNumeric() || t.isDouble())) {
            for (JType promoted : java.util.List.of(JType.DOUBLE, JType.FLOAT, JType.LONG)) {
                if (results.stream().anyMatch(t -> t.kind() == promoted.kind() || promoted.isDouble() && t.isDouble())) {
                    return promoted;
                }
            }
            return JType.INT;
        }
        return results.stream().allMatch(t -> t.sameAs(results.get(0))) ? results.get(0) : JType.UNKNOWN;
    }

    /**
     * The return type of the method an expression is returned from ({@code return switch ...}: its
     * results are converted to it, as in an assignment), or {@link JType#UNKNOWN} elsewhere.
     */
    private JType returned(TreePath path) {
        if (!(path.getParentPath().getLeaf() instanceof ReturnTree)) {
            return JType.UNKNOWN;
        }
        for (TreePath p = path; p != null; p = p.getParentPath()) {
            if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
                return JType.UNKNOWN;
            }
            if (p.getLeaf() instanceof MethodTree && trees.getElement(p) instanceof ExecutableElement m) {
                return JType.of(m.getReturnType());
            }
        }
        return JType.UNKNOWN;
    }

    /** Whether a parameter of {@code method} typed as an object (not a boxed Double) gets a differentiated value. */
    static boolean objectGets(ExecutableElement method, java.util.List<Expr> args) {
        java.util.List<? extends javax.lang.model.element.VariableElement> params = method.getParameters();
        for (int i = 0; i < params.size() && i < args.size(); i++) {
            TypeMirror t = params.get(i).asType();
            boolean object = (t.getKind() == TypeKind.DECLARED || t.getKind() == TypeKind.TYPEVAR)
                    && !t.toString().equals("java.lang.Double");
            if (object && args.get(i).type().isDifferentiable()) {
                return true;
            }
        }
        return false;
    }
}
