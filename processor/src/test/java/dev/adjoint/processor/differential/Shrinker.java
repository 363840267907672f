package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Bin;
import dev.adjoint.processor.differential.Ast.Bool;
import dev.adjoint.processor.differential.Ast.Call;
import dev.adjoint.processor.differential.Ast.Cond;
import dev.adjoint.processor.differential.Ast.Expr;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Num;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Stmt;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.GradientChecker.Failure;
import dev.adjoint.processor.differential.GradientChecker.Point;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Shrinks a failing method to a small one that fails the same way (same failure kind), greedily:
 * drop a statement, drop {@code wrt} or an unused parameter, replace a subexpression by one of its
 * children or by a leaf, a condition by one of its parts. Each candidate is compiled alone and
 * checked at the failing point first. Budgeted: a shrink never takes more than {@link #BUDGET_NANOS}.
 *
 * <p>A new construct gets its reductions in {@link #statementVariants} / {@link #variants}
 * (e.g. an {@code if} replaced by one branch, a loop by its body).
 */
final class Shrinker {

    static final long BUDGET_NANOS = 90_000_000_000L;

    private final Campaign campaign;
    private final String kind;
    /** Whether the method must be refused: every candidate must be so too (or neither). */
    private boolean mustRefuse;
    private final Map<String, Object> point = new HashMap<>();
    private final long deadline = System.nanoTime() + BUDGET_NANOS;
    private Failure lastFailure;
    private Point lastPoint;

    Shrinker(Campaign campaign, String kind, Point failingPoint) {
        this.campaign = campaign;
        this.kind = kind;
        this.lastPoint = failingPoint;
    }

    Campaign.Finding shrink(Method original, Unit alone, Failure failure) {
        if (lastPoint != null) {
            for (int i = 0; i < original.params().size(); i++) {
                point.put(original.params().get(i).name(), lastPoint.args().get(i));
            }
        }
        lastFailure = failure;
        mustRefuse = Ast.mustRefuse(alone, original);
        Method current = original;
        boolean progress = true;
        while (progress && System.nanoTime() < deadline) {
            progress = false;
            for (Method candidate : candidates(current)) {
                if (System.nanoTime() > deadline) {
                    break;
                }
                if (fails(alone, candidate)) {
                    current = candidate;
                    progress = true;
                    break;
                }
            }
        }
        Unit minimal = alone.only(current).trimmed();
        return new Campaign.Finding(original, minimal, lastPoint, lastFailure, campaign.adjointSource(minimal), true);
    }

    /** Whether {@code candidate} is a valid program that still fails with the same kind of failure. */
    private boolean fails(Unit alone, Method candidate) {
        Unit unit = alone.only(candidate);
        // without a double parameter the processor rightly refuses the method
        if (!Ast.wellScoped(unit, candidate) || candidate.differentiable().isEmpty()
                || Ast.mustRefuse(unit, candidate) != mustRefuse) {
            return false;
        }
        if (mustRefuse) {
            return keep(campaign.refusalFailure(unit, candidate, new Random(7)), null);
        }
        InMemoryCompiler.Result result = campaign.compile(unit);
        Failure compileFailure = Campaign.compilationFailure(unit.qualifiedName(), result);
        if (compileFailure != null || lastPoint == null) {
            return keep(compileFailure, null);
        }
        List<Object> args = new ArrayList<>();
        for (Param p : candidate.params()) {
            args.add(point.get(p.name()));
        }
        Campaign.CheckResult checked = Campaign.check(unit, candidate, result, new Point(args), new Random(7));
        return keep(checked.failure(), checked.point());
    }

    private boolean keep(Failure failure, Point at) {
        if (failure == null || !failure.kind().equals(kind)) {
            return false;
        }
        lastFailure = failure;
        lastPoint = at;
        return true;
    }

    /** Smaller programs, the biggest cuts first. */
    static List<Method> candidates(Method m) {
        List<Method> out = new ArrayList<>();
        List<Stmt> body = m.body();
        Expr leaf = m.doubleParams().isEmpty() ? new Num(1.0) : new Ast.Var(m.doubleParams().get(0));
        List<List<Stmt>> bodies = blockVariants(body, leaf);
        // cuts of statements and blocks first, then parameters, then smaller expressions
        int size = Ast.statements(body).size();
        bodies.stream().filter(b -> Ast.statements(b).size() < size).forEach(b -> out.add(m.withBody(b)));
        if (!m.wrt().isEmpty()) {
            out.add(new Method(m.name(), m.params(), List.of(), body));
        }
        Set<String> used = Ast.reads(body);
        for (Param p : m.params()) {
            if (!used.contains(p.name()) && !m.wrt().contains(p.name())) {
                List<Param> fewer = new ArrayList<>(m.params());
                fewer.remove(p);
                out.add(new Method(m.name(), fewer, m.wrt(), body));
            }
        }
        bodies.stream().filter(b -> Ast.statements(b).size() >= size).forEach(b -> out.add(m.withBody(b)));
        return out;
    }

    /**
     * Every block one reduction smaller than {@code block}: a statement dropped, a statement
     * replaced by one of its blocks (an {@code if} by a branch, a loop by its body), then
     * reductions inside nested blocks, then smaller statements. Some are not valid Java (a
     * {@code break} left outside its loop): {@link Ast#wellScoped} weeds them out.
     */
    static List<List<Stmt>> blockVariants(List<Stmt> block, Expr leaf) {
        List<List<Stmt>> out = new ArrayList<>();
        for (int i = 0; i < block.size(); i++) {
            List<Stmt> shorter = new ArrayList<>(block);
            shorter.remove(i);
            out.add(shorter);
        }
        for (int i = 0; i < block.size(); i++) {
            for (List<Stmt> inner : Ast.blocks(block.get(i))) {
                List<Stmt> inlined = new ArrayList<>(block.subList(0, i));
                inlined.addAll(inner);
                inlined.addAll(block.subList(i + 1, block.size()));
                out.add(inlined);
            }
        }
        for (int i = 0; i < block.size(); i++) {
            Stmt s = block.get(i);
            List<List<Stmt>> inner = Ast.blocks(s);
            for (int b = 0; b < inner.size(); b++) {
                for (List<Stmt> smaller : blockVariants(inner.get(b), leaf)) {
                    List<Stmt> changed = new ArrayList<>(block);
                    changed.set(i, withBlock(s, b, smaller));
                    out.add(changed);
                }
            }
        }
        for (int i = 0; i < block.size(); i++) {
            for (Stmt s : statementVariants(block.get(i), leaf)) {
                List<Stmt> changed = new ArrayList<>(block);
                changed.set(i, s);
                out.add(changed);
            }
        }
        return out;
    }

    /** {@code s} with its block number {@code which} (see {@link Ast#blocks}) replaced. */
    private static Stmt withBlock(Stmt s, int which, List<Stmt> block) {
        if (s instanceof Ast.If i) {
            return which == 0 ? new Ast.If(i.condition(), block, i.otherwise()) : new Ast.If(i.condition(), i.then(), block);
        } else if (s instanceof Ast.CountDown c) {
            return new Ast.CountDown(c.label(), c.counter(), c.start(), block, c.pre());
        } else if (s instanceof Ast.Switch sw) {
            List<Ast.Case> cases = new ArrayList<>(sw.cases());
            cases.set(which, new Ast.Case(cases.get(which).label(), block));
            return new Ast.Switch(sw.selector(), cases);
        } else if (s instanceof Ast.For f) {
            return new Ast.For(f.label(), f.index(), f.bound(), block);
        } else if (s instanceof Ast.ForEach f) {
            return new Ast.ForEach(f.label(), f.variable(), f.array(), block);
        } else if (s instanceof Ast.While w) {
            return new Ast.While(w.label(), w.counter(), w.condition(), w.cap(), block);
        } else if (s instanceof Ast.DoWhile d) {
            return new Ast.DoWhile(d.label(), d.counter(), block, d.condition(), d.cap());
        }
        throw new IllegalArgumentException("no block in " + s);
    }

    private static List<Stmt> statementVariants(Stmt s, Expr leaf) {
        List<Stmt> out = new ArrayList<>();
        if (s instanceof Ast.Declare d) {
            if (d.kind() != Ast.Local.DOUBLE) {
                out.add(new Ast.Declare(d.name(), Ast.Local.DOUBLE, d.init()));
            }
            variants(d.init(), leaf).forEach(e -> out.add(new Ast.Declare(d.name(), d.kind(), e)));
        } else if (s instanceof Ast.DeclareUnassigned d && d.isFinal()) {
            out.add(new Ast.DeclareUnassigned(d.name(), false));
        } else if (s instanceof Ast.Stash st) {
            variants(st.value(), leaf).forEach(e -> out.add(new Ast.Stash(st.kind(), st.holder(), e)));
        } else if (s instanceof Ast.DeclareArrayInit d) {
            for (int i = 0; i < d.values().size(); i++) {
                int at = i;
                variants(d.values().get(i), leaf).forEach(e -> {
                    List<Expr> values = new ArrayList<>(d.values());
                    values.set(at, e);
                    out.add(new Ast.DeclareArrayInit(d.name(), values));
                });
            }
        } else if (s instanceof Ast.Switch sw && sw.cases().size() > 1) {
            for (int i = 0; i < sw.cases().size(); i++) {
                List<Ast.Case> fewer = new ArrayList<>(sw.cases());
                fewer.remove(i);
                out.add(new Ast.Switch(sw.selector(), fewer));
            }
        } else if (s instanceof Ast.CountDown c && !(c.start() instanceof Ast.IntLit l && l.value() == 1)) {
            out.add(new Ast.CountDown(c.label(), c.counter(), new Ast.IntLit(1), c.body(), c.pre()));
        } else if (s instanceof Ast.Assign a) {
            variants(a.value(), leaf).forEach(e -> out.add(new Ast.Assign(a.name(), e)));
        } else if (s instanceof Ast.Compound c) {
            out.add(new Ast.Assign(c.name(), c.value()));
            variants(c.value(), leaf).forEach(e -> out.add(new Ast.Compound(c.name(), c.op(), e)));
        } else if (s instanceof Ast.Return r) {
            variants(r.value(), leaf).forEach(e -> out.add(new Ast.Return(e)));
        } else if (s instanceof Ast.If i) {
            if (!i.otherwise().isEmpty()) {
                out.add(new Ast.If(i.condition(), i.then(), List.of()));
            }
            boolVariants(i.condition(), leaf).forEach(b -> out.add(new Ast.If(b, i.then(), i.otherwise())));
        } else if (s instanceof Ast.For f) {
            if (f.label() != null) {
                out.add(new Ast.For(null, f.index(), f.bound(), f.body()));
            }
            if (!(f.bound() instanceof Ast.IntLit l && l.value() == 1)) {
                out.add(new Ast.For(f.label(), f.index(), new Ast.IntLit(1), f.body()));
            }
        } else if (s instanceof Ast.ForEach f) {
            if (f.label() != null) {
                out.add(new Ast.ForEach(null, f.variable(), f.array(), f.body()));
            }
        } else if (s instanceof Ast.While w) {
            if (w.label() != null) {
                out.add(new Ast.While(null, w.counter(), w.condition(), w.cap(), w.body()));
            }
            if (w.cap() > 1) {
                out.add(new Ast.While(w.label(), w.counter(), w.condition(), 1, w.body()));
            }
            boolVariants(w.condition(), leaf).forEach(b -> out.add(new Ast.While(w.label(), w.counter(), b, w.cap(), w.body())));
        } else if (s instanceof Ast.DoWhile d) {
            if (d.label() != null) {
                out.add(new Ast.DoWhile(null, d.counter(), d.body(), d.condition(), d.cap()));
            }
            if (d.cap() > 1) {
                out.add(new Ast.DoWhile(d.label(), d.counter(), d.body(), d.condition(), 1));
            }
            boolVariants(d.condition(), leaf).forEach(b -> out.add(new Ast.DoWhile(d.label(), d.counter(), d.body(), b, d.cap())));
        } else if (s instanceof Ast.Break b && b.label() != null) {
            out.add(new Ast.Break(null));
        } else if (s instanceof Ast.Continue c && c.label() != null) {
            out.add(new Ast.Continue(null));
        } else if (s instanceof Ast.Store st) {
            if (st.op() != null) {
                out.add(new Ast.Store(st.array(), st.index(), null, st.value()));
            }
            if (!(st.index() instanceof Ast.IntLit)) {
                out.add(new Ast.Store(st.array(), new Ast.IntLit(0), st.op(), st.value()));
            }
            variants(st.value(), leaf).forEach(e -> out.add(new Ast.Store(st.array(), st.index(), st.op(), e)));
        } else if (s instanceof Ast.DeclareArray d) {
            if (d.useVar()) {
                out.add(new Ast.DeclareArray(d.name(), false, d.length()));
            }
            if (!(d.length() instanceof Ast.IntLit)) {
                out.add(new Ast.DeclareArray(d.name(), d.useVar(), new Ast.IntLit(3)));
            }
        }
        return out;
    }

    /** Every expression one reduction smaller than {@code e}: at the root first, then inside. */
    static List<Expr> variants(Expr e, Expr leaf) {
        List<Expr> out = new ArrayList<>();
        if (!(e instanceof Num n && n.value() == 1.0)) {
            out.add(new Num(1.0));
        }
        if (!e.equals(leaf) && !(e instanceof Num)) {
            out.add(leaf);
        }
        if (e instanceof Ast.Neg n) {
            out.add(n.operand());
            inside(out, n.operand(), leaf, Ast.Neg::new);
        } else if (e instanceof Bin b) {
            out.add(b.left());
            out.add(b.right());
            inside(out, b.left(), leaf, x -> new Bin(b.op(), x, b.right()));
            inside(out, b.right(), leaf, x -> new Bin(b.op(), b.left(), x));
        } else if (e instanceof Call c) {
            out.addAll(c.args());
            if (c.strict()) {
                out.add(new Call(c.fn(), false, c.args()));
            }
            for (int i = 0; i < c.args().size(); i++) {
                int at = i;
                inside(out, c.args().get(i), leaf, x -> {
                    List<Expr> args = new ArrayList<>(c.args());
                    args.set(at, x);
                    return new Call(c.fn(), c.strict(), args);
                });
            }
        } else if (e instanceof Cond c) {
            out.add(c.then());
            out.add(c.otherwise());
            for (Bool b : boolVariants(c.condition(), leaf)) {
                out.add(new Cond(b, c.then(), c.otherwise()));
            }
            inside(out, c.then(), leaf, x -> new Cond(c.condition(), x, c.otherwise()));
            inside(out, c.otherwise(), leaf, x -> new Cond(c.condition(), c.then(), x));
        } else if (e instanceof Ast.Truncate t) {
            out.add(t.operand());
            inside(out, t.operand(), leaf, Ast.Truncate::new);
        } else if (e instanceof Ast.StopGradient st) {
            out.add(st.operand());
            inside(out, st.operand(), leaf, Ast.StopGradient::new);
        } else if (e instanceof Ast.Element el && !(el.index() instanceof Ast.IntLit)) {
            out.add(new Ast.Element(el.array(), new Ast.IntLit(0)));
        } else if (e instanceof Ast.Chain c) {
            // halves first: a 1,000-term sum shrinks in a few steps
            int n = c.terms().size();
            if (n > 2) {
                out.add(new Ast.Chain(c.op(), c.terms().subList(0, n / 2)));
                out.add(new Ast.Chain(c.op(), c.terms().subList(n / 2, n)));
                out.add(new Ast.Chain(c.op(), c.terms().subList(0, n - 1)));
            }
            out.add(c.terms().get(0));
            if (n <= 8) {
                for (int i = 0; i < n; i++) {
                    int at = i;
                    inside(out, c.terms().get(i), leaf, x -> {
                        List<Expr> terms = new ArrayList<>(c.terms());
                        terms.set(at, x);
                        return new Ast.Chain(c.op(), terms);
                    });
                }
            }
        } else if (e instanceof Ast.HelperCall h) {
            out.add(h.arg());
            inside(out, h.arg(), leaf, x -> new Ast.HelperCall(h.helper(), x));
        } else if (e instanceof Ast.ObjectCall o) {
            out.add(o.arg());
            inside(out, o.arg(), leaf, x -> new Ast.ObjectCall(o.helper(), x));
        } else if (e instanceof Ast.FractionRead f) {
            out.add(f.at());
            inside(out, f.at(), leaf, x -> new Ast.FractionRead(x, f.shape(), f.form()));
            inside(out, f.shape(), leaf, x -> new Ast.FractionRead(f.at(), x, f.form()));
        } else if (e instanceof Ast.ValueRead v) {
            out.add(v.form() == 0 || v.form() == 2 ? v.a() : v.b());
            inside(out, v.a(), leaf, x -> new Ast.ValueRead(x, v.b(), v.form()));
            inside(out, v.b(), leaf, x -> new Ast.ValueRead(v.a(), x, v.form()));
        } else if (e instanceof Ast.AssignExpr a) {
            out.add(a.value());
            inside(out, a.value(), leaf, x -> new Ast.AssignExpr(a.name(), x));
        } else if (e instanceof Ast.Invoke call) {
            for (int i = 0; i < call.args().size(); i++) {
                if (call.args().get(i) instanceof Expr arg) {
                    out.add(arg);
                    int at = i;
                    inside(out, arg, leaf, x -> {
                        List<Ast.Arg> args = new ArrayList<>(call.args());
                        args.set(at, x);
                        return new Ast.Invoke(call.method(), args);
                    });
                }
            }
        }
        return out;
    }

    private static void inside(List<Expr> out, Expr child, Expr leaf, Function<Expr, Expr> rebuild) {
        for (Expr smaller : variants(child, leaf)) {
            out.add(rebuild.apply(smaller));
        }
    }

    private static List<Bool> boolVariants(Bool b, Expr leaf) {
        List<Bool> out = new ArrayList<>();
        if (b instanceof Ast.Cmp c) {
            variants(c.left(), leaf).forEach(x -> out.add(new Ast.Cmp(c.op(), x, c.right())));
            variants(c.right(), leaf).forEach(x -> out.add(new Ast.Cmp(c.op(), c.left(), x)));
        } else if (b instanceof Ast.And a) {
            out.add(a.left());
            out.add(a.right());
        } else if (b instanceof Ast.Or o) {
            out.add(o.left());
            out.add(o.right());
        } else if (b instanceof Ast.Not n) {
            out.add(n.operand());
        }
        return out;
    }
}
