package dev.adjoint.processor.find;

import dev.adjoint.DerivativeOf;
import dev.adjoint.Differentiable;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.MirroredTypeException;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * The user-supplied derivatives ({@code @DerivativeOf}) of the build: checks each declaration's
 * signature against its target, reporting a mismatch at the declaration, and answers which
 * partial derivatives a call target has. Kept by method key, so they serve every later round.
 */
public final class CustomDerivatives {

    private final Types types;
    private final Diagnostics diagnostics;
    private final Map<String, Callee.Partial[]> byTarget = new HashMap<>();
    private final Map<String, String> declaredBy = new HashMap<>();

    public CustomDerivatives(Types types, Diagnostics diagnostics) {
        this.types = types;
        this.diagnostics = diagnostics;
    }

    /** Registers the {@code @DerivativeOf} methods of a round. */
    public void add(Set<? extends Element> annotated) {
        for (Element e : annotated) {
            if (e instanceof ExecutableElement derivative) {
                try {
                    add(derivative);
                } catch (Diagnostics.Abort abort) {
                    // reported at the declaration
                }
            }
        }
    }

    /**
     * The partial derivatives given for the method with {@code key}, entry i for parameter i (null
     * if none); null when none at all. A {@code @DerivativeOf} of the build comes first, then the
     * built-in ones of well-known libraries' special functions ({@link #BUILT_IN}).
     */
    public List<Callee.Partial> of(String key) {
        Callee.Partial[] d = byTarget.get(key);
        return d != null ? Arrays.asList(d) : BUILT_IN.get(key);
    }

    /**
     * The derivatives of special functions of Commons Math 3, Hipparchus and Commons Numbers, from
     * their jars (Adjoint cannot read their bodies): log Γ's is the library's digamma, digamma's its
     * trigamma, erf's and erfc's 2/√π·e^(−x²) (with its sign), log B's ψ(a) − ψ(a + b), Γ's Γ·ψ,
     * log Γ(1 + x)'s ψ(1 + x) and 1/Γ(1 + x) − 1's −ψ(1 + x)/Γ(1 + x) from
     * {@code dev.adjoint.internal.Special}, as are those of FastMath's asinh, acosh and atanh (which
     * Math lacks, so they are not among the functions differentiated as Math's); the regularized incomplete gamma functions P(a, x) and
     * Q(a, x), and beta function I_x(a, b), have theirs in x (x^(a−1)e^(−x)/Γ(a) and
     * x^(a−1)(1−x)^(b−1)/B(a, b)) and in a and b (Special's series and continued fractions carried
     * with their derivatives). {@code MathUtils.normalizeAngle(a, center)}'s are 1 in a and 0 in the
     * centre (a whole number of turns apart).
     */
    private static final Map<String, List<Callee.Partial>> BUILT_IN = builtIn();

    /**
     * The derivatives of a library normal distribution's methods (Commons Math 3's and Hipparchus'
     * {@code NormalDistribution(mean, sd)}, which finmath's and many users' Black–Scholes formulas
     * call), in x, as rules on the object itself: Φ's is the object's {@code density}; the density
     * φ's −(x − μ)/σ²·φ(x) and log φ's −(x − μ)/σ², with μ and σ from its {@code getMean()} and
     * {@code getStandardDeviation()} (see {@code ad/Rules.partial}). Only for an object whose class
     * is known to be exactly that one (read/Calls), so no subclass overrides them.
     */
    private static final Map<String, List<Callee.Partial>> ON_OBJECT = onObjects();

