package dev.adjoint.processor.testing;

import java.util.Map;

/** Loads classes a test compiled in memory (binary name → class file bytes), delegating to {@code parent}. */
public final class BytesClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    public BytesClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
        super(parent);
        this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
