package dev.adjoint.processor.fence;

import dev.adjoint.processor.analysis.Activity;
import dev.adjoint.processor.analysis.Aliases;
import dev.adjoint.processor.diag.Diagnostics;
import dev.adjoint.processor.diag.Position;
import dev.adjoint.processor.diag.Tag;
import dev.adjoint.processor.find.CustomDerivatives;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 3, the fence: one checking pass over a method's IR, before any transformation, that
 * decides every refusal for reverse mode, forward mode and second order at once, each a tagged
 * error at the user's code. The stages after it handle everything it lets through; what they
 * cannot handle is a bug of the processor ({@code AdjointInternalError}), never a refusal.
 *
 * <p>The principle: a derivative must never be silently lost. A value that carries one may go only
 * where Adjoint can follow it: arithmetic, {@code Math} functions, {@code @Differentiable} methods,
 * methods with {@code @DerivativeOf} partials, inlined helpers (of the same class, and static ones
 * of other classes of the build), array elements.
 * Passing it anywhere else is an error unless the user says with {@code Adjoint.stopGradient} that
 * no derivative should flow there, the call only reads (a documented JDK method, or a method of
 * this build that writes nothing and returns no number a derivative could flow through), or it
 * happens inside a {@code throw} statement (which ends the computation).
 */
public final class Fence {

    private final Diagnostics diagnostics;

