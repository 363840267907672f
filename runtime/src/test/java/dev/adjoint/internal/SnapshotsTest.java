package dev.adjoint.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The data a generated Tensor overload closes over is a snapshot: a training loop that refills its
 * batch buffer between the forward pass and backward() still gets the gradient at the forward
 * pass's data.
 */
class SnapshotsTest {

    /** Least squares Σ_i (w·x_i - y_i)², the primal a processor would be given. */
    static double loss(double[] w, double[][] x, double[] y) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            double r = -y[i];
            for (int j = 0; j < w.length; j++) {
                r += w[j] * x[i][j];
            }
            total += r * r;
        }
        return total;
    }

    /** Its pullback: adds seed·∂loss/∂w = seed·Σ_i 2 r_i x_i into dw. */
    static void lossPullback(double[] w, double[][] x, double[] y, double seed, double[] dw) {
        for (int i = 0; i < x.length; i++) {
            double r = -y[i];
            for (int j = 0; j < w.length; j++) {
                r += w[j] * x[i][j];
            }
            for (int j = 0; j < w.length; j++) {
                dw[j] += seed * 2 * r * x[i][j];
            }
        }
    }

    /** The Tensor overload as it should be generated: the data arrays copied at the forward pass. */
    static Tensor lossOnTape(Tensor w, double[][] x, double[] y) {
        final double[] wValue = w.toArray();
        final double[][] xData = Snapshots.copy(x);
        final double[] yData = Snapshots.copy(y);
        return Tensor.function("LossBackward", loss(wValue, xData, yData),
                (upstream, grads) -> lossPullback(wValue, xData, yData, upstream[0], grads[0]), w);
    }

    /** The overload as it was generated: the caller's arrays captured by reference. */
    static Tensor lossOnTapeByReference(Tensor w, double[][] x, double[] y) {
        final double[] wValue = w.toArray();
        return Tensor.function("LossBackward", loss(wValue, x, y),
                (upstream, grads) -> lossPullback(wValue, x, y, upstream[0], grads[0]), w);
    }

    @Test
    void aRefilledBatchBufferDoesNotChangeTheGradientOfTheForwardPass() {
        double[][] batch = {{1, 2}, {3, -1}};
        double[] labels = {0.5, 2};
        double[] expected = new double[2];
        lossPullback(new double[] {0.1, 0.2}, batch, labels, 1, expected);

        Tensor w = Tensor.vector(0.1, 0.2).requiresGrad(true);
        Tensor l = lossOnTape(w, batch, labels);
        batch[0][0] = 100; // refill(batch), as a training loop does
        labels[1] = -7;
        l.backward();
        assertArrayEquals(expected, w.grad().toArray(), 1e-15);

        // the bug it fixes: by reference, the gradient is silently taken at the new data
        double[][] shared = {{1, 2}, {3, -1}};
        Tensor w2 = Tensor.vector(0.1, 0.2).requiresGrad(true);
        Tensor l2 = lossOnTapeByReference(w2, shared, new double[] {0.5, 2});
        assertEquals(l.item(), l2.item(), 0, "the same forward pass");
        shared[0][0] = 100;
        l2.backward();
        assertNotEquals(expected[0], w2.grad().get(0));
    }

    @Test
    void aDeepCopyKeepsNullsAndSharedRows() {
        double[] row = {1, 2};
        double[][] rows = {row, null, row};
        double[][] copy = Snapshots.copy(rows);
        assertNotSame(rows, copy);
        assertNotSame(row, copy[0]);
        assertNull(copy[1]);
        assertSame(copy[0], copy[2], "rows shared in the original are shared in the copy");
        row[0] = 9;
        assertEquals(1.0, copy[0][0], 0);
        assertNull(Snapshots.copy((double[][]) null));
        assertNull(Snapshots.copy((double[]) null));
    }

    @Test
    void anyArrayIsCopiedDeeplyAndAnythingElseIsReturnedAsIs() {
        int[][][] cube = {{{1}, {2}}, {{3}}};
        int[][][] copy = Snapshots.deepCopy(cube);
        cube[1][0][0] = 30;
        assertEquals(3, copy[1][0][0]);
        float[] floats = {1.5f};
        assertArrayEquals(floats, Snapshots.deepCopy(floats), 0);
        assertNotSame(floats, Snapshots.deepCopy(floats));
        String s = "data";
        assertSame(s, Snapshots.deepCopy(s));
        int[] labels = {1, 0};
        int[] labelsCopy = Snapshots.copy(labels);
        labels[0] = 5;
        assertEquals(1, labelsCopy[0]);
    }
}
