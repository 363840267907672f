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
 * double, double[], double[][] (data), int, long and boolean parameters, {@code wrt} subsets,
 * locals ({@code double} and {@code var}), reassignment of locals and parameters,
 * {@code += -= *= /=}, {@code ++}/{@code --}, {@code + - * / %}, unary minus, int→double
 * conversions, {@code static final} constants, every {@code Math}/{@code StrictMath} function,
 * {@code ?:} over comparisons, {@code && || !} and flags, a cast to int,
 * {@code Adjoint.stopGradient}; {@code if}/{@code else} (nested, in loops), {@code for} loops with
 * fixed and array-length trip counts, for-each over {@code double[]}, {@code while} and
 * {@code do}-{@code while} loops with data-dependent (capped) trip counts, overwrites in loops,
 * {@code break}/{@code continue} (labelled too) and {@code return} inside loops and branches;
 * element reads and writes of {@code double[]} parameters and {@code new double[n]} locals,
 * {@code .length}, reads of a {@code double[][]}; calls of methods generated earlier in the batch,
 * and recursion on a decreasing int.
 *
 * <p>Domains are kept valid by construction: {@code log}, {@code sqrt} and a division's
 * denominator get an argument that is positive everywhere ({@code 1.0 + u*u}, {@code exp(u)},
 * ...), {@code asin}/{@code acos} one in (-0.9, 0.9); every index is in bounds (a loop's own index,
 * a literal below 3, {@code i % a.length}); every loop ends (fixed bounds, or a cap on a counter).
 * What construction cannot rule out (a point near a kink or a branch's threshold, a pole of
 * {@code tan}, an overflow) the checker rejects at run time.
 *
 * <p>Names are drawn on purpose from the names generated code uses itself ({@code seed},
 * {@code into}, {@code gradient}, {@code _d_x}, {@code xValue}, ...): hygiene is part of the test.
 * Every local has its own name in a method (the processor refuses one name declared in a block
 * and at the top level), but sibling loops share {@code i}, as users write them.
 *
 * <p>A new construct is a new production here: a statement kind in {@link #statement}, an
 * expression kind in {@link #composite}.
 */
final class ProgramGenerator {

    private static final List<String> DOUBLE_NAMES = List.of(
            "x", "y", "z", "w", "seed", "into", "gradient", "xValue", "upstream", "grads", "_d_x", "_ret");
    private static final List<String> ARRAY_NAMES = List.of("w", "v", "p", "grads", "into", "_d_w", "xs");
    private static final List<String> LOCAL_NAMES = List.of("a", "b", "c", "t", "_t1", "_r1", "_d_a", "_ret", "s");
    private static final List<String> LOCAL_ARRAY_NAMES = List.of("h", "buf", "_d_h", "tmp", "_t2", "q");
    private static final List<String> INDEX_NAMES = List.of("i", "j", "k", "_i", "idx");
    private static final double[] LITERALS = {0.5, 2.0, 1.0, 3.0, 0.25, 1.5, -0.75, 0.1, 10.0, -2.0};
    /** Methods calling deeper than this are not called again (keeps a program's run time bounded). */
    private static final int MAX_CALL_DEPTH = 2;

    private final Random random;
    /** The methods of the batch generated so far: the ones a new method may call. */
    private final List<Method> earlier = new ArrayList<>();
    private final java.util.Map<String, Integer> callDepth = new java.util.HashMap<>();

    // the scope of the method being generated
    private final List<String> readable = new ArrayList<>();
    private final List<String> writable = new ArrayList<>();
    /** int values: int/long parameters, loop indices and counters. */
    private final List<String> ints = new ArrayList<>();
    /** The int and long parameters (each 1 to 3): what a call or an array length may use. */
    private final List<String> intParams = new ArrayList<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> constants = new ArrayList<>();
    private final List<String> arrays = new ArrayList<>();
    private final List<String> paramArrays = new ArrayList<>();
    private final List<String> matrices = new ArrayList<>();
    /** Every name declared in the method so far (locals, counters, labels): none is declared twice. */
    private final java.util.Set<String> declared = new java.util.TreeSet<>();
    /** The loop indices in scope and the array whose length bounds each (or null). */
    private final java.util.Map<String, String> indexBound = new java.util.LinkedHashMap<>();
    /** The labels of the enclosing loops (null for an unlabelled one), innermost last. */
    private final List<String> loops = new ArrayList<>();
    /** The variables that carry a derivative at this point of the method (flow-sensitive, conservative in blocks). */
    private final java.util.Set<String> active = new java.util.TreeSet<>();
    private int maxDepth;
    private int blockDepth;
    private int labels;
    /** The method being generated, when it is recursive (on its int parameter n), and its parameters. */
    private String self;
    private List<Param> selfParams;
    private int selfCalls;
    private boolean calls;

    ProgramGenerator(Random random) {
        this.random = random;
    }

    /** A class {@code pkg.className} with {@code methods} random methods and a few constants. */
    Unit unit(String pkg, String className, int methods) {
        List<Ast.Constant> shared = List.of(new Ast.Constant("RATE", 0.375), new Ast.Constant("SHIFT", -1.25));
        earlier.clear();
        callDepth.clear();
        for (int i = 0; i < methods; i++) {
            Method m = method("m" + i, shared);
            earlier.add(m);
        }
        return new Unit(pkg, className, shared, new ArrayList<>(earlier));
    }

    Method method(String name, List<Ast.Constant> unitConstants) {
        readable.clear();
        writable.clear();
        ints.clear();
        intParams.clear();
        flags.clear();
        constants.clear();
        arrays.clear();
        paramArrays.clear();
        matrices.clear();
        declared.clear();
        indexBound.clear();
        loops.clear();
        active.clear();
        maxDepth = 2 + random.nextInt(3);
        blockDepth = 0;
        labels = 0;
        self = null;
        selfCalls = 0;
        calls = false;

        List<Param> params = new ArrayList<>();
        List<String> names = new ArrayList<>(DOUBLE_NAMES);
        Collections.shuffle(names, random);
        int arrayCount = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0;
        List<String> arrayNames = new ArrayList<>(ARRAY_NAMES);
        Collections.shuffle(arrayNames, random);
        for (int i = 0; i < arrayCount; i++) {
            String n = random.nextInt(3) == 0 ? arrayNames.get(i) : List.of("w", "v").get(i);
            if (params.stream().noneMatch(p -> p.name().equals(n))) {
                params.add(new Param(Type.DOUBLE_ARRAY, n));
                arrays.add(n);
                paramArrays.add(n);
            }
        }
        // mostly plain names, sometimes the generated code's own
        int doubles = arrayCount > 0 ? random.nextInt(3) : 1 + random.nextInt(3);
        for (int i = 0; i < doubles; i++) {
            String n = random.nextInt(4) == 0 ? names.get(i) : List.of("x", "y", "z").get(i);
            if (params.stream().anyMatch(p -> p.name().equals(n))) {
                continue;
            }
            params.add(new Param(Type.DOUBLE, n));
            readable.add(n);
            writable.add(n);
        }
        boolean recursive = random.nextInt(25) == 0;
        if (recursive || random.nextInt(4) == 0) {
            params.add(new Param(Type.INT, "n"));
            ints.add("n");
            intParams.add("n");
        }
        if (random.nextInt(8) == 0) {
            params.add(new Param(Type.LONG, "m"));
            ints.add("m");
            intParams.add("m");
        }
        if (random.nextInt(5) == 0) {
            params.add(new Param(Type.BOOLEAN, "flag"));
            flags.add("flag");
        }
        if (random.nextInt(8) == 0) {
            params.add(new Param(Type.MATRIX, "data"));
            matrices.add("data");
        }
        Collections.shuffle(params, random);
        params.forEach(p -> declared.add(p.name()));
        List<String> differentiable = params.stream()
                .filter(p -> p.type() == Type.DOUBLE || p.type() == Type.DOUBLE_ARRAY).map(Param::name).toList();
        List<String> wrt = List.of();
        if (!recursive && differentiable.size() > 1 && random.nextInt(6) == 0) {
            wrt = List.of(differentiable.get(random.nextInt(differentiable.size())));
        }
        active.addAll(wrt.isEmpty() ? differentiable : wrt);
        unitConstants.forEach(c -> constants.add(c.name()));

        List<Stmt> body = new ArrayList<>();
        if (recursive) {
            // if (n <= 0) { return e; } ... name(..., n - 1) ...: n decreases to the base case
            body.add(new Ast.If(new Ast.Cmp(CmpOp.LE, new Ast.Widen(new Ast.IntParam("n"), false), new Num(0)),
                    List.of(new Ast.Return(expr(0))), List.of()));
            self = name;
            selfParams = params;
        }
        int statements = random.nextInt(7);
        for (int i = 0; i < statements; i++) {
            statement(body);
        }
        Expr result = expr(0);
        if (self != null && selfCalls == 0) {
            // a recursive method calls itself at least once
            selfCalls++;
            calls = true;
            result = new Bin(Op.ADD, result, new Ast.Invoke(self, arguments(selfParams, 1, true)));
        }
        body.add(new Ast.Return(result));
        Method m = new Method(name, params, wrt, body);
        callDepth.put(name, calls ? 1 + Ast.callees(body).stream().filter(c -> !c.equals(name))
                .mapToInt(c -> callDepth.getOrDefault(c, 0)).max().orElse(0) : 0);
        return m;
    }

    // ------------------------------------------------------------------ statements

    /** Appends one random statement (or a few: a declared array and the loop filling it) to {@code out}. */
    private void statement(List<Stmt> out) {
        int roll = random.nextInt(100);
        boolean nest = blockDepth < 2;
        if (roll < 8 && nest) {
            ifStatement(out);
        } else if (roll < 19 && nest) {
            loop(out, null);
        } else if (roll < 22 && blockDepth == 0) {
            declareArray(out);
        } else if (roll < 30 && !arrays.isEmpty()) {
            store(out);
        } else if (roll < 35 && !loops.isEmpty()) {
            out.add(jump());
        } else if (roll < 37) {
            // an early return outside loops: if (c) { return e; }
            out.add(new Ast.If(bool(0), List.of(new Ast.Return(expr(0))), List.of()));
        } else if (roll < 44 && !loops.isEmpty()) {
            overwrite(out);
        } else {
            out.add(simple());
        }
    }

    private Stmt simple() {
        int roll = random.nextInt(100);
        List<String> targets = new ArrayList<>(writable);
        if (roll < 40 || targets.isEmpty()) {
            String local = fresh(LOCAL_NAMES, "v");
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

    /** {@code t = f(t) * c + e}: the overwrite loops are made of ({@code x = sin(x) + 0.5 * x}). */
    private void overwrite(List<Stmt> out) {
        if (writable.isEmpty()) {
            out.add(simple());
            return;
        }
        String target = writable.get(random.nextInt(writable.size()));
        MathFunction fn = List.of(MathFunction.SIN, MathFunction.TANH, MathFunction.COS, MathFunction.ATAN)
                .get(random.nextInt(4));
        Expr value = new Bin(Op.ADD, new Call(fn, false, List.of(new Var(target))),
                new Bin(Op.MUL, literal(List.of(0.5, 0.25, -0.5).get(random.nextInt(3))),
                        random.nextBoolean() ? new Var(target) : expr(1)));
        track(target, active.contains(target) || isActive(value));
        out.add(new Ast.Assign(target, value));
    }

    private void ifStatement(List<Stmt> out) {
        Bool condition = bool(0);
        List<Stmt> then = block(1 + random.nextInt(3));
        List<Stmt> otherwise = random.nextBoolean() ? block(1 + random.nextInt(2)) : List.of();
        out.add(new Ast.If(condition, then, otherwise));
    }

    /** A nested block of {@code count} statements; its declarations go out of scope at its end. */
    private List<Stmt> block(int count) {
        int r = readable.size(), w = writable.size(), i = ints.size(), a = arrays.size();
        blockDepth++;
        List<Stmt> body = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            statement(body);
        }
        blockDepth--;
        truncate(readable, r);
        truncate(writable, w);
        truncate(ints, i);
        truncate(arrays, a);
        return body;
    }

    private static void truncate(List<String> list, int size) {
        while (list.size() > size) {
            list.remove(list.size() - 1);
        }
    }

    /** if (c) { [s;] break|continue|return e; }, sometimes to an outer loop's label. */
    private Stmt jump() {
        Bool condition = bool(0);
        List<Stmt> then = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            then.add(simple());
        }
        List<String> labelled = loops.stream().filter(java.util.Objects::nonNull).toList();
        String label = !labelled.isEmpty() && random.nextBoolean() ? labelled.get(random.nextInt(labelled.size())) : null;
        int roll = random.nextInt(10);
        then.add(roll < 4 ? new Ast.Break(label) : roll < 7 ? new Ast.Continue(label) : new Ast.Return(expr(0)));
        // a declaration inside the branch goes out of scope with it
        if (then.get(0) instanceof Ast.Declare d) {
            readable.remove(d.name());
            writable.remove(d.name());
        }
        return new Ast.If(condition, then, List.of());
    }

    /**
     * A loop: for with a fixed or array-length bound, for-each, while or do-while with a
     * data-dependent trip count. {@code fill} (an array just declared) makes it
     * {@code for (i < fill.length) fill[i] = e;}.
     */
    private void loop(List<Stmt> out, String fill) {
        String label = loops.isEmpty() && random.nextInt(3) == 0 ? "outer" + labels++ : null;
        if (label != null) {
            declared.add(label);
        }
        int kind = fill != null ? 0 : random.nextInt(10);
        int r = readable.size(), w = writable.size(), i = ints.size();
        blockDepth++;
        loops.add(label);
        List<Stmt> body = new ArrayList<>();
        Stmt loop;
        if (kind < 5) {
            String index = indexName();
            String over = fill != null ? fill : !arrays.isEmpty() && random.nextBoolean()
                    ? arrays.get(random.nextInt(arrays.size())) : null;
            IntExpr bound = over != null ? new Ast.Length(over)
                    : !intParams.isEmpty() && random.nextBoolean()
                    ? random.nextBoolean() ? new Ast.IntParam(intParams.get(0))
                            : new Ast.IntBin(Op.ADD, new Ast.IntParam(intParams.get(0)), new Ast.IntLit(1))
                    : new Ast.IntLit(1 + random.nextInt(4));
            ints.add(index);
            indexBound.put(index, over);
            if (fill != null) {
                body.add(new Ast.Store(fill, new Ast.IntParam(index), null, expr(0)));
            } else {
                loopBody(body);
            }
            indexBound.remove(index);
            loop = new Ast.For(label, index, bound, body);
        } else if (kind < 7 && !arrays.isEmpty()) {
            String variable = fresh(List.of("e", "wi", "_d_e", "value"), "e");
            String array = arrays.get(random.nextInt(arrays.size()));
            readable.add(variable);
            loopBody(body);
            loop = new Ast.ForEach(label, variable, array, body);
        } else {
            String counter = fresh(List.of("count", "iter", "_n1", "steps"), "k");
            ints.add(counter);
            int cap = List.of(5, 10, 20).get(random.nextInt(3));
            Bool condition;
            if (!writable.isEmpty() && random.nextInt(4) > 0) {
                // while (t < bound): the body moves t towards the bound, so the trip count depends on t
                String t = writable.get(random.nextInt(writable.size()));
                boolean up = random.nextBoolean();
                condition = new Ast.Cmp(up ? CmpOp.LT : CmpOp.GT, new Var(t), random.nextBoolean() ? leaf() : expr(1));
                // the step reads only what is in scope before the body
                Expr step = new Bin(Op.MUL, new Num(0.25), positive(expr(1)));
                loopBody(body);
                body.add(random.nextInt(body.size() + 1), new Ast.Compound(t, up ? Op.ADD : Op.SUB, step));
                track(t, active.contains(t) || isActive(step));
            } else {
                condition = bool(0);
                loopBody(body);
            }
            loop = kind < 9 ? new Ast.While(label, counter, condition, cap, body)
                    : new Ast.DoWhile(label, counter, body, condition, cap);
        }
        loops.remove(loops.size() - 1);
        blockDepth--;
        truncate(readable, r);
        truncate(writable, w);
        truncate(ints, i);
        out.add(loop);
    }

    private void loopBody(List<Stmt> body) {
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
            if (random.nextInt(4) == 0) {
                overwrite(body);
            } else {
                statement(body);
            }
        }
    }

    /** {@code double[] h = new double[len];} at the top level, mostly followed by a loop filling it. */
    private void declareArray(List<Stmt> out) {
        String name = fresh(LOCAL_ARRAY_NAMES, "arr");
        IntExpr length = switch (random.nextInt(3)) {
            case 0 -> new Ast.IntLit(3 + random.nextInt(3));
            case 1 -> arrays.isEmpty() ? new Ast.IntLit(4) : new Ast.Length(arrays.get(random.nextInt(arrays.size())));
            default -> !intParams.contains("n") ? new Ast.IntLit(3)
                    : new Ast.IntBin(Op.ADD, new Ast.IntParam("n"), new Ast.IntLit(2));
        };
        out.add(new Ast.DeclareArray(name, length));
        arrays.add(name);
        if (random.nextInt(3) > 0) {
            loop(out, name);
        }
    }

    /** {@code a[i] = e;} or {@code a[i] op= e;}; not to a parameter of a recursive method. */
    private void store(List<Stmt> out) {
        List<String> targets = self == null ? arrays : arrays.stream().filter(a -> !paramArrays.contains(a)).toList();
        if (targets.isEmpty()) {
            out.add(simple());
            return;
        }
        String array = targets.get(random.nextInt(targets.size()));
        Op op = random.nextInt(5) < 3 ? null : List.of(Op.ADD, Op.SUB, Op.MUL).get(random.nextInt(3));
        out.add(new Ast.Store(array, index(array), op, expr(0)));
    }

    /** An index that is in bounds for {@code array} (every array has at least 3 elements). */
    private IntExpr index(String array) {
        List<String> own = indexBound.entrySet().stream().filter(e -> array.equals(e.getValue())).map(e -> e.getKey()).toList();
        int roll = random.nextInt(10);
        if (!own.isEmpty() && roll < 6) {
            return new Ast.IntParam(own.get(random.nextInt(own.size())));
        }
        List<String> indices = intIndices();
        if (!indices.isEmpty() && roll < 8) {
            // every int in scope is >= 0
            return new Ast.IntBin(Op.REM, new Ast.IntParam(indices.get(random.nextInt(indices.size()))), new Ast.Length(array));
        }
        if (roll < 9) {
            return new Ast.IntBin(Op.SUB, new Ast.Length(array), new Ast.IntLit(1 + random.nextInt(3)));
        }
        return new Ast.IntLit(random.nextInt(3));
    }

    /** The int values in scope that can index an array (not the long parameter m). */
    private List<String> intIndices() {
        return ints.stream().filter(n -> !n.equals("m")).toList();
    }

    private String indexName() {
        for (String name : INDEX_NAMES) {
            // sibling loops share an index name; a nested loop needs its own
            if (!ints.contains(name) && !declared.contains(name)) {
                return name;
            }
        }
        return fresh(List.of(), "i");
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
        } else if (e instanceof Ast.Element el) {
            return active.contains(el.array()) || !paramArrays.contains(el.array());
        } else if (e instanceof Ast.Invoke i) {
            return i.args().stream().anyMatch(a -> a instanceof Expr x ? isActive(x)
                    : a instanceof Ast.ArrayName n && (active.contains(n.name()) || arrays.contains(n.name())));
        }
        return false; // literals, int values, (int) casts, double[][] data, stopGradient
    }

    /** Records an assignment's activity; inside a block (maybe not run) a variable only becomes active. */
    private void track(String variable, boolean isActive) {
        if (isActive) {
            active.add(variable);
        } else if (blockDepth == 0) {
            active.remove(variable);
        }
    }

    /** A name not declared in the method yet: one of {@code preferred}, else {@code prefix + k}. */
    private String fresh(List<String> preferred, String prefix) {
        String name = null;
        for (String candidate : preferred) {
            if (!declared.contains(candidate) && random.nextInt(3) > 0) {
                name = candidate;
                break;
            }
        }
        for (int i = 0; name == null; i++) {
            if (!declared.contains(prefix + i)) {
                name = prefix + i;
            }
        }
        declared.add(name);
        return name;
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
            return literal(roll < 20 ? LITERALS[random.nextInt(LITERALS.length)] : Math.round(random.nextGaussian() * 200) / 100.0);
        }
        if (roll < 33 && !ints.isEmpty()) {
            return new Ast.Widen(intExpr(), random.nextBoolean());
        }
        if (roll < 37) {
            return new Var(constants.get(random.nextInt(constants.size())));
        }
        if (roll < 55 && !arrays.isEmpty()) {
            String array = arrays.get(random.nextInt(arrays.size()));
            return new Ast.Element(array, index(array));
        }
        if (roll < 60 && !matrices.isEmpty()) {
            String matrix = matrices.get(random.nextInt(matrices.size()));
            // rows >= 2, columns 3
            List<String> indices = intIndices();
            IntExpr row = !indices.isEmpty() && random.nextBoolean()
                    ? new Ast.IntBin(Op.REM, new Ast.IntParam(indices.get(random.nextInt(indices.size()))), new Ast.Length(matrix))
                    : new Ast.IntLit(random.nextInt(2));
            return new Ast.MatrixElement(matrix, row, new Ast.IntLit(random.nextInt(3)));
        }
        if (readable.isEmpty()) {
            return new Num(LITERALS[random.nextInt(LITERALS.length)]);
        }
        return new Var(readable.get(random.nextInt(readable.size())));
    }

    private static Num literal(double value) {
        return new Num(value);
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
            Expr operand = expr(depth);
            return new Ast.Neg(operand);
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
        if (roll < 94) {
            return new Ast.Cond(bool(depth), expr(depth), expr(depth));
        }
        if (roll < 95) {
            return new Ast.Truncate(expr(depth));
        }
        if (roll < 96) {
            return new Ast.StopGradient(expr(depth));
        }
        Expr invoke = invoke(depth);
        return invoke != null ? invoke : new Ast.Truncate(expr(depth));
    }

    /**
     * A call of a method generated earlier in the batch (so there is no cycle) that can be called:
     * it differentiates every parameter, writes no array parameter, does not call too deep, and
     * (inside a loop) has no loop itself. In a recursive method, sometimes the method itself on
     * {@code n - 1} (not inside loops, at most twice).
     */
    private Expr invoke(int depth) {
        if (self != null && loops.isEmpty() && selfCalls < 2 && random.nextBoolean()) {
            selfCalls++;
            calls = true;
            return new Ast.Invoke(self, arguments(selfParams, depth, true));
        }
        List<Method> callable = new ArrayList<>();
        for (Method m : earlier) {
            boolean ok = m.wrt().isEmpty() && callDepth.get(m.name()) < MAX_CALL_DEPTH
                    && m.params().stream().noneMatch(p -> p.type() == Type.DOUBLE_ARRAY && Ast.writesArray(m.body(), p.name()))

                    && m.params().stream().noneMatch(p -> p.type() == Type.DOUBLE_ARRAY && arrays.isEmpty()
                            || p.type() == Type.MATRIX && matrices.isEmpty())
                    && (loops.isEmpty() || Ast.statements(m.body()).stream().noneMatch(
                            s -> s instanceof Ast.For || s instanceof Ast.ForEach || s instanceof Ast.While
                                    || s instanceof Ast.DoWhile) && Ast.callees(m.body()).isEmpty());
            if (ok) {
                callable.add(m);
            }
        }
        if (callable.isEmpty()) {
            return null;
        }
        calls = true;
        Method callee = callable.get(random.nextInt(callable.size()));
        return new Ast.Invoke(callee.name(), arguments(callee.params(), depth, false));
    }

    private List<Ast.Arg> arguments(List<Param> params, int depth, boolean recursion) {
        List<Ast.Arg> args = new ArrayList<>();
        for (Param p : params) {
            args.add(switch (p.type()) {
                case DOUBLE -> expr(depth);
                case DOUBLE_ARRAY -> new Ast.ArrayName(recursion ? p.name() : arrays.get(random.nextInt(arrays.size())));
                case MATRIX -> new Ast.ArrayName(recursion ? p.name() : matrices.get(random.nextInt(matrices.size())));
                // an int or long parameter is 1 to 3 (a callee's array length may be n + 2)
                case INT, LONG -> recursion && p.name().equals("n")
                        ? new Ast.IntBin(Op.SUB, new Ast.IntParam("n"), new Ast.IntLit(1))
                        : intParams.contains("n") && random.nextBoolean() ? new Ast.IntParam("n")
                        : p.type() == Type.LONG && intParams.contains("m") && random.nextBoolean() ? new Ast.IntParam("m")
                        : new Ast.IntLit(1 + random.nextInt(3));
                case BOOLEAN -> bool(depth);
            });
        }
        return args;
    }

    /** The functions random programs call: those of double arguments the checkers have partials for. */
    private static final List<MathFunction> GENERATED_FUNCTIONS = java.util.Arrays.stream(MathFunction.values())
            .filter(f -> f.parameters.stream().allMatch(k -> k == dev.adjoint.processor.ir.JType.Kind.DOUBLE))
            .filter(f -> f != MathFunction.COPY_SIGN && f != MathFunction.NEXT_UP && f != MathFunction.NEXT_DOWN
                    && f != MathFunction.NEXT_AFTER && f != MathFunction.IEEE_REMAINDER && f != MathFunction.ULP)
            .toList();

    private Expr call(int depth) {
        MathFunction fn = GENERATED_FUNCTIONS.get(random.nextInt(GENERATED_FUNCTIONS.size()));
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
                case 1 -> List.of(positive(u), literal(List.of(-1.0, 0.5, 2.5, -0.5).get(random.nextInt(4))));
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
        Expr left = expr(depth + 1);
        Expr right = random.nextBoolean() ? leaf() : expr(depth + 1);
        return new Ast.Cmp(op, left, right);
    }
}
