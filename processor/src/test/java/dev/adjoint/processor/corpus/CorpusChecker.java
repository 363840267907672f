package dev.adjoint.processor.corpus;

import dev.adjoint.Tensor;
import dev.adjoint.processor.corpus.Corpus.Case;
import dev.adjoint.processor.corpus.Corpus.EnumArg;
import dev.adjoint.processor.corpus.Corpus.ObjectArg;
import dev.adjoint.processor.corpus.Corpus.Point;
import dev.adjoint.processor.corpus.Corpus.RecordArg;
import dev.adjoint.processor.differential.FiniteDifferences;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one accepted corpus method's generated members against its primal, at every point of
 * its case, the way a user relies on them (members found by the names DESIGN.md fixes):
 * <ul>
 *   <li>{@code fGradient} (a vector result: {@code fJacobian}) against central finite differences
 *   of the primal, Richardson-extrapolated, for every input: each double parameter, each element
 *   of each {@code double[]} one, each component of a record, each {@code double}/{@code double[]}
 *   field of the receiver; the gradient has exactly these fields;</li>
 *   <li>{@code fPullback}: its value equals the primal's bit for bit, it leaves array arguments as
 *   the primal leaves them, it adds seed·gradient to what the holder held, it rejects a holder
 *   array of the wrong length with {@code IllegalArgumentException}, and {@code zero()} zeroes;</li>
 *   <li>the {@code Tensor} overload (static methods): same value bit for bit, {@code grad_fn}
 *   {@code FBackward}, and {@code backward} gives the gradient;</li>
 *   <li>{@code fTangent} when generated (static methods): equals gradient·v (Jacobian·v);</li>
 *   <li>with {@code order = 2} (static methods): {@code fHvp} against central differences of the
 *   generated gradient along the direction, and {@code fHessian}·v against {@code fHvp}.</li>
 * </ul>
 * Every call gets fresh copies of the arguments (and a freshly constructed receiver): methods may
 * write their arrays. A point where finite differences do not resolve the primal is a mistake in
 * the corpus, reported as {@link IllegalStateException}, never as a verdict.
 */
final class CorpusChecker {

    /** Relative tolerance against finite differences (of the component's scale, see {@link #scale}). */
    static final double FD_TOLERANCE = 1e-6;

    /** Relative tolerance between generated members: the same derivative, summed in another order. */
    static final double EXACT_TOLERANCE = 1e-12;

    /** The seed of the pullback checks: a power of two, so seed·gradient is exact. */
    static final double SEED = 0.5;

    /** Where an input lives. */
    enum Where { PARAMETER, RECORD_COMPONENT, RECEIVER_FIELD }

    /**
     * One scalar input at a point.
     *
     * @param name      for messages: {@code x}, {@code w[2]}, {@code terms.forward}, {@code this.rate}
     * @param holderKey its key in a flattened gradient holder: {@code x}, {@code w[2]},
     *                  {@code terms.forward}, {@code rate}
     * @param param     the parameter's index (for a receiver field: -1)
     * @param member    the record component's or receiver field's name, else null
     * @param element   the array element, or -1 for a double
     */
    record Input(String name, String holderKey, Where where, int param, String member, int element) {}

    /** The arguments of one call: fresh, since methods may write them. */
    private static final class Call {
        Object receiver;
        Object[] args;
    }

    private final Case c;
    private final Class<?> outer;
    private final Class<?> owner;
    private final Method primal;
    private final boolean isStatic;
    private final boolean vector;
    private final List<String> wrt;
    private final Class<?> adjoint;
    private final List<String> failures = new ArrayList<>();
    private double maxError;

