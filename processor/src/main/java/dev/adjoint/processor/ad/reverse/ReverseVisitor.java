package dev.adjoint.processor.ad.reverse;

import static dev.adjoint.processor.ad.Algebra.lit;
import static dev.adjoint.processor.ad.Algebra.mul;
import static dev.adjoint.processor.ad.Algebra.neg;

import dev.adjoint.processor.ad.Rules;
import dev.adjoint.processor.ad.reverse.Tree.Branch;
import dev.adjoint.processor.ad.reverse.Tree.LoopNode;
import dev.adjoint.processor.ad.reverse.Tree.Node;
import dev.adjoint.processor.ad.reverse.Tree.Plain;
import dev.adjoint.processor.ad.reverse.Tree.Scope;
import dev.adjoint.processor.ad.reverse.Tree.Step;
import dev.adjoint.processor.analysis.Loops;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reverse-mode visitor: builds the {@link Tree} of the normalized body and gives each
 * statement the statements of its reverse sweep, from the rules of {@link Rules}. For
 * {@code v = op(a, b)} (operands are variables or constants in the normal form) it adds
 * {@code _d_v·∂op/∂a} into {@code _d_a} and so on, then sets {@code _d_v} to 0 where the statement
 * overwrote {@code v}. An increment {@code s = s + e} passes {@code _d_s} on to {@code e} and leaves
 * it as it is; a call of another {@code @Differentiable} method calls its pullback.
 */
final class ReverseVisitor {

    private final Context c;
    private final ClassRef implClass;
    private int order;
    private int sharedHolders;

    ReverseVisitor(Context c, ClassRef implClass) {
        this.c = c;
        this.implClass = implClass;
    }

    Scope build() {
        Scope top = new Scope(null, 0, null);
        top.order = order++;
        fill(top, c.body);
        return top;
    }

    private void fill(Scope scope, List<Stmt> stmts) {
        for (Stmt s : stmts) {
            scope.nodes.add(node(s, scope));
        }
    }

    private Node node(Stmt s, Scope scope) {
        if (s instanceof Stmt.If f) {
            Scope then = Scope.within(scope);
            Scope otherwise = Scope.within(scope);
            Branch b = new Branch(f, then, otherwise, scope);
            b.order = order++;
            then.order = order++;
            fill(then, f.then());
            otherwise.order = order++;
            fill(otherwise, f.otherwise());
            return b;
        }
        if (s instanceof Stmt.Loop l) {
            Scope body = new Scope(scope, scope.depth + 1, null);
            LoopNode loop = new LoopNode(l, Loops.counter(l), body, scope);
            body.loop = loop;
            loop.order = order++;
            body.order = order++;
            fill(body, l.body());
            return loop;
        }
        if (s instanceof Stmt.Block b) {
            Scope inner = Scope.within(scope);
            inner.order = order++;
            fill(inner, b.body());
            return inner;
        }
        Node node;
        if (s instanceof Stmt.Return r) {
            node = reverse(new Step(r, null, false, scope, true));
        } else if (s instanceof Stmt.Declare d) {
            scope.locals.add(d.var());
            node = reverse(new Step(d, d.var(), false, scope, false));
        } else if (s instanceof Stmt.Assign a) {
            node = reverse(new Step(a, a.var(), true, scope, false));
        } else if (s instanceof Stmt.ArrayWrite w) {
            node = reverse(new Step(w, Exprs.var(w.array()), true, scope, false));
        } else {
            node = new Plain(s);
        }
        node.order = order++;
        return node;
    }

    // ------------------------------------------------------------ the reverse sweep of one statement