    private static Map<String, List<Callee.Partial>> onObjects() {
        Map<String, List<Callee.Partial>> out = new HashMap<>();
        for (ClassRef normal : List.of(ClassRef.of("org.apache.commons.math3.distribution", "NormalDistribution"),
                ClassRef.of("org.hipparchus.distribution.continuous", "NormalDistribution"))) {
            String owner = normal.qualifiedName();
            out.put(owner + "#cumulativeProbability(double)", List.of(new Callee.Partial(normal, DENSITY, false, true)));
            out.put(owner + "#density(double)", List.of(new Callee.Partial(normal, DENSITY_SLOPE, false, true)));
            out.put(owner + "#logDensity(double)", List.of(new Callee.Partial(normal, LOG_DENSITY_SLOPE, false, true)));
        }
        return Map.copyOf(out);
    }

    /** The rule names of {@link #ON_OBJECT}'s partials. */
    public static final String DENSITY = "density";
    public static final String DENSITY_SLOPE = "densitySlope";
    public static final String LOG_DENSITY_SLOPE = "logDensitySlope";

    /**
     * The built-in partial derivatives of the instance method with {@code key} of a library class,
     * called on an object of exactly {@code exactClass} (its qualified name), entry i for
     * parameter i; null when there are none.
     */
    public static List<Callee.Partial> onObject(String key, String exactClass) {
        return key.startsWith(exactClass + "#") ? ON_OBJECT.get(key) : null;
    }

    /** The classes {@link #BUILT_IN} gives derivatives of methods of. */
    private static final Set<String> BUILT_IN_OWNERS = BUILT_IN.keySet().stream()
            .map(key -> key.substring(0, key.indexOf('#'))).collect(Collectors.toUnmodifiableSet());

    /** Whether {@code owner} is a library class some of whose methods have built-in derivatives. */
    public static boolean isBuiltIn(ClassRef owner) {
        return BUILT_IN_OWNERS.contains(owner.qualifiedName());
    }

