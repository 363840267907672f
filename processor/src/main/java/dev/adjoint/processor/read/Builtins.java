package dev.adjoint.processor.read;

import dev.adjoint.processor.diag.Position;
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
import java.util.Map;

/**
 * The JDK's copies and fills of {@code double[]} ({@code a.clone()}, {@code Arrays.copyOf},
 * {@code Arrays.copyOfRange}, {@code System.arraycopy}, {@code Arrays.fill}; Commons Math's and
 * Hipparchus' {@code MathArrays.copyOf}, the same copies) written as helper
 * bodies in the IR: a call of one is inlined like a helper of the user's class, so its elements'
 * derivatives flow through plain loops that every later stage already handles.
 */
final class Builtins {

    private Builtins() {}

    /** The key of the builtin standing for the JDK method {@code key} (with these argument types), or null. */
    static String of(String key, String name, Expr receiver, List<Expr> args) {
        boolean doubles = args.stream().filter(a -> a.type().isArray()).allMatch(a -> a.type().isDoubleArray());
        if (receiver != null) {
            return name.equals("clone") && args.isEmpty() && receiver.type().isDoubleArray() ? "builtin#clone" : null;
        }
        return switch (key) {
            case "java.util.Arrays#copyOf(double[],int)", "org.apache.commons.math3.util.MathArrays#copyOf(double[],int)",
                    "org.hipparchus.util.MathArrays#copyOf(double[],int)" -> "builtin#copyOf";
            case "org.apache.commons.math3.util.MathArrays#copyOf(double[])",
                    "org.hipparchus.util.MathArrays#copyOf(double[])" -> "builtin#clone";
            case "java.util.Arrays#copyOfRange(double[],int,int)" -> "builtin#copyOfRange";
            case "java.util.Arrays#fill(double[],double)" -> "builtin#fill";
            case "java.util.Arrays#fill(double[],int,int,double)" -> "builtin#fillRange";
            case "java.lang.System#arraycopy(java.lang.Object,int,java.lang.Object,int,int)" ->
                    doubles && args.get(0).type().isDoubleArray() && args.get(2).type().isDoubleArray()
                            ? "builtin#arraycopy" : null;
            default -> null;
        };
    }

    /** Registers the builtin's body in the helpers the normal form inlines (once). */
    static void register(String key, Map<String, MethodIr> helpers, Catalog catalog) {
        if (helpers.containsKey(key)) {
            return;
        }
        catalog.putHelper(key, switch (key) {
            case "builtin#clone" -> copy(key, false, false);
            case "builtin#copyOf" -> copy(key, true, false);
            case "builtin#copyOfRange" -> copy(key, false, true);
            case "builtin#fill" -> fill(key, false);
            case "builtin#fillRange" -> fill(key, true);
            case "builtin#arraycopy" -> arraycopy(key);
            default -> throw new IllegalArgumentException(key);
        });
    }

    /** The class whose method a builtin stands for, as messages name it. */
    static ClassRef owner(String key) {
        return switch (key) {
            case "builtin#clone" -> ClassRef.of("", "double[]");
            case "builtin#arraycopy" -> ClassRef.of("java.lang", "System");
            default -> ClassRef.of("java.util", "Arrays");
        };
    }

    /** The name of the method a builtin stands for. */
    static String name(String key) {
        String name = key.substring(key.indexOf('#') + 1);
        return name.equals("fillRange") ? "fill" : name;
    }

    /** The parameter types of a builtin's call, for its description. */
    static List<JType> parameterTypes(String key) {
        return switch (key) {
            case "builtin#clone" -> List.of(JType.DOUBLE_ARRAY);
            case "builtin#copyOf" -> List.of(JType.DOUBLE_ARRAY, JType.INT);
            case "builtin#copyOfRange" -> List.of(JType.DOUBLE_ARRAY, JType.INT, JType.INT);
            case "builtin#fill" -> List.of(JType.DOUBLE_ARRAY, JType.DOUBLE);
            case "builtin#fillRange" -> List.of(JType.DOUBLE_ARRAY, JType.INT, JType.INT, JType.DOUBLE);
            case "builtin#arraycopy" -> List.of(JType.DOUBLE_ARRAY, JType.INT, JType.DOUBLE_ARRAY, JType.INT, JType.INT);
            default -> throw new IllegalArgumentException(key);
        };
    }

