package dev.adjoint.processor.find;

import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Scope;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ErrorType;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * javac's {@link Trees}, refusing to attribute a class that holds a record with an explicit
 * canonical constructor. Reading a method body makes javac attribute its whole top-level class
 * during annotation processing ({@code getElement} of a name it has not resolved yet); attribution
 * puts an implicit {@code super()} call at the start of each constructor, and the cleanup javac
 * runs before the next round takes it out of enum constructors only (JDK-8387215, in JDK 17 to 25
 * at least): the record's canonical or compact constructor then holds an explicit constructor
 * call, which javac rejects ("invalid canonical constructor") in a file that is correct. So the
 * processor reads no code of such a class: the method that would have is refused at the record's
 * constructor, with what to do, instead of javac's message about a constructor that is right.
 */
public final class GuardedTrees extends Trees {

    private final Trees javac;
    private final Diagnostics diagnostics;
    /** For each top-level class read, the first record constructor that attribution would break, if any. */
    private final Map<Tree, Optional<MethodTree>> damaged = new IdentityHashMap<>();

    public GuardedTrees(Trees javac, Diagnostics diagnostics) {
        this.javac = javac;
        this.diagnostics = diagnostics;
    }

    @Override
    public Element getElement(TreePath path) {
        guard(path);
        return javac.getElement(path);
    }

    @Override
    public Scope getScope(TreePath path) {
        guard(path);
        return javac.getScope(path);
    }

    /** Refuses (reports and aborts the method being read) where {@code path} is in a class javac must not attribute. */
    private void guard(TreePath path) {
        if (path == null || path.getCompilationUnit() == null) {
            return;
        }
        Tree top = topLevel(path);
        if (top == null) {
            return;
        }
        CompilationUnitTree unit = path.getCompilationUnit();
        Optional<MethodTree> constructor = damaged.computeIfAbsent(top, t -> firstExplicitCanonical(unit, t));
        if (constructor.isPresent()) {
            MethodTree c = constructor.get();
            throw diagnostics.abort(Position.of(c, unit), Tag.AdjointRecordConstructor, "Adjoint must read code in "
                    + ((ClassTree) top).getSimpleName() + " for a @Differentiable method, and cannot while a record "
                    + "there declares its canonical constructor: javac (up to JDK 25 at "
                    + "least, JDK-8387215) would then report this constructor as invalid although it is not; move the "
                    + "record into a file of its own whose code the @Differentiable method does not call (read its "
                    + "components there instead of calling its methods), or move the constructor's checks into a "
                    + "static factory method");
        }
    }

    /** The top-level class declaration on {@code path}, or null. */
    private static Tree topLevel(TreePath path) {
        Tree top = null;
        for (TreePath p = path; p != null && p.getParentPath() != null; p = p.getParentPath()) {
            top = p.getLeaf();
        }
        return top instanceof ClassTree ? top : null;
    }

    /**
     * A constructor in a record within {@code top} (nested or local) that the source declares and
     * that does not start with {@code this(...)}: the canonical one, compact or not. javac's own
     * implicit canonical constructor has no end position in the source.
     */
    private Optional<MethodTree> firstExplicitCanonical(CompilationUnitTree unit, Tree top) {
        SourcePositions positions = javac.getSourcePositions();
        MethodTree[] found = {null};
        new TreeScanner<Void, Boolean>() {
            @Override
            public Void visitClass(ClassTree c, Boolean inRecord) {
                return super.visitClass(c, c.getKind() == Tree.Kind.RECORD);
            }

            @Override
            public Void visitMethod(MethodTree m, Boolean inRecord) {
                if (found[0] == null && Boolean.TRUE.equals(inRecord) && m.getName().contentEquals("<init>")
                        && positions.getEndPosition(unit, m) != Diagnostic.NOPOS && !delegates(m)) {
                    found[0] = m;
                }
                return super.visitMethod(m, false);
            }
        }.scan(top, false);
        return Optional.ofNullable(found[0]);
    }

    /** Whether the constructor starts with {@code this(...)}, as a record's other constructors must. */
    private static boolean delegates(MethodTree m) {
        return m.getBody() != null && !m.getBody().getStatements().isEmpty()
                && m.getBody().getStatements().get(0) instanceof ExpressionStatementTree s
                && s.getExpression() instanceof MethodInvocationTree call
                && call.getMethodSelect() instanceof IdentifierTree name && name.getName().contentEquals("this");
    }

    // the rest is javac's

    @Override
    public SourcePositions getSourcePositions() {
        return javac.getSourcePositions();
    }

    @Override
    public Tree getTree(Element element) {
        return javac.getTree(element);
    }

    @Override
    public ClassTree getTree(TypeElement element) {
        return javac.getTree(element);
    }

    @Override
    public MethodTree getTree(ExecutableElement method) {
        return javac.getTree(method);
    }

    @Override
    public Tree getTree(Element e, AnnotationMirror a) {
        return javac.getTree(e, a);
    }

    @Override
    public Tree getTree(Element e, AnnotationMirror a, AnnotationValue v) {
        return javac.getTree(e, a, v);
    }

    @Override
    public TreePath getPath(CompilationUnitTree unit, Tree node) {
        return javac.getPath(unit, node);
    }

    @Override
    public TreePath getPath(Element e) {
        return javac.getPath(e);
    }

    @Override
    public TreePath getPath(Element e, AnnotationMirror a) {
        return javac.getPath(e, a);
    }

    @Override
    public TreePath getPath(Element e, AnnotationMirror a, AnnotationValue v) {
        return javac.getPath(e, a, v);
    }

    @Override
    public TypeMirror getTypeMirror(TreePath path) {
        return javac.getTypeMirror(path);
    }

    @Override
    public String getDocComment(TreePath path) {
        return javac.getDocComment(path);
    }

    @Override
    public boolean isAccessible(Scope scope, TypeElement type) {
        return javac.isAccessible(scope, type);
    }

    @Override
    public boolean isAccessible(Scope scope, Element member, DeclaredType type) {
        return javac.isAccessible(scope, member, type);
    }

    @Override
    public TypeMirror getOriginalType(ErrorType errorType) {
        return javac.getOriginalType(errorType);
    }

    @Override
    public void printMessage(Diagnostic.Kind kind, CharSequence msg, Tree t, CompilationUnitTree root) {
        javac.printMessage(kind, msg, t, root);
    }

    @Override
    public TypeMirror getLub(CatchTree tree) {
        return javac.getLub(tree);
    }
}
