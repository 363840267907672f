package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.contract.RecordPlan;
import java.util.Arrays;
import javax.lang.model.element.Modifier;

/** The gradient classes of the records a class's methods take, nested in its adjoint API class ({@link FacadeWriter}). */
final class RecordGradients {

    private RecordGradients() {}

    /**
     * {@code ParamsGradient}: the gradient of a record's differentiable components, one field per
     * component, named after it; a nested record's is an object of its own gradient class.
     */
    static TypeSpec of(RecordPlan r) {
        ClassName name = Printer.className(r.gradient());
        TypeSpec.Builder type = TypeSpec.classBuilder(name)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The gradient of a {@link $T}'s differentiable components, one field per component.\n",
                        Printer.className(r.record()));
        MethodSpec.Builder zero = MethodSpec.methodBuilder("zero").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Sets every component to zero.\n");
        CodeBlock.Builder text = CodeBlock.builder().add("return $S", "{");
        for (int i = 0; i < r.components().size(); i++) {
            RecordPlan.Component c = r.components().get(i);
            String sep = (i == 0 ? "" : ", ") + c.name() + "=";
            if (c.record() != null) {
                ClassName nested = Printer.className(c.record().gradient());
                type.addField(FieldSpec.builder(nested, c.name(), Modifier.PUBLIC, Modifier.FINAL)
                        .initializer("new $T()", nested).build());
                zero.addStatement("this.$N.zero()", c.name());
                text.add(" + $S + this.$N", sep, c.name());
            } else if (c.type().isDoubleArray()) {
                type.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.name(), Modifier.PUBLIC).build());
                zero.beginControlFlow("if (this.$N != null)", c.name())
                        .addStatement("$T.fill(this.$N, 0.0)", Arrays.class, c.name()).endControlFlow();
                text.add(" + $S + $T.toString(this.$N)", sep, Arrays.class, c.name());
            } else {
                type.addField(FieldSpec.builder(TypeName.DOUBLE, c.name(), Modifier.PUBLIC).build());
                zero.addStatement("this.$N = 0.0", c.name());
                text.add(" + $S + this.$N", sep, c.name());
            }
        }
        text.add(" + $S", "}");
        return type.addMethod(zero.build())
                .addMethod(MethodSpec.methodBuilder("toString").addAnnotation(Override.class)
                        .addModifiers(Modifier.PUBLIC).returns(String.class).addStatement(text.build()).build())
                .build();
    }
}
