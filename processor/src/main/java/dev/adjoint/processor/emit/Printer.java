package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints IR as Java source through JavaPoet: expressions with parentheses only where Java's
 * precedence needs them (keeping the user's grouping: floating-point operations do not
 * reassociate), statements as the user would write them ({@code s += e}, {@code i++}).
 */
final class Printer {

    private static final int CONDITIONAL = 1;
    private static final int CAST = 13;
    private static final int UNARY = 14;
    private static final int PRIMARY = 16;

    private final Namer namer;
    /** The class the code goes into: its own static members print without their class. */
    private final ClassRef self;
    private final Bridges bridges;
    private final Var stackVar;
    /** The variables the parts of a split method share, read and written as fields of {@link #frame}. */
    private java.util.Set<Var> framed = java.util.Set.of();
    private String frame;

    Printer(Namer namer, ClassRef self, Bridges bridges, Var stack) {
        this.namer = namer;
        this.self = self;
        this.bridges = bridges;
        this.stackVar = stack;
    }

    /** This printer for one part of a split method: {@code framed} print as fields of {@code frame}. */
    Printer framed(java.util.Set<Var> framed, Var frame) {
        this.framed = framed;
        this.frame = namer.name(frame);
        return this;
    }

    private String stack() {
        return stackVar == null ? "_stack" : name(stackVar);
    }

    /** A variable as the code names it: its name, or its field of the frame. */
    private String name(Var v) {
        return framed.contains(v) ? frame + "." + namer.name(v) : namer.name(v);
    }

    // ---------------------------------------------------------------- statements

    CodeBlock statements(List<Stmt> body) {
        CodeBlock.Builder code = CodeBlock.builder();
        for (Stmt s : body) {
            if (s instanceof Stmt.Declare d && d.init() == null && framed.contains(d.var())) {
                continue; // a field of the frame: declared there
            }
            statement(s, code);
        }
        flush(code);
        return code.build();
    }

    /**
     * Lines of statements that name no type, not yet handed to JavaPoet: a run of them goes in as
     * one literal, which JavaPoet splits into lines once (it splits every piece of a format with a
     * regular expression, in each of its two passes over a file, and that was half its time).
     */
    private final StringBuilder lines = new StringBuilder();

    private void flush(CodeBlock.Builder code) {
        if (!lines.isEmpty()) {
            code.add("$L", lines.toString());
            lines.setLength(0);
        }
    }

    /** The statements of a nested list, then what is pending flushed: the caller adds to {@code code} next. */
    private void body(List<Stmt> list, CodeBlock.Builder code) {
        list.forEach(t -> statement(t, code));
        flush(code);
    }

    /** One line of a statement: pending as text when it names no type, else a piece of its own. */
    private void line(Flat out, CodeBlock.Builder code) {
        if (out.args.isEmpty()) {
            lines.append(out.plain).append(";\n");
        } else {
            flush(code);
            out.raw(";\n$]").addTo(code);
        }
    }

    private void statement(Stmt s, CodeBlock.Builder code) {
        if (s instanceof Stmt.Comment c) {
            lines.append("// ").append(c.text()).append('\n');
        } else if (s instanceof Stmt.Declare || s instanceof Stmt.Assign || s instanceof Stmt.ArrayWrite
                || s instanceof Stmt.Put || s instanceof Stmt.Accumulate || s instanceof Stmt.Eval
                || s instanceof Stmt.Push) {
            Flat out = new Flat().raw("$[");
            simple(s, out);
            line(out, code);
        } else if (s instanceof Stmt.Throw t) {
            Flat out = new Flat().raw("$[").text("throw ");
            print(t.exception(), out);
            line(out, code);
        } else if (s instanceof Stmt.Return r) {
            Flat out = new Flat().raw("$[").text("return");
            if (r.value() != null) {
                out.text(" ");
                print(r.value(), out);
            }
            line(out, code);
        } else {
            flush(code);
            structured(s, code);
        }
    }

