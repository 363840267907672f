package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.Ast.Assign;
import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Cmp;
import dev.adjoint.processor.differential.Ast.CmpOp;
import dev.adjoint.processor.differential.Ast.DeclareUnassigned;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.If;
import dev.adjoint.processor.differential.Ast.IntParam;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Num;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Return;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Type;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.Ast.Var;
import dev.adjoint.processor.differential.Ast.Widen;
import dev.adjoint.processor.differential.GradientChecker.Point;
import dev.adjoint.processor.differential.Shapes.Shape;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * The generator's own contract, held to plain javac (no processor): every program it writes, with
 * every shape drawn often (the future ones too), compiles without an error or a warning, and the
 * compiled method computes bit for bit what the {@link Interpreter} computes. {@link JavaRules}
 * agrees with javac on the programs that test its rules (definite assignment, reachability,
 * finals, boxing), and the interpreter refuses to read a local before its definite assignment.
 */
class GeneratorTest {

    private static final InMemoryCompiler COMPILER = new InMemoryCompiler();

    /** Every shape at 12%: each appears in a batch of 60 methods. */
    private static Map<Shape, Double> everyShapeOften() {
        Map<Shape, Double> weights = new EnumMap<>(Shape.class);
        for (Shape s : Shape.values()) {
            weights.put(s, s == Shape.LONG_EXPRESSION ? 3.0 : s == Shape.COUNT_DOWN || s == Shape.VAR_ARRAY ? 40.0 : 12.0);
        }
        return weights;
    }