    /**
     * @param c           the case
     * @param className   the binary name of the class declaring the method
     * @param wrt         the annotation's {@code wrt}, empty for all inputs
     * @param loader      loads the compiled fixture (and its adjoint class, when {@code withAdjoint})
     */
    CorpusChecker(Case c, String className, List<String> wrt, ClassLoader loader, boolean withAdjoint)
            throws ClassNotFoundException {
        this.c = c;
        this.owner = loader.loadClass(className);
        this.outer = loader.loadClass(CorpusSources.PACKAGE + "." + c.file());
        // overloads (an entry that fills in defaults and delegates): the one the case's points call
        int arity = c.points().isEmpty() ? -1 : c.points().get(0).args().length;
        List<Method> named = Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> m.getName().equals(c.method()) && !m.isSynthetic() && !m.isBridge())
                .filter(m -> arity < 0 || m.getParameterCount() == arity).toList();
        if (named.size() != 1) {
            throw new IllegalStateException(c.key() + ": expected one method named " + c.method() + ", found " + named.size());
        }
        this.primal = named.get(0);
        this.primal.setAccessible(true);
        this.isStatic = Modifier.isStatic(primal.getModifiers());
        this.vector = primal.getReturnType() == double[].class;
        this.wrt = wrt;
        String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '_');
        this.adjoint = withAdjoint ? loader.loadClass(owner.getPackageName() + "." + simple + "Adjoint") : null;
    }

    // ------------------------------------------------------------------------------ verdict

    /** Runs every check at every point; the verdict is accepted only when all pass. */
    Outcome check(List<String> notes) throws Exception {
        boolean first = true;
        for (Point p : c.points()) {
            checkPoint(p, first);
            first = false;
        }
        if (failures.isEmpty()) {
            return Outcome.accepted(maxError, notes);
        }
        String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more failed checks)" : "";
        return Outcome.wrong(failures.get(0) + more, maxError, notes);
    }

    private void fail(String message) {
        failures.add(message);
    }

    private void checkPoint(Point p, boolean first) throws Exception {
        if (p.refused()) {
            checkRefusedAtRunTime(p);
            return;
        }
        List<Input> inputs = inputs(p);
        double[][] fd = finiteDifferences(p, inputs);
        Call afterPrimal = fresh(p);
        Object value = primalValue(afterPrimal);
        int outputs = fd.length;

        // the generated gradient or Jacobian: rows are outputs, columns inputs
        double[][] generated = new double[outputs][inputs.size()];
        if (vector) {
            Method jacobian = member(c.method() + "Jacobian");
            if (jacobian == null) {
                fail("no " + c.method() + "Jacobian generated");
                return;
            }
            double[][] j = (double[][]) run(jacobian, fresh(p), List.of());
            if (j == null) {
                return;
            }
            // docs/generated-code.md: the columns are the differentiated receiver fields (those
            // the method reads, as FGradient has them), then the parameters in declaration order
            List<Integer> columns = jacobianColumns(inputs);
            if (j.length != outputs || Arrays.stream(j).anyMatch(row -> row.length != columns.size())) {
                fail(c.method() + "Jacobian is " + j.length + "×" + (j.length == 0 ? 0 : j[0].length)
                        + ", expected " + outputs + "×" + columns.size() + " at " + p);
                return;
            }
            for (int i = 0; i < outputs; i++) {
                for (int col = 0; col < columns.size(); col++) {
                    generated[i][columns.get(col)] = j[i][col]; // an input without a column stays 0
                }
            }
        } else {
            Method gradient = member(c.method() + "Gradient");
            if (gradient == null) {
                fail("no " + c.method() + "Gradient generated");
                return;
            }
            Object holder = run(gradient, fresh(p), List.of());
            if (holder == null) {
                return;
            }
            Map<String, Double> g = flatten(holder);
            if (!sameKeys(g, inputs, p)) {
                return;
            }
            for (int k = 0; k < inputs.size(); k++) {
                // a receiver field the method does not read has no component: its derivative must be 0
                generated[0][k] = g.getOrDefault(inputs.get(k).holderKey(), 0.0);
            }
        }
        compareWithFiniteDifferences(p, inputs, fd, generated);
        checkPullback(p, inputs, value, afterPrimal, generated, first);
        if (isStatic && !hasRecordParameter()) {
            checkTensor(p, inputs, value, generated);
            checkTangent(p, inputs, generated);
            checkSecondOrder(p, inputs);
        }
    }

    /**
     * The input each column of {@code fJacobian} stands for: the receiver's fields that the
     * gradient class has (the ones the method reads), in their order, then the parameters'
     * elements and record components.
     */
    private List<Integer> jacobianColumns(List<Input> inputs) {
        Method pullback = member(c.method() + "Pullback");
        Set<String> present = new LinkedHashSet<>();
        if (pullback != null) {
            for (Field f : pullback.getParameterTypes()[pullback.getParameterCount() - 1].getFields()) {
                present.add(f.getName());
            }
        }
        List<Integer> columns = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k).where() == Where.RECEIVER_FIELD && present.contains(inputs.get(k).member())) {
                columns.add(k);
            }
        }
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k).where() != Where.RECEIVER_FIELD) {
                columns.add(k);
            }
        }
        return columns;
    }

    /** The largest relative error of each component against finite differences, and a failure when out of tolerance. */
    private void compareWithFiniteDifferences(Point p, List<Input> inputs, double[][] fd, double[][] generated) {
        for (int i = 0; i < fd.length; i++) {
            double rowMax = Arrays.stream(fd[i]).map(Math::abs).max().orElse(0);
            for (int k = 0; k < inputs.size(); k++) {
                double g = generated[i][k];
                double reference = fd[i][k];
                double s = scale(reference, rowMax);
                double error = Math.abs(g - reference) / s;
                if (!(error <= Double.MAX_VALUE)) {
                    error = Double.POSITIVE_INFINITY; // NaN or infinite: as wrong as it gets
                }
                maxError = Math.max(maxError, error);
                double allowed = c.roughStep() > 0 ? c.roughTolerance() * s : FD_TOLERANCE * s + 4 * fdError[i][k];
                if (!(Math.abs(g - reference) <= allowed)) {
                    fail("d" + (vector ? "f[" + i + "]" : "f") + "/d" + inputs.get(k).name() + " is " + g
                            + ", finite differences give " + reference + " (rel. error " + String.format("%.2e", error)
                            + ") at " + p);
                }
            }
        }
    }

    /**
     * The scale a component's error is measured against: its own size, but at least a thousandth
     * of the largest component of the same output (a component that is zero or tiny next to the
     * others is compared at the others' scale, not at an absolute one).
     */
    static double scale(double reference, double rowMax) {
        return Math.max(Math.max(Math.abs(reference), 1e-3 * rowMax), 1e-12);
    }

    // ------------------------------------------------------------------------------ pullback

    private void checkPullback(Point p, List<Input> inputs, Object value, Call afterPrimal, double[][] generated,
            boolean checkContract) throws Exception {
        Method pullback = member(c.method() + "Pullback");
        if (pullback == null) {
            fail("no " + c.method() + "Pullback generated");
            return;
        }
        Class<?> holderType = pullback.getParameterTypes()[pullback.getParameterCount() - 1];
        Object holder = accessible(holderType.getDeclaredConstructor()).newInstance();
        Map<String, Double> prefill = new LinkedHashMap<>();
        for (int k = 0; k < inputs.size(); k++) {
            prefill.put(inputs.get(k).holderKey(), 0.25 * (k + 1) - 1);
        }
        fill(holder, "", prefill, lengths(inputs, 0));
        double[] seed = seed(generated.length);
        Call call = fresh(p);
        Object pulled = run(pullback, call, List.of(vector ? seed : (Object) SEED, holder));
        if (pulled == null) {
            return;
        }
        if (!bitwiseEqual(value, pulled)) {
            fail(c.method() + "Pullback returns " + show(pulled) + ", the primal " + show(value) + " at " + p);
        }
        for (int i = 0; i < call.args.length; i++) {
            if (call.args[i] instanceof double[] a && !Arrays.equals(a, (double[]) afterPrimal.args[i])) {
                fail(c.method() + "Pullback leaves argument " + primal.getParameters()[i].getName() + " as "
                        + Arrays.toString(a) + ", the primal as " + Arrays.toString((double[]) afterPrimal.args[i]));
            }
        }
        Map<String, Double> after = flatten(holder);
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k).where() == Where.RECEIVER_FIELD && !after.containsKey(inputs.get(k).holderKey())) {
                continue; // a field the method does not read: its zero derivative is checked against finite differences
            }
            double vjp = 0;
            for (int i = 0; i < generated.length; i++) {
                vjp += seed[i] * generated[i][k];
            }
            String key = inputs.get(k).holderKey();
            double expected = prefill.get(key) + vjp;
            Double actual = after.get(key);
            if (actual == null || !close(expected, actual, Math.abs(prefill.get(key)) + Math.abs(vjp))) {
                fail(c.method() + "Pullback adds " + (actual == null ? "nothing" : actual - prefill.get(key)) + " into "
                        + inputs.get(k).name() + ", expected seed·gradient " + vjp + " at " + p);
            }
        }
        accessible(holderType.getMethod("zero")).invoke(holder);
        if (flatten(holder).values().stream().anyMatch(x -> x != 0.0)) {
            fail(holderType.getSimpleName() + ".zero() leaves " + flatten(holder));
        }
        if (checkContract && inputs.stream().anyMatch(in -> in.element() >= 0)) {
            // DESIGN.md: arrays in `into` must be the inputs' length, else IllegalArgumentException
            Object wrongLength = accessible(holderType.getDeclaredConstructor()).newInstance();
            fill(wrongLength, "", Map.of(), lengths(inputs, 1));
            try {
                invoke(pullback, fresh(p), List.of(vector ? seed : (Object) SEED, wrongLength));
                fail(c.method() + "Pullback accepts gradient arrays one element too long");
            } catch (IllegalArgumentException expected) {
                // as specified
            } catch (Exception other) {
                fail(c.method() + "Pullback answers a wrong-length gradient array with " + other
                        + " instead of IllegalArgumentException");
            }
        }
    }

    /** The pullback's seed: {@link #SEED} for a scalar, distinct powers of two for a vector. */
    private static double[] seed(int outputs) {
        double[] seed = new double[outputs];
        for (int i = 0; i < outputs; i++) {
            seed[i] = (i % 2 == 0 ? 1 : -1) * SEED / (1 << i);
        }
        return seed;
    }

    // ------------------------------------------------------------------------------ tape and forward mode

    private void checkTensor(Point p, List<Input> inputs, Object value, double[][] generated) throws Exception {
        Method overload = null;
        for (Method m : adjointMethods()) {
            if (m.getName().equals(c.method()) && m.getReturnType() == Tensor.class) {
                overload = m;
            }
        }
        if (overload == null) {
            fail("no Tensor overload " + c.method() + "(...) generated");
            return;
        }
        Call call = fresh(p);
        Map<Integer, Tensor> leaves = new LinkedHashMap<>();
        Object[] args = call.args.clone();
        for (int i = 0; i < args.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                Tensor t = (args[i] instanceof double[] a ? Tensor.vector(a.clone()) : Tensor.scalar((Double) args[i]))
                        .requiresGrad(true);
                leaves.put(i, t);
                args[i] = t;
            }
        }
        Set<Integer> differentiated = directions(p, inputs, new double[inputs.size()]).keySet();
        if (!leaves.keySet().equals(differentiated)) {
            fail("the Tensor overload takes Tensors for parameters " + leaves.keySet() + ", the differentiated ones are "
                    + differentiated);
            return;
        }
        Tensor out;
        try {
            out = (Tensor) overload.invoke(null, args);
        } catch (InvocationTargetException e) {
            fail("the Tensor overload threw " + e.getCause());
            return;
        }
        Object tapeValue = vector ? out.toArray() : out.item();
        if (!bitwiseEqual(value, tapeValue)) {
            fail("the Tensor overload computes " + show(tapeValue) + ", the primal " + show(value));
        }
        String gradFn = Character.toUpperCase(c.method().charAt(0)) + c.method().substring(1) + "Backward";
        if (!gradFn.equals(out.gradFn())) {
            fail("grad_fn is " + out.gradFn() + ", expected " + gradFn);
        }
        double[] seed = vector ? seed(generated.length) : new double[] {1.0};
        if (vector) {
            out.backward(Tensor.vector(seed));
        } else {
            out.backward();
        }
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            double[] grad = leaves.get(in.param()).grad().toArray();
            double tape = grad[Math.max(in.element(), 0)];
            double expected = 0;
            for (int i = 0; i < generated.length; i++) {
                expected += seed[i] * generated[i][k];
            }
            if (!close(expected, tape, Math.abs(expected))) {
                fail("the tape's gradient of " + in.name() + " is " + tape + ", the generated one " + expected + " at " + p);
            }
        }
    }

    private void checkTangent(Point p, List<Input> inputs, double[][] generated) throws Exception {
        Method tangent = member(c.method() + "Tangent");
        if (tangent == null) {
            return; // forward mode is not asked of every method
        }
        double[] v = new double[inputs.size()];
        Map<Integer, Object> directions = directions(p, inputs, v);
        Object result = run(tangent, fresh(p), List.copyOf(directions.values()));
        if (result == null) {
            return;
        }
        double[] jv = vector ? (double[]) result : new double[] {(Double) result};
        for (int i = 0; i < generated.length; i++) {
            double expected = 0;
            double magnitude = 0;
            for (int k = 0; k < inputs.size(); k++) {
                expected += generated[i][k] * v[k];
                magnitude += Math.abs(generated[i][k] * v[k]);
            }
            if (i >= jv.length || !(Math.abs(jv[i] - expected) <= 1e-9 * magnitude + Double.MIN_NORMAL)) {
                fail(c.method() + "Tangent gives " + Arrays.toString(jv) + ", gradient·v " + expected + " at " + p);
                return;
            }
        }
    }

    /**
     * With {@code order = 2}: {@code fHvp} in a direction v against central differences of the
     * generated gradient along v, d/dt ∇f(x + t·v) at t = 0 (the gradient itself was checked
     * against finite differences of the primal), within {@link #FD_TOLERANCE} of each component's
     * scale plus the estimate's error; and {@code fHessian}, when generated, times v equals
     * {@code fHvp}'s H·v to {@link #EXACT_TOLERANCE}.
     */
    private void checkSecondOrder(Point p, List<Input> inputs) throws Exception {
        Method gradient = member(c.method() + "Gradient");
        double[] v = new double[inputs.size()];
        Map<Integer, Object> directions = directions(p, inputs, v);
        Method hvp = memberWithArity(c.method() + "Hvp", primal.getParameterCount() + directions.size());
        if (hvp == null || gradient == null || vector) {
            return; // second order is asked for per method (order = 2)
        }
        Object result = run(hvp, fresh(p), List.copyOf(copies(directions).values()));
        if (result == null) {
            return;
        }
        Map<String, Double> hv = flatten(result);
        // the step along v: Richardson's for the input that moves most relative to its size
        double h = Double.POSITIVE_INFINITY;
        Call base = fresh(p);
        for (int k = 0; k < inputs.size(); k++) {
            h = Math.min(h, step(get(base, inputs.get(k))) / Math.abs(v[k]));
        }
        double[] fd = new double[inputs.size()];
        double[] fdErr = new double[inputs.size()];
        for (int k = 0; k < inputs.size(); k++) {
            String key = inputs.get(k).holderKey();
            java.util.function.DoubleUnaryOperator g = t -> {
                try {
                    Call call = fresh(p);
                    for (int m = 0; m < inputs.size(); m++) {
                        set(call, inputs.get(m), get(call, inputs.get(m)) + t * v[m]);
                    }
                    return flatten(invoke(gradient, call, List.of())).getOrDefault(key, 0.0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            FiniteDifferences.Estimate e = FiniteDifferences.derivative(g, 0.0, 1e-9, h);
            if (e == null) {
                throw new IllegalStateException(c.key() + ": finite differences of the gradient do not resolve (H·v)["
                        + inputs.get(k).name() + "] at " + p + "; choose another point");
            }
            fd[k] = e.derivative();
            fdErr[k] = e.error();
        }
        double rowMax = Arrays.stream(fd).map(Math::abs).max().orElse(0);
        for (int k = 0; k < inputs.size(); k++) {
            double generated = hv.getOrDefault(inputs.get(k).holderKey(), 0.0);
            double s = scale(fd[k], rowMax);
            double error = Math.abs(generated - fd[k]) / s;
            maxError = Math.max(maxError, error <= Double.MAX_VALUE ? error : Double.POSITIVE_INFINITY);
            if (!(Math.abs(generated - fd[k]) <= FD_TOLERANCE * s + 4 * fdErr[k])) {
                fail(c.method() + "Hvp gives (H·v)[" + inputs.get(k).name() + "] = " + generated
                        + ", finite differences of the gradient give " + fd[k] + " (rel. error "
                        + String.format("%.2e", error) + ") at " + p);
                return;
            }
        }
        Method hessian = memberWithArity(c.method() + "Hessian", primal.getParameterCount());
        if (hessian == null || hessian.getReturnType() != double[][].class) {
            return; // fHessian only when every differentiable parameter is a double
        }
        double[][] matrix = (double[][]) run(hessian, fresh(p), List.of());
        if (matrix == null) {
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            double hvI = 0;
            double magnitude = 0;
            for (int j = 0; j < inputs.size(); j++) {
                hvI += matrix[i][j] * v[j];
                magnitude += Math.abs(matrix[i][j] * v[j]);
            }
            double expected = hv.getOrDefault(inputs.get(i).holderKey(), 0.0);
            if (!(Math.abs(hvI - expected) <= EXACT_TOLERANCE * Math.max(magnitude, Math.abs(expected)) + Double.MIN_NORMAL)) {
                fail(c.method() + "Hessian times v gives " + hvI + " in row " + i + ", " + c.method() + "Hvp " + expected
                        + " at " + p);
                return;
            }
        }
    }

    /**
     * One direction per differentiated parameter of a static method, in declaration order: a
     * {@code double}, or a {@code double[]} of the argument's length (an empty array too, which has
     * no input); {@code v} receives each input's component, 0.3 - 0.17k.
     */
    private Map<Integer, Object> directions(Point p, List<Input> inputs, double[] v) throws Exception {
        Call call = fresh(p);
        Map<Integer, Object> directions = new LinkedHashMap<>();
        Parameter[] params = primal.getParameters();
        for (int i = 0; i < params.length; i++) {
            if (!wrt.isEmpty() && !wrt.contains(params[i].getName())) {
                continue;
            }
            Class<?> type = params[i].getType();
            if (type == double.class || type == Double.class) {
                directions.put(i, 0.0);
            } else if (type == double[].class) {
                directions.put(i, new double[((double[]) call.args[i]).length]);
            }
        }
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            v[k] = 0.3 - 0.17 * k;
            if (in.element() < 0) {
                directions.put(in.param(), v[k]);
            } else {
                ((double[]) directions.get(in.param()))[in.element()] = v[k];
            }
        }
        return directions;
    }

    /** Fresh copies of the direction arrays: a member must not write them, and one that did would not be seen twice. */
    private static Map<Integer, Object> copies(Map<Integer, Object> directions) {
        Map<Integer, Object> out = new LinkedHashMap<>();
        directions.forEach((k, d) -> out.put(k, d instanceof double[] a ? a.clone() : d));
        return out;
    }

    /** The generated member of this name with {@code arity} parameters (the receiver not counted), else null. */
    private Method memberWithArity(String name, int arity) {
        for (Method m : adjointMethods()) {
            if (m.getName().equals(name) && m.getReturnType() != Tensor.class
                    && m.getParameterCount() == arity + (isStatic ? 0 : 1)) {
                return m;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------ finite differences

    /** The finite-difference estimates' error bounds, filled by {@link #finiteDifferences}. */
    private double[][] fdError;

    /**
     * ∂(output i)/∂(input k) at {@code p} by central differences of the primal, each evaluation on
     * fresh arguments; throws when they do not resolve it (the point is a corpus mistake).
     */
    double[][] finiteDifferences(Point p, List<Input> inputs) throws Exception {
        Object centre = primalValue(fresh(p));
        int outputs = centre instanceof double[] a ? a.length : 1;
        if (!allFinite(centre)) {
            throw new IllegalStateException(c.key() + " is not finite at " + p + ": " + show(centre));
        }
        double[][] out = new double[outputs][inputs.size()];
        fdError = new double[outputs][inputs.size()];
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            double x0 = get(fresh(p), in);
            for (int i = 0; i < outputs; i++) {
                int output = i;
                java.util.function.DoubleUnaryOperator f = x -> {
                    Call call;
                    try {
                        call = fresh(p);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                    set(call, in, x);
                    Object value = primalValue(call);
                    return value instanceof double[] a ? a[output] : (Double) value;
                };
                double h = step(x0);
                if (c.roughStep() > 0) {
                    double rough = c.roughStep() * Math.max(Math.abs(x0), 1e-3);
                    out[i][k] = (f.applyAsDouble(x0 + rough) - f.applyAsDouble(x0 - rough)) / (2 * rough);
                } else {
                    FiniteDifferences.Estimate e = FiniteDifferences.derivative(f, x0, 1e-9, h);
                    if (e == null) {
                        throw new IllegalStateException(c.key() + ": finite differences do not resolve d/d"
                                + in.name() + " at " + p + "; choose another point");
                    }
                    out[i][k] = e.derivative();
                    fdError[i][k] = e.error();
                }
            }
        }
        return out;
    }

    /** Richardson's largest step: a thousandth of the input's size, an input's natural scale (a rate of 0.03, a price of 100). */
    static double step(double x) {
        return 1e-3 * Math.max(Math.abs(x), 1e-3);
    }

    // ------------------------------------------------------------------------------ inputs and calls

    /** The inputs at {@code p}, in declaration order (parameters, then receiver fields), wrt applied. */
    List<Input> inputs(Point p) throws Exception {
        List<Input> out = new ArrayList<>();
        Call call = fresh(p);
        Parameter[] params = primal.getParameters();
        for (int i = 0; i < params.length; i++) {
            String name = params[i].getName();
            Class<?> type = params[i].getType();
            if (!wrt.isEmpty() && !wrt.contains(name)) {
                continue;
            }
            if (type == double.class || type == Double.class) { // a boxed Double is differentiated as a double
                out.add(new Input(name, name, Where.PARAMETER, i, null, -1));
            } else if (type == double[].class) {
                for (int j = 0; j < ((double[]) call.args[i]).length; j++) {
                    out.add(new Input(name + "[" + j + "]", name + "[" + j + "]", Where.PARAMETER, i, null, j));
                }
            } else if (type.isRecord()) {
                for (RecordComponent rc : type.getRecordComponents()) {
                    String key = name + "." + rc.getName();
                    if (rc.getType() == double.class) {
                        out.add(new Input(key, key, Where.RECORD_COMPONENT, i, rc.getName(), -1));
                    } else if (rc.getType() == double[].class) {
                        rc.getAccessor().setAccessible(true);
                        int length = ((double[]) rc.getAccessor().invoke(call.args[i])).length;
                        for (int j = 0; j < length; j++) {
                            out.add(new Input(key + "[" + j + "]", key + "[" + j + "]", Where.RECORD_COMPONENT, i,
                                    rc.getName(), j));
                        }
                    }
                }
            }
        }
        if (!isStatic) {
            for (Field f : receiverFields().values()) {
                if (!wrt.isEmpty() && !wrt.contains("this." + f.getName())) {
                    continue;
                }
                if (f.getType() == double.class && !Double.isFinite(f.getDouble(call.receiver))) {
                    continue; // a NaN cache (Smile's z1): nothing to perturb, and a method reading it returns NaN
                }
                if (f.getType() == double.class) {
                    out.add(new Input("this." + f.getName(), f.getName(), Where.RECEIVER_FIELD, -1, f.getName(), -1));
                } else if (f.getType() == double[].class) {
                    for (int j = 0; j < ((double[]) f.get(call.receiver)).length; j++) {
                        out.add(new Input("this." + f.getName() + "[" + j + "]", f.getName() + "[" + j + "]",
                                Where.RECEIVER_FIELD, -1, f.getName(), j));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The receiver's instance fields by name, its class's and its superclasses' (up to the JDK's),
     * superclasses first; a subclass's field hides a superclass's of the same name, as in Java.
     */
    private Map<String, Field> receiverFields() {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = owner; k != null && !k.getName().startsWith("java."); k = k.getSuperclass()) {
            chain.add(0, k);
        }
        Map<String, Field> out = new LinkedHashMap<>();
        for (Class<?> k : chain) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    f.setAccessible(true);
                    out.remove(f.getName());
                    out.put(f.getName(), f);
                }
            }
        }
        return out;
    }

    private Field receiverField(String name) {
        Field f = receiverFields().get(name);
        if (f == null) {
            throw new IllegalStateException(c.key() + ": the receiver has no field " + name);
        }
        return f;
    }

    private boolean hasRecordParameter() {
        return Arrays.stream(primal.getParameterTypes()).anyMatch(Class::isRecord);
    }

    /** Fresh arguments for {@code p}: arrays copied, numbers converted to the parameters' types, receiver constructed. */
    private Call fresh(Point p) throws ReflectiveOperationException {
        Call call = new Call();
        call.args = convert(p.args(), primal.getParameterTypes());
        if (!isStatic) {
            if (p.receiver() == null) {
                throw new IllegalStateException(c.key() + " is an instance method: give its points a receiver");
            }
            call.receiver = construct(p.receiverType() == null ? owner : nestedType(p.receiverType()), p.receiver());
        }
        return call;
    }

    /**
     * A new {@code type} from {@code args}: the constructor of that arity whose parameter types fit
     * the arguments (a number fits any primitive number type, an array its own type, an enum,
     * record or object argument its named type); more than one fitting is a corpus mistake.
     */
    private Object construct(Class<?> type, Object[] args) throws ReflectiveOperationException {
        List<Constructor<?>> fitting = new ArrayList<>();
        for (Constructor<?> k : type.getDeclaredConstructors()) {
            if (k.getParameterCount() == args.length && fits(args, k.getParameterTypes())) {
                fitting.add(k);
            }
        }
        if (fitting.size() != 1) {
            throw new IllegalStateException(c.key() + ": " + fitting.size() + " constructors of " + type.getSimpleName()
                    + " fit the arguments " + Arrays.deepToString(args) + "; make the case's arguments unambiguous");
        }
        Constructor<?> ctor = fitting.get(0);
        ctor.setAccessible(true);
        return ctor.newInstance(convert(args, ctor.getParameterTypes()));
    }

    private boolean fits(Object[] args, Class<?>[] types) throws ClassNotFoundException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            Class<?> t = types[i];
            boolean ok = a instanceof Number ? t.isPrimitive() && t != boolean.class && t != char.class
                    || Number.class.isAssignableFrom(t)
                    : a instanceof Boolean ? t == boolean.class || t == Boolean.class
                    : a instanceof EnumArg e ? t == nestedType(e.type())
                    : a instanceof RecordArg r ? t == nestedType(r.type())
                    : a instanceof ObjectArg o ? t.isAssignableFrom(nestedType(o.type()))
                    : a == null ? !t.isPrimitive()
                    : t.isInstance(a);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A type named by a case: a nested type of the fixture class, or a qualified name. */
    private Class<?> nestedType(String name) throws ClassNotFoundException {
        String binary = name.contains(".") ? name : outer.getName() + "$" + name;
        return Class.forName(binary, true, outer.getClassLoader());
    }

    private Object[] convert(Object[] values, Class<?>[] types) throws ReflectiveOperationException {
        if (values.length != types.length) {
            throw new IllegalStateException(c.key() + ": " + values.length + " arguments for " + types.length + " parameters");
        }
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = convert(values[i], types[i]);
        }
        return out;
    }

    private Object convert(Object value, Class<?> type) throws ReflectiveOperationException {
        if (value instanceof Number n) {
            return type == double.class ? (Object) n.doubleValue() : type == int.class ? (Object) n.intValue()
                    : type == long.class ? (Object) n.longValue() : type == float.class ? (Object) n.floatValue() : n;
        } else if (value instanceof double[] a) {
            return a.clone();
        } else if (value instanceof double[][] m) {
            double[][] copy = new double[m.length][];
            for (int i = 0; i < m.length; i++) {
                copy[i] = m[i].clone();
            }
            return copy;
        } else if (value instanceof float[] a) {
            return a.clone();
        } else if (value instanceof int[] a) {
            return a.clone();
        } else if (value instanceof EnumArg e) {
            return enumConstant(e);
        } else if (value instanceof ObjectArg o) {
            return construct(nestedType(o.type()), o.args()); // data, not differentiated (DESIGN.md)
        } else if (value instanceof RecordArg r) {
            Class<?> recordType = nestedType(r.type());
            Class<?>[] componentTypes = Arrays.stream(recordType.getRecordComponents())
                    .map(RecordComponent::getType).toArray(Class<?>[]::new);
            Constructor<?> ctor = recordType.getDeclaredConstructor(componentTypes);
            ctor.setAccessible(true);
            return ctor.newInstance(convert(r.components(), componentTypes));
        }
        return value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object enumConstant(EnumArg e) throws ClassNotFoundException {
        Class<? extends Enum> type = (Class<? extends Enum>) nestedType(e.type());
        return Enum.valueOf(type, e.constant());
    }

    double get(Call call, Input in) throws ReflectiveOperationException {
        Object container = container(call, in);
        return in.element() < 0 ? (Double) container : ((double[]) container)[in.element()];
    }

    void set(Call call, Input in, double value) {
        try {
            if (in.element() >= 0) {
                ((double[]) container(call, in))[in.element()] = value;
            } else if (in.where() == Where.PARAMETER) {
                call.args[in.param()] = value;
            } else if (in.where() == Where.RECEIVER_FIELD) {
                receiverField(in.member()).setDouble(call.receiver, value);
            } else {
                // a record is immutable: rebuild it with the component replaced
                Object record = call.args[in.param()];
                RecordComponent[] components = record.getClass().getRecordComponents();
                Object[] values = new Object[components.length];
                Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    components[i].getAccessor().setAccessible(true);
                    values[i] = components[i].getName().equals(in.member()) ? value
                            : components[i].getAccessor().invoke(record);
                    types[i] = components[i].getType();
                }
                Constructor<?> ctor = record.getClass().getDeclaredConstructor(types);
                ctor.setAccessible(true);
                call.args[in.param()] = ctor.newInstance(values);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The double (boxed) or double[] that holds {@code in}. */
    private Object container(Call call, Input in) throws ReflectiveOperationException {
        return switch (in.where()) {
            case PARAMETER -> call.args[in.param()];
            case RECEIVER_FIELD -> receiverField(in.member()).get(call.receiver);
            case RECORD_COMPONENT -> {
                Object record = call.args[in.param()];
                Method accessor = record.getClass().getDeclaredMethod(in.member());
                accessor.setAccessible(true);
                yield accessor.invoke(record);
            }
        };
    }

    /** The primal's value (a Double or a double[]); a throwing primal means a bad point. */
    Object primalValue(Call call) {
        try {
            return primal.invoke(call.receiver, call.args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(c.key() + ": the primal throws at " + Arrays.deepToString(call.args), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code member}, made accessible: a private method's holder classes are package-private. */
    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }

    /**
     * The adjoint class's members, accessible: public, or package-private for a private
     * {@code @Differentiable} method (whose derivatives stay in its package).
     */
    private List<Method> adjointMethods() {
        List<Method> out = new ArrayList<>();
        for (Method m : adjoint.getDeclaredMethods()) {
            if (!m.isSynthetic() && !Modifier.isPrivate(m.getModifiers())) {
                m.setAccessible(true);
                out.add(m);
            }
        }
        return out;
    }

    /** A generated member of the adjoint class by name (a Tensor overload is found separately). */
    private Method member(String name) {
        for (Method m : adjointMethods()) {
            if (m.getName().equals(name) && m.getReturnType() != Tensor.class) {
                return m;
            }
        }
        return null;
    }

    /** Invokes a generated member with the call's receiver (if any) and arguments, then {@code extra}. */
    private Object invoke(Method m, Call call, List<Object> extra) throws Exception {
        List<Object> all = new ArrayList<>();
        if (!isStatic) {
            all.add(call.receiver);
        }
        all.addAll(Arrays.asList(call.args));
        all.addAll(extra);
        try {
            return m.invoke(null, all.toArray());
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * At a point whose receiver overrides a method the derivative inlined, the gradient (or
     * Jacobian) and the pullback refuse the receiver, naming the override, rather than return the
     * derivative of the base class's code.
     */
    private void checkRefusedAtRunTime(Point p) throws Exception {
        for (String name : vector ? List.of(c.method() + "Jacobian") : List.of(c.method() + "Gradient",
                c.method() + "Pullback")) {
            Method m = member(name);
            if (m == null) {
                fail("no " + name + " generated");
                continue;
            }
            List<Object> extra = new ArrayList<>();
            if (name.endsWith("Pullback")) {
                // a holder of the right shape, zero: the refusal must come from the override, not the holder
                Class<?> holderType = m.getParameterTypes()[m.getParameterCount() - 1];
                Object holder = accessible(holderType.getDeclaredConstructor()).newInstance();
                List<Input> inputs = inputs(p);
                Map<String, Double> zeros = new LinkedHashMap<>();
                inputs.forEach(in -> zeros.put(in.holderKey(), 0.0));
                fill(holder, "", zeros, lengths(inputs, 0));
                extra.add(SEED);
                extra.add(holder);
            }
            try {
                Object out = invoke(m, fresh(p), extra);
                fail(name + " returned " + show(out) + " for " + p + ", which overrides a method it inlined; "
                        + "expected an UnsupportedOperationException");
            } catch (UnsupportedOperationException expected) {
                if (expected.getMessage() == null || !expected.getMessage().contains(" overrides ")) {
                    fail(name + " refused " + p + " without naming the override: " + expected.getMessage());
                }
            } catch (Exception other) {
                fail(name + " threw " + other + " for " + p + ", expected an UnsupportedOperationException");
            }
        }
    }

    /** {@link #invoke}, a throw recorded as a failure (and null returned). */
    private Object run(Method m, Call call, List<Object> extra) {
        try {
            return invoke(m, call, extra);
        } catch (Exception e) {
            fail(m.getName() + " threw " + e);
            return null;
        }
    }

    // ------------------------------------------------------------------------------ gradient holders

    /** A gradient holder's public fields, flattened: {@code x}, {@code w[2]}, {@code terms.forward}. */
    static Map<String, Double> flatten(Object holder) {
        Map<String, Double> out = new LinkedHashMap<>();
        flatten(holder, "", out);
        return out;
    }

    private static void flatten(Object holder, String prefix, Map<String, Double> out) {
        for (Field f : holder.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            accessible(f);
            try {
                Object value = f.get(holder);
                String key = prefix + f.getName();
                if (f.getType() == double.class) {
                    out.put(key, (Double) value);
                } else if (value instanceof double[] a) {
                    for (int j = 0; j < a.length; j++) {
                        out.put(key + "[" + j + "]", a[j]);
                    }
                } else if (value != null && !f.getType().isPrimitive() && !f.getType().isArray()) {
                    flatten(value, key + ".", out);
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Sets a holder's fields from {@code values} (missing keys: 0), allocating its arrays with the
     * inputs' lengths (plus {@code lengths}' extra) and nested holders with their no-argument constructors.
     */
    private static void fill(Object holder, String prefix, Map<String, Double> values, Map<String, Integer> lengths)
            throws ReflectiveOperationException {
        for (Field f : holder.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            accessible(f);
            String key = prefix + f.getName();
            if (f.getType() == double.class) {
                f.setDouble(holder, values.getOrDefault(key, 0.0));
            } else if (f.getType() == double[].class) {
                double[] a = new double[lengths.getOrDefault(key, 0)];
                for (int j = 0; j < a.length; j++) {
                    a[j] = values.getOrDefault(key + "[" + j + "]", 0.0);
                }
                f.set(holder, a);
            } else if (!f.getType().isPrimitive() && !f.getType().isArray()) {
                Object nested = f.get(holder);
                if (nested == null) {
                    nested = accessible(f.getType().getDeclaredConstructor()).newInstance();
                    f.set(holder, nested);
                }
                fill(nested, key + ".", values, lengths);
            }
        }
    }

    /** The length of every array input by holder key, plus {@code extra}. */
    private static Map<String, Integer> lengths(List<Input> inputs, int extra) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Input in : inputs) {
            if (in.element() >= 0) {
                String key = in.holderKey().substring(0, in.holderKey().lastIndexOf('['));
                out.merge(key, 1, Integer::sum);
            }
        }
        out.replaceAll((k, n) -> n + extra);
        return out;
    }

    /**
     * Whether the holder has the inputs' keys: every parameter's and record component's, and a
     * subset of the receiver's fields (DESIGN.md: the fields the method reads; a field left out
     * is then checked to have derivative 0 against finite differences); records a failure when not.
     */
    private boolean sameKeys(Map<String, Double> holder, List<Input> inputs, Point p) {
        Set<String> expected = new LinkedHashSet<>();
        Set<String> optional = new LinkedHashSet<>();
        inputs.forEach(in -> (in.where() == Where.RECEIVER_FIELD ? optional : expected).add(in.holderKey()));
        Set<String> present = new LinkedHashSet<>(holder.keySet());
        present.removeAll(optional);
        if (present.equals(expected)) {
            return true;
        }
        holder = new LinkedHashMap<>(holder);
        holder.keySet().removeAll(optional);
        Set<String> missing = new LinkedHashSet<>(expected);
        missing.removeAll(holder.keySet());
        Set<String> extra = new LinkedHashSet<>(holder.keySet());
        extra.removeAll(expected);
        fail(c.method() + "Gradient has no component for " + missing + (extra.isEmpty() ? "" : " and extra " + extra)
                + " at " + p);
        return false;
    }

    // ------------------------------------------------------------------------------ comparisons

    private static boolean close(double expected, double actual, double magnitude) {
        return Math.abs(expected - actual) <= EXACT_TOLERANCE * magnitude + Double.MIN_NORMAL;
    }

    private static boolean bitwiseEqual(Object a, Object b) {
        if (a instanceof double[] x && b instanceof double[] y) {
            return Arrays.equals(x, y); // Arrays.equals(double[]) compares bits (doubleToLongBits)
        }
        return a instanceof Double x && b instanceof Double y && Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
    }

    private static boolean allFinite(Object value) {
        return value instanceof double[] a ? Arrays.stream(a).allMatch(Double::isFinite) : Double.isFinite((Double) value);
    }

    private static String show(Object value) {
        return value instanceof double[] a ? Arrays.toString(a) : String.valueOf(value);
    }
}
