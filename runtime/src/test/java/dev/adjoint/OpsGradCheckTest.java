package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every operation: its value, its grad_fn name, and its gradient against central finite differences. */
class OpsGradCheckTest {

    static Stream<Arguments> unaryOps() {
        double[] any = {0.3, 1.2, -0.8};
        double[] positive = {0.3, 1.2, 2.5};
        double[] offKink = {-1.3, 0.4, 2.0};
        return Stream.of(
                unary("neg", Tensor::neg, x -> -x, "NegBackward0", any),
                unary("sin", Tensor::sin, Math::sin, "SinBackward0", any),
                unary("cos", Tensor::cos, Math::cos, "CosBackward0", any),
                unary("tan", Tensor::tan, Math::tan, "TanBackward0", any),
                unary("exp", Tensor::exp, Math::exp, "ExpBackward0", any),
                unary("log", Tensor::log, Math::log, "LogBackward0", positive),
                unary("sqrt", Tensor::sqrt, Math::sqrt, "SqrtBackward0", positive),
                unary("tanh", Tensor::tanh, Math::tanh, "TanhBackward0", any),
                unary("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), "SigmoidBackward0", any),
                unary("relu", Tensor::relu, x -> Math.max(x, 0), "ReluBackward0", offKink),
                unary("abs", Tensor::abs, Math::abs, "AbsBackward0", offKink),
                unary("pow(3)", t -> t.pow(3), x -> x * x * x, "PowBackward0", any),
                unary("pow(0.5)", t -> t.pow(0.5), Math::sqrt, "PowBackward0", positive),
                unary("pow(-1.5)", t -> t.pow(-1.5), x -> Math.pow(x, -1.5), "PowBackward0", positive),
                unary("add(2.5)", t -> t.add(2.5), x -> x + 2.5, "AddBackward0", any),
                unary("sub(2.5)", t -> t.sub(2.5), x -> x - 2.5, "SubBackward0", any),
                unary("mul(2.5)", t -> t.mul(2.5), x -> x * 2.5, "MulBackward0", any),
                unary("div(2.5)", t -> t.div(2.5), x -> x / 2.5, "DivBackward0", any));
    }

    private static Arguments unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator math,
            String gradFn, double[] inputs) {
        return Arguments.of(name, op, math, gradFn, inputs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryOnScalarAndVector(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator math, String gradFn,
            double[] inputs) {
        for (double x : inputs) {
            Tensor out = op.apply(Tensor.scalar(x).requiresGrad(true));
            assertEquals(math.applyAsDouble(x), out.item(), 1e-15);
            assertArrayEquals(new int[0], out.shape());
            assertEquals(gradFn, out.gradFn());
            GradCheck.check(in -> op.apply(in[0]), Tensor.scalar(x));
        }
        Tensor out = op.apply(Tensor.vector(inputs).requiresGrad(true));
        assertEquals(gradFn, out.gradFn());
        for (int i = 0; i < inputs.length; i++) {
            assertEquals(math.applyAsDouble(inputs[i]), out.get(i), 1e-15);
        }
        GradCheck.check(in -> op.apply(in[0]), inputs);
    }

    static Stream<Arguments> binaryOps() {
        return Stream.of(
                Arguments.of("add", (Binary) Tensor::add, (DoubleBinaryOperator) Double::sum, "AddBackward0"),
                Arguments.of("sub", (Binary) Tensor::sub, (DoubleBinaryOperator) (a, b) -> a - b, "SubBackward0"),
                Arguments.of("mul", (Binary) Tensor::mul, (DoubleBinaryOperator) (a, b) -> a * b, "MulBackward0"),
                Arguments.of("div", (Binary) Tensor::div, (DoubleBinaryOperator) (a, b) -> a / b, "DivBackward0"),
                Arguments.of("pow", (Binary) Tensor::pow, (DoubleBinaryOperator) Math::pow, "PowBackward1"));
    }

    interface Binary {
        Tensor apply(Tensor a, Tensor b);
    }

    /** Scalar⊗scalar, vector⊗vector, and broadcasting in both directions (also of a [1] vector). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryWithBroadcasting(String name, Binary op, DoubleBinaryOperator math, String gradFn) {
        Tensor[][] pairs = {
            {Tensor.scalar(1.3), Tensor.scalar(0.7)},
            {Tensor.vector(0.5, 1.5, 2.5), Tensor.vector(1.1, -0.4, 0.9)},
            {Tensor.scalar(1.7), Tensor.vector(0.5, 1.5, 2.5)},
            {Tensor.vector(0.5, 1.5, 2.5), Tensor.scalar(-1.3)},
            {Tensor.vector(1.9), Tensor.vector(0.5, 1.5, 2.5)},
            {Tensor.vector(0.5, 1.5, 2.5), Tensor.vector(0.8)},
        };
        for (Tensor[] pair : pairs) {
            Tensor a = pair[0], b = pair[1];
            Tensor out = op.apply(copy(a).requiresGrad(true), copy(b));
            assertEquals(gradFn, out.gradFn());
            int n = Math.max(a.numel(), b.numel());
            assertArrayEquals(a.dim() == 0 && b.dim() == 0 ? new int[0] : new int[] {n}, out.shape());
            for (int i = 0; i < n; i++) {
                double x = a.get(a.numel() == 1 ? 0 : i), y = b.get(b.numel() == 1 ? 0 : i);
                assertEquals(math.applyAsDouble(x, y), out.get(i), 1e-15);
            }
            GradCheck.check(in -> op.apply(in[0], in[1]), a, b);
        }
    }

    @Test
    void broadcastScalarGradientIsTheSumOverElements() {
        Tensor s = Tensor.scalar(2).requiresGrad(true);
        Tensor v = Tensor.vector(1, 2, 3).requiresGrad(true);
        v.mul(s).sum().backward();
        assertEquals(6.0, s.grad().item(), 0); // Σ v_i
        assertArrayEquals(new int[0], s.grad().shape());
        assertArrayEquals(new double[] {2, 2, 2}, v.grad().toArray(), 0);
    }

    @Test
    void reductions() {
        double[] v = {0.5, -1.5, 2.25};
        Tensor x = Tensor.vector(v).requiresGrad(true);
        assertEquals(1.25, x.sum().item(), 0);
        assertEquals("SumBackward0", x.sum().gradFn());
        assertEquals(1.25 / 3, x.mean().item(), 1e-15);
        assertEquals("MeanBackward0", x.mean().gradFn());
        Tensor d = x.dot(Tensor.vector(2, 4, 1));
        assertEquals(1 - 6 + 2.25, d.item(), 0);
        assertEquals("DotBackward0", d.gradFn());
        GradCheck.check(in -> in[0].sum(), v);
        GradCheck.check(in -> in[0].mean(), v);
        GradCheck.check(in -> in[0].dot(in[1]), v, new double[] {2, 4, 1});
        GradCheck.check(in -> in[0].dot(in[0]), v);
        GradCheck.check(in -> in[0].sum(), Tensor.scalar(3));
        GradCheck.check(in -> in[0].mean(), Tensor.scalar(3));
    }

    @Test
    void compositeExpressions() {
        Function<Tensor[], Tensor> mse = in -> in[0].mul(in[1]).add(in[2]).sub(in[3]).pow(2).mean();
        GradCheck.check(mse, new double[] {0.3, -1.2, 2}, new double[] {1.1}, new double[] {0.5},
                new double[] {1, 0, -1});
        GradCheck.check(in -> in[0].pow(2).sin(), Tensor.scalar(5));
        GradCheck.check(in -> in[0].sigmoid().mul(in[0].tanh()).div(in[0].exp().add(1)).log(), new double[] {0.4, 2, 3});
        // the same tensor used by several consumers: gradients add up
        GradCheck.check(in -> in[0].mul(in[0]).add(in[0].sin()).mul(in[0]), new double[] {0.4, -2, 3});
        GradCheck.check(in -> in[0].pow(in[1]).sum(), new double[] {0.4, 2, 3}, new double[] {1.5, -0.5, 2});
    }

    @Test
    void pytorchConventionsAtKinksAndZeroes() {
        Tensor x = Tensor.vector(0, 0).requiresGrad(true);
        x.abs().sum().backward();
        assertArrayEquals(new double[] {0, 0}, x.grad().toArray(), 0); // abs'(0) = 0
        Tensor y = Tensor.vector(0, 0).requiresGrad(true);
        y.relu().sum().backward();
        assertArrayEquals(new double[] {0, 0}, y.grad().toArray(), 0); // relu'(0) = 0
        Tensor z = Tensor.scalar(0).requiresGrad(true);
        z.pow(0).backward();
        assertEquals(0.0, z.grad().item(), 0); // d(x^0)/dx = 0, even at 0
        Tensor base = Tensor.scalar(0).requiresGrad(true);
        Tensor exponent = Tensor.scalar(2).requiresGrad(true);
        base.pow(exponent).backward();
        assertEquals(0.0, exponent.grad().item(), 0); // d(0^b)/db is 0 for b >= 0, not 0·ln(0) = NaN
        assertEquals(0.0, base.grad().item(), 0);
    }

    @Test
    void sigmoidIsStableForLargeMagnitudes() {
        assertEquals(0.0, Tensor.scalar(-1000).sigmoid().item(), 0);
        assertEquals(1.0, Tensor.scalar(1000).sigmoid().item(), 0);
    }

    private static Tensor copy(Tensor t) {
        return t.dim() == 0 ? Tensor.scalar(t.item()) : Tensor.vector(t.toArray());
    }
}
