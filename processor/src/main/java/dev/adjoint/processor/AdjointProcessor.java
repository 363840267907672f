package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ad.CallGraph;
import dev.adjoint.processor.ad.ForwardMode;
import dev.adjoint.processor.ad.Pullback;
import dev.adjoint.processor.ad.ReverseMode;
import dev.adjoint.processor.emit.AdjointWriter;
import dev.adjoint.processor.ir.IrReader;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.validate.CustomDerivatives;
import dev.adjoint.processor.validate.DiffMethod;
import dev.adjoint.processor.validate.MethodPaths;
import dev.adjoint.processor.validate.MethodValidator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * The Adjoint annotation processor: for every class with {@code @Differentiable} methods it writes
 * {@code <Class>Adjoint}. Each method runs through the pipeline validate → read (IR) →
 * differentiate (reverse mode, forward mode, forward over reverse for second order) → emit; an
 * error in one method is reported at its position and stops only that method, and nothing is
 * emitted for it.
 */
@AutoService(Processor.class)
// @Generated and @WritesArrays are listed (and so claimed) because adjoint classes carry them: without a claim,
// javac's -Xlint:all warns in the next round that no processor claimed it.
@SupportedAnnotationTypes({"dev.adjoint.Differentiable", "dev.adjoint.DerivativeOf", "dev.adjoint.WritesArrays",
        "javax.annotation.processing.Generated"})
public final class AdjointProcessor extends AbstractProcessor {