    /**
     * {@code double[] copy = new double[n]; for (int k = 0; k < m; k++) copy[k] = original[from + k];
     * return copy;} with {@code n} the original's length, the new length, or {@code to - from}, and
     * {@code m} the number of elements there are to copy.
     */
    private static MethodIr copy(String key, boolean newLength, boolean range) {
        Var original = param("original", JType.DOUBLE_ARRAY);
        List<MethodIr.Param> params = new ArrayList<>(List.of(new MethodIr.Param(original)));
        Expr length = new Expr.Length(read(original), null);
        Expr size = length;
        Expr count = length;
        Expr from = null;
        if (newLength) {
            Var n = param("newLength", JType.INT);
            params.add(new MethodIr.Param(n));
            size = read(n);
            count = min(read(n), length);
        } else if (range) {
            Var start = param("from", JType.INT);
            Var end = param("to", JType.INT);
            params.add(new MethodIr.Param(start));
            params.add(new MethodIr.Param(end));
            from = read(start);
            size = intOp(BinaryOp.SUB, read(end), read(start));
            count = intOp(BinaryOp.SUB, min(read(end), length), read(start));
        }
        Var copy = local("copy", JType.DOUBLE_ARRAY);
        Var k = local("k", JType.INT);
        Expr source = from == null ? read(k) : intOp(BinaryOp.ADD, from, read(k));
        List<Stmt> body = new ArrayList<>();
        body.add(new Stmt.Declare(copy, new Expr.NewArray(JType.DOUBLE_ARRAY, List.of(size), null), null,
                "double[] copy = new double[" + (newLength ? "newLength" : range ? "to - from" : "original.length") + "]"));
        body.add(upward(k, Expr.Const.ofInt(0), count, "k < " + (newLength ? "Math.min(newLength, original.length)"
                : range ? "Math.min(to, original.length) - from" : "original.length"), List.of(new Stmt.ArrayWrite(read(copy), read(k),
                element(original, source), null, "copy[k] = original[" + (range ? "from + k" : "k") + "]"))));
        body.add(new Stmt.Return(read(copy), null, "return copy"));
        return helper(key, params, body, true);
    }

    /** {@code for (int k = from; k < to; k++) a[k] = value;} over the whole array or a range. */
    private static MethodIr fill(String key, boolean range) {
        Var a = param("a", JType.DOUBLE_ARRAY);
        List<MethodIr.Param> params = new ArrayList<>(List.of(new MethodIr.Param(a)));
        Expr from = Expr.Const.ofInt(0);
        Expr to = new Expr.Length(read(a), null);
        if (range) {
            Var start = param("fromIndex", JType.INT);
            Var end = param("toIndex", JType.INT);
            params.add(new MethodIr.Param(start));
            params.add(new MethodIr.Param(end));
            from = read(start);
            to = read(end);
        }
        Var value = param("value", JType.DOUBLE);
        params.add(new MethodIr.Param(value));
        Var k = local("k", JType.INT);
        List<Stmt> body = List.of(upward(k, from, to, range ? "k < toIndex" : "k < a.length", List.of(new Stmt.ArrayWrite(read(a), read(k), read(value), null,
                "a[k] = value"))));
        return helper(key, params, body, false);
    }

    /**
     * {@code System.arraycopy} on {@code double[]}s: element by element, backwards when the source
     * and destination are one array and the destination lies after the source (as if through a
     * temporary copy, as the JDK specifies).
     */
    private static MethodIr arraycopy(String key) {
        Var src = param("src", JType.DOUBLE_ARRAY);
        Var srcPos = param("srcPos", JType.INT);
        Var dest = param("dest", JType.DOUBLE_ARRAY);
        Var destPos = param("destPos", JType.INT);
        Var length = param("length", JType.INT);
        Var k = local("k", JType.INT);
        Var j = local("k", JType.INT);
        Stmt forward = upward(k, Expr.Const.ofInt(0), read(length), "k < length", List.of(write(dest, destPos, src, srcPos, k)));
        Stmt backward = new Stmt.Loop(null,
                List.of(new Stmt.Declare(j, intOp(BinaryOp.SUB, read(length), Expr.Const.ofInt(1)), null, null)),
                List.of(), compare(BinaryOp.GE, read(j), Expr.Const.ofInt(0)),
                List.of(new Stmt.Assign(j, intOp(BinaryOp.SUB, read(j), Expr.Const.ofInt(1)), null, null)),
                List.of(write(dest, destPos, src, srcPos, j)), false, null, "for (int k = length - 1; k >= 0; k--)");
        Expr overlap = new Expr.Binary(BinaryOp.CAND, new Expr.Binary(BinaryOp.EQ, read(src), read(dest), JType.BOOLEAN,
                null), compare(BinaryOp.LT, read(srcPos), read(destPos)), JType.BOOLEAN, null);
        List<Stmt> body = List.of(new Stmt.If(overlap, List.of(backward), List.of(forward), null,
                "if (src == dest && srcPos < destPos)"));
        return helper(key, List.of(new MethodIr.Param(src), new MethodIr.Param(srcPos),
                new MethodIr.Param(dest), new MethodIr.Param(destPos), new MethodIr.Param(length)), body, false);
    }

    private static Stmt write(Var dest, Var destPos, Var src, Var srcPos, Var k) {
        return new Stmt.ArrayWrite(read(dest), intOp(BinaryOp.ADD, read(destPos), read(k)),
                element(src, intOp(BinaryOp.ADD, read(srcPos), read(k))), null, "dest[destPos + k] = src[srcPos + k]");
    }

