package dev.adjoint.processor.differential;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The minimal programs of the bugs the differential campaign found, each as it was shrunk. A
 * test is {@code @Disabled} while its bug is open (the reason says what goes wrong); enable it
 * with the fix, and remove the matching workaround in {@link KnownBugs}. To run the disabled ones:
 * {@code mvn -pl processor -am test -Dtest=DifferentialRegressionTest -Dsurefire.failIfNoSpecifiedTests=false
 * '-Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition'}.
 */
class DifferentialRegressionTest {

    private static final String HEADER = "package difftest;\n\nimport dev.adjoint.Differentiable;\n\n";

    @Test
    void literalInFirstReturn() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double f(double x) {
                        return 2.0 * x;
                    }
                }
                """, "f", 0.7);
    }

    @Test
    void inactiveLocalOverwritten() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double f(double x) {
                        double b = 3.0;
                        double a = x * b;
                        b++;
                        return a;
                    }
                }
                """, "f", 1.4);
    }

    /** As found by the campaign. */
    @Test
    void inactiveLocalOverwrittenAsFound() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable(wrt = {"x"})
                    public static double m59(double y, double x) {
                        double b = 1.0;
                        double a = (x / b);
                        b = y;
                        return a;
                    }
                }
                """, "m59", -0.087883, 1.401399);
    }

    @Test
    void inactiveParameterOverwritten() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable(wrt = {"y"})
                    public static double f(double x, double y) {
                        double a = x * y;
                        x = x - 1;
                        return a;
                    }
                }
                """, "f", -0.66, -0.398);
    }

    @Test
    @Disabled("kept as PyTorch does it: the untaken branch's sqrt(0) has an infinite local derivative; its "
            + "adjoint is 0 and 0·∞ = NaN reaches ∂f/∂y (torch.where behaves the same); guarding every "
            + "product would cost every pullback a branch")
    void zeroTimesInfinity() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double f(double x, double y) {
                        double r = Math.sqrt(y);
                        return x > 0 ? x : r;
                    }
                }
                """, "f", 0.5, 0.0);
    }

    /** As found by the campaign: cbrt of an exact 0 in the branch not taken. */
    @Test
    @Disabled("kept as PyTorch does it: as zeroTimesInfinity")
    void zeroTimesInfinityAsFound() throws Exception {
        SourceCheck.check("difftest.Batch", HEADER + """
                public final class Batch {
                    @Differentiable
                    public static double m35(double z, double into, double x) {
                        double b = Math.cbrt((into - into));
                        return ((1.0 < z) ? 1.0 : b);
                    }
                }
                """, "m35", 1.191831, 0.624531, -0.444256);
    }
}
