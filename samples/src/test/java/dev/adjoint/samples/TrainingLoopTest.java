package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** The batch's loss is a sum of LossBackward nodes; backward accumulates their gradients in the weights. */
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

        List<Tensor> w = model.parameters();
        double[] expected = new double[w.size()];
        for (double[] s : samples) {
            TwoLayerNetAdjoint.LossGradient g = TwoLayerNetAdjoint.lossGradient(w.get(0).item(), w.get(1).item(),
                    w.get(2).item(), w.get(3).item(), w.get(4).item(), w.get(5).item(), w.get(6).item(),
                    w.get(7).item(), w.get(8).item(), w.get(9).item(), w.get(10).item(), w.get(11).item(),
                    w.get(12).item(), s[0], s[1], s[2]);
            double[] parts = {g.w11, g.w12, g.b1, g.w21, g.w22, g.b2, g.w31, g.w32, g.b3, g.v1, g.v2, g.v3, g.c};
            for (int i = 0; i < parts.length; i++) {
                expected[i] += parts[i];
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], w.get(i).grad().item(), 1e-15, "weight " + i);
        }
        model.parameters().forEach(Tensor::zeroGrad);
        for (Tensor t : model.parameters()) {
            assertEquals(0.0, t.grad().item());
        }
    }
}
