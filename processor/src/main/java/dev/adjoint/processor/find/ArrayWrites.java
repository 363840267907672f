package dev.adjoint.processor.find;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which array parameters a method body writes elements of ({@code w[i] = ...}, {@code w[i] += ...},
 * {@code w[i]++}), directly, through a method of the same source file it passes them to, or through
 * the JDK's writing methods ({@code System.arraycopy}'s destination, {@code Arrays.fill},
 * {@code Arrays.sort}, ...). Read from the parsed source without attributing it (which must not
 * happen before the adjoint class exists), so calls are matched by name and argument count against
 * the methods of the source files indexed (those holding {@code @Differentiable} methods this
 * round); the fence checks the answer against the IR later.
 */
final class ArrayWrites {

    /** JDK methods that write into an array argument: its position among the arguments. */
    private static final Map<String, Integer> JDK_WRITES = Map.of(
            "System.arraycopy", 2,
            "Arrays.fill", 0,
            "Arrays.sort", 0,
            "Arrays.parallelSort", 0,
            "Arrays.setAll", 0,
            "Arrays.parallelSetAll", 0,
            "Arrays.parallelPrefix", 0);

    /** The methods of the source file, by name. */
    private final Map<String, List<MethodTree>> methods = new HashMap<>();
    /** The positions of the parameters each method writes, once known. */
    private final Map<MethodTree, Set<Integer>> written = new IdentityHashMap<>();
    private final Set<MethodTree> visiting = new HashSet<>();

    private final Set<CompilationUnitTree> indexed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    /** Adds the methods of a source file to those calls are matched against. */
    void index(CompilationUnitTree unit) {
        if (unit == null || !indexed.add(unit)) {
            return;
        }
        written.clear(); // answers may change with more methods known
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitMethod(MethodTree node, Void unused) {
                methods.computeIfAbsent(node.getName().toString(), k -> new ArrayList<>()).add(node);
                return super.visitMethod(node, unused);
            }
        }.scan(unit, null);
    }

    /** The names of the parameters {@code method} writes. */
    List<String> of(MethodTree method) {
        Set<Integer> positions = writes(method);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            if (positions.contains(i)) {
                names.add(method.getParameters().get(i).getName().toString());
            }
        }
        return List.copyOf(names);
    }

    private Set<Integer> writes(MethodTree method) {
        Set<Integer> known = written.get(method);
        if (known != null) {
            return known;
        }
        if (!visiting.add(method) || method.getBody() == null) {
            return Set.of(); // a recursive call writes what the outer scan of the method finds
        }
        List<String> params = new ArrayList<>();
        for (VariableTree p : method.getParameters()) {
            params.add(p.getName().toString());
        }
        Set<Integer> out = new LinkedHashSet<>();
        // a local given a parameter's array (double[] v = w, double[] row = m[i]) writes into it
        Map<String, String> aliases = new HashMap<>();
        // only an array parameter is written through (another method of the name with an array in that place
        // may write it: a boolean or a number given there is not)
        for (VariableTree p : method.getParameters()) {
            if (p.getType() instanceof ArrayTypeTree) {
                aliases.put(p.getName().toString(), p.getName().toString());
            }
        }
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                alias(node.getName().toString(), node.getInitializer());
                return super.visitVariable(node, unused);
            }

            @Override
            public Void visitAssignment(AssignmentTree node, Void unused) {
                element(node.getVariable());
                if (strip(node.getVariable()) instanceof IdentifierTree id) {
                    alias(id.getName().toString(), node.getExpression());
                }
                return super.visitAssignment(node, unused);
            }

            private void alias(String local, ExpressionTree value) {
                value = value == null ? null : strip(value);
                if (value instanceof com.sun.source.tree.ConditionalExpressionTree c) {
                    alias(local, c.getTrueExpression());
                    alias(local, c.getFalseExpression());
                    return;
                }
                while (value instanceof ArrayAccessTree a) {
                    value = strip(a.getExpression());
                }
                if (value instanceof IdentifierTree id && aliases.containsKey(id.getName().toString())) {
                    aliases.put(local, aliases.get(id.getName().toString()));
                }
            }

            @Override
            public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
                element(node.getVariable());
                return super.visitCompoundAssignment(node, unused);
            }

            @Override
            public Void visitUnary(UnaryTree node, Void unused) {
                Tree.Kind kind = node.getKind();
                if (kind == Tree.Kind.PREFIX_INCREMENT || kind == Tree.Kind.POSTFIX_INCREMENT
                        || kind == Tree.Kind.PREFIX_DECREMENT || kind == Tree.Kind.POSTFIX_DECREMENT) {
                    element(node.getExpression()); // -w[0] reads it; only ++ and -- write
                }
                return super.visitUnary(node, unused);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                List<? extends ExpressionTree> args = node.getArguments();
                String qualified = qualifiedName(node.getMethodSelect());
                Integer jdk = JDK_WRITES.get(qualified);
                if (jdk == null && node.getMethodSelect() instanceof IdentifierTree id) {
                    // a static import (import static java.util.Arrays.fill): matched by name alone
                    jdk = JDK_WRITES.entrySet().stream().filter(e -> e.getKey().endsWith("." + id.getName()))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                }
                if (jdk != null && jdk < args.size()) {
                    passed(args.get(jdk));
                }
                String name = simpleName(node.getMethodSelect());
                for (MethodTree callee : methods.getOrDefault(name, List.of())) {
                    if (callee.getParameters().size() == args.size()) {
                        for (int k : writes(callee)) {
                            passed(args.get(k));
                        }
                    }
                }
                return super.visitMethodInvocation(node, unused);
            }

            private void element(ExpressionTree target) {
                target = strip(target);
                while (target instanceof ArrayAccessTree a) {
                    target = strip(a.getExpression());
                    if (target instanceof IdentifierTree) {
                        passed(target);
                    }
                }
            }

            private void passed(ExpressionTree arg) {
                if (strip(arg) instanceof IdentifierTree id && aliases.containsKey(id.getName().toString())) {
                    out.add(params.indexOf(aliases.get(id.getName().toString())));
                }
            }
        }.scan(method.getBody(), null);
        visiting.remove(method);
        written.put(method, out);
        return out;
    }

    private static ExpressionTree strip(ExpressionTree e) {
        while (e instanceof ParenthesizedTree p) {
            e = p.getExpression();
        }
        return e;
    }

    /** {@code Arrays.fill} for {@code Arrays.fill(...)} and {@code java.util.Arrays.fill(...)}. */
    private static String qualifiedName(ExpressionTree select) {
        if (select instanceof MemberSelectTree m) {
            String owner = m.getExpression().toString();
            return owner.substring(owner.lastIndexOf('.') + 1) + "." + m.getIdentifier();
        }
        return "";
    }

    private static String simpleName(ExpressionTree select) {
        if (select instanceof MemberSelectTree m) {
            return m.getIdentifier().toString();
        }
        return select instanceof IdentifierTree id ? id.getName().toString() : "";
    }
}
