package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import java.util.List;

/**
 * What is generated for one class: its adjoint API class, its implementation class, each method's
 * plan; {@code suppressed}, the warnings of the user's code the generated classes would repeat
 * ({@code "deprecation"}, {@code "removal"}).
 */
public record ClassPlan(ClassRef owner, ClassRef adjoint, ClassRef impl, List<MethodPlan> methods,
        List<RecordPlan> records, List<String> suppressed) {

    /** This plan suppressing {@code more} warnings too ({@code "deprecation"} before {@code "removal"}: sorted). */
    public ClassPlan suppressing(java.util.Collection<String> more) {
        java.util.Set<String> all = new java.util.TreeSet<>(suppressed);
        all.addAll(more);
        return new ClassPlan(owner, adjoint, impl, methods, records, List.copyOf(all));
    }
}
