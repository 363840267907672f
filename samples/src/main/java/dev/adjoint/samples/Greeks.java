package dev.adjoint.samples;

/**
 * Prices a European call with {@link BlackScholes#call} and prints its five first-order
 * sensitivities from the generated gradient next to the closed-form Black-Scholes Greeks.
 */
public final class Greeks {

    private Greeks() {}

    public static void main(String[] args) {
        double s = 100;
        double k = 95;
        double r = 0.03;
        double sigma = 0.25;
        double t = 0.75;

        // One call gives the price's gradient in all five inputs.
        BlackScholesAdjoint.CallGradient g = BlackScholesAdjoint.callGradient(s, k, r, sigma, t);

        // Closed form, with Φ the same erf approximation the priced model uses.
        double sqrtT = Math.sqrt(t);
        double d1 = (Math.log(s / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
        double d2 = d1 - sigma * sqrtT;
        double discount = Math.exp(-r * t);
        double delta = BlackScholes.normalCdf(d1);
        double dualDelta = -discount * BlackScholes.normalCdf(d2);
        double rho = k * t * discount * BlackScholes.normalCdf(d2);
        double vega = s * BlackScholes.normalPdf(d1) * sqrtT;
        double theta = -s * BlackScholes.normalPdf(d1) * sigma / (2 * sqrtT)
                - r * k * discount * BlackScholes.normalCdf(d2);

        System.out.printf("Black-Scholes call: S=%.0f K=%.0f r=%.2f sigma=%.2f T=%.2f%n", s, k, r, sigma, t);
        System.out.printf("price = %.6f%n", BlackScholes.call(s, k, r, sigma, t));
        System.out.printf("%-22s %14s %14s %14s%n", "Greek", "generated", "finite diff", "closed form");
        double[] x = {s, k, r, sigma, t};
        row("delta      dC/dS", g.s, centralDifference(x, 0), delta);
        row("dual delta dC/dK", g.k, centralDifference(x, 1), dualDelta);
        row("rho        dC/dr", g.r, centralDifference(x, 2), rho);
        row("vega       dC/dsigma", g.sigma, centralDifference(x, 3), vega);
        // theta is the decay as calendar time passes: minus the derivative in time to expiry
        row("theta     -dC/dT", -g.t, -centralDifference(x, 4), theta);
        System.out.println("The generated gradient is the exact derivative of the priced code; it differs from the");
        System.out.println("closed form (which uses the exact normal density) only by the erf approximation, < 1e-5 relative.");
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

    private static void row(String name, double generated, double finiteDifference, double closedForm) {
        System.out.printf("%-22s %14.8f %14.8f %14.8f%n", name, generated, finiteDifference, closedForm);
    }
}
