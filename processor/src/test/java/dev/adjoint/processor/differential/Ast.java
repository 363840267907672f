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
 * tape, on dual numbers). Adding a construct (if, loops, arrays, calls) means adding a record here,
 * a case to the printer and to the interpreter, a production to {@link ProgramGenerator} and a
 * reduction to {@link Shrinker}. (Java 17 has no pattern switch: each visitor is an
 * {@code instanceof} chain ending in a throw for an unknown node, so a forgotten case fails loudly.)
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

    /** A double-valued expression. */
    sealed interface Expr permits Num, Var, Widen, Neg, Bin, Call, Cond, Truncate {}

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

    /** An int-valued expression over passed-through int/long parameters. */
    sealed interface IntExpr permits IntParam, IntLit, IntBin {}

    record IntParam(String name) implements IntExpr {}

    record IntLit(int value) implements IntExpr {}

    /** {@code op} is ADD, SUB or MUL. */
    record IntBin(Op op, IntExpr left, IntExpr right) implements IntExpr {}

    /** A boolean condition. */
    sealed interface Bool permits Cmp, And, Or, Not, Flag {}

    record Cmp(CmpOp op, Expr left, Expr right) implements Bool {}

    record And(Bool left, Bool right) implements Bool {}

    record Or(Bool left, Bool right) implements Bool {}

    record Not(Bool operand) implements Bool {}

    /** A passed-through boolean parameter. */
    record Flag(String name) implements Bool {}

    // ------------------------------------------------------------------ statements

    sealed interface Stmt permits Declare, Assign, Compound, Step, Return {}

    /** {@code double name = init;} or {@code var name = init;}. */
    record Declare(String name, boolean useVar, Expr init) implements Stmt {}

    /** {@code name = value;} of a local or a double parameter. */
    record Assign(String name, Expr value) implements Stmt {}

    /** {@code name op= value;} with op one of + - * /. */
    record Compound(String name, Op op, Expr value) implements Stmt {}

    /** {@code name++}, {@code ++name}, {@code name--}, {@code --name} as a statement. */
    record Step(String name, boolean increment, boolean prefix) implements Stmt {}

    record Return(Expr value) implements Stmt {}

    // ------------------------------------------------------------------ methods and classes

    enum Type {
        DOUBLE("double"), INT("int"), LONG("long"), BOOLEAN("boolean");

        final String java;

        Type(String java) {
            this.java = java;
        }
    }

    record Param(Type type, String name) {}

    /**
     * One {@code @Differentiable public static double name(params)}; {@code wrt} empty means
     * every double parameter. The body ends with a {@link Return}.
     */
    record Method(String name, List<Param> params, List<String> wrt, List<Stmt> body) {
        List<String> doubleParams() {
            return params.stream().filter(p -> p.type() == Type.DOUBLE).map(Param::name).toList();
        }

        /** The parameters the gradient has a field for. */
        List<String> differentiated() {
            return wrt.isEmpty() ? doubleParams() : wrt;
        }

        Method withBody(List<Stmt> newBody) {
            return new Method(name, params, wrt, newBody);
        }
    }

    /** A {@code static final double name = value;} of the generated class. */
    record Constant(String name, double value) {}

    /** One compilation unit: {@code package pkg; public final class className { constants; methods }}. */
    record Unit(String pkg, String className, List<Constant> constants, List<Method> methods) {
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

        /** The same class holding only {@code m} (and the constants), e.g. to shrink it alone. */
        Unit only(Method m) {
            return new Unit(pkg, className, constants, List.of(m));
        }
    }

    // ------------------------------------------------------------------ traversal helpers

    /** The names an expression reads (variables and constants, not int or boolean parameters). */
    static Set<String> reads(Expr e) {
        Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Var v) {
            out.add(v.name());
        } else if (e instanceof Widen w) {
            collectInt(w.value(), out);
        } else if (e instanceof Neg n) {
            collect(n.operand(), out);
        } else if (e instanceof Bin b) {
            collect(b.left(), out);
            collect(b.right(), out);
        } else if (e instanceof Call c) {
            c.args().forEach(a -> collect(a, out));
        } else if (e instanceof Cond c) {
            collectBool(c.condition(), out);
            collect(c.then(), out);
            collect(c.otherwise(), out);
        } else if (e instanceof Truncate t) {
            collect(t.operand(), out);
        } else if (!(e instanceof Num)) {
            throw new IllegalArgumentException("unknown expression " + e);
        }
    }

    private static void collectInt(IntExpr e, Set<String> out) {
        if (e instanceof IntParam p) {
            out.add(p.name());
        } else if (e instanceof IntBin b) {
            collectInt(b.left(), out);
            collectInt(b.right(), out);
        }
    }

    private static void collectBool(Bool b, Set<String> out) {
        if (b instanceof Cmp c) {
            collect(c.left(), out);
            collect(c.right(), out);
        } else if (b instanceof And a) {
            collectBool(a.left(), out);
            collectBool(a.right(), out);
        } else if (b instanceof Or o) {
            collectBool(o.left(), out);
            collectBool(o.right(), out);
        } else if (b instanceof Not n) {
            collectBool(n.operand(), out);
        } else if (b instanceof Flag f) {
            out.add(f.name());
        }
    }

    /** The expression a statement evaluates. */
    static Expr value(Stmt s) {
        if (s instanceof Declare d) {
            return d.init();
        } else if (s instanceof Assign a) {
            return a.value();
        } else if (s instanceof Compound c) {
            return c.value();
        } else if (s instanceof Return r) {
            return r.value();
        }
        return null;
    }

    /** The variable a statement writes (not declares), or null. */
    static String written(Stmt s) {
        if (s instanceof Assign a) {
            return a.name();
        } else if (s instanceof Compound c) {
            return c.name();
        } else if (s instanceof Step st) {
            return st.name();
        }
        return null;
    }

    /** Every name a method's body reads, including its parameters' and constants' uses. */
    static Set<String> reads(List<Stmt> body) {
        Set<String> out = new TreeSet<>();
        for (Stmt s : body) {
            Expr value = value(s);
            if (value != null) {
                collect(value, out);
            }
            // x op= e and x++ read x
            if (s instanceof Compound || s instanceof Step) {
                out.add(written(s));
            }
        }
        return out;
    }

    /**
     * Whether every name is declared before use and declared once: what a shrinking step must
     * keep (a program javac rejects is not a smaller failing program).
     */
    static boolean wellScoped(Unit unit, Method m) {
        Set<String> scope = new TreeSet<>();
        unit.constants().forEach(c -> scope.add(c.name()));
        m.params().forEach(p -> scope.add(p.name()));
        List<Stmt> body = m.body();
        if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Return)) {
            return false;
        }
        Set<String> constants = new TreeSet<>();
        unit.constants().forEach(c -> constants.add(c.name()));
        for (Stmt s : body) {
            List<String> used = new ArrayList<>(reads(List.of(s)));
            String written = written(s);
            if (written != null) {
                used.add(written);
                if (constants.contains(written)) {
                    return false;
                }
            }
            if (!scope.containsAll(used)) {
                return false;
            }
            if (s instanceof Declare d && !scope.add(d.name())) {
                return false;
            }
        }
        return true;
    }
}
