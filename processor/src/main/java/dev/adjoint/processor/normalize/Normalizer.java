package dev.adjoint.processor.normalize;

import dev.adjoint.processor.analysis.Aliases;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Stage 4, the normal form: {@link Desugar} (for-each and switch into loops and if-chains),
 * {@link Converge} (a loop stopped on convergence run longer for the derivative where it stopped
 * early), {@link Jumps} (no break, continue or early return: flags instead), then {@link Anf} (every
 * intermediate double named; helpers inlined), {@link Cse} (a value computed once) and {@link Sink}
 * (a value computed in the branch that reads it). What comes out is what the analyses and the
 * differentiators work on; positions and source texts survive for comments and messages.
 */
public final class Normalizer {

    private final Map<String, MethodIr> helpers;
    /** Whether a variable of the method carries a derivative (its activity). */
    private final Predicate<Var> varied;
    private final List<Converge.Skipped> skipped = new ArrayList<>();

    public Normalizer(Map<String, MethodIr> helpers) {
        this(helpers, v -> true);
    }

    public Normalizer(Map<String, MethodIr> helpers, Predicate<Var> varied) {
        this.helpers = helpers;
        this.varied = varied;
    }

    /**
     * Where the loops stopped on a convergence test of a differentiated value that {@link Converge}
     * left as written are, each with why ({@code "writes an array"}); the diagnostics print each once.
     */
    public List<Map.Entry<Position, String>> notRunOn() {
        return skipped.stream().<Map.Entry<Position, String>>map(s -> new java.util.AbstractMap.SimpleImmutableEntry<>(
                s.pos(), s.why())).toList();
    }

    /** The method's body in normal form. */
    public MethodIr run(MethodIr method) {
        List<Stmt> body = Converge.run(new Desugar().run(unaliased(named(method))), varied, skipped, helpers);
        body = initialized(body, new Jumps().method(body, method.vector() ? JType.DOUBLE_ARRAY : JType.DOUBLE));
        body = Sink.run(Cse.run(new Anf(this, helpers).block(body)));
        return new MethodIr(method.key(), method.name(), method.owner(), method.params(), method.self(),
                method.inputs(), List.copyOf(body), method.vector(), method.pos());
    }

    /** Statements inlined into a method (a helper's body, a switch expression) in normal form, their jumps kept inside. */
    List<Stmt> nested(List<Stmt> stmts) {
        // a helper's variables are not the method's: each may carry a derivative
        List<Stmt> body = Converge.run(new Desugar().run(unaliased(deadStarts(stmts))), v -> true, skipped, helpers);
        body = initialized(body, new Jumps().method(body, null));
        return new Anf(this, helpers).block(body);
    }

    /**
     * The body of {@code method}; for a method returning {@code double[]} whose one return gives a
     * helper's own new array ({@code return cumulativeSum(pmf);}), that array named first, as the
     * reverse sweep of a vector result reads it ({@code double[] _result = cumulativeSum(pmf); return
     * _result;}).
     */
    private static List<Stmt> named(MethodIr method) {
        List<Stmt> body = method.body();
        if (!method.vector() || body.isEmpty() || !(body.get(body.size() - 1) instanceof Stmt.Return r)
                || !(r.value() instanceof Expr.Call)) {
            return body;
        }
        Var result = new Var("_result", JType.DOUBLE_ARRAY, Var.Role.TEMP);
        List<Stmt> out = new ArrayList<>(body.subList(0, body.size() - 1));
        out.add(new Stmt.Declare(result, r.value(), r.pos(), r.source()));
        out.add(new Stmt.Return(new Expr.Read(result), r.pos(), r.source()));
        return out;
    }

    /**
     * {@code body} with a local array's first value dropped where nothing reads it before an
     * assignment of the same block gives the variable another (C's habit, SOFA's {@code double axb[]
     * = new double[3]; ... axb = jauPxp(a, b);}): declared there instead, the variable names one
     * array. Only a first value that is no array yet or a new array of constant, non-negative size
     * (allocating it has no effect to keep). Run on a method as read, before the fence's checks of
     * array variables, and on what is inlined into it.
     */
    public static MethodIr withoutDeadStarts(MethodIr method) {
        List<Stmt> body = deadStarts(method.body());
        return body.equals(method.body()) ? method : new MethodIr(method.key(), method.name(), method.owner(),
                method.params(), method.self(), method.inputs(), List.copyOf(body), method.vector(), method.pos());
    }

    static List<Stmt> deadStarts(List<Stmt> body) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            out.add(Stmts.mapBlocks(s, Normalizer::deadStarts));
        }
        for (int i = 0; i < out.size(); i++) {
            if (!(out.get(i) instanceof Stmt.Declare d) || !d.var().type.isArray() || !unobservable(d.init())) {
                continue;
            }
            for (int j = i + 1; j < out.size(); j++) {
                if (out.get(j) instanceof Stmt.Assign a && a.var() == d.var() && !mentions(a.value(), d.var())) {
                    out.set(j, new Stmt.Declare(d.var(), a.value(), a.pos(), a.source()));
                    out.remove(i);
                    i--;
                    break;
                }
                if (mentions(out.get(j), d.var())) {
                    break;
                }
            }
        }
        return out;
    }

    /** No value yet, or a new array of constant sizes at least 0: dropping it changes nothing. */
    private static boolean unobservable(Expr init) {
        return init == null || init instanceof Expr.NewArray n && n.dimensions().stream()
                .allMatch(dim -> Exprs.constant(dim) != null && Exprs.constant(dim) >= 0);
    }

    private static boolean mentions(Stmt s, Var v) {
        for (Stmt t : Stmts.all(List.of(s))) {
            if (Stmts.target(t) == v || Stmts.exprs(t).stream().anyMatch(e -> mentions(e, v))) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(Expr e, Var v) {
        boolean[] found = {false};
        Exprs.reads(e, r -> found[0] |= r == v);
        return found[0] || Exprs.any(e, n -> n instanceof Expr.Assignment a && Exprs.var(a.target()) == v);
    }

    /**
     * {@code body} with each local array that is only a second name for another ({@link Aliases}:
     * {@code final double[] center = this.center;}) replaced by that array: the same object for as
     * long as the local lives, so the derivative code needs no second name for one array.
     */
    private static List<Stmt> unaliased(List<Stmt> body) {
        Map<Var, Var> aliases = Aliases.of(body);
        if (aliases.isEmpty()) {
            return body;
        }
        List<Stmt> undeclared = Stmts.mapAll(body, s -> s instanceof Stmt.Declare d && aliases.containsKey(d.var())
                ? new Stmt.Block(null, List.of()) : s);
        return Rename.substitute(undeclared, aliases);
    }

    /** Warns of the loops of a helper's body it leaves by a return from inside them: inlined, they are not run on. */
    void reportReturnsFromLoops(List<Stmt> helperBody) {
        Converge.report(new Desugar().run(helperBody), skipped, helpers, "is in a helper that returns from inside it "
                + "(annotate the helper @Differentiable, or break out of the loop and return after it)");
    }

    /**
     * Once jumps are flags, javac can no longer see that a local declared without a value is
     * assigned on every path that reads it ({@code double r; if (c) return a; else r = b; return r;}):
     * such locals start at their type's default value, which no path reads.
     */
    private static List<Stmt> initialized(List<Stmt> before, List<Stmt> after) {
        if (after.equals(before)) {
            return after;
        }
        return Stmts.mapAll(after, s -> s instanceof Stmt.Declare d && d.init() == null
                ? new Stmt.Declare(d.var(), Exprs.defaultValue(d.var().type), d.pos(), d.source()) : s);
    }
}
