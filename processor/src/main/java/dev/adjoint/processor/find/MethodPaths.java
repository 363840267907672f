package dev.adjoint.processor.find;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Where the methods of this compilation are in their source. javac's {@code Trees.getPath(Element)}
 * and {@code Trees.getTree(Element)} scan the whole compilation unit on every call, which made
 * reading a class of n methods cost n scans of it; this scans each class once and matches methods
 * by name and parameter count, asking javac for the tree only among overloads of one arity, without
 * asking javac for elements (which would attribute the class).
 */
public final class MethodPaths {

    private final Trees trees;
    private final Map<TypeElement, TreePath> classes = new HashMap<>();
    /** Each class's methods by name and parameter count ({@code f/3}). */
    private final Map<TypeElement, Map<String, List<MethodTree>>> members = new HashMap<>();

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
        List<MethodTree> candidates = members.computeIfAbsent(type, t -> index(c))
                .getOrDefault(method.getSimpleName() + "/" + method.getParameters().size(), List.of());
        if (candidates.size() == 1) {
            return new TreePath(classPath, candidates.get(0));
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

    /** Whether {@code type} has source in this compilation (not a library's class file). */
    public boolean hasSource(TypeElement type) {
        return classes.computeIfAbsent(type, trees::getPath) != null;
    }

    private static Map<String, List<MethodTree>> index(ClassTree c) {
        Map<String, List<MethodTree>> out = new HashMap<>();
        for (Tree member : c.getMembers()) {
            if (member instanceof MethodTree m) {
                out.computeIfAbsent(m.getName() + "/" + m.getParameters().size(), k -> new ArrayList<>()).add(m);
            }
        }
        return out;
    }
}
