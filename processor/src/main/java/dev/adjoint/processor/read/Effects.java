package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.find.Assignments;
import dev.adjoint.processor.find.Keys;
import dev.adjoint.processor.find.MethodPaths;
import dev.adjoint.processor.ir.JType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What a method of this build writes, read from its source: whether it writes one of its
 * {@code double[]} parameters (then it is inlined, so that the pullback restores what it
 * overwrote), and whether it only reads (then a call of it needs no derivative). A library's
 * method, without source here, is judged from its class file ({@link ClassFileEffects}); JDK
 * methods by a short documented list.
 */
final class Effects {

    /**
     * JDK methods, and the checks and comparisons of well-known numerical libraries (from their
     * jars, documented to check or compare only), that neither write their arguments nor let a
     * derivative through their result.
     */
    static final Set<String> READ_ONLY_JDK = Set.of(
            "java.util.Objects#requireNonNull(java.lang.Object)",
            "java.util.Objects#requireNonNull(java.lang.Object,java.lang.String)",
            "java.util.Objects#requireNonNull(java.lang.Object,java.util.function.Supplier)",
            "java.util.Objects#isNull(java.lang.Object)",
            "java.util.Objects#nonNull(java.lang.Object)",
            "java.util.Objects#checkIndex(int,int)",
            "java.util.Objects#checkFromToIndex(int,int,int)",
            "java.util.Objects#checkFromIndexSize(int,int,int)",
            "java.util.Objects#equals(java.lang.Object,java.lang.Object)",
            "java.util.Arrays#binarySearch(double[],double)",
            "java.util.Arrays#binarySearch(double[],int,int,double)",
            "java.util.Arrays#equals(double[],double[])",
            "java.lang.Double#isNaN(double)",
            "java.lang.Double#isInfinite(double)",
            "java.lang.Double#isFinite(double)",
            "java.lang.Double#compare(double,double)",
            "java.lang.Math#getExponent(double)",
            "java.lang.StrictMath#getExponent(double)",
            "org.apache.commons.math3.util.MathArrays#checkEqualLength(double[],double[])",
            "org.apache.commons.math3.util.MathArrays#checkEqualLength(double[],double[],boolean)",
            "org.apache.commons.math3.util.MathArrays#checkPositive(double[])",
            "org.apache.commons.math3.util.MathArrays#checkOrder(double[])",
            "org.apache.commons.math3.util.MathUtils#checkNotNull(java.lang.Object)",
            "org.apache.commons.math3.util.MathUtils#checkFinite(double)",
            "org.apache.commons.math3.util.MathUtils#checkFinite(double[])",
            "org.apache.commons.math3.util.Precision#equals(double,double)",
            "org.apache.commons.math3.util.Precision#equals(double,double,double)",
            "org.apache.commons.math3.util.Precision#equals(double,double,int)",
            "org.apache.commons.math3.util.Precision#equalsIncludingNaN(double,double)",
            "org.apache.commons.math3.util.Precision#compareTo(double,double,double)",
            "org.apache.commons.math3.util.Precision#compareTo(double,double,int)",
            "org.hipparchus.util.MathArrays#checkEqualLength(double[],double[])",
            "org.hipparchus.util.MathArrays#checkEqualLength(double[],double[],boolean)",
            "org.hipparchus.util.MathArrays#checkPositive(double[])",
            "org.hipparchus.util.MathArrays#checkOrder(double[])",
            "org.hipparchus.util.MathUtils#checkNotNull(java.lang.Object)",
            "org.hipparchus.util.MathUtils#checkFinite(double)",
            "org.hipparchus.util.MathUtils#checkFinite(double[])",
            "org.hipparchus.util.Precision#equals(double,double)",
            "org.hipparchus.util.Precision#equals(double,double,double)",
            "org.hipparchus.util.Precision#equals(double,double,int)",
            "org.hipparchus.util.Precision#equalsIncludingNaN(double,double)",
            "org.hipparchus.util.Precision#compareTo(double,double,double)",
            "org.hipparchus.util.Precision#compareTo(double,double,int)",
            "com.google.common.math.DoubleMath#fuzzyEquals(double,double,double)",
            "com.google.common.math.DoubleMath#fuzzyCompare(double,double,double)",
            "com.google.common.math.DoubleMath#isMathematicalInteger(double)",
            "com.google.common.base.Preconditions#checkNotNull(java.lang.Object)",
            "com.google.common.base.Preconditions#checkNotNull(java.lang.Object,java.lang.Object)");