    /** {@code for (int k = from; k < to; k++) body}; {@code condition} as the comment shows it. */
    private static Stmt upward(Var k, Expr from, Expr to, String condition, List<Stmt> body) {
        return new Stmt.Loop(null, List.of(new Stmt.Declare(k, from, null, null)), List.of(),
                compare(BinaryOp.LT, read(k), to), List.of(new Stmt.Assign(k, intOp(BinaryOp.ADD, read(k),
                        Expr.Const.ofInt(1)), null, null)), body, false, null, "for (int k = " + (from instanceof Expr.Const ? "0" : "fromIndex") + "; " + condition + "; k++)");
    }

    private static MethodIr helper(String key, List<MethodIr.Param> params, List<Stmt> body, boolean returnsArray) {
        return new MethodIr(key, name(key), owner(key), List.copyOf(params), null, List.of(), List.copyOf(body),
                returnsArray, null);
    }

    private static Expr min(Expr a, Expr b) {
        return new Expr.Cond(compare(BinaryOp.LT, a, b), a, b, JType.INT, null);
    }

    private static Expr element(Var array, Expr index) {
        return new Expr.ArrayRead(read(array), index, JType.DOUBLE, null);
    }

    private static Expr compare(BinaryOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, JType.BOOLEAN, null);
    }

    /** An {@code int} operation in code the reader writes itself (here and read/Streams). */
    static Expr intOp(BinaryOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, JType.INT, null);
    }

    /** A read of {@code v} in code the reader writes itself (here and read/Fractions). */
    static Expr read(Var v) {
        return new Expr.Read(v, null);
    }

    static Var param(String name, JType type) {
        return new Var(name, type, Var.Role.PARAM);
    }

    static Var local(String name, JType type) {
        return new Var(name, type, Var.Role.LOCAL);
    }

    private static final ClassRef DOUBLE = ClassRef.of("java.lang", "Double");

    private static Expr compareCall(Expr a, Expr b, Position at) {
        return new Expr.Call(new Callee.Opaque(DOUBLE, "compare", List.of(JType.DOUBLE, JType.DOUBLE), JType.INT, true,
                false, true), null, List.of(a, b), JType.INT, at);
    }

    /**
     * {@code java.lang.Double}'s methods on a boxed value, which Adjoint reads as a double: its value
     * methods are the value itself, {@code valueOf} too; {@code equals} of another double compares
     * their bits ({@code Double.compare(a, b) == 0}) and {@code compareTo} is {@code Double.compare(a, b)};
     * {@code Objects.equals} of two doubles is {@code equals}'s; {@code sum}, {@code max}, {@code min}
     * (BinaryOperator&lt;Double&gt; method references' targets) are {@code a + b} and Math's; null
     * for any other call.
     */
    static Expr ofDouble(String ownerName, String name, List<JType.Kind> kinds, Expr receiver, List<Expr> args,
            Position at) {
        if (ownerName.equals("java.lang.Double") && receiver != null) {
            // a boxed Double is read as a double: its value methods are the value itself
            if ((name.equals("doubleValue")) && args.isEmpty()) {
                return receiver;
            }
            boolean compares = name.equals("equals") || name.equals("compareTo");
            if (compares && args.size() == 1 && args.get(0).type().isDouble()) {
                // Double.valueOf(x).equals(x0) (Orekit's fixed points): the same bits, as Double.compare(x, x0) == 0;
                // compareTo is Double.compare itself
                Expr compare = compareCall(receiver, args.get(0), at);
                return name.equals("compareTo") ? compare
                        : new Expr.Binary(BinaryOp.EQ, compare, Expr.Const.ofInt(0), JType.BOOLEAN, at);
            }
            if ((name.equals("isNaN") || name.equals("isInfinite")) && args.isEmpty()) {
                return new Expr.Call(new Callee.Opaque(DOUBLE, name, List.of(JType.DOUBLE), JType.BOOLEAN, true, false,
                        true), null, List.of(receiver), JType.BOOLEAN, at);
            }
        }
        if (ownerName.equals("java.util.Objects") && name.equals("equals") && args.size() == 2
                && args.get(0).type().isDouble() && args.get(1).type().isDouble()) {
            // Objects.equals(x, 1.0) of two boxed doubles is Double.equals: the same bits
            return new Expr.Binary(BinaryOp.EQ, compareCall(args.get(0), args.get(1), at), Expr.Const.ofInt(0),
                    JType.BOOLEAN, at);
        }
        if (ownerName.equals("java.lang.Double") && name.equals("valueOf") && kinds.equals(List.of(JType.Kind.DOUBLE))) {
            return args.get(0);
        }
        if (ownerName.equals("java.lang.Double") && kinds.equals(List.of(JType.Kind.DOUBLE, JType.Kind.DOUBLE))) {
            // Double.sum, max, min (BinaryOperator<Double> method references' targets): a + b, Math.max, Math.min
            if (name.equals("sum")) {
                return new Expr.Binary(Expr.BinaryOp.ADD, args.get(0), args.get(1), JType.DOUBLE, at);
            }
            if (name.equals("max") || name.equals("min")) {
                return new Expr.MathCall(MathFunction.lookup(name, kinds).orElseThrow(), false, args, JType.DOUBLE, at);
            }
        }
        return null;
    }
}
