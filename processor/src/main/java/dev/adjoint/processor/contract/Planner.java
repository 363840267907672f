package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, from a method's declaration, which members it gets and what every generated name is.
 * The only place that makes these decisions; {@link MethodPlan} records them.
 */
public final class Planner {

    private Planner() {}

    /**
     * The plan of one method, whose members are generated in the adjoint classes of {@code host}: its
     * own class {@code owner}'s, or, for a recursive helper of another class, those of the class that
     * reaches it.
     *
     * @param fields the gradient's fields, already chosen (differentiated parameters, record
     *        components, receiver fields)
     * @param reserved names generated parameters must not take (the method's parameter names)
     * @param thrown the checked exceptions it declares, which every generated member running its code declares too
     */
    public static MethodPlan plan(String key, String name, ClassRef owner, ClassRef host, boolean isStatic,
            boolean exposed, boolean hidden, List<MethodPlan.Param> params, boolean vector, int order, int checkpoints,
            List<MethodPlan.GradientField> fields, List<String> writtenArrays, String javadocSignature,
            dev.adjoint.processor.ir.JType receiver, List<dev.adjoint.processor.ir.JType> thrown, boolean storesFields) {
        Set<String> taken = new HashSet<>();
        params.forEach(p -> taken.add(p.name()));
        String self = isStatic ? null : fresh("self", taken);
        List<String> receiverLocals = new ArrayList<>();
        for (MethodPlan.GradientField f : fields) {
            if (f.parameter() < 0) {
                receiverLocals.add(fresh(f.name(), taken));
            }
        }
        String seed = fresh("seed", taken);
        String into = fresh("into", taken);
        List<String> directions = new ArrayList<>();
        for (MethodPlan.GradientField f : fields) {
            directions.add(fresh(Naming.direction(f.name()), taken));
        }
        String dSeed = fresh("d" + Naming.capitalize(seed), taken);
        String dInto = fresh("d" + Naming.capitalize(into), taken);
        Set<Member> members = EnumSet.of(Member.GRADIENT_CLASS, Member.PULLBACK, Member.TANGENT);
        if (fields.stream().anyMatch(f -> f.record() == null)) {
            // a record is data on the tape: with records only, nothing would be a Tensor
            members.add(Member.TENSOR);
        }
        members.add(vector ? Member.JACOBIAN : Member.GRADIENT);
        if (order == 2 && !vector) {
            members.add(Member.PULLBACK_TANGENT);
            members.add(Member.HVP);
            if (!fields.isEmpty() && fields.stream().allMatch(MethodPlan.GradientField::isScalar)) {
                members.add(Member.HESSIAN);
            }
        }
        return new MethodPlan(key, name, owner, isStatic, exposed, hidden, List.copyOf(params), vector, order, checkpoints,
                members, Naming.gradientClass(host, name), List.copyOf(fields),
                new MethodPlan.GeneratedNames(seed, into, self, dSeed, dInto, List.copyOf(directions),
                        List.copyOf(receiverLocals)),
                List.copyOf(writtenArrays), javadocSignature, receiver, List.copyOf(thrown), storesFields);
    }

    /** {@code wanted}, or with underscores appended until it is not taken; then taken. */
    static String fresh(String wanted, Set<String> taken) {
        String name = wanted;
        while (!taken.add(name)) {
            name = name + "_";
        }
        return name;
    }
}