    /** A statement with nested statements: JavaPoet's control flow, which keeps the indentation. */
    private void structured(Stmt s, CodeBlock.Builder code) {
        if (s instanceof Stmt.Block b) {
            if (b.label() != null) {
                code.add("$L: ", b.label());
            }
            code.add("{\n$>");
            body(b.body(), code);
            code.add("$<}\n");
        } else if (s instanceof Stmt.If i) {
            if (i.then().isEmpty() && !i.otherwise().isEmpty()) {
                code.beginControlFlow("if (!$L)", operand(i.condition(), UNARY));
                body(i.otherwise(), code);
            } else {
                code.beginControlFlow("if ($L)", print(i.condition()));
                body(i.then(), code);
                if (!i.otherwise().isEmpty()) {
                    if (i.otherwise().size() == 1 && i.otherwise().get(0) instanceof Stmt.If inner) {
                        code.unindent().add("} else ");
                        elseIf(inner, code);
                        return;
                    }
                    code.nextControlFlow("else");
                    body(i.otherwise(), code);
                }
            }
            code.endControlFlow();
        } else if (s instanceof Stmt.Loop l) {
            loop(l, code);
        } else {
            throw new IllegalStateException("cannot print " + s);
        }
    }

    /** {@code else if (...) {...}} chains as the user writes them. */
    private void elseIf(Stmt.If i, CodeBlock.Builder code) {
        code.add("if ($L) {\n$>", print(i.condition()));
        body(i.then(), code);
        if (!i.otherwise().isEmpty()) {
            if (i.otherwise().size() == 1 && i.otherwise().get(0) instanceof Stmt.If inner) {
                code.unindent().add("} else ");
                elseIf(inner, code);
                return;
            }
            code.nextControlFlow("else");
            body(i.otherwise(), code);
        }
        code.endControlFlow();
    }

    private void loop(Stmt.Loop l, CodeBlock.Builder code) {
        if (l.label() != null) {
            code.add("$L:\n", l.label());
        }
        if (!l.head().isEmpty()) {
            // statements the condition needs first: while (true) { head; if (!cond) break; body }
            if (l.init().isEmpty()) {
                code.beginControlFlow("while (true)");
            } else {
                code.beginControlFlow("for ($L; ; )", joined(l.init()));
            }
            if (!l.doWhile()) {
                body(l.head(), code);
                code.beginControlFlow("if (!$L)", operand(l.condition(), UNARY)).addStatement("break").endControlFlow();
                body(l.body(), code);
                body(l.update(), code);
            } else {
                body(l.body(), code);
                body(l.update(), code);
                body(l.head(), code);
                code.beginControlFlow("if (!$L)", operand(l.condition(), UNARY)).addStatement("break").endControlFlow();
            }
            code.endControlFlow();
            return;
        }
        CodeBlock condition = l.condition() == null ? CodeBlock.of("true") : print(l.condition());
        if (l.doWhile()) {
            code.beginControlFlow("do");
            body(l.body(), code);
            code.endControlFlow("while ($L)", condition);
            return;
        }
        if (l.init().isEmpty() && l.update().isEmpty()) {
            code.beginControlFlow("while ($L)", condition);
        } else {
            code.beginControlFlow("for ($L; $L; $L)", joined(l.init()),
                    l.condition() == null ? CodeBlock.of("") : condition, joined(l.update()));
        }
        body(l.body(), code);
        code.endControlFlow();
    }

    private CodeBlock joined(List<Stmt> stmts) {
        List<CodeBlock> parts = new ArrayList<>();
        for (Stmt s : stmts) {
            Flat out = new Flat();
            simple(s, out);
            parts.add(out.build());
        }
        return CodeBlock.join(parts, ", ");
    }

