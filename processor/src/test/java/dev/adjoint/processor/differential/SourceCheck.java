package dev.adjoint.processor.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Checks a program given as Java source, for regression tests of minimal programs: it compiles
 * cleanly with the processor, and the gradient of {@code method} at {@code args} matches finite
 * differences of the compiled primal (parameters named by {@code -parameters}), element by
 * element for {@code double[]} arguments; every evaluation gets its own copies of the arrays.
 */
final class SourceCheck {
    private SourceCheck() {}

    static void check(String qualifiedName, String source, String method, Object... args) throws Exception {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile(qualifiedName, source, false);
        String adjoint = result.generated(qualifiedName + "Adjoint");
        // a NOTE (e.g. [AdjointNoSecondOrder]) informs; errors and warnings fail
        assertTrue(result.success() && result.diagnostics().stream()
                .allMatch(d -> d.getKind() == javax.tools.Diagnostic.Kind.NOTE), result.diagnosticsText());
        assertNotNull(adjoint, "no adjoint generated");
        ClassLoader loader = result.loader();
        Method primal = Arrays.stream(loader.loadClass(qualifiedName).getMethods())
                .filter(m -> m.getName().equals(method)).findFirst().orElseThrow();
        Method gradientMethod = Arrays.stream(loader.loadClass(qualifiedName + "Adjoint").getMethods())
                .filter(m -> m.getName().equals(method + "Gradient")).findFirst().orElseThrow();
        Object gradient = gradientMethod.invoke(null, copy(args));
        for (int i = 0; i < args.length; i++) {
            String name = primal.getParameters()[i].getName();
            if (!(args[i] instanceof Double) && !(args[i] instanceof double[])) {
                continue;
            }
            java.lang.reflect.Field field;
            try {
                field = gradient.getClass().getField(name);
            } catch (NoSuchFieldException notDifferentiated) {
                continue;
            }
            if (args[i] instanceof double[] array) {
                double[] generated = (double[]) field.get(gradient);
                for (int j = 0; j < array.length; j++) {
                    assertMatchesFiniteDifferences(primal, args, i, j, generated[j],
                            "∂" + method + "/∂" + name + "[" + j + "] at " + Arrays.deepToString(args), adjoint);
                }
            } else {
                assertMatchesFiniteDifferences(primal, args, i, -1, field.getDouble(gradient),
                        "∂" + method + "/∂" + name + " at " + Arrays.deepToString(args), adjoint);
            }
        }
        assertNull(Campaign.compilationFailure(qualifiedName, result), "compilation");
    }

    /**
     * Central differences of the primal in argument {@code at} (element {@code element} of it when
     * it is an array, else -1), each evaluation on fresh copies of the arguments.
     */
    private static void assertMatchesFiniteDifferences(Method primal, Object[] args, int at, int element,
            double generated, String what, String adjoint) {
        double x0 = element < 0 ? (Double) args[at] : ((double[]) args[at])[element];
        FiniteDifferences.Estimate fd = FiniteDifferences.derivative(x -> {
            Object[] shifted = copy(args);
            if (element < 0) {
                shifted[at] = x;
            } else {
                ((double[]) shifted[at])[element] = x;
            }
            return invoke(primal, shifted);
        }, x0);
        assertNotNull(fd, what);
        assertEquals(fd.derivative(), generated, 1e-6 * (1 + Math.abs(fd.derivative())),
                what + "; generated adjoint:\n" + adjoint);
    }

    /** The arguments with every array copied, so that a method writing its arrays leaves {@code args} as they were. */
    private static Object[] copy(Object[] args) {
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof double[] a) {
                copy[i] = a.clone();
            }
        }
        return copy;
    }

    private static double invoke(Method m, Object[] args) {
        try {
            return (double) m.invoke(null, args);
        } catch (InvocationTargetException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
