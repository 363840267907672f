package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.VectorOutputs;
import dev.adjoint.processor.fixtures.VectorOutputsAdjoint;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Methods returning {@code double[]} ({@link VectorOutputs}): the Jacobian against central
 * differences of the primal, the pullback as the vector-Jacobian product seedᵀ·J (value,
 * accumulation, seed length), the tangent as J·v, and the tape node's backward(gradient).
 */
class VectorOutputTest {

    private static final double H = 1e-6;

    /** Columns of the Jacobian by central differences of {@code f} at {@code x}. */
    private static double[][] finiteJacobian(Function<double[], double[]> f, double[] x) {
        int m = f.apply(x).length;
        double[][] j = new double[m][x.length];
        for (int c = 0; c < x.length; c++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[c] += H;
            down[c] -= H;
            double[] fu = f.apply(up);
            double[] fd = f.apply(down);
            for (int r = 0; r < m; r++) {
                j[r][c] = (fu[r] - fd[r]) / (2 * H);
            }
        }
        return j;
    }

    private static void assertClose(double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, "rows");
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < expected[r].length; c++) {
                GradientHarness.assertClose(expected[r][c], actual[r][c], "J[" + r + "][" + c + "]");
            }
        }
    }

    private static double[] times(double[][] j, double[] v) {
        double[] out = new double[j.length];
        for (int r = 0; r < j.length; r++) {
            for (int c = 0; c < v.length; c++) {
                out[r] += j[r][c] * v[c];
            }
        }
        return out;
    }

    private static double[] transposeTimes(double[][] j, double[] seed) {
        double[] out = new double[j[0].length];
        for (int r = 0; r < j.length; r++) {
            for (int c = 0; c < out.length; c++) {
                out[c] += seed[r] * j[r][c];
            }
        }
        return out;
    }

    /**
     * The array returned early too (Smile's {@code ThinPlateSpline.kg}: zeros at the centre; a loop
     * and a switch case returning it): each path's Jacobian against central differences.
     */
    @Test
    void anArrayReturnedEarlyFromABranchALoopOrACase() {
        for (double[] p : new double[][] {{0.7, -0.4, 0.2, 0.1}, {1.5, 2.0, -0.3, 0.8}}) {
            assertClose(finiteJacobian(x -> VectorOutputs.thinPlateGradient(x[0], x[1], x[2], x[3]), p),
                    VectorOutputsAdjoint.thinPlateGradientJacobian(p[0], p[1], p[2], p[3]));
        }
        double[][] atCentre = VectorOutputsAdjoint.thinPlateGradientJacobian(0.5, 0.5, 0.5, 0.5);
        assertArrayEquals(new double[] {0, 0, 0, 0}, atCentre[0], 0.0); // the early branch's own: zeros
        // a loop labelled as the reader's own block would be: its early return leaves the method, not the loop
        for (double[] p : new double[][] {{3.0, 0.5}, {0.5, 0.7}, {0.5, -0.7}}) {
            assertArrayEquals(VectorOutputs.labelledReturns(p[0], p[1]),
                    VectorOutputsAdjoint.labelledReturnsPullback(p[0], p[1], new double[] {1, 1},
                            new VectorOutputsAdjoint.LabelledReturnsGradient()), 0.0);
            assertClose(finiteJacobian(x -> VectorOutputs.labelledReturns(x[0], x[1]), p),
                    VectorOutputsAdjoint.labelledReturnsJacobian(p[0], p[1]));
        }
        // returned from the loop at i = 0, 1 and 2, from the switch case, and at the end
        for (double[] p : new double[][] {{9.0, 1.5}, {4.5, 1.5}, {3.2, 1.3}, {1.0, -1.2}, {1.0, 1.2}}) {
            assertClose(finiteJacobian(x -> VectorOutputs.clippedSteps(x[0], x[1]), p),
                    VectorOutputsAdjoint.clippedStepsJacobian(p[0], p[1]));
            double[] seed = {0.3, -1.1, 0.6};
            VectorOutputsAdjoint.ClippedStepsGradient into = new VectorOutputsAdjoint.ClippedStepsGradient();
            assertArrayEquals(VectorOutputs.clippedSteps(p[0], p[1]),
                    VectorOutputsAdjoint.clippedStepsPullback(p[0], p[1], seed, into), 0.0);
            double[] vjp = transposeTimes(VectorOutputsAdjoint.clippedStepsJacobian(p[0], p[1]), seed);
            GradientHarness.assertClose(vjp[0], into.x, "seed·J for x");
            GradientHarness.assertClose(vjp[1], into.y, "seed·J for y");
        }
    }

    /**
     * A result that is a copy of the input ({@code Arrays.copyOf}, {@code clone()}) written in
     * place, by a helper too, or a helper's own new array returned as it is (Tribuo's normalizers
     * and {@code generateCDF}): Jacobian, pullback value and seed·J, tangent.
     */
    @Test
    void aCopyOrAHelpersNewArrayReturned() {
        double[] w = {0.3, -0.2, 0.9, 0.1};
        double[] seed = {0.4, -1.3, 0.2, 0.7};
        double[][] j = VectorOutputsAdjoint.softmaxOfCopyJacobian(w.clone());
        assertClose(finiteJacobian(VectorOutputs::softmaxOfCopy, w), j);
        VectorOutputsAdjoint.SoftmaxOfCopyGradient g = new VectorOutputsAdjoint.SoftmaxOfCopyGradient();
        g.input = new double[4];
        assertArrayEquals(VectorOutputs.softmaxOfCopy(w), VectorOutputsAdjoint.softmaxOfCopyPullback(w.clone(), seed, g), 0.0);
        assertArrayEquals(transposeTimes(j, seed), g.input, 1e-14);
        assertArrayEquals(times(j, seed), VectorOutputsAdjoint.softmaxOfCopyTangent(w.clone(), seed), 1e-14);

        double[][] c = VectorOutputsAdjoint.cumulativeSquaresJacobian(w.clone());
        assertClose(finiteJacobian(VectorOutputs::cumulativeSquares, w), c);
        assertArrayEquals(new double[] {2 * w[0], 2 * w[1], 0, 0}, c[1], 1e-15);

        double[] x = {0.3, -0.2, 0.9, 1.7};
        double[][] k = VectorOutputsAdjoint.scaledCloneJacobian(java.util.Arrays.copyOf(x, 3), x[3]);
        assertClose(finiteJacobian(y -> VectorOutputs.scaledClone(java.util.Arrays.copyOf(y, 3), y[3]), x), k);
    }

    @Test
    void polar() {
        double r = 1.3;
        double theta = 0.4;
        double[][] j = VectorOutputsAdjoint.polarJacobian(r, theta);
        assertClose(finiteJacobian(x -> VectorOutputs.polar(x[0], x[1]), new double[] {r, theta}), j);
        // d(r cos θ, r sin θ)/d(r, θ) = [[cos θ, -r sin θ], [sin θ, r cos θ]]
        assertArrayEquals(new double[] {Math.cos(theta), -r * Math.sin(theta)}, j[0], 1e-15);
        assertArrayEquals(new double[] {Math.sin(theta), r * Math.cos(theta)}, j[1], 1e-15);

        double[] seed = {0.7, -0.2};
        VectorOutputsAdjoint.PolarGradient g = new VectorOutputsAdjoint.PolarGradient();
        double[] value = VectorOutputsAdjoint.polarPullback(r, theta, seed, g);
        assertArrayEquals(VectorOutputs.polar(r, theta), value, 0.0);
        double[] vjp = transposeTimes(j, seed);
        assertEquals(vjp[0], g.r, 1e-15);
        assertEquals(vjp[1], g.theta, 1e-15);
        VectorOutputsAdjoint.polarPullback(r, theta, seed, g);
        assertEquals(2 * vjp[0], g.r, 1e-15, "pullbacks accumulate");

        double[] v = {0.3, -1.1};
        assertArrayEquals(times(j, v), VectorOutputsAdjoint.polarTangent(r, theta, v[0], v[1]), 1e-15);

        Tensor tr = Tensor.scalar(r).requiresGrad(true);
        Tensor tt = Tensor.scalar(theta).requiresGrad(true);
        Tensor out = VectorOutputsAdjoint.polar(tr, tt);
        assertEquals("PolarBackward", out.gradFn());
        out.backward(Tensor.vector(seed));
        assertEquals(vjp[0], tr.grad().item(), 1e-15);
        assertEquals(vjp[1], tt.grad().item(), 1e-15);
    }

    @Test
    void softmaxWithLoopsAndAnArrayParameter() {
        Random random = new Random(7);
        for (int point = 0; point < 20; point++) {
            double[] w = new double[5];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextDouble() - 0.5;
            }
            double t = 0.5 + random.nextDouble();
            double[] x = new double[6];
            System.arraycopy(w, 0, x, 0, 5);
            x[5] = t;
            // columns: w[0..4], then t
            double[][] j = VectorOutputsAdjoint.softmaxJacobian(w, t);
            assertClose(finiteJacobian(y -> VectorOutputs.softmax(java.util.Arrays.copyOf(y, 5), y[5]), x), j);

            double[] seed = new double[5];
            for (int i = 0; i < 5; i++) {
                seed[i] = random.nextDouble() - 0.5;
            }
            VectorOutputsAdjoint.SoftmaxGradient g = new VectorOutputsAdjoint.SoftmaxGradient();
            g.w = new double[5];
            double[] value = VectorOutputsAdjoint.softmaxPullback(w, t, seed, g);
            assertArrayEquals(VectorOutputs.softmax(w, t), value, 0.0, "the pullback returns the value");
            double[] vjp = transposeTimes(j, seed);
            assertArrayEquals(java.util.Arrays.copyOf(vjp, 5), g.w, 1e-14);
            assertEquals(vjp[5], g.t, 1e-14);

            double[] dw = {0.1, -0.3, 0.2, 0.05, -0.4};
            double[] v = java.util.Arrays.copyOf(dw, 6);
            v[5] = 0.7;
            assertArrayEquals(times(j, v), VectorOutputsAdjoint.softmaxTangent(w, t, dw, 0.7), 1e-14);
        }
    }

    @Test
    void powersDifferentiatesOnlyX() {
        double x = 0.9;
        double[][] j = VectorOutputsAdjoint.powersJacobian(x, 4);
        assertEquals(4, j.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(1, j[i].length);
            assertEquals((i + 1) * Math.pow(x, i), j[i][0], 1e-14, "d x^" + (i + 1) + "/dx");
        }
        assertArrayEquals(new double[] {0.5, 2 * x * 0.5, 3 * x * x * 0.5, 4 * x * x * x * 0.5},
                VectorOutputsAdjoint.powersTangent(x, 4, 0.5), 1e-14);
    }

    @Test
    void aSeedOfTheWrongLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorOutputsAdjoint.polarPullback(1, 2, new double[3], new VectorOutputsAdjoint.PolarGradient()));
        assertEquals("seed must be a double[] of the length of polar's value (2)", e.getMessage());
    }
}
