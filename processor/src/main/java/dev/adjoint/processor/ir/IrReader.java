package dev.adjoint.processor.ir;

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
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.Differentiable;
import dev.adjoint.WritesArrays;
import dev.adjoint.processor.ErrorReporter;
import dev.adjoint.processor.ErrorReporter.Position;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Expr.UnaryOp;
import dev.adjoint.processor.validate.CustomDerivatives;
import dev.adjoint.processor.validate.MethodPaths;
import dev.adjoint.processor.validate.DiffMethod;
import dev.adjoint.processor.validate.MethodValidator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.Name;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Stage 2, read: translates a method body (javac's Compiler Tree API) into the IR, resolving
 * names and types with {@link Trees}. This is the <em>fence</em>: every construct the
 * differentiator does not handle is rejected here, at its exact position.
 */
public final class IrReader {

    private final Trees trees;
    private final MethodPaths paths;
    private final Elements elements;
    private final ErrorReporter reporter;
    private final CustomDerivatives customDerivatives;

    private CompilationUnitTree unit;
    private String methodName;
    private Set<String> userNames;

    public IrReader(Trees trees, MethodPaths paths, Elements elements, ErrorReporter reporter,
            CustomDerivatives customDerivatives) {
        this.trees = trees;
        this.paths = paths;
        this.elements = elements;
        this.reporter = reporter;
        this.customDerivatives = customDerivatives;
    }

    public MethodIr read(DiffMethod method) {
        this.unit = method.path().getCompilationUnit();
        this.methodName = method.name();
        this.userNames = new LinkedHashSet<>();
        method.params().forEach(p -> userNames.add(p.name()));
        MethodTree tree = (MethodTree) method.path().getLeaf();
        TreePath bodyPath = new TreePath(method.path(), tree.getBody());
        int before = reporter.errorCount();
        List<Stmt> body = block(bodyPath);
        reporter.abortIfAnyError(before);
        return new MethodIr(methodName, method.params(), body, userNames, Position.of(method.element()));
    }

    // ---------------------------------------------------------------- statements

    /** The statements of a block, or the one statement of a loop or branch body that is not a block. */
    private List<Stmt> block(TreePath path) {
        List<Stmt> out = new ArrayList<>();
        if (path.getLeaf() instanceof BlockTree b) {
            for (StatementTree s : b.getStatements()) {
                try {
                    Stmt stmt = statement(new TreePath(path, s), null);
                    if (stmt != null) {
                        out.add(stmt);
                    }
                } catch (ErrorReporter.Abort abort) {
                    // reported; keep reading so every problem in the method is shown at once
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

    private Stmt statement(TreePath path, String label) {
        StatementTree tree = (StatementTree) path.getLeaf();
        String source = sourceOf(tree);
        Position at = Position.of(tree, unit);
        switch (tree.getKind()) {
            case VARIABLE -> {
                VariableTree v = (VariableTree) tree;
                Element el = trees.getElement(path);
                JType type = localType(el.asType(), v);
                userNames.add(v.getName().toString());
                Expr.Local var = new Expr.Local(v.getName().toString(), type);
                Expr init = v.getInitializer() == null ? null
                        : expression(new TreePath(path, v.getInitializer()));
                return new Stmt.Declare(var, init, at, source);
            }
            case EXPRESSION_STATEMENT -> {
                return expressionStatement(new TreePath(path, ((ExpressionStatementTree) tree).getExpression()),
                        at, source);
            }
            case RETURN -> {
                ExpressionTree value = ((ReturnTree) tree).getExpression();
                return new Stmt.Return(expression(new TreePath(path, value)), at, source);
            }
            case EMPTY_STATEMENT -> {
                return null;
            }
            case IF -> {
                IfTree i = (IfTree) tree;
                Expr condition = expression(new TreePath(path, i.getCondition()));
                List<Stmt> then = block(new TreePath(path, i.getThenStatement()));
                List<Stmt> otherwise = i.getElseStatement() == null ? List.of()
                        : block(new TreePath(path, i.getElseStatement()));
                return new Stmt.If(condition, then, otherwise, at, "if (" + sourceOf(i.getCondition()) + ")");
            }
            case FOR_LOOP -> {
                ForLoopTree f = (ForLoopTree) tree;
                List<Stmt> init = new ArrayList<>();
                for (StatementTree s : f.getInitializer()) {
                    init.add(statement(new TreePath(path, s), null));
                }
                Expr condition = f.getCondition() == null ? null : expression(new TreePath(path, f.getCondition()));
                List<Stmt> update = new ArrayList<>();
                for (ExpressionStatementTree u : f.getUpdate()) {
                    update.add(statement(new TreePath(path, u), null));
                }
                List<Stmt> body = block(new TreePath(path, f.getStatement()));
                return new Stmt.Loop(label, init, condition, update, body, false, at, loopSource(tree));
            }
            case ENHANCED_FOR_LOOP -> {
                EnhancedForLoopTree f = (EnhancedForLoopTree) tree;
                Expr array = expression(new TreePath(path, f.getExpression()));
                TreePath varPath = new TreePath(path, f.getVariable());
                JType type = localType(trees.getElement(varPath).asType(), f.getVariable());
                if (!array.type().isDoubleArray() && !(array.type().mirror() instanceof javax.lang.model.type.ArrayType)) {
                    throw unsupported(tree, "AdjointUnsupportedStatement", "cannot differentiate a for-each loop over "
                            + array.type() + "; only arrays can be iterated in a @Differentiable method");
                }
                userNames.add(f.getVariable().getName().toString());
                Expr.Local var = new Expr.Local(f.getVariable().getName().toString(), type);
                return new Stmt.ForEach(label, var, array, block(new TreePath(path, f.getStatement())), at,
                        loopSource(tree));
            }
            case WHILE_LOOP -> {
                WhileLoopTree w = (WhileLoopTree) tree;
                return new Stmt.Loop(label, List.of(), expression(new TreePath(path, w.getCondition())), List.of(),
                        block(new TreePath(path, w.getStatement())), false, at, loopSource(tree));
            }
            case DO_WHILE_LOOP -> {
                DoWhileLoopTree d = (DoWhileLoopTree) tree;
                return new Stmt.Loop(label, List.of(), expression(new TreePath(path, d.getCondition())), List.of(),
                        block(new TreePath(path, d.getStatement())), true, at, loopSource(tree));
            }
            case LABELED_STATEMENT -> {
                LabeledStatementTree l = (LabeledStatementTree) tree;
                Tree.Kind inner = l.getStatement().getKind();
                if (inner != Tree.Kind.FOR_LOOP && inner != Tree.Kind.ENHANCED_FOR_LOOP && inner != Tree.Kind.WHILE_LOOP
                        && inner != Tree.Kind.DO_WHILE_LOOP) {
                    throw unsupported(tree, "AdjointUnsupportedStatement", "cannot differentiate a label on "
                            + article(describe(inner)) + "; labels are supported on loops only");
                }
                return statement(new TreePath(path, l.getStatement()), l.getLabel().toString());
            }
            case BREAK -> {
                Name target = ((BreakTree) tree).getLabel();
                return new Stmt.Break(target == null ? null : target.toString(), at);
            }
            case CONTINUE -> {
                Name target = ((ContinueTree) tree).getLabel();
                return new Stmt.Continue(target == null ? null : target.toString(), at);
            }
            case BLOCK -> {
                return new Stmt.Block(block(path));
            }
            case THROW -> {
                return new Stmt.Throw(expression(new TreePath(path, ((ThrowTree) tree).getExpression())), at, source);
            }
            case SWITCH -> throw unsupported(tree, "AdjointNotYetSupported", "switch statements are not supported "
                    + "yet in @Differentiable method " + methodName + "; write it as if/else");
            default -> throw unsupported(tree, "AdjointUnsupportedStatement",
                    "cannot differentiate " + article(describe(tree.getKind()).replace(" statement", "")) + " statement; "
                            + "move it out of the @Differentiable method");
        }
    }

    /** The head of a loop, for the comments of generated code: {@code for (int i = 0; i < n; i++)}. */
    private static String loopSource(StatementTree loop) {
        String s = sourceOf(loop);
        int brace = s.indexOf(" {");
        return brace > 0 ? s.substring(0, brace) : s;
    }

    private Stmt expressionStatement(TreePath path, Position at, String source) {
        ExpressionTree tree = (ExpressionTree) path.getLeaf();
        switch (tree.getKind()) {
            case ASSIGNMENT -> {
                AssignmentTree a = (AssignmentTree) tree;
                if (a.getVariable().getKind() == Tree.Kind.ARRAY_ACCESS) {
                    Expr.ArrayRead element = element(new TreePath(path, a.getVariable()));
                    return new Stmt.ArrayWrite(element.array(), element.index(),
                            expression(new TreePath(path, a.getExpression())), at, source);
                }
                Expr.Local target = assignTarget(new TreePath(path, a.getVariable()));
                return new Stmt.Assign(target, expression(new TreePath(path, a.getExpression())), at, source);
            }
            case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT -> {
                CompoundAssignmentTree a = (CompoundAssignmentTree) tree;
                Expr value = expression(new TreePath(path, a.getExpression()));
                BinaryOp op = switch (tree.getKind()) {
                    case PLUS_ASSIGNMENT -> BinaryOp.ADD;
                    case MINUS_ASSIGNMENT -> BinaryOp.SUB;
                    case MULTIPLY_ASSIGNMENT -> BinaryOp.MUL;
                    default -> BinaryOp.DIV;
                };
                if (a.getVariable().getKind() == Tree.Kind.ARRAY_ACCESS) {
                    Expr.ArrayRead element = element(new TreePath(path, a.getVariable()));
                    return new Stmt.ArrayWrite(element.array(), element.index(),
                            narrow(element.type(), binary(op, element, value), at), at, source);
                }
                Expr.Local target = assignTarget(new TreePath(path, a.getVariable()));
                return new Stmt.Assign(target, narrow(target.type(), binary(op, target, value), at), at, source);
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
                UnaryTree u = (UnaryTree) tree;
                boolean up = tree.getKind() == Tree.Kind.PREFIX_INCREMENT || tree.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                Expr one = new Expr.Literal(1, JType.INT);
                if (u.getExpression().getKind() == Tree.Kind.ARRAY_ACCESS) {
                    Expr.ArrayRead element = element(new TreePath(path, u.getExpression()));
                    return new Stmt.ArrayWrite(element.array(), element.index(),
                            narrow(element.type(), binary(up ? BinaryOp.ADD : BinaryOp.SUB, element, one), at), at, source);
                }
                Expr.Local target = assignTarget(new TreePath(path, u.getExpression()));
                Expr value = binary(up ? BinaryOp.ADD : BinaryOp.SUB, target, one);
                return new Stmt.Assign(target, narrow(target.type(), value, at), at, source);
            }
            case METHOD_INVOCATION, NEW_CLASS -> {
                return new Stmt.Eval(expression(path), at, source);
            }
            default -> throw unsupported(tree, "AdjointUnsupportedStatement",
                    "cannot differentiate the statement " + source + "; move it out of the @Differentiable method");
        }
    }

    /**
     * An array element that is written: {@code a[i]} of a local or parameter array. The index is
     * read twice by a compound assignment, so it must not have effects.
     */
    private Expr.ArrayRead element(TreePath path) {
        ArrayAccessTree access = (ArrayAccessTree) path.getLeaf();
        Expr array = expression(new TreePath(path, access.getExpression()));
        if (!(array instanceof Expr.Local)) {
            throw unsupported(access, "AdjointUnsupportedArrayWrite", "cannot differentiate a write to " + access
                    + ": only elements of a double[] local variable or parameter may be written (not rows of a "
                    + "double[][], nor fields)");
        }
        Expr index = expression(new TreePath(path, access.getIndex()));
        if (!pure(index)) {
            throw unsupported(access.getIndex(), "AdjointSideEffect", "the index of " + access + " calls a method; "
                    + "compute it in an int variable first");
        }
        return new Expr.ArrayRead(array, index, ((Expr.Local) array).type().component());
    }

    private static boolean pure(Expr e) {
        if (e instanceof Expr.Invoke || e instanceof Expr.New || e instanceof Expr.DiffCall
                || e instanceof Expr.CustomCall || e instanceof Expr.NewArray) {
            return false;
        }
        if (e instanceof Expr.Binary b) {
            return pure(b.left()) && pure(b.right());
        }
        if (e instanceof Expr.Unary u) {
            return pure(u.operand());
        }
        if (e instanceof Expr.Cast c) {
            return pure(c.operand());
        }
        if (e instanceof Expr.ArrayRead a) {
            return pure(a.array()) && pure(a.index());
        }
        if (e instanceof Expr.Length l) {
            return pure(l.array());
        }
        return e instanceof Expr.Local || e instanceof Expr.Literal || e instanceof Expr.StaticField;
    }

    /** The target of an assignment: only the method's own locals and parameters may be written. */
    private Expr.Local assignTarget(TreePath path) {
        Tree tree = path.getLeaf();
        Element el = trees.getElement(path);
        if (el == null || (el.getKind() != ElementKind.LOCAL_VARIABLE && el.getKind() != ElementKind.PARAMETER)) {
            throw unsupported(tree, "AdjointFieldWrite",
                    "cannot write to " + tree + " from a @Differentiable method: only its own local variables "
                            + "and parameters may be assigned; return the value instead");
        }
        return new Expr.Local(el.getSimpleName().toString(), JType.of(el.asType()));
    }

    // ---------------------------------------------------------------- expressions

    private Expr expression(TreePath path) {
        ExpressionTree tree = (ExpressionTree) path.getLeaf();
        switch (tree.getKind()) {
            case PARENTHESIZED -> {
                return expression(new TreePath(path, ((ParenthesizedTree) tree).getExpression()));
            }
            case INT_LITERAL, LONG_LITERAL, DOUBLE_LITERAL, FLOAT_LITERAL, BOOLEAN_LITERAL, CHAR_LITERAL,
                    STRING_LITERAL, NULL_LITERAL -> {
                return literal(path);
            }
            case IDENTIFIER, MEMBER_SELECT -> {
                return name(path);
            }
            case METHOD_INVOCATION -> {
                return invocation(path);
            }
            case NEW_CLASS -> {
                NewClassTree n = (NewClassTree) tree;
                if (n.getClassBody() != null || n.getEnclosingExpression() != null) {
                    throw unsupported(tree, "AdjointUnsupportedExpression",
                            "cannot differentiate an anonymous or inner class creation; move it to a helper method");
                }
                return new Expr.New(typeOf(path), arguments(path, n.getArguments()));
            }
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree c = (ConditionalExpressionTree) tree;
                Expr then = expression(new TreePath(path, c.getTrueExpression()));
                Expr otherwise = expression(new TreePath(path, c.getFalseExpression()));
                TypeMirror type = trees.getTypeMirror(path);
                return new Expr.Conditional(expression(new TreePath(path, c.getCondition())), then, otherwise,
                        type != null ? JType.of(type) : IrReader.binary(BinaryOp.ADD, then, otherwise).type());
            }
            case TYPE_CAST -> {
                TypeCastTree c = (TypeCastTree) tree;
                // the cast's own type tree: javac may leave the cast node untyped (e.g. in a return)
                JType target = castType(new TreePath(path, c.getType()));
                return new Expr.Cast(target, expression(new TreePath(path, c.getExpression())), Position.of(tree, unit));
            }
            case UNARY_MINUS, UNARY_PLUS, LOGICAL_COMPLEMENT, BITWISE_COMPLEMENT -> {
                UnaryOp op = switch (tree.getKind()) {
                    case UNARY_MINUS -> UnaryOp.NEG;
                    case UNARY_PLUS -> UnaryOp.PLUS;
                    case LOGICAL_COMPLEMENT -> UnaryOp.NOT;
                    default -> UnaryOp.COMPLEMENT;
                };
                Expr operand = expression(new TreePath(path, ((UnaryTree) tree).getExpression()));
                if (op == UnaryOp.NEG && operand instanceof Expr.Literal l && l.value() instanceof Double d) {
                    // -0.5 is a constant, as the derivative rules (k·u·u) and the printer see it
                    return new Expr.Literal(-d, JType.DOUBLE);
                }
                TypeMirror type = trees.getTypeMirror(path); // javac may leave it unattributed, e.g. -2.0 in a return
                return new Expr.Unary(op, operand, type != null ? JType.of(type)
                        : op == UnaryOp.NOT ? JType.BOOLEAN : operand.type());
            }
            case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT, ASSIGNMENT,
                    PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT -> throw unsupported(tree,
                    "AdjointSideEffect", "cannot differentiate an assignment inside an expression (" + tree
                            + "); write it as a statement of its own");
            default -> {
                BinaryOp op = binaryOp(tree.getKind());
                if (op != null) {
                    BinaryTree b = (BinaryTree) tree;
                    Expr left = expression(new TreePath(path, b.getLeftOperand()));
                    Expr right = expression(new TreePath(path, b.getRightOperand()));
                    TypeMirror type = trees.getTypeMirror(path);
                    if (type == null) { // javac leaves some nodes untyped, e.g. around a cast in a return
                        return untypedBinary(op, left, right);
                    }
                    return new Expr.Binary(op, left, right, JType.of(type));
                }
                if (tree.getKind() == Tree.Kind.ARRAY_ACCESS) {
                    ArrayAccessTree access = (ArrayAccessTree) tree;
                    return new Expr.ArrayRead(expression(new TreePath(path, access.getExpression())),
                            expression(new TreePath(path, access.getIndex())), typeOf(path));
                }
                if (tree.getKind() == Tree.Kind.NEW_ARRAY) {
                    NewArrayTree n = (NewArrayTree) tree;
                    if (n.getDimensions().size() != 1 || n.getInitializers() != null) {
                        throw unsupported(tree, "AdjointNotYetSupported", "only new T[n] arrays are supported in "
                                + "@Differentiable method " + methodName + " (not " + tree + "); create it with "
                                + "new double[n] and fill it with assignments");
                    }
                    return new Expr.NewArray(typeOf(path), expression(new TreePath(path, n.getDimensions().get(0))));
                }
                throw unsupported(tree, "AdjointUnsupportedExpression",
                        "cannot differentiate " + describe(tree.getKind()) + " (" + tree + "); "
                                + "compute it outside the @Differentiable method and pass it in");
            }
        }
    }

    private Expr name(TreePath path) {
        Tree tree = path.getLeaf();
        if (tree instanceof MemberSelectTree select && select.getIdentifier().contentEquals("length")) {
            TreePath target = new TreePath(path, select.getExpression());
            TypeMirror type = trees.getTypeMirror(target);
            if (type != null && type.getKind() == TypeKind.ARRAY) {
                return new Expr.Length(expression(target));
            }
        }
        Element el = trees.getElement(path);
        if (el == null) {
            throw unsupported(tree, "AdjointUnsupportedExpression", "cannot resolve " + tree);
        }
        switch (el.getKind()) {
            case LOCAL_VARIABLE, PARAMETER -> {
                return new Expr.Local(el.getSimpleName().toString(), JType.of(el.asType()));
            }
            case FIELD, ENUM_CONSTANT -> {
                VariableElement field = (VariableElement) el;
                if (tree.getKind() == Tree.Kind.MEMBER_SELECT && !field.getModifiers().contains(Modifier.STATIC)) {
                    ExpressionTree target = ((MemberSelectTree) tree).getExpression();
                    return new Expr.FieldRead(expression(new TreePath(path, target)),
                            field.getSimpleName().toString(), typeOf(path));
                }
                Object constant = field.getConstantValue();
                if (constant != null) {
                    return new Expr.Literal(constant, JType.of(field.asType()));
                }
                if (!field.getModifiers().contains(Modifier.STATIC)) {
                    throw unsupported(tree, "AdjointUnsupportedExpression",
                            "cannot read instance field " + tree + " from a static @Differentiable method");
                }
                if (field.getModifiers().contains(Modifier.PRIVATE)) {
                    throw unsupported(tree, "AdjointPrivateMember",
                            "field " + field.getSimpleName() + " is private, so the generated adjoint class "
                                    + "cannot read it; make it package-private");
                }
                return new Expr.StaticField((TypeElement) field.getEnclosingElement(),
                        field.getSimpleName().toString(), JType.of(field.asType()));
            }
            default -> {
                throw unsupported(tree, "AdjointUnsupportedExpression",
                        "cannot differentiate " + tree + " (a " + el.getKind().toString().toLowerCase(java.util.Locale.ROOT)
                                + ")");
            }
        }
    }

    private Expr invocation(TreePath path) {
        MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
        Element el = trees.getElement(path);
        if (!(el instanceof ExecutableElement method)) {
            throw unsupported(call, "AdjointUnsupportedCall", "cannot resolve the call " + call);
        }
        List<Expr> args = arguments(path, call.getArguments());
        // javac may leave a call inside a return unattributed; a static call's type is its method's
        TypeMirror mirror = trees.getTypeMirror(path);
        JType type = JType.of(mirror != null && mirror.getKind() != TypeKind.ERROR ? mirror : method.getReturnType());
        Position at = Position.of(call, unit);
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        boolean strict = ownerName.equals("java.lang.StrictMath");
        if (strict || ownerName.equals("java.lang.Math")) {
            boolean onDoubles = method.getParameters().stream().allMatch(p -> p.asType().getKind() == TypeKind.DOUBLE);
            var function = MathFunction.lookup(method.getSimpleName().toString(), args.size());
            if (function.isPresent() && onDoubles) {
                return new Expr.MathCall(function.get(), strict, args, type, at);
            }
        }
        if (ownerName.equals("dev.adjoint.Adjoint") && method.getSimpleName().contentEquals("stopGradient")) {
            return new Expr.StopGradient(args.get(0));
        }
        if (method.getAnnotation(Differentiable.class) != null && method.getReturnType().getKind() != TypeKind.DOUBLE) {
            throw unsupported(call, "AdjointNotYetSupported", "cannot differentiate through " + method.getSimpleName()
                    + ", which returns " + method.getReturnType() + ": calls of vector-valued @Differentiable methods "
                    + "inside differentiated code are not supported yet; compute the values in this method");
        }
        if (method.getAnnotation(Differentiable.class) != null) {
            return differentiableCall(method, args, call, at);
        }
        List<ExecutableElement> partials = customDerivatives.of(method);
        if (partials != null) {
            return new Expr.CustomCall(method, partials, args, at);
        }
        if (method.getModifiers().contains(Modifier.PRIVATE)) {
            throw unsupported(call, "AdjointPrivateMember",
                    "method " + method.getSimpleName() + " is private, so the generated adjoint class cannot "
                            + "call it; make it package-private");
        }
        Expr receiver = null;
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            if (call.getMethodSelect().getKind() != Tree.Kind.MEMBER_SELECT) {
                throw unsupported(call, "AdjointUnsupportedCall", "cannot call instance method " + call
                        + " without a receiver from a static method");
            }
            ExpressionTree target = ((MemberSelectTree) call.getMethodSelect()).getExpression();
            receiver = expression(new TreePath(new TreePath(path, call.getMethodSelect()), target));
        }
        return new Expr.Invoke(method, receiver, args, type, at);
    }

    /**
     * A call of a {@code @Differentiable} method, here or in a library: its gradient's fields (by
     * parameter) and the arrays it writes, read from its source when it is in this compilation,
     * else from its generated adjoint class on the class path.
     */
    private Expr differentiableCall(ExecutableElement method, List<Expr> args, MethodInvocationTree call, Position at) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        JType.ClassRef adjoint = JType.ClassRef.adjointOf(owner);
        String name = method.getSimpleName().toString();
        String pullbackName = name + "Pullback";
        List<String> written = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        Set<String> wanted = Set.of(method.getAnnotation(Differentiable.class).wrt());
        TreePath path = paths.of(method);
        if (path != null && path.getLeaf() instanceof MethodTree m && m.getBody() != null) {
            written.addAll(ArrayWrites.of(m));
            for (VariableElement p : method.getParameters()) {
                String n = p.getSimpleName().toString();
                fields.add(JType.of(p.asType()).isDifferentiable() && (wanted.isEmpty() || wanted.contains(n)) ? n : null);
            }
        } else {
            String qualified = adjoint.qualifiedName();
            TypeElement adjointClass = elements.getTypeElement(qualified);
            TypeElement gradient = adjointClass == null ? null
                    : elements.getTypeElement(qualified + "." + MethodValidator.capitalize(name) + "Gradient");
            if (gradient == null) {
                throw unsupported(call, "AdjointMissingAdjoint", "cannot differentiate through " + owner.getSimpleName()
                        + "." + name + ": it is @Differentiable but its adjoint class " + qualified + " is not on the "
                        + "class path; compile " + owner.getSimpleName() + " with the Adjoint processor");
            }
            for (ExecutableElement m : ElementFilter.methodsIn(adjointClass.getEnclosedElements())) {
                WritesArrays w = m.getSimpleName().contentEquals(pullbackName) ? m.getAnnotation(WritesArrays.class) : null;
                if (w != null) {
                    written.addAll(List.of(w.value()));
                }
            }
            // the gradient's fields, in parameter order, are the differentiated parameters' source names
            // (a library compiled without -parameters has no names of its own)
            List<String> gradientFields = new ArrayList<>();
            ElementFilter.fieldsIn(gradient.getEnclosedElements()).forEach(f -> gradientFields.add(f.getSimpleName().toString()));
            int next = 0;
            for (VariableElement p : method.getParameters()) {
                boolean differentiable = JType.of(p.asType()).isDifferentiable();
                boolean named = gradientFields.contains(p.getSimpleName().toString());
                if (differentiable && (named || (wanted.isEmpty() && next < gradientFields.size()))) {
                    fields.add(named ? p.getSimpleName().toString() : gradientFields.get(next));
                    next++;
                } else {
                    fields.add(null);
                }
            }
        }
        return new Expr.DiffCall(method, adjoint, fields, written, args, at);
    }

    private List<Expr> arguments(TreePath path, List<? extends ExpressionTree> trees) {
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : trees) {
            args.add(expression(new TreePath(path, a)));
        }
        return args;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The type a cast converts to, read from the cast's type tree: javac leaves a cast inside a
     * return statement unattributed. A cast to float would drop the derivative's precision
     * silently, so it is refused like float variables.
     */
    private JType castType(TreePath typePath) {
        TypeMirror type = trees.getTypeMirror(typePath);
        TypeKind kind = type != null ? type.getKind()
                : typePath.getLeaf() instanceof PrimitiveTypeTree p ? p.getPrimitiveTypeKind() : null;
        if (kind == TypeKind.FLOAT) {
            Tree cast = typePath.getParentPath().getLeaf();
            throw unsupported(cast, "AdjointFloat", "cannot differentiate through a cast to float (" + cast
                    + "): Adjoint differentiates double arithmetic only; keep the value a double");
        }
        if (type != null) {
            return JType.of(type);
        }
        return switch (kind == null ? TypeKind.ERROR : kind) {
            case DOUBLE -> JType.DOUBLE;
            case INT -> JType.INT;
            case LONG -> JType.LONG;
            case BOOLEAN -> JType.BOOLEAN;
            default -> typeOf(typePath);
        };
    }

    /** A literal's type from its kind: javac may leave literals inside a return unattributed. */
    private Expr literal(TreePath path) {
        LiteralTree literal = (LiteralTree) path.getLeaf();
        JType type = switch (literal.getKind()) {
            case DOUBLE_LITERAL -> JType.DOUBLE;
            case INT_LITERAL -> JType.INT;
            case LONG_LITERAL -> JType.LONG;
            case BOOLEAN_LITERAL -> JType.BOOLEAN;
            default -> typeOf(path);
        };
        return new Expr.Literal(literal.getValue(), type);
    }

    private JType typeOf(TreePath path) {
        TypeMirror type = trees.getTypeMirror(path);
        if (type == null) {
            throw unsupported(path.getLeaf(), "AdjointUnsupportedExpression", "cannot determine the type of "
                    + path.getLeaf() + "; assign it to a typed local variable first");
        }
        return JType.of(type);
    }

    private JType localType(TypeMirror type, VariableTree v) {
        if (type.getKind() == TypeKind.FLOAT) {
            throw unsupported(v, "AdjointFloat", "local variable " + v.getName()
                    + " is a float: Adjoint differentiates double arithmetic only; declare it double");
        }
        if (type.getKind() == TypeKind.ARRAY && ((javax.lang.model.type.ArrayType) type).getComponentType().getKind()
                == TypeKind.FLOAT) {
            throw unsupported(v, "AdjointFloat", "local variable " + v.getName()
                    + " is a float[]: Adjoint differentiates double arithmetic only; declare it double[]");
        }
        return JType.of(type);
    }

    /** The type javac would give {@code a op b}, for the nodes it leaves untyped. */
    private static Expr untypedBinary(BinaryOp op, Expr left, Expr right) {
        switch (op) {
            case LT, GT, LE, GE, EQ, NE, CAND, COR -> {
                return new Expr.Binary(op, left, right, JType.BOOLEAN);
            }
            case AND, OR, XOR -> {
                if (left.type().kind() == JType.Kind.BOOLEAN) {
                    return new Expr.Binary(op, left, right, JType.BOOLEAN);
                }
                return binary(op, left, right);
            }
            default -> {
                return binary(op, left, right);
            }
        }
    }

    /** Binary numeric promotion, as javac types {@code a op b}. */
    static Expr binary(BinaryOp op, Expr left, Expr right) {
        JType t = left.type().isDouble() || right.type().isDouble() ? JType.DOUBLE
                : left.type().kind() == JType.Kind.LONG || right.type().kind() == JType.Kind.LONG ? JType.LONG
                : left.type().kind() == JType.Kind.OTHER ? left.type() : JType.INT;
        return new Expr.Binary(op, left, right, t);
    }

    /** The implicit narrowing of a compound assignment ({@code int n; n += 0.5} is {@code n = (int) (n + 0.5)}). */
    private static Expr narrow(JType target, Expr value, Position at) {
        return value.type().equals(target) ? value : new Expr.Cast(target, value, at);
    }

    private static BinaryOp binaryOp(Tree.Kind kind) {
        return switch (kind) {
            case MULTIPLY -> BinaryOp.MUL;
            case DIVIDE -> BinaryOp.DIV;
            case REMAINDER -> BinaryOp.REM;
            case PLUS -> BinaryOp.ADD;
            case MINUS -> BinaryOp.SUB;
            case LEFT_SHIFT -> BinaryOp.SHL;
            case RIGHT_SHIFT -> BinaryOp.SHR;
            case UNSIGNED_RIGHT_SHIFT -> BinaryOp.USHR;
            case LESS_THAN -> BinaryOp.LT;
            case GREATER_THAN -> BinaryOp.GT;
            case LESS_THAN_EQUAL -> BinaryOp.LE;
            case GREATER_THAN_EQUAL -> BinaryOp.GE;
            case EQUAL_TO -> BinaryOp.EQ;
            case NOT_EQUAL_TO -> BinaryOp.NE;
            case AND -> BinaryOp.AND;
            case XOR -> BinaryOp.XOR;
            case OR -> BinaryOp.OR;
            case CONDITIONAL_AND -> BinaryOp.CAND;
            case CONDITIONAL_OR -> BinaryOp.COR;
            default -> null;
        };
    }

    private static String sourceOf(Tree tree) {
        String s = tree.toString().trim().replaceAll("\\s+", " ");
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    private static String describe(Tree.Kind kind) {
        return kind.toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private ErrorReporter.Abort unsupported(Tree tree, String tag, String message) {
        return reporter.abortWithError(Position.of(tree, unit), tag, message);
    }
}
