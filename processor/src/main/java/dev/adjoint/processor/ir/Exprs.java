package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** Structural helpers over expressions: children, rebuilding with other children, variables read. */
public final class Exprs {

    private Exprs() {}

    /** The direct sub-expressions of {@code e}, in evaluation order. */
    public static List<Expr> children(Expr e) {
        return e.accept(CHILDREN);
    }

    /** The value Java gives a field or array element of {@code type} before anything is written: 0, false or null. */
    public static Expr defaultValue(JType type) {
        return switch (type.kind()) {
            case DOUBLE -> Expr.Const.of(0);
            case FLOAT -> new Expr.Const(0f, type, null);
            case BOOLEAN -> Expr.Const.ofBoolean(false);
            case LONG -> new Expr.Const(0L, type, null);
            case INT -> type.mirror() == null || type.mirror().getKind() == javax.lang.model.type.TypeKind.INT
                    ? Expr.Const.ofInt(0) : new Expr.Cast(type, Expr.Const.ofInt(0), null);
            default -> new Expr.Const(null, type, null);
        };
    }

    /** {@code e} with each direct sub-expression replaced by {@code f} of it (the same node when none changes). */
    public static Expr map(Expr e, UnaryOperator<Expr> f) {
        List<Expr> old = children(e);
        if (old.isEmpty()) {
            return e;
        }
        List<Expr> now = new ArrayList<>(old.size());
        boolean changed = false;
        for (Expr c : old) {
            Expr m = f.apply(c);
            changed |= m != c;
            now.add(m);
        }
        return changed ? rebuild(e, now) : e;
    }

    /** Calls {@code action} for every variable {@code e} reads (a variable assigned by an {@link Expr.Assignment} is not read unless compound). */
    public static void reads(Expr e, Consumer<Var> action) {
        if (e instanceof Expr.Read r) {
            action.accept(r.var());
            return;
        }
        if (e instanceof Expr.Assignment a && a.target() instanceof Expr.Read t) {
            if (a.op() != null) {
                action.accept(t.var());
            }
            reads(a.value(), action);
            return;
        }
        // the commonest nodes walked without building their list of children (these walks run over
        // every statement in every clean-up pass)
        if (e instanceof Expr.Binary b) {
            reads(b.left(), action);
            reads(b.right(), action);
            return;
        }
        if (e instanceof Expr.Const) {
            return;
        }
        for (Expr c : children(e)) {
            reads(c, action);
        }
    }

    /** Whether {@code e} reads {@code v}. */
    public static boolean readsVar(Expr e, Var v) {
        boolean[] found = {false};
        reads(e, r -> found[0] |= r == v);
        return found[0];
    }

