package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Arg;
import dev.adjoint.processor.differential.Ast.Cmp;
import dev.adjoint.processor.differential.Ast.CmpOp;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Type;
import dev.adjoint.processor.differential.GradientChecker.Point;
import dev.adjoint.processor.ir.MathFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The test's own model of the processor's rule for equality shortcuts (docs/diagnostics.md,
 * AdjointEqualityBranch): a method testing a differentiated value with {@code ==} or {@code !=}
 * has, where such a test holds, the derivative of its <em>code around</em> (the method with those
 * tests failing, outside loop conditions) when that code gives the method's value, else the
 * branch's own. Written from the documentation, not from the processor's code: which tests count
 * ({@link #forcible}), the agreement test ({@link #gap}), and the points where the tests hold
 * ({@link #specialPoints}), which random points never hit.
 */
final class ShortcutRule {
    private ShortcutRule() {}

    /**
     * The literals {@link Shapes.Shape#SHORTCUT} compares with: eighths with three decimals, which
     * the generator's other literals (a fixed list and hundredths) never are, so a printed method
     * shows which comparisons are the shape's.
     */
    static final double[] LITERALS = {0.625, -0.875, 1.125, -0.375, 0.875, 1.375};

    /**
     * The index of the shape's loop ({@code for (int each = 0; ...) if (w[each] == s)}), a name the
     * generator's other loops never take.
     */
    static final String LOOP_INDEX = "each";

    /** How far apart a value and the code around's may be, relative to their size, and still agree. */
    static final double AGREEMENT = 1e-8;

    /** How close to 0 both may be and still agree (a shortcut's exact 0, the general formula's rounding). */
    static final double NEAR_ZERO = 1e-9;

    /**
     * What the rule sees in {@code value} (the method's) and {@code around} (its code around's): a
     * number when they agree (both finite, within {@link #AGREEMENT} of the larger's size or both
     * within {@link #NEAR_ZERO} of 0) and some double added to {@code around} gives {@code value}
     * exactly (their difference, or -0), else NaN.
     */
    static double gap(double value, double around) {
        if (!Double.isFinite(value) || !Double.isFinite(around)) {
            return Double.NaN;
        }
        double difference = value - around;
        boolean agree = Math.abs(difference) <= AGREEMENT * Math.max(Math.abs(value), Math.abs(around))
                || Math.abs(value) <= NEAR_ZERO && Math.abs(around) <= NEAR_ZERO;
        long bits = Double.doubleToRawLongBits(value);
        if (agree && Double.doubleToRawLongBits(around + difference) == bits) {
            return difference;
        }
        return agree && Double.doubleToRawLongBits(around + -0.0) == bits ? -0.0 : Double.NaN;
    }

    /**
     * Whether {@code c} is an equality test the rule makes fail in the code around: {@code ==} or
     * {@code !=} with a side that carries a derivative ({@code varied}: the method's variables that
     * may), not the same expression on both sides (a NaN test, also with a stopGradient around one
     * side), no infinite or NaN literal.
     */
    static boolean forcible(Cmp c, Set<String> varied, Map<String, Expr> defined) {
        return (c.op() == CmpOp.EQ || c.op() == CmpOp.NE) && (carries(c.left(), varied) || carries(c.right(), varied))
                && !unstopped(c.left()).equals(unstopped(c.right())) && finite(c.left()) && finite(c.right())
                && !piecewise(c.left(), defined, new HashSet<>()) && !piecewise(c.right(), defined, new HashSet<>());
    }

    /**
     * Whether a side may equal the other on a whole interval, as the processor reads it
     * ({@code Activity.piecewise}): it takes a min, a max, an |x| or a copySign, or a {@code ?:},
     * directly or through a variable the method declares once and never assigns again.
     */
    private static boolean piecewise(Arg e, Map<String, Expr> defined, Set<String> seen) {
        for (Arg a : Ast.everything(e)) {
            if (a instanceof Ast.Call call && (call.fn() == MathFunction.MIN || call.fn() == MathFunction.MAX
                    || call.fn() == MathFunction.ABS || call.fn() == MathFunction.COPY_SIGN) || a instanceof Ast.Cond
                    || a instanceof Ast.Var v && defined.containsKey(v.name()) && seen.add(v.name())
                            && piecewise(defined.get(v.name()), defined, seen)) {
                return true;
            }
        }
        return false;
    }

    /** The variables {@code m} declares with a value once and never assigns again, with that value. */
    static Map<String, Expr> defined(Method m) {
        Map<String, Expr> out = new HashMap<>();
        Set<String> again = new HashSet<>();
        for (Ast.Stmt s : Ast.statements(m.body())) {
            if (s instanceof Ast.Declare d && d.init() != null && out.putIfAbsent(d.name(), d.init()) != null) {
                again.add(d.name());
            } else if (s instanceof Ast.DeclareUnassigned d) {
                again.add(d.name());
            } else if (s instanceof Ast.Assign a) {
                again.add(a.name());
            } else if (s instanceof Ast.Compound c) {
                again.add(c.name());
            } else if (s instanceof Ast.Step st) {
                again.add(st.name());
            }
        }
        for (Arg a : Ast.everything(m.body())) {
            if (a instanceof Ast.AssignExpr x) {
                again.add(x.name());
            }
        }
        out.keySet().removeAll(again);
        return out;
    }

    /** {@code e} without a stopGradient around it: {@code stopGradient(x) != x} is a NaN test, as {@code x != x} is. */
    private static Expr unstopped(Expr e) {
        return e instanceof Ast.StopGradient s ? s.operand() : e;
    }

    private static boolean finite(Expr e) {
        return !(e instanceof Ast.Num n) || Double.isFinite(n.value());
    }

    /**
     * Whether {@code e} is a double that carries a derivative: read from a varied variable through
     * operations a derivative flows through (not a cast to int, a rounding, {@code stopGradient},
     * data, or a call Adjoint cannot see into).
     */
    static boolean carries(Arg e, Set<String> varied) {
        if (e instanceof Expr x && JavaPrinter.isInt(x)) {
            return false;
        } else if (e instanceof Ast.Var v) {
            return varied.contains(v.name());
        } else if (e instanceof Ast.Element el) {
            return varied.contains(el.array());
        } else if (e instanceof Ast.IncElement el) {
            return varied.contains(el.array());
        } else if (e instanceof Ast.ArrayName a) {
            return varied.contains(a.name());
        } else if (e instanceof Ast.Neg || e instanceof Ast.Bin || e instanceof Ast.Chain || e instanceof Ast.AssignExpr
                || e instanceof Ast.Invoke) {
            return Ast.children(e).stream().anyMatch(c -> carries(c, varied));
        } else if (e instanceof Ast.Call c) {
            return !c.fn().piecewiseConstant && c.args().stream().anyMatch(a -> carries(a, varied));
        } else if (e instanceof Ast.Cond c) {
            return carries(c.then(), varied) || carries(c.otherwise(), varied);
        }
        return false;
    }

    /**
     * The variables (arrays too) of {@code m} that may carry a derivative: the differentiated
     * parameters and whatever is assigned a value that {@link #carries} one, a fixpoint over every
     * statement regardless of order ({@link Ast#varied}, but not through a cast to int or a rounding).
     */
    static Set<String> carrying(Method m) {
        Set<String> out = new java.util.TreeSet<>(m.differentiated());
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Ast.Stmt s : Ast.statements(m.body())) {
                String target = s instanceof Ast.Declare d ? d.name() : s instanceof Ast.DeclareArrayInit d ? d.name()
                        : s instanceof Ast.ForEach f && out.contains(f.array()) ? f.variable() : Ast.written(s);
                if (target != null && !out.contains(target)
                        && (s instanceof Ast.ForEach || Ast.parts(s).stream().anyMatch(p -> carries(p, out)))) {
                    changed |= out.add(target);
                }
                for (Arg p : Ast.parts(s)) {
                    for (Arg x : Ast.everything(p)) {
                        if (x instanceof Ast.AssignExpr ax && !out.contains(ax.name()) && carries(ax.value(), out)) {
                            changed |= out.add(ax.name());
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code m} holds a comparison of {@link Shapes.Shape#SHORTCUT}: one with one of its
     * {@link #LITERALS}, or of an element indexed by its {@link #LOOP_INDEX}.
     */
    static boolean hasShapesComparison(Method m) {
        for (Arg a : Ast.everything(m.body())) {
            if (a instanceof Cmp c && (c.op() == CmpOp.EQ || c.op() == CmpOp.NE) && (special(c.left()) || special(c.right()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean special(Expr e) {
        if (e instanceof Ast.Element el && el.index() instanceof Ast.IntParam i && i.name().startsWith(LOOP_INDEX)) {
            return true;
        }
        if (e instanceof Ast.Num n) {
            for (double l : LITERALS) {
                if (l == n.value()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the processor must differentiate {@code m} beside its code around, as far as the
     * test can tell: it tests a differentiated value for equality outside loop conditions, and it
     * can run beside itself (it writes only arrays it creates, has no holder parameter, calls no
     * helper Adjoint cannot see into and no method that writes its array arguments). False where
     * the test cannot tell (a long expression, whose code around may be too large for the JVM).
     */
    static boolean expectsCodeAround(Ast.Unit unit, Method m) {
        if (m.params().stream().anyMatch(p -> p.type() == Type.LIST || p.type() == Type.BUILDER)
                || testsDecideLoops(m.body(), false)) {
            return false;
        }
        Set<String> varied = carrying(m);
        Map<String, Expr> defined = defined(m);
        Set<String> created = new java.util.TreeSet<>();
        boolean tests = false;
        for (Ast.Stmt s : Ast.statements(m.body())) {
            if (s instanceof Ast.DeclareArray d) {
                created.add(d.name());
            } else if (s instanceof Ast.DeclareArrayInit d) {
                created.add(d.name());
            }
            for (Arg part : Ast.parts(s)) {
                boolean loopCondition = s instanceof Ast.While w && part == w.condition()
                        || s instanceof Ast.DoWhile d && part == d.condition();
                for (Arg a : Ast.everything(part)) {
                    tests |= !loopCondition && a instanceof Cmp c && forcible(c, varied, defined);
                    // a value object's unread field (new Pair(u, x == c ? a : b).first()) is dropped, its test too
                    if (a instanceof Ast.HelperCall || a instanceof Ast.ObjectCall || a instanceof Ast.Unstash
                            || a instanceof Ast.ValueRead || a instanceof Ast.FractionRead
                            || a instanceof Ast.Chain ch && ch.terms().size() >= 50) {
                        return false;
                    }
                    if (a instanceof Ast.Invoke i && writesArguments(unit, unit.method(i.method()), new java.util.TreeSet<>())) {
                        return false;
                    }
                }
            }
        }
        for (Ast.Stmt s : Ast.statements(m.body())) {
            if (s instanceof Ast.Stash || s instanceof Ast.Store st && !created.contains(st.array())) {
                return false;
            }
        }
        for (Arg a : Ast.everything(m.body())) {
            if (a instanceof Ast.IncElement x && !created.contains(x.array())) {
                return false;
            }
        }
        return tests && Campaign.nesting(m.body()) < 50;
    }

    /**
     * Whether the processor can keep each of {@code m}'s equality tests as written in its code
     * around (docs/generated-code.md: a method with several, at most five): it has two to five
     * outside loop conditions.
     */
    static boolean keepsTests(Method m) {
        Set<String> varied = carrying(m);
        Map<String, Expr> defined = defined(m);
        int tests = 0;
        for (Ast.Stmt s : Ast.statements(m.body())) {
            for (Arg part : Ast.parts(s)) {
                boolean loopCondition = s instanceof Ast.While w && part == w.condition()
                        || s instanceof Ast.DoWhile d && part == d.condition();
                for (Arg a : Ast.everything(part)) {
                    tests += !loopCondition && a instanceof Cmp c && forcible(c, varied, defined) ? 1 : 0;
                }
            }
        }
        return tests >= 2 && tests <= 5;
    }

    /** Whether {@code m} (or a method it calls) may write an array it is given. */
    private static boolean writesArguments(Ast.Unit unit, Method m, Set<String> seen) {
        if (!seen.add(m.name())) {
            return false;
        }
        for (Param p : m.params()) {
            if (p.type() == Type.DOUBLE_ARRAY && Ast.writesArray(m.body(), p.name())) {
                return true;
            }
        }
        return Ast.callees(m.body()).stream().anyMatch(c -> writesArguments(unit, unit.method(c), seen));
    }

    /**
     * The points near {@code p} where an equality test of {@code m} holds, as far as its text
     * shows: a double parameter compared with a literal set to that literal ({@code x == 0.625}),
     * an element of a double[] parameter compared with a double parameter set to that
     * parameter's value ({@code w[i] == s}: one element, drawn), at most four; and where a
     * series' factor {@code (n - p)} is exactly 0 at some step ({@link Shapes.Shape#EXACT_END}), p
     * a double parameter and n a local: p = 2 and p = 3.
     */
    static List<Point> specialPoints(Method m, Point p, Random random) {
        List<Point> out = new ArrayList<>();
        if (testsDecideLoops(m.body(), false)) {
            return out;
        }
        List<String> names = m.params().stream().map(Param::name).toList();
        for (Arg a : Ast.everything(m.body())) {
            if (a instanceof Ast.Bin b && b.op() == Ast.Op.SUB && b.left() instanceof Ast.Var n && !names.contains(n.name())
                    && b.right() instanceof Ast.Var whole && type(m, whole.name()) == Type.DOUBLE && out.size() < 2) {
                for (double v : new double[] {2.0, 3.0}) {
                    List<Object> args = new ArrayList<>(p.args());
                    args.set(names.indexOf(whole.name()), v);
                    Point q = new Point(args);
                    if (!out.contains(q)) {
                        out.add(q);
                    }
                }
            }
        }
        for (Arg a : Ast.everything(m.body())) {
            if (!(a instanceof Cmp c) || (c.op() != CmpOp.EQ && c.op() != CmpOp.NE) || out.size() >= 4) {
                continue;
            }
            for (Expr[] sides : List.of(new Expr[] {c.left(), c.right()}, new Expr[] {c.right(), c.left()})) {
                Point q = at(m, names, p, sides[0], sides[1], random);
                if (q != null && !out.contains(q)) {
                    out.add(q);
                }
            }
        }
        return out;
    }

    /** {@code p} with {@code target} set to the value of {@code value}, or null when the comparison is not of that form. */
    private static Point at(Method m, List<String> names, Point p, Expr target, Expr value, Random random) {
        List<Object> args = new ArrayList<>(p.args());
        double v;
        if (value instanceof Ast.Num n && Double.isFinite(n.value())) {
            v = n.value();
        } else if (value instanceof Ast.Var s && type(m, s.name()) == Type.DOUBLE) {
            v = (Double) p.args().get(names.indexOf(s.name()));
        } else {
            return null;
        }
        if (target instanceof Ast.Var x && type(m, x.name()) == Type.DOUBLE) {
            args.set(names.indexOf(x.name()), v);
        } else if (target instanceof Ast.Element el && type(m, el.array()) == Type.DOUBLE_ARRAY
                && value instanceof Ast.Var) {
            double[] array = ((double[]) p.args().get(names.indexOf(el.array()))).clone();
            array[random.nextInt(array.length)] = v;
            args.set(names.indexOf(el.array()), array);
        } else {
            return null;
        }
        return new Point(args);
    }

    private static Type type(Method m, String name) {
        return m.params().stream().filter(q -> q.name().equals(name)).map(Param::type).findFirst().orElse(null);
    }

    /**
     * Whether an equality test inside a loop chooses a branch that jumps out of it ({@code return},
     * {@code break}, a labelled {@code continue}): the processor keeps such a test in the code around
     * (failing, it could keep the loop going for ever), and where it does the test cannot tell which
     * code around the processor runs. Such methods are checked at random points only. A plain
     * {@code continue} leaves the iteration only: its test fails in the code around, as any other.
     */
    static boolean testsDecideLoops(List<Ast.Stmt> body, boolean inLoop) {
        for (Ast.Stmt s : body) {
            boolean loop = s instanceof Ast.For || s instanceof Ast.ForEach || s instanceof Ast.While
                    || s instanceof Ast.DoWhile || s instanceof Ast.CountDown;
            if (inLoop && s instanceof Ast.If i && Ast.everything(i.condition()).stream().anyMatch(a -> a instanceof Cmp c
                    && (c.op() == CmpOp.EQ || c.op() == CmpOp.NE)) && Ast.statements(List.of(s)).stream().anyMatch(
                    t -> t instanceof Ast.Return || t instanceof Ast.Break || t instanceof Ast.Continue c && c.label() != null)) {
                return true;
            }
            // a while or do-while whose body tests an equality anywhere: the processor keeps a test as written
            // where its statement sets what the loop's condition depends on (x += (x != c ? x : k) under
            // while (x < y)), which this model does not follow; over-approximated, no prediction there
            if ((s instanceof Ast.While || s instanceof Ast.DoWhile) && Ast.everything(Ast.blocks(s).get(0)).stream()
                    .anyMatch(a -> a instanceof Cmp c && (c.op() == CmpOp.EQ || c.op() == CmpOp.NE))) {
                return true;
            }
            for (List<Ast.Stmt> block : Ast.blocks(s)) {
                if (testsDecideLoops(block, inLoop || loop)) {
                    return true;
                }
            }
        }
        return false;
    }
}
