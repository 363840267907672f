package demo;

import dev.adjoint.Differentiable;

public final class Values {
    /** A sine and a cosine computed together, as Hipparchus' SinCos. */
    static final class SinCos {
        private final double sin;
        private final double cos;

        SinCos(double s, double c) {
            this.sin = s;
            this.cos = c;
        }

        double sin() {
            return sin;
        }

        double cos() {
            return cos;
        }

        static SinCos of(double x) {
            return new SinCos(Math.sin(x), Math.cos(x));
        }
    }

    /** A point of the plane. */
    record Point(double x, double y) {
        double norm() {
            return Math.sqrt(x * x + y * y);
        }
    }

    /** The true anomaly from the eccentric anomaly: a value object split into a variable per field. */
    @Differentiable
    public static double trueAnomaly(double e, double eccentric) {
        final double beta = e / (1 + Math.sqrt((1 - e) * (1 + e)));
        final SinCos sc = SinCos.of(eccentric);
        return eccentric + 2 * Math.atan(beta * sc.sin() / (1 - beta * sc.cos()));
    }

    /** A record built from differentiated values, read by a method and an accessor. */
    @Differentiable
    public static double distance(double r, double t) {
        Point p = new Point(r * Math.cos(t), r * Math.sin(t));
        return p.norm() + p.y();
    }
}
