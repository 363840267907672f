package dev.adjoint.processor;

import com.palantir.javapoet.JavaFile;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ad.Cleanup;
import dev.adjoint.processor.ad.ForwardMode;
import dev.adjoint.processor.ad.HessianRows;
import dev.adjoint.processor.ad.HessianVector;
import dev.adjoint.processor.ad.reverse.ReverseMode;
import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.StateChanges;
import dev.adjoint.processor.contract.ClassPlan;
import dev.adjoint.processor.contract.Member;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.Naming;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.emit.ImplWriter;
import dev.adjoint.processor.emit.Splitter;
import dev.adjoint.processor.fence.Checkpointing;
import dev.adjoint.processor.fence.Fence;
import dev.adjoint.processor.fence.LostDerivatives;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.find.Finder;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stores;
import dev.adjoint.processor.normalize.Normalizer;
import dev.adjoint.processor.normalize.Shortcuts;
import dev.adjoint.processor.read.Catalog;
import dev.adjoint.processor.read.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;

/**
 * The stages after a class's API class exists, for every method of the classes ready in a round:
 * read → fence → (refusals through calls, second order's reach) → normalize → differentiate
 * (reverse, forward, forward over reverse) → emit the implementation class. Every stage runs
 * guarded per method: an error stops that method only, a bug becomes a positioned
 * {@code AdjointInternalError}, and a refused method leaves only stubs that no running program
 * reaches (the build fails with the refusal).
 */
final class Pipeline {

    private final ProcessingEnvironment env;
    private final Trees trees;
    private final Diagnostics diagnostics;
    private final CustomDerivatives custom;
    private final Catalog catalog;
    private final Timing timing;

    Pipeline(ProcessingEnvironment env, Trees trees, Diagnostics diagnostics, CustomDerivatives custom, Catalog catalog,
            Timing timing) {
        this.env = env;
        this.trees = trees;
        this.diagnostics = diagnostics;
        this.custom = custom;
        this.catalog = catalog;
        this.timing = timing;
    }

    /** One method going through the stages. */
    private static final class Work {
        final MethodPlan plan;
        final ClassPlan owner;
        Position position;
        MethodIr ir;
        Activity activity;
        Fence.Verdict verdict;
        boolean refused;
        boolean secondOrder;

        Work(MethodPlan plan, ClassPlan owner) {
            this.plan = plan;
            this.owner = owner;
        }
    }

