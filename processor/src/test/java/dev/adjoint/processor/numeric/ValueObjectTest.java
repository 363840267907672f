package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static dev.adjoint.processor.numeric.GradientHarness.withoutComments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Value objects built from differentiated values (issue 14): a small class of final fields whose
 * constructor only assigns them ({@code SinCos} from {@code FastMath.sinCos}, a double-double
 * {@code DD}, a record), split into a variable per field (read/Values). Each method is compiled with
 * the processor and checked at random points as {@link NumericGradientTest} checks the fixtures
 * (central differences, pullback, tape, tangent, second order); then the shapes that break a
 * splitter: an object reassigned from itself, aliased and assigned on two branches, carried
 * around a loop, built in a ternary, with int, String and constant fields.
 */
class ValueObjectTest {

    private static final int POINTS = 20;

    /** As Hipparchus writes it: private final fields, accessors, built by a static method of another class. */
    private static final String LIB = """
            package demo.lib;

            public final class SinCos {
                private final double sin;
                private final double cos;

                SinCos(final double s, final double c) {
                    this.sin = s;
                    this.cos = c;
                }

                public double sin() {
                    return sin;
                }

                public double cos() {
                    return cos;
                }
            }
            """;

    private static final String FAST_MATH = """
            package demo.lib;

            public final class FastMath {
                private FastMath() {}

                public static SinCos sinCos(final double x) {
                    return new SinCos(Math.sin(x), Math.cos(x));
                }
            }
            """;

    /** As Commons Numbers writes it: a private constructor, static factories, methods returning new objects. */
    private static final String DD = """
            package demo.lib;

            public final class DD {
                private static final double MULTIPLIER = 1.0 + 0x1.0p27;
                private final double x;
                private final double xx;

                private DD(double x, double xx) {
                    this.x = x;
                    this.xx = xx;
                }

                public static DD of(double x) {
                    return new DD(x, 0);
                }

                public static DD ofProduct(double a, double b) {
                    final double p = a * b;
                    return new DD(p, productLow(a, b, p));
                }

                static DD fastTwoSum(double a, double b) {
                    final double s = a + b;
                    return new DD(s, b - (s - a));
                }

                static double productLow(double a, double b, double p) {
                    final double ha = highPart(a);
                    final double la = a - ha;
                    final double hb = highPart(b);
                    final double lb = b - hb;
                    return la * lb - (((p - ha * hb) - la * hb) - ha * lb);
                }

                static double highPart(double value) {
                    final double c = MULTIPLIER * value;
                    return c - (c - value);
                }

                public double hi() {
                    return x;
                }

                public double lo() {
                    return xx;
                }

                public double doubleValue() {
                    return x + xx;
                }

                public DD add(double y) {
                    return fastTwoSum(x, xx + y);
                }

                public DD multiply(double y) {
                    final double hi = x * y;
                    return fastTwoSum(hi, productLow(x, y, hi) + xx * y);
                }

                public DD add(DD y) {
                    final DD s = fastTwoSum(x, y.x);
                    return fastTwoSum(s.x, s.xx + xx + y.xx);
                }

                public static double sum(DD a, double b) {
                    return a.hi() + a.lo() + b;
                }

                public DD sqrt() {
                    final double c = Math.sqrt(x);
                    if (c == 0) {
                        return new DD(c, 0);
                    }
                    final double u = c * c;
                    final double cc = (x - u - productLow(c, c, u) + xx) * 0.5 / c;
                    return fastTwoSum(c, cc);
                }
            }
            """;

