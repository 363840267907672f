package dev.adjoint.processor.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.corpus.Corpus.Case;
import dev.adjoint.processor.corpus.Corpus.RecordArg;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The corpus checker checked: hand-written adjoints, correct ones and ones with one defect each,
 * go through {@link CorpusChecker} without the processor. A correct adjoint must be accepted and
 * every defect must give a wrong verdict naming what is wrong; otherwise a corpus method could pass
 * with a broken derivative. Covers what the processor cannot produce today (instance methods,
 * records), so that those checks work the day it does.
 */
class CorpusCheckerTest {

    /**
     * {@code f(x, w) = x·Σw²} (scalar), {@code g(x, y) = (xy, x + y²)} (vector),
     * {@code k(t, z) = t.p·z + t.q²} (record) and {@code m(x, y) = x²y} (second order), with
     * adjoints written by hand. Markers
     * {@code /*NAME*&#47;...&#47;*END*&#47;} delimit the code a defect replaces.
     */
    private static final String STATIC = """
            package dev.adjoint.processor.corpus.fixtures;

            import dev.adjoint.Tensor;

            public final class HandmadeAdjoint {
                private HandmadeAdjoint() {}

                public static final class FGradient {
                    public double x;
                    public double[] w;

                    public void zero() {
                        x = 0;
                        java.util.Arrays.fill(w, 0);
                    }
                }

                public static FGradient fGradient(double x, double[] w) {
                    FGradient g = new FGradient();
                    g.w = new double[w.length];
                    fPullback(x, w, 1.0, g);
                    return g;
                }

                public static double fPullback(double x, double[] w, double seed, FGradient into) {
                    /*LENGTH*/if (into.w.length != w.length) {
                        throw new IllegalArgumentException("w");
                    }/*END*/
                    double s = 0;
                    for (double v : w) {
                        s += v * v;
                    }
                    /*ACCUMULATE*/into.x += seed * s;/*END*/
                    for (int i = 0; i < w.length; i++) {
                        into.w[i] += seed * /*GRADIENT*/2/*END*/ * x * w[i];
                    }
                    return /*VALUE*/x * s/*END*/;
                }

                public static Tensor f(Tensor x, Tensor w) {
                    double xv = x.item();
                    double[] wv = w.toArray();
                    return Tensor.function("FBackward", Handmade.f(xv, wv), (up, grads) -> {
                        FGradient g = new FGradient();
                        g.w = new double[wv.length];
                        fPullback(xv, wv, up[0], g);
                        grads[0][0] += g.x;
                        for (int i = 0; i < wv.length; i++) {
                            grads[1][i] += /*TAPE*/g.w[i]/*END*/;
                        }
                    }, x, w);
                }

                public static double fTangent(double x, double[] w, double dX, double[] dW) {
                    double s = 0;
                    double ds = 0;
                    for (int i = 0; i < w.length; i++) {
                        s += w[i] * w[i];
                        ds += 2 * w[i] * dW[i];
                    }
                    return /*TANGENT*/dX * s + x * ds/*END*/;
                }

                public static final class GGradient {
                    public double x;
                    public double y;

                    public void zero() {
                        x = 0;
                        y = 0;
                    }
                }

                public static double[][] gJacobian(double x, double y) {
                    return new double[][] {{y, x}, {1, /*JACOBIAN*/2 * y/*END*/}};
                }

                public static double[] gPullback(double x, double y, double[] seed, GGradient into) {
                    into.x += seed[0] * y + seed[1];
                    into.y += seed[0] * x + seed[1] * 2 * y;
                    return Handmade.g(x, y);
                }

                public static Tensor g(Tensor x, Tensor y) {
                    double xv = x.item();
                    double yv = y.item();
                    return Tensor.function("GBackward", Handmade.g(xv, yv), (up, grads) -> {
                        GGradient gr = new GGradient();
                        gPullback(xv, yv, up, gr);
                        grads[0][0] += gr.x;
                        grads[1][0] += gr.y;
                    }, x, y);
                }

                public static double[] gTangent(double x, double y, double dX, double dY) {
                    return new double[] {dX * y + x * dY, dX + 2 * y * dY};
                }

                public static final class MGradient {
                    public double x;
                    public double y;

                    public void zero() {
                        x = 0;
                        y = 0;
                    }
                }

                public static MGradient mGradient(double x, double y) {
                    MGradient g = new MGradient();
                    mPullback(x, y, 1.0, g);
                    return g;
                }

                public static double mPullback(double x, double y, double seed, MGradient into) {
                    into.x += seed * 2 * x * y;
                    into.y += seed * x * x;
                    return Handmade.m(x, y);
                }

                public static Tensor m(Tensor x, Tensor y) {
                    double xv = x.item();
                    double yv = y.item();
                    return Tensor.function("MBackward", Handmade.m(xv, yv), (up, grads) -> {
                        MGradient g = new MGradient();
                        mPullback(xv, yv, up[0], g);
                        grads[0][0] += g.x;
                        grads[1][0] += g.y;
                    }, x, y);
                }

                public static double mTangent(double x, double y, double dX, double dY) {
                    return 2 * x * y * dX + x * x * dY;
                }

                // H = [[2y, 2x], [2x, 0]]
                public static MGradient mHvp(double x, double y, double dX, double dY) {
                    MGradient g = new MGradient();
                    g.x = 2 * y * dX + /*HVP*/2 * x/*END*/ * dY;
                    g.y = 2 * x * dX;
                    return g;
                }

                public static double[][] mHessian(double x, double y) {
                    return new double[][] {{2 * y, 2 * x}, {/*HESSIAN*/2 * x/*END*/, 0}};
                }

                public static final class TermsGradient {
                    public double p;
                    public double q;
                }

                public static final class KGradient {
                    public TermsGradient t = new TermsGradient();
                    public double z;

                    public void zero() {
                        t.p = 0;
                        t.q = 0;
                        z = 0;
                    }
                }

                public static KGradient kGradient(Handmade.Terms t, double z) {
                    KGradient g = new KGradient();
                    kPullback(t, z, 1.0, g);
                    return g;
                }

                public static double kPullback(Handmade.Terms t, double z, double seed, KGradient into) {
                    into.t.p += seed * z;
                    into.t.q += seed * /*RECORD*/2 * t.q()/*END*/;
                    into.z += seed * t.p();
                    return Handmade.k(t, z);
                }
            }

            final class Handmade {
                record Terms(double p, double q) {}

                static double f(double x, double[] w) {
                    double s = 0;
                    for (double v : w) {
                        s += v * v;
                    }
                    return x * s;
                }

                static double[] g(double x, double y) {
                    return new double[] {x * y, x + y * y};
                }

                static double m(double x, double y) {
                    return x * x * y;
                }

                static double k(Terms t, double z) {
                    return t.p() * z + t.q() * t.q();
                }
            }
            """;

