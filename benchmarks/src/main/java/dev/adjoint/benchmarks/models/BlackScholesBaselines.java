package dev.adjoint.benchmarks.models;

import static dev.adjoint.benchmarks.models.BlackScholes.B1;
import static dev.adjoint.benchmarks.models.BlackScholes.B2;
import static dev.adjoint.benchmarks.models.BlackScholes.B3;
import static dev.adjoint.benchmarks.models.BlackScholes.B4;
import static dev.adjoint.benchmarks.models.BlackScholes.B5;
import static dev.adjoint.benchmarks.models.BlackScholes.INV_SQRT_2PI;
import static dev.adjoint.benchmarks.models.BlackScholes.P;

import dev.adjoint.Tensor;
import org.apache.commons.math3.analysis.differentiation.DerivativeStructure;

/**
 * {@link BlackScholes#call}'s gradient computed the ways the benchmarks compare it with the
 * generated pullback: by a hand-written adjoint, on the runtime tape, and with commons-math3
 * {@link DerivativeStructure}. Each adds its gradient into a reused {@link Gradient}.
 */
public final class BlackScholesBaselines {

    private BlackScholesBaselines() {}

    /** ∂price/∂input, one field per input of {@link BlackScholes#call}. */
    public static final class Gradient {
        public double s;
        public double k;
        public double r;
        public double sigma;
        public double t;
    }

    /**
     * Reverse mode by hand, as a careful engineer would write it: one forward sweep keeping the
     * intermediates in locals, one reverse sweep, nothing allocated. Returns the price and adds
     * {@code seed·∂price/∂input} into {@code into}.
     */
    public static double callPullback(double s, double k, double r, double sigma, double t,
            double seed, Gradient into) {
        // forward sweep
        double sqrtT = Math.sqrt(t);
        double sd = sigma * sqrtT;
        double b = r + 0.5 * sigma * sigma;
        double d1 = (Math.log(s / k) + b * t) / sd;
        double d2 = d1 - sd;
        double a1 = Math.abs(d1);
        double t1 = 1.0 / (1.0 + P * a1);
        double e1 = INV_SQRT_2PI * Math.exp(-0.5 * a1 * a1);
        double q1 = t1 * (B1 + t1 * (B2 + t1 * (B3 + t1 * (B4 + t1 * B5))));
        double cdf1 = d1 >= 0 ? 1.0 - e1 * q1 : e1 * q1;
        double a2 = Math.abs(d2);
        double t2 = 1.0 / (1.0 + P * a2);
        double e2 = INV_SQRT_2PI * Math.exp(-0.5 * a2 * a2);
        double q2 = t2 * (B1 + t2 * (B2 + t2 * (B3 + t2 * (B4 + t2 * B5))));
        double cdf2 = d2 >= 0 ? 1.0 - e2 * q2 : e2 * q2;
        double disc = Math.exp(-r * t);
        double price = s * cdf1 - k * disc * cdf2;

        // reverse sweep. price = s·cdf1 - k·disc·cdf2
        double dS = seed * cdf1;
        double dK = -seed * disc * cdf2;
        double dDisc = -seed * k * cdf2;
        // disc = exp(-r·t)
        double dR = -t * dDisc * disc;
        double dT = -r * dDisc * disc;
        double dD1 = cdfAdjoint(d1, a1, t1, e1, q1, seed * s);
        double dD2 = cdfAdjoint(d2, a2, t2, e2, q2, -seed * k * disc);
        // d2 = d1 - sd
        dD1 += dD2;
        double dSd = -dD2;
        // d1 = (log(s/k) + b·t) / sd
        double dNum = dD1 / sd;
        dSd -= dD1 * d1 / sd;
        dS += dNum / s;
        dK -= dNum / k;
        double dB = dNum * t;
        dT += dNum * b;
        // b = r + sigma²/2
        dR += dB;
        double dSigma = dB * sigma;
        // sd = sigma·sqrtT, sqrtT = √t
        dSigma += dSd * sqrtT;
        dT += dSd * sigma * 0.5 / sqrtT;

        into.s += dS;
        into.k += dK;
        into.r += dR;
        into.sigma += dSigma;
        into.t += dT;
        return price;
    }

