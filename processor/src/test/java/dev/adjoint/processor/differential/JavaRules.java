package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Arg;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Unit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of javac a random program must satisfy beyond scoping, for the statements of
 * {@link Ast}: definite assignment (JLS 16: "variable might not have been initialized", a
 * {@code final} assigned twice or in a loop), reachability (JLS 14.22: "unreachable statement"),
 * and the typing of boxed locals ({@code Double d = n} with an int {@code n} does not compile;
 * {@code d1 == d2} compares references, which is not what the {@link Interpreter} computes).
 *
 * <p>Definite assignment follows the JLS closely, constant conditions included: after
 * {@code if (1.0 > 2.0)} a variable is "assigned when true" vacuously, so javac accepts reading an
 * unassigned local inside that branch; {@code RATE > 0.0} over a {@code static final} constant is a
 * constant expression too. Where this class is less precise than javac it rejects (an assignment
 * inside a {@code ?:} does not count), so a program it accepts javac accepts: the generator's own
 * tracking must stay inside it, and {@code GeneratorTest} compiles its programs with plain javac
 * to hold both to the real thing.
 */
final class JavaRules {

    /**
     * What is known at a point: which tracked locals are definitely assigned, which finals may
     * already be assigned. A {@code null} flow is a point that cannot be reached (after a jump).
     * After a condition that cannot be true (false), javac counts every variable declared so far as
     * assigned (and unassigned) "vacuously": {@link #vacuous()}.
     */
    private record Flow(Set<String> assigned, Set<String> maybe) {
        boolean has(String name) {
            return assigned.contains(name);
        }

        Flow with(String name) {
            Set<String> a = new TreeSet<>(assigned);
            Set<String> m = new TreeSet<>(maybe);
            a.add(name);
            m.add(name);
            return new Flow(a, m);
        }

        Flow without(String name) {
            Set<String> a = new TreeSet<>(assigned);
            Set<String> m = new TreeSet<>(maybe);
            a.remove(name);
            m.remove(name);
            return new Flow(a, m);
        }
    }

    /** Two paths joining: assigned on both, maybe-assigned on either. A null (unreachable) path adds nothing. */
    private static Flow meet(Flow a, Flow b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Set<String> assigned = new TreeSet<>(a.assigned());
        assigned.retainAll(b.assigned());
        Set<String> maybe = new TreeSet<>(a.maybe());
        maybe.addAll(b.maybe());
        return new Flow(assigned, maybe);
    }

    /** Every local declared so far assigned, and none maybe-assigned: what holds after a condition that cannot hold. */
    private Flow vacuous() {
        return new Flow(new TreeSet<>(tracked), Set.of());
    }

    /** A statement {@code break} or {@code continue} can leave: a loop or a switch, with its label. */
    private record Target(String label, boolean loop, List<Flow> breaks, List<Flow> continues) {}

    private final Map<String, Double> constants = new HashMap<>();
    /** Locals declared without an initialiser: reads of them need a definite assignment. */
    private final Set<String> tracked = new TreeSet<>();
    /** Final locals and the loop depth of their declaration. */
    private final Map<String, Integer> finals = new HashMap<>();
    private final Set<String> boxed = new TreeSet<>();
    private final Deque<Target> targets = new ArrayDeque<>();
    private int loopDepth;
    private String violation;

    private JavaRules(Unit unit) {
        unit.constants().forEach(c -> constants.put(c.name(), c.value()));
    }

    /** What javac would say against {@code m} (or what would make it mean something else), or null when it holds. */
    static String violation(Unit unit, Method m) {
        JavaRules rules = new JavaRules(unit);
        for (Ast.Param p : m.params()) {
            if (p.type() == Ast.Type.LIST || p.type() == Ast.Type.BUILDER) {
                rules.tracked.add(holderMark(p.name()));
            }
        }
        Flow end = rules.block(m.body(), new Flow(Set.of(), Set.of()));
        if (rules.violation == null && end != null) {
            rules.fail("missing return statement");
        }
        return rules.violation;
    }

    /**
     * Whether a block the generator just wrote can complete normally (JLS 14.22), its jumps to
     * enclosing statements counting as leaving it.
     */
    static boolean completesNormally(List<Stmt> block) {
        JavaRules rules = new JavaRules(new Unit("", "", List.of(), List.of(), List.of()));
        rules.targets.push(new Target(null, true, new ArrayList<>(), new ArrayList<>()));
        return rules.block(block, rules.vacuous()) != null;
    }