    /** The boxed types, whose static methods compute a value and write nothing. */
    private static final Set<String> BOXES = Set.of("java.lang.Double", "java.lang.Float", "java.lang.Integer",
            "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character", "java.lang.Boolean");

    /**
     * The methods that give a floating-point number's bits as an integer, or as text an integer can
     * be parsed from ({@code Float.hashCode} is {@code floatToIntBits}; {@code toHexString} spells the
     * mantissa).
     */
    private static final Set<String> BIT_VIEWS = Set.of("java.lang.Double#doubleToLongBits(double)",
            "java.lang.Double#doubleToRawLongBits(double)", "java.lang.Float#floatToIntBits(float)",
            "java.lang.Float#floatToRawIntBits(float)", "java.lang.Double#hashCode(double)",
            "java.lang.Float#hashCode(float)", "java.lang.Double#toHexString(double)",
            "java.lang.Float#toHexString(float)", "java.lang.Float#floatToFloat16(float)");

    private final Trees trees;
    private final Elements elements;
    private final Types types;
    private final MethodPaths paths;
    private final Catalog catalog;
    /** The outermost method being read that a recursive call assumed read-only (see writesNothing). */
    private int assumed = Integer.MAX_VALUE;

    Effects(Trees trees, Elements elements, Types types, MethodPaths paths, Catalog catalog) {
        this.trees = trees;
        this.elements = elements;
        this.types = types;
        this.paths = paths;
        this.catalog = catalog;
    }

    /**
     * Whether a method of this build writes an element of one of its {@code double[]} parameters:
     * directly, or by passing it to a method of the build that does, or to a JDK method that
     * writes its array argument.
     */
    boolean writesArrayParameter(ExecutableElement method) {
        return writesArrayParameter(method, new HashSet<>());
    }

