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
import java.util.HashSet;
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
    private final Set<Var> tainted = new HashSet<>();
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

    /** Whether {@code e}, an integer, is made of the bits of a differentiated double. */
    private boolean made(Expr e) {
        return integral(e.type()) && Exprs.any(e, n -> n instanceof Expr.Read r && tainted.contains(r.var())
                || n instanceof Expr.SwitchExpr w && tainted.contains(w.result())
                || n instanceof Expr.Call c && (readsBits(c) && c.args().stream().anyMatch(activity::carries)
                        || c.callee() instanceof Callee.Inline i && integral(c.type()) && returnsBits(i.key())));
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

    /** The integer variables holding bits, to a fixed point. */
    private void spread(List<Stmt> body) {
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stmt s : Stmts.all(body)) {
                Var target = Stmts.target(s);
                Expr value = Stmts.value(s);
                if (target != null && !(s instanceof Stmt.ArrayWrite) && integral(target.type) && value != null
                        && made(value)) {
                    grew |= tainted.add(target);
                }
                for (Expr e : Stmts.exprs(s)) {
                    List<Var> assigned = new ArrayList<>();
                    Exprs.postOrder(e, n -> {
                        if (n instanceof Expr.Assignment a && a.target() instanceof Expr.Read t && integral(t.type())
                                && made(a.value())) {
                            assigned.add(t.var());
                        }
                    });
                    for (Var v : assigned) {
                        grew |= tainted.add(v);
                    }
                }
            }
        }
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
                    converted.add(w.pos()); // an element chosen by bits is only chosen: its derivative still flows
                }
            } else if (target != null && value != null && !(s instanceof Stmt.ForEach) && made(value)) {
                if (target.type.kind() == JType.Kind.DOUBLE || target.type.kind() == JType.Kind.FLOAT) {
                    converted.add(s.pos());
                } else if (!integral(target.type)) {
                    refuse(s.pos(), "stored in " + target.name + ", " + Words.a(target.type));
                }
            } else if (s instanceof Stmt.Return r && r.value() != null && made(r.value()) && !integral(returns)) {
                converted.add(r.pos());
            }
            for (Expr e : Stmts.exprs(s)) {
                Exprs.postOrder(e, this::node);
            }
        }
    }

    private void node(Expr n) {
        if (n instanceof Expr.Call c) {
            boolean given = c.args().stream().anyMatch(this::made) || c.receiver() != null && made(c.receiver());
            if (given && makesDouble(c)) {
                refuse(c.pos(), "made into a double again by " + ((Callee.Opaque) c.callee()).describe());
            } else if (given && !integerFunction(c)) {
                refuse(c.pos(), "given to " + c.callee().describe());
            }
            return;
        }
        if (n instanceof Expr.Assignment a && made(a.value()) && !integral(a.target().type())) {
            if (a.target().type().isDouble() || a.target().type().kind() == JType.Kind.FLOAT
                    || a.target() instanceof Expr.ArrayRead r && r.array().type().isDoubleArray()) {
                converted.add(a.pos());
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
        boolean number = n.type().isDouble() || n.type().kind() == JType.Kind.FLOAT;
        if (n instanceof Expr.ArrayRead r && activity.carries(r.array())) {
            return; // an element of a differentiated array chosen by bits: its derivative flows
        }
        if (number && !(n instanceof Expr.Cond) && Exprs.children(n).stream().anyMatch(this::made)) {
            converted.add(n.pos()); // (double) hx, x * n, TABLE[hx >>> 20]: a number made of bits
        } else if (n instanceof Expr.Cond c && number && (made(c.then()) || made(c.otherwise()))) {
            converted.add(n.pos());
        }
    }

    private void refuse(Position at, String how) {
        if (refusedHow == null) {
            refusedAt = at;
            refusedHow = how;
        }
    }
}
