package dev.adjoint.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The guard of generated code against virtual dispatch it did not see. The derivative of an
 * instance method is generated from the bodies its class declares: its own, and those of the
 * methods it calls on {@code this}. A subclass that overrides one of them runs other code, whose
 * derivative was never generated, so the generated members check, on entry, that the object's
 * class still runs the declared body and refuse it otherwise rather than give a wrong derivative.
 * Generated code only.
 */
public final class Overrides {

    /** For each class, each instance method signature it has and the class whose body it runs. */
    private static final ClassValue<Map<String, String>> BODIES = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> type) {
            Map<String, String> out = new HashMap<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (overridable(m)) {
                        // the nearest declaration runs; interned, as the generated literals are
                        out.putIfAbsent(signature(m), c.getName().intern());
                    }
                }
            }
            // then interfaces' default methods, which run where no class declares the method: of those
            // declaring one, the most specific (javac refuses a class with two unrelated ones)
            Set<Class<?>> interfaces = new LinkedHashSet<>();
            ArrayDeque<Class<?>> todo = new ArrayDeque<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                todo.addAll(List.of(c.getInterfaces()));
            }
            while (!todo.isEmpty()) {
                Class<?> i = todo.poll();
                if (interfaces.add(i)) {
                    todo.addAll(List.of(i.getInterfaces()));
                }
            }
            Map<String, Class<?>> defaults = new HashMap<>();
            for (Class<?> i : interfaces) {
                for (Method m : i.getDeclaredMethods()) {
                    if (m.isDefault() && !out.containsKey(signature(m))) {
                        defaults.merge(signature(m), i, (a, b) -> a.isAssignableFrom(b) ? b : a);
                    }
                }
            }
            defaults.forEach((signature, i) -> out.put(signature, i.getName().intern()));
            return Map.copyOf(out);
        }
    };

    /**
     * For each class, by owner and then method, whether it overrides {@code owner}'s {@code method},
     * for the signatures whose nearest declaration {@code BODIES} gives is not the owner's. Two
     * lookups, so that the check on entry of generated code allocates no key.
     */
    private static final ClassValue<Map<String, Map<String, Boolean>>> OVERRIDDEN = new ClassValue<>() {
        @Override
        protected Map<String, Map<String, Boolean>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Overrides() {}

    /**
     * Throws unless {@code self}'s class runs the body of {@code method} ({@code name(type,...)},
     * types as {@link Class#getTypeName()} writes them) that class {@code owner} (a binary name)
     * declares.
     */
    public static void check(Object self, String owner, String method) {
        String runs = BODIES.get(self.getClass()).get(method);
        if (owner.equals(runs)) {
            return;
        }
        Map<String, Boolean> byMethod = OVERRIDDEN.get(self.getClass()).computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
        Boolean overrides = byMethod.get(method);
        if (overrides == null) {
            overrides = overridden(self.getClass(), owner, method);
            byMethod.put(method, overrides);
        }
        if (!overrides) {
            return;
        }
        if (!isA(self.getClass(), owner)) {
            // generated code that holds the object as a base (of a private nested class) was given another
            throw new ClassCastException(self.getClass().getName() + " is not a " + owner + ": this derivative is of "
                    + owner + "'s " + method);
        }
        throw new UnsupportedOperationException(self.getClass().getName() + " overrides " + method + " of "
                + owner + ", and Adjoint generated this derivative from " + owner + "'s body, not from the "
                + "override: differentiate the subclass's method with a @Differentiable method of its own, or "
                + "make " + method.substring(0, method.indexOf('(')) + " final");
    }

    /**
     * Whether {@code self}'s class is exactly {@code type} (a binary name, interned as the generated
     * literals are): generated code calling an abstract method on an object inlines the body of each
     * class of the build that implements it, chosen by this test.
     */
    public static boolean is(Object self, String type) {
        String name = self.getClass().getName();
        return name == type || name.equals(type);
    }

    /**
     * Throws: generated code calling {@code method} ({@code name(type,...)}) of {@code owner} on
     * {@code self} has the bodies of {@code known} (the classes of the build that implement it, by
     * binary name, comma-separated) only, and {@code self} is of none of them. Declared to return a
     * {@code double} so that it can stand where the call's value is wanted.
     */
    public static double unseen(Object self, String owner, String method, String known) {
        throw new UnsupportedOperationException(self.getClass().getName() + " runs " + method + " of " + owner
                + " with a body Adjoint did not see: this derivative holds the bodies of " + known + " only, the "
                + "named classes of the build it was generated in that implement it (not an anonymous or local class, "
                + "a lambda, or a class compiled apart); differentiate " + self.getClass().getName() + "'s method with "
                + "a @Differentiable method of its own, or make it a named class of that build");
    }

    /**
     * Returns {@code other}, unless it is {@code self}: generated code reads the fields of {@code
     * other} ({@code read}, as the source writes it) as data, where those of {@code self} are
     * differentiated; the same object under two names would lose their derivative, so it throws.
     */
    public static <T> T notThis(T other, Object self, String read) {
        if (other == self) {
            throw new UnsupportedOperationException(read + " reads a field of the object this derivative is taken "
                    + "with respect to, through another name: Adjoint reads it there as data, and its derivative would be "
                    + "lost; read it through this, or pass another object");
        }
        return other;
    }

    /**
     * Whether a class between {@code type} and its superclass {@code owner} overrides {@code owner}'s
     * {@code method}. The nearest declaration of the same signature need not: a package-private
     * method is overridden only from its own package (JLS 8.4.8.1), so {@code BODIES}' nearest
     * declaration in another package runs for calls made there and leaves {@code owner}'s body
     * running here. Walking down from {@code owner}, a declaration overrides if it may override one
     * of those already found. True where {@code owner} is not a superclass of {@code type} (an
     * interface's default method): {@code check} decides those.
     */
    private static boolean overridden(Class<?> type, String owner, String method) {
        ArrayDeque<Class<?>> chain = new ArrayDeque<>();
        for (Class<?> c = type; c != null && !c.getName().equals(owner); c = c.getSuperclass()) {
            chain.push(c);
        }
        Method declared = chain.isEmpty() || chain.peek().getSuperclass() == null ? null
                : declared(chain.peek().getSuperclass(), method);
        if (declared == null) {
            return true;
        }
        List<Method> overriders = new ArrayList<>(List.of(declared));
        for (Class<?> c : chain) {
            Method m = declared(c, method);
            if (m != null && overriders.stream().anyMatch(o -> mayOverride(c, o))) {
                overriders.add(m);
            }
        }
        return overriders.size() > 1;
    }

    /** Whether a method declared in {@code c} may override {@code m} (both instance methods, same signature). */
    private static boolean mayOverride(Class<?> c, Method m) {
        int modifiers = m.getModifiers();
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)
                || c.getPackageName().equals(m.getDeclaringClass().getPackageName());
    }

    /** {@code c}'s own instance method of {@code signature}, bridges included, or null. */
    private static Method declared(Class<?> c, String signature) {
        for (Method m : c.getDeclaredMethods()) {
            if (overridable(m) && signature(m).equals(signature)) {
                return m;
            }
        }
        return null;
    }

    /**
     * An instance method that is not private: one a subclass's may override. A bridge counts: javac
     * writes one where a subclass overrides a generic method (score(T) as score(String)), and it
     * runs the override.
     */
    private static boolean overridable(Method m) {
        int modifiers = m.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isPrivate(modifiers) && (m.isBridge() || !m.isSynthetic());
    }

    /** Whether {@code type} is the class or interface {@code name}, or extends or implements it. */
    private static boolean isA(Class<?> type, String name) {
        if (type == null) {
            return false;
        }
        if (type.getName().equals(name)) {
            return true;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (isA(i, name)) {
                return true;
            }
        }
        return isA(type.getSuperclass(), name);
    }

    static String signature(Method m) {
        return m.getName() + Stream.of(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }
}
