package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.checkEveryMethod;
import static dev.adjoint.processor.numeric.GradientHarness.compileClean;

import dev.adjoint.processor.differential.InMemoryCompiler;
import org.junit.jupiter.api.Test;

/**
 * A private {@code @Differentiable} method that calls itself, of a class in another package, reached
 * through a public helper of that class that Adjoint inlines: its recursive call is made through
 * its own generated members, its value from the implementation's copy of it. The facade's members
 * of a private method are package-private, so the calls from the other package's adjoint class
 * must go to the implementation's public ones, the tangent's too (it was the facade's, and the
 * generated file did not compile: probe N, Commons Numbers' DD, annotated).
 */
class PrivateRecursionElsewhereTest {

    private static final String DD = """
            package demo.lib;

            import dev.adjoint.Differentiable;

            public final class DD {
                private DD() {}

                @Differentiable(order = 2)
                private static double split(double x) {
                    if (x < 0) {
                        return -split(-x);
                    }
                    return x * x + Math.sin(x);
                }

                public static double ofSquare(double x, double y) {
                    return split(x * y) * 2.0 + split(y - 1.0);
                }
            }
            """;

    private static final String MAIN = """
            package demo;

            import demo.lib.DD;
            import dev.adjoint.Differentiable;

            public final class Main {
                private Main() {}

                @Differentiable(order = 2)
                public static double f(double x, double y) {
                    return DD.ofSquare(x, y) + x;
                }
            }
            """;

    @Test
    void itsCallsGoToTheImplementationsPublicMembers() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Main", MAIN, "demo.lib.DD", DD);
        // y - 1 < 0 at the harness's points: the reflection, a recursive call, is taken
        checkEveryMethod(r, "demo.Main", 20, "f");
    }
}
