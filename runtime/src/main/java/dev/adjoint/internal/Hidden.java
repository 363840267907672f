package dev.adjoint.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How generated code reaches what a user's class keeps private: method handles looked up with
 * {@link MethodHandles#privateLookupIn} from the generated class's own lookup, which is in the same
 * package and module as the user's class. Generated code only.
 */
public final class Hidden {

    private Hidden() {}

    /** A handle on {@code owner.name(params)}, static. */
    public static MethodHandle staticMethod(MethodHandles.Lookup caller, Class<?> owner, String name, Class<?> result,
            Class<?>... params) {
        try {
            return MethodHandles.privateLookupIn(owner, caller).findStatic(owner, name,
                    MethodType.methodType(result, params));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated code cannot reach " + owner.getName() + "." + name, e);
        }
    }

    /**
     * A handle on {@code owner.name(params)} of an instance, taking the instance first: a public
     * method of a class of another module ({@code Object.toString()}, called on an object generated
     * code holds as a base) with the caller's own lookup.
     */
    public static MethodHandle virtualMethod(MethodHandles.Lookup caller, Class<?> owner, String name, Class<?> result,
            Class<?>... params) {
        MethodType type = MethodType.methodType(result, params);
        try {
            MethodHandles.Lookup lookup = owner.getModule() == caller.lookupClass().getModule()
                    ? MethodHandles.privateLookupIn(owner, caller) : caller;
            return lookup.findVirtual(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated code cannot reach " + owner.getName() + "." + name, e);
        }
    }

    /** A handle reading static field {@code owner.name}. */
    public static MethodHandle staticGetter(MethodHandles.Lookup caller, Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, caller).findStaticGetter(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated code cannot reach " + owner.getName() + "." + name, e);
        }
    }

    /** A handle reading instance field {@code name} of an {@code owner}. */
    public static MethodHandle getter(MethodHandles.Lookup caller, Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, caller).findGetter(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated code cannot reach " + owner.getName() + "." + name, e);
        }
    }

    /** A handle writing instance field {@code name} of an {@code owner} (a method storing its own field: ir/Stores). */
    public static MethodHandle setter(MethodHandles.Lookup caller, Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, caller).findSetter(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated code cannot reach " + owner.getName() + "." + name, e);
        }
    }

    /**
     * {@code handle} taking its receiver (its first parameter) as an {@code Object}: for a class
     * generated code cannot name (a private nested class), which holds the receiver as an {@code
     * Object} or a superclass. A receiver of another class throws {@code ClassCastException}.
     */
    public static MethodHandle onAnyReceiver(MethodHandle handle) {
        return handle.asType(handle.type().changeParameterType(0, Object.class));
    }

    /**
     * The class {@code binaryName} ({@code q.Outer$Inner}), for a class whose members generated code
     * reaches but whose name it cannot write (not public in another package, or private): loaded
     * by the generated class's own loader, without initialising it.
     */
    public static Class<?> type(MethodHandles.Lookup caller, String binaryName) {
        try {
            return Class.forName(binaryName, false, caller.lookupClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("generated code cannot find " + binaryName, e);
        }
    }

    /** Rethrows what a handle threw: unchecked exceptions as they are, a checked one wrapped. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
