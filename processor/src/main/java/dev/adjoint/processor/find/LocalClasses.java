package dev.adjoint.processor.find;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.Element;

/**
 * {@code @Differentiable} on a method of a local or anonymous class: annotation processing never
 * hands such a method to the processor (javac enters those classes only when it compiles the body
 * around them), so without this the annotation would do nothing, silently. Read from the source
 * trees of the round's classes, by the annotation's name, and reported at the method.
 */
public final class LocalClasses {

    /** The compilation units already looked at. */
    private final Set<CompilationUnitTree> seen = new HashSet<>();

    /** Reports each {@code @Differentiable} method of a local or anonymous class in the files of {@code roots}. */
    public void report(Set<? extends Element> roots, Trees trees, Diagnostics diagnostics) {
        for (Element root : roots) {
            TreePath path = trees.getPath(root);
            if (path == null || !seen.add(path.getCompilationUnit())) {
                continue;
            }
            boolean imported = imports(path.getCompilationUnit());
            new TreePathScanner<Void, Integer>() {
                @Override
                public Void visitMethod(MethodTree method, Integer depth) {
                    if (depth > 0 && annotated(method, imported)) {
                        diagnostics.error(Position.of(method, getCurrentPath().getCompilationUnit()), Tag.AdjointInnerClass,
                                "@Differentiable method " + method.getName() + " is in a local or anonymous class, "
                                + "which annotation processing does not see and generated code cannot name: nothing "
                                + "would be generated for it; move it to a top-level or static nested class");
                    }
                    // a class declared in a method's body, or an anonymous one, is local from there on
                    return method.getBody() == null ? null : scan(method.getBody(), depth + 1);
                }

                @Override
                public Void visitNewClass(NewClassTree node, Integer depth) {
                    scan(node.getArguments(), depth);
                    return node.getClassBody() == null ? null : scan(node.getClassBody().getMembers(), depth + 1);
                }

                @Override
                public Void visitClass(ClassTree node, Integer depth) {
                    return scan(node.getMembers(), depth);
                }
            }.scan(path.getCompilationUnit(), 0);
        }
    }

    /** Whether the simple name {@code Differentiable} is Adjoint's in {@code unit}: imported, by name or on demand. */
    private static boolean imports(CompilationUnitTree unit) {
        return unit.getImports().stream().map(i -> i.getQualifiedIdentifier().toString())
                .anyMatch(n -> n.equals("dev.adjoint.Differentiable") || n.equals("dev.adjoint.*"));
    }

    /** Whether {@code method} is annotated Adjoint's {@code @Differentiable} (not another library's of that name). */
    private static boolean annotated(MethodTree method, boolean imported) {
        for (AnnotationTree a : method.getModifiers().getAnnotations()) {
            String name = a.getAnnotationType().toString();
            if (imported && name.equals("Differentiable") || name.equals("dev.adjoint.Differentiable")) {
                return true;
            }
        }
        return false;
    }
}
