package dev.adjoint.samples;

/**
 * Prices a European call with {@link BlackScholes#call} and prints its five first-order
 * sensitivities from the generated gradient, then gamma, vanna and volga from the generated
 * Hessian, each next to central finite differences and the closed-form Black-Scholes Greeks.
 */
public final class Greeks {

    static final double S = 100;
    static final double K = 95;
    static final double R = 0.03;
    static final double SIGMA = 0.25;
    static final double T = 0.75;

    private Greeks() {}

    public static void main(String[] args) {
        // One call gives the price's gradient in all five inputs.
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(S, K, R, SIGMA, T);
        double[] generated = {g.s, g.k, g.r, g.sigma, -g.t};
        double[] closedForm = closedForm(S, K, R, SIGMA, T);
        double[] x = {S, K, R, SIGMA, T};

        System.out.printf("Black-Scholes call: S=%.0f K=%.0f r=%.2f sigma=%.2f T=%.2f%n", S, K, R, SIGMA, T);
        System.out.printf("price = %.10f%n", BlackScholes.call(S, K, R, SIGMA, T));
        System.out.printf("%-22s %16s %16s %16s %10s%n", "Greek", "generated", "finite diff", "closed form",
                "|gen - cf|");
        String[] names = {"delta      dC/dS", "dual delta dC/dK", "rho        dC/dr", "vega       dC/dsigma",
                "theta     -dC/dT"};
        double maxDifference = 0;
        for (int i = 0; i < names.length; i++) {
            // theta is the decay as calendar time passes: minus the derivative in time to expiry
            double finiteDifference = (i == 4 ? -1 : 1) * centralDifference(x, i);
            double difference = Math.abs(generated[i] - closedForm[i]);
            maxDifference = Math.max(maxDifference, difference);
            System.out.printf("%-22s %16.12f %16.12f %16.12f %10.1e%n", names[i], generated[i], finiteDifference,
                    closedForm[i], difference);
        }
        System.out.printf("Largest |generated - closed form|: %.1e%n", maxDifference);
        System.out.println("The generated gradient is the exact derivative of the priced code, and that code is the exact");
        System.out.println("model: Cody's erf (~1e-16) with its derivative 2/sqrt(pi)*exp(-x^2) given by @DerivativeOf.");
        System.out.println("Central differences agree to about 1e-8, their truncation and rounding error.");
        System.out.println();
        secondOrder();
    }

    /**
     * Gamma, vanna and volga from the generated Hessian (forward mode over the generated pullback:
     * exact, no finite differences) next to the closed forms and to central differences of the
     * generated gradient.
     */
    static void secondOrder() {
        // rows and columns in the order of call's parameters: s, k, r, sigma, t
        double[][] h = BlackScholesAdjoint.callHessian(S, K, R, SIGMA, T);
        double[] generated = {h[0][0], h[0][3], h[3][3]};
        double[] closedForm = closedFormSecondOrder(S, K, R, SIGMA, T);
        double[] x = {S, K, R, SIGMA, T};
        double[] alongSigma = gradientDifference(x, 3);
        double[] finiteDifference = {gradientDifference(x, 0)[0], alongSigma[0], alongSigma[3]};
        String[] names = {"gamma      d2C/dS2", "vanna      d2C/dSdsigma", "volga      d2C/dsigma2"};
        System.out.printf("%-22s %16s %16s %16s %10s%n", "Second order", "generated", "finite diff", "closed form",
                "|gen - cf|");
        double maxDifference = 0;
        for (int i = 0; i < names.length; i++) {
            double difference = Math.abs(generated[i] - closedForm[i]);
            maxDifference = Math.max(maxDifference, difference);
            System.out.printf("%-22s %16.12f %16.12f %16.12f %10.1e%n", names[i], generated[i], finiteDifference[i],
                    closedForm[i], difference);
        }
        System.out.printf("Largest second-order |generated - closed form|: %.1e%n", maxDifference);
    }

    /** gamma φ(d1)/(S·σ·√T), vanna -φ(d1)·d2/σ and volga S·φ(d1)·√T·d1·d2/σ, in that order. */
    static double[] closedFormSecondOrder(double s, double k, double r, double sigma, double t) {
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        double pdf1 = BlackScholes.normalPdf(d1);
        return new double[] {pdf1 / (s * sigma * sqrtT), -pdf1 * d2 / sigma, s * pdf1 * sqrtT * d1 * d2 / sigma};
    }

    /** The generated gradient differenced along input i: column i of the Hessian, to about 1e-8. */
    static double[] gradientDifference(double[] x, int i) {
        double h = 1e-5 * Math.max(1.0, Math.abs(x[i]));
        double[] up = x.clone();
        double[] down = x.clone();
        up[i] += h;
        down[i] -= h;
        BlackScholesAdjoint.CallGradient gu = BlackScholesAdjoint.callGradient(up[0], up[1], up[2], up[3], up[4]);
        BlackScholesAdjoint.CallGradient gd = BlackScholesAdjoint.callGradient(down[0], down[1], down[2], down[3], down[4]);
        return new double[] {(gu.s - gd.s) / (2 * h), (gu.k - gd.k) / (2 * h), (gu.r - gd.r) / (2 * h),
            (gu.sigma - gd.sigma) / (2 * h), (gu.t - gd.t) / (2 * h)};
    }

    /**
     * The closed-form Greeks: delta Φ(d1), dual delta -e^(-rT)·Φ(d2), rho K·T·e^(-rT)·Φ(d2), vega
     * S·φ(d1)·√T and theta -S·φ(d1)·σ/(2√T) - r·K·e^(-rT)·Φ(d2), in that order.
     */
    static double[] closedForm(double s, double k, double r, double sigma, double t) {
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        double discount = Math.exp(-r * t);
        // A @Differentiable method is still a plain Java method: normalCdf is called here as one.
        double cdf1 = BlackScholes.normalCdf(d1);
        double cdf2 = BlackScholes.normalCdf(d2);
        double pdf1 = BlackScholes.normalPdf(d1);
        return new double[] {
            cdf1,
            -discount * cdf2,
            k * t * discount * cdf2,
            s * pdf1 * sqrtT,
            -s * pdf1 * sigma / (2 * sqrtT) - r * k * discount * cdf2};
    }

    /** (C(x + h e_i) - C(x - h e_i)) / 2h, h = 1e-6 times the input's scale. */
    static double centralDifference(double[] x, int i) {
        double h = 1e-6 * Math.max(1.0, Math.abs(x[i]));
        double[] up = x.clone();
        double[] down = x.clone();
        up[i] += h;
        down[i] -= h;
        return (BlackScholes.call(up[0], up[1], up[2], up[3], up[4])
                - BlackScholes.call(down[0], down[1], down[2], down[3], down[4])) / (2 * h);
    }
}
