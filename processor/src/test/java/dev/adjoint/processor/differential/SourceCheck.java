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
 * differences of the compiled primal (parameters named by {@code -parameters}); array arguments
 * are passed as they are, their gradients are the campaign's to check.
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
        Object gradient = gradientMethod.invoke(null, args);
        for (int i = 0; i < args.length; i++) {
            String name = primal.getParameters()[i].getName();
            if (!(args[i] instanceof Double)) {
                continue;
            }
            java.lang.reflect.Field field;
            try {
                field = gradient.getClass().getField(name);
            } catch (NoSuchFieldException notDifferentiated) {
                continue;
            }
            int at = i;
            FiniteDifferences.Estimate fd = FiniteDifferences.derivative(x -> {
                Object[] shifted = args.clone();
                shifted[at] = x;
                return invoke(primal, shifted);
            }, (Double) args[i]);
            assertNotNull(fd);
            double generated = field.getDouble(gradient);
            assertEquals(fd.derivative(), generated, 1e-6 * (1 + Math.abs(fd.derivative())),
                    "∂" + method + "/∂" + name + " at " + Arrays.toString(args) + "; generated adjoint:\n" + adjoint);
        }
        assertNull(Campaign.compilationFailure(qualifiedName, result), "compilation");
    }

    private static double invoke(Method m, Object[] args) {
        try {
            return (double) m.invoke(null, args);
        } catch (InvocationTargetException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
