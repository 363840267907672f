package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Objects a method fills (read/Scopes): a projection writes the coordinate it is given and returns
 * it ({@code p.project(lam, phi, new ProjCoordinate())}, as Proj4J and every projection library
 * write it), a local whose fields the method writes, a coordinate filled in place by a call whose
 * result is dropped. Each object is split into a variable per field; a method that fills it is read
 * once per field of its result. Checked as {@link NumericGradientTest} checks the fixtures (central
 * differences, pullback, tape, tangent, second order); the shapes that would give two names to one
 * object are refused ({@code DiagnosticsValueObjectTest}).
 */
class FilledObjectTest {

    private static final int POINTS = 20;

    /** As Proj4J writes them: a coordinate of public fields, a projection whose fields are set up by its constructor. */
    private static final String PROJ = """
            package demo.lib;

            public final class Proj {
                public static final class Coordinate {
                    public double x;
                    public double y;
                    public double z;

                    public Coordinate() {
                        this(0.0, 0.0);
                    }

                    public Coordinate(double x, double y) {
                        this.x = x;
                        this.y = y;
                        this.z = Double.NaN;
                    }
                }

                /** A projection: its constants computed once by initialize(), its project fills the coordinate. */
                public static class Conic {
                    protected double n;
                    protected double c;
                    protected double rho0;
                    protected double scaleFactor = 1.0;
                    private final boolean spherical;

                    public Conic(double lat1, double lat2, boolean spherical) {
                        this.spherical = spherical;
                        initialize(lat1, lat2);
                    }

                    private void initialize(double lat1, double lat2) {
                        n = 0.5 * (Math.sin(lat1) + Math.sin(lat2));
                        c = Math.cos(lat1) * Math.cos(lat1) + 2 * n * Math.sin(lat1);
                        rho0 = Math.sqrt(c) / n;
                    }

                    public Coordinate project(double lplam, double lpphi, Coordinate out) {
                        if (spherical) {
                            out.x = lplam;
                            out.y = lpphi;
                            return out;
                        }
                        double rho = Math.sqrt(c - 2 * n * Math.sin(lpphi)) / n;
                        out.x = scaleFactor * rho * Math.sin(lplam *= n);
                        out.y = scaleFactor * (rho0 - rho * Math.cos(lplam));
                        return out;
                    }

                    public Coordinate projectInverse(double x, double y, Coordinate out) {
                        double rho = Math.hypot(x, rho0 - y);
                        out.x = Math.atan2(x, rho0 - y) / n;
                        if (Math.abs(out.y = (c - rho * rho * n * n) / (2 * n)) <= 1.0) {
                            out.y = Math.asin(out.y);
                        } else {
                            out.y = out.y < 0 ? -Math.PI / 2 : Math.PI / 2;
                        }
                        out.y -= 0.01 * out.x;
                        if (out.y < 0) {
                            out.y = -out.y;
                        }
                        return out;
                    }
                }

                private Proj() {}

                public static Coordinate polar(double r, double t, Coordinate out) {
                    out.x = r * Math.cos(t);
                    out.y = r * Math.sin(t);
                    return out;
                }
            }
            """;

