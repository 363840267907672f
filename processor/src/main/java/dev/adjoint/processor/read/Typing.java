package dev.adjoint.processor.read;

import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import javax.lang.model.element.Element;
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
}
