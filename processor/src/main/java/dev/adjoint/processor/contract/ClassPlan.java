package dev.adjoint.processor.contract;

import dev.adjoint.processor.ir.ClassRef;
import java.util.List;

/** What is generated for one class: its adjoint API class, its implementation class, each method's plan. */
public record ClassPlan(ClassRef owner, ClassRef adjoint, ClassRef impl, List<MethodPlan> methods,
        List<RecordPlan> records) {}
