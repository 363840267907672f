package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Value objects Adjoint cannot split into their fields (read/Values), built from a differentiated
 * value: each refused where it is created, with the way out; none compiles into a derivative that
 * loses the value's.
 */
class DiagnosticsValueObjectTest {

    private static final String MESSAGE = "[AdjointUnsupportedCall] cannot differentiate through new demo.Pair(...): a "
            + "differentiated value passed to a constructor loses its derivative, unless Adjoint can split the object "
            + "into its fields (a class of the build with fields its constructor only assigns, an object only "
            + "read: its fields, its methods, never written, passed on or compared)";

    /** A value class of final fields, accessors, and a method returning another one. */
    private static final JavaFileObject PAIR = JavaFileObjects.forSourceLines("demo.Pair",
            "package demo;",
            "",
            "public final class Pair {",
            "    private final double a;",
            "    private final double b;",
            "",
            "    public Pair(double a, double b) {",
            "        this.a = a;",
            "        this.b = b;",
            "    }",
            "",
            "    public double a() {",
            "        return a;",
            "    }",
            "",
            "    public double b() {",
            "        return b;",
            "    }",
            "}");

    /** {@code demo.Functions.f(x)} with {@code body} from line 8 on. */
    private static JavaFileObject f(String... body) {
        String[] lines = new String[body.length + 3];
        lines[0] = "    @Differentiable";
        lines[1] = "    static double f(double x) {";
        System.arraycopy(body, 0, lines, 2, body.length);
        lines[lines.length - 1] = "    }";
        return functions(lines);
    }

