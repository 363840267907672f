package dev.adjoint.processor.read;

import static dev.adjoint.processor.read.Builtins.intOp;
import static dev.adjoint.processor.read.Builtins.local;
import static dev.adjoint.processor.read.Builtins.param;
import static dev.adjoint.processor.read.Builtins.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MathFunction;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Sums and other reductions of streams of doubles, as numerical code written with streams sums a
 * function over an array or a range of indices: {@code Arrays.stream(v).map(x -> ...).sum()},
 * {@code IntStream.range(0, n).mapToDouble(i -> w[i] * x[i]).sum()} ({@code rangeClosed} too; any
 * number of {@code map}s; {@code sequential()}), and the same streams' {@code average()}, {@code
 * max()} and {@code min()} (with {@code getAsDouble()}, {@code orElse(d)} or {@code orElseThrow()})
 * and {@code toArray()}. Such a stream is read as a helper written here, never built: a loop fills
 * an array with the stream's values, each function's body inlined as a lambda's is where it is
 * called (read/Functions), and reduces it. A sum's value (an average's) is the JDK's own {@code
 * DoubleStream.sum()} ({@code average()}) of that array ({@code dev.adjoint.internal.StreamSums}): a
 * compensated sum whose last step differs between JDK releases, so a loop written out here would not
 * be the method's value bit for bit on every JDK, where the same sum of the same values in the same
 * order is. Its derivative is a plain sum's: each value's derivative, added once. A maximum is
 * {@code Math.max} over the values in order, as the JDK reduces it.
 *
 * <p>A parallel stream's values are computed in order, and its sum (average) is the JDK's parallel
 * one, split as the stream was: over an array of the values for an array, over a range of their
 * number for a range (a range splits as no array does). Other sources and operations ({@code
 * filter}, {@code DoubleStream.of}, a stream of objects, a stream held in a local) stay a library's
 * objects, refused where a derivative flows through them, as before.
 */
final class Streams {

    private static final String DOUBLE_STREAM = "java.util.stream.DoubleStream";
    private static final String INT_STREAM = "java.util.stream.IntStream";
    private static final ClassRef SUMS = ClassRef.of("dev.adjoint.internal", "StreamSums");
    private static final ClassRef BOXED = ClassRef.of("java.lang", "Double");

    private static final String OPTIONAL = "java.util.OptionalDouble";

    /** Where the stream's values come from: a {@code double[]}, or a range of {@code int}s (closed or not). */
    private enum Source { ARRAY, RANGE, CLOSED }

    /** What the stream is reduced to. */
    private enum Terminal {
        SUM("sum"), AVERAGE("average"), MAX("max"), MIN("min"), TO_ARRAY("toArray");

        final String method;

        Terminal(String method) {
            this.method = method;
        }
    }

    /** A reduction's terminal call: what, where its stream ends, and for an empty stream's {@code OptionalDouble}, {@code orElse}'s argument. */
    private record End(Terminal terminal, TreePath stream, TreePath otherwise) {}

    private final BodyReader body;
    private final Calls calls;
    private final Trees trees;
    private final Functions functions;

    Streams(BodyReader body, Calls calls, Trees trees, Functions functions) {
        this.body = body;
        this.calls = calls;
        this.trees = trees;
        this.functions = functions;
    }

