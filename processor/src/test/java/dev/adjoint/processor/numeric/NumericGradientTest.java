package dev.adjoint.processor.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.fixtures.Checkpointed;
import dev.adjoint.processor.fixtures.Constructs;
import dev.adjoint.processor.fixtures.ConstructsAdjoint;
import dev.adjoint.processor.fixtures.Constructs_NestedAdjoint;
import dev.adjoint.processor.fixtures.ControlFlow;
import dev.adjoint.processor.fixtures.CountedLoops;
import dev.adjoint.processor.fixtures.DeadValues;
import dev.adjoint.processor.fixtures.Demo;
import dev.adjoint.processor.fixtures.DemoAdjoint;
import dev.adjoint.processor.fixtures.ForwardNames;
import dev.adjoint.processor.fixtures.Helpers;
import dev.adjoint.processor.fixtures.RealJava;
import dev.adjoint.processor.fixtures.Recursion;
import dev.adjoint.processor.fixtures.Shortcuts;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every construct (one fixture method each, in {@link Constructs}, {@link ControlFlow}, ...)
 * checked at 20 random points: the gradient against central finite differences, the pullback's
 * value and accumulation, the Tensor overload's backward, the forward-mode tangent against
 * central differences along a random direction (and against gradient·direction), and, where
 * generated, the Hessian-vector product against central differences of the generated gradient.
 */
class NumericGradientTest {

    private static final int POINTS = 20;

    @TestFactory
    Stream<DynamicTest> everyConstructAgainstFiniteDifferencesAndTheTape() throws Exception {
        return Stream.of(Constructs.class, Constructs.Nested.class, Demo.class, ControlFlow.class, Helpers.class,
                ForwardNames.class, RealJava.class, Checkpointed.class, CountedLoops.class, Recursion.class,
                Shortcuts.class, DeadValues.class).flatMap(type -> {
            try {
                GradientHarness harness = new GradientHarness(type);
                List<Method> methods = harness.differentiableMethods();
                return methods.stream().map(m -> DynamicTest.dynamicTest(type.getSimpleName() + "." + m.getName(), () -> {
                    Random random = new Random(m.getName().hashCode());
                    for (int i = 0; i < POINTS; i++) {
                        Object[] args = GradientHarness.arguments(m, random);
                        harness.checkAgainstFiniteDifferences(m, args);
                        harness.checkPullback(m, args);
                        harness.checkTensorOverload(m, args);
                        Object[] v = harness.direction(m, args, random);
                        harness.checkTangent(m, args, v);
                        if (harness.hasSecondOrder(m)) {
                            harness.checkSecondOrder(m, args, v);
                        }
                    }
                }));
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void allFixtureMethodsAreDifferentiated() throws Exception {
        assertEquals(33, new GradientHarness(Constructs.class).differentiableMethods().size());
    }

    /**
     * The fixtures ask for {@code order = 2} except two methods that cannot have it: every other
     * method's second order is checked above, so none may be missing.
     */
    @Test
    void secondOrderIsGeneratedForEveryOrderTwoFixture() throws Exception {
        GradientHarness harness = new GradientHarness(ControlFlow.class);
        List<String> without = harness.differentiableMethods().stream().filter(m -> !harness.hasSecondOrder(m))
                .map(Method::getName).sorted().toList();
        assertEquals(List.of("customDerivative", "writesInputArray"), without);
        assertEquals(49, harness.differentiableMethods().size());
        // every method of the other fixtures asks for order 2: (class, how many methods)
        for (Map.Entry<Class<?>, Integer> fixture : Map.<Class<?>, Integer>of(Constructs.class, 33,
                Constructs.Nested.class, 1, Demo.class, 1, Helpers.class, 3, ForwardNames.class, 1, CountedLoops.class, 17,
                Recursion.class, 15, Shortcuts.class, 14)
                .entrySet()) {
            GradientHarness other = new GradientHarness(fixture.getKey());
            List<Method> methods = other.differentiableMethods();
            assertEquals(fixture.getValue(), methods.size(), fixture.getKey().getSimpleName());
            assertEquals(List.of(), methods.stream().filter(m -> !other.hasSecondOrder(m)).map(Method::getName).toList(),
                    fixture.getKey().getSimpleName() + " methods without second order");
        }
    }

    @Test
    void designExampleMatchesTheClosedForm() {
        // f = sin(xy) + x: df/dx = y cos(xy) + 1, df/dy = x cos(xy)
        double x = 0.7;
        double y = -1.3;
        DemoAdjoint.FGradient g = DemoAdjoint.fGradient(x, y);
        assertEquals(y * Math.cos(x * y) + 1, g.x, 1e-15);
        assertEquals(x * Math.cos(x * y), g.y, 1e-15);
        assertEquals("FGradient{x=" + g.x + ", y=" + g.y + "}", g.toString());
    }

    @Test
    void wrtRestrictsTheGradientToTheNamedParameters() {
        // only y is differentiated: the holder has no x
        assertFalse(hasField(ConstructsAdjoint.WrtSubsetGradient.class, "x"));
        double x = 0.4;
        double y = 0.6;
        // d/dy (x² y + sin(x y)) = x² + x cos(x y)
        assertEquals(x * x + x * Math.cos(x * y), ConstructsAdjoint.wrtSubsetGradient(x, y).y, 1e-15);
    }

    @Test
    void nestedClassGetsUnderscoredAdjointName() {
        assertEquals(1.0, Constructs_NestedAdjoint.squareGradient(0.5).x, 0.0);
    }

    @Test
    void kinksFollowPyTorch() {
        // abs'(0) = 0, and max/min split the gradient evenly at ties (torch.maximum / torch.minimum)
        ConstructsAdjoint.KinksGradient atTie = ConstructsAdjoint.kinksGradient(0.5, 0.5);
        // kinks = |x - y| + max(x, y) * min(x², y); at x = y = 0.5: min(0.25, 0.5) = 0.25 (x² side)
        // d/dx = 0 + 0.5 * 0.25 + max * 2x = 0.125 + 0.5 * 1.0 = 0.625
        assertEquals(0.625, atTie.x, 1e-15);
        // d/dy = 0 + 0.5 * 0.25 + 0 = 0.125
        assertEquals(0.125, atTie.y, 1e-15);
    }

    @Test
    void overwritingAVariableCutsItsDerivative() {
        // z = x y; z = 3; return z x  =>  d/dx = 3, d/dy = 0
        ConstructsAdjoint.OverwrittenConstantGradient g = ConstructsAdjoint.overwrittenConstantGradient(0.3, 0.9);
        assertEquals(3.0, g.x, 0.0);
        assertEquals(0.0, g.y, 0.0);
    }

    @Test
    void userNamesThatLookGeneratedAreLeftAlone() {
        // hygiene(x, seed, into) uses _d_x, _t1 and _r1 itself and has parameters named seed and into
        double x = 0.3;
        double seed = 0.5;
        double into = 0.7;
        ConstructsAdjoint.HygieneGradient g = ConstructsAdjoint.hygieneGradient(x, seed, into);
        // f = exp(x s i) + x s: df/dx = s i e + s, df/ds = x i e + x, df/di = x s e
        double e = Math.exp(x * seed * into);
        assertEquals(seed * into * e + seed, g.x, 1e-14);
        assertEquals(x * into * e + x, g.seed, 1e-14);
        assertEquals(x * seed * e, g.into, 1e-14);
    }

    private static boolean hasField(Class<?> type, String name) {
        for (var f : type.getFields()) {
            if (f.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
