package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The training loop learns the two moons: its loss falls and its accuracy passes a threshold. */
class TrainingLoopTest {

    private static TrainingLoop.History history;
    private static String[] lines;

    @BeforeAll
    static void train() {
        TrainingLoop.Moons data = TrainingLoop.Moons.generate(TrainingLoop.POINTS, TrainingLoop.NOISE, TrainingLoop.SEED);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            history = TrainingLoop.train(data.slice(0, TrainingLoop.TRAINING_POINTS),
                    data.slice(TrainingLoop.TRAINING_POINTS, TrainingLoop.POINTS), TrainingLoop.EPOCHS,
                    TrainingLoop.SEED, out);
        }
        lines = buffer.toString(StandardCharsets.UTF_8).split("\\R");
    }

    @Test
    void theLossFalls() {
        double[] loss = history.trainingLoss();
        assertEquals(TrainingLoop.EPOCHS, loss.length);
        double first = loss[0];
        double last = loss[loss.length - 1];
        assertTrue(last < first / 4, "loss " + first + " -> " + last);
        assertTrue(last < 0.1, "final loss " + last);
        assertTrue(history.heldOutLoss()[loss.length - 1] < 0.1, "held-out loss " + history.heldOutLoss()[loss.length - 1]);
    }

    @Test
    void theAccuracyPassesTheThreshold() {
        assertTrue(history.trainingAccuracy() >= 0.97, "training accuracy " + history.trainingAccuracy());
        assertTrue(history.heldOutAccuracy() >= 0.97, "held-out accuracy " + history.heldOutAccuracy());
    }

    @Test
    void printsOneLinePerEpochWithAProgressBar() {
        assertEquals(TrainingLoop.EPOCHS, lines.length, String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.matches("epoch +\\d+/\\d+ \\[[#-]{20}] loss \\d\\.\\d{4}  held-out loss \\d\\.\\d{4}"
                    + "  held-out accuracy +\\d+\\.\\d%"), line);
        }
        assertTrue(lines[0].startsWith("epoch  1/" + TrainingLoop.EPOCHS + " [-"), lines[0]);
        assertTrue(lines[lines.length - 1].contains("[" + "#".repeat(20) + "]"), lines[lines.length - 1]);
    }

    /**
     * The batch's loss is a sum of LossBackward nodes, each with the weight vector as its input;
     * backward accumulates all their gradients in that one leaf, and zeroGrad clears it.
     */
    @Test
    void gradientsAccumulateOverTheBatchsNodes() {
        TrainingLoop.Model model = new TrainingLoop.Model(new Random(1));
        double[][] samples = {{0.3, -0.2, 1}, {-1.1, 0.4, 0}, {0.7, 0.9, 0}};
        Tensor loss = Tensor.scalar(0);
        for (double[] s : samples) {
            Tensor piece = model.loss(s[0], s[1], s[2]);
            assertEquals("LossBackward", piece.gradFn());
            loss = loss.add(piece);
        }
        loss.backward();

        double[] w = model.w.toArray();
        double[] expected = new double[w.length];
        for (double[] s : samples) {
            double[] g = TwoLayerNetAdjoint.lossGradient(w, s[0], s[1], s[2]).w;
            for (int i = 0; i < g.length; i++) {
                expected[i] += g[i];
            }
        }
        assertArrayEquals(expected, model.w.grad().toArray(), 1e-15);
        model.w.zeroGrad();
        assertArrayEquals(new double[w.length], model.w.grad().toArray(), 0.0);
    }

    /** The generated gradient of the loss (through the call to logit) against central differences. */
    @Test
    void theLossGradientMatchesCentralDifferences() {
        double[] w = new TrainingLoop.Model(new Random(3)).w.toArray();
        double[] g = TwoLayerNetAdjoint.lossGradient(w, 0.4, -0.7, 1).w;
        for (int i = 0; i < w.length; i++) {
            double h = 1e-6;
            double[] up = w.clone();
            double[] down = w.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (TwoLayerNet.loss(up, 0.4, -0.7, 1) - TwoLayerNet.loss(down, 0.4, -0.7, 1)) / (2 * h);
            assertEquals(fd, g[i], 1e-8, "weight " + i);
        }
    }
}
