package dev.adjoint.benchmarks.models;

import dev.adjoint.Tensor;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * {@link Logistic#loss}'s gradient in the weights, computed by hand, on the runtime tape and with
 * {@link DerivativeStructure}. Each adds its gradient into a reused {@code double[] dw}.
 */
public final class LogisticBaselines {

    private LogisticBaselines() {}

    /**
     * Reverse mode by hand, fused into one pass over the samples (the adjoint of sample i's margin
     * is known as soon as its margin is), nothing allocated. Returns the loss and adds
     * {@code seed·∂loss/∂w} into {@code dw}.
     */
    public static double lossPullback(double[] w, double[][] x, double[] y, double seed, double[] dw) {
        int n = x.length;
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            double z = 0.0;
            for (int k = 0; k < w.length; k++) {
                z += w[k] * xi[k];
            }
            double e = Math.exp(-y[i] * z);
            total += Math.log(1.0 + e);
            // d/dz log(1 + exp(-y·z)) = -y·e/(1 + e), times seed/n from the mean
            double dz = -seed / n * y[i] * e / (1.0 + e);
            for (int k = 0; k < w.length; k++) {
                dw[k] += dz * xi[k];
            }
        }
        return total / n;
    }

    /**
     * Column {@code k} of {@code x} as a constant tensor of the {@code n} samples: the data the
     * tape version works on, built once, as a tape user would.
     */
    public static Tensor[] columns(double[][] x) {
        Tensor[] columns = new Tensor[x[0].length];
        double[] column = new double[x.length];
        for (int k = 0; k < columns.length; k++) {
            for (int i = 0; i < x.length; i++) {
                column[i] = x[i][k];
            }
            columns[k] = Tensor.vector(column);
        }
        return columns;
    }

    /**
     * The same loss on the runtime tape, vectorised over the samples as a tape user would write
     * it: {@code z = Σₖ wₖ·column(k)} (the tape has no matrix product; each weight is a scalar
     * leaf), then {@code mean(log(1 + exp(-y·z)))}: about 2d + 6 nodes on vectors of length n.
     */
    public static double lossOnTape(double[] w, Tensor[] xColumns, Tensor y, double[] dw) {
        Tensor[] tw = new Tensor[w.length];
        Tensor z = null;
        for (int k = 0; k < w.length; k++) {
            tw[k] = Tensor.scalar(w[k]).requiresGrad(true);
            Tensor term = xColumns[k].mul(tw[k]);
            z = z == null ? term : z.add(term);
        }
        Tensor loss = z.mul(y).neg().exp().add(1).log().mean();
        loss.backward();
        for (int k = 0; k < w.length; k++) {
            dw[k] += tw[k].grad().item();
        }
        return loss.item();
    }

    /** The same loss in forward mode with {@link DerivativeStructure}: d free parameters. */
    public static double lossDerivativeStructure(double[] w, double[][] x, double[] y, double[] dw) {
        int d = w.length;
        DerivativeStructure[] dsW = new DerivativeStructure[d];
        DerivativeStructures.variables(d, 0, w, dsW);
        DerivativeStructure total = new DerivativeStructure(d, 1, 0.0);
        for (int i = 0; i < x.length; i++) {
            DerivativeStructure z = new DerivativeStructure(d, 1, 0.0);
            for (int k = 0; k < d; k++) {
                z = z.add(dsW[k].multiply(x[i][k]));
            }
            total = total.add(z.multiply(-y[i]).exp().add(1.0).log());
        }
        DerivativeStructure loss = total.divide(x.length);
        DerivativeStructures.addGradient(loss, 0, dw);
        return loss.getValue();
    }

    /**
     * The directional derivative ∇loss·v in the weights with {@link DerivativeStructure}: one free
     * parameter along {@code v}, order 1.
     */
    public static double lossTangentDerivativeStructure(double[] w, double[][] x, double[] y, double[] v) {
        int d = w.length;
        DerivativeStructure[] dsW = new DerivativeStructure[d];
        DerivativeStructures.along(w, v, dsW);
        DerivativeStructure total = new DerivativeStructure(1, 1, 0.0);
        for (int i = 0; i < x.length; i++) {
            DerivativeStructure z = new DerivativeStructure(1, 1, 0.0);
            for (int k = 0; k < d; k++) {
                z = z.add(dsW[k].multiply(x[i][k]));
            }
            total = total.add(z.multiply(-y[i]).exp().add(1.0).log());
        }
        return total.divide(x.length).getPartialDerivative(1);
    }

    /**
     * The Hessian-vector product in the weights by central differences of the generated gradient
     * along {@code v}: (∇loss(w + h·v) - ∇loss(w - h·v)) / 2h, two pullbacks. {@code work}
     * (length d) holds the shifted weights; {@code up} and {@code down} are reused holders (zeroed
     * here). Writes H·v into {@code into} and returns it.
     */
    public static double[] lossHvpFiniteDifferences(double[] w, double[][] x, double[] y, double[] v,
            double[] work, LogisticAdjoint.LossGradient up, LogisticAdjoint.LossGradient down, double[] into) {
        double h = FiniteDifferences.directionStep(w, v);
        for (int k = 0; k < w.length; k++) {
            work[k] = w[k] + h * v[k];
        }
        up.zero();
        LogisticAdjoint.lossPullback(work, x, y, 1.0, up);
        for (int k = 0; k < w.length; k++) {
            work[k] = w[k] - h * v[k];
        }
        down.zero();
        LogisticAdjoint.lossPullback(work, x, y, 1.0, down);
        for (int k = 0; k < w.length; k++) {
            into[k] = (up.w[k] - down.w[k]) / (2 * h);
        }
        return into;
    }
}
