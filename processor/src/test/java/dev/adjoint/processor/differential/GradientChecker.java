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
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks one compiled method at one point against four references:
 * <ol>
 *   <li>central finite differences of the program, Richardson-extrapolated over three step sizes;</li>
 *   <li>the program on the runtime tape ({@link TensorAlgebra});</li>
 *   <li>forward-mode dual numbers ({@link DualAlgebra});</li>
 *   <li>the compiled primal: the pullback's and the Tensor overload's values equal it bit for bit,
 *   and fGradient and fPullback leave the array arguments as it leaves them.</li>
 * </ol>
 * Every element of a {@code double[]} parameter is an input of its own; methods that use
 * {@code stopGradient} are checked against the tape and dual numbers only.
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

    /** Points where a comparison whose sides move with the inputs is closer than this (relative) are not checked. */
    static final double MIN_MARGIN = 1e-4;

    /**
     * Points passed where an equality test of a differentiated value holds, by the derivative the
     * rule chose there (the code around's, the branch's own): what a campaign covered of the rule.
     */
    static final java.util.concurrent.atomic.AtomicInteger AROUND_PASSED = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger BRANCH_PASSED = new java.util.concurrent.atomic.AtomicInteger();
    /** Of {@link #AROUND_PASSED}, those where the code around kept some tests as written (a guard beside a shortcut). */
    static final java.util.concurrent.atomic.AtomicInteger KEPT_PASSED = new java.util.concurrent.atomic.AtomicInteger();

    /** Points passed where a loop stopped on a term exactly 0 (checked against finite differences alone). */
    static final java.util.concurrent.atomic.AtomicInteger EXACT_ENDS_PASSED = new java.util.concurrent.atomic.AtomicInteger();

    /** A failed check: what kind (stable, for shrinking) and the details. */
    record Failure(String kind, String message) {}

    /** A point: one argument per parameter (Double, double[], double[][], Integer, Long or Boolean). */
    record Point(List<Object> args) {
        @Override
        public String toString() {
            return args.stream().map(a -> a instanceof double[] v ? Arrays.toString(v)
                    : a instanceof double[][] m ? Arrays.deepToString(m) : String.valueOf(a))
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }

        /** The same point with every array and holder copied (a call may write them). */
        Object[] copy() {
            Object[] out = args.toArray();
            for (int i = 0; i < out.length; i++) {
                if (out[i] instanceof double[] v) {
                    out[i] = v.clone();
                } else if (out[i] instanceof double[][] m) {
                    out[i] = Arrays.stream(m).map(double[]::clone).toArray(double[][]::new);
                } else if (out[i] instanceof List<?> list) {
                    out[i] = new ArrayList<>(list);
                } else if (out[i] instanceof StringBuilder sb) {
                    out[i] = new StringBuilder(sb);
                }
            }
            return out;
        }
    }

    /**
     * One scalar input of the method at a point: a double parameter ({@code element} -1) or one
     * element of a double[] parameter.
     */
    private record Input(String param, int index, int element) {
        String name() {
            return element < 0 ? param : param + "[" + element + "]";
        }
    }

    /**
     * The references at a valid point, one entry per {@link Input}; {@code around}: the derivative
     * expected is the code around's ({@link ShortcutRule}); {@code differences}: finite differences
     * were taken (not where the rule keeps a branch's own derivative, which no neighbour sees); {@code
     * kept}: the tests the code around keeps as written (a guard holding beside other tests).
     */
    private record Reference(double value, double[] fd, double[] fdError, double[] dual, double[] magnitude,
            boolean around, boolean differences, Set<Ast.Bool> kept, boolean exactEnd) {
        Reference(double value, double[] fd, double[] fdError, double[] dual, double[] magnitude, boolean around,
                boolean differences, Set<Ast.Bool> kept) {
            this(value, fd, fdError, dual, magnitude, around, differences, kept, false);
        }
    }

    private final Unit unit;
    private final Method method;
    /** Whether the method (or a method it calls) uses stopGradient: finite differences cannot check it. */
    private final boolean stops;
    // the primal and the generated members, by the names DESIGN.md fixes (null when missing)
    private final java.lang.reflect.Method primal;
    private final java.lang.reflect.Method gradientMethod;
    private final java.lang.reflect.Method pullbackMethod;
    private final java.lang.reflect.Method overload;
    /** Forward mode, {@code fTangent(args, directions)}, or null when the processor does not generate it. */
    private final java.lang.reflect.Method tangentMethod;
    /**
     * Whether the processor generated the code around the method's equality tests ({@code f$gap}, of
     * the method or of the private helper its body moved into): where one holds, the rule chooses the
     * derivative; else the method keeps each branch's own (AdjointEqualityBranch).
     */
    private final boolean shortcuts;
    /** See {@link #loopsWarned(boolean)}. */
    private boolean loopsWarned;
    /** Whether {@link #checkThreads} ran: once per method, at its first point that passed. */
    private boolean threadsChecked;
    /** Calls of fGradient per thread in {@link #checkThreads}. */
    private static final int CONCURRENT_CALLS = 20;

    GradientChecker(Unit unit, Method method, ClassLoader loader) throws ClassNotFoundException {
        this.unit = unit;
        this.method = method;
        this.stops = unit.only(method).methods().stream().anyMatch(m -> Ast.stopsGradient(m.body()));
        Class<?> adjointClass = loader.loadClass(unit.qualifiedName() + "Adjoint");
        java.lang.reflect.Method primalMethod = null;
        try {
            primalMethod = loader.loadClass(unit.qualifiedName()).getMethod(method.name(), parameterTypes());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        this.primal = primalMethod;
        java.lang.reflect.Method gradient = null, pullback = null, tensor = null, tangent = null;
        for (java.lang.reflect.Method m : adjointClass.getMethods()) {
            if (m.getName().equals(method.name() + "Gradient")) {
                gradient = m;
            } else if (m.getName().equals(method.name() + "Pullback")) {
                pullback = m;
            } else if (m.getName().equals(method.name()) && m.getReturnType() == Tensor.class) {
                tensor = m;
            } else if (m.getName().equals(method.name() + "Tangent")) {
                tangent = m;
            }
        }
        this.gradientMethod = gradient;
        this.pullbackMethod = pullback;
        this.overload = tensor;
        this.tangentMethod = tangent;
        boolean gap = false;
        String helper = JavaPrinter.helperOf(method);
        for (java.lang.reflect.Method m : loader.loadClass(unit.qualifiedName() + "AdjointImpl").getDeclaredMethods()) {
            gap |= m.getName().equals(method.name() + "$gap") || m.getName().equals(helper + "$gap");
        }
        this.shortcuts = gap;
    }

    /**
     * Whether the processor warned that a loop of the method is not run on (AdjointConvergenceLoop):
     * points where a loop stops on a term exactly 0 are then not checked.
     */
    void loopsWarned(boolean warned) {
        this.loopsWarned = warned;
    }

    /** Whether the processor generated the code around {@code m}'s equality tests. */
    boolean shortcuts() {
        return shortcuts;
    }

    static Point randomPoint(Method m, Random random) {
        List<Object> args = new ArrayList<>();
        for (Param p : m.params()) {
            args.add(switch (p.type()) {
                case DOUBLE -> coordinate(random);
                case DOUBLE_ARRAY -> {
                    double[] v = new double[3 + random.nextInt(3)];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = coordinate(random);
                    }
                    yield v;
                }
                case MATRIX -> {
                    double[][] rows = new double[2 + random.nextInt(2)][3];
                    for (double[] row : rows) {
                        for (int i = 0; i < row.length; i++) {
                            row[i] = Math.round(random.nextGaussian() * 100) / 100.0;
                        }
                    }
                    yield rows;
                }
                case INT -> 1 + random.nextInt(3);
                case LONG -> (long) (1 + random.nextInt(3));
                case BOOLEAN -> random.nextBoolean();
                case LIST -> new ArrayList<Double>();
                case BUILDER -> new StringBuilder();
            });
        }
        return new Point(args);
    }

    private static double coordinate(Random random) {
        return Math.round((random.nextDouble() * 3 - 1.5) * 1e6) / 1e6;
    }

    /** The scalar inputs at {@code p}: each double parameter, each element of each double[] one. */
    private List<Input> inputs(Point p) {
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < method.params().size(); i++) {
            Param prm = method.params().get(i);
            if (prm.type() == Ast.Type.DOUBLE) {
                out.add(new Input(prm.name(), i, -1));
            } else if (prm.type() == Ast.Type.DOUBLE_ARRAY) {
                for (int e = 0; e < ((double[]) p.args().get(i)).length; e++) {
                    out.add(new Input(prm.name(), i, e));
                }
            }
        }
        return out;
    }

    /** The point as the {@link Interpreter} takes it, input {@code k} of value v becoming {@code lift(k, v)}. */
    private <V> List<Object> lift(Point p, List<Input> inputs, java.util.function.BiFunction<Integer, Double, V> lift) {
        List<Object> args = new ArrayList<>(p.args());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof double[] v) {
                args.set(i, new ArrayList<V>(java.util.Collections.nCopies(v.length, null)));
            }
        }
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            if (in.element() < 0) {
                args.set(in.index(), lift.apply(k, (Double) p.args().get(in.index())));
            } else {
                @SuppressWarnings("unchecked")
                List<V> array = (List<V>) args.get(in.index());
                array.set(in.element(), lift.apply(k, ((double[]) p.args().get(in.index()))[in.element()]));
            }
        }
        return args;
    }

    /** The references at {@code p}, or null when finite differences are not meaningful there. */
    private Reference reference(Point p, List<Input> inputs) {
        Interpreter.Run<Double> centre;
        try {
            centre = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (k, v) -> v));
        } catch (Interpreter.Thrown e) {
            return null; // the program throws here: nothing to differentiate
        }
        double f = centre.value();
        if (!Double.isFinite(f) || centre.heldInCallee()) {
            return null; // (an equality test holding in a callee: its rule is not modelled in the caller's run)
        }
        if (centre.held()) {
            return shortcutReference(p, inputs, centre);
        }
        DualAlgebra dualAlgebra = new DualAlgebra(inputs.size());
        Interpreter.Run<Dual> dualRun = Interpreter.run(dualAlgebra, unit, method, lift(p, inputs, dualAlgebra::input));
        Dual dual = dualRun.value();
        if (dualAlgebra.singular && KnownBugs.skipSingularPoints()) {
            return null;
        }
        if (dualAlgebra.huge) {
            return null; // finite differences cannot resolve f there
        }
        // a loop stopped on |term| > tol·|sum| by a term exactly 0 (a series ending at a whole parameter,
        // normalize.Converge): the neighbours take more steps, yet the function is smooth there. The steps
        // taken (the dual numbers, the tape) do not give its derivative; finite differences do
        boolean exactEnd = dualRun.margin() < MIN_MARGIN && dualRun.marginBesideEnds() >= MIN_MARGIN && !stops
                && !loopsWarned;
        if (dualRun.margin() < MIN_MARGIN && !exactEnd) {
            return null; // too close to a branch's threshold
        }
        int n = inputs.size();
        double[] fd = new double[n];
        double[] fdError = new double[n];
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(dual.grad()[k]) || !(dual.magnitude()[k] <= MAX_MAGNITUDE)) {
                return null;
            }
            if (stops) {
                continue; // finite differences see through stopGradient: only the tape and dual numbers check
            }
            int at = k;
            FiniteDifferences.Estimate estimate = FiniteDifferences.derivative(
                    x -> exactEnd ? plain(p, inputs, at, x) : stable(p, inputs, at, x, centre.decisions()),
                    value(p, inputs.get(k)), Math.min(1e-9, 1e-4 * dual.magnitude()[k] + 1e-15));
            if (estimate == null) {
                return null;
            }
            fd[k] = estimate.derivative();
            fdError[k] = estimate.error();
            if (fdError[k] > 1e-5 * dual.magnitude()[k] + 1e-9 * (1 + Math.abs(f))) {
                return null;
            }
            if (exactEnd && kink(x -> plain(p, inputs, at, x), value(p, inputs.get(k)), fd[k], dual.magnitude()[k], f)) {
                return null; // a term exactly 0 where a function of it has a kink (atan2's cut): no derivative there
            }
        }
        return new Reference(f, fd, fdError, dual.grad(), dual.magnitude(), false, true, Set.of(), exactEnd);
    }

    /**
     * The references at a point where an equality test of a differentiated value holds: where the
     * processor generated the code around and it gives the method's value ({@link ShortcutRule#gap}),
     * the code around's derivative, and finite differences, which see only the code around (the
     * stencil must decide as the code around decides at the centre, and give the method's values;
     * along an input the test does not read, the neighbours hold it too and see the shortcut);
     * else the branch's own, against the dual numbers and the tape only.
     */
    private Reference shortcutReference(Point p, List<Input> inputs, Interpreter.Run<Double> centre) {
        double f = centre.value();
        if (centre.margin() < MIN_MARGIN) {
            return null; // a loop stopped on a term exactly 0 as well: neither rule's reference is known here
        }
        Interpreter.Run<Double> around = null;
        if (shortcuts) {
            try {
                around = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (k, v) -> v), true);
            } catch (Interpreter.NotFinite e) {
                return null; // the branch's derivative if the processor computes that value too: not known here
            } catch (Interpreter.Thrown e) {
                around = null; // the code around throws here: the branch's derivative
            }
        }
        boolean chosen = around != null && !around.heldInCallee() && !Double.isNaN(ShortcutRule.gap(f, around.value()));
        Interpreter.Run<Double> aroundRun = around;
        if (around != null && around.heldInCallee()) {
            return null;
        }
        if (shortcuts && !chosen && ShortcutRule.keepsTests(method)) {
            Optional<Set<Ast.Bool>> fewest = fewestKept(p, inputs, f, centre, around);
            if (fewest == null) {
                return null;
            }
            if (fewest.isPresent()) {
                return keptReference(p, inputs, f, fewest.get());
            }
        }
        DualAlgebra dualAlgebra = new DualAlgebra(inputs.size());
        Interpreter.Run<Dual> dualRun = Interpreter.run(dualAlgebra, unit, method, lift(p, inputs, dualAlgebra::input),
                chosen);
        Dual dual = dualRun.value();
        if (dualAlgebra.singular && KnownBugs.skipSingularPoints() || dualAlgebra.huge || dualRun.margin() < MIN_MARGIN) {
            return null;
        }
        int n = inputs.size();
        double[] fd = new double[n];
        double[] fdError = new double[n];
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(dual.grad()[k]) || !(dual.magnitude()[k] <= MAX_MAGNITUDE)) {
                return null;
            }
            if (stops || !chosen) {
                continue;
            }
            int at = k;
            double slack = Math.min(1e-9, 1e-4 * dual.magnitude()[k] + 1e-15);
            FiniteDifferences.Estimate estimate = FiniteDifferences.derivative(
                    x -> aroundStable(p, inputs, at, x, aroundRun.decisions()), value(p, inputs.get(k)), slack);
            if (estimate == null) {
                // an input the equality test does not read: its neighbours hold the test too, and see the
                // shortcut itself, which agrees with the code around along them in the shape's programs
                estimate = FiniteDifferences.derivative(x -> stable(p, inputs, at, x, centre.decisions()),
                        value(p, inputs.get(k)), slack);
            }
            if (estimate == null) {
                return null;
            }
            fd[k] = estimate.derivative();
            fdError[k] = estimate.error();
            if (fdError[k] > 1e-5 * dual.magnitude()[k] + 1e-9 * (1 + Math.abs(f))) {
                return null;
            }
        }
        return new Reference(f, fd, fdError, dual.grad(), dual.magnitude(), chosen, chosen, Set.of());
    }

    /**
     * Where the code around failing every test does not give the method's value (a guard against
     * 0/0 holds): the fewest of the tests that ran to keep as written for it to (ShortcutRule: the
     * processor keeps them by {@code f$kept}); empty when no choice agrees (the branch's
     * derivative), null when the test cannot tell which the processor takes (more than four tests
     * ran, or two choices of as many tests agree and give different derivatives).
     */
    private Optional<Set<Ast.Bool>> fewestKept(Point p, List<Input> inputs, double f, Interpreter.Run<Double> centre,
            Interpreter.Run<Double> around) {
        List<Ast.Bool> ran = new ArrayList<>(centre.tests());
        if (around != null) {
            around.tests().stream().filter(t -> ran.stream().noneMatch(r -> r == t)).forEach(ran::add);
        }
        int n = ran.size();
        if (n > 4) {
            return null;
        }
        for (int count = 1; count <= n; count++) {
            double[] grad = null;
            Set<Ast.Bool> first = null;
            for (int choice = 1; choice < 1 << n; choice++) {
                if (Integer.bitCount(choice) != count) {
                    continue;
                }
                Set<Ast.Bool> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                for (int i = 0; i < n; i++) {
                    if ((choice & 1 << i) != 0) {
                        kept.add(ran.get(i));
                    }
                }
                Interpreter.Run<Double> run;
                try {
                    run = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (k, v) -> v), true, kept);
                } catch (Interpreter.NotFinite e) {
                    return null;
                } catch (Interpreter.Thrown e) {
                    continue;
                }
                if (run.heldInCallee() || Double.isNaN(ShortcutRule.gap(f, run.value()))) {
                    continue;
                }
                double[] g = keptDual(p, inputs, kept).value().grad();
                if (first == null) {
                    first = kept;
                    grad = g;
                } else if (!java.util.Arrays.equals(grad, g)) {
                    return null;
                }
            }
            if (first != null) {
                return Optional.of(first);
            }
        }
        return Optional.empty();
    }

    private Interpreter.Run<Dual> keptDual(Point p, List<Input> inputs, Set<Ast.Bool> kept) {
        DualAlgebra dualAlgebra = new DualAlgebra(inputs.size());
        return Interpreter.run(dualAlgebra, unit, method, lift(p, inputs, dualAlgebra::input), true, kept);
    }

    /**
     * The reference where the code around keeps {@code kept} as written: its derivative, against the
     * dual numbers and the tape only (a kept test holds at the point, and its neighbours fail it).
     */
    private Reference keptReference(Point p, List<Input> inputs, double f, Set<Ast.Bool> kept) {
        Dual dual = keptDual(p, inputs, kept).value();
        int n = inputs.size();
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(dual.grad()[k]) || !(dual.magnitude()[k] <= MAX_MAGNITUDE)) {
                return null;
            }
        }
        return new Reference(f, new double[n], new double[n], dual.grad(), dual.magnitude(), true, false, kept);
    }

    /**
     * f with input {@code k} set to {@code x} where the method as written gives there what its code
     * around gives (no equality test holds) and the code around decides as at the centre, else NaN;
     * at the centre, the code around's value (what the method's neighbours continue).
     */
    private double aroundStable(Point p, List<Input> inputs, int k, double x, List<Double> decisions) {
        Interpreter.Run<Double> around;
        Interpreter.Run<Double> written;
        try {
            // beside the point no test holds: the processor's check of the code around's values decides nothing
            around = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (i, v) -> i == k ? x : v), true,
                    Set.of(), false);
            written = Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (i, v) -> i == k ? x : v));
        } catch (Interpreter.Thrown e) {
            return Double.NaN;
        }
        // at the centre itself (the estimate of rounding noise evaluates it) the code around's value
        boolean same = x == value(p, inputs.get(k)) || !written.held() && !written.heldInCallee()
                && Double.doubleToLongBits(written.value()) == Double.doubleToLongBits(around.value());
        return same && around.decisions().equals(decisions) ? around.value() : Double.NaN;
    }

    private static double value(Point p, Input in) {
        Object arg = p.args().get(in.index());
        return in.element() < 0 ? (Double) arg : ((double[]) arg)[in.element()];
    }

    /** The run with input {@code k} at x, or null where it throws (a branch, as far as differences go). */
    private Interpreter.Run<Double> runAt(Point p, List<Input> inputs, int k, double x) {
        try {
            return Interpreter.run(DoubleAlgebra.INSTANCE, unit, method, lift(p, inputs, (i, v) -> i == k ? x : v));
        } catch (Interpreter.Thrown e) {
            return null;
        }
    }

    /**
     * Whether {@code f} has a kink at {@code x}: its one-sided slopes differ, where the central
     * quotients of {@link FiniteDifferences} converge to their mean with a small error estimate. At
     * an exact end a term is exactly 0, and a function of it that is not smooth at 0 (the cut of
     * {@code atan2(term, y < 0)} under an even function, {@code abs}) makes one; the generated
     * gradient is then one of the two slopes, as a tape's is.
     */
    private static boolean kink(java.util.function.DoubleUnaryOperator f, double x, double central, double magnitude,
            double value) {
        double h = 1e-6 * Math.max(1, Math.abs(x));
        double at = f.applyAsDouble(x);
        double right = (f.applyAsDouble(x + h) - at) / h;
        double left = (at - f.applyAsDouble(x - h)) / h;
        return !(Math.abs(right - left) <= 1e-3 * (Math.abs(central) + magnitude) + 1e-6 * (1 + Math.abs(value)));
    }

    /** f with input {@code k} at x, whatever it decides (NaN where it throws). */
    private double plain(Point p, List<Input> inputs, int k, double x) {
        Interpreter.Run<Double> run = runAt(p, inputs, k, x);
        return run == null ? Double.NaN : run.value();
    }

    /** f with input {@code k} set to {@code x}, or NaN if it decides differently from the centre. */
    private double stable(Point p, List<Input> inputs, int k, double x, List<Double> decisions) {
        Interpreter.Run<Double> run = runAt(p, inputs, k, x);
        return run != null && run.decisions().equals(decisions) ? run.value() : Double.NaN;
    }

    /**
     * Checks the method at {@code p}. Returns null when the point is rejected (finite differences
     * not meaningful), {@link #PASSED} when every check passes, else the first failure.
     */
    Failure check(Point p, Random random) {
        Reference ref;
        List<Input> inputs = inputs(p);
        try {
            ref = reference(p, inputs);
        } catch (RuntimeException e) {
            return new Failure("interpreter", "the test's interpreter failed: " + e);
        }
        if (ref == null) {
            return null;
        }
        try {
            Failure failure = compare(p, inputs, ref, random);
            if (failure == null && ref.exactEnd()) {
                EXACT_ENDS_PASSED.incrementAndGet();
            }
            if (failure == null && (ref.around() || !ref.differences())) {
                (ref.around() ? AROUND_PASSED : BRANCH_PASSED).incrementAndGet();
                if (!ref.kept().isEmpty()) {
                    KEPT_PASSED.incrementAndGet();
                }
            }
            return failure == null ? PASSED : failure;
        } catch (InvocationTargetException e) {
            return new Failure("exception", "generated code threw " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Failure("shape", "generated members are not as DESIGN.md says: " + e);
        }
    }

    /** The result of {@link #check} when every check passed. */
    static final Failure PASSED = new Failure("passed", "");

    private Failure compare(Point p, List<Input> inputs, Reference ref, Random random) throws ReflectiveOperationException {
        if (gradientMethod == null || pullbackMethod == null) {
            return new Failure("shape", "missing " + method.name() + "Gradient or " + method.name() + "Pullback");
        }
        Object[] primalArgs = p.copy();
        double value = (double) primal.invoke(null, primalArgs);
        if (Double.doubleToLongBits(value) != Double.doubleToLongBits(ref.value())) {
            return new Failure("interpreter", "the compiled primal gives " + value + " but the test's interpreter "
                    + ref.value() + ": the printer or interpreter is wrong, not the processor");
        }

        // fGradient: one field per differentiated parameter, named after it, an array's of its length
        Object[] gradientArgs = p.copy();
        Object gradient = gradientMethod.invoke(null, gradientArgs);
        Failure arrays = sameArrays("fGradient", gradientArgs, primalArgs);
        if (arrays != null) {
            return arrays;
        }
        List<String> differentiated = method.differentiated();
        TreeSet<String> fields = new TreeSet<>();
        for (Field f : gradient.getClass().getFields()) {
            fields.add(f.getName());
        }
        if (!fields.equals(new TreeSet<>(differentiated))) {
            return new Failure("gradient-fields", "gradient fields " + fields + ", expected " + differentiated);
        }
        double[] g = read(gradient, p, inputs);
        if (g == null) {
            return new Failure("gradient-fields", "an array gradient is null or not its parameter's length");
        }

        double[] tape = tapeGradient(p, inputs, ref.around(), ref.kept());
        for (int k = 0; k < inputs.size(); k++) {
            if (!differentiated.contains(inputs.get(k).param())) {
                continue;
            }
            double scale = ref.magnitude()[k];
            String where = " of ∂" + method.name() + "/∂" + inputs.get(k).name() + " at " + p + ": generated " + g[k];
            double fdTolerance = FD_TOLERANCE * scale + 1e-9 * (1 + Math.abs(ref.value())) + 10 * ref.fdError()[k];
            if (!stops && ref.differences() && !(Math.abs(g[k] - ref.fd()[k]) <= fdTolerance)) {
                return new Failure("finite-differences", "finite differences" + where + ", finite differences "
                        + ref.fd()[k] + " (tolerance " + fdTolerance + ", magnitude of the terms " + scale + ")");
            }
            double exactTolerance = EXACT_TOLERANCE * scale + 1e-12 * (1 + Math.abs(ref.value()));
            if (ref.exactEnd()) {
                continue; // the tape and the dual numbers follow the steps taken: finite differences decide
            }
            if (!(Math.abs(g[k] - tape[k]) <= exactTolerance)) {
                return new Failure("tape", "the tape" + where + ", tape " + tape[k] + " (tolerance " + exactTolerance + ")");
            }
            if (!(Math.abs(g[k] - ref.dual()[k]) <= exactTolerance)) {
                return new Failure("dual", "forward mode" + where + ", dual numbers " + ref.dual()[k]
                        + " (tolerance " + exactTolerance + ")");
            }
        }
        Failure pullback = checkPullback(p, inputs, value, primalArgs, g, random);
        if (pullback != null) {
            return pullback;
        }
        Failure tangent = checkTangent(p, inputs, ref, primalArgs, random);
        if (tangent != null) {
            return tangent;
        }
        Failure overloaded = checkTensorOverload(p, inputs, value, g);
        return overloaded != null ? overloaded : checkThreads(p, inputs, g);
    }

    /** Two threads for {@link #checkThreads}, shared by every checker; daemons, so they never hold the JVM. */
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "gradient-checker");
        t.setDaemon(true);
        return t;
    });

    /**
     * At the method's first point that passed everything else: fGradient called on two threads at
     * once, {@value #CONCURRENT_CALLS} times each, gives every time what it gave on one thread, bit
     * for bit. What a reverse sweep keeps (the value stack, borrowed arrays, snapshots) must be the
     * calling thread's; state shared between calls would show here as a wrong gradient.
     */
    private Failure checkThreads(Point p, List<Input> inputs, double[] g) throws ReflectiveOperationException {
        if (threadsChecked) {
            return null;
        }
        threadsChecked = true;
        Callable<double[]> calls = () -> {
            for (int c = 0; c < CONCURRENT_CALLS; c++) {
                double[] again = read(gradientMethod.invoke(null, p.copy()), p, inputs);
                if (!Arrays.equals(again, g)) {
                    return again;
                }
            }
            return null;
        };
        List<Future<double[]>> both = List.of(THREADS.submit(calls), THREADS.submit(calls));
        for (Future<double[]> f : both) {
            double[] differs;
            try {
                differs = f.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                return new Failure("threads", "fGradient threw on a second thread at " + p + ": " + e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                return new Failure("threads", "fGradient on two threads did not finish at " + p + ": " + e);
            }
            if (differs != null) {
                return new Failure("threads", "fGradient on two threads at once gave " + Arrays.toString(differs)
                        + " at " + p + ", on one " + Arrays.toString(g));
            }
        }
        return null;
    }

    /**
     * Forward mode: {@code fTangent(args, directions)} is Σ_k ∂f/∂input_k · direction_k, compared
     * with the dual numbers (tolerance scaled by the magnitude of the terms), and leaves the array
     * arguments as the primal leaves them.
     */
    private Failure checkTangent(Point p, List<Input> inputs, Reference ref, Object[] primalArgs, Random random)
            throws ReflectiveOperationException {
        if (tangentMethod == null) {
            return new Failure("shape", "missing " + method.name() + "Tangent");
        }
        List<String> differentiated = method.differentiated();
        Object[] args = p.copy();
        Object[] full = Arrays.copyOf(args, args.length + differentiated.size());
        double[] direction = new double[inputs.size()];
        double expected = 0;
        double scale = 0;
        double fdError = 0;
        for (int d = 0; d < differentiated.size(); d++) {
            String name = differentiated.get(d);
            Object arg = p.args().get(method.params().stream().map(Param::name).toList().indexOf(name));
            full[args.length + d] = arg instanceof double[] v ? new double[v.length] : (Object) 0.0;
        }
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            int d = differentiated.indexOf(in.param());
            if (d < 0) {
                continue;
            }
            direction[k] = Math.round(random.nextGaussian() * 100) / 100.0;
            if (in.element() < 0) {
                full[args.length + d] = direction[k];
            } else {
                ((double[]) full[args.length + d])[in.element()] = direction[k];
            }
            expected += (ref.exactEnd() ? ref.fd()[k] : ref.dual()[k]) * direction[k];
            scale += ref.magnitude()[k] * Math.abs(direction[k]);
            fdError += ref.fdError()[k] * Math.abs(direction[k]);
        }
        double actual = ((Number) tangentMethod.invoke(null, full)).doubleValue();
        double tolerance = ref.exactEnd() ? FD_TOLERANCE * scale + 1e-9 * (1 + Math.abs(ref.value())) + 10 * fdError
                : EXACT_TOLERANCE * scale + 1e-12 * (1 + Math.abs(ref.value()));
        if (!(Math.abs(actual - expected) <= tolerance)) {
            return new Failure("tangent", "fTangent of " + method.name() + " at " + p + " in direction "
                    + Arrays.toString(direction) + " gave " + actual + ", dual numbers " + expected
                    + " (tolerance " + tolerance + ")");
        }
        return sameArrays("fTangent", args, primalArgs);
    }

    /** The gradient held by {@code holder}, one entry per input (0 where not differentiated), or null if malformed. */
    private double[] read(Object holder, Point p, List<Input> inputs) throws ReflectiveOperationException {
        double[] out = new double[inputs.size()];
        List<String> differentiated = method.differentiated();
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            if (!differentiated.contains(in.param())) {
                continue;
            }
            Field f = holder.getClass().getField(in.param());
            if (in.element() < 0) {
                out[k] = f.getDouble(holder);
            } else {
                double[] array = (double[]) f.get(holder);
                if (array == null || array.length != ((double[]) p.args().get(in.index())).length) {
                    return null;
                }
                out[k] = array[in.element()];
            }
        }
        return out;
    }

    /** Whether a generated member left the array arguments as the primal left them. */
    private static Failure sameArrays(String member, Object[] after, Object[] primalAfter) {
        for (int i = 0; i < after.length; i++) {
            if (after[i] instanceof double[] v && !Arrays.equals(v, (double[]) primalAfter[i])) {
                return new Failure("array-arguments", member + " left argument " + i + " as " + Arrays.toString(v)
                        + " but the primal leaves it as " + Arrays.toString((double[]) primalAfter[i]));
            }
        }
        return null;
    }

    /** A gradient holder for {@code p}: arrays of the inputs' lengths, every entry {@code before[k]}. */
    private Object holder(Class<?> type, Point p, List<Input> inputs, double[] before) throws ReflectiveOperationException {
        Object holder = type.getDeclaredConstructor().newInstance();
        for (String name : method.differentiated()) {
            Object arg = p.args().get(method.params().stream().map(Param::name).toList().indexOf(name));
            if (arg instanceof double[] v) {
                type.getField(name).set(holder, new double[v.length]);
            }
        }
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            if (!method.differentiated().contains(in.param())) {
                continue;
            }
            if (in.element() < 0) {
                type.getField(in.param()).setDouble(holder, before[k]);
            } else {
                ((double[]) type.getField(in.param()).get(holder))[in.element()] = before[k];
            }
        }
        return holder;
    }

    /**
     * fPullback returns the primal bit for bit, adds seed·g into what the holder had, and leaves
     * the array arguments as the primal leaves them.
     */
    private Failure checkPullback(Point p, List<Input> inputs, double value, Object[] primalArgs, double[] g,
            Random random) throws ReflectiveOperationException {
        java.lang.reflect.Method pullback = pullbackMethod;
        Class<?> holderType = pullback.getParameterTypes()[pullback.getParameterCount() - 1];
        double[] before = new double[inputs.size()];
        for (int k = 0; k < before.length; k++) {
            before[k] = Math.round(random.nextGaussian() * 100) / 10.0;
        }
        Object holder = holder(holderType, p, inputs, before);
        double seed = List.of(1.0, -2.5, 0.75).get(random.nextInt(3));
        Object[] args = p.copy();
        Object[] full = Arrays.copyOf(args, args.length + 2);
        full[args.length] = seed;
        full[args.length + 1] = holder;
        double returned = (double) pullback.invoke(null, full);
        if (Double.doubleToLongBits(returned) != Double.doubleToLongBits(value)) {
            return new Failure("pullback-value", "fPullback returned " + returned + " but the primal is " + value);
        }
        Failure arrays = sameArrays("fPullback", args, primalArgs);
        if (arrays != null) {
            return arrays;
        }
        // the same seed into an empty holder: what the pullback adds, rounded as it rounds it
        Object empty = holder(holderType, p, inputs, new double[inputs.size()]);
        full = Arrays.copyOf(p.copy(), args.length + 2);
        full[args.length] = seed;
        full[args.length + 1] = empty;
        pullback.invoke(null, full);
        double[] added = read(empty, p, inputs);
        double[] actual = read(holder, p, inputs);
        for (int k = 0; k < inputs.size(); k++) {
            String name = inputs.get(k).name();
            if (!method.differentiated().contains(inputs.get(k).param())) {
                continue;
            }
            // An array's adjoint is summed in place, term by term, so before + added is rounded once
            // per term (several when an element is read several times), not once: allow that rounding,
            // far below the size of the holder's old value, which overwriting would lose.
            if (!(Math.abs(actual[k] - (before[k] + added[k]))
                    <= 1e-12 * (Math.abs(before[k]) + Math.abs(added[k]) + Math.abs(seed)))) {
                return new Failure("pullback-accumulation", "fPullback with seed " + seed + " into " + before[k]
                        + " left " + name + " = " + actual[k] + ", expected " + (before[k] + added[k]));
            }
            // seed·g up to rounding: a cancelling sum (x - sqrt(x²)) leaves noise of the size of its terms
            if (!(Math.abs(added[k] - seed * g[k]) <= 1e-9 * Math.abs(seed * g[k]) + 1e-10 * Math.abs(seed))) {
                return new Failure("pullback-seed", "fPullback with seed " + seed + " added " + added[k] + " to "
                        + name + ", expected seed·gradient = " + seed * g[k]);
            }
        }
        return null;
    }

    /** The Tensor overload: the primal's value, one node named {@code <Name>Backward}, the same gradient. */
    private Failure checkTensorOverload(Point p, List<Input> inputs, double value, double[] g)
            throws ReflectiveOperationException {
        if (overload == null) {
            return new Failure("tensor-overload", "no Tensor overload " + method.name());
        }
        Object[] args = p.copy();
        Tensor[] tensors = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                tensors[i] = (args[i] instanceof double[] v ? Tensor.vector(v) : Tensor.scalar((Double) args[i]))
                        .requiresGrad(true);
                args[i] = tensors[i];
            }
        }
        Tensor out = (Tensor) overload.invoke(null, args);
        String name = Character.toUpperCase(method.name().charAt(0)) + method.name().substring(1) + "Backward";
        if (Double.doubleToLongBits(out.item()) != Double.doubleToLongBits(value) || !name.equals(out.gradFn())) {
            return new Failure("tensor-overload", "Tensor overload gave " + out + ", expected value " + value
                    + " and grad_fn " + name);
        }
        out.backward();
        for (int k = 0; k < inputs.size(); k++) {
            Input in = inputs.get(k);
            if (!method.differentiated().contains(in.param())) {
                continue;
            }
            Tensor input = tensors[in.index()];
            double tapeGrad = input == null || input.grad() == null ? Double.NaN
                    : in.element() < 0 ? input.grad().item() : input.grad().toArray()[in.element()];
            if (Double.doubleToLongBits(tapeGrad) != Double.doubleToLongBits(g[k])) {
                return new Failure("tensor-overload", "Tensor overload's backward gave " + in.name()
                        + ".grad = " + tapeGrad + " but fGradient " + g[k]);
            }
        }
        return null;
    }

    /** The program run on the runtime tape (independent of the generated code): ∂f/∂(each input). */
    private double[] tapeGradient(Point p, List<Input> inputs, boolean around, Set<Ast.Bool> kept) {
        Tensor[] leaves = new Tensor[inputs.size()];
        List<Object> args = lift(p, inputs, (k, v) -> leaves[k] = Tensor.scalar(v).requiresGrad(true));
        Tensor out = Interpreter.run(TensorAlgebra.INSTANCE, unit, method, args, around, kept).value();
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
            case DOUBLE_ARRAY -> double[].class;
            case MATRIX -> double[][].class;
            case LIST -> List.class;
            case BUILDER -> StringBuilder.class;
        }).toArray(Class<?>[]::new);
    }
}