    private static final String SHAPES = """
            package demo;

            import demo.lib.DD;
            import demo.lib.FastMath;
            import demo.lib.SinCos;
            import dev.adjoint.Differentiable;

            public final class Shapes {
                /** A double-double constant: its fields read from it. */
                private static final DD TWO_PI = DD.ofProduct(Math.PI, 2);

                private Shapes() {}

                /** A record whose method reads its components. */
                record Params(double mu, double sigma) {
                    double z(double v) {
                        return (v - mu) / sigma;
                    }
                }

                /** Fields computed from the parameters (through locals), each read twice. */
                static final class Polar {
                    final double x;
                    final double y;

                    Polar(double r, double t) {
                        final double c = Math.cos(t);
                        final double rs = r * Math.sin(t);
                        this.x = r * c;
                        this.y = rs;
                    }

                    /** At angle 0.5 (a constructor that calls another). */
                    Polar(double r) {
                        this(r * 2, 0.5);
                    }

                    double dot(Polar o) {
                        return x * o.x + y * o.y;
                    }
                }

                /** Fields of other kinds: an int, a String, a constant. */
                static final class Tagged {
                    private static final int SCALE = 3;
                    private final int n;
                    private final String name;
                    private final double k = 2.5;
                    private final double v;

                    Tagged(int n, String name, double v) {
                        this.n = n;
                        this.name = name;
                        this.v = v;
                    }

                    double weighted(double[] w) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            s += w[i] * v;
                        }
                        return s * k * SCALE + name.length();
                    }
                }

                /** Orekit's eccentric to true anomaly: SinCos from FastMath.sinCos. */
                @Differentiable(order = 2)
                public static double trueAnomaly(double e, double E) {
                    final double beta = e / (1 + Math.sqrt((1 - e) * (1 + e)));
                    final SinCos scE = FastMath.sinCos(E);
                    return E + 2 * Math.atan(beta * scE.sin() / (1 - beta * scE.cos()));
                }

                /** Commons Statistics' sqrt(2 a a) in double-double: calls chained on results, no local. */
                @Differentiable(order = 2)
                public static double chained(double a) {
                    return DD.ofProduct(2 * a, a).sqrt().hi() + DD.of(a).add(a).doubleValue();
                }

                /** A local reassigned from itself, aliased, assigned on two branches, read after. */
                @Differentiable(order = 2)
                public static double reassigned(double a, double y) {
                    DD d = DD.ofProduct(a, a);
                    d = d.multiply(y);
                    DD e;
                    if (a > y) {
                        e = d;
                    } else {
                        e = DD.of(y).multiply(a);
                    }
                    d = d.add(e.hi());
                    return e.hi() + e.lo() + d.doubleValue();
                }

                /** A value carried around a loop (compensated summation) and one built in each step. */
                @Differentiable(order = 2)
                public static double loop(double x, double y) {
                    DD sum = DD.of(0);
                    for (int i = 1; i <= 6; i++) {
                        SinCos sc = FastMath.sinCos(x * i);
                        sum = sum.add(sc.sin() * sc.cos() * y);
                    }
                    return sum.doubleValue();
                }

                /** A record built from differentiated values, in a ternary and directly. */
                @Differentiable(order = 2)
                public static double record(double m, double s, double v) {
                    Params p = new Params(m * 2, s);
                    Params q = (v > 0 ? p : new Params(v, s * s));
                    return p.z(v) + q.mu() * q.sigma() + new Params(m, 1).z(s);
                }

                /** A constructor computing its fields, a method taking another object as data. */
                @Differentiable(order = 2)
                public static double polar(double r, double t) {
                    Polar p = new Polar(r, t);
                    return p.x * p.y + p.dot(new Polar(1, 2)) + new Polar(2, r).x + new Polar(t).y * new Polar(3).x;
                }

                /** Methods of a constant value object, its private fields read from it. */
                @Differentiable(order = 2)
                public static double constant(double x) {
                    return TWO_PI.multiply(x).hi() + TWO_PI.lo() * x + TWO_PI.add(x).doubleValue();
                }

                /** Value objects passed to a method of their class and to a static helper. */
                @Differentiable(order = 2)
                public static double passed(double a, double b) {
                    DD p = DD.ofProduct(a, b);
                    DD q = p.add(DD.of(b)).add(p);
                    return DD.sum(q, a) + norm(new Polar(a, b)) + DD.sum(TWO_PI, b);
                }

                private static double norm(Polar p) {
                    java.util.Objects.requireNonNull(p, "p");
                    return Math.sqrt(p.dot(p));
                }

                /** Fields that are no doubles, and an int passed for a double. */
                @Differentiable(order = 2)
                public static double tagged(double[] w, double v) {
                    Tagged t = new Tagged(w.length, "abc", v);
                    return t.weighted(w) + new Polar(1, v).x * new Params(2, v).mu() * v;
                }
            }
            """;

