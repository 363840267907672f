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
 * What stays refused of the static helpers of other classes, and of the methods of other objects,
 * that Adjoint inlines: each error is at
 * the offending line of the helper's file, and says how the method reaches it (the method's call
 * of the helper, file and line); nothing is emitted for the method.
 */
class DiagnosticsForeignHelperTest {

    /** {@code demo.Functions.f(x)}, on line 7, calling {@code call} (line 8). */
    private static JavaFileObject caller(String call) {
        return functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return " + call + " + x;",
                "    }");
    }

    @Test
    void helperOfAnotherPackageUsingAClassItsSiteCannotNameIsRefused() {
        JavaFileObject state = JavaFileObjects.forSourceLines("lib.State",
                "package lib;",
                "",
                "final class State {",
                "    double sum;",
                "    Object tag;", // not split into its fields (which a State of doubles only would be)
                "}");
        JavaFileObject accumulate = JavaFileObjects.forSourceLines("lib.Accumulate",
                "package lib;",
                "",
                "public final class Accumulate {",
                "    public static double twice(double x) {",
                "        State s = new State();",
                "        return 2 * x;",
                "    }",
                "}");
        Compilation c = compile(caller("lib.Accumulate.twice(x)"), accumulate, state);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedStatement] cannot differentiate the local variable s: the "
                + "adjoint class, generated in package demo, cannot name lib.State, which is package-private in package "
                + "lib; make it public (reached from f through its call of Accumulate.twice(double) at Functions.java:8)")
                .inFile(accumulate).onLine(5);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void helperOfAnotherPackageCreatingWhatItsSiteCannotCreateIsRefused() {
        JavaFileObject failure = JavaFileObjects.forSourceLines("lib.Failure",
                "package lib;",
                "",
                "public final class Failure extends RuntimeException {",
                "    Failure(String message) {",
                "        super(message);",
                "    }",
                "}");
        JavaFileObject checked = JavaFileObjects.forSourceLines("lib.Checked",
                "package lib;",
                "",
                "public final class Checked {",
                "    public static double log(double x) {",
                "        if (x <= 0) {",
                "            throw new Failure(\"log of \" + x);",
                "        }",
                "        return Math.log(x);",
                "    }",
                "}");
        Compilation c = compile(caller("lib.Checked.log(x)"), checked, failure);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedExpression] cannot differentiate new Failure(\"log of \" + x): "
                + "the adjoint class, generated in package demo, cannot call this constructor of lib.Failure, which is "
                + "not public; make it public (reached from f through its call of Checked.log(double) at "
                + "Functions.java:8)").inFile(checked).onLine(6);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /** A method with @DerivativeOf partials: called from another package, its partials must be callable from there. */
    @Test
    void partialsTheSiteCannotCallAreRefused() {
        JavaFileObject special = JavaFileObjects.forSourceLines("lib.Special",
                "package lib;",
                "",
                "import dev.adjoint.DerivativeOf;",
                "",
                "public final class Special {",
                "    public static double softplus(double x) {",
                "        return Math.log1p(Math.exp(x));",
                "    }",
                "",
                "    @DerivativeOf(method = \"softplus\")",
                "    static double softplusDerivative(double x) {",
                "        return 1 / (1 + Math.exp(-x));",
                "    }",
                "}");
        JavaFileObject functions = caller("lib.Special.softplus(x)");
        Compilation c = compile(functions, special);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Special.softplus(double) "
                + "here: its derivative Special.softplusDerivative cannot be called from the adjoint class, generated in "
                + "package demo; make it public").inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /**
     * The API class is planned before bodies can be attributed, from the method's own file: a write
     * into the method's parameter by a helper of another file is found only when the body is read.
     */
    @Test
    void helperOfAnotherClassWritingTheMethodsOwnArrayIsRefused() {
        JavaFileObject arrays = JavaFileObjects.forSourceLines("demo.InPlace",
                "package demo;",
                "",
                "public final class InPlace {",
                "    public static void square(double[] v) {",
                "        for (int i = 0; i < v.length; i++) {",
                "            v[i] *= v[i];",
                "        }",
                "    }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        InPlace.square(w);",
                "        return w[0];",
                "    }");
        Compilation c = compile(functions, arrays);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedArrayWrite] cannot differentiate this write to the array "
                + "parameter w of f: it happens in a method Adjoint could not follow from the source of f; copy w first "
                + "(double[] copy = w.clone()) and pass the copy").inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /** A distribution of another class: its fields are data, its methods inlined (see ObjectHelperTest). */
    private static final String[] DISTRIBUTION = {
        "package demo;",
        "",
        "public class Dist {",
        "    private final double scale;",
        "    private final double[] work = new double[1];",
        "    public Dist(double scale) { this.scale = scale; }",
        "    public double spread() {",
        "        java.util.function.DoubleSupplier s = () -> scale * scale;",
        "        return s.getAsDouble();",
        "    }",
        "    public double logistic(double x) {",
        "        java.util.function.ToDoubleFunction<Object> f = v -> 1 / (1 + Math.exp(-(Double) v / scale));",
        "        return f.applyAsDouble(x);",
        "    }",
        "    public double cached(double x) {",
        "        work[0] = x * scale;",
        "        return work[0];",
        "    }",
        "}"};

    /** Another object's method whose body Adjoint refuses, given a differentiated value: refused in its body. */
    @Test
    void methodOfAnotherObjectWithARefusedBodyIsRefusedWhereItsBodyIs() {
        JavaFileObject dist = JavaFileObjects.forSourceLines("demo.Dist", DISTRIBUTION);
        JavaFileObject functions = caller("new Dist(2).logistic(x) * new Dist(3).spread()");
        Compilation c = compile(functions, dist);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedExpression] cannot differentiate through this lambda: "
                + "its method applyAsDouble takes or returns java.lang.Object, and Adjoint reads a lambda on numbers (a "
                + "boxed Double too) and double[] only; use DoubleUnaryOperator, DoubleBinaryOperator or an interface of your own on doubles (reached "
                + "from f through its call of Dist.logistic(double) at Functions.java:8)").inFile(dist).onLine(12);
        // one error: the call of the refused lambda on the next line adds none; spread() takes no differentiated
        // value: called as written
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /** Another object's method writing its own array field: the derivative would be lost in the object. */
    @Test
    void methodOfAnotherObjectWritingItsFieldIsRefused() {
        JavaFileObject dist = JavaFileObjects.forSourceLines("demo.Dist", DISTRIBUTION);
        Compilation c = compile(caller("new Dist(2).cached(x)"), dist);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedArrayWrite] cannot differentiate a write to work[0]: only "
                + "elements of a double[] local variable or parameter may be written (not rows of a double[][], nor "
                + "fields) (reached from f through its call of Dist.cached(double) at Functions.java:8)")
                .inFile(dist).onLine(16);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /** An object built from a differentiated value: its fields would hold the value without its derivative. */
    @Test
    void objectBuiltFromADifferentiatedValueIsRefusedAtItsCreation() {
        JavaFileObject dist = JavaFileObjects.forSourceLines("demo.Dist", DISTRIBUTION);
        JavaFileObject functions = caller("new Dist(x).spread()");
        Compilation c = compile(functions, dist);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through new demo.Dist(...): a "
                + "differentiated value passed to a constructor loses its derivative").inFile(functions).onLine(8);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /**
     * {@code demo.Model}, whose {@code viaOther} (line 10, its return on line 11) differentiates its
     * field w and calls {@code twice} (annotated with {@code annotation}) on another Model, which
     * may be this one.
     */
    private static JavaFileObject modelCallingOther(String annotation, String returnLine) {
        return JavaFileObjects.forSourceLines("demo.Model",
                "package demo;",
                "",
                "import dev.adjoint.Differentiable;",
                "",
                "public class Model {",
                "    double w = 2;",
                "    Model other = this;",
                annotation + " public double twice(double x) { return w * x * 2; }",
                "    @Differentiable",
                "    public double viaOther(double x) {",
                returnLine,
                "    }",
                "}");
    }

    /**
     * An instance method of an object that may be the caller's own receiver, whose fields the
     * caller differentiates (it reads w): read as another object's, as data, their derivatives
     * would be lost; it stays a call Adjoint cannot see into.
     */
    @Test
    void methodOfAnObjectThatMayBeThisIsNotInlined() {
        JavaFileObject model = modelCallingOther("", "        return other.twice(x) * w;");
        Compilation c = compile(model);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Model.twice(double)")
                .inFile(model).onLine(11);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
    }

    /**
     * A {@code @Differentiable} instance method called on an object that may be this one, from a
     * method differentiating its fields: its generated members take the receiver as data, so the
     * derivatives through this object's fields would be lost (a wrong gradient before).
     */
    @Test
    void differentiableMethodOfAnObjectThatMayBeThisIsRefused() {
        JavaFileObject model = modelCallingOther("    @Differentiable", "        return other.twice(x) + w;");
        Compilation c = compile(model);
        assertThat(c).hadErrorContaining("[AdjointUntracked] cannot differentiate through twice of another object of "
                + "this class: it may be this very object, whose fields are differentiated here, and the call takes its "
                + "receiver as data; call it on this (twice(...)), or pass the values it needs to a static method")
                .inFile(model).onLine(11);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        assertNotGenerated(c, "viaOther");
    }

    /**
     * A method of another object whose parameter is a type variable (Commons Geometry's
     * {@code Vector<V>.distance(V)}): the adjoint class cannot name it, so the call is not inlined.
     * Where no derivative flows through it, it is called as written; where one does, it is refused
     * at the call. (It crashed with a ClassCastException.)
     */
    @Test
    void methodWithATypeVariableParameterIsCalledAsWrittenOrRefused() {
        JavaFileObject functions = functions(
                "    abstract static class Vector<V extends Vector<V>> {",
                "        abstract double norm();",
                "        abstract V plus(V other);",
                "        double distance(V other) { return plus(other).norm(); }",
                "    }",
                "    static final class Vec extends Vector<Vec> {",
                "        final double x;",
                "        Vec(double x) { this.x = x; }",
                "        double norm() { return Math.abs(x); }",
                "        Vec plus(Vec o) { return new Vec(x + o.x); }",
                "    }",
                "    static final Vec TWO = new Vec(2.0);",
                "    @Differentiable",
                "    static double data(double a) {",
                "        return TWO.distance(new Vec(3.0)) * a;",
                "    }",
                "    @Differentiable",
                "    static double carried(double a) {",
                "        return TWO.distance(new Vec(a));",
                "    }");
        Compilation c = compile(functions);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through new demo.Functions.Vec(...)")
                .inFile(functions).onLine(24);
        assertThat(c).hadErrorCount(1);
        assertNoCrash(c);
        Sources.assertGenerated(c, "data");
    }

    /**
     * A base class's method calling an abstract method on this: inlined for an object whose class
     * the code says (new C(...), a static final constant so initialised: read/ExactClass), and
     * where the object may be any subclass (a parameter, a field that is not final, an anonymous
     * subclass held in a constant) chosen at run time among the classes of the build
     * (read/Dispatch, numeric/DispatchTest); an abstract method whose implementations cannot all be
     * inlined (one calls it again) is refused at the call.
     */
    @Test
    void templateMethodIsInlinedWhereTheClassIsKnownAndChosenAtRunTimeElsewhere() {
        JavaFileObject base = JavaFileObjects.forSourceLines("demo.Shape",
                "package demo;",
                "",
                "public abstract class Shape {",
                "    public abstract double area(double s);",
                "",
                "    public double scaledArea(double s) {",
                "        return 2 * area(s);",
                "    }",
                "}");
        JavaFileObject square = JavaFileObjects.forSourceLines("demo.Square",
                "package demo;",
                "",
                "public class Square extends Shape {",
                "    public double area(double s) { return s * s; }",
                "}");
        JavaFileObject nested = JavaFileObjects.forSourceLines("demo.Nested",
                "package demo;",
                "",
                "public final class Nested extends Shape {",
                "    private final Shape inner;",
                "    public Nested(Shape inner) { this.inner = inner; }",
                "    public double area(double s) { return inner.area(s / 2); }",
                "}");
        JavaFileObject functions = functions(
                "    static Shape shape = new Square();",
                "    private static Shape reset = new Square();",
                "    private static Shape kept = new Square();",
                "    static void reset() {",
                "        reset = null;",
                "    }",
                "    static final Shape KNOWN = new Square();",
                "    static final Shape ANONYMOUS = new Shape() {",
                "        public double area(double s) { return 3 * s; }",
                "    };",
                "    @Differentiable",
                "    static double known(double x) {",
                "        return KNOWN.scaledArea(x) + new Square().scaledArea(x) + kept.scaledArea(x);",
                "    }",
                "    @Differentiable",
                "    static double assignedAgain(double x) {",
                "        return reset.scaledArea(x);",
                "    }",
                "    @Differentiable",
                "    static double unknown(double x, Shape given) {",
                "        return shape.scaledArea(x) + given.scaledArea(x) + ANONYMOUS.scaledArea(x);",
                "    }");
        Compilation c = compile(functions, base, square);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGenerated(c, "known"); // kept, private and never assigned again, holds a Square
        Sources.assertGenerated(c, "assignedAgain");
        Sources.assertGenerated(c, "unknown");
        Compilation recursive = compile(functions, base, square, nested);
        // reported where Nested.area calls it again
        assertThat(recursive).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through inner.area(...): "
                + "Shape.area is abstract, so the code it runs is chosen at run time; Adjoint differentiates such a "
                + "call through the classes of this build that implement it, and could not inline them here: "
                + "demo.Nested's area holds code Adjoint refuses, or calls it again").inFile(nested).onLine(6);
        assertNoCrash(recursive);
        assertNotGenerated(recursive, "unknown");
        Sources.assertGenerated(recursive, "known");
    }

    /**
     * An interface's method on a field that is not final (or on a parameter): the object may be
     * any implementation at run time, chosen among the build's (read/Dispatch); a static final field
     * initialised with new C(...) tells which code runs. With no implementation in the build, refused.
     */
    @Test
    void interfaceMethodOnAFieldThatIsNotFinalIsChosenAtRunTime() {
        JavaFileObject api = JavaFileObjects.forSourceLines("demo.Curve",
                "package demo;",
                "",
                "public interface Curve {",
                "    double rate(double t);",
                "}");
        JavaFileObject flat = JavaFileObjects.forSourceLines("demo.Flat",
                "package demo;",
                "",
                "public final class Flat implements Curve {",
                "    public double rate(double t) { return 0.01 * t; }",
                "}");
        JavaFileObject functions = functions(
                "    static Curve curve = new Flat();",
                "    static final Curve KNOWN = new Flat();",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return curve.rate(x) + KNOWN.rate(x);",
                "    }");
        Compilation c = compile(functions, api, flat);
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGenerated(c, "f");
        JavaFileObject alone = functions(
                "    static Curve curve;",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return curve.rate(x);",
                "    }");
        Compilation none = compile(alone, api);
        assertThat(none).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through curve.rate(...): "
                + "Curve.rate is abstract, so the code it runs is chosen at run time; Adjoint differentiates such a "
                + "call through the classes of this build that implement it, and could not inline them here: no class "
                + "of this build implements it; call a concrete @Differentiable method instead").inFile(alone).onLine(9);
        assertThat(none).hadErrorCount(1);
        assertNoCrash(none);
    }

    /**
     * Dispatch refused where its bodies would be wrong: an implementation that may be the caller's own
     * object (a subclass of it implementing the interface, whose fields the caller differentiates, read
     * as data), and super.m(...) in the method of an object inlined by its class.
     */
    @Test
    void dispatchIsRefusedWhereTheObjectMayBeThisAndSuperIsNotFollowed() {
        JavaFileObject link = JavaFileObjects.forSourceLines("demo.Link",
                "package demo;",
                "",
                "public interface Link {",
                "    double inv(double x);",
                "}");
        JavaFileObject model = JavaFileObjects.forSourceLines("demo.Model",
                "package demo;",
                "",
                "import dev.adjoint.Differentiable;",
                "",
                "public class Model {",
                "    public double w = 1.5;",
                "    public Link link;",
                "    @Differentiable",
                "    public double f(double x) {",
                "        return link.inv(x) * w;",
                "    }",
                "}");
        JavaFileObject modelLink = JavaFileObjects.forSourceLines("demo.ModelLink",
                "package demo;",
                "",
                "public class ModelLink extends Model implements Link {",
                "    public double inv(double x) { return w * x * x; }",
                "}");
        Compilation c = compile(model, link, modelLink);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through link.inv(...): Link.inv "
                + "is abstract").inFile(model).onLine(10);
        assertThat(c).hadErrorContaining("could not inline them here: an object of demo.ModelLink may be the one whose "
                + "fields this method differentiates").inFile(model).onLine(10);
        assertNoCrash(c);
        JavaFileObject base = JavaFileObjects.forSourceLines("demo.B",
                "package demo;",
                "",
                "public class B {",
                "    public double f(double x) { return x * x; }",
                "}");
        JavaFileObject derived = JavaFileObjects.forSourceLines("demo.D",
                "package demo;",
                "",
                "public class D extends B {",
                "    @Override",
                "    public double f(double x) { return 2 * super.f(x); }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double m(double x) {",
                "        D d = new D();",
                "        return d.f(x);",
                "    }");
        Compilation s = compile(functions, base, derived);
        assertThat(s).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through super.f(...) in a method "
                + "of another object: Adjoint inlines such a method by the object's class, and does not follow a call of "
                + "the superclass's version").inFile(derived).onLine(5);
        assertNoCrash(s);
        assertNotGenerated(s, "m");
    }

    /**
     * A library class's method called on a parameter of its type: a subclass of it in the build must
     * not stand for the library's own objects (their body is not in the build), so no dispatch
     * among the build's classes; the call is refused as before.
     */
    @Test
    void aLibraryClassesMethodIsNotDispatchedToTheBuildsSubclass() {
        JavaFileObject mine = JavaFileObjects.forSourceLines("demo.MyNormal",
                "package demo;",
                "",
                "public final class MyNormal extends org.apache.commons.math3.distribution.NormalDistribution {",
                "    @Override",
                "    public double density(double x) { return 0.5 * x; }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double m(org.apache.commons.math3.distribution.NormalDistribution d, double x) {",
                "        return d.density(x) * x;",
                "    }");
        Compilation c = compile(functions, mine);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through "
                + "NormalDistribution.density(double)").inFile(functions).onLine(8);
        assertNoCrash(c);
        assertNotGenerated(c, "m");
    }

    /**
     * An inner class's method reading its enclosing object's field: inlined, it could not reach it (a
     * file that did not compile once). An anonymous class reading them is read where it is created,
     * the fields its captures: accepted, as before (the refusal took it in once, found in review;
     * next test).
     */
    @Test
    void anInnerClassReadingItsEnclosingObjectsFieldIsRefused() {
        JavaFileObject outer = JavaFileObjects.forSourceLines("demo.Outer",
                "package demo;",
                "",
                "public class Outer {",
                "    double scale = 2.5;",
                "    public class Inner {",
                "        public double at(double u) { return scale * u * u; }",
                "    }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double m(Outer.Inner k, double x) {",
                "        return k.at(x);",
                "    }");
        Compilation c = compile(functions, outer);
        assertThat(c).hadErrorContaining("[AdjointUnsupportedExpression] cannot differentiate scale: it is a field of "
                + "the enclosing object of an inner class, which Adjoint does not reach from the inner object; make the "
                + "class static and give it the value").inFile(outer).onLine(6);
        assertNoCrash(c);
        assertNotGenerated(c, "m");
    }

    @Test
    void anAnonymousClassReadingItsEnclosingObjectsFieldIsRead() throws Exception {
        JavaFileObject holder = JavaFileObjects.forSourceLines("demo.Holder",
                "package demo;",
                "",
                "public final class Holder {",
                "    final double c;",
                "    public Holder(double c) { this.c = c; }",
                "    public double apply(double x) {",
                "        java.util.function.DoubleUnaryOperator q = new java.util.function.DoubleUnaryOperator() {",
                "            public double applyAsDouble(double t) { return c * t; }",
                "        };",
                "        return q.applyAsDouble(x) * x;",
                "    }",
                "}");
        JavaFileObject functions = functions(
                "    @Differentiable",
                "    static double m(double x) {",
                "        return new Holder(2.0).apply(x);",
                "    }");
        Compilation c = compile(functions, holder);
        assertThat(c).succeededWithoutWarnings();
        org.junit.jupiter.api.Assertions.assertEquals(4 * 0.7, Sources.gradient(c, "m", "x", 0.7), 1e-12);
    }

    /**
     * A method of a constant of exactly the superclass (static final BASE = new Base()), called
     * from the subclass's instance method that differentiates its fields: an object of exactly
     * Base is never this (a Tail), so the call is inlined, and the gradient is right.
     */
    @Test
    void methodOfAConstantOfTheSuperclassIsInlinedInASubclass() throws ReflectiveOperationException {
        JavaFileObject base = JavaFileObjects.forSourceLines("demo.Base",
                "package demo;",
                "",
                "public class Base {",
                "    protected double scale = 2;",
                "    public double op(double x) { return scale * x * x; }",
                "}");
        JavaFileObject tail = JavaFileObjects.forSourceLines("demo.Tail",
                "package demo;",
                "",
                "import dev.adjoint.Differentiable;",
                "",
                "public class Tail extends Base {",
                "    private static final Base BASE = new Base();",
                "    @Differentiable",
                "    public double f(double x) {",
                "        return scale * BASE.op(x);",
                "    }",
                "}");
        Compilation c = compile(tail, base);
        assertThat(c).succeededWithoutWarnings();
        ClassLoader loader = Sources.classLoader(c);
        Object self = loader.loadClass("demo.Tail").getConstructor().newInstance();
        Object g = loader.loadClass("demo.TailAdjoint").getMethod("fGradient", loader.loadClass("demo.Tail"),
                double.class).invoke(null, self, 0.5);
        // f = scale · 2x², this.scale = 2: ∂f/∂x = scale · 4x = 4, ∂f/∂scale = 2x² = 0.5
        org.junit.jupiter.api.Assertions.assertEquals(4.0, g.getClass().getField("x").getDouble(g), 1e-12);
        org.junit.jupiter.api.Assertions.assertEquals(0.5, g.getClass().getField("scale").getDouble(g), 1e-12);
    }
}
