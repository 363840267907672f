package dev.adjoint.processor.find;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names an instance method may read fields of its receiver by: simple names and
 * {@code this.name}, in its body and in the bodies of the instance methods of its class and of its
 * superclasses with source it calls on {@code this} (matched by name and argument count: a getter
 * of the superclass reads that class's private field), read from the parsed source without
 * attributing it. A superset of the fields it reads (a local of the same name counts too): a field
 * in it that is never read gets a gradient of 0.
 */
final class FieldReads {

    private FieldReads() {}

    static Set<String> of(MethodTree method, List<ClassTree> classes) {
        List<MethodTree> methods = new ArrayList<>();
        for (ClassTree owner : classes) {
            for (Tree member : owner.getMembers()) {
                if (member instanceof MethodTree m) {
                    methods.add(m);
                }
            }
        }
        Set<String> names = new LinkedHashSet<>();
        Set<MethodTree> done = new HashSet<>();
        List<MethodTree> work = new ArrayList<>(List.of(method));
        while (!work.isEmpty()) {
            MethodTree m = work.remove(work.size() - 1);
            if (!done.add(m) || m.getBody() == null) {
                continue;
            }
            new TreeScanner<Void, Void>() {
                @Override
                public Void visitIdentifier(IdentifierTree node, Void unused) {
                    names.add(node.getName().toString());
                    return null;
                }

                @Override
                public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                    if (node.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this")) {
                        names.add(node.getIdentifier().toString());
                        return null;
                    }
                    return super.visitMemberSelect(node, unused);
                }

                @Override
                public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                    Tree select = node.getMethodSelect();
                    String name = select instanceof IdentifierTree id ? id.getName().toString()
                            : select instanceof MemberSelectTree s && s.getExpression() instanceof IdentifierTree t
                                    && t.getName().contentEquals("this") ? s.getIdentifier().toString() : null;
                    for (MethodTree callee : methods) {
                        if (callee.getName().contentEquals(String.valueOf(name))
                                && callee.getParameters().size() == node.getArguments().size()) {
                            work.add(callee);
                        }
                    }
                    scan(node.getArguments(), null);
                    return select instanceof MemberSelectTree s ? scan(s.getExpression(), null) : null;
                }

                @Override
                public Void visitClass(ClassTree node, Void unused) {
                    return null; // a local or anonymous class: refused by the fence
                }
            }.scan(m.getBody(), null);
        }
        return names;
    }
}
