package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ad.CallGraph;
import dev.adjoint.processor.ad.ReverseMode;
import dev.adjoint.processor.emit.AdjointWriter;
import dev.adjoint.processor.ir.IrReader;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.validate.CustomDerivatives;
import dev.adjoint.processor.validate.DiffMethod;
import dev.adjoint.processor.validate.MethodValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Adjoint annotation processor: for every class with {@code @Differentiable} methods it writes
 * {@code <Class>Adjoint}. Each method runs through the pipeline validate → read (IR) →
 * differentiate (reverse mode) → emit; an error in one method is reported at its position and
 * stops only that method, and nothing is emitted for it.
 */
@AutoService(Processor.class)
// @Generated is listed (and so claimed) because the adjoint classes carry it: without a claim,
// javac's -Xlint:all warns in the next round that no processor claimed it.
@SupportedAnnotationTypes({"dev.adjoint.Differentiable", "dev.adjoint.DerivativeOf", "javax.annotation.processing.Generated"})
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
        MethodValidator validator = new MethodValidator(trees, reporter);
        IrReader reader = new IrReader(trees, processingEnv.getElementUtils(), reporter, customDerivatives);
        ReverseMode reverse = new ReverseMode(reporter);
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
        for (Map.Entry<TypeElement, List<DiffMethod>> entry : byClass.entrySet()) {
            List<AdjointWriter.Differentiated> done = new ArrayList<>();
            for (DiffMethod method : entry.getValue()) {
                MethodIr ir = read.get(method);
                if (ir != null) {
                    guarded(method, () -> done.add(new AdjointWriter.Differentiated(method,
                            reverse.differentiate(ir, method.element(), calls))));
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
