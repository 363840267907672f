package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertError;
import static dev.adjoint.processor.diagnostics.Sources.assertGenerated;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * What stays refused about lambdas (read/Functions), each at its line with what to do: a lambda on
 * objects, one calling a method of the object around (its fields it reads), a local holding one assigned again, a
 * method of the function other than its own ({@code andThen}), a reference to an instance method or
 * to a method of other types, an anonymous class holding more than its method, a lambda given to a
 * stream's operation Adjoint does not read ({@code filter}), a stream held in a local, one stored
 * where Adjoint cannot follow it,
 * a recursive helper given one, and one wrapping the function it is given and passing the wrapper to
 * itself (each call would be a new reading). A method beside them that uses lambdas as supported is still
 * generated, and each refused lambda is one error, not one per use.
 */
class DiagnosticsLambdaTest {

    @Test
    void eachLambdaAdjointDoesNotReadIsRefusedAtItsLine() {
        JavaFileObject file = functions(
                "    static double scale = 2;",
                "",
                "    static double integrate(java.util.function.DoubleUnaryOperator f, double b) {",
                "        return 0.5 * b * (f.applyAsDouble(0) + f.applyAsDouble(b));",
                "    }",
                "",
                "    static double keep(java.util.function.DoubleUnaryOperator f, double x) {",
                "        Object held = f;",
                "        return held == null ? 0 : x;",
                "    }",
                "",
                "    static double wrap(java.util.function.DoubleUnaryOperator f, int n, double x) {",
                "        return n == 0 ? f.applyAsDouble(x) : wrap(t -> 2 * f.applyAsDouble(t), n - 1, x);",
                "    }",
                "",
                "    static double rec(java.util.function.DoubleUnaryOperator f, int n, double x) {",
                "        return n == 0 ? x : rec(f, n - 1, f.applyAsDouble(x));",
                "    }",
                "",
                "    @Differentiable",
                "    static double fine(double x, double k) {",
                "        return integrate(t -> Math.sin(k * t), x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double onObjects(double x) {",
                "        java.util.function.ToDoubleFunction<Object> f = t -> t.hashCode();",
                "        return f.applyAsDouble(x) + x;",
                "    }",
                "",
                "    final double weight = 3;",
                "",
                "    double scaled(double t) {",
                "        return weight * t;",
                "    }",
                "",
                "    @Differentiable",
                "    double member(double x) {",
                "        java.util.function.DoubleUnaryOperator f = t -> scaled(t) + weight;",
                "        return f.applyAsDouble(x) + f.applyAsDouble(2 * x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double reassigned(double x) {",
                "        java.util.function.DoubleUnaryOperator f = t -> 2 * t;",
                "        f = t -> 3 * t;",
                "        return f.applyAsDouble(x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double composed(double x) {",
                "        java.util.function.DoubleUnaryOperator f = t -> 2 * t;",
                "        java.util.function.DoubleUnaryOperator g = f.andThen(t -> t + 1);",
                "        return x;",
                "    }",
                "",
                "    double offset(double t) {",
                "        return t + weight;",
                "    }",
                "",
                "    @Differentiable",
                "    double reference(double x) {",
                "        return integrate(this::offset, x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double widened(double x) {",
                "        java.util.function.IntToDoubleFunction f = Math::sqrt;",
                "        return x * f.applyAsDouble(3);",
                "    }",
                "",
                "    @Differentiable",
                "    static double anonymous(double x, double k) {",
                "        return integrate(new java.util.function.DoubleUnaryOperator() {",
                "            double calls;",
                "",
                "            @Override",
                "            public double applyAsDouble(double t) {",
                "                return t * k;",
                "            }",
                "        }, x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double stream(double[] w, double k) {",
                "        return java.util.Arrays.stream(w).filter(t -> t > k).sum();",
                "    }",
                "",
                "    @Differentiable",
                "    static double held(double[] w) {",
                "        java.util.stream.DoubleStream s = java.util.Arrays.stream(w);",
                "        return s.sum();",
                "    }",
                "",
                "    @Differentiable",
                "    static double stored(double x, double k) {",
                "        return keep(t -> t * k, x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double wrapped(double x, double k) {",
                "        return wrap(t -> t * k, 3, x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double recursive(double x, double k) {",
                "        return rec(t -> t * k, 3, x);",
                "    }");
        Compilation c = compile(file);
        assertError(c, file, "java.util.function.ToDoubleFunction<Object> f = t -> t.hashCode();",
                "[AdjointUnsupportedExpression] cannot differentiate through this lambda: its method applyAsDouble "
                        + "takes or returns java.lang.Object", "use DoubleUnaryOperator, DoubleBinaryOperator or an interface");
        assertError(c, file, "java.util.function.DoubleUnaryOperator f = t -> scaled(t) + weight;",
                "[AdjointUnsupportedExpression] cannot differentiate through this lambda: scaled uses the object "
                        + "around, which Adjoint does not pass into a lambda (it reads the object's fields, not its "
                        + "methods or the object itself)", "compute the value it needs before, into a local");
        assertError(c, file, "f = t -> 3 * t;", "[AdjointUnsupportedExpression] cannot use the function f = (t)->3 * t",
                "call it, or pass it to such a method, and nothing else");
        assertError(c, file, "java.util.function.DoubleUnaryOperator g = f.andThen(t -> t + 1);",
                "[AdjointUnsupportedCall] cannot differentiate f.andThen((t)->t + 1): of a function held as a lambda, "
                        + "Adjoint reads only a call of its own method, applyAsDouble");
        assertError(c, file, "return integrate(this::offset, x);",
                "[AdjointUnsupportedExpression] cannot differentiate through this method reference: Adjoint reads a "
                        + "reference to a static method", "write it as a lambda, x -> f(x)");
        assertError(c, file, "java.util.function.IntToDoubleFunction f = Math::sqrt;",
                "[AdjointUnsupportedExpression] cannot differentiate through this method reference: Math.sqrt(double) "
                        + "does not take and return exactly the types of applyAsDouble", "write it as a lambda");
        assertError(c, file, "return integrate(new java.util.function.DoubleUnaryOperator() {",
                "[AdjointUnsupportedExpression] cannot differentiate through this anonymous class: its class body holds "
                        + "more than the method applyAsDouble of its interface", "write it as a lambda");
        assertError(c, file, "return java.util.Arrays.stream(w).filter(t -> t > k).sum();",
                "[AdjointUnsupportedCall] cannot differentiate through DoubleStream.filter(",
                "given the function (t)->t > k", "call the function in a static helper of this build");
        assertError(c, file, "java.util.stream.DoubleStream s = java.util.Arrays.stream(w);",
                "[AdjointUnsupportedCall] cannot pass the differentiated array w to Arrays.stream(double[])");
        assertError(c, file, "Object held = f;", "[AdjointUnsupportedExpression] cannot use the function f here");
        assertError(c, file, "return n == 0 ? x : rec(f, n - 1, f.applyAsDouble(x));",
                "[AdjointUnsupportedCall] cannot differentiate the recursive call of", "given a lambda",
                "write the recursion as a loop");
        assertError(c, file, "return n == 0 ? f.applyAsDouble(x) : wrap(t -> 2 * f.applyAsDouble(t), n - 1, x);",
                "[AdjointUnsupportedExpression] cannot differentiate through this lambda: it captures a function that "
                        + "captures functions 12 deep", "write the recursion as a loop");
        assertNoCrash(c);
        assertGenerated(c, "fine");
        for (String refused : new String[] {"onObjects", "member", "reassigned", "composed", "reference", "widened",
                "anonymous", "stream", "held", "stored", "wrapped", "recursive"}) {
            assertNotGenerated(c, refused);
        }
    }
}
