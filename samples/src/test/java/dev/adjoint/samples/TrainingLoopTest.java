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
     * The batch's loss is a sum of LossBackward nodes, each with the four weight tensors as its
     * inputs; backward accumulates all their gradients in those leaves, and zeroGrad clears them.
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

        TwoLayerNet net = model.current();
        double[] w1 = new double[net.w1.length];
        double[] w2 = new double[net.w2.length];
        double b2 = 0;
        for (double[] s : samples) {
            TwoLayerNetAdjoint.LossGradient g = TwoLayerNetAdjoint.lossGradient(net, s[0], s[1], s[2]);
            for (int i = 0; i < w1.length; i++) {
                w1[i] += g.w1[i];
            }
            for (int j = 0; j < w2.length; j++) {
                w2[j] += g.w2[j];
            }
            b2 += g.b2;
        }
        assertArrayEquals(w1, model.w1.grad().toArray(), 1e-15);
        assertArrayEquals(w2, model.w2.grad().toArray(), 1e-15);
        assertEquals(b2, model.b2.grad().item(), 1e-15);
        model.parameters().forEach(Tensor::zeroGrad);
        assertArrayEquals(new double[w1.length], model.w1.grad().toArray(), 0.0);
    }

    /** The generated gradient of the loss with respect to the fields (through logit) against central differences. */
    @Test
    void theLossGradientMatchesCentralDifferences() {
        TwoLayerNet net = new TrainingLoop.Model(new Random(3)).current();
        TwoLayerNetAdjoint.LossGradient g = TwoLayerNetAdjoint.lossGradient(net, 0.4, -0.7, 1);
        double h = 1e-6;
        double[][] fields = {net.w1, net.b1, net.w2};
        double[][] grads = {g.w1, g.b1, g.w2};
        for (int f = 0; f < fields.length; f++) {
            for (int i = 0; i < fields[f].length; i++) {
                double[][] up = {net.w1.clone(), net.b1.clone(), net.w2.clone()};
                double[][] down = {net.w1.clone(), net.b1.clone(), net.w2.clone()};
                up[f][i] += h;
                down[f][i] -= h;
                double fd = (new TwoLayerNet(up[0], up[1], up[2], net.b2).loss(0.4, -0.7, 1)
                        - new TwoLayerNet(down[0], down[1], down[2], net.b2).loss(0.4, -0.7, 1)) / (2 * h);
                assertEquals(fd, grads[f][i], 1e-8, "field " + f + ", weight " + i);
            }
        }
        double fd = (new TwoLayerNet(net.w1, net.b1, net.w2, net.b2 + h).loss(0.4, -0.7, 1)
                - new TwoLayerNet(net.w1, net.b1, net.w2, net.b2 - h).loss(0.4, -0.7, 1)) / (2 * h);
        assertEquals(fd, g.b2, 1e-8, "b2");
    }
}