    /** A statement without its semicolon, into {@code out}: {@code double x = e}, {@code i++}, {@code a[i] += d}. */
    private void simple(Stmt s, Flat out) {
        if (s instanceof Stmt.Declare d) {
            Var v = d.var();
            if (framed.contains(v)) {
                out.text(name(v)).text(" = ");
                print(d.init(), out);
                return;
            }
            out.declaredType(type(v.type)).text(" ").text(namer.name(v));
            if (d.init() != null) {
                out.text(" = ");
                print(d.init(), out);
            }
            return;
        }
        if (s instanceof Stmt.Assign a) {
            Var v = a.var();
            String name = name(v);
            if (a.value() instanceof Expr.Binary b && b.left() instanceof Expr.Read r && r.var() == v
                    && !v.type.isDouble() && b.right() instanceof Expr.Const one && Integer.valueOf(1).equals(one.value())
                    && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
                out.text(name).text(b.op() == Expr.BinaryOp.ADD ? "++" : "--");
                return;
            }
            boolean arithmetic = v.type.isDouble() || (v.type.kind() == JType.Kind.INT && v.type.mirror() == null)
                    || v.type.kind() == JType.Kind.LONG;
            if (a.value() instanceof Expr.Binary b && b.left() instanceof Expr.Read r && r.var() == v && arithmetic
                    && b.type().kind() == v.type.kind() && b.op().precedence >= Expr.BinaryOp.ADD.precedence
                    && b.op() != Expr.BinaryOp.REM) {
                // as the user wrote it: s += e
                out.text(name).text(" ").text(b.op().symbol).text("= ");
                print(b.right(), out);
                return;
            }
            out.text(name).text(" = ");
            print(a.value(), out);
            return;
        }
        if (s instanceof Stmt.ArrayWrite w) {
            Expr element = new Expr.ArrayRead(w.array(), w.index(), w.value().type(), null);
            if (w.value() instanceof Expr.Binary b && sameElement(b.left(), element) && element.type().isDouble()
                    && b.op().precedence >= Expr.BinaryOp.ADD.precedence && b.op() != Expr.BinaryOp.REM) {
                print(element, out);
                out.text(" ").text(b.op().symbol).text("= ");
                print(b.right(), out);
                return;
            }
            print(element, out);
            out.text(" = ");
            print(w.value(), out);
            return;
        }
        if (s instanceof Stmt.Put p && p.target() instanceof Expr.FieldGet f && f.hidden()) {
            out.text(bridges.fieldSetter(f)).text("(");
            argumentList(List.of(f.target(), p.value()), out);
            out.text(")");
            return;
        }
        if (s instanceof Stmt.Put p) {
            print(p.target(), out);
            out.text(" = ");
            print(p.value(), out);
            return;
        }
        if (s instanceof Stmt.Accumulate a) {
            if (a.delta() instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
                print(a.target(), out);
                out.text(" -= ");
                print(u.operand(), out);
                return;
            }
            print(a.target(), out);
            out.text(" += ");
            print(a.delta(), out);
            return;
        }
        if (s instanceof Stmt.Push p) {
            // an object (an enum a loop gets anew each step) has its own stack, as popObject reads it
            out.text(stack()).text(p.value().type().kind() == JType.Kind.OTHER ? ".pushObject(" : ".push(");
            print(p.value(), out);
            out.text(")");
            return;
        }
        print(((Stmt.Eval) s).expr(), out);
    }

    private static boolean sameElement(Expr a, Expr b) {
        return a instanceof Expr.ArrayRead x && b instanceof Expr.ArrayRead y
                && dev.adjoint.processor.ir.Exprs.same(x.array(), y.array())
                && dev.adjoint.processor.ir.Exprs.same(x.index(), y.index());
    }

    // ---------------------------------------------------------------- expressions

    CodeBlock print(Expr e) {
        Flat out = new Flat();
        print(e, out);
        return out.build();
    }

    private CodeBlock operand(Expr e, int min) {
        Flat out = new Flat();
        operand(e, min, out);
        return out.build();
    }

