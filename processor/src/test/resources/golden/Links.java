package demo;

import dev.adjoint.Differentiable;

/** A link function held as its abstract class: each implementation of the build, chosen by the object's class. */
public final class Links {
    private Links() {}

    public abstract static class Link {
        public abstract double inverse(double eta);
    }

    public static final class Logit extends Link {
        @Override
        public double inverse(double eta) {
            return 1 / (1 + Math.exp(-eta));
        }
    }

    public static final class Log extends Link {
        @Override
        public double inverse(double eta) {
            return Math.exp(eta);
        }
    }

    /** The Bernoulli log-likelihood of one observation through the link. */
    @Differentiable
    public static double logLikelihood(Link link, double eta, double y) {
        double mu = link.inverse(eta);
        return y * Math.log(mu) + (1 - y) * Math.log(1 - mu);
    }
}
