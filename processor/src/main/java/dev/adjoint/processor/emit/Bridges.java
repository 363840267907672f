package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.ClassRef;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.JType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * How generated code reaches what the user's class keeps private (a {@code private static final
 * double[]} table, a private helper): a method of the adjoint class, the bridge, that calls a
 * method handle found once with {@code MethodHandles.privateLookupIn} from the adjoint class's own
 * lookup (the same package and module as the user's class). A constant handle in a static final
 * field is inlined by the JIT like a direct call. A class whose name the adjoint class cannot write
 * (a class that is not public in another package, whose helper was inlined; a private nested class)
 * is looked up by its name.
 */
final class Bridges {

    private static final ClassName HIDDEN = ClassName.get("dev.adjoint.internal", "Hidden");

    private final Map<String, MethodSpec> methods = new LinkedHashMap<>();
    private final Map<String, FieldSpec> fields = new LinkedHashMap<>();
    /** The classes to look up by name (the reader decided which). */
    private final java.util.Set<ClassRef> byName;

    /** The types (as printed) of receivers held as a base of their class: see {@link #heldAsBase}. */
    private final java.util.Set<String> heldAsBase;

    Bridges(java.util.Set<ClassRef> byName, java.util.Set<String> heldAsBase) {
        this.byName = byName;
        this.heldAsBase = heldAsBase;
    }

    /** The bridge to a static field the adjoint class cannot name. */
    String staticField(Expr.StaticGet f) {
        String name = "get" + capital(f.name());
        String key = "static:" + f.owner() + "." + f.name();
        if (!methods.containsKey(key)) {
            String handle = handle(f.owner(), f.name());
            TypeName type = Printer.type(f.type());
            fields.put(key, FieldSpec.builder(MethodHandle.class, handle, Modifier.PRIVATE, Modifier.STATIC,
                    Modifier.FINAL).initializer("$T.staticGetter($T.lookup(), $L, $S, $T.class)", HIDDEN,
                    MethodHandles.class, classOf(f.owner()), f.name(), erasure(type)).build());
            methods.put(key, MethodSpec.methodBuilder(unique(name)).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc("{@code $L.$L}, which this class cannot name.\n", f.owner().simpleName(), f.name())
                    .returns(type)
                    .addCode(invoke(handle, type, List.of()))
                    .build());
        }
        return methods.get(key).name();
    }

    /** The bridge to an instance field the adjoint class cannot name: takes the object. */
    String field(Expr.FieldGet f) {
        return fieldBridge(f, false);
    }

    /** The bridge writing an instance field the adjoint class cannot name: takes the object and the value. */
    String fieldSetter(Expr.FieldGet f) {
        return fieldBridge(f, true);
    }

    private String fieldBridge(Expr.FieldGet f, boolean sets) {
        String key = (sets ? "set:" : "field:") + f.owner() + "." + f.name();
        if (!methods.containsKey(key)) {
            String handle = handle(f.owner(), (sets ? "set_" : "") + f.name());
            TypeName type = Printer.type(f.type());
            fields.put(key, FieldSpec.builder(MethodHandle.class, handle, Modifier.PRIVATE, Modifier.STATIC,
                    Modifier.FINAL).initializer(onReceiver(f.owner(), CodeBlock.of("$T.$L($T.lookup(), $L, $S, $T.class)",
                            HIDDEN, sets ? "setter" : "getter", MethodHandles.class, classOf(f.owner()), f.name(),
                            erasure(type)))).build());
            MethodSpec.Builder m = MethodSpec.methodBuilder(unique((sets ? "set" : "get") + capital(f.name())))
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc(sets ? "{@code self.$L = value}, which this class cannot write directly.\n"
                            : "{@code self.$L}, which this class cannot name.\n", f.name())
                    .addParameter(receiverType(f.owner()), "self");
            if (sets) {
                m.addParameter(type, "value").addCode(invoke(handle, TypeName.VOID, List.of(CodeBlock.of("self"),
                        CodeBlock.of("value"))));
            } else {
                m.returns(type).addCode(invoke(handle, type, List.of(CodeBlock.of("self"))));
            }
            methods.put(key, m.build());
        }
        return methods.get(key).name();
    }

    /**
     * Whether generated code holds {@code receiver} as a base of its class (a private nested class's
     * object, as {@code MethodPlan.receiver}): its instance methods are called through bridges, since
     * the base need not have them (an interface's).
     */
    boolean heldAsBase(Expr receiver) {
        return receiver != null && heldAsBase.contains(receiver.type().toString());
    }

    /** The bridge to a method the adjoint class cannot call: takes the receiver first for an instance method. */
    String method(Callee.Opaque o) {
        return method(o, false);
    }

    /** {@link #method(Callee.Opaque)}, taking the receiver as an {@code Object} when {@code anyReceiver}. */
    String method(Callee.Opaque o, boolean anyReceiver) {
        boolean onObject = anyReceiver || byName.contains(o.owner());
        String key = "method:" + o.describe() + (o.isStatic() ? "" : onObject ? "#object" : "#");
        if (!methods.containsKey(key)) {
            String handle = handle(o.owner(), o.name());
            TypeName result = o.returnType().kind() == JType.Kind.OTHER && o.returnType().mirror() != null
                    && o.returnType().mirror().getKind() == javax.lang.model.type.TypeKind.VOID
                    ? TypeName.VOID : Printer.type(o.returnType());
            List<CodeBlock> types = new ArrayList<>();
            types.add(CodeBlock.of("$T.class", erasure(result)));
            MethodSpec.Builder m = MethodSpec.methodBuilder(unique(o.name()))
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc("{@code $L}, which this class cannot name.\n", o.describe())
                    .returns(result);
            List<CodeBlock> args = new ArrayList<>();
            if (!o.isStatic()) {
                m.addParameter(onObject ? ClassName.OBJECT : Printer.className(o.owner()), "self");
                args.add(CodeBlock.of("self"));
            }
            for (int i = 0; i < o.parameterTypes().size(); i++) {
                TypeName t = Printer.type(o.parameterTypes().get(i));
                m.addParameter(ParameterSpec.builder(t, "a" + i).build());
                args.add(CodeBlock.of("a$L", i));
                types.add(CodeBlock.of("$T.class", erasure(t)));
            }
            CodeBlock lookup = CodeBlock.of("$T.$L($T.lookup(), $L, $S, $L)", HIDDEN,
                    o.isStatic() ? "staticMethod" : "virtualMethod", MethodHandles.class, classOf(o.owner()), o.name(),
                    CodeBlock.join(types, ", "));
            fields.put(key, FieldSpec.builder(MethodHandle.class, handle, Modifier.PRIVATE, Modifier.STATIC,
                    Modifier.FINAL).initializer(o.isStatic() || !onObject ? lookup
                            : CodeBlock.of("$T.onAnyReceiver($L)", HIDDEN, lookup)).build());
            methods.put(key, m.addCode(invoke(handle, result, args)).build());
        }
        return methods.get(key).name();
    }

    private final java.util.Set<String> taken = new java.util.HashSet<>();

    private String unique(String name) {
        String n = "hidden" + capital(name);
        while (!taken.add(n)) {
            n = n + "_";
        }
        return n;
    }

    private String handle(ClassRef owner, String name) {
        String n = (owner.simpleName() + "_" + name).toUpperCase(Locale.ROOT);
        while (!taken.add(n)) {
            n = n + "_";
        }
        return n;
    }

    private static CodeBlock invoke(String handle, TypeName result, List<CodeBlock> args) {
        CodeBlock call = CodeBlock.of("$L.invokeExact($L)", handle, CodeBlock.join(args, ", "));
        CodeBlock.Builder b = CodeBlock.builder().beginControlFlow("try");
        if (result.equals(TypeName.VOID)) {
            b.addStatement("$L", call);
        } else {
            b.addStatement("return ($T) $L", result, call);
        }
        return b.nextControlFlow("catch ($T t)", Throwable.class)
                .addStatement("throw $T.rethrow(t)", HIDDEN)
                .endControlFlow()
                .build();
    }

    /**
     * The type a bridge takes an instance of {@code owner} as: {@code owner}, or {@code Object} for a
     * class the adjoint class cannot name (a private nested class, whose objects generated code holds
     * as a superclass it can name).
     */
    private TypeName receiverType(ClassRef owner) {
        return byName.contains(owner) ? ClassName.OBJECT : Printer.className(owner);
    }

    /** The handle {@code lookup} of an instance member, adapted to take an {@code Object} receiver where needed. */
    private CodeBlock onReceiver(ClassRef owner, CodeBlock lookup) {
        return byName.contains(owner) ? CodeBlock.of("$T.onAnyReceiver($L)", HIDDEN, lookup) : lookup;
    }

    /** {@code Owner.class}, or the class looked up by its binary name when the adjoint class cannot name it. */
    private CodeBlock classOf(ClassRef ref) {
        if (byName.contains(ref)) {
            String binary = (ref.packageName().isEmpty() ? "" : ref.packageName() + ".")
                    + String.join("$", ref.simpleNames());
            return CodeBlock.of("$T.type($T.lookup(), $S)", HIDDEN, MethodHandles.class, binary);
        }
        return CodeBlock.of("$T.class", Printer.className(ref));
    }

    private static TypeName erasure(TypeName t) {
        if (t instanceof com.palantir.javapoet.ParameterizedTypeName p) {
            return p.rawType();
        }
        return t;
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** Adds the handles and bridges used so far to the class being written. */
    void addTo(TypeSpec.Builder type) {
        fields.values().forEach(type::addField);
        methods.values().forEach(type::addMethod);
    }
}
