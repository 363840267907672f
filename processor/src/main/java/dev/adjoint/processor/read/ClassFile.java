package dev.adjoint.processor.read;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a class file ({@code JVMS §4}) that {@link ClassFileEffects} needs to judge whether a
 * library's method only reads, and {@link RecordConstructors} whether a record's canonical
 * constructor only stores: its class's name, flags and superclass, a record's components, and per
 * method its flags, its code and exception handlers; the constant pool entries its instructions refer to (members,
 * classes, {@code invokedynamic} bootstraps). Everything else (annotations, debug tables, stack
 * maps) is skipped. Malformed bytes throw {@link IllegalArgumentException}: the caller then refuses.
 */
final class ClassFile {

    static final int ACC_PRIVATE = 0x0002;
    static final int ACC_STATIC = 0x0008;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_NATIVE = 0x0100;
    static final int ACC_INTERFACE = 0x0200;
    static final int ACC_ABSTRACT = 0x0400;

    /** A field or method named by an instruction: its class (internal name), name and descriptor. */
    record Member(String owner, String name, String descriptor) {}

    /**
     * A method: its flags, name, descriptor, the size of its frame and its code (null when abstract or
     * native), and the offsets of its exception handlers (what they catch does not matter here).
     */
    record Method(int access, String name, String descriptor, int maxStack, int maxLocals, byte[] code,
            List<Integer> handlers) {
        boolean isStatic() {
            return (access & ACC_STATIC) != 0;
        }
    }

    final String name;
    /** The superclass's internal name, null for {@code java/lang/Object}. */
    final String superName;
    final int access;
    /** Methods by name + descriptor ({@code "check(D[D)V"}). */
    final Map<String, Method> methods = new LinkedHashMap<>();
    /** A record's components in order (owner: this class), from its {@code Record} attribute; else empty. */
    final List<Member> recordComponents = new ArrayList<>();

    private final Object[] pool;
    private final int[] tags;
    /** Per bootstrap method, the constant pool index of its method handle. */
    private final List<Integer> bootstraps = new ArrayList<>();

    private ClassFile(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        pool = new Object[count];
        tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> pool[i] = in.readUTF(); // Utf8
                case 3, 4 -> in.readInt(); // Integer, Float
                case 5, 6 -> { // Long, Double: two slots
                    in.readLong();
                    i++;
                }
                // Class, String, MethodType, Module, Package
                case 7, 8, 16, 19, 20 -> pool[i] = new int[] {in.readUnsignedShort()};
                case 9, 10, 11, 12, 17, 18 -> // field/method/interface-method refs, NameAndType, Dynamic, InvokeDynamic
                        pool[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 15 -> pool[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()}; // MethodHandle
                default -> throw new IllegalArgumentException("constant pool tag " + tag);
            }
        }
        access = in.readUnsignedShort();
        name = className(in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        superName = superIndex == 0 ? null : className(superIndex);
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.skipBytes(6);
            skipAttributes(in);
        }
        int methodCount = in.readUnsignedShort();
        for (int i = 0; i < methodCount; i++) {
            int flags = in.readUnsignedShort();
            String methodName = utf8(in.readUnsignedShort());
            String descriptor = utf8(in.readUnsignedShort());
            int maxStack = 0;
            int maxLocals = 0;
            byte[] code = null;
            List<Integer> handlers = new ArrayList<>();
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8(in.readUnsignedShort());
                int length = in.readInt();
                if (attribute.equals("Code")) {
                    maxStack = in.readUnsignedShort();
                    maxLocals = in.readUnsignedShort();
                    code = new byte[in.readInt()];
                    in.readFully(code);
                    int entries = in.readUnsignedShort();
                    for (int e = 0; e < entries; e++) {
                        in.readUnsignedShort(); // start
                        in.readUnsignedShort(); // end
                        handlers.add(in.readUnsignedShort());
                        in.readUnsignedShort(); // catch type
                    }
                    skipAttributes(in);
                } else {
                    in.skipBytes(length);
                }
            }
            methods.put(methodName + descriptor, new Method(flags, methodName, descriptor, maxStack, maxLocals, code,
                    handlers));
        }
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            String attribute = utf8(in.readUnsignedShort());
            int length = in.readInt();
            if (attribute.equals("BootstrapMethods")) {
                int n = in.readUnsignedShort();
                for (int b = 0; b < n; b++) {
                    bootstraps.add(in.readUnsignedShort());
                    in.skipBytes(2 * in.readUnsignedShort()); // static arguments
                }
            } else if (attribute.equals("Record")) {
                int n = in.readUnsignedShort();
                for (int c = 0; c < n; c++) {
                    recordComponents.add(new Member(name, utf8(in.readUnsignedShort()), utf8(in.readUnsignedShort())));
                    skipAttributes(in);
                }
            } else {
                in.skipBytes(length);
            }
        }
    }

    /** Parses a class file; {@link IllegalArgumentException} when the bytes are not one. */
    static ClassFile parse(byte[] bytes) {
        try {
            return new ClassFile(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable class file: " + e.getMessage(), e);
        }
    }

    /** The field or method a {@code get/put}/{@code invoke} instruction names by constant pool index. */
    Member member(int index) {
        int[] ref = ints(index);
        int[] nameAndType = ints(ref[1]);
        return new Member(className(ref[0]), utf8(nameAndType[0]), utf8(nameAndType[1]));
    }

    /** The name and descriptor of an {@code invokedynamic} call site. */
    Member dynamicSite(int index) {
        int[] nameAndType = ints(ints(index)[1]);
        return new Member("", utf8(nameAndType[0]), utf8(nameAndType[1]));
    }

    /** The class of the bootstrap method of an {@code invokedynamic} call site (internal name). */
    String bootstrapOwner(int index) {
        int handle = bootstraps.get(ints(index)[0]);
        return member(ints(handle)[1]).owner();
    }

    /** Whether the constant an {@code ldc} loads is a long or a double (two stack words). */
    boolean isWide(int index) {
        return tags[index] == 5 || tags[index] == 6;
    }

    private String className(int index) {
        return utf8(ints(index)[0]);
    }

    private String utf8(int index) {
        if (!(pool[index] instanceof String s)) {
            throw new IllegalArgumentException("constant " + index + " is not text");
        }
        return s;
    }

    private int[] ints(int index) {
        if (!(pool[index] instanceof int[] ref)) {
            throw new IllegalArgumentException("constant " + index + " is not a reference");
        }
        return ref;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipBytes(in.readInt());
        }
    }
}