    /** Whether {@code condition} is a constant expression (over literals and the unit's constants). */
    static boolean isConstant(Unit unit, Bool condition) {
        return new JavaRules(unit).constant(condition) != null;
    }

    /** The pseudo-variable "the holder was filled": a read back needs it definitely assigned. */
    static String holderMark(String holder) {
        return holder + "#filled";
    }

    private void fail(String why) {
        if (violation == null) {
            violation = why;
        }
    }

    private Flow block(List<Stmt> body, Flow in) {
        Flow f = in;
        for (Stmt s : body) {
            if (f == null) {
                fail("unreachable statement: " + JavaPrinter.describe(s));
                return null;
            }
            f = statement(s, f);
        }
        return f;
    }

    private Flow statement(Stmt s, Flow f) {
        if (s instanceof Ast.Declare d) {
            f = read(d.init(), f);
            if (d.kind() == Ast.Local.FINAL) {
                finals.put(d.name(), loopDepth);
                Double value = constant(d.init());
                if (value != null) {
                    constants.put(d.name(), value); // a final local with a constant initialiser is a constant variable
                }
            } else if (d.kind() == Ast.Local.BOXED) {
                if (JavaPrinter.isInt(d.init())) {
                    fail("incompatible types: int cannot be converted to Double (" + d.name() + ")");
                }
                boxed.add(d.name());
            } else if (d.kind() == Ast.Local.VAR && Ast.boxedTyped(d.init(), boxed)) {
                boxed.add(d.name());
            }
            return f.without(d.name()).with(d.name());
        } else if (s instanceof Ast.DeclareUnassigned d) {
            tracked.add(d.name());
            if (d.isFinal()) {
                finals.put(d.name(), loopDepth);
            }
            return f.without(d.name());
        } else if (s instanceof Ast.Assign a) {
            f = read(a.value(), f);
            return assign(a.name(), a.value(), f);
        } else if (s instanceof Ast.Compound c) {
            require(c.name(), f);
            f = read(c.value(), f);
            if (finals.containsKey(c.name())) {
                fail("cannot assign a value to final variable " + c.name());
            }
            return f;
        } else if (s instanceof Ast.Step st) {
            require(st.name(), f);
            if (finals.containsKey(st.name())) {
                fail("cannot assign a value to final variable " + st.name());
            }
            return f;
        } else if (s instanceof Ast.Return r) {
            read(r.value(), f);
            return null;
        } else if (s instanceof Ast.Throw) {
            return null;
        } else if (s instanceof Ast.Break b) {
            Target t = target(b.label(), false);
            if (t != null) {
                t.breaks().add(f);
            }
            return null;
        } else if (s instanceof Ast.Continue c) {
            Target t = target(c.label(), true);
            if (t != null) {
                t.continues().add(f);
            }
            return null;
        } else if (s instanceof Ast.If i) {
            f = read(i.condition(), f);
            Flow then = block(i.then(), whenTrue(i.condition(), f));
            Flow otherwise = block(i.otherwise(), whenFalse(i.condition(), f));
            return meet(then, otherwise);
        } else if (s instanceof Ast.For loop) {
            f = read(loop.bound(), f);
            // i < bound is never a constant expression (i is not final): the body is reachable, the loop ends
            return loop(loop.label(), loop.body(), f, f);
        } else if (s instanceof Ast.ForEach loop) {
            return loop(loop.label(), loop.body(), f, f);
        } else if (s instanceof Ast.While loop) {
            f = read(loop.condition(), f);
            // cond && counter < cap is never constant; after it when false, what holds before it
            return loop(loop.label(), loop.body(), whenTrue(loop.condition(), f), f);
        } else if (s instanceof Ast.CountDown loop) {
            f = read(loop.start(), f);
            return loop(loop.label(), loop.body(), f, f);
        } else if (s instanceof Ast.DoWhile loop) {
            Target t = new Target(loop.label(), true, new ArrayList<>(), new ArrayList<>());
            targets.push(t);
            loopDepth++;
            Flow end = block(loop.body(), f);
            loopDepth--;
            targets.pop();
            Flow condition = end;
            for (Flow c : t.continues()) {
                condition = meet(condition, c);
            }
            if (condition != null) {
                condition = read(loop.condition(), condition);
            }
            // the do completes when its condition can be false (never constant here) or a break leaves it
            Flow out = condition;
            for (Flow b : t.breaks()) {
                out = meet(out, b);
            }
            return out;
        } else if (s instanceof Ast.Switch sw) {
            f = read(sw.selector(), f);
            Target t = new Target(null, false, new ArrayList<>(), new ArrayList<>());
            targets.push(t);
            Flow previous = null;
            boolean hasDefault = false;
            for (Ast.Case c : sw.cases()) {
                hasDefault |= c.label() == null;
                // a case is entered from the selector or by falling through from the case before
                previous = block(c.body(), meet(f, previous));
            }
            targets.pop();
            Flow out = previous;
            for (Flow b : t.breaks()) {
                out = meet(out, b);
            }
            return hasDefault ? out : meet(out, f);
        } else if (s instanceof Ast.DeclareArray d) {
            return read(d.length(), f).without(d.name()).with(d.name());
        } else if (s instanceof Ast.DeclareArrayInit d) {
            for (Expr v : d.values()) {
                f = read(v, f);
            }
            return f.without(d.name()).with(d.name());
        } else if (s instanceof Ast.Store st) {
            f = read(st.index(), f);
            return read(st.value(), f);
        } else if (s instanceof Ast.Stash st) {
            f = read(st.value(), f);
            return f.with(holderMark(st.holder()));
        }
        throw new IllegalArgumentException("unknown statement " + s);
    }

