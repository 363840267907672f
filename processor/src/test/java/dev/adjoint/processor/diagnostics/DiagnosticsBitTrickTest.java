package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertNoCrash;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;
import static dev.adjoint.processor.diagnostics.Sources.compile;
import static dev.adjoint.processor.diagnostics.Sources.functions;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The bits of a double (fence/Bits): read where they only decide tests (Commons Math's
 * {@code Precision.equals(x, y, maxUlps)}, copied as source, as its {@code ContinuedFraction} calls it;
 * a sign bit tested in the method itself), refused where they are made into a double again or go
 * where Adjoint does not follow them, and warned about where they become a number.
 */
class DiagnosticsBitTrickTest {

    private static final String MESSAGE = "[AdjointBitTrick] cannot differentiate through the bits of a double "
            + "(Double.doubleToRawLongBits(double)): a derivative cannot follow bit manipulation";

    /** Within {@code maxUlps} of each other, as Precision writes it: its bits only decide the result. */
    private static final String[] PRECISION = {
        "    private static boolean equals(final double x, final double y, final int maxUlps) {",
        "        final long xInt = Double.doubleToRawLongBits(x);",
        "        final long yInt = Double.doubleToRawLongBits(y);",
        "        final boolean isEqual;",
        "        if (((xInt ^ yInt) & 0x8000000000000000L) == 0L) {",
        "            isEqual = Math.abs(xInt - yInt) <= maxUlps;",
        "        } else {",
        "            isEqual = false;",
        "        }",
        "        return isEqual && !Double.isNaN(x) && !Double.isNaN(y);",
        "    }",
        "",
        "    private static boolean equals(double x, double y, double eps) {",
        "        return equals(x, y, 1) || Math.abs(y - x) <= eps;",
        "    }",
        ""};

    private static JavaFileObject withPrecision(String... members) {
        String[] lines = new String[PRECISION.length + members.length];
        System.arraycopy(PRECISION, 0, lines, 0, PRECISION.length);
        System.arraycopy(members, 0, lines, PRECISION.length, members.length);
        return functions(lines);
    }

