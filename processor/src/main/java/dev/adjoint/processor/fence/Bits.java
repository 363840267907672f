package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the bits of a differentiated double go. fdlibm's ports read the words of a double to
 * choose a range ({@code int hx = (int) (Double.doubleToRawLongBits(x) >> 32); if ((hx &
 * 0x7fffffff) >= 0x7ff00000) return x * x;}), Apache SIS tests a sign bit: integers made of bits
 * that only decide tests carry no derivative that could be lost. They are followed through the
 * integer variables they are stored in, the integer arithmetic on them and the helpers returning
 * an integer that read bits, to where they end:
 * <ul>
 * <li>in a test (a comparison, a switch, a loop's condition): nothing is lost;
 * <li>made into a double again ({@code Double.longBitsToDouble}): a value whose derivative nothing
 *     follows (a sign copied by xor, a mantissa cut), <em>refused</em>;
 * <li>stored where Adjoint does not follow them (an element of an integer array, an object, a
 *     call's argument other than the JDK's integer functions): <em>refused</em>;
 * <li>converted into a number ({@code y = n;} of fdlibm's {@code sin_pi}, a table read at an index
 *     made of them, an integer helper's result used as a double): the derivative through them is
 *     0, as for {@code (int) x}, and is <em>warned about</em> where it happens.
 * </ul>
 */
final class Bits {

    /** How the bits end in one method body: the first place that refuses them, and the places that convert them. */
    record Ends(Position refusedAt, String refusedHow, List<Position> converted) {
        boolean refused() {
            return refusedHow != null;
        }
    }

    private static final int DEPTH = 4;

    private final Activity activity;
    private final Map<String, MethodIr> helpers;
    /** The integer variables holding bits, and which. */
    private final Map<Var, Span> tainted = new java.util.HashMap<>();
    private Position refusedAt;
    private String refusedHow;
    private final List<Position> converted = new ArrayList<>();

    /** Whether each helper (by key) returns an integer made of bits, as far as known. */
    private final Map<String, Boolean> returning;
    private final int depth;

    private Bits(Activity activity, Map<String, MethodIr> helpers, Map<String, Boolean> returning, int depth) {
        this.activity = activity;
        this.helpers = helpers;
        this.returning = returning;
        this.depth = depth;
    }

    /** How the bits of differentiated doubles end in {@code body}, a method's or a helper's returning {@code returns}. */
    static Ends of(List<Stmt> body, JType returns, Activity activity, Map<String, MethodIr> helpers) {
        Bits b = new Bits(activity, helpers, new java.util.HashMap<>(), 0);
        b.spread(body);
        b.ends(body, returns);
        return new Ends(b.refusedAt, b.refusedHow, b.converted);
    }

    /**
     * How the bits end in the body being checked, the innermost of {@code inlining} (whose return
     * types are {@code returnTypes}), and in each body inlining it up to {@code method}: the first
     * refusal, else every conversion. Each body's ends are kept in {@code memo}, by helper key ("" for the method).
     */
    static Ends along(MethodIr method, Iterable<String> inlining, Iterable<JType> returnTypes, Map<String, Ends> memo,
            Activity activity, Map<String, MethodIr> helpers) {
        List<Ends> all = new ArrayList<>();
        all.add(memo.computeIfAbsent("", k -> of(method.body(), method.vector() ? JType.DOUBLE_ARRAY : JType.DOUBLE,
                activity, helpers)));
        java.util.Iterator<JType> types = returnTypes.iterator();
        for (String key : inlining) {
            JType returns = types.next();
            all.add(memo.computeIfAbsent(key, k -> of(helpers.get(k).body(), returns, activity, helpers)));
        }
        List<Position> converted = new ArrayList<>();
        for (Ends e : all) {
            if (e.refused()) {
                return e;
            }
            converted.addAll(e.converted());
        }
        return new Ends(null, null, converted);
    }

    /** Whether {@code c} reads the bits of a double: {@code Double.doubleToRawLongBits}, {@code doubleToLongBits}. */
    static boolean readsBits(Expr.Call c) {
        return c.callee() instanceof Callee.Opaque o && o.owner().qualifiedName().equals("java.lang.Double")
                && (o.name().equals("doubleToRawLongBits") || o.name().equals("doubleToLongBits"));
    }

    private static boolean makesDouble(Expr.Call c) {
        return c.callee() instanceof Callee.Opaque o && (o.owner().qualifiedName().equals("java.lang.Double")
                && o.name().equals("longBitsToDouble") || o.owner().qualifiedName().equals("java.lang.Float")
                && o.name().equals("intBitsToFloat"));
    }

    /** A static method of the JDK computing an integer or a boolean from integers ({@code Long.numberOfLeadingZeros}, {@code Math.abs(int)}). */
    private static boolean integerFunction(Expr.Call c) {
        if (!(c.callee() instanceof Callee.Opaque o) || !o.isStatic() || !integral(c.type())
                && c.type().kind() != JType.Kind.BOOLEAN) {
            return false;
        }
        return Set.of("java.lang.Long", "java.lang.Integer", "java.lang.Short", "java.lang.Byte", "java.lang.Math",
                "java.lang.StrictMath").contains(o.owner().qualifiedName())
                && o.parameterTypes().stream().allMatch(t -> integral(t) || t.kind() == JType.Kind.BOOLEAN);
    }

    private static boolean integral(JType t) {
        return t.kind() == JType.Kind.INT || t.kind() == JType.Kind.LONG;
    }

    /**
     * Which bits of a double an integer holds: the lowest bit of the double it depends on
     * ({@code lowest}; 52 and above, the exponent and sign only), and the bit of the double its own
     * bit 0 came from ({@code offset}; {@link #UNKNOWN} once arithmetic with carries mixed them).
     */
    record Span(int offset, int lowest) {
        Span merge(Span other) {
            return other == null ? this : new Span(offset == other.offset ? offset : UNKNOWN,
                    Math.min(lowest, other.lowest));
        }

        Span mixed() {
            return new Span(UNKNOWN, lowest);
        }

        /** Made of the exponent and sign alone: a function of them is constant between powers of two. */
        boolean exponentOnly() {
            return lowest >= 52;
        }
    }

    static final int UNKNOWN = Integer.MIN_VALUE;

    /** Whether {@code e}, an integer, is made of the bits of a differentiated double. */
    private boolean made(Expr e) {
        return span(e) != null;
    }

    /** Which bits of a differentiated double the integer {@code e} holds, or null when it holds none. */
    private Span span(Expr e) {
        if (!integral(e.type())) {
            return null;
        }
        if (e instanceof Expr.Read r) {
            return tainted.get(r.var());
        }
        if (e instanceof Expr.SwitchExpr w) {
            return tainted.get(w.result());
        }
        if (e instanceof Expr.Call c) {
            if (readsBits(c) && c.args().stream().anyMatch(activity::carries)) {
                // the bits of x + 2^52 (fdlibm's rounding trick) hold x rounded to an integer: steps of 1
                return new Span(0, c.args().size() == 1 && rounded(c.args().get(0)) ? COARSEST : 0);
            }
            if (c.callee() instanceof Callee.Inline i && returnsBits(i.key())) {
                return new Span(UNKNOWN, 0);
            }
            Span given = spans(c.args());
            return given == null ? null : given.mixed(); // an integer function of them
        }
        if (e instanceof Expr.Cast c) {
            return span(c.operand()); // an int of a long keeps its low bits
        }
        if (e instanceof Expr.Unary u) {
            Span s = span(u.operand());
            return s == null || u.op() != Expr.UnaryOp.NEG ? s : s.mixed(); // -x is ~x + 1: a carry
        }
        if (e instanceof Expr.Binary b) {
            return binary(b.op(), b.left(), b.right());
        }
        if (e instanceof Expr.Assignment a) {
            return a.op() == null ? span(a.value()) : binary(a.op(), a.target(), a.value());
        }
        if (e instanceof Expr.Cond c) {
            Span then = span(c.then());
            return then == null ? span(c.otherwise()) : then.merge(span(c.otherwise()));
        }
        if (e instanceof Expr.ArrayRead a) {
            Span index = span(a.index());
            return index == null ? null : index.mixed(); // a table's entry at an index made of bits
        }
        return Exprs.children(e).stream().anyMatch(this::made) ? new Span(UNKNOWN, 0) : null;
    }

    /** Whether {@code e} is {@code x + C} or {@code x - C} with |C| at least 2^51: x rounded to an integer (or a half). */
    private static boolean rounded(Expr e) {
        return e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
                && (magic(b.right()) || b.op() == Expr.BinaryOp.ADD && magic(b.left()));
    }

    private static boolean magic(Expr e) {
        return e instanceof Expr.Const c && c.value() instanceof Double d && Math.abs(d) >= 0x1p51;
    }

    private Span spans(List<Expr> es) {
        Span out = null;
        for (Expr x : es) {
            Span s = span(x);
            out = s == null ? out : s.merge(out);
        }
        return out;
    }

    private Span binary(Expr.BinaryOp op, Expr left, Expr right) {
        Span l = span(left);
        Span r = span(right);
        if (l == null && r == null) {
            return null;
        }
        Long k = r == null ? integer(right) : null;
        if (l != null && k != null && l.offset() != UNKNOWN) {
            int d = (int) (k & (left.type().kind() == JType.Kind.LONG ? 63 : 31));
            switch (op) {
                case SHR, USHR -> {
                    return new Span(l.offset() + d, Math.max(l.lowest(), l.offset() + d));
                }
                case SHL -> {
                    return new Span(l.offset() - d, l.lowest());
                }
                case AND -> {
                    return k == 0 ? null : new Span(l.offset(), Math.max(l.lowest(), l.offset() + Long.numberOfTrailingZeros(k)));
                }
                case OR, XOR -> {
                    return l;
                }
                default -> {
                    return l.mixed();
                }
            }
        }
        if (l == null && op == Expr.BinaryOp.AND && integer(left) != null) {
            return binary(op, right, left);
        }
        if (l != null && r != null && l.offset() == r.offset() && (op == Expr.BinaryOp.AND || op == Expr.BinaryOp.OR
                || op == Expr.BinaryOp.XOR)) {
            return l.merge(r); // bitwise: no carry moves a bit
        }
        return l == null ? r.mixed() : l.merge(r).mixed();
    }

    private static Long integer(Expr e) {
        return e instanceof Expr.Const c && (c.value() instanceof Integer || c.value() instanceof Long)
                ? ((Number) c.value()).longValue() : null;
    }

    /** Whether the helper {@code key} returns an integer made of bits (fdlibm's {@code __HI(x)}), itself or through its helpers. */
    private boolean returnsBits(String key) {
        Boolean known = returning.get(key);
        if (known != null) {
            return known;
        }
        MethodIr helper = helpers.get(key);
        if (helper == null || depth >= DEPTH) {
            return helper != null;
        }
        returning.put(key, true); // a recursion: as if it did, until its body says
        Bits inner = new Bits(activity, helpers, returning, depth + 1);
        inner.spread(helper.body());
        boolean returns = Stmts.all(helper.body()).stream().anyMatch(s -> s instanceof Stmt.Return r
                && r.value() != null && inner.made(r.value()));
        returning.put(key, returns);
        return returns;
    }

    /** The integer variables holding bits, to a fixed point (flow-insensitive: each variable's spans merged). */
    private void spread(List<Stmt> body) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stmt s : Stmts.all(body)) {
                Var target = Stmts.target(s);
                Expr value = Stmts.value(s);
                if (target != null && !(s instanceof Stmt.ArrayWrite) && integral(target.type) && value != null) {
                    grew |= taint(target, span(value));
                }
                for (Expr e : Stmts.exprs(s)) {
                    List<Expr.Assignment> assigned = new ArrayList<>();
                    Exprs.postOrder(e, n -> {
                        if (n instanceof Expr.Assignment a && a.target() instanceof Expr.Read t && integral(t.type())) {
                            assigned.add(a);
                        }
                    });
                    for (Expr.Assignment a : assigned) {
                        grew |= taint(((Expr.Read) a.target()).var(), span(a));
                    }
                }
            }
        }
    }

    private boolean taint(Var v, Span s) {
        if (s == null) {
            return false;
        }
        Span before = tainted.get(v);
        Span now = s.merge(before);
        tainted.put(v, now);
        return !now.equals(before);
    }

    private void ends(List<Stmt> body, JType returns) {
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Throw) {
                continue; // what builds its message only shows them
            }
            Var target = Stmts.target(s);
            Expr value = Stmts.value(s);
            if (s instanceof Stmt.ArrayWrite w) {
                if (made(w.value()) && !w.array().type().isDoubleArray()) {
                    refuse(w.pos(), "stored in an element of " + Words.describe(w.array()));
                } else if (made(w.value())) {
                    convert(w.pos(), span(w.value()));
                }
            } else if (target != null && value != null && !(s instanceof Stmt.ForEach) && made(value)) {
                if (target.type.kind() == JType.Kind.DOUBLE || target.type.kind() == JType.Kind.FLOAT) {
                    convert(s.pos(), span(value));
                } else if (!integral(target.type)) {
                    refuse(s.pos(), "stored in " + target.name + ", " + Words.a(target.type));
                }
            } else if (s instanceof Stmt.Return r && r.value() != null && made(r.value()) && !integral(returns)) {
                convert(r.pos(), span(r.value()));
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, this::node);
            }
        }
    }

    private void node(Expr n) {
        if (n instanceof Expr.Call c) {
            boolean given = c.args().stream().anyMatch(this::made) || c.receiver() != null && made(c.receiver());
            if (given && makesDouble(c) && spans(c.args()).exponentOnly()) {
                converted.add(c.pos()); // a power of two made of the exponent (2^-e): constant between powers of two
            } else if (given && makesDouble(c)) {
                refuse(c.pos(), "made into a double again by " + ((Callee.Opaque) c.callee()).describe());
            } else if (given && c.callee() instanceof Callee.Inline i && c.receiver() == null) {
                given(c, i);
            } else if (given && !integerFunction(c)) {
                refuse(c.pos(), "given to " + c.callee().describe());
            }
            return;
        }
        if (n instanceof Expr.Assignment a && made(a.value()) && !integral(a.target().type())) {
            if (a.target().type().isDouble() || a.target().type().kind() == JType.Kind.FLOAT
                    || a.target() instanceof Expr.ArrayRead r && r.array().type().isDoubleArray()) {
                convert(a.pos(), span(a.value()));
            } else {
                refuse(a.pos(), "stored in " + Words.describe(a.target()));
            }
            return;
        }
        if (n instanceof Expr.Assignment a && made(a.value()) && !(a.target() instanceof Expr.Read)) {
            refuse(a.pos(), "stored in " + Words.describe(a.target()));
            return;
        }
        if (n instanceof Expr.New w && w.args().stream().anyMatch(this::made)) {
            refuse(w.pos(), "given to a new " + Words.a(w.type()));
            return;
        }
        if (!integral(n.type()) && !n.type().isPrimitive() && !n.type().isDoubleArray()
                && Exprs.children(n).stream().anyMatch(this::made)) {
            refuse(n.pos(), "made into " + Words.a(n.type())); // text ("" + bits), a box: parsed or kept, not followed
            return;
        }
        boolean number = n.type().isDouble() || n.type().kind() == JType.Kind.FLOAT;
        if (n instanceof Expr.ArrayRead r && activity.carries(r.array())) {
            return; // an element of a differentiated array chosen by bits: its derivative flows
        }
        if (number && n instanceof Expr.ArrayRead r && made(r.index())) {
            converted.add(n.pos()); // TABLE[hx >>> 20]: a table's entry, a step of the bits chosen
        } else if (number && !(n instanceof Expr.Cond) && Exprs.children(n).stream().anyMatch(this::made)) {
            convert(n.pos(), spans(Exprs.children(n))); // (double) hx, x * n: a number made of bits
        } else if (n instanceof Expr.Cond c && number && (made(c.then()) || made(c.otherwise()))) {
            convert(n.pos(), spans(List.of(c.then(), c.otherwise())));
        }
    }

    /**
     * The lowest bit a number made of bits may hold for its derivative to be 0 where it is taken:
     * with only the exponent, the sign and the mantissa's top 20 bits (a step every 2^32 ulps, a
     * millionth of the value: fdlibm's {@code (double) (hx >> 20)}), it is a staircase of steps
     * wider than any difference a user takes; below, it follows the value nearly ulp by ulp (the
     * mantissa {@code (double) (bits & MASK)} is the value scaled within its binade), and its
     * derivative is not 0.
     */
    static final int COARSEST = 32;

    /** Bits {@code s} made into a number at {@code at}: a derivative of 0, warned about, unless they are too fine. */
    private void convert(Position at, Span s) {
        if (s != null && s.lowest() < COARSEST) {
            refuse(at, "made into a number that follows the double's lowest bits, whose derivative is not 0");
        } else {
            converted.add(at);
        }
    }

    /** Bits given to a helper: followed into its body from its parameters. */
    private void given(Expr.Call c, Callee.Inline callee) {
        MethodIr helper = helpers.get(callee.key());
        if (helper == null || depth >= DEPTH || helper.params().size() != c.args().size()) {
            refuse(c.pos(), "given to " + callee.describe());
            return;
        }
        Bits inner = new Bits(activity, helpers, returning, depth + 1);
        for (int k = 0; k < c.args().size(); k++) {
            inner.taint(helper.params().get(k).var(), span(c.args().get(k)));
        }
        inner.spread(helper.body());
        inner.ends(helper.body(), c.type());
        if (inner.refusedHow != null) {
            refuse(c.pos(), "given to " + callee.describe() + ", where they are " + inner.refusedHow);
        } else {
            converted.addAll(inner.converted); // where in the helper they become a number
        }
    }

    private void refuse(Position at, String how) {
        if (refusedHow == null) {
            refusedAt = at;
            refusedHow = how;
        }
    }
}