    /** {@code h(x) = a·x² + w[0]·x + w[1]} on a receiver with fields {@code a} and {@code w}. */
    private static final String INSTANCE = """
            package dev.adjoint.processor.corpus.fixtures;

            public final class Handmade_ScaledAdjoint {
                private Handmade_ScaledAdjoint() {}

                public static final class HGradient {
                    public double x;
                    public double a;
                    public double[] w;

                    public void zero() {
                        x = 0;
                        a = 0;
                        java.util.Arrays.fill(w, 0);
                    }
                }

                public static HGradient hGradient(Handmade.Scaled self, double x) {
                    HGradient g = new HGradient();
                    g.w = new double[self.w.length];
                    hPullback(self, x, 1.0, g);
                    return g;
                }

                public static double hPullback(Handmade.Scaled self, double x, double seed, HGradient into) {
                    if (into.w.length != self.w.length) {
                        throw new IllegalArgumentException("w");
                    }
                    /*GUARD*/if (self.getClass() != Handmade.Scaled.class) {
                        throw new UnsupportedOperationException(self.getClass().getName() + " overrides h(double)");
                    }/*END*/
                    into.x += seed * (2 * self.a * x + self.w[0]);
                    into.a += seed * /*RECEIVER*/x * x/*END*/;
                    into.w[0] += seed * x;
                    into.w[1] += seed;
                    return self.h(x);
                }
            }

            final class Handmade {
                static class Scaled {
                    final double a;
                    final double[] w;

                    Scaled(double a, double[] w) {
                        this.a = a;
                        this.w = w;
                    }

                    double h(double x) {
                        return a * x * x + w[0] * x + w[1];
                    }
                }

                static final class Doubled extends Scaled {
                    Doubled(double a, double[] w) {
                        super(a, w);
                    }

                    @Override
                    double h(double x) {
                        return 2 * super.h(x);
                    }
                }
            }
            """;

    /** What each defect replaces its marked code with, and what the verdict must then name. */
    private static final Map<String, List<String>> DEFECTS = Map.of(
            "LENGTH", List.of("", "one element too long"),
            "ACCUMULATE", List.of("into.x = seed * s;", "fPullback adds"),
            "GRADIENT", List.of("(i == 1 ? 2.00001 : 2)", "df/dw[1]"),
            "VALUE", List.of("Math.nextUp(x * s)", "fPullback returns"),
            "TAPE", List.of("2 * g.w[i]", "tape's gradient of w[0]"),
            "TANGENT", List.of("dX * s", "fTangent gives"),
            "JACOBIAN", List.of("2 * y + 1e-3", "df[1]/dy"),
            "RECORD", List.of("t.q()", "df/dt.q"),
            "HVP", List.of("2.00001 * x", "mHvp gives (H·v)[x]"),
            "HESSIAN", List.of("2 * x + 1e-9", "mHessian times v"));

