package dev.adjoint.processor.differential;

/**
 * Processor behaviours the campaign steps around: bugs not fixed yet, and decided behaviours that
 * finite differences cannot check. By default the campaign
 * steps around them (so that it keeps finding new ones); each has a {@code @Disabled} regression
 * test in {@link DifferentialRegressionTest} holding its minimal program. Run with
 * {@code -Dadjoint.differential.avoidKnownBugs=false} to generate and check them again, e.g.
 * after a fix; then delete the workaround here.
 */
final class KnownBugs {
    private KnownBugs() {}

    static final boolean AVOID = !"false".equals(System.getProperty("adjoint.differential.avoidKnownBugs"));

    /**
     * A value whose local derivative is infinite (cbrt at 0) poisons the gradient with
     * 0·∞ = NaN even where it does not reach the result, as in PyTorch; kept on purpose
     * (DifferentialRegressionTest.zeroTimesInfinity).
     * Workaround: points where some local derivative is not finite are not checked.
     */
    static boolean skipSingularPoints() {
        return AVOID;
    }

    /**
     * A method that writes its {@code double[]} parameter gets a pullback annotated
     * {@code @dev.adjoint.WritesArrays}, which no processor claims: under {@code -Xlint:all} javac
     * warns "No processor claimed any of these annotations: /dev.adjoint.WritesArrays" for every
     * such class (DifferentialRegressionTest.writesInputArrayWarnsUnderXlint).
     * Workaround: that warning is not counted as a failure.
     */
    static boolean ignoreUnclaimedWritesArrays(String message) {
        return AVOID && message.contains("No processor claimed any of these annotations")
                && message.contains("dev.adjoint.WritesArrays");
    }

    /**
     * After an early return ({@code if (c) { return e; }}) the rest of the method becomes an else
     * block, and there a local array's adjoint is declared {@code double[] _d_h = 0.0;}: the
     * generated code does not compile (DifferentialRegressionTest.localArrayAfterEarlyReturn).
     * Workaround: once a method has a return inside a branch, it declares no more arrays.
     */
    static boolean avoidArraysAfterEarlyReturn() {
        return AVOID;
    }

    /**
     * A local declared inside a block (a loop's body, a branch, or what follows an early return,
     * which the processor makes an else block) and then overwritten ({@code a /= x}) is restored to
     * its final value before the reverse sweep recomputes what the overwrite read ({@code _t1 = a /
     * x}): ∂/∂x is -a/x³ instead of -a/x² (DifferentialRegressionTest.overwriteOfLoopLocal,
     * overwriteAfterEarlyReturn, overwriteInReturningBranch).
     * Workaround: locals declared in a block, or after a return inside a branch, are not written again.
     */
    static boolean avoidOverwritingBlockLocals() {
        return AVOID;
    }

    /**
     * A for loop counting to a {@code long} ({@code for (int i = 0; i < m; i++)}) generates a reverse
     * sweep that does not compile: "incompatible types: possible lossy conversion from long to int"
     * (DifferentialRegressionTest.loopToLongBound).
     * Workaround: loops count only to int parameters.
     */
    static boolean avoidLongLoopBounds() {
        return AVOID;
    }

    /**
     * A method that negates an element of its array parameter ({@code double a = -w[0];}) is taken
     * for one that writes it: calling it is refused ("[AdjointUnsupportedCall] cannot differentiate
     * through Batch.f(double[], double): it writes to its array parameter w";
     * DifferentialRegressionTest.negatedElementIsNoWrite), and so is its recursion ("cannot resolve
     * the call m21(...)", or the same message).
     * Workaround: {@code -a[i]} is not generated.
     */
    static boolean avoidNegatedElements() {
        return AVOID;
    }

    /**
     * Array reads and calls in a branch of ?:. An array read inside a ?: nested in another's branch
     * generates code naming an undeclared {@code _v2} ("cannot find symbol";
     * DifferentialRegressionTest.arrayReadInNestedConditional); a read whose index is
     * {@code n % p.length} is refused ("[AdjointNotYetSupported] a call or array read inside a
     * branch of ?: whose value the derivative needs", though {@code p[n]} is accepted;
     * DifferentialRegressionTest.remainderIndexInConditional); so are {@code buf[0] % x} and
     * {@code Math.pow(2.0, p[0])} there, a refusal the README's table does not list
     * (DifferentialRegressionTest.valueOfArrayReadInConditional).
     * Workaround: no array reads or calls in the branches of ?:.
     */
    static boolean avoidReadsInConditionals() {
        return AVOID;
    }

    /**
     * A negative literal that is not a local's initialiser is refused: {@code return -1.53;},
     * {@code return (-1.53) * z;} give "[AdjointUnsupportedExpression] cannot determine the type of
     * -1.53; assign it to a typed local variable first" (since the forward-mode merge;
     * DifferentialRegressionTest.negativeLiteral). Comparisons of constants with one
     * ({@code (-2.0) == 1.0}) are one case of it (DifferentialRegressionTest.comparisonOfConstants),
     * the negation of a constant condition another ({@code !(1.65 <= 0.75)};
     * DifferentialRegressionTest.negatedConstantCondition).
     * Workaround: literals are non-negative, and a negated literal or constant condition is not generated.
     */
    static boolean avoidNegativeLiterals() {
        return AVOID;
    }

    /**
     * {@code Math.pow} with an array element as an argument ({@code Math.pow(x, v[0])},
     * {@code Math.pow(w[0], w[0])}) is refused, with the message of another refusal:
     * "[AdjointNotYetSupported] a call or array read inside a branch of ?: whose value the
     * derivative needs is not supported yet" though there is no ?: (DifferentialRegressionTest.powOfArrayElement).
     * Workaround: no array reads or calls in pow's arguments.
     */
    static boolean avoidArrayReadsInPow() {
        return AVOID;
    }
}
