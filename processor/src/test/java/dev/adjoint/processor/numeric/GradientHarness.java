package dev.adjoint.processor.numeric;

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
        this.adjointClass = Class.forName(primalClass.getPackageName() + "." + simple + "Adjoint");
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

    /** Random arguments: doubles uniform in (0.2, 0.8), fixed values for passed-through types. */
    static Object[] arguments(Method m, Random random) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = types[i] == double.class ? 0.2 + 0.6 * random.nextDouble()
                    : types[i] == int.class ? 3
                    : types[i] == long.class ? 4L
                    : types[i] == boolean.class ? random.nextBoolean()
                    : types[i] == String.class ? "abc" : null;
        }
        return args;
    }

    /** The generated gradient at {@code args}, by parameter name. */
    Map<String, Double> gradient(Method m, Object[] args) throws Exception {
        Object g = invoke(find(adjointClass, m.getName() + "Gradient"), args);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Field f : g.getClass().getFields()) {
            out.put(f.getName(), f.getDouble(g));
        }
        return out;
    }

    /** ∂m/∂(parameter i) by central differences. */
    double finiteDifference(Method m, Object[] args, int i) throws Exception {
        Object[] plus = args.clone();
        Object[] minus = args.clone();
        plus[i] = (double) args[i] + H;
        minus[i] = (double) args[i] - H;
        return ((double) invoke(m, plus) - (double) invoke(m, minus)) / (2 * H);
    }

    /** Checks every field of the gradient against finite differences, with a relative and an absolute tolerance. */
    void checkAgainstFiniteDifferences(Method m, Object[] args) throws Exception {
        Map<String, Double> gradient = gradient(m, args);
        String[] names = parameterNames(m);
        for (Map.Entry<String, Double> e : gradient.entrySet()) {
            int i = Arrays.asList(names).indexOf(e.getKey());
            assertTrue(i >= 0, m.getName() + ": gradient field " + e.getKey() + " is not a parameter");
            double numeric = finiteDifference(m, args, i);
            assertClose(numeric, e.getValue(), m.getName() + " d/d" + e.getKey() + " at " + Arrays.toString(args));
        }
    }

    /** The pullback returns exactly the primal's value and adds seed × gradient into what the holder had. */
    void checkPullback(Method m, Object[] args) throws Exception {
        Method pullback = find(adjointClass, m.getName() + "Pullback");
        Map<String, Double> gradient = gradient(m, args);
        Object holder = pullback.getParameterTypes()[pullback.getParameterCount() - 1].getDeclaredConstructor().newInstance();
        Object[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = 1.0;
        full[args.length + 1] = holder;
        double value = (double) invoke(pullback, full);
        assertEquals((double) invoke(m, args), value, 0.0, m.getName() + ": pullback value differs from the primal");
        full[args.length] = 2.0;
        invoke(pullback, full);
        for (Map.Entry<String, Double> e : gradient.entrySet()) {
            double accumulated = holder.getClass().getField(e.getKey()).getDouble(holder);
            assertClose(3 * e.getValue(), accumulated, m.getName() + ": accumulation into " + e.getKey());
        }
        holder.getClass().getMethod("zero").invoke(holder);
        for (String name : gradient.keySet()) {
            assertEquals(0.0, holder.getClass().getField(name).getDouble(holder), m.getName() + ": zero()");
        }
    }

    /** The Tensor overload: one node named after the method whose backward gives the same gradient. */
    void checkTensorOverload(Method m, Object[] args) throws Exception {
        Method overload = null;
        for (Method candidate : adjointClass.getMethods()) {
            if (candidate.getName().equals(m.getName()) && candidate.getReturnType() == Tensor.class) {
                overload = candidate;
            }
        }
        assertTrue(overload != null, m.getName() + ": no Tensor overload");
        Map<String, Double> gradient = gradient(m, args);
        String[] names = parameterNames(m);
        Object[] tensorArgs = args.clone();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                Tensor t = Tensor.scalar((double) args[i]).requiresGrad(true);
                tensorArgs[i] = t;
                inputs.put(names[i], t);
            }
        }
        assertEquals(gradient.keySet(), inputs.keySet(), m.getName() + ": Tensor parameters are the differentiable ones");
        Tensor out = (Tensor) invoke(overload, tensorArgs);
        String capitalized = Character.toUpperCase(m.getName().charAt(0)) + m.getName().substring(1);
        assertEquals(capitalized + "Backward", out.gradFn());
        assertEquals((double) invoke(m, args), out.item(), 0.0);
        out.backward();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            assertEquals(gradient.get(e.getKey()), e.getValue().grad().item(), 0.0,
                    m.getName() + ": tape gradient of " + e.getKey());
        }
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

    static Method find(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        return null;
    }

    static Object invoke(Method m, Object[] args) throws Exception {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