    /** The shapes that break a splitter: jumps, switch, aliasing, shortcuts, checkpoints, loops in methods, a user's Complex. */
    private static final String ADVERSARY = """
            package demo;

            import demo.lib.DD;
            import demo.lib.FastMath;
            import demo.lib.SinCos;
            import dev.adjoint.Differentiable;

            public final class Adversary {
                private Adversary() {}

                /** A sum kept in double-double by a method that loops itself. */
                record Acc(double hi, double lo) {
                    Acc plus(double[] xs, double scale) {
                        Acc a = this;
                        for (double x : xs) {
                            if (x == 0) {
                                continue;
                            }
                            final double s = a.hi + x * scale;
                            a = new Acc(s, a.lo + (x * scale - (s - a.hi)));
                        }
                        return a;
                    }

                    double value() {
                        return hi + lo;
                    }
                }

                /** Split locals in a loop left by break, continue and return. */
                @Differentiable(order = 2)
                public static double jumps(double x, double y) {
                    SinCos last = FastMath.sinCos(x);
                    double sum = 0;
                    for (int i = 1; i <= 8; i++) {
                        SinCos sc = FastMath.sinCos(x * i + y);
                        if (sc.sin() > 0.95) {
                            return sum + last.cos();
                        }
                        if (i % 3 == 0) {
                            continue;
                        }
                        if (sum > 4) {
                            break;
                        }
                        sum += sc.sin() * last.cos();
                        last = sc;
                    }
                    return sum + last.sin();
                }

                /** An alias keeps the old fields when the first name is given a new object. */
                @Differentiable(order = 2)
                public static double aliased(double x, double y) {
                    SinCos a = FastMath.sinCos(x);
                    SinCos b = a;
                    a = FastMath.sinCos(y);
                    SinCos c;
                    switch ((int) Math.floor(Math.abs(x)) % 3) {
                        case 0 -> {
                            SinCos d = FastMath.sinCos(x * y);
                            c = d;
                        }
                        case 1 -> c = b;
                        default -> c = a;
                    }
                    return a.sin() * b.cos() + c.sin();
                }

                /** An equality shortcut beside a value object (the code around is taken at the point). */
                @Differentiable(order = 2)
                public static double shortcut(double x) {
                    if (x == 1.0) {
                        return 0.5;
                    }
                    DD d = DD.ofProduct(x, x).add(-1.0);
                    return d.doubleValue() / (2 * (x - 1) * (x + 1)) + d.hi() * 0;
                }

                /** A value object carried by a method with a loop of its own, given an array. */
                @Differentiable(order = 2)
                public static double accumulated(double[] xs, double scale) {
                    Acc a = new Acc(scale, 0).plus(xs, scale);
                    return a.plus(xs, -0.5).value();
                }

                /** Complex numbers as a user writes them: a final class, methods returning new values. */
                static final class Complex {
                    static final Complex I = new Complex(0, 1);
                    private final double re;
                    private final double im;

                    Complex(double re, double im) {
                        this.re = re;
                        this.im = im;
                    }

                    Complex plus(Complex o) {
                        return new Complex(re + o.re, im + o.im);
                    }

                    Complex times(Complex o) {
                        return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
                    }

                    Complex exp() {
                        final double m = Math.exp(re);
                        return new Complex(m * Math.cos(im), m * Math.sin(im));
                    }

                    double abs() {
                        return Math.hypot(re, im);
                    }
                }

                /** |exp(z) * w + i| and the real part of a power by repeated products. */
                @Differentiable(order = 2)
                public static double complex(double x, double y, double u) {
                    Complex z = new Complex(x, y);
                    Complex w = new Complex(u, -x);
                    Complex p = z;
                    for (int k = 1; k < 4; k++) {
                        p = p.times(z);
                    }
                    return z.exp().times(w).plus(Complex.I).abs() + p.re;
                }

                /** Split locals in a checkpointed loop. */
                @Differentiable(checkpoints = 4)
                public static double checkpointed(double x, int n) {
                    DD sum = DD.of(0);
                    for (int i = 0; i < n; i++) {
                        SinCos sc = FastMath.sinCos(x + i);
                        sum = sum.add(sc.sin() * sc.cos());
                    }
                    return sum.doubleValue();
                }
            }
            """;

