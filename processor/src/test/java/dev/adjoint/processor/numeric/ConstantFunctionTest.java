package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Random;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * Functions held in constants, as ojAlgo names its scalar functions ({@code static final Unary EXP
 * = Math::exp;} called {@code EXP.invoke(x)}): the call is the referenced static method's, a
 * {@code Math} function or a helper of the build inlined. Checked against central differences, the
 * pullback, the tape, the tangent and second order. A lambda in a constant is read too
 * (read/Functions, {@link LambdaTest}); a field that is neither {@code final} nor private and
 * never assigned stays an interface call Adjoint cannot see into: refused at the call.
 */
class ConstantFunctionTest {

    static final String SOURCE = """
            package demo;

            import dev.adjoint.Differentiable;
            import java.util.function.DoubleBinaryOperator;
            import java.util.function.DoubleUnaryOperator;

            public final class Scalars {
                private Scalars() {}

                public interface Unary {
                    double invoke(double arg);
                }

                public static final Unary EXP = Math::exp;
                public static final DoubleUnaryOperator SQUARE = Scalars::square;
                public static final DoubleBinaryOperator HYPOT = Math::hypot;

                static double square(double x) {
                    return x * x;
                }

                @Differentiable(order = 2)
                public static double density(double x, double mu, double sigma) {
                    double z = (x - mu) / sigma;
                    return EXP.invoke(-SQUARE.applyAsDouble(z) / 2) / (sigma * Math.sqrt(2 * Math.PI))
                            + HYPOT.applyAsDouble(x, mu);
                }
            }
            """;

    @Test
    void aConstantMethodReferenceIsTheMethodItself() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Scalars", SOURCE);
        assertFalse(GradientHarness.withoutComments(r.generatedSources().get("demo.ScalarsAdjointImpl")).contains("EXP"));
        GradientHarness harness = new GradientHarness(r.loader().loadClass("demo.Scalars"));
        Method density = harness.differentiableMethods().get(0);
        Random random = new Random(5);
        for (double[] p : new double[][] {{0.7, 0.2, 1.3}, {-1.1, 0.4, 0.6}, {2.5, -0.3, 2.2}}) {
            harness.checkAt(density, new Object[] {p[0], p[1], p[2]}, random);
        }
    }

    @Test
    void aFieldThatMayChangeStaysAnInterfaceCall() {
        String source = """
                package demo;

                import dev.adjoint.Differentiable;
                import java.util.function.DoubleUnaryOperator;

                public final class Held {
                    private Held() {}

                    static final DoubleUnaryOperator SQUARE = x -> x * x;
                    static DoubleUnaryOperator sine = Math::sin;

                    @Differentiable
                    static double f(double x) {
                        return SQUARE.applyAsDouble(x) + sine.applyAsDouble(x);
                    }
                }
                """;
        InMemoryCompiler.Result r = new InMemoryCompiler().compile("demo.Held", source, Map.of());
        assertFalse(r.success());
        var errors = r.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
        assertEquals(1, errors.size(), r.diagnosticsText()); // SQUARE's lambda is read, sine may change
        for (var d : errors) {
            assertEquals(14, d.getLineNumber(), r.diagnosticsText());
            assertTrue(d.getMessage(null).startsWith("[AdjointUnsupportedCall] cannot differentiate through "
                    + "DoubleUnaryOperator.applyAsDouble(double): annotate it @Differentiable"), d.getMessage(null));
        }
    }
}
