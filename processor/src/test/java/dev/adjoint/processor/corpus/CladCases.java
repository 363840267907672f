package dev.adjoint.processor.corpus;

import static dev.adjoint.processor.corpus.Corpus.constant;
import static dev.adjoint.processor.corpus.Corpus.ctor;
import static dev.adjoint.processor.corpus.Corpus.method;
import static dev.adjoint.processor.corpus.Corpus.v;

import dev.adjoint.processor.corpus.Corpus.Case;
import java.util.List;

/**
 * The cases of the peer-corpus fixtures ({@code CladLoops}, {@code CladGradients},
 * {@code CladSecondOrder}, {@code CladMembers}, {@code CladEdgeCases}, {@code CladLimits}, {@code CladNames}): the shapes of a peer AD tool's (Clad's) test functions, written anew
 * in Java, each with the Clad test it comes from and points away from its kinks and branch
 * switches ({@code CorpusTest.pointsAreResolvable} proves it). Part of {@link Corpus#CASES}.
 */
final class CladCases {
    private CladCases() {}

    static final List<Case> CASES = List.of(
            // ------------------------------------------------------------ CladLoops (Gradient/Loops.C, FirstDerivative/Loops.C)
            method("CladLoops.cubeByLoop", "Loops f1: `t *= x` three times").at(1.3).at(-0.7),
            method("CladLoops.ninthPowerNested", "Loops f2: nested braceless loops").at(1.1).at(-0.9),
            method("CladLoops.returnInsideLoop", "Loops f3: return inside the loop").at(1.7),
            method("CladLoops.workInUpdate", "Loops f4: the product in the update clause, `i++` the body").at(0.8),
            method("CladLoops.parameterIncremented", "Loops f5: `x++` in a loop").at(0.3),
            method("CladLoops.finalLocalPerIteration", "Loops f_const_local: a final local per iteration").at(0.6),
            method("CladLoops.sumFirst", "Loops f_sum: Σ p[i] up to an int n").at(v(0.5, 1.5, -2.0, 0.3), 3),
            method("CladLoops.sumSquaresByHelper", "Loops f_sum_squares: helper sq(p[i])").at(v(0.5, 1.5, -2.0), 3),
            method("CladLoops.logGaussian", "Loops f_log_gaus: double loop bound n also in pow(2π, n), overwritten accumulator")
                    .at(v(0.3, 1.1, -0.4), v(0.1, 0.9, -0.2), 2.5, 1.3),
            method("CladLoops.truncatedIntAccumulator", "Loops f_const: int accumulator of (int) (b * b), double loop bound").at(2.5, 1.3),
            method("CladLoops.bodyLocals", "Loops f6: body locals with a compound assignment").at(0.7, 1.2),
            method("CladLoops.whilePostDecrement", "Loops fn7: `while (counter--)`").at(0.7, 1.2),
            method("CladLoops.doWhileInsideWhile", "Loops fn8: do-while with `--counter` inside a while").at(0.7, 1.2),
            method("CladLoops.nestedWhileChainedCounters", "Loops fn9: nested `while (c--)`, `counter = counterAgain = 3`").at(0.7, 1.2),
            method("CladLoops.intAssignedInCondition", "Loops fn10: `while (int b = counter)`, `b += i*i + j` truncating").at(0.7, 0.4),
            method("CladLoops.doWhileCounter", "Loops fn11: do-while on a counter").at(0.7, 1.2),
            method("CladLoops.nestedDoWhile", "Loops fn12: three nested do-whiles, `do a += j; while (0)`").at(0.7, 1.2),
            method("CladLoops.doubleAssignedInForCondition", "Loops fn13: `for (; k = counter; counter -= 1)` with a double k").at(0.7, 1.2),
            method("CladLoops.continueChain", "Loops fn14: guarded continues in `while (choice--)`").at(0.7, 1.2),
            method("CladLoops.nestedContinue", "Loops fn15: continue in outer and inner whiles").at(0.7, 1.2),
            method("CladLoops.breakAndContinue", "Loops fn16: break at the last iteration, continues before").at(0.7, 1.2),
            method("CladLoops.innerBreakElseContinue", "Loops fn17: inner while with if { break } else { continue }").at(0.7, 1.2),
            method("CladLoops.bracelessIfChainBody", "Loops fn18: braceless if / else-if continue / else break body").at(0.7, 1.2),
            method("CladLoops.doubleLoopVariable", "Loops f_loop_init_var: a double loop variable").at(0.3, 1.9),
            method("CladLoops.compoundElementInExpression", "Loops fn20: `res += (arr[i] *= 5)`").at(v(0.5, 1.5, -2.0), 3),
            method("CladLoops.initialiserPerIteration", "Loops fn21: `double arr[] = {1, x, 2}` per iteration").at(0.4),
            method("CladLoops.assignedInCondition", "Loops fn23: `for (...; (res = i * j); ...)` left by break").at(0.7, 1.2),
            method("CladLoops.accumulateInConditionOverwriteInUpdate", "Loops fn26: `res += i*j` in the condition, `++c, res = 7*i*j` update")
                    .at(0.7, 1.2),
            method("CladLoops.accumulateInConditionOverwriteInBody", "Loops fn27: accumulated in the condition, overwritten in the body")
                    .at(0.7, 1.2),
            method("CladLoops.nestedAccumulatingConditions", "Loops fn32: nested loops accumulating in both conditions").at(0.7, 1.2),
            method("CladLoops.shortCircuitSideEffects", "Loops fn33: `(res += i*j) && c == 1` and `c == 0 && (res += i*j)`").at(0.7, 1.2),
            method("CladLoops.forEachOverInitialiser", "Loops fn34: for-each over {y, x*y, x*x + y}").at(0.7, 1.2),
            method("CladLoops.nestedForEachBreak", "Loops fn35: nested for-each, else-if break on the running sum").at(1.3, 0.5),
            method("CladLoops.forEachConstantsContinue", "Loops fn36: for-each over constants, continue on the sum").at(2.5, 0.3),
            method("CladLoops.forEachIntCoefficients", "FirstDerivative/Loops fn21: for-each over int coefficients, parity continue").at(0.7, 1.2),
            method("CladLoops.forEachBreakOnEquality", "FirstDerivative/Loops fn19: for-each, break when the element == x").at(0.7, 1.2),
            method("CladLoops.reciprocalSum", "Loops fn43: `const double t4 = x[i]; out += 1. / t4`").at(v(0.5, 1.5, -2.0), 1.3),
            method("CladLoops.loopAlwaysBreaks", "Loops fn44: `for (int i = 0; i != 1;)` always breaking").at(0.7, 1.2),
            method("CladLoops.repeatedSquaring", "FirstDerivative/Loops f2: `x *= x` y times").at(1.1, 3),
            method("CladLoops.counterDeclaredBefore", "FirstDerivative/Loops f4: `int i; for (i = 0; i < y; r = r * sin(x))`").at(0.7, 3),
            method("CladLoops.reassignedInCondition", "FirstDerivative/Loops fn11: `(r = x)` in the condition").at(0.7, 1.2),
            method("CladLoops.conditionWithOrFalse", "FirstDerivative/Loops fn14: `(r = t) || false`, x += r").at(0.7),
            method("CladLoops.checkpointedFor", "Loops fn45: `#pragma clad checkpoint loop` as checkpoints = 10").at(1.3, 0.7),
            method("CladLoops.checkpointedWhileThenDoWhile", "Loops fn46: checkpointed while then do-while, one counter").at(1.3, 0.7),
            method("CladLoops.stridedByScan", "a stride chosen by a scan of the input, then a strided product")
                    .at(v(0.5, 1.5, 2.0, 0.3)).at(v(0.5, -1.5, 2.0, 0.3)),
            // ------------------------------------------------------------ CladGradients (Gradient/*.C, Arrays)
            method("CladGradients.assignInReturn", "Gradients f_div3: `(x = y) / (y * y)`").at(0.7, 1.3),
            method("CladGradients.mixedArithmetic", "Gradients f_c").at(0.7, 1.3),
            method("CladGradients.rosenbrock", "Gradients f_rosenbrock").at(0.7, 1.3),
            method("CladGradients.nestedTernary", "Gradients f_cond2: nested ternary").at(0.7, 1.3).at(0.7, -1.3).at(1.5, 0.2),
            method("CladGradients.overwriteFromLocalArray", "Gradients f_cond4: `y = arr[i] * x` under a condition").at(0.7, 1.3).at(-0.7, 1.3),
            method("CladGradients.ifElseIfReturns", "Gradients f_if2").at(0.7, 1.3).at(0.7, -1.3).at(1.5, 0.2),
            method("CladGradients.pNorm", "Gradients f_norm: pow(sum_of_powers(x, y, z, d), 1/d) through a helper").at(0.5, 1.2, 0.8, 2.5),
            method("CladGradients.powAtZeroBase", "Gradients f_pow_zero: pow(x, y) at x = 0").at(0.0, 2.0).at(1.3, 2.5),
            method("CladGradients.returnsBeforeDeclaration", "Gradients f_decls3").at(0.5, 1.0).at(1.5, 1.0).at(-1.5, 1.0),
            method("CladGradients.namesLikeGenerated", "Gradients f_issue138: locals named _t1, _ret, _d_x, xAdjoint").at(0.7, 1.3),
            method("CladGradients.parametersNamedLikePullback", "parameters named seed and into, a local named like the gradient class")
                    .at(0.7, 1.3),
            method("CladGradients.incrementInReturn", "Gradients fn_increment_in_return: `(++i) * temp`").at(0.7, 1.3),
            method("CladGradients.sideEffectInCondition", "Gradients fn_cond_side_eff: `if (x += x)`").at(0.7),
            method("CladGradients.assignZeroInCondition", "Gradients fn_empty_if_else: `if ((res = 0))`").at(0.7),
            method("CladGradients.assignmentsChainedByAnd", "Gradients fn_cond_add_assign: assignments chained by &&").at(0.7, 1.3),
            method("CladGradients.overwriteWithTernary", "Gradients f_mult3: `i = (i + j) * (i < 10 ? i : j)`").at(0.7, 1.3).at(12.0, 1.3),
            method("CladGradients.compareWithInfinity", "Gradients f_infinity").at(0.7, 1.3),
            method("CladGradients.reuseGlobal", "Gradients f_reuse_global: a helper writes a static field").at(0.7, 1.3),
            method("CladGradients.overwriteChain", "Assignments f3: x = x; x = x*x; y = x*x; x = y").at(0.7, 1.3),
            method("CladGradients.elementAllOperators", "Assignments f7: t[0]++, --, ++t[0], +=, *=, /=, -=, x = ++t[0]").at(0.7, 1.3),
            method("CladGradients.nestedElementAssignments", "Assignments f8: `t[3] = (y *= (t[0] = t[1] = t[2]))`").at(0.7, 1.3),
            method("CladGradients.chainedAssignment", "Assignments f10: `t = x = y`").at(0.7, 1.3),
            method("CladGradients.assignedInTernaryArms", "Assignments f12: `x > y ? (t = x) : (t = y)`, then t *= y").at(0.7, 1.3).at(1.5, 0.3),
            method("CladGradients.assignmentAsFactor", "Assignments f13: `x * (y = x)`").at(0.7, 1.3),
            method("CladGradients.fmaOfParameters", "Assignments f19: fma(a, b, b)").at(0.7, 1.3),
            method("CladGradients.chainToZero", "Assignments f22: `t = (x = y = x = 0)`").at(0.7, 1.3),
            method("CladGradients.finalCopyThenScale", "Assignments constVal: `const double z = y; y *= z`").at(0.7, 1.3),
            method("CladGradients.compoundWithSum", "Assignments f26/f27: `x *= y + 1.`, `l /= y`").at(0.7, 1.3),
            method("CladGradients.earlyReturnInLoop", "EarlyReturns loopEarly").at(0.7, 1.3).at(3.0, 2.5),
            method("CladGradients.recursiveEarly", "EarlyReturns recEarly: recursion with an early return").at(3.7, 1.2),
            method("CladGradients.callsRecursive", "EarlyReturns callsRec").at(3.7, 1.2),
            method("CladGradients.overwriteThenEarlyZero", "EarlyReturns nested_early_return").at(0.7, 1.3).at(0.7, -1.3).at(-0.7, 1.3),
            method("CladGradients.declarationsAfterEarly", "EarlyReturns declAfterEarly").at(0.7, 1.3),
            method("CladGradients.recordAfterEarly", "EarlyReturns structRefAfterEarly: a local record of differentiated values").at(0.7, 1.3),
            method("CladGradients.helperWritesHolderTwice", "FunctionCalls fn2: modify1(double&, double&) as a double[] holder").at(0.7, 1.3),
            method("CladGradients.helpersWriteParameterArray", "FunctionCalls fn4: sum() bumping arr[0], twice(arr[i])")
                    .at(v(0.5, 1.5, -2.0), 3),
            method("CladGradients.readAfterHelperWrite", "FunctionCalls fn5: modify2(arr) writes arr[0]").at(v(0.5, 1.5), 2),
            method("CladGradients.helperWithCharAndString", "FunctionCalls fn8: check_and_return(x, 'a', \"aa\")").at(0.7, 1.3),
            method("CladGradients.ternaryHelper", "FunctionCalls fn9: custom_max").at(0.7, 1.3).at(1.5, 1.3),
            method("CladGradients.clampChain", "FunctionCalls fn10: max, min, clamp")
                    .at(5.0, 1.3).at(1.0, 1.3).at(8.5, 1.3).at(-1.0, 1.3),
            method("CladGradients.copyThenOffsetHelper", "FunctionCalls fn13: copy into wCopy, multiply(x, wCopy + 1)")
                    .at(v(0.7, 1.1), v(1.3, -0.4)),
            method("CladGradients.addThroughArrays", "FunctionCalls fn17: add(x, &x)").at(0.7, v(1.3)),
            method("CladGradients.weightsAtOffset", "FunctionCalls fn20: weighted_sum(x, w + 1)").at(v(0.7, 1.1), v(9.0, 1.3, -0.4)),
            method("CladGradients.helperScalesLocalArray", "FunctionCalls fn27: mult(arr, u) after the product").at(0.7, 1.3),
            method("CladGradients.helperReturnsItsArgument", "FunctionCalls fn28: nested() returns x[1] by reference, ref += 2").at(0.7, 1.3),
            method("CladGradients.helperSquaresParameter", "FunctionCalls fn29: foo(x) squares x[0] in place").at(v(0.7, 1.3)),
            method("CladGradients.helperAccumulatesIntoOutput", "FunctionCalls fn32: fast_interp(t3, xlArr, xlArr + 1, t2)").at(v(0.7)),
            method("CladGradients.intRecursiveHelper", "Recursive f_pow: an int-only recursive helper").at(1.3, 3),
            method("CladGradients.recurseWithConstant", "FunctionCallsWithResults fn5: `return fn5(0, i)`").at(3.5, 1.3).at(1.2, 1.3),
            method("CladGradients.recurseThreeWays", "FunctionCallsWithResults fn6").at(2.7, 1.3, 0.4),
            method("CladGradients.nestedHelperCalls", "FunctionCallsWithResults fn7: helperFn(helperFn(7i, 9j), i + j)").at(0.7, 1.3),
            method("CladGradients.fillThenSum", "FunctionCallsWithResults fn8: modifyArr(arr, 5, i*j); sum(arr, 5)").at(0.7, 1.3),
            method("CladGradients.switchFallThrough", "Switch fn1: fall-through into case 2 and default").at(0.7, 1.3),
            method("CladGradients.switchInWhile", "Switch fn3: switch with fall-through and a block case in a while").at(0.7, 1.3),
            method("CladGradients.loopInsideCase", "Switch fn4: a case declaring a counter and looping")
                    .at(0.7, 1.3, 1).at(0.7, 1.3, 0).at(0.7, 1.3, 4),
            method("CladGradients.groupedLabelsInLoop", "Switch fn7: grouped labels, `case 3: default:`").at(0.7, 1.3),
            method("CladGradients.enumOperation", "Switch fn24: colon switch on an enum")
                    .at(0.7, 1.3, constant("Op", "ADD")).at(0.7, 1.3, constant("Op", "SUB"))
                    .at(0.7, 1.3, constant("Op", "MUL")).at(0.7, 1.3, constant("Op", "DIV")),
            method("CladGradients.switchReturns", "Switch switchReturn: every case returns").at(0.7, 1.3, 0).at(0.7, 1.3, 1).at(0.7, 1.3, 5),
            method("CladGradients.nestedSwitch", "FirstDerivative/Switch fn4: nested switches on constants")
                    .at(0.7, 1.3, 0).at(0.7, 1.3, 1).at(0.7, 1.3, 2),
            method("CladGradients.casesComputeRatio", "FirstDerivative/Switch fn1: b = a / (a * j) per case")
                    .at(0.7, 1.3, 1).at(0.7, 1.3, 2).at(0.7, 1.3, 3).at(0.7, 1.3, 7),
            method("CladGradients.pointerWalk", "Pointers arrayPointer: p++, p += 1, p = p - 2 as an index").at(v(0.1, 0.2, 0.3, 0.4, 0.5)),
            method("CladGradients.arrayParameterReassigned", "Pointers pointerMultipleParams: `b = a`, indices walked")
                    .at(v(0.1, 0.2, 0.3), v(1.1, 1.2, 1.3)),
            method("CladGradients.newArrays", "Pointers newAndDeletePointer: new double(i), new double[2]").at(0.7, 1.3),
            method("CladGradients.helperReturnsHolderInLoop", "ReverseForw f4: `r += *mul2(&x)` in a loop").at(0.7),
            method("CladGradients.conditionalScaleHelper", "ReverseForw f3: scale(C, alpha, beta) with a null check").at(0.7),
            method("CladGradients.stateScaledInLoop", "RecordRestore f: scale(S&) inside a loop").at(0.7),
            method("CladGradients.ternaryThenZeroed", "TBRTernary f: `cond ? a*a : b*b`, then a = b = 0")
                    .at(true, 0.7, 1.3).at(false, 0.7, 1.3),
            method("CladGradients.recursiveAccumulate", "RecursiveFunctionEarlyReturn func1").at(0.7, 3),
            method("CladGradients.recursionWritesParameter", "RecursiveFunctionEarlyReturn func: recursion writing v[0] += A[i] in a loop")
                    .at(v(0.5, 1.5, -0.7), 3, v(1.0)),
            method("CladGradients.squaresIntoLocal", "Arrays sum_squares").at(0.7, 1.3, -0.4),
            method("CladGradients.matrixLocal", "Arrays const_matmul_sum: local double[][] of the inputs").at(0.7, 1.3, -0.4, 2.0),
            method("CladGradients.staticArrayThroughHelper", "Arrays f_outer: a global array read by a helper").at(0.7),
            method("CladGradients.productsInPlace", "ArrayInputsReverseMode func: a[i] *= b[i]")
                    .at(v(0.5, 1.5, -2.0), v(2.0, 5.0, 2.0)),
            method("CladGradients.sumsInPlaceInExpression", "ArrayInputsReverseMode func3: `sum += (a[i] += b[i])`")
                    .at(v(0.5, 1.5, -2.0), v(2.0, 5.0, 2.0)),
            method("CladGradients.localArrayPerIterationToHelper", "ArrayInputsReverseMode func6: {seed, seed * i, seed + i} to addArr").at(0.7),
            method("CladGradients.parameterOverwrittenAroundHelper", "ArrayInputsReverseMode func8: arr[0] = 1 ... arr[0] = 5")
                    .at(0.7, v(2.0, 3.0), 2),
            method("CladGradients.helperSquaresEachElement", "ArrayInputsReverseMode func10: sq(arr[i]) by reference")
                    .at(v(0.5, 1.5, -2.0), 3),
            method("CladGradients.partlyInitialised", "ArrayInputsReverseMode func13: `double arr[4] = {1. + i, 0., y}`")
                    .at(v(0.5, 1.5, -2.0, 0.3), 1.3),
            method("CladGradients.aliasedLocalArray", "a local array written through an alias").at(0.7, 1.3),
            method("CladGradients.aliasedParameterArray", "a parameter array written through a local alias").at(v(0.7, 1.1), 1.3),
            // ------------------------------------------------------------ CladSecondOrder (FirstDerivative, ForwardMode, Hessian)
            method("CladSecondOrder.rosenbrockByPow", "BuiltinDerivatives f11: pow with double and int exponents").at(0.7, 1.3),
            method("CladSecondOrder.atan2Of", "BuiltinDerivatives f15: atan2").at(0.7, 1.3).at(-0.7, -1.3),
            method("CladSecondOrder.acosOf", "BuiltinDerivatives f16: acos").at(0.3),
            method("CladSecondOrder.absThroughLocal", "BuiltinDerivatives f17: fabs").at(0.7).at(-0.7),
            method("CladSecondOrder.trigAndHyperbolic", "BuiltinDerivatives f_tan, f_cosh, f_sinh, f_asin, f_atan").at(0.7),
            method("CladSecondOrder.logsAndRoots", "BuiltinDerivatives f_log10, f_log2, f_cbrt, f_hypot").at(0.7, 1.3),
            method("CladSecondOrder.remainders", "BuiltinDerivatives f_remainder, f_fmodf: IEEEremainder and %").at(2.3, 0.7),
            method("CladSecondOrder.maxMinDim", "BuiltinDerivatives f_fmaxf, f_fmin, f_fdim").at(0.7, 1.3).at(1.3, 0.7),
            method("CladSecondOrder.expFamily", "BuiltinDerivatives f_exp2f, f_expm1l, f_log1pl, f_tanhl").at(0.7),
            method("CladSecondOrder.inverseHyperbolics", "BuiltinDerivatives f_asinhf, f_acoshl, f_atanhl from logs").at(0.7),
            method("CladSecondOrder.callsCustomDerivative", "BuiltinDerivatives f13: custom_f13 with a custom derivative (@DerivativeOf)").at(0.7),
            method("CladSecondOrder.compoundToZero", "CompoundAssignments f1").at(0.7, 1.3),
            method("CladSecondOrder.compoundToOne", "CompoundAssignments f2").at(0.7, 1.3),
            method("CladSecondOrder.incrementsCancel", "CompoundAssignments f3").at(0.7),
            method("CladSecondOrder.compoundInAssignment", "CompoundAssignments f4: `x = (y += x)`").at(0.7, 1.3),
            method("CladSecondOrder.divideThenMultiplyByPow", "CompoundAssignments f5").at(0.7, 1.3),
            method("CladSecondOrder.helpersSwappedArguments", "FunctionCallsWithResults fn1").at(0.7, 1.3),
            method("CladSecondOrder.resultFedBack", "FunctionCallsWithResults fn2: an annotated callee's result fed back").at(0.7, 1.3),
            method("CladSecondOrder.boxedInArray", "ForwardMode/Pointer fn4: `new double(7*i + j)`").at(0.7, 1.3),
            method("CladSecondOrder.offsetsIntoLocal", "ForwardMode/Pointer fn5: `*(p - 1) += 17*i`").at(0.7, 1.3),
            method("CladSecondOrder.Widget.memFn1", "Hessians Widget::memFn_1: fields x·y·i·j, order = 2").on(ctor(3.0, 5.0), 0.7, 1.3),
            method("CladSecondOrder.Widget.memFn2", "Hessians Widget::memFn_2: locals from fields, order = 2").on(ctor(3.0, 5.0), 0.7, 1.3),
            method("CladSecondOrder.cubedAdd", "Hessians f_cubed_add1").at(0.7, 1.3),
            method("CladSecondOrder.suvat", "Hessians f_suvat1").at(0.7, 1.3),
            method("CladSecondOrder.cubedByBranch", "Hessians f_cond3").at(0.7, 1.3).at(0.7, -1.3),
            method("CladSecondOrder.power10", "Hessians f_power10").at(1.1),
            method("CladSecondOrder.scalarTimesArray", "Hessian/Arrays f: i * j[0] * j[1]").at(0.7, v(1.3, -0.4)),
            method("CladSecondOrder.weightedSquare", "Hessian/Arrays h: compound-assigned weighted sum, squared")
                    .at(v(1.0, 2.0, 3.0), v(0.4, 0.5, 0.6), 2.0),
            method("CladSecondOrder.sumSquares2", "Hessian/NestedFunctionCalls f").at(0.7, 1.3),
            method("CladSecondOrder.callsOrder2", "Hessian/NestedFunctionCalls f2: an order-2 callee").at(0.7, 1.3),
            method("CladSecondOrder.earlyBeforeLoop", "Hessian/EarlyReturns earlyBeforeLoop: poly(c, 3)").at(v(0.3, 0.7, 0.2)),
            method("CladSecondOrder.loopAfterEarly", "Hessian/EarlyReturns loopAfterEarly: poly(c, 4)").at(v(0.3, 0.7, 0.2, 0.5)),
            method("CladSecondOrder.nestedArrayHelper", "Hessian/NestedArrays f0_outer").at(v(1.5, 2.0, -0.5, 3.0, 1.0)),
            method("CladSecondOrder.localArrayToHelper", "Hessian/NestedArrays f1_outer: {x, y} to a helper").at(0.7, 1.3),
            method("CladSecondOrder.builtinsSecondOrder", "Hessian/BuiltinDerivatives f1-f7").at(0.7, 1.3),
            method("CladSecondOrder.quadraticForm", "Hessian/BuiltinDerivatives f8").at(0.7, 1.3),
            method("CladSecondOrder.loopBreakSecondOrder", "a data-dependent break, order = 2").at(1.9, 1.3).at(0.5, 0.3),
            method("CladSecondOrder.recursiveSecondOrder", "recursion, order = 2").at(0.7, 3),
            method("CladSecondOrder.switchSecondOrder", "a switch and a ternary, order = 2")
                    .at(0.7, 1.3, 0).at(0.7, 1.3, 1).at(0.7, 1.3, 2),
            method("CladSecondOrder.inPlaceSecondOrder", "in-place array writes and a for-each, order = 2").at(v(0.5, 1.5, -0.3), 0.7),
            // ------------------------------------------------------------ CladEdgeCases (the corners)
            method("CladEdgeCases.indexBeforeRightSide", "`a[k] += (k = 1) * x`: the element taken before the right side").at(0.7, 1.3),
            method("CladEdgeCases.nestedCompoundSameVariable", "`x += (x += y)`").at(0.7, 1.3),
            method("CladEdgeCases.readThenOverwriteInProduct", "`y = x * (x = 3 * y)`").at(0.7, 1.3),
            method("CladEdgeCases.postIncrementThenRead", "`t = t++ + t`").at(0.7),
            method("CladEdgeCases.indexSideEffectInRead", "`s += a[i++] * x`").at(v(0.5, 1.5, -2.0), 1.3),
            method("CladEdgeCases.indexSideEffectsInWrite", "`b[i++] = a[j--] * x`").at(v(0.5, 1.5, -2.0), 1.3),
            method("CladEdgeCases.compoundWithIndexSideEffect", "`a[i++] += x * a[i]`").at(v(0.5, 1.5, -2.0, 0.3), 1.3),
            method("CladEdgeCases.ternaryArmsWithSideEffects", "`c ? (a += x * y) : (b *= x)`").at(0.7, 1.3, true).at(0.7, 1.3, false),
            method("CladEdgeCases.unaryChain", "`x = -x`, `+x`, `-(-x)`").at(0.7, 1.3),
            method("CladEdgeCases.labelledBreak", "`break outer` from an inner loop").at(0.7, 0.5),
            method("CladEdgeCases.labelledContinue", "`continue outer` from an inner loop").at(0.7, 1.3),
            method("CladEdgeCases.labelledBlock", "`break block` out of a labelled block").at(0.7, 1.3).at(1.5, 0.3),
            method("CladEdgeCases.continueInDoWhile", "continue in a do-while").at(0.7, 1.3),
            method("CladEdgeCases.forEachOverWrittenArray", "for-each over an array its body writes").at(v(0.5, 1.5, -2.0), 1.3),
            method("CladEdgeCases.inPlaceRecurrences", "Gradients running_sum: `p[i] *= p[i - 1]`, `p[i] += p[i - 1]`")
                    .at(v(0.5, 1.5, -2.0, 0.7)),
            method("CladEdgeCases.reverseInPlace", "swaps through a temporary, two loop variables").at(v(0.5, 1.5, -2.0, 0.7, 0.2), 1.3),
            method("CladEdgeCases.indexFromValue", "`table[(int) (x * 3)]`").at(v(0.5, 1.5, -2.0, 0.7), 0.5),
            method("CladEdgeCases.fixedPointIteration", "do-while to a fixed point, trip count from the inputs").at(0.5, 0.3),
            method("CladEdgeCases.loopsThatDoNotRun", "a loop of 0 iterations, for-each over an empty array").at(0.7, v()),
            method("CladEdgeCases.doubleCounterWithActiveStep", "`for (double t = 0; n < 5; t += step)`").at(0.7, 0.3),
            method("CladEdgeCases.checkpointedBreak", "checkpoints = 3, break on a data-dependent test").at(1.5, 0.3).at(0.9, 0.2),
            method("CladEdgeCases.checkpointedReturn", "checkpoints = 4, return from inside").at(0.7, 0.3),
            method("CladEdgeCases.checkpointedArrays", "checkpoints = 5, a local and the parameter array written").at(v(0.5, 1.5, -2.0), 0.7),
            method("CladEdgeCases.checkpointedWhileNested", "checkpoints = 2, a data-dependent while with an inner loop")
                    .at(1.3, 2.0).at(1.3, 0.7),
            method("CladEdgeCases.checkpointedContinueSwitch", "checkpoints = 3, continue and a switch").at(0.7, 1.3),
            method("CladEdgeCases.trigSecondOrder", "tan, asin, acos, atan, sinh, cosh, tanh, order = 2").at(0.7, 1.3),
            method("CladEdgeCases.atan2HypotSecondOrder", "atan2, hypot, order = 2").at(0.7, 1.3).at(-0.7, -1.3),
            method("CladEdgeCases.rootsAndLogsSecondOrder", "cbrt, log10, log1p, expm1, sqrt, order = 2").at(0.7, 1.3),
            method("CladEdgeCases.powSecondOrder", "pow(x, y), pow(x, 3), pow(2, y), pow(x, 0.5), order = 2").at(0.7, 1.3),
            method("CladEdgeCases.powAtZeroSecondOrder", "pow(x, 2), pow(x, 3) at x = 0, order = 2").at(0.0, 1.3).at(-0.7, 1.3),
            method("CladEdgeCases.piecewiseSecondOrder", "abs, max, min, fma, copySign, order = 2").at(0.7, 1.3).at(-0.7, -1.3),
            method("CladEdgeCases.conversionsSecondOrder", "toRadians, toDegrees, IEEEremainder, %, order = 2").at(0.7, 1.3),
            method("CladEdgeCases.quotientSecondOrder", "quotients, order = 2").at(0.7, 1.3),
            method("CladEdgeCases.localArrayLoopSecondOrder", "a recurrence in a local array, order = 2").at(0.7, 1.3),
            method("CladEdgeCases.arrayProductSecondOrder", "log Π(1 + w[i] x), order = 2").at(v(0.5, 1.5, -0.2), 0.7),
            method("CladEdgeCases.helperEarlyReturnSecondOrder", "an inlined helper returning from inside its loop, order = 2")
                    .at(0.7, 1.3).at(0.3, 0.5),
            method("CladEdgeCases.evenSteps", "mutual recursion of two annotated methods, order = 2").at(0.7, 3).at(0.7, 4),
            method("CladEdgeCases.oddSteps", "mutual recursion, the other entry, order = 2").at(0.7, 3),
            method("CladEdgeCases.recordSecondOrder", "a record with a double[] component, order = 2")
                    .at(new Corpus.RecordArg("Coefficients", 0.7, -0.4, v(0.3, 1.2)), 1.3),
            method("CladEdgeCases.checkpointedSecondOrder", "checkpoints = 3 with order = 2").at(0.7, 1.3),
            method("CladEdgeCases.vectorFromBranches", "a vector result returned from either branch").at(0.7, 1.3).at(1.5, 0.3),
            method("CladEdgeCases.returnsParameterArray", "a vector result that is the written parameter array").at(v(0.5, 1.5, -2.0), 0.7),
            method("CladEdgeCases.vectorByCopies", "clone() and Arrays.copyOf of a parameter").at(v(0.5, 1.5, -2.0), 0.7),
            method("CladEdgeCases.vectorLoopBreak", "a vector filled by a loop left by break").at(0.9, 4).at(3.0, 4),
            method("CladEdgeCases.helperSharesNames", "a helper with the caller's parameter and local names, swapped").at(0.7, 1.3),
            method("CladEdgeCases.helperWithGeneratedNames", "a helper with parameters seed, into and locals _t0, _ret").at(0.7, 1.3),
            method("CladEdgeCases.overloadedHelpers", "sq(double), sq(double[]), sq(int)").at(0.7, v(1.3, -0.4)),
            method("CladEdgeCases.helperOfOtherClass", "a helper and a constant of a package-private class of the file").at(0.7, 1.3),
            method("CladEdgeCases.guardsThrowAndAssert", "a throwing guard quoting x, an assert").at(0.7, 1.3),
            method("CladEdgeCases.floatCast", "`double y = (float) x`").at(0.7),
            method("CladEdgeCases.roundedCount", "`long n = Math.round(x * 4)` as a loop bound").at(0.7, 1.3),
            method("CladEdgeCases.switchExpressionOnString", "arrow switch expression on a String, a yield block")
                    .at(0.7, 1.3, "square").at(0.7, 1.3, "times").at(0.7, 1.3, "other"),
            method("CladEdgeCases.wrtSubset", "wrt = {\"y\"}").at(0.7, 1.3, v(0.4)),
            method("CladEdgeCases.longExpression", "a 60-term straight-line expression, order = 2").at(0.7, 1.3),
            // ------------------------------------------------------------ CladLimits (the JVM's limits)
            method("CladLimits.sixtyFourParameters", "64 double parameters: fTangent would need 256 slots").at(0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71, 0.72, 0.73),
            method("CladLimits.sixtyThreeParameters", "63 double parameters: fTangent takes 252 slots").at(0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71, 0.72),
            method("CladLimits.sixtyTwoSecondOrder", "62 double parameters, order = 2: fPullbackTangent takes 254 slots")
                    .at(0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71),
            method("CladLimits.sixtyThreeSecondOrder", "63 double parameters, order = 2: fPullbackTangent would need 258 slots")
                    .at(0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71, 0.72),
            method("CladLimits.wideCallee", "63 double parameters, order 1: fits alone").at(0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.30, 0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.60, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70, 0.71, 0.72),
            method("CladLimits.callsWideCallee", "an order-2 caller of the 63-parameter method: its fPullbackTangent would need 258 slots")
                    .at(0.7, 1.3),
            method("CladLimits.bigLoopBody", "a loop of 2 iterations around 600 statements (its reverse sweep past 64 KB)").at(0.7, 0.3),
            method("CladLimits.longStraightLineSecondOrder", "700 straight-line statements, order = 2").at(0.7, 0.3),
            method("CladLimits.bigLoopBodySecondOrder", "a loop of 2 iterations around 200 statements, order = 2 (past 64 KB)").at(0.7, 0.3),
            method("CladLimits.tenNestedLoops", "ten nested loops").at(0.7, 0.3),
            method("CladLimits.longSwitch", "a switch of 150 cases").at(0.7, 1.3, 0).at(0.7, 1.3, 77).at(0.7, 1.3, 149).at(0.7, 1.3, 400),
            method("CladLimits.deepTernaries", "ternaries nested 100 deep").at(0.7, 0.555).at(0.7, -0.3),
            // ------------------------------------------------------------ CladMembers (member functions)
            method("CladMembers.Poly.value", "Horner over a field array, a helper of this, a superclass field")
                    .on(ctor(1.3, v(0.5, -1.2, 0.7), 0.2), 0.9).on(ctor(0.8, v(2.0, 0.3), -0.4), 1.7),
            method("CladMembers.Poly.squaredValue", "an annotated method of this called twice")
                    .on(ctor(1.3, v(0.5, -1.2, 0.7), 0.2), 0.9, -0.4),
            method("CladMembers.Poly.partial", "wrt = {x, this.c}").on(ctor(1.3, v(0.5, -1.2, 0.7), 0.2), 0.9),
            method("CladMembers.Poly.energy", "order = 2 on an instance method with a field array")
                    .on(ctor(1.3, v(0.5, -1.2, 0.7), 0.2), 0.9, -0.4),
            method("CladMembers.Poly.iterate", "checkpoints = 3 on an instance method reading fields")
                    .on(ctor(0.9, v(0.5, -1.2, 0.7), 0.2), 0.4),
            method("CladMembers.Poly.viaStaticHelper", "a static helper given a field array and a local one")
                    .on(ctor(1.3, v(0.5, -1.2, 0.7), 0.2), 0.9),
            // ------------------------------------------------------------ CladNames (generated names that collide)
            method("CladNames.fooBar", "fooBar beside FooBar: both FooBarGradient").at(0.7, 1.3),
            method("CladNames.FooBar", "FooBar beside fooBar").at(0.7, 1.3),
            method("CladNames.Inner.cube", "a nested class's method, adjoint CladNames_InnerAdjoint").at(0.7),
            method("CladLimits.deeplyNested", "an expression nested 200 deep").at(0.7, 0.3),
            method("CladLimits.longStraightLine", "1,500 straight-line statements").at(0.7, 0.3));
}
