package dev.adjoint.processor.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The corpus's cases: for every {@code @Differentiable} entry method of the fixtures, the library
 * shape it imitates (one line, for the report) and the points where its gradient is checked.
 * Points are chosen inside each method's domain and away from its kinks, jumps and branch
 * switches by at least the finite-difference step ({@code CorpusTest.pointsAreResolvable} proves
 * it on the plain methods, whatever the processor does with them).
 */
final class Corpus {
    private Corpus() {}

    /** An enum constant argument: the enum is a nested type of the fixture class. */
    record EnumArg(String type, String constant) {
        @Override
        public String toString() {
            return constant;
        }
    }

    /** A record argument built by its canonical constructor; the record is a nested type of the fixture class. */
    record RecordArg(String type, Object... components) {
        @Override
        public String toString() {
            return type + Arrays.deepToString(components).replace('[', '(').replace(']', ')');
        }
    }

    /**
     * An object argument built by the constructor of {@code type} that fits {@code args}: a nested
     * type of the fixture class, or a qualified name. Objects are data, never differentiated.
     */
    record ObjectArg(String type, Object... args) {
        @Override
        public String toString() {
            return "new " + type.substring(type.lastIndexOf('.') + 1) + Arrays.deepToString(args).replace('[', '(')
                    .replace(']', ')');
        }
    }

    /**
     * One point: constructor arguments of the receiver (null for a static method), then the
     * method's arguments; {@code receiverType} names a subclass to construct (a nested type of the
     * fixture class) when the method's class is abstract, else null. {@code refused}: the receiver
     * overrides a method whose body the derivative was generated from, so every generated member
     * must refuse it at run time ({@code UnsupportedOperationException}), not differentiate it.
     */
    record Point(Object[] receiver, Object[] args, String receiverType, boolean refused) {
        Point(Object[] receiver, Object[] args) {
            this(receiver, args, null, false);
        }

        Point(Object[] receiver, Object[] args, String receiverType) {
            this(receiver, args, receiverType, false);
        }

        @Override
        public String toString() {
            String a = Arrays.deepToString(args);
            return receiver == null ? a : "new " + (receiverType == null ? "" : receiverType)
                    + "(" + Arrays.deepToString(receiver) + ")." + a;
        }
    }

    /**
     * A corpus method and where to check it.
     *
     * @param roughStep      0 for Richardson-extrapolated central differences (the default); else
     *                       a plain central difference of this relative step, for methods whose
     *                       values are rounded coarser than Richardson's steps resolve (float)
     * @param roughTolerance the relative tolerance that goes with a rough step
     */
    record Case(String key, String shape, List<Point> points, double roughStep, double roughTolerance) {

        Case at(Object... args) {
            return with(new Point(null, args));
        }

        /** A point of an instance method: the receiver's constructor arguments, then the method's. */
        Case on(Object[] receiver, Object... args) {
            return with(new Point(receiver, args));
        }

        /** A point of an instance method of an abstract class: the receiver is a {@code subclass}. */
        Case onSubclass(String subclass, Object[] receiver, Object... args) {
            return with(new Point(receiver, args, subclass));
        }

        /**
         * A point whose receiver is a {@code subclass} overriding a method the derivative inlined:
         * the generated members must refuse it at run time.
         */
        Case refusedOnSubclass(String subclass, Object[] receiver, Object... args) {
            return with(new Point(receiver, args, subclass, true));
        }

        Case rough(double step, double tolerance) {
            return new Case(key, shape, points, step, tolerance);
        }

        private Case with(Point p) {
            List<Point> more = new ArrayList<>(points);
            more.add(p);
            return new Case(key, shape, List.copyOf(more), roughStep, roughTolerance);
        }

        String file() {
            return key.substring(0, key.indexOf('.'));
        }

        String method() {
            return key.substring(key.lastIndexOf('.') + 1);
        }
    }

    static Case method(String key, String shape) {
        return new Case(key, shape, List.of(), 0, 0);
    }

    static double[] v(double... values) {
        return values;
    }

    static Object[] ctor(Object... args) {
        return args;
    }

    static EnumArg constant(String type, String name) {
        return new EnumArg(type, name);
    }

    /** The probe's library types named by qualified name. */
    private static final String STRATA = CorpusSources.SUPPORT_PACKAGE + ".strata.";
    private static final EnumArg QL_CALL = constant(CorpusSources.SUPPORT_PACKAGE + ".quantlib.Option$Type", "Call");
    private static final EnumArg QL_PUT = constant(CorpusSources.SUPPORT_PACKAGE + ".quantlib.Option$Type", "Put");
    private static final EnumArg STRATA_CALL = constant(STRATA + "PutCall", "CALL");
    private static final EnumArg STRATA_PUT = constant(STRATA + "PutCall", "PUT");

