package dev.adjoint.processor.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-file proof of read-only library methods, on real class files: a small library compiled
 * by javac (release 17, as a jar's would be), read back through a {@link ClassFileEffects.ClassSource}
 * over its output directory. Each case names the method and what the proof must say of it.
 */
class ClassFileEffectsTest {

    private static final String CHECKS = String.join("\n",
            "package lib;",
            "",
            "public final class Checks {",
            "    private Checks() {}",
            "    static double[] last;",
            "",
            "    public static void checkEqualLength(double[] a, double[] b) {",
            "        if (a.length != b.length) {",
            "            throw new IllegalArgumentException(\"lengths differ: \" + a.length + \" != \" + b.length);",
            "        }",
            "    }",
            "",
            "    public static void checkPositive(double[] in) {",
            "        for (int i = 0; i < in.length; i++) {",
            "            if (!(in[i] > 0)) {",
            "                throw new LibException(\"entry {1} is {0}, not positive\", in[i], i);",
            "            }",
            "        }",
            "    }",
            "",
            "    public static void checkNotEmpty(double[] a) {",
            "        if (a.length == 0) {",
            "            throw new DataException(a);",
            "        }",
            "    }",
            "",
            "    public static void checkFormatted(double[] a, int n) {",
            "        if (a.length != n) {",
            "            throw new IllegalArgumentException(String.format(\"%d != %d\", a.length, n));",
            "        }",
            "    }",
            "",
            "    public static double scaledCopy(double[] a) {",
            "        double[] c = new double[a.length];",
            "        for (int i = 0; i < a.length; i++) {",
            "            c[i] = 2 * a[i];",
            "        }",
            "        double[] d = a.clone();",
            "        d[0] = c[0];",
            "        double[] e = new double[a.length];",
            "        System.arraycopy(a, 0, e, 0, a.length);",
            "        return d[0] + e[0];",
            "    }",
            "",
            "    public static void copyInto(double[] from, double[] to) {",
            "        System.arraycopy(from, 0, to, 0, from.length);",
            "    }",
            "",
            "    public static void checkWith(double[] a, java.util.function.Supplier<String> message) {",
            "        java.util.Objects.requireNonNull(a, message);",
            "    }",
            "",
            "    public static boolean boxed(double[] a) {",
            "        Box b = new Box(a[0]);",
            "        b.value = Math.abs(b.value);",
            "        return b.value > 0;",
            "    }",
            "",
            "    public static void clip(double[] a) {",
            "        for (int i = 0; i < a.length; i++) {",
            "            if (a[i] < 0) {",
            "                a[i] = 0;",
            "            }",
            "        }",
            "    }",
            "",
            "    public static void checkAndNormalize(double[] a) {",
            "        checkPositive(a);",
            "        normalize(a, 1.0);",
            "    }",
            "",
            "    private static void normalize(double[] a, double total) {",
            "        a[0] = total;",
            "    }",
            "",
            "    public static void remember(double[] a) {",
            "        last = a;",
            "    }",
            "",
            "    public static boolean sorted(double[] a, int from) {",
            "        return from + 1 >= a.length || a[from] <= a[from + 1] && sorted(a, from + 1);",
            "    }",
            "",
            "    public static void writesAfterTheCycle(double[] a, int n) {",
            "        if (n > 0) {",
            "            inTheCycle(a, n - 1);",
            "        }",
            "        a[0] = n;",
            "    }",
            "",
            "    public static void inTheCycle(double[] a, int n) {",
            "        if (n > 0) {",
            "            writesAfterTheCycle(a, n - 1);",
            "        }",
            "    }",
            "",
            "    public static void visit(Visitor v, double[] a) {",
            "        v.visit(a);",
            "    }",
            "",
            "    public static void touch(Base b, double[] a) {",
            "        b.touch(a);",
            "    }",
            "",
            "    public static void lambda(double[] a) {",
            "        Runnable r = () -> { };",
            "        r.run();",
            "    }",
            "",
            "    public static void missing(double[] a) {",
            "        Gone.check(a);",
            "    }",
            "",
            "    public static void checkLength(double[] a, int n) {",
            "        checkArgument(a.length == n, \"length {0} is not {1}\", a.length, n);",
            "    }",
            "",
            "    public static void checkArgument(boolean ok, String pattern, Object... args) {",
            "        if (!ok) {",
            "            throw new LibException(pattern, args);",
            "        }",
            "    }",
            "",
            "    public static void checkBoth(double[] a, Object[] args) {",
            "        checkArgument(a.length > 0, \"empty\", args);",
            "    }",
            "",
            "    public static void sort(double[] a) {",
            "        java.util.Arrays.sort(a);",
            "    }",
            "}");

    private static final List<String> OTHERS = List.of(
            "package lib;\n"
                    + "public class LibException extends IllegalArgumentException {\n"
                    + "    private static final long serialVersionUID = 1L;\n"
                    + "    private final Object[] arguments;\n"
                    + "    public LibException(String pattern, Object... arguments) {\n"
                    + "        super(pattern);\n"
                    + "        this.arguments = arguments;\n"
                    + "    }\n"
                    + "}\n",
            "package lib;\n"
                    + "public class DataException extends RuntimeException {\n"
                    + "    private static final long serialVersionUID = 1L;\n"
                    + "    public DataException(double[] data) {\n"
                    + "        super(\"bad data\");\n"
                    + "        data[0] = Double.NaN;\n"
                    + "    }\n"
                    + "}\n",
            "package lib;\nfinal class Box {\n    double value;\n    Box(double value) {\n        this.value = value;\n"
                    + "    }\n}\n",
            "package lib;\npublic interface Visitor {\n    void visit(double[] a);\n}\n",
            "package lib;\npublic class Base {\n    public void touch(double[] a) { }\n}\n",
            "package lib;\npublic final class Gone {\n    private Gone() {}\n    public static void check(double[] a) { }\n}\n");

    @TempDir
    static Path dir;

    private static ClassFileEffects effects;

    @BeforeAll
    static void compileTheLibrary() throws IOException {
        Path src = dir.resolve("src/lib");
        Files.createDirectories(src);
        List<String> files = new ArrayList<>();
        files.add(write(src.resolve("Checks.java"), CHECKS));
        for (String other : OTHERS) {
            String name = other.replaceFirst("(?s).*?(?:class|interface) (\\w+).*", "$1");
            files.add(write(src.resolve(name + ".java"), other));
        }
        Path classes = dir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = javac.run(null, out, out, args.toArray(String[]::new));
        assertEquals(0, rc, "the library compiles" + out);
        // Gone was compiled, then lost: a jar whose dependency is missing from the class path
        Files.delete(classes.resolve("lib/Gone.class"));
        effects = new ClassFileEffects(internalName -> {
            Path f = classes.resolve(internalName + ".class");
            try {
                return Files.exists(f) ? Files.readAllBytes(f) : ClassFileEffects.platform(internalName);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        return file.toString();
    }

    private static String why(String method, String descriptor) {
        return effects.whyNot("lib/Checks", method, descriptor, true);
    }

    private static void assertRefused(String reason, String... fragments) {
        assertNotNull(reason, "refused");
        for (String fragment : fragments) {
            assertTrue(reason.contains(fragment), () -> "expected \"" + fragment + "\" in: " + reason);
        }
    }

    @Test
    void aCheckThatOnlyReadsIsProven() {
        assertNull(why("checkEqualLength", "([D[D)V"));
    }

    @Test
    void aCheckThrowingALibraryExceptionWithVarargsIsProven() {
        // new LibException(pattern, in[i], i): an Object[] built for the message, its elements boxed
        assertNull(why("checkPositive", "([D)V"));
    }

    @Test
    void anExceptionGivenTheArgumentArrayIsRefused() {
        // an exception's constructor is taken as keeping what it is told, but not given an array of the caller's
        assertRefused(why("checkNotEmpty", "([D)V"), "calls new DataException(double[]), which is "
                + "given an array it may write");
    }

    @Test
    void aVarargsArrayForwardedToAnExceptionByAHelperIsProven() {
        // checkLength builds the Object[] for checkArgument's varargs; checkArgument hands it to the exception
        assertNull(why("checkLength", "([DI)V"));
        // asked for alone, checkArgument's array is its caller's: the exception may write it
        assertRefused(why("checkArgument", "(ZLjava/lang/String;[Ljava/lang/Object;)V"),
                "calls new LibException(String, Object[]), which is given an array it may write");
        // and a caller forwarding an array it was given proves nothing either
        assertRefused(why("checkBoth", "([D[Ljava/lang/Object;)V"), "calls Checks.checkArgument(boolean, String, "
                + "Object[]), which calls new LibException(String, Object[]), which is given an array it may write");
    }

    @Test
    void aMessageFormattedWithVarargsIsProven() {
        assertNull(why("checkFormatted", "([DI)V"));
    }

    @Test
    void writesIntoArraysAndObjectsTheMethodCreatedAreProven() {
        assertNull(why("scaledCopy", "([D)D"), "new double[n] and a.clone() are its own, and copied into");
        assertNull(why("boxed", "([D)Z"), "a Box it constructs");
    }

    @Test
    void copyingIntoAnArrayArgumentIsRefused() {
        assertRefused(why("copyInto", "([D[D)V"), "calls System.arraycopy(Object, int, Object, int, int), which "
                + "copies into an array it did not create");
    }

    @Test
    void aJdkMethodGivenACallbackIsRefused() {
        assertRefused(why("checkWith", "([DLjava/util/function/Supplier;)V"),
                "calls Objects.requireNonNull(Object, Supplier), which is a JDK method not on the list");
    }

    @Test
    void writingTheArrayArgumentIsRefused() {
        assertRefused(why("clip", "([D)V"), "Checks.clip(double[]) writes an element of an array it did not create");
    }

    @Test
    void writingThroughACalledHelperIsRefused() {
        assertRefused(why("checkAndNormalize", "([D)V"), "Checks.checkAndNormalize(double[]) calls "
                + "Checks.normalize(double[], double), which writes an element of an array it did not create");
    }

    @Test
    void storingTheArrayInAStaticFieldIsRefused() {
        assertRefused(why("remember", "([D)V"), "writes the static field Checks.last");
    }

    @Test
    void recursionTerminatesAndIsProvenWhenNothingIsWritten() {
        assertNull(why("sorted", "([DI)Z"));
    }

    @Test
    void aCycleThroughAWritingMethodIsRefusedFromEitherEnd() {
        assertRefused(why("writesAfterTheCycle", "([DI)V"), "writes an element of an array it did not create");
        // inTheCycle was read while writesAfterTheCycle was assumed read-only: that must not have been kept
        assertRefused(why("inTheCycle", "([DI)V"), "calls Checks.writesAfterTheCycle(double[], int), which writes");
    }

    @Test
    void anInterfaceMethodOnAnArgumentIsRefused() {
        assertRefused(why("visit", "(Llib/Visitor;[D)V"), "calls Visitor.visit(double[]), which is an interface's method");
    }

    @Test
    void anOverridableMethodOnAnArgumentIsRefused() {
        assertRefused(why("touch", "(Llib/Base;[D)V"), "calls Base.touch(double[]), which may be overridden");
    }

    @Test
    void aLambdaIsRefused() {
        assertRefused(why("lambda", "([D)V"), "uses invokedynamic");
    }

    @Test
    void aJdkMethodOffTheListIsRefused() {
        assertRefused(why("sort", "([D)V"), "calls Arrays.sort(double[]), which is a JDK method not on the list");
    }

    @Test
    void aMethodWhoseClassFileCannotBeFoundIsRefused() {
        assertRefused(why("missing", "([D)V"), "the class file of Gone cannot be found");
        assertRefused(effects.whyNot("lib/Nowhere", "check", "([D)V", true), "the class file of Nowhere cannot be found");
        assertRefused(why("noSuchMethod", "([D)V"), "noSuchMethod(double[])");
    }

    @Test
    void anOverridableInstanceMethodAskedForDirectlyIsRefused() {
        assertRefused(effects.whyNot("lib/Base", "touch", "([D)V", false), "may be overridden");
    }
}
