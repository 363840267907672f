package org.apache.commons.math3.distribution;

/**
 * Stands in for Commons Math 3's {@code NormalDistribution} (not a dependency of the processor):
 * compiled by Maven, seen by the corpus fixtures only as a class file, in the library's package so
 * that Adjoint's built-in derivatives of its {@code cumulativeProbability}, {@code density} and
 * {@code logDensity} apply as they do to the jar's. Φ by Marsaglia's series, exact to rounding
 * within eight standard deviations.
 */
public class NormalDistribution {
    private final double mean;
    private final double standardDeviation;

    /** The standard normal distribution. */
    public NormalDistribution() {
        this(0, 1);
    }

    /** The normal distribution of {@code mean} and standard deviation {@code sd}. */
    public NormalDistribution(double mean, double sd) {
        this.mean = mean;
        this.standardDeviation = sd;
    }

    public double getMean() {
        return mean;
    }

    public double getStandardDeviation() {
        return standardDeviation;
    }

    /** φ(x). */
    public double density(double x) {
        double z = (x - mean) / standardDeviation;
        return Math.exp(-0.5 * z * z) / (standardDeviation * Math.sqrt(2 * Math.PI));
    }

    /** log φ(x). */
    public double logDensity(double x) {
        double z = (x - mean) / standardDeviation;
        return -0.5 * z * z - Math.log(standardDeviation * Math.sqrt(2 * Math.PI));
    }

    /** Φ(x) = 1/2 + φ(z)·(z + z³/3 + z⁵/(3·5) + ...). */
    public double cumulativeProbability(double x) {
        double z = (x - mean) / standardDeviation;
        double term = z;
        double sum = z;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= z * z / (2 * n + 1);
            sum += term;
        }
        return 0.5 + sum * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }
}