    private boolean writesArrayParameter(ExecutableElement method, Set<ExecutableElement> visiting) {
        TreePath path = paths.of(method);
        if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null
                || !visiting.add(method)) {
            return false;
        }
        Set<Element> arrays = new HashSet<>();
        for (int i = 0; i < tree.getParameters().size(); i++) {
            if (JType.of(method.getParameters().get(i).asType()).isDoubleArray()) {
                Element p = trees.getElement(new TreePath(path, tree.getParameters().get(i)));
                arrays.add(p != null ? p : method.getParameters().get(i));
            }
        }
        if (arrays.isEmpty()) {
            return false;
        }
        boolean[] writes = {false};
        new Assignments() {
            @Override
            protected void assigned(ExpressionTree target) {
                element(target);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                // passing the array on: to a method that may write it (anything but a read-only one)
                Element called = trees.getElement(getCurrentPath());
                for (ExpressionTree a : node.getArguments()) {
                    if (isArray(a) && !(called instanceof ExecutableElement m && (READ_ONLY_JDK.contains(Keys.of(m, types))
                            || paths.of(m) != null && !writesArrayParameter(m, visiting)
                            || m.getEnclosingElement() instanceof TypeElement t
                                    && t.getQualifiedName().contentEquals("java.lang.Math")))) {
                        writes[0] = true;
                    }
                }
                return super.visitMethodInvocation(node, unused);
            }

            private void element(ExpressionTree target) {
                while (target instanceof ParenthesizedTree p) {
                    target = p.getExpression();
                }
                if (target instanceof com.sun.source.tree.ArrayAccessTree a && isArray(a.getExpression())) {
                    writes[0] = true;
                }
            }

            private boolean isArray(ExpressionTree e) {
                while (e instanceof ParenthesizedTree p) {
                    e = p.getExpression();
                }
                return e instanceof IdentifierTree && arrays.contains(trees.getElement(new TreePath(getCurrentPath(), e)));
            }
        }.scan(new TreePath(path, tree.getBody()), null);
        visiting.remove(method);
        return writes[0];
    }

    /**
     * Whether a method of this build, read from its source, only reads: it {@linkplain #writesNothing
     * writes nothing}, and returns nothing a derivative could flow through ({@code void},
     * {@code boolean} or an integer).
     */
    boolean isReadOnly(ExecutableElement method, String key) {
        return isReadOnly(method, key, new ArrayList<>());
    }

    /**
     * Whether {@code method}'s body, or the body of a method of this build it calls, views a
     * floating-point number's bits as an integer ({@link #BIT_VIEWS}): its integer result may carry a
     * number's value, and is not read-only.
     */
    private boolean viewsBits(ExecutableElement method, Set<ExecutableElement> seen) {
        TreePath path = paths.of(method);
        if (!seen.add(method) || path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
            return false;
        }
        boolean[] views = {false};
        new com.sun.source.util.TreePathScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                if (trees.getElement(getCurrentPath()) instanceof ExecutableElement m) {
                    views[0] |= BIT_VIEWS.contains(Keys.of(m, types)) || viewsBits(m, seen);
                }
                return super.visitMethodInvocation(node, unused);
            }

            @Override
            public Void visitNewClass(com.sun.source.tree.NewClassTree node, Void unused) {
                // a constructor keeping the bits in a field (new H(d).v)
                if (trees.getElement(getCurrentPath()) instanceof ExecutableElement c) {
                    views[0] |= viewsBits(c, seen);
                }
                return super.visitNewClass(node, unused);
            }
        }.scan(new TreePath(path, tree.getBody()), null);
        return views[0];
    }

    /** Whether a method of this build, read from its source, writes nothing (what it returns aside). */
    boolean writesNothing(ExecutableElement method, String key) {
        return writesNothing(method, key, new ArrayList<>());
    }

    private boolean isReadOnly(ExecutableElement method, String key, List<String> visiting) {
        TypeKind result = method.getReturnType().getKind();
        // an integer may be a double's bits (Double.doubleToRawLongBits), which longBitsToDouble makes a number again
        boolean integer = result == TypeKind.INT || result == TypeKind.LONG;
        return (result == TypeKind.VOID || result == TypeKind.BOOLEAN || integer && !viewsBits(method, new HashSet<>()))
                && writesNothing(method, key, visiting);
    }

    /**
     * Whether a method of this build, read from its source, writes nothing: no array element, field
     * or anything but its own locals, and calls only such methods, {@code Math} functions or
     * read-only JDK ones (a throw statement may call anything: it ends the computation). What it
     * returns does not matter here: a check may compute with numbers.
     */
    private boolean writesNothing(ExecutableElement method, String key, List<String> visiting) {
        Boolean cached = catalog.readOnlyCache().get(key);
        if (cached != null) {
            return cached;
        }
        int cycle = visiting.indexOf(key);
        if (cycle >= 0) {
            assumed = Math.min(assumed, cycle);
            return true; // recursion: read-only unless something else says otherwise
        }
        int depth = visiting.size();
        int outer = assumed;
        assumed = Integer.MAX_VALUE;
        visiting.add(key);
        TreePath path = paths.of(method);
        boolean readOnly = path == null ? fromClassFile(method) == null
                : path.getLeaf() instanceof MethodTree tree && tree.getBody() != null
                        && readsOnly(new TreePath(path, tree.getBody()), tree, visiting, Set.of(), p -> false);
        visiting.remove(depth);
        if (!readOnly || assumed >= depth) {
            // a verdict that leaned on a method still being read (assumed read-only) holds only once
            // that one is decided: kept only then
            catalog.readOnlyCache().put(key, readOnly);
        }
        assumed = Math.min(outer, assumed);
        return readOnly;
    }

    /**
     * Why a method without source here (a library's, from a jar) could not be proven to write
     * nothing from its class file ({@link ClassFileEffects}), or null when it was. JDK methods are
     * judged by {@link #READ_ONLY_JDK} alone: under {@code --release} javac sees their signatures,
     * not their code.
     */
    String fromClassFile(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String name = owner.getQualifiedName().toString();
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
            return "it is a JDK method not on the list of those known to only read";
        }
        if (paths.of(method) != null) {
            return null;
        }
        String descriptor = descriptor(method);
        if (descriptor == null) {
            return "its signature names a type Adjoint cannot find";
        }
        // an instance method is judged as called on any object of its class: refused if a subclass may override it
        return catalog.classFiles().whyNot(elements.getBinaryName(owner).toString().replace('.', '/'),
                method.getSimpleName().toString(), descriptor, method.getModifiers().contains(Modifier.STATIC));
    }

    /** The JVM descriptor of a method ({@code (D[D)V}), or null when a type in it is not a class of the class path. */
    private String descriptor(ExecutableElement method) {
        StringBuilder out = new StringBuilder("(");
        for (VariableElement p : method.getParameters()) {
            out.append(descriptor(types.erasure(p.asType())));
        }
        out.append(')').append(descriptor(types.erasure(method.getReturnType())));
        return out.indexOf("?") >= 0 ? null : out.toString();
    }

    private String descriptor(TypeMirror type) {
        return switch (type.getKind()) {
            case BOOLEAN -> "Z";
            case BYTE -> "B";
            case SHORT -> "S";
            case CHAR -> "C";
            case INT -> "I";
            case LONG -> "J";
            case FLOAT -> "F";
            case DOUBLE -> "D";
            case VOID -> "V";
            case ARRAY -> "[" + descriptor(types.erasure(((ArrayType) type).getComponentType()));
            case DECLARED -> "L" + elements.getBinaryName((TypeElement) ((DeclaredType) type).asElement()).toString()
                    .replace('.', '/') + ";";
            default -> "?";
        };
    }

    /**
     * Whether a method of this build, read from its source, writes nothing but its own locals and
     * fields of the objects its locals or parameters named {@code objects} hold ({@code out.x = ...}):
     * the objects it fills (read/Values).
     */
    boolean writesOnly(ExecutableElement method, Set<String> objects, java.util.function.Predicate<TreePath> ownCall) {
        TreePath path = paths.of(method);
        return path != null && path.getLeaf() instanceof MethodTree tree && tree.getBody() != null
                && readsOnly(new TreePath(path, tree.getBody()), tree, new ArrayList<>(), objects, ownCall);
    }

    private boolean readsOnly(TreePath body, MethodTree tree, List<String> visiting, Set<String> objects,
            java.util.function.Predicate<TreePath> ownCall) {
        Set<String> locals = new HashSet<>();
        tree.getParameters().forEach(p -> locals.add(p.getName().toString()));
        boolean[] ok = {true};
        new Assignments() {
            @Override
            public Void visitVariable(VariableTree node, Void unused) {
                locals.add(node.getName().toString());
                return super.visitVariable(node, unused);
            }

            @Override
            protected void assigned(ExpressionTree target) {
                ok[0] &= writesLocal(target);
            }

            @Override
            public Void visitThrow(ThrowTree node, Void unused) {
                return null; // a throw ends the computation: what it calls does not matter
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void unused) {
                Element called = trees.getElement(getCurrentPath());
                if (!(called instanceof ExecutableElement m)) {
                    ok[0] = false;
                } else {
                    String k = Keys.of(m, types);
                    String owner = m.getEnclosingElement() instanceof TypeElement t ? t.getQualifiedName().toString() : "";
                    // Math's functions and those of the libraries with its names and contracts (FastMath)
                    // and the static methods of the boxed types, which compute (Double.doubleToRawLongBits in Commons
                    // Numbers' DD.isNotNormal): an integer result of one viewing bits is judged by isReadOnly
                    ok[0] &= READ_ONLY_JDK.contains(k) || owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath")
                            || (Calls.MATH_LIKE.contains(owner) || BOXES.contains(owner)) && m.getModifiers().contains(Modifier.STATIC)
                            || writesNothing(m, k, visiting)
                            || ownCall.test(getCurrentPath());
                }
                return super.visitMethodInvocation(node, unused);
            }

            private boolean writesLocal(ExpressionTree target) {
                while (target instanceof ParenthesizedTree p) {
                    target = p.getExpression();
                }
                if (target instanceof IdentifierTree id && objects.contains("this") && !locals.contains(id.getName().toString())
                        && trees.getElement(new TreePath(getCurrentPath(), target)) instanceof VariableElement f
                        && f.getKind() == ElementKind.FIELD && !f.getModifiers().contains(Modifier.STATIC)) {
                    return true; // hi = H + h: a field of this object, which it changes
                }
                if (target instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree id
                        && objects.contains(id.getName().toString())) {
                    return true; // a field of an object it fills
                }
                return target instanceof IdentifierTree id && locals.contains(id.getName().toString());
            }
        }.scan(body, null);
        return ok[0];
    }

    /** The names in a generated pullback's {@code @WritesArrays}, read from the class file. */
    static List<String> writtenArrays(ExecutableElement pullback) {
        List<String> out = new ArrayList<>();
        for (AnnotationMirror a : pullback.getAnnotationMirrors()) {
            if (!a.getAnnotationType().toString().endsWith(".WritesArrays")) {
                continue;
            }
            a.getElementValues().forEach((k, v) -> {
                if (v.getValue() instanceof List<?> values) {
                    for (Object o : values) {
                        out.add(String.valueOf(((AnnotationValue) o).getValue()));
                    }
                }
            });
        }
        return out;
    }
}
