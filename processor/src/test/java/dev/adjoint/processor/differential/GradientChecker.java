package dev.adjoint.processor.differential;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Param;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.DualAlgebra.Dual;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Checks one compiled method at one point against four references:
 * <ol>
 *   <li>central finite differences of the program, Richardson-extrapolated over three step sizes;</li>
 *   <li>the program on the runtime tape ({@link TensorAlgebra});</li>
 *   <li>forward-mode dual numbers ({@link DualAlgebra});</li>
 *   <li>the compiled primal: the pullback's and the Tensor overload's values equal it bit for bit.</li>
 * </ol>
 * Tolerances are scaled by the <em>magnitude</em> of the derivative's terms (see
 * {@link DualAlgebra}): rounding cannot exceed a tiny fraction of it, while a wrong sign or a
 * missing term is, in the programs generated here, a visible fraction of it.
 *
 * <p>A point is used only where finite differences are meaningful: every value finite, every
 * point of the stencil taking the same decisions as the centre (no kink, branch or jump inside),
 * the Richardson error estimate small and the derivative not huge. Otherwise it is rejected.
 */
final class GradientChecker {

    /** Relative tolerance against finite differences (of the magnitude of the terms). */
    static final double FD_TOLERANCE = 1e-6;
    /** Relative tolerance against the tape and dual numbers: the same math, rounded differently. */
    static final double EXACT_TOLERANCE = 1e-9;
    /** Derivative terms larger than this are ill-conditioned: such points are rejected. */
    static final double MAX_MAGNITUDE = 1e8;

    /** A failed check: what kind (stable, for shrinking) and the details. */
    record Failure(String kind, String message) {}

    /** A point: one argument per parameter (Double, Integer, Long or Boolean). */
    record Point(List<Object> args) {
        @Override
        public String toString() {
            return args.toString();
        }
    }

    /** The references at a valid point. */
    private record Reference(double value, double[] fd, double[] fdError, double[] dual, double[] magnitude) {}

    private final Unit unit;
    private final Method method;
    private final List<String> doubleParams;
    // the primal and the generated members, by the names DESIGN.md fixes (null when missing)
    private final java.lang.reflect.Method primal;
    private final java.lang.reflect.Method gradientMethod;
    private final java.lang.reflect.Method pullbackMethod;
    private final java.lang.reflect.Method overload;

