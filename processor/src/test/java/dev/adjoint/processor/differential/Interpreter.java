package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.IntExpr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Op;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Unit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a method of the AST over any {@link Algebra}, with Java's semantics. Along the way it
 * records the <em>decisions</em> the program makes (each comparison, which side of {@code abs},
 * {@code max}, {@code %} or a step function a value falls on): a finite difference is meaningful
 * only when every point of its stencil makes the same decisions as the centre.
 */
final class Interpreter<V> {

    private final Algebra<V> algebra;
    private final Unit unit;
    private final Map<String, V> doubles = new HashMap<>();
    private final Map<String, Object> others = new HashMap<>();
    private final List<Double> decisions = new ArrayList<>();

    private Interpreter(Algebra<V> algebra, Unit unit) {
        this.algebra = algebra;
        this.unit = unit;
    }

    /** The result of one run: the method's value and the decisions taken on the way. */
    record Run<V>(V value, List<Double> decisions) {}

    /**
     * Runs {@code m}; {@code args} holds one entry per parameter: a {@code V} for a double,
     * an Integer, Long or Boolean for the passed-through ones.
     */
    static <V> Run<V> run(Algebra<V> algebra, Unit unit, Method m, List<Object> args) {
        Interpreter<V> in = new Interpreter<>(algebra, unit);
        for (Ast.Constant c : unit.constants()) {
            in.doubles.put(c.name(), algebra.constant(c.value()));
        }
        for (int i = 0; i < m.params().size(); i++) {
            Param p = m.params().get(i);
            if (p.type() == Ast.Type.DOUBLE) {
                @SuppressWarnings("unchecked")
                V v = (V) args.get(i);
                in.doubles.put(p.name(), v);
            } else {
                in.others.put(p.name(), args.get(i));
            }
        }
        return new Run<>(in.body(m.body()), in.decisions);
    }

    private V body(List<Stmt> body) {
        for (Stmt s : body) {
            if (s instanceof Ast.Declare d) {
                doubles.put(d.name(), expr(d.init()));
            } else if (s instanceof Ast.Assign a) {
                doubles.put(a.name(), expr(a.value()));
            } else if (s instanceof Ast.Compound c) {
                // x op= e is x = (double) (x op e): the old x is read before e, and e is evaluated whole
                V old = doubles.get(c.name());
                doubles.put(c.name(), algebra.binary(c.op(), old, expr(c.value())));
            } else if (s instanceof Ast.Step st) {
                doubles.put(st.name(),
                        algebra.binary(st.increment() ? Op.ADD : Op.SUB, doubles.get(st.name()), algebra.constant(1)));
            } else if (s instanceof Ast.Return r) {
                return expr(r.value());
            } else {
                throw new IllegalArgumentException("unknown statement " + s);
            }
        }
        throw new IllegalStateException("no return in " + body);
    }

    private V expr(Expr e) {
        if (JavaPrinter.isInt(e)) {
            // Java computes int-typed expressions in int (-(n - 1) is 0, not -0.0), then widens
            return algebra.constant(intValue(e));
        }
        if (e instanceof Ast.Num n) {
            return algebra.constant(n.value());
        } else if (e instanceof Ast.Var v) {
            V value = doubles.get(v.name());
            if (value == null) {
                throw new IllegalStateException("unbound " + v.name() + " in " + unit.className());
            }
            return value;
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
            return algebra.binary(b.op(), left, right);
        } else if (e instanceof Call c) {
            return call(c);
        } else if (e instanceof Ast.Cond c) {
            // only the chosen branch is evaluated, as in Java
            return bool(c.condition()) ? expr(c.then()) : expr(c.otherwise());
        } else if (e instanceof Ast.Truncate t) {
            V operand = expr(t.operand());
            decide((int) algebra.value(operand));
            return algebra.truncate(operand);
        }
        throw new IllegalArgumentException("unknown expression " + e);
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

    private boolean bool(Bool b) {
        boolean result;
        if (b instanceof Ast.Cmp c) {
            double l = algebra.value(expr(c.left()));
            double r = algebra.value(expr(c.right()));
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
        }
        throw new IllegalArgumentException("not an int expression: " + e);
    }

    private long intExpr(IntExpr e) {
        if (e instanceof Ast.IntParam p) {
            return ((Number) others.get(p.name())).longValue();
        } else if (e instanceof Ast.IntLit l) {
            return l.value();
        }
        Ast.IntBin b = (Ast.IntBin) e;
        return intOp(b.op(), intExpr(b.left()), intExpr(b.right()));
    }

    private static long intOp(Op op, long l, long r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            default -> throw new IllegalArgumentException("int " + op);
        };
    }

    private void decide(double outcome) {
        decisions.add(outcome);
    }
}
