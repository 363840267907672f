package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each node saves and checks, as PyTorch's derivatives.yaml and SavedVariable: a node that
 * saves its output refuses a backward after that output changed in place (through a detached
 * view, under noGrad, or by a recorded in-place op); a node saves an operand only if the other
 * operand's gradient reads it, so changing the operand nobody reads is allowed.
 */
@SuppressWarnings("try") // grad-mode scope variables are only there to be closed
class SavedValuesTest {

    private static final String MODIFIED = "one of the variables needed for gradient computation has been modified "
            + "by an inplace operation: ";

    private static String message(Runnable backward) {
        return assertThrows(IllegalStateException.class, backward::run).getMessage();
    }

    @Test
    void powWithATensorExponentSavesItsResultAndRefusesItChangedThroughADetachedView() {
        Tensor a = Tensor.vector(1.5, 2).requiresGrad(true);
        Tensor b = Tensor.vector(2, 3).requiresGrad(true);
        Tensor y = a.pow(b);
        y.detach().addInPlace(1); // same values, same version counter
        String m = message(() -> y.sum().backward());
        assertTrue(m.startsWith(MODIFIED + "[Tensor [2]], which is output 0 of Pow1, is at version 1; "
                + "expected version 0 instead."), m);
    }

    @Test
    void powWithATensorExponentSavesNoResultWhenOnlyTheBaseNeedsAGradient() {
        Tensor a = Tensor.vector(1.5, 2).requiresGrad(true);
        Tensor b = Tensor.vector(2, 3);
        Tensor y = a.pow(b);
        try (GradMode g = Tensor.noGrad()) {
            y.addInPlace(1); // d(a^b)/da = b·a^(b-1) does not read the result
        }
        y.sum().backward();
        assertArrayEquals(new double[] {2 * 1.5, 3 * 4}, a.grad().toArray(), 1e-15);
    }

