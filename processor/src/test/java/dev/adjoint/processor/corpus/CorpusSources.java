package dev.adjoint.processor.corpus;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The corpus's fixture files and the variants of them the harness compiles. A variant keeps
 * {@code @Differentiable} only on one entry method and on the methods it calls (as javac resolves
 * the calls, within the file): every other annotation is overwritten with spaces, so that lines and columns stay
 * as in the file and the processor sees only what the entry method needs. One refused method
 * then cannot hide another's result.
 *
 * <p>The fixtures live under {@code src/test/java} (Maven does not compile them, see
 * processor/pom.xml); the tests run with the module's directory as working directory.
 */
final class CorpusSources {

    /** The fixtures' package. */
    static final String PACKAGE = "dev.adjoint.processor.corpus.fixtures";

    /** Where the fixture sources are, relative to the processor module. */
    static final Path DIRECTORY = Path.of("src/test/java", PACKAGE.replace('.', '/'));

    /**
     * The library-side classes the probe fixtures call ({@code FastMath}, {@code MathUtils},
     * {@code ArgChecker}, ...), one sub-package per library: sources of the same build, compiled
     * with every fixture that imports them, as a user who copied a method together with its
     * helpers has them.
     */
    static final String SUPPORT_PACKAGE = PACKAGE + ".support";

    /** Where the support sources are, relative to the processor module. */
    static final Path SUPPORT_DIRECTORY = DIRECTORY.resolve("support");

    /** The support sources by qualified name, sorted (loaded once). */
    private static Map<String, String> support;

