package dev.adjoint.processor.read;

import static dev.adjoint.processor.read.Builtins.local;
import static dev.adjoint.processor.read.Builtins.param;
import static dev.adjoint.processor.read.Builtins.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Sums of streams of doubles, as numerical code written with streams sums a function over an array
 * or a range of indices: {@code Arrays.stream(v).map(x -> ...).sum()}, {@code IntStream.range(0,
 * n).mapToDouble(i -> w[i] * x[i]).sum()} ({@code rangeClosed} too; any number of {@code map}s;
 * {@code sequential()}). Such a sum is read as a helper written here, never built as a stream: a
 * loop fills an array with the stream's values, each function's body inlined as a lambda's is
 * where it is called (read/Functions), and the array is summed. Its value is the JDK's own {@code
 * DoubleStream.sum()} of that array ({@code dev.adjoint.internal.StreamSums}): a compensated sum
 * whose last step differs between JDK releases, so a loop written out here would not be the
 * method's value bit for bit on every JDK, where the same sum of the same values in the same order
 * is. Its derivative is a plain sum's: each value's derivative, added once.
 *
 * <p>Refused at the call: a parallel stream (its sum depends on how the stream is split), other
 * sources and operations ({@code filter}, {@code boxed}, a stream held in a local or returned by a
 * method), and a function Adjoint does not read.
 */
final class Streams {

    private static final String DOUBLE_STREAM = "java.util.stream.DoubleStream";
    private static final String INT_STREAM = "java.util.stream.IntStream";
    private static final ClassRef SUMS = ClassRef.of("dev.adjoint.internal", "StreamSums");
    private static final ClassRef BOXED = ClassRef.of("java.lang", "Double");

    /** Where the stream's values come from: a {@code double[]}, or a range of {@code int}s (closed or not). */
    private enum Source { ARRAY, RANGE, CLOSED }

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

