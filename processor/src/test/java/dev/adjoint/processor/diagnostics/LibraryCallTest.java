package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;
import static dev.adjoint.processor.diagnostics.Sources.assertNotGenerated;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.AdjointProcessor;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls of {@code @Differentiable} methods from a library compiled earlier: the library is built
 * in a first compilation (without {@code -parameters}, as most jars are), its classes are put on
 * the class path of a second one, and the caller's gradient is checked by running it.
 */
class LibraryCallTest {

    private static final JavaFileObject LIBRARY = JavaFileObjects.forSourceLines("lib.Special",
            "package lib;",
            "",
            "import dev.adjoint.Differentiable;",
            "",
            "public final class Special {",
            "    @Differentiable(order = 2)",
            "    public static double cube(double x) {",
            "        return x * x * x;",
            "    }",
            "",
            "    @Differentiable",
            "    public static double square(double x) {",
            "        return x * x;",
            "    }",
            "",
            "    @Differentiable(order = 2)",
            "    public static double weighted(double[] w, double[] x) {",
            "        double s = 0;",
            "        for (int i = 0; i < w.length; i++) {",
            "            s += w[i] * x[i];",
            "        }",
            "        return s;",
            "    }",
            "",
            "    @Differentiable",
            "    public static double scaleInPlace(double[] v, double by) {",
            "        v[0] = v[0] * by;",
            "        return v[0];",
            "    }",
            "}");

    @TempDir
    Path dir;