    /** The source with every marker's code kept, except {@code defect}'s, replaced. */
    private static String apply(String source, String defect) {
        String out = source;
        if (defect != null) {
            String marker = "/*" + defect + "*/";
            int from = out.indexOf(marker);
            int to = out.indexOf("/*END*/", from);
            out = out.substring(0, from) + DEFECTS.get(defect).get(0) + out.substring(to + "/*END*/".length());
        }
        return out.replaceAll("/\\*[A-Z]+\\*/", "");
    }

    private static Outcome check(String adjointName, String source, Case c, String className) throws Exception {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile(CorpusSources.PACKAGE + "." + adjointName, source, false);
        assertTrue(result.success(), result.diagnosticsText());
        return new CorpusChecker(c, CorpusSources.PACKAGE + "." + className, List.of(), result.loader(), true)
                .check(List.of());
    }

    private static final Case F = Corpus.method("Handmade.f", "self-test").at(0.7, Corpus.v(0.3, -0.5, 0.8));
    private static final Case G = Corpus.method("Handmade.g", "self-test").at(0.7, -1.3);
    private static final Case M = Corpus.method("Handmade.m", "self-test").at(0.7, -1.3);
    private static final Case K = Corpus.method("Handmade.k", "self-test").at(new RecordArg("Terms", 0.4, -0.9), 1.7);
    private static final Case H = Corpus.method("Handmade.Scaled.h", "self-test")
            .on(Corpus.ctor(0.6, Corpus.v(-0.2, 1.1)), 0.8);

    @Test
    void correctAdjointsAreAccepted() throws Exception {
        for (Case c : List.of(F, G, K, M)) {
            Outcome o = check("HandmadeAdjoint", apply(STATIC, null), c, "Handmade");
            assertEquals(Outcome.Kind.ACCEPTED, o.kind(), c.key() + ": " + o.describe());
            assertTrue(o.maxError() < 1e-8, c.key() + ": " + o.describe());
        }
        Outcome o = check("Handmade_ScaledAdjoint", apply(INSTANCE, null), H, "Handmade$Scaled");
        assertEquals(Outcome.Kind.ACCEPTED, o.kind(), o.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"LENGTH", "ACCUMULATE", "GRADIENT", "VALUE", "TAPE", "TANGENT", "JACOBIAN", "RECORD", "HVP",
        "HESSIAN"})
    void everyDefectIsWrong(String defect) throws Exception {
        Case c = defect.equals("JACOBIAN") ? G : defect.equals("RECORD") ? K
                : defect.equals("HVP") || defect.equals("HESSIAN") ? M : F;
        Outcome o = check("HandmadeAdjoint", apply(STATIC, defect), c, "Handmade");
        assertEquals(Outcome.Kind.WRONG, o.kind(), defect + ": " + o.describe());
        assertTrue(o.message().contains(DEFECTS.get(defect).get(1)), defect + ": " + o.describe());
    }

    @Test
    void aWrongReceiverGradientIsWrong() throws Exception {
        String source = INSTANCE.replaceAll("/\\*RECEIVER\\*/x \\* x/\\*END\\*/", "x");
        Outcome o = check("Handmade_ScaledAdjoint", source, H, "Handmade$Scaled");
        assertEquals(Outcome.Kind.WRONG, o.kind(), o.describe());
        assertTrue(o.message().contains("df/dthis.a"), o.describe());
    }

    /**
     * A receiver overriding the method the derivative was generated from must be refused at run
     * time: refused, the point passes; differentiated as the base class, it is wrong.
     */
    @Test
    void aSubclassOverridingTheMethodMustBeRefusedAtRunTime() throws Exception {
        Case refused = Corpus.method("Handmade.Scaled.h", "self-test").on(Corpus.ctor(0.6, Corpus.v(-0.2, 1.1)), 0.8)
                .refusedOnSubclass("dev.adjoint.processor.corpus.fixtures.Handmade$Doubled",
                        Corpus.ctor(0.6, Corpus.v(-0.2, 1.1)), 0.8);
        Outcome guarded = check("Handmade_ScaledAdjoint", apply(INSTANCE, null), refused, "Handmade$Scaled");
        assertEquals(Outcome.Kind.ACCEPTED, guarded.kind(), guarded.describe());
        String unguarded = INSTANCE.replaceAll("(?s)/\\*GUARD\\*/.*?/\\*END\\*/", "");
        Outcome o = check("Handmade_ScaledAdjoint", apply(unguarded, null), refused, "Handmade$Scaled");
        assertEquals(Outcome.Kind.WRONG, o.kind(), o.describe());
        assertTrue(o.message().contains("hGradient returned") && o.message().contains("expected an "
                + "UnsupportedOperationException"), o.describe());
    }

    /** A tiny gradient error is measured against the gradient's scale, not an absolute floor. */
    @Test
    void scaleIsRelativeToTheLargestComponent() {
        assertEquals(2.0, CorpusChecker.scale(2.0, 2.0));
        assertEquals(1e-3, CorpusChecker.scale(0.0, 1.0));
        assertEquals(1e-12, CorpusChecker.scale(0.0, 0.0));
    }
}
