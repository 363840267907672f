package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.CmpOp;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Num;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Type;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.Ast.Var;
import dev.adjoint.processor.ir.MathFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes random {@code @Differentiable} classes from the constructs the processor supports today:
 * double, int, long and boolean parameters, {@code wrt} subsets, locals ({@code double} and
 * {@code var}), reassignment of locals and parameters, {@code += -= *= /=}, {@code ++}/{@code --},
 * {@code + - * / %}, unary minus, int→double conversions, {@code static final} constants, every
 * {@code Math}/{@code StrictMath} function, {@code ?:} over comparisons, {@code && || !} and flags,
 * and a cast to int.
 *
 * <p>Domains are kept valid by construction: {@code log}, {@code sqrt} and a division's
 * denominator get an argument that is positive everywhere ({@code 1.0 + u*u}, {@code exp(u)},
 * ...), {@code asin}/{@code acos} one in (-0.9, 0.9). What construction cannot rule out (a point
 * near a kink, a pole of {@code tan}, an overflow) the checker rejects at run time.
 *
 * <p>Names are drawn on purpose from the names generated code uses itself ({@code seed},
 * {@code into}, {@code gradient}, {@code _d_x}, {@code xValue}, ...): hygiene is part of the test.
 *
 * <p>A new construct is a new production here: a statement kind in {@link #statement}, an
 * expression kind in {@link #composite}.
 */
final class ProgramGenerator {

    private static final List<String> DOUBLE_NAMES = List.of(
            "x", "y", "z", "w", "seed", "into", "gradient", "xValue", "upstream", "grads", "_d_x", "_ret");
    private static final List<String> LOCAL_NAMES = List.of("a", "b", "c", "t", "_t1", "_r1", "_d_a", "_ret", "s");
    private static final double[] LITERALS = {0.5, 2.0, 1.0, 3.0, 0.25, 1.5, -0.75, 0.1, 10.0, -2.0};

    private final Random random;

    // the scope of the method being generated
    private final List<String> readable = new ArrayList<>();
    private final List<String> writable = new ArrayList<>();
    private final List<String> ints = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> constants = new ArrayList<>();
    /** The variables that carry a derivative at this point of the method (flow-sensitive). */
    private final java.util.Set<String> active = new java.util.TreeSet<>();
    private int maxDepth;

    ProgramGenerator(Random random) {
        this.random = random;
    }

    /** A class {@code pkg.className} with {@code methods} random methods and a few constants. */
    Unit unit(String pkg, String className, int methods) {
        List<Ast.Constant> shared = List.of(new Ast.Constant("RATE", 0.375), new Ast.Constant("SHIFT", -1.25));
        List<Method> out = new ArrayList<>();
        for (int i = 0; i < methods; i++) {
            out.add(method("m" + i, shared));
        }
        return new Unit(pkg, className, shared, out);
    }

    Method method(String name, List<Ast.Constant> unitConstants) {
        readable.clear();
        writable.clear();
        ints.clear();
        flags.clear();
        constants.clear();
        active.clear();
        maxDepth = 2 + random.nextInt(3);

        List<Param> params = new ArrayList<>();
        List<String> names = new ArrayList<>(DOUBLE_NAMES);
        Collections.shuffle(names, random);
        // mostly plain names, sometimes the generated code's own
        int doubles = 1 + random.nextInt(3);
        for (int i = 0; i < doubles; i++) {
            String n = random.nextInt(4) == 0 ? names.get(i) : List.of("x", "y", "z").get(i);
            if (params.stream().anyMatch(p -> p.name().equals(n))) {
                continue;
            }
            params.add(new Param(Type.DOUBLE, n));
            readable.add(n);
            writable.add(n);
        }
        if (random.nextInt(4) == 0) {
            params.add(new Param(Type.INT, "n"));
            ints.add("n");
        }
        if (random.nextInt(8) == 0) {
            params.add(new Param(Type.LONG, "m"));
            ints.add("m");
        }
        if (random.nextInt(5) == 0) {
            params.add(new Param(Type.BOOLEAN, "flag"));
            flags.add("flag");
        }
        Collections.shuffle(params, random);
        List<String> doubleParams = params.stream().filter(p -> p.type() == Type.DOUBLE).map(Param::name).toList();
        List<String> wrt = List.of();
        if (doubleParams.size() > 1 && random.nextInt(6) == 0) {
            wrt = List.of(doubleParams.get(random.nextInt(doubleParams.size())));
        }
        active.addAll(wrt.isEmpty() ? doubleParams : wrt);
        unitConstants.forEach(c -> constants.add(c.name()));

        List<Stmt> body = new ArrayList<>();
        int statements = random.nextInt(7);
        for (int i = 0; i < statements; i++) {
            body.add(statement());
        }
        body.add(new Ast.Return(expr(0)));
        return new Method(name, params, wrt, body);
    }

    // ------------------------------------------------------------------ statements

    private Stmt statement() {
        int roll = random.nextInt(100);
        List<String> targets = new ArrayList<>(writable);
        if (roll < 40 || targets.isEmpty()) {
            String local = freshLocal();
            // the initialiser cannot read the local it declares
            Ast.Expr init = expr(0);
            readable.add(local);
            writable.add(local);
            track(local, isActive(init));
            return new Ast.Declare(local, random.nextInt(4) == 0, init);
        }
        String target = targets.get(random.nextInt(targets.size()));
        if (roll < 55) {
            Ast.Expr value = expr(0);
            track(target, isActive(value));
            return new Ast.Assign(target, value);
        }
        if (roll < 85) {
            Op op = List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV).get(random.nextInt(4));
            Ast.Expr value = op == Op.DIV ? positive(expr(1)) : expr(0);
            track(target, active.contains(target) || isActive(value));
            return new Ast.Compound(target, op, value);
        }
        return new Ast.Step(target, random.nextBoolean(), random.nextBoolean());
    }

    /** Whether a derivative flows through {@code e}: not through conditions, casts to int or step functions. */
    private boolean isActive(Ast.Expr e) {
        if (e instanceof Var v) {
            return active.contains(v.name());
        } else if (e instanceof Ast.Neg n) {
            return isActive(n.operand());
        } else if (e instanceof Bin b) {
            return isActive(b.left()) || isActive(b.right());
        } else if (e instanceof Call c) {
            return !c.fn().piecewiseConstant && c.args().stream().anyMatch(this::isActive);
        } else if (e instanceof Ast.Cond c) {
            return isActive(c.then()) || isActive(c.otherwise());
        }
        return false; // literals, int values, (int) casts
    }

    private void track(String variable, boolean isActive) {
        if (isActive) {
            active.add(variable);
        } else {
            active.remove(variable);
        }
    }

    private String freshLocal() {
        for (String name : LOCAL_NAMES) {
            if (!readable.contains(name) && random.nextInt(3) > 0) {
                return name;
            }
        }
        int i = 0;
        while (readable.contains("v" + i)) {
            i++;
        }
        return "v" + i;
    }

    // ------------------------------------------------------------------ expressions

    Expr expr(int depth) {
        if (depth >= maxDepth || random.nextDouble() < 0.2 + 0.2 * depth) {
            return leaf();
        }
        return composite(depth + 1);
    }

    private Expr leaf() {
        int roll = random.nextInt(100);
        if (roll < 25) {
            return new Num(roll < 20 ? LITERALS[random.nextInt(LITERALS.length)] : Math.round(random.nextGaussian() * 200) / 100.0);
        }
        if (roll < 33 && !ints.isEmpty()) {
            return new Ast.Widen(intExpr(), random.nextBoolean());
        }
        if (roll < 37) {
            return new Var(constants.get(random.nextInt(constants.size())));
        }
        return new Var(readable.get(random.nextInt(readable.size())));
    }

    private IntExpr intExpr() {
        IntExpr param = new Ast.IntParam(ints.get(random.nextInt(ints.size())));
        return switch (random.nextInt(3)) {
            case 0 -> param;
            case 1 -> new Ast.IntBin(Op.MUL, param, new Ast.IntLit(1 + random.nextInt(3)));
            default -> new Ast.IntBin(random.nextBoolean() ? Op.ADD : Op.SUB, param, new Ast.IntLit(random.nextInt(4)));
        };
    }

    private Expr composite(int depth) {
        int roll = random.nextInt(100);
        if (roll < 28) {
            Op op = List.of(Op.ADD, Op.SUB, Op.MUL).get(random.nextInt(3));
            return new Bin(op, expr(depth), expr(depth));
        }
        if (roll < 32) {
            return new Ast.Neg(expr(depth));
        }
        if (roll < 40) {
            return new Bin(Op.DIV, expr(depth), positive(expr(depth)));
        }
        if (roll < 42) {
            return new Bin(Op.DIV, expr(depth), expr(depth)); // may come near 0: the checker rejects such points
        }
        if (roll < 45) {
            return new Bin(Op.REM, expr(depth), positive(expr(depth)));
        }
        if (roll < 90) {
            return call(depth);
        }
        if (roll < 99) {
            return new Ast.Cond(bool(depth), expr(depth), expr(depth));
        }
        return new Ast.Truncate(expr(depth));
    }

    private Expr call(int depth) {
        MathFunction fn = MathFunction.values()[random.nextInt(MathFunction.values().length)];
        if (fn.piecewiseConstant && random.nextInt(3) > 0) {
            fn = MathFunction.SIN;
        }
        Expr u = expr(depth);
        List<Expr> args = switch (fn) {
            case TAN -> List.of(random.nextBoolean() ? u : bounded(u));
            case ASIN, ACOS -> List.of(bounded(u));
            case LOG, LOG10, LOG1P, SQRT -> List.of(positive(u));
            case POW -> switch (random.nextInt(4)) {
                case 0 -> List.of(u, new Num(List.of(0.0, 1.0, 2.0, 3.0).get(random.nextInt(4))));
                case 1 -> List.of(positive(u), new Num(List.of(-1.0, 0.5, 2.5, -0.5).get(random.nextInt(4))));
                case 2 -> List.of(positive(u), expr(depth));
                default -> List.of(new Num(List.of(2.0, 0.5, 3.0).get(random.nextInt(3))), u);
            };
            case ATAN2, HYPOT, MAX, MIN -> List.of(u, expr(depth));
            case FMA -> List.of(u, expr(depth), expr(depth));
            default -> List.of(u);
        };
        return new Call(fn, random.nextInt(10) == 0, args);
    }

    /** An expression of {@code u} that is positive for every {@code u} (and smooth, but for the abs form). */
    private Expr positive(Expr u) {
        return switch (random.nextInt(6)) {
            case 0 -> new Bin(Op.ADD, new Num(1.0), new Bin(Op.MUL, u, u));
            case 1 -> new Call(MathFunction.EXP, false, List.of(u));
            case 2 -> new Bin(Op.ADD, new Num(2.0), new Call(MathFunction.SIN, false, List.of(u)));
            case 3 -> new Call(MathFunction.COSH, false, List.of(u));
            case 4 -> new Call(MathFunction.HYPOT, false, List.of(u, new Num(1.0)));
            default -> new Bin(Op.ADD, new Call(MathFunction.ABS, false, List.of(u)), new Num(0.5));
        };
    }

    /** An expression of {@code u} inside (-0.9, 0.9) for every {@code u}. */
    private Expr bounded(Expr u) {
        MathFunction squash = List.of(MathFunction.TANH, MathFunction.SIN, MathFunction.COS).get(random.nextInt(3));
        return new Bin(Op.MUL, new Num(0.9), new Call(squash, false, List.of(u)));
    }

    private Bool bool(int depth) {
        int roll = random.nextInt(100);
        if (roll < 12 && !flags.isEmpty()) {
            return new Ast.Flag(flags.get(0));
        }
        if (roll < 20 && depth < maxDepth) {
            return random.nextBoolean() ? new Ast.And(bool(depth + 1), bool(depth + 1)) : new Ast.Or(bool(depth + 1), bool(depth + 1));
        }
        if (roll < 25) {
            return new Ast.Not(bool(depth + 1));
        }
        CmpOp op = CmpOp.values()[random.nextInt(CmpOp.values().length)];
        return new Ast.Cmp(op, expr(depth + 1), random.nextBoolean() ? leaf() : expr(depth + 1));
    }
}