    /** The sum at {@code path}, read as above, or its refusal; null when {@code path} is no {@code DoubleStream.sum()}. */
    Expr call(TreePath path) {
        if (!is(path, DOUBLE_STREAM, "sum")) {
            return null;
        }
        MethodInvocationTree sum = (MethodInvocationTree) path.getLeaf();
        List<TreePath> mapped = new ArrayList<>(); // the functions, in the order the stream applies them
        List<ExecutableElement> maps = new ArrayList<>();
        TreePath at = receiver(path);
        Source source = null;
        while (source == null) {
            if (at == null || !(at.getLeaf() instanceof MethodInvocationTree)
                    || !(trees.getElement(at) instanceof ExecutableElement op)) {
                return refuse(sum, "its stream is not built in this expression; Adjoint reads a sum of a stream "
                        + "written in one expression, from Arrays.stream(double[]) or IntStream.range");
            }
            if (is(at, DOUBLE_STREAM, "map") || is(at, INT_STREAM, "mapToDouble")) {
                mapped.add(0, new TreePath(at, ((MethodInvocationTree) at.getLeaf()).getArguments().get(0)));
                maps.add(0, op);
            } else if (is(at, DOUBLE_STREAM, "parallel") || is(at, INT_STREAM, "parallel")) {
                return refuse(sum, "its stream is parallel, and a parallel sum's value depends on how the stream is "
                        + "split; drop parallel(), or write the loop");
            } else if (is(at, "java.util.Arrays", "stream") && op.getParameters().size() == 1
                    && JType.of(op.getParameters().get(0).asType()).isDoubleArray()) {
                source = Source.ARRAY;
                break;
            } else if (is(at, INT_STREAM, "range") || is(at, INT_STREAM, "rangeClosed")) {
                source = op.getSimpleName().contentEquals("range") ? Source.RANGE : Source.CLOSED;
                break;
            } else if (!is(at, DOUBLE_STREAM, "sequential") && !is(at, INT_STREAM, "sequential")) {
                return refuse(sum, "Adjoint does not read the stream operation " + Calls.describe(op) + "; it reads "
                        + "sums of Arrays.stream(double[]) and IntStream.range(from, to) mapped by map and mapToDouble: "
                        + "write the loop");
            }
            at = receiver(at);
        }
        if (source != Source.ARRAY && (mapped.isEmpty() || !maps.get(0).getSimpleName().contentEquals("mapToDouble"))) {
            return refuse(sum, "Adjoint reads a range's values mapped to doubles by mapToDouble first; write the loop");
        }
        List<Expr> args = new ArrayList<>();
        List<Var> params = new ArrayList<>();
        List<Functions.Held> read = new ArrayList<>();
        List<String> lambdaKeys = new ArrayList<>();
        StringBuilder shapes = new StringBuilder();
        for (int k = 0; k < mapped.size(); k++) {
            Expr given = functions.passed(mapped.get(k), maps.get(k));
            Functions.Held held = given == null ? null : functions.passedIn(List.of(given)).get(0);
            if (held == null) {
                return given != null ? given : refuse(mapped.get(k).getLeaf(), "the function given to "
                        + maps.get(k).getSimpleName() + " is not one Adjoint reads here: a lambda, a method reference, "
                        + "an anonymous class, or a local or constant holding one");
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
        String key = "stream#sum#" + source + "#" + shapes + "@" + calls.site().getQualifiedName();
        ClassRef owner = ClassRef.of(calls.site());
        List<JType> types = params.stream().map(v -> v.type).toList();
        if (!calls.reader().hasHelper(key)) {
            calls.reader().putHelper(key, helper(key, owner, source, params, sourceParams, read, lambdaKeys));
        }
        return new Expr.Call(new Callee.Inline(key, "sum", types, owner), null, args, JType.DOUBLE, body.at(sum));
    }

    /**
     * {@code double[] values = new double[n]; double sum = 0; for (int i = 0; i < n; i++) { double t =
     * f0(..., source[i]); t = f1(..., t); ...; values[i] = t; sum += t; }}, then the JDK's sum of
     * {@code values} with the derivative of {@code sum}: {@code stop(exact) - (stop(sum) - sum)}, or
     * {@code sum} itself where it is an infinity or NaN (so is the JDK's sum then).
     */
    private static MethodIr helper(String key, ClassRef owner, Source source, List<Var> params, List<Var> sourceParams,
            List<Functions.Held> functions, List<String> lambdaKeys) {
        Var n = local("n", JType.INT);
        Var valuesOut = local("mapped", JType.DOUBLE_ARRAY);
        Var sum = local("sum", JType.DOUBLE);
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
        body.add(new Stmt.Declare(valuesOut, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(read(n)), null), null,
                "double[] mapped = new double[n]"));
        body.add(new Stmt.Declare(sum, Expr.Const.of(0.0), null, "double sum = 0"));
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
        step.add(new Stmt.ArrayWrite(read(valuesOut), read(i), read(t), null, "mapped[i] = t"));
        step.add(new Stmt.Assign(sum, new Expr.Binary(BinaryOp.ADD, read(sum), read(t), JType.DOUBLE, null), null,
                "sum += t"));
        body.add(new Stmt.Loop(null, List.of(new Stmt.Declare(i, Expr.Const.ofInt(0), null, null)), List.of(),
                new Expr.Binary(BinaryOp.LT, read(i), read(n), JType.BOOLEAN, null),
                List.of(new Stmt.Assign(i, intOp(BinaryOp.ADD, read(i), Expr.Const.ofInt(1)), null, null)), step, false,
                null, "for (int i = 0; i < n; i++)"));
        Expr finite = new Expr.Call(new Callee.Opaque(BOXED, "isFinite", List.of(JType.DOUBLE), JType.BOOLEAN, true, false,
                true), null, List.of(read(sum)), JType.BOOLEAN, null);
        Expr exact = new Expr.StopGradient(new Expr.Call(new Callee.Opaque(SUMS, "sum", List.of(JType.DOUBLE_ARRAY),
                JType.DOUBLE, true, false, true), null, List.of(new Expr.StopGradient(read(valuesOut), null)), JType.DOUBLE,
                null), null);
        Expr lent = new Expr.Binary(BinaryOp.SUB, exact, new Expr.Binary(BinaryOp.SUB,
                new Expr.StopGradient(read(sum), null), read(sum), JType.DOUBLE, null), JType.DOUBLE, null);
        body.add(new Stmt.If(finite, List.of(new Stmt.Return(lent, null,
                "return StreamSums.sum(mapped), with the derivative of sum")), List.of(), null, "if (Double.isFinite(sum))"));
        body.add(new Stmt.Return(read(sum), null, "return sum"));
        return new MethodIr(key, "sum", owner, params.stream().map(MethodIr.Param::new).toList(), null, List.of(),
                List.copyOf(body), false, null);
    }

    /** A call of the function {@code held} (its captured values the helper's parameters) at {@code x}. */
    private static Expr apply(Functions.Held held, String lambdaKey, ClassRef owner, Expr x) {
        List<Expr> args = new ArrayList<>(held.flat());
        args.add(x);
        List<JType> types = args.stream().map(Expr::type).toList();
        return new Expr.Call(new Callee.Inline(lambdaKey, "f", types, owner), null, args, JType.DOUBLE, null);
    }

    private static Expr intOp(BinaryOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, JType.INT, null);
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

    private Expr refuse(Tree tree, String why) {
        return body.unsupportedExpr(tree, Tag.AdjointUnsupportedCall, "cannot differentiate this sum of a stream: " + why);
    }
}