    /** A loop whose condition is never constant: the body runs from {@code in}, the loop ends with {@code exit} or a break. */
    private Flow loop(String label, List<Stmt> body, Flow in, Flow exit) {
        Target t = new Target(label, true, new ArrayList<>(), new ArrayList<>());
        targets.push(t);
        loopDepth++;
        block(body, in);
        loopDepth--;
        targets.pop();
        Flow out = exit;
        for (Flow b : t.breaks()) {
            out = meet(out, b);
        }
        return out;
    }

    /** The statement a jump leaves: the labelled loop, else the innermost loop (or switch, for a break). */
    private Target target(String label, boolean loopOnly) {
        for (Target t : targets) {
            if (label != null ? label.equals(t.label()) : t.loop() || !loopOnly) {
                return t;
            }
        }
        fail((loopOnly ? "continue" : "break") + " outside switch or loop");
        return null;
    }

    private Flow assign(String name, Expr value, Flow f) {
        if (boxed.contains(name) && JavaPrinter.isInt(value)) {
            fail("incompatible types: int cannot be converted to Double (" + name + ")");
        }
        Integer depth = finals.get(name);
        if (depth != null) {
            if (!tracked.contains(name)) {
                fail("cannot assign a value to final variable " + name);
            } else if (f.maybe().contains(name)) {
                fail("variable " + name + " might already have been assigned");
            } else if (loopDepth > depth) {
                fail("variable " + name + " might be assigned in loop");
            }
        }
        return f.with(name);
    }

    private void require(String name, Flow f) {
        if (tracked.contains(name) && !f.has(name)) {
            fail("variable " + name + " might not have been initialized");
        }
    }

    /** Checks the reads of an expression, condition or int expression; returns what holds after it. */
    private Flow read(Arg e, Flow f) {
        if (e instanceof Ast.Var v) {
            require(v.name(), f);
            return f;
        } else if (e instanceof Ast.Unstash u) {
            if (!f.has(holderMark(u.holder()))) {
                fail(u.holder() + " is read back before anything was put into it");
            }
            return f;
        } else if (e instanceof Ast.Cond c) {
            f = read(c.condition(), f);
            Flow then = read(c.then(), whenTrue(c.condition(), f));
            Flow otherwise = read(c.otherwise(), whenFalse(c.condition(), f));
            return meet(then, otherwise);
        } else if (e instanceof Ast.And a) {
            read(a.right(), whenTrue(a.left(), read(a.left(), f)));
            return f; // an assignment in a condition does not count (none is generated)
        } else if (e instanceof Ast.Or o) {
            read(o.right(), whenFalse(o.left(), read(o.left(), f)));
            return f;
        } else if (e instanceof Ast.Cmp c) {
            if ((c.op() == Ast.CmpOp.EQ || c.op() == Ast.CmpOp.NE) && Ast.boxedTyped(c.left(), boxed)
                    && Ast.boxedTyped(c.right(), boxed)) {
                fail("== of two Double values compares references");
            }
            return read(c.right(), read(c.left(), f));
        } else if (e instanceof Ast.AssignExpr a) {
            f = read(a.value(), f);
            return assign(a.name(), a.value(), f);
        } else if (e instanceof Ast.Truncate t && Ast.boxedTyped(t.operand(), boxed)) {
            fail("incompatible types: Double cannot be converted to int");
        }
        for (Arg child : Ast.children(e)) {
            f = read(child, f);
        }
        return f;
    }

