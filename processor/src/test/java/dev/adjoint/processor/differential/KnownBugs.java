package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Unit;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Processor behaviours the campaign steps around: bugs not fixed yet, and decided behaviours that
 * finite differences cannot check. By default the campaign steps around them (so that it keeps
 * finding new ones, and the build's fixed-seed run stays green); each bug has a regression test in
 * {@link DifferentialRegressionTest} holding its minimal program, which fails loudly once the bug
 * is fixed ({@link KnownBug}). Run with {@code -Dadjoint.differential.avoidKnownBugs=false} to
 * generate and check them again, e.g. after a fix; then delete the workaround here.
 *
 * <p>A bug's workaround is a predicate over a generated method ({@link #SHAPES}): while
 * {@link #AVOID}, the generator draws a method that matches one again.
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
     * A known bug's shape: its name, the regression tests in {@link DifferentialRegressionTest}
     * that pin it (space-separated), and the methods that have it.
     */
    record Shape(String name, String tests, BiPredicate<Unit, Method> matches) {}

    /** The open bugs' shapes (issue 13 lists most), each with the regression tests that pin it. */
    static final List<Shape> SHAPES = List.of(
            // Double b = x: NullPointerException in ExprPrinter.className (the emitter runs unguarded); a
            // Double overwritten in a loop or branch: [AdjointNotYetSupported]
            new Shape("boxedLocal", "boxedLocal boxedLocalOverwrittenInLoop",
                    (u, m) -> Ast.statements(m.body()).stream()
                    .anyMatch(s -> s instanceof Ast.Declare d && d.kind() == Ast.Local.BOXED)),
            // double r; if (c) { r = e; } else { return e2; } ... return r: "variable r might not have been
            // initialized" in the generated code
            new Shape("unassignedLocalBesideReturn",
                    "unassignedLocalBesideReturn unassignedLocalBesideReturnAsFound",
                    (u, m) -> declaresUnassigned(m) && returnsEarly(m.body(), false)),
            // double r; if (c) { r = 1.0; x = r / h(x); } return x: assigned in one branch only (read there):
            // "variable r might not have been initialized" in the generated code
            new Shape("unassignedLocalInOneBranch", "unassignedLocalInOneBranch",
                    (u, m) -> assignedInOneBranch(m.body(), unassigned(m))),
            // double n; ... loop { n = k; term *= x / (a + n); ... }: a wrong reverse sweep (do-while) or
            // "variable n might not have been initialized" (while, for)
            new Shape("unassignedLocalInLoop",
                    "unassignedLocalInDoWhile unassignedLocalInDoWhileAsFound unassignedLocalInWhile unassignedLocalInFor",
                    (u, m) -> assignedInLoop(m.body(), unassigned(m), false)),
            // if (c) { x = Math.sqrt(x); throw ...; }, or a throw beside a return: the forward sweep writes a
            // statement after the throw ("unreachable statement")
            new Shape("throwAfterStatement", "throwAfterOverwrite",
                    (u, m) -> throwAfterStatement(m.body())),
            new Shape("throwBesideReturn", "throwBesideReturn",
                    (u, m) -> throwBesideReturn(m.body())),
            // loop { if (c) { y *= x; } else { throw ...; } }: the branch choice is recorded after the throw
            new Shape("throwInLoopBranch", "throwInLoopBranch throwInLoopBranchAsFound",
                    (u, m) -> throwInLoopBranch(m.body(), false, false)),
            // if (1.0 > 2.0) { throw new X("..."); }: [AdjointUnsupportedExpression] cannot determine the type of
            // new X(...)
            new Shape("throwUnderConstantCondition", "throwUnderConstantCondition",
                    (u, m) -> throwUnderConstant(u, m.body(), false)),
            // xs.add(x * x), sb.append(x): accepted, the derivative through the holder silently lost
            new Shape("differentiatedValueIntoHolder",
                    "differentiatedValueIntoList differentiatedValueIntoStringBuilder differentiatedValueIntoListAsFound",
                    (u, m) -> Ast.statements(m.body()).stream()
                    .anyMatch(s -> s instanceof Ast.Stash st && Ast.flow(m, st.value()) == Ast.Flow.ACTIVE)),
            // double t = helper(x) with t never read: accepted, though x reaches a call Adjoint cannot see into
            new Shape("unusedOpaqueResult", "differentiatedValueIntoHelperUnused",
                    (u, m) -> unusedOpaqueResult(u, m)),
            // helper(Adjoint.stopGradient(x)): refused, though stopGradient acknowledges the call
            new Shape("stopGradientIntoHelper", "stopGradientIntoHelper",
                    (u, m) -> Ast.everything(m.body()).stream()
                    .anyMatch(a -> a instanceof Ast.HelperCall h && Ast.everything(h.arg()).stream()
                            .anyMatch(x -> x instanceof Ast.StopGradient))),
            // c ? 1.0 : helper(1.0) / x: [AdjointNotYetSupported] a call ... inside a branch of ?: whose value the
            // derivative needs
            new Shape("helperCallInConditional", "helperCallInConditional",
                    (u, m) -> Ast.everything(m.body()).stream()
                    .anyMatch(a -> a instanceof Ast.Cond c && (Ast.everything(c.then()).stream().anyMatch(x -> x instanceof Ast.HelperCall)
                            || Ast.everything(c.otherwise()).stream().anyMatch(x -> x instanceof Ast.HelperCall)))),
            // a caller of a method that must be refused gets no error of its own
            new Shape("callerOfRefusedMethod", "callerOfRefusedMethod callerOfRefusedMethodUnused callerOfPrivateMethod",
                    (u, m) -> Ast.callees(m.body()).stream()
                    .anyMatch(c -> !c.equals(m.name()) && u.methods().stream().anyMatch(x -> x.name().equals(c))
                            && Ast.mustRefuse(u, u.method(c)))),
            // a sum of 800 terms: StackOverflowError in Exprs.allocates (700 pass on javac's default 1 MB stack)
            new Shape("longSum", "thousandTermSum",
                    (u, m) -> Ast.everything(m.body()).stream()
                    .anyMatch(a -> a instanceof Ast.Chain c && c.terms().size() > 700)));

    private static boolean declaresUnassigned(Method m) {
        return !unassigned(m).isEmpty();
    }

    private static java.util.Set<String> unassigned(Method m) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        Ast.statements(m.body()).stream().filter(s -> s instanceof Ast.DeclareUnassigned)
                .forEach(s -> out.add(((Ast.DeclareUnassigned) s).name()));
        return out;
    }

    /** Whether a return (or throw) sits in a branch or loop: not the method's last statement. */
    private static boolean returnsEarly(List<Ast.Stmt> body, boolean nested) {
        for (Ast.Stmt s : body) {
            if (nested && (s instanceof Ast.Return || s instanceof Ast.Throw)) {
                return true;
            }
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                if (returnsEarly(b, true)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An if one of whose branches assigns a local without initialiser that the other does not. */
    private static boolean assignedInOneBranch(List<Ast.Stmt> body, java.util.Set<String> names) {
        for (Ast.Stmt s : Ast.statements(body)) {
            if (s instanceof Ast.If i) {
                java.util.Set<String> then = assignedIn(i.then(), names);
                java.util.Set<String> otherwise = assignedIn(i.otherwise(), names);
                if (!then.equals(otherwise)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static java.util.Set<String> assignedIn(List<Ast.Stmt> block, java.util.Set<String> names) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Ast.Stmt s : Ast.statements(block)) {
            if (s instanceof Ast.Assign a && names.contains(a.name())) {
                out.add(a.name());
            }
        }
        return out;
    }

    private static boolean assignedInLoop(List<Ast.Stmt> body, java.util.Set<String> names, boolean inLoop) {
        for (Ast.Stmt s : body) {
            if (inLoop && s instanceof Ast.Assign a && names.contains(a.name())) {
                return true;
            }
            boolean loop = !(s instanceof Ast.If) && !(s instanceof Ast.Switch) && !Ast.blocks(s).isEmpty();
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                if (assignedInLoop(b, names, inLoop || loop)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean throwAfterStatement(List<Ast.Stmt> body) {
        for (int i = 0; i < body.size(); i++) {
            if (i > 0 && body.get(i) instanceof Ast.Throw) {
                return true;
            }
            for (List<Ast.Stmt> b : Ast.blocks(body.get(i))) {
                if (throwAfterStatement(b)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** An if (or else-if chain) one of whose branches throws while another returns, at any depth. */
    private static boolean throwBesideReturn(List<Ast.Stmt> body) {
        for (Ast.Stmt s : Ast.statements(body)) {
            if (s instanceof Ast.If i) {
                List<Ast.Stmt> all = Ast.statements(List.of(i));
                if (all.stream().anyMatch(x -> x instanceof Ast.Throw) && all.stream().anyMatch(x -> x instanceof Ast.Return)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean throwInLoopBranch(List<Ast.Stmt> body, boolean inLoop, boolean inBranch) {
        for (Ast.Stmt s : body) {
            if (inLoop && inBranch && s instanceof Ast.Throw) {
                return true;
            }
            boolean loop = !(s instanceof Ast.If) && !(s instanceof Ast.Switch) && !Ast.blocks(s).isEmpty();
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                if (throwInLoopBranch(b, inLoop || loop, loop ? false : inBranch || s instanceof Ast.If)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean throwUnderConstant(Unit unit, List<Ast.Stmt> body, boolean underConstant) {
        for (Ast.Stmt s : body) {
            if (underConstant && s instanceof Ast.Throw) {
                return true;
            }
            boolean constant = s instanceof Ast.If i && JavaRules.isConstant(unit, i.condition());
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                if (throwUnderConstant(unit, b, underConstant || constant)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A helper given a differentiated value whose result does not reach the returned value through
     * operations with a derivative (the processor checks a call only where its value is "useful").
     */
    private static boolean unusedOpaqueResult(Unit unit, Method m) {
        java.util.Set<Ast.Arg> reaching = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<String> useful = new java.util.TreeSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Ast.Stmt s : Ast.statements(m.body())) {
                String target = s instanceof Ast.Declare d ? d.name() : Ast.written(s);
                boolean counts = s instanceof Ast.Return || target != null && useful.contains(target);
                if (counts) {
                    for (Ast.Arg part : Ast.parts(s)) {
                        if (part instanceof Ast.Expr e) {
                            for (Ast.Arg x : smooth(e)) {
                                changed |= reaching.add(x);
                                if (x instanceof Ast.Var v) {
                                    changed |= useful.add(v.name());
                                } else if (x instanceof Ast.Element el) {
                                    changed |= useful.add(el.array());
                                } else if (x instanceof Ast.Unstash st) {
                                    changed |= useful.add(st.holder());
                                }
                            }
                        }
                    }
                }
            }
        }
        return Ast.everything(m.body()).stream().anyMatch(a -> a instanceof Ast.HelperCall h
                && Ast.flow(m, h.arg()) == Ast.Flow.ACTIVE && !reaching.contains(h));
    }

    /** {@code e} and the sub-expressions its value depends on smoothly (not conditions, casts to int, step functions). */
    private static List<Ast.Arg> smooth(Ast.Expr e) {
        List<Ast.Arg> out = new java.util.ArrayList<>(List.of(e));
        if (e instanceof Ast.Cond c) {
            out.addAll(smooth(c.then()));
            out.addAll(smooth(c.otherwise()));
        } else if (e instanceof Ast.Call c && c.fn().piecewiseConstant || e instanceof Ast.Truncate
                || e instanceof Ast.StopGradient) {
            return out;
        } else {
            for (Ast.Arg child : Ast.children(e)) {
                if (child instanceof Ast.Expr x) {
                    out.addAll(smooth(x));
                }
            }
        }
        return out;
    }

    /** The name of the first known bug whose shape {@code m} has, or null. */
    static String hit(Unit unit, Method m) {
        for (Shape s : SHAPES) {
            if (s.matches().test(unit, m)) {
                return s.name();
            }
        }
        return null;
    }
}
