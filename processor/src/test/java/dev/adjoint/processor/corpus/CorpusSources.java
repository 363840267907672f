package dev.adjoint.processor.corpus;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
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
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The corpus's fixture files and the variants of them the harness compiles. A variant keeps
 * {@code @Differentiable} only on one entry method and on the methods it calls (by name, within
 * the file): every other annotation is overwritten with spaces, so that lines and columns stay
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
     * A {@code @Differentiable} method of a fixture file.
     *
     * @param key        {@code File.method} or {@code File.Nested.method}
     * @param className  the binary name of the class declaring it
     * @param name       the method's name
     * @param entry      whether it is public: an entry of the corpus rather than a helper
     * @param wrt        the annotation's {@code wrt} names, empty when it has none
     * @param line       the line of the method's name
     */
    record Annotated(String key, String file, String className, String name, boolean entry,
            List<String> wrt, int line, int annotationStart, int annotationEnd) {}

    /** One fixture file: its text, its annotated methods, and which names each method calls. */
    record Fixture(String file, String text, List<Annotated> methods, Map<String, Set<String>> callsByName) {

        /** The top-level class's qualified name. */
        String qualifiedName() {
            return PACKAGE + "." + file;
        }

        /** The text with only {@code key}'s annotation and those of the methods it reaches by calls. */
        String variantFor(String key) {
            Annotated target = methods.stream().filter(m -> m.key().equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no @Differentiable method " + key));
            Set<String> reachable = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(target.name()));
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (reachable.add(name)) {
                    todo.addAll(callsByName.getOrDefault(name, Set.of()));
                }
            }
            return blankAnnotations(m -> !reachable.contains(m.name()));
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

    /** Parses (only: no attribution, no processor) one fixture file and finds its annotated methods. */
    static Fixture parse(String file, String text) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("mem:///" + file + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
        JavacTask task = (JavacTask) javac.getTask(null, null, null, List.of("-proc:none"), null, List.of(source));
        CompilationUnitTree unit;
        try {
            unit = task.parse().iterator().next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SourcePositions positions = Trees.instance(task).getSourcePositions();
        LineMap lines = unit.getLineMap();
        List<Annotated> methods = new ArrayList<>();
        Map<String, Set<String>> calls = new LinkedHashMap<>();
        new TreeScanner<Void, Deque<String>>() {
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
                Set<String> called = calls.computeIfAbsent(name, n -> new TreeSet<>());
                new TreeScanner<Void, Void>() {
                    @Override
                    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                        ExpressionTree select = call.getMethodSelect();
                        if (select instanceof IdentifierTree id) {
                            called.add(id.getName().toString());
                        } else if (select instanceof MemberSelectTree member) {
                            called.add(member.getIdentifier().toString());
                        }
                        return super.visitMethodInvocation(call, null);
                    }
                }.scan(tree.getBody(), null);
                for (AnnotationTree a : tree.getModifiers().getAnnotations()) {
                    String type = a.getAnnotationType().toString();
                    if (type.equals("Differentiable") || type.endsWith(".Differentiable")) {
                        String owner = String.join("$", classes);
                        String key = String.join(".", classes) + "." + name;
                        methods.add(new Annotated(key, file, PACKAGE + "." + owner, name,
                                tree.getModifiers().getFlags().contains(Modifier.PUBLIC), wrt(a),
                                (int) lines.getLineNumber(positions.getStartPosition(unit, tree.getReturnType() == null
                                        ? tree : tree.getReturnType())),
                                (int) positions.getStartPosition(unit, a), (int) positions.getEndPosition(unit, a)));
                    }
                }
                return super.visitMethod(tree, classes);
            }
        }.scan(unit, new ArrayDeque<>());
        Set<String> seen = new HashSet<>();
        for (Annotated m : methods) {
            if (!seen.add(m.name())) {
                // variants keep annotations by name: two annotated methods of one name would blur them
                throw new IllegalStateException(file + ": two @Differentiable methods named " + m.name()
                        + "; give corpus methods distinct names within a file");
            }
        }
        return new Fixture(file, text, List.copyOf(methods), calls);
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
