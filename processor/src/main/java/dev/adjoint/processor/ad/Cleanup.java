package dev.adjoint.processor.ad;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Clean-up passes over generated code, "to make the generated derivative source code more
 * legible" (as Tangent's): a name the normal form or a rule introduced that is read once goes back
 * into the expression that reads it; an adjoint starts as its first term instead of 0 plus it;
 * terms into one array element are summed before one store; an adjoint nothing ever adds to, and
 * what it would pass on, disappear. None changes a value: moved expressions have no effects and
 * nothing they read changes in between.
 */
public final class Cleanup {

    /** How large an expression inlining may make (nodes): beyond it a statement is split for the reader. */
    private static final int MAX_SIZE = 48;

    private Cleanup() {}

    public static List<Stmt> run(List<Stmt> body) {
        List<Stmt> out = body;
        for (int round = 0; round < 8; round++) {
            List<Stmt> before = out;
            out = dropDeadAdjoints(out);
            out = dropDeadStores(out, new HashSet<>());
            out = dropUnused(out);
            out = dropWriteOnlyArrays(out);
            out = propagateAllCopies(out);
            out = dropZeroAdjoints(out);
            out = startWithFirstTerm(out);
            out = inline(out);
            out = mergeElementUpdates(out);
            out = dropEmptyComments(out);
            if (out.equals(before)) {
                break;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- single-use names back into their use

    private static List<Stmt> inline(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            out.add(scopes(s, Cleanup::inline));
        }
        // a variable declared here is visible only in the rest of this list: count there, the counts
        // of the rest kept as the walk goes back (linear, however long the list)
        Counts rest = new Counts();
        for (int p = out.size() - 1; p >= 0; p--) {
            Stmt at = out.get(p);
            if (!(at instanceof Stmt.Declare d) || d.init() == null || !inlinable(d.var()) || !movable(d.init())
                    || rest.reads(d.var()) != 1 || rest.writes(d.var()) != 0) {
                rest.add(at);
                continue;
            }
            boolean moved = false;
            Inputs inputs = null; // what the moved value reads, found at the first statement it must cross
            for (int q = p + 1; q < out.size() && q <= p + INLINE_REACH; q++) {
                Stmt use = out.get(q);
                if (readsIn(use, d.var())) {
                    Stmt replaced = replaceIn(use, d.var(), d.init());
                    if (replaced != null) {
                        out.set(q, replaced);
                        out.remove(p);
                        moved = true;
                    }
                    break;
                }
                if (inputs == null) {
                    inputs = new Inputs(d.init());
                }
                if (conflicts(use, inputs)) {
                    break;
                }
            }
            if (moved) {
                rest.addReads(d.init()); // now read where it is used
                rest.forget(d.var());
            } else {
                rest.add(at);
            }
        }
        return out;
    }

    /** The names a clean-up may fold away: those the processor made, not the user's. */
    private static boolean inlinable(Var v) {
        return v.role == Var.Role.TEMP || v.role == Var.Role.REVERSE_TEMP
                || (v.role == Var.Role.ADJOINT && v.type.isDouble())
                || (v.role == Var.Role.TANGENT && v.type.isDouble() && v.primal != null && !v.primal.isUser());
    }

    /**
     * {@code s} with each nested scope (branch, loop body, block) passed through {@code f}; a loop's
     * initialiser, head and update stay as they are: what they declare is visible in the whole loop,
     * which a pass over one list would not see.
     */
    private static Stmt scopes(Stmt s, UnaryOperator<List<Stmt>> f) {
        if (s instanceof Stmt.Loop l) {
            return new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(), f.apply(l.body()), l.doWhile(),
                    l.pos(), l.source());
        }
        return Stmts.mapBlocks(s, f);
    }

    /** A "grad of:" comment over nothing (its statements turned out to have no reverse sweep) goes. */
    private static List<Stmt> dropEmptyComments(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            out.add(scopes(s, Cleanup::dropEmptyComments));
        }
        for (int k = out.size() - 1; k >= 0; k--) {
            if (out.get(k) instanceof Stmt.Comment c && c.text().startsWith("grad of:")
                    && (k == out.size() - 1 || out.get(k + 1) instanceof Stmt.Comment
                            || out.get(k + 1) instanceof Stmt.Return)) {
                out.remove(k);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- dead stores

    /**
     * Removes assignments of a value with no effect to an adjoint or reverse intermediate that
     * nothing reads afterwards ({@code _d_v = 0.0} at the end of its life), by a backward liveness
     * walk; {@code live} holds what is read after {@code list}. A loop's statements count what its
     * next iteration reads as read after them.
     */
    private static List<Stmt> dropDeadStores(List<Stmt> list, Set<Var> live) {
        List<Stmt> out = new ArrayList<>(list);
        for (int k = out.size() - 1; k >= 0; k--) {
            Stmt s = out.get(k);
            if (s instanceof Stmt.Assign a && (a.var().role == Var.Role.ADJOINT || a.var().role == Var.Role.REVERSE_TEMP)
                    && !live.contains(a.var()) && movable(a.value())) {
                out.remove(k);
                continue;
            }
            if (s instanceof Stmt.Loop l) {
                Set<Var> inLoop = new HashSet<>(live);
                readsOf(List.of(l), inLoop); // another iteration may read anything the loop reads
                out.set(k, new Stmt.Loop(l.label(), l.init(), l.head(), l.condition(), l.update(),
                        dropDeadStores(l.body(), inLoop), l.doWhile(), l.pos(), l.source()));
            } else if (s instanceof Stmt.If f) {
                out.set(k, new Stmt.If(f.condition(), dropDeadStores(f.then(), new HashSet<>(live)),
                        dropDeadStores(f.otherwise(), new HashSet<>(live)), f.pos(), f.source()));
            } else if (s instanceof Stmt.Block b) {
                out.set(k, new Stmt.Block(b.label(), dropDeadStores(b.body(), new HashSet<>(live))));
            }
            readsOf(List.of(out.get(k)), live);
        }
        return out;
    }

    private static void readsOf(List<Stmt> stmts, Set<Var> into) {
        Stmts.forEach(stmts, t -> {
            for (Expr e : Stmts.exprs(t)) {
                if (t instanceof Stmt.Accumulate a && e == a.target() && a.target() instanceof Expr.Read r) {
                    into.add(r.var()); // += reads its target too
                    continue;
                }
                Exprs.reads(e, into::add);
            }
        });
    }

    // ---------------------------------------------------------------- copies and unused names

    /**
     * {@code double _d_ret = seed;}, {@code double _d_t17 = _d_t16;}: a name the processor made for
     * a copy of a variable nothing writes afterwards reads that variable instead, wherever it is
     * read. (A double is never written inside an expression after the normal form, so the rest's
     * statements are all its writes; other types only from a parameter or a fixed name.)
     */
    private static List<Stmt> propagateAllCopies(List<Stmt> list) {
        // a copy of a copy ({@code b = a; c = b;}) becomes a copy of the variable only once the first
        // is gone: repeated here, one pass each, rather than by whole rounds of every clean-up
        int[] renamed = {0};
        List<Stmt> out = propagateCopies(list, renamed);
        for (int pass = 0; pass < 16 && renamed[0] > 0; pass++) {
            renamed[0] = 0;
            out = propagateCopies(out, renamed);
        }
        return out;
    }

    private static List<Stmt> propagateCopies(List<Stmt> list, int[] renamed) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            out.add(scopes(s, inner -> propagateCopies(inner, renamed)));
        }
        Counts rest = new Counts();
        Map<Var, Var> renames = new HashMap<>();
        List<Stmt> kept = new ArrayList<>();
        for (int p = out.size() - 1; p >= 0; p--) {
            Stmt at = out.get(p);
            if (at instanceof Stmt.Declare d && d.init() instanceof Expr.Read r && inlinable(d.var())
                    && d.var().type.equals(r.var().type)
                    && (r.var().role == Var.Role.FIXED || r.var().role == Var.Role.PARAM || d.var().type.isDouble())
                    && rest.writes(d.var()) == 0 && rest.writes(r.var()) == 0) {
                // the copy's readers read the variable itself
                renames.put(d.var(), r.var());
                rest.rename(d.var(), r.var());
                renamed[0]++;
                continue;
            }
            rest.add(at);
            kept.add(at);
        }
        java.util.Collections.reverse(kept);
        // a copy of a copy (c = b after b = a): its readers read a, the end of the chain
        for (Map.Entry<Var, Var> e : renames.entrySet()) {
            Var to = e.getValue();
            while (renames.containsKey(to)) {
                to = renames.get(to);
            }
            e.setValue(to);
        }
        return renames.isEmpty() ? kept : dev.adjoint.processor.ir.Rename.substitute(kept, renames);
    }

    /** Declarations of names the processor made that nothing after them reads, whose value has no effect. */
    private static List<Stmt> dropUnused(List<Stmt> list) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            out.add(scopes(s, Cleanup::dropUnused));
        }
        Counts rest = new Counts();
        for (int p = out.size() - 1; p >= 0; p--) {
            Stmt at = out.get(p);
            if (at instanceof Stmt.Declare d && !d.var().isUser() && d.var().role != Var.Role.HOLDER
                    && (d.init() == null || movable(d.init())) && rest.reads(d.var()) == 0 && rest.writes(d.var()) == 0) {
                out.remove(p);
                continue;
            }
            rest.add(at);
        }
        return out;
    }

    /**
     * Arrays the processor made whose elements are written and never read (a stream's tangents
     * where its sum needs only theirs): their declarations and writes go, when what the writes
     * compute has no effect.
     */
    private static List<Stmt> dropWriteOnlyArrays(List<Stmt> list) {
        Set<Var> made = new HashSet<>();
        for (Stmt s : Stmts.all(list)) {
            if (s instanceof Stmt.Declare d && !d.var().isUser() && d.var().type.isArray()
                    && d.init() instanceof Expr.NewArray n && n.dimensions().stream().allMatch(Cleanup::movable)) {
                made.add(d.var());
            }
        }
        if (made.isEmpty()) {
            return list;
        }
        for (Stmt s : Stmts.all(list)) {
            if (s instanceof Stmt.Assign a) {
                made.remove(a.var()); // given another array: a second name for it, whose writes are its
            }
            List<Expr> element = elementWrite(s);
            if (element != null && !(movable(element.get(1)) && movable(element.get(2)))) {
                made.remove(Exprs.var(element.get(0)));
            }
            for (Expr e : element != null ? element.subList(1, 3) : Stmts.exprs(s)) {
                Exprs.postOrder(e, n -> {
                    if (n instanceof Expr.Read r) {
                        made.remove(r.var());
                    } else if (n instanceof Expr.Assignment a && Exprs.var(a.target()) != null) {
                        made.remove(Exprs.var(a.target()));
                    }
                });
            }
        }
        return made.isEmpty() ? list : dropElementWrites(dropDeclarations(list, made), made);
    }

    private static List<Stmt> dropElementWrites(List<Stmt> list, Set<Var> arrays) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (elementWrite(s) == null || !arrays.contains(Exprs.var(elementWrite(s).get(0)))) {
                out.add(Stmts.mapBlocks(s, inner -> dropElementWrites(inner, arrays)));
            }
        }
        return out;
    }

    /** The array (a variable), index and value an element write {@code s} ({@code a[i] = v}, as written or generated) has; else null. */
    private static List<Expr> elementWrite(Stmt s) {
        if (s instanceof Stmt.ArrayWrite w && w.array() instanceof Expr.Read) {
            return List.of(w.array(), w.index(), w.value());
        }
        if (s instanceof Stmt.Put p && p.target() instanceof Expr.ArrayRead a && a.array() instanceof Expr.Read) {
            return List.of(a.array(), a.index(), p.value());
        }
        return null;
    }

    private static List<Stmt> dropDeclarations(List<Stmt> list, Set<Var> vars) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (s instanceof Stmt.Declare d && vars.contains(d.var())) {
                continue;
            }
            out.add(scopes(s, inner -> dropDeclarations(inner, vars)));
        }
        return out;
    }

    /** Whether {@code e} may be evaluated later than written: no calls but Math, no stack, no allocation. */
    private static boolean movable(Expr e) {
        return !Exprs.any(e, n -> (n instanceof Expr.Call c && !(c.callee() instanceof Callee.PartialCall))
                || n instanceof Expr.New || n instanceof Expr.NewArray || n instanceof Expr.Pop
                || n instanceof Expr.Pullback || n instanceof Expr.Assignment || n instanceof Expr.ArrayLit);
    }

    /** Whether statement {@code s} itself (not nested lists, not a loop's condition) reads {@code v}. */
    private static boolean readsIn(Stmt s, Var v) {
        if (s instanceof Stmt.Loop) {
            return Stmts.all(List.of(s)).stream().anyMatch(t -> Stmts.exprs(t).stream().anyMatch(e -> Exprs.readsVar(e, v)))
                    || loopHeadReads((Stmt.Loop) s, v);
        }
        for (Stmt t : Stmts.all(List.of(s))) {
            for (Expr e : Stmts.exprs(t)) {
                if (Exprs.readsVar(e, v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean loopHeadReads(Stmt.Loop l, Var v) {
        return l.condition() != null && Exprs.readsVar(l.condition(), v);
    }

    /** {@code s} with its read of {@code v} replaced by {@code e}, or null when the read is nested or the result too large. */
    private static Stmt replaceIn(Stmt s, Var v, Expr e) {
        if (s instanceof Stmt.Loop || s instanceof Stmt.If f && !f.then().isEmpty() && readsNested(f, v)) {
            return null;
        }
        if (s instanceof Stmt.If f) {
            if (!Exprs.readsVar(f.condition(), v) || !small(f.condition(), e)) {
                return null;
            }
            return new Stmt.If(substitute(f.condition(), v, e), f.then(), f.otherwise(), f.pos(), f.source());
        }
        if (!Stmts.blocks(s).isEmpty()) {
            return null;
        }
        for (Expr x : Stmts.exprs(s)) {
            if (Exprs.readsVar(x, v) && !small(x, e)) {
                return null;
            }
        }
        UnaryOperator<Expr> f = x -> substitute(x, v, e);
        if (s instanceof Stmt.Declare d) {
            return new Stmt.Declare(d.var(), f.apply(d.init()), d.pos(), d.source());
        }
        if (s instanceof Stmt.Assign a) {
            return new Stmt.Assign(a.var(), f.apply(a.value()), a.pos(), a.source());
        }
        if (s instanceof Stmt.ArrayWrite w) {
            return new Stmt.ArrayWrite(f.apply(w.array()), f.apply(w.index()), f.apply(w.value()), w.pos(), w.source());
        }
        if (s instanceof Stmt.Eval x) {
            return new Stmt.Eval(f.apply(x.expr()), x.pos(), x.source());
        }
        if (s instanceof Stmt.Return r) {
            return new Stmt.Return(f.apply(r.value()), r.pos(), r.source());
        }
        if (s instanceof Stmt.Throw t) {
            return new Stmt.Throw(f.apply(t.exception()), t.pos(), t.source());
        }
        if (s instanceof Stmt.Accumulate a) {
            if (Exprs.readsVar(a.target(), v)) {
                return null;
            }
            return new Stmt.Accumulate(a.target(), f.apply(a.delta()));
        }
        if (s instanceof Stmt.Put p) {
            return new Stmt.Put(f.apply(p.target()), f.apply(p.value()));
        }
        if (s instanceof Stmt.Push p) {
            return new Stmt.Push(f.apply(p.value()));
        }
        return null;
    }

    private static boolean readsNested(Stmt.If f, Var v) {
        return readsIn(new Stmt.Block(null, f.then()), v) || readsIn(new Stmt.Block(null, f.otherwise()), v);
    }

    private static boolean small(Expr into, Expr e) {
        return size(into) + size(e) <= MAX_SIZE;
    }

    private static int size(Expr e) {
        int[] n = {0};
        Exprs.postOrder(e, x -> n[0]++);
        return n[0];
    }

    static Expr substitute(Expr x, Var v, Expr e) {
        if (x instanceof Expr.Read r && r.var() == v) {
            return e;
        }
        Expr mapped = Exprs.map(x, c -> substitute(c, v, e));
        return mapped == x ? x : Algebra.simplify(mapped);
    }

    /** What an expression to be moved reads: its variables, and whether it reads arrays or fields. */
    private static final class Inputs {
        final Set<Var> read = new HashSet<>();
        final boolean readsArrays;

        Inputs(Expr e) {
            Exprs.reads(e, read::add);
            readsArrays = Exprs.any(e, n -> n instanceof Expr.ArrayRead || n instanceof Expr.Length
                    || n instanceof Expr.FieldGet);
        }
    }

    /** Whether statement {@code s} may change what {@code e} reads, or has effects {@code e} must not cross. */
    private static boolean conflicts(Stmt s, Inputs e) {
        Set<Var> read = e.read;
        boolean readsArrays = e.readsArrays;
        for (Stmt t : Stmts.all(List.of(s))) {
            Var target = Stmts.target(t);
            if (target != null && read.contains(target)) {
                return true;
            }
            if (t instanceof Stmt.Accumulate a) {
                Var w = Exprs.var(a.target() instanceof Expr.ArrayRead r ? r.array() : a.target());
                if (w != null && read.contains(w)) {
                    return true;
                }
            }
            if ((t instanceof Stmt.Put || t instanceof Stmt.Eval || t instanceof Stmt.Accumulate) && readsArrays) {
                return true;
            }
            if (t instanceof Stmt.Eval || t instanceof Stmt.Throw) {
                if (Stmts.exprs(t).stream().anyMatch(x -> Exprs.any(x, n -> n instanceof Expr.Call
                        || n instanceof Expr.Pullback || n instanceof Expr.New))) {
                    return true;
                }
            }
            if (t instanceof Stmt.Loop || t instanceof Stmt.If || t instanceof Stmt.Block) {
                continue;
            }
        }
        return false;
    }

    /** How far (statements) a single use may be for its definition to be inlined into it. */
    private static final int INLINE_REACH = 64;

    /** Reads and writes of each variable in the statements walked so far (a list's rest, walking back). */
    private static final class Counts {
        final Map<Var, Integer> reads = new HashMap<>();
        final Map<Var, Integer> writes = new HashMap<>();

        void add(Stmt s) {
            count(List.of(s), reads, writes);
        }

        void addReads(Expr e) {
            Exprs.reads(e, v -> reads.merge(v, 1, Integer::sum));
        }

        int reads(Var v) {
            return reads.getOrDefault(v, 0);
        }

        int writes(Var v) {
            return writes.getOrDefault(v, 0);
        }

        void forget(Var v) {
            reads.remove(v);
            writes.remove(v);
        }

        /** What read {@code from} reads {@code to} now. */
        void rename(Var from, Var to) {
            Integer n = reads.remove(from);
            if (n != null) {
                reads.merge(to, n, Integer::sum);
            }
            writes.remove(from);
        }
    }

    private static void count(List<Stmt> body, Map<Var, Integer> reads, Map<Var, Integer> writes) {
        Stmts.forEach(body, s -> count(s, reads, writes));
    }

    /** {@link #count} for one statement, not those nested in it. */
    private static void count(Stmt s, Map<Var, Integer> reads, Map<Var, Integer> writes) {
        Consumer<Var> read = v -> reads.merge(v, 1, Integer::sum);
        // the commonest statements counted without building their list of expressions (this runs
        // over every statement in every clean-up pass)
        if (s instanceof Stmt.Declare d) {
            if (d.init() != null) {
                Exprs.reads(d.init(), read);
            }
            writes.merge(d.var(), 1, Integer::sum);
            return;
        }
        if (s instanceof Stmt.Assign a) {
            Exprs.reads(a.value(), read);
            writes.merge(a.var(), 1, Integer::sum);
            return;
        }
        for (Expr e : Stmts.exprs(s)) {
            if (s instanceof Stmt.Accumulate a && e == a.target()) {
                Var t = Exprs.var(a.target());
                if (t != null) {
                    writes.merge(t, 1, Integer::sum);
                    continue;
                }
            }
            Exprs.reads(e, read);
        }
    }

    // ---------------------------------------------------------------- an adjoint starts as its first term

    /**
     * {@code double _d_a = 0.0; ...; _d_a += e;} as {@code ...; double _d_a = e;} when nothing in
     * between touches {@code _d_a} and the {@code +=} is in the same list: {@code 0.0 + e} is an
     * addition the JIT must keep (it is not {@code e} for {@code e = -0.0}), on the path of every
     * adjoint that flows through {@code _d_a}. Likewise {@code _d_a = 0.0; _d_a += e;} as
     * {@code _d_a = e;}.
     */
    private static List<Stmt> startWithFirstTerm(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            out.add(scopes(s, Cleanup::startWithFirstTerm));
        }
        // where each variable is touched, found once: the walk below only replaces statements by ones
        // touching the same variables, so the positions stay right
        Map<Var, List<Integer>> touchedAt = new HashMap<>();
        for (int q = 0; q < out.size(); q++) {
            int at = q;
            touched(out.get(q), v -> {
                List<Integer> at_ = touchedAt.computeIfAbsent(v, k -> new ArrayList<>());
                if (at_.isEmpty() || at_.get(at_.size() - 1) != at) {
                    at_.add(at);
                }
            });
        }
        boolean[] removed = new boolean[out.size()];
        for (int p = 0; p < out.size(); p++) {
            Var var;
            boolean declared;
            if (out.get(p) instanceof Stmt.Declare d && isZero(d.init()) && d.var().type.isDouble()
                    && (d.var().role == Var.Role.ADJOINT || d.var().role == Var.Role.REVERSE_TEMP)) {
                var = d.var();
                declared = true;
            } else if (out.get(p) instanceof Stmt.Assign a && isZero(a.value()) && a.var().type.isDouble()
                    && a.var().role == Var.Role.ADJOINT) {
                var = a.var();
                declared = false;
            } else {
                continue;
            }
            List<Integer> at = touchedAt.get(var);
            int next = java.util.Collections.binarySearch(at, p);
            next = next >= 0 ? next + 1 : -next - 1;
            while (next < at.size() && removed[at.get(next)]) {
                next++;
            }
            if (next >= at.size()) {
                continue;
            }
            int q = at.get(next);
            if (out.get(q) instanceof Stmt.Accumulate a && Exprs.var(a.target()) == var
                    && !Exprs.readsVar(a.delta(), var)) {
                out.set(q, declared ? new Stmt.Declare(var, a.delta(), null, null)
                        : new Stmt.Assign(var, a.delta(), null, null));
                removed[p] = true;
            }
        }
        List<Stmt> kept = new ArrayList<>();
        for (int q = 0; q < out.size(); q++) {
            if (!removed[q]) {
                kept.add(out.get(q));
            }
        }
        return kept;
    }

    /** Every variable {@code s} (nested statements included) reads or writes. */
    private static void touched(Stmt s, java.util.function.Consumer<Var> action) {
        Stmts.forEach(List.of(s), t -> {
            Var target = Stmts.target(t);
            if (target != null) {
                action.accept(target);
            }
            for (Expr e : Stmts.exprs(t)) {
                Exprs.reads(e, action);
            }
        });
    }

    private static boolean isZero(Expr e) {
        Double c = Exprs.constant(e);
        return c != null && c == 0.0 && !(e instanceof Expr.Const k && k.value() instanceof Integer);
    }

    // ---------------------------------------------------------------- one store per element

    /**
     * {@code _d_x[i] -= a; ...; _d_x[i] -= b;} as one {@code _d_x[i] -= a + b;} at the second place,
     * when nothing in between reads that array or changes what {@code a} reads: one memory update
     * per element instead of one per term.
     */
    private static List<Stmt> mergeElementUpdates(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            out.add(scopes(s, Cleanup::mergeElementUpdates));
        }
        for (int p = 0; p < out.size(); p++) {
            if (!(out.get(p) instanceof Stmt.Accumulate first) || !(first.target() instanceof Expr.ArrayRead target)
                    || !(target.array() instanceof Expr.Read array)) {
                continue;
            }
            Set<Var> inputs = new HashSet<>();
            Exprs.reads(first.delta(), inputs::add);
            for (int q = p + 1; q < out.size(); q++) {
                Stmt between = out.get(q);
                if (between instanceof Stmt.Comment) {
                    continue;
                }
                if (!(between instanceof Stmt.Accumulate later)) {
                    break;
                }
                if (later.target().equals(target)) {
                    out.set(q, new Stmt.Accumulate(target, sum(first.delta(), later.delta())));
                    out.remove(p);
                    p--;
                    break;
                }
                if (Exprs.readsVar(later.delta(), array.var())) {
                    break;
                }
                Var written = Exprs.var(later.target() instanceof Expr.ArrayRead r ? r.array() : later.target());
                if (written != null && inputs.contains(written)) {
                    break;
                }
            }
        }
        return out;
    }

    /** {@code a + b}, written {@code -(a' + b')} when both are negated, so it prints as {@code -= a' + b'}. */
    private static Expr sum(Expr a, Expr b) {
        boolean negA = Algebra.isNegation(a);
        boolean negB = Algebra.isNegation(b);
        if (negA && negB) {
            return Algebra.neg(Algebra.add(((Expr.Unary) a).operand(), ((Expr.Unary) b).operand()));
        }
        if (negB) {
            return Algebra.sub(a, ((Expr.Unary) b).operand());
        }
        if (negA) {
            return Algebra.sub(b, ((Expr.Unary) a).operand());
        }
        return Algebra.add(a, b);
    }

    // ---------------------------------------------------------------- adjoints nobody adds to or reads

    /**
     * A double adjoint (or reverse intermediate) that is only declared 0 and never added to carries
     * nothing: what it would pass on is dropped (this is how the k·u·u rule's unused term goes).
     */
    private static List<Stmt> dropZeroAdjoints(List<Stmt> body) {
        Map<Var, Integer> reads = new HashMap<>();
        Map<Var, Integer> writes = new HashMap<>();
        count(body, reads, writes);
        Set<Var> zero = new HashSet<>();
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Declare d && (d.var().role == Var.Role.ADJOINT) && d.var().type.isDouble()
                    && isZero(d.init()) && writes.getOrDefault(d.var(), 0) == 1) {
                zero.add(d.var());
            }
        }
        if (zero.isEmpty()) {
            return body;
        }
        List<Stmt> out = dropTerms(body, zero);
        // what still reads a dropped value (an adjoint started as its first term, _d_y = _r1, a sum)
        // reads its 0: a declaration gone must leave no name behind
        return Rename.replace(out, e -> e instanceof Expr.Read r && zero.contains(r.var()) ? Expr.Const.of(0.0) : null);
    }

    private static List<Stmt> dropTerms(List<Stmt> list, Set<Var> zero) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            if (s instanceof Stmt.Accumulate a && factor(a.delta(), zero)) {
                continue;
            }
            if (s instanceof Stmt.Declare d && d.var().role == Var.Role.REVERSE_TEMP && factor(d.init(), zero)) {
                zero.add(d.var());
                continue;
            }
            out.add(scopes(s, inner -> dropTerms(inner, zero)));
        }
        return out;
    }

    /** Whether {@code e} is a product (or quotient, or negation) with a factor from {@code zero}. */
    private static boolean factor(Expr e, Set<Var> zero) {
        if (e instanceof Expr.Read r) {
            return zero.contains(r.var());
        }
        if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
            return factor(u.operand(), zero);
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
            return factor(b.left(), zero) || factor(b.right(), zero);
        }
        return e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.DIV && factor(b.left(), zero);
    }

    /** A double adjoint nothing reads: its declaration and every update of it go. */
    private static List<Stmt> dropDeadAdjoints(List<Stmt> body) {
        Map<Var, Integer> reads = new HashMap<>();
        Map<Var, Integer> writes = new HashMap<>();
        count(body, reads, writes);
        Set<Var> dead = new HashSet<>();
        for (Var v : writes.keySet()) {
            if ((v.role == Var.Role.ADJOINT || v.role == Var.Role.REVERSE_TEMP) && v.type.isDouble()
                    && reads.getOrDefault(v, 0) == 0) {
                dead.add(v);
            }
        }
        return dead.isEmpty() ? body : dropWrites(body, dead);
    }

    private static List<Stmt> dropWrites(List<Stmt> list, Set<Var> dead) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : list) {
            Var target = s instanceof Stmt.Accumulate a ? Exprs.var(a.target()) : Stmts.target(s);
            if (target != null && dead.contains(target) && !(s instanceof Stmt.ArrayWrite)
                    && movable(Stmts.value(s) != null ? Stmts.value(s) : s instanceof Stmt.Accumulate a ? a.delta()
                    : Expr.Const.of(0))) {
                continue;
            }
            out.add(scopes(s, inner -> dropWrites(inner, dead)));
        }
        return out;
    }

    // ---------------------------------------------------------------- properties

    /** Whether evaluating {@code e} allocates: a new array, a clone, an object. */
    public static boolean allocates(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.NewArray || n instanceof Expr.New || n instanceof Expr.ArrayLit
                || (n instanceof Expr.Call c && c.callee() instanceof Callee.Opaque o && o.name().equals("clone")));
    }

    /** Whether any expression of {@code body} allocates. */
    public static boolean allocates(List<Stmt> body) {
        for (Stmt s : Stmts.all(body)) {
            if (s instanceof Stmt.Throw) {
                continue;
            }
            for (Expr e : Stmts.exprs(s)) {
                if (allocates(e)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isMath(Expr e) {
        return e instanceof Expr.MathCall m && m.function() != MathFunction.ROUND;
    }
}
