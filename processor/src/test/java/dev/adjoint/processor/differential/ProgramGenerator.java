package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.CmpOp;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.Holder;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Local;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Num;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Type;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.Ast.Var;
import dev.adjoint.processor.differential.Shapes.Shape;
import dev.adjoint.processor.ir.MathFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Writes random {@code @Differentiable} classes: double, double[], double[][] (data), int, long and
 * boolean parameters, {@code wrt} subsets, locals ({@code double}, {@code var}, {@code final},
 * boxed {@code Double}), locals declared without an initialiser and assigned later (in all or some
 * branches, in loops, with early returns and throws elsewhere), reassignment of locals and
 * parameters, {@code += -= *= /=}, {@code ++}/{@code --}, {@code + - * / %}, unary minus,
 * int→double conversions, {@code static final} constants, every {@code Math}/{@code StrictMath}
 * function, {@code ?:} over comparisons, {@code && || !} and flags, a cast to int,
 * {@code Adjoint.stopGradient}; long sums and products (up to 1,000 terms) and deep nestings;
 * {@code if}/{@code else} (nested, in loops, else-if chains), {@code for} loops with fixed and
 * array-length trip counts, for-each over {@code double[]}, {@code while} and {@code do}-{@code while}
 * loops with data-dependent (capped) trip counts, overwrites in loops, {@code break}/{@code continue}
 * (labelled too), {@code return} inside loops and (nested) branches, {@code throw} in a branch;
 * element reads and writes of {@code double[]} parameters and {@code new double[n]} locals
 * ({@code var} too), {@code .length}, reads of a {@code double[][]}; calls of methods generated
 * earlier in the batch, recursion on a decreasing int; and calls Adjoint cannot see into (a helper
 * without {@code @Differentiable}, a {@code List<Double>} or {@code StringBuilder} parameter): given
 * values that carry no derivative in ordinary methods, a differentiated value in the methods that
 * must be refused ({@link Ast#mustRefuse}). Behind {@link Shapes#FUTURE}: assignments inside
 * expressions, {@code while (n-- > 0)}, {@code ++t[i]}, {@code switch} with fall-through and array
 * initialisers. How often each of the newer shapes comes is {@link Shapes}'.
 *
 * <p>Domains are kept valid by construction: {@code log}, {@code sqrt} and a division's
 * denominator get an argument that is positive everywhere ({@code 1.0 + u*u}, {@code exp(u)},
 * ...), {@code asin}/{@code acos} one in (-0.9, 0.9); every index is in bounds (a loop's own index,
 * a literal below 3, {@code i % a.length}); every loop ends (fixed bounds, or a cap on a counter).
 * What construction cannot rule out (a point near a kink or a branch's threshold, a pole of
 * {@code tan}, an overflow, a {@code throw} that runs) the checker rejects at run time.
 *
 * <p>Every program is one javac accepts: the generator tracks definite assignment as it writes
 * (a local without initialiser becomes readable where every path to it assigns it: after an
 * if/else whose completing branches all assign it, after a do-while whose body and every jump
 * out of it do), never writes a statement after one that cannot complete, and {@link #unit}
 * checks the result with {@link Ast#wellScoped} ({@link JavaRules}), failing loudly on a slip.
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
            "x", "y", "z", "w", "seed", "into", "gradient", "xValue", "upstream", "grads", "_d_x", "_ret",
            "Tensor", "Snapshots");
    private static final List<String> ARRAY_NAMES = List.of("w", "v", "p", "grads", "into", "_d_w", "xs");
    private static final List<String> LOCAL_NAMES = List.of("a", "b", "c", "t", "_t1", "_r1", "_d_a", "_ret", "s", "ThreadLocal");
    private static final List<String> UNASSIGNED_NAMES = List.of("ret", "r", "ii", "n", "result", "_d_r", "value");
    private static final List<String> LOCAL_ARRAY_NAMES = List.of("h", "buf", "_d_h", "tmp", "_t2", "q");
    private static final List<String> INDEX_NAMES = List.of("i", "j", "k", "_i", "idx");
    private static final List<String> EXCEPTIONS = List.of("IllegalArgumentException", "ArithmeticException",
            "IllegalStateException");
    private static final double[] LITERALS = {0.5, 2.0, 1.0, 3.0, 0.25, 1.5, -0.75, 0.1, 10.0, -2.0};
    /** Methods calling deeper than this are not called again (keeps a program's run time bounded). */
    private static final int MAX_CALL_DEPTH = 2;
    /** Nested parentheses javac itself parses in-process (it overflows its stack at about 500 levels). */
    static final int MAX_NESTING = 200;
    /** Terms of the longest sum: the issue's 1,000 (javac itself overflows at about 3,000). */
    static final int MAX_TERMS = 1000;

    /** How a method that must be refused passes a differentiated value where Adjoint cannot follow it. */
    private enum Refusal { HELPER, LIST, BUILDER, UNUSED_HELPER, CALLS_REFUSED }

    private final Random random;
    /** The methods of the batch generated so far: the ones a new method may call. */
    private final List<Method> earlier = new ArrayList<>();
    private final Map<String, Integer> callDepth = new HashMap<>();
    /** The batch's methods that must be refused (never called by an ordinary method). */
    private final Set<String> refused = new TreeSet<>();
    private List<Ast.Helper> helpers = List.of();
    private List<Ast.Constant> unitConstants = List.of();

    // the scope of the method being generated
    private final List<String> readable = new ArrayList<>();
    /** The method's double parameters. */
    private final List<String> doubleParams = new ArrayList<>();
    /** The method's differentiated parameters (its {@code wrt}, or all it has). */
    private List<String> differentiated = List.of();
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
    private final Set<String> declared = new TreeSet<>();
    /** The loop indices in scope and the array whose length bounds each (or null). */
    private final Map<String, String> indexBound = new LinkedHashMap<>();
    /** The labels of the enclosing loops (null for an unlabelled one), innermost last. */
    private final List<String> loops = new ArrayList<>();
    /** For each enclosing loop (as {@link #loops}): the unassigned locals at each break or continue to it. */
    private final List<List<Set<String>>> jumps = new ArrayList<>();
    /** The variables that carry a derivative at this point of the method (flow-sensitive, conservative in blocks). */
    private final Set<String> active = new TreeSet<>();
    /** Locals in scope declared without an initialiser and not definitely assigned here: not readable yet. */
    private final Set<String> unassigned = new TreeSet<>();
    /** Final locals (never written once assigned). */
    private final Set<String> finals = new TreeSet<>();
    /** Boxed locals in scope: two of them are never compared with == (that compares references). */
    private final Set<String> boxed = new TreeSet<>();
    /** Holder parameters ({@code List<Double>}, {@code StringBuilder}) and the ones filled at the top level. */
    private final Map<String, Holder> holders = new LinkedHashMap<>();
    private final Set<String> filled = new TreeSet<>();
    private int maxDepth;
    private int blockDepth;
    /** How many switch cases enclose this point with no loop in between: an unlabelled break there leaves the switch. */
    private int caseDepth;
    private int labels;
    /** The method being generated, when it is recursive (on its int parameter n), and its parameters. */
    private String self;
    private List<Param> selfParams;
    private int selfCalls;
    private boolean calls;
    /** For a method that must be refused: how, the differentiated parameter it hands over (never written), and whether it did. */
    private Refusal refusal;
    private String pinned;
    private boolean refusalPlaced;
    /** A local the final return should read (the Gamma shape's {@code return ret;}), or null. */
    private String result;

    /** The weight of each shape, in percent (see {@link Shapes}). */
    private final Map<Shape, Double> weights = new java.util.EnumMap<>(Shape.class);

    /** Whether methods holding a known bug's shape are drawn again. */
    private final boolean avoidKnownBugs;
    /** Where a program javac would reject goes (then drawn again); null: the generator throws. */
    private Consumer<String> slips;

    ProgramGenerator(Random random) {
        this(random, Map.of(), KnownBugs.AVOID);
    }

    /**
     * Reports a program javac would reject (a slip of the generator) to {@code slips} and draws
     * again, instead of throwing: a long campaign goes on and fails at the end.
     */
    ProgramGenerator reportingSlipsTo(Consumer<String> slips) {
        this.slips = slips;
        return this;
    }

    /**
     * A generator whose shapes have the weights {@link Shapes} gives them, but those in
     * {@code override}; {@code avoidKnownBugs} draws a method holding a known bug's shape again.
     */
    ProgramGenerator(Random random, Map<Shape, Double> override, boolean avoidKnownBugs) {
        this.random = random;
        this.avoidKnownBugs = avoidKnownBugs;
        for (Shape s : Shape.values()) {
            weights.put(s, override.getOrDefault(s, s.weight()));
        }
    }

    /** Whether this draw produces {@code shape}. */
    private boolean draw(Shape shape) {
        double weight = weights.get(shape);
        return weight > 0 && random.nextDouble() * 100 < weight;
    }

    /**
     * A class {@code pkg.className} with {@code methods} random methods, a few constants and two
     * helpers without {@code @Differentiable}. Each method is one javac accepts (checked); one that
     * holds a known bug's shape is drawn again while known bugs are avoided.
     */
    Unit unit(String pkg, String className, int methods) {
        List<Ast.Constant> shared = List.of(new Ast.Constant("RATE", 0.375), new Ast.Constant("SHIFT", -1.25));
        unitConstants = shared;
        helpers = List.of(new Ast.Helper("scaled", helperBody()), new Ast.Helper("clip", helperBody()));
        earlier.clear();
        callDepth.clear();
        refused.clear();
        for (int i = 0; i < methods; i++) {
            Method m = null;
            for (int attempt = 0; m == null; attempt++) {
                Method candidate = method("m" + i, shared);
                Unit soFar = new Unit(pkg, className, shared, helpers, append(earlier, candidate));
                if (!Ast.wellScoped(soFar, candidate)) {
                    String slip = "the generator wrote a program javac would reject (" + JavaRules.violation(soFar, candidate)
                            + "):\n" + JavaPrinter.method(candidate);
                    if (slips == null) {
                        throw new IllegalStateException(slip);
                    }
                    slips.accept(slip);
                } else if (!avoidKnownBugs || KnownBugs.hit(soFar, candidate) == null || attempt > 1000) {
                    m = candidate;
                }
            }
            earlier.add(m);
            if (Ast.mustRefuse(new Unit(pkg, className, shared, helpers, earlier), m)) {
                refused.add(m.name());
            }
        }
        return new Unit(pkg, className, shared, helpers, new ArrayList<>(earlier));
    }

    private static List<Method> append(List<Method> list, Method m) {
        List<Method> out = new ArrayList<>(list);
        out.add(m);
        return out;
    }

    /**
     * A helper's body: a smooth function of its parameter u; one assigns u inside the expression
     * ({@code Math.sin(u = u * 0.5) + u}, as Proj4J's {@code Math.sin(lam *= n)}): inlined, that is
     * the helper's own variable, never the caller's argument.
     */
    private Expr helperBody() {
        Var u = new Var(Ast.Helper.PARAM);
        if (random.nextInt(5) == 0) {
            return new Bin(Op.ADD, new Call(MathFunction.SIN, false, List.of(new Ast.AssignExpr(Ast.Helper.PARAM,
                    new Bin(Op.MUL, u, new Num(0.5))))), u);
        }
        return switch (random.nextInt(4)) {
            case 0 -> new Bin(Op.MUL, u, u);
            case 1 -> new Bin(Op.ADD, new Call(MathFunction.SIN, false, List.of(u)), new Bin(Op.MUL, new Num(0.5), u));
            case 2 -> new Bin(Op.DIV, u, new Bin(Op.ADD, new Num(1.0), new Bin(Op.MUL, u, u)));
            default -> new Bin(Op.MUL, new Var("RATE"), new Call(MathFunction.EXP, false, List.of(new Bin(Op.MUL, new Num(0.5), u))));
        };
    }

    Method method(String name, List<Ast.Constant> unitConstants) {
        readable.clear();
        doubleParams.clear();
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
        jumps.clear();
        active.clear();
        unassigned.clear();
        finals.clear();
        boxed.clear();
        holders.clear();
        filled.clear();
        maxDepth = 2 + random.nextInt(3);
        blockDepth = 0;
        caseDepth = 0;
        labels = 0;
        self = null;
        selfCalls = 0;
        calls = false;
        refusal = null;
        pinned = null;
        refusalPlaced = false;
        result = null;

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
            doubleParams.add(n);
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
        if (!recursive && draw(Shape.MUST_REFUSE) && params.stream().anyMatch(p -> p.type() == Type.DOUBLE)) {
            List<Refusal> ways = new ArrayList<>(List.of(Refusal.HELPER, Refusal.LIST, Refusal.BUILDER, Refusal.UNUSED_HELPER));
            if (earlier.stream().anyMatch(this::callableRefused)) {
                ways.add(Refusal.CALLS_REFUSED);
            }
            refusal = ways.get(random.nextInt(ways.size()));
        }
        // a holder parameter: for a refusal through it, else (3 times the opaque weight) for values with no derivative
        if (refusal == Refusal.LIST || refusal == Refusal.BUILDER
                || refusal == null && !recursive && random.nextDouble() * 100 < 3 * weights.get(Shape.OPAQUE)) {
            boolean list = refusal == Refusal.LIST || refusal != Refusal.BUILDER && random.nextBoolean();
            String n = list ? (params.stream().anyMatch(p -> p.name().equals("xs")) ? "cache" : "xs") : "sb";
            params.add(new Param(list ? Type.LIST : Type.BUILDER, n));
            holders.put(n, list ? Holder.LIST : Holder.BUILDER);
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
        differentiated = new ArrayList<>(wrt.isEmpty() ? differentiable : wrt);
        unitConstants.forEach(c -> constants.add(c.name()));
        if (refusal != null) {
            // the differentiated parameter handed over: never written, so it is differentiated everywhere
            List<String> candidates = params.stream().filter(p -> p.type() == Type.DOUBLE && active.contains(p.name()))
                    .map(Param::name).toList();
            if (candidates.isEmpty()) {
                refusal = null;
            } else {
                pinned = candidates.get(random.nextInt(candidates.size()));
                writable.remove(pinned);
            }
        }

        List<Stmt> body = new ArrayList<>();
        if (recursive) {
            // if (n <= 0) { return e; } ... name(..., n - 1) ...: n decreases to the base case
            body.add(new Ast.If(new Ast.Cmp(CmpOp.LE, new Ast.Widen(new Ast.IntParam("n"), false), new Num(0)),
                    List.of(new Ast.Return(expr(0))), List.of()));
            self = name;
            selfParams = params;
        }
        int statements = random.nextInt(7);
        int refuseAt = random.nextInt(statements + 1);
        for (int i = 0; i < statements; i++) {
            if (i == refuseAt) {
                placeRefusal(body);
            }
            statement(body);
        }
        if (!refusalPlaced) {
            placeRefusal(body);
        }
        Expr value = expr(0);
        if (result != null && readable.contains(result)) {
            // the Gamma shape ends with `return ret;`
            value = random.nextBoolean() ? new Var(result) : new Bin(Op.ADD, new Var(result), value);
        }
        List<String> reads = new ArrayList<>(filled);
        if (!reads.isEmpty() && random.nextInt(4) > 0) {
            // return xs.get(0) * 2: the stashed value comes back into the result
            String h = reads.get(random.nextInt(reads.size()));
            value = new Bin(Op.MUL, new Ast.Unstash(holders.get(h), h), random.nextBoolean() ? new Num(2.0) : value);
        }
        if (refusal == Refusal.HELPER && random.nextBoolean()) {
            value = new Bin(Op.ADD, value, new Ast.HelperCall(helper(), activeArgument()));
        }
        if (self != null && selfCalls == 0) {
            // a recursive method calls itself at least once
            selfCalls++;
            calls = true;
            value = new Bin(Op.ADD, value, new Ast.Invoke(self, arguments(selfParams, 1, true)));
        }
        if (refusal == null && self == null && weights.get(Shape.SHORTCUT) > 0) {
            // drawn apart from `random` (from the method's text), so the batch's other draws stay as they were
            List<Stmt> whole = new ArrayList<>(body);
            whole.add(new Ast.Return(value));
            Random side = new Random(JavaPrinter.method(new Method(name, params, wrt, whole), false).hashCode());
            if (side.nextDouble() * 100 < weights.get(Shape.SHORTCUT)) {
                value = shortcut(body, value, params, side);
            }
        }
        body.add(new Ast.Return(value));
        Method m = new Method(name, params, wrt, body);
        callDepth.put(name, calls ? 1 + Ast.callees(body).stream().filter(c -> !c.equals(name))
                .mapToInt(c -> callDepth.getOrDefault(c, 0)).max().orElse(0) : 0);
        return m;
    }

    // ------------------------------------------------------------------ equality shortcuts

    /**
     * {@link Shape#SHORTCUT}: the method's last {@code return value;} given an equality shortcut
     * that the checker's {@link ShortcutRule#specialPoints} hit: statements added to {@code body}
     * and the value to return. {@code x} is a differentiated double parameter the body never writes
     * and {@code value} reads; {@code c} one of {@link ShortcutRule#LITERALS}; the shortcut's own
     * value is {@code value} with {@code x} replaced by {@code c} (the same number, so the code
     * around's derivative is the one expected, and its derivative in x is 0), that times
     * 1.0000000000001 (the same up to rounding) or that plus 1 (another value: the branch's own
     * derivative stays). Forms: {@code if (x == c) return at;}, {@code x != c ? value : at},
     * {@code if (x == c && data)}, {@code if (x != c) return value;}, a guard {@code x == c ? at :
     * value * sin(x - c) / (x - c)} (0/0 at c: the branch's derivative stays), and a loop
     * {@code for (k ...) if (w[k] == s) acc += g(s); else acc += g(w[k]);}, a third of the time
     * with {@code if (data) continue;} after the hit's term.
     */
    private Expr shortcut(List<Stmt> body, Expr value, List<Param> params, Random side) {
        List<String> xs = new ArrayList<>();
        List<String> arraysRead = new ArrayList<>();
        for (Param p : params) {
            if (!active.contains(p.name()) || Ast.writes(body, p.name()) || Ast.writesArray(body, p.name())) {
                continue;
            }
            if (p.type() == Type.DOUBLE) {
                xs.add(p.name());
            } else if (p.type() == Type.DOUBLE_ARRAY) {
                arraysRead.add(p.name());
            }
        }
        int form = side.nextInt(6);
        if (form == 5 && !arraysRead.isEmpty() && !xs.isEmpty()) {
            return shortcutLoop(body, value, arraysRead.get(side.nextInt(arraysRead.size())),
                    xs.get(side.nextInt(xs.size())), side);
        }
        xs.removeIf(x -> !Ast.reads(value).contains(x));
        if (xs.isEmpty()) {
            return value;
        }
        String x = xs.get(side.nextInt(xs.size()));
        Num c = new Num(ShortcutRule.LITERALS[side.nextInt(ShortcutRule.LITERALS.length)]);
        Expr at = substitute(value, x, c);
        Expr own = switch (side.nextInt(4)) {
            case 0, 1 -> at;
            case 2 -> new Bin(Op.MUL, at, new Num(1.0000000000001));
            default -> new Bin(Op.ADD, at, new Num(1.0));
        };
        boolean flip = side.nextBoolean();
        Bool equal = new Ast.Cmp(CmpOp.EQ, flip ? c : new Var(x), flip ? new Var(x) : c);
        Bool differ = new Ast.Cmp(CmpOp.NE, flip ? c : new Var(x), flip ? new Var(x) : c);
        switch (form) {
            case 0 -> body.add(new Ast.If(equal, List.of(new Ast.Return(own)), List.of()));
            case 1 -> {
                return new Ast.Cond(differ, value, own);
            }
            case 2 -> {
                Bool data = dataCondition(side);
                body.add(new Ast.If(side.nextBoolean() ? new Ast.And(equal, data) : new Ast.And(data, equal),
                        List.of(new Ast.Return(own)), List.of()));
            }
            case 3 -> {
                body.add(new Ast.If(differ, List.of(new Ast.Return(value)), List.of()));
                return own;
            }
            default -> {
                Expr offset = new Bin(Op.SUB, new Var(x), c);
                return new Ast.Cond(equal, at, new Bin(Op.DIV, new Bin(Op.MUL, value,
                        new Call(MathFunction.SIN, false, List.of(offset))), offset));
            }
        }
        return value;
    }

    /** A condition on data alone (a flag, an int parameter, a constant) for {@code x == c && data}. */
    private Bool dataCondition(Random side) {
        if (!flags.isEmpty()) {
            return new Ast.Flag(flags.get(0));
        }
        if (!intParams.isEmpty()) {
            return new Ast.Cmp(CmpOp.GE, new Ast.Widen(new Ast.IntParam(intParams.get(0)), false),
                    new Num(1 + side.nextInt(2)));
        }
        return new Ast.Cmp(CmpOp.GT, new Var("RATE"), new Num(side.nextBoolean() ? 0.25 : 0.5));
    }

    /** The loop form of {@link #shortcut}: {@code acc} sums g(w[k]), g(s) where w[k] == s. */
    private Expr shortcutLoop(List<Stmt> body, Expr value, String w, String s, Random side) {
        Set<String> taken = new TreeSet<>(declared);
        taken.addAll(Ast.reads(body));
        taken.addAll(Ast.reads(value));
        String acc = "acc";
        String k = ShortcutRule.LOOP_INDEX;
        for (int i = 0; taken.contains(acc) || taken.contains(k); i++) {
            acc = "acc" + i;
            k = ShortcutRule.LOOP_INDEX + i;
        }
        declared.add(acc);
        Expr element = new Ast.Element(w, new Ast.IntParam(k));
        int g = side.nextInt(4);
        boolean flip = side.nextBoolean();
        boolean equal = side.nextBoolean();
        Bool test = new Ast.Cmp(equal ? CmpOp.EQ : CmpOp.NE, flip ? new Var(s) : element, flip ? element : new Var(s));
        Stmt hit = new Ast.Compound(acc, Op.ADD, shortcutTerm(g, new Var(s), s));
        Stmt miss = new Ast.Compound(acc, Op.ADD, shortcutTerm(g, element, s));
        body.add(new Ast.Declare(acc, Ast.Local.DOUBLE, new Num(0.0)));
        if (side.nextInt(3) == 0) {
            // the hit leaves the iteration by a continue under a data condition: a flag that stays inside the
            // loop (as an inlined helper's return does), whose test the code around fails all the same
            List<Stmt> leave = List.of(hit, new Ast.If(dataCondition(side), List.of(new Ast.Continue(null)), List.of()));
            List<Stmt> each = new ArrayList<>();
            each.add(equal ? new Ast.If(test, leave, List.of(miss)) : new Ast.If(test, List.of(miss), leave));
            each.add(new Ast.Compound(acc, Op.MUL, new Num(1.0)));
            body.add(new Ast.For(null, k, new Ast.Length(w), each));
            return new Bin(Op.ADD, value, new Var(acc));
        }
        body.add(new Ast.For(null, k, new Ast.Length(w), List.of(equal ? new Ast.If(test, List.of(hit), List.of(miss))
                : new Ast.If(test, List.of(miss), List.of(hit)))));
        return new Bin(Op.ADD, value, new Var(acc));
    }

    /** g(t) of the loop form: t², exp(t / 2), sin(t) + t, t·s. */
    private static Expr shortcutTerm(int g, Expr t, String s) {
        return switch (g) {
            case 0 -> new Bin(Op.MUL, t, t);
            case 1 -> new Call(MathFunction.EXP, false, List.of(new Bin(Op.MUL, new Num(0.5), t)));
            case 2 -> new Bin(Op.ADD, new Call(MathFunction.SIN, false, List.of(t)), t);
            default -> new Bin(Op.MUL, t, new Var(s));
        };
    }

    /** {@code e} with every read of the variable {@code x} replaced by {@code c}. */
    static Expr substitute(Expr e, String x, Expr c) {
        return (Expr) substituteArg(e, x, c);
    }

    private static Ast.Arg substituteArg(Ast.Arg a, String x, Expr c) {
        if (a instanceof Var v) {
            return v.name().equals(x) ? c : v;
        } else if (a instanceof Ast.Neg n) {
            return new Ast.Neg(substitute(n.operand(), x, c));
        } else if (a instanceof Bin b) {
            return new Bin(b.op(), substitute(b.left(), x, c), substitute(b.right(), x, c));
        } else if (a instanceof Call f) {
            return new Call(f.fn(), f.strict(), f.args().stream().map(y -> substitute(y, x, c)).toList());
        } else if (a instanceof Ast.Cond f) {
            return new Ast.Cond((Bool) substituteArg(f.condition(), x, c), substitute(f.then(), x, c),
                    substitute(f.otherwise(), x, c));
        } else if (a instanceof Ast.Truncate t) {
            return new Ast.Truncate(substitute(t.operand(), x, c));
        } else if (a instanceof Ast.Invoke i) {
            return new Ast.Invoke(i.method(), i.args().stream().map(y -> substituteArg(y, x, c)).toList());
        } else if (a instanceof Ast.StopGradient g) {
            return new Ast.StopGradient(substitute(g.operand(), x, c));
        } else if (a instanceof Ast.Chain ch) {
            return new Ast.Chain(ch.op(), ch.terms().stream().map(y -> substitute(y, x, c)).toList());
        } else if (a instanceof Ast.HelperCall h) {
            return new Ast.HelperCall(h.helper(), substitute(h.arg(), x, c));
        } else if (a instanceof Ast.ObjectCall o) {
            return new Ast.ObjectCall(o.helper(), substitute(o.arg(), x, c));
        } else if (a instanceof Ast.ValueRead v) {
            return new Ast.ValueRead(substitute(v.a(), x, c), substitute(v.b(), x, c), v.form());
        } else if (a instanceof Ast.FractionRead f) {
            return new Ast.FractionRead(substitute(f.at(), x, c), substitute(f.shape(), x, c), f.form());
        } else if (a instanceof Ast.AssignExpr ax) {
            return new Ast.AssignExpr(ax.name(), substitute(ax.value(), x, c));
        } else if (a instanceof Ast.Cmp cmp) {
            return new Ast.Cmp(cmp.op(), substitute(cmp.left(), x, c), substitute(cmp.right(), x, c));
        } else if (a instanceof Ast.And y) {
            return new Ast.And((Bool) substituteArg(y.left(), x, c), (Bool) substituteArg(y.right(), x, c));
        } else if (a instanceof Ast.Or y) {
            return new Ast.Or((Bool) substituteArg(y.left(), x, c), (Bool) substituteArg(y.right(), x, c));
        } else if (a instanceof Ast.Not y) {
            return new Ast.Not((Bool) substituteArg(y.operand(), x, c));
        }
        return a; // literals, int expressions, elements, data, holders, flags, array names
    }

    // ------------------------------------------------------------------ calls Adjoint cannot see into

    private String helper() {
        return helpers.get(random.nextInt(helpers.size())).name();
    }

    /** An earlier method that must be refused and can be called (it takes no holder). */
    private boolean callableRefused(Method m) {
        return refused.contains(m.name()) && callDepth.get(m.name()) < MAX_CALL_DEPTH && !JavaPrinter.declaresChecked(m)
                && m.params().stream().noneMatch(p -> p.type() == Type.LIST || p.type() == Type.BUILDER
                        || p.type() == Type.DOUBLE_ARRAY || p.type() == Type.MATRIX);
    }

    /** A value that carries the derivative of {@link #pinned} through smooth operations. */
    private Expr activeArgument() {
        Var p = new Var(pinned);
        return switch (random.nextInt(4)) {
            case 0 -> p;
            case 1 -> new Bin(Op.MUL, p, p);
            case 2 -> new Bin(random.nextBoolean() ? Op.ADD : Op.MUL, expr(1), p);
            default -> new Call(List.of(MathFunction.SIN, MathFunction.EXP, MathFunction.TANH).get(random.nextInt(3)),
                    false, List.of(p));
        };
    }

    /** A value that carries no derivative, whatever an analysis makes of it: literals, constants, ints, data, stopGradient. */
    private Expr inactiveArgument(int depth) {
        int roll = random.nextInt(10);
        if (roll < 3) {
            return new Num(LITERALS[random.nextInt(LITERALS.length)]);
        } else if (roll < 4) {
            return new Var(constants.get(random.nextInt(constants.size())));
        } else if (roll < 5 && !ints.isEmpty()) {
            return new Ast.Widen(intExpr(), true);
        } else if (roll < 6 && !matrices.isEmpty()) {
            return new Ast.MatrixElement(matrices.get(0), new Ast.IntLit(random.nextInt(2)), new Ast.IntLit(random.nextInt(3)));
        }
        return new Ast.StopGradient(expr(depth));
    }

    /** The statement that makes a method one to refuse (at the top level, once). */
    private void placeRefusal(List<Stmt> out) {
        if (refusal == null || refusalPlaced) {
            return;
        }
        refusalPlaced = true;
        switch (refusal) {
            case LIST, BUILDER -> {
                String h = holders.keySet().iterator().next();
                out.add(new Ast.Stash(holders.get(h), h, activeArgument()));
                filled.add(h);
            }
            case HELPER, UNUSED_HELPER -> {
                // double t = helper(x * x) * 2: used in the result, or (UNUSED) maybe not at all
                String t = fresh(LOCAL_NAMES, "v");
                Expr call = new Ast.HelperCall(helper(), activeArgument());
                out.add(new Ast.Declare(t, Local.DOUBLE, random.nextBoolean() ? call : new Bin(Op.MUL, call, new Num(2.0))));
                if (refusal == Refusal.HELPER) {
                    readable.add(t);
                    writable.add(t);
                    track(t, true);
                }
            }
            case CALLS_REFUSED -> {
                List<Method> callable = earlier.stream().filter(this::callableRefused).toList();
                Method callee = callable.get(random.nextInt(callable.size()));
                String t = fresh(LOCAL_NAMES, "v");
                calls = true;
                out.add(new Ast.Declare(t, Local.DOUBLE, new Ast.Invoke(callee.name(), arguments(callee.params(), 1, false))));
                readable.add(t);
                writable.add(t);
                track(t, true);
            }
        }
    }

    // ------------------------------------------------------------------ statements

    /** Appends one random statement (or a few: a declared array and the loop filling it) to {@code out}. */
    private void statement(List<Stmt> out) {
        if (newShape(out)) {
            return;
        }
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

    /** The shapes of {@link Shapes}, each drawn at its weight; whether one was written. */
    private boolean newShape(List<Stmt> out) {
        boolean nest = blockDepth < 2;
        if (nest && draw(Shape.UNASSIGNED)) {
            unassignedLocal(out);
        } else if (nest && draw(Shape.SERIES_LOOP)) {
            seriesLoop(out);
        } else if (nest && draw(Shape.NESTED_RETURN)) {
            nestedReturn(out);
        } else if (draw(Shape.THROW)) {
            throwing(out);
        } else if (draw(Shape.LONG_EXPRESSION)) {
            longExpression(out);
        } else if (blockDepth == 0 && !holders.isEmpty() && filled.size() < holders.size() && draw(Shape.OPAQUE) ) {
            String h = holders.keySet().stream().filter(x -> !filled.contains(x)).findFirst().orElseThrow();
            out.add(new Ast.Stash(holders.get(h), h, inactiveArgument(0)));
            filled.add(h);
        } else if (draw(Shape.ASSIGN_EXPR) && writable.size() + unassignedWritable().size() >= 2) {
            chainedAssignment(out);
        } else if (!arrays.isEmpty() && draw(Shape.INC_ELEMENT)) {
            incrementInExpression(out);
        } else if (nest && !intIndices().isEmpty() && draw(Shape.SWITCH)) {
            switchStatement(out);
        } else if (writable.stream().anyMatch(readable::contains) && draw(Shape.STALE_PRODUCT)) {
            staleProduct(out);
        } else if (draw(Shape.CHECKED_LATER)) {
            checkedLater(out);
        } else if (blockDepth == 0 && loops.isEmpty() && draw(Shape.SEARCH)) {
            search(out);
        } else if (blockDepth == 0 && draw(Shape.ARRAY_INIT)) {
            String name = fresh(LOCAL_ARRAY_NAMES, "arr");
            List<Expr> values = new ArrayList<>();
            for (int k = 3 + random.nextInt(3); k > 0; k--) {
                values.add(expr(1));
            }
            out.add(new Ast.DeclareArrayInit(name, values));
            arrays.add(name);
        } else {
            return false;
        }
        return true;
    }

    /** The unassigned locals a random statement may assign (not finals: those are assigned once, by the shapes). */
    private List<String> unassignedWritable() {
        return unassigned.stream().filter(n -> !finals.contains(n)).toList();
    }

    private Stmt simple() {
        int roll = random.nextInt(100);
        List<String> targets = new ArrayList<>(writable);
        List<String> later = unassignedWritable();
        if (!later.isEmpty() && random.nextInt(3) == 0) {
            // assigned here, in this branch or loop body: readable from here on in this block
            String target = later.get(random.nextInt(later.size()));
            Expr value = expr(0);
            assigned(target, value);
            return new Ast.Assign(target, value);
        }
        if (roll < 40 || targets.isEmpty()) {
            String local = fresh(LOCAL_NAMES, "v");
            // the initialiser cannot read the local it declares
            Expr init = expr(0);
            Local kind = random.nextInt(4) == 0 ? Local.VAR : Local.DOUBLE;
            if (draw(Shape.BOXED) && !JavaPrinter.isInt(init)) {
                kind = Local.BOXED;
                boxed.add(local);
            } else if (draw(Shape.FINAL)) {
                kind = Local.FINAL;
                finals.add(local);
            } else if (kind == Local.VAR && Ast.boxedTyped(init, boxed)) {
                boxed.add(local);
            }
            readable.add(local);
            if (kind != Local.FINAL) {
                writable.add(local);
            }
            track(local, isActive(init));
            return new Ast.Declare(local, kind, init);
        }
        String target = targets.get(random.nextInt(targets.size()));
        if (roll < 55) {
            Expr value = expr(0);
            if (boxed.contains(target) && JavaPrinter.isInt(value)) {
                value = new Bin(Op.ADD, value, new Num(0.5)); // Double d = n does not compile
            }
            track(target, isActive(value));
            return new Ast.Assign(target, value);
        }
        if (roll < 85) {
            Op op = List.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV).get(random.nextInt(4));
            Expr value = op == Op.DIV ? positive(expr(1)) : expr(0);
            track(target, active.contains(target) || isActive(value));
            return new Ast.Compound(target, op, value);
        }
        return new Ast.Step(target, random.nextBoolean(), random.nextBoolean());
    }

    /** Records the assignment of a local declared without an initialiser: readable (and, unless final, writable) from here. */
    private void assigned(String name, Expr value) {
        if (unassigned.remove(name)) {
            readable.add(name);
            if (!finals.contains(name)) {
                writable.add(name);
            }
        }
        track(name, isActive(value));
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
        int thenCount = 1 + random.nextInt(3);
        Sub then = sub(b -> statements(b, thenCount));
        Sub otherwise = random.nextBoolean() ? sub(b -> statements(b, 1 + random.nextInt(2))) : null;
        out.add(new Ast.If(condition, then.body(), otherwise == null ? List.of() : otherwise.body()));
        if (otherwise != null) {
            assignedOnBoth(then, otherwise);
        }
    }

    private void statements(List<Stmt> body, int count) {
        for (int k = 0; k < count; k++) {
            statement(body);
        }
    }

    /**
     * A nested block and what it definitely assigned: the locals of {@link #unassigned} at its start
     * that every normal completion assigns, or null when it cannot complete normally (it ends with a
     * jump: then it adds nothing to what holds after the statement holding it).
     */
    private record Sub(List<Stmt> body, Set<String> assigned) {}

    /** Writes a nested block with {@code fill}; its declarations and assignments go out of scope at its end. */
    private Sub sub(Consumer<List<Stmt>> fill) {
        int r = readable.size(), w = writable.size(), i = ints.size(), a = arrays.size();
        Set<String> unassignedBefore = new TreeSet<>(unassigned);
        Set<String> boxedBefore = new TreeSet<>(boxed);
        blockDepth++;
        List<Stmt> body = new ArrayList<>();
        fill.accept(body);
        blockDepth--;
        Set<String> assigned = null;
        if (JavaRules.completesNormally(body)) {
            assigned = new TreeSet<>(unassignedBefore);
            assigned.removeAll(unassigned);
        }
        truncate(readable, r);
        truncate(writable, w);
        truncate(ints, i);
        truncate(arrays, a);
        unassigned.clear();
        unassigned.addAll(unassignedBefore);
        boxed.retainAll(boxedBefore);
        return new Sub(body, assigned);
    }

    /** After an if/else: what both branches (those that complete) assigned is assigned. */
    private void assignedOnBoth(Sub then, Sub otherwise) {
        Set<String> both = then.assigned() == null ? otherwise.assigned() : new TreeSet<>(then.assigned());
        if (both != null && otherwise.assigned() != null) {
            both.retainAll(otherwise.assigned());
        }
        if (both != null) {
            for (String name : both) {
                assigned(name, new Var(name));
                active.add(name); // conservative: a branch may have made it active
            }
        }
    }

    private static void truncate(List<String> list, int size) {
        while (list.size() > size) {
            list.remove(list.size() - 1);
        }
    }

    /** if (c) { [s;] break|continue|return e; }, sometimes to an outer loop's label. */
    private Stmt jump() {
        Bool condition = bool(0);
        Sub then = sub(b -> {
            if (random.nextInt(3) == 0) {
                b.add(simple());
            }
            List<String> labelled = loops.stream().filter(java.util.Objects::nonNull).toList();
            String label = !labelled.isEmpty() && random.nextBoolean() ? labelled.get(random.nextInt(labelled.size())) : null;
            int roll = random.nextInt(10);
            if (roll < 4 && label == null && caseDepth > 0) {
                roll = 5; // an unlabelled break in a case leaves the switch, not the loop
            }
            Stmt jump = roll < 4 ? new Ast.Break(label) : roll < 7 ? new Ast.Continue(label) : new Ast.Return(expr(0));
            if (!(jump instanceof Ast.Return)) {
                int target = label == null ? loops.size() - 1 : loops.indexOf(label);
                jumps.get(target).add(new TreeSet<>(unassigned));
            }
            b.add(jump);
        });
        return new Ast.If(condition, then.body(), List.of());
    }

    // ------------------------------------------------------------------ the shapes of issue 13

    /**
     * {@code double r;} (or {@code final double r;}) and then: an if/else-if chain whose every arm
     * assigns it; or the Gamma shape, some arms assigning it and others returning or throwing; or
     * nothing yet (random statements later assign it in some branches). Where it is definitely
     * assigned after, it becomes readable, and sometimes the method ends with {@code return r;}.
     */
    private void unassignedLocal(List<Stmt> out) {
        String r = fresh(UNASSIGNED_NAMES, "u");
        int form = random.nextInt(10);
        boolean isFinal = form < 7 && draw(Shape.FINAL) || form < 7 && random.nextInt(8) == 0;
        out.add(new Ast.DeclareUnassigned(r, isFinal));
        unassigned.add(r);
        if (isFinal) {
            finals.add(r);
        }
        if (form >= 7) {
            return; // assigned later, in some branches or all
        }
        boolean gamma = form >= 3;
        int arms = 2 + random.nextInt(gamma ? 3 : 2);
        int leaving = gamma ? random.nextInt(arms - 1) : -1; // one arm (not the last) returns or throws
        out.add(chain(r, arms, 0, leaving));
        if (!unassigned.contains(r) && blockDepth == 0 && random.nextBoolean()) {
            result = r;
        }
    }

    /** Arm {@code k} of {@code arms} of an if/else-if chain assigning {@code r}; arm {@code leaving} returns or throws. */
    private Stmt chain(String r, int arms, int k, int leaving) {
        Bool condition = k == leaving && random.nextBoolean() ? guard() : bool(0);
        Sub then = arm(r, k == leaving);
        List<Stmt> rest;
        Sub otherwise;
        if (k + 2 < arms) {
            // else if: the rest of the chain is one statement in the else
            Set<String> before = new TreeSet<>(unassigned);
            Stmt next = chain(r, arms, k + 1, leaving);
            Set<String> after = new TreeSet<>(before);
            after.removeAll(unassigned);
            unassigned.clear();
            unassigned.addAll(before);
            rest = List.of(next);
            otherwise = new Sub(rest, after);
            // an else-if chain whose every arm leaves cannot complete: it never does here (only one arm leaves)
        } else {
            otherwise = arm(r, k + 1 == leaving);
            rest = otherwise.body();
        }
        Stmt out = new Ast.If(condition, then.body(), rest);
        if (k == 0) {
            assignedOnBoth(then, otherwise);
        } else {
            // inner links only report what they assign; the outermost applies it
            Set<String> both = then.assigned() == null ? otherwise.assigned() : new TreeSet<>(then.assigned());
            if (both != null && otherwise.assigned() != null) {
                both.retainAll(otherwise.assigned());
            }
            if (both != null) {
                unassigned.removeAll(both);
            }
        }
        return out;
    }

    /** One arm: a few statements, then {@code r = e;}, or (when {@code leaves}) {@code return e;} or a throw. */
    private Sub arm(String r, boolean leaves) {
        return sub(b -> {
            for (int n = random.nextInt(3); n > 0; n--) {
                statement(b);
            }
            if (!leaves) {
                Expr value = expr(0);
                b.add(new Ast.Assign(r, value));
                assigned(r, value);
                if (random.nextInt(4) == 0) {
                    statement(b); // statements after the assignment may read it
                }
            } else if (random.nextInt(3) > 0) {
                b.add(new Ast.Return(expr(0)));
            } else {
                b.add(throwStatement());
            }
        });
    }

    /**
     * The series loop of issue 13: {@code double n; double term = e; double sum = term;} then
     * {@code do { k++; n = k; term *= x / (p + n); sum += term; ... } while (|term| > tol·|sum| && k < cap);}
     * (or the same in a while loop, or {@code n = i + 1} in a for loop). After the do-while, n is
     * definitely assigned; after the others it is not.
     */
    private void seriesLoop(List<Stmt> out) {
        String n = fresh(UNASSIGNED_NAMES, "u");
        out.add(new Ast.DeclareUnassigned(n, false));
        unassigned.add(n);
        String term = fresh(LOCAL_NAMES, "v");
        Expr termInit = random.nextBoolean() ? new Num(1.0) : expr(1);
        out.add(new Ast.Declare(term, Local.DOUBLE, termInit));
        track(term, isActive(termInit));
        String sum = fresh(LOCAL_NAMES, "v");
        Expr sumInit = random.nextBoolean() ? new Var(term) : new Num(0.0);
        out.add(new Ast.Declare(sum, Local.DOUBLE, sumInit));
        track(sum, isActive(sumInit));
        Expr x = readable.isEmpty() ? new Num(0.5) : new Var(readable.get(random.nextInt(readable.size())));
        Expr shift = positive(expr(2));
        readable.add(term);
        writable.add(term);
        readable.add(sum);
        writable.add(sum);
        double tolerance = List.of(1e-15, 1e-6, 1e-3).get(random.nextInt(3));
        // EXACT_END, drawn apart from `random` (from what is drawn already: names and numbers, whose hashes
        // are the same in every JVM, unlike an enum's), so the other draws stay as they were
        Random side = new Random(java.util.Objects.hash(term, sum, tolerance, n, readable.size(), blockDepth));
        List<String> parameters = readable.stream().filter(doubleParams::contains).filter(active::contains).toList();
        String whole = !parameters.isEmpty() && side.nextDouble() * 100 < weights.get(Shape.EXACT_END)
                ? parameters.get(side.nextInt(parameters.size())) : null;
        if (whole != null) {
            tolerance = 1e-15;
        }
        Bool condition = new Ast.Cmp(CmpOp.GT, new Call(MathFunction.ABS, false, List.of(new Var(term))),
                new Bin(Op.MUL, new Num(tolerance), new Call(MathFunction.ABS, false, List.of(new Var(sum)))));
        int kind = random.nextInt(10);
        String label = loops.isEmpty() && random.nextInt(4) == 0 ? "outer" + labels++ : null;
        if (label != null) {
            declared.add(label);
        }
        String counter = kind < 8 ? fresh(List.of("k", "iter", "_n1", "steps"), "k") : indexName();
        if (side.nextInt(4) == 0) {
            // a relative and an absolute test under || (Converge delays both there too)
            condition = new Ast.Or(condition, new Ast.Cmp(CmpOp.GT, new Call(MathFunction.ABS, false,
                    List.of(new Var(term))), new Num(1e-12)));
        }
        // the term kept in a small local array, shifted by a counted loop each step (SSJ's continued
        // fractions): normalize.SmallArrays makes it scalars so that Converge can run the loop on
        String state = side.nextInt(3) == 0 ? unused("state") : null;
        if (state != null) {
            out.add(new Ast.DeclareArrayInit(state, List.of(new Var(term), new Num(0.0), new Num(0.0))));
        }
        int cap = List.of(5, 10, 20).get(random.nextInt(3));
        LoopBody body = loopBody(label, counter, null, b -> {
            Expr value = kind < 8 ? new Ast.Widen(new Ast.IntParam(counter), false)
                    : new Bin(Op.ADD, new Ast.Widen(new Ast.IntParam(counter), false), new Num(1.0));
            b.add(new Ast.Assign(n, value));
            assigned(n, value);
            Expr ratio = new Bin(Op.DIV, x, new Bin(Op.ADD, shift, new Var(n)));
            if (whole != null) {
                ratio = new Bin(Op.MUL, new Bin(Op.SUB, new Var(n), new Var(whole)), ratio);
            }
            if (state == null) {
                b.add(new Ast.Compound(term, Op.MUL, ratio));
            } else {
                // for (int j = 0; j < 2; j++) state[2 - j] = state[1 - j]; state[0] = state[1] * ratio; term = state[0];
                String j = unused("shift"); // a name no later local takes (indexName's may be)
                b.add(new Ast.For(null, j, new Ast.IntLit(2), List.of(new Ast.Store(state,
                        new Ast.IntBin(Op.SUB, new Ast.IntLit(2), new Ast.IntParam(j)), null,
                        new Ast.Element(state, new Ast.IntBin(Op.SUB, new Ast.IntLit(1), new Ast.IntParam(j)))))));
                b.add(new Ast.Store(state, new Ast.IntLit(0), null, new Bin(Op.MUL,
                        new Ast.Element(state, new Ast.IntLit(1)), ratio)));
                b.add(new Ast.Assign(term, new Ast.Element(state, new Ast.IntLit(0))));
            }
            track(term, active.contains(term) || isActive(ratio));
            b.add(new Ast.Compound(sum, Op.ADD, new Var(term)));
            track(sum, active.contains(sum) || active.contains(term));
            for (int k = random.nextInt(3); k > 0 && whole == null; k--) {
                statement(b);
            }
        });
        Stmt loop = kind < 5 ? new Ast.DoWhile(label, counter, body.sub().body(), condition, cap)
                : kind < 8 ? new Ast.While(label, counter, condition, cap, body.sub().body())
                : new Ast.For(label, counter, new Ast.IntLit(1 + random.nextInt(cap)), body.sub().body());
        out.add(loop);
        if (kind < 5 && whole == null) {
            // after a series that can end exactly, n is left unread: its value (the steps taken) jumps
            // there, and a product of it with the term, 0 there, has a derivative no run-on gives
            afterDoWhile(body);
        }
        if (blockDepth == 0 && result == null && random.nextInt(3) == 0) {
            result = sum;
        }
    }

    /**
     * {@link Shape#SEARCH}: a search for the root of r³ + r = t in [0, t + 1], t positive and
     * computed from a differentiated parameter, the root kept in a new local: a textbook bisection
     * ({@code if (mid³ + mid > t) hi = mid; else lo = mid;}), a golden section carrying its points c
     * and d from step to step ({@code if (res(c)² < res(d)²) hi = d; else lo = c;}, then c and d again),
     * a ternary search ({@code hi = m2} or {@code lo = m1}), or a bisection by conditional expressions
     * ({@code hi = mid³ + mid > t ? mid : hi; lo = ... ? lo : mid;}). The loop runs while the bracket
     * is wider than 1e-12, or (but for the bisection, which the processor knows by that exit or by
     * its test) while {@code hi >= lo}, on its count alone. Or a point moved one way or the other by
     * a step computed from the counter alone ({@code x += x³ + x > t ? -step : step} with
     * {@code 8.0 * Math.pow(0.5, bisect)} or {@code 1.0 / (bisect + 1)}), on its count alone.
     * Ast.mustRefuse knows each by its counter ({@code bisect}).
     */
    private void search(List<Stmt> out) {
        // a differentiated parameter, so that the processor and Ast.searches agree the test carries a derivative
        List<String> sources = readable.stream().filter(doubleParams::contains).filter(differentiated::contains)
                .filter(active::contains).toList();
        if (sources.isEmpty()) {
            return;
        }
        String target = fresh(List.of("target"), "target");
        out.add(new Ast.Declare(target, Local.DOUBLE, positive(new Var(sources.get(random.nextInt(sources.size()))))));
        String lo = fresh(List.of("lo"), "lo");
        String hi = fresh(List.of("hi"), "hi");
        String counter = fresh(List.of("bisect"), "bisect");
        out.add(new Ast.Declare(lo, Local.DOUBLE, new Num(0.0)));
        out.add(new Ast.Declare(hi, Local.DOUBLE, new Bin(Op.ADD, new Var(target), new Num(1.0))));
        int form = random.nextInt(5);
        if (form == 4) {
            countedSearch(out, target, lo, counter);
            return;
        }
        List<Stmt> body = new ArrayList<>();
        Expr width = new Bin(Op.SUB, new Var(hi), new Var(lo));
        if (form == 1) {
            // the golden section: c and d carried, one of them kept as the new end
            String c = fresh(List.of("c"), "c");
            String d = fresh(List.of("d"), "d");
            Expr gr = new Num(0.6180339887498949);
            Stmt nextC = new Ast.Assign(c, new Bin(Op.SUB, new Var(hi), new Bin(Op.MUL, gr, width)));
            Stmt nextD = new Ast.Assign(d, new Bin(Op.ADD, new Var(lo), new Bin(Op.MUL, gr, width)));
            out.add(new Ast.Declare(c, Local.DOUBLE, new Bin(Op.SUB, new Var(hi), new Bin(Op.MUL, gr, width))));
            out.add(new Ast.Declare(d, Local.DOUBLE, new Bin(Op.ADD, new Var(lo), new Bin(Op.MUL, gr, width))));
            body.add(new Ast.If(new Ast.Cmp(CmpOp.LT, squaredResidual(new Var(c), target),
                    squaredResidual(new Var(d), target)), List.of(new Ast.Assign(hi, new Var(d))),
                    List.of(new Ast.Assign(lo, new Var(c)))));
            body.add(nextC);
            body.add(nextD);
        } else if (form == 2) {
            // the ternary search: the ends move to two different points
            String m1 = fresh(List.of("m1"), "m");
            String m2 = fresh(List.of("m2"), "m");
            body.add(new Ast.Declare(m1, Local.DOUBLE, new Bin(Op.ADD, new Var(lo), new Bin(Op.DIV, width, new Num(3.0)))));
            body.add(new Ast.Declare(m2, Local.DOUBLE, new Bin(Op.SUB, new Var(hi), new Bin(Op.DIV, width, new Num(3.0)))));
            body.add(new Ast.If(new Ast.Cmp(CmpOp.LT, squaredResidual(new Var(m1), target),
                    squaredResidual(new Var(m2), target)), List.of(new Ast.Assign(hi, new Var(m2))),
                    List.of(new Ast.Assign(lo, new Var(m1)))));
        } else {
            String mid = fresh(List.of("mid"), "mid");
            Expr m = new Var(mid);
            Bool above = new Ast.Cmp(CmpOp.GT, new Bin(Op.ADD, new Bin(Op.MUL, new Bin(Op.MUL, m, m), m), m),
                    new Var(target));
            body.add(new Ast.Declare(mid, Local.DOUBLE, new Bin(Op.MUL, new Num(0.5), new Bin(Op.ADD, new Var(lo),
                    new Var(hi)))));
            if (form == 3) {
                // the bisection by conditional expressions: no if for the processor to read the ends from
                body.add(new Ast.Assign(hi, new Ast.Cond(above, m, new Var(hi))));
                body.add(new Ast.Assign(lo, new Ast.Cond(above, new Var(lo), m)));
            } else {
                body.add(new Ast.If(above, List.of(new Ast.Assign(hi, m)), List.of(new Ast.Assign(lo, m))));
            }
        }
        Bool runs = form == 0 || random.nextBoolean() ? new Ast.Cmp(CmpOp.GT, width, new Num(1e-12))
                : new Ast.Cmp(CmpOp.GE, new Var(hi), new Var(lo));
        out.add(new Ast.While(null, counter, runs, 200, body));
        String root = fresh(LOCAL_NAMES, "v");
        out.add(new Ast.Declare(root, Local.DOUBLE, new Bin(Op.MUL, new Num(0.5), new Bin(Op.ADD, new Var(lo),
                new Var(hi)))));
        for (String v : List.of(target, lo, hi, root)) {
            track(v, true);
            readable.add(v);
        }
        if (result == null) {
            result = root;
        }
    }

    /**
     * The counted form of {@link #search}: {@code lo} moved from 0 by a step the loop computes from its
     * counter alone, a halving one or a Robbins–Monro one, toward the root of r³ + r = t.
     */
    private void countedSearch(List<Stmt> out, String target, String x, String counter) {
        Expr count = new Ast.Widen(new Ast.IntParam(counter), true);
        Expr step = random.nextBoolean()
                ? new Bin(Op.MUL, new Num(8.0), new Ast.Call(MathFunction.POW, false, List.of(new Num(0.5), count)))
                : new Bin(Op.DIV, new Num(1.0), new Bin(Op.ADD, count, new Num(1.0)));
        Expr p = new Var(x);
        Bool above = new Ast.Cmp(CmpOp.GT, new Bin(Op.ADD, new Bin(Op.MUL, new Bin(Op.MUL, p, p), p), p),
                new Var(target));
        List<Stmt> body = List.of(new Ast.Compound(x, Op.ADD, new Ast.Cond(above, new Ast.Neg(step), step)));
        out.add(new Ast.While(null, counter, new Ast.Cmp(CmpOp.GE, p, new Num(-1.0)), 200, body));
        String root = fresh(LOCAL_NAMES, "v");
        out.add(new Ast.Declare(root, Local.DOUBLE, new Bin(Op.ADD, p, new Num(0.0))));
        for (String v : List.of(target, x, root)) {
            track(v, true);
            readable.add(v);
        }
        if (result == null) {
            result = root;
        }
    }

    /** (r³ + r − t)², least at the search's root: what a golden section or a ternary search minimises. */
    private static Expr squaredResidual(Expr r, String target) {
        Expr residual = new Bin(Op.SUB, new Bin(Op.ADD, new Bin(Op.MUL, new Bin(Op.MUL, r, r), r), r), new Var(target));
        return new Bin(Op.MUL, residual, residual);
    }

    /** A loop's body as written, and the unassigned locals at each break or continue to the loop. */
    private record LoopBody(Sub sub, List<Set<String>> jumps) {}

    /**
     * Writes a loop's body with {@code fill}: the loop's own int ({@code counter}: an index, a
     * counter; null for a for-each) and variable ({@code variable}) are in scope inside only, and
     * jumps to it are recorded.
     */
    private LoopBody loopBody(String label, String counter, String variable, Consumer<List<Stmt>> fill) {
        int r = readable.size(), i = ints.size();
        int cases = caseDepth;
        caseDepth = 0;
        if (counter != null) {
            ints.add(counter);
        }
        if (variable != null) {
            readable.add(variable);
        }
        loops.add(label);
        List<Set<String>> own = new ArrayList<>();
        jumps.add(own);
        Sub sub = sub(fill);
        jumps.remove(jumps.size() - 1);
        loops.remove(loops.size() - 1);
        truncate(readable, r);
        truncate(ints, i);
        caseDepth = cases;
        return new LoopBody(sub, own);
    }

    /** After a do-while: what its body assigned before every exit (the end of the body and each jump) is assigned. */
    private void afterDoWhile(LoopBody body) {
        if (body.sub().assigned() == null) {
            return;
        }
        Set<String> assigned = new TreeSet<>(body.sub().assigned());
        for (Set<String> stillUnassigned : body.jumps()) {
            assigned.removeAll(stillUnassigned);
        }
        for (String name : assigned) {
            assigned(name, new Var(name));
            active.add(name);
        }
    }

    /**
     * Returns nested in branches: {@code if (c1) { ...; if (c2) { return e; } [else { return e'; }] ... }},
     * in loops too; when both inner branches return, the inner if ends the outer branch.
     */
    private void nestedReturn(List<Stmt> out) {
        Bool outer = bool(0);
        Sub then = sub(b -> {
            if (random.nextBoolean()) {
                statement(b);
            }
            Bool inner = bool(0);
            boolean both = random.nextBoolean();
            Sub first = sub(bb -> {
                if (random.nextInt(3) == 0) {
                    bb.add(simple());
                }
                bb.add(new Ast.Return(expr(0)));
            });
            Sub second = both ? sub(bb -> bb.add(random.nextInt(4) == 0 ? throwStatement() : new Ast.Return(expr(0)))) : null;
            b.add(new Ast.If(inner, first.body(), second == null ? List.of() : second.body()));
            if (!both && random.nextBoolean()) {
                statement(b);
                if (random.nextBoolean()) {
                    b.add(new Ast.Return(expr(0)));
                }
            }
        });
        Sub otherwise = random.nextInt(3) == 0 ? sub(b -> statement(b)) : null;
        out.add(new Ast.If(outer, then.body(), otherwise == null ? List.of() : otherwise.body()));
        if (otherwise != null) {
            assignedOnBoth(then, otherwise);
        }
    }

    /**
     * A throw in one branch: {@code if (guard) { [s;] throw ...; }}, or {@code if (ok) { ... } else
     * { throw ...; }} where what the first branch assigns is then assigned. The guard rarely holds
     * at the checked points ({@code e > 50.0}, {@code e != e}); now and then any condition, whose
     * throwing points the checker skips.
     */
    private void throwing(List<Stmt> out) {
        if (random.nextBoolean()) {
            Bool condition = random.nextInt(5) > 0 ? guard() : bool(0);
            Sub then = sub(b -> {
                if (random.nextInt(3) == 0) {
                    b.add(simple());
                }
                b.add(throwStatement());
            });
            out.add(new Ast.If(condition, then.body(), List.of()));
        } else {
            Bool condition = random.nextInt(5) > 0 ? new Ast.Not(guard()) : bool(0);
            int count = 1 + random.nextInt(2);
            Sub then = sub(b -> statements(b, count));
            Sub otherwise = sub(b -> b.add(throwStatement()));
            out.add(new Ast.If(condition, then.body(), otherwise.body()));
            assignedOnBoth(then, otherwise);
        }
    }

    /**
     * A value read of {@code form}; half the cells built with {@code new Cell(a, b)} (5) are built
     * empty and set (10), half of those changing themselves (8) write into a new cell instead (11),
     * chosen from {@code a}'s text so that a seed draws what it drew before.
     */
    private static Ast.ValueRead valueRead(Expr a, Expr b, int form) {
        int odd = JavaPrinter.expr(a).hashCode() & 1;
        return new Ast.ValueRead(a, b, form == 5 && odd == 1 ? 10 : form == 8 && odd == 1 ? 11 : form);
    }

    private Stmt throwStatement() {
        String exception = EXCEPTIONS.get(random.nextInt(EXCEPTIONS.size()));
        return new Ast.Throw(exception, List.of("argument out of range", "did not converge", "not finite").get(random.nextInt(3)));
    }

    /** A condition that rarely holds at the checked points: a domain check. */
    private Bool guard() {
        Expr raw = expr(1);
        // b != b of a Double compares references
        Expr e = Ast.boxedTyped(raw, boxed) ? new Bin(Op.MUL, raw, new Num(1.0)) : raw;
        return switch (random.nextInt(3)) {
            case 0 -> new Ast.Cmp(CmpOp.GT, e, new Num(List.of(50.0, 100.0, 1e3).get(random.nextInt(3))));
            case 1 -> new Ast.Cmp(CmpOp.LT, e, new Num(List.of(-50.0, -1e3).get(random.nextInt(2))));
            default -> new Ast.Cmp(CmpOp.NE, e, e); // NaN
        };
    }

    /**
     * {@code double t = <long expression>;}: a flat sum {@code x * 1.0 + x * 2.0 + ...} or product
     * of {@code (1.0 + x * c)} factors of 10 to 1,000 terms, or a Horner nesting of 50 to
     * {@link #MAX_NESTING} levels; the largest sizes a tenth of the time.
     */
    private void longExpression(List<Stmt> out) {
        String t = fresh(LOCAL_NAMES, "v");
        List<String> sources = readable.isEmpty() ? List.of() : readable;
        Expr x = sources.isEmpty() ? new Num(0.5) : new Var(sources.get(random.nextInt(sources.size())));
        int roll = random.nextInt(10);
        int kind = random.nextInt(3);
        Expr value;
        if (kind < 2) {
            int terms = roll == 0 ? MAX_TERMS : roll < 3 ? 100 + random.nextInt(200) : 10 + random.nextInt(40);
            List<Expr> list = new ArrayList<>();
            for (int k = 1; k <= terms; k++) {
                list.add(kind == 0 ? new Bin(Op.MUL, x, new Num(k))
                        : new Bin(Op.ADD, new Num(1.0), new Bin(Op.MUL, x, new Num(0.0005 * (1 + k % 4)))));
            }
            value = new Ast.Chain(kind == 0 ? Op.ADD : Op.MUL, list);
        } else {
            // ((((c0 * s) + c1) * s) + c2) ...: s = 0.5 * tanh(x) keeps every level bounded
            int depth = roll == 0 ? MAX_NESTING : 50 + random.nextInt(100);
            Expr s = new Bin(Op.MUL, new Num(0.5), new Call(MathFunction.TANH, false, List.of(x)));
            value = new Num(0.5);
            for (int k = 0; k < depth; k++) {
                value = new Bin(Op.ADD, new Bin(Op.MUL, value, s), new Num(LITERALS[k % LITERALS.length]));
            }
        }
        out.add(new Ast.Declare(t, Local.DOUBLE, value));
        readable.add(t);
        writable.add(t);
        track(t, isActive(value));
    }

    // ------------------------------------------------------------------ shapes of issue 14 (assignments in expressions, count-downs, switch, initialisers)

    /** {@code a = b = e;}, or {@code a = b + (b = e)}: two writable (or not yet assigned) locals in one statement. */
    private void chainedAssignment(List<Stmt> out) {
        List<String> targets = new ArrayList<>(writable);
        targets.addAll(unassignedWritable());
        Collections.shuffle(targets, random);
        String a = targets.get(0);
        String b = targets.get(1);
        Expr value = expr(0);
        if ((boxed.contains(a) || boxed.contains(b)) && JavaPrinter.isInt(value)) {
            value = new Bin(Op.ADD, value, new Num(0.5));
        }
        if (readable.contains(b) && !boxed.contains(a) && random.nextBoolean()) {
            // b read beside an assignment to it: left of it the old value, right of it the new one
            // (Java's left-to-right order: z + (z = e), (z = e) * z)
            Expr assignment = new Ast.AssignExpr(b, value);
            Op op = random.nextBoolean() ? Op.MUL : Op.ADD;
            Expr whole = random.nextBoolean() ? new Bin(op, new Ast.Var(b), assignment)
                    : new Bin(op, assignment, new Ast.Var(b));
            out.add(new Ast.Assign(a, whole));
            assigned(b, value);
            assigned(a, whole);
            return;
        }
        out.add(new Ast.Assign(a, new Ast.AssignExpr(b, value)));
        assigned(b, value);
        assigned(a, value);
    }

    /**
     * {@code double c = e; double v = Math.sqrt(c) [* e2]; if (c <= 0) { return k; }} (or log), or
     * instead of the check {@code double w = c <= 0 ? k : v;}: v is NaN where the check holds, and
     * unused there. Where c is negative at a checked point, the gradient must be k's (a tape's).
     */
    private void checkedLater(List<Stmt> out) {
        String c = fresh(LOCAL_NAMES, "v");
        Expr checked = expr(1);
        out.add(new Ast.Declare(c, Local.DOUBLE, checked));
        readable.add(c);
        writable.add(c);
        track(c, isActive(checked));
        MathFunction fn = random.nextBoolean() ? MathFunction.SQRT : MathFunction.LOG;
        Expr root = new Call(fn, false, List.of(new Var(c)));
        Expr value = random.nextBoolean() ? root : new Bin(Op.MUL, root, expr(1));
        String v = fresh(LOCAL_NAMES, "v");
        out.add(new Ast.Declare(v, Local.DOUBLE, value));
        Bool check = new Ast.Cmp(CmpOp.LE, new Var(c), new Num(0.0));
        if (random.nextBoolean()) {
            out.add(new Ast.If(check, List.of(new Ast.Return(expr(0))), List.of()));
            readable.add(v);
            writable.add(v);
            track(v, isActive(value));
        } else {
            String w = fresh(LOCAL_NAMES, "v");
            Expr chosen = new Ast.Cond(check, expr(0), new Var(v));
            out.add(new Ast.Declare(w, Local.DOUBLE, chosen));
            readable.add(w);
            writable.add(w);
            track(w, isActive(chosen));
        }
    }

    /** {@code double v = k * u; u = e; double w = v * u;}: a product of a value read before its factor changed. */
    private void staleProduct(List<Stmt> out) {
        List<String> candidates = writable.stream().filter(readable::contains).toList();
        String u = candidates.get(random.nextInt(candidates.size()));
        boolean boxedU = boxed.contains(u);
        String v = fresh(LOCAL_NAMES, "v");
        Expr scaled = new Bin(Op.MUL, new Num(LITERALS[random.nextInt(LITERALS.length)]), new Var(u));
        out.add(new Ast.Declare(v, Local.DOUBLE, scaled));
        readable.add(v);
        writable.add(v);
        track(v, isActive(scaled));
        Expr changed = random.nextBoolean() ? new Bin(Op.ADD, new Var(u), new Num(1.0)) : expr(0);
        if (boxedU && JavaPrinter.isInt(changed)) {
            changed = new Bin(Op.ADD, changed, new Num(0.5));
        }
        out.add(new Ast.Assign(u, changed));
        assigned(u, changed);
        String w = fresh(LOCAL_NAMES, "v");
        Expr product = random.nextBoolean() ? new Bin(Op.MUL, new Var(v), new Var(u)) : new Bin(Op.MUL, new Var(u), new Var(v));
        out.add(new Ast.Declare(w, Local.DOUBLE, product));
        readable.add(w);
        writable.add(w);
        track(w, isActive(product));
    }

    /** {@code double t = ++h[i] * e;}: an element incremented inside an expression. */
    private void incrementInExpression(List<Stmt> out) {
        String array = writableArray();
        if (array == null) {
            out.add(simple());
            return;
        }
        String t = fresh(LOCAL_NAMES, "v");
        Expr value = new Bin(Op.MUL, new Ast.IncElement(array, index(array), random.nextBoolean()), expr(1));
        out.add(new Ast.Declare(t, Local.DOUBLE, value));
        readable.add(t);
        writable.add(t);
        track(t, true);
    }

    /** {@code switch (i % 3) { case 0: { ... } case 1: { ...; break; } default: { ... } }}, falling through sometimes. */
    private void switchStatement(List<Stmt> out) {
        List<String> indices = intIndices();
        IntExpr selector = new Ast.IntBin(Op.REM, new Ast.IntParam(indices.get(random.nextInt(indices.size()))),
                new Ast.IntLit(3));
        List<Integer> labels = new ArrayList<>(List.of(0, 1, 2));
        Collections.shuffle(labels, random);
        int count = 2 + random.nextInt(2);
        boolean withDefault = random.nextBoolean();
        List<Ast.Case> cases = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Integer label = withDefault && k == count - 1 ? null : labels.get(k);
            caseDepth++;
            Sub body = sub(b -> {
                statements(b, 1 + random.nextInt(2));
                if (random.nextInt(3) > 0) {
                    b.add(new Ast.Break(null));
                }
            });
            caseDepth--;
            cases.add(new Ast.Case(label, body.body()));
        }
        out.add(new Ast.Switch(selector, cases));
    }

    /**
     * A loop: for with a fixed or array-length bound, for-each, while or do-while with a
     * data-dependent trip count, or {@code while (n-- > 0)}. {@code fill} (an array just
     * declared) makes it {@code for (i < fill.length) fill[i] = e;}.
     */
    private void loop(List<Stmt> out, String fill) {
        String label = loops.isEmpty() && random.nextInt(3) == 0 ? "outer" + labels++ : null;
        if (label != null) {
            declared.add(label);
        }
        int kind = fill != null ? 0 : random.nextInt(10);
        if (fill == null && draw(Shape.COUNT_DOWN)) {
            String counter = fresh(List.of("remaining", "left", "_n2"), "c");
            // int n, not long m: int remaining = m would not compile
            IntExpr start = intParams.contains("n") && random.nextBoolean() ? new Ast.IntParam("n")
                    : new Ast.IntLit(1 + random.nextInt(4));
            LoopBody body = loopBody(label, counter, null, this::randomLoopBody);
            out.add(new Ast.CountDown(label, counter, start, body.sub().body(), random.nextInt(3) == 0));
            return;
        }
        if (kind < 5) {
            String index = indexName();
            String over = fill != null ? fill : !arrays.isEmpty() && random.nextBoolean()
                    ? arrays.get(random.nextInt(arrays.size())) : null;
            IntExpr bound = over != null ? new Ast.Length(over)
                    : !intParams.isEmpty() && random.nextBoolean()
                    ? random.nextBoolean() ? new Ast.IntParam(intParams.get(0))
                            : new Ast.IntBin(Op.ADD, new Ast.IntParam(intParams.get(0)), new Ast.IntLit(1))
                    : new Ast.IntLit(1 + random.nextInt(4));
            indexBound.put(index, over);
            LoopBody body = loopBody(label, index, null, b -> {
                if (fill != null) {
                    b.add(new Ast.Store(fill, new Ast.IntParam(index), null, expr(0)));
                } else {
                    randomLoopBody(b);
                }
            });
            indexBound.remove(index);
            out.add(new Ast.For(label, index, bound, body.sub().body()));
        } else if (kind < 7 && !arrays.isEmpty()) {
            String variable = fresh(List.of("e", "wi", "_d_e", "value"), "e");
            String array = arrays.get(random.nextInt(arrays.size()));
            LoopBody body = loopBody(label, null, variable, this::randomLoopBody);
            out.add(new Ast.ForEach(label, variable, array, body.sub().body()));
        } else {
            String counter = fresh(List.of("count", "iter", "_n1", "steps"), "k");
            int cap = List.of(5, 10, 20).get(random.nextInt(3));
            Bool condition;
            LoopBody body;
            if (!writable.isEmpty() && random.nextInt(4) > 0) {
                // while (t < bound): the body moves t towards the bound, so the trip count depends on t
                String t = writable.get(random.nextInt(writable.size()));
                boolean up = random.nextBoolean();
                condition = new Ast.Cmp(up ? CmpOp.LT : CmpOp.GT, new Var(t), random.nextBoolean() ? leaf() : expr(1));
                // the step reads only what is in scope before the body
                Expr step = new Bin(Op.MUL, new Num(0.25), positive(expr(1)));
                body = loopBody(label, counter, null, b -> {
                    randomLoopBody(b);
                    b.add(random.nextInt(b.size() + 1), new Ast.Compound(t, up ? Op.ADD : Op.SUB, step));
                });
                track(t, active.contains(t) || isActive(step));
            } else {
                condition = bool(0);
                body = loopBody(label, counter, null, this::randomLoopBody);
            }
            if (kind < 9) {
                out.add(new Ast.While(label, counter, condition, cap, body.sub().body()));
            } else {
                out.add(new Ast.DoWhile(label, counter, body.sub().body(), condition, cap));
                afterDoWhile(body);
            }
        }
    }

    private void randomLoopBody(List<Stmt> body) {
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
            if (random.nextInt(4) == 0) {
                overwrite(body);
            } else {
                statement(body);
            }
        }
    }

    /** {@code double[] h = new double[len];} (or {@code var h = ...}) at the top level, mostly followed by a loop filling it. */
    private void declareArray(List<Stmt> out) {
        String name = fresh(LOCAL_ARRAY_NAMES, "arr");
        IntExpr length = switch (random.nextInt(3)) {
            case 0 -> new Ast.IntLit(3 + random.nextInt(3));
            case 1 -> arrays.isEmpty() ? new Ast.IntLit(4) : new Ast.Length(arrays.get(random.nextInt(arrays.size())));
            default -> !intParams.contains("n") ? new Ast.IntLit(3)
                    : new Ast.IntBin(Op.ADD, new Ast.IntParam("n"), new Ast.IntLit(2));
        };
        out.add(new Ast.DeclareArray(name, draw(Shape.VAR_ARRAY), length));
        arrays.add(name);
        if (random.nextInt(3) > 0) {
            loop(out, name);
        }
    }

    /** An array an element may be written to (not a parameter of a recursive method), or null. */
    private String writableArray() {
        List<String> targets = self == null ? arrays : arrays.stream().filter(a -> !paramArrays.contains(a)).toList();
        return targets.isEmpty() ? null : targets.get(random.nextInt(targets.size()));
    }

    /** {@code a[i] = e;} or {@code a[i] op= e;}; not to a parameter of a recursive method. */
    private void store(List<Stmt> out) {
        String array = writableArray();
        if (array == null) {
            out.add(simple());
            return;
        }
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
        } else if (e instanceof Ast.Chain c) {
            return c.terms().stream().anyMatch(this::isActive);
        } else if (e instanceof Ast.HelperCall h) {
            return isActive(h.arg());
        } else if (e instanceof Ast.ObjectCall o) {
            return isActive(o.arg());
        } else if (e instanceof Ast.ValueRead v) {
            return isActive(v.a()) || isActive(v.b());
        } else if (e instanceof Ast.FractionRead f) {
            return isActive(f.at()) || isActive(f.shape());
        } else if (e instanceof Ast.Unstash) {
            return refusal == Refusal.LIST || refusal == Refusal.BUILDER;
        } else if (e instanceof Ast.AssignExpr a) {
            return isActive(a.value());
        } else if (e instanceof Ast.IncElement x) {
            return active.contains(x.array()) || !paramArrays.contains(x.array());
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

    /** {@code prefix} and the first number that makes a name not yet declared; draws nothing from {@code random}. */
    private String unused(String prefix) {
        for (int i = 0; ; i++) {
            if (declared.add(prefix + i)) {
                return prefix + i;
            }
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
        if (roll < 63 && !filled.isEmpty()) {
            // xs.get(0), Double.parseDouble(sb.toString()): what went into a holder comes back
            List<String> full = new ArrayList<>(filled);
            String h = full.get(random.nextInt(full.size()));
            return new Ast.Unstash(holders.get(h), h);
        }
        if (readable.isEmpty()) {
            return new Num(LITERALS[random.nextInt(LITERALS.length)]);
        }
        return new Var(readable.get(random.nextInt(readable.size())));
    }

    /**
     * An expression with an effect a second evaluation would repeat, or whose code Adjoint does not
     * see as such (an interface's method, KNOWN.clip, too: read/Values judges the method javac names;
     * a fraction's helper, whose evaluate Effects cannot prove from the library's class file).
     */
    private static boolean effect(Ast.Arg a) {
        return a instanceof Ast.AssignExpr || a instanceof Ast.IncElement || a instanceof Ast.Unstash
                || a instanceof Ast.HelperCall || a instanceof Ast.Invoke || a instanceof Ast.FractionRead
                || a instanceof Ast.ObjectCall o && o.helper().equals("clip");
    }

    private static Num literal(double value) {
        return new Num(value);
    }

    private IntExpr intExpr() {
        IntExpr param = new Ast.IntParam(ints.get(random.nextInt(ints.size())));
        if (draw(Shape.INTEGER_RECURSION)) {
            return new Ast.Halvings(random.nextBoolean() ? param : new Ast.IntBin(Op.MUL, param, new Ast.IntLit(5)));
        }
        return switch (random.nextInt(3)) {
            case 0 -> param;
            case 1 -> new Ast.IntBin(Op.MUL, param, new Ast.IntLit(1 + random.nextInt(3)));
            default -> new Ast.IntBin(random.nextBoolean() ? Op.ADD : Op.SUB, param, new Ast.IntLit(random.nextInt(4)));
        };
    }

    private Expr composite(int depth) {
        if (!readable.isEmpty() && draw(Shape.POW_VARIABLE)) {
            // a variable exponent, exactly 0 where that input is (SecondOrderRandomTest's zero points),
            // of a base in [1, 3]: an unbounded one (exp(12)^1.75 = 1.7e9) fed to cos made the function
            // vary faster than any finite-difference step resolves, a failure of the oracle, not of Adjoint
            return new Call(MathFunction.POW, false, List.of(new Bin(Op.ADD, new Num(2.0), new Call(MathFunction.SIN,
                    false, List.of(expr(depth)))), new Var(readable.get(random.nextInt(readable.size())))));
        }
        if (draw(Shape.OPAQUE)) {
            // a helper without @Differentiable given a value that carries no derivative: accepted
            return new Ast.HelperCall(helper(), inactiveArgument(depth));
        }
        if (draw(Shape.FRACTION)) {
            // a helper's anonymous ContinuedFraction, capturing its first parameter
            return new Ast.FractionRead(expr(depth), expr(depth), random.nextInt(2));
        }
        if (draw(Shape.VALUE)) {
            // arguments without effects: a value object's method may read them once per field
            Expr a = expr(depth);
            Expr b = expr(depth);
            boolean effects = Ast.everything(a).stream().anyMatch(ProgramGenerator::effect)
                    || Ast.everything(b).stream().anyMatch(ProgramGenerator::effect);
            return effects ? new Bin(Op.ADD, a, b) : valueRead(a, b, random.nextInt(10));
        }
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
            return truncate(depth);
        }
        if (roll < 96) {
            return new Ast.StopGradient(expr(depth));
        }
        if (roll < 98 && !helpers.isEmpty()) {
            // the helper as a method of an object of a concrete class: inlined, its fields data
            return new Ast.ObjectCall(helper(), expr(depth));
        }
        Expr invoke = invoke(depth);
        return invoke != null ? invoke : truncate(depth);
    }

    /** {@code (double) (int) e}; (int) of a Double does not compile, (int) (b * 1.0) does. */
    private Expr truncate(int depth) {
        Expr operand = expr(depth);
        return new Ast.Truncate(Ast.boxedTyped(operand, boxed) ? new Bin(Op.MUL, operand, new Num(1.0)) : operand);
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
            boolean ok = m.wrt().isEmpty() && callDepth.get(m.name()) < MAX_CALL_DEPTH && !refused.contains(m.name())
                    && !JavaPrinter.declaresChecked(m)
                    && m.params().stream().noneMatch(p -> p.type() == Type.LIST || p.type() == Type.BUILDER)
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
                case LIST, BUILDER -> throw new IllegalStateException("a method taking a holder is never called");
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
        if ((op == CmpOp.EQ || op == CmpOp.NE) && Ast.boxedTyped(left, boxed) && Ast.boxedTyped(right, boxed)) {
            op = CmpOp.LT; // == of two Doubles compares references
        }
        return new Ast.Cmp(op, left, right);
    }
}
