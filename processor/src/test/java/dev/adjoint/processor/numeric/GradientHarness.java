package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Checks a generated adjoint the way a user would rely on it: the gradient against central
 * finite differences of the primal, the pullback's value and accumulation, and the Tensor
 * overload's backward. Finds the generated members by the names DESIGN.md fixes.
 */
final class GradientHarness {

    /** Central differences: error O(h²); h = 1e-6 balances truncation against rounding. */
    static final double H = 1e-6;

    private final Class<?> primalClass;
    private final Class<?> adjointClass;

    GradientHarness(Class<?> primalClass) throws ClassNotFoundException {
        this.primalClass = primalClass;
        String binary = primalClass.getName();
        String simple = binary.substring(binary.lastIndexOf('.') + 1).replace('$', '_');
        // by the primal's own loader: a class compiled in memory by a test has its adjoint beside it
        this.adjointClass = Class.forName(primalClass.getPackageName() + "." + simple + "Adjoint", true,
                primalClass.getClassLoader());
    }

    /** Every public static double method that has a generated {@code <name>Gradient}. */
    List<Method> differentiableMethods() {
        List<Method> out = new ArrayList<>();
        for (Method m : primalClass.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == double.class
                    && find(adjointClass, m.getName() + "Gradient") != null) {
                out.add(m);
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    /** Length of the random {@code double[]} arguments; {@code double[][]} arguments are that many rows of it. */
    static final int LENGTH = 5;

    /**
     * Random arguments: doubles uniform in (0.2, 0.8), arrays of {@link #LENGTH} such values, fixed
     * values for passed-through types.
     */
    static Object[] arguments(Method m, Random random) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = types[i] == double.class ? 0.2 + 0.6 * random.nextDouble()
                    : types[i] == double[].class ? randomArray(random)
                    : types[i] == double[][].class ? new double[][] {randomArray(random), randomArray(random),
                            randomArray(random), randomArray(random), randomArray(random)}
                    : types[i] == float.class ? 0.5f + random.nextFloat()
                    : types[i] == float[].class ? new float[] {0.5f + random.nextFloat(), 1.5f, 0.25f}
                    : types[i] == int.class ? 3
                    : types[i] == long.class ? 4L
                    : types[i] == boolean.class ? random.nextBoolean()
                    : types[i] == String.class ? "abc" : null;
        }
        return args;
    }

    private static double[] randomArray(Random random) {
        double[] a = new double[LENGTH];
        for (int j = 0; j < a.length; j++) {
            a[j] = 0.2 + 0.6 * random.nextDouble();
        }
        return a;
    }