    /**
     * As JTS writes its {@code Coordinate}: public fields that are not final, a constructor that
     * calls another with {@code this(x, y, NaN)}, {@code equals}/{@code hashCode}, a method reading
     * another coordinate; static helpers of another class taking several and building one.
     */
    private static final String COORDINATE = """
            package demo.lib;

            public class Coordinate {
                public static final double NULL_ORDINATE = Double.NaN;
                public double x;
                public double y;
                public double z;

                public Coordinate(double x, double y, double z) {
                    this.x = x;
                    this.y = y;
                    this.z = z;
                }

                public Coordinate(double x, double y) {
                    this(x, y, NULL_ORDINATE);
                }

                public double getZ() {
                    return z;
                }

                public void setZ(double z) {
                    this.z = z;
                }

                public double distance(Coordinate c) {
                    double dx = x - c.x;
                    double dy = y - c.y;
                    return Math.hypot(dx, dy);
                }

                @Override
                public boolean equals(Object other) {
                    return other instanceof Coordinate c && x == c.x && y == c.y;
                }

                @Override
                public int hashCode() {
                    return Double.hashCode(x) * 31 + Double.hashCode(y);
                }
            }
            """;

    private static final String TRIANGLE = """
            package demo.lib;

            public final class Triangle {
                private Triangle() {}

                public static double area(Coordinate a, Coordinate b, Coordinate c) {
                    return Math.abs(((c.x - a.x) * (b.y - a.y) - (b.x - a.x) * (c.y - a.y)) / 2);
                }

                private static double det(double m00, double m01, double m10, double m11) {
                    return m00 * m11 - m01 * m10;
                }

                public static Coordinate circumcentre(Coordinate a, Coordinate b, Coordinate c) {
                    double cx = c.x;
                    double cy = c.y;
                    double ax = a.x - cx;
                    double ay = a.y - cy;
                    double bx = b.x - cx;
                    double by = b.y - cy;
                    double denom = 2 * det(ax, ay, bx, by);
                    double numx = det(ay, ax * ax + ay * ay, by, bx * bx + by * by);
                    double numy = det(ax, ax * ax + ay * ay, bx, bx * bx + by * by);
                    return new Coordinate(cx - numx / denom, cy + numy / denom);
                }

                public static double longestSide(Coordinate a, Coordinate b, Coordinate c) {
                    double longest = a.distance(b);
                    double bc = b.distance(c);
                    if (bc > longest) {
                        longest = bc;
                    }
                    double ca = c.distance(a);
                    if (ca > longest) {
                        longest = ca;
                    }
                    return longest;
                }
            }
            """;

    private static final String GEOMETRY = """
            package demo;

            import dev.adjoint.Differentiable;
            import demo.lib.Coordinate;
            import demo.lib.Triangle;

            public final class Geometry {
                private Geometry() {}

                @Differentiable(order = 2)
                public static double area(double ax, double ay, double bx, double by, double cx, double cy) {
                    return Triangle.area(new Coordinate(ax, ay), new Coordinate(bx, by), new Coordinate(cx, cy));
                }

                @Differentiable(order = 2)
                public static double circumcentre(double ax, double ay, double bx, double by, double cx, double cy) {
                    Coordinate cc = Triangle.circumcentre(new Coordinate(ax, ay), new Coordinate(bx, by),
                            new Coordinate(cx, cy));
                    return cc.x + 0.5 * cc.y;
                }

                /** A local read after a helper read it, its z the constructor's constant, NaN. */
                @Differentiable(order = 2)
                public static double longest(double ax, double ay, double bx, double by, double cx, double cy) {
                    Coordinate a = new Coordinate(ax, ay);
                    Coordinate c = new Coordinate(cx, cy);
                    double l = Triangle.longestSide(a, new Coordinate(bx, by), c);
                    return Double.isNaN(a.getZ()) ? l * c.x : l;
                }
            }
            """;

