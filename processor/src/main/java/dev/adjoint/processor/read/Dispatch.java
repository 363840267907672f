package dev.adjoint.processor.read;

import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * A call of a method of the build whose body is chosen at run time (an abstract one, an interface's
 * default one, one a class of the build overrides) on an object whose class the code does not say
 * (H2O's {@code _linkFunction.link(f)}, a field of an abstract type): the method of each class of
 * the build an object of that type may be, chosen by the object's exact class at run time,
 * {@code Overrides.is(o, "C1") ? <C1's body> : Overrides.is(o, "C2") ? <C2's body> : Overrides.unseen(...)}.
 * An object of a class the build does not compile (a library's, an anonymous class, a lambda) makes
 * the generated code throw, naming it: its body was never differentiated.
 */
final class Dispatch {

    /** Beyond this many implementations the call is refused: each one's body is inlined at the call. */
    static final int MOST = 12;

    private static final ClassRef OVERRIDES = ClassRef.of("dev.adjoint.internal", "Overrides");

    private Dispatch() {}

    /** An abstract method of the user's code (not the JDK's), whose implementation is chosen at run time. */
    static boolean isAbstract(ExecutableElement method) {
        String owner = ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString();
        return method.getModifiers().contains(Modifier.ABSTRACT) && !owner.startsWith("java.") && !owner.startsWith("javax.");
    }

    /**
     * An abstract method, an interface's default one, or a method of a class that is not final that
     * its subclasses may override: of the user's code, not the JDK's.
     */
    private static boolean chosenAtRunTime(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        Set<Modifier> modifiers = method.getModifiers();
        return !owner.getQualifiedName().toString().startsWith("java.") && (isAbstract(method)
                || modifiers.contains(Modifier.DEFAULT) || owner.getKind() == ElementKind.CLASS
                && !owner.getModifiers().contains(Modifier.FINAL) && !modifiers.contains(Modifier.FINAL)
                && !modifiers.contains(Modifier.PRIVATE) && !modifiers.contains(Modifier.STATIC));
    }

    /** One implementation: the class and the method an object of exactly that class runs. */
    record Implementation(TypeElement type, ExecutableElement runs) {}

    /** A call read as {@link #chain} chooses, or why it cannot be (null when dispatch does not apply). */
    record Chosen(Expr chain, String why) {}

    /**
     * The classes of this build that an object of the receiver's type {@code held} may be, each with the
     * method it runs for {@code method}, by name; null when one of them cannot be inlined ({@code why}
     * gives the reason, else null), or none or more than {@link #MOST} are found; the reason in
     * {@code reason[0]}.
     */
    static List<Implementation> implementations(Elements elements, Types types, Catalog catalog,
            ExecutableElement method, TypeMirror held, java.util.function.Function<Implementation, String> why,
            String[] reason) {
        TypeMirror erased = types.erasure(held);
        List<Implementation> found = new ArrayList<>();
        for (String name : catalog.sourceClasses()) {
            TypeElement c = elements.getTypeElement(name);
            if (c == null || !(c.getKind() == ElementKind.CLASS || c.getKind() == ElementKind.RECORD
                    || c.getKind() == ElementKind.ENUM) || c.getModifiers().contains(Modifier.ABSTRACT)
                    || !types.isSubtype(types.erasure(c.asType()), erased)
                    || c.getTypeParameters().isEmpty() && !types.isSubtype(c.asType(), held)) {
                continue; // not such an object (Q implements Fn<Integer> is no Fn<String>)
            }
            if (c.getKind() == ElementKind.ENUM && !c.getModifiers().contains(Modifier.FINAL)) {
                reason[0] = "the constants of the enum " + c.getQualifiedName() + " have bodies, classes without a name";
                return null;
            }
            Implementation i = new Implementation(c, ExactClass.runs(elements, method, c));
            reason[0] = i.runs() == null ? c.getQualifiedName() + " runs no body for it" : why.apply(i);
            if (reason[0] != null) {
                return null;
            }
            found.add(i);
        }
        found.sort(java.util.Comparator.comparing(i -> i.type().getQualifiedName().toString()));
        reason[0] = found.isEmpty() ? "no class of this build implements it" : found.size() > MOST ? found.size()
                + " classes of this build implement it, more than the " + MOST + " it inlines at a call" : null;
        return reason[0] != null ? null : found;
    }

    /**
     * The call of {@code method}, chosen at run time, on {@code receiver}: each implementation's body
     * inlined (read by {@code calls}, on the object as that class), chosen by {@link #chain}; else why
     * not, where one of them cannot be inlined or is refused, or none is found; null where a method no
     * class overrides is inlined as it is.
     */
    static Chosen of(Calls calls, Elements elements, Catalog catalog, ExecutableElement method, Expr receiver,
            List<Expr> args, JType type, Position at, BodyReader body) {
        if (receiver == null || !chosenAtRunTime(method) || receiver.type().mirror() == null
                || receiver.type().mirror().getKind() != TypeKind.DECLARED || !catalog.sourceClasses().contains(
                ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString())) {
            return null; // a library's method: its own classes, which the build does not compile, may run it
        }
        if (method.getReturnType().getKind() != TypeKind.DOUBLE || !repeatable(receiver)) {
            return new Chosen(null, method.getReturnType().getKind() != TypeKind.DOUBLE ? "it does not return a double"
                    : "the object is not held in a variable or a field, and the choice would compute it again; hold "
                    + "it in a local variable first");
        }
        Types types = calls.types();
        String[] reason = {null};
        List<Implementation> found = implementations(elements, types, catalog, method, receiver.type().mirror(),
                i -> !calls.access().nameable(types.erasure(i.type().asType())) ? "the adjoint class cannot name "
                        + i.type().getQualifiedName() + " (private, or not public in another package)"
                        : !calls.runsOnObject(i.runs()) ? i.type().getQualifiedName() + "'s method is @Differentiable, "
                                + "has a @DerivativeOf or returns no number, and is not inlined"
                        // an object of a subclass of the caller's class may be the caller's own, its fields read as data
                        : body.fieldsDifferentiated() && calls.callers().mayBeCallersOwn(receiver, i.type()) ? "an "
                                + "object of " + i.type().getQualifiedName() + " may be the one whose fields this method differentiates"
                        : null, reason);
        if (found == null || !isAbstract(method) && !method.getModifiers().contains(Modifier.DEFAULT)
                && found.stream().allMatch(i -> i.runs().equals(method))) {
            // a method of a class that no class of the build overrides: inlined, guarded against one
            return found == null ? new Chosen(null, reason[0]) : null;
        }
        List<Expr> bodies = new ArrayList<>();
        for (Implementation i : found) {
            Expr inlined = calls.inline(i.runs(), Keys.of(i.runs(), types), ExactClass.as(types, receiver, i.type(), at),
                    args, i.runs().getParameters().stream().map(p -> JType.of(p.asType())).toList(),
                    ClassRef.of((TypeElement) i.runs().getEnclosingElement()), type, at, body, true, i.type());
            String key = inlined instanceof Expr.Call c && c.callee() instanceof Callee.Inline in ? in.key() : null;
            if (key == null || catalog.helper(key) == null || catalog.refused(key)) {
                return new Chosen(null, i.type().getQualifiedName() + "'s " + method.getSimpleName() + " holds code "
                        + "Adjoint refuses, or calls it again (an error there says which, if it is reached otherwise)");
            }
            bodies.add(inlined);
        }
        return new Chosen(chain(elements, receiver, found, bodies, method, type, at), null);
    }

    /** Whether {@code call} is {@code super.m(...)}: the superclass's body, whatever the object's class. */
    static boolean viaSuper(com.sun.source.tree.MethodInvocationTree call) {
        return call.getMethodSelect() instanceof com.sun.source.tree.MemberSelectTree select
                && select.getExpression() instanceof com.sun.source.tree.IdentifierTree id && id.getName().contentEquals("super");
    }

    /** The refusal of {@code super.m(...)} in a method of another object, which Adjoint inlines by the object's class. */
    static String viaSuper(ExecutableElement method) {
        return "cannot differentiate through super." + method.getSimpleName() + "(...) in a method of another object: "
                + "Adjoint inlines such a method by the object's class, and does not follow a call of the superclass's "
                + "version; move that code into a method of its own that both call";
    }

    /**
     * Whether the receiver can be evaluated once per implementation tested: a variable, or a field
     * of one (or a static field), which the tests do not change.
     */
    static boolean repeatable(Expr receiver) {
        return receiver instanceof Expr.Read || receiver instanceof Expr.StaticGet
                || receiver instanceof Expr.FieldGet f && repeatable(f.target());
    }

    /**
     * The chain choosing among {@code bodies} (each the inlined call of one of {@code found}, in
     * order) by the receiver's exact class, ending in the call that throws for any other class.
     */
    static Expr chain(Elements elements, Expr receiver, List<Implementation> found, List<Expr> bodies,
            ExecutableElement method, JType type, Position at) {
        StringBuilder known = new StringBuilder();
        for (Implementation i : found) {
            known.append(known.length() == 0 ? "" : ", ").append(elements.getBinaryName(i.type()));
        }
        String owner = elements.getBinaryName((TypeElement) method.getEnclosingElement()).toString();
        Expr chain = new Expr.Call(new Callee.Opaque(OVERRIDES, "unseen", List.of(JType.OBJECT, JType.STRING,
                JType.STRING, JType.STRING), JType.DOUBLE, true, false, true), null, List.of(receiver,
                text(owner, at), text(method.toString(), at), text(known.toString(), at)), type, at);
        for (int k = found.size() - 1; k >= 0; k--) {
            Expr test = new Expr.Call(new Callee.Opaque(OVERRIDES, "is", List.of(JType.OBJECT, JType.STRING),
                    JType.BOOLEAN, true, false, true), null, List.of(receiver,
                    text(elements.getBinaryName(found.get(k).type()).toString(), at)), JType.BOOLEAN, at);
            chain = new Expr.Cond(test, bodies.get(k), chain, type, at);
        }
        return chain;
    }

    private static Expr text(String s, Position at) {
        return new Expr.Const(s, JType.STRING, at);
    }
}