    private static Map<String, List<Callee.Partial>> builtIn() {
        Map<String, List<Callee.Partial>> out = new HashMap<>();
        ClassRef special = ClassRef.of("dev.adjoint.internal", "Special");
        for (String pkg : List.of("org.apache.commons.math3.special", "org.hipparchus.special")) {
            ClassRef gamma = ClassRef.of(pkg, "Gamma");
            out.put(pkg + ".Gamma#logGamma(double)", List.of(new Callee.Partial(gamma, "digamma", false)));
            out.put(pkg + ".Gamma#digamma(double)", List.of(new Callee.Partial(gamma, "trigamma", false)));
            out.put(pkg + ".Erf#erf(double)", List.of(new Callee.Partial(special, "erfDerivative", false)));
            out.put(pkg + ".Erf#erfc(double)", List.of(new Callee.Partial(special, "erfcDerivative", false)));
            out.put(pkg + ".Beta#logBeta(double,double)", List.of(new Callee.Partial(special, "logBetaDerivativeA", false),
                    new Callee.Partial(special, "logBetaDerivativeB", false)));
            out.put(pkg + ".Gamma#gamma(double)", List.of(new Callee.Partial(special, "gammaDerivative", false)));
            out.put(pkg + ".Gamma#logGamma1p(double)", List.of(new Callee.Partial(special, "logGamma1pDerivative", false)));
            out.put(pkg + ".Gamma#invGamma1pm1(double)", List.of(new Callee.Partial(special, "invGamma1pm1Derivative",
                    false)));
            for (String p : List.of("P", "Q")) {
                Callee.Partial da = new Callee.Partial(special, "regularizedGamma" + p + "DerivativeA", false);
                Callee.Partial dx = new Callee.Partial(special, "regularizedGamma" + p + "DerivativeX", false);
                out.put(pkg + ".Gamma#regularizedGamma" + p + "(double,double)", Arrays.asList(da, dx));
                out.put(pkg + ".Gamma#regularizedGamma" + p + "(double,double,double,int)", Arrays.asList(da, dx, null, null));
            }
            incompleteBeta(out, pkg + ".Beta#regularizedBeta", special, true);
        }
        for (String utils : List.of("org.apache.commons.math3.util.MathUtils", "org.hipparchus.util.MathUtils")) {
            out.put(utils + "#normalizeAngle(double,double)", List.of(new Callee.Partial(special,
                    "normalizeAngleDerivativeA", false), new Callee.Partial(special, "normalizeAngleDerivativeCenter", false)));
        }
        for (String fastMath : List.of("org.apache.commons.math3.util.FastMath", "org.hipparchus.util.FastMath",
                "org.apache.commons.math4.core.jdkmath.AccurateMath", "org.apache.commons.math4.core.jdkmath.JdkMath",
                "net.jafama.FastMath", "net.jafama.StrictFastMath")) {
            for (String f : List.of("asinh", "acosh", "atanh")) {
                out.put(fastMath + "#" + f + "(double)", List.of(new Callee.Partial(special, f + "Derivative", false)));
            }
        }
        String numbers = "org.apache.commons.numbers.gamma";
        out.put(numbers + ".LogGamma#value(double)", List.of(new Callee.Partial(ClassRef.of(numbers, "Digamma"), "value",
                false)));
        out.put(numbers + ".Digamma#value(double)", List.of(new Callee.Partial(ClassRef.of(numbers, "Trigamma"), "value",
                false)));
        out.put(numbers + ".Erf#value(double)", List.of(new Callee.Partial(special, "erfDerivative", false)));
        out.put(numbers + ".Erfc#value(double)", List.of(new Callee.Partial(special, "erfcDerivative", false)));
        out.put(numbers + ".LogBeta#value(double,double)", List.of(new Callee.Partial(special, "logBetaDerivativeA",
                false), new Callee.Partial(special, "logBetaDerivativeB", false)));
        out.put(numbers + ".Gamma#value(double)", List.of(new Callee.Partial(special, "gammaDerivative", false)));
        out.put(numbers + ".LogGamma1p#value(double)", List.of(new Callee.Partial(special, "logGamma1pDerivative",
                false)));
        out.put(numbers + ".InvGamma1pm1#value(double)", List.of(new Callee.Partial(special, "invGamma1pm1Derivative",
                false)));
        for (String p : List.of("P", "Q")) {
            Callee.Partial da = new Callee.Partial(special, "regularizedGamma" + p + "DerivativeA", false);
            Callee.Partial dx = new Callee.Partial(special, "regularizedGamma" + p + "DerivativeX", false);
            out.put(numbers + ".RegularizedGamma." + p + "#value(double,double)", Arrays.asList(da, dx));
            out.put(numbers + ".RegularizedGamma." + p + "#value(double,double,double,int)", Arrays.asList(da, dx, null, null));
        }
        incompleteBeta(out, numbers + ".RegularizedBeta#value", special, false);
        return Map.copyOf(out);
    }

    /**
     * The regularized incomplete beta function I_x(a, b) under {@code method}, its derivatives in x,
     * a and b: with a tolerance and an iteration bound, and, for Commons Math and Hipparchus
     * ({@code eachBound}), with either alone.
     */
    private static void incompleteBeta(Map<String, List<Callee.Partial>> out, String method, ClassRef special,
            boolean eachBound) {
        Callee.Partial dx = new Callee.Partial(special, "regularizedBetaDerivativeX", false);
        Callee.Partial da = new Callee.Partial(special, "regularizedBetaDerivativeA", false);
        Callee.Partial db = new Callee.Partial(special, "regularizedBetaDerivativeB", false);
        out.put(method + "(double,double,double)", Arrays.asList(dx, da, db));
        out.put(method + "(double,double,double,double,int)", Arrays.asList(dx, da, db, null, null));
        if (eachBound) {
            out.put(method + "(double,double,double,double)", Arrays.asList(dx, da, db, null));
            out.put(method + "(double,double,double,int)", Arrays.asList(dx, da, db, null));
        }
    }