    /** Whether some node of {@code e} (itself included) satisfies {@code p}. */
    public static boolean any(Expr e, Predicate<Expr> p) {
        if (p.test(e)) {
            return true;
        }
        if (e instanceof Expr.Binary b) {
            return any(b.left(), p) || any(b.right(), p);
        }
        if (e instanceof Expr.Const || e instanceof Expr.Read) {
            return false;
        }
        for (Expr c : children(e)) {
            if (any(c, p)) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} on every node of {@code e}, children before parents. */
    public static void postOrder(Expr e, Consumer<Expr> action) {
        if (e instanceof Expr.Binary b) {
            postOrder(b.left(), action);
            postOrder(b.right(), action);
        } else if (!(e instanceof Expr.Const || e instanceof Expr.Read)) {
            for (Expr c : children(e)) {
                postOrder(c, action);
            }
        }
        action.accept(e);
    }

    /** A variable read, a constant: what the normal form allows as an operand. */
    public static boolean isAtom(Expr e) {
        return e instanceof Expr.Read || e instanceof Expr.Const;
    }

    /** Whether {@code e} is the literal {@code null}. */
    public static boolean isNull(Expr e) {
        return e instanceof Expr.Const c && c.value() == null;
    }

    /** The variable {@code e} reads when it is a plain read, else null. */
    public static Var var(Expr e) {
        return e instanceof Expr.Read r ? r.var() : null;
    }

    /** The numeric value of a numeric constant, else null. */
    public static Double constant(Expr e) {
        return e instanceof Expr.Const c && !(c.value() instanceof Float) ? c.number() : null;
    }

    /** Whether two expressions compute the same thing the same way: the same nodes, ignoring source positions. */
    public static boolean same(Expr a, Expr b) {
        if (a == b) {
            return true;
        }
        if (a.getClass() != b.getClass() || !label(a).equals(label(b))) {
            return false;
        }
        List<Expr> x = children(a);
        List<Expr> y = children(b);
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!same(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** What distinguishes a node from another of its kind, apart from its children. */
    private static Object label(Expr e) {
        if (e instanceof Expr.Read r) {
            return r.var();
        }
        if (e instanceof Expr.Const c) {
            return java.util.Arrays.asList(c.value(), c.type().kind());
        }
        if (e instanceof Expr.Unary u) {
            return u.op();
        }
        if (e instanceof Expr.Binary b) {
            return java.util.Arrays.asList(b.op(), b.type().kind());
        }
        if (e instanceof Expr.MathCall m) {
            return java.util.Arrays.asList(m.function(), m.strict(), String.valueOf(m.via()));
        }
        if (e instanceof Expr.Cast c) {
            return c.type().toString();
        }
        if (e instanceof Expr.StaticGet g) {
            return g.owner() + "." + g.name();
        }
        if (e instanceof Expr.FieldGet f) {
            return f.name();
        }
        if (e instanceof Expr.Call c) {
            return java.util.Arrays.asList(c.callee(), c.receiver() != null);
        }
        if (e instanceof Expr.Pop p) {
            return new Object(); // every pop is a different value
        }
        return e.type().toString();
    }

    /** The node {@code e} with other children, in the order {@link #children} gives them. */
    public static Expr rebuild(Expr e, List<Expr> c) {
        return e.accept(new Expr.Visitor<Expr>() {
            @Override
            public Expr visitConst(Expr.Const x) {
                return x;
            }

            @Override
            public Expr visitRead(Expr.Read x) {
                return x;
            }

            @Override
            public Expr visitStaticGet(Expr.StaticGet x) {
                return x;
            }

            @Override
            public Expr visitFieldGet(Expr.FieldGet x) {
                return new Expr.FieldGet(c.get(0), x.owner(), x.name(), x.type(), x.hidden(), x.pos());
            }

            @Override
            public Expr visitUnary(Expr.Unary x) {
                return new Expr.Unary(x.op(), c.get(0), x.type(), x.pos());
            }

            @Override
            public Expr visitBinary(Expr.Binary x) {
                return new Expr.Binary(x.op(), c.get(0), c.get(1), x.type(), x.pos());
            }

            @Override
            public Expr visitCond(Expr.Cond x) {
                return new Expr.Cond(c.get(0), c.get(1), c.get(2), x.type(), x.pos());
            }

            @Override
            public Expr visitCast(Expr.Cast x) {
                return new Expr.Cast(x.type(), c.get(0), x.pos());
            }

            @Override
            public Expr visitMathCall(Expr.MathCall x) {
                return new Expr.MathCall(x.function(), x.strict(), List.copyOf(c), x.type(), x.pos(), x.via());
            }

            @Override
            public Expr visitCall(Expr.Call x) {
                if (x.receiver() == null) {
                    return new Expr.Call(x.callee(), null, List.copyOf(c), x.type(), x.pos());
                }
                return new Expr.Call(x.callee(), c.get(0), List.copyOf(c.subList(1, c.size())), x.type(), x.pos());
            }

            @Override
            public Expr visitNew(Expr.New x) {
                return new Expr.New(x.type(), List.copyOf(c), x.pos());
            }

            @Override
            public Expr visitNewArray(Expr.NewArray x) {
                return new Expr.NewArray(x.type(), List.copyOf(c), x.pos());
            }

            @Override
            public Expr visitArrayLit(Expr.ArrayLit x) {
                return new Expr.ArrayLit(x.type(), List.copyOf(c), x.pos());
            }

            @Override
            public Expr visitArrayRead(Expr.ArrayRead x) {
                return new Expr.ArrayRead(c.get(0), c.get(1), x.type(), x.pos());
            }

            @Override
            public Expr visitLength(Expr.Length x) {
                return new Expr.Length(c.get(0), x.pos());
            }

            @Override
            public Expr visitStopGradient(Expr.StopGradient x) {
                return new Expr.StopGradient(c.get(0), x.pos());
            }

            @Override
            public Expr visitAssignment(Expr.Assignment x) {
                return new Expr.Assignment(c.get(0), x.op(), c.get(1), x.postfix(), x.type(), x.pos());
            }

            @Override
            public Expr visitSwitchExpr(Expr.SwitchExpr x) {
                return x;
            }

            @Override
            public Expr visitPop(Expr.Pop x) {
                return x;
            }

            @Override
            public Expr visitPullback(Expr.Pullback x) {
                return new Expr.Pullback(x.callee(), List.copyOf(c.subList(0, c.size() - 1)), c.get(c.size() - 1),
                        x.holder());
            }

            @Override
            public Expr visitUnsupported(Expr.Unsupported x) {
                return x;
            }
        });
    }

    private static final Expr.Visitor<List<Expr>> CHILDREN = new Expr.Visitor<>() {
        @Override
        public List<Expr> visitConst(Expr.Const e) {
            return List.of();
        }

        @Override
        public List<Expr> visitRead(Expr.Read e) {
            return List.of();
        }

        @Override
        public List<Expr> visitStaticGet(Expr.StaticGet e) {
            return List.of();
        }

        @Override
        public List<Expr> visitFieldGet(Expr.FieldGet e) {
            return List.of(e.target());
        }

        @Override
        public List<Expr> visitUnary(Expr.Unary e) {
            return List.of(e.operand());
        }

        @Override
        public List<Expr> visitBinary(Expr.Binary e) {
            return List.of(e.left(), e.right());
        }

        @Override
        public List<Expr> visitCond(Expr.Cond e) {
            return List.of(e.condition(), e.then(), e.otherwise());
        }

        @Override
        public List<Expr> visitCast(Expr.Cast e) {
            return List.of(e.operand());
        }

        @Override
        public List<Expr> visitMathCall(Expr.MathCall e) {
            return e.args();
        }

        @Override
        public List<Expr> visitCall(Expr.Call e) {
            if (e.receiver() == null) {
                return e.args();
            }
            List<Expr> out = new ArrayList<>(e.args().size() + 1);
            out.add(e.receiver());
            out.addAll(e.args());
            return out;
        }

        @Override
        public List<Expr> visitNew(Expr.New e) {
            return e.args();
        }

        @Override
        public List<Expr> visitNewArray(Expr.NewArray e) {
            return e.dimensions();
        }

        @Override
        public List<Expr> visitArrayLit(Expr.ArrayLit e) {
            return e.elements();
        }

        @Override
        public List<Expr> visitArrayRead(Expr.ArrayRead e) {
            return List.of(e.array(), e.index());
        }

        @Override
        public List<Expr> visitLength(Expr.Length e) {
            return List.of(e.array());
        }

        @Override
        public List<Expr> visitStopGradient(Expr.StopGradient e) {
            return List.of(e.operand());
        }

        @Override
        public List<Expr> visitAssignment(Expr.Assignment e) {
            return List.of(e.target(), e.value());
        }

        @Override
        public List<Expr> visitSwitchExpr(Expr.SwitchExpr e) {
            return List.of();
        }

        @Override
        public List<Expr> visitPop(Expr.Pop e) {
            return List.of();
        }

        @Override
        public List<Expr> visitPullback(Expr.Pullback e) {
            List<Expr> out = new ArrayList<>(e.args());
            out.add(e.seed());
            return out;
        }

        @Override
        public List<Expr> visitUnsupported(Expr.Unsupported e) {
            return List.of();
        }
    };

    /**
     * The variables whose array (or a row of it) {@code e} may be: {@code a}, {@code m[i]},
     * {@code c ? a : b}; what an array variable given {@code e} is another name of.
     */
    public static List<Var> arraysIn(Expr e) {
        if (e instanceof Expr.Cond c) {
            List<Var> both = new java.util.ArrayList<>(arraysIn(c.then()));
            both.addAll(arraysIn(c.otherwise()));
            return both;
        }
        while (e instanceof Expr.ArrayRead r) {
            e = r.array();
        }
        Var v = var(e);
        return v == null ? List.of() : List.of(v);
    }
}
