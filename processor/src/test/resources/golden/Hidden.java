package demo;

import dev.adjoint.Differentiable;

/**
 * A density in a private nested class behind its public base's factory, as Commons Statistics keeps
 * its t distribution: the adjoint class cannot name the class, so its members take the receiver as
 * the base, read the private class's field through a method handle, and start with the class check.
 */
public abstract class Hidden {
    private final double degreesOfFreedom;

    Hidden(double degreesOfFreedom) {
        this.degreesOfFreedom = degreesOfFreedom;
    }

    public double getDegreesOfFreedom() {
        return degreesOfFreedom;
    }

    public abstract double density(double x);

    public static Hidden of(double v) {
        return new StudentsT(v);
    }

    private static final class StudentsT extends Hidden {
        private final double mvp1Over2;

        StudentsT(double v) {
            super(v);
            mvp1Over2 = -0.5 * (v + 1);
        }

        @Differentiable
        @Override
        public double density(double x) {
            return Math.pow(1 + x * x / getDegreesOfFreedom(), mvp1Over2);
        }
    }
}