    private Flow whenTrue(Bool c, Flow f) {
        Boolean value = constant(c);
        if (value != null) {
            return value ? f : vacuous();
        }
        if (c instanceof Ast.And a) {
            return whenTrue(a.right(), whenTrue(a.left(), f));
        } else if (c instanceof Ast.Or o) {
            return meet(whenTrue(o.left(), f), whenTrue(o.right(), whenFalse(o.left(), f)));
        } else if (c instanceof Ast.Not n) {
            return whenFalse(n.operand(), f);
        }
        return f;
    }

    private Flow whenFalse(Bool c, Flow f) {
        Boolean value = constant(c);
        if (value != null) {
            return value ? vacuous() : f;
        }
        if (c instanceof Ast.And a) {
            return meet(whenFalse(a.left(), f), whenFalse(a.right(), whenTrue(a.left(), f)));
        } else if (c instanceof Ast.Or o) {
            return whenFalse(o.right(), whenFalse(o.left(), f));
        } else if (c instanceof Ast.Not n) {
            return whenTrue(n.operand(), f);
        }
        return f;
    }

    // ------------------------------------------------------------------ constant expressions (JLS 15.29)

    /** The value of a constant boolean expression, or null when it is not one. */
    private Boolean constant(Bool b) {
        if (b instanceof Ast.Cmp c) {
            Double l = constant(c.left());
            Double r = constant(c.right());
            if (l == null || r == null) {
                return null;
            }
            return switch (c.op()) {
                case LT -> l < r;
                case GT -> l > r;
                case LE -> l <= r;
                case GE -> l >= r;
                case EQ -> l.doubleValue() == r.doubleValue();
                case NE -> l.doubleValue() != r.doubleValue();
            };
        } else if (b instanceof Ast.And a) {
            Boolean l = constant(a.left());
            Boolean r = constant(a.right());
            return l == null || r == null ? null : l && r;
        } else if (b instanceof Ast.Or o) {
            Boolean l = constant(o.left());
            Boolean r = constant(o.right());
            return l == null || r == null ? null : l || r;
        } else if (b instanceof Ast.Not n) {
            Boolean v = constant(n.operand());
            return v == null ? null : !v;
        }
        return null; // a boolean parameter
    }

    /** The value of a constant numeric expression (as a double), or null when it is not one. */
    private Double constant(Expr e) {
        if (e instanceof Ast.Num n) {
            return n.value();
        } else if (e instanceof Ast.Var v) {
            return constants.get(v.name());
        } else if (e instanceof Ast.Widen w) {
            Long v = constant(w.value());
            return v == null ? null : (double) v;
        } else if (e instanceof Ast.Neg n) {
            Double v = constant(n.operand());
            return v == null ? null : JavaPrinter.isInt(e) ? (double) -(long) (double) v : -v;
        } else if (e instanceof Ast.Bin b) {
            Double l = constant(b.left());
            Double r = constant(b.right());
            if (l == null || r == null) {
                return null;
            }
            if (JavaPrinter.isInt(e)) {
                long x = (long) (double) l;
                long y = (long) (double) r;
                return (double) (b.op() == Ast.Op.ADD ? x + y : b.op() == Ast.Op.SUB ? x - y : x * y);
            }
            return DoubleAlgebra.apply(b.op(), l, r);
        } else if (e instanceof Ast.Chain c) {
            Double acc = null;
            for (Expr t : c.terms()) {
                Double v = constant(t);
                if (v == null) {
                    return null;
                }
                acc = acc == null ? v : DoubleAlgebra.apply(c.op(), acc, v);
            }
            return acc;
        } else if (e instanceof Ast.Cond c) {
            Boolean test = constant(c.condition());
            Double then = constant(c.then());
            Double otherwise = constant(c.otherwise());
            return test == null || then == null || otherwise == null ? null : test ? then : otherwise;
        } else if (e instanceof Ast.Truncate t) {
            Double v = constant(t.operand());
            return v == null ? null : (double) (int) (double) v;
        }
        return null; // calls, elements, stopGradient, assignments
    }

    private static Long constant(IntExpr e) {
        if (e instanceof Ast.IntLit l) {
            return (long) l.value();
        } else if (e instanceof Ast.IntBin b) {
            Long l = constant(b.left());
            Long r = constant(b.right());
            if (l == null || r == null) {
                return null;
            }
            return switch (b.op()) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case REM -> r == 0 ? null : l % r;
                case DIV -> r == 0 ? null : l / r;
            };
        }
        return null; // parameters, indices, lengths
    }
}
