package dev.adjoint.processor.read;

import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the reader knows of the build beyond the method it reads: the plans of every
 * {@code @Differentiable} method of the build (by key), and the helpers read so far for inlining.
 */
public final class Catalog {

    private final Map<String, MethodPlan> plans = new HashMap<>();
    private final Map<String, MethodIr> helpers = new LinkedHashMap<>();
    private final Map<String, Boolean> readOnly = new HashMap<>();
    /** What library methods known by their class files write: none found until the processor says where to look. */
    private ClassFileEffects classFiles = new ClassFileEffects(name -> null);
    private final Map<String, java.util.List<javax.lang.model.element.VariableElement>> fieldParams = new HashMap<>();
    private final Map<String, java.util.List<Component>> components = new HashMap<>();
    private final Map<String, Set<dev.adjoint.processor.ir.ClassRef>> byName = new HashMap<>();
    private final Map<String, Set<String>> deprecated = new HashMap<>();
    private final java.util.List<java.util.List<Catches.Handler>> catchContexts = new java.util.ArrayList<>();
    /** The classes the build compiles from source, by qualified name (read/Dispatch chooses among them). */
    private final Set<String> sourceClasses = new java.util.LinkedHashSet<>();

    /**
     * A helper's parameter standing for a component of one of its record parameters: which
     * parameter ({@code parameter}), and the components from it down ({@code path}, accessors in order).
     */
    record Component(int parameter, java.util.List<dev.adjoint.processor.find.Records.Component> path) {}

    public void addPlan(MethodPlan plan) {
        plans.put(plan.key(), plan);
    }

    /** The plan of a {@code @Differentiable} method of this build, or null. */
    public MethodPlan plan(String key) {
        return plans.get(key);
    }

    /** The helpers read so far, by key: the normal form inlines them. */
    public Map<String, MethodIr> helpers() {
        return helpers;
    }

    MethodIr helper(String key) {
        return helpers.get(key);
    }

    /**
     * The suffix of the key of a helper read for the catches {@code around} its call ({@code #catch2}):
     * its throws become what they throw, so it is read apart for each try it is called in.
     */
    String catchContext(java.util.List<Catches.Handler> around) {
        int i = catchContexts.indexOf(around);
        if (i < 0) {
            catchContexts.add(java.util.List.copyOf(around));
            i = catchContexts.size() - 1;
        }
        return "#catch" + i;
    }

    /**
     * The position among its parameters (its fields' first, as its callers fill them) of the array a
     * helper returns as it is, its whole body {@code return values;} (a getter: {@code return
     * this.center;}), or -1: inlined, its call is that argument, which a local of the caller may
     * name again ({@code analysis.Aliases}).
     */
    int returnedArray(String key) {
        MethodIr helper = helpers.get(key);
        if (helper == null || helper.body().size() != 1 || !(helper.body().get(0) instanceof Stmt.Return r)
                || !(r.value() instanceof Expr.Read read) || !read.var().type.isArray()) {
            return -1;
        }
        for (int i = 0; i < helper.params().size(); i++) {
            if (helper.params().get(i).var() == read.var()) {
                return i;
            }
        }
        return -1;
    }

    boolean reading(String key) {
        return helpers.containsKey(key);
    }

    /**
     * Whether a helper read under {@code key}, or under it with a suffix ({@code #given...},
     * {@code #catch2}, {@code #other}, {@code #value}), is being read now: begun, not finished.
     */
    boolean beingRead(String key) {
        for (Map.Entry<String, MethodIr> e : helpers.entrySet()) {
            if (e.getValue() == null && (e.getKey().equals(key) || e.getKey().startsWith(key + "#"))) {
                return true;
            }
        }
        return false;
    }

    void putHelper(String key, MethodIr ir) {
        helpers.put(key, ir);
    }

    /** The receiver's fields an instance helper reads, which lead its parameters (empty for a static one). */
    java.util.List<javax.lang.model.element.VariableElement> fieldParams(String key) {
        return fieldParams.getOrDefault(key, java.util.List.of());
    }