    @Test
    void generatedProgramsCompileWithPlainJavacAndMeanWhatTheInterpreterComputes() throws Exception {
        Set<String> constructs = new TreeSet<>();
        int mustRefuse = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Unit unit = new ProgramGenerator(new Random(seed), everyShapeOften(), false).unit("gentest", "Batch" + seed, 60);
            InMemoryCompiler.Result result = COMPILER.compileWithoutProcessor(unit.qualifiedName(), JavaPrinter.print(unit));
            assertTrue(result.success() && result.diagnostics().stream().noneMatch(d -> d.getKind() != Diagnostic.Kind.NOTE),
                    result.diagnosticsText() + "\n" + JavaPrinter.print(unit));
            ClassLoader loader = result.loader();
            Class<?> compiled = loader.loadClass(unit.qualifiedName());
            Random random = new Random(seed);
            for (Method m : unit.methods()) {
                constructs.addAll(Campaign.constructs(m));
                if (Ast.mustRefuse(unit, m)) {
                    mustRefuse++;
                }
                java.lang.reflect.Method primal = java.util.Arrays.stream(compiled.getMethods())
                        .filter(x -> x.getName().equals(m.name())).findFirst().orElseThrow();
                for (int k = 0; k < 3; k++) {
                    Point p = GradientChecker.randomPoint(m, random);
                    assertSameAsInterpreter(unit, m, primal, p);
                }
            }
        }
        for (String expected : List.of("local without initialiser", "final local without initialiser",
                "unassigned local assigned in a branch", "unassigned local assigned in a loop",
                "unassigned local assigned in a do-while", "else if", "nested return", "return in loop", "throw",
                "Double local", "final local", "var array", "helper call", "xs.add", "sb.append", "xs.get(0)",
                "parseDouble(sb)", "long chain", "nesting 50+", "assignment in expression", "while (n-- > 0)",
                "++a[i] in expression", "switch", "array initialiser")) {
            assertTrue(constructs.contains(expected), "no generated method has " + expected + ": " + constructs);
        }
        assertTrue(mustRefuse > 0, "no method that must be refused");
    }

    /** {@code ((x >= c) && (x <= c))}, as {@link JavaPrinter} spells some of the shape's {@code x == c}. */
    private static final java.util.regex.Pattern BRACKET = java.util.regex.Pattern.compile(
            "\\(\\(([\\w.-]+) >= ([\\w.-]+)\\) && \\(\\1 <= \\2\\)\\)");

    /**
     * {@link Shape#SHORTCUT} comes in every form (a private helper too) and spelling, and the checker's special
     * points hit its equalities: at them the interpreter sees an equality test of a differentiated
     * value hold, where the random points never do; the program still computes there what the
     * interpreter says, and the code around gives the shortcut's value in most forms.
     */
    @Test
    void shortcutsAreGeneratedAndTheirSpecialPointsHitThem() throws Exception {
        Map<Shape, Double> weights = new EnumMap<>(Shape.class);
        weights.put(Shape.SHORTCUT, 100.0);
        Set<String> constructs = new TreeSet<>();
        Set<String> forms = new TreeSet<>();
        Set<String> spellings = new TreeSet<>();
        int held = 0;
        int agreed = 0;
        int randomHeld = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Unit unit = new ProgramGenerator(new Random(seed), weights, false).unit("gentest", "Shortcuts" + seed, 60);
            String source = JavaPrinter.print(unit);
            InMemoryCompiler.Result result = COMPILER.compileWithoutProcessor(unit.qualifiedName(), source);
            assertTrue(result.success() && result.diagnostics().stream().noneMatch(d -> d.getKind() != Diagnostic.Kind.NOTE),
                    result.diagnosticsText() + "\n" + source);
            Class<?> compiled = result.loader().loadClass(unit.qualifiedName());
            Random random = new Random(seed);
            for (Method m : unit.methods()) {
                constructs.addAll(Campaign.constructs(m));
                if (!ShortcutRule.hasShapesComparison(m) || ShortcutRule.testsDecideLoops(m.body(), false)) {
                    continue; // an equality deciding a loop is kept in the code around: no special points
                }
                String printed = JavaPrinter.method(m);
                forms.add(printed.contains(" != ") ? "!=" : "==");
                spellings.add(printed.contains("Double.compare(") ? "Double.compare" : printed.contains("Double.valueOf(")
                        ? "Double.valueOf(x).equals" : BRACKET.matcher(printed).find() ? "x >= c && x <= c"
                        : printed.contains(" <= 0.0)") ? "Math.abs(x - c) <= 0" : printed.contains("Objects.equals(")
                        ? "Objects.equals" : printed.contains("doubleToLongBits(") ? "doubleToLongBits"
                        : printed.contains("Math.signum(") ? "Math.signum(x - c) == 0" : "==");
                forms.add(printed.contains("acc") ? "loop" : printed.contains("Math.sin(") && printed.contains(" ? ")
                        ? "guard or ?:" : printed.contains(" && ") ? "&&" : "if");
                java.lang.reflect.Method primal = java.util.Arrays.stream(compiled.getMethods())
                        .filter(x -> x.getName().equals(m.name())).findFirst().orElseThrow();
                Point base = GradientChecker.randomPoint(m, random);
                List<Point> special = ShortcutRule.specialPoints(m, base, random);
                assertTrue(!special.isEmpty(), "no special point for\n" + printed);
                for (Point p : special) {
                    assertSameAsInterpreter(unit, m, primal, p);
                    Interpreter.Run<Double> run;
                    Interpreter.Run<Double> around;
                    try {
                        run = Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, interpreterArgs(p));
                        around = Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, interpreterArgs(p), true);
                    } catch (Interpreter.Thrown e) {
                        continue;
                    }
                    held += run.held() ? 1 : 0;
                    agreed += run.held() && !Double.isNaN(ShortcutRule.gap(run.value(), around.value())) ? 1 : 0;
                }
                try {
                    randomHeld += Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, interpreterArgs(base)).held() ? 1 : 0;
                } catch (Interpreter.Thrown e) {
                    // a throw that runs at the random point: the checker skips such points too
                }
            }
        }
        assertTrue(constructs.containsAll(List.of("equality shortcut", "equality shortcut in a helper")), constructs.toString());
        assertEquals(Set.of("==", "!=", "if", "&&", "guard or ?:", "loop"), forms);
        // the same tests spelled the other ways Adjoint reads as x == c (JavaPrinter.spelled)
        assertEquals(Set.of("==", "Double.compare", "Double.valueOf(x).equals", "x >= c && x <= c", "Math.abs(x - c) <= 0",
                "Objects.equals", "doubleToLongBits", "Math.signum(x - c) == 0"), spellings);
        assertTrue(held >= 12 && agreed >= 4, "special points where an equality holds: " + held + ", of which the code "
                + "around agrees at " + agreed);
        assertEquals(0, randomHeld, "a random point hit an equality");
    }

    /**
     * Series that end exactly at a whole parameter ({@link Shape#EXACT_END}), their terms also kept in
     * a small array: the checker checks the generated derivative at p = 2 and p = 3 against finite
     * differences (the dual numbers and the tape follow the steps taken there), and it passes.
     */
    @Test
    void exactEndsAreCheckedAgainstFiniteDifferences() {
        Map<Shape, Double> weights = new EnumMap<>(Shape.class);
        weights.put(Shape.SERIES_LOOP, 60.0);
        weights.put(Shape.EXACT_END, 100.0);
        Campaign campaign = new Campaign();
        int before = GradientChecker.EXACT_ENDS_PASSED.get();
        Set<String> constructs = new TreeSet<>();
        for (long seed = 1; seed <= 2; seed++) {
            Unit drawn = new ProgramGenerator(new Random(seed), weights, false).unit("gentest", "Ends" + seed, 20);
            // the methods the processor must refuse (and those calling them) are the campaign's other business
            Unit unit = drawn.with(drawn.methods().stream().filter(m -> drawn.only(m).methods().stream()
                    .noneMatch(c -> Ast.mustRefuse(drawn, c))).toList());
            InMemoryCompiler.Result result = campaign.compile(unit);
            assertNull(Campaign.compilationFailure(unit.qualifiedName(), result), result.diagnosticsText());
            for (Method m : unit.methods()) {
                constructs.addAll(Campaign.constructs(m));
                Campaign.CheckResult checked = Campaign.check(unit, m, result, null, new Random(seed));
                assertNull(checked.failure(), m.name() + " at " + checked.point() + "\n" + JavaPrinter.method(m));
            }
        }
        assertTrue(constructs.contains("series state in a small array"), constructs.toString());
        assertTrue(GradientChecker.EXACT_ENDS_PASSED.get() - before >= 10,
                "points checked where a loop stopped on a term exactly 0: " + (GradientChecker.EXACT_ENDS_PASSED.get() - before));
    }

    private static List<Object> interpreterArgs(Point p) {
        List<Object> args = new ArrayList<>(p.args());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof double[] v) {
                List<Double> list = new ArrayList<>();
                for (double d : v) {
                    list.add(d);
                }
                args.set(i, list);
            }
        }
        return args;
    }

    /** The compiled primal returns what the interpreter computes, or both throw. */
    private static void assertSameAsInterpreter(Unit unit, Method m, java.lang.reflect.Method primal, Point p)
            throws IllegalAccessException {
        List<Object> args = new ArrayList<>(p.args());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof double[] v) {
                List<Double> list = new ArrayList<>();
                for (double d : v) {
                    list.add(d);
                }
                args.set(i, list);
            }
        }
        Double interpreted;
        try {
            interpreted = Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, args).value();
        } catch (Interpreter.Thrown e) {
            interpreted = null;
        }
        Double compiled;
        try {
            compiled = (Double) primal.invoke(null, p.copy());
        } catch (java.lang.reflect.InvocationTargetException e) {
            // an unchecked exception, or the checked Failure of a method declaring it (JavaPrinter.declared)
            assertTrue(e.getCause() instanceof RuntimeException || e.getCause().getClass().getSimpleName().equals("Failure")
                    && JavaPrinter.declaresChecked(m), e.getCause().toString());
            compiled = null;
        }
        assertEquals(compiled == null ? null : Double.doubleToLongBits(compiled),
                interpreted == null ? null : Double.doubleToLongBits(interpreted),
                m.name() + " at " + p + ": compiled " + compiled + ", interpreted " + interpreted + "\n" + JavaPrinter.method(m));
    }

    // ------------------------------------------------------------------ JavaRules against javac

    private static final Var X = new Var("x");
    private static final Bool POSITIVE = new Cmp(CmpOp.GT, X, new Num(0));

    /** A method {@code f(double x, int n)} with {@code body}, and whether javac and JavaRules should accept it. */
    private record Case(String name, List<Stmt> body, boolean javacAccepts, boolean rulesAccept) {}

    private static Case both(String name, boolean accepted, Stmt... body) {
        return new Case(name, List.of(body), accepted, accepted);
    }

    @Test
    void javaRulesAgreeWithJavac() {
        Stmt declareR = new DeclareUnassigned("r", false);
        Stmt declareFinalR = new DeclareUnassigned("r", true);
        Expr k = new Widen(new IntParam("k"), false);
        List<Case> cases = List.of(
                both("assigned in one branch only", false, declareR, new If(POSITIVE, List.of(new Assign("r", X)), List.of()),
                        new Return(new Var("r"))),
                both("assigned in both branches", true, declareR, new If(POSITIVE, List.of(new Assign("r", X)),
                        List.of(new Assign("r", new Num(1)))), new Return(new Var("r"))),
                both("gamma: assigned or returning", true, declareR, new If(POSITIVE, List.of(new Assign("r", X)),
                        List.of(new If(new Cmp(CmpOp.LT, X, new Num(-1)), List.of(new Return(new Num(2))),
                                List.of(new Assign("r", new Num(3)))))), new Return(new Var("r"))),
                both("assigned in a while body, read after", false, declareR,
                        new Ast.While(null, "k", POSITIVE, 5, List.of(new Assign("r", k))), new Return(new Var("r"))),
                both("assigned in a while body, read inside", true, declareR,
                        new Ast.While(null, "k", POSITIVE, 5, List.of(new Assign("r", k),
                                new Ast.Compound("x", Op.ADD, new Var("r")))), new Return(X)),
                both("assigned in a do-while body", true, declareR,
                        new Ast.DoWhile(null, "k", List.of(new Assign("r", k)), POSITIVE, 5), new Return(new Var("r"))),
                both("do-while: a break before the assignment", false, declareR,
                        new Ast.DoWhile(null, "k", List.of(new If(POSITIVE, List.of(new Ast.Break(null)), List.of()),
                                new Assign("r", k)), POSITIVE, 5), new Return(new Var("r"))),
                both("do-while: a continue before the assignment", false, declareR,
                        new Ast.DoWhile(null, "k", List.of(new If(POSITIVE, List.of(new Ast.Continue(null)), List.of()),
                                new Assign("r", k)), POSITIVE, 5), new Return(new Var("r"))),
                both("a constant-false branch reads it (vacuously assigned)", true, declareR,
                        new If(new Cmp(CmpOp.GT, new Num(1), new Num(2)), List.of(new Return(new Var("r"))), List.of()),
                        new Return(X)),
                both("a constant condition over a static final", true, declareR,
                        new If(new Cmp(CmpOp.LT, new Var("RATE"), new Num(0)), List.of(new Return(new Var("r"))), List.of()),
                        new Return(X)),
                both("a condition over a final local with a constant initialiser", true,
                        new Ast.Declare("t", Ast.Local.FINAL, new Num(2)), declareR,
                        new If(new Cmp(CmpOp.LT, new Var("t"), new Num(1)), List.of(new Return(new Var("r"))), List.of()),
                        new Return(X)),
                both("a statement after an if/else that always returns", false,
                        new If(POSITIVE, List.of(new Return(X)), List.of(new Return(new Num(1)))), new Return(X)),
                both("a statement after a do-while whose body returns", false,
                        new Ast.DoWhile(null, "k", List.of(new If(POSITIVE, List.of(new Return(X)),
                                List.of(new Ast.Throw("IllegalStateException", "no")))), POSITIVE, 5), new Return(X)),
                both("a final assigned in both branches", true, declareFinalR, new If(POSITIVE, List.of(new Assign("r", X)),
                        List.of(new Assign("r", new Num(1)))), new Return(new Var("r"))),
                both("a final assigned twice", false, declareFinalR, new Assign("r", X), new Assign("r", new Num(1)),
                        new Return(new Var("r"))),
                both("a final assigned in a loop", false, declareFinalR,
                        new Ast.For(null, "i", new Ast.IntLit(2), List.of(new Assign("r", X))), new Return(X)),
                both("a boxed local from an int", false, new Ast.Declare("b", Ast.Local.BOXED, new Widen(new IntParam("n"), false)),
                        new Return(new Var("b"))),
                both("a switch assigning in every case and default", true, declareR,
                        new Ast.Switch(new IntParam("n"), List.of(new Ast.Case(0, List.of(new Assign("r", X), new Ast.Break(null))),
                                new Ast.Case(null, List.of(new Assign("r", new Num(1)))))), new Return(new Var("r"))),
                both("a switch without default", false, declareR,
                        new Ast.Switch(new IntParam("n"), List.of(new Ast.Case(0, List.of(new Assign("r", X), new Ast.Break(null))),
                                new Ast.Case(1, List.of(new Assign("r", new Num(1)))))), new Return(new Var("r"))),
                both("a switch case falling through into an assignment", true, declareR,
                        new Ast.Switch(new IntParam("n"), List.of(new Ast.Case(0, List.of(new Ast.Compound("x", Op.MUL, X))),
                                new Ast.Case(null, List.of(new Assign("r", X))))), new Return(new Var("r"))),
                // javac accepts == of two Doubles, but it compares references, not what the interpreter computes
                new Case("== of two boxed locals", List.of(new Ast.Declare("b", Ast.Local.BOXED, X),
                        new Ast.Declare("c", Ast.Local.BOXED, X), new If(new Cmp(CmpOp.EQ, new Var("b"), new Var("c")),
                                List.of(new Return(new Num(1))), List.of()), new Return(X)), true, false));
        Unit base = new Unit("gentest", "Rules", List.of(new Ast.Constant("RATE", 0.375)), List.of(), List.of());
        for (Case c : cases) {
            Method m = new Method("f", List.of(new Param(Type.DOUBLE, "x"), new Param(Type.INT, "n")), List.of(), c.body());
            Unit unit = base.with(List.of(m));
            String source = JavaPrinter.print(unit);
            InMemoryCompiler.Result javac = COMPILER.compileWithoutProcessor(unit.qualifiedName(), source);
            assertEquals(c.javacAccepts(), javac.success(), c.name() + ": javac says\n" + javac.diagnosticsText() + source);
            String violation = JavaRules.violation(unit, m);
            assertEquals(c.rulesAccept(), violation == null, c.name() + ": JavaRules says " + violation + "\n" + source);
            assertEquals(c.rulesAccept(), Ast.wellScoped(unit, m), c.name() + ": wellScoped\n" + source);
        }
    }

    @Test
    void theInterpreterNeverReadsAStaleValueOfALocalWithoutInitialiser() {
        // for (i < 2) { double t; if (i == 1) { s += t; } t = x; }: javac rejects it; the interpreter
        // must not read iteration 0's t in iteration 1
        Stmt loop = new Ast.For(null, "i", new Ast.IntLit(2), List.of(new DeclareUnassigned("t", false),
                new If(new Cmp(CmpOp.EQ, new Widen(new IntParam("i"), false), new Num(1)),
                        List.of(new Ast.Compound("s", Op.ADD, new Var("t"))), List.of()),
                new Assign("t", X)));
        Method m = new Method("f", List.of(new Param(Type.DOUBLE, "x")), List.of(),
                List.of(new Ast.Declare("s", Ast.Local.DOUBLE, new Num(0)), loop, new Return(new Var("s"))));
        Unit unit = new Unit("gentest", "Stale", List.of(), List.of(), List.of(m));
        assertTrue(!Ast.wellScoped(unit, m));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, List.of(0.5)));
        assertTrue(e.getMessage().contains("unbound t"), e.getMessage());
    }

    /**
     * As a campaign found (m20, shrunk): {@code while (|b| > 1e-15 && k < 20) { k++; b *= (k - y); }}
     * at y = 2, where b becomes exactly 0 and the loop stops early. |b| has dual derivative 0 there,
     * so the margin missed that a hair decides the loop, and the oracle compared the generated
     * derivative (the loop run on, normalize.Converge) with the steps taken. |u| at 0 counts now.
     */
    @Test
    void aLoopStoppedByAnAbsoluteValueAtExactlyZeroHasNoMargin() {
        Stmt loop = new Ast.While(null, "k", new Cmp(CmpOp.GT, new Ast.Call(dev.adjoint.processor.ir.MathFunction.ABS,
                false, List.of(new Var("b"))), new Num(1e-15)), 20,
                List.of(new Ast.Compound("b", Op.MUL, new Bin(Op.SUB, new Widen(new IntParam("k"), false), new Var("y")))));
        Method m = new Method("f", List.of(new Param(Type.DOUBLE, "y")), List.of(),
                List.of(new Ast.Declare("b", Ast.Local.DOUBLE, new Num(1)), loop, new Return(new Var("b"))));
        Unit unit = new Unit("gentest", "Exact", List.of(), List.of(), List.of(m));
        DualAlgebra dual = new DualAlgebra(1);
        assertTrue(Interpreter.run(dual, unit, m, List.of(dual.input(0, 2.0))).margin() < GradientChecker.MIN_MARGIN);
        assertTrue(Interpreter.run(dual, unit, m, List.of(dual.input(0, 2.5))).margin() >= GradientChecker.MIN_MARGIN);
    }

    @Test
    void aMethodMustBeRefusedExactlyWhenADifferentiatedValueReachesACallAdjointCannotSeeInto() {
        Ast.Helper helper = new Ast.Helper("scaled", new Bin(Op.MUL, new Var("u"), new Var("u")));
        Unit base = new Unit("gentest", "Opaque", List.of(), List.of(helper), List.of());
        List<Param> params = List.of(new Param(Type.DOUBLE, "x"), new Param(Type.LIST, "xs"));
        Method active = new Method("f", params, List.of(), List.of(
                new Ast.Stash(Ast.Holder.LIST, "xs", new Bin(Op.MUL, X, X)),
                new Return(new Bin(Op.MUL, new Ast.Unstash(Ast.Holder.LIST, "xs"), new Num(2)))));
        Method stopped = new Method("g", params, List.of(), List.of(
                new Ast.Stash(Ast.Holder.LIST, "xs", new Ast.StopGradient(new Bin(Op.MUL, X, X))),
                new Return(new Bin(Op.MUL, new Ast.Unstash(Ast.Holder.LIST, "xs"), X))));
        Method helperActive = new Method("h", List.of(new Param(Type.DOUBLE, "x")), List.of(),
                List.of(new Return(new Ast.HelperCall("scaled", new Ast.Call(dev.adjoint.processor.ir.MathFunction.SIN, false, List.of(X))))));
        Method helperConstant = new Method("k", List.of(new Param(Type.DOUBLE, "x")), List.of(),
                List.of(new Return(new Bin(Op.MUL, new Ast.HelperCall("scaled", new Num(2)), X))));
        Method caller = new Method("c", List.of(new Param(Type.DOUBLE, "x")), List.of(),
                List.of(new Return(new Ast.Invoke("h", List.of(new Num(1))))));
        // a local that some analyses call differentiated and others not: neither outcome can be demanded
        Method ambiguous = new Method("a", List.of(new Param(Type.DOUBLE, "x")), List.of(), List.of(
                new Ast.Declare("t", Ast.Local.DOUBLE, X), new Assign("t", new Num(1)),
                new Return(new Bin(Op.MUL, new Ast.HelperCall("scaled", new Var("t")), X))));
        Unit unit = base.with(List.of(active, stopped, helperActive, helperConstant, caller, ambiguous));
        assertTrue(Ast.mustRefuse(unit, active));
        assertTrue(!Ast.mustRefuse(unit, stopped));
        assertTrue(Ast.mustRefuse(unit, helperActive));
        assertTrue(!Ast.mustRefuse(unit, helperConstant));
        assertTrue(Ast.mustRefuse(unit, caller), "a caller of a method that must be refused must be refused");
        assertTrue(!Ast.wellScoped(unit, ambiguous));
        for (Method m : List.of(active, stopped, helperActive, helperConstant, caller)) {
            assertTrue(Ast.wellScoped(unit, m), m.name());
        }
        assertNull(JavaRules.violation(unit, active));
    }

    /**
     * {@link Shape#SEARCH} comes in every form (a bisection, a golden section carrying its points, a
     * ternary search, a bisection by conditional expressions, a point moved by a step computed from
     * the counter), stopped on the bracket's width or on
     * its count alone; Ast.mustRefuse knows each, and the processor refuses each with
     * AdjointSearchLoop on the method's lines.
     */
    @Test
    void searchesComeInEveryFormAndAreRefused() {
        Map<Shape, Double> weights = new EnumMap<>(Shape.class);
        weights.put(Shape.SEARCH, 15.0);
        weights.put(Shape.MUST_REFUSE, 0.0);
        weights.put(Shape.OPAQUE, 0.0);
        Campaign campaign = new Campaign();
        Set<String> forms = new TreeSet<>();
        for (long seed = 1; seed <= 2; seed++) {
            Unit drawn = new ProgramGenerator(new Random(seed), weights, false).unit("gentest", "Searches" + seed, 30);
            for (Method m : drawn.methods()) {
                if (!Ast.searches(m)) {
                    continue;
                }
                assertTrue(Ast.mustRefuse(drawn, m), m.name());
                String printed = JavaPrinter.method(m);
                forms.add(printed.contains("0.6180339887498949") ? "golden section"
                        : printed.contains("/ 3.0") ? "ternary" : printed.contains("(double) bisect") ? "counted step"
                        : printed.contains(" ? ") ? "?:" : "bisection");
                for (Stmt s : Ast.statements(m.body())) {
                    if (s instanceof Ast.While w && w.counter().startsWith("bisect")) {
                        forms.add(w.condition() instanceof Cmp c && c.op() == CmpOp.GT ? "width" : "count");
                    }
                }
                Unit alone = drawn.only(m);
                InMemoryCompiler.Result result = campaign.compile(alone);
                assertTrue(result.diagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR
                        && d.getMessage(java.util.Locale.ROOT).contains("[AdjointSearchLoop]")),
                        result.diagnosticsText() + "\n" + JavaPrinter.print(alone));
                assertNull(campaign.refusalFailure(alone, m, new Random(seed)), JavaPrinter.print(alone));
            }
        }
        assertEquals(Set.of("bisection", "golden section", "ternary", "?:", "counted step", "width", "count"), forms);
    }

    @Test
    void everyKnownBugIsPinnedByRegressionTestsThatExist() {
        Set<String> tests = new TreeSet<>();
        for (java.lang.reflect.Method m : DifferentialRegressionTest.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                tests.add(m.getName());
            }
        }
        for (KnownBugs.Shape shape : KnownBugs.SHAPES) {
            assertTrue(!shape.tests().isBlank(), shape.name() + " names no regression test");
            for (String test : shape.tests().split(" ")) {
                assertTrue(tests.contains(test), shape.name() + " names " + test + ", which DifferentialRegressionTest lacks");
            }
        }
    }
}
