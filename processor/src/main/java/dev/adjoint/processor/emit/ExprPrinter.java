package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import javax.lang.model.element.TypeElement;

/**
 * Prints IR expressions as Java source, adding parentheses only where Java's precedence needs
 * them (and keeping the user's grouping, since floating-point operations do not reassociate).
 */
final class ExprPrinter {

    private static final int CONDITIONAL = 1;
    private static final int CAST = 13;
    private static final int UNARY = 14;
    private static final int PRIMARY = 16;

    private ExprPrinter() {}

    static CodeBlock print(Expr e) {
        if (e instanceof Expr.Literal l) {
            return literal(l);
        }
        if (e instanceof Expr.Local l) {
            return CodeBlock.of("$N", l.name());
        }
        if (e instanceof Expr.StaticField f) {
            return CodeBlock.of("$T.$N", ClassName.get(f.owner()), f.name());
        }
        if (e instanceof Expr.FieldRead f) {
            return CodeBlock.of("$L.$N", operand(f.target(), PRIMARY), f.name());
        }
        if (e instanceof Expr.Unary u) {
            boolean sign = u.operand() instanceof Expr.Unary || isNegativeLiteral(u.operand());
            CodeBlock inner = sign ? CodeBlock.of("($L)", print(u.operand())) : operand(u.operand(), UNARY);
            return CodeBlock.of("$L$L", u.op().symbol, inner);
        }
        if (e instanceof Expr.Binary b) {
            int p = b.op().precedence;
            return CodeBlock.of("$L $L $L", operand(b.left(), p), b.op().symbol, operand(b.right(), p + 1));
        }
        if (e instanceof Expr.Conditional c) {
            return CodeBlock.of("$L ? $L : $L", operand(c.condition(), CONDITIONAL + 1),
                    operand(c.then(), CONDITIONAL), operand(c.otherwise(), CONDITIONAL));
        }
        if (e instanceof Expr.Cast c) {
            return CodeBlock.of("($T) $L", type(c.type()), operand(c.operand(), UNARY));
        }
        if (e instanceof Expr.MathCall m) {
            return CodeBlock.of("$T.$N($L)", m.strict() ? StrictMath.class : Math.class, m.function().javaName,
                    arguments(m.args()));
        }
        if (e instanceof Expr.Invoke i) {
            String name = i.method().getSimpleName().toString();
            if (i.receiver() == null) {
                TypeElement owner = (TypeElement) i.method().getEnclosingElement();
                return CodeBlock.of("$T.$N($L)", ClassName.get(owner), name, arguments(i.args()));
            }
            return CodeBlock.of("$L.$N($L)", operand(i.receiver(), PRIMARY), name, arguments(i.args()));
        }
        if (e instanceof Expr.ArrayRead a) {
            return CodeBlock.of("$L[$L]", operand(a.array(), PRIMARY), print(a.index()));
        }
        if (e instanceof Expr.Length l) {
            return CodeBlock.of("$L.length", operand(l.array(), PRIMARY));
        }
        if (e instanceof Expr.NewArray n) {
            return CodeBlock.of("new $T[$L]", type(n.type().component()), print(n.length()));
        }
        if (e instanceof Expr.DiffCall c) {
            return staticCall(c.method(), c.args());
        }
        if (e instanceof Expr.CustomCall c) {
            return staticCall(c.method(), c.args());
        }
        if (e instanceof Expr.StopGradient g) {
            return CodeBlock.of("$T.stopGradient($L)", ClassName.get("dev.adjoint", "Adjoint"), print(g.operand()));
        }
        if (e instanceof Expr.Apply a) {
            if (a.receiver() != null) {
                return CodeBlock.of("$L.$N($L)", operand(a.receiver(), PRIMARY), a.method(), arguments(a.args()));
            }
            if (a.method().equals("new")) {
                return CodeBlock.of("new $T($L)", className(a.owner()), arguments(a.args()));
            }
            return CodeBlock.of("$T.$N($L)", className(a.owner()), a.method(), arguments(a.args()));
        }
        Expr.New n = (Expr.New) e;
        return CodeBlock.of("new $T($L)", type(n.type()), arguments(n.args()));
    }

    private static CodeBlock staticCall(javax.lang.model.element.ExecutableElement method, java.util.List<Expr> args) {
        return CodeBlock.of("$T.$N($L)", ClassName.get((TypeElement) method.getEnclosingElement()),
                method.getSimpleName().toString(), arguments(args));
    }

    static ClassName className(JType.ClassRef ref) {
        java.util.List<String> names = ref.simpleNames();
        return ClassName.get(ref.packageName(), names.get(0), names.subList(1, names.size()).toArray(new String[0]));
    }

    static TypeName type(JType t) {
        if (t.generated() != null) {
            return className(t.generated());
        }
        return switch (t.kind()) {
            case DOUBLE_ARRAY -> com.palantir.javapoet.ArrayTypeName.of(TypeName.DOUBLE);
            case DOUBLE -> TypeName.DOUBLE;
            case INT -> TypeName.INT;
            case LONG -> TypeName.LONG;
            case BOOLEAN -> TypeName.BOOLEAN;
            case OTHER -> TypeName.get(t.mirror());
        };
    }

    private static CodeBlock arguments(java.util.List<Expr> args) {
        return args.stream().map(ExprPrinter::print).collect(CodeBlock.joining(", "));
    }

    /** {@code e} printed as an operand that needs at least precedence {@code min}. */
    private static CodeBlock operand(Expr e, int min) {
        CodeBlock printed = print(e);
        return precedence(e) < min ? CodeBlock.of("($L)", printed) : printed;
    }

    private static int precedence(Expr e) {
        if (e instanceof Expr.Binary b) {
            return b.op().precedence;
        }
        if (e instanceof Expr.Conditional) {
            return CONDITIONAL;
        }
        if (e instanceof Expr.Cast) {
            return CAST;
        }
        if (e instanceof Expr.Unary || isNegativeLiteral(e)) {
            return UNARY;
        }
        return PRIMARY;
    }

    private static boolean isNegativeLiteral(Expr e) {
        return e instanceof Expr.Literal l && l.value() instanceof Number n && !(l.value() instanceof Float)
                && (n.doubleValue() < 0 || (n.doubleValue() == 0 && 1 / n.doubleValue() < 0));
    }

    private static CodeBlock literal(Expr.Literal l) {
        Object v = l.value();
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return CodeBlock.of("$T.NaN", Double.class);
            }
            if (d.isInfinite()) {
                return CodeBlock.of(d > 0 ? "$T.POSITIVE_INFINITY" : "$T.NEGATIVE_INFINITY", Double.class);
            }
            return CodeBlock.of("$L", d.toString());
        }
        if (v instanceof Float f) {
            return CodeBlock.of("$L", f + "f");
        }
        if (v instanceof Long n) {
            return CodeBlock.of("$LL", n);
        }
        if (v instanceof String s) {
            return CodeBlock.of("$S", s);
        }
        if (v instanceof Character c) {
            return CodeBlock.of("'$L'", escape(c));
        }
        if (v == null) {
            return CodeBlock.of("null");
        }
        if (v instanceof Number n && l.type().kind() == JType.Kind.OTHER) {
            // a short or byte constant: keep its type
            return CodeBlock.of("($T) $L", type(l.type()), n);
        }
        return CodeBlock.of("$L", v);
    }

    private static String escape(char c) {
        return switch (c) {
            case '\'' -> "\\'";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        };
    }

}
