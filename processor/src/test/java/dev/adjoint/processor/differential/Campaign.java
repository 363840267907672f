package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.GradientChecker.Failure;
import dev.adjoint.processor.differential.GradientChecker.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Runs a batch of random methods through the processor and classifies what happens to each
 * ({@link Outcome}). The ordinary methods are compiled as one class, then each is checked by
 * {@link GradientChecker} at random points; compilation itself is checked too: no error and no
 * warning in generated code, no error from the processor, no crash, and (every
 * {@link #DETERMINISM_EVERY}th batch) a second run generating byte-identical source. When the
 * class does not compile, the methods that break it are isolated by halving, and the rest are
 * compiled and checked without them. The methods that must be refused ({@link Ast#mustRefuse}) are
 * compiled apart: each must get an error with an Adjoint tag in the user's file, on a line of the
 * method; a crash, an error in generated code, an error elsewhere or none at all is a failure. A
 * failing method is compiled alone and shrunk ({@link Shrinker}) before it is reported, at most
 * {@link #SHRINKS_PER_SIGNATURE} per kind of failure (the rest are counted and listed).
 */
final class Campaign {

    /** Valid points checked per method. */
    static final int POINTS = 2;
    /** Random points tried per method before it counts as rejected. */
    static final int ATTEMPTS = 8;
    /** How many failures of one signature (kind and message, see {@link #signature}) are shrunk. */
    static final int SHRINKS_PER_SIGNATURE = Integer.getInteger("adjoint.differential.shrinksPerSignature", 2);

    /** What happened to one program. */
    enum Outcome {
        CORRECT("correct"),
        REFUSED_AS_REQUIRED("refused as it must be (tagged, in the method)"),
        WRONG("wrong gradient or behaviour"),
        CRASH("crash"),
        GENERATED_CODE_ERROR("generated code does not compile"),
        REFUSED("refused, an ordinary program"),
        ACCEPTED_MUST_REFUSE("accepted, a program it must refuse"),
        MISPLACED_REFUSAL("refused, but not positioned in the method"),
        WARNING("warning in generated code"),
        NONDETERMINISTIC("nondeterministic output"),
        TEST("the test's own fault (interpreter, printer, javac's own limits)");

        final String text;

        Outcome(String text) {
            this.text = text;
        }

        /** The class of a failure kind. */
        static Outcome of(String kind) {
            if (kind.startsWith("processor-refused")) {
                return REFUSED;
            }
            return switch (kind) {
                case "crash", "javac-crash" -> CRASH;
                case "generated-code-error" -> GENERATED_CODE_ERROR;
                case "accepted-must-refuse" -> ACCEPTED_MUST_REFUSE;
                case "refusal-misplaced" -> MISPLACED_REFUSAL;
                case "generated-code-warning" -> WARNING;
                case "nondeterministic" -> NONDETERMINISTIC;
                case "interpreter", "javac-error", "javac-warning" -> TEST;
                default -> WRONG; // finite-differences, tape, dual, tangent, pullback-*, tensor-overload, exception, ...
            };
        }
    }

    /** Counts over a campaign. */
    static final class Tally {
        int programs;
        int checked;
        int rejected;
        int points;
        long compileNanos;
        long checkNanos;
        /** How many methods had each outcome (a rejected one has none). */
        final java.util.Map<Outcome, Integer> outcomes = new java.util.EnumMap<>(Outcome.class);
        /** The tags of the refusals the programs that must be refused got. */
        final java.util.Map<String, Integer> refusalTags = new java.util.TreeMap<>();
        /** How many checked (or refused as required) methods contain each construct: what the campaign really covered. */
        final java.util.Map<String, Integer> constructs = new java.util.TreeMap<>();
        /** Failures by signature, shrunk or not. */
        final java.util.Map<String, Integer> signatures = new java.util.TreeMap<>();

        void count(Method m) {
            for (String construct : constructs(m)) {
                constructs.merge(construct, 1, Integer::sum);
            }
        }

        void outcome(Outcome o) {
            outcomes.merge(o, 1, Integer::sum);
        }

        @Override
        public String toString() {
            StringBuilder classes = new StringBuilder();
            outcomes.forEach((o, n) -> classes.append(classes.length() == 0 ? "" : ", ").append(o.text).append(' ').append(n));
            return String.format(Locale.ROOT, "%d programs: %d checked at %d points, %d rejected (no point where "
                            + "finite differences are meaningful); outcomes: {%s}; refusals of programs that must be "
                            + "refused, by tag: %s; compiling %.1f s, checking %.1f s; methods checked or refused as "
                            + "required with each construct: %s; shapes: %s; points passed where an equality test holds: "
                            + "%d with the code around's derivative (%d of them keeping some tests), %d with the "
                            + "branch's own; points passed where a loop stopped on a term exactly 0: %d",
                    programs, checked, points, rejected, classes, refusalTags, compileNanos / 1e9, checkNanos / 1e9,
                    constructs, Shapes.describe(), GradientChecker.AROUND_PASSED.get(), GradientChecker.KEPT_PASSED.get(),
                    GradientChecker.BRANCH_PASSED.get(), GradientChecker.EXACT_ENDS_PASSED.get());
        }
    }

    /** The constructs of a method's body, by name, for {@link Tally#constructs}. */
    static java.util.Set<String> constructs(Method m) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Ast.Param p : m.params()) {
            if (p.type() == Ast.Type.DOUBLE_ARRAY) {
                out.add("double[] param");
            } else if (p.type() == Ast.Type.MATRIX) {
                out.add("double[][] param");
            } else if (p.type() == Ast.Type.LIST) {
                out.add("List<Double> param");
            } else if (p.type() == Ast.Type.BUILDER) {
                out.add("StringBuilder param");
            }
        }
        String printed = JavaPrinter.method(m);
        if (printed.contains(", boolean traced) {")) {
            out.add("helper given a constant flag");
        }
        if (printed.contains("cellWork(")) {
            out.add("object filled by a void static method");
        }
        if (printed.contains("Rec(boolean traced, ")) {
            out.add("recursion given a constant flag");
        }
        if (printed.contains("Of.applyAsDouble(1.0);")) {
            out.add("helper given a lambda");
        }
        if (printed.contains("Body run = new ")) {
            out.add("body in an anonymous class");
        }
        if (printed.contains("Streamed(")) {
            out.add("first parameter through a stream");
        }
        if (printed.contains("Bits(")) {
            out.add("first parameter's bits tested");
        }
        if (printed.contains("catch (Failure failure)")) {
            out.add(printed.contains(" throws Failure {") ? "checked exception rethrown around a helper"
                    : "checked exception rethrown around the body");
        } else if (printed.contains(" throws Failure {")) {
            out.add(printed.contains("Declared(") ? "checked exception declared, let out of a helper"
                    : "checked exception declared");
        }
        List<Ast.Arg> work = new ArrayList<>();
        walk(m.body(), 0, false, out, work);
        java.util.Set<String> unassigned = new java.util.TreeSet<>();
        for (Ast.Stmt s : Ast.statements(m.body())) {
            if (s instanceof Ast.DeclareUnassigned d) {
                unassigned.add(d.name());
                out.add(d.isFinal() ? "final local without initialiser" : "local without initialiser");
            } else if (s instanceof Ast.Declare d && d.kind() != Ast.Local.DOUBLE) {
                out.add(d.kind() == Ast.Local.BOXED ? "Double local" : d.kind() == Ast.Local.FINAL ? "final local" : "var local");
            } else if (s instanceof Ast.DeclareArray d && d.useVar()) {
                out.add("var array");
            }
        }
        if (!unassigned.isEmpty()) {
            unassignedShapes(m.body(), unassigned, 0, false, out);
        }
        while (!work.isEmpty()) {
            Ast.Arg a = work.remove(work.size() - 1);
            if (a instanceof Ast.Element) {
                out.add("element read");
            } else if (a instanceof Ast.MatrixElement) {
                out.add("double[][] read");
            } else if (a instanceof Ast.Length) {
                out.add(".length");
            } else if (a instanceof Ast.Invoke i) {
                out.add(!i.method().equals(m.name()) ? "call"
                        : JavaPrinter.recursiveHelper(m) != null ? "recursion through a helper" : "recursion");
            } else if (a instanceof Ast.StopGradient) {
                out.add("stopGradient");
            } else if (a instanceof Ast.Cond) {
                out.add("?:");
            } else if (a instanceof Ast.Chain c) {
                out.add(c.terms().size() >= 1000 ? "1,000-term " + (c.op() == Ast.Op.ADD ? "sum" : "product")
                        : c.terms().size() >= 100 ? "100+-term chain" : "long chain");
            } else if (a instanceof Ast.HelperCall) {
                out.add("helper call");
            } else if (a instanceof Ast.ObjectCall o) {
                out.add(JavaPrinter.chosenAtRunTime(o) ? "a method chosen at run time" : "another object's method");
            } else if (a instanceof Ast.FractionRead) {
                out.add("continued fraction");
            } else if (a instanceof Ast.ValueRead) {
                out.add("value object");
            } else if (a instanceof Ast.Unstash u) {
                out.add(u.kind() == Ast.Holder.LIST ? "xs.get(0)" : "parseDouble(sb)");
            } else if (a instanceof Ast.AssignExpr) {
                out.add("assignment in expression");
            } else if (a instanceof Ast.IncElement) {
                out.add("++a[i] in expression");
            } else if (a instanceof Ast.Halvings) {
                out.add("recursion over integers");
            }
            work.addAll(Ast.children(a));
        }
        int depth = nesting(m.body());
        if (depth >= 50) {
            out.add(depth >= ProgramGenerator.MAX_NESTING ? "nesting 200+" : "nesting 50+");
        }
        if (ShortcutRule.hasShapesComparison(m)) {
            String helper = JavaPrinter.helperOf(m);
            out.add(helper != null && helper.endsWith("Aid") ? "equality shortcut in a helper" : "equality shortcut");
        }
        return out;
    }

    /** The deepest expression nesting of a body. */
    static int nesting(List<Ast.Stmt> body) {
        int max = 0;
        for (Ast.Stmt s : Ast.statements(body)) {
            for (Ast.Arg a : Ast.parts(s)) {
                max = Math.max(max, depth(a));
            }
        }
        return max;
    }

    private static int depth(Ast.Arg a) {
        int max = 0;
        for (Ast.Arg c : Ast.children(a)) {
            max = Math.max(max, depth(c));
        }
        return 1 + max;
    }

    /** Where the locals without an initialiser are assigned: in loops, in branches. */
    private static void unassignedShapes(List<Ast.Stmt> body, java.util.Set<String> names, int loops, boolean branch,
            java.util.Set<String> out) {
        for (Ast.Stmt s : body) {
            String target = s instanceof Ast.Assign a ? a.name() : null;
            if (target != null && names.contains(target)) {
                out.add(loops > 0 ? "unassigned local assigned in a loop" : branch ? "unassigned local assigned in a branch"
                        : "unassigned local assigned later");
            }
            boolean loop = !(s instanceof Ast.If) && !(s instanceof Ast.Switch) && !Ast.blocks(s).isEmpty();
            if (s instanceof Ast.DoWhile d && d.body().stream().anyMatch(x -> x instanceof Ast.Assign a && names.contains(a.name()))) {
                out.add("unassigned local assigned in a do-while");
            }
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                unassignedShapes(b, names, loops + (loop ? 1 : 0), branch || s instanceof Ast.If, out);
            }
        }
    }

    private static void walk(List<Ast.Stmt> body, int loops, boolean branch, java.util.Set<String> out, List<Ast.Arg> work) {
        for (Ast.Stmt s : body) {
            work.addAll(Ast.parts(s));
            String name = s instanceof Ast.If i ? (i.otherwise().isEmpty() ? "if" : i.otherwise().size() == 1
                    && i.otherwise().get(0) instanceof Ast.If ? "else if" : "if/else")
                    : s instanceof Ast.For ? "for" : s instanceof Ast.ForEach ? "for-each" : s instanceof Ast.While ? "while"
                    : s instanceof Ast.DoWhile ? "do-while" : s instanceof Ast.Store st ? "element write"
                    : s instanceof Ast.DeclareArray ? "new double[n]" : s instanceof Ast.Break b ? (b.label() == null ? "break" : "labelled break")
                    : s instanceof Ast.Continue c ? (c.label() == null ? "continue" : "labelled continue")
                    : s instanceof Ast.Return && loops > 0 ? "return in loop" : s instanceof Ast.Return && branch ? "return in branch"
                    : s instanceof Ast.Throw ? "throw" : s instanceof Ast.Stash st ? (st.kind() == Ast.Holder.LIST ? "xs.add" : "sb.append")
                    : s instanceof Ast.Switch ? "switch" : s instanceof Ast.CountDown ? "while (n-- > 0)"
                    : s instanceof Ast.DeclareArrayInit d ? (d.name().startsWith("state") ? "series state in a small array"
                    : "array initialiser") : null;
            if (name != null) {
                out.add(name);
            }
            if (s instanceof Ast.If i && loops > 0) {
                out.add("if in loop");
            }
            if (s instanceof Ast.If i && branch && Ast.statements(List.of(i)).stream().anyMatch(x -> x instanceof Ast.Return)) {
                out.add("nested return");
            }
            boolean loop = !(s instanceof Ast.If) && !(s instanceof Ast.Switch) && !Ast.blocks(s).isEmpty();
            if (loop && loops > 0) {
                out.add("nested loop");
            }
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                walk(b, loops + (loop ? 1 : 0), branch || s instanceof Ast.If || s instanceof Ast.Switch, out, work);
            }
        }
    }

    /** A failure of one method, as found (in the batch) and as shrunk (when {@code shrunk}). */
    record Finding(Method original, Unit minimal, Point point, Failure failure, String minimalAdjoint, boolean shrunk) {
        String report() {
            if (!shrunk) {
                return "[" + failure.kind() + "] " + failure.message() + "\n--- not shrunk (its signature was shrunk "
                        + SHRINKS_PER_SIGNATURE + " times already); the method as generated:\n" + JavaPrinter.method(original);
            }
            return "[" + failure.kind() + "] " + failure.message() + "\n"
                    + "--- minimal program (shrunk from " + original.name() + "), failing at " + point + ":\n"
                    + JavaPrinter.print(minimal)
                    + "--- its generated adjoint:\n" + minimalAdjoint
                    + "--- the method as generated:\n" + JavaPrinter.method(original);
        }
    }

    /** Every how many batches the source is compiled a second time to compare the generated adjoints. */
    static final int DETERMINISM_EVERY = 4;

    private final InMemoryCompiler compiler = new InMemoryCompiler();
    final Tally tally = new Tally();
    private int batches;

    /** Checks every method of {@code unit}; returns the failures (the first of each signature shrunk), empty when all pass. */
    List<Finding> run(Unit unit, Random random) {
        tally.programs += unit.methods().size();
        List<Method> ordinary = new ArrayList<>();
        List<Method> refusing = new ArrayList<>();
        for (Method m : unit.methods()) {
            (Ast.mustRefuse(unit, m) ? refusing : ordinary).add(m);
        }
        List<Finding> findings = new ArrayList<>();
        // an ordinary method never calls one that must be refused: the ordinary ones compile as a class
        runOrdinary(unit.with(ordinary), random, findings);
        if (!refusing.isEmpty()) {
            runRefusing(unit, refusing, random, findings);
        }
        return findings;
    }

    private void runOrdinary(Unit unit, Random random, List<Finding> findings) {
        if (unit.methods().isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        String source = JavaPrinter.print(unit);
        InMemoryCompiler.Result result = compiler.compile(unit.qualifiedName(), source, false);
        tally.compileNanos += System.nanoTime() - start;
        Failure unitFailure = compilationFailure(unit.qualifiedName(), result);
        if (unitFailure == null && batches++ % DETERMINISM_EVERY == 0) {
            start = System.nanoTime();
            String again = generated(compiler.compile(unit.qualifiedName(), source, true), unit.qualifiedName());
            tally.compileNanos += System.nanoTime() - start;
            if (!generated(result, unit.qualifiedName()).equals(again)) {
                // not a per-method property: report the batch as it is
                tally.outcome(Outcome.NONDETERMINISTIC);
                findings.add(new Finding(unit.methods().get(0), unit, null,
                        new Failure("nondeterministic", "two compilations of one source generated different adjoints"),
                        generated(result, unit.qualifiedName()) + "\n--- second run:\n" + again, true));
                return;
            }
        }
        java.util.Set<String> failed = new java.util.TreeSet<>();
        if (unitFailure != null) {
            // the methods that break the class's compilation, found by halving; the rest compiled without them
            start = System.nanoTime();
            List<Method> broken = broken(unit, unit.methods());
            for (Method m : broken) {
                Unit alone = unit.only(m);
                if (alone.methods().stream().anyMatch(callee -> !callee.name().equals(m.name()) && failed.contains(callee.name()))) {
                    failed.add(m.name());
                    continue; // a method it calls fails already: that one is reported
                }
                Failure failure = compilationFailure(alone.qualifiedName(), compile(alone));
                if (failure == null) {
                    continue; // fails only with others: their failure is reported
                }
                failed.add(m.name());
                report(m, alone, null, failure, findings);
            }
            Unit whole = unit;
            List<Method> rest = unit.methods().stream().filter(m -> !failed.contains(m.name())
                    && whole.only(m).methods().stream().noneMatch(c -> failed.contains(c.name()))).toList();
            tally.compileNanos += System.nanoTime() - start;
            if (rest.isEmpty()) {
                return;
            }
            unit = unit.with(rest);
            result = compile(unit);
            Failure together = compilationFailure(unit.qualifiedName(), result);
            if (together != null) {
                // broken only together (no method fails alone): not a per-method property, reported as the batch,
                // never passed over in silence
                tally.outcome(Outcome.of(together.kind()));
                findings.add(new Finding(unit.methods().get(0), unit, null, together, JavaPrinter.print(unit), true));
                return;
            }
        }
        start = System.nanoTime();
        for (Method m : unit.methods()) {
            Unit alone = unit.only(m);
            if (alone.methods().stream().anyMatch(callee -> failed.contains(callee.name()))) {
                continue; // a method it calls fails already: that one is reported
            }
            CheckResult checked = check(unit, m, result, null, random);
            Failure failure = checked.failure();
            if (checked.points() == 0 && failure == null) {
                tally.rejected++;
            } else if (failure == null) {
                tally.checked++;
                tally.points += checked.points();
                tally.count(m);
                tally.outcome(Outcome.CORRECT);
            }
            if (failure != null) {
                failed.add(m.name());
                report(m, alone, checked.point(), failure, findings);
            }
        }
        tally.checkNanos += System.nanoTime() - start;
    }

    /** The methods among {@code candidates} whose compilation (with their callees) fails, by halving. */
    private List<Method> broken(Unit unit, List<Method> candidates) {
        List<Method> closure = new ArrayList<>();
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Method m : candidates) {
            unit.only(m).methods().forEach(x -> names.add(x.name()));
        }
        unit.methods().stream().filter(x -> names.contains(x.name())).forEach(closure::add);
        if (compilationFailure(unit.qualifiedName(), compile(unit.with(closure))) == null) {
            return List.of();
        }
        if (candidates.size() == 1) {
            return candidates;
        }
        int half = candidates.size() / 2;
        List<Method> out = new ArrayList<>(broken(unit, candidates.subList(0, half)));
        out.addAll(broken(unit, candidates.subList(half, candidates.size())));
        return out;
    }

    /**
     * The methods that must be refused, compiled as one class with their callees: each must have
     * its own tagged error. One that does not, or a crash or an error in generated code, is looked
     * at alone.
     */
    private void runRefusing(Unit unit, List<Method> refusing, Random random, List<Finding> findings) {
        long start = System.nanoTime();
        java.util.Set<String> names = new java.util.TreeSet<>();
        refusing.forEach(m -> unit.only(m).methods().forEach(x -> names.add(x.name())));
        Unit together = unit.with(unit.methods().stream().filter(x -> names.contains(x.name())).toList());
        JavaPrinter.Printed printed = JavaPrinter.printed(together);
        InMemoryCompiler.Result result = compiler.compile(together.qualifiedName(), printed.source(), false);
        for (Method m : refusing) {
            String tag = refusalTag(together, printed, result, m);
            if (tag != null) {
                refusedAsRequired(m, tag);
                continue;
            }
            Unit alone = unit.only(m);
            Failure failure = refusalFailure(alone, m, random);
            if (failure == null) {
                // refused as required alone (with others, something else went wrong: that one is reported)
                refusedAsRequired(m, refusalTag(alone, JavaPrinter.printed(alone), compile(alone), m));
            } else {
                report(m, alone, null, failure, findings);
            }
        }
        tally.compileNanos += System.nanoTime() - start;
    }

    private void refusedAsRequired(Method m, String tag) {
        tally.outcome(Outcome.REFUSED_AS_REQUIRED);
        tally.refusalTags.merge(tag, 1, Integer::sum);
        tally.count(m);
    }

    /**
     * The tag of {@code m}'s refusal in {@code result}: an error with an Adjoint tag (not
     * AdjointInternalError) in the user's file on a line of {@code m}, when the compilation did not
     * crash and put no error in generated code; else null.
     */
    private static String refusalTag(Unit unit, JavaPrinter.Printed printed, InMemoryCompiler.Result result, Method m) {
        if (result.crash() != null) {
            return null;
        }
        int[] lines = printed.lines().get(m.name());
        String tag = null;
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            if (inGenerated(unit.qualifiedName(), d)) {
                return null;
            }
            String found = tag(d.getMessage(Locale.ROOT));
            if (found != null && !found.equals("[AdjointInternalError]") && d.getSource() != null
                    && d.getLineNumber() >= lines[0] && d.getLineNumber() <= lines[1]) {
                tag = tag == null ? found : tag;
            }
        }
        return tag;
    }

    /**
     * What is wrong with how {@code unit} (holding {@code m}, which must be refused, and its callees)
     * compiles, or null when {@code m} is refused as required.
     */
    Failure refusalFailure(Unit unit, Method m, Random random) {
        JavaPrinter.Printed printed = JavaPrinter.printed(unit);
        InMemoryCompiler.Result result = compiler.compile(unit.qualifiedName(), printed.source(), false);
        Failure failure = refusal(unit.qualifiedName(), result, printed.lines().get(m.name()), m.name());
        if (failure == null || !failure.kind().equals("accepted-must-refuse")) {
            return failure;
        }
        // accepted: say what its gradient looks like
        Failure gradient = check(unit, m, result, null, random).failure();
        return new Failure("accepted-must-refuse", failure.message() + "; its gradient: " + (gradient == null
                ? "agrees with the checks" : "[" + gradient.kind() + "] " + gradient.message()));
    }

    /**
     * What is wrong with a compilation of a program whose method {@code name} (on {@code lines},
     * first to last) must be refused, or null when it is: a crash, an error in generated code or an
     * AdjointInternalError, an error javac itself reports ("javac-error"), no error on the method's
     * lines but some elsewhere ("refusal-misplaced"), or none at all ("accepted-must-refuse").
     */
    static Failure refusal(String qualifiedName, InMemoryCompiler.Result result, int[] lines, String name) {
        if (result.crash() != null) {
            return crash(result.crash());
        }
        String elsewhere = null;
        boolean positioned = false;
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String where = where(d);
            if (inGenerated(qualifiedName, d)) {
                return new Failure("generated-code-error", where);
            }
            String tag = tag(d.getMessage(Locale.ROOT));
            boolean inMethod = d.getSource() != null && d.getLineNumber() >= lines[0] && d.getLineNumber() <= lines[1];
            if ("[AdjointInternalError]".equals(tag)) {
                return new Failure("crash", where);
            } else if (tag == null) {
                return new Failure("javac-error", where);
            } else if (inMethod) {
                positioned = true;
            } else if (elsewhere == null) {
                elsewhere = where;
            }
        }
        if (positioned) {
            return null;
        }
        if (elsewhere != null || !result.success()) {
            return new Failure("refusal-misplaced", "no error on lines " + lines[0] + "-" + lines[1] + " (" + name
                    + "), which must be refused; the compilation's errors: " + elsewhere);
        }
        return new Failure("accepted-must-refuse", "compiled without an error, though a differentiated value goes "
                + "where Adjoint cannot follow it");
    }

    /** Counts, and shrinks the first {@link #SHRINKS_PER_SIGNATURE} failures of a signature. */
    private void report(Method m, Unit alone, Point point, Failure failure, List<Finding> findings) {
        tally.outcome(Outcome.of(failure.kind()));
        String signature = signature(failure, m);
        int seen = tally.signatures.merge(signature, 1, Integer::sum);
        if (seen <= SHRINKS_PER_SIGNATURE) {
            findings.add(new Shrinker(this, failure.kind(), point).shrink(m, alone, failure));
        } else {
            findings.add(new Finding(m, alone, point, failure, "", false));
        }
    }

    /**
     * What tells failures apart without shrinking them: the kind, the message with the program's
     * names, numbers and positions taken out, and for a wrong gradient the shapes the method holds.
     */
    static String signature(Failure failure, Method m) {
        String message = failure.message().replaceAll("mem:///\\S*:\\d+: ", "");
        if (failure.kind().equals("accepted-must-refuse")) {
            // what matters is whether the gradient came out wrong, not where
            int bracket = message.indexOf(']', message.indexOf("its gradient: "));
            message = bracket < 0 ? message : message.substring(0, bracket + 1);
        }
        if (failure.kind().equals("crash")) {
            message = message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message;
        }
        java.util.Set<String> names = new java.util.TreeSet<>();
        m.params().forEach(p -> names.add(p.name()));
        for (Ast.Stmt s : Ast.statements(m.body())) {
            if (s instanceof Ast.Declare d) {
                names.add(d.name());
            } else if (s instanceof Ast.DeclareUnassigned d) {
                names.add(d.name());
            }
        }
        for (String name : names) {
            message = message.replaceAll("\\b" + java.util.regex.Pattern.quote(name) + "\\b", "_");
        }
        message = message.replaceAll("\\bm\\d+\\b", "m").replaceAll("-?\\d+(\\.\\d+)?(E-?\\d+)?", "#");
        if (message.length() > 160) {
            message = message.substring(0, 160);
        }
        String shapes = "";
        if (Outcome.of(failure.kind()) == Outcome.WRONG) {
            java.util.Set<String> c = constructs(m);
            c.retainAll(java.util.Set.of("local without initialiser", "final local without initialiser", "throw",
                    "Double local", "nested return", "helper call", "xs.get(0)", "parseDouble(sb)", "1,000-term sum",
                    "long chain", "100+-term chain", "nesting 50+", "switch", "assignment in expression",
                    "while (n-- > 0)", "array initialiser", "++a[i] in expression"));
            shapes = " " + c;
        }
        return failure.kind() + ": " + message + shapes;
    }

    /** What checking one method found: the first failure (or null) and how many points passed. */
    record CheckResult(Failure failure, Point point, int points) {}

    /**
     * Checks {@code m} of {@code unit} (its classes loaded by {@code loader}): first at {@code first}
     * if given, then at random points, until {@link #POINTS} valid points passed.
     */
    static CheckResult check(Unit unit, Method m, InMemoryCompiler.Result result, Point first, Random random) {
        GradientChecker checker;
        try {
            checker = new GradientChecker(unit, m, result.loader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new CheckResult(new Failure("shape", "cannot load the generated class: " + e), null, 0);
        }
        checker.loopsWarned(loopsWarned(unit, m, result));
        if (!checker.shortcuts() && ShortcutRule.expectsCodeAround(unit, m)) {
            return new CheckResult(new Failure("shortcut-plan", m.name() + " tests a differentiated value for equality "
                    + "and can run beside itself, but the processor generated no code around it (no " + m.name()
                    + "$gap): it keeps the branch's derivative where the test holds"), null, 0);
        }
        int valid = 0;
        // first the points where an equality test holds, which random points never hit (drawn apart from
        // `random`, so the random points stay those of a method without such tests)
        Random side = new Random(JavaPrinter.method(m).hashCode());
        for (Point p : ShortcutRule.specialPoints(m, GradientChecker.randomPoint(m, side), side)) {
            Failure f = checker.check(p, side);
            if (f != null && f != GradientChecker.PASSED) {
                return new CheckResult(f, p, valid);
            }
        }
        for (int attempt = 0; attempt < ATTEMPTS && valid < POINTS; attempt++) {
            Point p = attempt == 0 && first != null ? first : GradientChecker.randomPoint(m, random);
            Failure f = checker.check(p, random);
            if (f == GradientChecker.PASSED) {
                valid++;
            } else if (f != null) {
                return new CheckResult(f, p, valid);
            }
        }
        return new CheckResult(null, null, valid);
    }

    /**
     * Whether the processor warned (AdjointConvergenceLoop) that a loop of {@code m}, or of a method it
     * calls, is not run on for the derivative: where such a loop stops on a term exactly 0, the
     * derivative is that of its steps, as documented, and finite differences there decide nothing.
     */
    static boolean loopsWarned(Unit unit, Method m, InMemoryCompiler.Result result) {
        Map<String, int[]> lines = JavaPrinter.printed(unit).lines();
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR || !"[AdjointConvergenceLoop]".equals(tag(d.getMessage(Locale.ROOT)))) {
                continue;
            }
            for (Method callee : unit.only(m).methods()) {
                int[] span = lines.get(callee.name());
                if (span != null && d.getLineNumber() >= span[0] && d.getLineNumber() <= span[1]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The generated API class and implementation class of {@code qualifiedName}, one after the other. */
    static String generated(InMemoryCompiler.Result result, String qualifiedName) {
        String api = result.generated(qualifiedName + "Adjoint");
        String impl = result.generated(qualifiedName + "AdjointImpl");
        return (api == null ? "(no API class generated)\n" : api) + (impl == null ? "(no implementation generated)\n"
                : "--- and its implementation:\n" + impl);
    }

    /** Compiles a unit alone (for shrinking): its result, or the compilation failure. */
    InMemoryCompiler.Result compile(Unit unit) {
        return compiler.compile(unit.qualifiedName(), JavaPrinter.print(unit), false);
    }

    /** The generated adjoint's source, even when it does not compile. */
    String adjointSource(Unit unit) {
        return generated(compiler.compile(unit.qualifiedName(), JavaPrinter.print(unit), true), unit.qualifiedName());
    }

    /**
     * The failure for a crash: "crash" when the processor's code is on the stack (or the JVM left
     * the stack out, as it does for an exception thrown often: run with
     * {@code -DargLine=-XX:-OmitStackTraceInFastThrow} to keep it), "javac-crash" when only javac's
     * is (a crash the processor provoked in javac, e.g. through the attribution it triggers).
     */
    static Failure crash(Throwable crash) {
        StringBuilder trace = new StringBuilder(crash.toString());
        boolean processor = crash.getStackTrace().length == 0;
        if (processor) {
            trace.append(" (no stack trace: the JVM omitted it)");
        }
        int shown = 0;
        for (StackTraceElement e : crash.getStackTrace()) {
            if (e.getClassName().startsWith("dev.adjoint.processor")) {
                processor = true;
                if (shown++ < 8) {
                    trace.append("\n\tat ").append(e);
                }
            }
        }
        return new Failure(processor ? "crash" : "javac-crash", "exception out of the processor: " + trace);
    }

    private static boolean inGenerated(String qualifiedName, Diagnostic<? extends JavaFileObject> d) {
        return d.getSource() != null && d.getSource().getName().contains((qualifiedName + "Adjoint").replace('.', '/'));
    }

    /** The tag ({@code [AdjointX]}) a message starts with, or null. */
    private static String tag(String message) {
        int at = message.indexOf("[Adjoint");
        return at < 0 ? null : message.substring(at, message.indexOf(']', at) + 1);
    }

    private static String where(Diagnostic<? extends JavaFileObject> d) {
        return (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ") + d.getMessage(Locale.ROOT);
    }

    /**
     * What is wrong with a compilation of an ordinary program, or null: a crash (the processor
     * threw, or reported an AdjointInternalError), an error in generated code, a refusal, any other
     * error, a warning in generated code, or a warning in the program that is not one of the
     * processor's own; the worst first.
     */
    static Failure compilationFailure(String qualifiedName, InMemoryCompiler.Result result) {
        if (result.crash() != null) {
            return crash(result.crash());
        }
        String adjoint = qualifiedName + "Adjoint";
        Failure generated = null, refused = null, javac = null, warning = null;
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            boolean inGenerated = inGenerated(qualifiedName, d);
            String tag = tag(message);
            String where = where(d);
            switch (d.getKind()) {
                case ERROR -> {
                    if ("[AdjointInternalError]".equals(tag)) {
                        return new Failure("crash", where);
                    } else if (inGenerated) {
                        generated = generated == null ? new Failure("generated-code-error", where) : generated;
                    } else if (tag != null) {
                        // a refusal's kind includes its tag, so that shrinking keeps the same refusal
                        refused = refused == null ? new Failure("processor-refused " + tag, where) : refused;
                    } else {
                        javac = javac == null ? new Failure("javac-error", where) : javac;
                    }
                }
                case WARNING, MANDATORY_WARNING -> {
                    if (inGenerated) {
                        warning = warning == null ? new Failure("generated-code-warning", where) : warning;
                    } else if (tag == null) {
                        warning = warning == null ? new Failure("javac-warning", where) : warning;
                    }
                }
                default -> { }
            }
        }
        for (Failure f : new Failure[] {generated, refused, javac, warning}) {
            if (f != null) {
                return f;
            }
        }
        if (!result.success()) {
            // javac printed "An exception has occurred in the compiler" and gave up
            String output = result.output().lines().limit(4).collect(java.util.stream.Collectors.joining("\n"));
            return new Failure("javac-crash", "compilation failed without an error diagnostic: javac aborted: " + output);
        }
        if (result.generated(adjoint) == null) {
            return new Failure("not-generated", "no " + adjoint + " was generated");
        }
        return null;
    }
}