    private void add(ExecutableElement derivative) {
        Position at = Position.of(derivative);
        DerivativeOf spec = derivative.getAnnotation(DerivativeOf.class);
        TypeElement owner = targetClass(spec, derivative);
        String described = owner.getSimpleName() + "." + spec.method() + "(" + parameterTypes(derivative) + ")";
        if (!derivative.getModifiers().contains(Modifier.STATIC) || derivative.getModifiers().contains(Modifier.PRIVATE)
                || derivative.getReturnType().getKind() != TypeKind.DOUBLE) {
            throw diagnostics.abort(at, Tag.AdjointDerivativeSignature, "@DerivativeOf method "
                    + derivative.getSimpleName() + " must be static, not private, and return double (the partial "
                    + "derivative of " + described + ")");
        }
        List<ExecutableElement> named = ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(spec.method())).collect(Collectors.toList());
        ExecutableElement target = named.stream().filter(m -> sameParameters(m, derivative)).findFirst().orElse(null);
        if (target == null) {
            String candidates = named.isEmpty() ? "it has no method named " + spec.method()
                    : "its methods named " + spec.method() + " take (" + named.stream()
                            .map(CustomDerivatives::parameterTypes).collect(Collectors.joining("), (")) + ")";
            throw diagnostics.abort(at, Tag.AdjointDerivativeSignature, "@DerivativeOf names " + described
                    + ", which does not exist: " + candidates + "; a derivative takes exactly its target's parameters");
        }
        if (!target.getModifiers().contains(Modifier.STATIC) || target.getReturnType().getKind() != TypeKind.DOUBLE) {
            throw diagnostics.abort(at, Tag.AdjointDerivativeSignature, "@DerivativeOf target " + described
                    + " must be a static method returning double");
        }
        int wrt = spec.wrt();
        if (wrt < 0 || wrt >= target.getParameters().size()
                || target.getParameters().get(wrt).asType().getKind() != TypeKind.DOUBLE) {
            throw diagnostics.abort(at, Tag.AdjointDerivativeSignature, "@DerivativeOf(wrt = " + wrt
                    + ") must name a double parameter of " + described + " by its index (0 for the first)");
        }
        String key = Keys.of(target, types);
        Callee.Partial[] partials = byTarget.computeIfAbsent(key, t -> new Callee.Partial[target.getParameters().size()]);
        String me = Keys.of(derivative, types);
        if (partials[wrt] != null && !me.equals(declaredBy.get(key + "@" + wrt))) {
            throw diagnostics.abort(at, Tag.AdjointDerivativeSignature, "two derivatives of " + described
                    + " with respect to parameter " + wrt + ": " + partials[wrt].name() + " and "
                    + derivative.getSimpleName() + "; keep one");
        }
        partials[wrt] = new Callee.Partial(ClassRef.of((TypeElement) derivative.getEnclosingElement()),
                derivative.getSimpleName().toString(), derivative.getAnnotation(Differentiable.class) != null);
        declaredBy.put(key + "@" + wrt, me);
    }

    private TypeElement targetClass(DerivativeOf spec, ExecutableElement derivative) {
        TypeMirror type;
        try {
            type = types.getNoType(TypeKind.NONE);
            spec.type();
        } catch (MirroredTypeException mirrored) {
            type = mirrored.getTypeMirror();
        }
        if (type.getKind() == TypeKind.VOID || type.getKind() == TypeKind.NONE) {
            return (TypeElement) derivative.getEnclosingElement();
        }
        return (TypeElement) types.asElement(type);
    }

    private boolean sameParameters(ExecutableElement a, ExecutableElement b) {
        if (a.getParameters().size() != b.getParameters().size()) {
            return false;
        }
        for (int i = 0; i < a.getParameters().size(); i++) {
            if (!types.isSameType(a.getParameters().get(i).asType(), b.getParameters().get(i).asType())) {
                return false;
            }
        }
        return true;
    }

    private static String parameterTypes(ExecutableElement m) {
        List<String> names = new ArrayList<>();
        m.getParameters().forEach(p -> names.add(p.asType().toString()));
        return String.join(", ", names);
    }
}
