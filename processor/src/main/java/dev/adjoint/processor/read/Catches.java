package dev.adjoint.processor.read;

import com.sun.source.tree.CatchTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.Finder;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.UnionType;
import javax.lang.model.util.Types;

/**
 * A {@code try} whose catches rethrow: {@code try { p.transform(src, dst); } catch (ProjectionException e)
 * { throw new IllegalStateException(e); }}, as libraries that throw checked exceptions are called.
 * Its body is read as a block, and each {@code throw} inside it whose exception a catch takes (in the
 * body, or in a helper it inlines, read apart for this try) is read as what the catch throws, given
 * that exception: {@code throw new IllegalStateException(new ProjectionException("No convergence."))}.
 * The generated code keeps no {@code try}: a checked exception can only come from a {@code throw}
 * Adjoint reads, or from a call it does not inline outside any {@code try} (one inside is refused);
 * one that leaves the {@code @Differentiable} method leaves its generated members, which declare it.
 *
 * <p>What is refused, where the rewriting could be wrong: a catch of an unchecked exception or of
 * a supertype of one ({@code Exception}, {@code Throwable}), which any call, division or array
 * access may throw where no {@code throw} is written; a catch that does more than throw, or whose
 * throw reads another local; a {@code finally} block; resources; a throw whose exception's static
 * type is a supertype of a caught one, so that only its class at run time would say which catch
 * takes it; a checked exception no catch around it takes.
 */
final class Catches {

    /** One catch clause: the types it takes, its parameter, and the statement it throws with (read). */
    record Handler(List<TypeMirror> caught, Var parameter, Stmt rethrow) {}

    private final Trees trees;
    private final Types types;
    /** The catches around the statement being read, innermost first (a helper's: its caller's, for the throws it lets out). */
    private List<Handler> handlers = List.of();

    /**
     * Whether a checked exception no catch takes may leave the code being read: in a method or a
     * helper, javac has made sure the {@code @Differentiable} method declares it (or a catch around
     * the call takes it, and then the helper is read with that catch), and its generated members
     * declare it too. Not in a function's body, read apart from the catches around its call.
     */
    private boolean lettingOut = true;

    Catches(Trees trees, Types types) {
        this.trees = trees;
        this.types = types;
    }

    List<Handler> handlers() {
        return handlers;
    }

    /** The body being read is a function's (a lambda's): its checked exceptions are refused. */
    void inFunction() {
        lettingOut = false;
    }

    /**
     * Whether a call of a method declaring checked exceptions that Adjoint does not inline may stay a
     * call: no catch around it would take what it throws (the generated code keeps no {@code try}).
     */
    boolean letsOutCalls() {
        return lettingOut && handlers.isEmpty();
    }

    /** A helper's body, read for the throws it lets out into {@code around}. */
    void enter(List<Handler> around) {
        handlers = List.copyOf(around);
    }

    /** The try statement at {@code path}, its body a block, its catches pushed for the throws inside it. */
    Stmt read(BodyReader body, TreePath path, String label, Position at) {
        TryTree t = (TryTree) path.getLeaf();
        if (!t.getResources().isEmpty()) {
            return refuse(at, "cannot differentiate a try-with-resources statement; move it out of the "
                    + "@Differentiable method (into its caller)");
        }
        if (t.getFinallyBlock() != null) {
            return refuse(at, "cannot differentiate a try statement with a finally block; move it out of the "
                    + "@Differentiable method (into its caller), or end the catches with a throw and drop the finally");
        }
        List<Handler> handlers = new ArrayList<>();
        for (CatchTree c : t.getCatches()) {
            TreePath catchPath = new TreePath(path, c);
            Position where = body.at(c);
            Element el = trees.getElement(new TreePath(catchPath, c.getParameter()));
            if (el == null) {
                return refuse(where, "cannot resolve the catch parameter " + c.getParameter().getName());
            }
            List<TypeMirror> caught = el.asType() instanceof UnionType u ? List.copyOf(u.getAlternatives())
                    : List.of(el.asType());
            for (TypeMirror type : caught) {
                if (!takesOnlyChecked(type)) {
                    return refuse(where, "cannot differentiate a catch of " + simple(type) + ": it takes "
                            + (Finder.isChecked(type) ? "unchecked exceptions too" : "an unchecked exception") + ", which "
                            + "a call, a division or an array access may throw where no throw is written; catch only the "
                            + "checked exceptions the code throws, or move the try into the caller");
                }
            }
            List<? extends StatementTree> statements = c.getBlock().getStatements();
            if (statements.size() != 1 || !(statements.get(0) instanceof ThrowTree thrown)) {
                return refuse(where, "cannot differentiate a catch block that does more than throw: the code that "
                        + "threw would have to stop where it is and go on here; make the block one throw statement "
                        + "(throw new IllegalStateException(" + c.getParameter().getName() + ")), or move the try into "
                        + "the caller");
            }
            Var parameter = new Var(c.getParameter().getName().toString(), JType.of(types.erasure(
                    caught.size() == 1 ? caught.get(0) : el.asType())), Var.Role.LOCAL);
            body.bind(el, parameter);
            // what the catch throws is read around this try: an enclosing catch may take it in turn
            Stmt rethrow = body.statement(new TreePath(new TreePath(catchPath, c.getBlock()), thrown), null);
            Set<String> others = othersRead(rethrow, parameter);
            if (!others.isEmpty()) {
                return refuse(where, "cannot differentiate a catch block whose throw reads " + String.join(", ", others)
                        + ": it is thrown where the exception is, inside the methods the try calls; build it from the "
                        + "caught exception and constants only, or move the try into the caller");
            }
            handlers.add(new Handler(caught, parameter, rethrow));
        }
        List<Handler> enclosing = this.handlers;
        handlers.addAll(enclosing);
        this.handlers = handlers;
        try {
            return new Stmt.Block(label, body.block(new TreePath(path, t.getBlock())));
        } finally {
            this.handlers = enclosing;
        }
    }