    private Step reverse(Step step) {
        List<Stmt> out = new ArrayList<>();
        if (step.ret) {
            Stmt.Return r = (Stmt.Return) step.source;
            if (c.vector != null) {
                if (c.activity.isActive(c.vector)) {
                    // the returned array's adjoint starts as the seed: _d_r[j] += seed[j]
                    Var j = new Var("_j", JType.INT, Var.Role.INDEX);
                    out.add(Assembler.countingLoop(j, lit0(), new Expr.Length(new Expr.Read(c.vector), null),
                            List.of(new Stmt.Accumulate(element(c.adjoint(c.vector), new Expr.Read(j)),
                                    element(c.seed, new Expr.Read(j))))));
                }
            } else if (r.value() != null) {
                propagate(r.value(), new Expr.Read(c.seed), out);
            }
        } else if (step.source instanceof Stmt.ArrayWrite w) {
            Var array = step.target;
            if (array != null && c.activity.isActive(array)) {
                Expr element = element(c.adjoint(array), w.index());
                Expr increment = increment(w.value(), new Expr.ArrayRead(w.array(), w.index(), JType.DOUBLE, null),
                        array);
                if (increment != null) {
                    Expr.Binary b = (Expr.Binary) w.value();
                    propagate(increment, b.op() == Expr.BinaryOp.SUB ? neg(element) : element, out);
                } else {
                    propagateValue(w.value(), element, null, out);
                    out.add(new Stmt.Put(element, lit(0)));
                }
            }
        } else {
            Var v = step.target;
            Expr value = Stmts.value(step.source);
            Polynomials.Root polynomial = step.source instanceof Stmt.Declare ? c.polynomials.root(v) : null;
            if (value != null && c.polynomials.absorbed(v)) {
                // inside a polynomial chain: its root's one term covers this temporary
            } else if (value != null && polynomial != null) {
                // the root of a polynomial p(t) spread over temporaries: _d_t += adj·p'(t)
                propagate(new Expr.Read(polynomial.t()), mul(new Expr.Read(c.adjoint(v)),
                        Rules.polynomialDerivative(polynomial.derivative(), new Expr.Read(polynomial.t()))), out);
            } else if (value != null && c.activity.isActive(v)) {
                Expr adj = new Expr.Read(c.adjoint(v));
                Expr increment = step.overwrites ? increment(value, new Expr.Read(v), v) : null;
                if (increment != null) {
                    Expr.Binary b = (Expr.Binary) value;
                    propagate(increment, b.op() == Expr.BinaryOp.SUB ? neg(adj) : adj, out);
                } else if (step.overwrites && Exprs.readsVar(value, v)) {
                    // v = f(v): the old v's adjoint arrives while the new v's is passed on, so take the
                    // new one aside and clear it first (v = v must keep its gradient, not zero it)
                    Var taken = c.reverseTemp(JType.DOUBLE);
                    out.add(new Stmt.Declare(taken, adj, null, null));
                    out.add(new Stmt.Assign(c.adjoint(v), lit(0), null, null));
                    propagateValue(value, new Expr.Read(taken), null, out);
                } else {
                    propagateValue(value, adj, v, out);
                    if (step.overwrites) {
                        out.add(new Stmt.Assign(c.adjoint(v), lit(0), null, null));
                    }
                }
            }
        }
        step.reverse = out;
        step.active = !out.isEmpty();
        for (Stmt s : Stmts.all(out)) {
            for (Expr e : Stmts.exprs(s)) {
                Exprs.reads(e, var -> {
                    // the step's own result too, fixed name or not (expm1's derivative reads it)
                    if (isPrimal(var) || var == step.target) {
                        step.reads.add(var);
                    }
                });
            }
            if (s instanceof Stmt.Loop l && l.condition() != null) {
                Exprs.reads(l.condition(), var -> {
                    if (isPrimal(var)) {
                        step.reads.add(var);
                    }
                });
            }
        }
        if (step.isElementWrite()) {
            // restoring a saved element reads its index
            Exprs.reads(step.index(), step.reads::add);
        }
        return step;
    }

    static boolean isPrimal(Var v) {
        return v.role != Var.Role.ADJOINT && v.role != Var.Role.REVERSE_TEMP && v.role != Var.Role.HOLDER
                && v.role != Var.Role.FIXED && v.role != Var.Role.INDEX;
    }

    private static Expr lit0() {
        return Expr.Const.ofInt(0);
    }

    private static Expr element(Var array, Expr index) {
        return new Expr.ArrayRead(new Expr.Read(array), index, JType.DOUBLE, null);
    }

    /**
     * For {@code v = v + e} or {@code v = v - e} (also an element {@code a[i] = a[i] + e}) where
     * {@code e} does not read {@code v}: {@code e}; else null.
     */
    private static Expr increment(Expr value, Expr self, Var v) {
        if (!(value instanceof Expr.Binary b) || (b.op() != Expr.BinaryOp.ADD && b.op() != Expr.BinaryOp.SUB)
                || !b.type().isDouble() || !sameTarget(b.left(), self)) {
            return null;
        }
        return Exprs.readsVar(b.right(), v) ? null : b.right();
    }

    private static boolean sameTarget(Expr a, Expr b) {
        if (a instanceof Expr.Read x && b instanceof Expr.Read y) {
            return x.var() == y.var();
        }
        if (a instanceof Expr.ArrayRead x && b instanceof Expr.ArrayRead y) {
            return sameTarget(x.array(), y.array()) && x.index().equals(y.index());
        }
        return false;
    }

    /** Adds {@code adj} into the adjoint of the variable {@code atom} reads, when it is active. */
    private void propagate(Expr atom, Expr adj, List<Stmt> out) {
        if (atom instanceof Expr.Read r && c.activity.isActive(r.var())) {
            out.add(new Stmt.Accumulate(new Expr.Read(c.adjoint(r.var())), adj));
        }
    }

