package dev.adjoint.processor.normalize;

import dev.adjoint.processor.ir.JType;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;
import java.util.Map;

/**
 * Stage 4, the normal form: {@link Desugar} (for-each and switch into loops and if-chains),
 * {@link Jumps} (no break, continue or early return: flags instead), then {@link Anf} (every
 * intermediate double named; helpers inlined). What comes out is what the analyses and the
 * differentiators work on; positions and source texts survive for comments and messages.
 */
public final class Normalizer {

    private final Map<String, MethodIr> helpers;

    public Normalizer(Map<String, MethodIr> helpers) {
        this.helpers = helpers;
    }

    /** The method's body in normal form. */
    public MethodIr run(MethodIr method) {
        List<Stmt> body = new Desugar().run(method.body());
        body = new Jumps().method(body, method.vector() ? JType.DOUBLE_ARRAY : JType.DOUBLE);
        body = new Anf(this, helpers).block(body);
        return new MethodIr(method.key(), method.name(), method.owner(), method.params(), method.self(),
                method.inputs(), List.copyOf(body), method.vector(), method.pos());
    }

    /** Statements inlined into a method (a helper's body, a switch expression) in normal form, their jumps kept inside. */
    List<Stmt> nested(List<Stmt> stmts) {
        List<Stmt> body = new Desugar().run(stmts);
        body = new Jumps().method(body, null);
        return new Anf(this, helpers).block(body);
    }
}
