package dev.adjoint.processor.read;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a record known by its class file has a canonical constructor that only stores its
 * parameters into its fields, as the implicit one does: then a direction built as a record is the
 * direction given, and the record's directions in the tangents are records of its type, as when the
 * record is compiled with the method (Finder reads a record's source constructor the same way).
 *
 * <p>The code accepted is exactly javac's for the implicit constructor, which an explicit one that
 * only assigns ({@code this.mu = mu;} per component) compiles to as well: {@code aload_0;
 * invokespecial java/lang/Record."<init>"()V}, then per component, in any order and each once,
 * {@code aload_0}, the load of its parameter's slot ({@code dload_1}, {@code aload 5}, ...) and
 * {@code putfield} of the component's field of this record, then {@code return}. Anything else
 * (a compact constructor's statements, a call, a check), or a class file that cannot be read, is
 * not: the safe side, a gradient object as the direction.
 */
final class RecordConstructors {

    private static final int ALOAD_0 = 0x2a;
    private static final int INVOKESPECIAL = 0xb7;
    private static final int PUTFIELD = 0xb5;
    private static final int RETURN = 0xb1;
    private static final int WIDE = 0xc4;

    private RecordConstructors() {}

    /** Whether {@code record}'s canonical constructor only stores its parameters; false when unknown. */
    static boolean onlyStores(ClassFile record) {
        if (record == null || record.recordComponents.isEmpty()) {
            return false;
        }
        List<ClassFile.Member> components = record.recordComponents;
        StringBuilder descriptor = new StringBuilder("(");
        components.forEach(c -> descriptor.append(c.descriptor()));
        ClassFile.Method canonical = record.methods.get("<init>" + descriptor + ")V");
        if (canonical == null || canonical.code() == null || !canonical.handlers().isEmpty()) {
            return false;
        }
        try {
            return storesOnly(record, canonical.code(), components);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static boolean storesOnly(ClassFile record, byte[] code, List<ClassFile.Member> components) {
        if (code.length < 4 || u1(code, 0) != ALOAD_0 || u1(code, 1) != INVOKESPECIAL
                || !record.member(u2(code, 2)).equals(new ClassFile.Member("java/lang/Record", "<init>", "()V"))) {
            return false;
        }
        Set<String> stored = new HashSet<>();
        int pc = 4;
        while (pc < code.length && u1(code, pc) == ALOAD_0) {
            int[] load = load(code, pc + 1);
            if (load == null) {
                return false;
            }
            pc += 1 + load[2];
            if (u1(code, pc) != PUTFIELD) {
                return false;
            }
            ClassFile.Member field = record.member(u2(code, pc + 1));
            pc += 3;
            int component = components.indexOf(field);
            if (component < 0 || !stored.add(field.name()) || load[1] != slot(components, component)
                    || load[0] != kind(field.descriptor())) {
                return false;
            }
        }
        return stored.size() == components.size() && pc == code.length - 1 && u1(code, pc) == RETURN;
    }

    /**
     * The load at {@code pc}: its kind (0 int, 1 long, 2 float, 3 double, 4 reference), its slot and
     * its length in bytes; null when the instruction is no load of a local.
     */
    private static int[] load(byte[] code, int pc) {
        int op = u1(code, pc);
        if (op >= 0x15 && op <= 0x19) { // iload ... aload, one-byte index
            return new int[] {op - 0x15, u1(code, pc + 1), 2};
        }
        if (op >= 0x1a && op <= 0x2d) { // iload_0 ... aload_3
            return new int[] {(op - 0x1a) / 4, (op - 0x1a) % 4, 1};
        }
        if (op == WIDE && u1(code, pc + 1) >= 0x15 && u1(code, pc + 1) <= 0x19) {
            return new int[] {u1(code, pc + 1) - 0x15, u2(code, pc + 2), 4};
        }
        return null;
    }

    /** The slot of the parameter of component {@code index}: {@code this} is 0, a long or double takes two. */
    private static int slot(List<ClassFile.Member> components, int index) {
        int slot = 1;
        for (int i = 0; i < index; i++) {
            char c = components.get(i).descriptor().charAt(0);
            slot += c == 'J' || c == 'D' ? 2 : 1;
        }
        return slot;
    }

    /** The kind of load a value of {@code descriptor} takes, numbered as in {@link #load}. */
    private static int kind(String descriptor) {
        return switch (descriptor.charAt(0)) {
            case 'J' -> 1;
            case 'F' -> 2;
            case 'D' -> 3;
            case 'L', '[' -> 4;
            default -> 0; // boolean, byte, char, short, int
        };
    }

    private static int u1(byte[] code, int pc) {
        return code[pc] & 0xff;
    }

    private static int u2(byte[] code, int pc) {
        return (u1(code, pc) << 8) | u1(code, pc + 1);
    }
}
