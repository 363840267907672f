package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Double backward, as PyTorch's {@code create_graph=True}: the backward pass is recorded through
 * the tape's own operations, so gradients can be differentiated again. Hessian-vector products
 * and second derivatives are checked against Hessians worked out by hand.
 */
class DoubleBackwardTest {

    private static final GradOptions CREATE_GRAPH = GradOptions.defaults().createGraph(true);

    /** H·v by double backward: ∇(∇f · v). */
    private static double[] hvp(UnaryOperator<Tensor> f, double[] x, double[] v) {
        Tensor leaf = x.length == 4 ? Tensor.vector(x).reshape(2, 2).requiresGrad(true) : Tensor.vector(x).requiresGrad(true);
        Tensor g = Tensor.grad(new Tensor[] {f.apply(leaf)}, new Tensor[] {leaf}, CREATE_GRAPH)[0];
        Tensor direction = leaf.dim() == 2 ? Tensor.vector(v).reshape(2, 2) : Tensor.vector(v);
        return Tensor.grad(g.mul(direction).sum(), leaf)[0].toArray();
    }

    private static double[] times(double[][] h, double[] v) {
        double[] out = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += h[i][j] * v[j];
            }
        }
        return out;
    }

    @Test
    void rosenbrocksHessianVectorProduct() {
        // f = (1 - x)² + 100 (y - x²)²; H = [[2 - 400(y - x²) + 800x², -400x], [-400x, 200]]
        double x = -0.7, y = 1.3;
        double[][] h = {{2 - 400 * (y - x * x) + 800 * x * x, -400 * x}, {-400 * x, 200}};
        UnaryOperator<Tensor> f = p -> {
            Tensor px = p.select(0, 0), py = p.select(0, 1);
            Tensor a = Tensor.scalar(1).sub(px), b = py.sub(px.mul(px));
            return a.mul(a).add(b.mul(b).mul(100));
        };
        for (double[] v : new double[][] {{1, 0}, {0, 1}, {0.3, -2}}) {
            assertArrayEquals(times(h, v), hvp(f, new double[] {x, y}, v), 1e-10);
        }
    }

    @Test
    void aQuadraticFormHasHessianAPlusATranspose() {
        Tensor a = Tensor.matrix(new double[][] {{1, 2, 0}, {-1, 3, 4}, {0.5, 0, 2}});
        double[][] h = {{2, 1, 0.5}, {1, 6, 4}, {0.5, 4, 4}};
        double[] v = {0.2, -1, 3};
        assertArrayEquals(times(h, v), hvp(x -> x.dot(a.mv(x)), new double[] {1, 2, 3}, v), 1e-12);
        assertArrayEquals(times(h, v), hvp(x -> x.matmul(a).matmul(x), new double[] {-1, 0.5, 2}, v), 1e-12);
    }

    @Test
    void crossEntropyHasHessianDiagPMinusPPTransposeOverTheLogits() {
        double[] z = {0.3, -1.2, 2.0};
        double[] p = Tensor.vector(z).softmax(0).toArray();
        double[][] h = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                h[i][j] = (i == j ? p[i] : 0) - p[i] * p[j];
            }
        }
        double[] v = {1, 2, -0.5};
        assertArrayEquals(times(h, v), hvp(t -> Tensor.crossEntropy(t, 2), z, v), 1e-14);
        // the same through a batch of one row and a mean over rows
        assertArrayEquals(times(h, v), hvp(t -> Tensor.crossEntropy(t.unsqueeze(0), 2), z, v), 1e-14);
    }

    @Test
    void aDenseLayersWeightHessianThroughBroadcastingAndMatmul() {
        // f(W) = Σ_rows tanh(X·W + b)ᵀ·c; compare with central differences of the first-order gradient
        Tensor xs = Tensor.matrix(new double[][] {{1, 2}, {-0.5, 0.3}, {0.7, -1}});
        Tensor b = Tensor.vector(0.1, -0.2);
        Tensor c = Tensor.vector(1.5, -0.7);
        UnaryOperator<Tensor> f = w -> xs.matmul(w).add(b).tanh().matmul(c).sum();
        double[] w0 = {0.3, -0.4, 0.8, 0.2};
        double[] v = {1, -1, 0.5, 2};
        double eps = 1e-5;
        double[] plus = new double[4], minus = new double[4];
        for (int i = 0; i < 4; i++) {
            plus[i] = w0[i] + eps * v[i];
            minus[i] = w0[i] - eps * v[i];
        }
        double[] gp = gradient(f, plus);
        double[] gm = gradient(f, minus);
        double[] numeric = new double[4];
        for (int i = 0; i < 4; i++) {
            numeric[i] = (gp[i] - gm[i]) / (2 * eps);
        }
        assertArrayEquals(numeric, hvp(f, w0, v), 1e-7);
    }

    private static double[] gradient(UnaryOperator<Tensor> f, double[] w) {
        Tensor leaf = Tensor.vector(w).reshape(2, 2).requiresGrad(true);
        return Tensor.grad(f.apply(leaf), leaf)[0].toArray();
    }

    static Stream<Arguments> secondDerivatives() {
        return Stream.of(
                Arguments.of("sin", (UnaryOperator<Tensor>) Tensor::sin, (DoubleUnaryOperator) x -> -Math.sin(x), 0.7),
                Arguments.of("cos", (UnaryOperator<Tensor>) Tensor::cos, (DoubleUnaryOperator) x -> -Math.cos(x), 0.7),
                Arguments.of("tan", (UnaryOperator<Tensor>) Tensor::tan,
                        (DoubleUnaryOperator) x -> 2 * Math.tan(x) / (Math.cos(x) * Math.cos(x)), 0.7),
                Arguments.of("exp", (UnaryOperator<Tensor>) Tensor::exp, (DoubleUnaryOperator) Math::exp, 0.7),
                Arguments.of("log", (UnaryOperator<Tensor>) Tensor::log, (DoubleUnaryOperator) x -> -1 / (x * x), 0.7),
                Arguments.of("sqrt", (UnaryOperator<Tensor>) Tensor::sqrt,
                        (DoubleUnaryOperator) x -> -0.25 * Math.pow(x, -1.5), 0.7),
                Arguments.of("tanh", (UnaryOperator<Tensor>) Tensor::tanh, (DoubleUnaryOperator) x -> {
                    double t = Math.tanh(x);
                    return -2 * t * (1 - t * t);
                }, 0.7),
                Arguments.of("sigmoid", (UnaryOperator<Tensor>) Tensor::sigmoid, (DoubleUnaryOperator) x -> {
                    double s = 1 / (1 + Math.exp(-x));
                    return s * (1 - s) * (1 - 2 * s);
                }, 0.7),
                Arguments.of("pow(3.5)", (UnaryOperator<Tensor>) t -> t.pow(3.5),
                        (DoubleUnaryOperator) x -> 3.5 * 2.5 * Math.pow(x, 1.5), 0.7),
                Arguments.of("pow(x, x)", (UnaryOperator<Tensor>) t -> t.pow(t), (DoubleUnaryOperator) x -> {
                    double l = Math.log(x) + 1;
                    return Math.pow(x, x) * (l * l + 1 / x);
                }, 0.7),
                Arguments.of("1 / x", (UnaryOperator<Tensor>) t -> Tensor.scalar(1).div(t),
                        (DoubleUnaryOperator) x -> 2 / (x * x * x), 0.7),
                Arguments.of("relu(x)·x", (UnaryOperator<Tensor>) t -> t.relu().mul(t), (DoubleUnaryOperator) x -> 2, 0.7),
                Arguments.of("abs(x)·x", (UnaryOperator<Tensor>) t -> t.abs().mul(t), (DoubleUnaryOperator) x -> -2, -0.7),
                Arguments.of("x / 4 - 3", (UnaryOperator<Tensor>) t -> t.div(4.0).sub(3.0).mul(t),
                        (DoubleUnaryOperator) x -> 0.5, 0.7),
                Arguments.of("softmax", (UnaryOperator<Tensor>) t -> t.mul(Tensor.vector(1, 0)).add(Tensor.vector(0, 0.5))
                        .softmax(0).mul(Tensor.vector(1, 0)).sum(), (DoubleUnaryOperator) x -> {
                            double s = 1 / (1 + Math.exp(-(x - 0.5)));
                            return s * (1 - s) * (1 - 2 * s);
                        }, 0.7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondDerivatives")
    void secondDerivativeOfEachOperation(String name, UnaryOperator<Tensor> f, DoubleUnaryOperator second, double at) {
        Tensor x = Tensor.scalar(at).requiresGrad(true);
        Tensor g = Tensor.grad(new Tensor[] {f.apply(x)}, new Tensor[] {x}, CREATE_GRAPH)[0];
        assertEquals(second.applyAsDouble(at), Tensor.grad(g, x)[0].item(), 1e-12 * (1 + Math.abs(second.applyAsDouble(at))));
    }

    @Test
    void backwardWithCreateGraphLeavesAGradientOnTheTapeAsPyTorch() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        x.pow(3).backward(null, true, true);
        Tensor g = x.grad();
        assertEquals(27.0, g.item(), 0);
        assertEquals("CopyBackwards", g.gradFn(), "PyTorch's AccumulateGrad copies on the graph");
        x.setGrad(null);
        g.backward(); // d(3x²)/dx
        assertEquals(18.0, x.grad().item(), 1e-13);
        x.setGrad(null);
        x.pow(3).backward(null, true, true);
        x.pow(2).backward(null, true, true);
        assertEquals("AddBackward0", x.grad().gradFn(), "a second accumulation adds out of place");
        assertEquals(27.0 + 6, x.grad().item(), 0);
    }

    @Test
    void thirdDerivativeByRepeatedGrad() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor g1 = Tensor.grad(new Tensor[] {x.pow(4)}, new Tensor[] {x}, CREATE_GRAPH)[0];
        Tensor g2 = Tensor.grad(new Tensor[] {g1}, new Tensor[] {x}, CREATE_GRAPH)[0];
        Tensor g3 = Tensor.grad(g2, x)[0];
        assertArrayEquals(new double[] {32, 48, 48}, new double[] {g1.item(), g2.item(), g3.item()}, 1e-12);
    }

    @Test
    void aFunctionNodeIsOnceDifferentiableAndSaysSo() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = Tensor.function("SquareBackward", 0.25, (up, grads) -> grads[0][0] += up[0] * 2 * 0.5, x);
        Tensor g = Tensor.grad(new Tensor[] {y}, new Tensor[] {x}, CREATE_GRAPH)[0];
        assertEquals(1.0, g.item(), 0, "its first derivative is there");
        assertEquals("DelayedError", g.gradFn());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.grad(g, x));
        assertTrue(e.getMessage().startsWith("trying to differentiate twice a function that was marked with "
                + "@once_differentiable: SquareBackward"), e.getMessage());
        assertNull(x.grad());
    }
}