    /**
     * The adjoint of x from that of Φ(x) = (x ≥ 0 ? 1 - e·q : e·q), where a = |x|,
     * u = 1/(1 + P·a), e = φ(a) and q = B1·u + ... + B5·u⁵.
     */
    private static double cdfAdjoint(double x, double a, double u, double e, double q, double dCdf) {
        double dTail = x >= 0 ? -dCdf : dCdf;
        double dq = B1 + u * (2 * B2 + u * (3 * B3 + u * (4 * B4 + u * 5 * B5)));
        // e = φ(a): de/da = -a·e; u = 1/(1 + P·a): du/da = -P·u²
        double dA = dTail * (q * e * -a + e * dq * -P * u * u);
        // a = |x|, derivative 0 at the kink
        return dA * Math.signum(x);
    }

    /** The same price on the runtime tape: five leaves, ~60 nodes, one backward. */
    public static double callOnTape(double s, double k, double r, double sigma, double t, Gradient into) {
        Tensor ts = Tensor.scalar(s).requiresGrad(true);
        Tensor tk = Tensor.scalar(k).requiresGrad(true);
        Tensor tr = Tensor.scalar(r).requiresGrad(true);
        Tensor tSigma = Tensor.scalar(sigma).requiresGrad(true);
        Tensor tt = Tensor.scalar(t).requiresGrad(true);
        Tensor sd = tSigma.mul(tt.sqrt());
        Tensor d1 = ts.div(tk).log().add(tr.add(tSigma.mul(tSigma).mul(0.5)).mul(tt)).div(sd);
        Tensor d2 = d1.sub(sd);
        Tensor price = ts.mul(cdf(d1)).sub(tk.mul(tr.neg().mul(tt).exp()).mul(cdf(d2)));
        price.backward();
        into.s += ts.grad().item();
        into.k += tk.grad().item();
        into.r += tr.grad().item();
        into.sigma += tSigma.grad().item();
        into.t += tt.grad().item();
        return price.item();
    }

    private static Tensor cdf(Tensor x) {
        Tensor a = x.abs();
        Tensor u = Tensor.scalar(1).div(a.mul(P).add(1));
        Tensor q = u.mul(B5).add(B4).mul(u).add(B3).mul(u).add(B2).mul(u).add(B1).mul(u);
        Tensor tail = a.mul(a).mul(-0.5).exp().mul(INV_SQRT_2PI).mul(q);
        return x.item() >= 0 ? tail.neg().add(1) : tail;
    }

    /** The same price in forward mode with {@link DerivativeStructure}: one DS per input. */
    public static double callDerivativeStructure(double s, double k, double r, double sigma, double t,
            Gradient into) {
        DerivativeStructure price = price(
                new DerivativeStructure(5, 1, 0, s),
                new DerivativeStructure(5, 1, 1, k),
                new DerivativeStructure(5, 1, 2, r),
                new DerivativeStructure(5, 1, 3, sigma),
                new DerivativeStructure(5, 1, 4, t));
        double[] all = price.getAllDerivatives();
        into.s += all[DerivativeStructures.index(5, 0)];
        into.k += all[DerivativeStructures.index(5, 1)];
        into.r += all[DerivativeStructures.index(5, 2)];
        into.sigma += all[DerivativeStructures.index(5, 3)];
        into.t += all[DerivativeStructures.index(5, 4)];
        return price.getValue();
    }

    /**
     * The Hessian with {@link DerivativeStructure} of order 2, five free parameters: one
     * evaluation carries the value, the 5 first and the 15 distinct second derivatives through
     * every operation. Writes ∂²price/∂pᵢ∂pⱼ (inputs in the order s, k, r, σ, T) into
     * {@code into}, a 5×5 array, and returns the price.
     */
    public static double callHessianDerivativeStructure(double s, double k, double r, double sigma, double t,
            double[][] into) {
        DerivativeStructure price = price(
                new DerivativeStructure(5, 2, 0, s),
                new DerivativeStructure(5, 2, 1, k),
                new DerivativeStructure(5, 2, 2, r),
                new DerivativeStructure(5, 2, 3, sigma),
                new DerivativeStructure(5, 2, 4, t));
        DerivativeStructures.hessian(price, into);
        return price.getValue();
    }

