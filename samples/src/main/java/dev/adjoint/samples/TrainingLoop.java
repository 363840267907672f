package dev.adjoint.samples;

import dev.adjoint.GradMode;
import dev.adjoint.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * PyTorch's training loop, in Java: a small two-layer network ({@link TwoLayerNet}) learns to
 * tell apart two interleaved half-moons of noisy points by mini-batch gradient descent.
 *
 * <p>The network is an object whose weights are fields; on the tape its four weight arrays are
 * four leaves, as an {@code nn.Module}'s parameters are. Each step builds the batch's mean loss on
 * the tape, one generated {@code LossBackward} node per sample with the four leaves as inputs;
 * {@code backward()} sends every node's gradient into those leaves, where they accumulate; the
 * update runs in a {@link Tensor#noGrad()} block, in place; and the gradients are zeroed before the
 * next step. It prints the loss of each epoch with the held-out accuracy, then the final accuracy,
 * and draws the loss curve.
 */
public final class TrainingLoop {

    static final long SEED = 42;
    static final int POINTS = 3000;
    static final int TRAINING_POINTS = 2400; // the other 600 are held out to measure accuracy
    static final double NOISE = 0.15;
    static final int EPOCHS = 40;
    static final int BATCH_SIZE = 32;
    static final double LEARNING_RATE = 0.5;

    private TrainingLoop() {}

    /** Trains, prints the progress and the final accuracy, and draws the loss curve (see {@link Plots#directory}). */
    public static void main(String[] args) throws IOException {
        Moons data = Moons.generate(POINTS, NOISE, SEED);
        Moons training = data.slice(0, TRAINING_POINTS);
        Moons heldOut = data.slice(TRAINING_POINTS, POINTS);
        System.out.printf("Two moons: %d training points, %d held out; a 2-%d-1 tanh network, %d weights%n",
                training.size(), heldOut.size(), TwoLayerNet.HIDDEN, TwoLayerNet.WEIGHTS);
        History history = train(training, heldOut, EPOCHS, SEED, System.out);
        System.out.printf("Final accuracy: %.1f%% on the training points, %.1f%% held out%n",
                100 * history.trainingAccuracy(), 100 * history.heldOutAccuracy());
        Path png = Plots.trainingLoss(history, Plots.directory(args));
        System.out.println("Loss curve: " + png);
    }

    /** The loss of each epoch (mean over its batches, as a PyTorch loop reports it) and the accuracies reached. */
    record History(double[] trainingLoss, double[] heldOutLoss, double trainingAccuracy, double heldOutAccuracy) {}

    /**
     * Trains a fresh model on {@code training} for {@code epochs}, reporting each epoch to
     * {@code out}; {@code seed} draws the initial weights and the order of the samples.
     */
    @SuppressWarnings("try") // the no-grad scope variable is only there to be closed
    static History train(Moons training, Moons heldOut, int epochs, long seed, PrintStream out) {
        Random random = new Random(seed);
        Model model = new Model(random);
        int[] order = new int[training.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] trainingLoss = new double[epochs];
        double[] heldOutLoss = new double[epochs];
        ProgressBar bar = ProgressBar.onConsole();
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, random);
            double lossSum = 0;
            for (int start = 0; start < order.length; start += BATCH_SIZE) {
                int end = Math.min(start + BATCH_SIZE, order.length);
                // Forward: the batch's mean loss, built on the tape from one node per sample.
                Tensor loss = Tensor.scalar(0);
                for (int k = start; k < end; k++) {
                    int i = order[k];
                    loss = loss.add(model.loss(training.x1[i], training.x2[i], training.y[i]));
                }
                loss = loss.div(end - start);
                // Backward: each weight's grad() is now the sum of what each sample's node sent it.
                loss.backward();
                // Update outside the tape, then zero the gradients so the next batch starts fresh.
                try (GradMode noGrad = Tensor.noGrad()) {
                    for (Tensor p : model.parameters()) {
                        p.subInPlace(p.grad().mul(LEARNING_RATE));
                        p.zeroGrad();
                    }
                }
                lossSum += loss.item() * (end - start);
                bar.show(end, order.length, "epoch " + (epoch + 1));
            }
            bar.clear();
            trainingLoss[epoch] = lossSum / order.length;
            Evaluation check = model.evaluate(heldOut);
            heldOutLoss[epoch] = check.loss();
            out.printf("epoch %2d/%d %s loss %.4f  held-out loss %.4f  held-out accuracy %5.1f%%%n",
                    epoch + 1, epochs, ProgressBar.render(epoch + 1, epochs, 20), trainingLoss[epoch],
                    check.loss(), 100 * check.accuracy());
        }
        return new History(trainingLoss, heldOutLoss, model.evaluate(training).accuracy(),
                model.evaluate(heldOut).accuracy());
    }

    /** Fisher-Yates, from the seeded generator: the same batches on every run. */
    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * The network's weights on the tape: one leaf per field of {@link TwoLayerNet}, PyTorch's
     * {@code nn.Module} with four parameters.
     */
    static final class Model {
        final TwoLayerNet net;
        final Tensor w1;
        final Tensor b1;
        final Tensor w2;
        final Tensor b2;

        Model(Random random) {
            net = TwoLayerNet.initial(random);
            w1 = Tensor.vector(net.w1).requiresGrad(true);
            b1 = Tensor.vector(net.b1).requiresGrad(true);
            w2 = Tensor.vector(net.w2).requiresGrad(true);
            b2 = Tensor.scalar(net.b2).requiresGrad(true);
        }

        List<Tensor> parameters() {
            return List.of(w1, b1, w2, b2);
        }

        /**
         * The loss of one sample, on the tape when grad mode is on: one LossBackward node, at the
         * weights the tensors hold (the generated overload reads them, not {@code net}'s fields).
         */
        Tensor loss(double x1, double x2, double y) {
            return TwoLayerNetAdjoint.loss(net, w1, b1, w2, b2, x1, x2, y);
        }

        /** The network with the weights trained so far: a plain object again. */
        TwoLayerNet current() {
            return new TwoLayerNet(w1.toArray(), b1.toArray(), w2.toArray(), b2.item());
        }

        /**
         * The mean loss over {@code data} and the fraction of its points classified right, off the
         * tape: the @Differentiable method is a plain Java method too. A point is classified as 1
         * when its logit is positive (σ(z) above ½).
         */
        Evaluation evaluate(Moons data) {
            TwoLayerNet trained = current();
            double sum = 0;
            int right = 0;
            for (int i = 0; i < data.size(); i++) {
                sum += trained.loss(data.x1[i], data.x2[i], data.y[i]);
                if ((trained.logit(data.x1[i], data.x2[i]) > 0) == (data.y[i] == 1)) {
                    right++;
                }
            }
            return new Evaluation(sum / data.size(), (double) right / data.size());
        }
    }

    /** A model's mean loss and accuracy on a data set. */
    record Evaluation(double loss, double accuracy) {}

    /**
     * Two interleaved half-circles with Gaussian noise, labelled 0 and 1 (scikit-learn's
     * {@code make_moons}), shuffled, centred near the origin.
     */
    static final class Moons {
        final double[] x1;
        final double[] x2;
        final double[] y;

        private Moons(double[] x1, double[] x2, double[] y) {
            this.x1 = x1;
            this.x2 = x2;
            this.y = y;
        }

        static Moons generate(int n, double noise, long seed) {
            Random random = new Random(seed);
            double[] x1 = new double[n];
            double[] x2 = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                int label = random.nextInt(2);
                double angle = Math.PI * random.nextDouble();
                // upper moon: (cos a, sin a); lower moon: (1 - cos a, 1/2 - sin a); shifted by (-1/2, -1/4)
                x1[i] = (label == 0 ? Math.cos(angle) : 1 - Math.cos(angle)) - 0.5 + noise * random.nextGaussian();
                x2[i] = (label == 0 ? Math.sin(angle) : 0.5 - Math.sin(angle)) - 0.25 + noise * random.nextGaussian();
                y[i] = label;
            }
            return new Moons(x1, x2, y);
        }

        Moons slice(int from, int to) {
            return new Moons(Arrays.copyOfRange(x1, from, to), Arrays.copyOfRange(x2, from, to),
                    Arrays.copyOfRange(y, from, to));
        }

        int size() {
            return y.length;
        }
    }
}
