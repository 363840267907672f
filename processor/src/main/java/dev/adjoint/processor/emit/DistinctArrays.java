package dev.adjoint.processor.emit;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.Naming;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The run-time check that one array was not passed for two {@code double[]} parameters of a method
 * that writes one of them. The derivative takes them for two arrays (the reverse sweep restores
 * and reads each by its own name), so the gradients it gave them would not add up to the derivative
 * through the one array: {@code scaleThenSum(v, v)}, doubling a in place and summing b², got
 * [2, 6] for [4, 12]. The members that take the method's arguments refuse it with an
 * {@code IllegalArgumentException} before computing anything; a method that only reads its arrays
 * takes one array twice (the two gradients then add up, as PyTorch's do).
 */
final class DistinctArrays {
    private DistinctArrays() {}

    /**
     * Adds {@code if (w == p) throw ...} for each array parameter w the method writes and each other
     * p, and each differentiated array field of the receiver (read through {@code impl}'s accessor):
     * {@code f(buf, x)} writing {@code buf} given the receiver's own {@code w} is one array too.
     */
    static void require(MethodSpec.Builder b, MethodPlan m, TypeName impl) {
        if (m.isInstance()) {
            for (String written : m.writtenArrays()) {
                for (MethodPlan.GradientField f : m.fields()) {
                    if (f.parameter() < 0 && f.isArray()) {
                        b.beginControlFlow("if ($N == $T.$N($N))", written, impl, Naming.fieldAccessor(f.name()),
                                        m.names().self())
                                .addStatement("throw new $T($S)", IllegalArgumentException.class, written + " is the "
                                        + "field this." + f.name() + ": " + m.name() + " writes " + written + ", and its "
                                        + "derivative takes them for two arrays; pass a copy")
                                .endControlFlow();
                    }
                }
            }
        }
        List<String> arrays = m.params().stream().filter(p -> p.type().isDoubleArray()).map(MethodPlan.Param::name)
                .toList();
        Set<String> checked = new HashSet<>();
        for (String written : m.writtenArrays()) {
            for (String other : arrays) {
                if (!other.equals(written)
                        && checked.add(written.compareTo(other) < 0 ? written + " " + other : other + " " + written)) {
                    b.beginControlFlow("if ($N == $N)", written, other)
                            .addStatement("throw new $T($S)", IllegalArgumentException.class, written + " and " + other
                                    + " are the same array: " + m.name() + " writes " + written + ", and its "
                                    + "derivative takes them for two arrays; pass a copy of one")
                            .endControlFlow();
                }
            }
        }
    }
}
