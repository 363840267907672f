package dev.adjoint.processor.read;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * A {@code switch} read into {@link Stmt.Switch}: statements and switch expressions (their
 * {@code yield}s assign {@code result}), arrow and colon cases, constant and enum labels.
 */
final class Switches {

    private Switches() {}

    static Stmt.Switch read(BodyReader body, Trees trees, TreePath path, TreePath selectorPath,
            List<? extends CaseTree> caseTrees, Position at, String source, Var result) {
        Expr selector = body.expr(selectorPath);
        List<Stmt.Case> cases = new ArrayList<>();
        boolean arrow = false;
        for (CaseTree c : caseTrees) {
            TreePath casePath = new TreePath(path, c);
            List<Expr> labels = null;
            if (!c.getExpressions().isEmpty()) {
                labels = new ArrayList<>();
                for (ExpressionTree label : c.getExpressions()) {
                    labels.add(caseLabel(body, trees, new TreePath(casePath, label), selector.type()));
                }
            }
            List<Stmt> statements = new ArrayList<>();
            if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
                arrow = true;
                Tree b = c.getBody();
                TreePath bodyPath = new TreePath(casePath, b);
                if (b instanceof BlockTree) {
                    statements.addAll(body.block(bodyPath));
                } else if (b instanceof ThrowTree || b instanceof StatementTree) {
                    Stmt s = body.statement(bodyPath, null);
                    if (s != null) {
                        statements.add(s);
                    }
                } else if (result != null) {
                    BodyReader.Yield y = body.yielding();
                    statements.add(new Stmt.Assign(result, body.expr(bodyPath), body.at(b), BodyReader.sourceOf(b)));
                    statements.add(new Stmt.Break(y.label(), body.at(b)));
                } else {
                    statements.add(new Stmt.Eval(body.expr(bodyPath), body.at(b), BodyReader.sourceOf(b)));
                }
                if (result == null) {
                    statements.add(new Stmt.Break(null, null)); // an arrow case never falls through
                }
            } else {
                for (StatementTree s : c.getStatements()) {
                    Stmt st = body.statement(new TreePath(casePath, s), null);
                    if (st != null) {
                        statements.add(st);
                    }
                }
            }
            cases.add(new Stmt.Case(labels, statements));
        }
        return new Stmt.Switch(selector, cases, arrow, at, source);
    }

    /** A case label: a constant, or an enum constant named without its type. */
    private static Expr caseLabel(BodyReader body, Trees trees, TreePath path, JType selectorType) {
        Element el = trees.getElement(path);
        if (el != null && el.getKind() == ElementKind.ENUM_CONSTANT) {
            TypeElement owner = (TypeElement) el.getEnclosingElement();
            return new Expr.StaticGet(ClassRef.of(owner), el.getSimpleName().toString(), selectorType,
                    el.getModifiers().contains(Modifier.PRIVATE) || owner.getModifiers().contains(Modifier.PRIVATE),
                    body.at(path.getLeaf()));
        }
        return body.expr(path);
    }
}
