package dev.adjoint.processor.differential;

import org.junit.jupiter.api.Test;

/**
 * The shapes that could break {@code normalize.Sink} (a value computed before a check moved into
 * the side that reads it), each checked on both sides of its check against finite differences and
 * the tape: nested checks, the value changed in its side, a check that throws, an operand assigned
 * between the value and the check, a result declared without a value, a value read in a loop after
 * the check (not moved: still right where the value is a number).
 */
class SinkShapesTest {

    private static final String SOURCE = """
            package difftest;

            import dev.adjoint.Differentiable;

            public final class Batch {
                @Differentiable
                public static double nested(double x, double y) {
                    double r = Math.sqrt(x - 0.5);
                    if (y > 0.5) {
                        if (x <= 0.5) {
                            return y;
                        }
                        return r * y;
                    }
                    return y * y;
                }

                @Differentiable
                public static double changedInItsSide(double x) {
                    double r = Math.log(x - 0.5);
                    if (x <= 0.5) {
                        return 1.0;
                    } else {
                        r = r * r + x;
                        return r;
                    }
                }

                @Differentiable
                public static double checkThrows(double x) {
                    double r = Math.log(x);
                    if (x <= 0) {
                        throw new IllegalArgumentException("x = " + x);
                    }
                    return r * x;
                }

                @Differentiable
                public static double operandChanged(double a, double b) {
                    double r = Math.sqrt(a - 0.5) * b;
                    a = a * 2;
                    if (a <= 1.0) {
                        return b;
                    }
                    return r + a;
                }

                @Differentiable
                public static double declaredWithoutValue(double x, double s) {
                    double out;
                    double r = Math.sqrt(x - 0.5) * s;
                    if (x <= 0.5) {
                        out = s;
                    } else {
                        out = r;
                    }
                    return out;
                }

                @Differentiable
                public static double readInALoop(double u, double x) {
                    double v = Math.sqrt(u - 0.5);
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        if (u < 0.5) {
                            break;
                        }
                        s += v * x;
                    }
                    return s + x;
                }
            }
            """;

    @Test
    void onBothSidesOfTheirChecks() throws Exception {
        SourceCheck.check("difftest.Batch", SOURCE, "nested", 0.9, 0.8);
        SourceCheck.check("difftest.Batch", SOURCE, "nested", 0.3, 0.8);
        SourceCheck.check("difftest.Batch", SOURCE, "nested", 0.3, 0.2);
        SourceCheck.check("difftest.Batch", SOURCE, "changedInItsSide", 0.9);
        SourceCheck.check("difftest.Batch", SOURCE, "changedInItsSide", 0.3);
        SourceCheck.check("difftest.Batch", SOURCE, "checkThrows", 0.7);
        SourceCheck.check("difftest.Batch", SOURCE, "operandChanged", 0.9, 0.7);
        SourceCheck.check("difftest.Batch", SOURCE, "operandChanged", 0.4, 0.7);
        SourceCheck.check("difftest.Batch", SOURCE, "declaredWithoutValue", 0.9, 2.0);
        SourceCheck.check("difftest.Batch", SOURCE, "declaredWithoutValue", 0.3, 2.0);
        SourceCheck.check("difftest.Batch", SOURCE, "readInALoop", 0.9, 0.7);
    }
}
