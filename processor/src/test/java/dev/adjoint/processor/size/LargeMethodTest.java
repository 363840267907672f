package dev.adjoint.processor.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated code of any size compiles and gets JIT-compiled (issue 19): a straight-line method of
 * 360 statements (its pullback would be three times the JIT's 8,000-byte limit) and one of 1,400
 * (whose pullback would pass the JVM's 64 KB limit) compile, every generated method stays under
 * 8,000 bytes of bytecode, and the split members give the right gradient and tangent.
 */
class LargeMethodTest {

    /** HotSpot's {@code HugeMethodLimit}: longer methods are never JIT-compiled. */
    static final int JIT_LIMIT = 8000;

    private static InMemoryCompiler.Result result;

    /** {@code double aK = 0.6 * Math.sin(aI + aJ) + 0.4 * Math.tanh(aM) * aI + 0.1 * a1;} and similar, n of them, from four inputs. */
    static List<String> method(String name, int n, Random random) {
        return method("@Differentiable", name, n, random);
    }

    static List<String> method(String annotation, String name, int n, Random random) {
        List<String> lines = new ArrayList<>();
        lines.add("    " + annotation);
        lines.add("    public static double " + name + "(double a0, double a1, double a2, double a3) {");
        for (int k = 4; k < n + 4; k++) {
            int i = k - 1 - random.nextInt(Math.min(k, 8));
            int j = k - 1 - random.nextInt(Math.min(k, 8));
            int m = k - 1 - random.nextInt(Math.min(k, 8));
            // each also reads an input directly, so that the gradient does not vanish over hundreds
            // of statements and the checks below compare numbers of order 0.1
            String input = " + 0.1 * a" + (k % 4);
            String e = switch (random.nextInt(3)) {
                case 0 -> "0.6 * Math.sin(a" + i + " + a" + j + ") + 0.4 * Math.tanh(a" + m + ") * a" + i + input;
                case 1 -> "0.5 * a" + i + " * Math.cos(a" + j + ") + 0.3 * a" + m + input;
                default -> "Math.tanh(a" + i + " - 0.5 * a" + j + ") + 0.2 * Math.exp(-a" + m + " * a" + m + ")" + input;
            };
            lines.add("        double a" + k + " = " + e + ";");
        }
        lines.add("        return a" + (n + 3) + " + 0.5 * a" + (n + 2) + ";");
        lines.add("    }");
        return lines;
    }

    @BeforeAll
    static void compile() {
        Random random = new Random(19);
        List<String> source = new ArrayList<>(List.of("package big;", "", "import dev.adjoint.Differentiable;", "",
                "public final class Big {"));
        source.addAll(method("medium", 360, random));
        source.add("");
        source.addAll(method("large", 1400, random));
        source.add("}");
        result = new InMemoryCompiler().compile("big.Big", String.join("\n", source), false);
        assertTrue(result.success(), result.diagnosticsText());
        assertEquals("", result.diagnosticsText(), "no warning either");
    }

    @Test
    void everyGeneratedMethodIsUnderTheJitLimit() {
        for (Map.Entry<String, byte[]> c : result.classes().entrySet()) {
            if (c.getKey().startsWith("big.BigAdjoint")) {
                Bytecode.codeLengths(c.getValue()).forEach((method, length) -> assertTrue(length < JIT_LIMIT,
                        c.getKey() + "." + method + " has " + length + " bytes of bytecode"));
            }
        }
    }

    @Test
    void theSplitMembersGiveTheGradientAndTheTangent() throws ReflectiveOperationException {
        ClassLoader loader = result.loader();
        Class<?> primal = loader.loadClass("big.Big");
        Class<?> api = loader.loadClass("big.BigAdjoint");
        double[] x = {0.3, -0.7, 1.1, 0.45};
        double[] v = {0.2, -0.1, 0.4, 0.3};
        for (String name : List.of("medium", "large")) {
            Method f = primal.getMethod(name, double.class, double.class, double.class, double.class);
            Object g = api.getMethod(name + "Gradient", double.class, double.class, double.class, double.class)
                    .invoke(null, x[0], x[1], x[2], x[3]);
            double dot = 0;
            double largest = 0;
            for (int i = 0; i < 4; i++) {
                double h = 1e-6;
                double[] up = x.clone();
                double[] down = x.clone();
                up[i] += h;
                down[i] -= h;
                double fd = ((double) f.invoke(null, up[0], up[1], up[2], up[3])
                        - (double) f.invoke(null, down[0], down[1], down[2], down[3])) / (2 * h);
                double ad = g.getClass().getField("a" + i).getDouble(g);
                largest = Math.max(largest, Math.abs(ad));
                assertEquals(fd, ad, 1e-7 * Math.max(1, Math.abs(fd)), name + ": ∂/∂a" + i);
                dot += ad * v[i];
            }
            double tangent = (double) api.getMethod(name + "Tangent", double.class, double.class, double.class,
                    double.class, double.class, double.class, double.class, double.class)
                    .invoke(null, x[0], x[1], x[2], x[3], v[0], v[1], v[2], v[3]);
            assertEquals(dot, tangent, 1e-12 * Math.max(1, Math.abs(dot)), name + ": tangent");
            // a gradient of order 0.1 at least: the tolerances above are small beside it
            assertTrue(largest > 0.05, name + ": the largest partial derivative is only " + largest);
        }
    }

    /**
     * The estimate is not so generous that a member well under the limit is split (a split member
     * allocates its frame on each call): the second-order member of a 9-statement method, two to
     * five thousand bytes, stays one method.
     */
    @Test
    void aMemberWellUnderTheLimitIsNotSplit() {
        List<String> source = new ArrayList<>(List.of("package big;", "", "import dev.adjoint.Differentiable;", "",
                "public final class Small {"));
        source.addAll(method("@Differentiable(order = 2)", "small", 9, new Random(20)));
        source.add("}");
        InMemoryCompiler.Result small = new InMemoryCompiler().compile("big.Small", String.join("\n", source), false);
        assertTrue(small.success(), small.diagnosticsText());
        int longest = small.classes().entrySet().stream().filter(c -> c.getKey().startsWith("big.SmallAdjoint"))
                .flatMap(c -> Bytecode.codeLengths(c.getValue()).values().stream()).max(Integer::compare).orElseThrow();
        assertTrue(longest > 2000 && longest < 5000, "the longest member has " + longest + " bytes");
        small.generatedSources().forEach((name, text) -> assertTrue(!text.contains("Frame"), name + " was split"));
    }

    /** The classes generated for the test fixtures (compiled with the processor by Maven) obey the limit too. */
    @Test
    void theFixturesGeneratedClassesAreUnderTheJitLimit() throws IOException {
        Path classes = Path.of("target", "test-classes", "dev", "adjoint", "processor", "fixtures");
        int checked = 0;
        try (Stream<Path> files = Files.list(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().matches(".*Adjoint(Impl)?(\\$.*)?\\.class"))::iterator) {
                for (Map.Entry<String, Integer> m : Bytecode.codeLengths(Files.readAllBytes(f)).entrySet()) {
                    assertTrue(m.getValue() < JIT_LIMIT, f.getFileName() + "." + m.getKey() + ": " + m.getValue());
                    checked++;
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " methods checked");
    }

    /**
     * A parameter the method changes in a loop, then reads over a method long enough to split:
     * its tangent is changed by accumulation ({@code dA0 -= ...}), and the parts after the first
     * read it from the frame. They once read the parameter as passed: the tangent and second
     * order were silently wrong (found by a random program with an equality shortcut, whose code
     * around doubled its length).
     */
    @Test
    void aParameterChangedInALoopIsSharedByTheParts() throws ReflectiveOperationException {
        List<String> lines = method("@Differentiable(order = 2)", "moved", 150, new Random(7));
        lines.add(2, "        for (int k = 0; k < 3; k++) {\n            a0 -= 0.25 * Math.exp(0.1 * a1);\n        }");
        // read in the last part too
        lines.set(lines.size() - 2, lines.get(lines.size() - 2).replace(";", " + Math.sin(a0);"));
        List<String> source = new ArrayList<>(List.of("package big;", "", "import dev.adjoint.Differentiable;", "",
                "public final class Moved {"));
        source.addAll(lines);
        source.add("}");
        InMemoryCompiler.Result moved = new InMemoryCompiler().compile("big.Moved", String.join("\n", source), false);
        assertTrue(moved.success(), moved.diagnosticsText());
        assertTrue(moved.generated("big.MovedAdjointImpl").contains("MovedTangentFrame"), "the tangent is split");
        Class<?> primal = moved.loader().loadClass("big.Moved");
        Class<?> api = moved.loader().loadClass("big.MovedAdjoint");
        Method f = primal.getMethod("moved", double.class, double.class, double.class, double.class);
        Method tangent = api.getMethod("movedTangent", double.class, double.class, double.class, double.class,
                double.class, double.class, double.class, double.class);
        Method gradient = api.getMethod("movedGradient", double.class, double.class, double.class, double.class);
        Method hessian = api.getMethod("movedHessian", double.class, double.class, double.class, double.class);
        double[] x = {0.3, -0.2, 0.5, 0.1};
        double h = 1e-6;
        // along a1, which moves a0 in the loop: a0's tangent changes there, by dA0 -= ...
        double fd = ((double) f.invoke(null, x[0], x[1] + h, x[2], x[3]) - (double) f.invoke(null, x[0], x[1] - h, x[2], x[3]))
                / (2 * h);
        assertEquals(fd, (double) tangent.invoke(null, x[0], x[1], x[2], x[3], 0.0, 1.0, 0.0, 0.0), 1e-6);
        double[][] hess = (double[][]) hessian.invoke(null, x[0], x[1], x[2], x[3]);
        for (int i = 0; i < 4; i++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            Object gp = gradient.invoke(null, plus[0], plus[1], plus[2], plus[3]);
            Object gm = gradient.invoke(null, minus[0], minus[1], minus[2], minus[3]);
            for (int j = 0; j < 4; j++) {
                String name = "a" + j;
                double d = (gp.getClass().getField(name).getDouble(gp) - gm.getClass().getField(name).getDouble(gm))
                        / (2 * h);
                assertEquals(d, hess[i][j], 1e-5, "H[" + i + "][" + j + "]");
            }
        }
    }
}
