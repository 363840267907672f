package dev.adjoint.processor.diagnostics;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.Sources.assertOnlyError;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Tensor;
import dev.adjoint.processor.AdjointProcessor;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library's normal distribution object (Commons Math 3's {@code NormalDistribution}, from its
 * jar: a stand-in compiled first) held in a {@code static final} field of exactly its class, as
 * finmath's {@code NormalDistribution.cumulativeDistribution} and many Black–Scholes formulas hold
 * it: its {@code cumulativeProbability}, {@code density} and {@code logDensity} have built-in
 * derivatives in x, rules on the object itself (Φ' = φ, φ' = −(x − μ)/σ²·φ). Checked against
 * central differences, forward mode and the tape; what stays refused is refused at the call.
 */
class LibraryDistributionTest {

    /** The stand-in: Φ by Marsaglia's series, exact to rounding for |z| &lt; 8. */
    private static final JavaFileObject NORMAL = JavaFileObjects.forSourceLines(
            "org.apache.commons.math3.distribution.NormalDistribution",
            "package org.apache.commons.math3.distribution;",
            "",
            "public class NormalDistribution {",
            "    private final double mean;",
            "    private final double standardDeviation;",
            "    public NormalDistribution() {",
            "        this(0, 1);",
            "    }",
            "    public NormalDistribution(double mean, double sd) {",
            "        this.mean = mean;",
            "        this.standardDeviation = sd;",
            "    }",
            "    public double getMean() {",
            "        return mean;",
            "    }",
            "    public double getStandardDeviation() {",
            "        return standardDeviation;",
            "    }",
            "    public double density(double x) {",
            "        double z = (x - mean) / standardDeviation;",
            "        return Math.exp(-0.5 * z * z) / (standardDeviation * Math.sqrt(2 * Math.PI));",
            "    }",
            "    public double logDensity(double x) {",
            "        double z = (x - mean) / standardDeviation;",
            "        return -0.5 * z * z - Math.log(standardDeviation * Math.sqrt(2 * Math.PI));",
            "    }",
            "    public double cumulativeProbability(double x) {",
            "        double z = (x - mean) / standardDeviation;",
            "        double term = z;",
            "        double sum = z;",
            "        for (int n = 1; n < 200; n++) {",
            "            term *= z * z / (2 * n + 1);",
            "            sum += term;",
            "        }",
            "        return 0.5 + sum * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);",
            "    }",
            "}");

    @TempDir
    Path dir;

    private Path commons;

    @BeforeEach
    void library() {
        Compilation c = Compiler.javac().compile(NORMAL);
        assertThat(c).succeededWithoutWarnings();
        commons = write(c, "commons");
    }

