package dev.adjoint.processor.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Filer;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Whether a library's method, known only by its class file (a jar on the class path), writes
 * nothing its caller can see: then a differentiated array may be passed to it, as to a method of
 * the build that {@link Effects} proves read-only from its source.
 *
 * <p>The proof is conservative: an abstract interpretation of the method's bytecode over one fact
 * per stack word and local, <em>fresh</em> (a reference to an object or array this method
 * allocated, or null) or not. The method writes nothing reachable from its arguments when it
 * <ul>
 * <li>stores array elements ({@code dastore}, {@code aastore}, ...) and fields ({@code putfield})
 *     only into fresh objects (a varargs {@code Object[]} built for a message, an exception under
 *     construction: in a constructor {@code this} is fresh), and no static field ({@code putstatic});
 * <li>calls only methods proven so in turn (recursively, cycles assumed read-only until shown
 *     otherwise, depth and count bounded), whose code is known at the call: static, private, final,
 *     a constructor or of a final class (never an interface's method, whose implementation is chosen
 *     at run time), or JDK methods of a short list below (their array arguments must be fresh unless
 *     they only read arrays; none given a callback such as a {@code Comparator}; {@code System.arraycopy}
 *     into a fresh array); {@code invokedynamic} only for string concatenation;
 * <li>constructs exceptions given no array but fresh ones: the constructor of a {@code Throwable}
 *     (a JDK's or a library's: Commons Math's keep their message's arguments in lists) is taken as
 *     keeping what it is told for its message, not as writing it.
 * </ul>
 * What a call of it returns is judged where it is called (Calls: a result that could carry a
 * number is not a check's). Assumed, not proven: an object's {@code toString} (string concatenation
 * and {@code StringBuilder.append(Object)} call it) and a class's static initialiser write nothing
 * of the caller's. Verdicts are cached per method for the whole build.
 */
final class ClassFileEffects {

    /** The bytes of a class file by internal name ({@code a/b/Outer$Inner}), or null when it cannot be found. */
    interface ClassSource {
        byte[] bytes(String internalName);
    }

    /** How deep a chain of calls is followed, and how many methods one question may read. */
    private static final int MAX_DEPTH = 16;
    private static final int MAX_METHODS = 200;

    /**
     * JDK classes all of whose methods only read, or write only themselves: immutable values, and
     * builders of text, which hold no number a derivative could follow.
     */
    private static final Set<String> JDK_CLASSES = Set.of("java/lang/Math", "java/lang/StrictMath", "java/lang/String",
            "java/lang/StringBuilder", "java/lang/StringBuffer", "java/lang/Double", "java/lang/Float",
            "java/lang/Integer", "java/lang/Long", "java/lang/Short", "java/lang/Byte", "java/lang/Character",
            "java/lang/Boolean");
    /** Further JDK methods (any overload) that write none of their arguments. */
    private static final Set<String> JDK_METHODS = Set.of("java/lang/Object.<init>", "java/lang/Object.getClass",
            "java/lang/Class.getName", "java/lang/Class.getSimpleName", "java/lang/Enum.ordinal", "java/lang/Enum.name",
            "java/util/Objects.requireNonNull", "java/util/Objects.isNull", "java/util/Objects.nonNull",
            "java/util/Objects.checkIndex", "java/util/Objects.checkFromToIndex", "java/util/Objects.checkFromIndexSize",
            "java/util/Objects.toString");
    /** JDK methods that read the arrays they are given (the others must be given fresh ones). */
    private static final Set<String> JDK_READS_ARRAYS = Set.of("java/util/Arrays.toString", "java/util/Arrays.equals",
            "java/util/Arrays.hashCode", "java/util/Arrays.binarySearch", "java/util/Arrays.copyOf",
            "java/util/Arrays.copyOfRange");

    private static final int INVOKEVIRTUAL = 182;
    private static final int INVOKESPECIAL = 183;
    private static final int INVOKESTATIC = 184;
    private static final int INVOKEINTERFACE = 185;

    private final ClassSource source;
    private final Map<String, Optional<ClassFile>> classes = new HashMap<>();
    /** Per method ({@code owner.name descriptor}): "" when proven, else why not. */
    private final Map<String, String> verdicts = new HashMap<>();
    /** The methods being read, outermost first: a call of one of them is a cycle. */
    private final List<String> reading = new ArrayList<>();
    /** The outermost method of {@link #reading} that a cycle assumed read-only: nothing inside is cached. */
    private int assumed = Integer.MAX_VALUE;
    private int budget;

    ClassFileEffects(ClassSource source) {
        this.source = source;
    }

    /**
     * The class files the compiler sees: the class path, then the platform's (the JDK's classes
     * matter only for their superclasses, to tell an exception); a JDK's own image last.
     */
    static ClassSource of(Filer filer) {
        return internalName -> {
            int slash = internalName.lastIndexOf('/');
            String pkg = slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
            String file = internalName.substring(slash + 1) + ".class";
            for (StandardLocation location : List.of(StandardLocation.CLASS_PATH, StandardLocation.PLATFORM_CLASS_PATH)) {
                try {
                    FileObject f = filer.getResource(location, pkg, file);
                    try (InputStream in = f.openInputStream()) {
                        return in.readAllBytes();
                    }
                } catch (IOException | RuntimeException notThere) {
                    // not in this location
                }
            }
            return platform(internalName);
        };
    }

    /** A JDK class's file from the running JDK's image, or null. */
    static byte[] platform(String internalName) {
        if (!jdk(internalName)) {
            return null;
        }
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Null when a call of {@code owner.name descriptor} (static, or on an object) is proven to write
     * nothing reachable from its arguments; otherwise why it is not, a sentence about the method.
     */
    String whyNot(String owner, String name, String descriptor, boolean isStatic) {
        budget = MAX_METHODS;
        boolean[] args = new boolean[ClassFileEffects.parameters(descriptor).size() + (isStatic ? 0 : 1)];
        return call(isStatic ? INVOKESTATIC : INVOKEVIRTUAL, new ClassFile.Member(owner, name, descriptor), args);
    }

    /** A call: null when it writes nothing reachable from its arguments; {@code fresh} per argument, receiver first. */
    private String call(int opcode, ClassFile.Member m, boolean[] fresh) {
        if (m.owner().startsWith("[")) {
            return null; // an array's own methods (clone, getClass, the identity hashCode) read it
        }
        if (m.name().equals("<init>") && throwable(m.owner())) {
            // an exception under construction keeps what it is told for its message: taken as reading
            // its arguments, as long as it is given no array but its own (a varargs Object[])
            return freshArrays(m, fresh);
        }
        if (jdk(m.owner())) {
            return jdkCall(m, fresh);
        }
        String owner = m.owner();
        ClassFile declaring = null;
        ClassFile.Method method = null;
        for (int depth = 0; method == null; depth++) {
            declaring = load(owner);
            if (declaring == null || depth > MAX_DEPTH) {
                return "the class file of " + pretty(owner) + " cannot be found, so " + pretty(m) + " cannot be read";
            }
            method = declaring.methods.get(m.name() + m.descriptor());
            if (method == null) {
                owner = declaring.superName;
                if (owner == null) {
                    return pretty(m) + " is not declared in its class files";
                }
                if (jdk(owner)) {
                    return jdkCall(new ClassFile.Member(owner, m.name(), m.descriptor()), fresh);
                }
            }
        }
        if (opcode == INVOKEINTERFACE || (declaring.access & ClassFile.ACC_INTERFACE) != 0 && !method.isStatic()) {
            return pretty(m) + " is an interface's method, whose code is chosen at run time";
        }
        ClassFile named = load(m.owner());
        if (opcode == INVOKEVIRTUAL && (method.access() & (ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL)) == 0
                && (named == null || (named.access & ClassFile.ACC_FINAL) == 0)) {
            return pretty(m) + " may be overridden, so the code it runs is chosen at run time";
        }
        if (method.code() == null) {
            return pretty(m) + " has no code to read (abstract or native)";
        }
        return prove(declaring, method, fresh);
    }

    /** A JDK method: read-only if on the lists, given fresh arrays unless it only reads them. */
    private static String jdkCall(ClassFile.Member m, boolean[] fresh) {
        String method = m.owner() + "." + m.name();
        if (method.equals("java/lang/System.arraycopy")) {
            // (src, srcPos, dest, destPos, length): it writes dest only
            return fresh[2] ? null : pretty(m) + " copies into an array it did not create";
        }
        // a callback it is given (a Comparator, a Supplier) runs code of the caller's choosing
        boolean callback = m.descriptor().contains("Ljava/util/function/")
                || m.descriptor().contains("Ljava/util/Comparator;");
        boolean listed = JDK_CLASSES.contains(m.owner()) || JDK_METHODS.contains(method)
                || JDK_READS_ARRAYS.contains(method);
        if (callback || !listed) {
            return pretty(m) + " is a JDK method not on the list of those known to only read";
        }
        return JDK_READS_ARRAYS.contains(method) ? null : freshArrays(m, fresh);
    }

    /** Null when every argument of an array type is an array the calling method created. */
    private static String freshArrays(ClassFile.Member m, boolean[] fresh) {
        List<String> parameters = parameters(m.descriptor());
        int first = fresh.length - parameters.size();
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).startsWith("[") && !fresh[first + i]) {
                return pretty(m) + " is given an array it may write";
            }
        }
        return null;
    }

    /** Whether a class is {@code java/lang/Throwable} or extends it (its class files read up the chain). */
    private boolean throwable(String name) {
        for (int depth = 0; name != null && depth <= MAX_DEPTH; depth++) {
            if (name.equals("java/lang/Throwable")) {
                return true;
            }
            ClassFile c = load(name);
            name = c == null ? null : c.superName;
        }
        return false;
    }

    /**
     * A method's verdict for a call whose arguments are fresh where {@code fresh} says (receiver
     * first), cached per method and pattern; a method already being read (a cycle) is assumed
     * read-only meanwhile. The caller's facts hold in the callee: an argument the calling chain
     * allocated (the {@code Object[]} a varargs call builds) may be written there, as in the caller.
     */
    private String prove(ClassFile owner, ClassFile.Method method, boolean[] fresh) {
        StringBuilder pattern = new StringBuilder();
        for (boolean f : fresh) {
            pattern.append(f ? 'f' : '-');
        }
        String key = owner.name + "." + method.name() + method.descriptor() + " " + pattern;
        String cached = verdicts.get(key);
        if (cached != null) {
            return cached.isEmpty() ? null : cached;
        }
        int cycle = reading.indexOf(key);
        if (cycle >= 0) {
            assumed = Math.min(assumed, cycle);
            return null;
        }
        if (reading.size() >= MAX_DEPTH || budget-- <= 0) {
            return pretty(owner.name, method.name(), method.descriptor()) + " calls too many methods to read";
        }
        int depth = reading.size();
        int outer = assumed;
        assumed = Integer.MAX_VALUE;
        reading.add(key);
        String why;
        try {
            why = new Interpreter(owner, method, fresh).run();
        } catch (RuntimeException malformed) {
            why = "the code of " + pretty(owner.name, method.name(), method.descriptor()) + " cannot be read";
        }
        reading.remove(depth);
        if (why != null || assumed >= depth) {
            // a proof that leaned on a method still being read holds only once that one is proven
            verdicts.put(key, why == null ? "" : why);
        }
        assumed = Math.min(outer, assumed);
        return why;
    }

    /** The class file of {@code internalName}, read once for the build; null when it cannot be found or read. */
    ClassFile load(String internalName) {
        return classes.computeIfAbsent(internalName, n -> {
            byte[] bytes = source.bytes(n);
            try {
                return Optional.ofNullable(bytes == null ? null : ClassFile.parse(bytes));
            } catch (IllegalArgumentException unreadable) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    private static boolean jdk(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/");
    }

    /**
     * The abstract interpretation of one method's code: a frame (locals, then the operand stack, one
     * boolean per word: fresh or not) at each instruction, merged where paths meet, until nothing
     * changes. Returns null when no instruction writes what it did not allocate, else why.
     */
    private final class Interpreter {
        private final ClassFile owner;
        private final ClassFile.Method method;
        private final byte[] code;
        private final Frame[] frames;
        private final Deque<Integer> work = new ArrayDeque<>();
        /** Per argument (receiver first), whether the caller passed a reference its chain allocated. */
        private final boolean[] fresh;

        Interpreter(ClassFile owner, ClassFile.Method method, boolean[] fresh) {
            this.owner = owner;
            this.method = method;
            // a mismatch (a static method asked for as an instance one) assumes nothing fresh
            int arguments = parameters(method.descriptor()).size() + (method.isStatic() ? 0 : 1);
            this.fresh = fresh.length == arguments ? fresh : new boolean[arguments];
            this.code = method.code();
            this.frames = new Frame[code.length];
        }

        String run() {
            Frame entry = new Frame(method.maxLocals(), method.maxStack());
            // the arguments' locals: the receiver in 0, then one or two words per parameter
            int local = 0;
            int argument = 0;
            if (!method.isStatic()) {
                entry.locals[local++] = fresh[argument++];
            }
            for (String parameter : parameters(method.descriptor())) {
                entry.locals[local] = fresh[argument++];
                local += words(parameter);
            }
            // a constructor's object is fresh: made by the new that called it (or by its subclass's constructor)
            if (method.name().equals("<init>")) {
                entry.locals[0] = true;
            }
            merge(0, entry);
            for (int handler : method.handlers()) {
                Frame caught = new Frame(method.maxLocals(), method.maxStack());
                caught.stack[caught.size++] = false;
                merge(handler, caught);
            }
            while (!work.isEmpty()) {
                int pc = work.pop();
                String why = step(pc, frames[pc].copy());
                if (why != null) {
                    return pretty(owner.name, method.name(), method.descriptor()) + " " + why;
                }
            }
            return null;
        }

        private void merge(int pc, Frame f) {
            if (frames[pc] == null) {
                frames[pc] = f;
                work.push(pc);
            } else if (frames[pc].meet(f)) {
                work.push(pc);
            }
        }

        /** Interprets the instruction at {@code pc} on {@code f}, passing the frame after it on. */
        private String step(int pc, Frame f) {
            int op = code[pc] & 0xff;
            Op simple = Op.TABLE[op];
            if (simple != null) {
                f.pop(simple.pop());
                f.push(simple.push(), false);
                if (simple.branch()) {
                    merge(pc + (op == 200 ? s4(pc + 1) : s2(pc + 1)), f.copy());
                }
                if (op != 167 && op != 200) { // goto: no fall-through
                    merge(pc + simple.length(), f);
                }
                return null;
            }
            int next = pc + 1;
            switch (op) {
                case 1 -> f.push(1, true); // aconst_null: nothing to write through
                case 18 -> f.push(1, false); // ldc
                case 19, 20 -> f.push(owner.isWide(u2(pc + 1)) ? 2 : 1, false); // ldc_w, ldc2_w
                case 25 -> f.stack[f.size++] = f.locals[code[pc + 1] & 0xff]; // aload
                case 42, 43, 44, 45 -> f.stack[f.size++] = f.locals[op - 42];
                case 54, 56 -> f.store(code[pc + 1] & 0xff, 1); // istore, fstore
                case 55, 57 -> f.store(code[pc + 1] & 0xff, 2); // lstore, dstore
                case 58 -> f.locals[code[pc + 1] & 0xff] = f.stack[--f.size]; // astore
                case 59, 60, 61, 62, 67, 68, 69, 70 -> f.store((op - 59) % 4, 1);
                case 63, 64, 65, 66, 71, 72, 73, 74 -> f.store((op - 63) % 4, 2);
                case 75, 76, 77, 78 -> f.locals[op - 75] = f.stack[--f.size];
                case 79, 80, 81, 82, 83, 84, 85, 86 -> { // iastore ... sastore: array, index, value
                    int value = op == 80 || op == 82 ? 2 : 1;
                    if (!f.stack[f.size - value - 2]) {
                        return "writes an element of an array it did not create";
                    }
                    f.pop(value + 2);
                }
                case 87 -> f.pop(1);
                case 88 -> f.pop(2);
                case 89 -> f.dup(1, 0);
                case 90 -> f.dup(1, 1);
                case 91 -> f.dup(1, 2);
                case 92 -> f.dup(2, 0);
                case 93 -> f.dup(2, 1);
                case 94 -> f.dup(2, 2);
                case 95 -> f.dup(1, 1).pop(1); // swap: b a -> a b a -> a b
                case 168, 169, 201 -> {
                    return "uses jsr/ret (a class file older than Java 6)";
                }
                case 170, 171 -> { // tableswitch, lookupswitch
                    f.pop(1);
                    int base = pc + 1 + (3 - pc % 4);
                    merge(pc + s4(base), f.copy());
                    if (op == 170) {
                        for (int i = 0, n = s4(base + 8) - s4(base + 4) + 1; i < n; i++) {
                            merge(pc + s4(base + 12 + 4 * i), f.copy());
                        }
                    } else {
                        for (int i = 0, n = s4(base + 4); i < n; i++) {
                            merge(pc + s4(base + 12 + 8 * i), f.copy());
                        }
                    }
                    return null;
                }
                case 172, 173, 174, 175, 176, 177, 191 -> {
                    return null; // return, athrow: the path ends
                }
                case 178 -> f.push(words(member(pc).descriptor()), false); // getstatic
                case 179 -> {
                    return "writes the static field " + pretty(member(pc).owner()) + "." + member(pc).name();
                }
                case 180 -> f.pop(1).push(words(member(pc).descriptor()), false); // getfield
                case 181 -> { // putfield: object, value
                    int value = words(member(pc).descriptor());
                    if (!f.stack[f.size - value - 1]) {
                        return "writes the field " + member(pc).name() + " of an object it did not create";
                    }
                    f.pop(value + 1);
                }
                case 182, 183, 184, 185, 186 -> {
                    String why = invoke(op, pc, f);
                    if (why != null) {
                        return why;
                    }
                    next = pc + (op >= 185 ? 5 : 3);
                }
                case 187 -> f.push(1, true); // new
                case 188, 189 -> f.pop(1).push(1, true); // newarray, anewarray
                case 192 -> { } // checkcast: the same reference
                case 196 -> { // wide
                    int widened = code[pc + 1] & 0xff;
                    int local = u2(pc + 2);
                    switch (widened) {
                        case 21, 23 -> f.push(1, false);
                        case 22, 24 -> f.push(2, false);
                        case 25 -> f.stack[f.size++] = f.locals[local];
                        case 54, 56 -> f.store(local, 1);
                        case 55, 57 -> f.store(local, 2);
                        case 58 -> f.locals[local] = f.stack[--f.size];
                        case 132 -> { }
                        default -> {
                            return "uses jsr/ret (a class file older than Java 6)";
                        }
                    }
                    next = pc + (widened == 132 ? 6 : 4);
                }
                case 197 -> f.pop(code[pc + 3] & 0xff).push(1, true); // multianewarray
                default -> throw new IllegalArgumentException("opcode " + op);
            }
            if (next == pc + 1) {
                next = pc + Op.LENGTH[op];
            }
            merge(next, f);
            return null;
        }

        private String invoke(int op, int pc, Frame f) {
            ClassFile.Member m = op == 186 ? owner.dynamicSite(u2(pc + 1)) : member(pc);
            List<String> parameters = parameters(m.descriptor());
            boolean hasReceiver = op != INVOKESTATIC && op != 186;
            boolean[] fresh = new boolean[parameters.size() + (hasReceiver ? 1 : 0)];
            for (int i = parameters.size() - 1; i >= 0; i--) {
                fresh[i + (hasReceiver ? 1 : 0)] = f.stack[f.size - words(parameters.get(i))];
                f.pop(words(parameters.get(i)));
            }
            if (hasReceiver) {
                fresh[0] = f.stack[--f.size];
            }
            String result = m.descriptor().substring(m.descriptor().indexOf(')') + 1);
            if (op == 186) {
                f.push(words(result), false);
                boolean concat = owner.bootstrapOwner(u2(pc + 1)).equals("java/lang/invoke/StringConcatFactory");
                return concat ? null : "uses invokedynamic (a lambda or method reference), whose code Adjoint does not read";
            }
            String why = call(op, m, fresh);
            // a copy of an array is fresh: the copy may be written
            boolean copy = m.owner().startsWith("[") && m.name().equals("clone")
                    || m.owner().equals("java/util/Arrays") && m.name().startsWith("copyOf");
            f.push(words(result), copy);
            if (why == null) {
                return null;
            }
            // "calls B.b(), which writes ...": the reason is about the callee, or about what it calls
            String callee = pretty(m) + " ";
            return "calls " + pretty(m) + (why.startsWith(callee) ? ", which " + why.substring(callee.length())
                    : ": " + why);
        }

        private ClassFile.Member member(int pc) {
            return owner.member(u2(pc + 1));
        }

        private int u2(int at) {
            return ((code[at] & 0xff) << 8) | (code[at + 1] & 0xff);
        }

        private int s2(int at) {
            return (short) u2(at);
        }

        private int s4(int at) {
            return (u2(at) << 16) | u2(at + 2);
        }
    }

    /** A frame: per local and per operand-stack word, whether it holds a fresh reference. */
    private static final class Frame {
        final boolean[] locals;
        final boolean[] stack;
        int size;

        Frame(int locals, int stack) {
            this.locals = new boolean[locals];
            this.stack = new boolean[stack];
        }

        Frame copy() {
            Frame f = new Frame(locals.length, stack.length);
            System.arraycopy(locals, 0, f.locals, 0, locals.length);
            System.arraycopy(stack, 0, f.stack, 0, size);
            f.size = size;
            return f;
        }

        /** This frame met with another at a join: fresh only where both are. Whether it changed. */
        boolean meet(Frame other) {
            if (other.size != size) {
                throw new IllegalArgumentException("stack heights differ at a join");
            }
            boolean changed = false;
            for (int i = 0; i < locals.length; i++) {
                changed |= locals[i] && !other.locals[i];
                locals[i] &= other.locals[i];
            }
            for (int i = 0; i < size; i++) {
                changed |= stack[i] && !other.stack[i];
                stack[i] &= other.stack[i];
            }
            return changed;
        }

        Frame pop(int words) {
            if (words > size) {
                throw new IllegalArgumentException("stack underflow");
            }
            size -= words;
            return this;
        }

        Frame push(int words, boolean fresh) {
            for (int i = 0; i < words; i++) {
                stack[size++] = fresh;
            }
            return this;
        }

        /** A primitive stored into a local (and its second word for a long or double): no longer a reference. */
        void store(int local, int words) {
            pop(words);
            Arrays.fill(locals, local, local + words, false);
        }

        /** The dup family: copies the top {@code words} words below the {@code under} words beneath them. */
        Frame dup(int words, int under) {
            boolean[] top = Arrays.copyOfRange(stack, size - words, size);
            int at = size - words - under;
            System.arraycopy(stack, at, stack, at + words, words + under);
            System.arraycopy(top, 0, stack, at, words);
            size += words;
            return this;
        }
    }

    /**
     * The instructions whose effect on a frame is only to pop and push primitive words (and perhaps
     * branch by a 16-bit offset, or 32-bit for {@code goto_w}), by opcode; and every opcode's length
     * where it is fixed.
     */
    private record Op(int length, int pop, int push, boolean branch) {
        static final Op[] TABLE = new Op[256];
        static final int[] LENGTH = new int[256];

        static {
            Arrays.fill(LENGTH, 1);
            for (int op : new int[] {16, 18, 21, 22, 23, 24, 25, 54, 55, 56, 57, 58, 188}) {
                LENGTH[op] = 2;
            }
            for (int op : new int[] {17, 19, 20, 132, 178, 179, 180, 181, 182, 183, 184, 187, 189, 192, 193}) {
                LENGTH[op] = 3;
            }
            LENGTH[197] = 4;
            LENGTH[185] = 5;
            LENGTH[186] = 5;
            simple(0, 0, 0);
            range(2, 8, 0, 1); // iconst
            range(9, 10, 0, 2); // lconst
            range(11, 13, 0, 1); // fconst
            range(14, 15, 0, 2); // dconst
            simple(16, 0, 1); // bipush
            simple(17, 0, 1); // sipush
            int[] loadWords = {1, 2, 1, 2}; // iload, lload, fload, dload (aload is not primitive)
            for (int t = 0; t < 4; t++) {
                simple(21 + t, 0, loadWords[t]);
                range(26 + 4 * t, 29 + 4 * t, 0, loadWords[t]);
            }
            int[] arrayLoads = {1, 2, 1, 2, 1, 1, 1, 1}; // iaload ... saload: array, index -> value (aaload: not fresh)
            for (int t = 0; t < 8; t++) {
                simple(46 + t, 2, arrayLoads[t]);
            }
            for (int op = 96; op <= 115; op++) { // add, sub, mul, div, rem of i, l, f, d
                int w = (op - 96) % 2 == 1 ? 2 : 1;
                simple(op, 2 * w, w);
            }
            for (int op = 116; op <= 119; op++) { // neg
                int w = (op - 116) % 2 == 1 ? 2 : 1;
                simple(op, w, w);
            }
            for (int op = 120; op <= 125; op++) { // shifts: value, int count
                int w = (op - 120) % 2 == 1 ? 2 : 1;
                simple(op, w + 1, w);
            }
            for (int op = 126; op <= 131; op++) { // and, or, xor
                int w = (op - 126) % 2 == 1 ? 2 : 1;
                simple(op, 2 * w, w);
            }
            simple(132, 0, 0); // iinc: an int local stays a primitive
            int[][] conversions = {{1, 2}, {1, 1}, {1, 2}, {2, 1}, {2, 1}, {2, 2}, {1, 1}, {1, 2}, {1, 2}, {2, 1},
                {2, 2}, {2, 1}, {1, 1}, {1, 1}, {1, 1}}; // i2l ... i2s
            for (int t = 0; t < conversions.length; t++) {
                simple(133 + t, conversions[t][0], conversions[t][1]);
            }
            simple(148, 4, 1); // lcmp
            range(149, 150, 2, 1); // fcmp
            range(151, 152, 4, 1); // dcmp
            for (int op = 153; op <= 158; op++) { // if<cond>
                TABLE[op] = new Op(3, 1, 0, true);
            }
            for (int op = 159; op <= 166; op++) { // if_icmp<cond>, if_acmp<cond>
                TABLE[op] = new Op(3, 2, 0, true);
            }
            TABLE[167] = new Op(3, 0, 0, true); // goto
            TABLE[198] = new Op(3, 1, 0, true); // ifnull
            TABLE[199] = new Op(3, 1, 0, true); // ifnonnull
            TABLE[200] = new Op(5, 0, 0, true); // goto_w
            simple(190, 1, 1); // arraylength
            simple(193, 1, 1); // instanceof
            range(194, 195, 1, 0); // monitorenter, monitorexit
        }

        private static void simple(int op, int pop, int push) {
            TABLE[op] = new Op(LENGTH[op], pop, push, false);
        }

        private static void range(int from, int to, int pop, int push) {
            for (int op = from; op <= to; op++) {
                simple(op, pop, push);
            }
        }
    }

    /** The parameter types of a method descriptor, as field descriptors ({@code D}, {@code [D}, {@code Lx/Y;}). */
    static List<String> parameters(String descriptor) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (descriptor.charAt(i) != ')') {
            int start = i;
            while (descriptor.charAt(i) == '[') {
                i++;
            }
            i = descriptor.charAt(i) == 'L' ? descriptor.indexOf(';', i) + 1 : i + 1;
            out.add(descriptor.substring(start, i));
        }
        return out;
    }

    /** Stack words of a value of this field descriptor: 2 for long and double, 0 for void. */
    private static int words(String type) {
        return type.equals("J") || type.equals("D") ? 2 : type.equals("V") ? 0 : 1;
    }

    private static String pretty(ClassFile.Member m) {
        return pretty(m.owner(), m.name(), m.descriptor());
    }

    /** {@code ArrayChecks.check(double[], Object)}, {@code new Box(double)}: as the messages write a method. */
    static String pretty(String owner, String name, String descriptor) {
        List<String> types = new ArrayList<>();
        for (String p : parameters(descriptor)) {
            types.add(prettyType(p));
        }
        return (name.equals("<init>") ? "new " + pretty(owner) : pretty(owner) + "." + name) + "("
                + String.join(", ", types) + ")";
    }

    private static String pretty(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1).replace('$', '.');
    }

    private static String prettyType(String type) {
        return switch (type.charAt(0)) {
            case '[' -> prettyType(type.substring(1)) + "[]";
            case 'L' -> pretty(type.substring(1, type.length() - 1));
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            default -> "double";
        };
    }
}
