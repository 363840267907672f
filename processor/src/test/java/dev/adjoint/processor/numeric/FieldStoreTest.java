package dev.adjoint.processor.numeric;

import static dev.adjoint.processor.numeric.GradientHarness.compileClean;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.InMemoryCompiler;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Methods that write their own object's {@code double} fields (ir/Stores), as Neuroph's transfer
 * functions keep their last output for their hand-written derivative: {@code output = ...; return
 * output;}, a private field written with {@code *=}, early returns each writing it, a field read
 * before it is written. At random points: the gradient (the argument's and the fields') against
 * central differences of the method on fresh objects, the pullback's value against the method's
 * bit for bit, the tangent against the gradient, the Hessian against differences of gradients, the
 * tape against the gradient. And what each leaves in the object: the method and the tape's forward
 * pass write the fields as the method does; the derivative members and the backward pass leave
 * them as they were.
 */
class FieldStoreTest {

    private static final int POINTS = 20;

    static final String TRANSFER = """
            package demo;

            import dev.adjoint.Differentiable;

            public final class Transfer {
                private Transfer() {}

                public abstract static class Function {
                    protected transient double output;

                    public abstract double getOutput(double net);
                }

                public static class Gaussian extends Function {
                    private double sigma = 0.5d;

                    @Differentiable(order = 2)
                    @Override
                    public double getOutput(double totalInput) {
                        output = Math.exp(-Math.pow(totalInput, 2) / (2 * Math.pow(sigma, 2)));
                        return output;
                    }
                }

                public static class Tanh extends Function {
                    private double slope = 2d;
                    private double derivativeOutput;

                    @Differentiable(order = 2)
                    @Override
                    public final double getOutput(double input) {
                        if (Math.abs(input) * slope > 100) {
                            this.output = Math.signum(input) * 1.0d;
                            return this.output;
                        }
                        double e = Math.exp(2 * slope * input);
                        output = (e - 1d) / (e + 1d);
                        return output;
                    }

                    @Differentiable(order = 2)
                    public double getDerivative(double net) {
                        derivativeOutput = 1d - output * output;
                        derivativeOutput *= slope * net;
                        return derivativeOutput;
                    }
                }

                /** A running average: the field is read before it is written. */
                public static class Running extends Function {
                    @Differentiable(order = 2)
                    @Override
                    public double getOutput(double x) {
                        output = 0.5 * output + Math.sin(x);
                        if (x > 1) {
                            output += x;
                        }
                        return output * output;
                    }
                }
            }
            """;

    /** Each method: its class, its name, and the fields it is differentiated with respect to, in the gradient's order. */
    private record Case(String type, String method, String argument, String... fields) {}

    private static final Case[] CASES = {
        new Case("Gaussian", "getOutput", "totalInput", "output", "sigma"),
        new Case("Tanh", "getOutput", "input", "output", "slope"),
        new Case("Tanh", "getDerivative", "net", "output", "slope", "derivativeOutput"),
        new Case("Running", "getOutput", "x", "output")};