    /** Fields that are not final: the object is split as long as nothing writes one (DiagnosticsValueObjectTest). */
    @Test
    void fieldsThatAreNotFinalButOnlyRead() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Geometry", GEOMETRY, "demo.lib.Coordinate", COORDINATE,
                "demo.lib.Triangle", TRIANGLE);
        String impl = withoutComments(r.generated("demo.GeometryAdjointImpl"));
        assertFalse(impl.contains("new Coordinate("), "no object is built:\n" + impl);
        checkEveryMethod(r, "demo.Geometry", POINTS, "area", "circumcentre", "longest");
    }

    private static InMemoryCompiler.Result compile() {
        return compileClean("demo.Shapes", SHAPES, "demo.lib.SinCos", LIB, "demo.lib.FastMath", FAST_MATH, "demo.lib.DD",
                DD);
    }

    @Test
    void valueObjectsAreSplitIntoTheirFields() throws Exception {
        InMemoryCompiler.Result r = compile();
        String impl = withoutComments(r.generated("demo.ShapesAdjointImpl"));
        assertFalse(impl.contains("new SinCos(") || impl.contains("new DD(") || impl.contains("new Params(")
                || impl.contains("new Polar(") || impl.contains("new Tagged("), "no object is built:\n" + impl);
        assertTrue(impl.contains("double scE_sin = Math.sin(E);"), "a variable per field, named after both:\n" + impl);
        checkEveryMethod(r, "demo.Shapes", POINTS, "chained", "constant", "loop", "passed", "polar", "reassigned", "record", "tagged",
                "trueAnomaly");
    }

    @Test
    void theShapesThatBreakASplitter() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Adversary", ADVERSARY, "demo.lib.SinCos", LIB, "demo.lib.FastMath",
                FAST_MATH, "demo.lib.DD", DD);
        String impl = withoutComments(r.generated("demo.AdversaryAdjointImpl"));
        assertFalse(impl.contains("new SinCos(") || impl.contains("new DD(") || impl.contains("new Acc(")
                || impl.contains("new Complex("),
                "no object is built:\n" + impl);
        ClassLoader loader = r.loader();
        Class<?> type = loader.loadClass("demo.Adversary");
        GradientHarness harness = new GradientHarness(type);
        Random random = new Random(19);
        for (Method m : harness.differentiableMethods()) {
            if (m.getName().equals("checkpointed")) {
                for (int n : new int[] {0, 1, 5, 13}) {
                    harness.checkAt(m, new Object[] {0.3, n}, random);
                }
            } else {
                harness.checkAtRandomPoints(m, random, POINTS);
            }
        }
        Method shortcut = type.getMethod("shortcut", double.class);
        harness.checkPullback(shortcut, new Object[] {1.0});
        for (double x : new double[] {0.05, 0.3, 0.6, 1.1, 2.3}) {
            harness.checkAt(type.getMethod("jumps", double.class, double.class), new Object[] {x, 0.2}, random);
        }
        for (double x : new double[] {0.5, 1.5, 2.5}) {
            harness.checkAt(type.getMethod("aliased", double.class, double.class), new Object[] {x, 0.7}, random);
        }
    }

    /** The branches each point takes: a > y and not, v > 0 and not; sqrt at 0 (its shortcut: the value). */
    @Test
    void eachBranchAndTheShortcut() throws Exception {
        InMemoryCompiler.Result r = compile();
        ClassLoader loader = r.loader();
        Class<?> shapes = loader.loadClass("demo.Shapes");
        GradientHarness harness = new GradientHarness(shapes);
        Random random = new Random(14);
        Method reassigned = shapes.getMethod("reassigned", double.class, double.class);
        harness.checkAt(reassigned, new Object[] {2.0, 0.5}, random);
        harness.checkAt(reassigned, new Object[] {0.5, 2.0}, random);
        Method record = shapes.getMethod("record", double.class, double.class, double.class);
        harness.checkAt(record, new Object[] {0.3, 1.5, 0.7}, random);
        harness.checkAt(record, new Object[] {0.3, 1.5, -0.7}, random);
        Method chained = shapes.getMethod("chained", double.class);
        harness.checkAt(chained, new Object[] {1e-3}, random);
        Class<?> adjoint = loader.loadClass("demo.ShapesAdjoint");
        Class<?> gradient = loader.loadClass("demo.ShapesAdjoint$ChainedGradient");
        Object into = gradient.getConstructor().newInstance();
        double value = (double) adjoint.getMethod("chainedPullback", double.class, double.class, gradient)
                .invoke(null, 0.0, 1.0, into);
        assertEquals((double) chained.invoke(null, 0.0), value, "the shortcut's value, where sqrt is at 0");
    }
}