    private static final String MAPS = """
            package demo;

            import dev.adjoint.Differentiable;
            import demo.lib.Proj;
            import demo.lib.Proj.Conic;
            import demo.lib.Proj.Coordinate;

            public final class Maps {
                private Maps() {}

                /** The projection's result, a new coordinate it filled. */
                @Differentiable(order = 2)
                public static double project(double lam, double phi) {
                    Conic p = new Conic(0.5, 0.9, false);
                    Coordinate xy = p.project(lam, phi, new Coordinate());
                    return xy.x + 2 * xy.y;
                }

                /** Filled in place: the result dropped; the inverse's assignment inside a condition, its reflection. */
                @Differentiable(order = 2)
                public static double inverse(double x, double y) {
                    Conic p = new Conic(0.5, 0.9, false);
                    Coordinate lp = new Coordinate();
                    p.projectInverse(x, y, lp);
                    return lp.x * lp.y;
                }

                /** The spherical branch (an early return of the coordinate) and a round trip. */
                @Differentiable(order = 2)
                public static double roundTrip(double lam, double phi) {
                    Conic sphere = new Conic(0.5, 0.9, true);
                    Coordinate a = sphere.project(lam, phi, new Coordinate());
                    Conic p = new Conic(0.4, 1.0, false);
                    Coordinate b = p.project(a.x, a.y, new Coordinate());
                    b = p.projectInverse(b.x, b.y, b);
                    return b.x - b.y * lam;
                }

                /** The projection built in the call (new Conic(...).project(...)): built once, before the fields are read. */
                @Differentiable(order = 2)
                public static double builtInTheCall(double lam, double phi) {
                    Coordinate xy = new Conic(0.5, 0.9, false).project(lam, phi, new Coordinate());
                    new Conic(0.4, 1.0, false).projectInverse(xy.x, xy.y, xy);
                    return xy.x + xy.y * xy.y;
                }

                /** A static method fills it; fields written here, in a loop too; reassigned from its own fill. */
                @Differentiable(order = 2)
                public static double written(double r, double t) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        Coordinate o = Proj.polar(r, t + i, new Coordinate());
                        o.x *= o.y;
                        s += o.x;
                    }
                    Coordinate q = new Coordinate(r, 0);
                    q.y = q.x * t;
                    q.z = 1;
                    q.z++;
                    q = Proj.polar(q.y, t, q);
                    Proj.polar(r * q.x, t, q);
                    return s + q.y * q.z;
                }
            }
            """;

