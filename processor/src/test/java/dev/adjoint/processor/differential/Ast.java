package dev.adjoint.processor.differential;

import dev.adjoint.processor.ir.MathFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AST of the random programs: a small, typed model of the Java a user writes in a
 * {@code @Differentiable} method. Each construct exists three times: here as a record, in
 * {@link JavaPrinter} as Java source, and in {@link Interpreter} as its meaning (on doubles, on the
 * tape, on dual numbers). Adding a construct means adding a record here, a case to the printer and
 * to the interpreter, a production to {@link ProgramGenerator} and a reduction to {@link Shrinker}
 * (and, for a statement with a block, a case to {@link #blocks} and {@link #wellScoped}; for one
 * that assigns, reads or jumps in a new way, a case to {@link JavaRules}). (Java 17 has no pattern
 * switch: each visitor is an {@code instanceof} chain ending in a throw for an unknown node, so a
 * forgotten case fails loudly.)
 */
final class Ast {
    private Ast() {}

    // ------------------------------------------------------------------ operators and functions

    /** Arithmetic on doubles (and, inside {@link IntExpr}, the int subset + - *). */
    enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), REM("%");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    enum CmpOp {
        LT("<"), GT(">"), LE("<="), GE(">="), EQ("=="), NE("!=");

        final String symbol;

        CmpOp(String symbol) {
            this.symbol = symbol;
        }
    }

    // ------------------------------------------------------------------ expressions

    /** What a call passes for one parameter: a double, int or boolean expression, or an array's name. */
    sealed interface Arg permits Expr, IntExpr, Bool, ArrayName {}

    /** A double-valued expression. */
    sealed interface Expr extends Arg
            permits Num, Var, Widen, Neg, Bin, Call, Cond, Truncate, Element, MatrixElement, Invoke, StopGradient,
            Chain, HelperCall, ObjectCall, Unstash, AssignExpr, IncElement, ValueRead, FractionRead {}

    /** A double literal. */
    record Num(double value) implements Expr {}

    /** A double parameter, local, or {@code static final double} constant of the class. */
    record Var(String name) implements Expr {}

    /** An int expression used as a double: bare ({@code x * n}) or with {@code (double)} when {@code cast}. */
    record Widen(IntExpr value, boolean cast) implements Expr {}

    record Neg(Expr operand) implements Expr {}

    record Bin(Op op, Expr left, Expr right) implements Expr {}

    /** {@code Math.fn(args)}, or {@code StrictMath.fn(args)} when {@code strict}. */
    record Call(MathFunction fn, boolean strict, List<Expr> args) implements Expr {}

    /** {@code condition ? then : otherwise}. */
    record Cond(Bool condition, Expr then, Expr otherwise) implements Expr {}

    /** {@code (double) (int) operand}: legal, but loses the derivative (a processor warning). */
    record Truncate(Expr operand) implements Expr {}

    /** {@code array[index]} of a {@code double[]} parameter or local. */
    record Element(String array, IntExpr index) implements Expr {}

    /** {@code matrix[row][column]} of a {@code double[][]} parameter (data: not differentiated). */
    record MatrixElement(String matrix, IntExpr row, IntExpr column) implements Expr {}

    /** {@code method(args)}: a call of another {@code @Differentiable} method of the class (or itself). */
    record Invoke(String method, List<Arg> args) implements Expr {}

    /** {@code Adjoint.stopGradient(operand)}: operand's value, no derivative through it. */
    record StopGradient(Expr operand) implements Expr {}

    /**
     * {@code (t1 op t2 op ... op tn)} printed flat (no parentheses between the terms), evaluated left to
     * right as javac does: the long sums and products ({@code x * 1.0 + x * 2.0 + ...}, 1,000 terms)
     * real code has. {@code op} is ADD or MUL.
     */
    record Chain(Op op, List<Expr> terms) implements Expr {}

    /**
     * {@code HELPERS.helper(arg)}: a method of an interface, <em>without</em> {@code @Differentiable},
     * so Adjoint cannot see into it. With a differentiated argument the program must be refused.
     */
    record HelperCall(String helper, Expr arg) implements Expr {}

    /**
     * {@code SHAPES.helper(arg)}: the same helper as a method of an object of a concrete class of
     * the build, which Adjoint inlines with the object's fields as data: always accepted.
     */
    record ObjectCall(String helper, Expr arg) implements Expr {}

    /** What a {@link Stash} put into a holder parameter, read back: {@code xs.get(0)} or {@code Double.parseDouble(sb.toString())}. */
    record Unstash(Holder kind, String holder) implements Expr {}

    /**
     * A value object of two fields built and read back in one expression, as library code reads a
     * {@code SinCos} (read/Values splits it into its fields): {@code new Pair(a, b).first()} (form 0),
     * {@code Pair.of(a, b).second()} (1), {@code new Pair(a, b).mix()} = a·b + a (2),
     * {@code Pair.of(a, b).swap().first()} = b (3); and of a class whose fields are not final (JTS's
     * {@code Coordinate}), built by {@code this(a, b, 1.0)}: {@code new Cell(a, b).second} (4),
     * {@code new Cell(a, b).weighted()} = a·1 + b (5); a cell filled by a method that writes it and
     * returns it, as Proj4J's projections fill a coordinate: {@code Cell.fill(a, b, new Cell(b,
     * b)).second} = b + a (6), {@code FILLER.fill(a, b, new Cell(b, b)).first} = 2·a·b (7, a
     * method of an object whose fields are data); one that changes itself and returns itself:
     * {@code new Cell(a, b).scaleLocal(2.0).second} = b·2 (8); and {@code cellWork(a, b)} (9), a
     * helper whose statements write a cell's fields, fill it in place, change it (a void method too),
     * fill it by a void static method ({@code Cell.pour(c, b, a)}, which returns early on NaN and
     * calls another such method on its parameter) and give it back; {@code new Cell().reset(a, b).weighted()} = a·1 + b (10), built empty (its
     * third field its initializer's 1.0) and set in a chain; {@code new Cell(a, b).into(new
     * Cell()).second} = a·1 (11), a method writing its result into another cell, as JOML's {@code
     * u.cross(w, dest)} (and {@code cellWork} ends with the statement {@code new Cell(b, a).into(e);}).
     */
    record ValueRead(Expr a, Expr b, int form) implements Expr {}

    /**
     * A continued fraction evaluated through an anonymous Commons Math {@code ContinuedFraction}
     * (read/Fractions reads it as the loop it runs), in a private helper whose fraction captures
     * {@code shape}: {@code fractionOf(shape, at)} (form 0: a local, {@code evaluate(y, 1e-13, 500)})
     * or {@code fractionAt(shape, at)} (form 1: the creation evaluated, {@code evaluate(y, 1e-13)}).
     * Its terms: a_0 = 1, a_n = 2 + n·t with t = 1/(1 + s²), b_n = y²/((1 + y²)(n + 1)).
     */
    record FractionRead(Expr at, Expr shape, int form) implements Expr {}

    /** {@code (name = value)}: an assignment inside an expression. */
    record AssignExpr(String name, Expr value) implements Expr {}

    /** {@code (++array[index])} or {@code (--array[index])} inside an expression. */
    record IncElement(String array, IntExpr index, boolean increment) implements Expr {}

    /** An array passed to a call by name. */
    record ArrayName(String name) implements Arg {}

    /**
     * An object parameter a differentiated value can leave through, by calls Adjoint cannot see into:
     * {@code List<Double> xs} ({@code xs.clear(); xs.add(v);} ... {@code xs.get(0)}) or
     * {@code StringBuilder sb} ({@code sb.setLength(0); sb.append(v);} ...
     * {@code Double.parseDouble(sb.toString())}).
     */
    enum Holder { LIST, BUILDER }

    /** An int-valued expression over int/long parameters, loop indices and array lengths. */
    sealed interface IntExpr extends Arg permits IntParam, IntLit, IntBin, Length, Halvings {}

    /** An int or long parameter, a loop index or a loop counter. */
    record IntParam(String name) implements IntExpr {}

    record IntLit(int value) implements IntExpr {}

    /** {@code op} is ADD, SUB, MUL or REM (of non-negative operands). */
    record IntBin(Op op, IntExpr left, IntExpr right) implements IntExpr {}

    /** {@code array.length} of a {@code double[]} or a {@code double[][]}. */
    record Length(String array) implements IntExpr {}

    /**
     * {@code halvings(n)}: a private recursion over integers alone, {@code n <= 0 ? 0 : 1 +
     * halvings(n / 2)}, which Adjoint calls as written (no derivative enters or leaves it).
     */
    record Halvings(IntExpr n) implements IntExpr {
        static final String HELPER = "    private static int halvings(long n) {\n        return n <= 0 ? 0 : 1 + halvings(n / 2);\n    }\n";

        static int of(long n) {
            return n <= 0 ? 0 : 1 + of(n / 2);
        }
    }

    /** A boolean condition. */
    sealed interface Bool extends Arg permits Cmp, And, Or, Not, Flag {}

    record Cmp(CmpOp op, Expr left, Expr right) implements Bool {}

    record And(Bool left, Bool right) implements Bool {}

    record Or(Bool left, Bool right) implements Bool {}

    record Not(Bool operand) implements Bool {}

    /** A passed-through boolean parameter. */
    record Flag(String name) implements Bool {}

    // ------------------------------------------------------------------ statements

    sealed interface Stmt permits Declare, DeclareUnassigned, Assign, Compound, Step, Return, Throw, If, For, ForEach,
            While, DoWhile, CountDown, Switch, Break, Continue, DeclareArray, DeclareArrayInit, Store, Stash {}

    /** How a local with an initialiser is declared. */
    enum Local {
        /** {@code double name = init;} */
        DOUBLE,
        /** {@code var name = init;} ({@code double} when init is int-typed: {@code var} would make an int) */
        VAR,
        /** {@code Double name = init;}: a boxed local, unboxed wherever it is used in arithmetic */
        BOXED,
        /** {@code final double name = init;}: never written again */
        FINAL
    }

    /** {@code double name = init;} and its {@link Local} variants. */
    record Declare(String name, Local kind, Expr init) implements Stmt {}

    /**
     * {@code double name;} or {@code final double name;}: a local declared without an initialiser,
     * assigned later (in loops, in some or all branches). Every read must be after a definite
     * assignment (JLS 16), which {@link JavaRules} checks and the {@link Interpreter} enforces.
     */
    record DeclareUnassigned(String name, boolean isFinal) implements Stmt {}

    /** {@code name = value;} of a local or a double parameter. */
    record Assign(String name, Expr value) implements Stmt {}

    /** {@code name op= value;} with op one of + - * /. */
    record Compound(String name, Op op, Expr value) implements Stmt {}

    /** {@code name++}, {@code ++name}, {@code name--}, {@code --name} as a statement. */
    record Step(String name, boolean increment, boolean prefix) implements Stmt {}

    record Return(Expr value) implements Stmt {}

    /** {@code throw new exception("message");} of an unchecked exception (java.lang). */
    record Throw(String exception, String message) implements Stmt {}

    /** {@code if (condition) { then } else { otherwise }}; no else when {@code otherwise} is empty. */
    record If(Bool condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

    /** {@code label: for (int index = 0; index < bound; index++) { body }}; {@code label} may be null. */
    record For(String label, String index, IntExpr bound, List<Stmt> body) implements Stmt {}

    /** {@code label: for (double variable : array) { body }}. */
    record ForEach(String label, String variable, String array, List<Stmt> body) implements Stmt {}

    /**
     * {@code int counter = 0; label: while (condition && counter < cap) { counter++; body }}: a
     * data-dependent trip count, capped (the counter steps first, so a {@code continue} cannot skip it).
     */
    record While(String label, String counter, Bool condition, int cap, List<Stmt> body) implements Stmt {}

    /** {@code int counter = 0; label: do { counter++; body } while (condition && counter < cap);}. */
    record DoWhile(String label, String counter, List<Stmt> body, Bool condition, int cap) implements Stmt {}

    /** {@code break;} or {@code break label;}. */
    record Break(String label) implements Stmt {}

    /** {@code continue;} or {@code continue label;}. */
    record Continue(String label) implements Stmt {}

    /**
     * {@code int counter = start; label: while (counter-- > 0) { body }}: an assignment inside the
     * loop's condition.
     */
    record CountDown(String label, String counter, IntExpr start, List<Stmt> body, boolean pre) implements Stmt {}

    /**
     * {@code switch (selector) { case k: { body } ... default: { body } }}; a case whose body does not
     * end with {@code break;} falls through to the next.
     */
    record Switch(IntExpr selector, List<Case> cases) implements Stmt {}

    /** One group of a {@link Switch}: {@code label} null for {@code default}. */
    record Case(Integer label, List<Stmt> body) {}

    /** {@code double[] name = new double[length];} or, when {@code useVar}, {@code var name = new double[length];}. */
    record DeclareArray(String name, boolean useVar, IntExpr length) implements Stmt {}

    /** {@code double[] name = {v1, v2, ...};}: an array initialiser. */
    record DeclareArrayInit(String name, List<Expr> values) implements Stmt {}

    /** {@code array[index] = value;}, or {@code array[index] op= value;} when {@code op} is not null. */
    record Store(String array, IntExpr index, Op op, Expr value) implements Stmt {}

    /**
     * {@code xs.clear(); xs.add(value);} or {@code sb.setLength(0); sb.append(value);}: the value leaves
     * through calls Adjoint cannot see into (to come back by an {@link Unstash}).
     */
    record Stash(Holder kind, String holder, Expr value) implements Stmt {}

    // ------------------------------------------------------------------ methods and classes

    enum Type {
        DOUBLE("double"), INT("int"), LONG("long"), BOOLEAN("boolean"), DOUBLE_ARRAY("double[]"),
        MATRIX("double[][]"), LIST("List<Double>"), BUILDER("StringBuilder");

        final String java;

        Type(String java) {
            this.java = java;
        }
    }

    record Param(Type type, String name) {}

    /**
     * One {@code @Differentiable public static double name(params)}; {@code wrt} empty means
     * every double and double[] parameter. The body ends with a {@link Return}.
     */
    record Method(String name, List<Param> params, List<String> wrt, List<Stmt> body) {
        /** The scalar double parameters. */
        List<String> doubleParams() {
            return params.stream().filter(p -> p.type() == Type.DOUBLE).map(Param::name).toList();
        }

        /** The double and double[] parameters: those a gradient can have a field for. */
        List<String> differentiable() {
            return params.stream().filter(p -> p.type() == Type.DOUBLE || p.type() == Type.DOUBLE_ARRAY)
                    .map(Param::name).toList();
        }

        /** The parameters the gradient has a field for. */
        List<String> differentiated() {
            return wrt.isEmpty() ? differentiable() : wrt;
        }

        Method withBody(List<Stmt> newBody) {
            return new Method(name, params, wrt, newBody);
        }
    }

    /** A {@code static final double name = value;} of the generated class. */
    record Constant(String name, double value) {}

    /**
     * {@code static double name(double u) { return body; }}: a helper without {@code @Differentiable}
     * ({@code body} reads only {@code u} and the constants).
     */
    record Helper(String name, Expr body) {
        static final String PARAM = "u";
    }

    /**
     * One compilation unit: {@code package pkg; public final class className { constants; helpers;
     * methods }}.
     */
    record Unit(String pkg, String className, List<Constant> constants, List<Helper> helpers, List<Method> methods) {
        String qualifiedName() {
            return pkg + "." + className;
        }

        Method method(String name) {
            return methods.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            return "class " + className + " with " + methods.size() + " methods";
        }

        /**
         * The same class holding only {@code m}, the methods it calls (transitively, in the batch's
         * order) and the constants, e.g. to shrink it alone.
         */
        Unit only(Method m) {
            Set<String> needed = new TreeSet<>();
            List<Method> work = new ArrayList<>(List.of(m));
            while (!work.isEmpty()) {
                Method next = work.remove(work.size() - 1);
                if (needed.add(next.name())) {
                    for (String callee : callees(next.body())) {
                        methods.stream().filter(x -> x.name().equals(callee)).findFirst().ifPresent(work::add);
                    }
                }
            }
            List<Method> kept = new ArrayList<>();
            for (Method x : methods) {
                if (needed.contains(x.name()) && !x.name().equals(m.name())) {
                    kept.add(x);
                }
            }
            kept.add(m);
            return new Unit(pkg, className, constants, helpers, kept);
        }

        /** The same class without the constants and helpers none of its methods uses. */
        Unit trimmed() {
            Set<String> used = new TreeSet<>();
            Set<String> helpersUsed = new TreeSet<>();
            for (Method x : methods) {
                used.addAll(reads(x.body()));
                helpersUsed.addAll(helperCalls(x.body()));
            }
            return new Unit(pkg, className, constants.stream().filter(c -> used.contains(c.name())).toList(),
                    helpers.stream().filter(h -> helpersUsed.contains(h.name())).toList(), methods);
        }

        /** The same class holding only {@code kept} (in the class's order). */
        Unit with(List<Method> kept) {
            return new Unit(pkg, className, constants, helpers, kept);
        }
    }

    // ------------------------------------------------------------------ traversal helpers

    /** Every statement of {@code body}, nested ones included, outer before inner. */
    static List<Stmt> statements(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            out.add(s);
            for (List<Stmt> block : blocks(s)) {
                out.addAll(statements(block));
            }
        }
        return out;
    }

    /** The blocks a statement holds (then and else, a loop's body). */
    static List<List<Stmt>> blocks(Stmt s) {
        if (s instanceof If i) {
            return List.of(i.then(), i.otherwise());
        } else if (s instanceof CountDown c) {
            return List.of(c.body());
        } else if (s instanceof Switch sw) {
            return sw.cases().stream().map(Case::body).toList();
        } else if (s instanceof For f) {
            return List.of(f.body());
        } else if (s instanceof ForEach f) {
            return List.of(f.body());
        } else if (s instanceof While w) {
            return List.of(w.body());
        } else if (s instanceof DoWhile d) {
            return List.of(d.body());
        }
        return List.of();
    }

    /** The names of the methods a body calls. */
    static Set<String> callees(List<Stmt> body) {
        Set<String> out = new TreeSet<>();
        for (Stmt s : statements(body)) {
            for (Arg a : parts(s)) {
                collectCalls(a, out);
            }
        }
        return out;
    }

    private static void collectCalls(Arg a, Set<String> out) {
        if (a instanceof Invoke i) {
            out.add(i.method());
        }
        children(a).forEach(c -> collectCalls(c, out));
    }

    /** The names of the helpers (methods without {@code @Differentiable}) a body calls. */
    static Set<String> helperCalls(List<Stmt> body) {
        Set<String> out = new TreeSet<>();
        for (Stmt s : statements(body)) {
            for (Arg a : parts(s)) {
                everything(a).stream().filter(x -> x instanceof HelperCall).forEach(x -> out.add(((HelperCall) x).helper()));
            }
        }
        return out;
    }

    /** {@code a} and every expression, condition and argument inside it. */
    static List<Arg> everything(Arg a) {
        List<Arg> out = new ArrayList<>();
        List<Arg> work = new ArrayList<>(List.of(a));
        while (!work.isEmpty()) {
            Arg next = work.remove(work.size() - 1);
            out.add(next);
            work.addAll(children(next));
        }
        return out;
    }

    /** Every expression a method evaluates, nested ones included. */
    static List<Arg> everything(List<Stmt> body) {
        List<Arg> out = new ArrayList<>();
        for (Stmt s : statements(body)) {
            parts(s).forEach(p -> out.addAll(everything(p)));
        }
        return out;
    }

    /** Whether a body uses {@code Adjoint.stopGradient}. */
    static boolean stopsGradient(List<Stmt> body) {
        for (Stmt s : statements(body)) {
            for (Arg a : parts(s)) {
                if (containsStop(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether some method of {@code methods} calls {@link Halvings}' helper. */
    static boolean callsHalvings(List<Method> methods) {
        for (Method m : methods) {
            for (Stmt s : statements(m.body())) {
                for (Arg a : parts(s)) {
                    if (contains(a, Halvings.class)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean contains(Arg a, Class<?> kind) {
        return kind.isInstance(a) || children(a).stream().anyMatch(c -> contains(c, kind));
    }

    private static boolean containsStop(Arg a) {
        return a instanceof StopGradient || children(a).stream().anyMatch(Ast::containsStop);
    }

    /** The expressions, conditions and int expressions a statement itself evaluates (not its blocks'). */
    static List<Arg> parts(Stmt s) {
        if (s instanceof Declare d) {
            return List.of(d.init());
        } else if (s instanceof Stash st) {
            return List.of(st.value());
        } else if (s instanceof CountDown c) {
            return List.of(c.start());
        } else if (s instanceof Switch sw) {
            return List.of(sw.selector());
        } else if (s instanceof DeclareArrayInit d) {
            return new ArrayList<>(d.values());
        } else if (s instanceof Assign a) {
            return List.of(a.value());
        } else if (s instanceof Compound c) {
            return List.of(c.value());
        } else if (s instanceof Return r) {
            return List.of(r.value());
        } else if (s instanceof If i) {
            return List.of(i.condition());
        } else if (s instanceof For f) {
            return List.of(f.bound());
        } else if (s instanceof While w) {
            return List.of(w.condition());
        } else if (s instanceof DoWhile d) {
            return List.of(d.condition());
        } else if (s instanceof DeclareArray d) {
            return List.of(d.length());
        } else if (s instanceof Store st) {
            return List.of(st.index(), st.value());
        }
        return List.of();
    }

    /** The direct sub-expressions (of any kind) of an expression, condition or argument. */
    static List<Arg> children(Arg a) {
        if (a instanceof Neg n) {
            return List.of(n.operand());
        } else if (a instanceof Widen w) {
            return List.of(w.value());
        } else if (a instanceof Bin b) {
            return List.of(b.left(), b.right());
        } else if (a instanceof Call c) {
            return new ArrayList<>(c.args());
        } else if (a instanceof Cond c) {
            return List.of(c.condition(), c.then(), c.otherwise());
        } else if (a instanceof Truncate t) {
            return List.of(t.operand());
        } else if (a instanceof Element e) {
            return List.of(e.index());
        } else if (a instanceof MatrixElement e) {
            return List.of(e.row(), e.column());
        } else if (a instanceof Invoke i) {
            return i.args();
        } else if (a instanceof StopGradient s) {
            return List.of(s.operand());
        } else if (a instanceof Chain c) {
            return new ArrayList<>(c.terms());
        } else if (a instanceof HelperCall h) {
            return List.of(h.arg());
        } else if (a instanceof ObjectCall o) {
            return List.of(o.arg());
        } else if (a instanceof ValueRead v) {
            return List.of(v.a(), v.b());
        } else if (a instanceof FractionRead f) {
            return List.of(f.at(), f.shape());
        } else if (a instanceof AssignExpr x) {
            return List.of(x.value());
        } else if (a instanceof IncElement x) {
            return List.of(x.index());
        } else if (a instanceof IntBin b) {
            return List.of(b.left(), b.right());
        } else if (a instanceof Halvings h) {
            return List.of(h.n());
        } else if (a instanceof Cmp c) {
            return List.of(c.left(), c.right());
        } else if (a instanceof And x) {
            return List.of(x.left(), x.right());
        } else if (a instanceof Or x) {
            return List.of(x.left(), x.right());
        } else if (a instanceof Not n) {
            return List.of(n.operand());
        }
        return List.of();
    }

    /** The names an expression reads (variables, arrays, constants, int and boolean parameters). */
    static Set<String> reads(Arg e) {
        Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Arg a, Set<String> out) {
        if (a instanceof Var v) {
            out.add(v.name());
        } else if (a instanceof IntParam p) {
            out.add(p.name());
        } else if (a instanceof Flag f) {
            out.add(f.name());
        } else if (a instanceof Length l) {
            out.add(l.array());
        } else if (a instanceof ArrayName n) {
            out.add(n.name());
        } else if (a instanceof Element e) {
            out.add(e.array());
        } else if (a instanceof MatrixElement e) {
            out.add(e.matrix());
        } else if (a instanceof Unstash u) {
            out.add(u.holder());
        } else if (a instanceof AssignExpr x) {
            out.add(x.name()); // not read, but it must be in scope
        } else if (a instanceof IncElement x) {
            out.add(x.array());
        }
        children(a).forEach(c -> collect(c, out));
    }

    /** The variable (or array) a statement writes (not declares), or null. */
    static String written(Stmt s) {
        if (s instanceof Assign a) {
            return a.name();
        } else if (s instanceof Compound c) {
            return c.name();
        } else if (s instanceof Step st) {
            return st.name();
        } else if (s instanceof Store st) {
            return st.array();
        } else if (s instanceof Stash st) {
            return st.holder();
        }
        return null;
    }

    /** Every name a body reads, nested statements included. */
    static Set<String> reads(List<Stmt> body) {
        Set<String> out = new TreeSet<>();
        for (Stmt s : statements(body)) {
            parts(s).forEach(p -> collect(p, out));
            // x op= e, x++ and a[i] = e read x (a)
            if (s instanceof Compound || s instanceof Step || s instanceof Store || s instanceof Stash) {
                out.add(written(s));
            }
            if (s instanceof ForEach f) {
                out.add(f.array());
            }
        }
        return out;
    }

    /** Whether {@code body} writes an element of the array {@code name}. */
    static boolean writesArray(List<Stmt> body, String name) {
        return statements(body).stream().anyMatch(s -> s instanceof Store st && st.array().equals(name))
                || everything(body).stream().anyMatch(a -> a instanceof IncElement x && x.array().equals(name));
    }

    /** Whether {@code body} assigns the variable {@code name} anywhere (not counting its declaration). */
    static boolean writes(List<Stmt> body, String name) {
        return statements(body).stream().anyMatch(s -> name.equals(written(s)))
                || everything(body).stream().anyMatch(a -> a instanceof AssignExpr x && x.name().equals(name));
    }

    /**
     * Whether javac accepts the method as the generator would have written it, and it means what the
     * {@link Interpreter} says it means: every name declared before use, in scope, and declared once
     * in the method; {@code break}/{@code continue} inside a loop (a labelled one inside that loop)
     * or a {@code switch}, and every jump ({@code throw} too) the last statement of an {@code if}'s
     * branch or a {@code case}; the body ends with a top-level {@code return}; every call names a
     * method or helper of the unit with one argument per parameter; and {@link JavaRules} holds
     * (definite assignment, reachability, boxing). A call Adjoint cannot see into gets an argument
     * that is clearly differentiated or clearly not ({@link #opaqueArguments}). What a shrinking step
     * must keep: a program javac rejects is not a smaller failing program.
     */
    static boolean wellScoped(Unit unit, Method m) {
        List<Stmt> body = m.body();
        if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Return)) {
            return false;
        }
        Set<String> scope = new TreeSet<>();
        Set<String> constants = new TreeSet<>();
        unit.constants().forEach(c -> constants.add(c.name()));
        scope.addAll(constants);
        m.params().forEach(p -> scope.add(p.name()));
        Set<String> methods = new TreeSet<>();
        unit.methods().forEach(x -> methods.add(x.name()));
        if (!methods.containsAll(callees(body))) {
            return false;
        }
        Set<String> helpers = new TreeSet<>();
        unit.helpers().forEach(h -> helpers.add(h.name()));
        if (!helpers.containsAll(helperCalls(body))) {
            return false;
        }
        // every call passes one argument per parameter (a shrink may drop a recursive method's parameter)
        for (Arg a : everything(body)) {
            if (a instanceof Invoke call) {
                Method callee = call.method().equals(m.name()) ? m : unit.method(call.method());
                if (callee.params().size() != call.args().size()) {
                    return false;
                }
            } else if (a instanceof Unstash u && m.params().stream()
                    .noneMatch(p -> p.name().equals(u.holder()) && p.type() == (u.kind() == Holder.LIST ? Type.LIST : Type.BUILDER))) {
                return false;
            }
        }
        for (Stmt s : statements(body)) {
            if (s instanceof Stash st && m.params().stream().noneMatch(
                    p -> p.name().equals(st.holder()) && p.type() == (st.kind() == Holder.LIST ? Type.LIST : Type.BUILDER))) {
                return false;
            }
        }
        if (!block(body, scope, new Names(new TreeSet<>(scope), new TreeSet<>()), constants, new ArrayList<>(), false, true, false)) {
            return false;
        }
        if (opaqueArguments(unit, m).contains(Flow.AMBIGUOUS)) {
            return false;
        }
        return JavaRules.violation(unit, m) == null;
    }

    /**
     * The names declared so far in a method: each local once ({@code declared}); a {@code for}
     * index may be reused by a sibling loop ({@code indices}), as users write {@code i} twice.
     */
    private record Names(Set<String> declared, Set<String> indices) {}

    /**
     * Checks one block; {@code loops} holds the enclosing loops' labels ("" for an unlabelled one),
     * {@code branch} whether the block is an {@code if}'s branch or a {@code case} (where a jump may
     * end it), {@code inSwitch} whether an unlabelled {@code break} has a {@code switch} to leave.
     */
    private static boolean block(List<Stmt> body, Set<String> outer, Names names, Set<String> constants,
            List<String> loops, boolean branch, boolean top, boolean inSwitch) {
        Set<String> scope = new TreeSet<>(outer);
        for (int i = 0; i < body.size(); i++) {
            Stmt s = body.get(i);
            boolean last = i == body.size() - 1;
            Set<String> used = new TreeSet<>();
            parts(s).forEach(p -> collect(p, used));
            String written = written(s);
            if (written != null) {
                used.add(written);
                if (constants.contains(written)) {
                    return false;
                }
            }
            for (Arg a : parts(s)) {
                for (Arg x : everything(a)) {
                    if (x instanceof AssignExpr ax && constants.contains(ax.name())) {
                        return false;
                    }
                }
            }
            if (s instanceof ForEach f) {
                used.add(f.array());
            }
            if (!scope.containsAll(used)) {
                return false;
            }
            boolean jump = s instanceof Break || s instanceof Continue || s instanceof Throw || (s instanceof Return && !top);
            if (jump) {
                String label = s instanceof Break b ? b.label() : s instanceof Continue c ? c.label() : null;
                boolean leavable = s instanceof Return || s instanceof Throw || !loops.isEmpty()
                        || (s instanceof Break && label == null && inSwitch);
                if (!last || !branch || !leavable || (label != null && !loops.contains(label))) {
                    return false;
                }
            }
            if (s instanceof Return && top && !last) {
                return false;
            }
            String declares = s instanceof Declare d ? d.name() : s instanceof DeclareArray d ? d.name()
                    : s instanceof DeclareUnassigned d ? d.name() : s instanceof DeclareArrayInit d ? d.name() : null;
            if (declares != null && (names.indices().contains(declares) || !names.declared().add(declares)
                    || !scope.add(declares))) {
                return false;
            }
            List<String> inner = new ArrayList<>(loops);
            Set<String> innerScope = new TreeSet<>(scope);
            String label = null;
            String local = null;
            if (s instanceof For f) {
                label = f.label();
                local = f.index();
            } else if (s instanceof ForEach f) {
                label = f.label();
                local = f.variable();
            } else if (s instanceof While w) {
                label = w.label();
                local = w.counter();
            } else if (s instanceof DoWhile d) {
                label = d.label();
                local = d.counter();
            } else if (s instanceof CountDown c) {
                label = c.label();
                local = c.counter();
            }
            if (local != null) {
                boolean fresh;
                if (s instanceof For) {
                    fresh = !scope.contains(local) && !names.declared().contains(local);
                    names.indices().add(local);
                } else {
                    fresh = !names.indices().contains(local) && names.declared().add(local);
                }
                if (!fresh) {
                    return false;
                }
                innerScope.add(local);
                inner.add(label == null ? "" : label);
                if (label != null && !names.declared().add(label)) {
                    return false;
                }
            }
            if (s instanceof While w && !innerScope.containsAll(reads(w.condition()))) {
                return false;
            }
            if (s instanceof DoWhile d && !innerScope.containsAll(reads(d.condition()))) {
                return false;
            }
            if (s instanceof Switch sw) {
                Set<Integer> labels = new TreeSet<>();
                long defaults = sw.cases().stream().filter(c -> c.label() == null).count();
                for (Case c : sw.cases()) {
                    if (c.label() != null && !labels.add(c.label())) {
                        return false; // duplicate case label
                    }
                }
                if (defaults > 1 || sw.cases().isEmpty()) {
                    return false;
                }
            }
            boolean isIf = s instanceof If;
            boolean isSwitch = s instanceof Switch;
            boolean loop = local != null;
            for (List<Stmt> b : blocks(s)) {
                if (!block(b, innerScope, names, constants, inner, isIf || isSwitch, false, isSwitch || (inSwitch && !loop))) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ calls Adjoint cannot see into

    /** What reaches a call Adjoint cannot see into. */
    enum Flow {
        /** A value that depends on no differentiated input (or only through {@code stopGradient}): fine. */
        INACTIVE,
        /** A differentiated parameter, read directly or through smooth operations: must be refused. */
        ACTIVE,
        /**
         * Anything in between (a local that some analysis may call differentiated and another not, a
         * value only through a cast to int): neither outcome can be demanded, so not generated.
         */
        AMBIGUOUS
    }

    /** How each argument of a call Adjoint cannot see into ({@link HelperCall}, {@link Stash}) in {@code m} flows. */
    static List<Flow> opaqueArguments(Unit unit, Method m) {
        List<Flow> out = new ArrayList<>();
        for (Stmt s : statements(m.body())) {
            if (s instanceof Stash st) {
                out.add(flow(m, st.value()));
            }
            for (Arg a : parts(s)) {
                for (Arg x : everything(a)) {
                    if (x instanceof HelperCall h) {
                        out.add(flow(m, h.arg()));
                    }
                }
            }
        }
        return out;
    }

    /** How {@code arg}, an argument of a call Adjoint cannot see into in {@code m}, flows. */
    static Flow flow(Method m, Expr arg) {
        Set<String> pinned = new TreeSet<>();
        for (String p : m.differentiated()) {
            if (!writes(m.body(), p) && !writesArray(m.body(), p)) {
                pinned.add(p);
            }
        }
        return flow(arg, varied(m), pinned);
    }

    private static Flow flow(Expr arg, Set<String> varied, Set<String> pinned) {
        if (smoothlyReads(arg, pinned)) {
            return Flow.ACTIVE;
        }
        return mayVary(arg, varied) ? Flow.AMBIGUOUS : Flow.INACTIVE;
    }

    /** Whether {@code e} reads one of {@code names} through operations whose derivative is not 0 everywhere. */
    private static boolean smoothlyReads(Arg e, Set<String> names) {
        if (e instanceof Var v) {
            return names.contains(v.name());
        } else if (e instanceof Element el) {
            return names.contains(el.array());
        } else if (e instanceof Neg || e instanceof Bin || e instanceof Chain || e instanceof AssignExpr) {
            return children(e).stream().anyMatch(c -> smoothlyReads(c, names));
        } else if (e instanceof Call c) {
            return !c.fn().piecewiseConstant && c.args().stream().anyMatch(a -> smoothlyReads(a, names));
        } else if (e instanceof Cond c) {
            return smoothlyReads(c.then(), names) || smoothlyReads(c.otherwise(), names);
        }
        return false; // stopGradient, casts to int, calls, int values, data
    }

    /** Whether {@code e} may carry a derivative by a flow-insensitive reading (outside stopGradient). */
    private static boolean mayVary(Arg e, Set<String> varied) {
        if (e instanceof StopGradient) {
            return false;
        } else if (e instanceof Var v) {
            return varied.contains(v.name());
        } else if (e instanceof Element el) {
            return varied.contains(el.array());
        } else if (e instanceof Unstash u) {
            return varied.contains(u.holder());
        } else if (e instanceof Invoke i) {
            return i.args().stream().anyMatch(a -> a instanceof ArrayName n ? varied.contains(n.name()) : mayVary(a, varied));
        }
        return children(e).stream().anyMatch(c -> mayVary(c, varied));
    }

    /**
     * The variables (arrays and holders too) that may carry a derivative anywhere in {@code m}: the
     * differentiated parameters and whatever is assigned from them, a fixpoint over every
     * statement regardless of order, as an analysis that ignores flow would say.
     */
    static Set<String> varied(Method m) {
        Set<String> varied = new TreeSet<>(m.differentiated());
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Stmt s : statements(m.body())) {
                String target = s instanceof Declare d ? d.name() : s instanceof DeclareArrayInit d ? d.name()
                        : s instanceof ForEach f && varied.contains(f.array()) ? f.variable() : written(s);
                if (target != null && !varied.contains(target)
                        && (s instanceof ForEach || parts(s).stream().anyMatch(p -> mayVary(p, varied)))) {
                    changed |= varied.add(target);
                }
                for (Arg p : parts(s)) {
                    for (Arg x : everything(p)) {
                        if (x instanceof AssignExpr ax && !varied.contains(ax.name()) && mayVary(ax.value(), varied)) {
                            changed |= varied.add(ax.name());
                        }
                    }
                }
            }
        }
        return varied;
    }

    /**
     * Whether the processor must refuse {@code m}: a differentiated value goes to a call Adjoint
     * cannot see into, or {@code m} calls a method that must be refused (its adjoint cannot exist).
     */
    static boolean mustRefuse(Unit unit, Method m) {
        return mustRefuse(unit, m, new TreeSet<>());
    }

    private static boolean mustRefuse(Unit unit, Method m, Set<String> seen) {
        if (!seen.add(m.name())) {
            return false;
        }
        if (opaqueArguments(unit, m).contains(Flow.ACTIVE) || searches(m)) {
            return true;
        }
        for (String callee : callees(m.body())) {
            if (!callee.equals(m.name()) && unit.methods().stream().anyMatch(x -> x.name().equals(callee))
                    && mustRefuse(unit, unit.method(callee), seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code m} holds the generator's search ({@link Shapes.Shape#SEARCH}, its counter
     * {@code bisect}) on a test of a value that may carry a derivative: a search the processor
     * refuses (AdjointSearchLoop), its ends moved one way or the other, to the midpoint (a
     * bisection), to c or d (a golden section), to m1 or m2 (a ternary search), or by conditional
     * expressions, or a point moved by a step computed from the counter
     * ({@code x += ... > t ? -step : step}).
     */
    static boolean searches(Method m) {
        // the test reads a local declared from a differentiated parameter (the shape's t): a derivative
        // the processor's activity sees too, whatever else the method does
        Set<String> parameters = new TreeSet<>(m.differentiated());
        Set<String> fromParameters = new TreeSet<>();
        for (Stmt s : statements(m.body())) {
            if (s instanceof Declare d && d.init() != null && ShortcutRule.carries(d.init(), parameters)
                    && statements(m.body()).stream().noneMatch(x -> d.name().equals(written(x)))) {
                fromParameters.add(d.name());
            }
        }
        java.util.function.Predicate<Arg> differentiated = test -> reads(test).stream()
                .anyMatch(v -> fromParameters.contains(v) || parameters.contains(v));
        for (Stmt s : statements(m.body())) {
            if (!(s instanceof While w) || !w.counter().startsWith("bisect")) {
                continue;
            }
            for (Stmt b : w.body()) {
                if (b instanceof If i && i.then().size() == 1 && i.otherwise().size() == 1
                        && i.then().get(0) instanceof Assign up && i.otherwise().get(0) instanceof Assign down
                        && !up.name().equals(down.name()) && differentiated.test(i.condition())) {
                    return true;
                }
                if (b instanceof Assign a && a.value() instanceof Cond c && differentiated.test(c.condition())) {
                    return true;
                }
                // a point moved one way or the other by a step computed from the counter
                if (b instanceof Compound a && a.value() instanceof Cond c && differentiated.test(c.condition())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code e} has type {@code Double} (not {@code double}) in Java: a boxed local, a
     * {@code var} initialised from one, {@code xs.get(0)}, or a {@code ?:} of two such. Two of
     * these compared with == or != compare references, not values.
     */
    static boolean boxedTyped(Expr e, Set<String> boxed) {
        if (e instanceof Var v) {
            return boxed.contains(v.name());
        } else if (e instanceof Unstash u) {
            return u.kind() == Holder.LIST;
        } else if (e instanceof Cond c) {
            return boxedTyped(c.then(), boxed) && boxedTyped(c.otherwise(), boxed);
        } else if (e instanceof AssignExpr a) {
            return boxed.contains(a.name());
        }
        return false;
    }
}