    static Stream<Arguments> outputSavers() {
        return Stream.of(
                Arguments.of("ExpBackward0", (UnaryOperator<Tensor>) Tensor::exp),
                Arguments.of("TanBackward0", (UnaryOperator<Tensor>) Tensor::tan),
                Arguments.of("SqrtBackward0", (UnaryOperator<Tensor>) Tensor::sqrt),
                Arguments.of("TanhBackward0", (UnaryOperator<Tensor>) Tensor::tanh),
                Arguments.of("SigmoidBackward0", (UnaryOperator<Tensor>) Tensor::sigmoid),
                Arguments.of("ReluBackward0", (UnaryOperator<Tensor>) Tensor::relu),
                Arguments.of("SoftmaxBackward0", (UnaryOperator<Tensor>) t -> t.softmax(0)),
                Arguments.of("LogSoftmaxBackward0", (UnaryOperator<Tensor>) t -> t.logSoftmax(0)),
                Arguments.of("PowBackward1", (UnaryOperator<Tensor>) t -> t.pow(t)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputSavers")
    void everyNodeThatSavesItsOutputChecksItsVersion(String gradFn, UnaryOperator<Tensor> op) {
        Tensor x = Tensor.vector(0.3, 0.8, 1.1).requiresGrad(true);
        Tensor y = op.apply(x);
        assertEquals(gradFn, y.gradFn());
        try (GradMode g = Tensor.noGrad()) {
            y.mulInPlace(1); // the values stay, the version moves: PyTorch refuses all the same
        }
        String m = message(() -> y.sum().backward());
        // PyTorch 2.13 prints "output 0 of Exp" for ExpBackward0, "Pow1" for PowBackward1
        String node = gradFn.replace("Backward0", "").replace("Backward", "");
        assertTrue(m.startsWith(MODIFIED + "[Tensor [3]], which is output 0 of " + node + ", is at version 1; "
                + "expected version 0 instead."), m);
    }

    static Stream<Arguments> inputSavers() {
        return Stream.of(
                Arguments.of("SinBackward0", (UnaryOperator<Tensor>) Tensor::sin),
                Arguments.of("CosBackward0", (UnaryOperator<Tensor>) Tensor::cos),
                Arguments.of("LogBackward0", (UnaryOperator<Tensor>) Tensor::log),
                Arguments.of("AbsBackward0", (UnaryOperator<Tensor>) Tensor::abs),
                Arguments.of("PowBackward0", (UnaryOperator<Tensor>) t -> t.pow(3)),
                Arguments.of("MulBackward0", (UnaryOperator<Tensor>) t -> t.mul(t)),
                Arguments.of("NllLossBackward0", (UnaryOperator<Tensor>) t -> Tensor.nllLoss(t, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputSavers")
    void everyNodeThatSavesItsInputChecksItsVersion(String gradFn, UnaryOperator<Tensor> op) {
        Tensor x = Tensor.vector(0.3, 0.8, 1.1).requiresGrad(true);
        Tensor y = op.apply(x);
        assertEquals(gradFn, y.gradFn());
        try (GradMode g = Tensor.noGrad()) {
            x.addInPlace(0); // a leaf: no "which is output" in PyTorch's message
        }
        String m = message(() -> y.sum().backward());
        assertTrue(m.startsWith(MODIFIED + "[Tensor [3]] is at version 1; expected version 0 instead."), m);
    }

    static Stream<Arguments> savesNothing() {
        return Stream.of(
                Arguments.of("NegBackward0", (UnaryOperator<Tensor>) Tensor::neg, new double[] {-1, -1, -1}),
                Arguments.of("AddBackward0", (UnaryOperator<Tensor>) t -> t.add(2.0), new double[] {1, 1, 1}),
                Arguments.of("SubBackward0", (UnaryOperator<Tensor>) t -> t.sub(t.mul(3)), new double[] {-2, -2, -2}),
                Arguments.of("SumBackward1", (UnaryOperator<Tensor>) t -> t.sum(0), new double[] {1, 1, 1}),
                Arguments.of("MeanBackward0", (UnaryOperator<Tensor>) Tensor::mean, new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}),
                Arguments.of("TBackward0", (UnaryOperator<Tensor>) Tensor::t, new double[] {1, 1, 1}),
                Arguments.of("ViewBackward0", (UnaryOperator<Tensor>) t -> t.reshape(3, 1), new double[] {1, 1, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("savesNothing")
    void aNodeThatSavesNothingAllowsItsInputToChange(String gradFn, UnaryOperator<Tensor> op, double[] expected) {
        Tensor x = Tensor.vector(0.3, 0.8, 1.1).requiresGrad(true);
        Tensor y = op.apply(x);
        assertEquals(gradFn, y.gradFn());
        try (GradMode g = Tensor.noGrad()) {
            x.addInPlace(5);
        }
        y.sum().backward();
        assertArrayEquals(expected, x.grad().toArray(), 1e-15);
    }

    @Test
    void mulSavesOnlyTheOperandTheOtherGradientReads() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor a = Tensor.vector(3, 4);
        Tensor y = x.mul(a); // d(x·a)/dx = a: PyTorch saves a, not x
        try (GradMode g = Tensor.noGrad()) {
            x.mulInPlace(10);
        }
        y.sum().backward();
        assertArrayEquals(new double[] {3, 4}, x.grad().toArray(), 0, "the right gradient, no false version error");

        Tensor x2 = Tensor.vector(1, 2).requiresGrad(true);
        Tensor a2 = Tensor.vector(3, 4);
        Tensor y2 = x2.mul(a2);
        a2.mulInPlace(10); // the saved operand: refused
        assertTrue(message(() -> y2.sum().backward()).startsWith(MODIFIED + "[Tensor [2]] is at version 1"));
    }

    @Test
    void divSavesTheDenominatorAlwaysAndTheNumeratorOnlyForTheDenominatorsGradient() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor d = Tensor.vector(4, 8);
        Tensor y = x.div(d);
        try (GradMode g = Tensor.noGrad()) {
            x.addInPlace(1);
        }
        y.sum().backward();
        assertArrayEquals(new double[] {0.25, 0.125}, x.grad().toArray(), 0);

        Tensor n = Tensor.vector(1, 2);
        Tensor z = Tensor.vector(4, 8).requiresGrad(true);
        Tensor q = n.div(z); // d(n/z)/dz = -n/z²: reads n
        n.addInPlace(1);
        assertTrue(message(() -> q.sum().backward()).startsWith(MODIFIED + "[Tensor [2]] is at version 1"));
    }

    @Test
    void productsSaveOnlyWhatTheOtherGradientReads() {
        Tensor w = Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        Tensor x = Tensor.matrix(new double[][] {{1, 0}, {0, 1}});
        Tensor y = w.mm(x); // dW = dY·xᵀ reads x only
        try (GradMode g = Tensor.noGrad()) {
            w.mulInPlace(2);
        }
        y.sum().backward();
        assertArrayEquals(new double[] {1, 1, 1, 1}, w.grad().toArray(), 0);

        Tensor v = Tensor.vector(1, 2).requiresGrad(true);
        Tensor u = Tensor.vector(3, 4);
        Tensor d = v.dot(u);
        try (GradMode g = Tensor.noGrad()) {
            v.zero();
        }
        d.backward();
        assertArrayEquals(new double[] {3, 4}, v.grad().toArray(), 0);
    }

    @Test
    void theMessageNamesTheSavingNodeForAnOutputAndTheCurrentGradFnForAnInput() {
        // PyTorch's SavedVariable::unpack: an output names the node that saved it...
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor e = x.exp();
        e.addInPlace(1); // recorded: e's grad_fn is now AddBackward0
        assertEquals("AddBackward0", e.gradFn());
        assertTrue(message(() -> e.sum().backward()).startsWith(MODIFIED
                + "[Tensor [2]], which is output 0 of Exp, is at version 1; expected version 0 instead."));
        // ... an input names its grad_fn as it is now
        Tensor h = x.mul(2);
        Tensor s = h.sin();
        h.addInPlace(1);
        assertTrue(message(() -> s.sum().backward()).startsWith(MODIFIED
                + "[Tensor [2]], which is output 0 of Add, is at version 1; expected version 0 instead."));
    }

    @Test
    void aNodeThatSavedOnlyANumberIsFreedLikeAnyOtherAsPyTorchFreesWrappedNumbers() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.mul(3.0); // PyTorch saves 3 as a wrapped-number tensor
        y.backward();
        assertTrue(message(y::backward).startsWith("Trying to backward through the graph a second time"));
        Tensor z = x.add(3.0); // AddBackward0 saves nothing: walked twice
        z.backward();
        z.backward();
        assertEquals(5.0, x.grad().item(), 0);
    }
}