    /**
     * The directional derivative in the direction (dS, dK, dR, dSigma, dT) with
     * {@link DerivativeStructure}: one free parameter along the direction, order 1.
     */
    public static double callTangentDerivativeStructure(double s, double k, double r, double sigma, double t,
            double dS, double dK, double dR, double dSigma, double dT) {
        return price(
                new DerivativeStructure(1, 1, s, dS),
                new DerivativeStructure(1, 1, k, dK),
                new DerivativeStructure(1, 1, r, dR),
                new DerivativeStructure(1, 1, sigma, dSigma),
                new DerivativeStructure(1, 1, t, dT)).getPartialDerivative(1);
    }

    /**
     * The Hessian by central differences of the generated gradient: row i is
     * (∇call(p + hᵢ·eᵢ) - ∇call(p - hᵢ·eᵢ)) / 2hᵢ, with hᵢ = STEP·max(1, |pᵢ|) as in
     * {@link FiniteDifferences}: ten pullbacks. {@code up} and {@code down} are reused holders
     * (zeroed here); writes the 5×5 Hessian into {@code into} and returns it.
     */
    public static double[][] callHessianFiniteDifferences(double s, double k, double r, double sigma, double t,
            BlackScholesAdjoint.CallGradient up, BlackScholesAdjoint.CallGradient down, double[][] into) {
        for (int i = 0; i < 5; i++) {
            double p = i == 0 ? s : i == 1 ? k : i == 2 ? r : i == 3 ? sigma : t;
            double h = FiniteDifferences.STEP * Math.max(1.0, Math.abs(p));
            double hi = p + h;
            double lo = p - h;
            up.zero();
            down.zero();
            BlackScholesAdjoint.callPullback(i == 0 ? hi : s, i == 1 ? hi : k, i == 2 ? hi : r,
                    i == 3 ? hi : sigma, i == 4 ? hi : t, 1.0, up);
            BlackScholesAdjoint.callPullback(i == 0 ? lo : s, i == 1 ? lo : k, i == 2 ? lo : r,
                    i == 3 ? lo : sigma, i == 4 ? lo : t, 1.0, down);
            double span = hi - lo; // the step actually taken, 2h up to rounding
            double[] row = into[i];
            row[0] = (up.s - down.s) / span;
            row[1] = (up.k - down.k) / span;
            row[2] = (up.r - down.r) / span;
            row[3] = (up.sigma - down.sigma) / span;
            row[4] = (up.t - down.t) / span;
        }
        return into;
    }

    /** The price as {@link BlackScholes#call} computes it, on derivative structures of any order. */
    private static DerivativeStructure price(DerivativeStructure ds, DerivativeStructure dk, DerivativeStructure dr,
            DerivativeStructure dSigma, DerivativeStructure dt) {
        DerivativeStructure sd = dSigma.multiply(dt.sqrt());
        DerivativeStructure d1 = ds.divide(dk).log()
                .add(dr.add(dSigma.multiply(dSigma).multiply(0.5)).multiply(dt)).divide(sd);
        DerivativeStructure d2 = d1.subtract(sd);
        return ds.multiply(cdf(d1)).subtract(dk.multiply(dr.negate().multiply(dt).exp()).multiply(cdf(d2)));
    }

    private static DerivativeStructure cdf(DerivativeStructure x) {
        DerivativeStructure a = x.abs();
        DerivativeStructure u = a.multiply(P).add(1).reciprocal();
        DerivativeStructure q = u.multiply(B5).add(B4).multiply(u).add(B3).multiply(u).add(B2).multiply(u)
                .add(B1).multiply(u);
        DerivativeStructure tail = a.multiply(a).multiply(-0.5).exp().multiply(INV_SQRT_2PI).multiply(q);
        return x.getValue() >= 0 ? tail.negate().add(1) : tail;
    }
}
