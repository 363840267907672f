package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.contract.Naming;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The members beside the derivative members of a method with equality tests of differentiated
 * values (normalize.Shortcuts): {@code f$gap}, how far the method's value is from its code
 * around's, and {@code f$kept}, which tests the code around keeps as written. {@code f$around}
 * itself is emitted as the other bodies are ({@link ImplWriter}).
 */
final class AroundMembers {

    private AroundMembers() {}

    /** What the derivative members of a method with equality tests say of them. */
    static String note(ImplWriter.Done d) {
        return d.around() == null ? "" : "\nWhere an equality test of a differentiated value holds, the derivative of the code"
                + " around the point ({@code " + Naming.around(d.plan().name()) + "}) where it gives the same value ({@code "
                + Naming.gap(d.plan().name()) + "} is a number), else the branch's own.";
    }

    /**
     * Which of a method's equality tests its code around keeps as written, fewest first: the first
     * choice under which it gives the method's value ({@code f$gap} is a number), else -1. At a
     * point where a guard against 0/0 holds, failing it never agrees; kept, the other tests still
     * fail, and their shortcuts take the code around's derivative.
     */
    static MethodSpec kept(ImplWriter.Done d) {
        List<String> params = ImplWriter.parameters(d.method()).stream().map(v -> v.name).toList();
        String args = String.join(", ", params);
        String count = unused("_count", params);
        String choice = unused("_choice", params);
        String valueLocal = unused("_value", params);
        String thrown = unused("_thrown", params);
        int tests = d.keptTests();
        MethodSpec.Builder m = MethodSpec.methodBuilder(Naming.kept(d.plan().name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The equality tests of {@code $L} that its code around keeps as written (bit i for test i), "
                        + "fewest first, such that it gives the method's value; -1 where no choice does.\n",
                        d.plan().javadocSignature())
                .addParameters(ImplWriter.parameterSpecs(d.method()))
                .returns(TypeName.INT)
                .addStatement("double $N = $L", valueLocal, primal(d, args))
                .beginControlFlow("for (int $N = 0; $N < $L; $N++)", count, count, tests, count)
                .beginControlFlow("for (int $N = 0; $N < $L; $N++)", choice, choice, (1 << tests) - 1, choice)
                .beginControlFlow("if ($T.bitCount($N) != $N)", Integer.class, choice, count)
                .addStatement("continue")
                .endControlFlow()
                .beginControlFlow("try")
                .beginControlFlow("if (!$T.isNaN($T.gap($N, $N($L))))", Double.class, RUNTIME, valueLocal,
                        Naming.around(d.plan().name()), args.isEmpty() ? choice : args + ", " + choice)
                .addStatement("return $N", choice)
                .endControlFlow()
                .nextControlFlow("catch ($T | $T $N)", RuntimeException.class, StackOverflowError.class, thrown)
                .addCode("// this choice's code around throws or recurses for ever: no agreement\n");
        if (!d.plan().thrown().isEmpty()) {
            m.nextControlFlow("catch ($T $N)", Exception.class, thrown)
                    .addCode("// or throws one of the method's checked exceptions\n");
        }
        return m.endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .addStatement("return -1")
                .build();
    }

    /**
     * How far the method's value is from its code around's at the same arguments, NaN where they do
     * not agree (or the code around throws): the derivative members take the code around's
     * derivative where this is a number.
     */
    static MethodSpec gap(ImplWriter.Done d) {
        List<String> params = ImplWriter.parameters(d.method()).stream().map(v -> v.name).toList();
        String args = String.join(", ", params);
        String around = Naming.around(d.plan().name());
        CodeBlock value = primal(d, args);
        String valueLocal = unused("_value", params);
        String aroundLocal = unused("_around", params);
        String thrown = unused("_thrown", params);
        String aroundArgs = args;
        MethodSpec.Builder m = MethodSpec.methodBuilder(Naming.gap(d.plan().name()))
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("{@code $L} minus {@code $N} at the same arguments where the two agree (the code around the "
                        + "point gives the method's value), else NaN: a guard against 0/0, a shortcut to another value, or "
                        + "code around that throws or recurses for ever.\n", d.plan().javadocSignature(), around)
                .addParameters(ImplWriter.parameterSpecs(d.method()))
                .returns(TypeName.DOUBLE);
        if (d.keptTests() > 0) {
            String kept = d.kept().name;
            aroundArgs = args.isEmpty() ? kept : args + ", " + kept;
            m.addJavadoc("{@code $N}: the tests the code around keeps as written ({@code $N}); -1, none: NaN.\n", kept,
                    Naming.kept(d.plan().name()))
                    .addParameter(TypeName.INT, kept)
                    .beginControlFlow("if ($N < 0)", kept)
                    .addStatement("return $T.NaN", Double.class)
                    .endControlFlow();
        }
        m.addStatement("double $N = $L", valueLocal, value)
                .addStatement("double $N", aroundLocal)
                .beginControlFlow("try")
                .addStatement("$N = $N($L)", aroundLocal, around, aroundArgs)
                // a code around may recurse for ever where the method does not (x == 0 ends a recursion)
                .nextControlFlow("catch ($T | $T $N)", RuntimeException.class, StackOverflowError.class, thrown)
                .addStatement("return $T.NaN", Double.class);
        if (!d.plan().thrown().isEmpty()) {
            // or throw one of the method's checked exceptions where the method returns
            m.nextControlFlow("catch ($T $N)", Exception.class, thrown).addStatement("return $T.NaN", Double.class);
        }
        return m.endControlFlow()
                .addStatement("return $T.gap($N, $N)", RUNTIME, valueLocal,
                        aroundLocal)
                .build();
    }

    /** The runtime's {@code Shortcuts}: {@code gap}, {@code finite}. */
    private static final ClassName RUNTIME = ClassName.get("dev.adjoint.internal", "Shortcuts");

    /**
     * The call of the method itself at {@code args}: its copy in the implementation when it is
     * private or an instance method (which takes the receiver and its fields' values).
     */
    private static CodeBlock primal(ImplWriter.Done d, String args) {
        return d.plan().hidden() || d.method().isInstance() ? CodeBlock.of("$N($L)", d.plan().name(), args)
                : CodeBlock.of("$T.$N($L)", Printer.className(d.method().owner()), d.plan().name(), args);
    }

    /** {@code name}, with underscores after it until no parameter has it. */
    private static String unused(String name, List<String> taken) {
        String out = name;
        while (taken.contains(out)) {
            out += "_";
        }
        return out;
    }
}