    GradientChecker(Unit unit, Method method, ClassLoader loader) throws ClassNotFoundException {
        this.unit = unit;
        this.method = method;
        this.doubleParams = method.doubleParams();
        Class<?> adjointClass = loader.loadClass(unit.qualifiedName() + "Adjoint");
        java.lang.reflect.Method primalMethod = null;
        try {
            primalMethod = loader.loadClass(unit.qualifiedName()).getMethod(method.name(), parameterTypes());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        this.primal = primalMethod;
        java.lang.reflect.Method gradient = null, pullback = null, tensor = null;
        for (java.lang.reflect.Method m : adjointClass.getMethods()) {
            if (m.getName().equals(method.name() + "Gradient")) {
                gradient = m;
            } else if (m.getName().equals(method.name() + "Pullback")) {
                pullback = m;
            } else if (m.getName().equals(method.name()) && m.getReturnType() == Tensor.class) {
                tensor = m;
            }
        }
        this.gradientMethod = gradient;
        this.pullbackMethod = pullback;
        this.overload = tensor;
    }

    static Point randomPoint(Method m, Random random) {
        List<Object> args = new ArrayList<>();
        for (Param p : m.params()) {
            args.add(switch (p.type()) {
                case DOUBLE -> Math.round((random.nextDouble() * 3 - 1.5) * 1e6) / 1e6;
                case INT -> 1 + random.nextInt(3);
                case LONG -> (long) (1 + random.nextInt(3));
                case BOOLEAN -> random.nextBoolean();
            });
        }
        return new Point(args);
    }

    /** The references at {@code p}, or null when finite differences are not meaningful there. */
    private Reference reference(Point p) {
        Interpreter.Run<Double> centre = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, p.args());
        double f = centre.value();
        if (!Double.isFinite(f)) {
            return null;
        }
        DualAlgebra dualAlgebra = new DualAlgebra(doubleParams.size());
        List<Object> dualArgs = new ArrayList<>(p.args());
        for (int i = 0, k = 0; i < dualArgs.size(); i++) {
            if (method.params().get(i).type() == Ast.Type.DOUBLE) {
                dualArgs.set(i, dualAlgebra.input(k++, (Double) p.args().get(i)));
            }
        }
        Dual dual = Interpreter.run(dualAlgebra, unit, method, dualArgs).value();
        if (dualAlgebra.singular && KnownBugs.skipSingularPoints()) {
            return null;
        }
        int n = doubleParams.size();
        double[] fd = new double[n];
        double[] fdError = new double[n];
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(dual.grad()[k]) || !(dual.magnitude()[k] <= MAX_MAGNITUDE)) {
                return null;
            }
            int index = argumentIndex(doubleParams.get(k));
            FiniteDifferences.Estimate estimate = FiniteDifferences.derivative(
                    x -> stable(p, index, x, centre.decisions()), (Double) p.args().get(index));
            if (estimate == null) {
                return null;
            }
            fd[k] = estimate.derivative();
            fdError[k] = estimate.error();
            if (fdError[k] > 1e-5 * dual.magnitude()[k] + 1e-9 * (1 + Math.abs(f))) {
                return null;
            }
        }
        return new Reference(f, fd, fdError, dual.grad(), dual.magnitude());
    }

    /** f with argument {@code index} set to {@code x}, or NaN if it decides differently from the centre. */
    private double stable(Point p, int index, double x, List<Double> decisions) {
        List<Object> args = new ArrayList<>(p.args());
        args.set(index, x);
        Interpreter.Run<Double> run = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, args);
        return run.decisions().equals(decisions) ? run.value() : Double.NaN;
    }

    private int argumentIndex(String name) {
        for (int i = 0; i < method.params().size(); i++) {
            if (method.params().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /**
     * Checks the method at {@code p}. Returns null when the point is rejected (finite differences
     * not meaningful), {@link #PASSED} when every check passes, else the first failure.
     */
    Failure check(Point p, Random random) {
        Reference ref;
        try {
            ref = reference(p);
        } catch (RuntimeException e) {
            return new Failure("interpreter", "the test's interpreter failed: " + e);
        }
        if (ref == null) {
            return null;
        }
        try {
            Failure failure = compare(p, ref, random);
            return failure == null ? PASSED : failure;
        } catch (InvocationTargetException e) {
            return new Failure("exception", "generated code threw " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Failure("shape", "generated members are not as DESIGN.md says: " + e);
        }
    }

    /** The result of {@link #check} when every check passed. */
    static final Failure PASSED = new Failure("passed", "");

    private Failure compare(Point p, Reference ref, Random random) throws ReflectiveOperationException {
        Object[] args = p.args().toArray();
        if (gradientMethod == null || pullbackMethod == null) {
            return new Failure("shape", "missing " + method.name() + "Gradient or " + method.name() + "Pullback");
        }
        double value = (double) primal.invoke(null, args);
        if (Double.doubleToLongBits(value) != Double.doubleToLongBits(ref.value())) {
            return new Failure("interpreter", "the compiled primal gives " + value + " but the test's interpreter "
                    + ref.value() + ": the printer or interpreter is wrong, not the processor");
        }

        // fGradient: one field per differentiated parameter, named after it
        Object gradient = gradientMethod.invoke(null, args);
        List<String> differentiated = method.differentiated();
        TreeSet<String> fields = new TreeSet<>();
        for (Field f : gradient.getClass().getFields()) {
            fields.add(f.getName());
        }
        if (!fields.equals(new TreeSet<>(differentiated))) {
            return new Failure("gradient-fields", "gradient fields " + fields + ", expected " + differentiated);
        }
        double[] g = new double[differentiated.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = gradient.getClass().getField(differentiated.get(i)).getDouble(gradient);
        }

        double[] tape = tapeGradient(p);
        for (int i = 0; i < g.length; i++) {
            String name = differentiated.get(i);
            int k = doubleParams.indexOf(name);
            double scale = ref.magnitude()[k];
            String where = " of ∂" + method.name() + "/∂" + name + " at " + p + ": generated " + g[i];
            double fdTolerance = FD_TOLERANCE * scale + 1e-9 * (1 + Math.abs(ref.value())) + 10 * ref.fdError()[k];
            if (!(Math.abs(g[i] - ref.fd()[k]) <= fdTolerance)) {
                return new Failure("finite-differences", "finite differences" + where + ", finite differences "
                        + ref.fd()[k] + " (tolerance " + fdTolerance + ", magnitude of the terms " + scale + ")");
            }
            double exactTolerance = EXACT_TOLERANCE * scale + 1e-12 * (1 + Math.abs(ref.value()));
            if (!(Math.abs(g[i] - tape[k]) <= exactTolerance)) {
                return new Failure("tape", "the tape" + where + ", tape " + tape[k] + " (tolerance " + exactTolerance + ")");
            }
            if (!(Math.abs(g[i] - ref.dual()[k]) <= exactTolerance)) {
                return new Failure("dual", "forward mode" + where + ", dual numbers " + ref.dual()[k]
                        + " (tolerance " + exactTolerance + ")");
            }
        }
        Failure pullback = checkPullback(args, value, differentiated, g, random);
        return pullback != null ? pullback : checkTensorOverload(p, value, differentiated, g);
    }

    /** fPullback returns the primal bit for bit and adds seed·g into what the holder had. */
    private Failure checkPullback(Object[] args, double value, List<String> differentiated, double[] g, Random random)
            throws ReflectiveOperationException {
        java.lang.reflect.Method pullback = pullbackMethod;
        Class<?> holderType = pullback.getParameterTypes()[pullback.getParameterCount() - 1];
        Object holder = holderType.getDeclaredConstructor().newInstance();
        double[] before = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            before[i] = Math.round(random.nextGaussian() * 100) / 10.0;
            holderType.getField(differentiated.get(i)).setDouble(holder, before[i]);
        }
        double seed = List.of(1.0, -2.5, 0.75).get(random.nextInt(3));
        Object[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = seed;
        full[args.length + 1] = holder;
        double returned = (double) pullback.invoke(null, full);
        if (Double.doubleToLongBits(returned) != Double.doubleToLongBits(value)) {
            return new Failure("pullback-value", "fPullback returned " + returned + " but the primal is " + value);
        }
        // the same seed into an empty holder: what the pullback adds, rounded as it rounds it
        Object empty = holderType.getDeclaredConstructor().newInstance();
        full[args.length + 1] = empty;
        pullback.invoke(null, full);
        for (int i = 0; i < g.length; i++) {
            double added = holderType.getField(differentiated.get(i)).getDouble(empty);
            double actual = holderType.getField(differentiated.get(i)).getDouble(holder);
            if (!(Math.abs(actual - (before[i] + added)) <= 1e-15 * (Math.abs(before[i]) + Math.abs(added)))) {
                return new Failure("pullback-accumulation", "fPullback with seed " + seed + " into " + before[i]
                        + " left " + differentiated.get(i) + " = " + actual + ", expected " + (before[i] + added));
            }
            // seed·g up to rounding: a cancelling sum (x - sqrt(x²)) leaves noise of the size of its terms
            if (!(Math.abs(added - seed * g[i]) <= 1e-9 * Math.abs(seed * g[i]) + 1e-10 * Math.abs(seed))) {
                return new Failure("pullback-seed", "fPullback with seed " + seed + " added " + added + " to "
                        + differentiated.get(i) + ", expected seed·gradient = " + seed * g[i]);
            }
        }
        return null;
    }

    /** The Tensor overload: the primal's value, one node named {@code <Name>Backward}, the same gradient. */
    private Failure checkTensorOverload(Point p, double value, List<String> differentiated, double[] g)
            throws ReflectiveOperationException {
        if (overload == null) {
            return new Failure("tensor-overload", "no Tensor overload " + method.name());
        }
        Object[] args = p.args().toArray();
        Tensor[] inputs = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                inputs[i] = Tensor.scalar((Double) args[i]).requiresGrad(true);
                args[i] = inputs[i];
            }
        }
        Tensor out = (Tensor) overload.invoke(null, args);
        String name = Character.toUpperCase(method.name().charAt(0)) + method.name().substring(1) + "Backward";
        if (Double.doubleToLongBits(out.item()) != Double.doubleToLongBits(value) || !name.equals(out.gradFn())) {
            return new Failure("tensor-overload", "Tensor overload gave " + out + ", expected value " + value
                    + " and grad_fn " + name);
        }
        out.backward();
        for (int i = 0; i < g.length; i++) {
            Tensor input = inputs[argumentIndex(differentiated.get(i))];
            double tapeGrad = input == null || input.grad() == null ? Double.NaN : input.grad().item();
            if (Double.doubleToLongBits(tapeGrad) != Double.doubleToLongBits(g[i])) {
                return new Failure("tensor-overload", "Tensor overload's backward gave " + differentiated.get(i)
                        + ".grad = " + tapeGrad + " but fGradient " + g[i]);
            }
        }
        return null;
    }

    /** The program run on the runtime tape (independent of the generated code): ∂f/∂(each double parameter). */
    private double[] tapeGradient(Point p) {
        List<Object> args = new ArrayList<>(p.args());
        Tensor[] leaves = new Tensor[doubleParams.size()];
        for (int i = 0, k = 0; i < args.size(); i++) {
            if (method.params().get(i).type() == Ast.Type.DOUBLE) {
                leaves[k] = Tensor.scalar((Double) args.get(i)).requiresGrad(true);
                args.set(i, leaves[k++]);
            }
        }
        Tensor out = Interpreter.run(TensorAlgebra.INSTANCE, unit, method, args).value();
        if (out.requiresGrad()) {
            out.backward();
        }
        double[] grads = new double[leaves.length];
        for (int k = 0; k < leaves.length; k++) {
            grads[k] = leaves[k].grad() == null ? 0 : leaves[k].grad().item();
        }
        return grads;
    }

    private Class<?>[] parameterTypes() {
        return method.params().stream().map(prm -> switch (prm.type()) {
            case DOUBLE -> double.class;
            case INT -> int.class;
            case LONG -> long.class;
            case BOOLEAN -> boolean.class;
        }).toArray(Class<?>[]::new);
    }
}