    public Fence(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** What the fence learned of a method it let through; its equality tests ({@link LostDerivatives#warnEqualities}). */
    public record Verdict(boolean ok, Map<String, Position> sameBuildCallees, List<Position> equalityTests) {}

    /**
     * Checks {@code method} (and the helpers it inlines); reports every refusal.
     *
     * @param secondOrder whether second-order members are wanted for it
     */
    public Verdict check(MethodIr method, Map<String, MethodIr> helpers, Activity activity, boolean secondOrder,
            List<String> writtenArrays) {
        Run run = new Run(method, helpers, activity, secondOrder);
        int before = diagnostics.errorCount();
        if (secondOrder && !writtenArrays.isEmpty()) {
            diagnostics.error(method.pos(), Tag.AdjointNoSecondOrder, "no second-order members for " + method.name()
                    + ": it writes to its array parameter " + writtenArrays.get(0) + "; write into a local array instead");
        }
        run.block(method.body());
        run.unplannedWrites(writtenArrays);
        if (method.vector()) {
            run.vectorReturn();
        }
        run.lostDerivatives.warn(method.body());
        return new Verdict(diagnostics.errorCount() == before, run.sameBuildCallees, run.lostDerivatives.equalityTests());
    }

    /** Reports why a method cannot have the second-order members a caller of order 2 needs; false when it cannot. */
    public boolean checkSecondOrder(MethodIr method, Map<String, MethodIr> helpers, Activity activity,
            List<String> writtenArrays, String caller) {
        int before = diagnostics.errorCount();
        if (!writtenArrays.isEmpty()) {
            diagnostics.error(method.pos(), Tag.AdjointNoSecondOrder, "no second-order members for " + method.name()
                    + " (which " + caller + " of order 2 calls): it writes to its array parameter "
                    + writtenArrays.get(0) + "; write into a local array instead");
        }
        Run run = new Run(method, helpers, activity, true);
        run.onlySecondOrder = true;
        run.block(method.body());
        return diagnostics.errorCount() == before;
    }

    private final class Run {
        final MethodIr method;
        final Map<String, MethodIr> helpers;
        final Activity activity;
        final boolean secondOrder;
        boolean onlySecondOrder;
        final Map<String, Position> sameBuildCallees = new java.util.LinkedHashMap<>();
        final Deque<String> inlining = new ArrayDeque<>();
        final InlinedFrom inlinedFrom;
        /** Where this and differentiated records go: the method's, and those of the helpers it inlines. */
        final Escapes escapes;
        /** The return types of the helpers being inlined, innermost first. */
        final Deque<JType> returnTypes = new ArrayDeque<>();
        final Set<String> checkedHelpers = new HashSet<>();
        /** How the bits of differentiated doubles end, per body ("" the method's, else the helper's key): {@link Bits}. */
        final Map<String, Bits.Ends> bitEnds = new java.util.HashMap<>();
        final LostDerivatives lostDerivatives;
        /** The local arrays that are only a second name for another ({@link Aliases}): the method's and its helpers'. */
        final Set<Var> aliases = new HashSet<>();
        /** How many places whose values are only shown (a throw's message, a {@link Logging} call) we are in. */
        int shownDepth;
        /** How many {@code Adjoint.stopGradient(...)} the expression being checked is inside. */
        int stopDepth;

        Run(MethodIr method, Map<String, MethodIr> helpers, Activity activity, boolean secondOrder) {
            this.method = method;
            this.inlinedFrom = new InlinedFrom(diagnostics, method.name());
            this.escapes = new Escapes(method, this::error);
            this.lostDerivatives = new LostDerivatives(method, activity, diagnostics);
            escapes.watch(method, !method.fieldVars().isEmpty());
            aliases.addAll(Aliases.of(method.body()).keySet());
            this.helpers = helpers;
            this.activity = activity;
            this.secondOrder = secondOrder;
        }

        void error(Position at, Tag tag, String message) {
            if (!onlySecondOrder || tag == Tag.AdjointNoSecondOrder) {
                diagnostics.error(Position.either(at, method.pos()), tag, message + inlinedFrom.suffix(at));
            }
        }

        // ------------------------------------------------------------ statements

        void block(List<Stmt> stmts) {
            for (Stmt s : stmts) {
                statement(s);
            }
        }

        void statement(Stmt s) {
            inlinedFrom.visit(s);
            if (escapes.watching() && !(s instanceof Stmt.Throw)) {
                for (Expr e : Stmts.exprs(s)) {
                    escapes.check(e);
                }
            }
            s.accept(new Stmt.Visitor<Void>() {
                @Override
                public Void visitDeclare(Stmt.Declare d) {
                    if (d.init() != null) {
                        expr(d.init());
                        boxedNull(d.var(), d.init(), d.pos());
                        untracked(d.var().type, d.init(), d.var().name + ", " + Words.a(d.var().type), d.pos());
                        if (d.var().type.isDoubleArray() && activity.isVaried(d.var()) && !aliases.contains(d.var())
                                && !(d.init() instanceof Expr.NewArray) && !(d.init() instanceof Expr.ArrayLit)
                                && !(d.init() instanceof Expr.Call call && call.callee() instanceof Callee.Inline)) {
                            error(d.pos(), Tag.AdjointArrayAlias, "cannot differentiate " + d.source() + ": a "
                                    + "differentiated local array must be created with new double[n] (here it would be "
                                    + "a second name for another array); copy the elements instead");
                        }
                    }
                    return null;
                }

                @Override
                public Void visitAssign(Stmt.Assign a) {
                    expr(a.value());
                    boxedNull(a.var(), a.value(), a.pos());
                    untracked(a.var().type, a.value(), a.var().name + ", " + Words.a(a.var().type), a.pos());
                    if (a.var().type.isDoubleArray() && activity.isVaried(a.var())) {
                        error(a.pos(), Tag.AdjointArrayAlias, "cannot differentiate the assignment " + a.source()
                                + ": a differentiated array variable must keep the array it starts with (two names for "
                                + "one array would mix their gradients); copy the elements instead");
                    }
                    return null;
                }

                @Override
                public Void visitArrayWrite(Stmt.ArrayWrite w) {
                    expr(w.array());
                    expr(w.index());
                    expr(w.value());
                    untracked(element(w.array()), w.value(), "an element of " + Words.describe(w.array()) + ", "
                            + Words.a(w.array().type()), w.pos());
                    if (!(w.array() instanceof Expr.Read)) {
                        error(w.pos(), Tag.AdjointUnsupportedArrayWrite, "cannot differentiate a write to "
                                + Words.target(w.source()) + ": only elements of a double[] local variable or parameter may "
                                + "be written (not rows of a double[][], nor fields)");
                    }
                    return null;
                }

                @Override
                public Void visitEval(Stmt.Eval e) {
                    expr(e.expr());
                    return null;
                }

                @Override
                public Void visitIf(Stmt.If f) {
                    expr(f.condition());
                    block(f.then());
                    block(f.otherwise());
                    return null;
                }

                @Override
                public Void visitLoop(Stmt.Loop l) {
                    block(l.init());
                    block(l.head());
                    if (l.condition() != null) {
                        expr(l.condition());
                    }
                    block(l.body());
                    block(l.update());
                    return null;
                }

                @Override
                public Void visitForEach(Stmt.ForEach f) {
                    expr(f.array());
                    block(f.body());
                    return null;
                }

                @Override
                public Void visitSwitch(Stmt.Switch w) {
                    expr(w.selector());
                    for (Stmt.Case c : w.cases()) {
                        if (c.labels() != null) {
                            c.labels().forEach(Run.this::expr);
                        }
                        block(c.body());
                    }
                    return null;
                }

                @Override
                public Void visitBlock(Stmt.Block b) {
                    block(b.body());
                    return null;
                }

                @Override
                public Void visitBreak(Stmt.Break b) {
                    return null;
                }

                @Override
                public Void visitContinue(Stmt.Continue c) {
                    return null;
                }

                @Override
                public Void visitReturn(Stmt.Return r) {
                    if (r.value() != null) {
                        expr(r.value());
                        boolean doubleResult = returnTypes.isEmpty() ? !method.vector() : returnTypes.peek().isDouble();
                        if (doubleResult && r.value() instanceof Expr.Const c && c.value() == null) {
                            error(r.pos(), Tag.AdjointUnsupportedExpression, "cannot return null for a Double: Adjoint "
                                    + "reads Double values as double; return Double.NaN, or a double and a separate boolean");
                        }
                        if (!returnTypes.isEmpty()) {
                            untracked(returnTypes.peek(), r.value(), "the " + Words.simple(returnTypes.peek()) + " a helper "
                                    + "returns", r.pos());
                        }
                    }
                    return null;
                }

                @Override
                public Void visitThrow(Stmt.Throw t) {
                    shownDepth++;
                    expr(t.exception());
                    shownDepth--;
                    return null;
                }

                @Override
                public Void visitAccumulate(Stmt.Accumulate a) {
                    return null;
                }

                @Override
                public Void visitPut(Stmt.Put p) {
                    return null;
                }

                @Override
                public Void visitPush(Stmt.Push p) {
                    return null;
                }

                @Override
                public Void visitComment(Stmt.Comment c) {
                    return null;
                }

                @Override
                public Void visitUnsupported(Stmt.Unsupported u) {
                    error(u.pos(), u.tag(), u.message());
                    return null;
                }
            });
        }

        /** A boxed {@code Double} local given {@code null}: Adjoint reads boxed doubles as doubles. */
        void boxedNull(Var var, Expr value, Position at) {
            if (var.type.isDouble() && value instanceof Expr.Const c && c.value() == null) {
                error(at, Tag.AdjointUnsupportedExpression, "cannot differentiate a boxed Double that may be null ("
                        + var.name + "): Adjoint reads Double values as double; use a double and a separate boolean");
            }
        }

        // ------------------------------------------------------------ expressions

        void expr(Expr e) {
            if (e instanceof Expr.Call call && dev.adjoint.processor.ir.Logging.logs(call.callee())) {
                shownDepth++; // a logger's arguments are only shown, as text or in an Object[]
                call.args().forEach(this::expr);
                shownDepth--;
                return;
            }
            if (e instanceof Expr.StopGradient stop) {
                // the user says no derivative flows out of this: calls inside may take differentiated values
                stopDepth++;
                expr(stop.operand());
                stopDepth--;
                return;
            }
            for (Expr c : Exprs.children(e)) {
                expr(c);
            }
            if (e.type().isUnknown()) {
                error(e.pos(), Tag.AdjointUnsupportedExpression, "cannot determine the type of " + Words.describe(e)
                        + (e instanceof Expr.SwitchExpr ? ": javac left this switch expression untyped; assign it to "
                                + "a local first (double v = switch ...)" : ": javac left it untyped (is it under a "
                                + "condition that is constant false?); move it out of the @Differentiable method or "
                                + "make its type explicit"));
                return;
            }
            e.accept(new Expr.Visitor<Void>() {
                @Override public Void visitConst(Expr.Const x) { return null; }

                @Override public Void visitRead(Expr.Read x) { return null; }

                @Override public Void visitStaticGet(Expr.StaticGet x) { return null; }

                @Override public Void visitFieldGet(Expr.FieldGet x) { return null; }

                @Override public Void visitUnary(Expr.Unary x) { return null; }

                @Override
                public Void visitBinary(Expr.Binary x) {
                    if (x.op() == Expr.BinaryOp.ADD && x.type().isString() && shownDepth == 0 && stopDepth == 0
                            && (carried(x.left()) || carried(x.right()))) {
                        error(x.pos(), Tag.AdjointUnsupportedExpression, "cannot turn a differentiated value into "
                                + "text outside a throw statement (" + Words.describe(x) + "): its derivative would be lost; "
                                + "wrap it in Adjoint.stopGradient(...) if no derivative should flow through it");
                    }
                    if ((x.op() == Expr.BinaryOp.EQ || x.op() == Expr.BinaryOp.NE)
                            && (Exprs.isNull(x.left()) && x.right().type().isDouble()
                            || Exprs.isNull(x.right()) && x.left().type().isDouble())) {
                        error(x.pos(), Tag.AdjointUnsupportedExpression, "cannot differentiate a boxed Double compared "
                                + "with null (" + Words.describe(x) + "): Adjoint reads Double values as double; use a "
                                + "double and a separate boolean");
                    }
                    return null;
                }

                @Override
                public Void visitCond(Expr.Cond x) {
                    if (x.type().isArray() && (carried(x.then()) || carried(x.otherwise()))) {
                        error(x.pos(), Tag.AdjointArrayAlias, "cannot differentiate " + Words.describe(x) + ": an array "
                                + "chosen by a condition is a second name for either array, and its derivative would be "
                                + "lost; choose the elements instead (c ? p[i] : q[i]), or write an if with each array's code");
                    }
                    return null;
                }

                @Override
                public Void visitCast(Expr.Cast x) {
                    if (x.type().kind() == JType.Kind.FLOAT && carried(x.operand())) {
                        error(x.pos(), Tag.AdjointFloat, "cannot differentiate through a cast to float ("
                                + Words.describe(x) + "): Adjoint differentiates double arithmetic only; keep the value a "
                                + "double");
                    }
                    return null;
                }

                @Override public Void visitMathCall(Expr.MathCall x) { return null; }

                @Override
                public Void visitCall(Expr.Call x) {
                    call(x);
                    return null;
                }

                @Override
                public Void visitNew(Expr.New x) {
                    if (shownDepth == 0 && stopDepth == 0 && x.args().stream().anyMatch(Run.this::carried)) {
                        error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through new " + x.type() + "(...): a "
                                + "differentiated value passed to a constructor loses its derivative, unless Adjoint can split the "
                                + "object into its fields (a class of the build with fields its constructor only assigns, an object "
                                + "only read: its fields, its methods, never written, passed on or compared); compute with doubles, "
                                + "or wrap the argument in Adjoint.stopGradient(...) if no derivative should flow through it");
                    }
                    return null;
                }

                @Override
                public Void visitNewArray(Expr.NewArray x) {
                    return null;
                }

                @Override
                public Void visitArrayLit(Expr.ArrayLit x) {
                    for (Expr element : x.elements()) {
                        if (untracked(x.type().isDoubleArray() ? JType.DOUBLE : x.type(), element, "an element of a "
                                + "new " + Words.simple(x.type()), x.pos())) {
                            break;
                        }
                    }
                    return null;
                }

                @Override
                public Void visitArrayRead(Expr.ArrayRead x) {
                    return null;
                }

                @Override
                public Void visitLength(Expr.Length x) {
                    return null;
                }

                @Override
                public Void visitStopGradient(Expr.StopGradient x) {
                    return null;
                }

                @Override
                public Void visitAssignment(Expr.Assignment x) {
                    Var target = Exprs.var(x.target());
                    Expr into = x.target() instanceof Expr.ArrayRead r ? r.array() : x.target();
                    untracked(x.target() instanceof Expr.ArrayRead r ? element(r.array()) : x.target().type(), x.value(),
                            (into == x.target() ? "" : "an element of ") + Words.describe(into) + ", " + Words.a(into.type()),
                            x.pos());
                    if (target != null) {
                        boxedNull(target, x.value(), x.pos());
                        if (target.type.isDoubleArray() && activity.isVaried(target)) {
                            error(x.pos(), Tag.AdjointArrayAlias, "cannot differentiate the assignment " + Words.describe(x)
                                    + ": a differentiated array variable must keep the array it starts with (two names "
                                    + "for one array would mix their gradients); copy the elements instead");
                        }
                    } else if (!(x.target() instanceof Expr.ArrayRead r && r.array() instanceof Expr.Read)) {
                        error(x.pos(), Tag.AdjointUnsupportedArrayWrite, "cannot differentiate a write to "
                                + Words.describe(x.target()) + ": only elements of a double[] local variable or parameter "
                                + "may be written (not rows of a double[][], nor fields)");
                    }
                    return null;
                }

                @Override
                public Void visitSwitchExpr(Expr.SwitchExpr x) {
                    statement(x.statement());
                    return null;
                }

                @Override
                public Void visitPop(Expr.Pop x) {
                    return null;
                }

                @Override
                public Void visitPullback(Expr.Pullback x) {
                    return null;
                }

                @Override
                public Void visitUnsupported(Expr.Unsupported x) {
                    error(x.pos(), x.tag(), x.message());
                    return null;
                }
            });
        }

        private void call(Expr.Call x) {
            Callee callee = x.callee();
            if (callee instanceof Callee.Opaque o) {
                if (x.receiver() != null && x.receiver().type().isDouble()) {
                    error(x.pos(), Tag.AdjointUnsupportedExpression, "cannot call " + o.name() + " on a boxed Double "
                            + "in a @Differentiable method: Adjoint reads Double values as double; use double "
                            + "arithmetic (Double.compare(a, b) == 0 for equals)");
                    return;
                }
                // inside stopGradient(...): a static function of its arguments, whose number is not
                // differentiated; a call on an object could keep the value for later, so it is not
                boolean stopped = stopDepth > 0 && o.isStatic() && o.returnType().isPrimitive();
                if (shownDepth > 0 || stopped || o.readOnly() || dev.adjoint.processor.ir.Stores.is(o)) {
                    return;
                }
                Expr carried = null;
                if (x.receiver() != null && carried(x.receiver())) {
                    carried = x.receiver();
                }
                for (Expr a : x.args()) {
                    if (carried == null && carried(a)) {
                        carried = a;
                    }
                }
                if (carried == null) {
                    return;
                }
                if (o.inlined() != null) {
                    // a method Adjoint would inline but whose body it refuses: what its body holds
                    boolean first = !checkedHelpers.contains(((Callee.Inline) o.inlined().callee()).key());
                    int before = diagnostics.errorCount();
                    call(o.inlined());
                    if (!first || diagnostics.errorCount() > before) {
                        return;
                    }
                }
                if (o.dispatched()) {
                    error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through " + (x.receiver()
                            instanceof Expr.Read r && r.var() == method.self() ? "this" : Words.describe(x.receiver()))
                            + "." + o.name() + "(...): " + o.owner().simpleName() + "." + o.name() + " is abstract, so the "
                            + "code it runs is chosen at run time; Adjoint differentiates such a call through the classes of "
                            + "this build that implement it, and could not inline them here: " + (o.unproven() != null
                            ? o.unproven() : "the object's class is not known") + "; call a concrete "
                            + "@Differentiable method instead, or wrap the argument in Adjoint.stopGradient(...) if no "
                            + "derivative should flow through the call");
                } else if (o.owner().qualifiedName().equals("java.lang.Double") && o.name().contains("Bits")) {
                    bitTrick(x, o);
                } else if (carried.type().isDoubleArray()) {
                    error(x.pos(), Tag.AdjointUnsupportedCall, "cannot pass the differentiated array "
                            + Words.describe(carried) + " to " + o.describe() + ": Adjoint could not prove that it only "
                            + "reads it" + (o.unproven() != null ? " (" + o.unproven() + ")" : "") + "; annotate "
                            + "that method @Differentiable, pass it the values it needs, or wrap the array in "
                            + "Adjoint.stopGradient(" + Words.describe(carried) + ") if the call only reads it");
                } else {
                    error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through " + o.describe()
                            + ": " + (o.unproven() != null ? "Adjoint could not prove that it only reads its arguments ("
                                    + o.unproven() + "); " : "")
                            + "annotate it @Differentiable, give it a derivative with @DerivativeOf, or compute it "
                            + "from Math functions inside this method; wrap the argument in Adjoint.stopGradient(...) "
                            + "if no derivative should flow through the call");
                }
            } else if (callee instanceof Callee.Differentiable d) {
                arguments(x, d.parameterTypes(), d.name());
                if (d.sameBuild()) {
                    sameBuildCallees.putIfAbsent(d.key(), x.pos());
                }
                for (int k = 0; k < x.args().size(); k++) {
                    Expr arg = x.args().get(k);
                    if (carried(arg) && !d.wrt(k)) {
                        error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through " + d.describe()
                                + " with respect to its parameter " + d.parameterNames().get(k) + ": it is "
                                + "@Differentiable with a wrt that leaves " + d.parameterNames().get(k) + " out; add it "
                                + "to wrt, or pass a value that does not depend on the differentiated parameters");
                    }
                    if (arg.type().isDoubleArray() && d.wrt(k) && d.writtenArrays().contains(d.gradientFields().get(k))) {
                        error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through " + d.describe()
                                + ": it writes to its array parameter " + d.gradientFields().get(k) + ", and the "
                                + "reverse sweep runs it again; have it write into a new array instead");
                    }
                    if (arg.type().isDoubleArray() && carried(arg) && !(arg instanceof Expr.Read) && !creates(arg)) {
                        error(x.pos(), Tag.AdjointUnsupportedCall, "pass a double[] variable to " + d.describe()
                                + " (not an array expression)");
                    }
                }
                if (secondOrder && !d.sameBuild() && !d.secondOrder()) {
                    error(x.pos(), Tag.AdjointNoSecondOrder, "no second-order members for " + method.name()
                            + ": it calls " + d.name() + ", compiled without them; rebuild it with "
                            + "@Differentiable(order = 2)");
                }
            } else if (callee instanceof Callee.Custom c) {
                arguments(x, c.parameterTypes(), c.name());
                for (int k = 0; k < x.args().size(); k++) {
                    if (carried(x.args().get(k)) && c.partials().get(k) == null) {
                        error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate through " + c.describe()
                                + " with respect to its parameter " + k + (CustomDerivatives.isBuiltIn(c.owner())
                                        ? ": Adjoint's built-in derivative of this library function is for another "
                                                + "parameter only; pass this one through Adjoint.stopGradient(...) if its "
                                                + "derivative is not wanted, or give all of the function's partials with "
                                                + "@DerivativeOf"
                                        : ": its @DerivativeOf methods give no derivative for it; add one with "
                                                + "@DerivativeOf(..., wrt = " + k + ")"));
                    }
                    Callee.Partial p = c.partials().get(k);
                    if (secondOrder && p != null && !p.differentiable() && carried(x.args().get(k))) {
                        error(x.pos(), Tag.AdjointNoSecondOrder, "no second-order members for " + method.name() + (p
                                .onReceiver() ? ": Adjoint's built-in derivative of " + c.describe() + " is first order "
                                        + "only; compute the density from Math functions inside the method for order = 2"
                                : ": the derivative it uses here, " + p.owner().simpleName() + "." + p.name()
                                + ", is not @Differentiable; annotate it @Differentiable so its own derivative is "
                                + "generated"));
                    }
                }
            } else if (callee instanceof Callee.Inline i) {
                arguments(x, i.parameterTypes(), i.name());
                if (inlining.contains(i.key())) {
                    error(x.pos(), Tag.AdjointUnsupportedCall, "cannot differentiate the recursive call of " + i.describe()
                            + ": Adjoint inlines helpers, and a recursive one has no end; it differentiates a recursion as a "
                            + "method of its own (whose pullback calls itself) when the method is static, returns double and "
                            + "writes no array, of the calling class or of a top-level class compiled with it that is public "
                            + "or of its package, and calls one that takes integers alone as written: make it such a method, "
                            + "annotate it @Differentiable, or write the recursion as a loop");
                    return;
                }
                MethodIr helper = helpers.get(i.key());
                if (helper == null || !checkedHelpers.add(i.key())) {
                    return;
                }
                if (x.type().isArray() && !helper.returnsOwnArray()) {
                    error(x.pos(), Tag.AdjointNotYetSupported, "cannot differentiate through " + i.describe()
                            + ", which returns an array: inlined, it must end with its only return, of a local array "
                            + "it creates (double[] r = new double[n]; ... return r;)");
                    return;
                }
                escapes.watch(helper, !method.fieldVars().isEmpty() && !helper.selfIsData());
                aliases.addAll(Aliases.of(helper.body()).keySet());
                inlining.push(i.key());
                returnTypes.push(x.type());
                boolean outermost = inlinedFrom.enter(x);
                block(helper.body());
                lostDerivatives.warn(helper.body());
                inlinedFrom.leave(outermost);
                returnTypes.pop();
                inlining.pop();
            }
        }

        /** The bits of a differentiated double: accepted where only tests and integers read them ({@link Bits}). */
        private void bitTrick(Expr.Call x, Callee.Opaque o) {
            Bits.Ends ends = Bits.readsBits(x) ? Bits.along(method, inlining, returnTypes, bitEnds, activity, helpers) : null;
            if (ends != null && !ends.refused()) {
                for (Position at : ends.converted()) {
                    if (!onlySecondOrder) { // once a place: Diagnostics prints a message once
                        diagnostics.warning(Position.either(at, method.pos()), Tag.AdjointLostDerivative, "a number made "
                                + "of the bits of a differentiated double (" + o.describe() + ") drops its derivative "
                                + "(treated as 0), as a cast to an integer does; use the bits only in tests if the "
                                + "value should carry one");
                    }
                }
                return;
            }
            error(x.pos(), Tag.AdjointBitTrick, "cannot differentiate through the bits of a double (" + o.describe()
                    + "): a derivative cannot follow bit manipulation" + (ends != null ? ", and they are "
                            + ends.refusedHow() + " (" + diagnostics.where(ends.refusedAt()) + ")" : "")
                    + "; compute the value with Math functions (Math.abs, Math.copySign, Math.scalb, "
                    + "Math.getExponent), or use the bits only in tests");
        }

        /** The arguments of a call Adjoint differentiates through go into parameters it tracks. */
        private void arguments(Expr.Call x, List<JType> parameterTypes, String name) {
            for (int k = 0; k < x.args().size() && k < parameterTypes.size(); k++) {
                untracked(parameterTypes.get(k), x.args().get(k), "parameter " + (k + 1) + " of " + name + ", "
                        + Words.a(parameterTypes.get(k)), x.pos());
            }
        }

        /**
         * A value carrying a derivative must not go where Adjoint does not follow it: a variable, an
         * element, a parameter or a return value of a type other than {@code double} ({@code Double})
         * and {@code double[]}, such as {@code Object}, {@code Number}, {@code Double[]} or {@code double[][]}.
         */
        boolean untracked(JType into, Expr value, String where, Position at) {
            if (into.isDifferentiable() || !into.isArray() && into.isPrimitive() || shownDepth > 0 || stopDepth > 0
                    || !leaks(value)) {
                return false;
            }
            error(at, Tag.AdjointUntracked, "cannot follow the derivative of " + Words.describe(value) + " into " + where
                    + ": Adjoint tracks derivatives through double and double[] values only; keep it a double (or "
                    + "double[]), or wrap it in Adjoint.stopGradient(...) if no derivative should flow there");
            return true;
        }

        /** Whether a derivative flows into {@code e}, whatever its type: boxing conversions and reference casts included. */
        private boolean leaks(Expr e) {
            if (e.type().isDifferentiable()) {
                return carried(e);
            }
            if (e instanceof Expr.Cond c) {
                return leaks(c.then()) || leaks(c.otherwise());
            }
            if (e instanceof Expr.Cast c && !c.type().isPrimitive()) {
                return leaks(c.operand());
            }
            if (e instanceof Expr.Assignment a) {
                return leaks(a.value());
            }
            return false;
        }

        /** What a write to an element of {@code array} goes into: a double Adjoint tracks, or an array it does not. */
        private static JType element(Expr array) {
            return array.type().isDoubleArray() ? JType.DOUBLE : array.type();
        }

        boolean carried(Expr e) {
            return activity.carries(e) || (e.type().isDoubleArray() && Exprs.var(e) != null
                    && activity.isVaried(Exprs.var(e)));
        }

        // ------------------------------------------------------------ written parameters

        /**
         * The API class was planned from the declarations, before the bodies could be attributed,
         * with the array parameters the method writes as its source shows them; the IR knows them
         * for sure. A write the plan missed would make the API class run the method on arrays it
         * has already changed: refused.
         */
        void unplannedWrites(List<String> planned) {
            Map<Var, Position> written = ParameterWrites.of(method, helpers);
            Set<Var> fields = method.fieldVars();
            written.forEach((param, at) -> {
                if (fields.contains(param)) {
                    error(at, Tag.AdjointFieldWrite, "cannot write to an element of the field " + fieldName(param)
                            + " from a @Differentiable method: Adjoint differentiates with respect to it, and reads it "
                            + "once at the start; write into a local copy (double[] copy = " + fieldName(param)
                            + ".clone())");
                } else if (!planned.contains(param.name)) {
                    error(at, Tag.AdjointUnsupportedArrayWrite, "cannot differentiate this write to the array parameter "
                            + param.name + " of " + method.name() + ": it happens in a method Adjoint could not follow "
                            + "from the source of " + method.name() + "; copy " + param.name + " first (double[] copy = "
                            + param.name + ".clone()) and pass the copy");
                }
            });
        }

        private String fieldName(Var v) {
            for (MethodIr.Input i : method.inputs()) {
                if (i.var() == v) {
                    return "this." + i.path().get(0);
                }
            }
            return v.name;
        }

        // ------------------------------------------------------------ vector outputs

        /**
         * A method returning {@code double[]} must end with its only return, of a local array it
         * creates at its top level, or of a new array: the reverse sweep seeds that array's adjoint.
         */
        void vectorReturn() {
            List<Stmt> body = method.body();
            int returns = 0;
            for (Stmt s : Stmts.all(body)) {
                returns += s instanceof Stmt.Return ? 1 : 0;
            }
            Stmt last = body.isEmpty() ? null : body.get(body.size() - 1);
            boolean ok = returns == 1 && last instanceof Stmt.Return r && r.value() != null
                    && (creates(r.value()) || (r.value() instanceof Expr.Read read && createdAtTop(read.var())));
            if (!ok) {
                Position at = method.pos();
                for (Stmt s : Stmts.all(body)) {
                    if (s instanceof Stmt.Return r) {
                        at = r.pos();
                        break;
                    }
                }
                error(at, Tag.AdjointNotYetSupported, method.name() + " returns double[]: every return must give "
                        + "the one local array it creates with new double[n] at its top level, and the last statement "
                        + "return it (double[] r = new double[n]; ... return r;); copy the values into one");
            }
        }

        private boolean createdAtTop(Var v) {
            boolean created = false;
            for (Stmt s : method.body()) {
                if (s instanceof Stmt.Declare d && d.var() == v && d.init() != null && creates(d.init())) {
                    created = true;
                }
            }
            return created && !Stmts.assigns(method.body(), v);
        }

        /** Whether {@code e} is a new array: created, or a copy or a helper's own new array (Arrays.copyOf, clone()). */
        private boolean creates(Expr e) {
            return e instanceof Expr.NewArray || e instanceof Expr.ArrayLit || e instanceof Expr.Call c
                    && c.callee() instanceof Callee.Inline i && helpers.get(i.key()) != null
                    && helpers.get(i.key()).returnsOwnArray();
        }

    }
}
