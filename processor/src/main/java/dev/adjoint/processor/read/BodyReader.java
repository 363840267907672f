package dev.adjoint.processor.read;

import static dev.adjoint.processor.read.Operators.stripParens;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Translates one method body (javac's Compiler Tree API, attributed) into the IR. It translates
 * faithfully and refuses nothing: what the IR cannot express becomes an {@code Unsupported} node
 * with its position, which the fence reports. Names resolve through javac's elements, so each
 * local is one {@link Var} however often its name is reused in disjoint blocks.
 */
final class BodyReader {

    private final Trees trees;
    private final Typing typing;
    final Calls calls;
    private final CompilationUnitTree unit;
    private final Map<Element, Var> vars = new HashMap<>();
    /** The switch expressions being read, innermost first: where a {@code yield} goes. */
    private final Deque<Yield> yields = new ArrayDeque<>();
    private int switchLabels;
    private Var self; // the receiver, in an instance method's body; null in a static one
    /** In a helper: the receiver's double and double[] fields it reads, each a parameter its caller fills. */
    private List<VariableElement> implicitFields;
    /** In an instance method inlined for another object than the caller's: its fields are data, read from it. */
    private boolean selfIsData;
    /** How many throw statements the expression being read is inside. */
    private int throwDepth;
    /** The components of record variables that are variables of their own (read by a record's accessor). */
    private final Map<Var, Map<String, Var>> components = new HashMap<>();
    /** The value objects of this body split into their fields. */
    private final ValueReads values;
    /** The catches around the statement being read, which take the checked exceptions thrown in it. */
    final Catches catches;
    /** The receiver's fields the method writes. */
    final FieldStores stores;

    record Yield(Var result, String label) {}

    BodyReader(Trees trees, Calls calls, CompilationUnitTree unit, Values values) {
        this.trees = trees;
        this.typing = new Typing(trees);
        this.calls = calls;
        this.unit = unit;
        this.values = new ValueReads(this, calls, trees, values);
        this.catches = new Catches(trees, calls.types());
        this.stores = new FieldStores(trees);
    }

    ValueReads values() { return values; }

    /** Declares a parameter (or another variable known before the body) for the body's reads. */
    void bind(Element element, Var var) {
        vars.put(element, var);
    }

    /**
     * An instance method's receiver. With {@code implicit} (a helper), each double/double[] field
     * read gets a variable, its element added to {@code implicit} in order of first read.
     */
    void receiver(Var self, List<VariableElement> implicit) {
        this.self = self;
        this.implicitFields = implicit;
    }

    /** The receiver of another object's inlined method: its fields are data. */
    void receiverAsData(Var self) {
        receiver(self, null);
        this.selfIsData = true;
    }

    Var self() { return self; }

    /** Whether a derivative may flow from this object's fields (a helper's caller may differentiate them). */
    boolean fieldsDifferentiated() {
        return implicitFields != null || selfIsData || vars.keySet().stream().anyMatch(e -> e.getKind() == ElementKind.FIELD);
    }

    boolean selfIsData() { return selfIsData; }

    /** The switch expression whose {@code yield} is being read. */
    Yield yielding() {
        return yields.peek();
    }

    /**
     * Whether the expression being read builds a thrown exception: the method ends there, so what
     * it calls only makes the message (Strata's {@code Messages.format}, recursive) and is called
     * as written, never inlined.
     */
    boolean inThrow() {
        return throwDepth > 0;
    }

    /** Declares that {@code record}'s component {@code name} is read from {@code component}. */
    void bindComponent(Var record, String name, Var component) {
        components.computeIfAbsent(record, k -> new HashMap<>()).put(name, component);
    }

    /** The variable a record variable's component is read from, or null. */
    Var component(Var record, String name) {
        Map<String, Var> c = components.get(record);
        return c == null ? null : c.get(name);
    }

    /** The variable a receiver's field is read into (bound, or made now in a helper), or null. */
    Var fieldVar(VariableElement field) {
        Var v = vars.get(field);
        if (v == null && implicitFields != null && (field.asType().getKind() == TypeKind.DOUBLE
                || JType.of(field.asType()).isDoubleArray())) {
            v = new Var(field.getSimpleName().toString(), JType.of(field.asType()), Var.Role.PARAM);
            vars.put(field, v);
            implicitFields.add(field);
        }
        return v;
    }

    // ---------------------------------------------------------------- statements

    /** The statements of a block, or the one statement of a branch or loop body that is not a block. */
    List<Stmt> block(TreePath path) {
        List<Stmt> out = new ArrayList<>();
        if (path.getLeaf() instanceof BlockTree b) {
            for (StatementTree s : b.getStatements()) {
                if (s instanceof VariableTree && values.declares(new TreePath(path, s))) {
                    out.addAll(values.declare(new TreePath(path, s), trees.getElement(new TreePath(path, s)), at(s), sourceOf(s)));
                    continue;
                }
                Stmt stmt = statement(new TreePath(path, s), null);
                if (stmt != null) {
                    out.add(stmt);
                }
            }
        } else {
            Stmt stmt = statement(path, null);
            if (stmt != null) {
                out.add(stmt);
            }
        }
        return out;
    }

    Stmt statement(TreePath path, String label) {
        StatementTree tree = (StatementTree) path.getLeaf();
        String source = sourceOf(tree);
        Position at = at(tree);
        switch (tree.getKind()) {
            case VARIABLE -> {
                VariableTree v = (VariableTree) tree;
                Element el = trees.getElement(path);
                if (el == null) {
                    return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot resolve the variable " + v.getName());
                }
                Var var = new Var(v.getName().toString(), JType.of(el.asType()), Var.Role.LOCAL);
                if (calls.access().unwritable(var.type) != null) {
                    return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate the local variable "
                            + v.getName() + ": " + calls.access().unwritable(var.type));
                }
                Expr init = v.getInitializer() == null ? null : initializer(new TreePath(path, v.getInitializer()), var.type);
                vars.put(el, var);
                return new Stmt.Declare(var, init, at, source);
            }
            case EXPRESSION_STATEMENT -> {
                return expressionStatement(new TreePath(path, ((ExpressionStatementTree) tree).getExpression()), at,
                        source);
            }
            case RETURN -> {
                ExpressionTree value = ((ReturnTree) tree).getExpression();
                return new Stmt.Return(values.returnsField() ? values.returned(value == null ? null : new TreePath(path, value), at)
                        : value == null ? null : expr(new TreePath(path, value)), at, source);
            }
            case EMPTY_STATEMENT -> {
                return null;
            }
            case IF -> {
                IfTree i = (IfTree) tree;
                Expr condition = expr(new TreePath(path, i.getCondition()));
                List<Stmt> then = block(new TreePath(path, i.getThenStatement()));
                List<Stmt> otherwise = i.getElseStatement() == null ? List.of()
                        : block(new TreePath(path, i.getElseStatement()));
                return new Stmt.If(condition, then, otherwise, at, "if (" + sourceOf(i.getCondition()) + ")");
            }
            case FOR_LOOP -> {
                ForLoopTree f = (ForLoopTree) tree;
                List<Stmt> init = new ArrayList<>();
                for (StatementTree s : f.getInitializer()) {
                    Stmt st = statement(new TreePath(path, s), null);
                    if (st != null) {
                        init.add(st);
                    }
                }
                Expr condition = f.getCondition() == null ? null : expr(new TreePath(path, f.getCondition()));
                List<Stmt> update = new ArrayList<>();
                for (ExpressionStatementTree u : f.getUpdate()) {
                    Stmt st = statement(new TreePath(path, u), null);
                    if (st != null) {
                        update.add(st);
                    }
                }
                List<Stmt> body = block(new TreePath(path, f.getStatement()));
                return new Stmt.Loop(label, init, List.of(), condition, update, body, false, at, loopSource(tree));
            }
            case ENHANCED_FOR_LOOP -> {
                EnhancedForLoopTree f = (EnhancedForLoopTree) tree;
                Expr array = expr(new TreePath(path, f.getExpression()));
                TreePath varPath = new TreePath(path, f.getVariable());
                Element el = trees.getElement(varPath);
                if (!array.type().isArray()) {
                    return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate a for-each loop over "
                            + array.type() + "; only arrays can be iterated in a @Differentiable method");
                }
                Var var = new Var(f.getVariable().getName().toString(), JType.of(el.asType()), Var.Role.LOCAL);
                if (calls.access().unwritable(var.type) != null) {
                    return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate the loop variable "
                            + var.name + ": " + calls.access().unwritable(var.type));
                }
                vars.put(el, var);
                return new Stmt.ForEach(label, var, array, block(new TreePath(path, f.getStatement())), at,
                        loopSource(tree));
            }
            case WHILE_LOOP -> {
                WhileLoopTree w = (WhileLoopTree) tree;
                Expr condition = expr(new TreePath(path, w.getCondition()));
                return new Stmt.Loop(label, List.of(), List.of(), condition, List.of(),
                        block(new TreePath(path, w.getStatement())), false, at, loopSource(tree));
            }
            case DO_WHILE_LOOP -> {
                DoWhileLoopTree d = (DoWhileLoopTree) tree;
                List<Stmt> body = block(new TreePath(path, d.getStatement()));
                Expr condition = expr(new TreePath(path, d.getCondition()));
                return new Stmt.Loop(label, List.of(), List.of(), condition, List.of(), body, true, at, loopSource(tree));
            }
            case LABELED_STATEMENT -> {
                LabeledStatementTree l = (LabeledStatementTree) tree;
                String name = l.getLabel().toString();
                Tree.Kind inner = l.getStatement().getKind();
                TreePath innerPath = new TreePath(path, l.getStatement());
                if (inner == Tree.Kind.FOR_LOOP || inner == Tree.Kind.ENHANCED_FOR_LOOP || inner == Tree.Kind.WHILE_LOOP
                        || inner == Tree.Kind.DO_WHILE_LOOP) {
                    return statement(innerPath, name);
                }
                // a label on any other statement: a block that `break name;` leaves
                Stmt s = statement(innerPath, null);
                return new Stmt.Block(name, s == null ? List.of() : List.of(s));
            }
            case BREAK -> {
                var target = ((BreakTree) tree).getLabel();
                return new Stmt.Break(target == null ? null : target.toString(), at);
            }
            case CONTINUE -> {
                var target = ((ContinueTree) tree).getLabel();
                return new Stmt.Continue(target == null ? null : target.toString(), at);
            }
            case YIELD -> {
                Yield y = yields.peek();
                if (y == null) {
                    return unsupported(tree, Tag.AdjointUnsupportedStatement, "yield outside a switch expression");
                }
                Expr value = expr(new TreePath(path, ((YieldTree) tree).getValue()));
                return new Stmt.Block(null, List.of(new Stmt.Assign(y.result(), value, at, source),
                        new Stmt.Break(y.label(), at)));
            }
            case BLOCK -> {
                return new Stmt.Block(null, block(path));
            }
            case THROW -> {
                throwDepth++;
                try {
                    return catches.thrown(this, new TreePath(path, ((ThrowTree) tree).getExpression()), at, source);
                } finally {
                    throwDepth--;
                }
            }
            case SWITCH -> {
                SwitchTree s = (SwitchTree) tree;
                Stmt.Switch sw = Switches.read(this, trees, path, new TreePath(path, s.getExpression()), s.getCases(), at,
                        "switch (" + sourceOf(s.getExpression()) + ")", null);
                return label == null ? sw : new Stmt.Block(label, List.of(sw));
            }
            case TRY -> {
                return catches.read(this, path, label, at);
            }
            case SYNCHRONIZED -> {
                return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate a synchronized "
                        + "statement; move it out of the @Differentiable method (synchronize in the caller)");
            }
            case CLASS, INTERFACE, ENUM, RECORD -> {
                return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate a local class "
                        + "declaration: its code (which may capture this method's locals) is not followed; declare the "
                        + "class outside the @Differentiable method and pass it what it needs");
            }
            case ASSERT -> {
                // checked when the method itself runs with -ea; the derivative code runs without it, as
                // the JVM does by default (an assertion is a check, not part of the value)
                return null;
            }
            default -> {
                String kind = describe(tree.getKind()).replace(" statement", "");
                return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate "
                        + ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " statement; "
                        + "move it out of the @Differentiable method");
            }
        }
    }

    /** A variable's initializer: an array initializer {@code {a, b}} takes the variable's type. */
    private Expr initializer(TreePath path, JType type) {
        if (path.getLeaf() instanceof NewArrayTree n && n.getType() == null && n.getInitializers() != null) {
            return arrayLiteral(path, n, type);
        }
        return expr(path);
    }

    private Expr arrayLiteral(TreePath path, NewArrayTree n, JType type) {
        JType component = type.isArray() ? type.component() : JType.DOUBLE;
        List<Expr> elements = new ArrayList<>();
        for (ExpressionTree e : n.getInitializers()) {
            TreePath p = new TreePath(path, e);
            elements.add(e instanceof NewArrayTree inner && inner.getType() == null && inner.getInitializers() != null
                    ? arrayLiteral(p, inner, component) : expr(p));
        }
        return written(n, new Expr.ArrayLit(type, elements, at(n)));
    }

    /** {@code e}, or its refusal when the adjoint class cannot write its type (a creation's or a cast's). */
    private Expr written(Tree tree, Expr e) {
        Expr refused = refusal(tree, calls.access().unwritable(e.type()));
        return refused != null ? refused : e;
    }

    /** The refusal of {@code tree} for the reason {@code why}; null when there is none. */
    private Expr refusal(Tree tree, String why) {
        return why == null ? null : unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate "
                + sourceOf(tree) + ": " + why);
    }

    /** The head of a loop, for the comments of generated code: {@code for (int i = 0; i < n; i++)}. */
    private static String loopSource(StatementTree loop) {
        String s = sourceOf(loop);
        return s.indexOf(" {") > 0 ? s.substring(0, s.indexOf(" {")) : s;
    }

    private Stmt expressionStatement(TreePath path, Position at, String source) {
        ExpressionTree tree = (ExpressionTree) path.getLeaf();
        switch (tree.getKind()) {
            case ASSIGNMENT -> {
                AssignmentTree a = (AssignmentTree) tree;
                TreePath targetPath = new TreePath(path, a.getVariable());
                if (a.getVariable() instanceof IdentifierTree && values.split(trees.getElement(targetPath))) {
                    return values.assign(path, trees.getElement(targetPath), at, source); // a value object, field by field
                }
                Var var = writable(targetPath);
                if (var != null) {
                    return stores.after(var, new Stmt.Assign(var, expr(new TreePath(path, a.getExpression())), at, source));
                }
                if (stripParens(a.getVariable()) instanceof ArrayAccessTree) {
                    Expr.ArrayRead element = (Expr.ArrayRead) expr(targetPath);
                    return new Stmt.ArrayWrite(element.array(), element.index(),
                            expr(new TreePath(path, a.getExpression())), at, source);
                }
                return fieldWrite(targetPath);
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT,
                    LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT, AND_ASSIGNMENT,
                    OR_ASSIGNMENT, XOR_ASSIGNMENT -> {
                CompoundAssignmentTree a = (CompoundAssignmentTree) tree;
                BinaryOp op = Operators.binaryOp(Operators.compoundKind(tree.getKind()));
                TreePath targetPath = new TreePath(path, a.getVariable());
                Var var = writable(targetPath);
                if (var != null) {
                    Expr value = expr(new TreePath(path, a.getExpression()));
                    return stores.after(var, new Stmt.Assign(var, Operators.narrow(var.type, Operators.binary(op,
                            new Expr.Read(var, at), value, at), at), at, source));
                }
                if (stripParens(a.getVariable()) instanceof ArrayAccessTree) {
                    Expr.ArrayRead element = (Expr.ArrayRead) expr(targetPath);
                    Expr value = expr(new TreePath(path, a.getExpression()));
                    if (Operators.simpleIndex(element.index()) && element.array() instanceof Expr.Read) {
                        return new Stmt.ArrayWrite(element.array(), element.index(),
                                Operators.narrow(element.type(), Operators.binary(op, element, value, at), at), at, source);
                    }
                    return new Stmt.Eval(new Expr.Assignment(element, op, value, false, element.type(), at), at, source);
                }
                return fieldWrite(targetPath);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree u = (UnaryTree) tree;
                BinaryOp op = tree.getKind() == Tree.Kind.PREFIX_INCREMENT || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT
                        ? BinaryOp.ADD : BinaryOp.SUB;
                Expr one = Expr.Const.ofInt(1);
                TreePath targetPath = new TreePath(path, u.getExpression());
                Var var = writable(targetPath);
                if (var != null) {
                    return stores.after(var, new Stmt.Assign(var, Operators.narrow(var.type, Operators.binary(op,
                            new Expr.Read(var, at), one, at), at), at, source));
                }
                if (stripParens(u.getExpression()) instanceof ArrayAccessTree) {
                    Expr.ArrayRead element = (Expr.ArrayRead) expr(targetPath);
                    if (Operators.simpleIndex(element.index()) && element.array() instanceof Expr.Read) {
                        return new Stmt.ArrayWrite(element.array(), element.index(),
                                Operators.narrow(element.type(), Operators.binary(op, element, one, at), at), at, source);
                    }
                    return new Stmt.Eval(new Expr.Assignment(element, op, one, false, element.type(), at), at, source);
                }
                return fieldWrite(targetPath);
            }
            case METHOD_INVOCATION, NEW_CLASS -> {
                Element filled = values.filledLocal(path); // p.project(lam, phi, out): out = p.project(lam, phi, out)
                Expr lost = filled != null ? null : values.lostFill(path); // a fill not read as one: refused
                return filled != null ? values.assign(path, filled, at, source)
                        : new Stmt.Eval(lost != null ? lost : expr(path), at, source);
            }
            default -> {
                return unsupported(tree, Tag.AdjointUnsupportedStatement, "cannot differentiate the statement " + source
                        + "; move it out of the @Differentiable method");
            }
        }
    }

    private Stmt fieldWrite(TreePath target) {
        Element field = trees.getElement(target);
        return unsupported(target.getLeaf(), Tag.AdjointFieldWrite, ValueReads.fieldWrite(target.getLeaf(), field != null
                && field.getKind() == ElementKind.FIELD && !field.getModifiers().contains(Modifier.STATIC)));
    }

    /** {@link #localTarget}, or the variable of a field of the receiver the method stores ({@link FieldStores}). */
    private Var writable(TreePath path) {
        Var var = localTarget(path);
        return var != null ? var : stores.field(path, vars::get);
    }

    /** The local variable or parameter an assignment writes, or null when it writes something else. */
    private Var localTarget(TreePath path) {
        Tree tree = stripParens((ExpressionTree) path.getLeaf());
        if (tree instanceof MemberSelectTree) {
            return values.fieldTarget(path.getLeaf() == tree ? path : new TreePath(path, tree)); // out.x of a split out
        }
        if (!(tree instanceof com.sun.source.tree.IdentifierTree)) {
            return null;
        }
        Element el = trees.getElement(path.getLeaf() == tree ? path : new TreePath(path, tree));
        // a field's input variable stands for the field: writing it is writing the field
        return el == null ? null : el.getKind() == ElementKind.FIELD ? values.thisField(el) : vars.get(el);
    }


    // ---------------------------------------------------------------- expressions

    /** An expression; one of a class the adjoint class cannot name is refused (the code may name it in a variable). */
    Expr expr(TreePath path) {
        Expr e = read(path);
        boolean refused = e instanceof Expr.Unsupported
                || dev.adjoint.processor.ir.Exprs.children(e).stream().anyMatch(c -> c instanceof Expr.Unsupported);
        Expr unholdable = refused ? null : refusal(path.getLeaf(), calls.access().unholdable(e.type()));
        return unholdable != null ? unholdable : e;
    }

    private Expr read(TreePath path) {
        ExpressionTree tree = (ExpressionTree) path.getLeaf();
        Position at = at(tree);
        switch (tree.getKind()) {
            case PARENTHESIZED -> {
                return expr(new TreePath(path, ((ParenthesizedTree) tree).getExpression()));
            }
            case INT_LITERAL, LONG_LITERAL, DOUBLE_LITERAL, FLOAT_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL,
                    STRING_LITERAL, NULL_LITERAL -> {
                return typing.literal(path, at(path.getLeaf()));
            }
            case IDENTIFIER, MEMBER_SELECT -> {
                return name(path);
            }
            case METHOD_INVOCATION -> {
                Expr onValue = values.call(path); // a method of a value object split into its fields
                return onValue != null ? onValue : calls.invocation(path, this);
            }
            case NEW_CLASS -> {
                NewClassTree n = (NewClassTree) tree;
                if (n.getClassBody() != null || n.getEnclosingExpression() != null) {
                    return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate an anonymous "
                            + "or inner class creation: its code (which may capture this method's locals) is not followed; "
                            + "move it to a helper method or a class of its own");
                }
                List<Expr> args = new ArrayList<>();
                for (ExpressionTree a : n.getArguments()) {
                    args.add(expr(new TreePath(path, a)));
                }
                JType created = typing.newType(path, n);
                if (created.isDouble()) {
                    // new Double(x), deprecated: the boxed value, which Adjoint reads as the double itself
                    return args.size() == 1 && args.get(0).type().isNumeric()
                            ? written(tree, args.get(0).type().isDouble() ? args.get(0) : new Expr.Cast(JType.DOUBLE, args.get(0), at))
                            : unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate " + tree
                                    + ": write the double value itself (Double.parseDouble for a text)");
                }
                calls.noteDeprecated(trees.getElement(path));
                Expr unreachable = refusal(tree, calls.unreachable(trees.getElement(path), this));
                return unreachable != null ? unreachable : written(tree, new Expr.New(created, args, at));
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree c = (ConditionalExpressionTree) tree;
                Expr condition = expr(new TreePath(path, c.getCondition()));
                Expr then = expr(new TreePath(path, c.getTrueExpression()));
                Expr otherwise = expr(new TreePath(path, c.getFalseExpression()));
                TypeMirror type = trees.getTypeMirror(path);
                JType t = type != null && type.getKind() != TypeKind.ERROR ? JType.of(type) : Operators.promoted(then, otherwise);
                // javac types an array chosen as an Object argument (System.arraycopy's) Object: its branches' type, then
                return new Expr.Cond(condition, then, otherwise, !t.isArray() && then.type().isArray()
                        && then.type().equals(otherwise.type()) ? then.type() : t, at);
            }
            case TYPE_CAST -> {
                TypeCastTree c = (TypeCastTree) tree;
                // the cast's own type tree: javac may leave the cast node untyped (e.g. in a return)
                JType target = typing.castType(new TreePath(path, c.getType()));
                Expr operand = expr(new TreePath(path, c.getExpression()));
                // (Double) x of a double boxes it, which Adjoint reads as the double itself
                return written(tree, target.isDouble() && operand.type().isDouble() ? operand : new Expr.Cast(target, operand, at));
            }
            case UNARY_MINUS, UNARY_PLUS, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT -> {
                UnaryOp op = switch (tree.getKind()) {
                    case UNARY_MINUS -> UnaryOp.NEG;
                    case UNARY_PLUS -> UnaryOp.PLUS;
                    case LOGICAL_COMPLEMENT -> UnaryOp.NOT;
                    default -> UnaryOp.COMPLEMENT;
                };
                Expr operand = expr(new TreePath(path, ((UnaryTree) tree).getExpression()));
                if (op == UnaryOp.NEG && operand instanceof Expr.Const l && l.value() instanceof Double d) {
                    return new Expr.Const(-d, JType.DOUBLE, at); // -0.5 is a constant, as rules and printer see it
                }
                TypeMirror type = trees.getTypeMirror(path);
                return new Expr.Unary(op, operand, type != null && type.getKind() != TypeKind.ERROR ? JType.of(type)
                        : op == UnaryOp.NOT ? JType.BOOLEAN : operand.type(), at);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree u = (UnaryTree) tree;
                Expr target = assignable(new TreePath(path, u.getExpression()));
                if (target instanceof Expr.Unsupported) {
                    return target;
                }
                boolean up = tree.getKind() == Tree.Kind.PREFIX_INCREMENT || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                boolean postfix = tree.getKind() == Tree.Kind.POSTFIX_INCREMENT
                        || tree.getKind() == Tree.Kind.POSTFIX_DECREMENT;
                return new Expr.Assignment(target, up ? BinaryOp.ADD : BinaryOp.SUB, Expr.Const.ofInt(1), postfix,
                        target.type(), at);
            }
            case ASSIGNMENT -> {
                AssignmentTree a = (AssignmentTree) tree;
                Expr target = assignable(new TreePath(path, a.getVariable()));
                if (target instanceof Expr.Unsupported) {
                    return target;
                }
                return new Expr.Assignment(target, null, expr(new TreePath(path, a.getExpression())), false,
                        target.type(), at);
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT,
                    LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT, AND_ASSIGNMENT,
                    OR_ASSIGNMENT, XOR_ASSIGNMENT -> {
                CompoundAssignmentTree a = (CompoundAssignmentTree) tree;
                Expr target = assignable(new TreePath(path, a.getVariable()));
                if (target instanceof Expr.Unsupported) {
                    return target;
                }
                return new Expr.Assignment(target, Operators.binaryOp(Operators.compoundKind(tree.getKind())),
                        expr(new TreePath(path, a.getExpression())), false, target.type(), at);
            }
            case ARRAY_ACCESS -> {
                ArrayAccessTree access = (ArrayAccessTree) tree;
                Expr array = expr(new TreePath(path, access.getExpression()));
                Expr index = expr(new TreePath(path, access.getIndex()));
                TypeMirror type = trees.getTypeMirror(path);
                return new Expr.ArrayRead(array, index, type != null && type.getKind() != TypeKind.ERROR ? JType.of(type)
                        : array.type().isArray() ? array.type().component() : JType.DOUBLE, at);
            }
            case NEW_ARRAY -> {
                NewArrayTree n = (NewArrayTree) tree;
                JType type = typing.typeOf(path);
                if (n.getInitializers() != null) {
                    return arrayLiteral(path, n, type);
                }
                List<Expr> dims = new ArrayList<>();
                for (ExpressionTree d : n.getDimensions()) {
                    dims.add(expr(new TreePath(path, d)));
                }
                return written(tree, new Expr.NewArray(type, dims, at));
            }
            case SWITCH_EXPRESSION -> {
                SwitchExpressionTree s = (SwitchExpressionTree) tree;
                JType type = typing.switchType(path);
                Var result = new Var("_switch", type, Var.Role.TEMP);
                String label = "_yield" + (++switchLabels);
                yields.push(new Yield(result, label));
                Stmt.Switch sw = Switches.read(this, trees, path, new TreePath(path, s.getExpression()), s.getCases(), at,
                        "switch (" + sourceOf(s.getExpression()) + ")", result);
                yields.pop();
                return new Expr.SwitchExpr(new Stmt.Block(label, List.of(sw)), result, type, at);
            }
            case LAMBDA_EXPRESSION, MEMBER_REFERENCE -> {
                return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate " + describe(tree
                        .getKind()) + " (" + tree + ") here: Adjoint reads a function held in a local or given to a method of "
                        + "this build where it is called, and nowhere else; use it so, or compute its value outside");
            }
            default -> {
                BinaryOp op = Operators.binaryOp(tree.getKind());
                if (op != null) {
                    BinaryTree b = (BinaryTree) tree;
                    Expr left = expr(new TreePath(path, b.getLeftOperand()));
                    Expr right = expr(new TreePath(path, b.getRightOperand()));
                    TypeMirror type = trees.getTypeMirror(path);
                    if (type == null || type.getKind() == TypeKind.ERROR) {
                        return Operators.untypedBinary(op, left, right, at);
                    }
                    return new Expr.Binary(op, left, right, JType.of(type), at);
                }
                return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate "
                        + describe(tree.getKind()) + " (" + tree + "); compute it outside the @Differentiable method "
                        + "and pass it in");
            }
        }
    }

    /** The target of an assignment inside an expression: a local, a parameter or an array element. */
    private Expr assignable(TreePath path) {
        Var var = localTarget(path);
        if (var != null) {
            return new Expr.Read(var, at(path.getLeaf()));
        }
        if (stripParens((ExpressionTree) path.getLeaf()) instanceof ArrayAccessTree) {
            return expr(path);
        }
        return unsupportedExpr(path.getLeaf(), Tag.AdjointFieldWrite, ValueReads.fieldWrite(path.getLeaf(), false));
    }

    private Expr name(TreePath path) {
        Tree tree = path.getLeaf();
        Position at = at(tree);
        if (tree instanceof MemberSelectTree select && select.getIdentifier().contentEquals("length")) {
            TreePath target = new TreePath(path, select.getExpression());
            TypeMirror type = trees.getTypeMirror(target);
            if (type != null && type.getKind() == TypeKind.ARRAY) {
                return new Expr.Length(expr(target), at);
            }
        }
        if (tree instanceof IdentifierTree id && id.getName().contentEquals("this")) {
            return self != null ? new Expr.Read(self, at)
                    : unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate this here");
        }
        Element el = trees.getElement(path);
        if (el == null || el.asType().getKind() == TypeKind.ERROR) {
            return unresolved(tree, tree.toString());
        }
        calls.noteDeprecated(el);
        switch (el.getKind()) {
            case LOCAL_VARIABLE, PARAMETER, EXCEPTION_PARAMETER, RESOURCE_VARIABLE -> {
                Var var = vars.get(el);
                if (values.split(el)) {
                    return values.misused(tree, el);
                }
                if (var == null) {
                    return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate " + tree
                            + ", a variable from outside the method");
                }
                return new Expr.Read(var, at);
            }
            case FIELD, ENUM_CONSTANT -> {
                VariableElement field = (VariableElement) el;
                Object constant = field.getConstantValue();
                if (constant != null) {
                    return new Expr.Const(constant, JType.of(field.asType()), at);
                }
                TypeElement owner = (TypeElement) field.getEnclosingElement();
                boolean hidden = !calls.accessible(field);
                Expr unreachable = refusal(tree, calls.unreachable(field, this));
                if (unreachable != null) {
                    return unreachable;
                }
                if (!field.getModifiers().contains(Modifier.STATIC)) {
                    boolean ofThis = tree instanceof IdentifierTree || tree instanceof MemberSelectTree select
                            && select.getExpression() instanceof IdentifierTree id && id.getName().contentEquals("this");
                    String outer = ofThis && self != null ? CallerObjects.outerField(calls.types(), trees, path, field) : null;
                    if (outer != null) {
                        return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, outer);
                    }
                    if (ofThis && (self != null || vars.containsKey(field))) { // in a lambda: bound, as it captures it
                        // the receiver's field: its input variable, or its value read from the receiver
                        Var input = fieldVar(field);
                        return input != null ? new Expr.Read(input, at) : new Expr.FieldGet(new Expr.Read(self, at),
                                ClassRef.of(owner), field.getSimpleName().toString(), JType.of(field.asType()), hidden, at);
                    }
                    if (tree instanceof MemberSelectTree select && values.splits(new TreePath(path, select.getExpression()))) {
                        return values.field(new TreePath(path, select.getExpression()), field);
                    }
                    if (tree instanceof MemberSelectTree select) {
                        Expr target = expr(new TreePath(path, select.getExpression()));
                        String aliased = fieldsDifferentiated() ? calls.callers().aliasedRead(target, field, tree) : null;
                        if (aliased != null && (selfIsData || self == null)) {
                            return unsupportedExpr(tree, Tag.AdjointUntracked, aliased);
                        }
                        target = aliased != null ? CallerObjects.notThis(target, self, tree, at) : target;
                        return new Expr.FieldGet(target, ClassRef.of(owner), field.getSimpleName().toString(),
                                JType.of(field.asType()), hidden, at);
                    }
                    return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot read instance field "
                            + tree + " from a static @Differentiable method");
                }
                return new Expr.StaticGet(ClassRef.of(owner), field.getSimpleName().toString(), JType.of(field.asType()),
                        hidden, at);
            }
            default -> {
                return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot differentiate " + tree + " (a "
                        + el.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    Position at(Tree tree) { return Position.of(tree, unit); }

    static String sourceOf(Tree tree) {
        String s = tree.toString().trim().replaceAll("\\s+", " ");
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    static String describe(Tree.Kind kind) { return kind.toString().toLowerCase(Locale.ROOT).replace('_', ' '); }

    private Stmt unsupported(Tree tree, Tag tag, String message) {
        return new Stmt.Unsupported(tag, message, at(tree));
    }

    /**
     * A name javac cannot resolve either (a typo, a missing import). javac reports it only after
     * annotation processing, which stops at this processor's errors, so this error is the one the
     * user sees: it says what javac would.
     */
    Expr unresolved(Tree tree, String name) {
        return unsupportedExpr(tree, Tag.AdjointUnsupportedExpression, "cannot find symbol " + name
                + ": javac cannot resolve it either; check its spelling and the imports");
    }

    Expr unsupportedExpr(Tree tree, Tag tag, String message) {
        return new Expr.Unsupported(tag, message, JType.OBJECT, at(tree));
    }
}