    /** A deep copy: the method under test may write to its array arguments. */
    static Object[] copy(Object[] args) {
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof double[] a) {
                out[i] = a.clone();
            } else if (out[i] instanceof double[][] m) {
                double[][] rows = m.clone();
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = rows[r].clone();
                }
                out[i] = rows;
            }
        }
        return out;
    }

    /** The holder {@code <name>Gradient(args)} returns, as a user gets it. */
    Object gradientHolder(String name, Object... args) throws Exception {
        return invoke(find(adjointClass, name + "Gradient"), args);
    }

    /** The generated gradient at {@code args}, by parameter name; a double's is an array of one. */
    Map<String, double[]> gradient(Method m, Object[] args) throws Exception {
        Object g = invoke(find(adjointClass, m.getName() + "Gradient"), copy(args));
        return components(g);
    }

    private static Map<String, double[]> components(Object holder) throws IllegalAccessException {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Field f : holder.getClass().getFields()) {
            out.put(f.getName(), f.getType() == double[].class ? ((double[]) f.get(holder)).clone()
                    : new double[] {f.getDouble(holder)});
        }
        return out;
    }

    /** ∂m/∂(parameter i, element j) by central differences. */
    double finiteDifference(Method m, Object[] args, int i, int j) throws Exception {
        Object[] plus = copy(args);
        Object[] minus = copy(args);
        if (args[i] instanceof double[]) {
            ((double[]) plus[i])[j] += H;
            ((double[]) minus[i])[j] -= H;
        } else {
            plus[i] = (double) args[i] + H;
            minus[i] = (double) args[i] - H;
        }
        return ((double) invoke(m, plus) - (double) invoke(m, minus)) / (2 * H);
    }

    /** Checks every component of the gradient against finite differences, with a relative and an absolute tolerance. */
    void checkAgainstFiniteDifferences(Method m, Object[] args) throws Exception {
        Map<String, double[]> gradient = gradient(m, args);
        String[] names = parameterNames(m);
        for (Map.Entry<String, double[]> e : gradient.entrySet()) {
            int i = Arrays.asList(names).indexOf(e.getKey());
            assertTrue(i >= 0, m.getName() + ": gradient field " + e.getKey() + " is not a parameter");
            for (int j = 0; j < e.getValue().length; j++) {
                double numeric = finiteDifference(m, args, i, j);
                assertClose(numeric, e.getValue()[j], m.getName() + " d/d" + e.getKey()
                        + (args[i] instanceof double[] ? "[" + j + "]" : "") + " at " + describe(args));
            }
        }
    }

    /**
     * The pullback returns exactly the primal's value, leaves array arguments as the primal left
     * them, and adds seed × gradient into what the holder had.
     */
    void checkPullback(Method m, Object[] args) throws Exception {
        Method pullback = find(adjointClass, m.getName() + "Pullback");
        Map<String, double[]> gradient = gradient(m, args);
        Object holder = pullback.getParameterTypes()[pullback.getParameterCount() - 1].getDeclaredConstructor().newInstance();
        for (Field f : holder.getClass().getFields()) {
            if (f.getType() == double[].class) {
                f.set(holder, new double[gradient.get(f.getName()).length]);
            }
        }
        Object[] primalArgs = copy(args);
        double primal = (double) invoke(m, primalArgs);
        Object[] full = Arrays.copyOf(copy(args), args.length + 2);
        full[args.length] = 1.0;
        full[args.length + 1] = holder;
        double value = (double) invoke(pullback, full);
        assertEquals(primal, value, 0.0, m.getName() + ": pullback value differs from the primal");
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof double[] a) {
                assertArrayEquals((double[]) primalArgs[i], (double[]) full[i], m.getName()
                        + ": the pullback must leave array argument " + i + " as the primal leaves it");
            }
        }
        Object[] again = Arrays.copyOf(copy(args), args.length + 2);
        again[args.length] = 2.0;
        again[args.length + 1] = holder;
        invoke(pullback, again);
        Map<String, double[]> accumulated = components(holder);
        for (Map.Entry<String, double[]> e : gradient.entrySet()) {
            for (int j = 0; j < e.getValue().length; j++) {
                assertClose(3 * e.getValue()[j], accumulated.get(e.getKey())[j],
                        m.getName() + ": accumulation into " + e.getKey());
            }
        }
        holder.getClass().getMethod("zero").invoke(holder);
        for (double[] component : components(holder).values()) {
            for (double c : component) {
                assertEquals(0.0, c, m.getName() + ": zero()");
            }
        }
    }

    /** The Tensor overload: one node named after the method whose backward gives the same gradient. */
    void checkTensorOverload(Method m, Object[] args) throws Exception {
        Method overload = null;
        for (Method candidate : adjointClass.getDeclaredMethods()) {
            if (candidate.getName().equals(m.getName()) && candidate.getReturnType() == Tensor.class) {
                overload = candidate;
            }
        }
        assertTrue(overload != null, m.getName() + ": no Tensor overload");
        Map<String, double[]> gradient = gradient(m, args);
        String[] names = parameterNames(m);
        Object[] tensorArgs = copy(args);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                Tensor t = (args[i] instanceof double[] a ? Tensor.vector(a.clone()) : Tensor.scalar((double) args[i]))
                        .requiresGrad(true);
                tensorArgs[i] = t;
                inputs.put(names[i], t);
            }
        }
        assertEquals(gradient.keySet(), inputs.keySet(), m.getName() + ": Tensor parameters are the differentiable ones");
        Tensor out = (Tensor) invoke(overload, tensorArgs);
        String capitalized = Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1);
        assertEquals(capitalized + "Backward", out.gradFn());
        assertEquals((double) invoke(m, copy(args)), out.item(), 0.0);
        out.backward();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            assertArrayEquals(gradient.get(e.getKey()), e.getValue().grad().toArray(), 0.0,
                    m.getName() + ": tape gradient of " + e.getKey());
        }
    }

    // ---------------------------------------------------------------- forward mode and second order

    /** A random direction for {@code m}'s differentiable parameters: one value or array per gradient field. */
    Object[] direction(Method m, Object[] args, Random random) throws Exception {
        Map<String, double[]> gradient = gradient(m, args);
        Object[] v = new Object[gradient.size()];
        int k = 0;
        for (double[] component : gradient.values()) {
            boolean array = isArrayField(m, k);
            double[] d = new double[component.length];
            for (int j = 0; j < d.length; j++) {
                d[j] = random.nextDouble() - 0.5;
            }
            v[k++] = array ? d : (Object) d[0];
        }
        return v;
    }

    private boolean isArrayField(Method m, int k) throws Exception {
        Class<?> holder = find(adjointClass, m.getName() + "Gradient").getReturnType();
        return holder.getFields()[k].getType() == double[].class;
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** ∇f·v from the generated gradient (the tangent must agree to rounding). */
    private double dot(Map<String, double[]> gradient, Object[] v) {
        double s = 0;
        int k = 0;
        for (double[] component : gradient.values()) {
            double[] d = v[k] instanceof double[] a ? a : new double[] {(double) v[k]};
            for (int j = 0; j < d.length; j++) {
                s += component[j] * d[j];
            }
            k++;
        }
        return s;
    }

    /** {@code args} moved by {@code t·v} along the differentiable parameters. */
    private Object[] moved(Method m, Object[] args, Object[] v, double t) throws Exception {
        Object[] out = copy(args);
        String[] names = parameterNames(m);
        List<String> fields = new ArrayList<>(gradient(m, args).keySet());
        for (int k = 0; k < fields.size(); k++) {
            int i = Arrays.asList(names).indexOf(fields.get(k));
            if (out[i] instanceof double[] a) {
                double[] d = (double[]) v[k];
                for (int j = 0; j < a.length; j++) {
                    a[j] += t * d[j];
                }
            } else {
                out[i] = (double) out[i] + t * (double) v[k];
            }
        }
        return out;
    }

    /**
     * {@code fTangent} against central differences of the primal along the direction, and against
     * the generated gradient dotted with it; it leaves the direction arrays alone.
     */
    void checkTangent(Method m, Object[] args, Object[] v) throws Exception {
        Method tangent = find(adjointClass, m.getName() + "Tangent");
        assertTrue(tangent != null, m.getName() + ": no Tangent");
        Object[] vCopy = copy(v);
        double derivative = (double) invoke(tangent, concat(copy(args), vCopy));
        assertArrayEquals(flatten(v), flatten(vCopy), 0.0, m.getName() + ": Tangent wrote to a direction");
        double numeric = ((double) invoke(m, moved(m, args, v, H)) - (double) invoke(m, moved(m, args, v, -H))) / (2 * H);
        assertClose(numeric, derivative, m.getName() + " tangent vs finite differences at " + describe(args));
        double exact = dot(gradient(m, args), v);
        assertTrue(Math.abs(exact - derivative) <= 1e-12 * (1 + Math.abs(exact)),
                m.getName() + ": tangent " + derivative + " vs gradient·v " + exact);
    }

    private static double[] flatten(Object[] v) {
        return Arrays.stream(v).flatMapToDouble(o -> o instanceof double[] a ? Arrays.stream(a)
                : java.util.stream.DoubleStream.of((double) o)).toArray();
    }

    /** Whether {@code m} has second-order members. */
    boolean hasSecondOrder(Method m) {
        return find(adjointClass, m.getName() + "Hvp") != null;
    }

    /**
     * {@code fHvp} against central differences of the generated gradient along the direction, and
     * {@code fHessian} (when generated) symmetric with rows the HVPs of unit directions.
     */
    void checkSecondOrder(Method m, Object[] args, Object[] v) throws Exception {
        Map<String, double[]> hvp = components(invoke(find(adjointClass, m.getName() + "Hvp"), concat(copy(args), copy(v))));
        Map<String, double[]> plus = gradient(m, moved(m, args, v, H));
        Map<String, double[]> minus = gradient(m, moved(m, args, v, -H));
        for (Map.Entry<String, double[]> e : hvp.entrySet()) {
            for (int j = 0; j < e.getValue().length; j++) {
                double numeric = (plus.get(e.getKey())[j] - minus.get(e.getKey())[j]) / (2 * H);
                double tolerance = 1e-6 + 1e-5 * Math.abs(numeric);
                assertTrue(Math.abs(numeric - e.getValue()[j]) <= tolerance, m.getName() + ": (Hv)." + e.getKey() + "["
                        + j + "] expected " + numeric + " but generated " + e.getValue()[j] + " at " + describe(args));
            }
        }
        checkHvpAgainstPullbackTangent(m, args, v, hvp);
        Method hessian = find(adjointClass, m.getName() + "Hessian");
        if (hessian == null) {
            return;
        }
        double[][] h = (double[][]) invoke(hessian, copy(args));
        // the overload into the caller's array adds: twice into zeros gives 2·H, bit for bit
        Method hessianInto = overload(adjointClass, m.getName() + "Hessian", double[][].class);
        if (hessianInto != null) {
            double[][] into = new double[h.length][h.length];
            invoke(hessianInto, concat(copy(args), new Object[] {into}));
            invoke(hessianInto, concat(copy(args), new Object[] {into}));
            for (int i = 0; i < h.length; i++) {
                for (int j = 0; j < h.length; j++) {
                    assertTrue(into[i][j] == 2 * h[i][j] || Double.isNaN(h[i][j]), m.getName()
                            + ": Hessian added twice into the caller's array at [" + i + "][" + j + "]: " + into[i][j]
                            + " vs 2·" + h[i][j]);
                }
            }
        }
        double[] hv = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            for (int j = 0; j < h.length; j++) {
                assertTrue(Math.abs(h[i][j] - h[j][i]) <= 1e-9 * (1 + Math.abs(h[i][j])), m.getName() + ": H not symmetric");
                hv[i] += h[i][j] * (double) v[j];
            }
        }
        assertArrayEquals(flatten(hvp.values().toArray()), hv, 1e-9 * (1 + Arrays.stream(hv).map(Math::abs).max().orElse(0)),
                m.getName() + ": Hessian times v differs from Hvp");
    }

    /**
     * {@code fHvp} (its own body, without the gradient) against {@code fPullbackTangent} with seed 1
     * and dSeed 0, whose {@code dInto} is H·v: equal up to the last bits (the terms 0·x fHvp drops).
     */
    private void checkHvpAgainstPullbackTangent(Method m, Object[] args, Object[] v, Map<String, double[]> hvp)
            throws Exception {
        Method pullbackTangent = find(adjointClass, m.getName() + "PullbackTangent");
        if (pullbackTangent == null || pullbackTangent.getParameterCount() != args.length + v.length + 4) {
            return; // receiver's fields: other parameters
        }
        Class<?> holderType = pullbackTangent.getParameterTypes()[pullbackTangent.getParameterCount() - 1];
        Object gradient = holderType.getDeclaredConstructor().newInstance();
        Object product = holderType.getDeclaredConstructor().newInstance();
        for (Field f : holderType.getFields()) {
            if (f.getType() == double[].class) {
                f.set(gradient, new double[hvp.get(f.getName()).length]);
                f.set(product, new double[hvp.get(f.getName()).length]);
            } else if (f.getType() != double.class) {
                return; // a record's gradient: compared through the finite differences only
            }
        }
        invoke(pullbackTangent, concat(concat(copy(args), copy(v)), new Object[] {1.0, 0.0, gradient, product}));
        Map<String, double[]> expected = components(product);
        for (Map.Entry<String, double[]> e : hvp.entrySet()) {
            for (int j = 0; j < e.getValue().length; j++) {
                double x = expected.get(e.getKey())[j];
                double y = e.getValue()[j];
                assertTrue(Math.abs(x - y) <= 1e-12 * (1 + Math.abs(x)) || Double.isNaN(x), m.getName() + ": (Hv)."
                        + e.getKey() + "[" + j + "] by fHvp " + y + " but by fPullbackTangent " + x);
            }
        }
    }

    /** The method {@code name} (public or package-private) whose last parameter is of {@code last}, or null. */
    static Method overload(Class<?> type, String name, Class<?> last) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() > 0
                    && m.getParameterTypes()[m.getParameterCount() - 1] == last) {
                return m;
            }
        }
        return null;
    }

    static String describe(Object[] args) {
        return Arrays.deepToString(args);
    }

    static void assertClose(double expected, double actual, String what) {
        double tolerance = 1e-7 + 1e-6 * Math.abs(expected);
        assertTrue(Math.abs(expected - actual) <= tolerance,
                what + ": expected " + expected + " but generated " + actual);
    }

    private static String[] parameterNames(Method m) {
        // the test sources are compiled with -parameters (see processor/pom.xml)
        return Arrays.stream(m.getParameters()).map(java.lang.reflect.Parameter::getName).toArray(String[]::new);
    }

    /**
     * The method named {@code name}, public or not (a private method's and a recursive helper's
     * members are package-private); of overloads, one that returns a value ({@code fHvp}, not
     * {@code fHvp} into a holder).
     */
    static Method find(Class<?> type, String name) {
        Method found = null;
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && !m.isSynthetic() && (found == null || found.getReturnType() == void.class)) {
                found = m;
            }
        }
        return found;
    }

    static Object invoke(Method m, Object[] args) throws Exception {
        m.setAccessible(true);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Compiles the sources (qualified name, text, ...) in memory with the processor; they must
     * compile without a diagnostic.
     */
    static dev.adjoint.processor.differential.InMemoryCompiler.Result compileClean(String mainName, String main,
            String... companions) {
        Map<String, String> others = new LinkedHashMap<>();
        for (int i = 0; i < companions.length; i += 2) {
            others.put(companions[i], companions[i + 1]);
        }
        var r = new dev.adjoint.processor.differential.InMemoryCompiler().compile(mainName, main, others);
        assertTrue(r.success() && r.diagnostics().isEmpty(), r.diagnosticsText() + r.generatedSources());
        return r;
    }

    /** Generated source without its comments (which quote the user's code). */
    static String withoutComments(String source) {
        return source.lines().filter(l -> !l.trim().startsWith("//") && !l.trim().startsWith("*"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * Every check of {@link NumericGradientTest} at {@code points} random points, for each named
     * method of {@code className} (all of its {@code @Differentiable} methods, in order): central
     * differences, pullback, tape, tangent, second order.
     */
    static void checkEveryMethod(dev.adjoint.processor.differential.InMemoryCompiler.Result r, String className,
            int points, String... names) throws Exception {
        GradientHarness harness = new GradientHarness(r.loader().loadClass(className));
        List<Method> methods = harness.differentiableMethods();
        assertEquals(List.of(names), methods.stream().map(Method::getName).toList());
        for (Method m : methods) {
            assertTrue(harness.hasSecondOrder(m), m.getName() + " has second order");
            harness.checkAtRandomPoints(m, new Random(m.getName().hashCode()), points);
        }
    }

    /**
     * Every check of {@code m} at the given point, each on fresh copies of the arguments: central
     * differences, pullback, tape, tangent along a random direction drawn from {@code random}, and
     * second order where {@code m} has it.
     */
    void checkAt(Method m, Object[] args, Random random) throws Exception {
        checkAgainstFiniteDifferences(m, copy(args));
        checkPullback(m, copy(args));
        checkTensorOverload(m, copy(args));
        Object[] v = direction(m, args, random);
        checkTangent(m, copy(args), v);
        if (hasSecondOrder(m)) {
            checkSecondOrder(m, copy(args), v);
        }
    }

    /**
     * A test per method of {@code fixture} and point given for it, each running every check there
     * ({@link #checkAt}); {@code points} must name every method of {@code fixture} that has a gradient.
     */
    static Stream<DynamicTest> atPoints(Class<?> fixture, Map<String, List<Object[]>> points) throws Exception {
        GradientHarness harness = new GradientHarness(fixture);
        Map<String, Method> methods = new LinkedHashMap<>();
        harness.differentiableMethods().forEach(m -> methods.put(m.getName(), m));
        assertEquals(points.keySet(), methods.keySet());
        return points.entrySet().stream().flatMap(e -> e.getValue().stream().map(args -> DynamicTest.dynamicTest(
                e.getKey() + " at " + describe(args),
                () -> harness.checkAt(methods.get(e.getKey()), args, new Random(e.getKey().hashCode())))));
    }

    /**
     * Every check at {@code points} random points of {@code m}: central differences, pullback,
     * tape, tangent along a random direction, and second order (which {@code m} must have).
     */
    void checkAtRandomPoints(Method m, Random random, int points) throws Exception {
        for (int i = 0; i < points; i++) {
            Object[] args = arguments(m, random);
            checkAgainstFiniteDifferences(m, args);
            checkPullback(m, args);
            checkTensorOverload(m, args);
            Object[] v = direction(m, args, random);
            checkTangent(m, args, v);
            checkSecondOrder(m, args, v);
        }
    }
}
