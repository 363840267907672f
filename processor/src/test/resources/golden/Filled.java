package demo;

import dev.adjoint.Differentiable;

/** A projection that fills the coordinate it is given (as Proj4J writes them), read once per field. */
public final class Filled {
    private Filled() {}

    /** Public fields, not final: split into a variable each, written where the object has one name. */
    public static final class Coordinate {
        public double x;
        public double y;

        public Coordinate() {
            this(0.0, 0.0);
        }

        public Coordinate(double x, double y) {
            this.x = x;
            this.y = y;
        }
    }

    /** A projection: its constant is data, its project fills the coordinate and returns it. */
    public static final class Sinusoidal {
        private final double k;

        public Sinusoidal(double k) {
            this.k = k;
        }

        public Coordinate project(double lam, double phi, Coordinate out) {
            out.x = k * lam * Math.cos(phi);
            out.y = k * phi;
            return out;
        }
    }

    @Differentiable
    public static double projected(double lam, double phi) {
        Sinusoidal p = new Sinusoidal(2.0);
        Coordinate xy = p.project(lam, phi, new Coordinate());
        xy.y += xy.x;
        return xy.x * xy.y;
    }
}