    @Test
    void bitsThatOnlyDecideATestAreRead() throws Exception {
        Compilation c = compile(withPrecision(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double d = x * x - 0.5;",
                "        if (equals(d, 0.0, 1e-50)) {",
                "            d = 1e-50;",
                "        }",
                "        return 1 / d + x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        Sources.assertGradientMatchesFiniteDifferences(c, "f", 0.9);
        assertThat(Sources.gradient(c, "f", "x", 0.9)).isWithin(1e-9).of(-2 * 0.9 / Math.pow(0.81 - 0.5, 2) + 1);
    }

    @Test
    void aDoubleMadeOfBitsIsRefused() {
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x) & 0x000fffffffffffffL | 0x3ff0000000000000L;",
                "        return Double.longBitsToDouble(bits) * x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE).inFile(source).onLine(8);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void aPredicateThatWritesBitsIntoAnArrayIsRefused() {
        JavaFileObject source = functions(
                "    private static boolean split(double x, double[] out) {",
                "        out[0] = Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0xffffffff00000000L);",
                "        return out[0] != 0;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        double[] high = new double[1];",
                "        return split(x, high) ? high[0] * x : x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE).inFile(source).onLine(7);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void bitsComparedInTheMethodItselfAreRead() throws Exception {
        // a test of the sign bit, in the method itself: the bits only decide which branch runs
        Compilation c = compile(functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x);",
                "        return bits < 0 ? -x * x : x * x * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(Sources.gradient(c, "f", "x", -0.5)).isWithin(1e-12).of(1.0);
        assertThat(Sources.gradient(c, "f", "x", 0.5)).isWithin(1e-12).of(0.75);
    }

    @Test
    void bitsStoredInAnArrayAreRefused() {
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long[] kept = new long[1];",
                "        kept[0] = Double.doubleToRawLongBits(x) >>> 1;",
                "        return kept[0] > 0 ? x : -x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are stored in an element of kept").inFile(source)
                .onLine(9);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void bitsGivenToAMethodThatOnlyTestsThemAreRead() throws Exception {
        Compilation c = compile(functions(
                "    private static double scale(long bits, double x) {",
                "        return bits > 0 ? x : 2 * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x);",
                "        return scale(bits, x) * x;",
                "    }"));
        assertThat(c).succeededWithoutWarnings();
        assertThat(Sources.gradient(c, "f", "x", 0.5)).isWithin(1e-12).of(1.0);
        assertThat(Sources.gradient(c, "f", "x", -0.5)).isWithin(1e-12).of(-2.0);
    }

    @Test
    void bitsGivenToAMethodThatMakesADoubleOfThemAreRefused() {
        JavaFileObject source = functions(
                "    private static double scale(long bits, double x) {",
                "        return Double.longBitsToDouble(bits) * x;",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x) >>> 1 << 1;",
                "        return scale(bits, x);",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are given to").inFile(source).onLine(12);
        assertThat(c).hadErrorContaining("where they are made into a double again by Double.longBitsToDouble(long)");
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void thePowerOfTwoOfADoublesExponentIsRead() throws Exception {
        // sign and exponent kept, mantissa cleared: ±2^e, constant between powers of two
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x) & 0xfff0000000000000L;",
                "        return Double.longBitsToDouble(bits) * x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).succeeded();
        Sources.assertWarning(c, source, "return Double.longBitsToDouble(bits) * x;", "[AdjointLostDerivative]");
        assertThat(Sources.gradient(c, "f", "x", 3.0)).isWithin(0.0).of(2.0);
        assertThat(Sources.gradient(c, "f", "x", -0.75)).isWithin(0.0).of(-0.5);
    }

    @Test
    void bitsMadeIntoADoubleThroughAHelperAreRefusedWhereTheyAreRead() {
        JavaFileObject source = functions(
                "    private static long bitsOf(double x) {",
                "        return Double.doubleToRawLongBits(x);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Double.longBitsToDouble(bitsOf(x) & 0x7fffffffffffffffL) * x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are made into a double again by "
                + "Double.longBitsToDouble(long) (Functions.java:12)").inFile(source).onLine(7);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    /**
     * The mantissa's bits made into a number without Double.longBitsToDouble (a cast, a product):
     * the value scaled within its binade, whose derivative is not 0, refused (a wrong 0 once, only
     * warned about); the parity of x + 2^52 (below) is x rounded, a step every 1, still read.
     */
    @Test
    void theMantissaMadeIntoANumberIsRefused() {
        JavaFileObject cast = functions(
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        long b = Double.doubleToRawLongBits(x);",
                "        long m = (b & 0xFFFFFFFFFFFFFL) | (1L << 52);",
                "        int e = (int) ((b >>> 52) & 0x7FF) - 1075;",
                "        return Math.scalb((double) m, e) * y;",
                "    }");
        Compilation c = compile(cast);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are made into a number that follows the double's lowest "
                + "bits, whose derivative is not 0 (Functions.java:11)").inFile(cast).onLine(8);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
        JavaFileObject scaled = functions(
                "    private static long bitsOf(double v) {",
                "        return Double.doubleToRawLongBits(v);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x, double y) {",
                "        double m = (bitsOf(x) & 0xFFFFFFFFFFFFFL) * 0x1p-52;",
                "        return m * y;",
                "    }");
        Compilation d = compile(scaled);
        assertThat(d).hadErrorContaining(MESSAGE + ", and they are made into a number that follows the double's lowest "
                + "bits").inFile(scaled).onLine(7);
        assertNoCrash(d);
        assertNotGenerated(d, "f");
    }

    @Test
    void aNumberMadeOfBitsIsWarnedAbout() throws Exception {
        // fdlibm's sin_pi: y = n, a parity read from the low word, carries no derivative
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        int n = (int) Double.doubleToRawLongBits(x + 4503599627370496.0) & 1;",
                "        double y = n;",
                "        return Math.sin(x) + y * x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).succeeded();
        Sources.assertWarning(c, source, "double y = n;", "[AdjointLostDerivative] a number made of the bits of a "
                + "differentiated double (Double.doubleToRawLongBits(double)) drops its derivative (treated as 0)");
        assertThat(c).hadWarningCount(1);
        double x = 0.25; // n = 0 here
        assertThat(Sources.gradient(c, "f", "x", x)).isWithin(1e-12).of(Math.cos(x));
    }

    @Test
    void aPowerOfTwoMadeOfTheExponentIsRead() throws Exception {
        // a logarithm from the exponent and a mantissa scaled into [1, 2) by 2^-e, as fast-math libraries write it
        JavaFileObject source = functions(
                "    private static double twoPow(int power) {",
                "        return Double.longBitsToDouble(((long) (power + 1023)) << 52);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        int hi = (int) (Double.doubleToRawLongBits(x) >> 32);",
                "        int e = (hi >> 20) - 1023;",
                "        double m = x * twoPow(-e);",
                "        return e * 0.6931471805599453 + Math.log(m);",
                "    }");
        Compilation c = compile(source);
        assertThat(c).succeeded();
        Sources.assertWarning(c, source, "return Double.longBitsToDouble(((long) (power + 1023)) << 52);",
                "[AdjointLostDerivative] a number made of the bits");
        Sources.assertWarning(c, source, "return e * 0.6931471805599453 + Math.log(m);", "[AdjointLostDerivative]");
        for (double x : new double[] {0.3, 1.7, 6.0, 1000.5}) {
            assertThat(Sources.gradient(c, "f", "x", x)).isWithin(1e-12 / x).of(1 / x);
        }
    }

    @Test
    void bitsGivenToAHelperReadBeforeAreFollowedIntoIt() throws Exception {
        // Jafama's log1p: the integer helper is met first where no bits reach it (here a constant; there
        // log's body, inlined from dead code), then given the exponent. It was called as written the
        // second time, as if it were a recursion, and the bits given to it were refused.
        JavaFileObject source = functions(
                "    private static double twoPow(int power) {",
                "        return Double.longBitsToDouble(((long) (power + 1023)) << 52);",
                "    }",
                "",
                "    @Differentiable",
                "    static double f(double x) {",
                "        double eight = twoPow(3) * x;",
                "        int hi = (int) (Double.doubleToRawLongBits(x) >> 32) & 0x7FFFFFFF;",
                "        int e = (hi >> 20) - 1023;",
                "        double m = x * twoPow(-e);",
                "        return eight + e * 0.6931471805599453 + Math.log(m);",
                "    }");
        Compilation c = compile(source);
        assertThat(c).succeeded();
        Sources.assertWarning(c, source, "return eight + e * 0.6931471805599453 + Math.log(m);",
                "[AdjointLostDerivative]");
        for (double x : new double[] {0.3, 1.7, 6.0, 1000.5}) {
            assertThat(Sources.gradient(c, "f", "x", x)).isWithin(1e-12 * (8 + 1 / x)).of(8 + 1 / x);
        }
    }

    @Test
    void aDoubleKeepingItsHighWordIsRefused() {
        // fdlibm's split of x into a high part with the low word cleared: the mantissa's upper bits come back
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long hi = Double.doubleToRawLongBits(x) >>> 32;",
                "        double t = Double.longBitsToDouble(hi << 32);",
                "        return t * t + (x - t);",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are made into a double again").inFile(source).onLine(8);
        assertNoCrash(c);
        assertNotGenerated(c, "f");
    }

    @Test
    void bitsMadeIntoTextAreRefused() {
        // text can be parsed back into a number: the bits would come back with their derivative lost
        JavaFileObject source = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        long bits = Double.doubleToRawLongBits(x);",
                "        return Double.parseDouble(\"\" + (bits >>> 1)) * 0 + x;",
                "    }");
        Compilation c = compile(source);
        assertThat(c).hadErrorContaining(MESSAGE + ", and they are made into a String").inFile(source)
                .onLine(8);
        assertNoCrash(c);
    }

    /**
     * Methods of another class of the build that read a double's bits: one returning a boolean
     * (Commons Numbers' {@code DD.isNotNormal}) decides a test and is called as written; one
     * returning the bits (or a float's hash, which is its bits), or an integer made of them through
     * another method, would carry the number's value where Adjoint cannot follow it, and is refused
     * where a derivative reaches it.
     */
    @Test
    void anotherClassesMethodOfBitsIsCalledWhereItReturnsABooleanOnly() throws Exception {
        JavaFileObject lib = com.google.testing.compile.JavaFileObjects.forSourceLines("demo.Lib",
                "package demo;",
                "",
                "final class Lib {",
                "    private Lib() {}",
                "",
                "    static long bits(double x) {",
                "        return Double.doubleToRawLongBits(x);",
                "    }",
                "",
                "    static long halved(double x) {",
                "        return bits(x) >>> 1;",
                "    }",
                "",
                "    static boolean isNotNormal(double a) {",
                "        int e = ((int) (Double.doubleToRawLongBits(a) >>> 52)) & 0x7ff;",
                "        return e + (Integer.MIN_VALUE - 1) >= Integer.MIN_VALUE + 2046;",
                "    }",
                "",
                "    static int digits(double x) {",
                "        return Integer.numberOfLeadingZeros((int) x) + Long.signum((long) x);",
                "    }",
                "",
                "    static int hashed(double x) {",
                "        return Float.hashCode((float) x);",
                "    }",
                "",
                "    static final class Held {",
                "        final long v;",
                "",
                "        Held(double d) {",
                "            v = Double.doubleToRawLongBits(d);",
                "        }",
                "    }",
                "",
                "    static long kept(double d) {",
                "        return new Held(d).v;",
                "    }",
                "}");
        JavaFileObject tested = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double xy = x * x;",
                "        return Lib.isNotNormal(xy) ? xy - xy : xy * x + Lib.digits(x);",
                "    }");
        Compilation c = compile(tested, lib);
        assertThat(c).succeeded();
        assertThat(c).hadWarningCount(0);
        for (double x : new double[] {0.3, 1.7, 6.0}) {
            assertThat(Sources.gradient(c, "f", "x", x)).isWithin(1e-12 * 3 * x * x).of(3 * x * x);
        }
        JavaFileObject remade = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        double a = Double.longBitsToDouble(Lib.bits(x) + 1);",
                "        return a + Double.longBitsToDouble(Lib.halved(x) + 0x1FF8000000000000L);",
                "    }");
        Compilation d = compile(remade, lib);
        assertThat(d).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Lib.bits(double)")
                .inFile(remade).onLine(8);
        assertThat(d).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Lib.halved(double)")
                .inFile(remade).onLine(9);
        assertNoCrash(d);
        assertNotGenerated(d, "f");
        // Float.hashCode(f) is floatToIntBits(f): intBitsToFloat gives the number back; a constructor keeps the bits
        JavaFileObject hashed = functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return Float.intBitsToFloat(Lib.hashed(x)) + Double.longBitsToDouble(Lib.kept(x));",
                "    }");
        Compilation e = compile(hashed, lib);
        assertThat(e).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Lib.hashed(double)")
                .inFile(hashed).onLine(8);
        assertThat(e).hadErrorContaining("[AdjointUnsupportedCall] cannot differentiate through Lib.kept(double)")
                .inFile(hashed).onLine(8);
        assertNoCrash(e);
    }
}
