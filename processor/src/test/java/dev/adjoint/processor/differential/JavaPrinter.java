package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.Cond;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.ir.MathFunction;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints the AST as the Java a user would write. Composite expressions are parenthesised, so
 * javac evaluates exactly the tree the {@link Interpreter} evaluates (the same operations in the
 * same order: the primal and the interpreter agree bit for bit). Int-typed subexpressions get an
 * explicit {@code (double)} wherever Java would otherwise do int arithmetic or pick an int overload.
 */
final class JavaPrinter {
    private JavaPrinter() {}

    static String print(Unit unit) {
        return printed(unit).source();
    }

    /** A printed unit and, for each method, its first and last line (1-based: annotation to closing brace). */
    record Printed(String source, Map<String, int[]> lines) {}

    static Printed printed(Unit unit) {
        StringBuilder out = new StringBuilder();
        out.append("package ").append(unit.pkg()).append(";\n\n");
        boolean stops = unit.methods().stream().anyMatch(m -> Ast.stopsGradient(m.body()));
        boolean lists = unit.methods().stream().anyMatch(m -> m.params().stream().anyMatch(p -> p.type() == Ast.Type.LIST));
        out.append(stops ? "import dev.adjoint.Adjoint;\n" : "").append("import dev.adjoint.Differentiable;\n")
                .append(lists ? "import java.util.List;\n" : "");
        out.append('\n');
        out.append("public final class ").append(unit.className()).append(" {\n");
        out.append("    private ").append(unit.className()).append("() {}\n");
        for (Ast.Constant c : unit.constants()) {
            out.append("\n    static final double ").append(c.name()).append(" = ").append(literal(c.value())).append(";\n");
        }
        if (Ast.callsHalvings(unit.methods())) {
            out.append('\n').append(Ast.Halvings.HELPER);
        }
        Map<String, int[]> lines = new LinkedHashMap<>();
        for (Method m : unit.methods()) {
            out.append('\n');
            int first = lineCount(out) + 1;
            out.append(method(m));
            lines.put(m.name(), new int[] {first, lineCount(out)});
        }
        if (!unit.helpers().isEmpty()) {
            // methods of an interface whose one implementation is an anonymous class: the code they run is
            // chosen at run time among classes the build does not name, so Adjoint cannot see into them
            out.append("\n    static Helpers HELPERS = new Helpers() {\n").append(overrides(unit)).append("    };\n");
            out.append("\n    interface Helpers {\n").append(declarations(unit)).append("    }\n");
            // the same through an interface a class of the build implements: on a static final field set to
            // new C() Adjoint knows C's; on a field that is not final each implementation of the build is
            // chosen at run time by the object's class (read/Dispatch)
            out.append("\n    static final Known KNOWN = new KnownImpl();\n");
            out.append("\n    static Known CHOSEN = new KnownImpl();\n");
            out.append("\n    interface Known {\n").append(declarations(unit)).append("    }\n");
            out.append("\n    static final class KnownImpl implements Known {\n").append(overrides(unit)).append("    }\n");
            // the same helpers on an object of a concrete class (not final: the override check runs)
            out.append("\n    static final Shapes SHAPES = new Shapes();\n");
            out.append("\n    static class Shapes {\n");
            out.append("        private final double rate = RATE;\n");
            for (Ast.Helper h : unit.helpers()) {
                out.append("        double ").append(h.name()).append("(double ").append(Ast.Helper.PARAM)
                        .append(") {\n").append("            return ").append(isInt(h.body()) ? "(double) " : "")
                        .append(expr(h.body()).replace("RATE", "rate")).append(";\n        }\n");
            }
            out.append("    }\n");
        }
        if (out.indexOf("fractionOf(") >= 0 || out.indexOf("fractionAt(") >= 0) {
            // the helpers of Ast.FractionRead: an anonymous ContinuedFraction, never built by the processor
            String terms = "            @Override\n            protected double getA(int n, double x) {\n"
                    + "                return n == 0 ? 1.0 : 2.0 + n * t;\n            }\n\n"
                    + "            @Override\n            protected double getB(int n, double x) {\n"
                    + "                return x * x / ((1.0 + x * x) * (n + 1.0));\n            }\n";
            out.append("\n    private static double fractionOf(final double s, double y) {\n")
                    .append("        final double t = 1.0 / (1.0 + s * s);\n")
                    .append("        org.apache.commons.math3.util.ContinuedFraction cf = new org.apache.commons.math3.util"
                            + ".ContinuedFraction() {\n").append(terms).append("        };\n")
                    .append("        return cf.evaluate(y, 1e-13, 500);\n    }\n")
                    .append("\n    private static double fractionAt(double s, double y) {\n")
                    .append("        final double t = 1.0 / (1.0 + s * s);\n")
                    .append("        return new org.apache.commons.math3.util.ContinuedFraction() {\n").append(terms)
                    .append("        }.evaluate(y, 1e-13);\n    }\n");
        }
        if (out.indexOf("Pair") >= 0) {
            // the value class of Ast.ValueRead: final fields, split by the processor into a variable each
            out.append("\n    record Pair(double first, double second) {\n")
                    .append("        static Pair of(double a, double b) {\n            return new Pair(a, b);\n        }\n")
                    .append("\n        double mix() {\n            return first * second + first;\n        }\n")
                    .append("\n        Pair swap() {\n            return new Pair(second, first);\n        }\n    }\n");
        }
        if (out.indexOf("TRACE = ") >= 0) {
            // the field flagged(...)'s helper would write, were it asked to
            out.append("\n    static double TRACE;\n");
        }
        if (out.indexOf("throw new Failure(") >= 0) {
            // the checked exception of checked(...), which a catch rethrows unchecked, and of declared(...)
            out.append("\n    static final class Failure extends Exception {\n")
                    .append("        private static final long serialVersionUID = 1L;\n\n")
                    .append("        Failure(String message) {\n            super(message);\n        }\n    }\n");
        }
        if (out.indexOf("FILLER.fill(") >= 0) {
            // an object whose fields are data (its constructor does more than assign), filling the cell it is given
            out.append("\n    static final Filler FILLER = new Filler();\n")
                    .append("\n    static final class Filler {\n        private double scale;\n")
                    .append("\n        Filler() {\n            init();\n        }\n")
                    .append("\n        private void init() {\n            scale = 2.0;\n        }\n")
                    .append("\n        Cell fill(double a, double b, Cell out) {\n            out.first = scale * a * b;\n")
                    .append("            out.second += a;\n            return out;\n        }\n    }\n");
        }
        if (out.indexOf("cellWork(") >= 0) {
            // a cell's fields written, filled in place, changed and given back, in statements
            out.append("\n    private static double cellWork(double a, double b) {\n")
                    .append("        Cell c = new Cell(a, b);\n        c.first = c.first * Math.sin(b);\n        c.second += a;\n")
                    .append("        Cell.fill(0.5, c.first, c);\n        c = c.scaleLocal(0.5);\n        c.scaleLocal(2.0);\n")
                    .append("        c.bump(b);\n        Cell.pour(c, b, a);\n")
                    .append("        Cell d = Cell.fill(Math.cos(b), a, new Cell(a, a));\n")
                    .append("        Cell e = new Cell();\n        new Cell(b, a).into(e);\n")
                    .append("        return c.first + c.second * Math.sin(d.first) + 0.5 * e.first;\n    }\n");
        }
        if (out.indexOf("new Cell(") >= 0 || out.indexOf("cellWork(") >= 0) {
            // fields that are not final, a constructor calling another, one leaving them (third its
            // initializer's value): split while only read
            out.append("\n    static final class Cell {\n        double first;\n        double second;\n        double third = 1.0;\n")
                    .append("\n        Cell() {\n        }\n")
                    .append("\n        Cell(double a, double b, double c) {\n            this.first = a;\n")
                    .append("            this.second = b;\n            this.third = c;\n        }\n")
                    .append("\n        Cell(double a, double b) {\n            this(a, b, 1.0);\n        }\n")
                    .append("\n        double weighted() {\n            return first * third + second;\n        }\n")
                    .append("\n        static Cell fill(double a, double b, Cell out) {\n            out.first = a * b;\n")
                    .append("            out.second += a;\n            return out;\n        }\n")
                    .append("\n        Cell reset(double a, double b) {\n            first = a;\n            second = b;\n")
                    .append("            return this;\n        }\n")
                    .append("\n        Cell into(Cell dest) {\n            dest.first = second;\n")
                    .append("            dest.second = first * third;\n            return dest;\n        }\n")
                    .append("\n        Cell scaleLocal(double k) {\n            first *= k;\n            this.second *= k;\n")
                    .append("            return this;\n        }\n")
                    .append("\n        void bump(double k) {\n            if (Double.isNaN(k)) {\n                return;\n")
                    .append("            }\n            shift(k);\n        }\n")
                    .append("\n        private void shift(double k) {\n            first += k;\n        }\n")
                    // a void static method filling the cell it is given (GeographicLib's GeoMath.sum), with an
                    // early return and another such method called on its parameter
                    .append("\n        static void pour(Cell out, double u, double v) {\n")
                    .append("            if (Double.isNaN(u)) {\n                return;\n            }\n")
                    .append("            out.second = out.second * Math.cos(u) + out.first * v;\n")
                    .append("            out.first -= 0.25 * out.second;\n            tilt(out, v);\n        }\n")
                    .append("\n        static void tilt(Cell out, double k) {\n            out.first += k * out.third;\n")
                    .append("        }\n    }\n");
        }
        out.append("}\n");
        return new Printed(out.toString(), lines);
    }

