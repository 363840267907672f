package dev.adjoint.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import dev.adjoint.processor.contract.MethodPlan;
import dev.adjoint.processor.contract.MethodPlan.GradientField;
import dev.adjoint.processor.contract.Naming;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code Tensor f(Tensor x, ...)}: a method on the tape as one node ({@link FacadeWriter}'s member).
 *
 * <p>A method with a number for its result runs its pullback when the node is made (grad mode on,
 * an input requiring grad), with seed 1, at the state its value comes from: the arrays, the
 * receiver's and other objects' fields and the static fields it reads as they are then. The
 * backward pass only scales that gradient by the output's, so nothing a training loop changes
 * between the forward and the backward pass changes the gradient, and the method runs once per
 * node (a method drawing random numbers gets the gradient of its value's draw). A method that
 * assigns fields then runs itself too, for what it stores (the pullback leaves objects as they were).
 * Not recorded, the method just runs.
 *
 * <p>A method with an array for its result cannot: its backward needs the output's gradient. Its
 * backward runs the pullback then, on copies of the data arrays taken when the node was made.
 */
final class TensorOverload {

    private final FacadeWriter.Method w;
    private final MethodPlan m;
    private final NameAllocator names;
    /** The unpacked values: a differentiated input's, a data array's copy, or another parameter as it is. */
    private final List<String> values = new ArrayList<>();
    /** The node's inputs, in the order of the backward's {@code grads}, and their values. */
    private final List<String> tensors = new ArrayList<>();
    private final List<String> tensorValues = new ArrayList<>();
    /** The values of the receiver's differentiated fields, which the tensors give. */
    private final List<String> fieldValues = new ArrayList<>();
    private final CodeBlock.Builder unpack = CodeBlock.builder();

    private TensorOverload(FacadeWriter.Method w) {
        this.w = w;
        this.m = w.m;
        this.names = w.reserved();
    }

    static MethodSpec of(FacadeWriter.Method w) {
        return new TensorOverload(w).build();
    }

    private MethodSpec build() {
        MethodSpec.Builder b = MethodSpec.methodBuilder(m.name()).addModifiers(w.access).returns(FacadeWriter.TENSOR);
        parameters(b, m.vector());
        b.addCode(unpack.build());
        if (m.vector()) {
            b.addJavadoc("Runs {@link $T#$L} on the tape: one node, {@code $L}, whose backward calls\n"
                            + "{@code $L}. Arrays passed as data are copied: the backward pass sees them as they\n"
                            + "were here; the fields of objects it reads (the receiver's, a parameter's) it reads then.\n",
                    w.owner, m.javadocSignature(), Naming.gradFn(m.name()), Naming.pullback(m.name()));
            return lazy(b);
        }
        b.addJavadoc("Runs {@link $T#$L} on the tape: one node, {@code $L}. When it is recorded (grad\n"
                        + "mode on, an input requiring grad), {@code $L} computes its gradient here, at the\n"
                        + "state its value comes from (data arrays, the fields of objects it reads): the\n"
                        + "backward pass scales it, so what changes in between does not change the gradient.\n",
                w.owner, m.javadocSignature(), Naming.gradFn(m.name()), Naming.pullback(m.name()));
        return eager(b);
    }

    /** The overload's parameters, and the statements unpacking them (copying data arrays when {@code copies}). */
    private void parameters(MethodSpec.Builder b, boolean copies) {
        if (m.isInstance()) {
            b.addParameter(Printer.type(m.receiver()), m.names().self());
            // the receiver's differentiated fields come as tensors, named after them
            List<GradientField> fields = m.receiverFields();
            for (int i = 0; i < fields.size(); i++) {
                String tensor = m.names().receiverLocals().get(i);
                String value = names.newName(tensor + "Value");
                b.addParameter(FacadeWriter.TENSOR, tensor);
                unpack.addStatement(fields.get(i).isArray() ? "final double[] $N = $N.toArray()"
                        : "final double $N = $N.item()", value, tensor);
                fieldValues.add(value);
                tensors.add(tensor);
                tensorValues.add(value);
            }
        }
        for (MethodPlan.Param param : m.params()) {
            boolean record = m.fields().stream().anyMatch(f -> f.record() != null && f.name().equals(param.name()));
            if (param.differentiated() && !record) {
                String value = names.newName(param.name() + "Value");
                b.addParameter(FacadeWriter.TENSOR, param.name());
                unpack.addStatement(param.type().isDoubleArray() ? "final double[] $N = $N.toArray()"
                        : "final double $N = $N.item()", value, param.name());
                values.add(value);
                tensors.add(param.name());
                tensorValues.add(value);
            } else if (param.type().isArray() && copies) {
                String value = names.newName(param.name() + "Value");
                b.addParameter(ParameterSpec.builder(Printer.type(param.type()), param.name()).build());
                String t = param.type().toString();
                unpack.addStatement("final $T $N = $T.$N($N)", Printer.type(param.type()), value, FacadeWriter.SNAPSHOTS,
                        t.equals("double[]") || t.equals("int[]") || t.equals("double[][]") ? "copy" : "deepCopy",
                        param.name());
                values.add(value);
            } else {
                b.addParameter(ParameterSpec.builder(Printer.type(param.type()), param.name()).build());
                values.add(param.name());
            }
        }
    }

    /** The method's own arguments, written arrays as copies: the node keeps the values it was called with. */
    private List<String> own() {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < m.params().size(); k++) {
            boolean written = m.writtenArrays().contains(m.params().get(k).name());
            out.add(written ? values.get(k) + ".clone()" : values.get(k));
        }
        return out;
    }

    /** The pullback's arguments but the seed and the holder: the receiver, its fields' values, the method's own. */
    private String pullbackArguments() {
        List<String> args = new ArrayList<>();
        if (m.isInstance()) {
            args.add(m.names().self());
        }
        args.addAll(fieldValues);
        args.addAll(own());
        return String.join(", ", args);
    }

    /** The pullback: the facade's, or the implementation's where the fields come as values. */
    private CodeBlock pullback() {
        return fieldValues.isEmpty() ? CodeBlock.of("$N", Naming.pullback(m.name()))
                : CodeBlock.of("$T.$N", w.impl, Naming.pullback(m.name()));
    }

    /** The tape's inputs: the gradient's fields but records' (a record is data on the tape). */
    private List<GradientField> onTape() {
        return m.fields().stream().filter(f -> f.record() == null).toList();
    }

    /** Allocates the holder's arrays of records' array components (their gradients are computed, and dropped). */
    private void recordArrays(CodeBlock.Builder code, String g) {
        for (GradientField f : m.fields()) {
            if (f.record() != null) {
                for (FacadeWriter.ArrayLeaf leaf : w.arrayLeaves()) {
                    if (leaf.gradient().startsWith(f.name() + ".")) {
                        code.addStatement("$N.$L = new double[$L.length]", g, leaf.gradient(), leaf.value());
                    }
                }
            }
        }
    }

    private CodeBlock primal() {
        return w.primalCall(own(), fieldValues.stream().map(v -> CodeBlock.of("$N", v)).toList());
    }

    /** A number's node: the pullback runs now, with seed 1; the backward scales its gradient. */
    private MethodSpec eager(MethodSpec.Builder b) {
        String requires = tensors.stream().map(t -> t + ".requiresGrad()").collect(Collectors.joining(" || "));
        b.beginControlFlow("if (!$T.isGradEnabled() || !$L)", FacadeWriter.TENSOR,
                        tensors.size() == 1 ? requires : "(" + requires + ")")
                .addStatement("return $T.scalar($L)", FacadeWriter.TENSOR, primal())
                .endControlFlow();
        String g = names.newName("gradient");
        String value = names.newName("value");
        b.addComment("the gradient at the state the value comes from: the backward pass scales it");
        b.addStatement("final $T $N = new $T()", w.gradient, g, w.gradient);
        List<GradientField> onTape = onTape();
        for (int i = 0; i < onTape.size(); i++) {
            if (onTape.get(i).isArray()) {
                b.addStatement("$N.$N = new double[$N.length]", g, onTape.get(i).name(), tensorValues.get(i));
            }
        }
        CodeBlock.Builder records = CodeBlock.builder();
        recordArrays(records, g);
        b.addCode(records.build());
        b.addStatement("final double $N = $L($L, 1.0, $N)", value, pullback(), pullbackArguments(), g);
        if (m.storesFields()) {
            // the pullback leaves the receiver as it was: the method itself writes the fields it stores
            b.addStatement("$L", primal());
        }
        String upstream = names.newName("upstream");
        String grads = names.newName("grads");
        String k = names.newName("k");
        CodeBlock.Builder backward = CodeBlock.builder();
        for (int i = 0; i < onTape.size(); i++) {
            String field = onTape.get(i).name();
            if (onTape.get(i).isArray()) {
                backward.beginControlFlow("for (int $N = 0; $N < $N[$L].length; $N++)", k, k, grads, i, k)
                        .addStatement("$N[$L][$N] += $N[0] * $N.$N[$N]", grads, i, k, upstream, g, field, k)
                        .endControlFlow();
            } else {
                backward.addStatement("$N[$L][0] += $N[0] * $N.$N", grads, i, upstream, g, field);
            }
        }
        b.addCode("return $T.function($S, $N, ($N, $N) -> {\n$>$L$<}, $L);\n", FacadeWriter.TENSOR,
                Naming.gradFn(m.name()), value, upstream, grads, backward.build(), String.join(", ", tensors));
        return b.build();
    }

    /** An array's node: its backward runs the pullback with the output's gradient. */
    private MethodSpec lazy(MethodSpec.Builder b) {
        String upstream = names.newName("upstream");
        String grads = names.newName("grads");
        String g = names.newName("gradient");
        CodeBlock.Builder backward = CodeBlock.builder().addStatement("$T $N = new $T()", w.gradient, g, w.gradient);
        recordArrays(backward, g);
        List<GradientField> onTape = onTape();
        for (int i = 0; i < onTape.size(); i++) {
            if (onTape.get(i).isArray()) {
                // the pullback adds straight into the tape's gradient of that input
                backward.addStatement("$N.$N = $N[$L]", g, onTape.get(i).name(), grads, i);
            }
        }
        // the pullback runs the method again: on fresh copies of what it writes, for every backward
        backward.addStatement("$L($L, $N, $N)", pullback(), pullbackArguments(), upstream, g);
        for (int i = 0; i < onTape.size(); i++) {
            if (onTape.get(i).isScalar()) {
                backward.addStatement("$N[$L][0] += $N.$N", grads, i, g, onTape.get(i).name());
            }
        }
        CodeBlock backwardCode = backward.build();
        if (!m.thrown().isEmpty()) {
            // the pullback declares the method's checked exceptions; the backward, a lambda, cannot let them
            // out. It runs the method at the values its forward ran it at, where it returned a value.
            String e = names.newName("e");
            backwardCode = CodeBlock.builder().beginControlFlow("try").add(backwardCode)
                    .nextControlFlow("catch ($T $N)", RuntimeException.class, e)
                    .addStatement("throw $N", e)
                    .nextControlFlow("catch ($T $N)", Exception.class, e)
                    .addStatement("throw new $T($S, $N)", IllegalStateException.class, m.name() + " threw in the "
                            + "backward pass at the values where its forward pass returned: does it read state "
                            + "that changed in between?", e)
                    .endControlFlow().build();
        }
        b.addCode("return $T.function($S, $L, ($N, $N) -> {\n$>$L$<}, $L);\n", FacadeWriter.TENSOR,
                Naming.gradFn(m.name()), primal(), upstream, grads, backwardCode, String.join(", ", tensors));
        return b.build();
    }
}