    /**
     * Objects that change themselves and return themselves, as physics and geometry libraries write
     * them (JBox2D's {@code Vec2.addLocal}, JTS's double-double {@code DD.selfAdd}, reached from
     * {@code add} through {@code copy(this).selfAdd(y)}), and a statistics accumulator's void
     * {@code accept(x)}.
     */
    private static final String MUTABLE = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Mutable {
                private Mutable() {}

                public static final class Vec2 {
                    public double x;
                    public double y;

                    public Vec2(double x, double y) {
                        this.x = x;
                        this.y = y;
                    }

                    public Vec2 addLocal(Vec2 v) {
                        x += v.x;
                        y += v.y;
                        return this;
                    }

                    public void set(double x, double y) {
                        this.x = x;
                        this.y = y;
                    }

                    public Vec2 mulLocal(double a) {
                        this.x *= a;
                        this.y *= a;
                        return this;
                    }

                    public Vec2 add(Vec2 v) {
                        return new Vec2(x + v.x, y + v.y);
                    }

                    public double length() {
                        return Math.sqrt(x * x + y * y);
                    }
                }

                public static final class DD {
                    private double hi;
                    private double lo;

                    public DD(double hi, double lo) {
                        this.hi = hi;
                        this.lo = lo;
                    }

                    public static DD copy(DD d) {
                        return new DD(d.hi, d.lo);
                    }

                    public DD add(double y) {
                        return copy(this).selfAdd(y);
                    }

                    public DD selfAdd(double y) {
                        return selfAdd(y, 0.0);
                    }

                    private DD selfAdd(double yhi, double ylo) {
                        double big = hi + yhi;
                        double e = big - hi;
                        double s = (yhi - e) + (hi - (big - e));
                        s += lo + ylo;
                        hi = big + s;
                        lo = s + (big - hi);
                        return this;
                    }

                    public double doubleValue() {
                        return hi + lo;
                    }
                }

                /** Built empty, as JOML's vectors are: its fields their defaults, z its initializer's value. */
                public static final class Vec3 {
                    public double x;
                    public double y;
                    public double z = 1.0;

                    public Vec3() {
                    }

                    public Vec3(double x, double y) {
                        this.x = x;
                        this.y = y;
                    }

                    public Vec3 set(double x, double y) {
                        this.x = x;
                        this.y = y;
                        return this;
                    }

                    /** JOML's way: the result written into dest, which is returned. */
                    public Vec3 cross(Vec3 v, Vec3 dest) {
                        double rx = y * v.z - z * v.y;
                        double ry = z * v.x - x * v.z;
                        double rz = x * v.y - y * v.x;
                        dest.x = rx;
                        dest.y = ry;
                        dest.z = rz;
                        return dest;
                    }

                    public double length() {
                        return Math.sqrt(x * x + y * y + z * z);
                    }
                }

                /** A running mean and variance (Welford), as statistics libraries keep them: a void accept. */
                public static final class Stats {
                    private int n;
                    private double mean;
                    private double m2;

                    public Stats() {
                        this.n = 0;
                        this.mean = 0;
                        this.m2 = 0;
                    }

                    public void accept(double x) {
                        if (Double.isNaN(x)) {
                            return;
                        }
                        real(x);
                    }

                    /** Called on this as a statement: what it leaves is this object's. */
                    private void real(double x) {
                        n++;
                        double delta = x - mean;
                        mean += delta / n;
                        m2 += delta * (x - mean);
                    }

                    public double variance() {
                        return n > 1 ? m2 / (n - 1) : 0.0;
                    }
                }

                @Differentiable(order = 2)
                public static double welford(double[] xs, double shift) {
                    Stats s = new Stats();
                    for (double x : xs) {
                        s.accept(x + shift * x * x);
                    }
                    s.accept(shift);
                    return s.variance() + s.mean;
                }

                /** Built empty, then set in place and in a chain on the new object; one left as built. */
                @Differentiable(order = 2)
                public static double emptyThenSet(double a, double b) {
                    Vec3 v = new Vec3();
                    v.set(a, b * a);
                    Vec3 w = new Vec3().set(b, 2.0);
                    return v.length() * w.length() + new Vec3().length() * a;
                }

                /** A method of one object writing its result into another it is given: in place, and a new one. */
                @Differentiable(order = 2)
                public static double crossIntoDest(double a, double b) {
                    Vec3 u = new Vec3(a, b);
                    Vec3 w = new Vec3(b * b, 1.0);
                    Vec3 dest = new Vec3();
                    u.cross(w, dest);
                    return dest.length() + w.cross(u, new Vec3()).length() * dest.z;
                }

                /** Changed in place by statements, given back its own change, read for a field of another's result. */
                @Differentiable(order = 2)
                public static double verlet(double a, double b) {
                    Vec2 p = new Vec2(a, b);
                    Vec2 v = new Vec2(b, 1.0);
                    for (int step = 0; step < 3; step++) {
                        p.addLocal(v);
                        v = v.mulLocal(0.5 + 0.1 * a);
                    }
                    p.mulLocal(a);
                    p.set(p.y, p.x * b);
                    return p.length() + p.add(v).x;
                }

                /** A sum kept in double-double: a copy changed, and the object changed in place. */
                @Differentiable(order = 2)
                public static double compensated(double a, double b) {
                    DD s = new DD(a, 0).add(b);
                    s.selfAdd(a * b);
                    s = s.add(Math.sin(b));
                    return s.doubleValue();
                }
            }
            """;

    @Test
    void objectsThatChangeThemselves() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Mutable", MUTABLE);
        String impl = withoutComments(r.generated("demo.MutableAdjointImpl"));
        assertFalse(impl.contains("new Mutable.Vec2(") || impl.contains("new Mutable.DD(") || impl.contains("new Mutable.Vec3("),
                "no object is built:\n" + impl);
        checkEveryMethod(r, "demo.Mutable", POINTS, "compensated", "crossIntoDest", "emptyThenSet", "verlet",
                "welford");
    }

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Maps", MAPS, "demo.lib.Proj", PROJ);
    }

    @Test
    void filledObjectsAreSplitIntoTheirFields() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.MapsAdjointImpl"));
        assertFalse(impl.contains("new Proj.Coordinate(") || impl.contains("new Coordinate("),
                "no coordinate is built:\n" + impl);
        checkEveryMethod(r, "demo.Maps", POINTS, "builtInTheCall", "inverse", "project", "roundTrip", "written");
    }

    /** Both branches of the inverse: |y| <= 1 (asin) and beyond (±π/2), and the reflection of a negative y. */
    @Test
    void eachBranchOfTheInverse() throws Exception {
        InMemoryCompiler.Result r = compile();
        Class<?> maps = r.loader().loadClass("demo.Maps");
        GradientHarness harness = new GradientHarness(maps);
        Method inverse = maps.getMethod("inverse", double.class, double.class);
        Random random = new Random(7);
        for (double[] at : new double[][] {{0.3, 0.2}, {0.3, 1.5}, {-0.4, 0.1}, {0.05, -2.5}, {1.2, 0.8}}) {
            harness.checkAt(inverse, new Object[] {at[0], at[1]}, random);
        }
    }
}