    Map<ClassPlan, JavaFile> implementations(List<ClassPlan> plans) {
        MethodPaths paths = new MethodPaths(trees);
        Reader reader = new Reader(trees, env.getElementUtils(), env.getTypeUtils(), paths, custom, catalog);
        Fence fence = new Fence(diagnostics);
        Checkpointing checkpointing = new Checkpointing(diagnostics);
        Map<String, Work> work = new LinkedHashMap<>();
        // each class's methods by key, found once for all its methods
        Map<String, Map<String, ExecutableElement>> methods = new HashMap<>();
        for (ClassPlan plan : plans) {
            for (MethodPlan m : plan.methods()) {
                Work w = new Work(m, plan);
                work.put(m.key(), w);
                guarded(w, () -> timing.time("read", () -> {
                    ExecutableElement element = methods.computeIfAbsent(Keys.owner(m.key()), owner -> Keys.methods(
                            owner, env.getElementUtils(), env.getTypeUtils())).get(Keys.method(m.key()));
                    if (element == null) {
                        throw new IllegalStateException("method " + m.key() + " not found in this round");
                    }
                    w.position = Position.of(element);
                    w.ir = Normalizer.withoutDeadStarts(reader.read(element, m));
                }));
            }
        }
        for (Work w : work.values()) {
            if (!w.refused) {
                guarded(w, () -> timing.time("activity + fence", () -> {
                    w.activity = Activity.of(w.ir, w.ir.body(), catalog.helpers());
                    w.verdict = fence.check(w.ir, catalog.helpers(), w.activity, w.plan.order() == 2,
                            w.plan.writtenArrays());
                    w.refused = !w.verdict.ok();
                    if (w.plan.checkpoints() > 0 && !checkpointing.check(w.ir, catalog.helpers(), w.activity,
                            w.plan.checkpoints())) {
                        w.refused = true;
                    }
                }));
            }
        }
        refuseRunsAgain(work);
        refuseCallersOfRefused(work);
        secondOrder(work, fence);
        Map<ClassPlan, List<ImplWriter.Done>> done = new LinkedHashMap<>();
        plans.forEach(p -> done.put(p, new ArrayList<>()));
        for (Work w : work.values()) {
            ImplWriter.Done d = w.refused ? null : differentiate(w, work);
            done.get(w.owner).add(d != null ? d : new ImplWriter.Done(w.plan, w.ir, null, null, null, null, null, null, null, null, 0));
        }
        boolean generated = env.getElementUtils().getTypeElement("javax.annotation.processing.Generated") != null;
        Map<ClassPlan, JavaFile> out = new LinkedHashMap<>();
        for (Map.Entry<ClassPlan, List<ImplWriter.Done>> e : done.entrySet()) {
            try {
                out.put(e.getKey(), timing.time("plan the implementation class",
                        () -> new ImplWriter(generated).write(e.getKey().suppressing(catalog.deprecatedUses(
                                e.getKey().owner().packageName())), e.getValue(),
                                catalog.lookedUpByName(e.getKey().owner().packageName()))));
            } catch (RuntimeException | Error bug) {
                diagnostics.internalError(Position.of(env.getElementUtils().getTypeElement(
                        e.getKey().owner().qualifiedName())), e.getKey().owner().simpleName(), bug);
            }
        }
        return out;
    }

    private ImplWriter.Done differentiate(Work w, Map<String, Work> work) {
        ImplWriter.Done[] out = {null};
        guarded(w, () -> {
            Normalizer normalizer = w.activity == null ? new Normalizer(catalog.helpers())
                    : new Normalizer(catalog.helpers(), w.activity::isVaried);
            MethodIr normalized = timing.time("normalize", () -> normalizer.run(w.ir));
            for (Map.Entry<Position, String> loop : normalizer.notRunOn()) {
                diagnostics.warning(loop.getKey(), Tag.AdjointConvergenceLoop, "this loop stops on a convergence test of "
                        + "a differentiated value but " + loop.getValue() + ", so it is not run on for the derivative: "
                        + "where a factor of its terms is exactly 0 (a series or continued fraction at a whole "
                        + "parameter) it stops early, and the derivative is that of the steps it took. Keep the "
                        + "loop to its own scalars and Math calls (store into the array after it, call the method "
                        + "before it) to have it run on");
            }
            Shortcuts.Result shortcuts = w.plan.checkpoints() > 0 ? null : timing.time("normalize", () -> Shortcuts.of(
                    normalized, catalog.helpers(), w.owner.impl(), Naming.gap(w.plan.name()), Naming.kept(w.plan.name())));
            ImplWriter.Done done = shortcuts == null || shortcuts.around() == null ? null
                    : derivatives(w, work, shortcuts.method(), normalized, shortcuts.around(), shortcuts.kept());
            if (done == null) {
                if (shortcuts == null || shortcuts.around() != null) {
                    // the code around cannot run beside the method (or would make it too large): the branch's derivative
                    LostDerivatives.warnEqualities(diagnostics, w.verdict.equalityTests());
                }
                // a method storing its fields (a store is an effect: no code around) stores them in its primal only
                done = derivatives(w, work, Stores.removed(normalized), normalized, null, 0);
                tooLarge(w, done);
            }
            out[0] = done;
        });
        return out[0];
    }

