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
        Flat out = new Flat();
        print(e, out);
        return out.build();
    }

    /**
     * Prints into one format string rather than a tree of nested blocks: JavaPoet then writes a
     * statement as a few text runs instead of one part per operator and operand, which was most
     * of the processor's own time.
     */
    private static void print(Expr e, Flat out) {
        if (e instanceof Expr.Literal l) {
            literal(l, out);
        } else if (e instanceof Expr.Local l) {
            out.text(l.name());
        } else if (e instanceof Expr.StaticField f) {
            out.type(ClassName.get(f.owner())).text(".").text(f.name());
        } else if (e instanceof Expr.FieldRead f) {
            operand(f.target(), PRIMARY, out);
            out.text(".").text(f.name());
        } else if (e instanceof Expr.Unary u) {
            out.text(u.op().symbol);
            if (u.operand() instanceof Expr.Unary || isNegativeLiteral(u.operand())) {
                out.text("(");
                print(u.operand(), out);
                out.text(")");
            } else {
                operand(u.operand(), UNARY, out);
            }
        } else if (e instanceof Expr.Binary b) {
            int p = b.op().precedence;
            operand(b.left(), p, out);
            out.text(" ").text(b.op().symbol).text(" ");
            operand(b.right(), p + 1, out);
        } else if (e instanceof Expr.Conditional c) {
            operand(c.condition(), CONDITIONAL + 1, out);
            out.text(" ? ");
            operand(c.then(), CONDITIONAL, out);
            out.text(" : ");
            operand(c.otherwise(), CONDITIONAL, out);
        } else if (e instanceof Expr.Cast c) {
            out.text("(").type(type(c.type())).text(") ");
            operand(c.operand(), UNARY, out);
        } else if (e instanceof Expr.MathCall m) {
            out.type(ClassName.get(m.strict() ? StrictMath.class : Math.class)).text(".").text(m.function().javaName);
            arguments(m.args(), out);
        } else if (e instanceof Expr.Invoke i) {
            if (i.receiver() == null) {
                staticCall(i.method(), i.args(), out);
            } else {
                operand(i.receiver(), PRIMARY, out);
                out.text(".").text(i.method().getSimpleName().toString());
                arguments(i.args(), out);
            }
        } else if (e instanceof Expr.ArrayRead a) {
            operand(a.array(), PRIMARY, out);
            out.text("[");
            print(a.index(), out);
            out.text("]");
        } else if (e instanceof Expr.Length l) {
            operand(l.array(), PRIMARY, out);
            out.text(".length");
        } else if (e instanceof Expr.NewArray n) {
            out.text("new ").type(type(n.type().component())).text("[");
            print(n.length(), out);
            out.text("]");
        } else if (e instanceof Expr.DiffCall c) {
            staticCall(c.method(), c.args(), out);
        } else if (e instanceof Expr.CustomCall c) {
            staticCall(c.method(), c.args(), out);
        } else if (e instanceof Expr.StopGradient g) {
            out.type(ClassName.get("dev.adjoint", "Adjoint")).text(".stopGradient(");
            print(g.operand(), out);
            out.text(")");
        } else if (e instanceof Expr.Apply a) {
            if (a.receiver() != null) {
                operand(a.receiver(), PRIMARY, out);
                out.text(".").text(a.method());
            } else if (a.method().equals("new")) {
                out.text("new ").type(className(a.owner()));
            } else {
                out.type(className(a.owner())).text(".").text(a.method());
            }
            arguments(a.args(), out);
        } else {
            Expr.New n = (Expr.New) e;
            out.text("new ").type(type(n.type()));
            arguments(n.args(), out);
        }
    }

    private static void staticCall(javax.lang.model.element.ExecutableElement method, java.util.List<Expr> args,
            Flat out) {
        out.type(ClassName.get((TypeElement) method.getEnclosingElement())).text(".")
                .text(method.getSimpleName().toString());
        arguments(args, out);
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

    /** {@code (a, b, c)}. */
    private static void arguments(java.util.List<Expr> args, Flat out) {
        out.text("(");
        for (int k = 0; k < args.size(); k++) {
            if (k > 0) {
                out.text(", ");
            }
            print(args.get(k), out);
        }
        out.text(")");
    }

    /** {@code e} printed as an operand that needs at least precedence {@code min}. */
    private static void operand(Expr e, int min, Flat out) {
        boolean parenthesised = precedence(e) < min;
        if (parenthesised) {
            out.text("(");
        }
        print(e, out);
        if (parenthesised) {
            out.text(")");
        }
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

    private static void literal(Expr.Literal l, Flat out) {
        Object v = l.value();
        if (v instanceof Double d) {
            if (d.isNaN()) {
                out.type(ClassName.get(Double.class)).text(".NaN");
            } else if (d.isInfinite()) {
                out.type(ClassName.get(Double.class)).text(d > 0 ? ".POSITIVE_INFINITY" : ".NEGATIVE_INFINITY");
            } else {
                out.text(d.toString());
            }
        } else if (v instanceof Float f) {
            out.text(f + "f");
        } else if (v instanceof Long n) {
            out.text(n + "L");
        } else if (v instanceof String str) {
            out.string(str);
        } else if (v instanceof Character c) {
            out.text("'").text(escape(c)).text("'");
        } else if (v == null) {
            out.text("null");
        } else if (v instanceof Number n && l.type().kind() == JType.Kind.OTHER) {
            // a short or byte constant: keep its type
            out.text("(").type(type(l.type())).text(") ").text(n.toString());
        } else {
            out.text(String.valueOf(v));
        }
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

    /**
     * A code block being built as one JavaPoet format string: text (its {@code $} escaped), and
     * {@code $T} and {@code $S} arguments for types (imported by JavaPoet) and string literals.
     */
    private static final class Flat {
        private final StringBuilder format = new StringBuilder();
        private final java.util.List<Object> args = new java.util.ArrayList<>();

        Flat text(String text) {
            format.append(text.indexOf('$') < 0 ? text : text.replace("$", "$$"));
            return this;
        }

        Flat type(TypeName type) {
            format.append("$T");
            args.add(type);
            return this;
        }

        Flat string(String literal) {
            format.append("$S");
            args.add(literal);
            return this;
        }

        CodeBlock build() {
            return CodeBlock.of(format.toString(), args.toArray());
        }
    }
}