    @Test
    void methodsStoringTheirFieldsAreDifferentiatedAtRandomPoints() throws Exception {
        InMemoryCompiler.Result r = compileClean("demo.Transfer", TRANSFER);
        Random random = new Random(11);
        ClassLoader loader = r.loader();
        for (Case c : CASES) {
            Class<?> type = loader.loadClass("demo.Transfer$" + c.type());
            Class<?> adjoint = loader.loadClass("demo.Transfer_" + c.type() + "Adjoint");
            Method method = type.getMethod(c.method(), double.class);
            Method gradient = adjoint.getMethod(c.method() + "Gradient", type, double.class);
            Method tangent = tangent(adjoint, c);
            Method hessian = adjoint.getMethod(c.method() + "Hessian", type, double.class);
            for (int k = 0; k < POINTS; k++) {
                double x = 3 * random.nextDouble() - 1.5;
                double[] state = new double[c.fields().length];
                for (int i = 0; i < state.length; i++) {
                    state[i] = 0.5 + random.nextDouble();
                }
                String at = c.type() + "." + c.method() + " at " + x + ", fields " + java.util.Arrays.toString(state);
                Object self = object(type, c, state);
                Object g = gradient.invoke(null, self, x);
                assertFields(type, c, state, self, at + ": the gradient leaves the fields as they were");
                double[] grad = new double[state.length + 1];
                for (int i = 0; i < state.length; i++) {
                    grad[i] = g.getClass().getField(c.fields()[i]).getDouble(g);
                    double[] up = state.clone();
                    double[] down = state.clone();
                    double h = 1e-6;
                    up[i] += h;
                    down[i] -= h;
                    double fd = ((double) method.invoke(object(type, c, up), x) - (double) method.invoke(object(type, c,
                            down), x)) / (2 * h);
                    GradientHarness.assertClose(fd, grad[i], at + " d/d this." + c.fields()[i]);
                }
                grad[state.length] = g.getClass().getField(c.argument()).getDouble(g);
                double fd = ((double) method.invoke(object(type, c, state), x + 1e-6)
                        - (double) method.invoke(object(type, c, state), x - 1e-6)) / 2e-6;
                GradientHarness.assertClose(fd, grad[state.length], at + " d/d" + c.argument());
                // the tangent along a random direction
                Object[] args = new Object[2 + grad.length];
                args[0] = self;
                args[1] = x;
                double expected = 0;
                for (int i = 0; i < grad.length; i++) {
                    double d = random.nextDouble() - 0.5;
                    args[2 + i] = d;
                    expected += grad[i] * d;
                }
                GradientHarness.assertClose(expected, (double) tangent.invoke(null, args), at + " tangent");
                assertFields(type, c, state, self, at + ": the tangent leaves the fields as they were");
                // the Hessian's last row against central differences of the gradient
                double[][] hess = (double[][]) hessian.invoke(null, self, x);
                Object gUp = gradient.invoke(null, object(type, c, state), x + 1e-5);
                Object gDown = gradient.invoke(null, object(type, c, state), x - 1e-5);
                for (int i = 0; i < state.length; i++) {
                    double row = (gUp.getClass().getField(c.fields()[i]).getDouble(gUp)
                            - gDown.getClass().getField(c.fields()[i]).getDouble(gDown)) / 2e-5;
                    GradientHarness.assertClose(row, hess[state.length][i], at + " Hessian");
                }
                assertFields(type, c, state, self, at + ": the Hessian leaves the fields as they were");
                // the method itself writes them; the pullback returns its value bit for bit
                Object called = object(type, c, state);
                double value = (double) method.invoke(called, x);
                Object holder = g.getClass().getDeclaredConstructor().newInstance();
                double pulled = (double) adjoint.getMethod(c.method() + "Pullback", type, double.class, double.class,
                        g.getClass()).invoke(null, self, x, 1.0, holder);
                assertEquals(value, pulled, 0.0, at + " pullback's value");
                assertFields(type, c, state, self, at + ": the pullback leaves the fields as they were");
                tape(type, adjoint, c, state, x, grad, fieldsOf(type, c, called), at);
            }
        }
    }

    /** The tape: its forward pass writes the fields as the method does, its backward pass leaves them; the gradient is the generated one. */
    private static void tape(Class<?> type, Class<?> adjoint, Case c, double[] state, double x, double[] grad,
            double[] written, String at) throws Exception {
        Object self = object(type, c, state);
        Class<?>[] types = new Class<?>[c.fields().length + 2];
        types[0] = type;
        Object[] args = new Object[types.length];
        args[0] = self;
        Tensor[] inputs = new Tensor[types.length - 1];
        for (int i = 0; i < inputs.length; i++) {
            types[i + 1] = Tensor.class;
            inputs[i] = Tensor.scalar(i < state.length ? state[i] : x).requiresGrad(true);
            args[i + 1] = inputs[i];
        }
        Tensor y = (Tensor) adjoint.getMethod(c.method(), types).invoke(null, args);
        assertEquals(java.util.Arrays.toString(written), java.util.Arrays.toString(fieldsOf(type, c, self)),
                at + ": the tape's forward pass writes the fields as the method does");
        y.backward();
        assertEquals(java.util.Arrays.toString(written), java.util.Arrays.toString(fieldsOf(type, c, self)),
                at + ": the backward pass leaves them");
        for (int i = 0; i < inputs.length; i++) {
            GradientHarness.assertClose(grad[i], inputs[i].grad().item(), at + " tape gradient " + i);
        }
    }

    private static Method tangent(Class<?> adjoint, Case c) throws NoSuchMethodException {
        for (Method m : adjoint.getMethods()) {
            if (m.getName().equals(c.method() + "Tangent") && m.getParameterCount() == c.fields().length + 3) {
                return m;
            }
        }
        throw new NoSuchMethodException(c.method() + "Tangent");
    }

    private static Object object(Class<?> type, Case c, double[] state) throws Exception {
        Object o = type.getDeclaredConstructor().newInstance();
        for (int i = 0; i < state.length; i++) {
            field(type, c.fields()[i]).setDouble(o, state[i]);
        }
        return o;
    }

    private static double[] fieldsOf(Class<?> type, Case c, Object o) throws Exception {
        double[] out = new double[c.fields().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = field(type, c.fields()[i]).getDouble(o);
        }
        return out;
    }

    private static void assertFields(Class<?> type, Case c, double[] state, Object o, String what) throws Exception {
        assertEquals(java.util.Arrays.toString(state), java.util.Arrays.toString(fieldsOf(type, c, o)), what);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(name);
    }
}