    @Test
    void callsIntoALibraryUseItsGeneratedAdjoint() throws Exception {
        Path library = build(Compiler.javac().withProcessors(new AdjointProcessor()), "library", LIBRARY);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable(order = 2)",
                "    public static double f(double x, double[] w) {",
                "        double[] xs = new double[w.length];",
                "        for (int i = 0; i < w.length; i++) {",
                "            xs[i] = x * i;",
                "        }",
                "        return lib.Special.cube(x) + lib.Special.weighted(w, xs);",
                "    }");
        Compilation c = client(library).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(library, client)) {
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            double x = 0.7;
            double[] w = {0.5, -1.0, 2.0};
            Object g = adjoint.getMethod("fGradient", double.class, double[].class).invoke(null, x, w);
            // f = x³ + Σ w_i · x·i: ∂f/∂x = 3x² + Σ i·w_i, ∂f/∂w_i = x·i
            assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-12).of(3 * x * x + (0 * 0.5 - 1.0 + 4.0));
            assertThat((double[]) g.getClass().getField("w").get(g)).usingTolerance(1e-12)
                    .containsExactly(0.0, x, 2 * x).inOrder();
            // forward mode and forward over reverse go through the library's fTangent and fPullbackTangent
            double dX = 0.3;
            double[] dW = {1.0, -2.0, 0.5};
            double tangent = (double) adjoint.getMethod("fTangent", double.class, double[].class, double.class,
                    double[].class).invoke(null, x, w, dX, dW);
            assertThat(tangent).isWithin(1e-12).of((3 * x * x + 3.0) * dX + x * (-2.0) + 2 * x * 0.5);
            Object hv = adjoint.getMethod("fHvp", double.class, double[].class, double.class, double[].class)
                    .invoke(null, x, w, dX, dW);
            // ∂²f/∂x² = 6x, ∂²f/∂x∂w_i = i, ∂²f/∂w² = 0
            assertThat(hv.getClass().getField("x").getDouble(hv)).isWithin(1e-12).of(6 * x * dX + (-2.0 + 2 * 0.5));
            assertThat((double[]) hv.getClass().getField("w").get(hv)).usingTolerance(1e-12)
                    .containsExactly(0.0, dX, 2 * dX).inOrder();
        }
    }

    @Test
    void aLibraryMethodThatWritesItsArrayIsRefused() throws Exception {
        Path library = build(Compiler.javac().withProcessors(new AdjointProcessor()), "library", LIBRARY);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double x, double[] w) {",
                "        return lib.Special.scaleInPlace(w, x) * x;",
                "    }");
        Compilation c = client(library).compile(caller);
        assertOnlyError(c, caller, "return lib.Special.scaleInPlace(w, x) * x;",
                "[AdjointUnsupportedCall] cannot differentiate through Special.scaleInPlace(double[], double): it "
                        + "writes to its array parameter v, and the reverse sweep runs it again");
        assertNotGenerated(c, "f");
    }

    @Test
    void secondOrderThroughALibraryMethodCompiledWithoutItIsAnErrorAtTheCall() throws Exception {
        Path library = build(Compiler.javac().withProcessors(new AdjointProcessor()), "library", LIBRARY);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable(order = 2)",
                "    static double f(double x) {",
                "        return lib.Special.square(x) * x;",
                "    }");
        Compilation c = client(library).compile(caller);
        assertOnlyError(c, caller, "return lib.Special.square(x) * x;",
                "[AdjointNoSecondOrder] no second-order members for f: it calls square, compiled without them; "
                        + "rebuild it with @Differentiable(order = 2)");
    }

    @Test
    void aLibraryCompiledWithoutTheProcessorIsAClearError() throws Exception {
        Path library = build(Compiler.javac().withProcessors(), "plain", LIBRARY);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        return lib.Special.cube(x);",
                "    }");
        Compilation c = client(library).compile(caller);
        assertOnlyError(c, caller, "return lib.Special.cube(x);",
                "[AdjointMissingAdjoint] cannot differentiate through Special.cube: it is @Differentiable but its "
                        + "adjoint class lib.SpecialAdjoint is not on the class path; compile Special with the Adjoint "
                        + "processor");
    }

    /**
     * The checks and comparisons of well-known libraries, from their jars (here stand-ins compiled
     * first, whose class files Adjoint could not prove read-only: they count their calls in a static
     * field): on the documented list, they only read, so differentiated arrays and values may be
     * passed to them.
     */
    @Test
    void documentedLibraryChecksOnlyRead() throws Exception {
        Path commons = build(Compiler.javac(), "commons", JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.util.MathArrays",
                "package org.apache.commons.math3.util;",
                "",
                "public final class MathArrays {",
                "    static int checks;",
                "    private MathArrays() {}",
                "    public static void checkEqualLength(double[] a, double[] b) {",
                "        checks++;",
                "        if (a.length != b.length) {",
                "            throw new IllegalArgumentException(a.length + \" != \" + b.length);",
                "        }",
                "    }",
                "}"), JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.util.Precision",
                "package org.apache.commons.math3.util;",
                "",
                "public final class Precision {",
                "    static int comparisons;",
                "    private Precision() {}",
                "    public static boolean equals(double x, double y, double eps) {",
                "        comparisons++;",
                "        return Math.abs(y - x) <= eps;",
                "    }",
                "}"));
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double[] w, double[] x) {",
                "        org.apache.commons.math3.util.MathArrays.checkEqualLength(w, x);",
                "        double s = 0;",
                "        for (int i = 0; i < w.length; i++) {",
                "            s += org.apache.commons.math3.util.Precision.equals(w[i], 0, 1e-12) ? 0 : w[i] * x[i];",
                "        }",
                "        return s;",
                "    }");
        Compilation c = client(commons).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(commons, client)) {
            Object g = loader.loadClass(Sources.FUNCTIONS_ADJOINT).getMethod("fGradient", double[].class, double[].class)
                    .invoke(null, new double[] {0.5, 2.0}, new double[] {3.0, -1.0});
            assertThat((double[]) g.getClass().getField("w").get(g)).usingTolerance(1e-12).containsExactly(3.0, -1.0)
                    .inOrder();
            assertThat((double[]) g.getClass().getField("x").get(g)).usingTolerance(1e-12).containsExactly(0.5, 2.0)
                    .inOrder();
        }
    }

    /**
     * Special functions of Commons Math 3 from its jar (stand-ins compiled first: Lanczos' log Γ,
     * digamma by its asymptotic series, erf by its Taylor series): differentiated by the built-in
     * partials, the library's digamma for log Γ, 2/√π·e^(−x²) for erf, ψ(a) − ψ(a + b) for log B.
     */
    @Test
    void specialFunctionsOfALibraryHaveBuiltInDerivatives() throws Exception {
        Path commons = build(Compiler.javac(), "special", JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.special.Gamma",
                "package org.apache.commons.math3.special;",
                "",
                "public final class Gamma {",
                "    private static final double[] C = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,",
                "        771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012,",
                "        9.9843695780195716e-6, 1.5056327351493116e-7};",
                "    private Gamma() {}",
                "    public static double logGamma(double x) {",
                "        double z = x - 1;",
                "        double a = C[0];",
                "        double t = z + 7.5;",
                "        for (int i = 1; i < 9; i++) {",
                "            a += C[i] / (z + i);",
                "        }",
                "        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);",
                "    }",
                "    public static double digamma(double x) {",
                "        double r = 0;",
                "        while (x < 6) {",
                "            r -= 1 / x;",
                "            x += 1;",
                "        }",
                "        double f = 1 / (x * x);",
                "        return r + Math.log(x) - 0.5 / x",
                "            - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));",
                "    }",
                "}"), JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.special.Erf",
                "package org.apache.commons.math3.special;",
                "",
                "public final class Erf {",
                "    private Erf() {}",
                "    public static double erf(double x) {",
                "        double term = x;",
                "        double sum = x;",
                "        for (int n = 1; n < 60; n++) {",
                "            term *= -x * x / n;",
                "            sum += term / (2 * n + 1);",
                "        }",
                "        return 2 / Math.sqrt(Math.PI) * sum;",
                "    }",
                "}"), JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.special.Beta",
                "package org.apache.commons.math3.special;",
                "",
                "public final class Beta {",
                "    private Beta() {}",
                "    public static double logBeta(double a, double b) {",
                "        return Gamma.logGamma(a) + Gamma.logGamma(b) - Gamma.logGamma(a + b);",
                "    }",
                "}"));
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double a, double x) {",
                "        return org.apache.commons.math3.special.Gamma.logGamma(a * x)",
                "            + a * org.apache.commons.math3.special.Erf.erf(x - 0.5)",
                "            + org.apache.commons.math3.special.Beta.logBeta(a, x + 1);",
                "    }");
        Compilation c = client(commons).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(commons, client)) {
            java.lang.reflect.Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            for (double[] p : new double[][] {{1.3, 0.8}, {2.5, 1.7}, {0.9, 0.2}}) {
                Object g = adjoint.getMethod("fGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-6;
                double da = ((double) f.invoke(null, p[0] + h, p[1]) - (double) f.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) f.invoke(null, p[0], p[1] + h) - (double) f.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(g.getClass().getField("a").getDouble(g)).isWithin(1e-7).of(da);
                assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-7).of(dx);
            }
        }
    }

    /**
     * FastMath's asinh, acosh and atanh, and pow(double, int), which Math lacks, from a jar (stand-ins
     * by their logarithmic forms, pow by products): built-in derivatives, against central
     * differences, forward mode too.
     */
    @Test
    void inverseHyperbolicFunctionsOfFastMathHaveBuiltInDerivatives() throws Exception {
        Path fastMath = build(Compiler.javac(), "fastmath", JavaFileObjects.forSourceLines("org.hipparchus.util.FastMath",
                "package org.hipparchus.util;",
                "",
                "public final class FastMath {",
                "    private FastMath() {}",
                "    public static double asinh(double x) {",
                "        return Math.log(x + Math.sqrt(x * x + 1));",
                "    }",
                "    public static double acosh(double x) {",
                "        return Math.log(x + Math.sqrt(x * x - 1));",
                "    }",
                "    public static double atanh(double x) {",
                "        return 0.5 * Math.log((1 + x) / (1 - x));",
                "    }",
                "    public static double exp(double x) {",
                "        return Math.exp(x);",
                "    }",
                "    public static double pow(double x, int n) {",
                "        double p = 1;",
                "        for (int i = 0; i < Math.abs(n); i++) {",
                "            p *= x;",
                "        }",
                "        return n < 0 ? 1 / p : p;",
                "    }",
                "}"));
        // and pow(double, int), which Math lacks too (Orekit's Lambert solver: pow(sigma / y, 3))
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double a, double x) {",
                "        int n = 3;",
                "        return org.hipparchus.util.FastMath.asinh(a * x) + org.hipparchus.util.FastMath.acosh(1 + x * x)",
                "            * a + org.hipparchus.util.FastMath.atanh(Math.tanh(a) * 0.9) + org.hipparchus.util.FastMath.exp(x)",
                "            + org.hipparchus.util.FastMath.pow(a / x, 3) + org.hipparchus.util.FastMath.pow(x, n - 5);",
                "    }");
        Compilation c = client(fastMath).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(fastMath, client)) {
            java.lang.reflect.Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            java.lang.reflect.Method tangent = adjoint.getMethod("fTangent", double.class, double.class, double.class,
                    double.class);
            for (double[] p : new double[][] {{1.3, 0.8}, {-0.4, 1.7}, {0.2, -0.6}}) {
                Object g = adjoint.getMethod("fGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-6;
                double da = ((double) f.invoke(null, p[0] + h, p[1]) - (double) f.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) f.invoke(null, p[0], p[1] + h) - (double) f.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(g.getClass().getField("a").getDouble(g)).isWithin(1e-7).of(da);
                assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-7).of(dx);
                assertThat((double) tangent.invoke(null, p[0], p[1], 0.3, -0.7)).isWithin(1e-7).of(0.3 * da - 0.7 * dx);
            }
        }
    }

    /**
     * Γ, log Γ(1 + x) and 1/Γ(1 + x) − 1 of Hipparchus, and Γ, log Γ(1 + x), 1/Γ(1 + x) − 1 and
     * log B of Commons Numbers, from their jars (stand-ins: Lanczos' Γ, reflected below 0), as a
     * library's own code calls them (log B through log Γ(1 + x), a density through Γ): their
     * built-in derivatives against central differences, Γ's on both sides of 0.
     */
    @Test
    void gammaAndItsShiftedFormsOfALibraryHaveBuiltInDerivatives() throws Exception {
        String lanczos = String.join("\n",
                "    private static final double[] C = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,",
                "        771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012,",
                "        9.9843695780195716e-6, 1.5056327351493116e-7};",
                "    static double gammaOf(double x) {",
                "        if (x < 0) {",
                "            return Math.PI / (Math.sin(Math.PI * x) * gammaOf(1 - x));",
                "        }",
                "        double z = x - 1;",
                "        double a = C[0];",
                "        double t = z + 7.5;",
                "        for (int i = 1; i < 9; i++) {",
                "            a += C[i] / (z + i);",
                "        }",
                "        return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;",
                "    }");
        Path libraries = build(Compiler.javac(), "gamma", JavaFileObjects.forSourceLines("org.hipparchus.special.Gamma",
                "package org.hipparchus.special;",
                "",
                "public final class Gamma {",
                lanczos,
                "    private Gamma() {}",
                "    public static double gamma(double x) {",
                "        return gammaOf(x);",
                "    }",
                "    public static double logGamma1p(double x) {",
                "        return Math.log(gammaOf(1 + x));",
                "    }",
                "    public static double invGamma1pm1(double x) {",
                "        return 1 / gammaOf(1 + x) - 1;",
                "    }",
                "}"), JavaFileObjects.forSourceLines("org.apache.commons.numbers.gamma.Gamma",
                "package org.apache.commons.numbers.gamma;",
                "",
                "public final class Gamma {",
                lanczos,
                "    private Gamma() {}",
                "    public static double value(double x) {",
                "        return gammaOf(x);",
                "    }",
                "}"), JavaFileObjects.forSourceLines("org.apache.commons.numbers.gamma.LogGamma1p",
                "package org.apache.commons.numbers.gamma;",
                "",
                "public final class LogGamma1p {",
                "    private LogGamma1p() {}",
                "    public static double value(double x) {",
                "        return Math.log(Gamma.value(1 + x));",
                "    }",
                "}"), JavaFileObjects.forSourceLines("org.apache.commons.numbers.gamma.InvGamma1pm1",
                "package org.apache.commons.numbers.gamma;",
                "",
                "public final class InvGamma1pm1 {",
                "    private InvGamma1pm1() {}",
                "    public static double value(double x) {",
                "        return 1 / Gamma.value(1 + x) - 1;",
                "    }",
                "}"), JavaFileObjects.forSourceLines("org.apache.commons.numbers.gamma.LogBeta",
                "package org.apache.commons.numbers.gamma;",
                "",
                "public final class LogBeta {",
                "    private LogBeta() {}",
                "    public static double value(double a, double b) {",
                "        return Math.log(Gamma.value(a) * Gamma.value(b) / Gamma.value(a + b));",
                "    }",
                "}"));
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double a, double x) {",
                "        double shape = org.hipparchus.special.Gamma.gamma(a) * x;",
                "        double shifted = org.hipparchus.special.Gamma.logGamma1p(x - 1) + a * org.hipparchus.special.Gamma",
                "            .invGamma1pm1(x - 1.2);",
                "        return shape + shifted + org.apache.commons.numbers.gamma.Gamma.value(a - x)",
                "            + org.apache.commons.numbers.gamma.LogGamma1p.value(a * x - 0.5)",
                "            + org.apache.commons.numbers.gamma.InvGamma1pm1.value(x - a)",
                "            + org.apache.commons.numbers.gamma.LogBeta.value(a, 2 * x);",
                "    }");
        Compilation c = client(libraries).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(libraries, client)) {
            java.lang.reflect.Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            // a − x runs through (−1, 0) and (0, 1) and above: Γ on both sides of its pole at 0
            for (double[] p : new double[][] {{1.3, 0.8}, {1.1, 1.7}, {0.9, 1.2}, {2.6, 1.4}}) {
                Object g = adjoint.getMethod("fGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-6;
                double da = ((double) f.invoke(null, p[0] + h, p[1]) - (double) f.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) f.invoke(null, p[0], p[1] + h) - (double) f.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(g.getClass().getField("a").getDouble(g)).isWithin(1e-6 * Math.max(1, Math.abs(da))).of(da);
                assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-6 * Math.max(1, Math.abs(dx))).of(dx);
            }
        }
    }

    /**
     * The regularized incomplete gamma and beta functions of Commons Math 3 from its jar (stand-ins:
     * P by its series, I by Simpson's rule, used where the integrand is smooth): differentiated in x
     * and in their shape parameters by the built-in derivatives, in every overload.
     */
    @Test
    void incompleteGammaAndBetaOfALibraryHaveBuiltInDerivativesInXAndTheirShapes() throws Exception {
        Path commons = build(Compiler.javac(), "incomplete", JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.special.Gamma",
                "package org.apache.commons.math3.special;",
                "",
                "public final class Gamma {",
                "    private Gamma() {}",
                "    public static double logGamma(double x) {",
                "        double shift = 0;",
                "        while (x < 12) {",
                "            shift -= Math.log(x);",
                "            x += 1;",
                "        }",
                "        double f = 1 / (x * x);",
                "        return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI)",
                "            + (1.0 / 12 - f * (1.0 / 360 - f * (1.0 / 1260 - f / 1680))) / x;",
                "    }",
                "    public static double regularizedGammaP(double a, double x) {",
                "        double term = 1 / a;",
                "        double sum = term;",
                "        for (int n = 1; n < 2000 && term > 1e-18 * sum; n++) {",
                "            term *= x / (a + n);",
                "            sum += term;",
                "        }",
                "        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * sum;",
                "    }",
                "    public static double regularizedGammaP(double a, double x, double epsilon, int maxIterations) {",
                "        return regularizedGammaP(a, x);",
                "    }",
                "    public static double regularizedGammaQ(double a, double x) {",
                "        return 1 - regularizedGammaP(a, x);",
                "    }",
                "    public static double regularizedGammaQ(double a, double x, double epsilon, int maxIterations) {",
                "        return 1 - regularizedGammaP(a, x);",
                "    }",
                "}"), JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.special.Beta",
                "package org.apache.commons.math3.special;",
                "",
                "public final class Beta {",
                "    private Beta() {}",
                "    public static double regularizedBeta(double x, double a, double b) {",
                "        int n = 4000;",
                "        double h = x / n;",
                "        double sum = 0;",
                "        for (int i = 0; i <= n; i++) {",
                "            double t = i * h;",
                "            double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;",
                "            sum += w * Math.pow(t, a - 1) * Math.pow(1 - t, b - 1);",
                "        }",
                "        double logB = Gamma.logGamma(a) + Gamma.logGamma(b) - Gamma.logGamma(a + b);",
                "        return sum * h / 3 * Math.exp(-logB);",
                "    }",
                "    public static double regularizedBeta(double x, double a, double b, double epsilon) {",
                "        return regularizedBeta(x, a, b);",
                "    }",
                "    public static double regularizedBeta(double x, double a, double b, int maxIterations) {",
                "        return regularizedBeta(x, a, b);",
                "    }",
                "    public static double regularizedBeta(double x, double a, double b, double epsilon, int maxIterations) {",
                "        return regularizedBeta(x, a, b);",
                "    }",
                "}"));
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double a, double x) {",
                "        return org.apache.commons.math3.special.Gamma.regularizedGammaP(2.5, x * a)",
                "            + a * org.apache.commons.math3.special.Gamma.regularizedGammaQ(1.5, x, 1e-14, 1000)",
                "            + org.apache.commons.math3.special.Gamma.regularizedGammaQ(0.7, a)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(x / 4, 3.5, 2.5)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(a / 5, 2.0, 3.0, 1e-14)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(x / 6, 3.0, 1.5, 100)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(a * x / 9, 1.0, 2.0, 1e-14, 100)",
                "            + org.apache.commons.math3.special.Gamma.regularizedGammaP(3.0, x, 1e-14, 100);",
                "    }");
        Compilation c = client(commons).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = loader(commons, client)) {
            java.lang.reflect.Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            for (double[] p : new double[][] {{1.3, 0.8}, {2.5, 1.7}, {0.9, 0.2}, {3.1, 2.9}}) {
                Object g = adjoint.getMethod("fGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-5;
                double da = ((double) f.invoke(null, p[0] + h, p[1]) - (double) f.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) f.invoke(null, p[0], p[1] + h) - (double) f.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(g.getClass().getField("a").getDouble(g)).isWithin(1e-7).of(da);
                assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-7).of(dx);
                double tangent = (double) adjoint.getMethod("fTangent", double.class, double.class, double.class,
                        double.class).invoke(null, p[0], p[1], 0.3, -0.7);
                assertThat(tangent).isWithin(1e-7).of(0.3 * da - 0.7 * dx);
            }
        }

        // the shape parameters too: P's and Q's in a, I's in a and b (Special's series and continued fractions)
        JavaFileObject shapes = Sources.functions(
                "    @Differentiable",
                "    public static double g(double a, double x) {",
                "        return org.apache.commons.math3.special.Gamma.regularizedGammaP(a, x)",
                "            + org.apache.commons.math3.special.Gamma.regularizedGammaQ(a * 0.5, x, 1e-15, 1000)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(0.3, a, x)",
                "            + org.apache.commons.math3.special.Beta.regularizedBeta(0.45, x + 1.0, 2.0, 1e-15);",
                "    }");
        Compilation withShapes = client(commons).compile(shapes);
        assertThat(withShapes).succeededWithoutWarnings();
        Path shapesClient = write(withShapes, "shapes");
        try (URLClassLoader loader = loader(commons, shapesClient)) {
            java.lang.reflect.Method g = loader.loadClass(Sources.FUNCTIONS).getMethod("g", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            // Q's continued fraction (x > a/2 + 1) and P's series (x < a + 1) both, I below and above its mean
            // (the stand-in's Simpson rule is accurate where t^(a-1), near 0, is smooth: first shape above 2)
            for (double[] p : new double[][] {{2.2, 1.2}, {2.5, 1.7}, {3.1, 4.2}, {6.0, 2.9}}) {
                Object gradient = adjoint.getMethod("gGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-5;
                double da = ((double) g.invoke(null, p[0] + h, p[1]) - (double) g.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) g.invoke(null, p[0], p[1] + h) - (double) g.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(gradient.getClass().getField("a").getDouble(gradient)).isWithin(1e-7).of(da);
                assertThat(gradient.getClass().getField("x").getDouble(gradient)).isWithin(1e-7).of(dx);
            }
        }
    }

    /**
     * Methods of a jar that are not read-only, each for a reason its class file shows: given a
     * differentiated array, they stay refused, and the message says what Adjoint found.
     */
    private static final JavaFileObject TOOLS = JavaFileObjects.forSourceLines("jar.Tools",
            "package jar;",
            "",
            "public final class Tools {",
            "    private Tools() {}",
            "",
            "    public static void clip(double[] a) {",
            "        for (int i = 0; i < a.length; i++) {",
            "            a[i] = Math.max(a[i], 0);",
            "        }",
            "    }",
            "",
            "    public static void checkAndReset(double[] a) {",
            "        if (a.length == 0) {",
            "            throw new IllegalArgumentException(\"empty\");",
            "        }",
            "        reset(a);",
            "    }",
            "",
            "    private static void reset(double[] a) {",
            "        java.util.Arrays.fill(a, 0);",
            "    }",
            "",
            "    static int checks;",
            "",
            "    public static void checkRange(double v, double lo, double hi) {",
            "        checks++;",
            "        if (v < lo || v > hi) {",
            "            throw new IllegalArgumentException(v + \" is outside [\" + lo + \", \" + hi + \"]\");",
            "        }",
            "    }",
            "",
            "    public static double largest(double[] a) {",
            "        double m = a[0];",
            "        for (double v : a) {",
            "            m = Math.max(m, v);",
            "        }",
            "        return m;",
            "    }",
            "}");

    @Test
    void aJarMethodWritingItsArrayIsRefusedWithWhatItWrites() throws Exception {
        Path jar = build(Compiler.javac(), "tools", TOOLS);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        jar.Tools.clip(w);",
                "        return w[0] * w[1];",
                "    }");
        Compilation c = client(jar).compile(caller);
        assertOnlyError(c, caller, "jar.Tools.clip(w);",
                "[AdjointUnsupportedCall] cannot pass the differentiated array w to Tools.clip(double[]): Adjoint "
                        + "could not prove that it only reads it (Tools.clip(double[]) writes an element of an array it "
                        + "did not create); annotate that method @Differentiable, pass it the values it needs, or wrap "
                        + "the array in Adjoint.stopGradient(w) if the call only reads it");
        assertNotGenerated(c, "f");
    }

    @Test
    void aJarCheckWritingThroughAHelperIsRefusedWithTheChain() throws Exception {
        Path jar = build(Compiler.javac(), "tools", TOOLS);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        double s = w[0] * w[0];",
                "        jar.Tools.checkAndReset(w);",
                "        return s;",
                "    }");
        Compilation c = client(jar).compile(caller);
        assertOnlyError(c, caller, "jar.Tools.checkAndReset(w);",
                "[AdjointUnsupportedCall] cannot pass the differentiated array w to Tools.checkAndReset(double[]): "
                        + "Adjoint could not prove that it only reads it (Tools.checkAndReset(double[]) calls "
                        + "Tools.reset(double[]), which calls Arrays.fill(double[], double), which is a JDK method not "
                        + "on the list of those known to only read)");
        assertNotGenerated(c, "f");
    }

    @Test
    void aJarMethodReturningANumberOfTheArrayIsRefused() throws Exception {
        Path jar = build(Compiler.javac(), "tools", TOOLS);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        double m = jar.Tools.largest(w);",
                "        return m * w[0];",
                "    }");
        Compilation c = client(jar).compile(caller);
        assertOnlyError(c, caller, "double m = jar.Tools.largest(w);",
                "[AdjointUnsupportedCall] cannot pass the differentiated array w to Tools.largest(double[]): Adjoint "
                        + "could not prove that it only reads it (it writes nothing, but its double result may carry "
                        + "the array's derivative)");
    }

    @Test
    void aJarCheckOfANumberThatWritesAStaticFieldIsRefusedWithWhy() throws Exception {
        Path jar = build(Compiler.javac(), "tools", TOOLS);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double x) {",
                "        jar.Tools.checkRange(x, 0, 1);",
                "        return x * x;",
                "    }");
        Compilation c = client(jar).compile(caller);
        assertOnlyError(c, caller, "jar.Tools.checkRange(x, 0, 1);",
                "[AdjointUnsupportedCall] cannot differentiate through Tools.checkRange(double, double, double): Adjoint "
                        + "could not prove that it only reads its arguments (Tools.checkRange(double, double, double) "
                        + "writes the static field Tools.checks); annotate it @Differentiable",
                "wrap the argument in Adjoint.stopGradient(...) if no derivative should flow through the call");
        assertNotGenerated(c, "f");
    }

    @Test
    void stopGradientIsTheWayOutOfAJarMethodNotProvenReadOnly() throws Exception {
        Path jar = build(Compiler.javac(), "tools", TOOLS);
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    static double f(double[] w) {",
                "        double m = jar.Tools.largest(dev.adjoint.Adjoint.stopGradient(w));",
                "        return m * w[0];",
                "    }");
        Compilation c = client(jar).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        try (URLClassLoader loader = loader(jar, write(c, "client"))) {
            Object g = loader.loadClass(Sources.FUNCTIONS_ADJOINT).getMethod("fGradient", double[].class)
                    .invoke(null, (Object) new double[] {0.5, 2.0});
            // m = max(w) held constant: ∂f/∂w = (0 + m, 0)
            assertThat((double[]) g.getClass().getField("w").get(g)).usingTolerance(1e-12).containsExactly(2.0, 0.0)
                    .inOrder();
        }
    }

    /** The library's and the client's class files, over the test's own class path. */
    private URLClassLoader loader(Path library, Path client) throws java.net.MalformedURLException {
        return new URLClassLoader(new URL[] {library.toUri().toURL(), client.toUri().toURL()}, getClass().getClassLoader());
    }

    /**
     * Hipparchus' {@code SinCos} as Orekit copies it: a value class nested beside the caller, built
     * by a nested {@code sinCos} from a jar's FastMath whose class file Adjoint cannot prove to write
     * nothing (the real one fills arrays of its own). FastMath's functions compute a value and
     * nothing else by contract, so the object is split into its fields, not refused (it was, from
     * 91bc1cb on: the held-out Orekit methods).
     */
    @Test
    void aValueObjectBuiltFromFastMathIsSplit() throws Exception {
        Path fastMath = build(Compiler.javac(), "fastmath3", JavaFileObjects.forSourceLines(
                "org.apache.commons.math3.util.FastMath",
                "package org.apache.commons.math3.util;",
                "",
                "public final class FastMath {",
                "    private static final double[] LAST = new double[1];",
                "    private FastMath() {}",
                "    public static double sin(double x) {",
                "        LAST[0] = x;",
                "        return Math.sin(x);",
                "    }",
                "    public static double cos(double x) {",
                "        LAST[0] = x;",
                "        return Math.cos(x);",
                "    }",
                "}"));
        JavaFileObject caller = Sources.functions(
                "    static final class SinCos {",
                "        private final double sin;",
                "        private final double cos;",
                "        SinCos(final double s, final double c) {",
                "            this.sin = s;",
                "            this.cos = c;",
                "        }",
                "        double sin() {",
                "            return sin;",
                "        }",
                "        double cos() {",
                "            return cos;",
                "        }",
                "    }",
                "",
                "    static final class Trig {",
                "        static SinCos sinCos(final double x) {",
                "            return new SinCos(org.apache.commons.math3.util.FastMath.sin(x),",
                "                    org.apache.commons.math3.util.FastMath.cos(x));",
                "        }",
                "    }",
                "",
                "    @Differentiable",
                "    public static double f(double e, double x) {",
                "        final SinCos sc = Trig.sinCos(x);",
                "        return x + 2 * Math.atan(e * sc.sin() / (1 - e * sc.cos()));",
                "    }");
        Compilation c = client(fastMath).compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client3");
        try (URLClassLoader loader = loader(fastMath, client)) {
            java.lang.reflect.Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            for (double[] p : new double[][] {{0.3, 0.8}, {0.7, 2.1}, {0.05, -0.6}}) {
                Object g = adjoint.getMethod("fGradient", double.class, double.class).invoke(null, p[0], p[1]);
                double h = 1e-6;
                double de = ((double) f.invoke(null, p[0] + h, p[1]) - (double) f.invoke(null, p[0] - h, p[1])) / (2 * h);
                double dx = ((double) f.invoke(null, p[0], p[1] + h) - (double) f.invoke(null, p[0], p[1] - h)) / (2 * h);
                assertThat(g.getClass().getField("e").getDouble(g)).isWithin(1e-7).of(de);
                assertThat(g.getClass().getField("x").getDouble(g)).isWithin(1e-7).of(dx);
            }
        }
    }

    private Compiler client(Path library) {
        List<File> classPath = new ArrayList<>();
        classPath.add(library.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }
        return Compiler.javac().withProcessors(new AdjointProcessor()).withClasspath(classPath);
    }

    private Path build(Compiler compiler, String name, JavaFileObject... sources) {
        Compilation c = compiler.compile(sources);
        assertThat(c).succeededWithoutWarnings();
        return write(c, name);
    }

    /** Writes a compilation's class files under {@code dir/name}, laid out by package. */
    private Path write(Compilation c, String name) {
        return Sources.writeClassFiles(c, dir.resolve(name));
    }
}
