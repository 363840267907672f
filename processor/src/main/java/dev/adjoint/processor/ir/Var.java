package dev.adjoint.processor.ir;

/**
 * A variable of the IR: a parameter or local of the user's method, or one the processor adds (a
 * temporary of the normal form, an adjoint, a tangent, a flag, a stored value). Variables are
 * compared by identity: two user locals of one name in disjoint blocks are two variables. Their
 * printed names are chosen only when the code is emitted ({@code emit.Namer}): a user's variable
 * keeps its name, a generated one gets a name no user variable has.
 */
public final class Var {

    /** What a variable is, which decides how its printed name is made. */
    public enum Role {
        /** A parameter of the user's method. */
        PARAM,
        /** A local of the user's method. */
        LOCAL,
        /** A value of the normal form or of a derivative rule ({@code _t1}). */
        TEMP,
        /** A value the reverse sweep computes ({@code _r1}). */
        REVERSE_TEMP,
        /** A boolean the normal form adds for a jump ({@code _break1}, {@code _returned}). */
        FLAG,
        /** The adjoint of {@link #primal} ({@code _d_x}). */
        ADJOINT,
        /** The tangent of {@link #primal} ({@code _dx}). */
        TANGENT,
        /** A value kept for the reverse sweep in a local ({@code _t1}, {@code _c1} for a branch). */
        KEPT,
        /** A loop count ({@code _n1}). */
        COUNT,
        /** A generated counter ({@code _i}, {@code _k1}). */
        INDEX,
        /** A gradient holder of a call ({@code _g1}). */
        HOLDER,
        /** A name the generated method's signature fixes ({@code seed}, {@code into}, {@code dX}, ...). */
        FIXED
    }

    private static int created;

    public final String name;
    public final JType type;
    public final Role role;
    /** For an adjoint or tangent: the variable it belongs to; else null. */
    public final Var primal;
    private final int id;

    public Var(String name, JType type, Role role) {
        this(name, type, role, null);
    }

    public Var(String name, JType type, Role role, Var primal) {
        this.name = name;
        this.type = type;
        this.role = role;
        this.primal = primal;
        synchronized (Var.class) {
            this.id = ++created;
        }
    }

    /** Whether the user wrote this variable (a parameter or local of the method, or of an inlined helper). */
    public boolean isUser() {
        return role == Role.PARAM || role == Role.LOCAL;
    }

    /** A new variable of the same name, type and role: a copy for an inlined body. */
    public Var copy() {
        return new Var(name, type, role, primal);
    }

    public int id() {
        return id;
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
