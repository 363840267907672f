package demo;

import dev.adjoint.Differentiable;

/** A transfer function keeping its last output for its derivative, as Neuroph's do (ir/Stores). */
public class Cached {
    protected double output;
    private double slope = 2.0;
    private double derivativeOutput;

    @Differentiable
    public double getOutput(double net) {
        if (net * slope > 100) {
            output = 1.0;
            return output;
        }
        output = Math.tanh(slope * net);
        return output;
    }

    @Differentiable
    public double getDerivative(double net) {
        derivativeOutput = slope * (1 - output * output);
        return derivativeOutput;
    }
}
