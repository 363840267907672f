package dev.adjoint.benchmarks.models;

import dev.adjoint.Tensor;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * {@link TwoLayerNet#loss}'s gradient in the parameters, computed by hand, on the runtime tape and
 * with {@link DerivativeStructure}. Each adds its gradient into a reused {@link Gradient}.
 */
public final class TwoLayerNetBaselines {

    private TwoLayerNetBaselines() {}

    /** ∂loss/∂parameter, one field per parameter of {@link TwoLayerNet#loss}, arrays of their lengths. */
    public static final class Gradient {
        public final double[] w1;
        public final double[] b1;
        public final double[] w2;
        public double b2;

        /** A zero gradient for {@code h} hidden units over {@code d} inputs. */
        public Gradient(int h, int d) {
            w1 = new double[h * d];
            b1 = new double[h];
            w2 = new double[h];
        }
    }

    /**
     * Reverse mode by hand, sample by sample: the forward sweep of sample i keeps its h hidden
     * activations in {@code hidden} (a work array of length h, allocated once by the caller and
     * reused), its reverse sweep follows at once. Returns the loss and adds
     * {@code seed·∂loss/∂parameter} into {@code into}.
     */
    public static double lossPullback(double[] w1, double[] b1, double[] w2, double b2, double[][] x, double[] y,
            double seed, Gradient into, double[] hidden) {
        int h = b1.length;
        double total = 0.0;
        double scale = seed / x.length;
        for (int i = 0; i < x.length; i++) {
            double[] xi = x[i];
            int d = xi.length;
            double out = b2;
            for (int j = 0; j < h; j++) {
                double pre = b1[j];
                for (int k = 0; k < d; k++) {
                    pre += w1[j * d + k] * xi[k];
                }
                hidden[j] = Math.tanh(pre);
                out += w2[j] * hidden[j];
            }
            double r = out - y[i];
            total += r * r;
            // d(r²)/dout = 2r; d out/d w2ⱼ = aⱼ, d out/d aⱼ = w2ⱼ, d tanh(p)/dp = 1 - tanh²(p)
            double dOut = scale * 2.0 * r;
            into.b2 += dOut;
            for (int j = 0; j < h; j++) {
                double a = hidden[j];
                into.w2[j] += dOut * a;
                double dPre = dOut * w2[j] * (1.0 - a * a);
                into.b1[j] += dPre;
                for (int k = 0; k < d; k++) {
                    into.w1[j * d + k] += dPre * xi[k];
                }
            }
        }
        return total / x.length;
    }

    /**
     * The same loss on the runtime tape, vectorised over the hidden units as a tape user would
     * write it. The tape has no matrix product or slicing, so the first layer is held as d column
     * leaves of length h ({@code column k = w1[··d + k]}) and each sample's pre-activation is
     * {@code b1 + Σₖ xᵢₖ·column(k)}: about 2d + 6 nodes per sample.
     */
    public static double lossOnTape(double[] w1, double[] b1, double[] w2, double b2, double[][] x, double[] y,
            Gradient into) {
        int h = b1.length;
        int d = w1.length / h;
        Tensor[] columns = new Tensor[d];
        double[] column = new double[h];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < h; j++) {
                column[j] = w1[j * d + k];
            }
            columns[k] = Tensor.vector(column).requiresGrad(true);
        }
        Tensor tb1 = Tensor.vector(b1).requiresGrad(true);
        Tensor tw2 = Tensor.vector(w2).requiresGrad(true);
        Tensor tb2 = Tensor.scalar(b2).requiresGrad(true);
        Tensor total = Tensor.scalar(0.0);
        for (int i = 0; i < x.length; i++) {
            Tensor pre = tb1;
            for (int k = 0; k < d; k++) {
                pre = pre.add(columns[k].mul(x[i][k]));
            }
            Tensor r = pre.tanh().dot(tw2).add(tb2).sub(y[i]);
            total = total.add(r.mul(r));
        }
        Tensor loss = total.div(x.length);
        loss.backward();
        for (int k = 0; k < d; k++) {
            Tensor g = columns[k].grad();
            for (int j = 0; j < h; j++) {
                into.w1[j * d + k] += g.get(j);
            }
        }
        for (int j = 0; j < h; j++) {
            into.b1[j] += tb1.grad().get(j);
            into.w2[j] += tw2.grad().get(j);
        }
        into.b2 += tb2.grad().item();
        return loss.item();
    }

    /**
     * The same loss in forward mode with {@link DerivativeStructure}: one free parameter per
     * network parameter, h·d + 2h + 1 of them, each carried by every operation.
     */
    public static double lossDerivativeStructure(double[] w1, double[] b1, double[] w2, double b2, double[][] x,
            double[] y, Gradient into) {
        int h = b1.length;
        int nw1 = w1.length;
        int parameters = nw1 + 2 * h + 1;
        DerivativeStructure[] p = new DerivativeStructure[parameters];
        DerivativeStructures.variables(parameters, 0, w1, p);
        DerivativeStructures.variables(parameters, nw1, b1, p);
        DerivativeStructures.variables(parameters, nw1 + h, w2, p);
        DerivativeStructure dsB2 = new DerivativeStructure(parameters, 1, parameters - 1, b2);
        DerivativeStructure total = new DerivativeStructure(parameters, 1, 0.0);
        for (int i = 0; i < x.length; i++) {
            int d = x[i].length;
            DerivativeStructure out = dsB2;
            for (int j = 0; j < h; j++) {
                DerivativeStructure pre = p[nw1 + j];
                for (int k = 0; k < d; k++) {
                    pre = pre.add(p[j * d + k].multiply(x[i][k]));
                }
                out = out.add(p[nw1 + h + j].multiply(pre.tanh()));
            }
            DerivativeStructure r = out.subtract(y[i]);
            total = total.add(r.multiply(r));
        }
        DerivativeStructure loss = total.divide(x.length);
        DerivativeStructures.addGradient(loss, 0, into.w1);
        DerivativeStructures.addGradient(loss, nw1, into.b1);
        DerivativeStructures.addGradient(loss, nw1 + h, into.w2);
        into.b2 += loss.getAllDerivatives()[DerivativeStructures.index(parameters, parameters - 1)];
        return loss.getValue();
    }
}