    /**
     * {@code throw exception;} (the exception's path): what the first catch around it that takes it
     * throws, or the statement itself when none does (a checked exception then leaves the
     * {@code @Differentiable} method, whose generated members declare it).
     */
    Stmt thrown(BodyReader body, TreePath path, Position at, String source) {
        Expr exception = body.expr(path);
        TypeMirror type = trees.getTypeMirror(path);
        Tree tree = path.getParentPath().getLeaf();
        for (Handler h : handlers) {
            for (TypeMirror caught : h.caught()) {
                if (types.isSubtype(type, caught)) {
                    return rethrown(h, exception, at);
                }
                if (types.isSubtype(caught, type)) {
                    return refuse(body.at(tree), "cannot differentiate this throw of a " + simple(type) + " inside a "
                            + "try that catches " + simple(caught) + ": only the exception's class at run time says "
                            + "which catch takes it; throw it as the type it is");
                }
            }
        }
        if (Finder.isChecked(type) && !lettingOut) {
            return refuse(body.at(tree), "cannot differentiate a throw of the checked " + simple(type) + " in the "
                    + "body of a lambda or anonymous class: Adjoint reads it apart from the catches around its call; "
                    + "throw an unchecked exception there");
        }
        return new Stmt.Throw(exception, at, source);
    }

    /** The checked exceptions {@code method} declares ({@code "ProjectionException"}), or null when none. */
    static String declared(ExecutableElement method) {
        String checked = method.getThrownTypes().stream().filter(Finder::isChecked).map(Catches::simple)
                .collect(Collectors.joining(", "));
        return checked.isEmpty() ? null : checked;
    }

    /** What the catch throws, given the exception thrown: substituted where it reads it once, else declared first. */
    private static Stmt rethrown(Handler h, Expr exception, Position at) {
        Var p = h.parameter();
        int[] reads = {0};
        Stmts.forEachExpr(List.of(h.rethrow()), e -> Exprs.reads(e, v -> reads[0] += v == p ? 1 : 0));
        if (h.rethrow() instanceof Stmt.Throw t && reads[0] == 1) {
            return Rename.replace(List.of(t), e -> e instanceof Expr.Read r && r.var() == p ? exception : null).get(0);
        }
        // the exception, built where it was thrown, carries no derivative (nor does its message)
        Var given = p.copy();
        List<Stmt> out = new ArrayList<>(List.of(new Stmt.Declare(given, new Expr.StopGradient(exception, at), at, null)));
        out.addAll(Rename.fresh(List.of(h.rethrow()), Map.of(p, given)));
        return new Stmt.Block(null, out);
    }

    /** The variables {@code rethrow} reads but the parameter and those it declares itself. */
    private static Set<String> othersRead(Stmt rethrow, Var parameter) {
        Set<Var> declared = new HashSet<>();
        Stmts.forEach(List.of(rethrow), s -> {
            if (s instanceof Stmt.Declare d) {
                declared.add(d.var());
            }
        });
        Set<String> others = new LinkedHashSet<>();
        Stmts.forEachExpr(List.of(rethrow), e -> Exprs.reads(e, v -> {
            if (v != parameter && !declared.contains(v)) {
                others.add(v.name);
            }
        }));
        return others;
    }

    /**
     * Whether a catch of {@code type} takes checked exceptions only: not an unchecked one, and not
     * {@code Exception} or {@code Throwable}, the checked supertypes of the unchecked ones.
     */
    private static boolean takesOnlyChecked(TypeMirror type) {
        if (!(type instanceof DeclaredType d) || !Finder.isChecked(type)) {
            return false;
        }
        String n = ((TypeElement) d.asElement()).getQualifiedName().toString();
        return !n.equals("java.lang.Exception") && !n.equals("java.lang.Throwable");
    }

    private static String simple(TypeMirror type) {
        return type instanceof DeclaredType d ? d.asElement().getSimpleName().toString() : type.toString();
    }

    private static Stmt refuse(Position at, String message) {
        return new Stmt.Unsupported(Tag.AdjointUnsupportedStatement, message, at);
    }
}
