package dev.adjoint.processor.ir;

import dev.adjoint.processor.diag.Position;
import java.util.List;

/**
 * One method read into the IR: its parameters (in order), the values it is differentiated with
 * respect to ({@link Input}s: parameters, record components, the receiver's fields), its body and
 * the helpers it inlines.
 *
 * @param key a stable identity of the method across rounds ({@code demo.Functions#f(double,double)})
 * @param self the receiver of an instance method, or null
 * @param inputs what carries a derivative into the method, in the order of the gradient's fields
 * @param vector whether it returns {@code double[]}
 */
public record MethodIr(String key, String name, ClassRef owner, List<Param> params, Var self, List<Input> inputs,
        List<Stmt> body, boolean vector, Position pos) {

    /** A parameter: its variable in the body. */
    public record Param(Var var) {
        public String name() {
            return var.name;
        }

        public JType type() {
            return var.type;
        }
    }

    /**
     * A value the method is differentiated with respect to (or could be): a {@code double} or
     * {@code double[]} parameter, a component of a record parameter, a field of the receiver.
     * {@code var} holds it in the body; {@code load} reads it at entry (null for a parameter,
     * which is its own variable); {@code path} is its field in the gradient ({@code [x]},
     * {@code [params, mu]}); {@code wrt} when its derivative is wanted; {@code field} for a field of the
     * receiver; {@code of} the record variable it is a component of (null for the others).
     */
    public record Input(Var var, Expr load, List<String> path, boolean wrt, boolean field, Var of) {
        /** A parameter or a field of the receiver. */
        public Input(Var var, Expr load, List<String> path, boolean wrt, boolean field) {
            this(var, load, path, wrt, field, null);
        }

        /**
         * Whether the implementation takes it as a parameter: a parameter of the method, or a field
         * of the receiver (whose {@code load} the API class passes in); else it is loaded at entry.
         */
        public boolean isParameter() {
            return load == null || field;
        }
    }

    /** The record variables whose components are variables of their own (differentiated, or a helper's parameters). */
    public java.util.Set<Var> expandedRecords() {
        java.util.Set<Var> out = new java.util.HashSet<>();
        inputs.stream().filter(i -> i.of() != null).forEach(i -> out.add(i.of()));
        return out;
    }

    /** The variables holding the receiver's differentiated fields (parameters of the implementation). */
    public java.util.Set<Var> fieldVars() {
        java.util.Set<Var> out = new java.util.HashSet<>();
        inputs.stream().filter(Input::field).forEach(i -> out.add(i.var()));
        return out;
    }

    public boolean isInstance() {
        return self != null;
    }

    /** What ends the key of an instance method read for another object than the caller's (its fields data). */
    public static final String OTHER_OBJECT = "#other";

    /** Whether this is an instance method inlined for another object than the caller's: its receiver's fields are data. */
    public boolean selfIsData() {
        return key.endsWith(OTHER_OBJECT);
    }

    /**
     * The local array the method (a helper returning an array) creates and returns in its one
     * final {@code return r;}, never assigning {@code r} again; null otherwise. Inlined, it
     * becomes the caller's variable, with no second name.
     */
    public Var returnedArray() {
        if (body.isEmpty() || !(body.get(body.size() - 1) instanceof Stmt.Return r) || !(r.value() instanceof Expr.Read read)
                || !read.var().type.isArray()) {
            return null;
        }
        Var v = read.var();
        if (Stmts.assigns(body, v)) {
            return null;
        }
        int returns = 0;
        for (Stmt s : Stmts.all(body)) {
            returns += s instanceof Stmt.Return ? 1 : 0;
        }
        for (Stmt s : body) {
            if (s instanceof Stmt.Declare d && d.var() == v && returns == 1
                    && (d.init() instanceof Expr.NewArray || d.init() instanceof Expr.ArrayLit)) {
                return v;
            }
        }
        return null;
    }

    /** Whether the method ends with its only return, of a local array it creates ({@link #returnedArray}). */
    public boolean returnsOwnArray() {
        return returnedArray() != null;
    }
}