    /** Adds {@code adj·∂value/∂x} into the adjoint of every active x that {@code value} (one operation) reads; {@code y} holds its result. */
    private void propagateValue(Expr value, Expr adj, Var y, List<Stmt> out) {
        if (!c.activity.carries(value)) {
            return;
        }
        if (value instanceof Expr.Read) {
            propagate(value, adj, out);
        } else if (value instanceof Expr.Cast cast) {
            propagateValue(cast.operand(), adj, null, out);
        } else if (Rules.isOperation(value)) {
            List<Expr> operands = Rules.operands(value);
            boolean[] varied = new boolean[operands.size()];
            for (int i = 0; i < varied.length; i++) {
                varied[i] = c.activity.carries(operands.get(i));
            }
            Expr result = y != null ? new Expr.Read(y) : null;
            Rules.Adjoint adjoint = Rules.reverse(value, result, adj, varied, c);
            out.addAll(adjoint.first());
            for (Rules.Term t : adjoint.terms()) {
                propagate(t.target(), t.delta(), out);
            }
        } else if (value instanceof Expr.Cond cond) {
            // only the branch taken: within it, y is that branch's value
            Expr a = atomic(adj, out);
            List<Stmt> then = new ArrayList<>();
            List<Stmt> otherwise = new ArrayList<>();
            propagateValue(cond.then(), a, y, then);
            propagateValue(cond.otherwise(), a, y, otherwise);
            if (!then.isEmpty() || !otherwise.isEmpty()) {
                out.add(new Stmt.If(cond.condition(), then, otherwise, null, null));
            }
        } else if (value instanceof Expr.ArrayRead read) {
            Var array = Exprs.var(read.array());
            if (array != null && c.activity.isActive(array)) {
                out.add(new Stmt.Accumulate(element(c.adjoint(array), read.index()), adj));
            }
        } else if (value instanceof Expr.Call call && call.callee() instanceof Callee.Differentiable d) {
            pullback(call, d, adj, out);
        } else if (value instanceof Expr.Call call && call.callee() instanceof Callee.Custom custom) {
            long varied = call.args().stream().filter(c.activity::carries).count();
            Expr a = varied > 1 ? atomic(adj, out) : adj;
            for (int i = 0; i < call.args().size(); i++) {
                if (c.activity.carries(call.args().get(i))) {
                    propagate(call.args().get(i), mul(a, Rules.partial(custom, i, call.receiver(), call.args())), out);
                }
            }
        }
    }

    /**
     * Through a call of another {@code @Differentiable} method: its pullback, called with the same
     * arguments and {@code adj} as seed, adds the arguments' adjoints into a gradient holder
     * ({@code _g1}); array arguments share the caller's adjoint arrays directly.
     */
    private void pullback(Expr.Call call, Callee.Differentiable callee, Expr adj, List<Stmt> out) {
        JType holderType = JType.named(callee.gradient());
        Var holder = new Var("_g", holderType, Var.Role.HOLDER);
        if (c.recursive.test(callee.key())) {
            // a recursive call: each level needs its own holder
            c.holders.add(new Stmt.Declare(holder, new Expr.New(holderType, List.of(), null), null, null));
        } else {
            // reused, one per thread: the pullback allocates nothing
            String field = c.method.name().toUpperCase(Locale.ROOT) + "_" + callee.name().toUpperCase(Locale.ROOT)
                    + "_HOLDER" + (++sharedHolders);
            c.sharedHolders.add(new ReverseMode.SharedHolder(field, holderType));
            JType threadLocal = JType.named(ClassRef.of("java.lang", "ThreadLocal"));
            Expr get = new Expr.Call(new Callee.Opaque(ClassRef.of("java.lang", "ThreadLocal"), "get", List.of(),
                    holderType, false, false, true), new Expr.StaticGet(implClass, field, threadLocal, false, null),
                    List.of(), holderType, null);
            c.holders.add(new Stmt.Declare(holder, get, null, null));
        }
        List<Expr> args = call.args();
        for (int i = 0; i < args.size(); i++) {
            if (!callee.wrt(i)) {
                continue;
            }
            Expr arg = args.get(i);
            Expr field = new Expr.FieldGet(new Expr.Read(holder), callee.gradient(), callee.gradientFields().get(i),
                    arg.type(), false, null);
            if (arg.type().isDoubleArray()) {
                Var array = Exprs.var(arg);
                out.add(new Stmt.Put(field, array != null && c.activity.isVaried(array)
                        ? new Expr.Read(c.adjoint(array))
                        : new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(new Expr.Length(arg, null)), null)));
            } else if (c.activity.carries(arg)) {
                out.add(new Stmt.Put(field, lit(0)));
            }
        }
        out.add(new Stmt.Eval(new Expr.Pullback(callee, args, adj, holder), null, null));
        for (int i = 0; i < args.size(); i++) {
            Expr arg = args.get(i);
            if (callee.wrt(i) && arg.type().isDouble() && c.activity.carries(arg)) {
                propagate(arg, new Expr.FieldGet(new Expr.Read(holder), callee.gradient(),
                        callee.gradientFields().get(i), JType.DOUBLE, false, null), out);
            }
        }
    }

    /** {@code adj} itself when it is a variable or constant, else a new name holding it (it is about to be read twice). */
    private Expr atomic(Expr adj, List<Stmt> out) {
        if (Exprs.isAtom(adj)) {
            return adj;
        }
        Var t = c.reverseTemp(JType.DOUBLE);
        out.add(new Stmt.Declare(t, adj, null, null));
        return new Expr.Read(t);
    }
}