    /**
     * Prints into one format string rather than a tree of nested blocks: JavaPoet then writes a
     * statement as a few text runs instead of one part per operator and operand.
     */
    private void print(Expr e, Flat out) {
        if (e instanceof Expr.Const l) {
            literal(l, out);
        } else if (e instanceof Expr.Read r) {
            out.text(name(r.var()));
        } else if (e instanceof Expr.StaticGet f) {
            if (f.hidden()) {
                out.text(bridges.staticField(f)).text("()");
            } else if (f.owner().equals(self)) {
                out.text(f.name());
            } else {
                out.type(className(f.owner())).text(".").text(f.name());
            }
        } else if (e instanceof Expr.FieldGet f) {
            if (f.hidden()) {
                out.text(bridges.field(f)).text("(");
                print(f.target(), out);
                out.text(")");
            } else {
                operand(f.target(), PRIMARY, out);
                out.text(".").text(f.name());
            }
        } else if (e instanceof Expr.Unary u) {
            out.text(u.op().symbol);
            if (startsWithSign(u.operand())) {
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
        } else if (e instanceof Expr.Cond c) {
            operand(c.condition(), CONDITIONAL + 1, out);
            out.text(" ? ");
            operand(c.then(), CONDITIONAL + 1, out);
            out.text(" : ");
            operand(c.otherwise(), CONDITIONAL, out);
        } else if (e instanceof Expr.Cast c) {
            out.text("(").type(type(c.type())).text(") ");
            operand(c.operand(), UNARY, out);
        } else if (e instanceof Expr.MathCall m) {
            out.type(m.via() != null ? ClassName.get(m.via().packageName(), m.via().simpleName())
                    : ClassName.get(m.strict() ? StrictMath.class : Math.class)).text(".").text(m.function().javaName);
            arguments(m.args(), out);
        } else if (e instanceof Expr.Call c) {
            call(c, out);
        } else if (e instanceof Expr.ArrayRead a) {
            operand(a.array(), PRIMARY, out);
            out.text("[");
            print(a.index(), out);
            out.text("]");
        } else if (e instanceof Expr.Length l) {
            operand(l.array(), PRIMARY, out);
            out.text(".length");
        } else if (e instanceof Expr.NewArray n) {
            TypeName element = type(n.type());
            int rank = 0;
            while (element instanceof ArrayTypeName a) {
                element = a.componentType();
                rank++;
            }
            out.text("new ").type(element);
            for (Expr d : n.dimensions()) {
                out.text("[");
                print(d, out);
                out.text("]");
            }
            for (int k = n.dimensions().size(); k < rank; k++) {
                out.text("[]");
            }
        } else if (e instanceof Expr.ArrayLit l) {
            out.text("new ").type(type(l.type())).text(" ");
            arrayElements(l, out);
        } else if (e instanceof Expr.StopGradient g) {
            print(g.operand(), out); // the value itself: no derivative is generated through it
        } else if (e instanceof Expr.New n) {
            out.text("new ").type(type(n.type()));
            arguments(n.args(), out);
        } else if (e instanceof Expr.Pop p) {
            String pop = switch (p.type().kind()) {
                case DOUBLE -> "popDouble";
                case FLOAT -> "popFloat";
                case INT -> "popInt";
                case LONG -> "popLong";
                case BOOLEAN -> "popBoolean";
                case DOUBLE_ARRAY -> "popArray";
                default -> "popObject";
            };
            if (p.type().kind() == JType.Kind.OTHER || (p.type().kind() == JType.Kind.INT && p.type().mirror() != null)) {
                out.text("(").type(type(p.type())).text(") ");
            }
            out.text(stack()).text(".").text(pop).text("()");
        } else if (e instanceof Expr.Pullback p) {
            ClassRef owner = p.callee().sameBuild() ? Naming.implOf(p.callee().adjoint()) : p.callee().adjoint();
            qualified(owner, out);
            out.text(Naming.pullback(p.callee().name()));
            List<Expr> args = new ArrayList<>(p.args());
            args.add(p.seed());
            args.add(new Expr.Read(p.holder()));
            arguments(args, out);
        } else {
            throw new IllegalStateException("cannot print " + e);
        }
    }

    private void call(Expr.Call c, Flat out) {
        Callee callee = c.callee();
        if (callee instanceof Callee.Opaque o) {
            boolean onBase = !o.isStatic() && bridges.heldAsBase(c.receiver());
            if (o.hidden() || onBase) {
                out.text(bridges.method(o, onBase)).text("(");
                List<Expr> args = new ArrayList<>();
                if (c.receiver() != null) {
                    args.add(c.receiver());
                }
                args.addAll(c.args());
                argumentList(args, out);
                out.text(")");
                return;
            }
            if (c.receiver() != null) {
                operand(c.receiver(), PRIMARY, out);
                out.text(".").text(o.name());
            } else {
                qualified(o.owner(), out);
                out.text(o.name());
            }
        } else if (callee instanceof Callee.Differentiable d && d.instance()) {
            // the receiver travels as the first argument of the generated members
            operand(c.args().get(0), PRIMARY, out);
            out.text(".").text(d.name());
            arguments(c.args().subList(1, c.args().size()), out);
            return;
        } else if (callee instanceof Callee.Differentiable d) {
            // a private method's value: the implementation's copy of its primal
            qualified(d.hidden() ? Naming.implOf(d.adjoint()) : d.owner(), out);
            out.text(d.name());
        } else if (callee instanceof Callee.Custom cu) {
            if (cu.hidden()) {
                out.text(bridges.method(new Callee.Opaque(cu.owner(), cu.name(), cu.parameterTypes(), JType.DOUBLE,
                        true, true, false))).text("(");
                argumentList(c.args(), out);
                out.text(")");
                return;
            }
            if (c.receiver() != null) {
                // a library object's method with a built-in derivative (CustomDerivatives.onObject)
                operand(c.receiver(), PRIMARY, out);
                out.text(".").text(cu.name());
            } else {
                qualified(cu.owner(), out);
                out.text(cu.name());
            }
        } else if (callee instanceof Callee.PartialCall p) {
            qualified(p.partial().owner(), out);
            out.text(p.partial().name());
        } else if (callee instanceof Callee.Generated g) {
            qualified(g.owner(), out);
            out.text(g.member());
        } else {
            throw new IllegalStateException("cannot print a call of " + callee.describe());
        }
        arguments(c.args(), out);
    }

    private void qualified(ClassRef owner, Flat out) {
        if (!owner.equals(self)) {
            out.type(className(owner)).text(".");
        }
    }

    private void arrayElements(Expr.ArrayLit l, Flat out) {
        out.text("{");
        for (int k = 0; k < l.elements().size(); k++) {
            if (k > 0) {
                out.text(", ");
            }
            Expr e = l.elements().get(k);
            if (e instanceof Expr.ArrayLit inner) {
                arrayElements(inner, out);
            } else {
                print(e, out);
            }
        }
        out.text("}");
    }

    /** {@code (a, b, c)}. */
    private void arguments(List<Expr> args, Flat out) {
        out.text("(");
        argumentList(args, out);
        out.text(")");
    }

    private void argumentList(List<Expr> args, Flat out) {
        for (int k = 0; k < args.size(); k++) {
            if (k > 0) {
                out.text(", ");
            }
            print(args.get(k), out);
        }
    }

    /** {@code e} printed as an operand that needs at least precedence {@code min}. */
    private void operand(Expr e, int min, Flat out) {
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
        if (e instanceof Expr.Cond) {
            return CONDITIONAL;
        }
        if (e instanceof Expr.Cast || e instanceof Expr.Pop p && (p.type().kind() == JType.Kind.OTHER
                || p.type().kind() == JType.Kind.INT && p.type().mirror() != null)) {
            return CAST;
        }
        if (e instanceof Expr.Unary || isNegativeLiteral(e)) {
            return UNARY;
        }
        if (e instanceof Expr.StopGradient g) {
            return precedence(g.operand());
        }
        if (e instanceof Expr.NewArray || e instanceof Expr.ArrayLit || e instanceof Expr.New) {
            return UNARY; // new T[n][0] would index the new array
        }
        return PRIMARY;
    }

    /** Whether {@code e} prints starting with a sign: after a unary minus, {@code --x} would be a decrement. */
    private static boolean startsWithSign(Expr e) {
        while (e instanceof Expr.StopGradient s) {
            e = s.operand();
        }
        return e instanceof Expr.Unary || isNegativeLiteral(e);
    }

    private static boolean isNegativeLiteral(Expr e) {
        return e instanceof Expr.Const l && l.value() instanceof Number n
                && (n.doubleValue() < 0 || (n.doubleValue() == 0 && 1 / n.doubleValue() < 0));
    }

    private static void literal(Expr.Const l, Flat out) {
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
            if (f.isNaN()) {
                out.type(ClassName.get(Float.class)).text(".NaN");
            } else if (f.isInfinite()) {
                out.type(ClassName.get(Float.class)).text(f > 0 ? ".POSITIVE_INFINITY" : ".NEGATIVE_INFINITY");
            } else {
                out.text(f + "f");
            }
        } else if (v instanceof Long n) {
            out.text(n + "L");
        } else if (v instanceof String str) {
            out.string(str);
        } else if (v instanceof Character c) {
            out.text("'").text(escape(c)).text("'");
        } else if (v == null) {
            out.text("null");
        } else if (v instanceof Number n && l.type().kind() == JType.Kind.INT && l.type().mirror() != null
                && l.type().mirror().getKind() != javax.lang.model.type.TypeKind.INT) {
            // a short, byte or char constant: keep its type
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

    /** {@code @SuppressWarnings({"deprecation", ...})} on a generated class, when it would repeat those warnings of the user's code. */
    static void suppress(com.palantir.javapoet.TypeSpec.Builder type, List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        CodeBlock names = warnings.stream().map(w -> CodeBlock.of("$S", w)).collect(CodeBlock.joining(", "));
        type.addAnnotation(com.palantir.javapoet.AnnotationSpec.builder(SuppressWarnings.class)
                .addMember("value", warnings.size() == 1 ? names : CodeBlock.of("{$L}", names)).build());
    }

    static ClassName className(ClassRef ref) {
        List<String> names = ref.simpleNames();
        return ClassName.get(ref.packageName(), names.get(0), names.subList(1, names.size()).toArray(new String[0]));
    }

    static TypeName type(JType t) {
        if (t.named() != null) {
            return className(t.named());
        }
        return switch (t.kind()) {
            case DOUBLE_ARRAY -> ArrayTypeName.of(TypeName.DOUBLE);
            case DOUBLE -> TypeName.DOUBLE;
            case FLOAT -> TypeName.FLOAT;
            case INT -> t.mirror() != null ? TypeName.get(t.mirror()) : TypeName.INT;
            case LONG -> TypeName.LONG;
            case BOOLEAN -> TypeName.BOOLEAN;
            case OTHER -> TypeName.get(t.mirror());
        };
    }

    /**
     * A code block being built as one JavaPoet format string: text (its {@code $} escaped), and
     * {@code $T} and {@code $S} arguments for types (imported by JavaPoet) and string literals.
     */
    private static final class Flat {
        private final StringBuilder format = new StringBuilder();
        /** The text as printed, for a run without arguments. */
        private final StringBuilder plain = new StringBuilder();
        private final List<Object> args = new ArrayList<>();

        /** Format text as is: JavaPoet's statement markers. */
        Flat raw(String format) {
            this.format.append(format);
            return this;
        }

        /**
         * A declared type: a primitive or an array of one as its keyword (what JavaPoet would write
         * for it, in the same text run), any other type as {@code $T}.
         */
        Flat declaredType(TypeName type) {
            TypeName t = type;
            while (t instanceof ArrayTypeName a) {
                t = a.componentType();
            }
            return t.isPrimitive() && t.annotations().isEmpty() && type.annotations().isEmpty() ? text(type.toString())
                    : type(type);
        }

        void addTo(CodeBlock.Builder code) {
            code.add(format.toString(), args.toArray());
        }

        Flat text(String text) {
            format.append(text.indexOf('$') < 0 ? text : text.replace("$", "$$"));
            plain.append(text);
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
