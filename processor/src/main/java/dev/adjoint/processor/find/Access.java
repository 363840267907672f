package dev.adjoint.processor.find;

import dev.adjoint.processor.ir.ClassRef;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What the generated adjoint class can name, judged from the <em>site</em>: the package of the
 * {@code @Differentiable} method's class, where the adjoint class is generated as a top-level class
 * of its own. It sees the public members of public classes and the package-private and protected
 * members of its own package, never a private one. Everything read into it is judged from there,
 * the body of a helper of another class or package (inlined) too: a member it cannot name is
 * reached through a bridge (a method handle, see {@code emit.Bridges}); a type it cannot name
 * cannot be written in its code at all.
 */
public final class Access {

    private final Elements elements;
    private final PackageElement site;

    public Access(Elements elements, PackageElement site) {
        this.elements = elements;
        this.site = site;
    }

    /** The package the adjoint class is generated in. */
    public PackageElement site() {
        return site;
    }

    /** Whether the adjoint class can name the field, method or constructor {@code e} directly. */
    public boolean accessible(Element e) {
        if (e.getModifiers().contains(Modifier.PRIVATE)) {
            return false;
        }
        for (Element outer = e.getEnclosingElement(); outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return false;
            }
        }
        if (e.getModifiers().contains(Modifier.PUBLIC)) {
            for (Element outer = e.getEnclosingElement(); outer instanceof TypeElement t; outer = t.getEnclosingElement()) {
                if (!t.getModifiers().contains(Modifier.PUBLIC) && !inSite(t)) {
                    return false;
                }
            }
            return true;
        }
        // package-private or protected (the adjoint class is no subclass): only from its own package
        return inSite(e);
    }

    /** Whether the adjoint class can write the name of {@code type} (and of every class enclosing it). */
    public boolean nameable(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS
                    || t.getModifiers().contains(Modifier.PRIVATE)
                    || !t.getModifiers().contains(Modifier.PUBLIC) && !inSite(t)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code method}'s parameter and result types are all nameable, as inlining it needs. */
    public boolean nameable(javax.lang.model.element.ExecutableElement method) {
        return nameable(method.getReturnType()) && method.getParameters().stream().allMatch(p -> nameable(p.asType()));
    }

    /**
     * Whether the adjoint class can write {@code type} as a variable's, a cast's or a creation's
     * type: its classes, its type arguments and its array components nameable; no type variable
     * (the adjoint's members have none).
     */
    public boolean nameable(TypeMirror type) {
        return switch (type.getKind()) {
            case ARRAY -> nameable(((ArrayType) type).getComponentType());
            case DECLARED -> {
                DeclaredType d = (DeclaredType) type;
                yield nameable((TypeElement) d.asElement())
                        && d.getTypeArguments().stream().allMatch(this::nameable);
            }
            case WILDCARD -> {
                WildcardType w = (WildcardType) type;
                yield (w.getExtendsBound() == null || nameable(w.getExtendsBound()))
                        && (w.getSuperBound() == null || nameable(w.getSuperBound()));
            }
            case TYPEVAR, INTERSECTION, UNION -> false;
            default -> true; // primitives, void, null, and what javac could not attribute (refused elsewhere)
        };
    }

    /**
     * The first class of {@code type} (its element type for an array) that the adjoint class cannot
     * name, or null: a value of it may be named by a temporary of the generated code. Type
     * arguments and type variables are left to the stricter {@link #nameable(TypeMirror)}, which
     * judges what the code writes itself.
     */
    public TypeElement unnameableClass(TypeMirror type) {
        TypeMirror t = type;
        while (t instanceof ArrayType a) {
            t = a.getComponentType();
        }
        if (t instanceof DeclaredType d && d.asElement() instanceof TypeElement e && !nameable(e)) {
            return e;
        }
        return null;
    }

    /**
     * For messages: the first class of {@code type} the adjoint class cannot name, why, and the fix
     * ({@code q.Table, which is package-private in package q; make it public}).
     */
    public String cannotName(TypeMirror type) {
        TypeElement offender = offender(type);
        if (offender == null) {
            return type + ", a type variable or a type of several bounds; give it a class type";
        }
        return cannotName(offender);
    }

    /** {@link #cannotName(TypeMirror)} for a class. */
    public String cannotName(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            String name = t.getQualifiedName().toString();
            if (t.getNestingKind() == NestingKind.LOCAL || t.getNestingKind() == NestingKind.ANONYMOUS) {
                return type.getSimpleName() + ", a local class; declare it as a class of its own";
            }
            if (t.getModifiers().contains(Modifier.PRIVATE)) {
                return name + ", which is private; make it " + (inSite(t) ? "package-private" : "public");
            }
            if (!t.getModifiers().contains(Modifier.PUBLIC) && !inSite(t)) {
                return name + ", which is " + (t.getModifiers().contains(Modifier.PROTECTED) ? "protected" : "package-private")
                        + " in package " + elements.getPackageOf(t).getQualifiedName() + "; make it public";
            }
        }
        return type.getQualifiedName().toString();
    }

    /** The first class in {@code type} that the adjoint class cannot name, or null (a type variable). */
    private TypeElement offender(TypeMirror type) {
        switch (type.getKind()) {
            case ARRAY:
                return offender(((ArrayType) type).getComponentType());
            case DECLARED: {
                DeclaredType d = (DeclaredType) type;
                TypeElement e = (TypeElement) d.asElement();
                if (!nameable(e)) {
                    return e;
                }
                for (TypeMirror a : d.getTypeArguments()) {
                    TypeElement inner = offender(a);
                    if (inner != null) {
                        return inner;
                    }
                }
                return null;
            }
            case WILDCARD: {
                WildcardType w = (WildcardType) type;
                TypeElement e = w.getExtendsBound() == null ? null : offender(w.getExtendsBound());
                return e != null ? e : w.getSuperBound() == null ? null : offender(w.getSuperBound());
            }
            default:
                return null;
        }
    }

    /**
     * Why the adjoint class cannot write {@code type} (a variable's, a cast's, a creation's type), or
     * null when it can: "the adjoint class, generated in package p, cannot name q.T, which is ...".
     */
    public String unwritable(dev.adjoint.processor.ir.JType type) {
        return type.mirror() == null || nameable(type.mirror()) ? null : cannot(cannotName(type.mirror()));
    }

    /** Why the generated code could not hold a value of {@code type} (its class unnameable), or null. */
    public String unholdable(dev.adjoint.processor.ir.JType type) {
        TypeElement offender = type.mirror() == null ? null : unnameableClass(type.mirror());
        return offender == null ? null : cannot(cannotName(offender));
    }

    /** "the adjoint class, generated in package p, cannot name {@code what}". */
    public String cannot(String what) {
        return "the adjoint class, generated in package " + site.getQualifiedName() + ", cannot name " + what;
    }

    private boolean inSite(Element e) {
        return elements.getPackageOf(e).equals(site);
    }

    /**
     * Whether the adjoint class can reach the method it cannot name through a bridge: the bridge's
     * signature names its parameter and result types, and an instance method's class. A static
     * method's class it cannot name is looked up by name (registered here for the emitter).
     */
    public boolean bridgeable(ExecutableElement method, Types types, Set<ClassRef> lookedUp) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        for (VariableElement p : method.getParameters()) {
            if (!nameable(types.erasure(p.asType()))) {
                return false;
            }
        }
        if (!nameable(types.erasure(method.getReturnType()))) {
            return false;
        }
        if (!nameable(owner)) {
            if (!lookable(owner)) {
                return false;
            }
            lookedUp.add(ClassRef.of(owner)); // an instance method's bridge takes the object as an Object
        }
        return true;
    }

    /**
     * Whether generated code can look {@code type} up by its binary name ({@code Hidden.type}): it and
     * every class enclosing it are top-level or member classes, not local or anonymous.
     */
    public static boolean lookable(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getNestingKind() != NestingKind.TOP_LEVEL && t.getNestingKind() != NestingKind.MEMBER) {
                return false;
            }
        }
        return true;
    }

    /**
     * The type generated code holds an instance of {@code type} as: {@code type} itself when it can
     * name it, else its nearest superclass it can name (a private nested class's public base), with
     * wildcards for its type arguments ({@code Base<?>}). The members of the classes between are not
     * accessible to the adjoint class either; they are reached through bridges, which take the
     * object as an {@code Object}.
     */
    public TypeMirror heldAs(TypeElement type, Types types) {
        if (nameable(type)) {
            return type.asType();
        }
        TypeMirror t = type.getSuperclass();
        while (t instanceof DeclaredType d && d.asElement() instanceof TypeElement e) {
            if (nameable(e)) {
                TypeMirror[] any = new TypeMirror[e.getTypeParameters().size()];
                java.util.Arrays.fill(any, types.getWildcardType(null, null));
                return types.getDeclaredType(e, any);
            }
            t = e.getSuperclass();
        }
        return elements.getTypeElement("java.lang.Object").asType();
    }
}