    /** Every case, grouped by fixture file. */
    private static final List<Case> LIBRARIES = List.of(
            // ------------------------------------------------------------ SpecialFunctions
            method("SpecialFunctions.lnGamma", "Lanczos series with `s += c[i] / ++shifted` (NR gammln)")
                    .at(0.6).at(3.7).at(12.3),
            method("SpecialFunctions.logGamma", "unassigned `double ret;` + early returns, floor loop, private helper (Gamma.logGamma)")
                    .at(0.7).at(2.2).at(6.9).at(12.4),
            method("SpecialFunctions.digamma", "private limits, recursion, asymptotic Horner (Gamma.digamma)")
                    .at(0.45).at(5.3).at(15.2),
            method("SpecialFunctions.regularizedGammaP", "`double n;` set from the counter in a do-while series (Gamma.regularizedGammaP)")
                    .at(1.5, 0.8).at(2.5, 2.0).at(0.7, 0.3),
            method("SpecialFunctions.gammaSeries", "`double n;` set from the counter in a do-while, no return before the loop")
                    .at(1.5, 0.8).at(0.7, 2.5),
            method("SpecialFunctions.erf", "private A&S constants, Math.copySign (Erf.erf)")
                    .at(0.3).at(-0.8).at(1.7),
            method("SpecialFunctions.erfcFraction", "continued fraction with `while (n-- > 0)`")
                    .at(1.2).at(2.5).at(4.0),
            method("SpecialFunctions.besselI0", "private double[] tables + private polevl(x, coef) helper (Cephes)")
                    .at(0.5).at(-1.3).at(2.0).at(5.0),
            method("SpecialFunctions.logGamma1p", "16-level inline Horner form (Gamma.logGamma1p/invGamma1pm1)")
                    .at(0.1).at(-0.3).at(0.4),
            method("SpecialFunctions.sinPi", "argument reduction by Math.rint")
                    .at(0.3).at(0.8).at(1.7).at(-2.4),
            method("SpecialFunctions.tanhByWords", "fdlibm's range selection on the high word from a private __HI-style helper, sign from its top bit")
                    .at(0.3).at(-0.7).at(1.5).at(-3.0).at(25.0).at(1e-17),
            method("SpecialFunctions.logViaMantissa", "bit trick: doubleToRawLongBits + mask (FastMath)")
                    .at(0.3).at(1.5).at(7.0),
            method("SpecialFunctions.gammaByShift", "`if (x == 2.0) return z;` after shifting x into [2, 3) (Cephes gamma, Colt, Weka)")
                    .at(2.5).at(0.7).at(4.0),
            method("SpecialFunctions.upperGammaFraction", "continued fraction stopped on the value's relative change (Cephes igamc, Colt, Weka, ELKI)")
                    .at(2.5, 4.0).at(2.0, 3.0),
            method("SpecialFunctions.logGammaByFactorial", "`x - (int) x == 0.0` takes a factorial from an int helper that throws with String.format (Smile's lgamma)")
                    .at(2.0).at(3.0).at(2.5),
            method("SpecialFunctions.logBetaWithSeries", "log Γ's factorial shortcut at a + b = 4, a series that logs when it gives up (Smile's incomplete beta)")
                    .at(1.5, 2.5, 0.3).at(2.0, 3.0, 0.4),
            method("SpecialFunctions.digammaDeclared", "a recursive helper declaring throws ArithmeticException (Colt)")
                    .at(0.7).at(3.0),
            method("SpecialFunctions.logNormalDensityCheckedAfter", "a density computed, then its support checked (NaN before the check)")
                    .at(1.5, 0.1, 0.7).at(-1.0, 0.1, 0.7),
            // ------------------------------------------------------------ Distributions
            method("Distributions.normalLogDensity", "`final double z;` + throw branch quoting the value (NormalDistribution)")
                    .at(0.3, -0.2, 1.4).at(2.5, 1.0, 0.7),
            method("Distributions.normalCdf", "early saturating return + private @Differentiable helper (cumulativeProbability)")
                    .at(0.3, -0.2, 1.4).at(-1.1, 0.4, 0.9).at(2.0, 0.1, 0.5),
            method("Distributions.gammaLogDensity", "private log-gamma helper writing its parameter in a loop (GammaDistribution)")
                    .at(1.3, 2.4, 0.8).at(4.2, 0.6, 2.5).at(0.5, 9.5, 0.3),
            method("Distributions.studentTLogDensity", "computed private constant + two helper calls (TDistribution)")
                    .at(0.4, 3.3).at(-1.7, 8.6).at(1.2, 0.7),
            method("Distributions.betaLogDensity", "library range check on a differentiated double, helper calling helper (BetaDistribution)")
                    .at(0.3, 2.5, 1.7).at(0.75, 0.8, 3.3),
            method("Distributions.weibullCdf", "early return, expm1 of pow (WeibullDistribution)")
                    .at(0.8, 1.5, 1.2).at(2.3, 0.7, 1.9),
            method("Distributions.logisticLogCdf", "StrictMath.log1p/exp (LogisticDistribution)")
                    .at(0.4, 0.1, 0.8).at(-2.0, 0.5, 1.3),
            method("Distributions.gumbelLogDensity", "`var` locals (GumbelDistribution)")
                    .at(0.4, 0.1, 0.8).at(3.0, 1.0, 2.0),
            method("Distributions.logNormalCdf", "boxed `Double` local, unboxed into a helper (LogNormalDistribution)")
                    .at(1.3, 0.2, 0.6).at(0.4, -0.3, 1.1),
            method("Distributions.mixtureLogDensity", "MathArrays.checkEqualLength from a library + log-sum-exp")
                    .at(0.3, v(0.2, 0.5, 0.3), v(-1.0, 0.4, 2.0), v(0.8, 1.2, 0.5))
                    .at(1.7, v(0.6, 0.4), v(0.9, 2.2), v(0.7, 0.4)),
            method("Distributions.multinomialLogLikelihood", "Objects.requireNonNull + int data, private int-only helper")
                    .at(v(0.2, 0.3, 0.5), new int[] {2, 5, 3}),
            method("Distributions.cauchyQuantile", "same-class void check helper on a differentiated double (CauchyDistribution)")
                    .at(0.3, 0.5, 2.0).at(0.85, -1.0, 0.7),
            method("Distributions.kernelDensity", "for-each over samples, private constant")
                    .at(0.3, v(0.1, 0.5, -0.4, 1.2), 0.6),
            method("Distributions.poissonLogProbability", "cast inside a call's argument `logFactorial((int) k - 1)`, wrt = mean (PoissonDistribution)")
                    .at(2.5, 3.0).at(0.7, 0.0).at(4.2, 6.0),
            method("Distributions.interpolatedLogFactorial", "library call with `(int) x` and `(int) x + 1` casts as arguments (CombinatoricsUtils.factorialLog)")
                    .at(3.4).at(7.8).at(1.3),
            method("Distributions.Normal.logDensity", "instance method reading final fields (NormalDistribution object)")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -0.2),
            method("Distributions.Beta.logDensity", "Smile BetaDistribution object: log Γ tabled at whole numbers (an instance method's shortcut)")
                    .on(ctor(2.5, 1.5), 0.3).on(ctor(2.0, 3.0), 0.4).on(ctor(2.2, 1.3), 0.6),
            method("Distributions.Laplace.logDensity", "a superclass's private field read through its getter (Commons Statistics' distributions)")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -0.2),
            method("Distributions.Cauchy.logDensity", "a private nested class behind its base's factory (Commons Statistics' StudentsTDistribution)")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -0.2),
            // ------------------------------------------------------------ KernelsAndLosses
            method("KernelsAndLosses.maternKernel", "colon `switch` on int, returning cases, default throws (Smile Matern)")
                    .at(0.7, 1.3, 1).at(0.7, 1.3, 3).at(1.9, 0.8, 5),
            method("KernelsAndLosses.kernel", "arrow `switch` statement on an enum, unassigned local, private array helpers")
                    .at(constant("KernelType", "LINEAR"), v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2), 0.5)
                    .at(constant("KernelType", "GAUSSIAN"), v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2), 0.5)
                    .at(constant("KernelType", "LAPLACIAN"), v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2), 0.5)
                    .at(constant("KernelType", "POLYNOMIAL"), v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2), 0.5),
            method("KernelsAndLosses.loss", "`switch` expression on String, multi-label cases, yield blocks")
                    .at("mse", v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2))
                    .at("l1", v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2))
                    .at("logcosh", v(0.3, -0.5, 0.8), v(1.1, 0.4, -0.2)),
            method("KernelsAndLosses.huberLoss", "Objects.requireNonNull(pred, \"pred\") on differentiated arrays (nd4j LossHuber)")
                    .at(v(0.2, 1.5, -0.7, 0.1), v(0.0, 0.3, 0.4, 0.15), 0.5),
            method("KernelsAndLosses.softmaxCrossEntropy", "log-sum-exp with running Math.max, int label")
                    .at(v(0.3, -1.2, 2.1, 0.5), 2).at(v(1.0, 0.2, -0.4), 0),
            method("KernelsAndLosses.weightedSquaredError", "float[] weights, float local and float accumulator as data")
                    .at(v(0.2, 1.5, -0.7, 0.1), v(0.0, 0.3, 0.4, 0.15), new float[] {0.5f, 0f, 1.5f, 2f}),
            method("KernelsAndLosses.binaryCrossEntropyFloat", "float arithmetic on differentiated values")
                    .at(v(0.3, -1.2, 2.1), v(1, 0, 1))
                    // p is rounded to float: values carry relative noise ~6e-8, which Richardson's small steps do not resolve
                    .rough(1e-2, 1e-3),
            method("KernelsAndLosses.gaussianKernelAndGradient", "vector result `return new double[] {k, g}` (Smile kg)")
                    .at(0.7, 1.3).at(2.0, 0.9),
            method("KernelsAndLosses.hingeLoss", "Math.max(0, 1 - y f)")
                    .at(v(0.3, -0.2, 0.5), v(1.0, 0.4, -0.6), 1.0).at(v(0.3, -0.2, 0.5), v(0.2, 0.4, 0.1), -1.0),
            method("KernelsAndLosses.polynomialKernel", "MathUtils.checkNotNull from a library, pow with an int degree")
                    .at(v(0.3, 0.7, -0.2), v(1.1, -0.4, 0.6), 0.8, 1.0, 3),
            method("KernelsAndLosses.trimmedSquaredLoss", "terms in a List<Double>, Collections.sort")
                    .at(v(0.3, -1.2, 0.7, 2.5, -0.1), 1),
            method("KernelsAndLosses.rbfAt", "array initialiser `double[] p = {x, y, z}` passed to a helper")
                    .at(0.3, -0.2, 0.9, v(0.1, 0.4, 0.5), 0.7),
            method("KernelsAndLosses.LinearModel.squaredError", "instance method reading a double[] field and a double field")
                    .on(ctor(v(0.3, -0.5, 0.8), 0.1), v(1.0, 0.2, -0.7), 0.4),
            method("KernelsAndLosses.GaussianBasis.value", "a field array read through a final getter into a local (Encog's radial basis functions)")
                    .on(ctor(v(0.3, -0.5, 1.2), 0.8), v(0.1, 0.4, 0.9)).on(ctor(v(1.0, 0.0), 1.5), v(-0.3, 0.7)),
            method("KernelsAndLosses.CachedLogistic.getOutput", "writes its last output into a field and returns it, cut-offs at ±100")
                    .on(ctor(1.5), 0.3).on(ctor(0.7), -2.0).on(ctor(2.0), 120.0),
            method("KernelsAndLosses.CachedLogistic.getDerivative", "the derivative from the cached output field")
                    .on(ctor(1.5), 0.3),
            // ------------------------------------------------------------ Finance
            method("Finance.blackScholesPrice", "boolean option type, private normal CDF helpers (JQuantLib BlackCalculator)")
                    .at(100.0, 95.0, 0.25, 0.03, 0.75, true).at(100.0, 110.0, 0.3, 0.01, 1.5, false),
            method("Finance.bachelierPrice", "enum `switch` expression with arrow cases and a yield block (Strata)")
                    .at(constant("OptionType", "CALL"), 100.0, 98.0, 15.0, 0.5)
                    .at(constant("OptionType", "PUT"), 100.0, 103.0, 12.0, 1.2)
                    .at(constant("OptionType", "STRADDLE"), 100.0, 99.0, 20.0, 0.8),
            method("Finance.discountFactor", "colon `switch` on String with fall-through")
                    .at("ANNUAL", 0.04, 2.5, 4).at("PERIODIC", 0.04, 2.5, 4).at("SIMPLE", 0.03, 0.5, 0)
                    .at("CONTINUOUS", 0.05, 3.0, 0),
            method("Finance.bondPrice", "MathArrays.checkEqualLength from a library on differentiated arrays")
                    .at(v(5, 5, 5, 105), v(1, 2, 3, 4), 0.045),
            method("Finance.impliedYield", "Newton solve, break on a negligible step, wrt = {price, coupon}")
                    .at(98.5, 4.0, 100.0, 5).at(103.0, 6.0, 100.0, 10),
            method("Finance.annuityFactor", "`while (n-- > 0)` on an int parameter")
                    .at(0.05, 10).at(0.02, 3),
            method("Finance.sabrVolatility", "`final double zOverX;` assigned in both branches (Hagan SABR)")
                    .at(0.03, 0.035, 2.0, 0.04, 0.5, -0.3, 0.4).at(0.03, 0.025, 5.0, 0.05, 0.7, 0.2, 0.6),
            method("Finance.forwardRates", "vector result from a local new double[n - 1]")
                    .at(v(0.99, 0.97, 0.94, 0.90), v(0.5, 1.0, 2.0, 3.0)),
            method("Finance.presentValue", "private @Differentiable helper overwriting its array parameter")
                    .at(v(0.02, 0.025, 0.03), v(1, 2, 3), v(5, 5, 105)),
            method("Finance.roundToTick", "Math.round(price / tick) * tick")
                    .at(101.26, 0.25).at(3.1, 0.25),
            method("Finance.FlatCurve.discount", "instance method reading a final double field (Strata curve)")
                    .on(ctor(0.03), 2.5).on(ctor(0.05), 0.7),
            method("Finance.blackCall", "record parameter OptionTerms(forward, strike, expiry)")
                    .at(new RecordArg("OptionTerms", 100.0, 95.0, 1.0), 0.2)
                    .at(new RecordArg("OptionTerms", 0.03, 0.035, 2.0), 0.25),
            method("Finance.bondOnCurve", "a record's methods (one calling another on this, an int and a double[] component) called on the record parameter, order = 2")
                    .at(new RecordArg("NelsonSiegel", 0.03, -0.01, 0.02, 1.8, 100, v(5.0, 10.0, 20.0)), 0.04, 3.5)
                    .at(new RecordArg("NelsonSiegel", 0.05, 0.02, -0.03, 0.7, 10000, v(1.0, 2.0)), 0.02, 2.25),
            method("Finance.blackValuePlusVega", "Φ and φ of a library NormalDistribution held in a static final field (finmath AnalyticFormulas)")
                    .at(1.05, 0.25, 1.7, 0.95).at(0.03, 0.4, 2.0, 0.035).at(100.0, 0.15, 0.5, 110.0),
            method("Finance.checkedBlackPrice", "Strata ArgChecker.isTrue with the value in its message, formatted by a recursive helper")
                    .at(100.0, 95.0, 1.0, 0.2).at(0.03, 0.035, 2.0, 0.25),
            method("Finance.StandardNormal.cdf", "Strata getCDF(Double): a generic <T> T notNull(T, String) whose result is dropped")
                    .on(ctor(), 0.3).on(ctor(), -1.2),
            // ------------------------------------------------------------ Solvers
            method("Solvers.betaSeries", "series with epsilon and maxIterations passed in (Commons Math), whole b")
                    .at(2.0, 3.0, 0.4, 1e-15, 1000).at(2.5, 1.0, 0.6, 1e-15, 1000).at(2.0, 3.3, 0.4, 1e-15, 1000),
            method("Solvers.sincTimesSquare", "a guard against 0/0 and a shortcut in one method")
                    .at(0.0, 2.0).at(0.3, 2.0).at(0.0, 2.5),
            method("Solvers.safeNewton", "Newton kept inside a bracket (rtsafe)")
                    .at(2.0).at(10.0),
            method("Solvers.secant", "secant method")
                    .at(2.0).at(10.0),
            method("Solvers.impliedVol", "implied volatility by bisection")
                    .at(12.0, 100.0, 95.0).at(5.0, 100.0, 110.0),
            method("Solvers.impliedVolNewton", "bisection on stopGradient values, then one Newton step")
                    .at(12.0, 100.0, 95.0).at(5.0, 100.0, 110.0),
            method("Solvers.golden", "golden-section search (NR golden)")
                    .at(1.0).at(-0.5),
            method("Solvers.expectedPayoff", "a lambda capturing the model given to a Gauss-Legendre rule")
                    .at(100.0, 95.0, 0.2).at(1.0, 1.2, 0.35),
            method("Solvers.keplerByNewton", "Newton given f and f' as lambdas")
                    .at(1.0, 0.2).at(2.5, 0.6),
            method("Solvers.scaledLogisticArea", "an anonymous UnivariateFunction calling a lambda held in a constant")
                    .at(1.5, 2.0).at(0.7, 3.0),
            // ------------------------------------------------------------ Orbits
            method("Orbits.eccentricToTrue", "Orekit: a SinCos value object from FastMath.sinCos, e = 0")
                    .at(0.3, 1.1).at(0.0, 2.0).at(0.7, -0.5),
            method("Orbits.meanToEccentric", "Newton on Kepler's equation, a SinCos built in each step")
                    .at(0.2, 1.0).at(0.6, 2.5),
            method("Orbits.meanToEccentricAnyTurn", "Commons Math's MathUtils.normalizeAngle from its jar, then a @Differentiable call")
                    .at(0.3, 4.0).at(0.3, -7.5).at(0.1, 1.0),
            method("Orbits.planarRadius", "a record returned by a helper, read by its accessors and a method")
                    .at(1.5, 0.3, 0.8).at(2.0, 0.0, 2.0),
            method("Orbits.gaussianTail", "Commons Statistics: a double-double DD (private constructor, methods returning DDs)")
                    .at(0.5).at(1.9).at(3.2),
            // ------------------------------------------------------------ Numerics
            method("Numerics.rk4Step", "RK4 step, void computeDerivatives(y, yDot) helper writing its output array")
                    .at(v(1.0, 0.3), 0.1, 2.0, 0.4),
            method("Numerics.simpson", "int parameter bumped in place (`n++`), parity weights")
                    .at(0.2, 1.7, 0.8, 7).at(-0.5, 1.0, 1.3, 10),
            method("Numerics.hornerFma", "Math.fma in Horner's rule")
                    .at(v(1.0, -0.5, 0.25, 0.125), 0.7),
            method("Numerics.truncatedExp", "colon `switch` on int with fall-through")
                    .at(0.4, 4).at(-0.7, 2).at(1.3, 0),
            method("Numerics.chebyshev", "MathUtils.checkNotNull from a library, `double b2;` assigned in the loop (chebev)")
                    .at(v(1.2, -0.4, 0.3, 0.1, -0.05), 0.35),
            method("Numerics.tanhViaExp", "chained assignment `s = c = 0.5 * e` (FastMath.sinhCosh)")
                    .at(0.4).at(-1.3),
            method("Numerics.hurwitzZetaPartial", "`double[] shift = {x}` + `++shift[0]` inside a call")
                    .at(2.3, 0.7, 20).at(1.5, 2.2, 5),
            method("Numerics.newtonSqrt", "while (true) left by return, Math.ulp in the exit test")
                    .at(0.3).at(2.0).at(17.5),
            method("Numerics.extendedPolynomial", "Hipparchus' MathArrays.copyOf from its jar, then element writes")
                    .at(v(1.0, -0.5, 0.25), 0.3, 0.7).at(v(2.0), -1.2, 1.1),
            method("Numerics.kahanSum", "compensated summation")
                    .at(v(0.1, 0.7, -0.3, 1e-3, 5.0)),
            method("Numerics.wrapAngle", "Math.floor")
                    .at(0.5).at(4.0).at(-7.0),
            method("Numerics.softThreshold", "Math.signum * Math.max (lasso prox)")
                    .at(0.8, 0.3).at(-1.5, 0.4).at(0.2, 0.5),
            method("Numerics.haversine", "Math.toRadians")
                    .at(52.52, 13.40, 48.86, 2.35).at(40.71, -74.01, 34.05, -118.24),
            method("Numerics.scaledNorm", "Math.getExponent + Math.scalb (MathArrays.safeNorm)")
                    .at(v(3.0, -4.0, 0.5)).at(v(1e-3, 2e-3, -5e-4)),
            method("Numerics.trapezoid", "panel count `(int) Math.ceil((b - a) / maxStep)`")
                    .at(0.2, 1.7, 0.8, 0.103).at(0.0, 2.0, 1.1, 0.3),
            // ============================================================ the probe: six libraries' shapes
            // ------------------------------------------------------------ ProbeHipparchus
            method("ProbeHipparchus.logGamma", "Gamma.logGamma: unassigned `double ret;`, early returns, floor loop, same-class helpers, FastMath")
                    .at(0.3).at(1.7).at(4.6).at(12.3),
            method("ProbeHipparchus.digamma", "Gamma.digamma: NaN/infinity guard, recursion ψ(x+1) - 1/x up to 49 deep, FastMath.log")
                    .at(0.45).at(5.3).at(60.0),
            method("ProbeHipparchus.regularizedGammaP", "Gamma.regularizedGammaP(a, x): overload delegation, series with throwing cap, Q by an anonymous ContinuedFraction")
                    .at(1.5, 0.8).at(2.5, 2.0).at(1.2, 3.5),
            method("ProbeHipparchus.Beta.logBeta", "Beta.logBeta: min/max, private helpers with checkRangeInclusive and throws, local array, Gamma.logGamma of the library")
                    .at(0.6, 0.7).at(1.4, 1.7).at(3.7, 4.2).at(12.0, 15.0).at(1.6, 25.0).at(0.55, 12.0),
            method("ProbeHipparchus.NormalDistribution.density", "NormalDistribution.density: exp(logDensity(x)), an @Override on this; derived final field; superclass field")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -1.5),
            method("ProbeHipparchus.NormalDistribution.cumulativeProbability", "NormalDistribution.cumulativeProbability: saturating early return, the library's Erf.erfc")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -1.5),
            method("ProbeHipparchus.GammaDistribution.logDensity", "GammaDistribution.logDensity: nine final fields from the constructor, two forms by comparison")
                    .on(ctor(2.5, 1.3), 1.7).on(ctor(0.5, 2.0), 0.8),
            method("ProbeHipparchus.PolynomialFunction.evaluate", "PolynomialFunction.evaluate: protected static, MathUtils.checkNotNull on the array, throw if empty")
                    .at(v(1.0, -0.5, 0.25, 0.125), 0.7).at(v(2.0), 1.3),
            method("ProbeHipparchus.PolynomialSplineFunction.value", "PolynomialSplineFunction.value: knots field, Arrays.binarySearch, call on an object of an object array")
                    .on(ctor(v(0.0, 1.0, 2.5), new double[][] {{1.0, 0.5, -0.2}, {1.3, 0.1, 0.3}}), 1.7)
                    .on(ctor(v(0.0, 1.0, 2.5), new double[][] {{1.0, 0.5, -0.2}, {1.3, 0.1, 0.3}}), 0.4),
            method("ProbeHipparchus.MathArrays.safeNorm", "MathArrays.safeNorm: Minpack enorm, three rescaled sums, nested branches")
                    .at(v(3.0, -4.0, 0.5)).at(v(3e19, -4e19, 1.0)),
            method("ProbeHipparchus.Logit.value", "Logit.value (private static in the library): range check throwing with varargs parts")
                    .at(0.3, 0.0, 1.0).at(2.5, 1.0, 4.0),
            // ------------------------------------------------------------ ProbeCommonsMath
            method("ProbeCommonsMath.Skewness.evaluate", "Skewness.evaluate: inherited test(...) on the array, a Mean object created and called, two passes")
                    .on(ctor(), v(0.3, 1.2, -0.5, 2.2, 0.9), 0, 5).on(ctor(), v(1.0, 0.2, 0.7, -1.1, 0.4, 3.0), 1, 4),
            method("ProbeCommonsMath.NakagamiDistribution.density", "NakagamiDistribution.density: FastMath.pow of fields, the library's Gamma.gamma")
                    .on(ctor(1.7, 2.0), 0.9).on(ctor(0.8, 1.2), 1.4),
            method("ProbeCommonsMath.TriangularDistribution.cumulativeProbability", "TriangularDistribution.cumulativeProbability: if-chain over three fields, an equality case")
                    .on(ctor(0.0, 1.0, 3.0), 0.6).on(ctor(0.0, 1.0, 3.0), 2.2),
            method("ProbeCommonsMath.WeibullDistribution.density", "WeibullDistribution.density: final locals, FastMath.pow/exp")
                    .on(ctor(1.5, 2.0), 1.3).on(ctor(0.7, 1.1), 0.4),
            method("ProbeCommonsMath.LevyDistribution.density", "LevyDistribution.density: NaN below the location, a derived field")
                    .on(ctor(0.2, 1.3), 1.5).on(ctor(-1.0, 0.4), 0.3),
            method("ProbeCommonsMath.HarmonicOscillator.value", "HarmonicOscillator.value(x): delegates to an overloaded private static value(...)")
                    .on(ctor(1.2, 2.0, 0.3), 0.7),
            method("ProbeCommonsMath.Gaussian.value", "Gaussian.value(x): derived fields, overloaded private static helper")
                    .on(ctor(1.3, 0.2, 0.8), 0.9),
            method("ProbeCommonsMath.MathArrays.linearCombination", "MathArrays.linearCombination: Dekker split by doubleToRawLongBits masks, compensated sum")
                    .at(v(1.5, -2.0, 0.3), v(0.7, 1.1, -4.0)),
            method("ProbeCommonsMath.MathUtils.normalizeAngle", "MathUtils.normalizeAngle: FastMath.floor, a constant from FastMath.PI")
                    .at(7.5, 0.0).at(-2.0, 3.14),
            method("ProbeCommonsMath.RungeKuttaIntegrator.singleStep", "RungeKuttaIntegrator.singleStep: vector, Butcher arrays, double[][] stages written by an interface method")
                    .onSubclass("ClassicalRungeKuttaIntegrator", ctor(), new ObjectArg("HarmonicOde", 1.3), 0.1, v(1.0, 0.3), 0.35),
            // ------------------------------------------------------------ ProbeSmile
            method("ProbeSmile.Gamma.lgamma", "Gamma.lgamma: `second += c[i] / ++xcopy`, integer test by cast, reflection via gamma, throw with concatenation")
                    .at(0.7).at(3.3).at(12.6).at(-1.3),
            method("ProbeSmile.Gamma.regularizedIncompleteGamma", "Gamma.regularizedIncompleteGamma: private helpers, `++a` on a parameter, SLF4J logger (interface), boolean loop flag")
                    .at(1.5, 0.8).at(2.5, 4.0),
            method("ProbeSmile.Erf.erfc", "Erf.erfc: private Chebyshev helper, `double t, ty, tmp, d = 0., dd = 0.;`")
                    .at(0.3).at(-0.8).at(2.1),
            method("ProbeSmile.Erf.inverfc", "Erf.inverfc: `double x, err, t, pp;`, two Newton steps calling erfc")
                    .at(0.3).at(1.4),
            method("ProbeSmile.GaussianDistribution.logp", "GaussianDistribution.logp: public final fields, cached variance, mutable cache field")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -1.5),
            method("ProbeSmile.GaussianDistribution.cdf", "GaussianDistribution.cdf: Erf.erfc of a nested class (annotated too)")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(-1.0, 0.6), -1.5),
            method("ProbeSmile.Matern.k", "Matern.k: package-private fields, `nu == 1.5` chain, `d *= SQRT3`, wrt = {dist, this.sigma}")
                    .on(ctor(0.8, 1.5, 0.1, 10.0), 0.6).on(ctor(0.8, 2.5, 0.1, 10.0), 1.1).on(ctor(1.2, 0.5, 0.1, 10.0), 0.4),
            method("ProbeSmile.Matern.kg", "Matern.kg: vector `new double[] {k, g}`, `double k, g;` per branch")
                    .on(ctor(0.8, 1.5, 0.1, 10.0), 0.6).on(ctor(0.8, 2.5, 0.1, 10.0), 1.1),
            method("ProbeSmile.MathEx.squaredDistance", "MathEx.squaredDistance: colon switch on a.length, case blocks returning, no default")
                    .at(v(0.3, 1.2), v(-0.4, 0.8)).at(v(0.3, 1.2, 0.5), v(1.0, 2.0, 3.0)).at(v(0.1, 0.2, 0.3, 0.4, 0.5), v(0.5, 0.4, 0.3, 0.2, 0.0)),
            method("ProbeSmile.MathEx.JensenShannonDivergence", "MathEx.JensenShannonDivergence: local mixture array, helper with a boolean flag called twice")
                    .at(v(0.2, 0.5, 0.3), v(0.4, 0.4, 0.2)),
            method("ProbeSmile.MathEx.cor", "MathEx.cor: helpers calling helpers (cov, mean, sum, var), capitalised locals")
                    .at(v(0.3, 1.2, -0.5, 2.2), v(1.0, 0.7, 0.1, 1.9)),
            method("ProbeSmile.MathEx.sigmoid", "MathEx.sigmoid: parameter clipped in place by Math.max/min")
                    .at(0.4).at(-2.0),
            method("ProbeSmile.BinomialObjective.f", "LogisticRegression.BinomialObjective.f: IntStream.parallel().mapToDouble(lambda).sum()")
                    .on(ctor(new double[][] {{0.5, 1.0}, {-0.3, 0.8}, {1.2, -0.4}}, new int[] {1, 0, 1}, 0.1), v(0.3, -0.2, 0.1)),
            // ------------------------------------------------------------ ProbeDl4j
            method("ProbeDl4j.MathUtils.pow", "MathUtils.pow: recursion on the negated exponent, FastMath.pow")
                    .at(1.7, 2.3).at(1.3, -1.5),
            method("ProbeDl4j.MathUtils.factorial", "MathUtils.factorial(double): empty for loop, work in the update `i--, n *= (i > 0 ? i : 1)`")
                    .at(4.3).at(2.6),
            method("ProbeDl4j.MathUtils.w_1", "MathUtils.w_1: varargs sumOfProducts(x, y) of differentiated arrays, private varargs column helper")
                    .at(v(0.5, 1.2, 2.1, 3.3), v(1.1, 1.9, 3.2, 4.1), 4),
            method("ProbeDl4j.MathUtils.squaredLoss", "MathUtils.squaredLoss: Math.pow(residual, 2), underscore names")
                    .at(v(0.5, 1.2, 2.1), v(1.1, 1.9, 3.2), 0.3, 1.2),
            method("ProbeDl4j.MathUtils.correlation", "MathUtils.correlation: C-style `double targetAttribute[]`, three levels of helpers")
                    .at(v(0.1, -0.2, 0.15, 0.05), v(1.1, 1.9, 3.2, 4.1)),
            method("ProbeDl4j.MathUtils.logs2probs", "MathUtils.logs2probs: vector, a[maxIndex(a)], void normalize(result, sum) writing in place")
                    .at(v(0.3, -1.2, 2.1, 0.5)),
            method("ProbeDl4j.MathUtils.probToLogOdds", "MathUtils.probToLogOdds: boolean helpers gr/sm on the value, throw with concatenation")
                    .at(0.3).at(0.85),
            method("ProbeDl4j.MathUtils.hypotenuse", "MathUtils.hypotenuse: `double r;` reassigned per branch")
                    .at(3.0, -4.0).at(0.5, 1.2),
            method("ProbeDl4j.MathUtils.information", "MathUtils.information: -Σ log2(d)·d through a helper with an `a == 0` case")
                    .at(v(0.2, 0.5, 0.3)),
            method("ProbeDl4j.MathUtils.entropy", "MathUtils.entropy: braceless guard, else block with its own return")
                    .at(v(0.2, 0.5, 0.3)),
            // ------------------------------------------------------------ ProbeQuantLib
            method("ProbeQuantLib.BlackFormula.blackFormula", "BlackFormula.blackFormula: QL.require ×5, parameters reassigned, enum toInteger(), `new CumulativeNormalDistribution()` then phi.op")
                    .at(QL_CALL, 95.0, 100.0, 0.25, 0.97, 0.0).at(QL_PUT, 105.0, 100.0, 0.3, 0.95, 1.0),
            method("ProbeQuantLib.BlackFormula.blackFormulaImpliedStdDevApproximation", "BlackFormula.blackFormulaImpliedStdDevApproximation: Closeness.isClose, braceless ifs, compound assignments")
                    .at(QL_CALL, 95.0, 100.0, 7.5, 0.97, 0.0).at(QL_PUT, 104.0, 100.0, 9.0, 0.95, 0.0),
            method("ProbeQuantLib.BlackFormula.bachelierBlackFormula", "BlackFormula.bachelierBlackFormula: `final double d = ..., h = d / stddev;`, ordinal(), phi.derivative and phi.op")
                    .at(QL_CALL, 98.0, 100.0, 12.0, 0.97),
            method("ProbeQuantLib.ErrorFunction.op", "ErrorFunction.op: fdlibm erf, `double R,S,P,Q,s,y,z,r, ax;` (names differing in case), early returns per range")
                    .on(ctor(), 0.3).on(ctor(), 1.0).on(ctor(), -2.0).on(ctor(), 3.5),
            method("ProbeQuantLib.Sabr.sabrVolatility", "Sabr.sabrVolatility: QL.require, void validate...(...) on this, unsafeSabrVolatility on this with locals A, B, C, D, d")
                    .on(ctor(), 0.035, 0.03, 2.0, 0.04, 0.5, 0.4, -0.3),
            method("ProbeQuantLibDistributions.GammaFunction.logValue", "GammaFunction.logValue: instance, QL.require, six `ser += c_k / (x + k)`")
                    .on(ctor(), 0.7).on(ctor(), 5.3),
            method("ProbeQuantLibDistributions.NormalDistribution.derivative", "NormalDistribution.derivative: op(x) of this, protected non-final field, derived field; "
                    + "refused at run time on a MoroInverseCumulativeNormal, which inherits derivative and overrides op")
                    .on(ctor(0.3, 1.4), 0.9).refusedOnSubclass("MoroInverseCumulativeNormal", ctor(0.3, 1.4), 0.4),
            method("ProbeQuantLibDistributions.CumulativeNormalDistribution.op", "CumulativeNormalDistribution.op: superclass protected fields, static ErrorFunction object of the library, asymptotic do-while")
                    .on(ctor(0.3, 1.4), 0.9).on(ctor(0.0, 1.0), -6.5),
            method("ProbeQuantLibDistributions.MoroInverseCumulativeNormal.op", "MoroInverseCumulativeNormal.op: package-private static coefficients, superclass fields, sign flip")
                    .on(ctor(0.3, 1.4), 0.7).on(ctor(0.0, 1.0), 0.9),
            // ------------------------------------------------------------ ProbeStrata
            method("ProbeStrata.BlackFormulaRepository.price", "BlackFormulaRepository.price: ArgChecker.isTrue(.., double), SLF4J log, NORMAL.getCDF through ProbabilityDistribution<Double>")
                    .at(100.0, 95.0, 0.75, 0.25, true).at(100.0, 110.0, 1.5, 0.3, false),
            method("ProbeStrata.BlackFormulaRepository.vega", "BlackFormulaRepository.vega: non-short-circuit `|`, NORMAL.getPDF through the interface")
                    .at(100.0, 95.0, 0.75, 0.25),
            method("ProbeStrata.BlackFormulaRepository.impliedStrike", "BlackFormulaRepository.impliedStrike: ArgChecker.isTrue varargs (boolean, delta), `^`, getInverseCDF")
                    .at(0.4, true, 100.0, 0.75, 0.25).at(-0.3, false, 100.0, 1.2, 0.2),
            method("ProbeStrata.NormalFormulaRepository.price", "NormalFormulaRepository.price: PutCall enum isCall(), DISTRIBUTION.getCDF/getPDF")
                    .at(100.0, 98.0, 0.5, 15.0, STRATA_CALL).at(100.0, 103.0, 1.2, 12.0, STRATA_PUT),
            method("ProbeStrata.SabrHaganVolatilityFunctionProvider.volatility", "SabrHagan.volatility: new Object[] {strike, ...} to a logger, Guava fuzzyEquals (jar), static-imported nearZero/pow2, private helper")
                    .on(ctor(), 0.03, 0.035, 2.0, 0.04, 0.5, -0.3, 0.4),
            method("ProbeStrata.HullWhiteOneFactorPiecewiseConstantInterestRateModel.futuresConvexityFactor", "HullWhite.futuresConvexityFactor: parameter bean getters, DoubleArray.get(i), System.arraycopy into a local then s[i] = t0")
                    .on(ctor(), new ObjectArg(STRATA + "HullWhiteOneFactorPiecewiseConstantParameters", 0.02,
                            new ObjectArg(STRATA + "DoubleArray", v(0.01, 0.012, 0.011)),
                            new ObjectArg(STRATA + "DoubleArray", v(0.5, 1.0))), 0.7, 0.9, 1.2),
            method("ProbeStrata.LinearBound.doInterpolate", "LinearCurveInterpolator.Bound.doInterpolate: superclass static search guarded by doubleToRawLongBits(x) == NEGATIVE_ZERO_BITS, >>>")
                    .on(ctor(new ObjectArg(STRATA + "DoubleArray", v(0.0, 1.0, 2.5, 4.0)),
                            new ObjectArg(STRATA + "DoubleArray", v(0.01, 0.015, 0.02, 0.022))), 1.7),
            method("ProbeStrata.TopHatFunction.apply", "TopHatFunction.apply: Function<Double, Double>, boxed Double in and out")
                    .on(ctor(0.5, 2.0, 1.3), 1.1),
            method("ProbeStrata.StrataNormalDistribution.getCDF", "NormalDistribution.getCDF(Double x): boxed parameter checked by ArgChecker.notNull")
                    .on(ctor(0.3, 1.4), 0.9),
            // ------------------------------------------------------------ ProbeSsj
            method("ProbeSsj.NormalDist.cdf", "NormalDist.cdf: Num.erf of another class, erf and erfc through each other, reflected below 0")
                    .at(0.0, 1.0, 0.7).at(1.0, 0.5, -1.2).at(0.3, 2.0, 2.5).at(-0.4, 0.6, 2.9),
            method("ProbeSsj.NormalDist.barF", "NormalDist.barF: Num.erfc of another class, its continued fraction in the tail")
                    .at(0.0, 1.0, 0.7).at(0.0, 1.0, 5.0).at(1.0, 0.8, -1.0),
            method("ProbeSsj.LognormalDist.cdf", "LognormalDist.cdf: early return, Num.erfc of log x")
                    .at(0.0, 0.5, 2.0).at(0.2, 0.3, 0.1).at(0.5, 1.0, 3.0));

    /** Every case: the library shapes above, then the peer corpus ({@link CladCases}). */
    static final List<Case> CASES = java.util.stream.Stream.concat(LIBRARIES.stream(), CladCases.CASES.stream()).toList();
}
