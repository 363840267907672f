package dev.adjoint.processor.differential;

import dev.adjoint.processor.differential.Ast.Method;
import dev.adjoint.processor.differential.Ast.Unit;
import dev.adjoint.processor.differential.GradientChecker.Failure;
import dev.adjoint.processor.differential.GradientChecker.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * Runs a batch of random methods through the processor: one compilation for the whole class,
 * then every method checked by {@link GradientChecker} at random points. Compilation itself is
 * checked too: no error and no warning in generated code, no error from the processor on a
 * supported program, and (every {@link #DETERMINISM_EVERY}th batch) a second run generating
 * byte-identical source. A failing method is
 * compiled alone and shrunk ({@link Shrinker}) before it is reported.
 */
final class Campaign {

    /** Valid points checked per method. */
    static final int POINTS = 2;
    /** Random points tried per method before it counts as rejected. */
    static final int ATTEMPTS = 8;

    /** Counts over a campaign. */
    static final class Tally {
        int programs;
        int checked;
        int rejected;
        int points;
        long compileNanos;
        long checkNanos;
        /** How many checked methods contain each construct: what the campaign really covered. */
        final java.util.Map<String, Integer> constructs = new java.util.TreeMap<>();

        void count(Method m) {
            for (String construct : constructs(m)) {
                constructs.merge(construct, 1, Integer::sum);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d programs: %d checked at %d points, %d rejected (no point where "
                            + "finite differences are meaningful); compiling %.1f s, checking %.1f s; checked "
                            + "methods with each construct: %s",
                    programs, checked, points, rejected, compileNanos / 1e9, checkNanos / 1e9, constructs);
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
            }
        }
        List<Ast.Arg> work = new ArrayList<>();
        walk(m.body(), 0, false, out, work);
        while (!work.isEmpty()) {
            Ast.Arg a = work.remove(work.size() - 1);
            if (a instanceof Ast.Element) {
                out.add("element read");
            } else if (a instanceof Ast.MatrixElement) {
                out.add("double[][] read");
            } else if (a instanceof Ast.Length) {
                out.add(".length");
            } else if (a instanceof Ast.Invoke i) {
                out.add(i.method().equals(m.name()) ? "recursion" : "call");
            } else if (a instanceof Ast.StopGradient) {
                out.add("stopGradient");
            } else if (a instanceof Ast.Cond) {
                out.add("?:");
            }
            work.addAll(Ast.children(a));
        }
        return out;
    }

    private static void walk(List<Ast.Stmt> body, int loops, boolean branch, java.util.Set<String> out, List<Ast.Arg> work) {
        for (Ast.Stmt s : body) {
            work.addAll(Ast.parts(s));
            String name = s instanceof Ast.If i ? (i.otherwise().isEmpty() ? "if" : "if/else")
                    : s instanceof Ast.For ? "for" : s instanceof Ast.ForEach ? "for-each" : s instanceof Ast.While ? "while"
                    : s instanceof Ast.DoWhile ? "do-while" : s instanceof Ast.Store st ? "element write"
                    : s instanceof Ast.DeclareArray ? "new double[n]" : s instanceof Ast.Break b ? (b.label() == null ? "break" : "labelled break")
                    : s instanceof Ast.Continue c ? (c.label() == null ? "continue" : "labelled continue")
                    : s instanceof Ast.Return && loops > 0 ? "return in loop" : s instanceof Ast.Return && branch ? "return in branch"
                    : null;
            if (name != null) {
                out.add(name);
            }
            if (s instanceof Ast.If i && loops > 0) {
                out.add("if in loop");
            }
            boolean loop = !(s instanceof Ast.If) && !Ast.blocks(s).isEmpty();
            if (loop && loops > 0) {
                out.add("nested loop");
            }
            for (List<Ast.Stmt> b : Ast.blocks(s)) {
                walk(b, loops + (loop ? 1 : 0), branch || s instanceof Ast.If, out, work);
            }
        }
    }

    /** A failure of one method, as found (in the batch) and as shrunk. */
    record Finding(Method original, Unit minimal, Point point, Failure failure, String minimalAdjoint) {
        String report() {
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

    /** Checks every method of {@code unit}; returns the (shrunk) failures, empty when all pass. */
    List<Finding> run(Unit unit, Random random) {
        String source = JavaPrinter.print(unit);
        long start = System.nanoTime();
        InMemoryCompiler.Result result = compiler.compile(unit.qualifiedName(), source, false);
        tally.compileNanos += System.nanoTime() - start;
        tally.programs += unit.methods().size();
        List<Finding> findings = new ArrayList<>();
        Failure unitFailure = compilationFailure(unit.qualifiedName(), result);
        if (unitFailure == null && batches++ % DETERMINISM_EVERY == 0) {
            start = System.nanoTime();
            String again = generated(compiler.compile(unit.qualifiedName(), source, true), unit.qualifiedName());
            tally.compileNanos += System.nanoTime() - start;
            if (!generated(result, unit.qualifiedName()).equals(again)) {
                // not a per-method property: report the batch as it is
                findings.add(new Finding(unit.methods().get(0), unit, null,
                        new Failure("nondeterministic", "two compilations of one source generated different adjoints"),
                        generated(result, unit.qualifiedName()) + "\n--- second run:\n" + again));
                return findings;
            }
        }
        start = System.nanoTime();
        ClassLoader loader = unitFailure == null ? result.loader() : null;
        java.util.Set<String> failed = new java.util.TreeSet<>();
        for (Method m : unit.methods()) {
            Unit alone = unit.only(m);
            if (alone.methods().stream().anyMatch(callee -> failed.contains(callee.name()))) {
                continue; // a method it calls fails already: that one is reported
            }
            Failure failure;
            Point failingPoint = null;
            if (unitFailure != null) {
                // find which methods break the batch's compilation
                failure = compilationFailure(alone.qualifiedName(), compiler.compile(alone.qualifiedName(), JavaPrinter.print(alone), false));
            } else {
                CheckResult checked = check(unit, m, loader, null, random);
                failure = checked.failure();
                failingPoint = checked.point();
                if (checked.points() == 0 && failure == null) {
                    tally.rejected++;
                } else {
                    tally.checked++;
                    tally.points += checked.points();
                    tally.count(m);
                }
            }
            if (failure != null) {
                failed.add(m.name());
                findings.add(new Shrinker(this, failure.kind(), failingPoint).shrink(m, alone, failure));
                if (findings.size() >= 3) {
                    break; // enough to read; the rest are likely the same bug
                }
            }
        }
        tally.checkNanos += System.nanoTime() - start;
        return findings;
    }

    /** What checking one method found: the first failure (or null) and how many points passed. */
    record CheckResult(Failure failure, Point point, int points) {}

    /**
     * Checks {@code m} of {@code unit} (its classes loaded by {@code loader}): first at {@code first}
     * if given, then at random points, until {@link #POINTS} valid points passed.
     */
    static CheckResult check(Unit unit, Method m, ClassLoader loader, Point first, Random random) {
        GradientChecker checker;
        try {
            checker = new GradientChecker(unit, m, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return new CheckResult(new Failure("shape", "cannot load the generated class: " + e), null, 0);
        }
        int valid = 0;
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
     * What is wrong with a compilation of a supported program, or null: any error, a warning in
     * generated code, or a warning in the program that is not one of the processor's own.
     */
    static Failure compilationFailure(String qualifiedName, InMemoryCompiler.Result result) {
        String adjoint = qualifiedName + "Adjoint";
        for (Diagnostic<? extends JavaFileObject> d : result.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            boolean inGenerated = d.getSource() != null && d.getSource().getName().contains(adjoint.replace('.', '/'));
            boolean fromProcessor = message.contains("[Adjoint");
            String where = (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ") + message;
            switch (d.getKind()) {
                case ERROR -> {
                    // a refusal's kind includes its tag, so that shrinking keeps the same refusal
                    String kind = inGenerated ? "generated-code-error"
                            : fromProcessor ? "processor-refused " + message.substring(message.indexOf("[Adjoint"), message.indexOf(']', message.indexOf("[Adjoint")) + 1)
                            : "javac-error";
                    return new Failure(kind, where);
                }
                case WARNING, MANDATORY_WARNING -> {
                    if (inGenerated) {
                        return new Failure("generated-code-warning", where);
                    }
                    if (!fromProcessor) {
                        return new Failure("javac-warning", where);
                    }
                }
                default -> { }
            }
        }
        if (!result.success()) {
            return new Failure("javac-error", "compilation failed without an error diagnostic");
        }
        if (result.generated(adjoint) == null) {
            return new Failure("not-generated", "no " + adjoint + " was generated");
        }
        return null;
    }
}
