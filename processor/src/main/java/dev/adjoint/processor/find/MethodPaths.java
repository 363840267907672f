package dev.adjoint.processor.find;

import com.sun.source.tree.ClassTree;
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
 * scans the whole compilation unit on every call, which made reading a class of n methods cost n
 * scans of it; this scans each class once and matches methods by name and parameter count, then
 * by position, without asking javac for elements (which would attribute the class).
 */
public final class MethodPaths {

    private final Trees trees;
    private final Map<TypeElement, TreePath> classes = new HashMap<>();

    public MethodPaths(Trees trees) {
        this.trees = trees;
    }

    /** The method's path, or {@code null} when it has no source in this compilation (a library method). */
    public TreePath of(ExecutableElement method) {
        Element owner = method.getEnclosingElement();
        if (!(owner instanceof TypeElement type)) {
            return trees.getPath(method);
        }
        TreePath classPath = classes.computeIfAbsent(type, trees::getPath);
        if (classPath == null || !(classPath.getLeaf() instanceof ClassTree c)) {
            return null;
        }
        Tree declaration = trees.getTree(method);
        if (declaration == null) {
            return null;
        }
        for (Tree member : c.getMembers()) {
            if (member == declaration) {
                return new TreePath(classPath, member);
            }
        }
        return trees.getPath(method);
    }
}