    private static void assertRefusedOnLine(JavaFileObject functions, int line) {
        Compilation c = compile(functions, PAIR);
        assertThat(c).hadErrorContaining(MESSAGE).inFile(functions).onLine(line);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void passedOnToAMethodAdjointCannotSeeIntoIsRefused() {
        assertRefusedOnLine(f(
                "        Pair p = new Pair(x, 2 * x);",
                "        return p.a() + String.valueOf(p).length();"), 8);
    }

    @Test
    void comparedAsAnObjectIsRefused() {
        assertRefusedOnLine(f(
                "        Pair p = new Pair(x, 2 * x);",
                "        Pair q = p;",
                "        return p == q ? p.b() : p.a();"), 8);
    }

    @Test
    void storedInAnArrayIsRefused() {
        assertRefusedOnLine(f(
                "        Pair[] ps = {new Pair(x, 1)};",
                "        return ps[0].a();"), 8);
    }

    /** A helper that only reads its parameter takes the fields instead (ValueObjectTest); one passing it on does not. */
    @Test
    void passedToAHelperThatPassesItOnIsRefused() {
        JavaFileObject functions = functions(
                "    static double sum(Pair p) {",
                "        return p.a() + java.util.Objects.hashCode(p);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return sum(new Pair(x, x * x));",
                "    }");
        assertRefusedOnLine(functions, 12);
    }

    /** A constructor that checks its argument is not one that only assigns: the object is not split. */
    @Test
    void constructorThatChecksIsRefused() {
        JavaFileObject checked = JavaFileObjects.forSourceLines("demo.Pair",
                "package demo;",
                "",
                "public final class Pair {",
                "    private final double a;",
                "",
                "    public Pair(double a) {",
                "        if (a < 0) {",
                "            throw new IllegalArgumentException();",
                "        }",
                "        this.a = a;",
                "    }",
                "",
                "    public double a() {",
                "        return a;",
                "    }",
                "}");
        JavaFileObject functions = f("        return new Pair(x).a();");
        Compilation c = compile(functions, checked);
        assertThat(c).hadErrorContaining(MESSAGE).inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }
    /**
     * Built empty, a field the constructor leaves is its default or its initializer's value (split:
     * FilledObjectTest); an initializer that is not a constant's expression (a call with an effect)
     * keeps the object whole, and setting it from a differentiated value is refused there.
     */
    @Test
    void fieldInitializedByACallWithAnEffectIsNotSplit() {
        JavaFileObject seeded = JavaFileObjects.forSourceLines("demo.Seeded",
                "package demo;",
                "",
                "public final class Seeded {",
                "    public double x;",
                "    public double noise = Math.random();",
                "",
                "    public Seeded set(double x) {",
                "        this.x = x;",
                "        return this;",
                "    }",
                "}");
        JavaFileObject functions = f(
                "        Seeded s = new Seeded();",
                "        s.set(x);",
                "        return s.x;");
        Compilation c = compile(functions, seeded);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Seeded.set(double)")
                .inFile(functions).onLine(9);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /**
     * A method of a split object writing into another it is given (JOML's {@code u.cross(w, dest)}):
     * split as a statement and into a new object (FilledObjectTest); given back to the object it
     * fills ({@code again = w.cross(u, again)}) not yet, refused where the objects are built.
     */
    @Test
    void fillByASplitObjectGivenBackIsRefused() {
        JavaFileObject vec = JavaFileObjects.forSourceLines("demo.Vec",
                "package demo;",
                "",
                "public final class Vec {",
                "    public double x;",
                "    public double y;",
                "",
                "    public Vec(double x, double y) {",
                "        this.x = x;",
                "        this.y = y;",
                "    }",
                "",
                "    public Vec turn(Vec dest) {",
                "        dest.x = -y;",
                "        dest.y = x;",
                "        return dest;",
                "    }",
                "}");
        JavaFileObject functions = f(
                "        Vec u = new Vec(x, 1.0);",
                "        Vec again = new Vec(0.0, 0.0);",
                "        again = u.turn(again);",
                "        return again.x;");
        Compilation c = compile(functions, vec);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through new demo.Vec(...)")
                .inFile(functions).onLine(8);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
        // nor by an object changed before (its field written): refused where it is built
        JavaFileObject changed = f(
                "        Vec u = new Vec(x, 1.0);",
                "        u.y = x * x;",
                "        Vec dest = new Vec(0.0, 0.0);",
                "        u.turn(dest);",
                "        return dest.x;");
        Compilation d = compile(changed, vec);
        assertThat(d).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through new demo.Vec(...)")
                .inFile(changed).onLine(8);
        assertNoCrash(d);
        assertNotGenerated(d, "f");
    }

    /**
     * As JTS's Coordinate: fields that are not final, a setter. Split while only read
     * (ValueObjectTest), or written where it has one name (FilledObjectTest).
     */
    private static final JavaFileObject POINT = JavaFileObjects.forSourceLines("demo.Point",
            "package demo;",
            "",
            "public final class Point {",
            "    public static final Point ORIGIN = new Point(0, 0);",
            "    public double x;",
            "    public double y;",
            "",
            "    public Point(double x, double y) {",
            "        this.x = x;",
            "        this.y = y;",
            "    }",
            "",
            "    public void setX(double x) {",
            "        this.x = x;",
            "    }",
            "",
            "    public Point scaled(double k) {",
            "        x *= k;",
            "        return new Point(x, y * k);",
            "    }",
            "",
            "    public static double dist(Point a, Point b) {",
            "        return Math.hypot(a.x - b.x, a.y - b.y);",
            "    }",
            "}");

    private static void assertPointRefusedOnLine(JavaFileObject functions, int line) {
        assertPointRefusedOnLine(functions, line, null, 0);
    }

    /** Refused where the point is built, and, when {@code also} is not null, for that too on {@code alsoLine}. */
    private static void assertPointRefusedOnLine(JavaFileObject functions, int line, String also, int alsoLine) {
        Compilation c = compile(functions, POINT);
        assertThat(c).hadErrorContaining(MESSAGE.replace("demo.Pair", "demo.Point")).inFile(functions).onLine(line);
        if (also != null) {
            assertThat(c).hadErrorContaining(also).inFile(functions).onLine(alsoLine);
        }
        assertThat(c).hadErrorCount(also == null ? 1 : 2);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /**
     * A method that changes its object and returns another object, or changes it where its result
     * is read at once: the change would be lost (a setter as a statement is accepted: FilledObjectTest).
     */
    @Test
    void aMethodThatWritesAFieldIsRefused() {
        // one that changes its object and returns another: the change would be lost
        assertPointRefusedOnLine(f(
                "        Point p = new Point(x, 1);",
                "        return p.scaled(2).y;"), 8);
    }

    /**
     * A {@code static final} constant of a class whose fields are not final: code outside the method
     * may change them, so it is not split, and the object passed beside it is not either.
     */
    @Test
    void aConstantWhoseFieldsAreNotFinalIsNotSplit() {
        assertPointRefusedOnLine(f("        return Point.dist(Point.ORIGIN, new Point(x, 2 * x));"), 8);
    }
    /**
     * A changed object must be the one name of its object (read/Scopes): a copy, a method's result
     * that is the object given to it, one object given twice, or a fill whose result is a number
     * would each leave a name whose variables the change does not reach. Refused where the object
     * is built, and where it is written.
     */
    @Test
    void aChangedObjectWithASecondNameIsRefused() {
        assertPointRefusedOnLine(f(
                "        Point a = new Point(x, 1);",
                "        Point b = a;",
                "        b.x = 2 * x;",
                "        return a.x;"), 8, "[AdjointFieldWrite] cannot write to b.x from a @Differentiable method", 10);
        String[] helpers = {
                "    static Point fill(Point p, double v) {",
                "        p.x = v;",
                "        return p;",
                "    }",
                "",
                "    static Point both(Point a, Point b) {",
                "        a.x = b.x + 1;",
                "        a.y = b.x * a.x;",
                "        return a;",
                "    }",
                "",
                "    static double w(Point p) {",
                "        p.x = 5;",
                "        return p.y;",
                "    }",
                ""};
        String fillWrite = "[AdjointFieldWrite] cannot write to p.x from a @Differentiable method";
        assertPointRefusedOnLine(functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 1);",
                "        Point b = fill(a, x * x);",
                "        return a.x + b.x;",
                "    }")), 24, fillWrite, 7);
        JavaFileObject twice = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 0);",
                "        a = both(a, a);",
                "        return a.y;",
                "    }"));
        Compilation c = compile(twice, POINT);
        assertThat(c).hadErrorContaining(MESSAGE.replace("demo.Pair", "demo.Point")).inFile(twice).onLine(24);
        assertThat(c).hadErrorContaining("[AdjointFieldWrite] cannot write to a.x").inFile(twice).onLine(12);
        assertThat(c).hadErrorContaining("[AdjointFieldWrite] cannot write to a.y").inFile(twice).onLine(13);
        assertThat(c).hadErrorCount(3);
        assertNoCrash(c);
        assertPointRefusedOnLine(functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 1);",
                "        double d = w(a);",
                "        return d + a.x;",
                "    }")), 24, fillWrite, 18);
    }

    /**
     * A void static method that fills the object it is given, as GeographicLib's {@code
     * GeoMath.sum(p, u, v)} (numeric.VoidFillerTest accepts it on an object with one name): given a
     * second name of the object, given two objects to fill, or writing a static field too, a
     * split copy would miss the change, or the call would run once per field; refused where the
     * object is built and at the writes the inlined filler would make.
     */
    @Test
    void aVoidFillGivenASecondNameOrDoingMoreIsRefused() {
        String[] helpers = {
                "    static double last;",
                "",
                "    static void sum(Point p, double u, double v) {",
                "        p.x = u + v;",
                "        p.y = u * v;",
                "    }",
                "",
                "    static void both(Point p, Point q, double u) {",
                "        p.x = u;",
                "        q.x = u * u;",
                "    }",
                "",
                "    static void noted(Point p, double u) {",
                "        p.x = u;",
                "        last = u;",
                "    }",
                ""};
        String built = MESSAGE.replace("demo.Pair", "demo.Point");
        JavaFileObject aliased = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 1);",
                "        Point b = a;",
                "        sum(b, x, x);",
                "        return a.x;",
                "    }"));
        Compilation c = compile(aliased, POINT);
        assertThat(c).hadErrorContaining(built).inFile(aliased).onLine(25);
        assertThat(c).hadErrorContaining("[AdjointFieldWrite] cannot write to p.x from a @Differentiable method")
                .inFile(aliased).onLine(9);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
        JavaFileObject two = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 1);",
                "        Point b = new Point(0, 0);",
                "        both(a, b, x);",
                "        return a.x + b.x;",
                "    }"));
        Compilation d = compile(two, POINT);
        assertThat(d).hadErrorContaining("[AdjointFieldWrite] cannot write to p.x").inFile(two).onLine(14);
        assertThat(d).hadErrorContaining("[AdjointFieldWrite] cannot write to q.x").inFile(two).onLine(15);
        assertNoCrash(d);
        assertNotGenerated(d, "f");
        JavaFileObject effect = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x) {",
                "        Point a = new Point(x, 1);",
                "        noted(a, x);",
                "        return a.x;",
                "    }"));
        Compilation e = compile(effect, POINT);
        assertThat(e).hadErrorContaining("[AdjointFieldWrite] cannot write to last from a @Differentiable method")
                .inFile(effect).onLine(20);
        assertNoCrash(e);
        assertNotGenerated(e, "f");
        // an argument with an effect: read once per field, the call would repeat it; read as a plain call, the fill
        // was lost (the gradient was 0 where it is 0.6 and 2.1)
        for (String call : new String[] {"sum(a, k++, x);", "sum(a, x, k += x);"}) {
            JavaFileObject effected = functions(with(helpers,
                    "    @Differentiable",
                    "    static double f(double x) {",
                    "        Point a = new Point(0, 0);",
                    "        double k = x;",
                    "        " + call,
                    "        return a.x + a.y;",
                    "    }"));
            Compilation g = compile(effected, POINT);
            assertThat(g).hadErrorContaining("[AdjointUnsupportedCall] cannot read " + call.substring(0, call.length() - 1)
                    + " as changing the object it is given").inFile(effected).onLine(27);
            assertThat(g).hadErrorContaining("compute the arguments into local variables first");
            assertNoCrash(g);
            assertNotGenerated(g, "f");
        }
    }

    /**
     * A method that fills its parameter and then gives it another object ({@code p = new Point(0, 0);})
     * changes the caller's object only before: read as {@code a = m(..., a)} in place of the statement
     * {@code m(..., a);}, the caller would see the new object's fields (the gradient was 100 where
     * it is 3). Refused, void or returning its parameter, where the caller's object is written.
     */
    @Test
    void aFillThatGivesItsParameterAnotherObjectIsRefused() {
        for (String result : new String[] {"void", "Point"}) {
            JavaFileObject source = functions(
                    "    static " + result + " sneaky(Point p, double u) {",
                    "        p.x = u;",
                    "        p = new Point(0, 0);",
                    "        p.x = 100 * u;",
                    "        p.y = 7;",
                    result.equals("void") ? "" : "        return p;",
                    "    }",
                    "",
                    "    @Differentiable",
                    "    static double f(double x) {",
                    "        Point a = new Point(0, 0);",
                    "        a.y = 2 * x;",
                    "        sneaky(a, x);",
                    "        return a.x + a.y;",
                    "    }");
            Compilation c = compile(source, POINT);
            assertThat(c).hadErrorContaining("[AdjointFieldWrite] cannot write to a.y from a @Differentiable method")
                    .inFile(source).onLine(17);
            assertThat(c).hadErrorContaining("[AdjointFieldWrite] cannot write to p.x from a @Differentiable method")
                    .inFile(source).onLine(7);
            assertNoCrash(c);
            assertNotGenerated(c, "f");
        }
    }

    /** An object that changes itself and returns itself, as JBox2D's Vec2 (FilledObjectTest accepts it so). */
    private static final JavaFileObject VEC = JavaFileObjects.forSourceLines("demo.Vec",
            "package demo;",
            "",
            "public final class Vec {",
            "    public double x;",
            "    public double y;",
            "",
            "    public Vec(double x, double y) {",
            "        this.x = x;",
            "        this.y = y;",
            "    }",
            "",
            "    public Vec addLocal(Vec v) {",
            "        x += v.x;",
            "        y += v.y;",
            "        return this;",
            "    }",
            "",
            "    public Vec mulLocal(double a) {",
            "        x *= a;",
            "        y *= a;",
            "        return this;",
            "    }",
            "",
            "    public double normalize() {",
            "        double l = Math.hypot(x, y);",
            "        x /= l;",
            "        y /= l;",
            "        return l;",
            "    }",
            "",
            "    public double dot(Vec v) {",
            "        return x * v.x + y * v.y;",
            "    }",
            "}");

    /**
     * A method that changes its object is called as a statement or given back to it: a chain, a
     * second name for its result, the object given to itself, or a change whose result is a number
     * would each leave a name the change does not reach. Refused where the object is built.
     */
    @Test
    void anObjectChangingItselfWithASecondNameIsRefused() {
        String refused = MESSAGE.replace("demo.Pair", "demo.Vec");
        for (String[] body : new String[][] {
                {"        Vec p = new Vec(x, 1);", "        p.addLocal(new Vec(1, 2)).mulLocal(2.0);", "        return p.x;"},
                {"        Vec p = new Vec(x, 1);", "        Vec r = p.mulLocal(2.0);", "        r.y = 0;", "        return p.y;"},
                {"        Vec p = new Vec(x, 1);", "        p.addLocal(p);", "        return p.x;"},
                {"        Vec p = new Vec(x, 1);", "        double l = p.normalize();", "        return l + p.x;"},
                // a chain read at once (it crashed the processor: the method was read as another object's)
                {"        Vec p = new Vec(x, 1);", "        return p.mulLocal(2.0).dot(new Vec(1, x));"},
                {"        Vec p = new Vec(x, 1);", "        return p.mulLocal(2.0).x + p.y;"}}) {
            JavaFileObject functions = f(body);
            Compilation c = compile(functions, VEC);
            assertThat(c).hadErrorContaining(refused).inFile(functions).onLine(8);
            assertNoCrash(c);
            assertNotGenerated(c, "f");
        }
    }

    /**
     * A variable-arity helper building, filling or reading a split object: its values would be
     * packed into an array the split parameters' positions do not count (a crash once), refused at
     * the call; as a helper of numbers alone it is read (packed into its array).
     */
    @Test
    void aVariableArityHelperOfASplitObjectIsRefusedAtTheCall() {
        String[] helpers = {
                "    static Point make(double... xs) {",
                "        return new Point(xs[0] * xs[1], xs[0]);",
                "    }",
                "",
                "    static void fill(Point p, double... xs) {",
                "        p.x = xs[0];",
                "        p.y = xs[0] * xs[1];",
                "    }",
                ""};
        String message = "[AdjointUnsupportedCall] cannot differentiate through the variable-arity method ";
        JavaFileObject made = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        Point p = make(x, y);",
                "        return p.x + 10 * p.y;",
                "    }"));
        Compilation c = compile(made, POINT);
        assertThat(c).hadErrorContaining(message + "Functions.make(double...) on a value object split into its fields; "
                + "give it an array parameter instead").inFile(made).onLine(17);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
        JavaFileObject filled = functions(with(helpers,
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        Point p = new Point(0, 0);",
                "        fill(p, x, y);",
                "        return p.x + 10 * p.y;",
                "    }"));
        Compilation d = compile(filled, POINT);
        assertThat(d).hadErrorContaining(message + "Functions.fill(demo.Point, double...)").inFile(filled).onLine(18);
        assertNoCrash(d);
        assertNotGenerated(d, "f");
    }

    private static String[] with(String[] first, String... then) {
        String[] out = java.util.Arrays.copyOf(first, first.length + then.length);
        System.arraycopy(then, 0, out, first.length, then.length);
        return out;
    }
}
