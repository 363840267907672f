package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Type;
import dev.adjoint.processor.differential.Ast.Unit;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random programs in second order: the generator's batches (shapes that must be refused left out,
 * and the methods second order refuses: those writing an array parameter, and their callers),
 * printed with {@code @Differentiable(order = 2)}, must compile, and each method of scalar
 * parameters gets its {@code fHessian} checked against central differences of its gradient, where
 * the gradient is smooth there (two step sizes agree) and no {@code Adjoint.stopGradient} is met
 * (its value is constant to the Hessian, as in JAX, but not to differences of the gradient). The
 * first probe of this kind found a generated file that did not compile (see
 * {@code DifferentialRegressionTest.secondOrderRowsWithALocalDeclaredInBothSweeps}). Where an
 * equality test holds and its code around gives the method's value ({@link ShortcutRule}), the
 * Hessian is checked the same way (the rule takes the code around's derivatives there and nearby).
 * {@code -Dadjoint.secondOrder.batches=N} runs more batches than the build's 12.
 */
class SecondOrderRandomTest {

    /** How many points where an equality test holds had their Hessian checked (reported, not asserted). */
    private static int shortcutPoints;

    @Test
    void hessiansOfRandomProgramsAgreeWithDifferencesOfTheGradient() throws Exception {
        int batches = Integer.getInteger("adjoint.secondOrder.batches", 12);
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        for (int seed = 1; seed <= batches; seed++) {
            Unit unit = secondOrderUnit(seed);
            String source = JavaPrinter.printed(unit).source().replace("@Differentiable(wrt", "@Differentiable(order = 2, wrt")
                    .replace("@Differentiable\n", "@Differentiable(order = 2)\n");
            InMemoryCompiler.Result r = new InMemoryCompiler().compile("difftest.Batch", source, Map.of());
            if (!r.success() && onlyRefusedForSize(r)) {
                // a method whose second order would pass the JVM's 64 KB limit is refused at its line, as
                // it must be: a correct outcome, though the batch has no class to check
                System.out.println("[second order] batch " + seed + ": a method refused for its size, batch skipped");
                continue;
            }
            assertTrue(r.success(), "batch " + seed + " does not compile:\n" + r.diagnosticsText());
            ClassLoader loader = r.loader();
            Class<?> adjoint = loader.loadClass("difftest.BatchAdjoint");
            for (Method m : unit.methods()) {
                if (!m.wrt().isEmpty() || m.params().stream().anyMatch(p -> p.type() != Type.DOUBLE)
                        || !Ast.callees(m.body()).isEmpty() || JavaPrinter.method(m).contains("stopGradient")) {
                    continue;
                }
                String mismatch = check(adjoint, m, new Random(seed * 1000L + m.name().hashCode()));
                if (mismatch == null) {
                    mismatch = symmetricWhereAnInputIsZero(adjoint, m, new Random(seed * 1000L + m.name().hashCode()));
                }
                if (mismatch == null) {
                    mismatch = atShortcuts(unit, adjoint, m, new Random(seed * 1000L + m.name().hashCode()));
                }
                if (mismatch != null) {
                    mismatches.add("batch " + seed + " " + mismatch + "\n" + JavaPrinter.method(m));
                }
                checked++;
            }
        }
        System.out.println("[second order] " + checked + " methods checked; Hessians also at " + shortcutPoints
                + " points where an equality test holds");
        assertEquals(List.of(), mismatches);
        assertTrue(checked >= 5 * batches, "too few methods checked: " + checked);
    }

    /** Whether every error of {@code r} is Adjoint's refusal of a method too large for the JVM. */
    private static boolean onlyRefusedForSize(InMemoryCompiler.Result r) {
        List<String> errors = r.diagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(java.util.Locale.ROOT)).toList();
        return !errors.isEmpty() && errors.stream().allMatch(e -> e.contains("[AdjointNotYetSupported]")
                && e.contains("64 KB limit"));
    }

    /** A batch without the shapes that must be refused, and without what second order refuses. */
    private static Unit secondOrderUnit(int seed) {
        Unit unit = new ProgramGenerator(new Random(seed), Map.of(Shapes.Shape.MUST_REFUSE, 0.0, Shapes.Shape.OPAQUE,
                0.0, Shapes.Shape.SEARCH, 0.0), true).unit("difftest", "Batch", 40);
        Set<String> kept = new HashSet<>();
        for (Method m : unit.methods()) {
            boolean writes = m.params().stream().anyMatch(p -> p.type() == Type.DOUBLE_ARRAY
                    && Ast.writesArray(m.body(), p.name()));
            if (!writes && kept.containsAll(Ast.callees(m.body()))) {
                kept.add(m.name());
            }
        }
        return new Unit(unit.pkg(), unit.className(), unit.constants(), unit.helpers(),
                unit.methods().stream().filter(m -> kept.contains(m.name())).toList());
    }

    /** fHessian at a random point against central differences of fGradient; null when they agree (or cannot be compared). */
    private static String check(Class<?> adjoint, Method m, Random random) throws Exception {
        Object[] x = new Object[m.params().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.2 + 0.6 * random.nextDouble();
        }
        return check(adjoint, m, x);
    }

    /**
     * fHessian at the points where an equality test of {@code m} holds ({@link ShortcutRule}) and
     * its code around gives the method's value, so that the rule takes the code around's
     * derivatives there and at the neighbours along the tested input (the code around's) and along
     * the others (the rule again): against central differences of fGradient, as elsewhere.
     */
    private static String atShortcuts(Unit unit, Class<?> adjoint, Method m, Random random) throws Exception {
        List<Object> base = new ArrayList<>();
        for (int i = 0; i < m.params().size(); i++) {
            base.add(0.2 + 0.6 * random.nextDouble());
        }
        for (GradientChecker.Point p : ShortcutRule.specialPoints(m, new GradientChecker.Point(base), random)) {
            Interpreter.Run<Double> written;
            Interpreter.Run<Double> around;
            try {
                written = Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, p.args());
                around = Interpreter.run(DoubleAlgebra.INSTANCE, unit, m, p.args(), true);
            } catch (Interpreter.Thrown e) {
                continue;
            }
            if (written.held() && !written.heldInCallee() && !Double.isNaN(ShortcutRule.gap(written.value(), around.value()))) {
                String mismatch = check(adjoint, m, p.args().toArray());
                shortcutPoints++;
                if (mismatch != null) {
                    return "at a shortcut: " + mismatch;
                }
            }
        }
        return null;
    }

    private static String check(Class<?> adjoint, Method m, Object[] x) throws Exception {
        int n = m.params().size();
        Class<?>[] types = new Class<?>[n];
        Arrays.fill(types, double.class);
        java.lang.reflect.Method hessian = adjoint.getMethod(m.name() + "Hessian", types);
        java.lang.reflect.Method gradient = adjoint.getMethod(m.name() + "Gradient", types);
        double[][] h;
        try {
            h = (double[][]) hessian.invoke(null, x);
        } catch (InvocationTargetException thrown) {
            return null; // the method throws here (a guard of the program): nothing to compare
        }
        double[] centre = components(gradient.invoke(null, x), m);
        for (int i = 0; i < n; i++) {
            double[] coarse = difference(gradient, m, x, i, 2e-5);
            double[] fine = difference(gradient, m, x, i, 1e-5);
            double[] mean = mean(gradient, m, x, i, 1e-5);
            for (int j = 0; j < n; j++) {
                double scale = Math.max(1, Math.abs(fine[j]));
                if (!Double.isFinite(fine[j]) || Math.abs(coarse[j] - fine[j]) > 1e-5 * scale) {
                    continue; // not smooth here (a branch, a kink): differences say nothing
                }
                if (!(Math.abs(centre[j] - mean[j]) <= 1e-4 * Math.max(1, Math.abs(mean[j])))) {
                    // the gradient here is not its neighbours' (a series that ends exactly at this point
                    // and whose step count the method returns): it has no derivative to compare
                    continue;
                }
                if (!(Math.abs(h[i][j] - fine[j]) <= 1e-4 * scale)) {
                    return m.name() + ": H[" + i + "][" + j + "] = " + h[i][j] + ", differences of the gradient give "
                            + fine[j] + " at " + Arrays.toString(x);
                }
            }
        }
        return null;
    }

    /**
     * fHessian at points where one input is exactly 0 (each in turn) (an exponent there: pow's derivative in its
     * base was once guarded to 0 wherever the exponent is 0, cutting its derivative in the exponent)
     * must be symmetric. Differences cannot check such points (their kinks and conventions, abs'(0) = 0,
     * are taken at the point only), but the conventions are consistent, so symmetry holds there too;
     * null when it does (or the method throws there).
     */
    private static String symmetricWhereAnInputIsZero(Class<?> adjoint, Method m, Random random) throws Exception {
        int n = m.params().size();
        if (n < 2) {
            return null;
        }
        Class<?>[] types = new Class<?>[n];
        Arrays.fill(types, double.class);
        for (int zero = 0; zero < n; zero++) {
            Object[] x = new Object[n];
            for (int i = 0; i < n; i++) {
                x[i] = i == zero ? 0.0 : 0.2 + 0.6 * random.nextDouble();
            }
            double[][] h;
            try {
                h = (double[][]) adjoint.getMethod(m.name() + "Hessian", types).invoke(null, x);
            } catch (InvocationTargetException thrown) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    double scale = Math.max(1, Math.max(Math.abs(h[i][j]), Math.abs(h[j][i])));
                    if (Double.isFinite(h[i][j]) && Double.isFinite(h[j][i])
                            && !(Math.abs(h[i][j] - h[j][i]) <= 1e-9 * scale)) {
                        return m.name() + ": H[" + i + "][" + j + "] = " + h[i][j] + " but H[" + j + "][" + i + "] = "
                                + h[j][i] + " at " + Arrays.toString(x);
                    }
                }
            }
        }
        return null;
    }

    /** (∇f(x + step·e_i) − ∇f(x − step·e_i)) / (2·step), per parameter. */
    private static double[] components(Object g, Method m) throws ReflectiveOperationException {
        double[] out = new double[m.params().size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = g.getClass().getField(m.params().get(j).name()).getDouble(g);
        }
        return out;
    }

    /** The mean of fGradient at x ± step along input i (NaN where the method throws). */
    private static double[] mean(java.lang.reflect.Method gradient, Method m, Object[] x, int i, double step)
            throws Exception {
        return combined(gradient, m, x, i, step, (p, q) -> (p + q) / 2);
    }

    /** Central differences of fGradient along input i (NaN where the method throws: nothing to compare). */
    private static double[] difference(java.lang.reflect.Method gradient, Method m, Object[] x, int i, double step)
            throws Exception {
        return combined(gradient, m, x, i, step, (p, q) -> (p - q) / (2 * step));
    }

    /** fGradient at x + step and x − step along input i, combined component by component. */
    private static double[] combined(java.lang.reflect.Method gradient, Method m, Object[] x, int i, double step,
            java.util.function.DoubleBinaryOperator f) throws Exception {
        Object[] plus = x.clone();
        Object[] minus = x.clone();
        plus[i] = (double) x[i] + step;
        minus[i] = (double) x[i] - step;
        double[] out = new double[m.params().size()];
        try {
            double[] p = components(gradient.invoke(null, plus), m);
            double[] q = components(gradient.invoke(null, minus), m);
            for (int j = 0; j < out.length; j++) {
                out[j] = f.applyAsDouble(p[j], q[j]);
            }
        } catch (InvocationTargetException thrown) {
            Arrays.fill(out, Double.NaN);
        }
        return out;
    }
}
