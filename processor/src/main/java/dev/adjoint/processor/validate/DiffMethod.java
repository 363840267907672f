package dev.adjoint.processor.validate;

import com.sun.source.util.TreePath;
import dev.adjoint.processor.ir.MethodIr;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Differentiable} method that passed validation: its element, its source path, the
 * class holding it, its parameters with the ones to differentiate marked, and the order of
 * derivatives asked for ({@code 1} or {@code 2}).
 */
public record DiffMethod(ExecutableElement element, TreePath path, TypeElement owner, List<MethodIr.Param> params,
        int order) {

    public String name() {
        return element.getSimpleName().toString();
    }
}