    /**
     * The reduction at {@code path}, read as above, or the refusal of a function given to it; null when
     * {@code path} is no stream Adjoint reads so (a library's objects then, as before).
     */
    Expr call(TreePath path) {
        End end = end(path);
        if (end == null) {
            return null;
        }
        MethodInvocationTree terminal = (MethodInvocationTree) path.getLeaf();
        String what = end.terminal().method;
        List<TreePath> mapped = new ArrayList<>(); // the functions, in the order the stream applies them
        List<ExecutableElement> maps = new ArrayList<>();
        TreePath at = end.stream();
        Source source = null;
        Boolean parallel = null; // the last of parallel() and sequential() decides for the whole stream
        while (source == null) {
            if (at == null || !(at.getLeaf() instanceof MethodInvocationTree)
                    || !(trees.getElement(at) instanceof ExecutableElement op)) {
                return null; // a stream held in a local, returned by a method: a library's objects, as before
            }
            if (is(at, DOUBLE_STREAM, "map") || is(at, INT_STREAM, "mapToDouble")) {
                mapped.add(0, new TreePath(at, ((MethodInvocationTree) at.getLeaf()).getArguments().get(0)));
                maps.add(0, op);
            } else if (is(at, DOUBLE_STREAM, "parallel") || is(at, INT_STREAM, "parallel")
                    || is(at, DOUBLE_STREAM, "sequential") || is(at, INT_STREAM, "sequential")) {
                parallel = parallel != null ? parallel : op.getSimpleName().contentEquals("parallel");
            } else if (is(at, "java.util.Arrays", "stream") && op.getParameters().size() == 1
                    && JType.of(op.getParameters().get(0).asType()).isDoubleArray()) {
                source = Source.ARRAY;
                break;
            } else if (is(at, INT_STREAM, "range") || is(at, INT_STREAM, "rangeClosed")) {
                source = op.getSimpleName().contentEquals("range") ? Source.RANGE : Source.CLOSED;
                break;
            } else {
                // another source or operation (filter, DoubleStream.of, a stream of objects): a library's
                // methods, refused where a derivative flows through them, as before
                return null;
            }
            at = receiver(at);
        }
        if (source != Source.ARRAY && (mapped.isEmpty() || !maps.get(0).getSimpleName().contentEquals("mapToDouble"))) {
            return null;
        }
        boolean split = Boolean.TRUE.equals(parallel);
        List<Expr> args = new ArrayList<>();
        List<Var> params = new ArrayList<>();
        List<Functions.Held> read = new ArrayList<>();
        List<String> lambdaKeys = new ArrayList<>();
        StringBuilder shapes = new StringBuilder();
        for (int k = 0; k < mapped.size(); k++) {
            Expr given = functions.passed(mapped.get(k), maps.get(k));
            Functions.Held held = given == null ? null : functions.passedIn(List.of(given)).get(0);
            if (held == null) {
                return given; // its refusal, or null: a function Adjoint does not hold, a library's object as before
            }
            String lambdaKey = "lambda#" + held.shape() + "@" + calls.site().getQualifiedName();
            calls.reader().lambda(held, lambdaKey, "f", calls.site());
            lambdaKeys.add(lambdaKey);
            args.addAll(held.flat());
            read.add(held.rebound("f" + k, params));
            shapes.append(k == 0 ? "" : ";").append(held.shape());
        }
        List<Var> sourceParams = source == Source.ARRAY ? List.of(param("values", JType.DOUBLE_ARRAY))
                : List.of(param("from", JType.INT), param("to", JType.INT));
        MethodInvocationTree created = (MethodInvocationTree) at.getLeaf();
        for (ExpressionTree a : created.getArguments()) {
            args.add(body.expr(new TreePath(at, a)));
        }
        params.addAll(sourceParams);
        Var otherwise = null;
        if (end.otherwise() != null) {
            otherwise = param("otherwise", JType.DOUBLE);
            params.add(otherwise);
            args.add(body.expr(end.otherwise()));
        }
        String key = "stream#" + what + (end.otherwise() != null ? "#orElse" : "") + (split ? "#parallel" : "") + "#"
                + source + "#" + shapes + "@"
                + calls.site().getQualifiedName();
        ClassRef owner = ClassRef.of(calls.site());
        List<JType> types = params.stream().map(v -> v.type).toList();
        if (!calls.reader().hasHelper(key)) {
            calls.reader().putHelper(key, new MethodIr(key, what, owner, params.stream().map(MethodIr.Param::new).toList(),
                    null, List.of(), helper(end.terminal(), source, split, sourceParams, otherwise, read, lambdaKeys, owner),
                    end.terminal() == Terminal.TO_ARRAY, null));
        }
        JType type = end.terminal() == Terminal.TO_ARRAY ? JType.DOUBLE_ARRAY : JType.DOUBLE;
        return new Expr.Call(new Callee.Inline(key, what, types, owner), null, args, type, body.at(terminal));
    }

