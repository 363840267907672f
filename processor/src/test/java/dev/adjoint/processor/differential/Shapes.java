package dev.adjoint.processor.differential;

import java.util.Locale;

/**
 * The shapes the {@link ProgramGenerator} draws beyond plain statements and expressions (the shapes
 * that broke the processor before, issue 13), each with a weight: the percentage of draws at the
 * place the shape can occur that produce it (a statement, a declaration, an expression, a method;
 * each shape says which). Every weight can be set for a campaign, e.g.
 * {@code -Dadjoint.differential.weight.throw=10} or {@code =0} to turn one off.
 *
 * <p>A {@code future} shape is a construct the processor refuses today: off unless
 * {@code -Dadjoint.differential.future=true}, when its weight applies. None is now: the last ones
 * (assignments in expressions, {@code while (n-- > 0)}, {@code ++a[i]}, {@code switch}, array
 * initialisers) are supported and drawn by default.
 */
final class Shapes {
    private Shapes() {}

    /** {@code -Dadjoint.differential.future=true}: also the constructs refused today. */
    static final boolean FUTURE = Boolean.getBoolean("adjoint.differential.future");

    enum Shape {
        /**
         * Per statement: {@code double r;} then assigned in every branch of an if/else-if chain, or
         * in some while another returns or throws ({@code Gamma.logGamma}: {@code return ret;} at the
         * end), or left for later assignments in some branches.
         */
        UNASSIGNED("unassigned", 3, false),
        /**
         * Per statement: a local without initialiser assigned from the loop counter in a do-while,
         * while or for loop ({@code double n; do { k++; n = k; term *= x / (a + n); sum += term; }
         * while (...)}); in a third of them the term kept in a small local array shifted by a counted
         * loop each step ({@code state[2 - j] = state[1 - j]; state[0] = state[1] * ratio;}), as SSJ keeps
         * its convergents.
         */
        SERIES_LOOP("seriesLoop", 1.5, false),
        /** Per statement: returns nested in branches (in loops too), both branches of an if returning. */
        NESTED_RETURN("nestedReturn", 2, false),
        /** Per statement: {@code throw} in one branch of an if (a guard that rarely holds, or any condition). */
        THROW("throw", 2, false),
        /** Per declaration: {@code Double b = ...;} used in arithmetic. */
        BOXED("boxed", 6, false),
        /** Per declaration: {@code final double t = ...;} (and {@code final double r;} in the unassigned shapes). */
        FINAL("final", 5, false),
        /** Per array declaration: {@code var h = new double[n];}. */
        VAR_ARRAY("varArray", 25, false),
        /**
         * Per statement: a long sum or product (10 to 1,000 terms, printed flat) or a deep nesting
         * (50 to 300 levels); a tenth of them are the largest sizes.
         */
        LONG_EXPRESSION("longExpression", 0.15, false),
        /**
         * Per expression, statement or method: a call Adjoint cannot see into (a helper without
         * {@code @Differentiable}, a {@code List<Double>} or {@code StringBuilder} parameter) given a
         * value that carries no derivative (literals, data, {@code Adjoint.stopGradient(...)}): accepted.
         */
        OPAQUE("opaque", 1, false),
        /**
         * Per method: the same calls given a differentiated value, or a call of a method that must
         * be refused: the processor must refuse it, positioned in the method.
         */
        MUST_REFUSE("mustRefuse", 3, false),
        /** Per statement: {@code a = b = x * x;}, or {@code a = b * (b = x * x)} (b read before and after). */
        ASSIGN_EXPR("assignExpr", 2, false),
        /** Per loop: {@code int n = k; while (n-- > 0) { ... }}, a third of them {@code while (--n > 0)}. */
        COUNT_DOWN("countDown", 10, false),
        /** Per statement: {@code ++t[i]} inside an expression. */
        INC_ELEMENT("incElement", 2, false),
        /** Per statement: a switch on an int, with fall-through. */
        SWITCH("switch", 2, false),
        /** Per statement: {@code double[] v = {x, y, z};}. */
        ARRAY_INIT("arrayInit", 2, false),
        /**
         * Per statement: a value scaled from a variable, the variable changed, then their product
         * ({@code v = 100 * x; x = x + 1; w = v * x}): the product is of the old and the new x, not a
         * square.
         */
        STALE_PRODUCT("staleProduct", 2, false),
        /**
         * Per expression: {@code Math.pow(2 + sin(e), p)}, a base in [1, 3] and a variable exponent, exactly 0
         * where that input is (SecondOrderRandomTest's zero points: pow's derivative in its base was
         * once guarded to 0 at a zero exponent, which cut its derivative in the exponent).
         */
        POW_VARIABLE("powVariable", 1.5, false),
        /**
         * Per expression: a value object of two fields built and read back ({@code new Pair(a,
         * b).first()}, {@code Pair.of(a, b).swap().first()}, {@code new Pair(a, b).mix()}), which the
         * processor splits into its fields.
         */
        VALUE("value", 2, false),
        /**
         * Per expression: a continued fraction evaluated through an anonymous {@code ContinuedFraction}
         * capturing its helper's parameter ({@code fractionOf(s, y)}, {@code fractionAt(s, y)}), which
         * the processor reads as the Lentz loop it runs.
         */
        FRACTION("fraction", 1, false),
        /**
         * Per int expression: {@code halvings(n)}, a private helper calling itself over integers alone,
         * which Adjoint calls as written instead of inlining (a recursive one would have no end).
         */
        INTEGER_RECURSION("integerRecursion", 5, false),
        /**
         * Per method: an equality shortcut before its last return ({@code if (x == 0.625) return e[x :=
         * 0.625];}, {@code x != c ? e : ...}, under {@code &&} with a data condition, in a loop over an
         * array's elements, a guard against 0/0, half of them in a private helper the method calls),
         * checked also at the points where the equality holds ({@link ShortcutRule}).
         */
        SHORTCUT("shortcut", 4, false),
        /**
         * Per statement: a value computed before the check that leaves it unused, NaN past the check
         * ({@code double c = e; double v = Math.sqrt(c) * e2; if (c <= 0) { return k; }}, or {@code
         * double w = c <= 0 ? k : v;}), as real code computes first and validates after: where the
         * check holds the gradient is that of what the method returns, never 0·NaN.
         */
        CHECKED_LATER("checkedLater", 3, false),
        /**
         * Per {@link #SERIES_LOOP}: its term given the factor {@code (n - p)}, p a differentiated
         * parameter, and nothing else in its body: at a whole p the series ends exactly and the loop
         * stops early ({@code normalize.Converge} runs it on for the derivative); the campaign checks
         * such methods also at p = 2 and p = 3 ({@link ShortcutRule#specialPoints}). There the dual
         * numbers and the tape follow the steps taken, so the derivative is checked against finite
         * differences alone, unless the processor warned that the loop is not run on
         * (AdjointConvergenceLoop); n, whose value jumps there, is left unread after the loop.
         */
        EXACT_END("exactEnd", 40, false),
        /**
         * Per statement: a bisection for the root of r³ + r = t, t a differentiated value ({@code while
         * (hi - lo > 1e-12 && bisect < 200) { double mid = 0.5 * (lo + hi); if (mid * mid * mid + mid > t)
         * hi = mid; else lo = mid; }}), or a search for it in another form (a golden section carrying its
         * points c and d, a ternary search, a bisection by {@code ?:}), those also while {@code hi >= lo}
         * on the count alone, or a point moved by a step computed from the counter alone
         * ({@code x += ... > t ? -step : step}, {@code step} halving or 1 / (n + 1)): the processor
         * must refuse it (AdjointSearchLoop), since its steps' derivative is not the root's, wherever
         * it stands among other code.
         */
        SEARCH("search", 1, false);

        final String property;
        final double defaultWeight;
        final boolean future;

        Shape(String property, double defaultWeight, boolean future) {
            this.property = property;
            this.defaultWeight = defaultWeight;
            this.future = future;
        }

        /** The weight in percent: the system property if set, else the default; 0 for a future shape unless FUTURE. */
        double weight() {
            if (future && !FUTURE) {
                return 0;
            }
            String set = System.getProperty("adjoint.differential.weight." + property);
            return set == null ? defaultWeight : Double.parseDouble(set);
        }
    }

    /** The weights in effect, for the campaign's report. */
    static String describe() {
        StringBuilder out = new StringBuilder();
        for (Shape s : Shape.values()) {
            out.append(out.length() == 0 ? "" : ", ").append(s.property).append('=')
                    .append(String.format(Locale.ROOT, "%s", s.weight()));
        }
        return out.toString();
    }
}