    /** The support sources by qualified name: what a fixture referring to {@link #SUPPORT_PACKAGE} is compiled with. */
    static synchronized Map<String, String> support() {
        if (support == null) {
            Map<String, String> out = new LinkedHashMap<>();
            if (Files.isDirectory(SUPPORT_DIRECTORY)) {
                try (var files = Files.walk(SUPPORT_DIRECTORY)) {
                    for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                        String relative = SUPPORT_DIRECTORY.relativize(p).toString().replace(java.io.File.separatorChar, '.');
                        out.put(SUPPORT_PACKAGE + "." + relative.substring(0, relative.length() - ".java".length()),
                                Files.readString(p, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            support = java.util.Collections.unmodifiableMap(out);
        }
        return support;
    }

    /**
     * A {@code @Differentiable} method of a fixture file.
     *
     * @param key        {@code File.method} or {@code File.Nested.method}
     * @param className  the binary name of the class declaring it
     * @param name       the method's name
     * @param entry      whether it is not private: an entry of the corpus rather than a helper
     * @param wrt        the annotation's {@code wrt} names, empty when it has none
     * @param line       the line of the method's name
     */
    record Annotated(String key, String file, String className, String name, boolean entry,
            List<String> wrt, int line, int annotationStart, int annotationEnd) {}

    /**
     * A method of a support class, for the {@code annotateSupport} lens: where its declaration
     * starts in its file, and the support methods it calls.
     *
     * @param id        {@code qualified.Class#name(erased parameter types)}
     * @param file      the qualified name of the support file's top-level class
     * @param start     the offset of the declaration's first modifier
     * @param annotable whether it returns {@code double} or {@code double[]} and takes a
     *                  {@code double} or {@code double[]}: what {@code @Differentiable} accepts
     * @param callees   the ids of the support methods it calls
     */
    record SupportMethod(String id, String file, int start, boolean annotable, Set<String> callees) {}

    /**
     * One fixture file: its text, its annotated methods, which methods of the file each method
     * calls, by key ({@code File.Nested.method}; overloads share a key), as javac resolves them,
     * and for the {@code annotateSupport} lens which support methods each calls and the support
     * methods themselves.
     */
    record Fixture(String file, String text, List<Annotated> methods, Map<String, Set<String>> callsByKey,
            Map<String, Set<String>> supportCallsByKey, Map<String, SupportMethod> supportMethods) {

        /** The top-level class's qualified name. */
        String qualifiedName() {
            return PACKAGE + "." + file;
        }

        /** The sources compiled with this fixture: the support classes when it refers to them, else none. */
        Map<String, String> companions() {
            return text.contains(SUPPORT_PACKAGE + ".") ? support() : Map.of();
        }

        /**
         * The companions as the {@code annotateSupport} lens compiles them for {@code key}: every
         * support method the entry reaches (through the fixture's methods and the support's own
         * calls) that {@code @Differentiable} accepts carries it, as a user does who follows
         * {@code AdjointUnsupportedCall}'s advice "annotate it @Differentiable".
         */
        Map<String, String> annotatedCompanions(String key) {
            Set<String> reachable = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(key));
            while (!todo.isEmpty()) {
                String k = todo.pop();
                if (reachable.add(k)) {
                    todo.addAll(callsByKey.getOrDefault(k, Set.of()));
                }
            }
            Set<String> called = new HashSet<>();
            Deque<String> support = new ArrayDeque<>();
            reachable.forEach(k -> support.addAll(supportCallsByKey.getOrDefault(k, Set.of())));
            while (!support.isEmpty()) {
                String id = support.pop();
                SupportMethod m = supportMethods.get(id);
                if (m != null && called.add(id)) {
                    support.addAll(m.callees());
                }
            }
            Map<String, String> out = new LinkedHashMap<>(companions());
            Map<String, List<Integer>> starts = new LinkedHashMap<>();
            for (String id : called) {
                SupportMethod m = supportMethods.get(id);
                if (m.annotable()) {
                    starts.computeIfAbsent(m.file(), f -> new ArrayList<>()).add(m.start());
                }
            }
            starts.forEach((file, at) -> {
                StringBuilder text = new StringBuilder(out.get(file));
                at.stream().sorted(java.util.Comparator.reverseOrder())
                        .forEach(i -> text.insert((int) i, "@dev.adjoint.Differentiable "));
                out.put(file, text.toString());
            });
            return out;
        }

        /** The text with only {@code key}'s annotation and those of the methods it reaches by calls. */
        String variantFor(String key) {
            Annotated target = methods.stream().filter(m -> m.key().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no @Differentiable method " + key));
            Set<String> reachable = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(target.key()));
            while (!todo.isEmpty()) {
                String k = todo.pop();
                if (reachable.add(k)) {
                    todo.addAll(callsByKey.getOrDefault(k, Set.of()));
                }
            }
            return blankAnnotations(m -> !reachable.contains(m.key()));
        }

        /**
         * {@link #variantFor} with every {@code private} modifier blanked: what the method meets
         * once private members are supported (a diagnostic mode, see {@code CorpusTest}).
         */
        String openVariantFor(String key) {
            return variantFor(key).replace("private ", "        ");
        }

        /** The text with every {@code @Differentiable} blanked: plain Java the processor ignores. */
        String plain() {
            return blankAnnotations(m -> true);
        }

        private String blankAnnotations(java.util.function.Predicate<Annotated> blank) {
            char[] chars = text.toCharArray();
            for (Annotated m : methods) {
                if (blank.test(m)) {
                    for (int i = m.annotationStart(); i < m.annotationEnd(); i++) {
                        if (chars[i] != '\n' && chars[i] != '\r') {
                            chars[i] = ' ';
                        }
                    }
                }
            }
            return new String(chars);
        }
    }

    private CorpusSources() {}

    /** Every fixture file of the corpus, by file name without {@code .java}, sorted. */
    static Map<String, Fixture> load() {
        Map<String, Fixture> out = new LinkedHashMap<>();
        if (!Files.isDirectory(DIRECTORY)) {
            throw new IllegalStateException("corpus fixtures not found at " + DIRECTORY.toAbsolutePath()
                    + ": run the tests from the processor module's directory (Maven does)");
        }
        try (var files = Files.list(DIRECTORY)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String file = p.getFileName().toString().replace(".java", "");
                out.put(file, parse(file, Files.readString(p, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Parses and attributes (no processor) one fixture file, with the support sources when it
     * refers to them, and finds its annotated methods and, for every method, the methods of the
     * file it calls as javac resolves them (an instance call on a field of another class's type
     * is that class's method, not every method of the same name).
     */
    static Fixture parse(String file, String text) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> sources = new ArrayList<>();
        sources.add(source(PACKAGE + "." + file, text));
        if (text.contains(SUPPORT_PACKAGE + ".")) {
            support().forEach((name, body) -> sources.add(source(name, body)));
        }
        StringWriter errors = new StringWriter();
        JavacTask task = (JavacTask) javac.getTask(errors, null, null, List.of("-proc:none", "--release", "17"), null,
                sources);
        CompilationUnitTree unit;
        List<CompilationUnitTree> units = new ArrayList<>();
        try {
            task.parse().forEach(units::add);
            unit = units.get(0);
            task.analyze();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Trees trees = Trees.instance(task);
        SourcePositions positions = trees.getSourcePositions();
        LineMap lines = unit.getLineMap();
        List<Annotated> methods = new ArrayList<>();
        Map<String, Set<String>> calls = new LinkedHashMap<>();
        Map<String, Set<String>> supportCalls = new LinkedHashMap<>();
        String prefix = PACKAGE + ".";
        new TreePathScanner<Void, Deque<String>>() {
            @Override
            public Void visitClass(ClassTree tree, Deque<String> classes) {
                classes.addLast(tree.getSimpleName().toString());
                super.visitClass(tree, classes);
                classes.removeLast();
                return null;
            }

            @Override
            public Void visitMethod(MethodTree tree, Deque<String> classes) {
                String name = tree.getName().toString();
                String key = String.join(".", classes) + "." + name;
                Set<String> called = calls.computeIfAbsent(key, n -> new TreeSet<>());
                Set<String> calledSupport = supportCalls.computeIfAbsent(key, n -> new TreeSet<>());
                if (tree.getBody() != null) {
                    new TreePathScanner<Void, Void>() {
                        @Override
                        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                            if (trees.getElement(getCurrentPath()) instanceof ExecutableElement m
                                    && m.getEnclosingElement() instanceof TypeElement owner) {
                                String qualified = owner.getQualifiedName().toString();
                                if (qualified.startsWith(prefix + file + ".") || qualified.equals(prefix + file)) {
                                    called.add(qualified.substring(prefix.length()) + "." + m.getSimpleName());
                                } else if (qualified.startsWith(SUPPORT_PACKAGE + ".")) {
                                    calledSupport.add(supportId(m, task));
                                }
                            }
                            return super.visitMethodInvocation(call, null);
                        }
                    }.scan(new TreePath(getCurrentPath(), tree.getBody()), null);
                }
                for (AnnotationTree a : tree.getModifiers().getAnnotations()) {
                    String type = a.getAnnotationType().toString();
                    if (type.equals("Differentiable") || type.endsWith(".Differentiable")) {
                        String owner = String.join("$", classes);
                        methods.add(new Annotated(key, file, PACKAGE + "." + owner, name,
                                !tree.getModifiers().getFlags().contains(Modifier.PRIVATE), wrt(a),
                                (int) lines.getLineNumber(positions.getStartPosition(unit, tree.getReturnType() == null
                                        ? tree : tree.getReturnType())),
                                (int) positions.getStartPosition(unit, a), (int) positions.getEndPosition(unit, a)));
                    }
                }
                return super.visitMethod(tree, classes);
            }
        }.scan(new TreePath(unit), new ArrayDeque<>());
        if (!errors.toString().isBlank()) {
            throw new IllegalStateException(file + " does not compile as plain Java:\n" + errors);
        }
        Set<String> seen = new HashSet<>();
        for (Annotated m : methods) {
            if (!seen.add(m.key())) {
                // variants keep annotations by key: two annotated overloads of one class would blur them
                throw new IllegalStateException(file + ": two @Differentiable methods " + m.key()
                        + "; give corpus methods distinct names within a class");
            }
        }
        return new Fixture(file, text, List.copyOf(methods), calls, supportCalls, supportMethods(task, trees, units));
    }

    /** {@code qualified.Class#name(erased parameter types)}: one overload of a support method. */
    private static String supportId(ExecutableElement m, JavacTask task) {
        return ((TypeElement) m.getEnclosingElement()).getQualifiedName() + "#" + m.getSimpleName() + "("
                + m.getParameters().stream().map(p -> task.getTypes().erasure(p.asType()).toString())
                        .collect(java.util.stream.Collectors.joining(",")) + ")";
    }

    /** Every method of the support sources analysed with a fixture, with what it calls of the support. */
    private static Map<String, SupportMethod> supportMethods(JavacTask task, Trees trees, List<CompilationUnitTree> units) {
        Map<String, SupportMethod> out = new LinkedHashMap<>();
        for (CompilationUnitTree unit : units) {
            String fileName = unit.getSourceFile().toUri().getPath();
            if (!fileName.contains("/" + SUPPORT_PACKAGE.replace('.', '/') + "/")) {
                continue;
            }
            String qualifiedFile = fileName.substring(1, fileName.length() - ".java".length()).replace('/', '.');
            SourcePositions positions = trees.getSourcePositions();
            new TreePathScanner<Void, Void>() {
                @Override
                public Void visitMethod(MethodTree tree, Void unused) {
                    if (trees.getElement(getCurrentPath()) instanceof ExecutableElement m && tree.getBody() != null) {
                        Set<String> callees = new TreeSet<>();
                        new TreePathScanner<Void, Void>() {
                            @Override
                            public Void visitMethodInvocation(MethodInvocationTree call, Void unused2) {
                                if (trees.getElement(getCurrentPath()) instanceof ExecutableElement c
                                        && c.getEnclosingElement() instanceof TypeElement owner
                                        && owner.getQualifiedName().toString().startsWith(SUPPORT_PACKAGE + ".")) {
                                    callees.add(supportId(c, task));
                                }
                                return super.visitMethodInvocation(call, null);
                            }
                        }.scan(new TreePath(getCurrentPath(), tree.getBody()), null);
                        String result = m.getReturnType().toString();
                        boolean annotable = (result.equals("double") || result.equals("double[]"))
                                && m.getParameters().stream().anyMatch(p -> p.asType().toString().equals("double")
                                        || p.asType().toString().equals("double[]"));
                        String id = supportId(m, task);
                        out.put(id, new SupportMethod(id, qualifiedFile, (int) positions.getStartPosition(unit, tree),
                                annotable, callees));
                    }
                    return super.visitMethod(tree, null);
                }
            }.scan(new TreePath(unit), null);
        }
        return out;
    }

    private static JavaFileObject source(String qualifiedName, String text) {
        return new SimpleJavaFileObject(URI.create("mem:///" + qualifiedName.replace('.', '/') + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }

    /** The string literals of the annotation's {@code wrt}, in order. */
    private static List<String> wrt(AnnotationTree a) {
        List<String> out = new ArrayList<>();
        for (ExpressionTree arg : a.getArguments()) {
            if (arg instanceof AssignmentTree assign && assign.getVariable().toString().equals("wrt")) {
                ExpressionTree value = assign.getExpression();
                List<? extends ExpressionTree> items = value instanceof NewArrayTree array
                        ? array.getInitializers() : List.of(value);
                for (ExpressionTree item : items) {
                    if (item instanceof LiteralTree literal && literal.getValue() instanceof String s) {
                        out.add(s);
                    } else {
                        throw new IllegalStateException("wrt must list string literals: " + value);
                    }
                }
            }
        }
        return out;
    }
}