    /**
     * The derivative members' bodies for {@code differentiated} (the normal form, or it beside the
     * code around its equality tests, {@code around}); null when {@code around} is given and a body
     * would be too large for the JVM.
     */
    private ImplWriter.Done derivatives(Work w, Map<String, Work> work, MethodIr differentiated, MethodIr normalized,
            List<Stmt> around, int keptTests) {
        // a callee that can lead back to this method needs a gradient holder of its own per call
        ReverseMode.Pullback pullback = timing.time("reverse mode", () -> ReverseMode.differentiate(differentiated,
                w.owner.impl(), w.plan.gradient(), w.plan.names().seed(), w.plan.names().into(),
                callee -> reaches(callee, w.plan.key(), work), w.plan.checkpoints()));
        List<String> directions = inputDirections(w.plan, differentiated);
        ForwardMode.Tangent tangent = timing.time("forward mode", () -> ForwardMode.tangent(differentiated, directions));
        // second order is forward mode over a pullback that records every iteration on the stack
        // (checkpointing drives its loops from the runtime, which forward mode does not follow)
        ReverseMode.Pullback recorded = !w.secondOrder ? pullback
                : timing.time("second order", () -> ReverseMode.recordingEveryIteration(pullback, w.owner.impl(),
                        callee -> reaches(callee, w.plan.key(), work)));
        ForwardMode.Tangent second = !w.secondOrder ? null : timing.time("second order", () ->
                ForwardMode.pullbackTangent(differentiated, recorded.seed(), recorded.into(), recorded.body(),
                        directions, w.plan.names().dSeed(), w.plan.names().dInto()));
        // fHvp's body: the second order's without the gradient and the value's tangent (null: fHvp goes
        // through fPullbackTangent)
        List<Stmt> hvp = second == null || !w.plan.receiverFields().isEmpty() ? null
                : timing.time("second order", () -> HessianVector.body(second.body(), recorded.seed(),
                        second.dSeed(), recorded.into()));
        // fHessian's body: fHvp's, what does not depend on the direction once for every row
        HessianRows.Split rows = hvp == null || !w.plan.has(Member.HESSIAN) ? null
                : timing.time("second order", () -> HessianRows.split(hvp, second.directions(), second.dInto(),
                        w.plan.fields().stream().map(MethodPlan.GradientField::name).toList()));
        // the primal's own copy: for a private method (the API class cannot call it), for one
        // differentiated with respect to fields (the tape evaluates it at its tensors' values), and for an
        // instance method's code around to compare with (f$gap has the receiver and its fields' values)
        List<Stmt> primal = w.plan.hidden() || !w.plan.receiverFields().isEmpty()
                || around != null && w.plan.isInstance()
                ? timing.time("primal copy", () -> Cleanup.run(normalized.body())) : null;
        ImplWriter.Done done = new ImplWriter.Done(w.plan, differentiated, pullback, tangent, second, hvp, rows, primal,
                around == null ? null : Shortcuts.checked(Cleanup.run(around)), keptTests == 0 ? null : Shortcuts.KEPT, keptTests);
        return around != null && oversized(done) != null ? null : done;
    }

    /** A loop or branch of {@code done}'s bodies too large for a JVM method (Splitter cuts bodies between statements only), or null. */
    private static Stmt oversized(ImplWriter.Done done) {
        List<List<Stmt>> bodies = new ArrayList<>(List.of(done.pullback().body(), done.tangent().body()));
        if (done.secondOrder() != null) {
            bodies.add(done.secondOrder().body());
        }
        if (done.hvp() != null) {
            bodies.add(done.hvp());
        }
        if (done.hessian() != null) {
            bodies.add(done.hessian().perDirection());
        }
        for (List<Stmt> body : bodies) {
            Stmt huge = Splitter.oversized(body);
            if (huge != null) {
                return huge;
            }
        }
        return null;
    }