    private Trees trees;
    private ErrorReporter reporter;
    private CustomDerivatives customDerivatives;

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        try {
            trees = Trees.instance(env);
        } catch (IllegalArgumentException notJavac) {
            env.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "[AdjointNeedsJavac] the Adjoint processor reads method bodies with javac's Tree API and "
                            + "needs javac (not " + env.getClass().getName() + ")");
        }
        reporter = new ErrorReporter(env.getMessager(), trees);
        customDerivatives = new CustomDerivatives(env.getTypeUtils(), reporter);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (trees == null || annotations.isEmpty()) {
            return false;
        }
        customDerivatives.add(round.getElementsAnnotatedWith(DerivativeOf.class));
        if (round.getElementsAnnotatedWith(Differentiable.class).isEmpty()) {
            return true;
        }
        MethodPaths paths = new MethodPaths(trees);
        MethodValidator validator = new MethodValidator(trees, paths, reporter);
        IrReader reader = new IrReader(trees, paths, processingEnv.getElementUtils(), reporter, customDerivatives);
        ReverseMode reverse = new ReverseMode(reporter);
        ForwardMode forward = new ForwardMode(reporter);
        AdjointWriter writer = new AdjointWriter(processingEnv.getElementUtils());
        Map<TypeElement, List<DiffMethod>> byClass =
                validator.validate(round.getElementsAnnotatedWith(Differentiable.class));
        // read every method first: a call's adjoint depends on whether it can recurse
        Map<DiffMethod, MethodIr> read = new LinkedHashMap<>();
        CallGraph calls = new CallGraph();
        for (List<DiffMethod> methods : byClass.values()) {
            for (DiffMethod method : methods) {
                guarded(method, () -> {
                    MethodIr ir = reader.read(method);
                    read.put(method, ir);
                    calls.add(method.element(), ir);
                });
            }
        }
        Map<DiffMethod, Pullback> pullbacks = new LinkedHashMap<>();
        Map<DiffMethod, ForwardMode.Tangent> tangents = new LinkedHashMap<>();
        for (Map.Entry<DiffMethod, MethodIr> entry : read.entrySet()) {
            DiffMethod method = entry.getKey();
            guarded(method, () -> {
                Pullback pullback = reverse.differentiate(entry.getValue(), method.element(), calls);
                ForwardMode.Tangent tangent = forward.tangent(entry.getValue());
                pullbacks.put(method, pullback);
                tangents.put(method, tangent);
            });
        }
        Map<DiffMethod, ForwardMode.Tangent> secondOrder = secondOrder(forward, pullbacks, read.keySet());
        for (Map.Entry<TypeElement, List<DiffMethod>> entry : byClass.entrySet()) {
            List<AdjointWriter.Differentiated> done = new ArrayList<>();
            for (DiffMethod method : entry.getValue()) {
                if (pullbacks.containsKey(method)) {
                    done.add(new AdjointWriter.Differentiated(method, pullbacks.get(method), tangents.get(method),
                            secondOrder.get(method)));
                }
            }
            if (!done.isEmpty()) {
                try {
                    writer.write(entry.getKey(), done).writeTo(processingEnv.getFiler());
                } catch (IOException e) {
                    reporter.reportError(Position.of(entry.getKey()), "AdjointWriteFailed",
                            "could not write the adjoint class of " + entry.getKey() + ": " + e.getMessage());
                }
            }
        }
        // Claim the annotations: no other processor reads them, and claiming them keeps a
        // user's build free of javac's "no processor claimed" warning under -Xlint:all.
        return true;
    }

    /**
     * Forward over reverse for the methods that ask for it ({@code order = 2}) and for the
     * {@code @Differentiable} methods of this round they call, directly or not. One of those that
     * cannot have it is a compile error ({@code AdjointNoSecondOrder}) at the cause: what
     * {@link ForwardMode#pullbackTangent} refuses, or a call of a method that has none.
     */
    private Map<DiffMethod, ForwardMode.Tangent> secondOrder(ForwardMode forward, Map<DiffMethod, Pullback> pullbacks,
            Set<DiffMethod> inRound) {
        Map<ExecutableElement, DiffMethod> byElement = new HashMap<>();
        inRound.forEach(m -> byElement.put(m.element(), m));
        Set<DiffMethod> wanted = new LinkedHashSet<>();
        Deque<DiffMethod> work = new ArrayDeque<>();
        pullbacks.keySet().stream().filter(m -> m.order() == 2).forEach(m -> {
            wanted.add(m);
            work.add(m);
        });
        while (!work.isEmpty()) {
            for (Pullback.Site site : pullbacks.get(work.pop()).sites().values()) {
                DiffMethod callee = site.call() == null ? null : byElement.get(site.call().method());
                if (callee != null && pullbacks.containsKey(callee) && wanted.add(callee)) {
                    work.add(callee);
                }
            }
        }
        Map<DiffMethod, ForwardMode.Tangent> out = new LinkedHashMap<>();
        for (DiffMethod method : wanted) {
            guarded(method, () -> {
                try {
                    out.put(method, forward.pullbackTangent(pullbacks.get(method)));
                } catch (ForwardMode.Refused refused) {
                    reporter.reportError(refused.position, "AdjointNoSecondOrder", refused.getMessage());
                }
            });
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (DiffMethod method : wanted) {
                if (!out.containsKey(method)) {
                    continue;
                }
                for (Pullback.Site site : pullbacks.get(method).sites().values()) {
                    ExecutableElement callee = site.call() == null ? null : site.call().method();
                    String missing = callee == null ? null : missingSecondOrder(callee, byElement, pullbacks, out);
                    if (missing != null) {
                        out.remove(method);
                        reporter.reportError(site.position(), "AdjointNoSecondOrder", "no second-order members for "
                                + method.name() + ": it calls " + callee.getSimpleName() + missing);
                        changed = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Why a called method has no second-order members, or {@code null} when it has them (or
     * failed first order, which is reported already).
     */
    private String missingSecondOrder(ExecutableElement callee, Map<ExecutableElement, DiffMethod> inRound,
            Map<DiffMethod, Pullback> pullbacks, Map<DiffMethod, ForwardMode.Tangent> done) {
        DiffMethod method = inRound.get(callee);
        if (method == null) {
            return hasPullbackTangent(callee) ? null
                    : ", compiled without them; rebuild it with @Differentiable(order = 2)";
        }
        return done.containsKey(method) || !pullbacks.containsKey(method) ? null : ", which has none";
    }

    /** Whether a method compiled earlier has {@code <name>PullbackTangent} in its adjoint class. */
    private boolean hasPullbackTangent(ExecutableElement callee) {
        TypeElement adjoint = processingEnv.getElementUtils().getTypeElement(
                JType.ClassRef.adjointOf((TypeElement) callee.getEnclosingElement()).qualifiedName());
        return adjoint != null && ElementFilter.methodsIn(adjoint.getEnclosedElements()).stream()
                .anyMatch(m -> m.getSimpleName().contentEquals(callee.getSimpleName() + "PullbackTangent"));
    }

    /** Runs one stage for one method: an error stops only that method; a bug is reported, not thrown. */
    private void guarded(DiffMethod method, Runnable stage) {
        try {
            stage.run();
        } catch (ErrorReporter.Abort abort) {
            // reported at its position; the other methods go on
        } catch (RuntimeException bug) {
            reporter.reportError(Position.of(method.element()), "AdjointInternalError",
                    "Adjoint failed on " + method.name() + " (" + bug + "); please report this with the "
                            + "method's source. Until fixed, move the method out of @Differentiable");
        }
    }
}