    /**
     * The helper's body: {@code double[] mapped = new double[n]; double sum = 0; for (int i = 0; i < n;
     * i++) { double t = f0(..., source[i]); t = f1(..., t); ...; mapped[i] = t; sum += t; }}, then the
     * reduction: the JDK's sum (average) of {@code mapped} with the derivative of {@code sum} ({@code
     * sum / n}), {@code stop(exact) - (stop(sum) - sum)}, or {@code sum} itself where it is an infinity
     * or NaN (so is the JDK's then); {@code Math.max} over {@code mapped} in order; {@code mapped}
     * itself. An empty stream's average, maximum or minimum is {@code otherwise}, or throws as
     * {@code OptionalDouble.getAsDouble()} does.
     */
    private static List<Stmt> helper(Terminal terminal, Source source, boolean split, List<Var> sourceParams, Var otherwise,
            List<Functions.Held> functions, List<String> lambdaKeys, ClassRef owner) {
        Var n = local("n", JType.INT);
        Var valuesOut = local("mapped", JType.DOUBLE_ARRAY);
        // the running sum, or maximum (minimum), named for what it holds in the generated code
        boolean extreme = terminal == Terminal.MAX || terminal == Terminal.MIN;
        Var sum = local(extreme ? terminal.method : "sum", JType.DOUBLE);
        Var i = local("i", JType.INT);
        Var t = local("t", JType.DOUBLE);
        List<Stmt> body = new ArrayList<>();
        Expr size = source == Source.ARRAY ? new Expr.Length(read(sourceParams.get(0)), null)
                : intOp(BinaryOp.SUB, read(sourceParams.get(1)), read(sourceParams.get(0)));
        if (source == Source.CLOSED) {
            size = intOp(BinaryOp.ADD, size, Expr.Const.ofInt(1));
        }
        if (source != Source.ARRAY) {
            // a range whose end is below its start is empty
            size = new Expr.Cond(new Expr.Binary(BinaryOp.LT, size, Expr.Const.ofInt(0), JType.BOOLEAN, null),
                    Expr.Const.ofInt(0), size, JType.INT, null);
        }
        body.add(new Stmt.Declare(n, size, null, "int n = " + (source == Source.ARRAY ? "values.length"
                : source == Source.RANGE ? "Math.max(0, to - from)" : "Math.max(0, to - from + 1)")));
        boolean optional = terminal == Terminal.AVERAGE || terminal == Terminal.MAX || terminal == Terminal.MIN;
        if (optional) {
            Stmt empty = otherwise != null ? new Stmt.Return(read(otherwise), null, "return otherwise")
                    : new Stmt.Throw(new Expr.New(JType.named(ClassRef.of("java.util", "NoSuchElementException")),
                            List.of(new Expr.Const("No value present", JType.STRING, null)), null), null,
                            "throw new NoSuchElementException(\"No value present\")");
            body.add(new Stmt.If(new Expr.Binary(BinaryOp.EQ, read(n), Expr.Const.ofInt(0), JType.BOOLEAN, null),
                    List.of(empty), List.of(), null, "if (n == 0)"));
        }
        // a maximum needs no array of the values: generated code allocates one only for a sum's JDK value and toArray()
        boolean kept = !extreme;
        if (kept) {
            body.add(new Stmt.Declare(valuesOut, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(read(n)), null), null,
                    "double[] mapped = new double[n]"));
        }
        body.add(new Stmt.Declare(sum, Expr.Const.of(0.0), null, "double " + sum.name + " = 0"));
        List<Stmt> step = new ArrayList<>();
        int first = 0;
        if (source == Source.ARRAY) {
            step.add(new Stmt.Declare(t, new Expr.ArrayRead(read(sourceParams.get(0)), read(i), JType.DOUBLE, null), null,
                    "double t = values[i]"));
        } else {
            step.add(new Stmt.Declare(t, apply(functions.get(0), lambdaKeys.get(0), owner,
                    intOp(BinaryOp.ADD, read(sourceParams.get(0)), read(i))), null, "double t = f0(from + i)"));
            first = 1;
        }
        for (int k = first; k < functions.size(); k++) {
            step.add(new Stmt.Assign(t, apply(functions.get(k), lambdaKeys.get(k), owner, read(t)), null,
                    "t = f" + k + "(t)"));
        }
        if (kept) {
            step.add(new Stmt.ArrayWrite(read(valuesOut), read(i), read(t), null, "mapped[i] = t"));
        }
        if (terminal == Terminal.SUM || terminal == Terminal.AVERAGE) {
            step.add(new Stmt.Assign(sum, new Expr.Binary(BinaryOp.ADD, read(sum), read(t), JType.DOUBLE, null), null,
                    "sum += t"));
        } else if (extreme) {
            // the JDK reduces with Math.max (min) from the first value on
            MathFunction f = terminal == Terminal.MAX ? MathFunction.MAX : MathFunction.MIN;
            step.add(new Stmt.Assign(sum, new Expr.Cond(new Expr.Binary(BinaryOp.EQ, read(i), Expr.Const.ofInt(0),
                    JType.BOOLEAN, null), read(t), new Expr.MathCall(f, false, List.of(read(sum), read(t)), JType.DOUBLE,
                    null), JType.DOUBLE, null), null, sum.name + " = i == 0 ? t : Math." + f.javaName + "(" + sum.name
                    + ", t)"));
        }
        body.add(new Stmt.Loop(null, List.of(new Stmt.Declare(i, Expr.Const.ofInt(0), null, null)), List.of(),
                new Expr.Binary(BinaryOp.LT, read(i), read(n), JType.BOOLEAN, null),
                List.of(new Stmt.Assign(i, intOp(BinaryOp.ADD, read(i), Expr.Const.ofInt(1)), null, null)), step, false,
                null, "for (int i = 0; i < n; i++)"));
        if (terminal == Terminal.TO_ARRAY) {
            body.add(new Stmt.Return(read(valuesOut), null, "return mapped"));
            return body;
        }
        if (extreme) {
            body.add(new Stmt.Return(read(sum), null, "return " + terminal.method));
            return body;
        }
        Expr plain = read(sum);
        if (terminal == Terminal.AVERAGE) {
            plain = new Expr.Binary(BinaryOp.DIV, read(sum), new Expr.Cast(JType.DOUBLE, read(n), null), JType.DOUBLE, null);
            Var mean = local("mean", JType.DOUBLE);
            body.add(new Stmt.Declare(mean, plain, null, "double mean = sum / n"));
            plain = read(mean);
        }
        Var plainVar = ((Expr.Read) plain).var();
        Expr finite = new Expr.Call(new Callee.Opaque(BOXED, "isFinite", List.of(JType.DOUBLE), JType.BOOLEAN, true, false,
                true), null, List.of(plain), JType.BOOLEAN, null);
        // a parallel stream's sum is split as the stream was: over an array, or over a range of its size
        String reduced = !split ? terminal.method : terminal.method + (source == Source.ARRAY ? "Parallel" : "OverRange");
        Expr exact = new Expr.StopGradient(new Expr.Call(new Callee.Opaque(SUMS, reduced,
                List.of(JType.DOUBLE_ARRAY), JType.DOUBLE, true, false, true), null,
                List.of(new Expr.StopGradient(read(valuesOut), null)), JType.DOUBLE, null), null);
        Expr lent = new Expr.Binary(BinaryOp.SUB, exact, new Expr.Binary(BinaryOp.SUB,
                new Expr.StopGradient(read(plainVar), null), read(plainVar), JType.DOUBLE, null), JType.DOUBLE, null);
        body.add(new Stmt.If(finite, List.of(new Stmt.Return(lent, null, "return StreamSums." + reduced
                + "(mapped), with the derivative of " + plainVar.name)), List.of(), null,
                "if (Double.isFinite(" + plainVar.name + "))"));
        body.add(new Stmt.Return(read(plainVar), null, "return " + plainVar.name));
        return body;
    }

    /** A call of the function {@code held} (its captured values the helper's parameters) at {@code x}. */
    private static Expr apply(Functions.Held held, String lambdaKey, ClassRef owner, Expr x) {
        List<Expr> args = new ArrayList<>(held.flat());
        args.add(x);
        List<JType> types = args.stream().map(Expr::type).toList();
        return new Expr.Call(new Callee.Inline(lambdaKey, "f", types, owner), null, args, JType.DOUBLE, null);
    }

    /** Whether {@code path} calls the method {@code name} of the class {@code owner}. */
    private boolean is(TreePath path, String owner, String name) {
        return trees.getElement(path) instanceof ExecutableElement m && m.getSimpleName().contentEquals(name)
                && ((TypeElement) m.getEnclosingElement()).getQualifiedName().contentEquals(owner);
    }

    /** The receiver of the call at {@code path}, its parentheses stripped; null for a call without one. */
    private static TreePath receiver(TreePath path) {
        if (!(((MethodInvocationTree) path.getLeaf()).getMethodSelect() instanceof MemberSelectTree select)) {
            return null;
        }
        TreePath out = new TreePath(new TreePath(path, select), select.getExpression());
        while (out.getLeaf() instanceof ParenthesizedTree p) {
            out = new TreePath(out, p.getExpression());
        }
        return out;
    }


    /** The terminal call at {@code path} of a stream of doubles, or null when it is none this class reads. */
    private End end(TreePath path) {
        for (Terminal t : List.of(Terminal.SUM, Terminal.TO_ARRAY)) {
            if (is(path, DOUBLE_STREAM, t.method) && ((MethodInvocationTree) path.getLeaf()).getArguments().isEmpty()) {
                return new End(t, receiver(path), null);
            }
        }
        boolean orElse = is(path, OPTIONAL, "orElse");
        if (!orElse && !is(path, OPTIONAL, "getAsDouble") && !is(path, OPTIONAL, "orElseThrow")
                || !orElse && !((MethodInvocationTree) path.getLeaf()).getArguments().isEmpty()) {
            return null;
        }
        TreePath optional = receiver(path);
        if (optional == null || !(optional.getLeaf() instanceof MethodInvocationTree)) {
            return null;
        }
        for (Terminal t : List.of(Terminal.AVERAGE, Terminal.MAX, Terminal.MIN)) {
            if (is(optional, DOUBLE_STREAM, t.method)) {
                return new End(t, receiver(optional), orElse ? new TreePath(path,
                        ((MethodInvocationTree) path.getLeaf()).getArguments().get(0)) : null);
            }
        }
        return null;
    }
}
