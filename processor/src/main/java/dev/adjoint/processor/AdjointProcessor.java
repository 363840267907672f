package dev.adjoint.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.GuardedTrees;
import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.contract.ClassPlan;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.emit.FacadeWriter;
import dev.adjoint.processor.emit.ImplWriter;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.find.Finder;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.read.Catalog;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
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
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/**
 * The Adjoint annotation processor. For every class with {@code @Differentiable} methods it writes,
 * in the round it sees the class, the API class {@code <Class>Adjoint} from the methods'
 * declarations; in the next round, once javac knows that class (so the user's code may use it
 * freely), it reads the bodies and writes the derivative code, {@code <Class>AdjointImpl}
 * ({@link Pipeline}). An error in one method is reported at its position and stops only that
 * method; what escapes a stage is reported as an internal error at the method, never thrown.
 */
@AutoService(Processor.class)
@SupportedAnnotationTypes({"dev.adjoint.Differentiable", "dev.adjoint.DerivativeOf",
        "dev.adjoint.internal.WritesArrays", "javax.annotation.processing.Generated"})
public final class AdjointProcessor extends AbstractProcessor {

    private static final String OWN_GENERATED = AdjointProcessor.class.getName();

    private Trees trees;
    private Diagnostics diagnostics;
    private CustomDerivatives custom;
    private final Catalog catalog = new Catalog();
    /** Classes whose API class was written: their bodies are read in the next round. */
    private final Map<String, ClassPlan> pending = new LinkedHashMap<>();
    /** The class each adjoint class written belongs to: {@code A.B} and {@code A_B} would share {@code A_BAdjoint}. */
    private final Map<String, String> adjointOwners = new java.util.HashMap<>();
    /** Classes whose declarations name types another processor has not generated yet. */
    private final Set<String> deferred = new LinkedHashSet<>();
    /** Reports @Differentiable methods of local and anonymous classes, which processing never sees. */
    private final dev.adjoint.processor.find.LocalClasses localClasses = new dev.adjoint.processor.find.LocalClasses();
    private Pipeline pipeline;
    private Timing timing = new Timing(false);

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        try {
            trees = Trees.instance(env);
        } catch (IllegalArgumentException notJavac) {
            env.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    Tag.AdjointNeedsJavac.bracketed() + " the Adjoint processor reads method bodies with javac's Tree API "
                            + "and needs javac (not " + env.getClass().getName() + "); compile with javac, e.g. Maven's "
                            + "or Gradle's default compiler, instead of the Eclipse compiler (ECJ)");
            return;
        }
        timing = new Timing("true".equals(env.getOptions().get(Timing.OPTION)));
        diagnostics = new Diagnostics(env.getMessager(), trees);
        trees = new GuardedTrees(trees, diagnostics);
        custom = new CustomDerivatives(env.getTypeUtils(), diagnostics);
        catalog.readClassFilesWith(env.getFiler());
        pipeline = new Pipeline(env, trees, diagnostics, custom, catalog, timing);
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(Timing.OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (trees == null) {
            return false;
        }
        Throwable[] escaped = {null};
        // the pipeline recurses over expressions as deep as the user's: a thread with a large stack
        Thread worker = new Thread(null, () -> {
            long start = timing.now();
            try {
                round(round);
            } catch (Throwable t) {
                escaped[0] = t;
            } finally {
                timing.round(timing.now() - start);
            }
        }, "adjoint-processor", 512L << 20);
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (escaped[0] != null) {
            diagnostics.internalError(null, "this round", escaped[0]);
        }
        if (round.processingOver() && timing.on()) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.NOTE, timing.report());
        }
        return claims(round);
    }

    private void round(RoundEnvironment round) {
        custom.add(round.getElementsAnnotatedWith(DerivativeOf.class));
        // bodies of the classes whose API classes the last round wrote: javac knows those classes now
        if (!pending.isEmpty()) {
            List<ClassPlan> ready = new ArrayList<>(pending.values());
            pending.clear();
            for (Map.Entry<ClassPlan, JavaFile> impl : pipeline.implementations(ready).entrySet()) {
                write(impl.getValue(), impl.getKey().owner().qualifiedName());
            }
        }
        localClasses.report(round.getRootElements(), trees, diagnostics);
        catalog.addSourceClasses(round.getRootElements());
        Set<Element> annotated = new LinkedHashSet<>(round.getElementsAnnotatedWith(Differentiable.class));
        for (String name : new ArrayList<>(deferred)) {
            TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
            if (type != null) {
                type.getEnclosedElements().stream().filter(e -> e.getAnnotation(Differentiable.class) != null)
                        .forEach(annotated::add);
            }
        }
        deferred.clear();
        if (!annotated.isEmpty()) {
            Finder.Found found = timing.time("find", () -> new Finder(trees, processingEnv.getElementUtils(),
                    processingEnv.getTypeUtils(), new MethodPaths(trees), diagnostics, catalog.planKeys(),
                    catalog::recordConstructorOnlyStores).find(annotated));
            found.deferred().forEach(t -> deferred.add(t.getQualifiedName().toString()));
            for (ClassPlan plan : found.plans()) {
                plan.methods().forEach(catalog::addPlan);
                String owner = plan.owner().qualifiedName();
                String first = adjointOwners.putIfAbsent(plan.adjoint().qualifiedName(), owner);
                if (first != null && !first.equals(owner)) {
                    diagnostics.error(Position.of(processingEnv.getElementUtils().getTypeElement(owner)),
                            Tag.AdjointWriteFailed, "classes " + first + " and " + owner + " would both get the adjoint "
                            + "class " + plan.adjoint().qualifiedName() + " (a nested class A.B gets A_BAdjoint): "
                            + "rename one of them");
                    continue;
                }
                boolean generated = processingEnv.getElementUtils().getTypeElement(
                        "javax.annotation.processing.Generated") != null;
                try {
                    JavaFile facade = timing.time("plan the API class", () -> new FacadeWriter(generated).write(plan));
                    write(facade, plan.owner().qualifiedName());
                    pending.put(plan.owner().qualifiedName(), plan);
                } catch (RuntimeException | Error bug) {
                    diagnostics.internalError(Position.of(processingEnv.getElementUtils()
                            .getTypeElement(plan.owner().qualifiedName())), plan.owner().simpleName(), bug);
                }
            }
        }
        if (round.processingOver()) {
            for (String name : deferred) {
                TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
                if (type == null) {
                    continue;
                }
                for (javax.lang.model.element.ExecutableElement m
                        : javax.lang.model.util.ElementFilter.methodsIn(type.getEnclosedElements())) {
                    if (m.getAnnotation(dev.adjoint.Differentiable.class) == null) {
                        continue;
                    }
                    List<String> missing = new java.util.ArrayList<>();
                    if (dev.adjoint.processor.find.Finder.isError(m.getReturnType())) {
                        missing.add("its return type " + m.getReturnType());
                    }
                    for (javax.lang.model.element.VariableElement p : m.getParameters()) {
                        if (dev.adjoint.processor.find.Finder.isError(p.asType())) {
                            missing.add("parameter " + p.getSimpleName() + " of type " + p.asType());
                        }
                    }
                    if (!missing.isEmpty()) {
                        diagnostics.error(Position.of(m), Tag.AdjointMissingType, "@Differentiable method "
                                + m.getSimpleName() + " names a type that does not exist (" + String.join(", ", missing)
                                + "), and no annotation processor generated it; Adjoint cannot generate its adjoint "
                                + "class: fix the type's name or add the processor that generates it");
                    }
                }
            }
        }
    }

    private void write(JavaFile file, String originating) {
        TypeElement owner = processingEnv.getElementUtils().getTypeElement(originating);
        try {
            JavaFile withOrigin = owner == null ? file : JavaFile.builder(file.packageName(),
                    file.typeSpec().toBuilder().addOriginatingElement(owner).build())
                    .skipJavaLangImports(true).indent("    ").build();
            // rendered, then written, as JavaFile.writeTo(Filer) does, the two timed apart
            String text = timing.time("render (JavaPoet)", () -> withOrigin.toString());
            long start = timing.now();
            JavaFileObject source = processingEnv.getFiler().createSourceFile(
                    (file.packageName().isEmpty() ? "" : file.packageName() + ".") + file.typeSpec().name(),
                    withOrigin.typeSpec().originatingElements().toArray(new Element[0]));
            try (Writer writer = source.openWriter()) {
                writer.write(text);
            }
            timing.add("write (Filer)", timing.now() - start);
        } catch (IOException e) {
            diagnostics.error(owner == null ? null : Position.of(owner), Tag.AdjointWriteFailed,
                    "could not write " + (file.packageName().isEmpty() ? "" : file.packageName() + ".")
                    + file.typeSpec().name() + ": " + e.getMessage());
        }
    }

    /**
     * Claims Adjoint's annotations, and {@code @Generated} when every class carrying it in this
     * round is one Adjoint wrote: another processor that reads {@code @Generated} still sees it on
     * classes that are not Adjoint's, and javac's {@code -Xlint:processing} does not warn about
     * Adjoint's own.
     */
    private boolean claims(RoundEnvironment round) {
        TypeElement generated = processingEnv.getElementUtils().getTypeElement("javax.annotation.processing.Generated");
        if (generated == null) {
            return true;
        }
        for (Element e : round.getElementsAnnotatedWith(generated)) {
            for (AnnotationMirror a : e.getAnnotationMirrors()) {
                if (a.getAnnotationType().asElement().equals(generated)
                        && a.getElementValues().values().stream().noneMatch(v -> String.valueOf(v.getValue())
                                .contains(OWN_GENERATED))) {
                    return false;
                }
            }
        }
        return true;
    }
}