    private static int lineCount(CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    static String method(Method m) {
        return method(m, true);
    }

    /**
     * {@code m} printed; without {@code variants}, as written before the checked and flagged forms
     * were printed (the generator seeds its draws from that text, so that a seed draws what it drew).
     */
    static String method(Method m, boolean variants) {
        boolean switches = Ast.statements(m.body()).stream().anyMatch(s -> s instanceof Ast.Switch);
        // a case falling through to the next is on purpose: -Xlint:all would warn [fallthrough]
        String suppress = switches ? "    @SuppressWarnings(\"fallthrough\")\n" : "";
        StringBuilder out = new StringBuilder(suppress);
        out.append("    @Differentiable");
        if (!m.wrt().isEmpty()) {
            out.append(m.wrt().stream().map(w -> '"' + w + '"').collect(Collectors.joining(", ", "(wrt = {", "})")));
        }
        String params = m.params().stream().map(p -> p.type().java + " " + p.name())
                .collect(Collectors.joining(", ", "(", ")"));
        out.append("\n    public static double ").append(m.name()).append(params).append(" {\n");
        StringBuilder body = new StringBuilder();
        block(body, m.body(), "        ");
        String helper = helper(m, body);
        if (variants && helper == null && body.indexOf("throw new ") >= 0 && body.indexOf(m.name() + "(") < 0
                && Math.floorMod(body.toString().hashCode() * 31 + 7, 3) < 2) {
            int form = Math.floorMod(body.toString().hashCode() * 37 + 11, 4);
            if (declares(body, helper, m)) {
                // the method declaring the checked exception: thrown in its body, or let out of a helper
                out.setLength(out.length() - " {\n".length());
                return out.append(" throws Failure {\n").append(declared(m, params, suppress, form == 3))
                        .append("    }\n").toString();
            }
            return out.append(checked(m, params, suppress, Math.floorMod(body.toString().hashCode() * 31 + 7, 3) == 1))
                    .append("    }\n").toString();
        }
        if (variants && helper == null && body.indexOf(m.name() + "(") < 0 && !m.doubleParams().isEmpty()
                && Math.floorMod(body.toString().hashCode() * 17 + 3, 4) == 0) {
            return out.append(flagged(m, params, suppress, body.toString())).append("    }\n").toString();
        }
        if (variants && helper == null && body.indexOf(m.name() + "(") < 0 && m.params().stream().allMatch(p ->
                p.type() == Ast.Type.DOUBLE || p.type() == Ast.Type.DOUBLE_ARRAY || p.type() == Ast.Type.INT
                        || p.type() == Ast.Type.BOOLEAN) && Math.floorMod(body.toString().hashCode() * 11 + 3, 5) == 2) {
            return out.append(asObject(m, params, body.toString())).toString();
        }
        if (variants && helper == null && body.indexOf(m.name() + "(") < 0 && !m.doubleParams().isEmpty()
                && Math.floorMod(body.toString().hashCode() * 13 + 5, 4) == 1) {
            return out.append(given(m, params, suppress, body.toString())).append("    }\n").toString();
        }
        if (variants && helper == null && body.indexOf(m.name() + "(") < 0 && !m.doubleParams().isEmpty()
                && Math.floorMod(body.toString().hashCode() * 19 + 7, 5) == 3) {
            return out.append(streamed(m, params, suppress, body.toString())).append("    }\n").toString();
        }
        if (variants && helper == null && body.indexOf(m.name() + "(") < 0 && !m.doubleParams().isEmpty()
                && Math.floorMod(body.toString().hashCode() * 29 + 1, 6) == 4) {
            return out.append(bits(m, params, suppress, body.toString())).append("    }\n").toString();
        }
        if (helper == null) {
            return out.append(body).append("    }\n").toString();
        }
        // the recursion (or an equality shortcut) in a helper without @Differentiable, which Adjoint plans
        // as a method of its own (or inlines)
        // for one in three recursive helpers (chosen by their text), a flag first, given false at every call, the
        // recursive ones too, as Commons Numbers' erfImp(-z, invert, false): read for the constant, the helper's
        // call inside is under the same key as the call being read, and must still be found to be the recursion
        boolean flag = variants && helper.endsWith("Rec") && !m.params().isEmpty()
                && Math.floorMod(body.toString().hashCode() * 41 + 3, 3) == 0;
        String lead = flag ? "false, " : "";
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(" + lead, ")"));
        out.append("        return ").append(helper).append(args).append(";\n    }\n\n").append(suppress)
                .append(Math.floorMod(body.toString().hashCode(), 2) == 0 || !helper.endsWith("Rec") ? "    private" : "   ")
                .append(" static double ").append(helper).append(flag ? "(boolean traced, " + params.substring(1) : params)
                .append(" {\n").append(flag ? "        if (traced) {\n            return 0.0;\n        }\n" : "")
                .append(body.toString().replaceAll("\\b" + m.name() + "\\(", helper + "(" + lead));
        return out.append("    }\n").toString();
    }

    /**
     * For two in three methods holding a throw that do not call themselves (chosen by their text), the
     * throws made a checked {@code Failure} that a catch rethrows unchecked, as code calling a library
     * that declares one is written: the catch around the body, or around the call of a private helper
     * that holds it (the processor reads each throw as what the catch throws: read/Catches).
     */
    private static String checked(Method m, String params, String suppress, boolean viaHelper) {
        StringBuilder body = new StringBuilder();
        block(body, m.body(), viaHelper ? "        " : "            ");
        String failing = body.toString().replaceAll("throw new \\w+\\(", "throw new Failure(");
        String rethrow = "        } catch (Failure failure) {\n            throw new IllegalStateException(failure);\n"
                + "        }\n";
        if (!viaHelper) {
            return "        try {\n" + failing + rethrow;
        }
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ")"));
        return "        try {\n            return " + m.name() + "Checked" + args + ";\n" + rethrow + "    }\n\n"
                + suppress + "    private static double " + m.name() + "Checked" + params + " throws Failure {\n" + failing;
    }

    /**
     * Whether {@code m} is printed declaring the checked {@code Failure} ({@link #declared}): its callers
     * would have to catch or declare it, so the generator calls no such method.
     */
    static boolean declaresChecked(Method m) {
        StringBuilder body = new StringBuilder();
        block(body, m.body(), "        ");
        return declares(body, helper(m, body), m);
    }

    private static boolean declares(StringBuilder body, String helper, Method m) {
        return helper == null && body.indexOf("throw new ") >= 0 && body.indexOf(m.name() + "(") < 0
                && Math.floorMod(body.toString().hashCode() * 31 + 7, 3) < 2
                && Math.floorMod(body.toString().hashCode() * 37 + 11, 4) >= 2;
    }

    /**
     * For half the methods {@link #checked} would print (chosen by their text), no catch: the method
     * declares the checked {@code Failure} and lets it out, thrown in its body or in a private helper
     * declaring it too. Every generated member running its code declares it (emit/ImplWriter).
     */
    private static String declared(Method m, String params, String suppress, boolean viaHelper) {
        StringBuilder body = new StringBuilder();
        block(body, m.body(), "        ");
        String failing = body.toString().replaceAll("throw new \\w+\\(", "throw new Failure(");
        if (!viaHelper) {
            return failing;
        }
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ")"));
        return "        return " + m.name() + "Declared" + args + ";\n    }\n\n" + suppress + "    private static double "
                + m.name() + "Declared" + params + " throws Failure {\n" + failing;
    }

    /**
     * For one in four other methods (chosen by their text), the body moved into a private helper
     * given a flag, {@code false}, that would turn on code Adjoint refuses (a write to a field): as
     * libraries ask for optional work, the processor reads the helper for the constant and leaves
     * that code out (read/Given).
     */
    private static String flagged(Method m, String params, String suppress, String body) {
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ", false)"));
        String first = m.doubleParams().get(0);
        return "        return " + m.name() + "Flagged" + args + ";\n    }\n\n" + suppress + "    private static double "
                + m.name() + "Flagged" + params.substring(0, params.length() - 1) + ", boolean traced) {\n"
                + "        if (traced) {\n            TRACE = " + first + ";\n        }\n" + body;
    }

    /**
     * For one in five methods on numbers, arrays, {@code int}s and {@code boolean}s (chosen by their
     * text), the whole body moved into an anonymous class implementing an interface of the method's
     * signature, held in a local and called: as code written before lambdas passes its model to a
     * routine, the processor reads the class's method where it is called (read/Functions), every
     * construct of the body with it. The interface follows the method.
     */
    private static String asObject(Method m, String params, String body) {
        String type = Character.toUpperCase(m.name().charAt(0)) + m.name().substring(1) + "Body";
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ")"));
        String indented = body.replaceAll("(?m)^(?=.)", "        ");
        return "        " + type + " run = new " + type + "() {\n            @Override\n            public double apply"
                + params + " {\n" + indented + "            }\n        };\n        return run.apply" + args + ";\n    }\n\n"
                + "    interface " + type + " {\n        double apply" + params + ";\n    }\n";
    }

    /**
     * For one in four other methods (chosen by their text), the body moved into a private helper
     * given the first {@code double} parameter as a function, {@code unit -> unit * x} (or the same as
     * an anonymous class, or a lambda held in a local), which it calls for the value ({@code 1.0 * x},
     * x exactly): as code passes an integrand or a model to a routine,
     * the processor reads the helper for the lambda and the lambda where it is called, the derivative
     * flowing through the value it captures (read/Functions).
     */
    private static String given(Method m, String params, String suppress, String body) {
        String first = m.doubleParams().get(0);
        // spelled as a lambda, an anonymous class (as code before lambdas passes functions), or a lambda held in a local
        int spelling = Math.floorMod(body.hashCode() * 7 + 1, 3);
        String function = spelling == 1 ? "new java.util.function.DoubleUnaryOperator() {\n            @Override\n"
                + "            public double applyAsDouble(double unit) {\n                return unit * " + first + ";\n"
                + "            }\n        }" : spelling == 2 ? first + "Held" : "unit -> unit * " + first;
        String args = m.params().stream().map(p -> p.name().equals(first) ? function : p.name())
                .collect(Collectors.joining(", ", "(", ")"));
        String taking = m.params().stream().map(p -> p.name().equals(first)
                ? "java.util.function.DoubleUnaryOperator " + first + "Of" : p.type().java + " " + p.name())
                .collect(Collectors.joining(", ", "(", ")"));
        String held = spelling == 2 ? "        java.util.function.DoubleUnaryOperator " + first + "Held = unit -> unit * "
                + first + ";\n" : "";
        return held + "        return " + m.name() + "Given" + args + ";\n    }\n\n" + suppress + "    private static double "
                + m.name() + "Given" + taking + " {\n        double " + first + " = " + first + "Of.applyAsDouble(1.0);\n"
                + body;
    }

    /**
     * For one in five other methods (chosen by their text), the body moved into a private helper that
     * takes the first {@code double} parameter as {@code xIn} and gets it back through a stream of
     * that one value, {@code Arrays.stream(new double[] {xIn}).map(unit -> unit * 1.0).max().getAsDouble()}
     * (or its {@code toArray()[0]}, or {@code IntStream.range(0, 1).mapToDouble(i -> xIn).min().orElse(xIn)}):
     * x exactly, -0.0 and NaN too, where a sum of one value would make -0.0 a 0.0. The processor
     * reads the stream as a loop, the derivative flowing through the one value (read/Streams).
     */
    private static String streamed(Method m, String params, String suppress, String body) {
        String first = m.doubleParams().get(0);
        int spelling = Math.floorMod(body.hashCode() * 23 + 5, 3);
        String in = first + "In";
        String value = switch (spelling) {
            case 0 -> "java.util.Arrays.stream(new double[] {" + in + "}).map(unit -> unit * 1.0).max().getAsDouble()";
            case 1 -> "java.util.Arrays.stream(new double[] {" + in + "}).map(unit -> unit * 1.0).toArray()[0]";
            default -> "java.util.stream.IntStream.range(0, 1).mapToDouble(i -> " + in + ").min().orElse(" + in + ")";
        };
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ")"));
        String taking = m.params().stream().map(p -> p.type().java + " " + (p.name().equals(first) ? in : p.name()))
                .collect(Collectors.joining(", ", "(", ")"));
        return "        return " + m.name() + "Streamed" + args + ";\n    }\n\n" + suppress + "    private static double "
                + m.name() + "Streamed" + taking + " {\n        double " + first + " = " + value + ";\n" + body;
    }

    /**
     * For one in six other methods (chosen by their text), the body moved into a private helper that
     * takes the first {@code double} parameter as {@code xIn} and chooses between two spellings of it
     * by its bits, as fdlibm's ports and Apache SIS test them: its sign bit ({@code
     * Double.doubleToRawLongBits(xIn) < 0 ? -(-xIn) : xIn}), the high word kept in an {@code int}, or that
     * word from a helper returning it ({@code nameWord(xIn)}, fdlibm's {@code __HI}). Both spellings are
     * x exactly (-0.0 and NaN too); the bits only decide a test (fence/Bits).
     */
    private static String bits(Method m, String params, String suppress, String body) {
        String first = m.doubleParams().get(0);
        // a Fibonacci hash's high bits: the text's hash has fixed low residues where this form is chosen, which
        // left the high word's spelling out
        int spelling = Math.floorMod((int) ((body.hashCode() * 0x9E3779B97F4A7C15L) >>> 32), 3);
        String in = first + "In";
        String word = m.name() + "Word";
        String value = switch (spelling) {
            case 0 -> "        double " + first + " = Double.doubleToRawLongBits(" + in + ") < 0 ? -(-" + in + ") : " + in
                    + ";\n";
            case 1 -> "        int " + first + "High = (int) (Double.doubleToRawLongBits(" + in + ") >>> 32);\n        double "
                    + first + " = (" + first + "High & 0x7fffffff) >= 0x7ff00000 ? " + in + " : " + in + " * 1.0;\n";
            default -> "        double " + first + " = (" + word + "(" + in + ") & 0x7fffffff) < 0x3ff00000 ? " + in + " * 1.0 : "
                    + in + ";\n";
        };
        String args = m.params().stream().map(Ast.Param::name).collect(Collectors.joining(", ", "(", ")"));
        String taking = m.params().stream().map(p -> p.type().java + " " + (p.name().equals(first) ? in : p.name()))
                .collect(Collectors.joining(", ", "(", ")"));
        String helper = spelling == 2 ? "    private static int " + word + "(double v) {\n        return (int) "
                + "(Double.doubleToRawLongBits(v) >> 32);\n    }\n\n" : "";
        return "        return " + m.name() + "Bits" + args + ";\n    }\n\n" + helper + suppress + "    private static double "
                + m.name() + "Bits" + taking + " {\n" + value + body;
    }

    /**
     * For two in three recursive methods (chosen by their text, so a seed prints the same program),
     * the name of a helper the method's body moves into, calling itself instead of the method; else null.
     */
    static String recursiveHelper(Method m) {
        StringBuilder body = new StringBuilder();
        block(body, m.body(), "        ");
        return recursiveHelper(m, body);
    }

    /**
     * The name of the helper {@code m}'s body moves into, or null: a recursive one's (see
     * {@link #recursiveHelper}), else for half the methods holding a {@link Shapes.Shape#SHORTCUT}
     * comparison (chosen by their text) a private {@code nameAid}, whose equality tests Adjoint
     * must find through the call.
     */
    static String helperOf(Method m) {
        StringBuilder body = new StringBuilder();
        block(body, m.body(), "        ");
        return helper(m, body);
    }

    private static String helper(Method m, CharSequence body) {
        String recursive = recursiveHelper(m, body);
        if (recursive != null || !ShortcutRule.hasShapesComparison(m)) {
            return recursive;
        }
        return Math.floorMod((body + "aid").hashCode(), 2) == 0 ? m.name() + "Aid" : null;
    }

    private static String recursiveHelper(Method m, CharSequence body) {
        boolean recursive = Ast.callees(m.body()).contains(m.name());
        return recursive && Math.floorMod(body.toString().hashCode(), 3) != 0 ? m.name() + "Rec" : null;
    }

    private static void block(StringBuilder out, List<Stmt> body, String indent) {
        for (Stmt s : body) {
            statement(out, s, indent);
        }
    }

    private static void statement(StringBuilder out, Stmt s, String indent) {
        String inner = indent + "    ";
        if (s instanceof Ast.If i) {
            out.append(indent).append("if (").append(bool(i.condition())).append(") {\n");
            block(out, i.then(), inner);
            List<Stmt> otherwise = i.otherwise();
            // else if: an else holding a single if prints as a chain, as users write it
            while (otherwise.size() == 1 && otherwise.get(0) instanceof Ast.If next) {
                out.append(indent).append("} else if (").append(bool(next.condition())).append(") {\n");
                block(out, next.then(), inner);
                otherwise = next.otherwise();
            }
            if (!otherwise.isEmpty()) {
                out.append(indent).append("} else {\n");
                block(out, otherwise, inner);
            }
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.Stash st) {
            // two calls Adjoint cannot see into: the holder is emptied, then given the value
            out.append(indent).append(st.holder()).append(st.kind() == Ast.Holder.LIST ? ".clear();\n" : ".setLength(0);\n");
            out.append(indent).append(st.holder()).append(st.kind() == Ast.Holder.LIST ? ".add(" : ".append(")
                    .append(expr(st.value())).append(");\n");
        } else if (s instanceof Ast.CountDown c) {
            out.append(indent).append("int ").append(c.counter()).append(" = ").append(intExpr(c.start())).append(";\n");
            out.append(indent).append(label(c.label())).append("while (")
                    .append(c.pre() ? "--" + c.counter() : c.counter() + "--").append(" > 0) {\n");
            block(out, c.body(), inner);
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.Switch sw) {
            out.append(indent).append("switch (").append(intExpr(sw.selector())).append(") {\n");
            for (Ast.Case c : sw.cases()) {
                out.append(inner).append(c.label() == null ? "default" : "case " + c.label()).append(": {\n");
                block(out, c.body(), inner + "    ");
                out.append(inner).append("}\n");
            }
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.For f) {
            out.append(indent).append(label(f.label())).append("for (int ").append(f.index()).append(" = 0; ")
                    .append(f.index()).append(" < ").append(intExpr(f.bound())).append("; ").append(f.index()).append("++) {\n");
            block(out, f.body(), inner);
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.ForEach f) {
            out.append(indent).append(label(f.label())).append("for (double ").append(f.variable()).append(" : ")
                    .append(f.array()).append(") {\n");
            block(out, f.body(), inner);
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.While w) {
            out.append(indent).append("int ").append(w.counter()).append(" = 0;\n");
            out.append(indent).append(label(w.label())).append("while (").append(bool(w.condition())).append(" && ")
                    .append(w.counter()).append(" < ").append(w.cap()).append(") {\n");
            out.append(inner).append(w.counter()).append("++;\n");
            block(out, w.body(), inner);
            out.append(indent).append("}\n");
        } else if (s instanceof Ast.DoWhile d) {
            out.append(indent).append("int ").append(d.counter()).append(" = 0;\n");
            out.append(indent).append(label(d.label())).append("do {\n");
            out.append(inner).append(d.counter()).append("++;\n");
            block(out, d.body(), inner);
            out.append(indent).append("} while (").append(bool(d.condition())).append(" && ")
                    .append(d.counter()).append(" < ").append(d.cap()).append(");\n");
        } else {
            out.append(indent).append(statement(s)).append('\n');
        }
    }

    private static String label(String label) {
        return label == null ? "" : label + ": ";
    }

    /** A statement in a few words, for messages: its first line. */
    static String describe(Stmt s) {
        StringBuilder out = new StringBuilder();
        statement(out, s, "");
        String text = out.toString();
        return text.contains("\n") ? text.substring(0, text.indexOf('\n')) : text;
    }

    /** A simple (block-free) statement on one line. */
    static String statement(Stmt s) {
        if (s instanceof Ast.Declare d) {
            String type = switch (d.kind()) {
                // `var a = n;` would make an int local: keep every local a double
                case VAR -> isInt(d.init()) ? "double " : "var ";
                case BOXED -> "Double ";
                case FINAL -> "final double ";
                case DOUBLE -> "double ";
            };
            return type + d.name() + " = " + value(d.init()) + ";";
        } else if (s instanceof Ast.DeclareUnassigned d) {
            return (d.isFinal() ? "final double " : "double ") + d.name() + ";";
        } else if (s instanceof Ast.Throw t) {
            return "throw new " + t.exception() + "(\"" + t.message() + "\");";
        } else if (s instanceof Ast.DeclareArrayInit d) {
            return "double[] " + d.name() + " = " + d.values().stream().map(JavaPrinter::expr)
                    .collect(Collectors.joining(", ", "{", "}")) + ";";
        } else if (s instanceof Ast.Assign a) {
            return a.name() + " = " + value(a.value()) + ";";
        } else if (s instanceof Ast.Compound c) {
            return c.name() + " " + c.op().symbol + "= " + expr(c.value()) + ";";
        } else if (s instanceof Ast.Step st) {
            String op = st.increment() ? "++" : "--";
            return (st.prefix() ? op + st.name() : st.name() + op) + ";";
        } else if (s instanceof Ast.Return r) {
            return "return " + expr(r.value()) + ";";
        } else if (s instanceof Ast.Break b) {
            return b.label() == null ? "break;" : "break " + b.label() + ";";
        } else if (s instanceof Ast.Continue c) {
            return c.label() == null ? "continue;" : "continue " + c.label() + ";";
        } else if (s instanceof Ast.DeclareArray d) {
            return (d.useVar() ? "var " : "double[] ") + d.name() + " = new double[" + intExpr(d.length()) + "];";
        } else if (s instanceof Ast.Store st) {
            return st.array() + "[" + intExpr(st.index()) + "] " + (st.op() == null ? "" : st.op().symbol) + "= "
                    + expr(st.value()) + ";";
        }
        throw new IllegalArgumentException("unknown statement " + s);
    }

    /** An assigned value: a chain of assignments unparenthesised ({@code a = b = x * x;}), as users write it. */
    private static String value(Expr e) {
        return e instanceof Ast.AssignExpr a ? a.name() + " = " + value(a.value()) : expr(e);
    }

    /** The helpers as an interface's methods. */
    private static String declarations(Unit unit) {
        StringBuilder out = new StringBuilder();
        for (Ast.Helper h : unit.helpers()) {
            out.append("        double ").append(h.name()).append("(double ").append(Ast.Helper.PARAM).append(");\n");
        }
        return out.toString();
    }

    /** The helpers as the methods of a class implementing that interface. */
    private static String overrides(Unit unit) {
        StringBuilder out = new StringBuilder();
        for (Ast.Helper h : unit.helpers()) {
            out.append("        @Override\n        public double ").append(h.name()).append("(double ")
                    .append(Ast.Helper.PARAM).append(") {\n").append("            return ")
                    .append(isInt(h.body()) ? "(double) " : "").append(expr(h.body())).append(";\n        }\n");
        }
        return out.toString();
    }

    /** Whether {@code o} is printed on CHOSEN, a field that is not final: each implementation of the build, chosen at run time. */
    static boolean chosenAtRunTime(Ast.ObjectCall o) {
        return o.helper().equals("clip") && expr(o.arg()).length() % 2 != 0;
    }

    static String expr(Expr e) {
        if (e instanceof Ast.Num n) {
            return literal(n.value());
        } else if (e instanceof Ast.Var v) {
            return v.name();
        } else if (e instanceof Ast.Widen w) {
            return w.cast() ? "(double) " + intExpr(w.value()) : intExpr(w.value());
        } else if (e instanceof Ast.Neg n) {
            return "(-" + expr(n.operand()) + ")";
        } else if (e instanceof Bin b) {
            // int / int and int % int are integer division in Java: widen the left operand
            boolean intDivision = (b.op() == Op.DIV || b.op() == Op.REM) && isInt(b.left()) && isInt(b.right());
            String left = intDivision ? "(double) " + expr(b.left()) : expr(b.left());
            return "(" + left + " " + b.op().symbol + " " + expr(b.right()) + ")";
        } else if (e instanceof Call c) {
            return call(c);
        } else if (e instanceof Cond c) {
            return "(" + bool(c.condition()) + " ? " + expr(c.then()) + " : " + expr(c.otherwise()) + ")";
        } else if (e instanceof Ast.Truncate t) {
            // (int) of an int is a redundant cast (a lint warning): go through double
            return "((double) (int) " + (isInt(t.operand()) ? "(double) " : "") + expr(t.operand()) + ")";
        } else if (e instanceof Ast.Element el) {
            return el.array() + "[" + intExpr(el.index()) + "]";
        } else if (e instanceof Ast.MatrixElement el) {
            return el.matrix() + "[" + intExpr(el.row()) + "][" + intExpr(el.column()) + "]";
        } else if (e instanceof Ast.StopGradient st) {
            return "Adjoint.stopGradient(" + (isInt(st.operand()) ? "(double) " : "") + expr(st.operand()) + ")";
        } else if (e instanceof Ast.Invoke i) {
            return i.method() + i.args().stream().map(JavaPrinter::arg).collect(Collectors.joining(", ", "(", ")"));
        } else if (e instanceof Ast.Chain c) {
            // flat, as a user writes a long sum: javac groups it to the left, as the interpreter does
            return c.terms().stream().map(JavaPrinter::expr).collect(Collectors.joining(" " + c.op().symbol + " ", "(", ")"));
        } else if (e instanceof Ast.HelperCall h) {
            return "HELPERS." + h.helper() + "(" + (isInt(h.arg()) ? "(double) " : "") + expr(h.arg()) + ")";
        } else if (e instanceof Ast.ObjectCall o) {
            // on the concrete class's object, or (clip) through the interface on a constant whose class
            // is known (static final KNOWN = new KnownImpl()), or on a field that is not final (CHOSEN,
            // dispatched among the build's implementations): all inlined
            return (!o.helper().equals("clip") ? "SHAPES." : chosenAtRunTime(o) ? "CHOSEN." : "KNOWN.") + o.helper()
                    + "(" + (isInt(o.arg()) ? "(double) " : "") + expr(o.arg()) + ")";
        } else if (e instanceof Ast.FractionRead f) {
            return (f.form() == 0 ? "fractionOf(" : "fractionAt(") + (isInt(f.shape()) ? "(double) " : "")
                    + expr(f.shape()) + ", " + (isInt(f.at()) ? "(double) " : "") + expr(f.at()) + ")";
        } else if (e instanceof Ast.ValueRead v) {
            String a = (isInt(v.a()) ? "(double) " : "") + expr(v.a());
            String b = (isInt(v.b()) ? "(double) " : "") + expr(v.b());
            return switch (v.form()) {
                case 0 -> "new Pair(" + a + ", " + b + ").first()";
                case 1 -> "Pair.of(" + a + ", " + b + ").second()";
                case 2 -> "new Pair(" + a + ", " + b + ").mix()";
                case 3 -> "Pair.of(" + a + ", " + b + ").swap().first()";
                case 4 -> "new Cell(" + a + ", " + b + ").second";
                case 5 -> "new Cell(" + a + ", " + b + ").weighted()";
                case 6 -> "Cell.fill(" + a + ", " + b + ", new Cell(" + b + ", " + b + ")).second";
                case 7 -> "FILLER.fill(" + a + ", " + b + ", new Cell(" + b + ", " + b + ")).first";
                case 8 -> "new Cell(" + a + ", " + b + ").scaleLocal(2.0).second";
                case 10 -> "new Cell().reset(" + a + ", " + b + ").weighted()";
                case 11 -> "new Cell(" + a + ", " + b + ").into(new Cell()).second";
                default -> "cellWork(" + a + ", " + b + ")";
            };
        } else if (e instanceof Ast.Unstash u) {
            return u.kind() == Ast.Holder.LIST ? u.holder() + ".get(0)" : "Double.parseDouble(" + u.holder() + ".toString())";
        } else if (e instanceof Ast.AssignExpr a) {
            return "(" + a.name() + " = " + expr(a.value()) + ")";
        } else if (e instanceof Ast.IncElement x) {
            return "(" + (x.increment() ? "++" : "--") + x.array() + "[" + intExpr(x.index()) + "])";
        }
        throw new IllegalArgumentException("unknown expression " + e);
    }

    private static String call(Call c) {
        // an int argument would select Math.abs(int), Math.max(int, int) or Math.round(float)
        String args = c.args().stream().map(a -> isInt(a) ? "(double) " + expr(a) : expr(a))
                .collect(Collectors.joining(", ", "(", ")"));
        String text = (c.strict() ? "StrictMath." : "Math.") + c.fn().javaName + args;
        // Math.round(double) is a long: keep long arithmetic (long / long) out of the program
        return c.fn() == MathFunction.ROUND ? "((double) " + text + ")" : text;
    }

    static String bool(Bool b) {
        if (b instanceof Ast.Cmp c) {
            String spelled = spelled(c);
            return spelled != null ? spelled : "(" + expr(c.left()) + " " + c.op().symbol + " " + expr(c.right()) + ")";
        } else if (b instanceof Ast.And a) {
            return "(" + bool(a.left()) + " && " + bool(a.right()) + ")";
        } else if (b instanceof Ast.Or o) {
            return "(" + bool(o.left()) + " || " + bool(o.right()) + ")";
        } else if (b instanceof Ast.Not n) {
            return "!" + bool(n.operand());
        } else if (b instanceof Ast.Flag f) {
            return f.name();
        }
        throw new IllegalArgumentException("unknown condition " + b);
    }

    /**
     * A {@link Shapes.Shape#SHORTCUT} test of a variable against one of {@link ShortcutRule#LITERALS}
     * ({@code x == c}, {@code x != c}) spelled, for most tests (chosen by their text), one of the
     * other ways Adjoint reads as the same test: {@code Double.compare(x, c) == 0}, {@code
     * Double.valueOf(x).equals(c)}, {@code x >= c && x <= c}, {@code Math.abs(x - c) <= 0},
     * {@code Objects.equals(x, c)}, equal {@code doubleToLongBits} and {@code Math.signum(x - c) == 0},
     * or their negations. With c finite and not 0, each is {@code x == c} bit for bit (NaN and -0.0
     * included), so the interpreter's {@code ==} is still the program's. Null for any other test.
     */
    private static String spelled(Ast.Cmp c) {
        if (c.op() != Ast.CmpOp.EQ && c.op() != Ast.CmpOp.NE) {
            return null;
        }
        Expr x = c.left() instanceof Ast.Var ? c.left() : c.right() instanceof Ast.Var ? c.right() : null;
        Expr k = x == c.left() ? c.right() : c.left();
        if (x == null || !(k instanceof Ast.Num n) || Arrays.stream(ShortcutRule.LITERALS).noneMatch(l -> l == n.value())) {
            return null;
        }
        String l = expr(c.left());
        String r = expr(c.right());
        String not = c.op() == Ast.CmpOp.EQ ? "" : "!";
        return switch (Math.floorMod((l + c.op() + r).hashCode(), 8)) {
            case 1 -> "(Double.compare(" + l + ", " + r + ") " + c.op().symbol + " 0)";
            case 2 -> "(" + not + "Double.valueOf(" + expr(x) + ").equals(" + expr(k) + "))";
            case 3 -> not + "((" + l + " >= " + r + ") && (" + l + " <= " + r + "))";
            case 4 -> not + "(Math.abs(" + l + " - " + r + ") <= 0.0)";
            case 5 -> "(" + not + "java.util.Objects.equals(" + l + ", " + r + "))";
            case 6 -> "(Double.doubleToLongBits(" + l + ") " + c.op().symbol + " Double.doubleToLongBits(" + r + "))";
            case 7 -> "(Math.signum(" + l + " - " + r + ") " + c.op().symbol + " 0)";
            default -> null;
        };
    }

    private static String arg(Ast.Arg a) {
        if (a instanceof Expr e) {
            // an int expression would not convert to a double parameter's value as the interpreter does
            return isInt(e) ? "(double) " + expr(e) : expr(e);
        } else if (a instanceof IntExpr i) {
            return intExpr(i);
        } else if (a instanceof Bool b) {
            return bool(b);
        }
        return ((Ast.ArrayName) a).name();
    }

    private static String intExpr(IntExpr e) {
        if (e instanceof Ast.IntParam p) {
            return p.name();
        } else if (e instanceof Ast.Length l) {
            return l.array() + ".length";
        } else if (e instanceof Ast.IntLit l) {
            return Integer.toString(l.value());
        } else if (e instanceof Ast.Halvings h) {
            return "halvings(" + intExpr(h.n()) + ")";
        }
        Ast.IntBin b = (Ast.IntBin) e;
        return "(" + intExpr(b.left()) + " " + b.op().symbol + " " + intExpr(b.right()) + ")";
    }

    /** Whether Java types {@code e} as int (or long): a bare widening, or int arithmetic on such. */
    static boolean isInt(Expr e) {
        if (e instanceof Ast.Widen w) {
            return !w.cast();
        } else if (e instanceof Ast.Neg n) {
            return isInt(n.operand());
        } else if (e instanceof Bin b) {
            return isInt(b.left()) && isInt(b.right()) && b.op() != Op.DIV && b.op() != Op.REM;
        } else if (e instanceof Cond c) {
            return isInt(c.then()) && isInt(c.otherwise());
        } else if (e instanceof Ast.Chain c) {
            return c.terms().stream().allMatch(JavaPrinter::isInt);
        }
        return false;
    }

    /** A double literal that reads back as exactly {@code v}. */
    static String literal(double v) {
        String text = Double.toString(Math.abs(v));
        return v < 0 || (v == 0 && 1 / v < 0) ? "(-" + text + ")" : text;
    }
}