    /** The component parameters of a helper's record parameters, in the order they follow its own. */
    java.util.List<Component> components(String key) {
        return components.getOrDefault(key, java.util.List.of());
    }

    void putComponents(String key, java.util.List<Component> list) {
        components.put(key, list);
    }

    void putFieldParams(String key, java.util.List<javax.lang.model.element.VariableElement> fields) {
        fieldParams.put(key, fields);
    }

    Map<String, Boolean> readOnlyCache() {
        return readOnly;
    }

    /** Reads the class files of library methods through the compiler's {@code filer}, for the whole build. */
    public void readClassFilesWith(javax.annotation.processing.Filer filer) {
        classFiles = new ClassFileEffects(ClassFileEffects.of(filer));
    }

    ClassFileEffects classFiles() {
        return classFiles;
    }

    /**
     * Whether the record {@code internalName} ({@code a/b/Outer$Params}), known by its class file, has
     * a canonical constructor that only stores its parameters, as the implicit one does; false when
     * it does more or its class file cannot be read ({@link RecordConstructors}).
     */
    public boolean recordConstructorOnlyStores(String internalName) {
        return RecordConstructors.onlyStores(classFiles.load(internalName));
    }

    /**
     * The deprecation warnings ({@code "deprecation"}, {@code "removal"}) the derivative code of a
     * site package would repeat: what the bodies read there name or call that is deprecated.
     */
    public Set<String> deprecatedUses(String sitePackage) {
        return deprecated.computeIfAbsent(sitePackage, p -> new java.util.HashSet<>());
    }

    /**
     * The classes whose hidden members the adjoint classes of package {@code sitePackage} reach
     * through bridges but cannot name (a class that is not public in another package, a private
     * nested class): their bridges look them up by name.
     */

    public Set<dev.adjoint.processor.ir.ClassRef> lookedUpByName(String sitePackage) {
        return byName.computeIfAbsent(sitePackage, p -> new java.util.LinkedHashSet<>());
    }

    public Set<String> planKeys() {
        return plans.keySet();
    }

    /**
     * Whether the helper read under {@code key} holds code Adjoint refuses, itself or in a helper it
     * inlines in turn (a recursive call among them): then the call of another class's method stays
     * a call while no derivative flows through it.
     */
    boolean refused(String key) {
        return refused(key, new java.util.HashSet<>());
    }

    private boolean refused(String key, Set<String> visiting) {
        MethodIr helper = helper(key);
        if (helper == null || !visiting.add(key)) {
            return true; // still being read, or met again: a recursive call
        }
        boolean[] refused = {helper.vector() && !helper.returnsOwnArray()};
        Stmts.forEach(helper.body(), s -> refused[0] |= s instanceof Stmt.Unsupported);
        Stmts.forEachExpr(helper.body(), e -> refused[0] |= Exprs.any(e, n -> n instanceof Expr.Unsupported
                || n instanceof Expr.Call c && (c.callee() instanceof Callee.Opaque o && o.inlined() != null
                        || c.callee() instanceof Callee.Inline i && refused(i.key(), visiting))));
        visiting.remove(key);
        return refused[0];
    }

    /**
     * Notes the classes the build compiles from source: {@code roots} (a round's root elements) and
     * the classes nested in them. An abstract method called on an object of this build is dispatched
     * among them (read/Dispatch).
     */
    public void addSourceClasses(java.util.Collection<? extends javax.lang.model.element.Element> roots) {
        for (javax.lang.model.element.TypeElement t : javax.lang.model.util.ElementFilter.typesIn(roots)) {
            sourceClasses.add(t.getQualifiedName().toString());
            addSourceClasses(t.getEnclosedElements());
        }
    }

    /** The qualified names of the classes compiled from source in this build, as the rounds gave them. */
    Set<String> sourceClasses() {
        return sourceClasses;
    }
}
