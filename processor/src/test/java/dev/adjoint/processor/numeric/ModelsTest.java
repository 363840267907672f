package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.processor.fixtures.Models;
import dev.adjoint.processor.fixtures.Models.GammaDistribution;
import dev.adjoint.processor.fixtures.Models.LocationScale;
import dev.adjoint.processor.fixtures.Models.Logistic;
import dev.adjoint.processor.fixtures.Models.Params;
import dev.adjoint.processor.fixtures.Models.Softplus;
import dev.adjoint.processor.fixtures.ModelsAdjoint;
import dev.adjoint.processor.fixtures.Models_GammaDistributionAdjoint;
import dev.adjoint.processor.fixtures.Models_KernelAdjoint;
import dev.adjoint.processor.fixtures.Models_LogisticAdjoint;
import dev.adjoint.processor.fixtures.Models_SoftplusAdjoint;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Objects (issue 15), through the generated API as a user calls it: fields of the receiver,
 * records, methods of one object calling each other and methods of other objects. Each gradient is
 * checked against central differences (a field by building the object again with it moved), the
 * tape against the gradient, tangents against gradient·direction, second order against central
 * differences of the gradient.
 */
class ModelsTest {

    private static final double H = 1e-6;

    /** The central difference of {@code f} at 0: f's derivative along the move it makes of one input. */
    private static double fd(DoubleUnaryOperator f) {
        return (f.applyAsDouble(H) - f.applyAsDouble(-H)) / (2 * H);
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), what);
    }

    private static double[] moved(double[] a, int i, double h) {
        double[] b = a.clone();
        b[i] += h;
        return b;
    }

    @Test
    void fieldsOfTheReceiverAndParameters() {
        double[] w = {0.3, -0.5, 0.8};
        double bias = 0.1;
        double[] x = {1.0, 0.2, -0.7};
        double y = 1.0;
        Logistic model = new Logistic(w, bias);
        Models_LogisticAdjoint.LogLossGradient g = Models_LogisticAdjoint.logLossGradient(model, x, y);
        for (int i = 0; i < w.length; i++) {
            int k = i;
            close(fd(h -> new Logistic(moved(w, k, h), bias).logLoss(x, y)), g.weights[i], "weights[" + i + "]");
            close(fd(h -> model.logLoss(moved(x, k, h), y)), g.x[i], "x[" + i + "]");
        }
        close(fd(h -> new Logistic(w, bias + h).logLoss(x, y)), g.bias, "bias");
        close(fd(h -> model.logLoss(x, y + h)), g.y, "y");
        assertArrayEquals(new double[] {0.3, -0.5, 0.8}, w, 0.0, "the receiver's array is left as it was");

        // the tape: the fields as tensors, named after them
        Tensor weights = Tensor.vector(w).requiresGrad(true);
        Tensor b = Tensor.scalar(bias).requiresGrad(true);
        Tensor xs = Tensor.vector(x).requiresGrad(true);
        Tensor ys = Tensor.scalar(y).requiresGrad(true);
        Tensor loss = Models_LogisticAdjoint.logLoss(model, weights, b, xs, ys);
        close(model.logLoss(x, y), loss.item(), "value on the tape");
        loss.backward();
        assertArrayEquals(g.weights, weights.grad().toArray(), 1e-15);
        assertEquals(g.bias, b.grad().item(), 1e-15);
        assertArrayEquals(g.x, xs.grad().toArray(), 1e-15);

        // forward mode: gradient · direction, the fields' directions first
        double[] dw = {0.2, 0.1, -0.4};
        double[] dx = {-0.3, 0.5, 0.25};
        double expected = dot(g.weights, dw) + g.bias * 0.7 + dot(g.x, dx) + g.y * -1.1;
        close(expected, Models_LogisticAdjoint.logLossTangent(model, x, y, dw, 0.7, dx, -1.1), "tangent");
    }

    @Test
    void wrtNamesAFieldWithThis() throws ReflectiveOperationException {
        double[] w = {0.3, -0.5, 0.8};
        double[] x = {1.0, 0.2, -0.7};
        Logistic model = new Logistic(w, 0.1);
        Models_LogisticAdjoint.WeightsOnlyGradient g = Models_LogisticAdjoint.weightsOnlyGradient(model, x, 0.4);
        assertEquals("[weights]", Arrays.toString(Arrays.stream(g.getClass().getFields()).map(Field::getName).toArray()));
        for (int i = 0; i < w.length; i++) {
            int k = i;
            close(fd(h -> new Logistic(moved(w, k, h), 0.1).weightsOnly(x, 0.4)), g.weights[i], "weights[" + i + "]");
        }
    }

    @Test
    void anObjectsMethodsCallingEachOtherWithSecondOrder() {
        GammaDistribution d = new GammaDistribution(2.5, 1.3);
        Models_GammaDistributionAdjoint.LogDensityGradient g = Models_GammaDistributionAdjoint.logDensityGradient(d, 0.8);
        close(fd(h -> new GammaDistribution(2.5 + h, 1.3).logDensity(0.8)), g.shape, "shape");
        close(fd(h -> new GammaDistribution(2.5, 1.3 + h).logDensity(0.8)), g.rate, "rate");
        close(fd(h -> d.logDensity(0.8 + h)), g.x, "x");
        double[][] hessian = Models_GammaDistributionAdjoint.logDensityHessian(d, 0.8);
        close(fd(h -> Models_GammaDistributionAdjoint.logDensityGradient(new GammaDistribution(2.5, 1.3 + h), 0.8).shape),
                hessian[0][1], "∂²/∂shape∂rate");
        close(fd(h -> Models_GammaDistributionAdjoint.logDensityGradient(new GammaDistribution(2.5 + h, 1.3), 0.8).shape),
                hessian[0][0], "∂²/∂shape²");

        double[] sample = {0.8, 1.9, 3.1};
        Models_GammaDistributionAdjoint.NegativeLogLikelihoodGradient n =
                Models_GammaDistributionAdjoint.negativeLogLikelihoodGradient(d, sample);
        close(fd(h -> new GammaDistribution(2.5 + h, 1.3).negativeLogLikelihood(sample)), n.shape, "nll shape");
        close(fd(h -> new GammaDistribution(2.5, 1.3 + h).negativeLogLikelihood(sample)), n.rate, "nll rate");
        Models_GammaDistributionAdjoint.NegativeLogLikelihoodGradient hv =
                Models_GammaDistributionAdjoint.negativeLogLikelihoodHvp(d, sample, 0.0, 1.0, new double[3]);
        close(fd(h -> Models_GammaDistributionAdjoint.negativeLogLikelihoodGradient(new GammaDistribution(2.5, 1.3 + h),
                sample).shape), hv.shape, "hvp along the rate");

        Tensor shape = Tensor.scalar(2.5).requiresGrad(true);
        Tensor rate = Tensor.scalar(1.3).requiresGrad(true);
        Tensor out = Models_GammaDistributionAdjoint.negativeLogLikelihood(d, shape, rate, Tensor.vector(sample));
        out.backward();
        assertEquals(n.shape, shape.grad().item(), 1e-15);
        assertEquals(n.rate, rate.grad().item(), 1e-15);
    }

    @Test
    void aFieldOfTheSuperclass() {
        Softplus s = new Softplus(1.5, 0.2);
        Models_SoftplusAdjoint.ApplyGradient g = Models_SoftplusAdjoint.applyGradient(s, 0.7);
        close(fd(h -> new Softplus(1.5 + h, 0.2).apply(0.7)), g.scale, "scale (Scaled's field)");
        close(fd(h -> new Softplus(1.5, 0.2 + h).apply(0.7)), g.shift, "shift");
        close(fd(h -> s.apply(0.7 + h)), g.x, "x");
    }

    @Test
    void aMethodCallingAnOverridableMethodOfThisObject() {
        Models.Kernel k = new Models.Kernel(1.3);
        Models_KernelAdjoint.DensityGradient g = Models_KernelAdjoint.densityGradient(k, 0.4);
        close(fd(h -> new Models.Kernel(1.3 + h).density(0.4)), g.width, "width");
        close(fd(h -> k.density(0.4 + h)), g.x, "x");
        // a subclass that runs the same bodies has the same derivative
        Models.SameKernel same = new Models.SameKernel(1.3);
        Models_KernelAdjoint.DensityGradient s = Models_KernelAdjoint.densityGradient(same, 0.4);
        assertEquals(g.x, s.x, 0.0);
        assertEquals(g.width, s.width, 0.0);
    }

    @Test
    void anOverridingSubclassIsRefusedNotGivenTheWrongDerivative() {
        Models.Kernel cauchy = new Models.CauchyKernel(1.3);
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class, () -> Models_KernelAdjoint.densityGradient(cauchy, 0.4));
        assertEquals(Models.CauchyKernel.class.getName() + " overrides profile(double) of " + Models.Kernel.class.getName()
                + ", and Adjoint generated this derivative from " + Models.Kernel.class.getName() + "'s body, not from "
                + "the override: differentiate the subclass's method with a @Differentiable method of its own, or make "
                + "profile final", e.getMessage());
        assertThrows(UnsupportedOperationException.class,
                () -> Models_KernelAdjoint.densityTangent(cauchy, 0.4, 0.0, 1.0));
        assertThrows(UnsupportedOperationException.class,
                () -> Models_KernelAdjoint.density(cauchy, Tensor.scalar(1.3).requiresGrad(true), Tensor.scalar(0.4).requiresGrad(true)));
        UnsupportedOperationException own = assertThrows(
                UnsupportedOperationException.class,
                () -> Models_KernelAdjoint.densityGradient(new Models.ShiftedKernel(1.3), 0.4));
        assertTrue(own.getMessage().contains("overrides density(double) of "), own.getMessage());
    }

    @Test
    void methodsOfOtherObjectsPassedIn() {
        GammaDistribution a = new GammaDistribution(2.5, 1.3);
        GammaDistribution b = new GammaDistribution(0.7, 3.0);
        ModelsAdjoint.MixtureLogDensityGradient g = ModelsAdjoint.mixtureLogDensityGradient(a, b, 0.3, 1.9);
        close(fd(h -> Models.mixtureLogDensity(a, b, 0.3 + h, 1.9)), g.weight, "weight");
        close(fd(h -> Models.mixtureLogDensity(a, b, 0.3, 1.9 + h)), g.x, "x");
        close(g.weight * 0.5 - g.x * 0.25, ModelsAdjoint.mixtureLogDensityTangent(a, b, 0.3, 1.9, 0.5, -0.25), "tangent");
    }

    @Test
    void recordsByComponentNameNestedAndWithArrays() {
        double[] c = {0.5, -1.2, 0.3};
        Params p = new Params(new LocationScale(0.1, 0.8), c, 2);
        ModelsAdjoint.PolynomialNoiseGradient g = ModelsAdjoint.polynomialNoiseGradient(p, 0.7, 1.3);
        close(fd(h -> Models.polynomialNoise(new Params(new LocationScale(0.1 + h, 0.8), c, 2), 0.7, 1.3)),
                g.params.noise.location, "params.noise.location");
        close(fd(h -> Models.polynomialNoise(new Params(new LocationScale(0.1, 0.8 + h), c, 2), 0.7, 1.3)),
                g.params.noise.scale, "params.noise.scale");
        for (int k = 0; k < c.length; k++) {
            int i = k;
            close(fd(h -> Models.polynomialNoise(new Params(new LocationScale(0.1, 0.8), moved(c, i, h), 2), 0.7, 1.3)),
                    g.params.coefficients[k], "params.coefficients[" + k + "]");
        }
        close(fd(h -> Models.polynomialNoise(p, 0.7 + h, 1.3)), g.x, "x");
        close(fd(h -> Models.polynomialNoise(p, 0.7, 1.3 + h)), g.y, "y");

        // a record's direction is a record of its type (neither record's canonical constructor does more than store)
        Params direction = new Params(new LocationScale(0.0, 1.0), new double[3], 2);
        ModelsAdjoint.PolynomialNoiseGradient hv = ModelsAdjoint.polynomialNoiseHvp(p, 0.7, 1.3, direction, 0.0, 0.0);
        close(fd(h -> ModelsAdjoint.polynomialNoiseGradient(new Params(new LocationScale(0.1, 0.8 + h), c, 2), 0.7, 1.3)
                .params.coefficients[1]), hv.params.coefficients[1], "hvp along params.noise.scale");
        close(g.params.noise.scale, ModelsAdjoint.polynomialNoiseTangent(p, 0.7, 1.3, direction, 0.0, 0.0), "tangent");

        // on the tape a record is data
        Tensor x = Tensor.scalar(0.7).requiresGrad(true);
        Tensor out = ModelsAdjoint.polynomialNoise(p, x, Tensor.scalar(1.3));
        out.backward();
        assertEquals(g.x, x.grad().item(), 1e-15);
        assertEquals("PolynomialNoiseGradient{params={noise={location=" + g.params.noise.location + ", scale="
                + g.params.noise.scale + "}, coefficients=" + Arrays.toString(g.params.coefficients) + "}, x=" + g.x
                + ", y=" + g.y + "}", g.toString());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
