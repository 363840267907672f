package dev.adjoint.processor.normalize;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Exprs;
import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Rename;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Stmts;
import dev.adjoint.processor.ir.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The A-normal form: every intermediate {@code double} value gets a name. After this pass a
 * statement's value is one operation whose {@code double} operands are variables or constants
 * ({@code _t1 = x * y; _t2 = Math.sin(_t1)}), so expression depth is bounded and every value a
 * derivative rule reads is in a variable. Assignments inside expressions, switch expressions,
 * array initializers and the conditional operators whose branches have effects become statements,
 * in Java's evaluation order; calls of helpers are inlined here. Integer and boolean expressions
 * that differentiation never looks into (indices, conditions) stay as they are unless their
 * evaluation order forces a name. The clean-up after differentiation puts single-use names back
 * where that reads better.
 */
final class Anf {

    private final Normalizer normalizer;
    private final Map<String, MethodIr> helpers;
    private int inlined;

    Anf(Normalizer normalizer, Map<String, MethodIr> helpers) {
        this.normalizer = normalizer;
        this.helpers = helpers;
    }

    List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            statement(s, out);
        }
        return out;
    }

    private void statement(Stmt s, List<Stmt> out) {
        if (s instanceof Stmt.Declare d) {
            if (d.init() == null) {
                out.add(d);
            } else if (d.init() instanceof Expr.Call c && c.callee() instanceof Callee.Inline inline
                    && (d.var().type.isArray() || d.var().type.sameAs(c.type()))) {
                // what a helper returns goes straight into this variable: an array it builds is this
                // variable (no second name), a value it returns is assigned to it
                inline(c, inline, out, d.var());
            } else if (d.init() instanceof Expr.ArrayLit lit && needsLowering(lit)) {
                out.add(new Stmt.Declare(d.var(), newArray(lit), d.pos(), d.source()));
                fill(d.var(), lit, out);
            } else {
                out.add(new Stmt.Declare(d.var(), simple(d.init(), out), d.pos(), d.source()));
            }
        } else if (s instanceof Stmt.Assign a) {
            if (a.value() instanceof Expr.Read r && r.var() == a.var()) {
                return; // x = x changes nothing
            }
            if (a.value() instanceof Expr.ArrayLit lit && needsLowering(lit)) {
                Var t = temp(lit.type());
                out.add(new Stmt.Declare(t, newArray(lit), a.pos(), null));
                fill(t, lit, out);
                out.add(new Stmt.Assign(a.var(), new Expr.Read(t), a.pos(), a.source()));
                return;
            }
            if (a.value() instanceof Expr.Binary b && increment(b, new Expr.Read(a.var()), a.var())
                    && !assignsAny(b.right())) {
                // s = s + e stays an increment: its reverse sweep passes the adjoint of s on to e unchanged
                Expr e = b.type().isDouble() ? atom(b.right(), out) : operand(b.right(), out, List.of());
                out.add(new Stmt.Assign(a.var(), new Expr.Binary(b.op(), b.left(), e, b.type(), b.pos()), a.pos(),
                        a.source()));
                return;
            }
            Expr value = simple(a.value(), out);
            if (!Exprs.isAtom(value) && Exprs.readsVar(value, a.var()) && a.var().type.isDifferentiable()) {
                // the target is also an operand: compute into a new name first, so the reverse sweep
                // can read the operand's old value and the result side by side
                Var t = temp(a.var().type);
                out.add(new Stmt.Declare(t, value, a.pos(), null));
                value = new Expr.Read(t);
            }
            out.add(new Stmt.Assign(a.var(), value, a.pos(), a.source()));
        } else if (s instanceof Stmt.ArrayWrite w) {
            Expr array = operand(w.array(), out, List.of(w.index(), w.value()));
            Expr index = index(w.index(), out, List.of(w.value()));
            Var arrayVar = Exprs.var(array);
            if (w.value() instanceof Expr.Binary b && arrayVar != null && b.type().isDouble()
                    && increment(b, new Expr.ArrayRead(array, w.index(), JType.DOUBLE, null), arrayVar)
                    && index == w.index() && !effectful(b.right())) {
                // a[i] = a[i] + e stays an increment
                Expr e = atom(b.right(), out);
                out.add(new Stmt.ArrayWrite(array, index, new Expr.Binary(b.op(), new Expr.ArrayRead(array, index,
                        JType.DOUBLE, null), e, b.type(), b.pos()), w.pos(), w.source()));
                return;
            }
            Expr value = atom(w.value(), out);
            out.add(new Stmt.ArrayWrite(array, index, value, w.pos(), w.source()));
        } else if (s instanceof Stmt.Eval e) {
            Expr value = simple(e.expr(), out);
            if (value instanceof Expr.Call || value instanceof Expr.New) {
                out.add(new Stmt.Eval(value, e.pos(), e.source()));
            }
        } else if (s instanceof Stmt.If f) {
            Expr condition = condition(f.condition(), out);
            out.add(new Stmt.If(condition, block(f.then()), block(f.otherwise()), f.pos(), f.source()));
        } else if (s instanceof Stmt.Loop l) {
            List<Stmt> init = block(l.init());
            List<Stmt> head = new ArrayList<>(block(l.head()));
            Expr condition = l.condition() == null ? null : condition(l.condition(), head);
            if (head.isEmpty()) {
                out.add(new Stmt.Loop(l.label(), init, head, condition, block(l.update()), block(l.body()), l.doWhile(),
                        l.pos(), l.source()));
            } else {
                out.add(rotated(l, init, head, condition, block(l.update()), block(l.body())));
            }
        } else if (s instanceof Stmt.Block b) {
            out.add(new Stmt.Block(b.label(), block(b.body())));
        } else if (s instanceof Stmt.Return r) {
            if (r.value() == null || Exprs.isAtom(r.value())) {
                out.add(r);
                return;
            }
            Var ret = new Var("_ret", r.value().type(), Var.Role.FIXED);
            if (r.value() instanceof Expr.ArrayLit lit) {
                out.add(new Stmt.Declare(ret, newArray(lit), r.pos(), r.source()));
                fill(ret, lit, out);
            } else {
                out.add(new Stmt.Declare(ret, simple(r.value(), out), r.pos(), r.source()));
            }
            out.add(new Stmt.Return(new Expr.Read(ret), r.pos(), null));
        } else if (s instanceof Stmt.Throw t) {
            out.add(new Stmt.Throw(needsLowering(t.exception()) ? simple(t.exception(), out) : t.exception(), t.pos(),
                    t.source()));
        } else {
            out.add(s);
        }
    }

    /** Whether {@code b} is {@code self + e} or {@code self - e} with {@code e} not reading {@code v}: an increment. */
    private static boolean increment(Expr.Binary b, Expr self, Var v) {
        return (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB) && (b.type().isDouble()
                || b.type().kind() == JType.Kind.INT && b.type().mirror() == null || b.type().kind() == JType.Kind.LONG)
                && Exprs.same(b.left(), self) && !Exprs.readsVar(b.right(), v) && !needsLowering(b.right());
    }

    // ---------------------------------------------------------------- expressions

    /** {@code e} flattened: one operation whose double operands are atoms; what it needs first goes to {@code out}. */
    Expr simple(Expr e, List<Stmt> out) {
        if (Exprs.isAtom(e) || e instanceof Expr.StaticGet) {
            return e;
        }
        if (e instanceof Expr.Assignment a) {
            return assignment(a, out);
        }
        if (e instanceof Expr.SwitchExpr w) {
            out.add(new Stmt.Declare(w.result(), Exprs.defaultValue(w.type()), w.pos(), null));
            out.addAll(normalizer.nested(List.of(w.statement())));
            return new Expr.Read(w.result());
        }
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.Inline inline) {
            return inline(c, inline, out);
        }
        if (e instanceof Expr.ArrayLit lit) {
            if (!needsLowering(lit)) {
                return lit;
            }
            Var t = temp(lit.type());
            out.add(new Stmt.Declare(t, newArray(lit), lit.pos(), null));
            fill(t, lit, out);
            return new Expr.Read(t);
        }
        if (e instanceof Expr.Cond c) {
            return conditional(c, out);
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.CAND || b.op() == Expr.BinaryOp.COR)
                && needsLowering(b.right())) {
            // the right operand runs only when the left does not decide: an if
            Var t = temp(JType.BOOLEAN);
            out.add(new Stmt.Declare(t, condition(b.left(), out), b.pos(), null));
            List<Stmt> then = new ArrayList<>();
            then.add(new Stmt.Assign(t, condition(b.right(), then), null, null));
            Expr test = b.op() == Expr.BinaryOp.CAND ? new Expr.Read(t)
                    : new Expr.Unary(Expr.UnaryOp.NOT, new Expr.Read(t), JType.BOOLEAN, null);
            out.add(new Stmt.If(test, then, List.of(), null, null));
            return new Expr.Read(t);
        }
        List<Expr> children = Exprs.children(e);
        List<Expr> flat = new ArrayList<>(children.size());
        boolean differentiable = e.type().isDifferentiable() || e instanceof Expr.Call || e instanceof Expr.MathCall;
        for (int k = 0; k < children.size(); k++) {
            Expr child = children.get(k);
            if (effectful(child)) {
                // what is already evaluated must not see the effects of what comes after
                for (int j = 0; j < flat.size(); j++) {
                    if (!(flat.get(j) instanceof Expr.Const)
                            && (!(flat.get(j) instanceof Expr.Read r) || assigns(child, r.var()))) {
                        flat.set(j, snapshot(flat.get(j), out)); // a variable too: the later operand may assign it
                    }
                }
            }
            // a number read from a field (static too) or an array element is named too (a partial derivative may read it in
            // the reverse sweep, after a call changed the field or element)
            boolean wantAtom = differentiable && !(e instanceof Expr.ArrayRead) && (child.type().isDouble()
                    || child.type().isNumeric() && Exprs.any(child, n -> n instanceof Expr.FieldGet
                            || n instanceof Expr.StaticGet || n instanceof Expr.ArrayRead));
            List<Expr> later = children.subList(k + 1, children.size());
            flat.add(wantAtom ? atom(child, out) : e instanceof Expr.ArrayRead && k == 1 ? index(child, out, later)
                    : operand(child, out, later));
        }
        return Exprs.rebuild(e, flat);
    }

    /** {@code e} as a variable or constant, naming it when it is neither. */
    Expr atom(Expr e, List<Stmt> out) {
        Expr s = simple(e, out);
        return Exprs.isAtom(s) ? s : hoist(s, out);
    }

    /**
     * An operand differentiation does not look into (an integer, a boolean, an object): kept as an
     * expression when it has no effects and needs no statements, else named.
     */
    private Expr operand(Expr e, List<Stmt> out, List<Expr> later) {
        if (!needsLowering(e) && !effectful(e)) {
            return e;
        }
        Expr s = simple(e, out);
        boolean laterEffects = later.stream().anyMatch(Anf::effectful);
        return Exprs.isAtom(s) || !laterEffects ? s : hoist(s, out);
    }

    /**
     * An array index: kept when it is integer arithmetic on variables (the reverse sweep evaluates
     * it again), else named. Java evaluates the index before what comes {@code later} (the value
     * written): when that has effects, which may change a variable the index reads ({@code a[i] =
     * a[i++ - 1] * x}), the index is named first, even a lone variable.
     */
    private Expr index(Expr e, List<Stmt> out, List<Expr> later) {
        boolean laterEffects = later.stream().anyMatch(Anf::assignsAny);
        if (isIndex(e) && !laterEffects) {
            return e;
        }
        Expr s = simple(e, out);
        if (s instanceof Expr.Const || Exprs.isAtom(s) && !laterEffects) {
            return s;
        }
        return snapshot(s, out);
    }

    /** {@code e}'s value now, in a new name, even a variable's (which a later effect may change). */
    private static Expr snapshot(Expr e, List<Stmt> out) {
        Var t = temp(e.type());
        out.add(new Stmt.Declare(t, e, e.pos(), null));
        return new Expr.Read(t);
    }

    /** A condition: kept as an expression unless it needs statements. */
    private Expr condition(Expr e, List<Stmt> out) {
        return needsLowering(e) ? simple(e, out) : e;
    }

    private Expr hoist(Expr e, List<Stmt> out) {
        return Exprs.isAtom(e) ? e : snapshot(e, out);
    }

    private static Var temp(JType type) {
        return new Var("_t", type, Var.Role.TEMP);
    }

    /**
     * {@code c ? a : b}: for doubles with branches that cannot throw nor have effects, both
     * branches named ahead and the choice an expression; otherwise an if assigning a new name.
     */
    private Expr conditional(Expr.Cond c, List<Stmt> out) {
        boolean pure = pure(c.then()) && pure(c.otherwise());
        if (pure && !needsLowering(c.condition())) {
            if (!c.type().isDouble()) {
                return c;
            }
            // the choice is named (the reverse sweep reads it after the target may have changed), each
            // branch one operation on named values: the reverse sweep differentiates only the branch
            // taken, never multiplying a zero adjoint by the other's (possibly infinite) local derivative
            List<Stmt> thenFirst = new ArrayList<>();
            List<Stmt> otherwiseFirst = new ArrayList<>();
            Expr then = simple(c.then(), thenFirst);
            Expr otherwise = simple(c.otherwise(), otherwiseFirst);
            if (thenFirst.isEmpty() && otherwiseFirst.isEmpty() && (Exprs.isAtom(then) || oneOperation(then))
                    && (Exprs.isAtom(otherwise) || oneOperation(otherwise))) {
                Expr condition = Exprs.isAtom(c.condition()) ? c.condition() : hoist(c.condition(), out);
                return new Expr.Cond(condition, then, otherwise, c.type(), c.pos());
            }
            // a branch of more than one operation: an if (its statements run only when taken)
        }
        Var v = new Var("_v", c.type(), Var.Role.TEMP);
        Expr condition = condition(c.condition(), out);
        out.add(new Stmt.Declare(v, Exprs.defaultValue(c.type()), null, null));
        List<Stmt> then = new ArrayList<>();
        then.add(new Stmt.Assign(v, simple(c.then(), then), null, null));
        List<Stmt> otherwise = new ArrayList<>();
        otherwise.add(new Stmt.Assign(v, simple(c.otherwise(), otherwise), null, null));
        out.add(new Stmt.If(condition, then, otherwise, c.pos(), null));
        return new Expr.Read(v);
    }

    /** Whether an expression is one operation over atoms (what a branch of {@code ?:} may compute). */
    private static boolean oneOperation(Expr e) {
        return (e instanceof Expr.Binary || e instanceof Expr.Unary || e instanceof Expr.MathCall || e instanceof Expr.Cast)
                && Exprs.children(e).stream().allMatch(c -> Exprs.isAtom(c) || !c.type().isDouble());
    }

    /**
     * An assignment used as a value, as statements: the target's new value (a postfix increment's
     * old value) is the expression's value.
     */
    private Expr assignment(Expr.Assignment a, List<Stmt> out) {
        if (a.target() instanceof Expr.Read r) {
            Var v = r.var();
            Expr old = null;
            if (a.postfix()) {
                Var t = temp(v.type);
                out.add(new Stmt.Declare(t, new Expr.Read(v), a.pos(), null));
                old = new Expr.Read(t);
            }
            Expr value;
            if (a.op() == null) {
                value = simple(a.value(), out);
            } else {
                Expr operand = atomOrOperand(a.value(), out);
                value = narrow(v.type, new Expr.Binary(a.op(), old != null ? old : new Expr.Read(v), operand,
                        promote(v.type, operand.type()), a.pos()), a.pos());
            }
            if (!Exprs.isAtom(value) && Exprs.readsVar(value, v) && v.type.isDifferentiable()) {
                value = hoist(value, out);
            }
            if (!(value instanceof Expr.Read same && same.var() == v)) { // x = x changes nothing
                out.add(new Stmt.Assign(v, value, a.pos(), null));
            }
            return old != null ? old : new Expr.Read(v);
        }
        Expr.ArrayRead element = (Expr.ArrayRead) a.target();
        Expr array = operand(element.array(), out, List.of(element.index(), a.value()));
        Expr index = atom(element.index(), out);
        if (index instanceof Expr.Read && assignsAny(a.value())) {
            index = snapshot(index, out); // evaluated before the value, which may change it (a[i] = i++ * x)
        }
        Expr.ArrayRead at = new Expr.ArrayRead(array, index, element.type(), element.pos());
        Expr old = null;
        if (a.op() != null) {
            old = hoist(at, out);
        }
        Expr value;
        if (a.op() == null) {
            value = atom(a.value(), out);
        } else {
            Expr operand = atomOrOperand(a.value(), out);
            value = hoist(narrow(element.type(), new Expr.Binary(a.op(), old, operand,
                    promote(element.type(), operand.type()), a.pos()), a.pos()), out);
        }
        out.add(new Stmt.ArrayWrite(array, index, value, a.pos(), null));
        return a.postfix() ? old : value;
    }

    private Expr atomOrOperand(Expr e, List<Stmt> out) {
        return e.type().isDouble() ? atom(e, out) : operand(e, out, List.of());
    }

    /**
     * A helper's body in place of its call: its parameters as new locals holding the arguments
     * (an array parameter is the caller's array itself), its locals new variables, each
     * {@code return v} an assignment of the call's value and a jump out of the inlined block.
     */
    private Expr inline(Expr.Call c, Callee.Inline callee, List<Stmt> out) {
        return inline(c, callee, out, null);
    }

    /**
     * A helper's body in place of its call: its parameters as new locals holding the arguments
     * (an array parameter is the caller's array itself), its locals new variables. A helper whose
     * only return is its last statement is inlined as straight code; otherwise in a labelled block
     * each {@code return v} leaves, having assigned the call's value. The array a helper builds and
     * returns becomes {@code into} (or a new variable): no second name for it.
     */
    private Expr inline(Expr.Call c, Callee.Inline callee, List<Stmt> out, Var into) {
        MethodIr helper = helpers.get(callee.key());
        Map<Var, Var> given = new HashMap<>();
        List<Stmt> block = new ArrayList<>();
        if (helper.self() != null) {
            // an instance method: its this is the receiver, evaluated once, before the arguments
            if (c.receiver() == null) {
                throw new IllegalStateException("inlined " + helper.name() + " without its receiver");
            }
            Var receiver = Exprs.var(c.receiver());
            if (receiver == null || c.args().stream().anyMatch(Anf::assignsAny)) {
                // another object's method on an expression (new Normal(0, 1), curves[i]), or on a
                // variable an argument assigns: the object named first
                receiver = new Var(objectName(c.receiver().type()), c.receiver().type(), Var.Role.LOCAL);
                out.add(new Stmt.Declare(receiver, simple(c.receiver(), out), c.pos(), null));
            }
            given.put(helper.self(), receiver);
        }
        for (int i = 0; i < c.args().size(); i++) {
            Var param = helper.params().get(i).var();
            Expr arg = c.args().get(i);
            // a later argument that assigns a local (h(z, z = z * y)) must not change this one's value
            boolean laterAssigns = c.args().subList(i + 1, c.args().size()).stream().anyMatch(Anf::assignsAny);
            if (arg instanceof Expr.Read r && !assignedIn(helper.body(), param) && r.var().type.sameAs(param.type)
                    && !laterAssigns) {
                // the caller's variable itself: an array is written in place as the helper writes it; a
                // number cannot change while the helper runs, which never assigns it
                given.put(param, r.var());
                continue;
            }
            Expr value = param.type.isDouble() ? atom(arg, out) : operand(arg, out, c.args().subList(i + 1,
                    c.args().size()));
            if (param.type.isDoubleArray() && value instanceof Expr.Read r && r.var().role == Var.Role.TEMP
                    && !assignedIn(helper.body(), param)) {
                // an array built for the call (the values of a double... parameter): the parameter
                // is that array, not a second name for it
                given.put(param, r.var());
                continue;
            }
            Var local = new Var(param.name, param.type, Var.Role.LOCAL);
            given.put(param, local);
            if (laterAssigns && value instanceof Expr.Read) {
                value = snapshot(value, out);
            }
            block.add(new Stmt.Declare(local, value, c.pos(), param.type + " " + param.name + " = " + describe(arg)));
        }
        boolean isVoid = c.type().kind() == JType.Kind.OTHER && c.type().mirror() != null
                && c.type().mirror().getKind() == javax.lang.model.type.TypeKind.VOID;
        List<Stmt> helperBody = helper.body();
        Var built = helper.returnedArray();
        int returns = 0;
        for (Stmt st : Stmts.all(helperBody)) {
            returns += st instanceof Stmt.Return ? 1 : 0;
        }
        boolean straight = returns == 0 || (returns == 1 && helperBody.get(helperBody.size() - 1) instanceof Stmt.Return);
        if (built != null) {
            Var result = into != null ? into : new Var(helper.name(), c.type(), Var.Role.LOCAL);
            given.put(built, result);
            List<Stmt> body = Rename.fresh(helperBody.subList(0, helperBody.size() - 1), given);
            block.addAll(body);
            out.addAll(normalizer.nested(block));
            return new Expr.Read(result);
        }
        Var result = isVoid ? null : into != null ? into : new Var(helper.name(), c.type(), Var.Role.LOCAL);
        if (straight) {
            List<Stmt> body = Rename.fresh(helperBody, given);
            Stmt last = body.isEmpty() ? null : body.get(body.size() - 1);
            if (last instanceof Stmt.Return r) {
                block.addAll(body.subList(0, body.size() - 1));
                if (result != null) {
                    block.add(new Stmt.Declare(result, r.value(), r.pos(), r.source()));
                }
            } else {
                block.addAll(body);
            }
            out.addAll(normalizer.nested(block));
        } else {
            String label = "_inline" + (++inlined);
            if (result != null) {
                out.add(new Stmt.Declare(result, Exprs.defaultValue(c.type()), c.pos(), null));
            }
            List<Stmt> body = Rename.fresh(helperBody, given);
            normalizer.reportReturnsFromLoops(body);
            block.addAll(returnsToBreaks(body, result, label));
            out.addAll(normalizer.nested(List.of(new Stmt.Block(label, block))));
        }
        return result == null ? Expr.Const.ofInt(0) : new Expr.Read(result);
    }

    /** A name for an object of {@code type}: its class's simple name, decapitalized ({@code normal}). */
    private static String objectName(JType type) {
        String simple = type.mirror() instanceof javax.lang.model.type.DeclaredType d
                ? d.asElement().getSimpleName().toString() : "object";
        String name = Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
        return javax.lang.model.SourceVersion.isName(name) ? name : "object";
    }

    private static boolean assignedIn(List<Stmt> body, Var v) {
        return Stmts.assigns(body, v); // inside an expression too: Math.sin(lam *= 0.5) writes the parameter
    }

    private static List<Stmt> returnsToBreaks(List<Stmt> body, Var result, String label) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : body) {
            if (s instanceof Stmt.Return r) {
                if (r.value() != null && result != null) {
                    out.add(new Stmt.Assign(result, r.value(), r.pos(), r.source()));
                }
                out.add(new Stmt.Break(label, r.pos()));
            } else {
                out.add(Stmts.mapBlocks(s, inner -> returnsToBreaks(inner, result, label)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- array initializers

    private static Expr newArray(Expr.ArrayLit lit) {
        return new Expr.NewArray(lit.type(), List.of(Expr.Const.ofInt(lit.elements().size())), lit.pos());
    }

    private void fill(Var array, Expr.ArrayLit lit, List<Stmt> out) {
        for (int k = 0; k < lit.elements().size(); k++) {
            Expr element = lit.elements().get(k);
            Expr value = element instanceof Expr.ArrayLit inner ? simple(inner, out) : atom(element, out);
            out.add(new Stmt.ArrayWrite(new Expr.Read(array), Expr.Const.ofInt(k), value, element.pos(), null));
        }
    }

    // ---------------------------------------------------------------- properties

    /** Whether {@code e} needs statements of its own: an assignment, a switch, an inlined call, a non-constant array of doubles. */
    static boolean needsLowering(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.Assignment || n instanceof Expr.SwitchExpr
                || (n instanceof Expr.Call c && c.callee() instanceof Callee.Inline)
                || (n instanceof Expr.ArrayLit l && l.type().isDoubleArray()
                        && !l.elements().stream().allMatch(x -> x instanceof Expr.Const))
                || (n instanceof Expr.Cond c && (needsLowering(c.then()) || needsLowering(c.otherwise()))));
    }

    /** Whether evaluating {@code e} may change state another operand reads: assignments, calls, object creation. */
    static boolean effectful(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.Assignment || n instanceof Expr.SwitchExpr
                || (n instanceof Expr.Call c && !(c.callee() instanceof Callee.Differentiable))
                || n instanceof Expr.New);
    }

    /** Whether evaluating {@code e} may assign a local (an assignment inside it, a switch expression's statements). */
    private static boolean assignsAny(Expr e) {
        return Exprs.any(e, n -> n instanceof Expr.Assignment || n instanceof Expr.SwitchExpr);
    }

    private static boolean assigns(Expr e, Var v) {
        return Exprs.any(e, n -> (n instanceof Expr.Assignment a && a.target() instanceof Expr.Read r && r.var() == v)
                || n instanceof Expr.SwitchExpr);
    }

    /** Whether evaluating {@code e} can neither throw nor have an effect: arithmetic on variables and constants, Math. */
    static boolean pure(Expr e) {
        return !Exprs.any(e, n -> n instanceof Expr.Call || n instanceof Expr.New || n instanceof Expr.NewArray
                || n instanceof Expr.ArrayRead || n instanceof Expr.FieldGet || n instanceof Expr.Assignment
                || n instanceof Expr.SwitchExpr || n instanceof Expr.ArrayLit
                || (n instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
                        && !b.type().isDouble() && b.type().kind() != JType.Kind.FLOAT));
    }

    /** Integer arithmetic on variables and constants, and lengths. */
    static boolean isIndex(Expr e) {
        if (e instanceof Expr.Read || e instanceof Expr.Const) {
            return true;
        }
        if (e instanceof Expr.Binary b && !b.type().isDouble() && (b.op() == Expr.BinaryOp.ADD
                || b.op() == Expr.BinaryOp.SUB || b.op() == Expr.BinaryOp.MUL)) {
            return isIndex(b.left()) && isIndex(b.right());
        }
        return e instanceof Expr.Length l && l.array() instanceof Expr.Read;
    }

    /**
     * A loop whose condition has effects ({@code while (n-- > 0)}, {@code while ((x *= 0.9) > t)}),
     * which left statements to run before each test (its head), as a loop without one: the head
     * runs once before the loop and again at the end of each iteration ({@code init; head; while
     * (c) { body; update; head }}; for a {@code do}-{@code while}, only at the end). Then every
     * write happens in a loop's body, where the reverse sweep undoes it, iteration by iteration,
     * the last test's included. The head's own locals are declared once, before the loop.
     */
    private static Stmt rotated(Stmt.Loop l, List<Stmt> init, List<Stmt> head, Expr condition, List<Stmt> update,
            List<Stmt> body) {
        List<Stmt> again = new ArrayList<>();
        List<Stmt> declared = new ArrayList<>();
        Map<Var, Var> fresh = new HashMap<>();
        for (Stmt h : head) {
            if (h instanceof Stmt.Declare d) {
                declared.add(new Stmt.Declare(d.var(), Exprs.defaultValue(d.var().type), d.pos(), null));
                again.add(new Stmt.Assign(d.var(), d.init() == null ? Exprs.defaultValue(d.var().type) : d.init(), d.pos(),
                        d.source()));
            } else {
                // a local of a nested block (a branch of && or ?:) is a new one in the copy
                for (Stmt nested : Stmts.all(List.of(h))) {
                    if (nested instanceof Stmt.Declare d) {
                        fresh.put(d.var(), d.var().copy());
                    }
                }
                again.add(h);
            }
        }
        List<Stmt> loopBody = new ArrayList<>(body);
        loopBody.addAll(update);
        loopBody.addAll(Rename.substitute(again, fresh));
        List<Stmt> out = new ArrayList<>(init);
        out.addAll(l.doWhile() ? declared : head);
        out.add(new Stmt.Loop(l.label(), List.of(), List.of(), condition, List.of(), loopBody, l.doWhile(), l.pos(),
                l.source()));
        return new Stmt.Block(null, out);
    }


    private static Expr narrow(JType target, Expr value, dev.adjoint.processor.diag.Position at) {
        boolean same = value.type().kind() == target.kind() && (target.kind() != JType.Kind.INT
                || target.mirror() == null || target.mirror().getKind() == javax.lang.model.type.TypeKind.INT);
        return same ? value : new Expr.Cast(target, value, at);
    }

    private static JType promote(JType a, JType b) {
        if (a.isDouble() || b.isDouble()) {
            return JType.DOUBLE;
        }
        if (a.kind() == JType.Kind.FLOAT || b.kind() == JType.Kind.FLOAT) {
            return JType.FLOAT;
        }
        if (a.kind() == JType.Kind.LONG || b.kind() == JType.Kind.LONG) {
            return JType.LONG;
        }
        return JType.INT;
    }

    private static String describe(Expr e) {
        if (e instanceof Expr.Read r) {
            return r.var().name;
        }
        if (e instanceof Expr.Const c) {
            return String.valueOf(c.value());
        }
        return e.pos() != null && e.pos().tree() != null ? e.pos().tree().toString() : "...";
    }
}
