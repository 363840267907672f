package dev.adjoint.processor.differential;

import dev.adjoint.Tensor;
import dev.adjoint.processor.differential.Campaign.Outcome;
import dev.adjoint.processor.differential.GradientChecker.Failure;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Checks a program given as Java source, for regression tests of minimal programs. An ordinary
 * program ({@link #check}) must compile cleanly with the processor, and the gradient of
 * {@code method} at {@code args} must match finite differences of the compiled primal (parameters
 * named by {@code -parameters}), element by element for {@code double[]} arguments, every
 * evaluation on its own copies of the arrays; its Tensor overload (the tape) must return the
 * primal's value and give the same gradient. A program that must be refused
 * ({@link #checkRefused}) must get an error with an Adjoint tag in its own file, on a line of
 * {@code method}, and no crash and no error in generated code.
 *
 * <p>A test of an open bug states what still goes wrong: {@code knownBug(Outcome.CRASH).check(...)}
 * passes while the program still fails that way, and fails loudly when it passes (then make it an
 * ordinary test and drop the bug's workaround in {@link KnownBugs}) or fails another way.
 */
final class SourceCheck {
    private SourceCheck() {}

    /** What a check found: the outcome's class and what was seen. */
    record Verdict(Outcome outcome, String message) {}

    /** A check that did not pass, with its verdict. */
    static final class Failed extends AssertionError {
        private static final long serialVersionUID = 1L;
        final transient Verdict verdict;

        Failed(Verdict verdict) {
            super("[" + verdict.outcome().text + "] " + verdict.message());
            this.verdict = verdict;
        }
    }

    /** An ordinary program: accepted, and its gradient correct (finite differences and the tape). */
    static void check(String qualifiedName, String source, String method, Object... args) throws Exception {
        Verdict v = ordinary(qualifiedName, source, method, args);
        if (v.outcome() != Outcome.CORRECT) {
            throw new Failed(v);
        }
    }

    /** A program that must be refused: a tagged error on a line of {@code method} in its own file, nothing worse. */
    static void checkRefused(String qualifiedName, String source, String method) {
        Verdict v = refused(qualifiedName, source, method);
        if (v.outcome() != Outcome.REFUSED_AS_REQUIRED) {
            throw new Failed(v);
        }
    }

    /** The checks of an open bug: each passes while the program still fails as {@code expected}. */
    static KnownBug knownBug(Outcome expected) {
        return new KnownBug(expected);
    }

    /** See {@link #knownBug}. */
    record KnownBug(Outcome expected) {
        void check(String qualifiedName, String source, String method, Object... args) throws Exception {
            still(ordinary(qualifiedName, source, method, args), Outcome.CORRECT);
        }

        void checkRefused(String qualifiedName, String source, String method) {
            still(refused(qualifiedName, source, method), Outcome.REFUSED_AS_REQUIRED);
        }

        private void still(Verdict v, Outcome passing) {
            if (v.outcome() == passing) {
                throw new AssertionError("this known bug (" + expected.text + ") is fixed: the program now passes. "
                        + "Make the test an ordinary one (drop knownBug(...)) and remove its workaround in KnownBugs.");
            }
            if (v.outcome() != expected) {
                throw new AssertionError("this known bug (" + expected.text + ") now fails another way: " + v.outcome().text
                        + ": " + v.message());
            }
        }
    }

    static Verdict ordinary(String qualifiedName, String source, String method, Object... args) throws Exception {
        return ordinary(qualifiedName, new InMemoryCompiler().compile(qualifiedName, source, false), method, args);
    }

    /** As {@link #check}, for a program compiled already (several methods or points of one compilation). */
    static void check(String qualifiedName, InMemoryCompiler.Result result, String method, Object... args)
            throws Exception {
        Verdict v = ordinary(qualifiedName, result, method, args);
        if (v.outcome() != Outcome.CORRECT) {
            throw new Failed(v);
        }
    }

    static Verdict ordinary(String qualifiedName, InMemoryCompiler.Result result, String method, Object... args)
            throws Exception {
        Failure compilation = Campaign.compilationFailure(qualifiedName, result);
        if (compilation != null) {
            return new Verdict(Outcome.of(compilation.kind()), compilation.message());
        }
        String adjoint = result.generated(qualifiedName + "Adjoint");
        ClassLoader loader = result.loader();
        Method primal = Arrays.stream(loader.loadClass(qualifiedName).getMethods())
                .filter(m -> m.getName().equals(method)).findFirst().orElseThrow();
        Class<?> adjointClass = loader.loadClass(qualifiedName + "Adjoint");
        Method gradientMethod = Arrays.stream(adjointClass.getMethods())
                .filter(m -> m.getName().equals(method + "Gradient")).findFirst().orElseThrow();
        Object gradient;
        Object[] gradientArgs = copy(args);
        try {
            gradient = gradientMethod.invoke(null, gradientArgs);
        } catch (InvocationTargetException e) {
            return new Verdict(Outcome.WRONG, method + "Gradient threw " + e.getCause());
        }
        Object[] primalArgs = copy(args);
        Object value = invoke(primal, primalArgs);
        for (int i = 0; i < args.length; i++) {
            // the arrays the primal writes: the gradient must leave them bit for bit as the primal does
            if (args[i] instanceof double[] && !Arrays.equals((double[]) primalArgs[i], (double[]) gradientArgs[i])) {
                return new Verdict(Outcome.WRONG, method + "Gradient left argument " + i + " as "
                        + Arrays.toString((double[]) gradientArgs[i]) + " but the primal leaves it as "
                        + Arrays.toString((double[]) primalArgs[i]) + "; generated adjoint:\n" + adjoint);
            }
        }
        double[][] generated = new double[args.length][];
        for (int i = 0; i < args.length; i++) {
            String name = primal.getParameters()[i].getName();
            if (!(args[i] instanceof Double) && !(args[i] instanceof double[])) {
                continue;
            }
            java.lang.reflect.Field field;
            try {
                field = gradient.getClass().getField(name);
            } catch (NoSuchFieldException notDifferentiated) {
                continue;
            }
            generated[i] = args[i] instanceof double[] ? ((double[]) field.get(gradient)).clone()
                    : new double[] {field.getDouble(gradient)};
            for (int j = 0; j < generated[i].length; j++) {
                String what = "∂" + method + "/∂" + name + (args[i] instanceof double[] ? "[" + j + "]" : "") + " at "
                        + Arrays.deepToString(args);
                String mismatch = mismatch(primal, args, i, args[i] instanceof double[] ? j : -1, generated[i][j], what);
                if (mismatch != null) {
                    return new Verdict(Outcome.WRONG, mismatch + "; generated adjoint:\n" + adjoint);
                }
            }
        }
        String tape = tape(adjointClass, primal, method, args, generated);
        if (tape != null) {
            return new Verdict(Outcome.WRONG, tape + "; generated adjoint:\n" + adjoint);
        }
        // the pullback returns the primal's value, bit for bit (-0.0 for 0.0 too), into the holder
        // fGradient filled (its arrays of the right length; what it adds is not read again)
        Method pullback = Arrays.stream(adjointClass.getMethods()).filter(m -> m.getName().equals(method + "Pullback")
                && m.getParameterTypes()[m.getParameterCount() - 1] == gradient.getClass()).findFirst().orElseThrow();
        Object[] full = Arrays.copyOf(copy(args), args.length + 2);
        full[args.length] = 1.0;
        full[args.length + 1] = gradient;
        Object returned = pullback.invoke(null, full);
        return value.equals(returned) ? new Verdict(Outcome.CORRECT, "") : new Verdict(Outcome.WRONG, method
                + "Pullback returned " + returned + " but the primal is " + value + "; generated adjoint:\n" + adjoint);
    }

    /** The Tensor overload: the primal's value, and backward() giving fGradient's values; else what differs. */
    private static String tape(Class<?> adjointClass, Method primal, String method, Object[] args, double[][] generated)
            throws ReflectiveOperationException {
        Method overload = Arrays.stream(adjointClass.getMethods())
                .filter(m -> m.getName().equals(method) && m.getReturnType() == Tensor.class).findFirst().orElse(null);
        if (overload == null) {
            return "no Tensor overload " + method;
        }
        Object[] in = copy(args);
        Tensor[] leaves = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            if (overload.getParameterTypes()[i] == Tensor.class) {
                leaves[i] = (in[i] instanceof double[] v ? Tensor.vector(v) : Tensor.scalar((Double) in[i])).requiresGrad(true);
                in[i] = leaves[i];
            }
        }
        Tensor out;
        try {
            out = (Tensor) overload.invoke(null, in);
        } catch (InvocationTargetException e) {
            return "the Tensor overload threw " + e.getCause();
        }
        double value = invoke(primal, copy(args));
        if (Double.doubleToLongBits(out.item()) != Double.doubleToLongBits(value)) {
            return "the Tensor overload gave " + out.item() + ", the primal " + value;
        }
        out.backward();
        for (int i = 0; i < in.length; i++) {
            if (leaves[i] == null || generated[i] == null) {
                continue;
            }
            double[] grad = leaves[i].grad() == null ? new double[generated[i].length] : leaves[i].grad().toArray();
            for (int j = 0; j < generated[i].length; j++) {
                if (Math.abs(grad[j] - generated[i][j]) > 1e-9 * (1 + Math.abs(generated[i][j]))) {
                    return "the tape's gradient of argument " + i + " is " + Arrays.toString(grad) + ", fGradient's "
                            + Arrays.toString(generated[i]);
                }
            }
        }
        return null;
    }

    /**
     * Central differences of the primal in argument {@code at} (element {@code element} of it when
     * it is an array, else -1), each evaluation on fresh copies of the arguments; what differs, or null.
     */
    private static String mismatch(Method primal, Object[] args, int at, int element, double generated, String what) {
        double x0 = element < 0 ? (Double) args[at] : ((double[]) args[at])[element];
        FiniteDifferences.Estimate fd = FiniteDifferences.derivative(x -> {
            Object[] shifted = copy(args);
            if (element < 0) {
                shifted[at] = x;
            } else {
                ((double[]) shifted[at])[element] = x;
            }
            return invoke(primal, shifted);
        }, x0);
        if (fd == null) {
            throw new IllegalStateException(what + ": finite differences are not meaningful here; pick another point");
        }
        boolean agrees = Math.abs(fd.derivative() - generated) <= 1e-6 * (1 + Math.abs(fd.derivative()));
        return agrees ? null : what + ": generated " + generated + ", finite differences " + fd.derivative();
    }

    static Verdict refused(String qualifiedName, String source, String method) {
        InMemoryCompiler.Result result = new InMemoryCompiler().compile(qualifiedName, source, false);
        Failure failure = Campaign.refusal(qualifiedName, result, lines(source, method), method);
        if (failure == null) {
            return new Verdict(Outcome.REFUSED_AS_REQUIRED, "");
        }
        String generated = failure.kind().equals("accepted-must-refuse")
                ? "; generated:\n" + result.generated(qualifiedName + "Adjoint") : "";
        return new Verdict(Outcome.of(failure.kind()), failure.message() + generated);
    }

    /** The first and last line (1-based) of {@code method} in {@code source}: its annotations to its closing brace. */
    static int[] lines(String source, String method) {
        String[] text = source.split("\n", -1);
        int header = -1;
        for (int i = 0; i < text.length && header < 0; i++) {
            if (text[i].matches(".*\\b(double|double\\[\\])\\s+" + method + "\\s*\\(.*")) {
                header = i;
            }
        }
        if (header < 0) {
            throw new IllegalArgumentException("no method " + method + " in the source");
        }
        int first = header;
        while (first > 0 && text[first - 1].trim().startsWith("@")) {
            first--;
        }
        int depth = 0;
        for (int i = header; i < text.length; i++) {
            for (char c : text[i].toCharArray()) {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
            if (depth == 0 && text[i].contains("}")) {
                return new int[] {first + 1, i + 1};
            }
        }
        throw new IllegalArgumentException("method " + method + " does not end");
    }

    /** The arguments with every array copied, so that a method writing its arrays leaves {@code args} as they were. */
    private static Object[] copy(Object[] args) {
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] instanceof double[] a) {
                copy[i] = a.clone();
            } else if (copy[i] instanceof java.util.List<?> list) {
                copy[i] = new java.util.ArrayList<>(list);
            } else if (copy[i] instanceof StringBuilder sb) {
                copy[i] = new StringBuilder(sb);
            }
        }
        return copy;
    }

    private static double invoke(Method m, Object[] args) {
        try {
            return (double) m.invoke(null, args);
        } catch (InvocationTargetException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
