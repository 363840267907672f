package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Arg;
import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.differential.Ast.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a method of the AST over any {@link Algebra}, with Java's semantics, including its
 * definite-assignment rule: a local declared without an initialiser is unbound until assigned (again
 * at each execution of its declaration, in a loop), and reading it then is an error, never a stale
 * value. A {@code throw} of the program ends the run with {@link Thrown}: such a point is not
 * checkable. A holder parameter ({@code List<Double>}, {@code StringBuilder}) holds the value last
 * stashed in it, as the real object would give it back. Along the way it
 * records the <em>decisions</em> the program makes (each comparison and loop test, which side of
 * {@code abs}, {@code max}, {@code %} or a step function a value falls on): a finite difference is
 * meaningful only when every point of its stencil makes the same decisions as the centre. It also
 * records the smallest relative <em>margin</em> of a comparison whose sides move with the inputs:
 * a point that close to a branch's threshold is not checked.
 *
 * <p>Arrays are {@code List<V>}s, copied on entry (the caller's lists are never written); a call
 * passes its arrays by reference, as Java does. Control flow is a {@link Jump} returned by a
 * block: break, continue (each with its label) or return.
 */
final class Interpreter<V> {

    /** More statements than this in one run is a generator bug (an unbounded loop), not a program. */
    private static final int MAX_STEPS = 2_000_000;

    private final Algebra<V> algebra;
    private final Unit unit;
    private final Map<String, V> doubles = new HashMap<>();
    private final Map<String, List<V>> arrays = new HashMap<>();
    private final Map<String, Object> others = new HashMap<>();
    /** What each holder parameter was last given ({@code xs.add(v)}, {@code sb.append(v)}). */
    private final Map<String, V> stashed = new HashMap<>();
    private final Shared shared;
    /** The variables of the method run here that may carry a derivative (null in a helper): which equality tests count. */
    private Set<String> varied;
    /** The method's variables given one value only ({@link ShortcutRule#defined}). */
    private Map<String, Ast.Expr> defined = Map.of();
    /** Whether this run is of the code around: its own equality tests ({@link ShortcutRule#forcible}) fail. */
    private final boolean around;
    /** The tests the code around keeps as written (by identity): a guard its code around cannot fail. */
    private final Set<Ast.Bool> kept;
    /** Whether this runs the method asked for, not a method it calls. */
    private final boolean top;
    /** Inside a loop's condition, whose equality tests the code around keeps. */
    private int loopCondition;

    /** What the runs of one program (a method and the calls it makes) share. */
    private static final class Shared {
        final List<Double> decisions = new ArrayList<>();
        double margin = Double.POSITIVE_INFINITY;
        /** The margin of every comparison but a loop's condition on |u| at u = 0 exactly (an exact end). */
        double marginBesideEnds = Double.POSITIVE_INFINITY;
        int steps;
        /** Nested calls: a shrunk recursion may have lost its base case. */
        int depth;
        /** Whether an equality test of a differentiated value held in the method asked for, in a method it calls. */
        boolean held;
        boolean heldInCallee;
        final Map<String, Set<String>> varied = new HashMap<>();
        final Map<String, Map<String, Ast.Expr>> defined = new HashMap<>();
        /** The method's own equality tests of differentiated values that ran (outside loop conditions), each once. */
        final Set<Ast.Bool> tests = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        final List<Ast.Bool> testsInOrder = new ArrayList<>();
        /** A run of the code around: a value it computes that is not finite ends it (Shortcuts.finite). */
        boolean finiteOnly;
    }

    private Interpreter(Algebra<V> algebra, Unit unit, Shared shared, boolean around, Set<Ast.Bool> kept, boolean top) {
        this.algebra = algebra;
        this.unit = unit;
        this.shared = shared;
        this.around = around;
        this.kept = kept;
        this.top = top;
    }

    /** The program threw (a {@code throw} statement ran): the point is not one the checker can use. */
    static class Thrown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Thrown(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The code around computed a value that is not finite. Whether the processor's code around
     * computes it too (and so takes the branch's derivative) the test cannot tell: the processor
     * drops values nothing reads, this interpreter does not.
     */
    static final class NotFinite extends Thrown {
        private static final long serialVersionUID = 1L;

        NotFinite() {
            super("the code around computed a value that is not finite");
        }
    }

    /**
     * The result of one run: the method's value, the decisions taken and the smallest margin; whether
     * an equality test of a differentiated value held ({@link ShortcutRule}) in the method itself
     * ({@code held}, a point where its derivative is chosen by the rule) or in a method it calls.
     */
    record Run<V>(V value, List<Double> decisions, double margin, double marginBesideEnds, boolean held,
            boolean heldInCallee, List<Ast.Bool> tests) {}

    /** break, continue (label null for an unlabelled one) or return (with its value). */
    private record Jump<V>(Kind kind, String label, V value) {
        enum Kind { BREAK, CONTINUE, RETURN }
    }

    /**
     * Runs {@code m}; {@code args} holds one entry per parameter: a {@code V} for a double, a
     * {@code List<V>} for a double[], a double[][] for a matrix, an Integer, Long or Boolean for
     * the passed-through ones.
     */
    static <V> Run<V> run(Algebra<V> algebra, Unit unit, Method m, List<Object> args) {
        return run(algebra, unit, m, args, false);
    }

    /**
     * Runs {@code m} as written, or ({@code around}) its code around: its equality tests of
     * differentiated values failing outside loop conditions (the methods it calls run as written).
     */
    static <V> Run<V> run(Algebra<V> algebra, Unit unit, Method m, List<Object> args, boolean around) {
        return run(algebra, unit, m, args, around, Set.of());
    }

    /** As {@link #run(Algebra, Unit, Method, List, boolean)}, the code around keeping {@code kept} as written. */
    static <V> Run<V> run(Algebra<V> algebra, Unit unit, Method m, List<Object> args, boolean around,
            Set<Ast.Bool> kept) {
        return run(algebra, unit, m, args, around, kept, around);
    }

    /** As above; {@code finiteOnly}: whether a value that is not finite ends the run ({@link NotFinite}). */
    static <V> Run<V> run(Algebra<V> algebra, Unit unit, Method m, List<Object> args, boolean around,
            Set<Ast.Bool> kept, boolean finiteOnly) {
        Shared shared = new Shared();
        shared.finiteOnly = finiteOnly;
        V value = new Interpreter<>(algebra, unit, shared, around, kept, true).invoke(m, args, true);
        return new Run<>(value, shared.decisions, shared.margin, shared.marginBesideEnds, shared.held,
                shared.heldInCallee, List.copyOf(shared.testsInOrder));
    }

    @SuppressWarnings("unchecked")
    private V invoke(Method m, List<Object> args, boolean copyArrays) {
        varied = shared.varied.computeIfAbsent(m.name(), k -> ShortcutRule.carrying(m));
        defined = shared.defined.computeIfAbsent(m.name(), k -> ShortcutRule.defined(m));
        for (Ast.Constant c : unit.constants()) {
            doubles.put(c.name(), algebra.constant(c.value()));
        }
        for (int i = 0; i < m.params().size(); i++) {
            Param p = m.params().get(i);
            switch (p.type()) {
                case DOUBLE -> doubles.put(p.name(), (V) args.get(i));
                case DOUBLE_ARRAY -> arrays.put(p.name(),
                        copyArrays ? new ArrayList<>((List<V>) args.get(i)) : (List<V>) args.get(i));
                default -> others.put(p.name(), args.get(i));
            }
        }
        Jump<V> end = block(m.body());
        if (end == null || end.kind() != Jump.Kind.RETURN) {
            throw new IllegalStateException("no return in " + m.name());
        }
        return end.value();
    }

    /** Runs a block; returns the jump that left it, or null when it completed normally. */
    private Jump<V> block(List<Stmt> body) {
        for (Stmt s : body) {
            if (++shared.steps > MAX_STEPS) {
                throw new IllegalStateException("more than " + MAX_STEPS + " steps");
            }
            Jump<V> jump = statement(s);
            if (jump != null) {
                return jump;
            }
        }
        return null;
    }

    private Jump<V> statement(Stmt s) {
        if (s instanceof Ast.Declare d) {
            // Double, var and final locals hold the same values as double ones
            doubles.put(d.name(), expr(d.init()));
        } else if (s instanceof Ast.DeclareUnassigned d) {
            doubles.remove(d.name());
        } else if (s instanceof Ast.Throw t) {
            throw new Thrown(t.exception() + ": " + t.message());
        } else if (s instanceof Ast.Stash st) {
            // as printed: the holder emptied first, then the value computed (it may read the holder back)
            stashed.remove(st.holder());
            stashed.put(st.holder(), expr(st.value()));
        } else if (s instanceof Ast.DeclareArrayInit d) {
            List<V> values = new ArrayList<>();
            for (Expr v : d.values()) {
                values.add(expr(v));
            }
            arrays.put(d.name(), values);
        } else if (s instanceof Ast.Switch sw) {
            return switchStatement(sw);
        } else if (s instanceof Ast.CountDown c) {
            // while (counter-- > 0): the test reads the old value, the body sees the decremented one;
            // while (--counter > 0): both see the decremented one
            others.put(c.counter(), (int) intExpr(c.start()));
            while (true) {
                int old = (Integer) others.get(c.counter());
                others.put(c.counter(), old - 1);
                int tested = c.pre() ? old - 1 : old;
                decide(tested > 0 ? 1 : 0);
                if (tested <= 0) {
                    break;
                }
                Jump<V> jump = block(c.body());
                if (leaves(jump, c.label())) {
                    return exit(jump, c.label());
                }
            }
        } else if (s instanceof Ast.Assign a) {
            doubles.put(a.name(), expr(a.value()));
        } else if (s instanceof Ast.Compound c) {
            // x op= e is x = (double) (x op e): the old x is read before e, and e is evaluated whole
            V old = variable(c.name());
            doubles.put(c.name(), algebra.binary(c.op(), old, expr(c.value())));
        } else if (s instanceof Ast.Step st) {
            doubles.put(st.name(),
                    algebra.binary(st.increment() ? Op.ADD : Op.SUB, variable(st.name()), algebra.constant(1)));
        } else if (s instanceof Ast.Return r) {
            return new Jump<>(Jump.Kind.RETURN, null, expr(r.value()));
        } else if (s instanceof Ast.Break b) {
            return new Jump<>(Jump.Kind.BREAK, b.label(), null);
        } else if (s instanceof Ast.Continue c) {
            return new Jump<>(Jump.Kind.CONTINUE, c.label(), null);
        } else if (s instanceof Ast.If i) {
            return bool(i.condition()) ? block(i.then()) : block(i.otherwise());
        } else if (s instanceof Ast.DeclareArray d) {
            List<V> zeros = new ArrayList<>();
            for (long k = intExpr(d.length()); k > 0; k--) {
                zeros.add(algebra.constant(0));
            }
            arrays.put(d.name(), zeros);
        } else if (s instanceof Ast.Store st) {
            // a[i] op= e: the array and index first, then the old element, then e (JLS 15.26.2)
            List<V> array = array(st.array());
            int index = index(array, st.index());
            V old = array.get(index);
            V value = expr(st.value());
            array.set(index, st.op() == null ? value : algebra.binary(st.op(), old, value));
        } else if (s instanceof Ast.For f) {
            return forLoop(f);
        } else if (s instanceof Ast.ForEach f) {
            // the array is evaluated once; each iteration reads its element then (writes are seen)
            List<V> array = array(f.array());
            int length = array.size();
            for (int k = 0; k < length; k++) {
                decide(1);
                doubles.put(f.variable(), array.get(k));
                Jump<V> jump = block(f.body());
                if (leaves(jump, f.label())) {
                    return exit(jump, f.label());
                }
            }
            decide(0);
        } else if (s instanceof Ast.While w) {
            others.put(w.counter(), 0);
            while (test(w.condition(), w.counter(), w.cap())) {
                others.put(w.counter(), (Integer) others.get(w.counter()) + 1);
                Jump<V> jump = block(w.body());
                if (leaves(jump, w.label())) {
                    return exit(jump, w.label());
                }
            }
        } else if (s instanceof Ast.DoWhile d) {
            others.put(d.counter(), 0);
            do {
                others.put(d.counter(), (Integer) others.get(d.counter()) + 1);
                Jump<V> jump = block(d.body());
                if (leaves(jump, d.label())) {
                    return exit(jump, d.label());
                }
            } while (test(d.condition(), d.counter(), d.cap()));
        } else {
            throw new IllegalArgumentException("unknown statement " + s);
        }
        return null;
    }

    /** Runs the cases from the one the selector picks (or default) on, falling through, until a break. */
    private Jump<V> switchStatement(Ast.Switch sw) {
        long selector = intExpr(sw.selector());
        int start = -1;
        for (int k = 0; k < sw.cases().size() && start < 0; k++) {
            Integer label = sw.cases().get(k).label();
            if (label != null && label == selector) {
                start = k;
            }
        }
        for (int k = 0; k < sw.cases().size() && start < 0; k++) {
            if (sw.cases().get(k).label() == null) {
                start = k;
            }
        }
        decide(start);
        for (int k = Math.max(start, 0); start >= 0 && k < sw.cases().size(); k++) {
            Jump<V> jump = block(sw.cases().get(k).body());
            if (jump != null) {
                // an unlabelled break leaves the switch; anything else leaves what encloses it
                return jump.kind() == Jump.Kind.BREAK && jump.label() == null ? null : jump;
            }
        }
        return null;
    }

    private Jump<V> forLoop(Ast.For f) {
        others.put(f.index(), 0);
        while (true) {
            boolean go = (Integer) others.get(f.index()) < intExpr(f.bound());
            decide(go ? 1 : 0);
            if (!go) {
                return null;
            }
            Jump<V> jump = block(f.body());
            if (leaves(jump, f.label())) {
                return exit(jump, f.label());
            }
            others.put(f.index(), (Integer) others.get(f.index()) + 1);
        }
    }

    /** {@code condition && counter < cap}, short-circuit as in Java. */
    private boolean test(Bool condition, String counter, int cap) {
        loopCondition++;
        boolean go = bool(condition) && (Integer) others.get(counter) < cap;
        loopCondition--;
        decide(go ? 1 : 0);
        return go;
    }

    /** Whether {@code jump} ends the loop labelled {@code label} (or leaves it for an outer one). */
    private static <V> boolean leaves(Jump<V> jump, String label) {
        if (jump == null) {
            return false;
        }
        // an unlabelled continue, or one naming this loop, goes on with the next iteration
        return !(jump.kind() == Jump.Kind.CONTINUE && (jump.label() == null || jump.label().equals(label)));
    }

    /** What a loop returns for a jump that leaves it: null when the break is its own. */
    private static <V> Jump<V> exit(Jump<V> jump, String label) {
        boolean own = jump.kind() == Jump.Kind.BREAK && (jump.label() == null || jump.label().equals(label));
        return own ? null : jump;
    }

    private V variable(String name) {
        V value = doubles.get(name);
        if (value == null) {
            throw new IllegalStateException("unbound " + name + " in " + unit.className()
                    + " (read before a definite assignment?)");
        }
        return value;
    }

    private List<V> array(String name) {
        List<V> array = arrays.get(name);
        if (array == null) {
            throw new IllegalStateException("unbound array " + name);
        }
        return array;
    }

    private int index(List<?> array, IntExpr index) {
        long i = intExpr(index);
        if (i < 0 || i >= array.size()) {
            throw new IllegalStateException("index " + i + " out of bounds for length " + array.size());
        }
        return (int) i;
    }

    /**
     * {@code v}; in a run of the code around, a {@link Thrown} where it is not finite: the processor's
     * code around checks every value it computes, since one through an infinity may end at the
     * method's value with a derivative that is not a number (docs/generated-code.md).
     */
    private V finite(V v) {
        if (shared.finiteOnly && !Double.isFinite(algebra.value(v))) {
            throw new NotFinite();
        }
        return v;
    }

    /**
     * {@code Ast.FractionRead}'s fraction at {@code y}, its terms from {@code s}, as Commons Math's
     * {@code ContinuedFraction.evaluate(y, 1e-13, most)} runs it (modified Lentz): the same operations
     * in the same order, so that the value is the compiled method's bit for bit. Each test is a
     * decision; a step that is not finite ends the run, as the library's exception does.
     */
    private V fraction(V s, V y, int most) {
        V one = algebra.constant(1.0);
        V t = algebra.binary(Ast.Op.DIV, one, algebra.binary(Ast.Op.ADD, one, algebra.binary(Ast.Op.MUL, s, s)));
        V hPrev = algebra.constant(1.0); // a_0 = 1: never within 1e-50 of 0
        V dPrev = algebra.constant(0.0);
        V cPrev = hPrev;
        V hN = hPrev;
        int n = 1;
        while (n < most) {
            V a = algebra.binary(Ast.Op.ADD, algebra.constant(2.0), algebra.binary(Ast.Op.MUL, algebra.constant(n), t));
            V yy = algebra.binary(Ast.Op.MUL, y, y);
            V b = algebra.binary(Ast.Op.DIV, yy, algebra.binary(Ast.Op.MUL, algebra.binary(Ast.Op.ADD, one,
                    algebra.binary(Ast.Op.MUL, y, y)), algebra.constant(n + 1.0)));
            V dN = small(algebra.binary(Ast.Op.ADD, a, algebra.binary(Ast.Op.MUL, b, dPrev)));
            V cN = small(algebra.binary(Ast.Op.ADD, a, algebra.binary(Ast.Op.DIV, b, cPrev)));
            dN = algebra.binary(Ast.Op.DIV, one, dN);
            V deltaN = algebra.binary(Ast.Op.MUL, cN, dN);
            hN = algebra.binary(Ast.Op.MUL, hPrev, deltaN);
            if (!Double.isFinite(algebra.value(hN))) {
                throw new Thrown("ConvergenceException: the continued fraction diverged");
            }
            boolean converged = Math.abs(algebra.value(deltaN) - 1.0) < 1e-13;
            decide(converged ? 1 : 0);
            if (converged) {
                break;
            }
            dPrev = dN;
            cPrev = cN;
            hPrev = hN;
            n++;
        }
        if (n >= most) {
            throw new Thrown("MaxCountExceededException: the continued fraction did not converge");
        }
        return hN;
    }

    /** {@code v}, or 1e-50 where it is within that of 0 (a decision), as the fraction's Precision.equals test. */
    private V small(V v) {
        boolean tiny = Math.abs(algebra.value(v)) <= 1e-50;
        decide(tiny ? 1 : 0);
        return tiny ? algebra.constant(1e-50) : v;
    }

    private V expr(Expr e) {
        if (JavaPrinter.isInt(e)) {
            // Java computes int-typed expressions in int (-(n - 1) is 0, not -0.0), then widens
            return algebra.constant(intValue(e));
        }
        if (e instanceof Ast.Num n) {
            return algebra.constant(n.value());
        } else if (e instanceof Ast.Var v) {
            return variable(v.name());
        } else if (e instanceof Ast.Widen w) {
            return algebra.constant(intExpr(w.value()));
        } else if (e instanceof Ast.Neg n) {
            return algebra.neg(expr(n.operand()));
        } else if (e instanceof Bin b) {
            V left = expr(b.left());
            V right = expr(b.right());
            if (b.op() == Op.REM) {
                // the side of a jump of a % b: its integer quotient
                double a = algebra.value(left), d = algebra.value(right);
                decide(Math.rint((a - a % d) / d));
            }
            return finite(algebra.binary(b.op(), left, right));
        } else if (e instanceof Call c) {
            return finite(call(c));
        } else if (e instanceof Ast.Cond c) {
            // only the chosen branch is evaluated, as in Java
            return bool(c.condition()) ? expr(c.then()) : expr(c.otherwise());
        } else if (e instanceof Ast.Truncate t) {
            V operand = expr(t.operand());
            decide((int) algebra.value(operand));
            return algebra.truncate(operand);
        } else if (e instanceof Ast.Element el) {
            List<V> array = array(el.array());
            return array.get(index(array, el.index()));
        } else if (e instanceof Ast.MatrixElement el) {
            double[][] matrix = (double[][]) others.get(el.matrix());
            long row = intExpr(el.row());
            long column = intExpr(el.column());
            return algebra.constant(matrix[(int) row][(int) column]);
        } else if (e instanceof Ast.StopGradient s) {
            return algebra.stop(expr(s.operand()));
        } else if (e instanceof Ast.Invoke i) {
            return invoke(i);
        } else if (e instanceof Ast.Chain c) {
            // javac's left-associative evaluation: ((t1 op t2) op t3) ...
            V acc = expr(c.terms().get(0));
            for (int k = 1; k < c.terms().size(); k++) {
                acc = algebra.binary(c.op(), acc, expr(c.terms().get(k)));
            }
            return acc;
        } else if (e instanceof Ast.HelperCall || e instanceof Ast.ObjectCall) {
            String name = e instanceof Ast.HelperCall h ? h.helper() : ((Ast.ObjectCall) e).helper();
            V arg = expr(e instanceof Ast.HelperCall h ? h.arg() : ((Ast.ObjectCall) e).arg());
            Ast.Helper helper = unit.helpers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            Interpreter<V> inside = new Interpreter<>(algebra, unit, shared, false, Set.of(), false);
            for (Ast.Constant c : unit.constants()) {
                inside.doubles.put(c.name(), algebra.constant(c.value()));
            }
            inside.doubles.put(Ast.Helper.PARAM, arg);
            return inside.expr(helper.body());
        } else if (e instanceof Ast.FractionRead f) {
            V s = expr(f.shape());
            return fraction(s, expr(f.at()), f.form() == 0 ? 500 : Integer.MAX_VALUE);
        } else if (e instanceof Ast.ValueRead v) {
            V a = expr(v.a());
            V b = expr(v.b());
            return switch (v.form()) {
                case 0, 11 -> a;
                case 2 -> algebra.binary(Ast.Op.ADD, algebra.binary(Ast.Op.MUL, a, b), a);
                case 5, 10 -> algebra.binary(Ast.Op.ADD, algebra.binary(Ast.Op.MUL, a, algebra.constant(1.0)), b);
                case 6 -> algebra.binary(Ast.Op.ADD, b, a);
                case 7 -> algebra.binary(Ast.Op.MUL, algebra.binary(Ast.Op.MUL, algebra.constant(2.0), a), b);
                case 8 -> algebra.binary(Ast.Op.MUL, b, algebra.constant(2.0));
                case 9 -> cellWork(a, b);
                default -> b;
            };
        } else if (e instanceof Ast.Unstash u) {
            V value = stashed.get(u.holder());
            if (value == null) {
                // Java's Double.parseDouble("") or list.get(0) of an empty list: the run ends with an exception
                throw new Thrown(u.holder() + " read back while empty");
            }
            return value;
        } else if (e instanceof Ast.AssignExpr a) {
            V value = expr(a.value());
            doubles.put(a.name(), value);
            return value;
        } else if (e instanceof Ast.IncElement x) {
            List<V> array = array(x.array());
            int index = index(array, x.index());
            V value = algebra.binary(x.increment() ? Op.ADD : Op.SUB, array.get(index), algebra.constant(1));
            array.set(index, value);
            return value;
        }
        throw new IllegalArgumentException("unknown expression " + e);
    }

    private V invoke(Ast.Invoke call) {
        Method callee = unit.method(call.method());
        List<Object> args = new ArrayList<>();
        for (int k = 0; k < call.args().size(); k++) {
            Arg a = call.args().get(k);
            Ast.Type type = callee.params().get(k).type();
            if (a instanceof Expr e) {
                args.add(expr(e));
            } else if (a instanceof IntExpr i) {
                long value = intExpr(i);
                args.add(type == Ast.Type.LONG ? (Object) value : (Object) (int) value);
            } else if (a instanceof Bool b) {
                args.add(bool(b));
            } else {
                String name = ((Ast.ArrayName) a).name();
                args.add(type == Ast.Type.MATRIX ? others.get(name) : array(name));
            }
        }
        // arrays by reference: the callee does not write its array parameters
        if (++shared.depth > 200) {
            throw new IllegalStateException("calls nested deeper than 200 (a recursion without its base case)");
        }
        V value = new Interpreter<>(algebra, unit, shared, false, Set.of(), false).invoke(callee, args, false);
        shared.depth--;
        return value;
    }

    private V call(Call c) {
        List<V> args = new ArrayList<>();
        for (Expr a : c.args()) {
            args.add(expr(a));
        }
        double a = algebra.value(args.get(0));
        switch (c.fn()) {
            case ABS, CBRT -> decide(Math.signum(a));
            case MAX, MIN -> decide(Math.signum(a - algebra.value(args.get(1))));
            case POW -> decide(Math.signum(a));
            // atan2(y, x) jumps by 2π where y changes sign with x < 0
            case ATAN2 -> decide(algebra.value(args.get(1)) < 0 ? Math.signum(a) : 2);
            case FLOOR, CEIL, RINT, ROUND, SIGNUM -> decide(DoubleAlgebra.INSTANCE.call(c.fn(), false, List.of(a)));
            default -> { }
        }
        return algebra.call(c.fn(), c.strict(), args);
    }

    /**
     * Whether {@code e} is |u| at u = 0: its derivative there is 0 (dual numbers do not see it move),
     * yet it moves with u. A loop stopped on {@code |b| > 1e-15} where b is exactly 0 (a series
     * ending exactly at a whole parameter) is decided by a hair, as a comparison of values that vary.
     */
    private static boolean atKink(Ast.Expr e, double value) {
        return value == 0 && e instanceof Ast.Call call && call.fn() == MathFunction.ABS;
    }

    private boolean bool(Bool b) {
        boolean result;
        boolean equality = b instanceof Ast.Cmp c && varied != null && loopCondition == 0 && ShortcutRule.forcible(c, varied, defined);
        if (equality && top && shared.tests.add(b)) {
            shared.testsInOrder.add(b);
        }
        if (equality && around && top && !kept.contains(b)) {
            // the code around: the test fails, its sides are not evaluated
            result = ((Ast.Cmp) b).op() == Ast.CmpOp.NE;
        } else if (b instanceof Ast.Cmp c) {
            V left = expr(c.left());
            V right = expr(c.right());
            double l = algebra.value(left);
            double r = algebra.value(right);
            if (equality && l == r) {
                // a point where the rule chooses the derivative; no margin (every point near it fails the test)
                shared.held |= top;
                shared.heldInCallee |= !top;
            } else if (algebra.varies(left, right) || atKink(c.left(), l) || atKink(c.right(), r)) {
                double margin = Math.abs(l - r) / Math.max(1, Math.max(Math.abs(l), Math.abs(r)));
                shared.margin = Math.min(shared.margin, margin);
                if (!(loopCondition > 0 && (atKink(c.left(), l) || atKink(c.right(), r)))) {
                    shared.marginBesideEnds = Math.min(shared.marginBesideEnds, margin);
                }
            }
            result = switch (c.op()) {
                case LT -> l < r;
                case GT -> l > r;
                case LE -> l <= r;
                case GE -> l >= r;
                case EQ -> l == r;
                case NE -> l != r;
            };
        } else if (b instanceof Ast.And a) {
            result = bool(a.left()) && bool(a.right()); // short-circuit, as in Java
        } else if (b instanceof Ast.Or o) {
            result = bool(o.left()) || bool(o.right());
        } else if (b instanceof Ast.Not n) {
            result = !bool(n.operand());
        } else if (b instanceof Ast.Flag f) {
            result = (Boolean) others.get(f.name());
        } else {
            throw new IllegalArgumentException("unknown condition " + b);
        }
        decide(result ? 1 : 0);
        return result;
    }

    /** An expression {@link JavaPrinter#isInt} says Java types as int, evaluated as Java does. */
    private long intValue(Expr e) {
        if (e instanceof Ast.Widen w) {
            return intExpr(w.value());
        } else if (e instanceof Ast.Neg n) {
            return -intValue(n.operand());
        } else if (e instanceof Bin b) {
            return intOp(b.op(), intValue(b.left()), intValue(b.right()));
        } else if (e instanceof Ast.Cond c) {
            return bool(c.condition()) ? intValue(c.then()) : intValue(c.otherwise());
        } else if (e instanceof Ast.Chain c) {
            long acc = intValue(c.terms().get(0));
            for (int k = 1; k < c.terms().size(); k++) {
                acc = intOp(c.op(), acc, intValue(c.terms().get(k)));
            }
            return acc;
        }
        throw new IllegalArgumentException("not an int expression: " + e);
    }

    private long intExpr(IntExpr e) {
        if (e instanceof Ast.IntParam p) {
            return ((Number) others.get(p.name())).longValue();
        } else if (e instanceof Ast.IntLit l) {
            return l.value();
        } else if (e instanceof Ast.Length l) {
            Object matrix = others.get(l.array());
            return matrix instanceof double[][] rows ? rows.length : array(l.array()).size();
        } else if (e instanceof Ast.Halvings h) {
            return Ast.Halvings.of(intExpr(h.n()));
        }
        Ast.IntBin b = (Ast.IntBin) e;
        return intOp(b.op(), intExpr(b.left()), intExpr(b.right()));
    }

    private static long intOp(Op op, long l, long r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case REM -> l % r;
            default -> throw new IllegalArgumentException("int " + op);
        };
    }

    private void decide(double outcome) {
        shared.decisions.add(outcome);
    }
    /** The value of the printer's {@code cellWork(a, b)}, in its order of operations. */
    private V cellWork(V a, V b) {
        // bounded where it grows (sin, cos): a cubic of large arguments overflows cosh and exp around it
        V first = algebra.binary(Op.MUL, a, algebra.call(MathFunction.SIN, false, List.of(b)));
        V second = algebra.binary(Op.ADD, b, a);
        V half = algebra.constant(0.5);
        first = algebra.binary(Op.MUL, half, first);
        second = algebra.binary(Op.ADD, second, half);
        first = algebra.binary(Op.MUL, algebra.binary(Op.MUL, first, half), algebra.constant(2.0));
        second = algebra.binary(Op.MUL, algebra.binary(Op.MUL, second, half), algebra.constant(2.0));
        first = algebra.binary(Op.ADD, first, b); // c.bump(b): a void change
        // Cell.pour(c, b, a);: a void static fill, then tilt(out, a) on its parameter (third is 1.0)
        second = algebra.binary(Op.ADD, algebra.binary(Op.MUL, second, algebra.call(MathFunction.COS, false, List.of(b))),
                algebra.binary(Op.MUL, first, a));
        first = algebra.binary(Op.SUB, first, algebra.binary(Op.MUL, algebra.constant(0.25), second));
        first = algebra.binary(Op.ADD, first, algebra.binary(Op.MUL, a, algebra.constant(1.0)));
        V d = algebra.binary(Op.MUL, algebra.call(MathFunction.COS, false, List.of(b)), a);
        V e = a; // Cell e = new Cell(); new Cell(b, a).into(e);: e.first = a
        return algebra.binary(Op.ADD, algebra.binary(Op.ADD, first, algebra.binary(Op.MUL, second,
                algebra.call(MathFunction.SIN, false, List.of(d)))), algebra.binary(Op.MUL, algebra.constant(0.5), e));
    }
}