    /** finmath's shape: the object in a package-private static final field, Black's call price through it. */
    @Test
    void aNormalDistributionConstantIsDifferentiatedThroughItsDensity() throws Exception {
        JavaFileObject caller = Sources.functions(
                "    static final org.apache.commons.math3.distribution.NormalDistribution normalDistribution =",
                "        new org.apache.commons.math3.distribution.NormalDistribution();",
                "    private static final org.apache.commons.math3.distribution.NormalDistribution SHIFTED =",
                "        new org.apache.commons.math3.distribution.NormalDistribution(0.3, 1.7);",
                "    static double cumulativeDistribution(final double x) {",
                "        return normalDistribution.cumulativeProbability(x);",
                "    }",
                "    @Differentiable",
                "    public static double f(double forward, double volatility, double strike) {",
                "        double dPlus = (Math.log(forward / strike) + 0.5 * volatility * volatility) / volatility;",
                "        double dMinus = dPlus - volatility;",
                "        return forward * cumulativeDistribution(dPlus) - strike * cumulativeDistribution(dMinus)",
                "            + SHIFTED.density(dPlus) * SHIFTED.logDensity(forward);",
                "    }");
        Compilation c = client().compile(caller);
        assertThat(c).succeededWithoutWarnings();
        Path client = write(c, "client");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {commons.toUri().toURL(), client.toUri().toURL()},
                getClass().getClassLoader())) {
            Method f = loader.loadClass(Sources.FUNCTIONS).getMethod("f", double.class, double.class, double.class);
            Class<?> adjoint = loader.loadClass(Sources.FUNCTIONS_ADJOINT);
            Method gradient = adjoint.getMethod("fGradient", double.class, double.class, double.class);
            Method tangent = adjoint.getMethod("fTangent", double.class, double.class, double.class, double.class,
                    double.class, double.class);
            Method onTape = adjoint.getMethod("f", Tensor.class, Tensor.class, Tensor.class);
            String[] names = {"forward", "volatility", "strike"};
            for (double[] p : new double[][] {{1.05, 0.25, 0.95}, {0.8, 0.6, 1.3}, {2.1, 0.15, 2.0}}) {
                Object g = gradient.invoke(null, p[0], p[1], p[2]);
                Tensor[] leaves = new Tensor[3];
                for (int i = 0; i < 3; i++) {
                    leaves[i] = Tensor.scalar(p[i]).requiresGrad(true);
                }
                Tensor y = (Tensor) onTape.invoke(null, (Object[]) leaves);
                assertThat(y.item()).isEqualTo((double) f.invoke(null, p[0], p[1], p[2]));
                y.backward();
                double directional = 0;
                double[] v = {0.3, -0.7, 0.5};
                for (int i = 0; i < 3; i++) {
                    double h = 1e-6 * Math.max(1, Math.abs(p[i]));
                    double[] up = p.clone();
                    double[] down = p.clone();
                    up[i] += h;
                    down[i] -= h;
                    double fd = ((double) f.invoke(null, up[0], up[1], up[2])
                            - (double) f.invoke(null, down[0], down[1], down[2])) / (2 * h);
                    double generated = g.getClass().getField(names[i]).getDouble(g);
                    assertThat(generated).isWithin(1e-7).of(fd);
                    assertThat(leaves[i].grad().item()).isWithin(1e-12).of(generated);
                    directional += v[i] * generated;
                }
                assertThat((double) tangent.invoke(null, p[0], p[1], p[2], v[0], v[1], v[2])).isWithin(1e-12)
                        .of(directional);
            }
        }
    }

    /** A distribution in a local variable: Adjoint does not follow it into the reverse sweep. */
    @Test
    void aDistributionInALocalIsStillRefused() {
        JavaFileObject caller = Sources.functions(
                "    @Differentiable",
                "    public static double f(double x) {",
                "        org.apache.commons.math3.distribution.NormalDistribution n =",
                "            new org.apache.commons.math3.distribution.NormalDistribution(0, 2);",
                "        return n.cumulativeProbability(x * x);",
                "    }");
        Compilation c = client().compile(caller);
        assertOnlyError(c, caller, "return n.cumulativeProbability", "[AdjointUnsupportedCall]",
                "NormalDistribution.cumulativeProbability(double)");
    }

    /** A subclass may override density: only an object of exactly the library's class has the rule. */
    @Test
    void aSubclassConstantIsStillRefused() {
        JavaFileObject caller = Sources.functions(
                "    static final org.apache.commons.math3.distribution.NormalDistribution N =",
                "        new org.apache.commons.math3.distribution.NormalDistribution() {",
                "            @Override",
                "            public double density(double x) {",
                "                return 2 * super.density(x);",
                "            }",
                "        };",
                "    @Differentiable",
                "    public static double f(double x) {",
                "        return N.density(x);",
                "    }");
        Compilation c = client().compile(caller);
        assertOnlyError(c, caller, "return N.density", "[AdjointUnsupportedCall]", "NormalDistribution.density(double)");
    }

    /** The rules are first order: order = 2 through them is an error at the call. */
    @Test
    void secondOrderThroughTheBuiltInRuleIsRefused() {
        JavaFileObject caller = Sources.functions(
                "    static final org.apache.commons.math3.distribution.NormalDistribution N =",
                "        new org.apache.commons.math3.distribution.NormalDistribution();",
                "    @Differentiable(order = 2)",
                "    public static double f(double x) {",
                "        return N.cumulativeProbability(x) * x;",
                "    }");
        Compilation c = client().compile(caller);
        assertOnlyError(c, caller, "return N.cumulativeProbability", "[AdjointNoSecondOrder]",
                "built-in derivative of NormalDistribution.cumulativeProbability(double) is first order only");
    }

    private Compiler client() {
        List<File> classPath = new ArrayList<>();
        classPath.add(commons.toFile());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(new File(entry));
        }
        return Compiler.javac().withProcessors(new AdjointProcessor()).withClasspath(classPath);
    }

    /** Writes a compilation's class files under {@code dir/name}, laid out by package. */
    private Path write(Compilation c, String name) {
        return Sources.writeClassFiles(c, dir.resolve(name));
    }
}
