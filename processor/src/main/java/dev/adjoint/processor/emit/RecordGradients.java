package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.contract.MethodPlan.GradientField;
import dev.adjoint.processor.contract.RecordPlan;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/** The gradient classes of the records a class's methods take, nested in its adjoint API class ({@link FacadeWriter}). */
final class RecordGradients {

    private RecordGradients() {}

    /**
     * The type of the direction of {@code f} in the members that take one ({@code fTangent},
     * {@code fPullbackTangent}, {@code fHvp}): a number or an array as the input; for a record, the
     * record's type, or its gradient class when a canonical constructor could change or refuse a
     * direction ({@link RecordPlan#constructorDeclared}).
     */
    static TypeName directionType(GradientField f) {
        if (f.record() != null) {
            return f.record().constructorDeclared() ? Printer.className(f.record().gradient()) : Printer.type(f.type());
        }
        return f.isArray() ? ArrayTypeName.of(TypeName.DOUBLE) : TypeName.DOUBLE;
    }

    /**
     * For a record's direction {@code d} of its gradient class, a paragraph of Javadoc saying so and
     * why; else "" (a record of the input's type says what it is).
     */
    static String directionNote(GradientField f, String d) {
        return f.record() == null || !f.record().constructorDeclared() ? ""
                : "\n<p>{@code " + d + "} is a {@code " + Printer.className(f.record().gradient()).simpleName() + "}, one"
                        + " field per differentiable component, not a record: a\ncanonical constructor that does more than"
                        + " store its components (in the record or in one\namong its components) could change or refuse"
                        + " a direction.";
    }

    /**
     * {@code from.path}: the field of the gradient object {@code from} holding the component at
     * {@code path} of a record of {@code root} (the path's first name is the parameter's, its last
     * the component's).
     */
    static Expr component(RecordPlan root, List<String> path, Expr from) {
        RecordPlan r = root;
        for (String name : path.subList(1, path.size() - 1)) {
            r = r.components().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().record();
        }
        String name = path.get(path.size() - 1);
        RecordPlan.Component c = r.components().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return new Expr.FieldGet(from, r.gradient(), name, c.record() != null ? JType.named(c.record().gradient())
                : c.type(), false, null);
    }

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
        if (r.constructorDeclared()) {
            type.addJavadoc("<p>Also the type of a {@code $T}'s direction in the tangents: a record's canonical\n"
                    + "constructor that does more than store its components (in it or in a record among its\n"
                    + "components) could change or refuse a direction.\n", Printer.className(r.record()));
        }
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
