package dev.adjoint.processor.validate;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Where the methods of this compilation are in their source. javac's {@code Trees.getPath(Element)}
 * and {@code getTree(Element)} scan the whole compilation unit on every call, which made reading a
 * class of n methods cost n scans of it; this scans each class once and remembers its methods.
 */
public final class MethodPaths {

    private final Trees trees;
    private final Map<TypeElement, Map<ExecutableElement, TreePath>> byClass = new HashMap<>();

    public MethodPaths(Trees trees) {
        this.trees = trees;
    }

    /** The method's path, or {@code null} when it has no source in this compilation (a library method). */
    public TreePath of(ExecutableElement method) {
        Element owner = method.getEnclosingElement();
        if (!(owner instanceof TypeElement type)) {
            return trees.getPath(method);
        }
        return byClass.computeIfAbsent(type, this::methodsOf).get(method);
    }

    private Map<ExecutableElement, TreePath> methodsOf(TypeElement type) {
        Map<ExecutableElement, TreePath> methods = new HashMap<>();
        TreePath classPath = trees.getPath(type);
        if (classPath != null && classPath.getLeaf() instanceof ClassTree c) {
            for (Tree member : c.getMembers()) {
                if (member instanceof MethodTree) {
                    TreePath path = new TreePath(classPath, member);
                    if (trees.getElement(path) instanceof ExecutableElement method) {
                        methods.put(method, path);
                    }
                }
            }
        }
        return methods;
    }
}