    /**
     * The name of each differentiated input's direction: the plan's for a parameter or a field; for a
     * component of a record, the record's direction's name and its path ({@code dParams_mu}), read
     * from the record direction at entry.
     */
    private static List<String> inputDirections(MethodPlan plan, MethodIr method) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < plan.fields().size(); k++) {
            MethodPlan.GradientField f = plan.fields().get(k);
            String direction = plan.names().directions().get(k);
            if (f.record() == null) {
                out.add(direction);
                continue;
            }
            for (MethodIr.Input i : method.inputs()) {
                if (i.wrt() && i.of() != null && i.path().get(0).equals(f.name())) {
                    out.add(direction + "_" + String.join("_", i.path().subList(1, i.path().size())));
                }
            }
        }
        return out;
    }

    /** Whether {@code from} may, through calls of this round's methods, call {@code to}. */
    private static boolean reaches(String from, String to, Map<String, Work> work) {
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(from);
        while (!queue.isEmpty()) {
            String m = queue.poll();
            if (m.equals(to)) {
                return true;
            }
            Work w = work.get(m);
            if (seen.add(m) && w != null && w.verdict != null) {
                queue.addAll(w.verdict.sameBuildCallees().keySet());
            }
        }
        return false;
    }

    /** A method calling a refused method of this round cannot be differentiated either: an error at the call. */
    private void refuseCallersOfRefused(Map<String, Work> work) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Work w : work.values()) {
                if (w.refused || w.verdict == null) {
                    continue;
                }
                for (Map.Entry<String, Position> call : w.verdict.sameBuildCallees().entrySet()) {
                    Work callee = work.get(call.getKey());
                    if (callee != null && callee.refused) {
                        diagnostics.error(Position.either(call.getValue(), w.position), Tag.AdjointRefusedCallee,
                                "cannot differentiate " + w.plan.name() + ": it calls " + callee.plan.name()
                                        + ", which Adjoint refused (see the error reported for " + callee.plan.name()
                                        + "); fix that one first");
                        w.refused = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    /**
     * Refuses a derivative that would run code changing state more than once ({@link StateChanges}):
     * a call of a {@code @Differentiable} method of this round that has such a call (the caller's
     * reverse sweep runs the callee's pullback, its forward sweep again), second order and a
     * Jacobian of a method that has one (they run it once per direction or output).
     */
    private void refuseRunsAgain(Map<String, Work> work) {
        for (Work w : work.values()) {
            if (w.refused || w.verdict == null) {
                continue;
            }
            Expr.Call own = StateChanges.first(w.ir, catalog.helpers());
            if (own != null && (w.plan.order() == 2 || w.plan.vector())) {
                diagnostics.error(Position.either(own.pos(), w.position), w.plan.vector() ? Tag.AdjointUnsupportedCall
                        : Tag.AdjointNoSecondOrder, "cannot differentiate " + w.plan.name() + (w.plan.vector() ? "" : " to "
                        + "second order") + ": it calls " + own.callee().describe() + ", which draws from a random "
                        + "generator, and its " + (w.plan.vector() ? "Jacobian runs it once per output" : "Hessian "
                        + "runs it once per direction") + ", each run at other values; draw the values first and pass them in"
                        + (w.plan.vector() ? "" : ", or use order = 1"));
                w.refused = true;
                continue;
            }
            for (Map.Entry<String, Position> call : w.verdict.sameBuildCallees().entrySet()) {
                Work callee = work.get(call.getKey());
                Expr.Call effect = callee == null || callee.refused || callee.ir == null ? null
                        : StateChanges.first(callee.ir, catalog.helpers());
                if (effect != null) {
                    diagnostics.error(Position.either(call.getValue(), w.position), Tag.AdjointUnsupportedCall,
                            "cannot differentiate " + w.plan.name() + " through its call of " + callee.plan.name() + ": "
                                    + callee.plan.name() + " calls " + effect.callee().describe() + ", which draws from a random "
                                    + "generator, and the reverse sweep runs a @Differentiable "
                                    + "method it calls again, at other values; remove @Differentiable from "
                                    + callee.plan.name() + " so that Adjoint reads it into " + w.plan.name()
                                    + ", or draw the values first and pass them in");
                    w.refused = true;
                    break;
                }
            }
        }
    }

    /**
     * Second order for the methods that ask for it ({@code order = 2}) and for the methods of this
     * round they call, directly or not: forward over reverse calls each callee's
     * {@code PullbackTangent}. A method that cannot have it is an error at the cause.
     */
    private void secondOrder(Map<String, Work> work, Fence fence) {
        Deque<Work> queue = new ArrayDeque<>();
        Map<Work, String> reason = new LinkedHashMap<>();
        for (Work w : work.values()) {
            if (!w.refused && w.plan.order() == 2) {
                w.secondOrder = true;
                queue.add(w);
            }
        }
        while (!queue.isEmpty()) {
            Work w = queue.poll();
            for (String key : w.verdict.sameBuildCallees().keySet()) {
                Work callee = work.get(key);
                if (callee != null && !callee.refused && !callee.secondOrder) {
                    callee.secondOrder = true;
                    reason.put(callee, w.plan.name());
                    queue.add(callee);
                }
            }
        }
        Set<Work> failed = new LinkedHashSet<>();
        for (Map.Entry<Work, String> e : reason.entrySet()) {
            Work w = e.getKey();
            if (w.plan.order() != 2) {
                MethodPlan.Slots slots = w.plan.parameterSlots(true);
                if (slots.slots() > MethodPlan.MAX_PARAMETER_SLOTS) {
                    // its fPullbackTangent, which the caller's second order calls, would not compile
                    diagnostics.error(w.position, Tag.AdjointTooManyParameters,
                            Finder.tooManyParameters(w.plan.name(), slots, e.getValue()));
                    failed.add(w);
                    continue;
                }
                guarded(w, () -> {
                    if (!fence.checkSecondOrder(w.ir, catalog.helpers(), w.activity, w.plan.writtenArrays(), e.getValue())) {
                        failed.add(w);
                    }
                });
            }
        }
        boolean changed = !failed.isEmpty();
        while (changed) {
            changed = false;
            for (Work w : work.values()) {
                if (!w.secondOrder || failed.contains(w) || w.refused) {
                    continue;
                }
                for (Map.Entry<String, Position> call : w.verdict.sameBuildCallees().entrySet()) {
                    Work callee = work.get(call.getKey());
                    if (callee != null && failed.contains(callee)) {
                        diagnostics.error(Position.either(call.getValue(), w.position), Tag.AdjointNoSecondOrder,
                                "no second-order members for " + w.plan.name() + ": it calls " + callee.plan.name()
                                        + ", which has none (see the error reported for it)");
                        failed.add(w);
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (Work w : failed) {
            w.refused = true;
        }
    }

    /**
     * Refuses a method one of whose generated bodies holds a loop or branch too large for a JVM method
     * (Splitter cuts bodies between statements only): an error at the statement, not javac's "code too
     * large" in the generated file.
     */
    private void tooLarge(Work w, ImplWriter.Done done) {
        Stmt huge = oversized(done);
        if (huge != null) {
            Position at = huge instanceof Stmt.Loop l && l.pos() != null ? l.pos()
                    : huge instanceof Stmt.If i && i.pos() != null ? i.pos() : w.position;
            throw diagnostics.abort(at, Tag.AdjointNotYetSupported, "cannot differentiate " + w.plan.name()
                    + ": the derivative of one of its " + (huge instanceof Stmt.If ? "branches" : "loops") + " would "
                    + "be over the JVM's 64 KB limit for one method, and Adjoint does not split the inside of a loop "
                    + "or branch yet; move part of its body into a helper method, or split it into two loops"
                    + (w.plan.order() == 2 ? " (or ask for order = 1: second order is about three times larger)" : ""));
        }
    }

    /** Runs one stage for one method: an error stops only that method; a bug is reported, not thrown. */
    private void guarded(Work w, Runnable stage) {
        try {
            stage.run();
        } catch (Diagnostics.Abort abort) {
            w.refused = true;
        } catch (RuntimeException | Error bug) {
            w.refused = true;
            diagnostics.internalError(w.position != null ? w.position : Position.of(
                    env.getElementUtils().getTypeElement(w.owner.owner().qualifiedName())), w.plan.name(), bug);
        }
    }
}
